//! A convolution as one matrix product over unrolled patches ("im2col"), for any window.
//!
//! A batch is unrolled into patches: one row per sample and output position, holding the
//! `kh × kw × in` inputs under the kernel there (0 where the window lies on `same` padding).
//! The convolution is then `patches · W`, whose `[batch·positions, out]` result is exactly the
//! batch of output images, channels last. Backward is two more products and the reverse
//! unrolling: `∂L/∂W = patchesᵀ · ∂L/∂z`, `∂L/∂patches = ∂L/∂z · Wᵀ`, summed back onto the
//! input cells each patch read ("col2im").
//!
//! Patches of zeros (most of them on MNIST's first layer: 63 % of its 3 × 3 windows see no lit
//! pixel) take no part in either product with the kernel: the patches that hold a non-zero
//! number are packed at the top of the buffer, the forward product runs over them alone and
//! its rows are spread back to their positions (the others are 0 before the bias), and the
//! kernel's gradient sums over them alone.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, s};

use crate::Scalar;
use crate::kernels::gemm::{matmul, matmul_transposed_a};
use crate::layers::window::{Image, Window};

/// A convolution's patches and the passes over them.
pub(crate) struct Im2col<F> {
    window: Window,
    /// The last forward pass's patches, `[batch·positions, kh·kw·in]`: the first
    /// `kept.len()` rows are the patches that are not all zeros, in order.
    patches: Array2<F>,
    /// The row (sample and position) of each kept patch.
    kept: Vec<usize>,
    /// `∂L/∂z` of the kept patches' rows (at the top), when some were left out.
    kept_grads: Array2<F>,
    /// `∂L/∂patches` of the last backward pass, the same shape.
    patch_grads: Array2<F>,
    /// The kernel transposed, `[filters, kh·kw·in]`, for `∂L/∂patches = ∂L/∂z · Wᵀ`.
    kernel_t: Array2<F>,
}

impl<F: Scalar> Im2col<F> {
    pub(crate) fn new(window: Window, filters: usize) -> Self {
        let depth = window.size[0] * window.size[1] * window.input.channels;
        Im2col {
            window,
            patches: Array2::zeros((0, depth)),
            kept: Vec::new(),
            kept_grads: Array2::zeros((0, filters)),
            patch_grads: Array2::zeros((0, depth)),
            kernel_t: Array2::zeros((filters, depth)),
        }
    }

    /// How many patches the last forward pass multiplied (the others were all zeros).
    #[cfg(test)]
    pub(crate) fn kept_patches(&self) -> usize {
        self.kept.len()
    }

    fn depth(&self) -> usize {
        self.patches.ncols()
    }

    /// `z = input ⋆ kernel` (no bias, no activation): `input` is `[batch, h·w·in]`, `kernel`
    /// `[kh·kw·in, filters]`, `z` `[batch·positions, filters]`.
    pub(crate) fn forward(
        &mut self,
        input: ArrayView2<'_, F>,
        kernel: ArrayView2<'_, F>,
        z: ArrayViewMut2<'_, F>,
    ) {
        let positions = self.window.positions();
        let rows = input.nrows() * positions;
        if self.patches.nrows() != rows {
            // The old buffer goes before the new one comes, as the memory count assumes.
            self.patches = Array2::zeros((0, self.depth()));
            self.patches = Array2::zeros((rows, self.depth()));
        }
        for (x, patches) in input
            .outer_iter()
            .zip(self.patches.axis_chunks_iter_mut(Axis(0), positions.max(1)))
        {
            let x = x.to_slice().expect("a layer's input rows are contiguous");
            unroll(&self.window, x, patches);
        }
        self.keep_nonzero_patches();
        let kept = self.kept.len();
        let mut z = z;
        matmul(
            self.patches.slice(s![..kept, ..]),
            kernel,
            z.slice_mut(s![..kept, ..]),
            false,
        );
        // Each kept row to its own position, from the last (a row only moves down), and
        // zeros in the rows of patches of zeros.
        let z = z
            .as_slice_mut()
            .expect("a layer's output buffer is contiguous");
        let filters = kernel.ncols();
        let mut end = z.len() / filters.max(1);
        for (i, &row) in self.kept.iter().enumerate().rev() {
            z[(row + 1) * filters..end * filters].fill(F::zero());
            if row != i {
                z.copy_within(i * filters..(i + 1) * filters, row * filters);
            }
            end = row;
        }
        z[..end * filters].fill(F::zero());
    }

    /// Packs the patches holding a non-zero number at the top, in order, noting their rows.
    fn keep_nonzero_patches(&mut self) {
        self.kept.clear();
        let depth = self.depth();
        let patches = self
            .patches
            .as_slice_mut()
            .expect("the patches are contiguous");
        for row in 0..patches.len() / depth.max(1) {
            let at = row * depth;
            if patches[at..at + depth].iter().all(|v| v.is_zero()) {
                continue;
            }
            let to = self.kept.len() * depth;
            if to != at {
                patches.copy_within(at..at + depth, to);
            }
            self.kept.push(row);
        }
    }

