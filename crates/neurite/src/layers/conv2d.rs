//! `Conv2D`: a 2-D convolution `a = f(x ⋆ W + b)` over images stored channels last, with
//! Keras's semantics.
//!
//! The kernel has Keras's layout `[kh, kw, in, out]`, kept as the matrix
//! `[kh·kw·in, out]` it is row-major. A batch is unrolled into patches ("im2col"): one row per
//! sample and output position, holding the `kh × kw × in` inputs under the kernel there (0
//! where the window lies on `same` padding). The convolution is then one matrix product,
//! `patches · W`, whose `[batch·positions, out]` result is exactly the batch of output images,
//! channels last. Backward is two more products and the reverse unrolling:
//! `∂L/∂W = patchesᵀ · ∂L/∂z`, `∂L/∂patches = ∂L/∂z · Wᵀ`, summed back onto the input cells
//! each patch read ("col2im"). Initialisation is Keras's: Glorot uniform with
//! `fan_in = kh·kw·in`, `fan_out = kh·kw·out`, biases 0.

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, Axis};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::window::{Image, Window};
use super::{ForwardContext, Init, Layer, ParamMut, ParamRef};
use crate::kernels::gemm::{matmul, matmul_transposed_a};
use crate::{Activation, Scalar};

/// A 2-D convolution with its activation.
pub struct Conv2d<F> {
    name: String,
    activation: Activation,
    window: Window,
    filters: usize,
    /// `[kh·kw·in, filters]`: Keras's `[kh, kw, in, out]`, row-major.
    kernel: Array2<F>,
    bias: Array1<F>,
    kernel_grad: Array2<F>,
    bias_grad: Array1<F>,
    /// The last forward pass's patches, `[batch·positions, kh·kw·in]`.
    patches: Array2<F>,
    /// `∂L/∂patches` of the last backward pass, the same shape.
    patch_grads: Array2<F>,
    /// The kernel transposed, `[filters, kh·kw·in]`, for `∂L/∂patches = ∂L/∂z · Wᵀ`.
    kernel_t: Array2<F>,
}

impl<F: Scalar> Conv2d<F> {
    /// A convolution of `filters` kernels over `window`, drawn by `init` from `rng`.
    pub fn new(
        name: impl Into<String>,
        window: Window,
        filters: usize,
        activation: Activation,
        init: Init,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        let receptive = window.size[0] * window.size[1];
        let depth = receptive * window.input.channels;
        let limit = init.limit(depth, receptive * filters);
        let kernel = if limit > 0.0 {
            Array2::from_shape_simple_fn((depth, filters), || {
                F::lit(rng.random_range(-limit..limit))
            })
        } else {
            Array2::zeros((depth, filters))
        };
        let bias = Array1::from_elem(filters, F::lit(init.bias()));
        Conv2d {
            name: name.into(),
            activation,
            window,
            filters,
            kernel_grad: Array2::zeros(kernel.raw_dim()),
            bias_grad: Array1::zeros(filters),
            kernel,
            bias,
            patches: Array2::zeros((0, depth)),
            patch_grads: Array2::zeros((0, depth)),
            kernel_t: Array2::zeros((filters, depth)),
        }
    }

    /// The window the kernel slides in.
    pub fn window(&self) -> &Window {
        &self.window
    }

    /// The output image of one sample.
    pub fn output_image(&self) -> Image {
        Image {
            height: self.window.output[0],
            width: self.window.output[1],
            channels: self.filters,
        }
    }

    /// The kernel as `[kh·kw·in, filters]` (Keras's `[kh, kw, in, out]`, row-major).
    pub fn kernel(&self) -> ArrayView2<'_, F> {
        self.kernel.view()
    }

    /// Keras's kernel shape, `[kh, kw, in, out]`.
    fn kernel_shape(&self) -> Vec<usize> {
        let [kh, kw] = self.window.size;
        vec![kh, kw, self.window.input.channels, self.filters]
    }

    /// Numbers in one patch: `kh·kw·in`.
    fn depth(&self) -> usize {
        self.kernel.nrows()
    }

    /// The batch's output as `[batch·positions, filters]`.
    fn as_positions<'a>(&self, output: ArrayViewMut2<'a, F>) -> ArrayViewMut2<'a, F> {
        let rows = output.nrows() * self.window.positions();
        output
            .into_shape_with_order((rows, self.filters))
            .expect("a layer's output buffer is contiguous")
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

