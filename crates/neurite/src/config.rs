//! The training configuration, as plain data ([`TrainConfig`]) and as the one checked type the
//! engine accepts ([`CheckedConfig`]).
//!
//! The UI's controls, the URL state, the CLI's flags and the worker protocol all build a
//! [`Config`] and call [`Config::check`]: one set of ranges, one set of messages.
//!
//! Beyond each value's range, [`Config::check`] enforces three rules:
//! - **Memory.** Training may hold at most [`MAX_TRAINING_BYTES`] (see
//!   [`Config::training_bytes`]), checked from the specification before anything is allocated.
//! - **JavaScript.** Every whole number a configuration carries stays at most
//!   [`MAX_SAFE_INTEGER`], so that it survives JSON in a browser (JavaScript numbers are
//!   `f64`); the other counts have far smaller bounds of their own.
//! - **Precision.** Training computes in `f32`, so each real hyperparameter that reaches it
//!   is checked as `f32` makes it ([`F32Rule`]).

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::{
    Bound, DatasetKind, Error, Loss, ModelSpec, Optimizer, OptimizerSpec, Quantity, Reason, Result,
};

/// Largest learning rate accepted.
pub const MAX_LEARNING_RATE: f64 = 10.0;
/// Largest batch size accepted; the memory bound ([`MAX_TRAINING_BYTES`]) is usually lower.
pub const MAX_BATCH_SIZE: usize = 65_536;
/// Most epochs one run may have (a 2-D playground's few hundred points run for thousands).
pub const MAX_EPOCHS: usize = 100_000;

/// The largest whole number JavaScript's numbers hold exactly, `Number.MAX_SAFE_INTEGER`:
/// 2⁵³ − 1. A larger seed would change on its way through the page.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The most memory a training run may hold, in bytes: 352 MiB, as [`Config::training_bytes`]
/// counts it (the model, the optimizer's state, the trainer's copy of both, and the buffers of
/// the training and evaluation batches; not the data set).
///
/// Why this figure: a browser tab should stay well under 512 MB, and besides the engine the
/// worker holds MNIST (55 MB of pixels) and the page its own heap and code (a few tens of MB).
/// The count is a worst case (sparse copies at their fullest, `Vec` growth, the moment a batch
/// height changes); a run really holds 15 % to 25 % less, so a tab at the bound stays near
/// 400 MB. Within it the seed program's model trains with batches of up to about 8 000, and
/// the playground's wide models at the usual batch sizes: six hidden layers of 1 024 units
/// with dropout, trained with Adam, up to 582 samples per batch; eight without dropout up to
/// 340. Eight with dropout and Adam (8.2 million parameters, 219 MiB before any batch) count
/// 385 MiB even one sample per batch and are refused.
pub const MAX_TRAINING_BYTES: u64 = 352 << 20;

/// How `u8` pixels become model inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PixelMode {
    /// `x / 255`, in `[0, 1]`.
    #[default]
    Scaled,
    /// `0` to `255`, as the seed program feeds them (it never divides by 255).
    Raw,
}

impl PixelMode {
    /// The factor a `u8` pixel is multiplied by.
    pub fn factor(self) -> f32 {
        match self {
            PixelMode::Scaled => 1.0 / 255.0,
            PixelMode::Raw => 1.0,
        }
    }
}

/// Hyperparameters of a training run. `Default` is the seed program: Adam 1e-3, batch 32,
/// 5 epochs, sparse categorical cross-entropy, pixels scaled to `[0, 1]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Step size `η`, in `(0, 10]`.
    pub learning_rate: f64,
    /// Samples per step.
    pub batch_size: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// The optimizer and its other hyperparameters.
    pub optimizer: OptimizerSpec,
    /// The loss.
    pub loss: Loss,
    /// L1 penalty on kernels, `≥ 0`.
    pub l1: f64,
    /// L2 penalty on kernels, `≥ 0`.
    pub l2: f64,
    /// Seeds initial weights, shuffling and dropout.
    pub seed: u64,
    /// How pixels are fed.
    pub pixels: PixelMode,
    /// The images trained on (MNIST when a stored configuration predates the choice).
    pub dataset: DatasetKind,
    /// Fraction of the training set held out for validation (its tail, as Keras), `[0, 1)`.
    pub validation_split: f64,
    /// Train on only the first this-many samples.
    pub train_subset: Option<usize>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            learning_rate: 1e-3,
            batch_size: 32,
            epochs: 5,
            optimizer: OptimizerSpec::adam(),
            loss: Loss::SparseCategoricalCrossentropy,
            l1: 0.0,
            l2: 0.0,
            seed: 42,
            pixels: PixelMode::Scaled,
            dataset: DatasetKind::Mnist,
            validation_split: 0.0,
            train_subset: None,
        }
    }
}

