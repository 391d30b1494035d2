//! Why a model file is refused: a [`ModelFileReason`], worded in English by its
//! [`Display`](fmt::Display) and by the interface in its own language.

use std::fmt;

use super::Reason;

/// What is wrong with a model file, with the numbers and names that say where.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelFileReason {
    /// Fewer than the 8 bytes of the header's length.
    TooShort {
        /// The file's length.
        bytes: usize,
    },
    /// The file is longer than any model file can be.
    TooLarge {
        /// The file's length.
        bytes: u64,
        /// The longest a model file can be.
        max: u64,
    },
    /// The header's length is over the limit.
    HeaderTooLarge {
        /// The length the file claims (any `u64`).
        claimed: u64,
        /// The largest header accepted.
        max: u64,
    },
    /// The header's length runs past the end of the file.
    HeaderTruncated {
        /// The length the file claims.
        claimed: u64,
        /// The bytes after the length.
        available: usize,
    },
    /// The safetensors reader refuses the file.
    NotSafetensors {
        /// The reader's own message.
        detail: String,
    },
    /// The header has no `__metadata__`.
    NoMetadata,
    /// The file's `format_version` is not the one this build reads.
    UnsupportedVersion {
        /// The file's version.
        got: String,
        /// The version this build reads.
        supported: String,
    },
    /// The metadata has no `format_version`.
    NoFormatVersion,
    /// The metadata has no `model_spec`.
    NoSpec,
    /// The `model_spec` is not JSON for a specification.
    SpecUnreadable {
        /// The JSON reader's message.
        detail: String,
    },
    /// The `model_spec` reads, but the engine refuses the model it describes.
    SpecInvalid {
        /// The specification's field (`layers[0].units`, …).
        field: String,
        /// Why it is refused.
        reason: Reason,
    },
    /// The `pixels` metadata is neither `scaled` nor `raw`.
    UnknownPixels {
        /// The value found.
        got: String,
    },
    /// The `dataset` metadata names no dataset the engine knows.
    UnknownDataset {
        /// The value found.
        got: String,
    },
    /// A tensor the specification does not name.
    UnexpectedTensor {
        /// The tensor's name.
        name: String,
    },
    /// A parameter of the specification has no tensor.
    MissingTensor {
        /// The parameter's name (`dense_1.kernel`).
        name: String,
    },
    /// A tensor is not `f32`.
    WrongDtype {
        /// The tensor's name.
        name: String,
        /// Its element type, as safetensors names it (`F64`, `I8`, …).
        dtype: String,
    },
    /// A tensor's shape is not the one the specification implies.
    WrongShape {
        /// The tensor's name.
        name: String,
        /// Its shape in the file.
        got: Vec<usize>,
        /// The shape the specification needs.
        expected: Vec<usize>,
    },
    /// A tensor holds NaN or an infinity.
    NonFinite {
        /// The tensor's name.
        name: String,
        /// The value, as written (`NaN`, `inf`, `-inf`).
        value: String,
        /// Where, in the tensor's flat order.
        index: usize,
    },
    /// A checkpoint's `training` metadata is not JSON for where training stood.
    TrainingUnreadable {
        /// The JSON reader's message.
        detail: String,
    },
    /// A checkpoint's training configuration reads, but the engine refuses it.
    TrainingInvalid {
        /// The configuration's field (`training.learning_rate`, …).
        field: String,
        /// Why it is refused.
        reason: Reason,
    },
    /// A checkpoint's training configuration describes another model than `model_spec`, or
    /// another pixel mode than `pixels`.
    TrainingOtherModel,
    /// A checkpoint's place in the run cannot be: more samples seen than the epoch holds,
    /// more correct than seen, more epochs done than the run has, a loss sum that is not a
    /// finite non-negative number, or more steps than JavaScript counts exactly.
    ImpossiblePosition {
        /// The field that cannot be.
        field: &'static str,
    },
    /// The tensors together (weights and optimizer state) hold more values than the limit.
    TooManyValues {
        /// Values in the tensors the file declares.
        values: u64,
        /// The limit ([`crate::spec::MAX_PARAMS`]).
        max: u64,
    },
}

impl fmt::Display for ModelFileReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelFileReason::TooShort { bytes } => {
                write!(f, "the file is {bytes} bytes, too short to be a model file")
            }
            ModelFileReason::TooLarge { bytes, max } => write!(
                f,
                "the file is {bytes} bytes, more than the {max} bytes a model file can hold"
            ),
            ModelFileReason::HeaderTooLarge { claimed, max } => write!(
                f,
                "header claims {claimed} bytes, more than the {max}-byte limit; not a Neurite model file"
            ),
            ModelFileReason::HeaderTruncated { claimed, available } => write!(
                f,
                "header claims {claimed} bytes but the file holds only {available} after the length"
            ),
            ModelFileReason::NotSafetensors { detail } => {
                write!(f, "not a safetensors file: {detail}")
            }
            ModelFileReason::NoMetadata => f.write_str("no metadata: not a Neurite model file"),
            ModelFileReason::UnsupportedVersion { got, supported } => write!(
                f,
                "format version {got} is not supported (this build reads {supported})"
            ),
            ModelFileReason::NoFormatVersion => {
                f.write_str("no format_version in metadata: not a Neurite model file")
            }
            ModelFileReason::NoSpec => f.write_str("no model_spec in metadata"),
            ModelFileReason::SpecUnreadable { detail } => {
                write!(f, "model specification: {detail}")
            }
            ModelFileReason::SpecInvalid { field, reason } => {
                write!(f, "model specification: {field}: {reason}")
            }
            ModelFileReason::UnknownPixels { got } => {
                write!(f, "pixels is {got:?}; expected \"scaled\" or \"raw\"")
            }
            ModelFileReason::UnknownDataset { got } => write!(
                f,
                "dataset is {got:?}; expected \"mnist\" or \"fashion-mnist\""
            ),
            ModelFileReason::UnexpectedTensor { name } => write!(
                f,
                "unexpected tensor {name}: the specification has no such parameter"
            ),
            ModelFileReason::MissingTensor { name } => write!(f, "missing tensor {name}"),
            ModelFileReason::WrongDtype { name, dtype } => {
                write!(f, "tensor {name} is {dtype}, expected F32")
            }
            ModelFileReason::WrongShape {
                name,
                got,
                expected,
            } => write!(
                f,
                "tensor {name} has shape {got:?} but the specification needs {expected:?}"
            ),
            ModelFileReason::NonFinite { name, value, index } => write!(
                f,
                "tensor {name} holds a non-finite value ({value}) at index {index}"
            ),
            ModelFileReason::TrainingUnreadable { detail } => {
                write!(f, "training state: {detail}")
            }
            ModelFileReason::TrainingInvalid { field, reason } => {
                write!(f, "training configuration: {field}: {reason}")
            }
            ModelFileReason::TrainingOtherModel => f.write_str(
                "the training configuration describes another model than the file's model_spec",
            ),
            ModelFileReason::ImpossiblePosition { field } => {
                write!(f, "training state: {field} cannot be what the file says")
            }
            ModelFileReason::TooManyValues { values, max } => write!(
                f,
                "the tensors hold {values} values in all, more than the limit of {max}"
            ),
        }
    }
}
