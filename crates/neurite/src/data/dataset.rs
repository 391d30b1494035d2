//! [`Dataset`]: labelled samples, kept as `u8` pixels (images, converted to floats one batch at a
//! time) or as numbers (the 2-D playground's features), labelled with classes or with values to
//! regress.

use std::path::Path;

use ndarray::ArrayViewMut2;

use super::idx::{IdxArray, parse_idx};
use crate::{DatasetReason, Error, PixelMode, Result};

/// A dataset's samples, one after another.
#[derive(Debug, Clone, PartialEq)]
enum Samples {
    /// Image pixels, turned into floats by the run's [`PixelMode`] as each batch is gathered.
    Pixels(Vec<u8>),
    /// Numbers, taken as they are.
    Numbers(Vec<f32>),
}

/// What a dataset's samples are labelled with.
#[derive(Debug, Clone, PartialEq)]
enum Truth {
    /// A class per sample, each below `classes`.
    Classes { labels: Vec<u8>, classes: usize },
    /// `outputs` values per sample, to regress.
    Values { values: Vec<f32>, outputs: usize },
}

/// Labelled samples: images as `u8` pixels or numbers as `f32`, with class labels or values to
/// regress.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    sample_shape: Vec<usize>,
    features: usize,
    samples: Samples,
    truth: Truth,
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
        let count = pixels.len();
        Self::classified(
            sample_shape,
            Samples::Pixels(pixels),
            count,
            labels,
            classes,
        )
    }

    /// A dataset of numbers (`len × Π sample_shape`, taken as they are: no pixel scaling) and
    /// one label per sample, each below `classes`.
    pub fn of_numbers(
        sample_shape: Vec<usize>,
        numbers: Vec<f32>,
        labels: Vec<u8>,
        classes: usize,
    ) -> Result<Self> {
        let count = numbers.len();
        Self::classified(
            sample_shape,
            Samples::Numbers(numbers),
            count,
            labels,
            classes,
        )
    }

    /// `samples` (`count` values) labelled with classes, checked.
    fn classified(
        sample_shape: Vec<usize>,
        samples: Samples,
        count: usize,
        labels: Vec<u8>,
        classes: usize,
    ) -> Result<Self> {
        let features = Self::features_of(&sample_shape)?;
        Self::check_count(count, labels.len(), features)?;
        Self::check_labels(&labels, classes)?;
        Ok(Dataset {
            sample_shape,
            features,
            samples,
            truth: Truth::Classes { labels, classes },
        })
    }

    /// A dataset of numbers (`len × Π sample_shape`) and `outputs` values per sample to
    /// regress (`len × outputs`).
    pub fn regression(
        sample_shape: Vec<usize>,
        numbers: Vec<f32>,
        values: Vec<f32>,
        outputs: usize,
    ) -> Result<Self> {
        let features = Self::features_of(&sample_shape)?;
        if outputs == 0 || !values.len().is_multiple_of(outputs) {
            return Err(Error::Dataset(DatasetReason::ValueCount {
                values: values.len(),
                outputs,
            }));
        }
        Self::check_count(numbers.len(), values.len() / outputs, features)?;
        Ok(Dataset {
            sample_shape,
            features,
            samples: Samples::Numbers(numbers),
            truth: Truth::Values { values, outputs },
        })
    }

    fn features_of(sample_shape: &[usize]) -> Result<usize> {
        let features: usize = sample_shape.iter().product();
        if features == 0 {
            return Err(Error::Dataset(DatasetReason::NoFeatures {
                sample_shape: sample_shape.to_vec(),
            }));
        }
        Ok(features)
    }

    fn check_count(values: usize, samples: usize, features: usize) -> Result<()> {
        if Some(values) != samples.checked_mul(features) {
            return Err(Error::Dataset(DatasetReason::PixelCount {
                pixels: values,
                samples,
                features,
            }));
        }
        Ok(())
    }

    fn check_labels(labels: &[u8], classes: usize) -> Result<()> {
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
        Ok(())
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
        match &self.truth {
            Truth::Classes { labels, .. } => labels.len(),
            Truth::Values { values, outputs } => values.len() / outputs,
        }
    }

    /// Whether the dataset has no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The shape of one sample (`[28, 28]`).
    pub fn sample_shape(&self) -> &[usize] {
        &self.sample_shape
    }

    /// Features per sample.
    pub fn features(&self) -> usize {
        self.features
    }

    /// Number of classes (0 for a regression).
    pub fn classes(&self) -> usize {
        match &self.truth {
            Truth::Classes { classes, .. } => *classes,
            Truth::Values { .. } => 0,
        }
    }

    /// All labels (none for a regression).
    pub fn labels(&self) -> &[u8] {
        match &self.truth {
            Truth::Classes { labels, .. } => labels,
            Truth::Values { .. } => &[],
        }
    }

    /// The values to regress, `outputs` per sample, and `outputs`; `None` for classes.
    pub fn values(&self) -> Option<(&[f32], usize)> {
        match &self.truth {
            Truth::Classes { .. } => None,
            Truth::Values { values, outputs } => Some((values, *outputs)),
        }
    }

    /// All the samples' pixels, one sample after another; `None` for a dataset of numbers.
    pub fn pixels(&self) -> Option<&[u8]> {
        match &self.samples {
            Samples::Pixels(pixels) => Some(pixels),
            Samples::Numbers(_) => None,
        }
    }

    /// Whether the samples are image pixels (else numbers).
    pub fn holds_pixels(&self) -> bool {
        matches!(self.samples, Samples::Pixels(_))
    }

    /// The pixels of sample `index`.
    ///
    /// # Panics
    /// If `index` is out of range, or the dataset holds numbers ([`Dataset::holds_pixels`]).
    #[track_caller]
    pub fn image(&self, index: usize) -> &[u8] {
        match &self.samples {
            Samples::Pixels(pixels) => &pixels[index * self.features..(index + 1) * self.features],
            Samples::Numbers(_) => panic!("image: the dataset holds numbers, not pixels"),
        }
    }

    /// The numbers of sample `index`.
    ///
    /// # Panics
    /// If `index` is out of range, or the dataset holds pixels.
    #[track_caller]
    pub fn numbers(&self, index: usize) -> &[f32] {
        match &self.samples {
            Samples::Numbers(numbers) => {
                &numbers[index * self.features..(index + 1) * self.features]
            }
            Samples::Pixels(_) => panic!("numbers: the dataset holds pixels, not numbers"),
        }
    }

    /// The samples `range`, as a new dataset.
    ///
    /// # Panics
    /// If the range is out of bounds.
    #[track_caller]
    pub fn slice(&self, range: std::ops::Range<usize>) -> Dataset {
        let features = range.start * self.features..range.end * self.features;
        Dataset {
            sample_shape: self.sample_shape.clone(),
            features: self.features,
            samples: match &self.samples {
                Samples::Pixels(pixels) => Samples::Pixels(pixels[features].to_vec()),
                Samples::Numbers(numbers) => Samples::Numbers(numbers[features].to_vec()),
            },
            truth: match &self.truth {
                Truth::Classes { labels, classes } => Truth::Classes {
                    labels: labels[range].to_vec(),
                    classes: *classes,
                },
                Truth::Values { values, outputs } => Truth::Values {
                    values: values[range.start * outputs..range.end * outputs].to_vec(),
                    outputs: *outputs,
                },
            },
        }
    }

    /// Splits off the last `fraction` of the samples, as Keras's `validation_split` does
    /// (before any shuffling): returns `(train, validation)`.
    pub fn split_tail(&self, fraction: f64) -> (Dataset, Dataset) {
        let held = ((self.len() as f64) * fraction).round() as usize;
        let cut = self.len() - held.min(self.len());
        (self.slice(0..cut), self.slice(cut..self.len()))
    }

    /// Writes samples `indices` into the rows of `out` as floats (pixels × `mode.factor()`;
    /// numbers as they are), and their labels into `labels` (none for a regression).
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
        let n = self.features;
        for (mut row, &index) in out.rows_mut().into_iter().zip(indices) {
            let row = row.as_slice_mut().expect("batch rows are contiguous");
            let at = index as usize * n..(index as usize + 1) * n;
            match &self.samples {
                Samples::Pixels(pixels) => {
                    for (o, &p) in row.iter_mut().zip(&pixels[at]) {
                        *o = f32::from(p) * factor;
                    }
                }
                Samples::Numbers(numbers) => row.copy_from_slice(&numbers[at]),
            }
        }
        self.gather_labels(indices, labels);
    }

    /// Replaces `labels` with the labels of the samples `indices` (empties it for a
    /// regression).
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn gather_labels(&self, indices: &[u32], labels: &mut Vec<u8>) {
        labels.clear();
        if let Truth::Classes { labels: all, .. } = &self.truth {
            labels.extend(indices.iter().map(|&i| all[i as usize]));
        }
    }

    /// Writes the values to regress of the samples `indices` into the rows of `out`, resized to
    /// `[indices.len(), outputs]`; leaves it as it is for classes.
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn gather_values(&self, indices: &[u32], out: &mut ndarray::Array2<f32>) {
        let Truth::Values { values, outputs } = &self.truth else {
            return;
        };
        if out.dim() != (indices.len(), *outputs) {
            *out = ndarray::Array2::zeros((indices.len(), *outputs));
        }
        for (mut row, &index) in out.rows_mut().into_iter().zip(indices) {
            let at = index as usize * outputs..(index as usize + 1) * outputs;
            row.as_slice_mut()
                .expect("an owned array's rows are contiguous")
                .copy_from_slice(&values[at]);
        }
    }
}

