//! The fully connected layer `a = f(x·W + b)`.
//!
//! The kernel `W` has the Keras layout `[inputs, units]`, so a weight file moves to Keras as it
//! is. Initialisation follows Keras: Glorot (Xavier) uniform by default,
//! `W ~ U(−l, l)` with `l = √(6 / (fan_in + fan_out))` (Glorot & Bengio, 2010), or He uniform,
//! `l = √(6 / fan_in)` (He et al., 2015), for ReLU stacks; the bias starts at zero.
//!
//! ```
//! use neurite::layers::{Dense, Init, Layer};
//! use neurite::Activation;
//! use rand::SeedableRng;
//!
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
//! let dense = Dense::<f32>::new("dense_1", 784, 128, Activation::Relu, Init::GlorotUniform, &mut rng);
//! assert_eq!(dense.param_count(), 784 * 128 + 128);
//! ```

use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2, Axis, Zip};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{ForwardContext, Layer, ParamMut, ParamRef};
use crate::kernels::sparse::{SparseRows, sparse_matmul, sparse_t_matmul};
use crate::{Activation, Scalar};

/// How a dense kernel is initialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// Keras's default: `U(−l, l)`, `l = √(6 / (fan_in + fan_out))`.
    #[default]
    GlorotUniform,
    /// For ReLU stacks: `U(−l, l)`, `l = √(6 / fan_in)`.
    HeUniform,
    /// Every weight 0 (TensorFlow Playground's `initZero`): the units of a layer stay alike,
    /// which is what it teaches.
    Zeros,
    /// TensorFlow Playground's: `U(−0.5, 0.5)` whatever the fan, and every bias 0.1 (its
    /// `src/nn.ts`: `weight = Math.random() - 0.5`, `bias = 0.1`).
    Playground,
}

impl Init {
    /// The half-width `l` of the uniform distribution for a `[fan_in, fan_out]` kernel.
    pub fn limit(self, fan_in: usize, fan_out: usize) -> f64 {
        match self {
            Init::GlorotUniform => (6.0 / (fan_in + fan_out) as f64).sqrt(),
            Init::HeUniform => (6.0 / fan_in as f64).sqrt(),
            Init::Zeros => 0.0,
            Init::Playground => 0.5,
        }
    }

    /// Every bias's first value.
    pub fn bias(self) -> f64 {
        match self {
            Init::Playground => 0.1,
            _ => 0.0,
        }
    }
}

/// A fully connected layer with its activation.
pub struct Dense<F> {
    name: String,
    activation: Activation,
    kernel: Array2<F>,
    bias: Array1<F>,
    kernel_grad: Array2<F>,
    bias_grad: Array1<F>,
    /// The last forward pass's input as compressed rows, when it was sparse enough (MNIST
    /// pixels are) for the products to skip its zeros.
    sparse_input: SparseRows<F>,
    input_was_sparse: bool,
}

impl<F: Scalar> Dense<F> {
    /// A layer from `inputs` to `units`, its kernel drawn by `init` from `rng`.
    pub fn new(
        name: impl Into<String>,
        inputs: usize,
        units: usize,
        activation: Activation,
        init: Init,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        let limit = init.limit(inputs, units);
        let kernel = if limit > 0.0 {
            Array2::from_shape_simple_fn((inputs, units), || {
                F::lit(rng.random_range(-limit..limit))
            })
        } else {
            Array2::zeros((inputs, units))
        };
        let bias = Array1::from_elem(units, F::lit(init.bias()));
        Self::from_parts(name, kernel, bias, activation)
    }

    /// A layer with the given kernel (`[inputs, units]`) and bias (`[units]`).
    ///
    /// # Panics
    /// If the bias length differs from the kernel's column count.
    #[track_caller]
    pub fn from_parts(
        name: impl Into<String>,
        kernel: Array2<F>,
        bias: Array1<F>,
        activation: Activation,
    ) -> Self {
        assert_eq!(kernel.ncols(), bias.len(), "dense: bias length != units");
        let kernel = kernel.as_standard_layout().into_owned();
        Dense {
            name: name.into(),
            activation,
            kernel_grad: Array2::zeros(kernel.raw_dim()),
            bias_grad: Array1::zeros(bias.len()),
            kernel,
            bias,
            sparse_input: SparseRows::new(),
            input_was_sparse: false,
        }
    }

