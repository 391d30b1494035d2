//! [`Trainer`]: runs a checked configuration on a dataset, a few batches at a time.
//!
//! The browser worker calls [`Trainer::run_batches`] with a handful of batches per slice of
//! time; the CLI calls it for a whole epoch. A call never crosses an epoch boundary, so the
//! caller can evaluate between epochs. Each epoch visits the samples in a fresh permutation
//! drawn from the seed; the last batch of an epoch may be smaller, as in Keras.
//!
//! If a loss or a gradient is not finite, the step is not applied: training stops with
//! [`Outcome::Diverged`] and the model keeps its last finite weights. Finite gradients can
//! still overflow the weights or the optimizer's state (a huge step); every
//! [`FINITE_CHECK_STEPS`] updates, and at the end of every epoch, both are checked and a copy
//! of them kept, so a run that overflowed also stops with [`Outcome::Diverged`], back at the
//! last weights and state found finite.
//!
//! [`Trainer::checkpoint`] writes the run as a model file that can continue
//! ([`crate::checkpoint`]); [`Trainer::resume`] continues it.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::checkpoint::{Position, TrainingState, TrainingView};
use crate::data::TrainingData;
use crate::loss::Targets;
use crate::metrics::{Evaluation, evaluate, predicted_classes};
use crate::model::Penalties;
use crate::{CheckedConfig, Dataset, Error, ModelFileReason, Optimizer, Result, Sequential};

/// Updates between two checks that the weights and the optimizer's state are finite.
pub const FINITE_CHECK_STEPS: u32 = 64;

/// Where a run stands after a call to [`Trainer::run_batches`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// More batches remain in this epoch.
    Running,
    /// The call finished an epoch; more epochs remain.
    EpochComplete,
    /// The call finished the last epoch.
    Finished,
    /// A loss or gradient became non-finite; the step was not applied.
    Diverged,
}

/// Progress after a call to [`Trainer::run_batches`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// The epoch the call worked in, from 1.
    pub epoch: usize,
    /// Batches done in that epoch.
    pub batch: usize,
    /// Batches per epoch.
    pub batches_per_epoch: usize,
    /// Samples this call trained on.
    pub samples: usize,
    /// Mean loss over the epoch so far (what Keras's progress bar shows).
    pub loss: f64,
    /// Accuracy over the epoch so far (NaN for a regression).
    pub accuracy: f64,
    /// Loss of the call's last batch.
    pub last_batch_loss: f64,
    /// Where the run stands.
    pub outcome: Outcome,
}

/// A model, its optimizer and its place in a training run.
pub struct Trainer {
    config: CheckedConfig,
    model: Sequential<f32>,
    optimizer: Optimizer<f32>,
    epoch: usize,
    batch: usize,
    order: Vec<u32>,
    /// Samples the current epoch's order covers (kept when resumed mid-epoch, before the
    /// order is drawn again).
    epoch_samples: usize,
    loss_sum: f64,
    correct: usize,
    seen: usize,
    diverged: bool,
    labels: Vec<u8>,
    /// The batch's values to regress, `[batch, outputs]` (unused for classes).
    values: ndarray::Array2<f32>,
    /// Whether the data last trained on is a regression (whose reports have no accuracy).
    regression: bool,
    /// The last weights and optimizer state found finite.
    finite: FiniteCopy,
    unchecked_steps: u32,
}

/// A copy of the weights and the optimizer's state, for going back after an overflow.
struct FiniteCopy {
    weights: Vec<Vec<f32>>,
    optimizer: Optimizer<f32>,
}

impl FiniteCopy {
    fn of(model: &mut Sequential<f32>, optimizer: &Optimizer<f32>) -> Self {
        FiniteCopy {
            weights: model
                .params_mut()
                .iter()
                .map(|p| p.value.to_vec())
                .collect(),
            optimizer: optimizer.clone(),
        }
    }

    fn update(&mut self, model: &mut Sequential<f32>, optimizer: &Optimizer<f32>) {
        for (copy, p) in self.weights.iter_mut().zip(model.params_mut()) {
            copy.copy_from_slice(p.value);
        }
        self.optimizer.copy_from(optimizer);
    }

