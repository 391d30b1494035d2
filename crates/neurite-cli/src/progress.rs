//! The progress bar `neurite train` shows on the terminal while an epoch runs.
//!
//! It draws on stderr, so stdout keeps only the per-epoch lines; indicatif hides it when stderr
//! is not a terminal, and `--json` turns it off altogether.

use indicatif::{ProgressBar, ProgressStyle};
use neurite::StepReport;

const TEMPLATE: &str = "{prefix} [{bar:30}] {pos}/{len} - {elapsed} - {msg}";

/// One epoch's bar: position is the batch, the message the running loss, accuracy and speed.
pub struct EpochBar {
    bar: ProgressBar,
}

impl EpochBar {
    /// A bar for epoch `epoch` of `epochs`, with `batches` steps; drawn only if `visible`.
    pub fn new(epoch: usize, epochs: usize, batches: usize, visible: bool) -> Self {
        let bar = if visible {
            ProgressBar::new(batches as u64)
        } else {
            ProgressBar::hidden()
        };
        let style = ProgressStyle::with_template(TEMPLATE)
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_prefix(format!("Epoch {epoch}/{epochs}"));
        EpochBar { bar }
    }

    /// Moves the bar to the step's batch and shows its running scores.
    pub fn update(&self, step: &StepReport, samples_per_second: f64) {
        self.bar.set_length(step.batches_per_epoch as u64);
        self.bar.set_position(step.batch as u64);
        self.bar.set_message(format!(
            "loss: {:.4} - accuracy: {:.4} - {samples_per_second:.0} samples/s",
            step.loss, step.accuracy
        ));
    }

    /// Removes the bar, leaving the terminal for the epoch's line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// Leaves the bar where it stopped (training diverged).
    pub fn abandon(&self) {
        self.bar.abandon();
    }
}