/// What a real hyperparameter must still be once rounded to `f32`, the precision training
/// computes in. A value can be in its range as written and not in `f32`: `1e-300` is `0`,
/// `0.99999999` is `1`, `1e39` is infinite.
///
/// The rules, by hyperparameter:
/// - learning rate `η` and `ε` (Adam, RMSprop): [`F32Rule::Normal`]. At 0, `ε` no longer
///   keeps Adam from dividing `0` by `0` where a gradient is always 0 (an always-blank pixel's
///   weights), and such NaN weights are never used, so nothing reports them. A subnormal `ε`
///   keeps only a few significant bits (`1e-45` is stored as `1.4e-45`: not the value asked
///   for), and processors in flush-to-zero mode (ARMv7 NEON, x86 with FTZ/DAZ) read it as 0
///   again. An infinite `ε` stops learning. A learning rate of 0 in `f32` moves nothing.
/// - momentum `μ` (SGD, RMSprop) and `ρ` (RMSprop): [`F32Rule::BelowOne`], as they are in
///   `f64`; at 1 the velocity or the average never forgets.
/// - `l1`, `l2`: [`F32Rule::ZeroOrNormal`]: a penalty that is not 0 as written must not
///   become 0 or subnormal.
/// - Adam's `β₁`, `β₂` need no rule: only `1 − β` reaches `f32`, computed in `f64`, and for
///   `β < 1` it is at least 2⁻⁵³, a normal `f32`.
/// - The dropout rate needs none: it is compared in `f64`, and `1 / (1 − rate) ≤ 2⁵³` is finite
///   in `f32`.
///
/// The learning rate's other condition, steps that keep the weights finite, depends on the
/// gradients: the trainer checks the weights it updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F32Rule {
    /// A normal `f32`: from [`f32::MIN_POSITIVE`] (1.1754944e-38) to [`f32::MAX`].
    Normal,
    /// 0, or a normal `f32`.
    ZeroOrNormal,
    /// Below 1: at most [`LARGEST_F32_BELOW_ONE`].
    BelowOne,
}

/// The largest `f32` below 1: `1 − 2⁻²⁴`, 0.99999994.
pub const LARGEST_F32_BELOW_ONE: f32 = 1.0 - f32::EPSILON / 2.0;

impl F32Rule {
    /// Whether `value` keeps the rule once rounded to `f32`.
    pub fn holds(self, value: f64) -> bool {
        let as_f32 = value as f32;
        let normal = as_f32.is_normal() && as_f32 > 0.0;
        match self {
            F32Rule::Normal => normal,
            F32Rule::ZeroOrNormal => value == 0.0 || normal,
            F32Rule::BelowOne => as_f32 < 1.0,
        }
    }
}

/// Checks that `value`, already within its range, keeps `rule` once rounded to `f32`.
fn check_in_f32(field: impl Into<String>, value: f64, rule: F32Rule) -> Result<()> {
    if rule.holds(value) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            Reason::SinglePrecision {
                got: written(value),
                as_f32: value as f32,
                rule,
            },
        ))
    }
}

