//! Winograd's minimal filtering F(4×4, 3×3) for 3 × 3 convolutions at stride 1 (Lavin and
//! Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
//!
//! The output is cut into 4 × 4 tiles; each reads a 6 × 6 tile of the input. In one dimension,
//! four outputs of a 3-tap correlation `y_i = Σ_k d_{i+k}·g_k` are `Aᵀ[(G·g) ⊙ (Bᵀ·d)]`: six
//! multiplications instead of twelve. Nested in two dimensions, a tile's 16 outputs take 36
//! products instead of 144, and since the transforms are linear the sum over input channels
//! moves inside: for each of the 36 transformed points `ξ`, `M_ξ = V_ξ · U_ξ` is one matrix
//! product of the batch's transformed input tiles `V_ξ` (`[batch·tiles, in]`) and the
//! transformed kernel `U_ξ` (`[in, filters]`). A tile's outputs are then `Aᵀ·M·A`. For the
//! 11 × 11 outputs of Keras's second convolution (nine tiles, 144 cells computed for 121) that
//! is 3.4 times fewer multiplications than the direct product.
//!
//! The backward pass is the exact adjoint of these steps, the same three products' cost:
//! `∂M = A·∂Y·Aᵀ` per tile, `∂U_ξ = V_ξᵀ·∂M_ξ`, the kernel's gradient `Gᵀ·∂U·G`, and
//! `∂V_ξ = ∂M_ξ·U_ξᵀ`, whose tiles `B·∂V·Bᵀ` are summed back onto the input cells they read.
//!
//! Every transform runs on whole vectors of channels (the images are stored channels last), so
//! it vectorises; the products go to [`crate::kernels::gemm`]. In `f32` the results differ
//! from the direct sums by rounding only (the points 0, ±1, ±2 and ∞ keep the transforms'
//! coefficients small): see the tests.

mod transforms;

use ndarray::{ArrayView2, ArrayViewMut2};

use crate::Scalar;
use crate::kernels::gemm::{matmul, matmul_transposed_a};
use crate::layers::window::{Image, Window};
use transforms::{
    InputTiles, InputTilesAdjoint, KERNEL, Kernels, KernelsAdjoint, OUT, OutputTiles,
    OutputTilesAdjoint, POINTS, TILE, sandwich,
};

/// Whether a convolution over `window` is computed this way: a 3 × 3 kernel at stride 1 over
/// at least [`MIN_CHANNELS`] input channels (fewer make matrix products too thin to pay for
/// the transforms).
pub(crate) fn applies(window: &Window) -> bool {
    window.size == [KERNEL, KERNEL]
        && window.strides == [1, 1]
        && window.input.channels >= MIN_CHANNELS
}

/// The fewest input channels for which the transforms pay.
pub(crate) const MIN_CHANNELS: usize = 4;

/// Tiles covering one output image of `window`.
pub(crate) fn tiles(window: &Window) -> usize {
    window.output[0].div_ceil(OUT) * window.output[1].div_ceil(OUT)
}

/// Numbers kept per sample of a batch: its transformed input tiles and their products.
pub(crate) fn sample_values(window: &Window, filters: usize) -> usize {
    tiles(window) * POINTS * (window.input.channels + filters)
}

/// Numbers kept whatever the batch: the transformed kernel, its transpose, its gradient, and
/// one tile's scratch.
pub(crate) fn fixed_values(window: &Window, filters: usize) -> usize {
    let widest = window.input.channels.max(filters);
    3 * POINTS * window.input.channels * filters + (POINTS + TILE + 1) * widest
}

/// A convolution's Winograd buffers and passes.
pub(crate) struct Winograd<F> {
    window: Window,
    filters: usize,
    /// `U`, `[POINTS][in][filters]`.
    kernel: Vec<F>,
    /// `Uᵀ`, `[POINTS][filters][in]`.
    kernel_t: Vec<F>,
    /// `∂L/∂U`, `[POINTS][in][filters]`.
    kernel_grad: Vec<F>,
    /// `V`, `[POINTS][batch·tiles][in]`; `∂L/∂V` after a backward pass that needs it.
    inputs: Vec<F>,
    /// `M`, `[POINTS][batch·tiles][filters]`; `∂L/∂M` in the backward pass.
    products: Vec<F>,
    /// One tile half transformed, and cells for results past the output's edge.
    scratch: Vec<F>,
    /// A cell of zeros, for inputs on padding.
    zeros: Vec<F>,
}

