//! `Conv2D`: a 2-D convolution `a = f(x ⋆ W + b)` over images stored channels last, with
//! Keras's semantics.
//!
//! The kernel has Keras's layout `[kh, kw, in, out]`, kept as the matrix
//! `[kh·kw·in, out]` it is row-major. Initialisation is Keras's: Glorot uniform with
//! `fan_in = kh·kw·in`, `fan_out = kh·kw·out`, biases 0. The correlation itself is computed by
//! one of two algorithms, the same numbers up to rounding: Winograd's F(4×4, 3×3)
//! ([`winograd`]) for 3 × 3 kernels at stride 1 over a few channels or more, and otherwise one
//! matrix product over unrolled patches ([`im2col`]).

mod im2col;
pub(crate) mod winograd;

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use std::any::TypeId;

use self::im2col::Im2col;
use self::winograd::Winograd;
use super::window::{Image, Window};
use super::{ForwardContext, Init, Layer, ParamMut, ParamRef};
use crate::{Activation, Scalar};

/// How a convolution computes its correlation, with the buffers that way keeps.
enum Algorithm<F> {
    Im2col(Im2col<F>),
    Winograd(Winograd<F>),
}

impl<F: Scalar> Algorithm<F> {
    /// The faster way for `window`: see [`winograd::applies`]. Only in `f32`, the numbers
    /// models train in: an `f64` copy (a worked example, a gradient check) computes the exact
    /// sums over patches, and since the choice is made by type, no `f64` Winograd code is
    /// compiled into the site's wasm.
    fn for_window(window: Window, filters: usize) -> Self {
        if winograd::applies(&window) && TypeId::of::<F>() == TypeId::of::<f32>() {
            Algorithm::Winograd(Winograd::new(window, filters))
        } else {
            Algorithm::Im2col(Im2col::new(window, filters))
        }
    }
}

/// Whether a convolution in `F` may hold Winograd's buffers: in `f32` (and, in this crate's
/// tests, in `f64`, whose gradients they check). Known when compiled, so that the `f64` passes
/// are not compiled into the site's wasm.
#[inline(always)]
fn winograd_in<F: 'static>() -> bool {
    cfg!(test) || TypeId::of::<F>() == TypeId::of::<f32>()
}