    fn restore(&self, model: &mut Sequential<f32>, optimizer: &mut Optimizer<f32>) {
        for (copy, p) in self.weights.iter().zip(model.params_mut()) {
            p.value.copy_from_slice(copy);
        }
        optimizer.copy_from(&self.optimizer);
    }
}

impl Trainer {
    /// A fresh model initialised from the configuration's seed.
    pub fn new(config: CheckedConfig) -> Result<Self> {
        let model = Sequential::from_spec(&config.model, config.training.seed)?;
        Ok(Trainer::with_model(config, model))
    }

    /// Continues training `model` (e.g. loaded from a file) under `config`, whose pixel mode
    /// the model then records.
    pub fn with_model(config: CheckedConfig, mut model: Sequential<f32>) -> Self {
        model.set_pixels(config.training.pixels);
        model.set_dataset(config.training.dataset);
        let optimizer = Optimizer::new(config.training.optimizer);
        let finite = FiniteCopy::of(&mut model, &optimizer);
        Trainer {
            optimizer,
            config,
            model,
            epoch: 0,
            batch: 0,
            order: Vec::new(),
            epoch_samples: 0,
            loss_sum: 0.0,
            correct: 0,
            seen: 0,
            diverged: false,
            labels: Vec::new(),
            values: ndarray::Array2::zeros((0, 0)),
            regression: false,
            finite,
            unchecked_steps: 0,
        }
    }

    /// Continues a run from a checkpoint's model and state ([`crate::model_file::read`]):
    /// the configuration in force, the optimizer with its state and step count, the epoch at
    /// its batch. Given the same data, the rest of the epoch visits the samples it would have.
    ///
    /// # Errors
    /// If the state is not for this model ([`ModelFileReason::TrainingOtherModel`]).
    pub fn resume(model: Sequential<f32>, state: TrainingState) -> Result<Self> {
        let other_model = || Error::ModelFile(ModelFileReason::TrainingOtherModel);
        if state.config.model != *model.spec()
            || state.config.training.pixels != model.pixels()
            || state.config.training.dataset != model.dataset()
        {
            return Err(other_model());
        }
        let mut trainer = Trainer::with_model(state.config, model);
        let per = trainer.optimizer.slots().len();
        let lengths: Vec<usize> = trainer
            .model
            .params_mut()
            .iter()
            .map(|p| p.value.len())
            .collect();
        let fits = state.optimizer_state.is_empty()
            || (state.optimizer_state.len() == lengths.len()
                && state
                    .optimizer_state
                    .iter()
                    .zip(&lengths)
                    .all(|(t, &n)| t.len() == per && t.iter().all(|slot| slot.len() == n)));
        if !fits {
            return Err(other_model());
        }
        trainer.optimizer = Optimizer::resume(
            trainer.config.training.optimizer,
            state.optimizer_steps,
            state.optimizer_state,
        );
        let p = state.position;
        trainer.epoch = p.epochs_done;
        trainer.batch = p.batch;
        trainer.seen = p.seen;
        trainer.epoch_samples = p.epoch_samples;
        trainer.loss_sum = p.loss_sum;
        trainer.correct = p.correct;
        trainer.finite = FiniteCopy::of(&mut trainer.model, &trainer.optimizer);
        Ok(trainer)
    }

    /// Where the run stands inside its epochs.
    pub fn position(&self) -> Position {
        Position {
            epochs_done: self.epoch,
            batch: self.batch,
            seen: self.seen,
            epoch_samples: self.epoch_samples,
            loss_sum: self.loss_sum,
            correct: self.correct,
        }
    }

    /// The run as a checkpoint: a model file that also holds the configuration in force, the
    /// position and the optimizer's state ([`crate::checkpoint`]).
    pub fn checkpoint(&self) -> Vec<u8> {
        crate::model_file::write(
            &self.model,
            Some(&TrainingView {
                config: &self.config,
                position: self.position(),
                optimizer: &self.optimizer,
            }),
        )
    }