impl<F: Scalar> Layer<F> for Conv2d<F> {
    fn kind(&self) -> &'static str {
        "Conv2D"
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
        output: ArrayViewMut2<'_, F>,
        _ctx: &mut ForwardContext<'_>,
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
        let mut z = self.as_positions(output);
        matmul(self.patches.view(), self.kernel.view(), z.view_mut(), false);
        let bias = self.bias.as_slice().expect("bias is contiguous");
        let values = z
            .as_slice_mut()
            .expect("a layer's output buffer is contiguous");
        for row in values.chunks_exact_mut(self.filters) {
            row.iter_mut().zip(bias).for_each(|(v, &b)| *v += b);
        }
        // Row by row over `[positions, filters]`: a softmax runs over the channels, as Keras's
        // over the last axis.
        self.activation.apply_inplace(z);
    }

    fn backward(
        &mut self,
        _input: ArrayView2<'_, F>,
        output: ArrayView2<'_, F>,
        grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        let rows = output.nrows() * self.window.positions();
        let output = output
            .into_shape_with_order((rows, self.filters))
            .expect("a layer's output buffer is contiguous");
        let mut grad_z = self.as_positions(grad_output);
        self.activation.backward_inplace(output, grad_z.view_mut());
        matmul_transposed_a(
            self.patches.view(),
            grad_z.view(),
            self.kernel_grad.view_mut(),
        );
        self.bias_grad.fill(F::zero());
        let bias_grad = self.bias_grad.as_slice_mut().expect("grad is contiguous");
        let grads = grad_z
            .as_slice()
            .expect("a layer's gradient buffer is contiguous");
        for row in grads.chunks_exact(self.filters) {
            bias_grad.iter_mut().zip(row).for_each(|(b, &g)| *b += g);
        }
        if let Some(mut grad_input) = grad_input {
            if self.patch_grads.dim() != self.patches.dim() {
                self.patch_grads = Array2::zeros((0, self.depth()));
                self.patch_grads = Array2::zeros(self.patches.raw_dim());
            }
            self.kernel_t.assign(&self.kernel.t());
            matmul(
                grad_z.view(),
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

    fn params_mut(&mut self) -> Vec<ParamMut<'_, F>> {
        let shape = self.kernel_shape();
        let contiguous = "a convolution's tensors are contiguous";
        super::kernel_and_bias_mut(
            shape,
            (
                self.kernel.as_slice_mut().expect(contiguous),
                self.kernel_grad.as_slice_mut().expect(contiguous),
            ),
            (
                self.bias.as_slice_mut().expect(contiguous),
                self.bias_grad.as_slice_mut().expect(contiguous),
            ),
        )
    }

    fn params(&self) -> Vec<ParamRef<'_, F>> {
        let contiguous = "a convolution's tensors are contiguous";
        super::kernel_and_bias(
            self.kernel_shape(),
            self.kernel.as_slice().expect(contiguous),
            self.bias.as_slice().expect(contiguous),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::{check_layer, check_layer_with_zeros};
    use crate::layers::window::Padding;
    use rand::SeedableRng;

    fn conv(
        input: Image,
        size: [usize; 2],
        strides: [usize; 2],
        padding: Padding,
        filters: usize,
        activation: Activation,
    ) -> Conv2d<f64> {
        let window = Window::new(input, size, strides, padding).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut layer = Conv2d::new(
            "conv2d_1",
            window,
            filters,
            activation,
            Init::GlorotUniform,
            &mut rng,
        );
        // Non-zero biases, so that their gradients are checked on more than zeros' neighbours.
        layer
            .bias
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = 0.1 * i as f64 - 0.05);
        layer
    }

    fn image(height: usize, width: usize, channels: usize) -> Image {
        Image {
            height,
            width,
            channels,
        }
    }

    #[test]
    fn conv_gradients_match_finite_differences() {
        let cases = [
            (image(5, 6, 2), [3, 3], [1, 1], Padding::Valid, 3),
            (image(5, 5, 3), [3, 3], [1, 1], Padding::Same, 2),
            (image(6, 7, 1), [3, 2], [2, 2], Padding::Same, 2),
            (image(5, 4, 2), [2, 2], [2, 1], Padding::Valid, 4),
            (image(4, 4, 1), [4, 4], [1, 1], Padding::Same, 1),
        ];
        for (input, size, strides, padding, filters) in cases {
            for activation in [Activation::Linear, Activation::Tanh, Activation::Softmax] {
                let mut layer = conv(input, size, strides, padding, filters, activation);
                check_layer(&mut layer, input.features(), 2).unwrap_or_else(|e| {
                    panic!("{input:?} {size:?} {strides:?} {padding:?} {activation:?}: {e}")
                });
            }
        }
        let mut relu = conv(
            image(6, 6, 1),
            [3, 3],
            [1, 1],
            Padding::Valid,
            2,
            Activation::Relu,
        );
        check_layer_with_zeros(&mut relu, 36, 3).unwrap();
    }

    #[test]
    fn a_one_by_one_kernel_is_a_dense_layer_on_every_cell() {
        let input = image(2, 3, 2);
        let mut layer = conv(input, [1, 1], [1, 1], Padding::Valid, 3, Activation::Linear);
        let x = Array2::from_shape_fn((1, 12), |(_, i)| i as f64 * 0.5 - 2.0);
        let mut out = Array2::zeros((1, 18));
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut ctx = ForwardContext {
            training: false,
            rng: &mut rng,
        };
        layer.forward(x.view(), out.view_mut(), &mut ctx);
        for cell in 0..6 {
            for f in 0..3 {
                let expected: f64 = (0..2)
                    .map(|c| x[[0, cell * 2 + c]] * layer.kernel[[c, f]])
                    .sum::<f64>()
                    + layer.bias[f];
                assert!((out[[0, cell * 3 + f]] - expected).abs() < 1e-12);
            }
        }
    }
}