const ONLY_F32: &str = "Winograd's algorithm is only chosen in f32";

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
    algorithm: Algorithm<F>,
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
            algorithm: Algorithm::for_window(window, filters),
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

    /// The batch's output as `[batch·positions, filters]`.
    fn as_positions<'a>(&self, output: ArrayViewMut2<'a, F>) -> ArrayViewMut2<'a, F> {
        let rows = output.nrows() * self.window.positions();
        output
            .into_shape_with_order((rows, self.filters))
            .expect("a layer's output buffer is contiguous")
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
        mut output: ArrayViewMut2<'_, F>,
        _ctx: &mut ForwardContext<'_>,
    ) {
        match &mut self.algorithm {
            Algorithm::Winograd(winograd) if winograd_in::<F>() => {
                winograd.forward(input, self.kernel.view(), output.view_mut());
            }
            Algorithm::Winograd(_) => unreachable!("{ONLY_F32}"),
            Algorithm::Im2col(im2col) => {
                let rows = output.nrows() * self.window.positions();
                let z = output
                    .view_mut()
                    .into_shape_with_order((rows, self.filters))
                    .expect("a layer's output buffer is contiguous");
                im2col.forward(input, self.kernel.view(), z);
            }
        }
        let mut z = self.as_positions(output);
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
        mut grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        let batch = output.nrows();
        let rows = batch * self.window.positions();
        let output = output
            .into_shape_with_order((rows, self.filters))
            .expect("a layer's output buffer is contiguous");
        let mut grad_z = self.as_positions(grad_output.view_mut());
        self.activation.backward_inplace(output, grad_z.view_mut());
        self.bias_grad.fill(F::zero());
        let bias_grad = self.bias_grad.as_slice_mut().expect("grad is contiguous");
        let grads = grad_z
            .as_slice()
            .expect("a layer's gradient buffer is contiguous");
        for row in grads.chunks_exact(self.filters) {
            bias_grad.iter_mut().zip(row).for_each(|(b, &g)| *b += g);
        }
        match &mut self.algorithm {
            Algorithm::Winograd(winograd) if winograd_in::<F>() => {
                winograd.backward(grad_output.view(), self.kernel_grad.view_mut(), grad_input);
            }
            Algorithm::Winograd(_) => unreachable!("{ONLY_F32}"),
            Algorithm::Im2col(im2col) => im2col.backward(
                self.kernel.view(),
                grad_z.view(),
                self.kernel_grad.view_mut(),
                grad_input,
            ),
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
    use crate::gradcheck::{check_layer, check_layer_at, check_layer_with_zeros};
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

    /// `layer` computing with Winograd's algorithm, as it does in `f32`.
    fn with_winograd(mut layer: Conv2d<f64>) -> Conv2d<f64> {
        assert!(winograd::applies(&layer.window));
        layer.algorithm = Algorithm::Winograd(Winograd::new(layer.window, layer.filters));
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
            // Winograd's: a 3 × 3 kernel at stride 1 over enough channels.
            (
                image(5, 6, winograd::MIN_CHANNELS),
                [3, 3],
                [1, 1],
                Padding::Valid,
                3,
            ),
            (
                image(6, 5, winograd::MIN_CHANNELS),
                [3, 3],
                [1, 1],
                Padding::Same,
                2,
            ),
            (image(6, 7, 1), [3, 2], [2, 2], Padding::Same, 2),
            (image(5, 4, 2), [2, 2], [2, 1], Padding::Valid, 4),
            (image(4, 4, 1), [4, 4], [1, 1], Padding::Same, 1),
        ];
        for (input, size, strides, padding, filters) in cases {
            for activation in [Activation::Linear, Activation::Tanh, Activation::Softmax] {
                let layer = conv(input, size, strides, padding, filters, activation);
                let exact = matches!(layer.algorithm, Algorithm::Im2col(_));
                let mut layers = vec![layer];
                if exact && winograd::applies(&layers[0].window) {
                    layers.push(with_winograd(conv(
                        input, size, strides, padding, filters, activation,
                    )));
                }
                for mut layer in layers {
                    check_layer(&mut layer, input.features(), 2).unwrap_or_else(|e| {
                        panic!("{input:?} {size:?} {strides:?} {padding:?} {activation:?}: {e}")
                    });
                }
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
    fn winograd_takes_three_by_three_kernels_at_stride_one_over_enough_channels_in_f32() {
        let winograd = |channels, size, strides| {
            let window = Window::new(image(8, 8, channels), size, strides, Padding::Same).unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(3);
            let layer = Conv2d::<f32>::new(
                "c",
                window,
                2,
                Activation::Linear,
                Init::GlorotUniform,
                &mut rng,
            );
            matches!(layer.algorithm, Algorithm::Winograd(_))
        };
        // An `f64` copy sums over patches.
        let f64_layer = conv(
            image(8, 8, winograd::MIN_CHANNELS),
            [3, 3],
            [1, 1],
            Padding::Same,
            2,
            Activation::Linear,
        );
        assert!(matches!(f64_layer.algorithm, Algorithm::Im2col(_)));
        assert!(winograd(winograd::MIN_CHANNELS, [3, 3], [1, 1]));
        assert!(!winograd(winograd::MIN_CHANNELS - 1, [3, 3], [1, 1]));
        assert!(!winograd(winograd::MIN_CHANNELS, [3, 3], [2, 2]));
        assert!(!winograd(winograd::MIN_CHANNELS, [5, 5], [1, 1]));
    }

    /// Two 9 × 9 images lit in one corner only, so that most 3 × 3 patches are all zeros.
    fn mostly_dark(channels: usize) -> Array2<f64> {
        Array2::from_shape_fn((2, 81 * channels), |(b, i)| {
            let (y, x) = (i / channels / 9, i / channels % 9);
            if y < 3 && x + b < 4 {
                0.3 + 0.1 * (i % 7) as f64
            } else {
                0.0
            }
        })
    }

    #[test]
    fn patches_of_zeros_give_the_bias_and_their_gradients_stay_right() {
        let input = image(9, 9, 2);
        let mut layer = conv(input, [3, 2], [1, 1], Padding::Same, 3, Activation::Linear);
        assert!(matches!(layer.algorithm, Algorithm::Im2col(_)));
        let x = mostly_dark(2);
        let mut out = Array2::zeros((2, layer.output_features()));
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut ctx = ForwardContext {
            training: true,
            rng: &mut rng,
        };
        // A first pass on dense inputs leaves numbers in every row of the buffers.
        layer.forward(
            Array2::from_elem(x.raw_dim(), 0.5).view(),
            out.view_mut(),
            &mut ctx,
        );
        layer.forward(x.view(), out.view_mut(), &mut ctx);
        let window = layer.window;
        let Algorithm::Im2col(im2col) = &layer.algorithm else {
            unreachable!("checked above")
        };
        // The lit rows 0–2 reach output rows 0–3 (the window reads oy − 1 to oy + 1); the lit
        // columns 0–3 (0–2 in the second image) reach output columns 0–3 (0–2): 16 + 12 of the
        // 162 patches.
        assert_eq!(im2col.kept_patches(), 16 + 12);
        for b in 0..2 {
            for position in 0..window.positions() {
                let (oy, ox) = (position / window.output[1], position % window.output[1]);
                for f in 0..3 {
                    let mut expected = layer.bias[f];
                    for ky in 0..3 {
                        for kx in 0..2 {
                            let (Some(iy), Some(ix)) =
                                (window.input_row(oy, ky), window.input_column(ox, kx))
                            else {
                                continue;
                            };
                            for c in 0..2 {
                                expected += x[[b, (iy * 9 + ix) * 2 + c]]
                                    * layer.kernel[[(ky * 2 + kx) * 2 + c, f]];
                            }
                        }
                    }
                    let got = out[[b, position * 3 + f]];
                    assert!((got - expected).abs() < 1e-12, "{b} {position} {f}");
                }
            }
        }
        check_layer_at(&mut layer, mostly_dark(2)).unwrap();
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