/// `value` as a person would write it: `1e-300` rather than 300 zeros.
fn written(value: f64) -> String {
    let size = value.abs();
    if size != 0.0 && !(1e-4..1e16).contains(&size) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// Checks a learning rate: finite, `> 0`, at most [`MAX_LEARNING_RATE`], and a normal `f32`.
pub fn check_learning_rate(learning_rate: f64) -> Result<f64> {
    if learning_rate.is_finite() && learning_rate > 0.0 && learning_rate <= MAX_LEARNING_RATE {
        check_in_f32("learning_rate", learning_rate, F32Rule::Normal)?;
        Ok(learning_rate)
    } else {
        Err(Error::invalid(
            "learning_rate",
            Reason::range(
                Quantity::Number,
                learning_rate,
                Some(Bound::exclusive(0.0)),
                Some(Bound::inclusive(MAX_LEARNING_RATE)),
            ),
        ))
    }
}

/// Checks that the optimizer's constants keep their rules in `f32` ([`F32Rule`]); their
/// ranges are [`OptimizerSpec::validate`]'s.
fn check_optimizer_in_f32(optimizer: &OptimizerSpec) -> Result<()> {
    let field = |name: &str| format!("optimizer.{name}");
    match *optimizer {
        OptimizerSpec::Sgd { momentum, .. } => {
            check_in_f32(field("momentum"), momentum, F32Rule::BelowOne)
        }
        OptimizerSpec::Adam { epsilon, .. } => {
            check_in_f32(field("epsilon"), epsilon, F32Rule::Normal)
        }
        OptimizerSpec::Rmsprop {
            rho,
            momentum,
            epsilon,
        } => {
            check_in_f32(field("rho"), rho, F32Rule::BelowOne)?;
            check_in_f32(field("momentum"), momentum, F32Rule::BelowOne)?;
            check_in_f32(field("epsilon"), epsilon, F32Rule::Normal)
        }
    }
}

/// Checks that a whole number survives JavaScript: at most [`MAX_SAFE_INTEGER`].
pub(crate) fn check_safe_integer(field: &str, value: u64) -> Result<()> {
    if value <= MAX_SAFE_INTEGER {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            Reason::UnsafeInteger {
                got: value,
                max: MAX_SAFE_INTEGER,
            },
        ))
    }
}

/// `bytes` in MiB with one decimal, as the memory messages show it: `352.0`.
pub fn mebibytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / f64::from(1u32 << 20))
}

/// Checks a batch size: 1 to [`MAX_BATCH_SIZE`].
pub fn check_batch_size(batch_size: usize) -> Result<usize> {
    if (1..=MAX_BATCH_SIZE).contains(&batch_size) {
        Ok(batch_size)
    } else {
        Err(Error::invalid(
            "batch_size",
            Reason::whole(Quantity::Whole, batch_size, 1, MAX_BATCH_SIZE),
        ))
    }
}

impl TrainConfig {
    /// Checks every range; the first problem found is returned.
    pub fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        check_batch_size(self.batch_size)?;
        if !(1..=MAX_EPOCHS).contains(&self.epochs) {
            return Err(Error::invalid(
                "epochs",
                Reason::whole(Quantity::Whole, self.epochs, 1, MAX_EPOCHS),
            ));
        }
        self.optimizer.validate()?;
        check_optimizer_in_f32(&self.optimizer)?;
        for (field, value) in [("l1", self.l1), ("l2", self.l2)] {
            if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
                return Err(Error::invalid(
                    field,
                    Reason::range(
                        Quantity::Number,
                        value,
                        Some(Bound::inclusive(0.0)),
                        Some(Bound::inclusive(1.0)),
                    ),
                ));
            }
            check_in_f32(field, value, F32Rule::ZeroOrNormal)?;
        }
        if !(self.validation_split.is_finite() && (0.0..1.0).contains(&self.validation_split)) {
            return Err(Error::invalid(
                "validation_split",
                Reason::range(
                    Quantity::Number,
                    self.validation_split,
                    Some(Bound::inclusive(0.0)),
                    Some(Bound::exclusive(1.0)),
                ),
            ));
        }
        match self.train_subset {
            Some(0) => {
                return Err(Error::invalid(
                    "train_subset",
                    Reason::range(Quantity::Samples, 0, Some(Bound::inclusive(1.0)), None),
                ));
            }
            Some(n) => check_safe_integer("train_subset", n as u64)?,
            None => {}
        }
        check_safe_integer("seed", self.seed)
    }
}

/// A whole experiment: the model and how to train it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The architecture.
    pub model: ModelSpec,
    /// The hyperparameters.
    pub training: TrainConfig,
}

impl Config {
    /// Checks the model, the hyperparameters, and the memory training them takes.
    pub fn check(self) -> Result<CheckedConfig> {
        self.model.validate()?;
        self.training.validate()?;
        self.check_memory()?;
        Ok(CheckedConfig(self))
    }