    /// The model being trained.
    pub fn model(&self) -> &Sequential<f32> {
        &self.model
    }

    /// The model, mutably (for predictions between steps).
    pub fn model_mut(&mut self) -> &mut Sequential<f32> {
        &mut self.model
    }

    /// The configuration.
    pub fn config(&self) -> &CheckedConfig {
        &self.config
    }

    /// Epochs completed.
    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    /// Optimizer updates applied so far.
    pub fn steps(&self) -> u64 {
        self.optimizer.steps()
    }

    /// Whether every epoch has run, or training diverged.
    pub fn is_done(&self) -> bool {
        self.diverged || self.epoch >= self.config.training.epochs
    }

    /// Changes the learning rate from the next step on.
    pub fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()> {
        self.config.set_learning_rate(learning_rate)
    }

    /// Changes the batch size from the next step on.
    pub fn set_batch_size(&mut self, batch_size: usize) -> Result<()> {
        self.config.set_batch_size(batch_size)
    }

    /// Applies new training settings (epochs, optimizer, penalties, seed, subset, …) to the
    /// model as it is, from the next batch on: nothing trained is lost. A new optimizer starts
    /// its state afresh; more epochs than done let a finished run go on; a run stopped by
    /// divergence (at its last finite weights) may go on with, say, a smaller learning rate.
    ///
    /// The pixel mode and the dataset stay the model's: its weights were trained on them.
    ///
    /// # Errors
    /// If the settings do not check with this model.
    pub fn retune(&mut self, mut training: crate::TrainConfig) -> Result<()> {
        training.pixels = self.config.training.pixels;
        training.dataset = self.config.training.dataset;
        let checked = crate::Config {
            model: self.config.model.clone(),
            training,
        }
        .check()?;
        if checked.training.optimizer != self.config.training.optimizer {
            self.optimizer = Optimizer::new(checked.training.optimizer);
        }
        self.config = checked;
        self.diverged = false;
        self.finite.update(&mut self.model, &self.optimizer);
        Ok(())
    }

    /// The optimizer and its running state.
    pub fn optimizer(&self) -> &Optimizer<f32> {
        &self.optimizer
    }

    /// The weight penalties of the configuration.
    pub fn penalties(&self) -> Penalties {
        Penalties {
            l1: self.config.training.l1,
            l2: self.config.training.l2,
        }
    }

    fn check_data(&self, data: &Dataset) -> Result<()> {
        if data.is_empty() {
            return Err(Error::Dataset(crate::DatasetReason::EmptyTraining));
        }
        self.model.check_fits(data)
    }

