//! The messages that keep a run safe: checkpoints the worker sends the page to store, and the
//! heartbeat by which the page knows the worker is alive.
//!
//! A checkpoint's payload is the engine's checkpoint file ([`neurite::checkpoint`]): the model
//! file with the configuration in force, the place in the run and the optimizer's state. The
//! page stores it (with the curves it has drawn) and sends it back with
//! [`ToWorker::Resume`](super::ToWorker::Resume) to continue the run — after a reload, after the
//! worker crashed, or to undo a replacement.

use serde::{Deserialize, Serialize};

/// Why the worker sent a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointReason {
    /// An epoch ended and was evaluated.
    EpochEnd,
    /// Training paused, or a step ended.
    Paused,
    /// Training has run for [`CHECKPOINT_INTERVAL_MS`] since the last checkpoint.
    Interval,
    /// A trained model is about to be replaced (a new configuration, a reset, a loaded file
    /// or another checkpoint): this is the last of it.
    BeforeReplace,
}

/// Least time between two checkpoints while training, in milliseconds.
pub const CHECKPOINT_INTERVAL_MS: f64 = 10_000.0;

/// Where a resumed run came from, as [`FromWorker::Configured`](super::FromWorker::Configured)
/// reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resumed {
    /// The page's name for the stored run, as [`ToWorker::Resume`](super::ToWorker::Resume)
    /// gave it.
    pub record: String,
    /// Optimizer steps the run had taken.
    pub steps: u64,
    /// Epochs it had completed.
    pub epochs_done: usize,
}