    /// Bytes the optimizer's state takes: [`crate::Optimizer::slots`] `f32` values per
    /// parameter (two for Adam, none for plain SGD). Saturates at `u64::MAX`.
    pub fn optimizer_state_bytes(&self) -> u64 {
        let slots = Optimizer::<f32>::new(self.training.optimizer).slots().len() as u64;
        self.model
            .param_count()
            .saturating_mul(slots)
            .saturating_mul(size_of::<f32>() as u64)
    }

    /// Bytes a run holds whatever its batch size: the model ([`ModelSpec::model_bytes`]), the
    /// optimizer's state, and the trainer's copy of the last weights and optimizer state it
    /// found finite (to go back to after an overflow). Saturates at `u64::MAX`.
    pub fn fixed_bytes(&self) -> u64 {
        let weights = self
            .model
            .param_count()
            .saturating_mul(size_of::<f32>() as u64);
        self.model
            .model_bytes()
            .saturating_add(self.optimizer_state_bytes().saturating_mul(2))
            .saturating_add(weights)
    }

    /// The most memory a run of this configuration holds, in bytes, counted from the
    /// specification alone (in checked arithmetic, saturating at `u64::MAX`): the
    /// [`Config::fixed_bytes`], and the per-sample buffers ([`ModelSpec::sample_bytes`]) at the
    /// tallest batch the run has — the training batch, or [`ModelSpec::eval_batch`] (at most
    /// [`crate::metrics::EVAL_BATCH`]) samples when it
    /// evaluates — with, for a moment, a second set of activations when the height changes,
    /// and sparse copies that `Vec` growth may leave at twice the shorter height. Dropout
    /// masks and the convolutions' patch gradients are kept at the training batch's height. The data set itself, and what grows
    /// with it (4 bytes per training sample for the shuffled order, 5 per evaluated sample),
    /// is not counted.
    pub fn training_bytes(&self) -> u64 {
        self.training_bytes_at(self.training.batch_size as u64)
    }

    fn training_bytes_at(&self, batch: u64) -> u64 {
        let per_sample = self.model.sample_bytes();
        let evaluation = self.model.eval_batch() as u64;
        let tallest = batch.max(evaluation);
        let sparse_rows = tallest.max(batch.min(evaluation).saturating_mul(2));
        [
            self.fixed_bytes(),
            per_sample.activations.saturating_mul(tallest),
            per_sample.reallocation.saturating_mul(tallest),
            per_sample.dropout_masks.saturating_mul(batch),
            per_sample.sparse_scratch.saturating_mul(sparse_rows),
            per_sample.sparse_entries.saturating_mul(tallest),
            per_sample.patches.saturating_mul(tallest),
            per_sample.patch_grads.saturating_mul(batch),
        ]
        .into_iter()
        .fold(0u64, u64::saturating_add)
    }

    /// Refuses a configuration whose [`Config::training_bytes`] exceed
    /// [`MAX_TRAINING_BYTES`]: on `batch_size`, with the largest batch size that fits, or on
    /// `layers` when even one sample per batch does not.
    fn check_memory(&self) -> Result<()> {
        let needs = self.training_bytes();
        if needs <= MAX_TRAINING_BYTES {
            return Ok(());
        }
        // The count grows with the batch size: the largest that fits, by bisection.
        let fits = |batch: u64| self.training_bytes_at(batch) <= MAX_TRAINING_BYTES;
        let (mut fitting, mut too_big) = (0u64, self.training.batch_size as u64);
        while too_big - fitting > 1 {
            let middle = fitting + (too_big - fitting) / 2;
            if fits(middle) {
                fitting = middle;
            } else {
                too_big = middle;
            }
        }
        let largest_batch_size = (fitting > 0).then_some(fitting as usize);
        Err(Error::invalid(
            if largest_batch_size.is_some() {
                "batch_size"
            } else {
                "layers"
            },
            Reason::TrainingMemory {
                needs,
                max: MAX_TRAINING_BYTES,
                largest_batch_size,
            },
        ))
    }
}

/// A [`Config`] whose every range has been checked; the only form the trainer accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedConfig(Config);

impl CheckedConfig {
    /// The checked configuration, back as plain data.
    pub fn into_inner(self) -> Config {
        self.0
    }

