//! [`Collection`]: the learner's own images ("my digits"), 28×28 `u8` images made as MNIST's
//! are ([`crate::preprocess`]), each labelled with a class 0–9; and its two files.
//!
//! A collection is stored as MNIST is, as a pair of IDX files: the images (IDX3, `[n, 28, 28]`
//! unsigned bytes) in [`IMAGES_FILE`] and the labels (IDX1, `[n]`) in [`LABELS_FILE`].
//! [`Collection::to_idx`] writes them and [`Collection::from_idx_bytes`] reads them back, bit
//! for bit; [`super::load_extra`] finds such a pair in a directory. Every collection holds 1 to
//! [`MAX_IMAGES`] images, so any collection can be written and read back.
//!
//! Reading checks a file's header before its data: a file that claims the wrong shape or too
//! many images is refused before anything past its header is read or inflated.
//!
//! ```
//! use neurite::data::Collection;
//!
//! let digits = Collection::new(vec![0; 2 * 784], vec![3, 7])?;
//! let (images, labels) = digits.to_idx();
//! let again = Collection::from_idx_bytes("images", &images, "labels", &labels)?;
//! assert_eq!(again, digits);
//! # Ok::<(), neurite::Error>(())
//! ```

use super::Dataset;
use super::idx::{encode_idx, idx_dims, parse_idx};
use crate::{CollectionReason, Error, Result};

/// The side of a collection's images, in pixels: MNIST's.
pub const IMAGE_SIDE: usize = 28;

/// Pixel bytes per image.
pub const IMAGE_BYTES: usize = IMAGE_SIDE * IMAGE_SIDE;

/// A collection's classes: the digits 0–9 (or Fashion-MNIST's ten classes).
pub const CLASSES: usize = 10;

/// The most images a collection may hold: as many as MNIST's training set (47 MB of pixels).
/// A learner draws tens or hundreds; the bound keeps a hostile file from taking more memory.
pub const MAX_IMAGES: usize = 60_000;

/// The most bytes a collection's file may hold, 48 MiB: a little over its largest images file
/// ([`MAX_IMAGES`] images of [`IMAGE_BYTES`] and a 16-byte header: 47 040 016 bytes), leaving
/// room for gzip's few bytes of overhead on data that does not compress.
pub const MAX_FILE_BYTES: u64 = 48 << 20;

const _: () = assert!((MAX_IMAGES * IMAGE_BYTES + 16) as u64 <= MAX_FILE_BYTES);

/// How an images file's name ends (MNIST's `train-images-idx3-ubyte` is one).
pub const IMAGES_SUFFIX: &str = "images-idx3-ubyte";

/// How a labels file's name ends; it starts as its images file's does.
pub const LABELS_SUFFIX: &str = "labels-idx1-ubyte";

/// The name of the images file the playground downloads.
pub const IMAGES_FILE: &str = "my-digits-images-idx3-ubyte";

/// The name of the labels file the playground downloads.
pub const LABELS_FILE: &str = "my-digits-labels-idx1-ubyte";

/// What errors about images and labels given in memory ([`Collection::new`]) name.
pub const NAME: &str = "my digits";

/// The learner's own labelled images: 1 to [`MAX_IMAGES`] images of 28×28 `u8` pixels, each
/// labelled with a class below [`CLASSES`].
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    data: Dataset,
}

impl Collection {
    /// A collection of the images `pixels` (28×28 bytes each, one after another) labelled
    /// `labels`, one per image. Errors name the collection [`NAME`].
    pub fn new(pixels: Vec<u8>, labels: Vec<u8>) -> Result<Self> {
        if !pixels.len().is_multiple_of(IMAGE_BYTES) {
            return Err(Error::collection(
                NAME,
                CollectionReason::PixelCount {
                    bytes: pixels.len(),
                },
            ));
        }
        let images = pixels.len() / IMAGE_BYTES;
        check_image_count(NAME, images)?;
        check_label_count(NAME, labels.len(), NAME, images)?;
        Collection::checked(NAME, pixels, labels)
    }

    /// Reads a collection from its IDX images file and labels file (each plain or gzip), named
    /// in errors `images_name` and `labels_name`. Both headers are checked before any data is
    /// read.
    pub fn from_idx_bytes(
        images_name: &str,
        images: &[u8],
        labels_name: &str,
        labels: &[u8],
    ) -> Result<Self> {
        let image_dims = idx_dims(images, images_name)?;
        let count = match image_dims[..] {
            [count, IMAGE_SIDE, IMAGE_SIDE] => count,
            _ => {
                return Err(Error::collection(
                    images_name,
                    CollectionReason::ImageDimensions { dims: image_dims },
                ));
            }
        };
        check_image_count(images_name, count)?;
        let label_dims = idx_dims(labels, labels_name)?;
        let [label_count] = label_dims[..] else {
            return Err(Error::collection(
                labels_name,
                CollectionReason::LabelDimensions { dims: label_dims },
            ));
        };
        check_label_count(labels_name, label_count, images_name, count)?;
        let images = parse_idx(images, images_name)?;
        let labels = parse_idx(labels, labels_name)?;
        Collection::checked(labels_name, images.data, labels.data)
    }