impl<F: Scalar> Winograd<F> {
    pub(crate) fn new(window: Window, filters: usize) -> Self {
        let weights = POINTS * window.input.channels * filters;
        Winograd {
            window,
            filters,
            kernel: vec![F::zero(); weights],
            kernel_t: vec![F::zero(); weights],
            kernel_grad: vec![F::zero(); weights],
            inputs: Vec::new(),
            products: Vec::new(),
            scratch: vec![F::zero(); (POINTS + TILE) * window.input.channels.max(filters)],
            zeros: vec![F::zero(); window.input.channels.max(filters)],
        }
    }

    fn channels(&self) -> usize {
        self.window.input.channels
    }

    /// Sizes the batch's buffers for `rows` tiles, the old ones freed first (as the memory
    /// count assumes).
    fn hold(&mut self, rows: usize) {
        let (inputs, products) = (
            POINTS * rows * self.channels(),
            POINTS * rows * self.filters,
        );
        if self.inputs.len() != inputs || self.products.len() != products {
            self.inputs = Vec::new();
            self.products = Vec::new();
            self.inputs = vec![F::zero(); inputs];
            self.products = vec![F::zero(); products];
        }
    }

    /// `output = input ⋆ kernel` (no bias, no activation): `input` is `[batch, h·w·in]`,
    /// `kernel` `[9·in, filters]` (Keras's `[3, 3, in, out]`), `output` `[batch, positions·filters]`.
    pub(crate) fn forward(
        &mut self,
        input: ArrayView2<'_, F>,
        kernel: ArrayView2<'_, F>,
        mut output: ArrayViewMut2<'_, F>,
    ) {
        let rows = input.nrows() * tiles(&self.window);
        self.hold(rows);
        self.transform_kernel(kernel);
        self.transform_inputs(input);
        let (channels, filters) = (self.channels(), self.filters);
        for point in 0..POINTS {
            let v = point_matrix(&self.inputs, point, rows, channels);
            let u = point_matrix(&self.kernel, point, channels, filters);
            let m = point_matrix_mut(&mut self.products, point, rows, filters);
            matmul(v, u, m, false);
        }
        self.transform_products(output.view_mut());
    }

    /// The adjoint of [`Winograd::forward`]: `grad_output` is `∂L/∂output` (before the bias
    /// and activation, `[batch, positions·filters]`); writes the kernel's gradient
    /// (`[9·in, filters]`) and, when asked, the input's (`[batch, h·w·in]`).
    pub(crate) fn backward(
        &mut self,
        grad_output: ArrayView2<'_, F>,
        kernel_grad: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        let rows = grad_output.nrows() * tiles(&self.window);
        let (channels, filters) = (self.channels(), self.filters);
        self.transform_output_grads(grad_output);
        for point in 0..POINTS {
            let v = point_matrix(&self.inputs, point, rows, channels);
            let dm = point_matrix(&self.products, point, rows, filters);
            let du = point_matrix_mut(&mut self.kernel_grad, point, channels, filters);
            matmul_transposed_a(v, dm, du);
        }
        self.untransform_kernel_grad(kernel_grad);
        let Some(grad_input) = grad_input else {
            return;
        };
        for point in 0..POINTS {
            let u = point_matrix(&self.kernel, point, channels, filters);
            let mut ut = point_matrix_mut(&mut self.kernel_t, point, filters, channels);
            ut.assign(&u.t());
        }
        for point in 0..POINTS {
            let dm = point_matrix(&self.products, point, rows, filters);
            let ut = point_matrix(&self.kernel_t, point, filters, channels);
            let dv = point_matrix_mut(&mut self.inputs, point, rows, channels);
            matmul(dm, ut, dv, false);
        }
        self.untransform_input_grads(grad_input);
    }

    /// `U = G·g·Gᵀ` for every input channel, on vectors of filters.
    fn transform_kernel(&mut self, kernel: ArrayView2<'_, F>) {
        let (channels, filters) = (self.channels(), self.filters);
        let kernel = kernel.as_slice().expect("a kernel is contiguous");
        for channel in 0..channels {
            sandwich::<Kernels, F, KERNEL, TILE, false>(
                filters,
                kernel,
                |ky, kx| Some(((ky * KERNEL + kx) * channels + channel) * filters),
                &self.zeros,
                &mut self.scratch,
                &mut self.kernel,
                |i, j| Some(((i * TILE + j) * channels + channel) * filters),
            );
        }
    }

