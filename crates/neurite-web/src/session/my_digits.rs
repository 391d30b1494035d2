//! The learner's own digits in the worker: kept as a dataset, mixed into the run's training
//! batches at the share the page asked for, evaluated whenever the weights change, and
//! trained on alone by [`ToWorker::FineTune`](crate::protocol::ToWorker::FineTune).

use neurite::data::{Collection, Mix, TrainingData};
use neurite::{CheckedConfig, Dataset, DatasetKind, Trainer};

use super::{Clock, Data, Outbox, SNAPSHOT_INTERVAL_MS, Session, engine_error, error};
use crate::protocol::{
    CheckpointReason, Envelope, ErrorKind, FromWorker, MAX_FINE_TUNE_PASSES, MAX_FINE_TUNE_SAMPLES,
    MAX_MY_DIGITS_SHARE, Phase, WorkerProblem,
};
use crate::state::my_digits::MyDigits;

/// The digits, their share of each batch, and the training set they were last mixed into.
pub(super) struct MyDigitsHeld {
    digits: Collection,
    share: f64,
    /// The run's training set with the digits mixed in: for which dataset and subset, built
    /// when first trained on.
    mixed: Option<(DatasetKind, Option<usize>, Mix)>,
    /// Whether the model has not been evaluated on them under the current weights.
    pub(super) due: bool,
    /// No evaluation before this time (the clock's milliseconds): while training, evaluations
    /// take at most a tenth of the worker's time.
    not_before: f64,
}

impl MyDigitsHeld {
    /// Samples per epoch of the mixed training set of `dataset` and `subset`, once built (and
    /// while mixing is on).
    pub(super) fn mixed_len(&self, dataset: DatasetKind, subset: Option<usize>) -> Option<usize> {
        match &self.mixed {
            Some((kind, s, mix)) if self.share > 0.0 && *kind == dataset && *s == subset => {
                Some(mix.len())
            }
            _ => None,
        }
    }

    /// The set to train on: the run's training samples with the digits mixed in, built once
    /// per dataset and subset.
    pub(super) fn training_set<'a>(
        &'a mut self,
        data: &'a Data,
        config: &CheckedConfig,
    ) -> neurite::Result<&'a dyn TrainingData> {
        // Digits are mixed into MNIST only (Fashion-MNIST's classes are not digits).
        if self.share <= 0.0 || data.dataset != DatasetKind::Mnist {
            // A mix of other data is not kept (it can hold 94 MB).
            self.mixed = None;
            return Ok(&data.train);
        }
        let subset = config.training.train_subset;
        let fresh =
            !matches!(&self.mixed, Some((kind, s, _)) if *kind == data.dataset && *s == subset);
        if fresh {
            let mix = Mix::new(&data.train, subset, &self.digits, self.share)?;
            self.mixed = Some((data.dataset, subset, mix));
        }
        Ok(&self.mixed.as_ref().expect("built above").2)
    }
}

impl Session {
    /// Takes the learner's digits and their share of each batch, or forgets them.
    pub(super) fn set_my_digits(
        &mut self,
        count: usize,
        share: f64,
        payload: Option<&[u8]>,
        out: &mut Outbox,
    ) {
        if !(0.0..=MAX_MY_DIGITS_SHARE).contains(&share) {
            return out.push(error(
                ErrorKind::Protocol,
                WorkerProblem::MyDigitsShare {
                    share: share.to_string(),
                },
            ));
        }
        let payload = payload.unwrap_or_default();
        if count == 0 {
            self.my_digits = None;
            return;
        }
        let Some(digits) = MyDigits::from_payload(count, payload).and_then(|d| d.collection())
        else {
            return out.push(error(
                ErrorKind::Protocol,
                WorkerProblem::MyDigitsPayload {
                    count,
                    bytes: payload.len(),
                },
            ));
        };
        self.my_digits = Some(MyDigitsHeld {
            digits,
            share,
            mixed: None,
            due: true,
            not_before: f64::NEG_INFINITY,
        });
    }

    /// Evaluates the model on the learner's digits if the weights changed since the last time,
    /// and if the last evaluation was long enough ago: the next waits ten times as long as this
    /// one took (a thousand digits through a convnet take a few hundred milliseconds), and at
    /// least as long as a snapshot of the weights.
    pub(super) fn evaluate_my_digits_if_due(&mut self, clock: Clock<'_>, out: &mut Outbox) {
        let (Some(trainer), Some(held)) = (&mut self.trainer, &mut self.my_digits) else {
            return;
        };
        // A model of Fashion-MNIST's classes says nothing about digits.
        if !held.due || trainer.config().training.dataset != DatasetKind::Mnist {
            return;
        }
        let started = clock();
        if started < held.not_before && self.phase == Phase::Running {
            return;
        }
        held.due = false;
        let evaluated = trainer.evaluate(held.digits.dataset());
        let ended = clock();
        held.not_before = ended + (10.0 * (ended - started)).max(SNAPSHOT_INTERVAL_MS);
        match evaluated {
            Ok(result) => out.push(Envelope::bare(FromWorker::MyDigitsEvaluated {
                steps: trainer.steps(),
                predictions: result.predictions,
                confusion: result.confusion,
            })),
            // A model that cannot take 28×28 images (a 2-D plane's, say): nothing to show.
            Err(e) => out.push(engine_error(e)),
        }
    }

