//! [`Playground`]: the page's reactive state, one handle shared by every panel.

use leptos::prelude::*;
use neurite::kernels::KernelSet;
use neurite::{Config, ConfusionMatrix, Summary};

use crate::draft::Draft;
use crate::i18n::{Lang, Text};
use crate::protocol::{Envelope, Phase, Progress, ToWorker};
use crate::reset_plan::{self, Plan};
use crate::test_set::TestImages;
use crate::ui::link::WorkerLink;
use crate::ui::weights::FirstLayer;

/// How far MNIST has come.
#[derive(Debug, Clone, PartialEq)]
pub enum DataStatus {
    /// Being fetched by the worker.
    Loading,
    /// Loaded in `millis`.
    Loaded {
        /// Training samples.
        train: usize,
        /// Time to fetch and decompress.
        millis: f64,
    },
    /// Could not be loaded.
    Failed(String),
}

/// One point of a curve: position in epochs, loss, accuracy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// Position in epochs.
    pub position: f64,
    /// Loss.
    pub loss: f64,
    /// Accuracy.
    pub accuracy: f64,
}

/// An epoch's test results.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochResult {
    /// The epoch, from 1.
    pub epoch: usize,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// Test loss.
    pub test_loss: f64,
    /// Test confusion matrix.
    pub confusion: ConfusionMatrix,
}

/// Weight of the newest point in the exponential moving average of the train curve.
const SMOOTHING: f64 = 0.3;

/// The page's state. Every field is a cheap handle: the struct is `Copy`.
#[derive(Clone, Copy)]
pub struct Playground {
    /// The page's language.
    pub lang: RwSignal<Lang>,
    /// MNIST's status.
    pub data: RwSignal<DataStatus>,
    /// The controls' values.
    pub draft: RwSignal<Draft>,
    /// The configuration the worker runs, as it confirmed it.
    pub running_config: RwSignal<Option<Config>>,
    /// Where the run stands.
    pub phase: RwSignal<Phase>,
    /// The latest progress.
    pub progress: RwSignal<Option<Progress>>,
    /// Smoothed per-batch training loss and accuracy.
    pub train_curve: RwSignal<Vec<CurvePoint>>,
    /// Test loss and accuracy after each epoch.
    pub test_curve: RwSignal<Vec<CurvePoint>>,
    /// The latest epoch's test results.
    pub last_epoch: RwSignal<Option<EpochResult>>,
    /// The latest epoch's predicted class per test sample.
    pub predictions: StoredValue<Vec<u8>>,
    /// The test images, from the worker.
    pub test_images: StoredValue<TestImages>,
    /// The first layer's weights from the latest snapshot.
    pub weights: RwSignal<Option<FirstLayer>>,
    /// The worker's latest class probabilities for a drawing: its number and the probabilities.
    pub prediction: RwSignal<Option<(u64, Vec<f32>)>>,
    /// The model's layer table.
    pub summary: RwSignal<Option<Summary>>,
    /// The confusion-matrix cell whose images are shown: (true, predicted).
    pub selected_cell: RwSignal<Option<(u8, u8)>>,
    /// The latest worker error that belongs to no control.
    pub notice: RwSignal<Option<String>>,
    /// The latest model-file error, shown by the load button.
    pub model_error: RwSignal<Option<String>>,
    /// The connection to the worker.
    pub link: StoredValue<Option<WorkerLink>, LocalStorage>,
    /// The instruction set the worker's kernels run on, once it has started.
    pub kernels: RwSignal<Option<KernelSet>>,
}

impl Playground {
    /// Fresh state in `lang`.
    pub fn new(lang: Lang) -> Self {
        Playground {
            lang: RwSignal::new(lang),
            data: RwSignal::new(DataStatus::Loading),
            draft: RwSignal::new(Draft::seed_program()),
            running_config: RwSignal::new(None),
            phase: RwSignal::new(Phase::Idle),
            progress: RwSignal::new(None),
            train_curve: RwSignal::new(Vec::new()),
            test_curve: RwSignal::new(Vec::new()),
            last_epoch: RwSignal::new(None),
            predictions: StoredValue::new(Vec::new()),
            test_images: StoredValue::new(TestImages::default()),
            weights: RwSignal::new(None),
            prediction: RwSignal::new(None),
            summary: RwSignal::new(None),
            selected_cell: RwSignal::new(None),
            notice: RwSignal::new(None),
            model_error: RwSignal::new(None),
            link: StoredValue::new_local(None),
            kernels: RwSignal::new(None),
        }
    }

    /// `text` in the page's language (reactive).
    pub fn t(self, text: Text) -> &'static str {
        text.in_lang(self.lang.get())
    }

    /// Sends a request to the worker.
    pub fn send(self, request: ToWorker) {
        self.send_envelope(Envelope::bare(request));
    }

    /// Sends a request with a payload to the worker.
    pub fn send_envelope(self, envelope: Envelope<ToWorker>) {
        self.link.with_value(|link| {
            if let Some(link) = link {
                link.send(envelope);
            }
        });
    }

    /// Forgets the curves and results of the previous run.
    pub fn clear_run(self) {
        self.train_curve.set(Vec::new());
        self.test_curve.set(Vec::new());
        self.last_epoch.set(None);
        self.progress.set(None);
        self.selected_cell.set(None);
        self.predictions.set_value(Vec::new());
    }

    /// Adds a progress report's recent batches to the smoothed train curve.
    pub fn record_progress(self, progress: &Progress) {
        if progress.recent_loss.is_finite() {
            self.train_curve.update(|curve| {
                let point = match curve.last() {
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
                curve.push(point);
            });
        }
        self.phase.set(progress.phase);
        self.progress.set(Some(progress.clone()));
    }

    /// Applies the controls to the worker as [`reset_plan::plan`] says: the learning rate and
    /// batch size at once (mid-run too, and keeping a loaded model), anything else as a fresh
    /// model while nothing has been trained. Nothing is sent unless it checks.
    pub fn apply_draft(self) {
        let Ok(checked) = self.draft.with_untracked(|d| d.check()) else {
            return;
        };
        let running = self.running_config.get_untracked();
        match reset_plan::plan(
            checked.into_inner(),
            running.as_ref(),
            self.phase.get_untracked(),
        ) {
            Plan::Nothing | Plan::NeedsReset => {}
            Plan::Configure(config) => self.send(ToWorker::Configure { config }),
            Plan::Adjust {
                learning_rate,
                batch_size,
            } => {
                let mut running = running.expect("a run to adjust");
                if let Some(learning_rate) = learning_rate {
                    self.send(ToWorker::SetLearningRate { learning_rate });
                    running.training.learning_rate = learning_rate;
                }
                if let Some(batch_size) = batch_size {
                    self.send(ToWorker::SetBatchSize { batch_size });
                    running.training.batch_size = batch_size;
                }
                self.running_config.set(Some(running));
            }
        }
    }

    /// Whether the controls describe a different model or run than the one in the worker
    /// (beyond the learning rate and batch size, which apply mid-run).
    pub fn needs_reset(self) -> bool {
        let Ok(checked) = self.draft.with(|d| d.check()) else {
            return false;
        };
        self.running_config
            .with(|running| reset_plan::needs_reset(&checked, running.as_ref()))
    }
}
