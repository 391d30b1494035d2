//! Why data is refused: an [`IdxReason`] for a malformed IDX file, a [`DatasetReason`] for
//! parts of a dataset (or a dataset and a model) that disagree. Each is worded in English by
//! its [`Display`](fmt::Display) and by the interface in its own language.

use std::fmt;

/// What is wrong with an IDX file.
#[derive(Debug, Clone, PartialEq)]
pub enum IdxReason {
    /// Fewer than the 4 bytes of the magic number.
    TooShort {
        /// The file's length.
        bytes: usize,
    },
    /// The magic number does not start with two zero bytes.
    BadMagic {
        /// The file's first two bytes.
        first: [u8; 2],
    },
    /// An element type other than unsigned bytes.
    UnsupportedType {
        /// The type's code (`0x08` is the one read).
        code: u8,
    },
    /// A number of dimensions outside 1 to 4.
    DimensionCount {
        /// The number the file gives.
        got: usize,
    },
    /// The file ends inside the dimensions.
    HeaderTruncated {
        /// The header's length for that many dimensions.
        needs: usize,
        /// The number of dimensions.
        dimensions: usize,
        /// The file's length.
        holds: usize,
    },
    /// The dimensions promise more bytes than the limit.
    TooLarge {
        /// The dimensions.
        dims: Vec<usize>,
        /// The largest data accepted, in bytes.
        max: usize,
    },
    /// The data is not as long as the dimensions promise.
    WrongLength {
        /// The dimensions.
        dims: Vec<usize>,
        /// The data bytes they promise.
        expected: usize,
        /// The data bytes there are (counted up to one past `expected`).
        holds: usize,
        /// Whether the data is a gzip stream's.
        gzip: bool,
    },
    /// A gzip file in a build without the `gzip` feature.
    GzipUnsupported,
    /// The gzip stream cannot be inflated.
    GzipCorrupt {
        /// The inflater's message.
        detail: String,
    },
}

/// What IDX's element type `code` is, in English.
pub fn idx_type_name(code: u8) -> &'static str {
    match code {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "short",
        0x0C => "int",
        0x0D => "float",
        0x0E => "double",
        _ => "unknown",
    }
}

/// `60000 labels`, `60000 images of 28×28`, or the dimensions.
fn describe(dims: &[usize]) -> String {
    match dims {
        [n] => format!("{n} labels"),
        [n, rows, cols] => format!("{n} images of {rows}×{cols}"),
        other => format!("dimensions {other:?}"),
    }
}

impl fmt::Display for IdxReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdxReason::TooShort { bytes } => {
                write!(f, "file holds {bytes} bytes, too short for an IDX header")
            }
            IdxReason::BadMagic { first: [a, b] } => write!(
                f,
                "not an IDX file: magic starts with {a:#04x} {b:#04x}, expected 0x00 0x00"
            ),
            IdxReason::UnsupportedType { code } => write!(
                f,
                "element type {code:#04x} ({}) is not supported, only 0x08 (unsigned byte)",
                idx_type_name(*code)
            ),
            IdxReason::DimensionCount { got } => write!(f, "{got} dimensions; expected 1 to 4"),
            IdxReason::HeaderTruncated {
                needs,
                dimensions,
                holds,
            } => write!(
                f,
                "header needs {needs} bytes for {dimensions} dimensions but the file holds {holds}"
            ),
            IdxReason::TooLarge { dims, max } => write!(
                f,
                "header claims dimensions {dims:?}, more than the {max}-byte limit"
            ),
            IdxReason::WrongLength {
                dims,
                expected,
                holds,
                gzip,
            } => {
                let (container, more) = match gzip {
                    true if holds > expected => ("gzip stream", "more than "),
                    true => ("gzip stream", ""),
                    false => ("file", ""),
                };
                write!(
                    f,
                    "header claims {} ({expected} data bytes) but the {container} holds {more}{} data bytes",
                    describe(dims),
                    if *gzip { holds.min(expected) } else { holds }
                )
            }
            IdxReason::GzipUnsupported => f.write_str(
                "the file is gzip-compressed, and this build reads only plain IDX files \
                 (the `gzip` feature is off): decompress it first",
            ),
            IdxReason::GzipCorrupt { detail } => write!(f, "gzip stream is corrupt: {detail}"),
        }
    }
}

