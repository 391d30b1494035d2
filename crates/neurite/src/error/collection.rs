//! Why a collection of the learner's own images ([`crate::data::Collection`], "my digits") is
//! refused: a [`CollectionReason`], worded in English by its [`Display`](fmt::Display) and by
//! the interface in its own language. The error names the file (or the directory) it is about.

use std::fmt;

use crate::data::collection::{IMAGE_SIDE, IMAGES_SUFFIX, LABELS_SUFFIX};

/// What is wrong with a collection's files, or with the images and labels given for one.
#[derive(Debug, Clone, PartialEq)]
pub enum CollectionReason {
    /// The directory holds no images file with its labels file.
    NoPair,
    /// An images file whose labels file is missing.
    NoLabels {
        /// The labels file's name, as it should be.
        expected: String,
    },
    /// The directory holds more than one pair of files, so which is the collection is unclear.
    SeveralPairs {
        /// The images files of the pairs, by name.
        images_files: Vec<String>,
    },
    /// A file longer than a collection's files can be.
    FileTooLarge {
        /// The most bytes a collection's file may hold.
        max: u64,
    },
    /// Images that are not `[count, 28, 28]`.
    ImageDimensions {
        /// Their dimensions.
        dims: Vec<usize>,
    },
    /// Labels that are not `[count]`.
    LabelDimensions {
        /// Their dimensions.
        dims: Vec<usize>,
    },
    /// Pixels that are not a whole number of 28×28 images.
    PixelCount {
        /// How many pixel bytes there are.
        bytes: usize,
    },
    /// No images.
    Empty,
    /// More images than a collection may hold.
    TooManyImages {
        /// How many there are.
        images: usize,
        /// The most allowed, [`crate::data::collection::MAX_IMAGES`].
        max: usize,
    },
    /// A different number of labels and images.
    CountMismatch {
        /// How many images.
        images: usize,
        /// How many labels.
        labels: usize,
        /// The images' file (the error names the labels').
        images_file: String,
    },
    /// A label that is not a class 0–9.
    LabelOutOfRange {
        /// The label.
        label: u8,
        /// Where it is, from 0.
        index: usize,
    },
}

impl fmt::Display for CollectionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = IMAGE_SIDE;
        match self {
            CollectionReason::NoPair => write!(
                f,
                "no collection here: expected an images file named *{IMAGES_SUFFIX} and the labels \
                 file of the same name but for *{LABELS_SUFFIX} (either may end in .gz)"
            ),
            CollectionReason::NoLabels { expected } => write!(
                f,
                "its labels file is missing: expected {expected} (or {expected}.gz) beside it"
            ),
            CollectionReason::SeveralPairs { images_files } => write!(
                f,
                "holds {} collections ({}); keep only one pair of files in the directory",
                images_files.len(),
                images_files.join(", ")
            ),
            CollectionReason::FileTooLarge { max } => write!(
                f,
                "the file is larger than {max} bytes, the most a collection's file may hold"
            ),
            CollectionReason::ImageDimensions { dims } => match dims[..] {
                [_, rows, cols] => write!(
                    f,
                    "images of {rows}×{cols} pixels; a collection's are {side}×{side}, as MNIST's"
                ),
                _ => write!(
                    f,
                    "images have dimensions {dims:?}, expected [count, {side}, {side}]"
                ),
            },
            CollectionReason::LabelDimensions { dims } => {
                write!(f, "labels have dimensions {dims:?}, expected [count]")
            }
            CollectionReason::PixelCount { bytes } => write!(
                f,
                "{bytes} pixel bytes are not whole {side}×{side} images ({} bytes each)",
                side * side
            ),
            CollectionReason::Empty => f.write_str("holds no images"),
            CollectionReason::TooManyImages { images, max } => write!(
                f,
                "holds {images} images, more than the {max} a collection may hold"
            ),
            CollectionReason::CountMismatch {
                images,
                labels,
                images_file,
            } => write!(
                f,
                "holds {labels} labels but {images_file} holds {images} images: one label per image"
            ),
            CollectionReason::LabelOutOfRange { label, index } => write!(
                f,
                "label {label} at index {index} is not one of the classes 0–9"
            ),
        }
    }
}