    /// The adjoint of [`Im2col::forward`]: from `grad_z` (`[batch·positions, filters]`), the
    /// kernel's gradient and, when asked, the input's (`[batch, h·w·in]`).
    pub(crate) fn backward(
        &mut self,
        kernel: ArrayView2<'_, F>,
        grad_z: ArrayView2<'_, F>,
        kernel_grad: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        let kept = self.kept.len();
        if kept == grad_z.nrows() {
            matmul_transposed_a(self.patches.view(), grad_z, kernel_grad);
        } else {
            if self.kept_grads.dim() != grad_z.dim() {
                // Sized for every row, so that it is not reallocated batch after batch.
                self.kept_grads = Array2::zeros((0, grad_z.ncols()));
                self.kept_grads = Array2::zeros(grad_z.raw_dim());
            }
            for (mut to, &row) in self.kept_grads.outer_iter_mut().zip(&self.kept) {
                to.assign(&grad_z.row(row));
            }
            matmul_transposed_a(
                self.patches.slice(s![..kept, ..]),
                self.kept_grads.slice(s![..kept, ..]),
                kernel_grad,
            );
        }
        let Some(mut grad_input) = grad_input else {
            return;
        };
        if self.patch_grads.dim() != self.patches.dim() {
            self.patch_grads = Array2::zeros((0, self.depth()));
            self.patch_grads = Array2::zeros(self.patches.raw_dim());
        }
        self.kernel_t.assign(&kernel.t());
        matmul(
            grad_z,
            self.kernel_t.view(),
            self.patch_grads.view_mut(),
            false,
        );
        grad_input.fill(F::zero());
        let positions = self.window.positions().max(1);
        for (mut gx, rows) in grad_input
            .outer_iter_mut()
            .zip(self.patch_grads.axis_chunks_iter(Axis(0), positions))
        {
            let gx = gx
                .as_slice_mut()
                .expect("a layer's gradient rows are contiguous");
            roll_back(&self.window, rows, gx);
        }
    }
}

/// Writes the patches of one sample `x` (`h·w·c`, channels last) into `rows`
/// (`[positions, kh·kw·c]`), zeros where the window lies on padding.
fn unroll<F: Scalar>(window: &Window, x: &[F], mut rows: ArrayViewMut2<'_, F>) {
    let Image {
        width, channels, ..
    } = window.input;
    let [kh, kw] = window.size;
    let [_, out_w] = window.output;
    for (position, mut row) in rows.outer_iter_mut().enumerate() {
        let row = row.as_slice_mut().expect("patch rows are contiguous");
        let (oy, ox) = (position / out_w, position % out_w);
        for ky in 0..kh {
            let segment = &mut row[ky * kw * channels..(ky + 1) * kw * channels];
            let Some(iy) = window.input_row(oy, ky) else {
                segment.fill(F::zero());
                continue;
            };
            let columns = window.input_columns(ox);
            if columns.len() == kw {
                // The kernel's row lies inside the image: one contiguous run of `kw·c` inputs.
                let at = (iy * width + columns.start) * channels;
                segment.copy_from_slice(&x[at..at + kw * channels]);
                continue;
            }
            for kx in 0..kw {
                let cell = &mut segment[kx * channels..(kx + 1) * channels];
                match window.input_column(ox, kx) {
                    Some(ix) => {
                        let at = (iy * width + ix) * channels;
                        cell.copy_from_slice(&x[at..at + channels]);
                    }
                    None => cell.fill(F::zero()),
                }
            }
        }
    }
}

/// Adds each patch gradient of one sample in `rows` back onto the input cells it was read
/// from, in `grad_x` (`h·w·c`), which the caller zeroes first: [`unroll`]'s adjoint.
fn roll_back<F: Scalar>(window: &Window, rows: ArrayView2<'_, F>, grad_x: &mut [F]) {
    let Image {
        width, channels, ..
    } = window.input;
    let [kh, kw] = window.size;
    let [_, out_w] = window.output;
    for (position, row) in rows.outer_iter().enumerate() {
        let row = row.to_slice().expect("patch rows are contiguous");
        let (oy, ox) = (position / out_w, position % out_w);
        for ky in 0..kh {
            let Some(iy) = window.input_row(oy, ky) else {
                continue;
            };
            for kx in 0..kw {
                if let Some(ix) = window.input_column(ox, kx) {
                    let at = (iy * width + ix) * channels;
                    let from = (ky * kw + kx) * channels;
                    for (g, &p) in grad_x[at..at + channels]
                        .iter_mut()
                        .zip(&row[from..from + channels])
                    {
                        *g += p;
                    }
                }
            }
        }
    }
}
