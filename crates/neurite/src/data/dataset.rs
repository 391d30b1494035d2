//! [`Dataset`]: labelled images kept as `u8` pixels, converted to floats one batch at a time.

use std::path::Path;

use ndarray::ArrayViewMut2;

use super::idx::{IdxArray, parse_idx};
use crate::{DatasetReason, Error, PixelMode, Result};

/// Labelled samples of `u8` features (pixels), with class labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    sample_shape: Vec<usize>,
    features: usize,
    pixels: Vec<u8>,
    labels: Vec<u8>,
    classes: usize,
}

impl Dataset {
    /// A dataset from flat pixels (`len × Π sample_shape`) and one label per sample, each below
    /// `classes`.
    pub fn new(
        sample_shape: Vec<usize>,
        pixels: Vec<u8>,
        labels: Vec<u8>,
        classes: usize,
    ) -> Result<Self> {
        let features: usize = sample_shape.iter().product();
        if features == 0 {
            return Err(Error::Dataset(DatasetReason::NoFeatures { sample_shape }));
        }
        if pixels.len() != labels.len() * features {
            return Err(Error::Dataset(DatasetReason::PixelCount {
                pixels: pixels.len(),
                samples: labels.len(),
                features,
            }));
        }
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|(_, l)| usize::from(**l) >= classes)
        {
            return Err(Error::Dataset(DatasetReason::LabelOutOfRange {
                label,
                index,
                classes,
            }));
        }
        Ok(Dataset {
            sample_shape,
            features,
            pixels,
            labels,
            classes,
        })
    }

    /// An image dataset from IDX images (`[n, rows, cols]`) and labels (`[n]`, each 0–9).
    pub fn from_idx(images: IdxArray, labels: IdxArray) -> Result<Self> {
        let [n_images, rows, cols] = images.dims[..] else {
            return Err(Error::Dataset(DatasetReason::ImageDimensions {
                dims: images.dims,
            }));
        };
        let [n_labels] = labels.dims[..] else {
            return Err(Error::Dataset(DatasetReason::LabelDimensions {
                dims: labels.dims,
            }));
        };
        if n_images != n_labels {
            return Err(Error::Dataset(DatasetReason::CountMismatch {
                images: n_images,
                labels: n_labels,
            }));
        }
        Dataset::new(vec![rows, cols], images.data, labels.data, 10)
    }

    /// Parses an IDX image file and an IDX label file (plain or gzip), named in errors
    /// `{name}-images` and `{name}-labels`.
    pub fn from_idx_bytes(name: &str, images: &[u8], labels: &[u8]) -> Result<Self> {
        let images = parse_idx(images, &format!("{name}-images"))?;
        let labels = parse_idx(labels, &format!("{name}-labels"))?;
        Dataset::from_idx(images, labels)
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the dataset has no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The shape of one sample (`[28, 28]`).
    pub fn sample_shape(&self) -> &[usize] {
        &self.sample_shape
    }

    /// Features per sample.
    pub fn features(&self) -> usize {
        self.features
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// All labels.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The pixels of sample `index`.
    ///
    /// # Panics
    /// If `index` is out of range.
    #[track_caller]
    pub fn image(&self, index: usize) -> &[u8] {
        &self.pixels[index * self.features..(index + 1) * self.features]
    }

    /// The samples `range`, as a new dataset.
    ///
    /// # Panics
    /// If the range is out of bounds.
    #[track_caller]
    pub fn slice(&self, range: std::ops::Range<usize>) -> Dataset {
        Dataset {
            sample_shape: self.sample_shape.clone(),
            features: self.features,
            pixels: self.pixels[range.start * self.features..range.end * self.features].to_vec(),
            labels: self.labels[range].to_vec(),
            classes: self.classes,
        }
    }

    /// Splits off the last `fraction` of the samples, as Keras's `validation_split` does
    /// (before any shuffling): returns `(train, validation)`.
    pub fn split_tail(&self, fraction: f64) -> (Dataset, Dataset) {
        let held = ((self.len() as f64) * fraction).round() as usize;
        let cut = self.len() - held.min(self.len());
        (self.slice(0..cut), self.slice(cut..self.len()))
    }

    /// Writes samples `indices` into the rows of `out` as floats (`pixel × mode.factor()`), and
    /// their labels into `labels`.
    ///
    /// # Panics
    /// If `out` is not `[indices.len(), features]` or an index is out of range.
    #[track_caller]
    pub fn gather(
        &self,
        indices: &[u32],
        mode: PixelMode,
        mut out: ArrayViewMut2<'_, f32>,
        labels: &mut Vec<u8>,
    ) {
        assert_eq!(
            out.dim(),
            (indices.len(), self.features),
            "gather: output shape"
        );
        let factor = mode.factor();
        for (mut row, &index) in out.rows_mut().into_iter().zip(indices) {
            let row = row.as_slice_mut().expect("batch rows are contiguous");
            for (o, &p) in row.iter_mut().zip(self.image(index as usize)) {
                *o = f32::from(p) * factor;
            }
        }
        self.gather_labels(indices, labels);
    }

    /// Replaces `labels` with the labels of the samples `indices`.
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn gather_labels(&self, indices: &[u32], labels: &mut Vec<u8>) {
        labels.clear();
        labels.extend(indices.iter().map(|&i| self.labels[i as usize]));
    }
}

/// The MNIST training and test sets.
#[derive(Debug, Clone)]
pub struct Mnist {
    /// 60 000 training images.
    pub train: Dataset,
    /// 10 000 test images.
    pub test: Dataset,
}

/// The four MNIST files, by their original names.
pub const MNIST_FILES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

fn read_either(dir: &Path, name: &str) -> Result<Vec<u8>> {
    let plain = dir.join(name);
    let gz = dir.join(format!("{name}.gz"));
    let path = if plain.exists() || !gz.exists() {
        plain
    } else {
        gz
    };
    std::fs::read(&path).map_err(|e| Error::io(path.display(), &e))
}

/// Loads MNIST from `dir`, which holds the four original files, each plain or `.gz`.
pub fn load_mnist(dir: &Path) -> Result<Mnist> {
    let [train_images, train_labels, test_images, test_labels] =
        MNIST_FILES.map(|n| read_either(dir, n));
    Ok(Mnist {
        train: Dataset::from_idx_bytes("train", &train_images?, &train_labels?)?,
        test: Dataset::from_idx_bytes("test", &test_images?, &test_labels?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx::encode_idx;
    use ndarray::Array2;

    fn tiny() -> Dataset {
        Dataset::from_idx_bytes(
            "tiny",
            &encode_idx(&[3, 1, 2], &[0, 255, 10, 20, 30, 40]),
            &encode_idx(&[3], &[7, 0, 9]),
        )
        .unwrap()
    }

    #[test]
    fn gathers_a_batch_as_scaled_or_raw_floats() {
        let data = tiny();
        let mut out = Array2::zeros((2, 2));
        let mut labels = Vec::new();
        data.gather(&[2, 0], PixelMode::Raw, out.view_mut(), &mut labels);
        assert_eq!(out, ndarray::array![[30.0, 40.0], [0.0, 255.0]]);
        assert_eq!(labels, [9, 7]);
        data.gather(&[0, 0], PixelMode::Scaled, out.view_mut(), &mut labels);
        assert_eq!(out[[0, 1]], 1.0);
    }

    #[test]
    fn validation_split_takes_the_tail() {
        let (train, val) = tiny().split_tail(0.34);
        assert_eq!((train.len(), val.len()), (2, 1));
        assert_eq!(val.labels(), [9]);
    }

    #[test]
    fn inconsistent_files_are_refused() {
        let cases = [
            (
                encode_idx(&[3, 1, 2], &[0; 6]),
                encode_idx(&[2], &[0; 2]),
                "3 images but 2 labels",
            ),
            (
                encode_idx(&[2, 1, 1], &[0; 2]),
                encode_idx(&[2], &[3, 10]),
                "label 10 at index 1",
            ),
            (
                encode_idx(&[2], &[0; 2]),
                encode_idx(&[2], &[0; 2]),
                "expected [count, rows, cols]",
            ),
            (
                encode_idx(&[2, 1, 1], &[0; 2]),
                encode_idx(&[2, 1], &[0; 2]),
                "expected [count]",
            ),
        ];
        for (images, labels, expected) in cases {
            let err = Dataset::from_idx_bytes("train", &images, &labels)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        }
    }

    #[test]
    fn missing_directory_is_an_io_error_naming_the_file() {
        let err = load_mnist(Path::new("/nonexistent/mnist")).unwrap_err();
        assert!(
            matches!(&err, Error::Io { path, .. } if path.contains("train-images-idx3-ubyte")),
            "{err}"
        );
    }
}
