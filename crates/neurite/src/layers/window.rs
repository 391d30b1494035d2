//! The geometry of a window sliding over images: where a convolution's kernel or a pooling
//! window lands, with Keras's (TensorFlow's) `valid` and `same` padding.
//!
//! Images travel through the engine as rows of `[batch, features]`, each sample stored
//! row-major as `height × width × channels` (channels last, as Keras's default
//! `channels_last`). Along one axis of `n` cells, a window of `k` cells moved by `s`:
//! - `valid`: no padding, `⌊(n − k) / s⌋ + 1` outputs (none when `k > n`);
//! - `same`: `⌈n / s⌉` outputs, and `max((out − 1)·s + k − n, 0)` padded cells, the odd one at
//!   the end (`pad_before = total / 2`), as `tf.nn.conv2d` pads.

use serde::{Deserialize, Serialize};

/// How a window treats the image's border.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Padding {
    /// Only positions where the whole window lies inside the image.
    #[default]
    Valid,
    /// As many outputs as `⌈input / stride⌉`, the border padded (zeros for a convolution;
    /// ignored cells for pooling).
    Same,
}

/// The shape of one image sample: `height × width × channels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
    /// Numbers per cell.
    pub channels: usize,
}

impl Image {
    /// The image a sample of `shape` is, if it is one: `[h, w]` (one channel, implied) or
    /// `[h, w, c]`.
    pub fn from_shape(shape: &[usize]) -> Option<Image> {
        match *shape {
            [height, width] => Some(Image {
                height,
                width,
                channels: 1,
            }),
            [height, width, channels] => Some(Image {
                height,
                width,
                channels,
            }),
            _ => None,
        }
    }

    /// Cells (`height × width`).
    pub fn cells(&self) -> usize {
        self.height * self.width
    }

    /// Numbers per sample.
    pub fn features(&self) -> usize {
        self.cells() * self.channels
    }

    /// As a shape, `[h, w, c]`.
    pub fn shape(&self) -> Vec<usize> {
        vec![self.height, self.width, self.channels]
    }
}

/// A window of `size` cells moved by `strides` over an `input` image: where each output
/// position reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The image it slides over.
    pub input: Image,
    /// `[rows, columns]` of the window.
    pub size: [usize; 2],
    /// `[down, across]` steps between positions.
    pub strides: [usize; 2],
    /// Positions `[rows, columns]`.
    pub output: [usize; 2],
    /// Padded cells before the first row and column.
    pub pad: [usize; 2],
}

impl Window {
    /// The window's geometry, or `None` when it fits nowhere (`valid` with a window larger
    /// than the image) or a size or stride is 0.
    pub fn new(
        input: Image,
        size: [usize; 2],
        strides: [usize; 2],
        padding: Padding,
    ) -> Option<Window> {
        let (rows, pad_top) = axis(input.height, size[0], strides[0], padding)?;
        let (columns, pad_left) = axis(input.width, size[1], strides[1], padding)?;
        Some(Window {
            input,
            size,
            strides,
            output: [rows, columns],
            pad: [pad_top, pad_left],
        })
    }

    /// Output positions per channel.
    pub fn positions(&self) -> usize {
        self.output[0] * self.output[1]
    }

    /// The input rows under the window at output row `out`, padding left out.
    #[inline]
    pub fn input_rows(&self, out: usize) -> std::ops::Range<usize> {
        span(
            out * self.strides[0],
            self.size[0],
            self.pad[0],
            self.input.height,
        )
    }

    /// The input columns under the window at output column `out`, padding left out.
    #[inline]
    pub fn input_columns(&self, out: usize) -> std::ops::Range<usize> {
        span(
            out * self.strides[1],
            self.size[1],
            self.pad[1],
            self.input.width,
        )
    }

    /// The input row under window row `k` at output row `out`, if it is not padding.
    #[inline]
    pub fn input_row(&self, out: usize, k: usize) -> Option<usize> {
        (out * self.strides[0] + k)
            .checked_sub(self.pad[0])
            .filter(|&r| r < self.input.height)
    }

    /// The input column under window column `k` at output column `out`, if it is not padding.
    #[inline]
    pub fn input_column(&self, out: usize, k: usize) -> Option<usize> {
        (out * self.strides[1] + k)
            .checked_sub(self.pad[1])
            .filter(|&c| c < self.input.width)
    }
}

