//! Pooling over images stored channels last, with Keras's semantics: `MaxPooling2D`,
//! `AveragePooling2D` (each channel on its own, over a window; with `same` padding the padded
//! cells take no part — a maximum or mean of the image's cells only, as TensorFlow's) and
//! `GlobalAveragePooling2D` (each channel's mean over the whole image).

use ndarray::{ArrayView2, ArrayViewMut2};

use super::window::{Image, Window};
use super::{ForwardContext, Layer};
use crate::Scalar;

/// How a [`Pool2d`] reduces its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
    /// The largest value; the gradient goes to it alone.
    Max,
    /// The mean of the window's cells in the image; the gradient is shared among them.
    Average,
}

/// Max or average pooling over a window.
pub struct Pool2d {
    name: String,
    reduce: Reduce,
    window: Window,
}

impl Pool2d {
    /// Pooling by `reduce` over `window`.
    pub fn new(name: impl Into<String>, reduce: Reduce, window: Window) -> Self {
        Pool2d {
            name: name.into(),
            reduce,
            window,
        }
    }

    /// The output image of one sample.
    pub fn output_image(&self) -> Image {
        Image {
            height: self.window.output[0],
            width: self.window.output[1],
            channels: self.window.input.channels,
        }
    }
}

/// The input cells (row-major cell indices) under `w` at output `position`.
fn cells(w: &Window, position: usize) -> impl Iterator<Item = usize> + '_ {
    let (oy, ox) = (position / w.output[1], position % w.output[1]);
    let columns = w.input_columns(ox);
    w.input_rows(oy).flat_map(move |iy| {
        let row = iy * w.input.width;
        columns.clone().map(move |ix| row + ix)
    })
}

/// How many image cells `w` covers at output `position` (at least one).
fn cell_count(w: &Window, position: usize) -> usize {
    let (oy, ox) = (position / w.output[1], position % w.output[1]);
    w.input_rows(oy).len() * w.input_columns(ox).len()
}

impl<F: Scalar> Layer<F> for Pool2d {
    fn kind(&self) -> &'static str {
        match self.reduce {
            Reduce::Max => "MaxPooling2D",
            Reduce::Average => "AveragePooling2D",
        }
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn output_features(&self) -> usize {
        self.output_image().features()
    }

    fn output_shape(&self) -> Vec<usize> {
        self.output_image().shape()
    }

    fn forward(
        &mut self,
        input: ArrayView2<'_, F>,
        mut output: ArrayViewMut2<'_, F>,
        _ctx: &mut ForwardContext<'_>,
    ) {
        let channels = self.window.input.channels;
        for (x, mut y) in input.outer_iter().zip(output.outer_iter_mut()) {
            let x = x.to_slice().expect("a layer's input rows are contiguous");
            let y = y
                .as_slice_mut()
                .expect("a layer's output rows are contiguous");
            // Channel by channel in the innermost loop: contiguous, and it vectorises.
            for (position, y) in y.chunks_exact_mut(channels).enumerate() {
                let mut window_cells = cells(&self.window, position);
                let first = window_cells.next().expect("a window covers a cell") * channels;
                y.copy_from_slice(&x[first..first + channels]);
                for cell in window_cells {
                    let values = &x[cell * channels..][..channels];
                    match self.reduce {
                        // A select, which vectorises; the backward pass finds where each
                        // maximum came from.
                        Reduce::Max => {
                            for (best, &v) in y.iter_mut().zip(values) {
                                *best = if v > *best { v } else { *best };
                            }
                        }
                        Reduce::Average => {
                            for (sum, &v) in y.iter_mut().zip(values) {
                                *sum += v;
                            }
                        }
                    }
                }
                if self.reduce == Reduce::Average {
                    let count = F::lit(cell_count(&self.window, position) as f64);
                    y.iter_mut().for_each(|sum| *sum /= count);
                }
            }
        }
    }

