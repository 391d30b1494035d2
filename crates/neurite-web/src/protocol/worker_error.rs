//! What the worker says when it cannot do what it was asked: a [`WorkerError`], worded by
//! the worker in English and in 中文 from the engine's structured error or from one of its own
//! ([`WorkerProblem`]), so that the page shows it in either language and switches between them
//! without holding the engine's error types or their wording itself (which keeps the page
//! small; [`i18n::worker_errors`](crate::i18n::worker_errors) words them).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, engine_errors, worker_errors};

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
    /// The configuration field concerned, if any (`learning_rate`, `layers[1].units`, …).
    pub field: Option<String>,
    /// The message in English (the engine's own, for an engine error).
    pub en: String,
    /// The message in 中文.
    pub zh: String,
}

/// The worker's own refusals, about its state and the browser around it.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerProblem {
    /// A reset before any model was configured.
    NothingToReset,
    /// An export before any model was configured.
    NoModelToSave,
    /// Training asked for before the run's dataset has arrived.
    DataLoading,
    /// Training asked for before a model was configured.
    NoModel,
    /// Training asked for after the run finished or diverged.
    RunOver,
    /// A model upload without its bytes.
    NoFile,
    /// A stored run to continue whose file is a model file without its run.
    NotACheckpoint {
        /// The stored run's name.
        name: String,
    },
    /// A drawing whose pixel count is not the model's input width.
    DrawingWidth {
        /// The drawing's pixels.
        pixels: usize,
        /// The model's input width.
        takes: usize,
    },
    /// The model's outputs for a drawing are NaN or infinite.
    PredictionNotFinite,
    /// "Show the math" asked for a test image that does not exist.
    NoSuchTestImage {
        /// The index asked for.
        index: usize,
        /// Test images held.
        count: usize,
    },
    /// "Show the math" asked for the drawing before one was sent.
    NoDrawing,
    /// "Show the math" asked for a first-layer weight that does not exist.
    NoSuchWeight {
        /// The input asked for.
        input: usize,
        /// The unit asked for.
        unit: usize,
        /// Inputs of the first dense layer.
        inputs: usize,
        /// Its units.
        units: usize,
    },
    /// An example's loss or gradients are NaN or infinite.
    ExampleNotFinite,
    /// A weight or a bias set to a value that is not finite or too large.
    WeightValue {
        /// The value, as written.
        value: String,
        /// The largest magnitude allowed.
        limit: f64,
    },
    /// The 2-D playground asked for a unit its network does not have.
    NoSuchUnit {
        /// The layer asked for (0: the inputs).
        layer: usize,
        /// The unit asked for.
        unit: usize,
    },
    /// "My digits" whose payload does not hold `count` digits with labels 0–9.
    MyDigitsPayload {
        /// The digits announced.
        count: usize,
        /// The payload's bytes.
        bytes: usize,
    },
    /// A share of each batch for "my digits" outside `[0, MAX_MY_DIGITS_SHARE]`.
    MyDigitsShare {
        /// The share asked for, as written.
        share: String,
    },
    /// Fine-tuning asked for without digits, or with too many passes.
    FineTune {
        /// The passes asked for.
        passes: u32,
        /// Whether there are digits to fine-tune on.
        has_digits: bool,
    },
    /// Fine-tuning asked for more samples (passes × digits) than one request trains.
    FineTuneTooLong {
        /// The passes asked for.
        passes: u32,
        /// The digits.
        digits: usize,
        /// The most samples allowed.
        max_samples: usize,
    },
    /// Fine-tuning on the learner's digits made the loss or a gradient non-finite: the model
    /// was left as it was.
    FineTuneDiverged,
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
            field: None,
            en: worker_errors::worker_problem(&problem, Lang::En),
            zh: worker_errors::worker_problem(&problem, Lang::Zh),
        }
    }

    /// The same error, about the uploaded file `name`: `name: …` and `name：…`.
    pub fn in_file(self, name: &str) -> Self {
        WorkerError {
            en: format!("{name}: {}", self.en),
            zh: format!("{name}：{}", self.zh),
            ..self
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

impl From<neurite::Error> for WorkerError {
    fn from(error: neurite::Error) -> Self {
        let (kind, field) = match &error {
            neurite::Error::InvalidConfig { field, .. } => (ErrorKind::Config, Some(field.clone())),
            neurite::Error::ModelFile(_) => (ErrorKind::ModelFile, None),
            neurite::Error::Idx { .. }
            | neurite::Error::Dataset(_)
            | neurite::Error::Collection { .. }
            | neurite::Error::Csv { .. }
            | neurite::Error::Io { .. } => (ErrorKind::Data, None),
            neurite::Error::Image(_) => (ErrorKind::State, None),
        };
        WorkerError {
            kind,
            field,
            en: engine_errors::message(&error, Lang::En),
            zh: engine_errors::message(&error, Lang::Zh),
        }
    }
}

/// The English message, as the console and the tests read it.
impl fmt::Display for WorkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
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
        assert_eq!(worker_error.field.as_deref(), Some("learning_rate"));
        assert_eq!(worker_error.to_string(), error.to_string());
        let file = WorkerError::from(neurite::Error::ModelFile(
            neurite::ModelFileReason::NoMetadata,
        ))
        .in_file("m.safetensors");
        assert_eq!(file.kind, ErrorKind::ModelFile);
        assert_eq!(file.field, None);
        assert_eq!(
            file.to_string(),
            "m.safetensors: model file: no metadata: not a Neurite model file"
        );
        assert_eq!(
            file.message(Lang::Zh),
            "m.safetensors：模型文件：没有元数据：这不是 Neurite 模型文件"
        );
    }
}
