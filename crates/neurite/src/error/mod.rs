//! The one error type of the engine.
//!
//! Every failure that a user, a file or a hyperparameter can cause is a variant here, carrying
//! *what* went wrong and *where*, so that the CLI, the worker and the UI can show it as it is.
//! Shape mismatches between the engine's own buffers are bugs, not errors: they panic.

use std::fmt;

mod collection;
mod config;
mod csv;
mod data;
mod model_file;

pub use collection::CollectionReason;
pub use config::{Bound, Quantity, Reason};
pub use csv::{CsvColumn, CsvReason};
pub use data::{DatasetReason, IdxReason, idx_type_name};
pub use model_file::ModelFileReason;

/// Which input a data-file error is about, e.g. `train-images`.
pub type Source = String;

/// Everything that can go wrong in the engine because of its inputs.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum Error {
    /// A hyperparameter or a model specification is out of range.
    #[error("{field}: {reason}")]
    InvalidConfig {
        /// The field, as the user names it (e.g. `learning_rate`, `layers[1].units`).
        field: String,
        /// Why the value is refused.
        reason: Reason,
    },

    /// An IDX file is malformed.
    #[error("{source_name}: {reason}")]
    Idx {
        /// Which file (e.g. `train-images`).
        source_name: Source,
        /// What is wrong with it.
        reason: IdxReason,
    },

    /// Two parts of a dataset disagree (e.g. image and label counts).
    #[error("dataset: {0}")]
    Dataset(DatasetReason),

    /// A collection of the learner's own images ("my digits") is refused: its directory, one
    /// of its two files, or the images and labels given for it.
    #[error("{source_name}: {reason}")]
    Collection {
        /// Which file or directory (e.g. `my-digits-labels-idx1-ubyte`).
        source_name: Source,
        /// What is wrong with it.
        reason: CollectionReason,
    },

    /// A model file is malformed or does not match its specification.
    #[error("model file: {0}")]
    ModelFile(ModelFileReason),

    /// A file of points (CSV) is malformed; `line` counts from 1 (0: the whole file).
    #[error("points file{}: {reason}", csv::at_line(*.line))]
    Csv {
        /// Where.
        line: usize,
        /// What is wrong there.
        reason: CsvReason,
    },

    /// An image given for prediction cannot be used.
    #[error("image: {0}")]
    Image(String),

    /// Reading or writing a file failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

impl Error {
    /// An [`Error::InvalidConfig`] for `field`, with a message from elsewhere
    /// ([`Reason::Text`]). The engine's own checks use [`Error::invalid`].
    pub fn config(field: impl Into<String>, reason: impl fmt::Display) -> Self {
        Error::invalid(field, Reason::Text(reason.to_string()))
    }

    /// An [`Error::InvalidConfig`] for `field`, refused for `reason`.
    pub fn invalid(field: impl Into<String>, reason: Reason) -> Self {
        Error::InvalidConfig {
            field: field.into(),
            reason,
        }
    }

    /// An [`Error::Idx`] for the file called `source_name`.
    pub fn idx(source_name: impl Into<String>, reason: IdxReason) -> Self {
        Error::Idx {
            source_name: source_name.into(),
            reason,
        }
    }

    /// An [`Error::Collection`] about the file or directory called `source_name`.
    pub fn collection(source_name: impl Into<String>, reason: CollectionReason) -> Self {
        Error::Collection {
            source_name: source_name.into(),
            reason,
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl fmt::Display, err: &std::io::Error) -> Self {
        Error::Io {
            path: path.to_string(),
            message: err.to_string(),
        }
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
