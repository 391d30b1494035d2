//! [`MyDigits`]: the learner's own handwriting, kept as training data — 28×28 images made by
//! the drawing pad's preprocessing (MNIST's), each with the label the learner gave it.
//!
//! The collection is the page's: it is stored in IndexedDB as its two IDX files
//! ([`MyDigits::to_idx`], the format of MNIST's own files, so that `neurite train --extra DIR`
//! trains on a downloaded copy), read back with the engine's IDX parser ([`MyDigits::from_idx`],
//! which refuses a file that is not a collection of 28×28 digits), and sent to the worker as
//! its pixels followed by its labels ([`MyDigits::payload`]).

use neurite::data::Collection;
use neurite::data::collection::{IMAGES_FILE, LABELS_FILE};
use neurite::data::idx::encode_idx;

use crate::i18n::Lang;

/// Side of an image, as MNIST's.
pub const SIDE: usize = 28;
/// Pixels of an image.
pub const PIXELS: usize = SIDE * SIDE;
/// The most digits a collection holds: far more than anyone draws, and 784 KB of pixels.
pub const MAX_MY_DIGITS: usize = 1000;

/// The IDX files of no digits: `[0, 28, 28]` images and `[0]` labels.
const EMPTY_IMAGES: [u8; 16] = [0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28];
const EMPTY_LABELS: [u8; 8] = [0, 0, 8, 1, 0, 0, 0, 0];

/// The learner's digits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MyDigits {
    /// `len × 784` pixels, row by row.
    pixels: Vec<u8>,
    /// One label per image, 0–9.
    labels: Vec<u8>,
}

/// Why a collection was not changed or not read.
#[derive(Debug, Clone, PartialEq)]
pub enum MyDigitsProblem {
    /// The collection already holds [`MAX_MY_DIGITS`].
    Full,
    /// An image that is not 28×28 pixels (the pad was empty, say).
    NotAnImage {
        /// Its pixel count.
        pixels: usize,
    },
    /// A label that is not a digit.
    NotADigit {
        /// The label.
        label: u8,
    },
    /// Files that are not a collection: the engine's reason.
    Unreadable(neurite::Error),
    /// More digits than a collection holds.
    TooMany {
        /// How many the files hold.
        count: usize,
    },
}

impl MyDigitsProblem {
    /// What the page says of it in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let pick = |en: String, zh: String| if lang == Lang::En { en } else { zh };
        match self {
            MyDigitsProblem::Full => pick(
                format!(
                    "your collection holds {MAX_MY_DIGITS} digits, the most it can: delete some to add more"
                ),
                format!("你的手写集已有 {MAX_MY_DIGITS} 个数字，已达上限：请先删除一些再添加"),
            ),
            MyDigitsProblem::NotAnImage { .. } => pick(
                "draw a digit on the pad first".into(),
                "请先在画板上写一个数字".into(),
            ),
            MyDigitsProblem::NotADigit { label } => pick(
                format!("{label} is not a digit from 0 to 9"),
                format!("{label} 不是 0 到 9 之间的数字"),
            ),
            MyDigitsProblem::Unreadable(e) => pick(
                format!(
                    "these files are not a collection of digits: {}",
                    crate::i18n::engine_errors::message(e, Lang::En)
                ),
                format!(
                    "这些文件不是手写数字集：{}",
                    crate::i18n::engine_errors::message(e, Lang::Zh)
                ),
            ),
            MyDigitsProblem::TooMany { count } => pick(
                format!(
                    "that makes {count} digits; a collection holds at most {MAX_MY_DIGITS}: nothing was added"
                ),
                format!(
                    "这样会有 {count} 个数字；手写集最多容纳 {MAX_MY_DIGITS} 个：未添加任何数字"
                ),
            ),
        }
    }
}

impl MyDigits {
    /// How many digits.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image `index`'s pixels.
    pub fn image(&self, index: usize) -> &[u8] {
        &self.pixels[index * PIXELS..(index + 1) * PIXELS]
    }