/// The MNIST training and test sets, or those of a dataset in MNIST's files (Fashion-MNIST,
/// [`super::DatasetKind`]).
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

/// Loads MNIST from `dir`, which holds the four original files, each plain or `.gz` (or
/// Fashion-MNIST, whose files have the same names and format).
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
    fn numbers_are_gathered_as_they_are_and_values_to_regress_beside_them() {
        let numbers = vec![0.5, -1.0, 2.0, 3.0, -4.0, 0.25];
        let classes = Dataset::of_numbers(vec![2], numbers.clone(), vec![1, 0, 2], 3).unwrap();
        assert!(!classes.holds_pixels());
        let (mut out, mut labels) = (Array2::zeros((2, 2)), Vec::new());
        // Numbers are not pixels: the pixel mode does not scale them.
        classes.gather(&[2, 0], PixelMode::Scaled, out.view_mut(), &mut labels);
        assert_eq!(out, ndarray::array![[-4.0, 0.25], [0.5, -1.0]]);
        assert_eq!(labels, [2, 1]);
        let values = vec![1.0, 10.0, 2.0, 20.0, 3.0, 30.0];
        let regression = Dataset::regression(vec![2], numbers, values, 2).unwrap();
        assert_eq!((regression.len(), regression.classes()), (3, 0));
        regression.gather(
            &[1],
            PixelMode::Raw,
            out.slice_mut(ndarray::s![..1, ..]),
            &mut labels,
        );
        assert!(labels.is_empty());
        let mut targets = Array2::zeros((0, 0));
        regression.gather_values(&[2, 1], &mut targets);
        assert_eq!(targets, ndarray::array![[3.0, 30.0], [2.0, 20.0]]);
        let (train, held) = regression.split_tail(0.34);
        assert_eq!((train.len(), held.len()), (2, 1));
        assert_eq!(held.values(), Some((&[3.0, 30.0][..], 2)));
        assert_eq!(held.numbers(0), [-4.0, 0.25]);
    }

    #[test]
    fn values_that_are_not_whole_samples_are_refused() {
        for (values, outputs) in [(vec![1.0; 5], 2), (vec![1.0; 4], 0), (vec![1.0; 2], 1)] {
            assert!(
                Dataset::regression(vec![2], vec![0.0; 6], values, outputs).is_err(),
                "{outputs}"
            );
        }
        assert!(Dataset::of_numbers(vec![2], vec![0.0; 5], vec![0, 1], 2).is_err());
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