    /// The collection's images and labels files, in this order: IDX3 `[n, 28, 28]` and IDX1
    /// `[n]`, plain. [`Collection::from_idx_bytes`] reads them back as they were.
    pub fn to_idx(&self) -> (Vec<u8>, Vec<u8>) {
        let n = self.len();
        let pixels = self.data.pixels().unwrap_or_default();
        (
            encode_idx(&[n, IMAGE_SIDE, IMAGE_SIDE], pixels),
            encode_idx(&[n], self.data.labels()),
        )
    }

    /// The collection as a dataset, to evaluate a model on ([`crate::Trainer::evaluate`]).
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }

    /// The collection as a dataset, by value.
    pub fn into_dataset(self) -> Dataset {
        self.data
    }

    /// How many images it holds (at least 1).
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Always `false`: a collection holds at least one image.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The images' labels, in order.
    pub fn labels(&self) -> &[u8] {
        self.data.labels()
    }

    /// The pixels of image `index`.
    ///
    /// # Panics
    /// If `index` is not below [`Collection::len`].
    #[track_caller]
    pub fn image(&self, index: usize) -> &[u8] {
        self.data.image(index)
    }

    /// The collection of `pixels` (whole images, as many as `labels`), once its labels are
    /// checked; errors about the labels name `labels_name`.
    fn checked(labels_name: &str, pixels: Vec<u8>, labels: Vec<u8>) -> Result<Self> {
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|(_, label)| usize::from(**label) >= CLASSES)
        {
            return Err(Error::collection(
                labels_name,
                CollectionReason::LabelOutOfRange { label, index },
            ));
        }
        Ok(Collection {
            data: Dataset::new(vec![IMAGE_SIDE, IMAGE_SIDE], pixels, labels, CLASSES)?,
        })
    }
}

/// Refuses no images, or more than [`MAX_IMAGES`].
fn check_image_count(images_name: &str, images: usize) -> Result<()> {
    let reason = match images {
        0 => CollectionReason::Empty,
        n if n > MAX_IMAGES => CollectionReason::TooManyImages {
            images: n,
            max: MAX_IMAGES,
        },
        _ => return Ok(()),
    };
    Err(Error::collection(images_name, reason))
}

