//! [`Run`]: the run in the worker as the page knows it, and what each reply does to it.

use neurite::{Config, ConfusionMatrix, Summary};
use serde::{Deserialize, Serialize};

use crate::protocol::{FromWorker, Phase, Progress, maybe_finite};

/// Weight of the newest point in the exponential moving average of the train curve.
pub const SMOOTHING: f64 = 0.3;

/// One point of a curve: position in epochs, loss, accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Position in epochs.
    pub position: f64,
    /// Loss.
    #[serde(with = "maybe_finite")]
    pub loss: f64,
    /// Accuracy.
    #[serde(with = "maybe_finite")]
    pub accuracy: f64,
}

/// An epoch's test results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochResult {
    /// The epoch, from 1.
    pub epoch: usize,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// Test loss.
    #[serde(with = "maybe_finite")]
    pub test_loss: f64,
    /// Test confusion matrix.
    pub confusion: ConfusionMatrix,
}

/// The run in the worker.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Run {
    /// The configuration the worker runs, as it confirmed it.
    pub config: Option<Config>,
    /// The model's layer table.
    pub summary: Option<Summary>,
    /// Where the run stands.
    pub phase: Phase,
    /// The latest progress.
    pub progress: Option<Progress>,
    /// Smoothed per-batch training loss and accuracy.
    pub train_curve: Vec<CurvePoint>,
    /// Test loss and accuracy after each epoch.
    pub test_curve: Vec<CurvePoint>,
    /// The latest epoch's test results.
    pub last_epoch: Option<EpochResult>,
    /// The worker's number for the run (0 before the first).
    pub number: u64,
    /// Whether its model holds something to keep before it has trained here: it was loaded
    /// from a file, continues a stored run, or was fine-tuned on the learner's digits.
    pub kept: bool,
}

/// What the page draws of a run, as it is stored beside the run's checkpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Curves {
    /// Smoothed per-batch training loss and accuracy.
    pub train: Vec<CurvePoint>,
    /// Test loss and accuracy after each epoch.
    pub test: Vec<CurvePoint>,
    /// The latest epoch's test results.
    pub last_epoch: Option<EpochResult>,
}

impl Run {
    /// Applies `reply`; returns whether it was about the run.
    pub fn apply(&mut self, reply: &FromWorker) -> bool {
        match reply {
            FromWorker::Configured {
                summary,
                config,
                run,
                resumed,
                loaded,
            } => {
                *self = Run {
                    config: Some(config.clone()),
                    summary: Some(summary.clone()),
                    number: *run,
                    kept: resumed.is_some() || loaded.is_some(),
                    ..Run::default()
                };
            }
            FromWorker::Progress(progress) => self.record_progress(progress),
            FromWorker::EpochEnd {
                epoch,
                test_loss,
                test_accuracy,
                confusion,
                ..
            } => {
                self.test_curve.push(CurvePoint {
                    position: *epoch as f64,
                    loss: *test_loss,
                    accuracy: *test_accuracy,
                });
                self.last_epoch = Some(EpochResult {
                    epoch: *epoch,
                    test_accuracy: *test_accuracy,
                    test_loss: *test_loss,
                    confusion: confusion.clone(),
                });
            }
            FromWorker::Diverged { .. } => self.phase = Phase::Diverged,
            // Weights the run's steps do not account for: kept as a loaded model is.
            FromWorker::FineTuned { .. } => self.kept = true,
            _ => return false,
        }
        true
    }

    /// Adds a progress report's recent batches to the smoothed train curve (a non-finite loss
    /// adds no point), and takes its phase.
    fn record_progress(&mut self, progress: &Progress) {
        if progress.recent_loss.is_finite() {
            let point = match self.train_curve.last() {
                Some(last) => CurvePoint {
                    position: progress.position,
                    loss: last.loss + SMOOTHING * (progress.recent_loss - last.loss),
                    accuracy: last.accuracy
                        + SMOOTHING * (progress.recent_accuracy - last.accuracy),
                },
                None => CurvePoint {
                    position: progress.position,
                    loss: progress.recent_loss,
                    accuracy: progress.recent_accuracy,
                },
            };
            self.train_curve.push(point);
        }
        self.phase = progress.phase;
        self.progress = Some(progress.clone());
    }