    /// Trains the model on the learner's digits alone for `passes` passes, with the run's
    /// optimizer settings and a fresh optimizer state, leaving the run's place unchanged.
    pub(super) fn fine_tune(&mut self, passes: u32, now: f64, out: &mut Outbox) {
        let digits = self.my_digits.as_ref().map_or(0, |held| held.digits.len());
        let has_digits = digits > 0;
        if !has_digits || passes == 0 || passes > MAX_FINE_TUNE_PASSES {
            return out.push(error(
                ErrorKind::State,
                WorkerProblem::FineTune { passes, has_digits },
            ));
        }
        // One request is trained at once, between two heartbeats of the page.
        if passes as usize * digits > MAX_FINE_TUNE_SAMPLES {
            return out.push(error(
                ErrorKind::State,
                WorkerProblem::FineTuneTooLong {
                    passes,
                    digits,
                    max_samples: MAX_FINE_TUNE_SAMPLES,
                },
            ));
        }
        let (Some(trainer), Some(held)) = (&mut self.trainer, &mut self.my_digits) else {
            return out.push(error(ErrorKind::State, WorkerProblem::NoModel));
        };
        let accuracy =
            |trainer: &mut Trainer, digits: &Dataset| trainer.evaluate(digits).map(|r| r.accuracy);
        let tuned = (|| {
            let before = accuracy(trainer, held.digits.dataset())?;
            let mut config = neurite::Config::clone(trainer.config());
            config.training.epochs = passes as usize;
            config.training.train_subset = None;
            config.training.validation_split = 0.0;
            let mut tuner = Trainer::with_model(config.check()?, trainer.model().converted());
            while !tuner.is_done() && !tuner.diverged() {
                // As `dyn`, the one instantiation the worker already has (see `train_batch`).
                tuner.run_batches(held.digits.dataset() as &dyn TrainingData, usize::MAX)?;
            }
            if tuner.diverged() {
                // The run's model is left as it was.
                return Ok(None);
            }
            trainer.model_mut().copy_params_from(tuner.model());
            let after = accuracy(trainer, held.digits.dataset())?;
            Ok(Some((before, after)))
        })();
        let (before, after) = match tuned {
            Ok(Some(accuracies)) => accuracies,
            Ok(None) => {
                return out.push(error(ErrorKind::State, WorkerProblem::FineTuneDiverged));
            }
            Err(e) => return out.push(engine_error(e)),
        };
        held.due = true;
        held.not_before = f64::NEG_INFINITY;
        self.fine_tuned = true;
        let test_accuracy = self.test_accuracy().unwrap_or(f64::NAN);
        out.push(Envelope::bare(FromWorker::FineTuned {
            passes,
            before,
            after,
            test_accuracy,
        }));
        // New weights: shown, classified, kept (a checkpoint even of a run of no steps).
        self.snapshot_steps = u64::MAX;
        self.push_snapshot(now, out);
        self.push_checkpoint(CheckpointReason::Paused, now, out);
    }

