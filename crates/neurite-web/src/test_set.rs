//! The test set as the page holds it: labels and `u8` pixels, and how they travel in the
//! payload of [`FromWorker::DataLoaded`](crate::protocol::FromWorker::DataLoaded).

use neurite::Dataset;

/// Pixels per MNIST image.
pub const PIXELS: usize = 28 * 28;

/// Test images with their labels, for the gallery and the confusion-matrix drill-down.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestImages {
    labels: Vec<u8>,
    pixels: Vec<u8>,
}

impl TestImages {
    /// The payload for `data`: its labels, then its pixels.
    pub fn encode(data: &Dataset) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(data.len() * (PIXELS + 1));
        bytes.extend_from_slice(data.labels());
        for i in 0..data.len() {
            bytes.extend_from_slice(data.image(i));
        }
        bytes
    }

    /// Reads a payload of `count` samples; `None` if its length does not match.
    pub fn decode(count: usize, mut bytes: Vec<u8>) -> Option<Self> {
        if bytes.len() != count * (PIXELS + 1) {
            return None;
        }
        let pixels = bytes.split_off(count);
        Some(TestImages {
            labels: bytes,
            pixels,
        })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The true labels.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// The 784 pixels of image `index`.
    ///
    /// # Panics
    /// If `index` is out of range.
    #[track_caller]
    pub fn image(&self, index: usize) -> &[u8] {
        &self.pixels[index * PIXELS..(index + 1) * PIXELS]
    }
}

/// The indices of test samples whose label is `truth` and prediction is `predicted`.
pub fn indices_where(
    labels: &[u8],
    predictions: &[u8],
    mut keep: impl FnMut(u8, u8) -> bool,
) -> Vec<usize> {
    labels
        .iter()
        .zip(predictions)
        .enumerate()
        .filter(|(_, (t, p))| keep(**t, **p))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips_and_a_bad_length_is_refused() {
        let pixels: Vec<u8> = (0..3 * PIXELS).map(|i| (i % 251) as u8).collect();
        let data = Dataset::new(vec![28, 28], pixels, vec![7, 2, 1], 10).unwrap();
        let bytes = TestImages::encode(&data);
        let images = TestImages::decode(3, bytes.clone()).unwrap();
        assert_eq!(images.labels(), [7, 2, 1]);
        assert_eq!(images.image(2), data.image(2));
        assert!(TestImages::decode(4, bytes).is_none());
    }

    #[test]
    fn indices_select_a_confusion_cell() {
        let labels = [1, 2, 1, 3];
        let predictions = [1, 1, 2, 3];
        assert_eq!(
            indices_where(&labels, &predictions, |t, p| t == 2 && p == 1),
            [1]
        );
        assert_eq!(indices_where(&labels, &predictions, |t, p| t != p), [1, 2]);
    }
}