    /// Trains on up to `max_batches` batches of `data`, stopping early at the end of an epoch.
    /// An epoch visits the samples [`TrainingData::samples_per_epoch`] gives for the run's
    /// `train_subset`: a [`Dataset`]'s first `train_subset`, all of a [`crate::Mix`].
    pub fn run_batches<D: TrainingData + ?Sized>(
        &mut self,
        data: &D,
        max_batches: usize,
    ) -> Result<StepReport> {
        let samples = data.samples_per_epoch(self.config.training.train_subset);
        let data = data.dataset();
        self.check_data(data)?;
        self.regression = data.values().is_some();
        let batch_size = self.config.training.batch_size;
        let batches_per_epoch = samples.div_ceil(batch_size);
        if self.is_done() {
            return Ok(self.report(batches_per_epoch, 0, f64::NAN, false));
        }
        if (self.batch == 0 && self.seen == 0) || self.order.len() != samples {
            let resumed = self.order.is_empty() && self.seen > 0 && self.epoch_samples == samples;
            if resumed {
                // Mid-epoch from a checkpoint: the epoch's own order, where it left off.
                self.order = epoch_order(self.config.training.seed, self.epoch, samples);
            } else {
                // A new epoch — or different data mid-epoch, whose permutation is redrawn.
                self.restart_epoch(samples);
            }
        }
        let mut trained = 0;
        let mut last_batch_loss = f64::NAN;
        let loss = self.config.training.loss;
        let pixels = self.config.training.pixels;
        let penalties = self.penalties();
        let mut done_batches = 0;
        while done_batches < max_batches && self.seen < samples {
            let start = self.seen;
            let end = (start + batch_size).min(samples);
            let n = end - start;
            self.model.forward_samples(
                data,
                &self.order[start..end],
                pixels,
                &mut self.labels,
                true,
            );
            let regression = self.regression;
            let targets = if regression {
                data.gather_values(&self.order[start..end], &mut self.values);
                Targets::Values(self.values.view())
            } else {
                Targets::Classes(&self.labels)
            };
            let batch_loss = self.model.backward(loss, targets, penalties);
            if !batch_loss.is_finite() || !self.model.gradients_are_finite() {
                self.diverge();
                return Ok(self.report(batches_per_epoch, trained, f64::from(batch_loss), false));
            }
            // A regression has no accuracy: its reports' accuracy is NaN.
            let correct = if regression {
                0
            } else {
                let probabilities = self.model.last_probabilities();
                predicted_classes(probabilities, 0.5)
                    .zip(&self.labels)
                    .filter(|(p, t)| p == *t)
                    .count()
            };
            let learning_rate = self.config.training.learning_rate;
            self.optimizer
                .step(learning_rate, &mut self.model.params_mut());
            self.unchecked_steps += 1;
            let epoch_ends = end >= samples;
            if (self.unchecked_steps >= FINITE_CHECK_STEPS || epoch_ends) && !self.keep_if_finite()
            {
                self.diverge();
                return Ok(self.report(batches_per_epoch, trained, f64::from(batch_loss), false));
            }
            self.loss_sum += f64::from(batch_loss) * n as f64;
            self.correct += correct;
            self.seen = end;
            self.batch += 1;
            trained += n;
            done_batches += 1;
            last_batch_loss = f64::from(batch_loss);
        }
        let epoch_over = self.seen >= samples;
        let report = self.report(batches_per_epoch, trained, last_batch_loss, epoch_over);
        if epoch_over {
            self.epoch += 1;
            self.batch = 0;
            self.seen = 0;
            self.loss_sum = 0.0;
            self.correct = 0;
        }
        Ok(report)
    }

    fn restart_epoch(&mut self, samples: usize) {
        self.batch = 0;
        self.seen = 0;
        self.loss_sum = 0.0;
        self.correct = 0;
        self.epoch_samples = samples;
        self.order = epoch_order(self.config.training.seed, self.epoch, samples);
    }

    /// Whether the weights and the optimizer's state are finite; if so, they are kept as the
    /// ones to go back to.
    fn keep_if_finite(&mut self) -> bool {
        self.unchecked_steps = 0;
        let finite = self
            .model
            .params_mut()
            .iter()
            .all(|p| crate::kernels::all_finite(p.value))
            && self
                .optimizer
                .state()
                .iter()
                .flatten()
                .all(|slot| crate::kernels::all_finite(slot));
        if finite {
            self.finite.update(&mut self.model, &self.optimizer);
        }
        finite
    }

    /// Stops the run, back at the last finite weights and state if the current ones are not.
    fn diverge(&mut self) {
        self.diverged = true;
        if !self.keep_if_finite() {
            self.finite.restore(&mut self.model, &mut self.optimizer);
        }
    }

    fn report(
        &self,
        batches_per_epoch: usize,
        samples: usize,
        last_batch_loss: f64,
        epoch_over: bool,
    ) -> StepReport {
        let last_epoch = self.epoch + 1 >= self.config.training.epochs;
        let outcome = match (self.diverged, epoch_over, last_epoch) {
            (true, _, _) => Outcome::Diverged,
            (false, true, true) => Outcome::Finished,
            (false, true, false) => Outcome::EpochComplete,
            (false, false, _) if self.epoch >= self.config.training.epochs => Outcome::Finished,
            (false, false, _) => Outcome::Running,
        };
        let seen = self.seen.max(1) as f64;
        StepReport {
            epoch: (self.epoch + 1).min(self.config.training.epochs),
            batch: self.batch,
            batches_per_epoch,
            samples,
            loss: self.loss_sum / seen,
            accuracy: if self.regression {
                f64::NAN
            } else {
                self.correct as f64 / seen
            },
            last_batch_loss,
            outcome,
        }
    }