/// How the parts of a dataset, or a dataset and a model, disagree.
#[derive(Debug, Clone, PartialEq)]
pub enum DatasetReason {
    /// Samples of a shape with a dimension of 0.
    NoFeatures {
        /// The samples' shape.
        sample_shape: Vec<usize>,
    },
    /// The pixels are not a whole number of samples.
    PixelCount {
        /// How many pixel bytes there are.
        pixels: usize,
        /// How many labels, one per sample.
        samples: usize,
        /// Features per sample.
        features: usize,
    },
    /// A label is not one of the classes.
    LabelOutOfRange {
        /// The label.
        label: u8,
        /// Where it is.
        index: usize,
        /// How many classes there are.
        classes: usize,
    },
    /// Images that are not `[count, rows, cols]`.
    ImageDimensions {
        /// Their dimensions.
        dims: Vec<usize>,
    },
    /// Labels that are not `[count]`.
    LabelDimensions {
        /// Their dimensions.
        dims: Vec<usize>,
    },
    /// A different number of images and labels.
    CountMismatch {
        /// How many images.
        images: usize,
        /// How many labels.
        labels: usize,
    },
    /// Samples of another width than the model takes.
    InputWidth {
        /// The samples' width.
        features: usize,
        /// The model's.
        takes: usize,
        /// The model's input shape.
        input_shape: Vec<usize>,
    },
    /// More classes than the model scores.
    TooManyClasses {
        /// The data's classes.
        classes: usize,
        /// The model's outputs.
        outputs: usize,
    },
    /// A model that does not give one score per class of the data (a one-output model scores
    /// two classes).
    OutputsNotClasses {
        /// The model's outputs.
        outputs: usize,
        /// The data's classes.
        classes: usize,
    },
    /// No samples to train on.
    EmptyTraining,
    /// Values to regress that are not a whole number of samples' `outputs` each.
    ValueCount {
        /// How many values there are.
        values: usize,
        /// Values per sample.
        outputs: usize,
    },
    /// A model whose outputs are not the data's values to regress, one each.
    OutputsNotValues {
        /// The model's outputs.
        outputs: usize,
        /// The data's values per sample.
        values: usize,
    },
    /// A training set that is not labelled images, into which a collection cannot be mixed.
    MixNotImages,
    /// A collection whose images are not the shape of the training set's.
    MixShape {
        /// The training set's sample shape.
        base: Vec<usize>,
        /// The collection's.
        extra: Vec<usize>,
    },
    /// A collection with other classes than the training set's.
    MixClasses {
        /// The training set's classes.
        base: usize,
        /// The collection's.
        extra: usize,
    },
}

impl fmt::Display for DatasetReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatasetReason::NoFeatures { sample_shape } => {
                write!(f, "samples of shape {sample_shape:?} hold no features")
            }
            DatasetReason::PixelCount {
                pixels,
                samples,
                features,
            } => write!(
                f,
                "{pixels} pixel bytes do not make {samples} samples of {features} features"
            ),
            DatasetReason::LabelOutOfRange {
                label,
                index,
                classes,
            } => write!(
                f,
                "label {label} at index {index} is outside the {classes} classes 0–{}",
                classes.saturating_sub(1)
            ),
            DatasetReason::ImageDimensions { dims } => write!(
                f,
                "images have dimensions {dims:?}, expected [count, rows, cols]"
            ),
            DatasetReason::LabelDimensions { dims } => {
                write!(f, "labels have dimensions {dims:?}, expected [count]")
            }
            DatasetReason::CountMismatch { images, labels } => {
                write!(f, "{images} images but {labels} labels")
            }
            DatasetReason::InputWidth {
                features,
                takes,
                input_shape,
            } => write!(
                f,
                "samples have {features} features but the model takes {takes} (input shape {input_shape:?})"
            ),
            DatasetReason::TooManyClasses { classes, outputs } => write!(
                f,
                "the data has {classes} classes but the model outputs {outputs}"
            ),
            DatasetReason::OutputsNotClasses { outputs, classes } => write!(
                f,
                "the model gives {outputs} outputs but the data has {classes} classes"
            ),
            DatasetReason::EmptyTraining => f.write_str("the training set is empty"),
            DatasetReason::ValueCount { values, outputs } => write!(
                f,
                "{values} values to regress are not a whole number of samples of {outputs}"
            ),
            DatasetReason::OutputsNotValues { outputs, values } => write!(
                f,
                "the model gives {outputs} outputs but the data has {values} values per sample to regress"
            ),
            DatasetReason::MixNotImages => f.write_str(
                "the training set is not labelled images: a collection can only be mixed into images",
            ),
            DatasetReason::MixShape { base, extra } => write!(
                f,
                "the collection's images have shape {extra:?} but the training set's {base:?}"
            ),
            DatasetReason::MixClasses { base, extra } => write!(
                f,
                "the collection has {extra} classes but the training set {base}"
            ),
        }
    }
}