/// The cells `start..start + size` of a padded axis, as cells of the unpadded one (`pad`
/// before, `len` long).
#[inline]
fn span(start: usize, size: usize, pad: usize, len: usize) -> std::ops::Range<usize> {
    start.saturating_sub(pad).min(len)..(start + size).saturating_sub(pad).min(len)
}

/// Outputs and padding before, along one axis (see the module's documentation).
fn axis(input: usize, size: usize, stride: usize, padding: Padding) -> Option<(usize, usize)> {
    if input == 0 || size == 0 || stride == 0 {
        return None;
    }
    match padding {
        Padding::Valid => (size <= input).then(|| ((input - size) / stride + 1, 0)),
        Padding::Same => {
            let out = input.div_ceil(stride);
            let total = ((out - 1) * stride + size).saturating_sub(input);
            Some((out, total / 2))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(height: usize, width: usize) -> Image {
        Image {
            height,
            width,
            channels: 1,
        }
    }

    #[test]
    fn output_sizes_are_kerass() {
        // Keras: Conv2D(3, 3) on 28 × 28 → 26 × 26; MaxPooling2D(2) on 26 → 13, on 11 → 5.
        let conv = Window::new(image(28, 28), [3, 3], [1, 1], Padding::Valid).unwrap();
        assert_eq!((conv.output, conv.pad), ([26, 26], [0, 0]));
        let pool = Window::new(image(11, 11), [2, 2], [2, 2], Padding::Valid).unwrap();
        assert_eq!(pool.output, [5, 5]);
        // same, stride 1: the size kept, (k − 1) / 2 padded before.
        let same = Window::new(image(5, 5), [3, 3], [1, 1], Padding::Same).unwrap();
        assert_eq!((same.output, same.pad), ([5, 5], [1, 1]));
        // same, stride 2 on 6 × 7 with a 3 × 2 kernel: ⌈6/2⌉ = 3 rows, total padding
        // (3 − 1)·2 + 3 − 6 = 1 (0 before, 1 after); ⌈7/2⌉ = 4 columns, (4 − 1)·2 + 2 − 7 = 1.
        let strided = Window::new(image(6, 7), [3, 2], [2, 2], Padding::Same).unwrap();
        assert_eq!((strided.output, strided.pad), ([3, 4], [0, 0]));
        // An even kernel with stride 1: the odd padded cell goes after.
        let even = Window::new(image(5, 5), [2, 2], [1, 1], Padding::Same).unwrap();
        assert_eq!((even.output, even.pad), ([5, 5], [0, 0]));
        let four = Window::new(image(5, 5), [4, 4], [1, 1], Padding::Same).unwrap();
        assert_eq!((four.output, four.pad), ([5, 5], [1, 1]));
    }

    #[test]
    fn a_window_that_fits_nowhere_has_no_geometry() {
        assert!(Window::new(image(2, 5), [3, 3], [1, 1], Padding::Valid).is_none());
        assert!(Window::new(image(5, 5), [0, 3], [1, 1], Padding::Valid).is_none());
        assert!(Window::new(image(5, 5), [3, 3], [0, 1], Padding::Same).is_none());
        // same padding covers a window larger than the image.
        let big = Window::new(image(2, 2), [3, 3], [1, 1], Padding::Same).unwrap();
        assert_eq!((big.output, big.pad), ([2, 2], [1, 1]));
    }

    #[test]
    fn padded_cells_map_to_no_input() {
        let w = Window::new(image(5, 5), [3, 3], [1, 1], Padding::Same).unwrap();
        assert_eq!(w.input_row(0, 0), None);
        assert_eq!(w.input_row(0, 1), Some(0));
        assert_eq!(w.input_row(4, 2), None);
        assert_eq!(w.input_column(4, 1), Some(4));
        assert_eq!(
            (w.input_rows(0), w.input_rows(2), w.input_rows(4)),
            (0..2, 1..4, 3..5)
        );
        for out in 0..5 {
            let cells: Vec<usize> = (0..3).filter_map(|k| w.input_column(out, k)).collect();
            assert_eq!(w.input_columns(out).collect::<Vec<_>>(), cells);
        }
    }
}