    /// The kernel `W`, `[inputs, units]`.
    pub fn kernel(&self) -> ArrayView2<'_, F> {
        self.kernel.view()
    }

    /// The bias `b`, `[units]`.
    pub fn bias(&self) -> ndarray::ArrayView1<'_, F> {
        self.bias.view()
    }

    /// `∂L/∂W` from the last backward pass.
    pub fn kernel_grad(&self) -> ArrayView2<'_, F> {
        self.kernel_grad.view()
    }

    /// `∂L/∂b` from the last backward pass.
    pub fn bias_grad(&self) -> ndarray::ArrayView1<'_, F> {
        self.bias_grad.view()
    }

    /// The activation applied after the affine map.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// `output ← f(output + b)`, row by row.
    fn add_bias_and_activate(&self, mut output: ArrayViewMut2<'_, F>) {
        for mut row in output.rows_mut() {
            row += &self.bias;
        }
        self.activation.apply_inplace(output);
    }
}

impl<F: Scalar> Layer<F> for Dense<F> {
    fn kind(&self) -> &'static str {
        "Dense"
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn output_features(&self) -> usize {
        self.kernel.ncols()
    }

    fn forward(
        &mut self,
        input: ArrayView2<'_, F>,
        mut output: ArrayViewMut2<'_, F>,
        _ctx: &mut ForwardContext<'_>,
    ) {
        self.input_was_sparse = self.sparse_input.compress(input);
        if self.input_was_sparse {
            sparse_matmul(&self.sparse_input, self.kernel.view(), output.view_mut());
        } else {
            general_mat_mul(F::one(), &input, &self.kernel, F::zero(), &mut output);
        }
        self.add_bias_and_activate(output);
    }

    fn accepts_sparse(&self) -> bool {
        true
    }

    fn forward_sparse(
        &mut self,
        input: &mut SparseRows<F>,
        mut output: ArrayViewMut2<'_, F>,
        _ctx: &mut ForwardContext<'_>,
    ) -> bool {
        // Keep the batch's buffers for the backward pass; the caller gets the old ones back.
        std::mem::swap(&mut self.sparse_input, input);
        self.input_was_sparse = true;
        sparse_matmul(&self.sparse_input, self.kernel.view(), output.view_mut());
        self.add_bias_and_activate(output);
        true
    }

    fn backward(
        &mut self,
        input: ArrayView2<'_, F>,
        output: ArrayView2<'_, F>,
        mut grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        // ∂L/∂z = f'(z) ⊙ ∂L/∂a; then ∂L/∂W = xᵀ·∂L/∂z, ∂L/∂b = Σ_batch ∂L/∂z, ∂L/∂x = ∂L/∂z·Wᵀ.
        self.activation
            .backward_inplace(output, grad_output.view_mut());
        let grad_z = grad_output.view();
        if self.input_was_sparse {
            sparse_t_matmul(&self.sparse_input, grad_z, self.kernel_grad.view_mut());
        } else {
            general_mat_mul(
                F::one(),
                &input.t(),
                &grad_z,
                F::zero(),
                &mut self.kernel_grad,
            );
        }
        self.bias_grad.fill(F::zero());
        for row in grad_z.axis_iter(Axis(0)) {
            Zip::from(&mut self.bias_grad)
                .and(&row)
                .for_each(|b, &g| *b += g);
        }
        if let Some(mut grad_input) = grad_input {
            general_mat_mul(
                F::one(),
                &grad_z,
                &self.kernel.t(),
                F::zero(),
                &mut grad_input,
            );
        }
    }

    fn params_mut(&mut self) -> Vec<ParamMut<'_, F>> {
        let shape = self.kernel.shape().to_vec();
        let contiguous = "a dense layer's tensors are contiguous";
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
        let contiguous = "a dense layer's tensors are contiguous";
        super::kernel_and_bias(
            self.kernel.shape().to_vec(),
            self.kernel.as_slice().expect(contiguous),
            self.bias.as_slice().expect(contiguous),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::{check_layer, check_layer_with_zeros};
    use ndarray::Array2;
    use rand::SeedableRng;

    fn dense(activation: Activation) -> Dense<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        Dense::new("dense_1", 5, 4, activation, Init::GlorotUniform, &mut rng)
    }

    #[test]
    fn dense_gradients_match_finite_differences_for_every_activation() {
        for activation in Activation::ALL {
            check_layer(&mut dense(activation), 5, 3)
                .unwrap_or_else(|e| panic!("dense + {}: {e}", activation.name()));
        }
    }

