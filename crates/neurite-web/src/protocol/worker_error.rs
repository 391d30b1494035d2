//! What the worker says when it cannot do what it was asked: a [`WorkerError`], which carries
//! the engine's own error, or one of the worker's ([`WorkerProblem`]), as data — never as
//! English text — so that the page words it in its language
//! ([`i18n::worker_errors`](crate::i18n::worker_errors)).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kind of a worker error, so the page can decide where to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A configuration value is out of range.
    Config,
    /// The data could not be fetched or read.
    Data,
    /// A model file is malformed.
    ModelFile,
    /// The request does not fit the worker's state (e.g. training before data is loaded).
    State,
    /// A message could not be decoded.
    Protocol,
}

/// An error the worker reports instead of failing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerError {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// The uploaded file it is about, if any (`model.safetensors`).
    pub file: Option<String>,
    /// What went wrong.
    pub problem: Problem,
}

/// What went wrong, in the engine or in the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The engine refused something (a value, a file, data).
    Engine(neurite::Error),
    /// The worker cannot do what was asked.
    Worker(WorkerProblem),
}

/// The worker's own refusals, about its state and the browser around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerProblem {
    /// A reset before any model was configured.
    NothingToReset,
    /// An export before any model was configured.
    NoModelToSave,
    /// Training asked for before MNIST has arrived.
    DataLoading,
    /// Training asked for before a model was configured.
    NoModel,
    /// Training asked for after the run finished or diverged.
    RunOver,
    /// A model upload without its bytes.
    NoFile,
    /// A drawing whose pixel count is not the model's input width.
    DrawingWidth {
        /// The drawing's pixels.
        pixels: usize,
        /// The model's input width.
        takes: usize,
    },
    /// The model's outputs for a drawing are NaN or infinite.
    PredictionNotFinite,
    /// A message the worker cannot read.
    Undecodable {
        /// The decoder's message.
        detail: String,
    },
    /// A data file could not be fetched (network, CSP, CORS).
    Fetch {
        /// The file's URL.
        url: String,
        /// The browser's message.
        detail: String,
    },
    /// A data file's response is not a success.
    HttpStatus {
        /// The file's URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// A data file's response has no body.
    NoBody {
        /// The file's URL.
        url: String,
    },
    /// A data file is not a gzip stream the browser can inflate.
    Decompress {
        /// The file's URL.
        url: String,
        /// The browser's message.
        detail: String,
    },
}

impl WorkerError {
    /// One of the worker's own refusals.
    pub fn worker(kind: ErrorKind, problem: WorkerProblem) -> Self {
        WorkerError {
            kind,
            file: None,
            problem: Problem::Worker(problem),
        }
    }

    /// The same error, about the uploaded file `name`.
    pub fn in_file(self, name: impl Into<String>) -> Self {
        WorkerError {
            file: Some(name.into()),
            ..self
        }
    }

    /// The configuration field concerned, if any (`learning_rate`, `layers[1].units`, …).
    pub fn field(&self) -> Option<&str> {
        match &self.problem {
            Problem::Engine(neurite::Error::InvalidConfig { field, .. }) => Some(field),
            _ => None,
        }
    }
}

impl From<neurite::Error> for WorkerError {
    fn from(error: neurite::Error) -> Self {
        let kind = match error {
            neurite::Error::InvalidConfig { .. } => ErrorKind::Config,
            neurite::Error::ModelFile(_) => ErrorKind::ModelFile,
            neurite::Error::Idx { .. } | neurite::Error::Dataset(_) | neurite::Error::Io { .. } => {
                ErrorKind::Data
            }
            neurite::Error::Image(_) => ErrorKind::State,
        };
        WorkerError {
            kind,
            file: None,
            problem: Problem::Engine(error),
        }
    }
}

/// The English message, as the console and the tests read it.
impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::worker_errors::message(
            self,
            crate::i18n::Lang::En,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_keep_their_kind_and_field() {
        let error = neurite::Error::config("learning_rate", "must be above 0");
        let worker_error = WorkerError::from(error.clone());
        assert_eq!(worker_error.kind, ErrorKind::Config);
        assert_eq!(worker_error.field(), Some("learning_rate"));
        assert_eq!(worker_error.to_string(), error.to_string());
        let file = WorkerError::from(neurite::Error::ModelFile(
            neurite::ModelFileReason::NoMetadata,
        ))
        .in_file("m.safetensors");
        assert_eq!(file.kind, ErrorKind::ModelFile);
        assert_eq!(file.field(), None);
        assert_eq!(
            file.to_string(),
            "m.safetensors: model file: no metadata: not a Neurite model file"
        );
    }
}
