//! Fuzz targets for the readers of untrusted input: model files, IDX files, the worker's
//! messages and widget URLs. Each target is a plain function of the input's bytes that panics
//! on a finding; the binaries in `src/bin/` hand it to AFL++, and the workspace's
//! `fuzz_replay` tests run the same functions on the seed corpus and on every crash found.
//!
//! Every input runs under [`bound`]: a live heap over 512 MiB aborts the process, and an input
//! handled in more than 10 s fails.

pub mod bound;
pub mod idx;
pub mod model_file;
pub mod replay;
pub mod widget_url;
pub mod worker_messages;

/// A fuzz target: its name (also its binary's and its corpus folder's), its body and its
/// seeds.
pub struct Target {
    /// The name.
    pub name: &'static str,
    /// Handles one input; panics on a finding.
    pub body: fn(&[u8]),
    /// The seed corpus, as (file name, bytes).
    pub seeds: fn() -> Vec<(String, Vec<u8>)>,
}

/// Every target.
pub const TARGETS: [Target; 4] = [
    Target {
        name: "model_file",
        body: model_file::model_file,
        seeds: model_file::seeds,
    },
    Target {
        name: "idx",
        body: idx::idx,
        seeds: idx::seeds,
    },
    Target {
        name: "worker_messages",
        body: worker_messages::worker_messages,
        seeds: worker_messages::seeds,
    },
    Target {
        name: "widget_url",
        body: widget_url::widget_url,
        seeds: widget_url::seeds,
    },
];