    /// Every label, in order.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Adds `image` (28×28 pixels) with `label`.
    pub fn add(&mut self, image: &[u8], label: u8) -> Result<(), MyDigitsProblem> {
        if self.len() >= MAX_MY_DIGITS {
            return Err(MyDigitsProblem::Full);
        }
        if image.len() != PIXELS {
            return Err(MyDigitsProblem::NotAnImage {
                pixels: image.len(),
            });
        }
        if label > 9 {
            return Err(MyDigitsProblem::NotADigit { label });
        }
        self.pixels.extend_from_slice(image);
        self.labels.push(label);
        Ok(())
    }

    /// Adds every digit of `other` after these, or none if they would be more than
    /// [`MAX_MY_DIGITS`].
    pub fn append(&mut self, other: &MyDigits) -> Result<(), MyDigitsProblem> {
        let count = self.len() + other.len();
        if count > MAX_MY_DIGITS {
            return Err(MyDigitsProblem::TooMany { count });
        }
        self.pixels.extend_from_slice(&other.pixels);
        self.labels.extend_from_slice(&other.labels);
        Ok(())
    }

    /// Gives digit `index` the label `label`; an index past the end changes nothing.
    pub fn relabel(&mut self, index: usize, label: u8) -> Result<(), MyDigitsProblem> {
        if label > 9 {
            return Err(MyDigitsProblem::NotADigit { label });
        }
        if let Some(l) = self.labels.get_mut(index) {
            *l = label;
        }
        Ok(())
    }

    /// Removes digit `index`; an index past the end changes nothing.
    pub fn delete(&mut self, index: usize) {
        if index < self.len() {
            self.labels.remove(index);
            self.pixels.drain(index * PIXELS..(index + 1) * PIXELS);
        }
    }

    /// The collection as MNIST's two files: images (IDX, `[n, 28, 28]`) and labels (`[n]`),
    /// as [`Collection::to_idx`] writes them (an empty collection too).
    pub fn to_idx(&self) -> (Vec<u8>, Vec<u8>) {
        (
            encode_idx(&[self.len(), SIDE, SIDE], &self.pixels),
            encode_idx(&[self.len()], &self.labels),
        )
    }

    /// A collection from its two IDX files (not compressed), named in messages `images_name`
    /// and `labels_name`, as the engine reads a collection ([`Collection::from_idx_bytes`]:
    /// 28×28 images, one label 0–9 each), and at most [`MAX_MY_DIGITS`] of them.
    pub fn from_idx(
        (images_name, images): (&str, &[u8]),
        (labels_name, labels): (&str, &[u8]),
    ) -> Result<Self, MyDigitsProblem> {
        let read = Collection::from_idx_bytes(images_name, images, labels_name, labels)
            .map_err(MyDigitsProblem::Unreadable)?;
        if read.len() > MAX_MY_DIGITS {
            return Err(MyDigitsProblem::TooMany { count: read.len() });
        }
        Ok(MyDigits {
            pixels: read.dataset().pixels().unwrap_or_default().to_vec(),
            labels: read.labels().to_vec(),
        })
    }

    /// The collection the page stored as its two IDX files: an empty one is stored as the
    /// files of no digits, which the engine would refuse as a collection.
    pub fn from_stored(images: &[u8], labels: &[u8]) -> Result<Self, MyDigitsProblem> {
        if (images, labels) == (&EMPTY_IMAGES[..], &EMPTY_LABELS[..]) {
            return Ok(MyDigits::default());
        }
        MyDigits::from_idx((IMAGES_FILE, images), (LABELS_FILE, labels))
    }