    #[test]
    fn dense_gradients_match_finite_differences_on_sparse_input() {
        // Mostly-zero inputs take the sparse products; the check keeps the zeros (it perturbs
        // one entry at a time, so the pattern changes only at the perturbed entry).
        let mut layer = dense(Activation::Tanh);
        check_layer_with_zeros(&mut layer, 5, 4).unwrap();
    }

    #[test]
    fn sparse_and_dense_paths_give_the_same_outputs_and_gradients() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let x = Array2::from_shape_fn((6, 40), |(i, j)| {
            if (i * 7 + j * 3) % 5 == 0 {
                (i + j) as f64 / 40.0
            } else {
                0.0
            }
        });
        let dense_x = &x + 1e-300; // no exact zeros: forces the dense path, same values
        let mut a = Dense::<f64>::new("a", 40, 9, Activation::Relu, Init::HeUniform, &mut rng);
        let mut b = Dense::from_parts(
            "b",
            a.kernel().to_owned(),
            a.bias().to_owned(),
            Activation::Relu,
        );
        let run = |layer: &mut Dense<f64>, x: &Array2<f64>| {
            let mut out = Array2::zeros((6, 9));
            let mut r = ChaCha8Rng::seed_from_u64(0);
            layer.forward(
                x.view(),
                out.view_mut(),
                &mut ForwardContext {
                    training: true,
                    rng: &mut r,
                },
            );
            let mut grad = Array2::from_elem((6, 9), 0.5);
            layer.backward(x.view(), out.view(), grad.view_mut(), None);
            (out, layer.kernel_grad().to_owned())
        };
        let (out_a, grad_a) = run(&mut a, &x);
        assert!(a.input_was_sparse);
        let (out_b, grad_b) = run(&mut b, &dense_x);
        assert!(!b.input_was_sparse);
        assert!((&out_a - &out_b).iter().all(|d| d.abs() < 1e-12));
        assert!((&grad_a - &grad_b).iter().all(|d| d.abs() < 1e-12));
    }

    #[test]
    fn glorot_kernel_stays_inside_its_limit_and_bias_starts_at_zero() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let layer = Dense::<f32>::new(
            "d",
            784,
            128,
            Activation::Relu,
            Init::GlorotUniform,
            &mut rng,
        );
        let limit = (6.0f32 / 912.0).sqrt();
        assert!(layer.kernel().iter().all(|w| w.abs() <= limit));
        assert!(layer.kernel().iter().any(|w| w.abs() > 0.9 * limit));
        assert!(layer.bias().iter().all(|&b| b == 0.0));
    }

    #[test]
    fn same_seed_gives_the_same_kernel() {
        let a = dense(Activation::Relu);
        let b = dense(Activation::Relu);
        assert_eq!(a.kernel(), b.kernel());
    }

    #[test]
    fn he_limit_depends_on_fan_in_only() {
        assert_eq!(Init::HeUniform.limit(6, 1), 1.0);
        assert_eq!(Init::HeUniform.limit(6, 100), 1.0);
        assert_eq!(Init::GlorotUniform.limit(3, 3), 1.0);
    }

    #[test]
    fn zeros_start_every_weight_at_zero_and_draw_nothing() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let zero = Dense::<f64>::new("z", 5, 4, Activation::Tanh, Init::Zeros, &mut rng);
        assert!(zero.kernel().iter().all(|&w| w == 0.0));
        // The generator was not used: the next layer draws what it would have drawn first.
        let after = Dense::<f64>::new("a", 5, 4, Activation::Tanh, Init::GlorotUniform, &mut rng);
        assert_eq!(after.kernel(), dense(Activation::Tanh).kernel());
    }

    #[test]
    fn the_playgrounds_start_is_a_half_wide_uniform_and_biases_of_a_tenth() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let layer = Dense::<f64>::new("p", 100, 50, Activation::Tanh, Init::Playground, &mut rng);
        let kernel = layer.kernel();
        assert!(kernel.iter().all(|w| w.abs() < 0.5));
        // Spread over the whole interval whatever the fan (Glorot's would be ±0.2 here).
        assert!(kernel.iter().any(|w| w.abs() > 0.45));
        let mean = kernel.sum() / kernel.len() as f64;
        assert!(mean.abs() < 0.02, "{mean}");
        assert!(layer.bias().iter().all(|&b| b == 0.1));
        assert!(dense(Activation::Tanh).bias().iter().all(|&b| b == 0.0));
    }
}