    /// Changes the learning rate after checking it.
    pub fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()> {
        self.0.training.learning_rate = check_learning_rate(learning_rate)?;
        Ok(())
    }

    /// Changes the batch size after checking it, and the memory training then takes.
    pub fn set_batch_size(&mut self, batch_size: usize) -> Result<()> {
        let mut changed = self.0.clone();
        changed.training.batch_size = check_batch_size(batch_size)?;
        changed.check_memory()?;
        self.0 = changed;
        Ok(())
    }
}

impl Deref for CheckedConfig {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(change: impl FnOnce(&mut TrainConfig)) -> Result<CheckedConfig> {
        let mut config = Config::default();
        change(&mut config.training);
        config.check()
    }

    #[test]
    fn default_config_is_the_seed_program() {
        let checked = Config::default().check().unwrap();
        assert_eq!(checked.training.learning_rate, 1e-3);
        assert_eq!(checked.training.batch_size, 32);
        assert_eq!(checked.training.epochs, 5);
        assert_eq!(checked.training.optimizer, OptimizerSpec::adam());
        assert_eq!(checked.model, ModelSpec::seed_mlp());
    }

    #[test]
    fn bad_hyperparameters_are_refused_with_their_field() {
        type Change = Box<dyn FnOnce(&mut TrainConfig)>;
        let cases: Vec<(&str, Change)> = vec![
            ("learning_rate", Box::new(|c| c.learning_rate = 0.0)),
            ("learning_rate", Box::new(|c| c.learning_rate = -1.0)),
            ("learning_rate", Box::new(|c| c.learning_rate = f64::NAN)),
            (
                "learning_rate",
                Box::new(|c| c.learning_rate = f64::INFINITY),
            ),
            ("batch_size", Box::new(|c| c.batch_size = 0)),
            ("epochs", Box::new(|c| c.epochs = 0)),
            ("l2", Box::new(|c| c.l2 = -0.1)),
            ("validation_split", Box::new(|c| c.validation_split = 1.0)),
            ("train_subset", Box::new(|c| c.train_subset = Some(0))),
            (
                "optimizer.beta_1",
                Box::new(|c| {
                    c.optimizer = OptimizerSpec::Adam {
                        beta_1: 1.5,
                        beta_2: 0.9,
                        epsilon: 1e-7,
                    }
                }),
            ),
        ];
        for (field, change) in cases {
            match with(change) {
                Err(Error::InvalidConfig { field: f, .. }) => assert_eq!(f, field),
                other => panic!("expected an error on {field}, got {other:?}"),
            }
        }
    }

    #[test]
    fn checked_config_refuses_a_bad_learning_rate_change_and_keeps_the_old_one() {
        let mut checked = Config::default().check().unwrap();
        assert!(checked.set_learning_rate(f64::NAN).is_err());
        assert_eq!(checked.training.learning_rate, 1e-3);
        checked.set_learning_rate(0.01).unwrap();
        assert_eq!(checked.training.learning_rate, 0.01);
    }

    #[test]
    fn config_reads_partial_json_over_the_defaults() {
        let config: Config =
            serde_json::from_str(r#"{"training":{"epochs":2,"pixels":"raw"}}"#).unwrap();
        assert_eq!(config.training.epochs, 2);
        assert_eq!(config.training.pixels, PixelMode::Raw);
        assert_eq!(config.training.batch_size, 32);
    }

    #[test]
    fn the_dataset_is_part_of_the_training_config_and_mnist_when_absent() {
        // A configuration stored before the choice existed means MNIST.
        let old: Config = serde_json::from_str(r#"{"training":{"epochs":2}}"#).unwrap();
        assert_eq!(old.training.dataset, DatasetKind::Mnist);
        let mut fashion = Config::default();
        fashion.training.dataset = DatasetKind::FashionMnist;
        let json = serde_json::to_string(&fashion).unwrap();
        assert!(json.contains(r#""dataset":"fashion-mnist""#), "{json}");
        assert_eq!(serde_json::from_str::<Config>(&json).unwrap(), fashion);
        assert!(
            serde_json::from_str::<Config>(r#"{"training":{"dataset":"cifar"}}"#).is_err(),
            "an unknown dataset is refused"
        );
    }
}