    /// What the worker is sent: the pixels, then the labels.
    pub fn payload(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pixels.len() + self.labels.len());
        out.extend_from_slice(&self.pixels);
        out.extend_from_slice(&self.labels);
        out
    }

    /// The collection a worker was sent as `count` digits in `payload`; `None` if the payload
    /// does not hold them.
    pub fn from_payload(count: usize, payload: &[u8]) -> Option<Self> {
        if count > MAX_MY_DIGITS || payload.len() != count * (PIXELS + 1) {
            return None;
        }
        let (pixels, labels) = payload.split_at(count * PIXELS);
        if labels.iter().any(|&l| l > 9) {
            return None;
        }
        Some(MyDigits {
            pixels: pixels.to_vec(),
            labels: labels.to_vec(),
        })
    }

    /// The collection as the engine takes it (`None` when empty).
    pub fn collection(&self) -> Option<Collection> {
        if self.is_empty() {
            return None;
        }
        Collection::new(self.pixels.clone(), self.labels.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn image(seed: u8) -> Vec<u8> {
        (0..PIXELS).map(|i| (i as u8).wrapping_mul(seed)).collect()
    }

    fn collection(labels: &[u8]) -> MyDigits {
        let mut digits = MyDigits::default();
        for (i, &label) in labels.iter().enumerate() {
            digits.add(&image(i as u8 + 1), label).unwrap();
        }
        digits
    }

    #[test]
    fn digits_are_added_relabelled_and_deleted() {
        let mut digits = collection(&[3, 1, 4]);
        assert_eq!(digits.labels(), [3, 1, 4]);
        digits.relabel(1, 7).unwrap();
        assert_eq!(digits.labels(), [3, 7, 4]);
        digits.delete(0);
        assert_eq!(digits.labels(), [7, 4]);
        // The images moved with their labels.
        assert_eq!(digits.image(0), image(2));
        assert_eq!(digits.image(1), image(3));
        digits.delete(5);
        assert_eq!(digits.len(), 2);
        assert_eq!(
            digits.relabel(0, 10),
            Err(MyDigitsProblem::NotADigit { label: 10 })
        );
        assert_eq!(
            digits.add(&[0; 10], 1),
            Err(MyDigitsProblem::NotAnImage { pixels: 10 })
        );
    }

    #[test]
    fn a_collection_is_appended_whole_or_not_at_all() {
        let mut digits = collection(&[1, 2]);
        digits.append(&collection(&[3])).unwrap();
        assert_eq!(digits.labels(), [1, 2, 3]);
        assert_eq!(digits.image(2), image(1));
        let mut big = MyDigits::default();
        for i in 0..MAX_MY_DIGITS - 1 {
            big.add(&image(1), (i % 10) as u8).unwrap();
        }
        assert_eq!(
            big.append(&collection(&[4, 5])),
            Err(MyDigitsProblem::TooMany {
                count: MAX_MY_DIGITS + 1
            })
        );
        assert_eq!(big.len(), MAX_MY_DIGITS - 1, "nothing added");
    }

    #[test]
    fn a_full_collection_refuses_more() {
        let mut digits = MyDigits::default();
        for i in 0..MAX_MY_DIGITS {
            digits.add(&image(1), (i % 10) as u8).unwrap();
        }
        assert_eq!(digits.add(&image(1), 0), Err(MyDigitsProblem::Full));
        assert!(MyDigitsProblem::Full.message(Lang::Zh).contains("1000"));
    }

    #[test]
    fn the_idx_files_are_mnists_format_and_read_back_bit_identically() {
        let digits = collection(&[0, 9, 5]);
        let (images, labels) = digits.to_idx();
        // MNIST's headers: type u8 (0x08), 3 and 1 dimensions, sizes big-endian.
        assert_eq!(
            images[..16],
            [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28]
        );
        assert_eq!(labels[..8], [0, 0, 8, 1, 0, 0, 0, 3]);
        assert_eq!(labels[8..], [0, 9, 5]);
        let back = MyDigits::from_stored(&images, &labels).unwrap();
        // The engine writes a collection the same way.
        assert_eq!(
            digits.collection().unwrap().to_idx(),
            (images.clone(), labels.clone())
        );
        assert_eq!(back, digits);
        assert_eq!(back.to_idx(), (images, labels));
    }

    #[test]
    fn an_empty_collection_is_stored_and_read_back_but_not_imported() {
        let (images, labels) = MyDigits::default().to_idx();
        assert_eq!(
            (&images[..], &labels[..]),
            (&EMPTY_IMAGES[..], &EMPTY_LABELS[..])
        );
        assert_eq!(
            MyDigits::from_stored(&images, &labels),
            Ok(MyDigits::default())
        );
        assert!(MyDigits::from_idx(("i", &images), ("l", &labels)).is_err());
    }

    #[test]
    fn files_that_are_not_a_collection_are_refused_with_a_reason() {
        let (images, labels) = collection(&[1, 2]).to_idx();
        let refused = |images: &[u8], labels: &[u8]| {
            MyDigits::from_idx(
                ("a-images-idx3-ubyte", images),
                ("a-labels-idx1-ubyte", labels),
            )
            .unwrap_err()
        };
        let message = |images: &[u8], labels: &[u8]| refused(images, labels).message(Lang::En);
        // Labels and images swapped.
        assert!(matches!(
            refused(&labels, &images),
            MyDigitsProblem::Unreadable(_)
        ));
        // Counts that differ.
        let (_, three) = collection(&[1, 2, 3]).to_idx();
        assert_eq!(
            message(&images, &three),
            "these files are not a collection of digits: a-labels-idx1-ubyte: holds 3 labels but \
             a-images-idx3-ubyte holds 2 images: one label per image"
        );
        // A label that is not a digit.
        assert!(
            message(&images, &encode_idx(&[2], &[1, 12]))
                .ends_with("label 12 at index 1 is not one of the classes 0–9")
        );
        // Images of another size, in both languages.
        let small = encode_idx(&[2, 8, 8], &[0; 128]);
        assert!(
            message(&small, &labels)
                .ends_with("images of 8×8 pixels; a collection's are 28×28, as MNIST's")
        );
        assert!(
            refused(&small, &labels)
                .message(Lang::Zh)
                .starts_with("这些文件不是手写数字集：a-images-idx3-ubyte：")
        );
        // Too many for the page.
        let n = MAX_MY_DIGITS + 1;
        let e = refused(
            &encode_idx(&[n, 28, 28], &vec![0; n * PIXELS]),
            &encode_idx(&[n], &vec![0; n]),
        );
        assert_eq!(e, MyDigitsProblem::TooMany { count: n });
    }

    #[test]
    fn the_workers_payload_holds_pixels_then_labels() {
        let digits = collection(&[4, 2]);
        let payload = digits.payload();
        assert_eq!(payload.len(), 2 * PIXELS + 2);
        assert_eq!(MyDigits::from_payload(2, &payload), Some(digits.clone()));
        assert_eq!(MyDigits::from_payload(3, &payload), None);
        let mut bad = payload.clone();
        *bad.last_mut().unwrap() = 10;
        assert_eq!(MyDigits::from_payload(2, &bad), None);
        let engine = digits.collection().unwrap();
        assert_eq!((engine.len(), engine.labels()), (2, &[4, 2][..]));
        assert_eq!(engine.image(1), image(2));
        assert!(MyDigits::default().collection().is_none());
    }

    proptest! {
        #[test]
        fn any_bytes_give_a_collection_or_a_reason(images in proptest::collection::vec(any::<u8>(), 0..2000),
                                                    labels in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(digits) = MyDigits::from_idx((IMAGES_FILE, &images), (LABELS_FILE, &labels)) {
                prop_assert_eq!(digits.to_idx(), (images, labels));
            }
        }

        #[test]
        fn any_collection_reads_back_bit_identically(labels in proptest::collection::vec(0u8..10, 1..30), seed: u8) {
            let mut digits = MyDigits::default();
            for (i, &label) in labels.iter().enumerate() {
                digits.add(&image(seed.wrapping_add(i as u8)), label).unwrap();
            }
            let (images, idx_labels) = digits.to_idx();
            let back = MyDigits::from_idx((IMAGES_FILE, &images), (LABELS_FILE, &idx_labels)).unwrap();
            prop_assert_eq!(back.to_idx(), (images, idx_labels));
            prop_assert_eq!(back, digits);
        }
    }
}