    fn backward(
        &mut self,
        input: ArrayView2<'_, F>,
        output: ArrayView2<'_, F>,
        grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        let Some(mut grad_input) = grad_input else {
            return;
        };
        grad_input.fill(F::zero());
        let channels = self.window.input.channels;
        // For max pooling: each channel's gradient not yet given to a cell of the window.
        let mut pending = vec![F::zero(); channels];
        let rows = input.outer_iter().zip(output.outer_iter());
        for ((x, y), (g, mut gx)) in
            rows.zip(grad_output.outer_iter().zip(grad_input.outer_iter_mut()))
        {
            let contiguous = "a layer's rows are contiguous";
            let (x, y, g) = (
                x.to_slice().expect(contiguous),
                y.to_slice().expect(contiguous),
                g.to_slice().expect(contiguous),
            );
            let gx = gx.as_slice_mut().expect(contiguous);
            let outputs = g.chunks_exact(channels).zip(y.chunks_exact(channels));
            for (position, (g, y)) in outputs.enumerate() {
                match self.reduce {
                    // Each output's gradient goes to the first cell of its window that holds
                    // its maximum, as TensorFlow's (the first cell when none does: a NaN).
                    // The window's cells in order, all channels at once, as selects that
                    // vectorise: a cell holding the maximum takes what is pending, which is
                    // then 0. Whatever is left (a NaN maximum matches no cell) goes to the
                    // first cell.
                    Reduce::Max => {
                        pending.copy_from_slice(g);
                        for cell in cells(&self.window, position) {
                            let at = cell * channels;
                            let (xs, to) = (&x[at..at + channels], &mut gx[at..at + channels]);
                            for ((to, pending), (&x, &y)) in
                                to.iter_mut().zip(&mut pending).zip(xs.iter().zip(y))
                            {
                                let hit = x == y;
                                let given = if hit { *pending } else { F::zero() };
                                *to += given;
                                // 0 once given (a select here would not vectorise; a
                                // gradient that is not finite stays so, as it would).
                                *pending -= given;
                            }
                        }
                        let first = cells(&self.window, position)
                            .next()
                            .expect("a window covers a cell");
                        let to = &mut gx[first * channels..(first + 1) * channels];
                        to.iter_mut().zip(&pending).for_each(|(to, &p)| *to += p);
                    }
                    Reduce::Average => {
                        let count = F::lit(cell_count(&self.window, position) as f64);
                        for cell in cells(&self.window, position) {
                            for (to, &g) in gx[cell * channels..][..channels].iter_mut().zip(g) {
                                *to += g / count;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Each channel's mean over the whole image: `[h, w, c]` to `[c]`.
pub struct GlobalAveragePool2d {
    name: String,
    input: Image,
}

impl GlobalAveragePool2d {
    /// Pooling of `input` images.
    pub fn new(name: impl Into<String>, input: Image) -> Self {
        GlobalAveragePool2d {
            name: name.into(),
            input,
        }
    }
}

impl<F: Scalar> Layer<F> for GlobalAveragePool2d {
    fn kind(&self) -> &'static str {
        "GlobalAveragePooling2D"
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn output_features(&self) -> usize {
        self.input.channels
    }

    fn forward(
        &mut self,
        input: ArrayView2<'_, F>,
        mut output: ArrayViewMut2<'_, F>,
        _ctx: &mut ForwardContext<'_>,
    ) {
        let channels = self.input.channels;
        let cells = F::lit(self.input.cells() as f64);
        for (x, mut y) in input.outer_iter().zip(output.outer_iter_mut()) {
            y.fill(F::zero());
            for (i, &v) in x.iter().enumerate() {
                y[i % channels] += v;
            }
            y.mapv_inplace(|s| s / cells);
        }
    }

    fn backward(
        &mut self,
        _input: ArrayView2<'_, F>,
        _output: ArrayView2<'_, F>,
        grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        let Some(mut grad_input) = grad_input else {
            return;
        };
        let channels = self.input.channels;
        let cells = F::lit(self.input.cells() as f64);
        for (g, mut gx) in grad_output.outer_iter().zip(grad_input.outer_iter_mut()) {
            for (i, v) in gx.iter_mut().enumerate() {
                *v = g[i % channels] / cells;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_layer;
    use crate::layers::window::Padding;

    fn pool(
        reduce: Reduce,
        input: Image,
        size: [usize; 2],
        strides: [usize; 2],
        padding: Padding,
    ) -> Pool2d {
        Pool2d::new(
            "pool",
            reduce,
            Window::new(input, size, strides, padding).unwrap(),
        )
    }

    fn image(height: usize, width: usize, channels: usize) -> Image {
        Image {
            height,
            width,
            channels,
        }
    }

    #[test]
    fn pooling_gradients_match_finite_differences() {
        // Random inputs have no ties, so max pooling is differentiable at them.
        let cases = [
            (image(5, 5, 2), [2, 2], [2, 2], Padding::Valid),
            (image(7, 7, 1), [3, 3], [2, 2], Padding::Valid),
            (image(4, 6, 3), [2, 3], [1, 2], Padding::Valid),
            (image(5, 5, 1), [2, 2], [2, 2], Padding::Same),
            (image(3, 4, 2), [3, 3], [1, 1], Padding::Same),
        ];
        for (input, size, strides, padding) in cases {
            for reduce in [Reduce::Max, Reduce::Average] {
                let mut layer = pool(reduce, input, size, strides, padding);
                check_layer(&mut layer, input.features(), 2)
                    .unwrap_or_else(|e| panic!("{reduce:?} {input:?} {size:?} {padding:?}: {e}"));
            }
        }
        let mut global = GlobalAveragePool2d::new("gap", image(3, 4, 2));
        check_layer(&mut global, 24, 3).unwrap();
    }
}