    /// `∂L/∂g = Gᵀ·∂U·G` for every input channel, into `kernel_grad` (`[9·in, filters]`).
    fn untransform_kernel_grad(&mut self, mut kernel_grad: ArrayViewMut2<'_, F>) {
        let (channels, filters) = (self.channels(), self.filters);
        let kernel_grad = kernel_grad
            .as_slice_mut()
            .expect("a kernel's gradient is contiguous");
        for channel in 0..channels {
            sandwich::<KernelsAdjoint, F, TILE, KERNEL, false>(
                filters,
                &self.kernel_grad,
                |i, j| Some(((i * TILE + j) * channels + channel) * filters),
                &self.zeros,
                &mut self.scratch,
                kernel_grad,
                |ky, kx| Some(((ky * KERNEL + kx) * channels + channel) * filters),
            );
        }
    }

    /// `V = Bᵀ·d·B` for every input tile of the batch.
    fn transform_inputs(&mut self, input: ArrayView2<'_, F>) {
        let channels = self.channels();
        let rows = input.nrows() * tiles(&self.window);
        let mut row = 0;
        for x in input.outer_iter() {
            let x = x.to_slice().expect("a layer's input rows are contiguous");
            for tile in 0..tiles(&self.window) {
                sandwich::<InputTiles, F, TILE, TILE, false>(
                    channels,
                    x,
                    self.input_cell(tile),
                    &self.zeros,
                    &mut self.scratch,
                    &mut self.inputs,
                    |i, j| Some(((i * TILE + j) * rows + row) * channels),
                );
                row += 1;
            }
        }
    }

    /// `∂L/∂d = B·∂V·Bᵀ` for every input tile, summed onto the cells each tile read.
    fn untransform_input_grads(&mut self, mut grad_input: ArrayViewMut2<'_, F>) {
        let channels = self.channels();
        let rows = grad_input.nrows() * tiles(&self.window);
        grad_input.fill(F::zero());
        let mut row = 0;
        for mut gx in grad_input.outer_iter_mut() {
            let gx = gx
                .as_slice_mut()
                .expect("a layer's gradient rows are contiguous");
            for tile in 0..tiles(&self.window) {
                let cell = self.input_cell(tile);
                sandwich::<InputTilesAdjoint, F, TILE, TILE, true>(
                    channels,
                    &self.inputs,
                    |i, j| Some(((i * TILE + j) * rows + row) * channels),
                    &self.zeros,
                    &mut self.scratch,
                    gx,
                    cell,
                );
                row += 1;
            }
        }
    }

    /// `Y = Aᵀ·M·A` for every tile, its cells inside the output written to `output`.
    fn transform_products(&mut self, mut output: ArrayViewMut2<'_, F>) {
        let filters = self.filters;
        let rows = output.nrows() * tiles(&self.window);
        let mut row = 0;
        for mut y in output.outer_iter_mut() {
            let y = y
                .as_slice_mut()
                .expect("a layer's output rows are contiguous");
            for tile in 0..tiles(&self.window) {
                let cell = self.output_cell(tile);
                sandwich::<OutputTiles, F, TILE, OUT, false>(
                    filters,
                    &self.products,
                    |i, j| Some(((i * TILE + j) * rows + row) * filters),
                    &self.zeros,
                    &mut self.scratch,
                    y,
                    cell,
                );
                row += 1;
            }
        }
    }

    /// `∂L/∂M = A·∂Y·Aᵀ` for every tile (cells past the output's edge are zero).
    fn transform_output_grads(&mut self, grad_output: ArrayView2<'_, F>) {
        let filters = self.filters;
        let rows = grad_output.nrows() * tiles(&self.window);
        let mut row = 0;
        for dy in grad_output.outer_iter() {
            let dy = dy
                .to_slice()
                .expect("a layer's gradient rows are contiguous");
            for tile in 0..tiles(&self.window) {
                sandwich::<OutputTilesAdjoint, F, OUT, TILE, false>(
                    filters,
                    dy,
                    self.output_cell(tile),
                    &self.zeros,
                    &mut self.scratch,
                    &mut self.products,
                    |i, j| Some(((i * TILE + j) * rows + row) * filters),
                );
                row += 1;
            }
        }
    }