/// Refuses another number of labels than of images.
fn check_label_count(
    labels_name: &str,
    labels: usize,
    images_name: &str,
    images: usize,
) -> Result<()> {
    if labels == images {
        return Ok(());
    }
    Err(Error::collection(
        labels_name,
        CollectionReason::CountMismatch {
            images,
            labels,
            images_file: images_name.to_owned(),
        },
    ))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `n` images whose pixels and labels follow from `seed`.
    fn digits(n: usize, seed: u8) -> Collection {
        let pixels = (0..n * IMAGE_BYTES)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect();
        let labels = (0..n)
            .map(|i| ((i + usize::from(seed)) % 10) as u8)
            .collect();
        Collection::new(pixels, labels).unwrap()
    }

    /// The error reading `images` and `labels` as a collection, as text.
    fn refusal(images: &[u8], labels: &[u8]) -> String {
        Collection::from_idx_bytes(IMAGES_FILE, images, LABELS_FILE, labels)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn written_files_are_idx_as_mnist_s_and_read_back_the_same() {
        let mine = digits(3, 1);
        let (images, labels) = mine.to_idx();
        assert_eq!(images[..4], [0, 0, 8, 3]);
        assert_eq!(images[4..16], [0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28]);
        assert_eq!(images.len(), 16 + 3 * 784);
        assert_eq!(labels, [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]);
        let again = Collection::from_idx_bytes(IMAGES_FILE, &images, LABELS_FILE, &labels);
        assert_eq!(again.unwrap(), mine);
        assert_eq!(mine.dataset().sample_shape(), [28, 28]);
        assert_eq!(
            (mine.len(), mine.is_empty(), mine.labels()),
            (3, false, &[1, 2, 3][..])
        );
        assert_eq!(mine.image(2), mine.dataset().image(2));
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn gzipped_files_are_read_as_plain_ones() {
        use std::io::Write;
        let gzip = |bytes: &[u8]| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(bytes).unwrap();
            encoder.finish().unwrap()
        };
        let mine = digits(4, 9);
        let (images, labels) = mine.to_idx();
        let again = Collection::from_idx_bytes("i", &gzip(&images), "l", &gzip(&labels));
        assert_eq!(again.unwrap(), mine);
    }

    #[test]
    fn each_bad_pair_of_files_is_refused_naming_the_file_and_what_is_wrong() {
        let image = |n: usize, rows: usize, cols: usize| {
            encode_idx(&[n, rows, cols], &vec![0; n * rows * cols])
        };
        let labels = |values: &[u8]| encode_idx(&[values.len()], values);
        let cases: [(Vec<u8>, Vec<u8>, &str); 8] = [
            (
                image(2, 20, 20),
                labels(&[1, 2]),
                "my-digits-images-idx3-ubyte: images of 20×20 pixels; a collection's are 28×28",
            ),
            (
                encode_idx(&[2, 784], &[0; 2 * 784]),
                labels(&[1, 2]),
                "images have dimensions [2, 784], expected [count, 28, 28]",
            ),
            (
                image(2, 28, 28),
                encode_idx(&[2, 1], &[1, 2]),
                "my-digits-labels-idx1-ubyte: labels have dimensions [2, 1], expected [count]",
            ),
            (
                image(3, 28, 28),
                labels(&[1, 2]),
                "my-digits-labels-idx1-ubyte: holds 2 labels but my-digits-images-idx3-ubyte \
                 holds 3 images",
            ),
            (
                image(2, 28, 28),
                labels(&[1, 10]),
                "my-digits-labels-idx1-ubyte: label 10 at index 1 is not one of the classes 0–9",
            ),
            (
                image(0, 28, 28),
                labels(&[]),
                "my-digits-images-idx3-ubyte: holds no images",
            ),
            // Refused from the header alone: the file holds no data at all.
            (
                encode_idx(&[60_001, 28, 28], &[]),
                labels(&[]),
                "holds 60001 images, more than the 60000 a collection may hold",
            ),
            (
                encode_idx(&[2, 28, 28], &[0; 5]),
                labels(&[1, 2]),
                "my-digits-images-idx3-ubyte: header claims 2 images of 28×28",
            ),
        ];
        for (images, labels, expected) in cases {
            let err = refusal(&images, &labels);
            assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        }
        let err = refusal(b"not an IDX file", &labels(&[1]));
        assert!(
            err.starts_with("my-digits-images-idx3-ubyte: not an IDX file"),
            "{err}"
        );
    }

    #[test]
    fn images_and_labels_given_in_memory_are_checked_alike() {
        let cases: [(Vec<u8>, Vec<u8>, &str); 4] = [
            (
                vec![0; 785],
                vec![1],
                "my digits: 785 pixel bytes are not whole 28×28 images",
            ),
            (vec![], vec![], "my digits: holds no images"),
            (
                vec![0; 784],
                vec![1, 2],
                "my digits: holds 2 labels but my digits holds 1 images",
            ),
            (vec![0; 784], vec![12], "my digits: label 12 at index 0"),
        ];
        for (pixels, labels, expected) in cases {
            let err = Collection::new(pixels, labels).unwrap_err();
            assert!(matches!(err, Error::Collection { .. }), "{err:?}");
            assert!(err.to_string().contains(expected), "{expected:?} in {err}");
        }
        let most = Collection::new(vec![0; (MAX_IMAGES + 1) * IMAGE_BYTES], vec![0; 1]);
        assert!(most.unwrap_err().to_string().contains("holds 60001 images"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any collection is written and read back bit for bit: the same images, the same
        /// labels, and the same files once written again.
        #[test]
        fn any_collection_reads_back_bit_identical(
            n in 1usize..24,
            pixels in proptest::collection::vec(any::<u8>(), 24 * IMAGE_BYTES),
            labels in proptest::collection::vec(0u8..10, 24),
        ) {
            let mine = Collection::new(pixels[..n * IMAGE_BYTES].to_vec(), labels[..n].to_vec())
                .unwrap();
            let (images, labels) = mine.to_idx();
            let again = Collection::from_idx_bytes("i", &images, "l", &labels).unwrap();
            prop_assert_eq!(again.dataset().pixels(), mine.dataset().pixels());
            prop_assert_eq!(again.labels(), mine.labels());
            prop_assert_eq!(again.to_idx(), (images, labels));
        }

        /// Any bytes — noise, or a valid pair with bytes changed, cut or added — are read as a
        /// collection or refused with a message, never a panic, and within a bounded time.
        #[test]
        fn any_bytes_are_read_or_refused_never_a_panic(
            noise in proptest::collection::vec(any::<u8>(), 0..64),
            n in 1usize..4,
            edits in proptest::collection::vec((any::<u16>(), any::<u8>()), 0..6),
            cut in any::<u16>(),
            into_labels: bool,
        ) {
            let started = std::time::Instant::now();
            let (mut images, mut labels) = digits(n, 3).to_idx();
            let file = if into_labels { &mut labels } else { &mut images };
            for (at, byte) in edits {
                let at = usize::from(at) % file.len();
                file[at] = byte;
            }
            file.truncate(usize::from(cut).max(1));
            file.extend_from_slice(&noise);
            for (images, labels) in [(&images, &labels), (&noise, &labels), (&images, &noise)] {
                match Collection::from_idx_bytes("i", images, "l", labels) {
                    Ok(read) => {
                        prop_assert!(read.len() <= MAX_IMAGES && !read.is_empty());
                        prop_assert!(read.labels().iter().all(|&l| l < 10));
                    }
                    Err(e) => prop_assert!(!e.to_string().is_empty()),
                }
            }
            prop_assert!(started.elapsed().as_secs() < 2, "took {:?}", started.elapsed());
        }
    }
}