    /// The model's accuracy on the whole test set, now.
    fn test_accuracy(&mut self) -> Option<f64> {
        let (trainer, data) = (self.trainer.as_mut()?, self.data.as_ref()?);
        let (mut correct, mut total) = (0, 0);
        for slice in &data.test_slices {
            let matrix = trainer.evaluate(slice).ok()?.confusion;
            correct += matrix.correct();
            total += matrix.total();
        }
        (total > 0).then(|| correct as f64 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{only_error, replies, ticking};
    use super::*;
    use crate::protocol::{Phase, ToWorker};
    use neurite::{Config, LayerSpec, ModelSpec};

    /// 28×28 "digits" of ten classes: class `c` is a bright 4×4 block at row 2 + 2c, column
    /// 4; "my" digits put it at column 20 instead, where MNIST-like training never saw one.
    fn digits(n: usize, column: usize, label_of: impl Fn(usize) -> u8) -> (Vec<u8>, Vec<u8>) {
        let mut pixels = vec![0u8; n * 784];
        let labels: Vec<u8> = (0..n).map(label_of).collect();
        for (i, &label) in labels.iter().enumerate() {
            let row = 2 + 2 * usize::from(label);
            for r in row..row + 4 {
                for c in column..column + 4 {
                    pixels[i * 784 + r * 28 + c] = 255;
                }
            }
        }
        (pixels, labels)
    }

    fn digit_session() -> (Session, Outbox) {
        let mut session = Session::new();
        let mut out = Outbox::new();
        let (pixels, labels) = digits(600, 4, |i| (i % 10) as u8);
        let train = Dataset::new(vec![28, 28], pixels, labels, 10).unwrap();
        let (pixels, labels) = digits(100, 4, |i| (i % 10) as u8);
        let test = Dataset::new(vec![28, 28], pixels, labels, 10).unwrap();
        session.set_data(DatasetKind::Mnist, train, test, 1.0, &mut out);
        let config = Config {
            model: ModelSpec {
                input_shape: vec![28, 28],
                layers: vec![
                    LayerSpec::Flatten,
                    LayerSpec::Dense {
                        units: 10,
                        activation: neurite::Activation::Softmax,
                        init: Default::default(),
                    },
                ],
            },
            training: neurite::TrainConfig {
                epochs: 1,
                batch_size: 10,
                learning_rate: 0.01,
                ..Default::default()
            },
        };
        session.handle(
            Envelope::bare(ToWorker::Configure { config }),
            &mut || 0.0,
            &mut out,
        );
        out.clear();
        (session, out)
    }

    /// Ten of "my" digits: blocks at column 20, the one at row 2 + 2i labelled i + 5 (mod 10)
    /// — a style and a meaning of their own. A model that never saw column 20 lit answers
    /// from its initial weights there: about chance.
    fn mine() -> MyDigits {
        let (pixels, _) = digits(10, 20, |i| i as u8);
        let mut mine = MyDigits::default();
        for i in 0..10 {
            let label = ((i + 5) % 10) as u8;
            mine.add(&pixels[i * 784..(i + 1) * 784], label).unwrap();
        }
        mine
    }

    fn send(session: &mut Session, mine: &MyDigits, share: f64, out: &mut Outbox) {
        session.handle(
            Envelope::with_payload(
                ToWorker::SetMyDigits {
                    count: mine.len(),
                    share,
                },
                mine.payload(),
            ),
            &mut || 0.0,
            out,
        );
    }

    fn evaluations(out: &Outbox) -> Vec<(Vec<u8>, u32)> {
        replies(out)
            .into_iter()
            .filter_map(|m| match m {
                FromWorker::MyDigitsEvaluated {
                    predictions,
                    confusion,
                    ..
                } => Some((predictions.clone(), confusion.correct())),
                _ => None,
            })
            .collect()
    }

    fn train_to_the_end(session: &mut Session, out: &mut Outbox) {
        session.handle(Envelope::bare(ToWorker::Start), &mut || 0.0, out);
        let mut clock = ticking();
        while session.has_work() {
            session.work(&mut clock, 50.0, out);
        }
        assert_eq!(session.phase(), Phase::Finished);
    }

    #[test]
    fn digits_are_evaluated_when_sent_and_when_the_weights_change() {
        let (mut session, mut out) = digit_session();
        send(&mut session, &mine(), 0.0, &mut out);
        let first = evaluations(&out);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].0.len(), 10);
        out.clear();
        train_to_the_end(&mut session, &mut out);
        assert!(
            !evaluations(&out).is_empty(),
            "evaluated again after training"
        );
        // Forgotten: no more evaluations.
        send(&mut session, &MyDigits::default(), 0.0, &mut out);
        out.clear();
        session.handle(Envelope::bare(ToWorker::Reset), &mut || 0.0, &mut out);
        assert!(evaluations(&out).is_empty());
    }

    #[test]
    fn mixed_in_my_digits_are_learned_and_lengthen_the_epoch() {
        // Without them: the model trained on the column-4 blocks does not read mine as 3s.
        let (mut session, mut out) = digit_session();
        send(&mut session, &mine(), 0.0, &mut out);
        train_to_the_end(&mut session, &mut out);
        let (_, alone) = evaluations(&out).pop().unwrap();
        let batches = |out: &Outbox| {
            replies(out)
                .into_iter()
                .rev()
                .find_map(|m| match m {
                    FromWorker::Progress(p) => Some(p.batches_per_epoch),
                    _ => None,
                })
                .unwrap()
        };
        assert_eq!(batches(&out), 60);
        // With them as a third of each batch: 30 copies of the ten after the 600.
        let (mut session, mut out) = digit_session();
        send(&mut session, &mine(), 1.0 / 3.0, &mut out);
        train_to_the_end(&mut session, &mut out);
        let (_, mixed) = evaluations(&out).pop().unwrap();
        assert_eq!(batches(&out), 90);
        // Chance-level alone (the seeded run gives 3), all of them mixed in.
        assert!(
            alone < 5 && mixed == 10,
            "alone {alone}/10, mixed {mixed}/10"
        );
    }