    /// Where cell `(i, j)` of input tile `tile` starts in a sample (channels last), `None` on
    /// padding or past the image's edge.
    fn input_cell(&self, tile: usize) -> impl Fn(usize, usize) -> Option<usize> + use<F> {
        let Image {
            height,
            width,
            channels,
        } = self.window.input;
        let columns = self.window.output[1].div_ceil(OUT);
        let top = (tile / columns * OUT) as isize - self.window.pad[0] as isize;
        let left = (tile % columns * OUT) as isize - self.window.pad[1] as isize;
        move |i, j| {
            let (y, x) = (top + i as isize, left + j as isize);
            let inside = (0..height as isize).contains(&y) && (0..width as isize).contains(&x);
            inside.then(|| (y as usize * width + x as usize) * channels)
        }
    }

    /// Where cell `(i, j)` of output tile `tile` starts in a sample's output, `None` past its
    /// edge.
    fn output_cell(&self, tile: usize) -> impl Fn(usize, usize) -> Option<usize> + use<F> {
        let [height, width] = self.window.output;
        let filters = self.filters;
        let columns = width.div_ceil(OUT);
        let (top, left) = (tile / columns * OUT, tile % columns * OUT);
        move |i, j| {
            let (y, x) = (top + i, left + j);
            (y < height && x < width).then(|| (y * width + x) * filters)
        }
    }
}

/// The `[rows, columns]` matrix of transformed point `point` in a `[POINTS][rows][columns]`
/// buffer.
fn point_matrix<F>(buffer: &[F], point: usize, rows: usize, columns: usize) -> ArrayView2<'_, F> {
    let size = rows * columns;
    ArrayView2::from_shape((rows, columns), &buffer[point * size..(point + 1) * size])
        .expect("a point's matrix is contiguous")
}

