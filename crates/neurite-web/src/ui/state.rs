//! The page's slices of state that more than one panel uses, as cheap `Copy` handles passed
//! to the panels that need them:
//!
//! - [`RunControl`]: the controls' draft and the run in the worker, and the one way the draft
//!   reaches the worker (as [`crate::reset_plan`] says);
//! - [`TestResults`]: the test images and the latest epoch's predictions, for the confusion
//!   matrix's drill-down and the gallery.
//!
//! What each reply does to the run is [`Run::apply`], a pure function.

use leptos::prelude::*;

use neurite::Config;
use neurite::config::CheckedConfig;

use crate::dom::Redraw;
use crate::draft::{Draft, Refusal};
use crate::protocol::{FromWorker, Phase, ToWorker};
use crate::reset_plan::{self, Plan};
use crate::state::Run;
use crate::test_set::TestImages;
use crate::ui::link::Link;

/// The controls and the run, and the link that carries one to the other.
#[derive(Clone, Copy)]
pub struct RunControl {
    /// The controls' values.
    pub draft: RwSignal<Draft>,
    /// The draft checked by the engine, once per edit (the controls' refusal, the status and
    /// the way to the worker all read it).
    pub checked: Memo<Result<CheckedConfig, Refusal>>,
    /// The run in the worker, as its replies describe it.
    pub run: RwSignal<Run>,
    /// The worker.
    pub link: Link,
    /// The configuration of the last model asked of the worker: its answers to older requests
    /// leave the controls as they are ([`reset_plan::answers_an_older_request`]).
    pub last_configured: StoredValue<Option<Config>>,
    /// Tells the run's readers of the progress reports that came since they last heard.
    progress_shown: Redraw,
}

/// Least time between two showings of the run's progress while it trains, in milliseconds. The
/// worker reports ten times a second (each report a point of the train curve); the page's
/// panels follow four times a second, so that on a slow machine redrawing them does not take
/// the main thread from the learner's input.
pub const PROGRESS_SHOWN_MS: f64 = 250.0;

impl RunControl {
    /// The controls at `draft`, the run at `run`, and the worker behind `link`.
    pub fn new(draft: Draft, run: Run, link: Link) -> Self {
        let draft = RwSignal::new(draft);
        RunControl {
            draft,
            checked: Memo::new(move |_| draft.with(Draft::check)),
            run: RwSignal::new(run),
            link,
            last_configured: StoredValue::new(None),
            progress_shown: Redraw::at_most_every(PROGRESS_SHOWN_MS),
        }
    }

    /// Applies a reply to the run ([`Run::apply`]). A progress report of a run that goes on
    /// training is recorded at once but shown to the run's readers at most every
    /// [`PROGRESS_SHOWN_MS`]; any other reply about the run is shown at once (with the reports
    /// before it).
    pub fn take(self, reply: &FromWorker) {
        let goes_on = |phase: Phase| phase == Phase::Running;
        let quiet = matches!(reply, FromWorker::Progress(p) if goes_on(p.phase))
            && self.run.with_untracked(|r| goes_on(r.phase));
        if quiet {
            self.run.update_untracked(|run| run.apply(reply));
            let run = self.run;
            self.progress_shown.request(move || run.notify());
        } else {
            self.run.maybe_update(|run| run.apply(reply));
        }
    }

    /// Applies the controls to the worker as [`reset_plan::plan`] says: the learning rate and
    /// batch size at once, other training settings to the current model when it holds
    /// something to keep (trained, loaded or continued), a new model only while there is
    /// nothing to lose. Nothing is sent unless it checks.
    pub fn apply_draft(self) {
        let Ok(checked) = self.checked.get_untracked() else {
            return;
        };
        let (running, phase, kept) = self
            .run
            .with_untracked(|r| (r.config.clone(), r.phase, r.kept));
        match reset_plan::plan(checked.into_inner(), running.as_ref(), phase, kept) {
            Plan::Nothing | Plan::NeedsReset => {}
            Plan::Configure(config) => self.send_configure(config),
            Plan::Retune(training) => {
                self.link.send(ToWorker::SetTraining {
                    training: training.clone(),
                });
                self.run.update(|run| {
                    if let Some(config) = run.config.as_mut() {
                        // The model keeps its pixel mode and dataset (see Trainer::retune).
                        let (pixels, dataset) = (config.training.pixels, config.training.dataset);
                        config.training = training;
                        config.training.pixels = pixels;
                        config.training.dataset = dataset;
                    }
                });
            }
            Plan::Adjust {
                learning_rate,
                batch_size,
            } => {
                if let Some(learning_rate) = learning_rate {
                    self.link.send(ToWorker::SetLearningRate { learning_rate });
                }
                if let Some(batch_size) = batch_size {
                    self.link.send(ToWorker::SetBatchSize { batch_size });
                }
                self.run.update(|run| {
                    if let Some(config) = run.config.as_mut() {
                        if let Some(learning_rate) = learning_rate {
                            config.training.learning_rate = learning_rate;
                        }
                        if let Some(batch_size) = batch_size {
                            config.training.batch_size = batch_size;
                        }
                    }
                });
            }
        }
    }

    /// Changes the draft, then passes it on to the worker if it checks.
    pub fn edit(self, change: impl FnOnce(&mut Draft)) {
        self.draft.update(change);
        self.apply_draft();
    }

    /// A fresh model from the controls (Reset, or a preset).
    pub fn configure(self) {
        if let Ok(checked) = self.checked.get_untracked() {
            self.send_configure(checked.into_inner());
        }
    }

    /// Asks the worker for a new model of `config`.
    fn send_configure(self, config: Config) {
        self.last_configured.set_value(Some(config.clone()));
        self.link.send(ToWorker::Configure { config });
    }
}

/// The test images, and the class the latest epoch predicted for each.
#[derive(Clone, Copy)]
pub struct TestResults {
    /// The test images, from the worker.
    pub images: StoredValue<TestImages>,
    /// The latest epoch's predicted class per test sample (empty before the first epoch).
    pub predictions: StoredValue<Vec<u8>>,
}

impl TestResults {
    /// No images, no predictions.
    pub fn new() -> Self {
        TestResults {
            images: StoredValue::new(TestImages::default()),
            predictions: StoredValue::new(Vec::new()),
        }
    }
}

impl Default for TestResults {
    fn default() -> Self {
        Self::new()
    }
}