    /// The curves drawn so far, to store with a checkpoint.
    pub fn curves(&self) -> Curves {
        Curves {
            train: self.train_curve.clone(),
            test: self.test_curve.clone(),
            last_epoch: self.last_epoch.clone(),
        }
    }

    /// Puts back the curves stored with the checkpoint the run continues, before the points
    /// of its first progress after resuming.
    pub fn restore_curves(&mut self, curves: Curves) {
        let mut train = curves.train;
        train.append(&mut self.train_curve);
        self.train_curve = train;
        let mut test = curves.test;
        test.append(&mut self.test_curve);
        self.test_curve = test;
        if self.last_epoch.is_none() {
            self.last_epoch = curves.last_epoch;
        }
    }

    /// Whether replacing the model would lose something: it trained, or came from a file or a
    /// stored run.
    pub fn has_worth_keeping(&self) -> bool {
        self.kept || self.phase != crate::protocol::Phase::Idle
    }

    /// The epochs the run has, for the charts' axis (1 before the worker confirmed a run).
    pub fn epochs(&self) -> usize {
        self.config.as_ref().map_or(1, |c| c.training.epochs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(position: f64, loss: f64, accuracy: f64, phase: Phase) -> FromWorker {
        FromWorker::Progress(Progress {
            phase,
            epoch: 1,
            epochs: 5,
            batch: 10,
            batches_per_epoch: 1875,
            loss,
            accuracy,
            recent_loss: loss,
            recent_accuracy: accuracy,
            position,
            samples_per_second: 1e5,
            elapsed_ms: 3.0,
        })
    }

    fn configured() -> FromWorker {
        let config = Config::default();
        let model = neurite::Sequential::<f32>::from_spec(&config.model, 1).unwrap();
        FromWorker::Configured {
            summary: model.summary(),
            config,
            run: 1,
            resumed: None,
            loaded: None,
        }
    }

    #[test]
    fn a_new_model_clears_the_previous_run() {
        let mut run = Run::default();
        assert!(run.apply(&progress(0.1, 2.0, 0.2, Phase::Running)));
        assert!(run.apply(&configured()));
        assert!(run.train_curve.is_empty() && run.progress.is_none());
        assert_eq!(run.phase, Phase::Idle);
        assert_eq!(run.epochs(), 5);
        assert_eq!(run.summary.as_ref().map(|s| s.total_params), Some(101_770));
    }

    #[test]
    fn a_fine_tuned_model_is_one_to_keep() {
        let mut run = Run::default();
        run.apply(&configured());
        assert!(!run.kept);
        assert!(run.apply(&FromWorker::FineTuned {
            passes: 20,
            before: 0.1,
            after: 1.0,
            test_accuracy: 0.9,
        }));
        assert!(
            run.kept,
            "a new architecture now waits for Reset, which stores it first"
        );
    }

    #[test]
    fn progress_is_smoothed_and_a_non_finite_loss_adds_no_point() {
        let mut run = Run::default();
        run.apply(&progress(0.1, 2.0, 0.2, Phase::Running));
        run.apply(&progress(0.2, 1.0, 0.6, Phase::Running));
        // 2 + 0.3·(1 − 2) = 1.7; 0.2 + 0.3·(0.6 − 0.2) = 0.32.
        let last = run.train_curve[1];
        assert!((last.loss - 1.7).abs() < 1e-12 && (last.accuracy - 0.32).abs() < 1e-12);
        run.apply(&progress(0.3, f64::NAN, 0.1, Phase::Paused));
        assert_eq!(run.train_curve.len(), 2);
        assert_eq!(run.phase, Phase::Paused);
    }

    #[test]
    fn an_epoch_adds_a_test_point_and_divergence_stops_the_run() {
        let mut run = Run::default();
        let confusion = ConfusionMatrix::new(10);
        run.apply(&FromWorker::EpochEnd {
            epoch: 1,
            train_loss: 0.3,
            train_accuracy: 0.9,
            test_loss: 0.2,
            test_accuracy: 0.95,
            confusion,
        });
        assert_eq!(run.test_curve.len(), 1);
        assert_eq!(run.last_epoch.as_ref().map(|e| e.epoch), Some(1));
        run.apply(&FromWorker::Diverged {
            epoch: 2,
            loss: f64::INFINITY,
        });
        assert_eq!(run.phase, Phase::Diverged);
        let other = FromWorker::ModelFile { steps: 3 };
        assert!(!run.apply(&other));
    }
}