    #[test]
    fn fine_tuning_raises_the_accuracy_on_my_digits_and_keeps_the_runs_place() {
        let (mut session, mut out) = digit_session();
        send(&mut session, &mine(), 0.0, &mut out);
        train_to_the_end(&mut session, &mut out);
        let steps = session.trainer().unwrap().steps();
        out.clear();
        session.handle(
            Envelope::bare(ToWorker::FineTune { passes: 30 }),
            &mut || 0.0,
            &mut out,
        );
        let tuned = replies(&out).into_iter().find_map(|m| match m {
            FromWorker::FineTuned {
                before,
                after,
                test_accuracy,
                ..
            } => Some((*before, *after, *test_accuracy)),
            _ => None,
        });
        let (before, after, test) = tuned.expect("fine-tuned");
        assert!(before < 0.5 && after == 1.0, "{before} → {after}");
        assert!(test.is_finite());
        assert_eq!(session.trainer().unwrap().steps(), steps, "the run's place");
        assert_eq!(session.phase(), Phase::Finished);
        // The new weights are evaluated, shown and kept.
        let evaluated = evaluations(&out);
        assert_eq!(evaluated.last().unwrap().1, 10);
        assert!(
            replies(&out)
                .iter()
                .any(|m| matches!(m, FromWorker::Snapshot { .. }))
        );
        assert!(
            replies(&out)
                .iter()
                .any(|m| matches!(m, FromWorker::Checkpoint { .. }))
        );
    }

    #[test]
    fn bad_requests_are_refused_with_a_reason() {
        let (mut session, mut out) = digit_session();
        send(&mut session, &mine(), 0.75, &mut out);
        assert!(only_error(&out).en.contains("from 0 to 0.5, not 0.75"));
        out.clear();
        send(&mut session, &mine(), f64::NAN, &mut out);
        assert!(only_error(&out).en.ends_with("not NaN"));
        out.clear();
        session.handle(
            Envelope::with_payload(
                ToWorker::SetMyDigits {
                    count: 3,
                    share: 0.1,
                },
                vec![0; 100],
            ),
            &mut || 0.0,
            &mut out,
        );
        assert!(only_error(&out).en.contains("100 bytes"));
        out.clear();
        session.handle(
            Envelope::bare(ToWorker::FineTune { passes: 5 }),
            &mut || 0.0,
            &mut out,
        );
        assert!(
            only_error(&out)
                .en
                .starts_with("add some of your own digits")
        );
        out.clear();
        send(&mut session, &mine(), 0.0, &mut out);
        out.clear();
        session.handle(
            Envelope::bare(ToWorker::FineTune { passes: 10_000 }),
            &mut || 0.0,
            &mut out,
        );
        assert!(only_error(&out).en.contains("not 10000"));
        out.clear();
        // 200 passes over 10 digits are within one request; 150 digits would not be.
        let mut many = MyDigits::default();
        for i in 0..150 {
            many.add(mine().image(i % 10), 1).unwrap();
        }
        send(&mut session, &many, 0.0, &mut out);
        out.clear();
        session.handle(
            Envelope::bare(ToWorker::FineTune { passes: 200 }),
            &mut || 0.0,
            &mut out,
        );
        assert_eq!(
            only_error(&out).en,
            "200 passes over 150 digits are 30000 samples; fine-tuning trains at most 20000 at \
             once: ask for fewer passes"
        );
    }

    #[test]
    fn a_model_fine_tuned_before_any_step_is_kept_as_a_checkpoint() {
        let (mut session, mut out) = digit_session();
        send(&mut session, &mine(), 0.0, &mut out);
        assert_eq!(session.trainer().unwrap().steps(), 0);
        out.clear();
        session.handle(
            Envelope::bare(ToWorker::FineTune { passes: 5 }),
            &mut || 0.0,
            &mut out,
        );
        let checkpoints = |out: &Outbox| {
            out.iter()
                .filter(|e| matches!(e.msg, FromWorker::Checkpoint { steps: 0, .. }))
                .count()
        };
        assert_eq!(checkpoints(&out), 1, "{:?}", replies(&out));
        // Replaced by a new model: that state was sent, and is not sent again.
        out.clear();
        session.handle(Envelope::bare(ToWorker::Reset), &mut || 0.0, &mut out);
        assert_eq!(checkpoints(&out), 0, "already sent");
    }
}