fn point_matrix_mut<F>(
    buffer: &mut [F],
    point: usize,
    rows: usize,
    columns: usize,
) -> ArrayViewMut2<'_, F> {
    let size = rows * columns;
    ArrayViewMut2::from_shape(
        (rows, columns),
        &mut buffer[point * size..(point + 1) * size],
    )
    .expect("a point's matrix is contiguous")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::window::Padding;
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The direct correlation of one sample, `[positions·filters]`.
    fn direct<F: Scalar>(window: &Window, x: &[F], kernel: &Array2<F>, filters: usize) -> Vec<F> {
        let Image {
            width, channels, ..
        } = window.input;
        let [oh, ow] = window.output;
        let mut y = vec![F::zero(); oh * ow * filters];
        for oy in 0..oh {
            for ox in 0..ow {
                for ky in 0..3 {
                    let Some(iy) = window.input_row(oy, ky) else {
                        continue;
                    };
                    for kx in 0..3 {
                        let Some(ix) = window.input_column(ox, kx) else {
                            continue;
                        };
                        for c in 0..channels {
                            let v = x[(iy * width + ix) * channels + c];
                            for f in 0..filters {
                                y[(oy * ow + ox) * filters + f] +=
                                    v * kernel[[(ky * 3 + kx) * channels + c, f]];
                            }
                        }
                    }
                }
            }
        }
        y
    }

    fn random<F: Scalar>(rows: usize, columns: usize, rng: &mut ChaCha8Rng) -> Array2<F> {
        Array2::from_shape_simple_fn((rows, columns), || F::lit(rng.random_range(-1.0..1.0)))
    }

    fn shapes() -> Vec<(Image, Padding, usize)> {
        let image = |height, width, channels| Image {
            height,
            width,
            channels,
        };
        vec![
            // Keras's second convolution: 13 × 13 → 11 × 11, tiles past the edge.
            (image(13, 13, 32), Padding::Valid, 64),
            (image(8, 8, 4), Padding::Same, 3),
            (image(5, 9, 5), Padding::Same, 2),
            (image(3, 3, 6), Padding::Valid, 5),
            (image(7, 4, 1), Padding::Valid, 2),
        ]
    }

    #[test]
    fn forward_matches_the_direct_sum() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for (image, padding, filters) in shapes() {
            let window = Window::new(image, [3, 3], [1, 1], padding).unwrap();
            let batch = 3;
            let x = random::<f64>(batch, image.features(), &mut rng);
            let kernel = random::<f64>(9 * image.channels, filters, &mut rng);
            let mut y = Array2::zeros((batch, window.positions() * filters));
            let mut winograd = Winograd::new(window, filters);
            winograd.forward(x.view(), kernel.view(), y.view_mut());
            for b in 0..batch {
                let expected = direct(&window, x.row(b).as_slice().unwrap(), &kernel, filters);
                for (got, want) in y.row(b).iter().zip(&expected) {
                    assert!((got - want).abs() < 1e-12, "{image:?} {padding:?}");
                }
            }
        }
    }

    #[test]
    fn in_f32_it_differs_from_the_direct_sum_by_rounding() {
        // Inputs in [0, 1] as MNIST's and Glorot-sized weights: the error stays near the
        // direct sum's own rounding (a transform with a wrong sign would be off by ~1).
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let image = Image {
            height: 13,
            width: 13,
            channels: 32,
        };
        let window = Window::new(image, [3, 3], [1, 1], Padding::Valid).unwrap();
        let x = random::<f64>(2, image.features(), &mut rng).mapv(f64::abs);
        let kernel = random::<f64>(288, 64, &mut rng) * 0.1;
        let expected = direct(&window, x.row(0).as_slice().unwrap(), &kernel, 64);
        let mut y = Array2::<f32>::zeros((2, window.positions() * 64));
        Winograd::new(window, 64).forward(
            x.mapv(|v| v as f32).view(),
            kernel.mapv(|v| v as f32).view(),
            y.view_mut(),
        );
        let worst = y
            .row(0)
            .iter()
            .zip(&expected)
            .map(|(&got, want)| (got as f64 - want).abs())
            .fold(0.0, f64::max);
        assert!(worst < 2e-5, "largest error {worst}");
    }

    #[test]
    fn backward_is_the_adjoint_of_forward() {
        // ⟨∂Y, conv(x, W)⟩ is bilinear, so its gradients are exactly ⟨∂Y, conv(·, W)⟩'s and
        // ⟨∂Y, conv(x, ·)⟩'s coefficients: checked against the direct sums' gradients.
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for (image, padding, filters) in shapes() {
            let window = Window::new(image, [3, 3], [1, 1], padding).unwrap();
            let batch = 2;
            let x = random::<f64>(batch, image.features(), &mut rng);
            let kernel = random::<f64>(9 * image.channels, filters, &mut rng);
            let dy = random::<f64>(batch, window.positions() * filters, &mut rng);
            let mut winograd = Winograd::new(window, filters);
            let mut y = Array2::zeros(dy.raw_dim());
            winograd.forward(x.view(), kernel.view(), y.view_mut());
            let mut dw = Array2::zeros(kernel.raw_dim());
            let mut dx = Array2::zeros(x.raw_dim());
            winograd.backward(dy.view(), dw.view_mut(), Some(dx.view_mut()));
            // ∂/∂W_k = Σ ∂Y·conv(x, e_k); ∂/∂x_i = Σ ∂Y·conv(e_i, W).
            let inner = |x: &Array2<f64>, kernel: &Array2<f64>| -> f64 {
                (0..batch)
                    .map(|b| {
                        direct(&window, x.row(b).as_slice().unwrap(), kernel, filters)
                            .iter()
                            .zip(dy.row(b))
                            .map(|(y, d)| y * d)
                            .sum::<f64>()
                    })
                    .sum()
            };
            for k in (0..kernel.len()).step_by(7) {
                let mut unit = Array2::zeros(kernel.raw_dim());
                unit.as_slice_mut().unwrap()[k] = 1.0;
                let want = inner(&x, &unit);
                let got = dw.as_slice().unwrap()[k];
                assert!(
                    (got - want).abs() < 1e-10,
                    "{image:?} ∂W[{k}]: {got} vs {want}"
                );
            }
            for i in (0..x.len()).step_by(5) {
                let mut unit = Array2::zeros(x.raw_dim());
                unit.as_slice_mut().unwrap()[i] = 1.0;
                let want = inner(&unit, &kernel);
                let got = dx.as_slice().unwrap()[i];
                assert!(
                    (got - want).abs() < 1e-10,
                    "{image:?} ∂x[{i}]: {got} vs {want}"
                );
            }
        }
    }
}