    /// Whether training stopped on a non-finite loss, gradient, weight or optimizer state.
    pub fn diverged(&self) -> bool {
        self.diverged
    }

    /// Trains the rest of the current epoch.
    pub fn run_epoch<D: TrainingData + ?Sized>(&mut self, data: &D) -> Result<StepReport> {
        self.run_batches(data, usize::MAX)
    }

    /// Evaluates the model on `data` with the run's loss, pixel mode and penalties.
    ///
    /// # Errors
    /// If `data` does not fit the model.
    pub fn evaluate(&mut self, data: &Dataset) -> Result<Evaluation> {
        let (loss, pixels, penalties) = (
            self.config.training.loss,
            self.config.training.pixels,
            self.penalties(),
        );
        evaluate(&mut self.model, data, loss, pixels, penalties)
    }
}

/// The order in which epoch `epoch` (from 0) visits `samples` samples: a permutation from a
/// generator of its own, derived from the seed, so that it does not depend on how many random
/// numbers dropout drew.
fn epoch_order(seed: u64, epoch: usize, samples: usize) -> Vec<u32> {
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ (0x9E37_79B9_7F4A_7C15u64.wrapping_mul(epoch as u64 + 1)));
    let mut order: Vec<u32> = (0..samples as u32).collect();
    order.shuffle(&mut rng);
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::LayerSpec;
    use crate::{Activation, Config, ModelSpec, OptimizerSpec, PixelMode};

    /// 64 samples of 4 pixels, class = which quarter is brightest: easy to learn.
    fn quarters() -> Dataset {
        let mut pixels = Vec::new();
        let mut labels = Vec::new();
        for i in 0..64u32 {
            let class = (i % 4) as u8;
            for j in 0..4u8 {
                pixels.push(if j == class {
                    200 + (i % 50) as u8
                } else {
                    (i * 7 % 40) as u8
                });
            }
            labels.push(class);
        }
        Dataset::new(vec![4], pixels, labels, 4).unwrap()
    }

    fn config(change: impl FnOnce(&mut Config)) -> CheckedConfig {
        let mut config = Config {
            model: ModelSpec {
                input_shape: vec![4],
                layers: vec![
                    LayerSpec::Dense {
                        units: 8,
                        activation: Activation::Relu,
                        init: Default::default(),
                    },
                    LayerSpec::Dense {
                        units: 4,
                        activation: Activation::Softmax,
                        init: Default::default(),
                    },
                ],
            },
            ..Config::default()
        };
        config.training.batch_size = 10;
        config.training.epochs = 3;
        config.training.learning_rate = 0.05;
        change(&mut config);
        config.check().unwrap()
    }

    #[test]
    fn a_call_never_crosses_an_epoch_boundary_and_the_last_batch_is_partial() {
        let data = quarters();
        let mut trainer = Trainer::new(config(|_| {})).unwrap();
        let first = trainer.run_batches(&data, 4).unwrap();
        assert_eq!(
            (
                first.epoch,
                first.batch,
                first.batches_per_epoch,
                first.samples
            ),
            (1, 4, 7, 40)
        );
        assert_eq!(first.outcome, Outcome::Running);
        let rest = trainer.run_batches(&data, 100).unwrap();
        assert_eq!(
            (rest.batch, rest.samples, rest.outcome),
            (7, 24, Outcome::EpochComplete)
        );
        assert_eq!(trainer.epochs_done(), 1);
        assert_eq!(
            trainer.run_epoch(&data).unwrap().outcome,
            Outcome::EpochComplete
        );
        assert_eq!(trainer.run_epoch(&data).unwrap().outcome, Outcome::Finished);
        assert!(trainer.is_done());
        assert_eq!(trainer.run_batches(&data, 1).unwrap().samples, 0);
    }

    #[test]
    fn training_lowers_the_loss_and_learns_the_task() {
        let data = quarters();
        let mut trainer = Trainer::new(config(|c| c.training.epochs = 30)).unwrap();
        let before = trainer.evaluate(&data).unwrap();
        while !trainer.is_done() {
            trainer.run_epoch(&data).unwrap();
        }
        let after = trainer.evaluate(&data).unwrap();
        assert!(
            after.loss < before.loss * 0.5,
            "{} → {}",
            before.loss,
            after.loss
        );
        assert_eq!(after.accuracy, 1.0);
        assert_eq!(after.confusion.counts.iter().sum::<u32>(), 64);
    }

    #[test]
    fn the_same_seed_gives_the_same_run() {
        let data = quarters();
        let run = || {
            let mut trainer = Trainer::new(config(|c| {
                c.model.layers.insert(1, LayerSpec::Dropout { rate: 0.3 })
            }))
            .unwrap();
            trainer.run_epoch(&data).unwrap().loss
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn divergence_stops_training_and_keeps_the_last_finite_weights() {
        let data = quarters();
        let mut trainer = Trainer::new(config(|c| {
            // Linear layers, MSE and raw pixels with a huge step: the weights blow up to ∞.
            for layer in &mut c.model.layers {
                if let LayerSpec::Dense { activation, .. } = layer {
                    *activation = Activation::Linear;
                }
            }
            c.training.loss = crate::Loss::MeanSquaredError;
            c.training.pixels = PixelMode::Raw;
            c.training.learning_rate = 10.0;
            c.training.optimizer = OptimizerSpec::Sgd {
                momentum: 0.9,
                nesterov: false,
            };
            c.training.epochs = 1000;
        }))
        .unwrap();
        let mut outcome = Outcome::Running;
        for _ in 0..2000 {
            outcome = trainer.run_batches(&data, 50).unwrap().outcome;
            if outcome == Outcome::Diverged {
                break;
            }
        }
        assert_eq!(outcome, Outcome::Diverged);
        assert!(trainer.is_done());
        let weights = trainer.model().named_params();
        assert!(
            weights
                .iter()
                .all(|(_, p)| p.value.iter().all(|v| v.is_finite()))
        );
    }

    #[test]
    fn a_smaller_dataset_mid_epoch_restarts_the_epoch_instead_of_reading_out_of_range() {
        let data = quarters();
        let mut trainer = Trainer::new(config(|_| {})).unwrap();
        trainer.run_batches(&data, 3).unwrap();
        let smaller = data.slice(0..20);
        let report = trainer.run_batches(&smaller, 100).unwrap();
        assert_eq!(
            (report.batch, report.batches_per_epoch, report.outcome),
            (2, 2, Outcome::EpochComplete)
        );
    }

    #[test]
    fn learning_rate_changes_mid_run_are_checked() {
        let mut trainer = Trainer::new(config(|_| {})).unwrap();
        assert!(trainer.set_learning_rate(f64::NAN).is_err());
        assert!(trainer.set_learning_rate(0.0).is_err());
        trainer.set_learning_rate(0.2).unwrap();
        assert_eq!(trainer.config().training.learning_rate, 0.2);
        assert!(trainer.set_batch_size(0).is_err());
    }

    #[test]
    fn data_that_does_not_fit_the_model_is_refused() {
        let mut trainer = Trainer::new(config(|c| c.model.input_shape = vec![5])).unwrap();
        let err = trainer.run_batches(&quarters(), 1).unwrap_err();
        assert!(
            err.to_string().contains("4 features but the model takes 5"),
            "{err}"
        );
    }

    /// `quarters` with a fifth pixel that is always zero.
    fn quarters_and_a_dark_pixel() -> Dataset {
        let four = quarters();
        let pixels = (0..four.len())
            .flat_map(|i| four.image(i).iter().copied().chain([0]))
            .collect();
        Dataset::new(vec![5], pixels, four.labels().to_vec(), 4).unwrap()
    }

    fn all_weights(trainer: &mut Trainer) -> Vec<f32> {
        trainer
            .model_mut()
            .params_mut()
            .iter()
            .flat_map(|p| p.value.to_vec())
            .collect()
    }

    #[test]
    fn a_weight_that_overflows_while_the_loss_stays_finite_stops_the_run_at_finite_weights() {
        // As with an ε that is 0 in f32: a weight of a pixel that is always dark becomes NaN;
        // the forward pass skips dark pixels, so the loss never shows it.
        let data = quarters_and_a_dark_pixel();
        let mut trainer = Trainer::new(config(|c| {
            c.model.input_shape = vec![5];
            c.training.optimizer = OptimizerSpec::adam();
            c.training.pixels = PixelMode::Raw;
            c.training.epochs = 30;
        }))
        .unwrap();
        trainer.run_batches(&data, 3).unwrap();
        let before = all_weights(&mut trainer);
        let dark_row = 4 * 8;
        trainer.model_mut().params_mut()[0].value[dark_row] = f32::NAN;
        let mut steps = 0;
        let report = loop {
            let report = trainer.run_batches(&data, 1).unwrap();
            steps += 1;
            if report.outcome == Outcome::Diverged || steps > 200 {
                break report;
            }
        };
        assert_eq!(report.outcome, Outcome::Diverged);
        assert!(
            report.last_batch_loss.is_finite(),
            "the loss showed it: the weight check was not what caught it"
        );
        assert!(
            steps <= FINITE_CHECK_STEPS as usize,
            "caught after {steps} steps"
        );
        assert!(trainer.diverged() && trainer.is_done());
        // Back at the last weights found finite: those of when the trainer was built, as no
        // check ran between then and the NaN (three steps).
        let after = all_weights(&mut trainer);
        assert!(after.iter().all(|w| w.is_finite()));
        assert_ne!(after, before, "the copy is older than the three steps");
        assert_eq!(
            after,
            all_weights(&mut Trainer::new(config(|c| c.model.input_shape = vec![5])).unwrap())
        );
    }

    #[test]
    fn a_loss_that_overflows_stops_the_run_keeping_the_current_finite_weights() {
        let data = quarters();
        let mut trainer = Trainer::new(config(|_| {})).unwrap();
        trainer.run_batches(&data, 2).unwrap();
        // An infinite bias makes every later loss non-finite at once.
        let last = trainer.model_mut().params_mut().len() - 1;
        trainer.model_mut().params_mut()[last].value[0] = f32::INFINITY;
        let report = trainer.run_batches(&data, 1).unwrap();
        assert_eq!(report.outcome, Outcome::Diverged);
        assert!(all_weights(&mut trainer).iter().all(|w| w.is_finite()));
    }

    #[test]
    fn retuning_keeps_the_weights_and_lets_a_finished_run_go_on() {
        let data = quarters();
        let mut trainer = Trainer::new(config(|c| c.training.epochs = 1)).unwrap();
        trainer.run_epoch(&data).unwrap();
        assert!(trainer.is_done());
        let trained = all_weights(&mut trainer);
        let steps = trainer.steps();
        let mut more = trainer.config().training.clone();
        more.epochs = 2;
        more.l2 = 1e-4;
        more.pixels = PixelMode::Raw;
        trainer.retune(more).unwrap();
        assert_eq!(
            all_weights(&mut trainer),
            trained,
            "nothing trained is lost"
        );
        assert_eq!(trainer.steps(), steps, "the same optimizer goes on");
        assert_eq!(trainer.config().training.pixels, PixelMode::Scaled);
        assert!(!trainer.is_done());
        assert_eq!(trainer.run_epoch(&data).unwrap().outcome, Outcome::Finished);
        // Another optimizer starts afresh; a refused setting changes nothing.
        let mut sgd = trainer.config().training.clone();
        sgd.optimizer = OptimizerSpec::sgd();
        trainer.retune(sgd).unwrap();
        assert_eq!(trainer.steps(), 0);
        let mut bad = trainer.config().training.clone();
        bad.learning_rate = -1.0;
        let before = trainer.config().clone();
        assert!(trainer.retune(bad).is_err());
        assert_eq!(*trainer.config(), before);
    }
}
