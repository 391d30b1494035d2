//! Layers: the [`Layer`] trait and its implementations.
//!
//! A layer works on a batch as a 2-D array `[batch, features]`; an image sample is stored
//! row-major as `height × width × channels` (see [`window`]). The model owns every
//! activation buffer and hands each layer its input and output; a layer keeps only its
//! parameters, their gradients and what its backward pass needs beyond those two buffers
//! (dropout's mask). Backward is explicit: it receives `∂L/∂output` and writes the parameter
//! gradients and, unless it is the first layer, `∂L/∂input`.

mod activation_layer;
pub(crate) mod conv2d;
mod dense;
mod dropout;
mod pooling;
mod reshape;
pub mod window;

pub use activation_layer::ActivationLayer;
pub use conv2d::Conv2d;
pub use dense::{Dense, Init};
pub use dropout::Dropout;
pub use pooling::{GlobalAveragePool2d, Pool2d, Reduce};
pub use reshape::Reshape;

use ndarray::{ArrayView2, ArrayViewMut2};
use rand_chacha::ChaCha8Rng;

use crate::Scalar;
use crate::kernels::sparse::SparseRows;

/// What a forward pass needs besides its input.
pub struct ForwardContext<'a> {
    /// `true` while training: dropout drops. `false` for evaluation and prediction.
    pub training: bool,
    /// The seeded generator for stochastic layers.
    pub rng: &'a mut ChaCha8Rng,
}

/// A trainable tensor of a layer, with its gradient.
pub struct ParamMut<'a, F> {
    /// The tensor's name inside its layer (`kernel`, `bias`).
    pub name: &'static str,
    /// Its shape (Keras layout: a dense kernel is `[inputs, units]`).
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub value: &'a mut [F],
    /// `∂L/∂value` from the last backward pass, row-major.
    pub grad: &'a mut [F],
    /// Whether L1/L2 weight penalties apply (kernels yes, biases no — as Keras's
    /// `kernel_regularizer`).
    pub penalized: bool,
}

/// A read-only view of a trainable tensor.
pub struct ParamRef<'a, F> {
    /// The tensor's name inside its layer (`kernel`, `bias`).
    pub name: &'static str,
    /// Its shape.
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub value: &'a [F],
}

/// A layer's two tensors, its kernel (penalised) and its bias (not), with their gradients,
/// all row-major.
fn kernel_and_bias_mut<'a, F>(
    kernel_shape: Vec<usize>,
    (kernel, kernel_grad): (&'a mut [F], &'a mut [F]),
    (bias, bias_grad): (&'a mut [F], &'a mut [F]),
) -> Vec<ParamMut<'a, F>> {
    vec![
        ParamMut {
            name: "kernel",
            shape: kernel_shape,
            value: kernel,
            grad: kernel_grad,
            penalized: true,
        },
        ParamMut {
            name: "bias",
            shape: vec![bias.len()],
            value: bias,
            grad: bias_grad,
            penalized: false,
        },
    ]
}

/// A layer's kernel and bias, read-only.
fn kernel_and_bias<'a, F>(
    kernel_shape: Vec<usize>,
    kernel: &'a [F],
    bias: &'a [F],
) -> Vec<ParamRef<'a, F>> {
    vec![
        ParamRef {
            name: "kernel",
            shape: kernel_shape,
            value: kernel,
        },
        ParamRef {
            name: "bias",
            shape: vec![bias.len()],
            value: bias,
        },
    ]
}

/// One layer of a [`crate::Sequential`] model.
pub trait Layer<F: Scalar>: Send {
    /// The layer's type as a summary shows it (`Dense`, `Flatten`, …).
    fn kind(&self) -> &'static str;

    /// The layer's name, unique in its model (`dense_1`).
    fn name(&self) -> &str;

    /// Features per sample this layer outputs.
    fn output_features(&self) -> usize;

    /// The shape of one output sample (`[h, w, c]` for an image, `[features]` otherwise).
    fn output_shape(&self) -> Vec<usize> {
        vec![self.output_features()]
    }

    /// Computes `output` from `input`.
    fn forward(
        &mut self,
        input: ArrayView2<'_, F>,
        output: ArrayViewMut2<'_, F>,
        ctx: &mut ForwardContext<'_>,
    );

    /// Whether [`Layer::forward_sparse`] has a path for a batch given by its non-zeros
    /// (`Dense`): only then does the model compress a batch for it.
    fn accepts_sparse(&self) -> bool {
        false
    }

    /// Computes `output` from a batch given by its non-zeros, when the layer has a path for
    /// that (`Dense`); returns `false`, untouched, otherwise. The layer may keep `input`'s
    /// buffers and leave it others to reuse; its backward pass then does not read the dense
    /// input.
    fn forward_sparse(
        &mut self,
        input: &mut SparseRows<F>,
        output: ArrayViewMut2<'_, F>,
        ctx: &mut ForwardContext<'_>,
    ) -> bool {
        let _ = (input, output, ctx);
        false
    }

    /// Given `∂L/∂output` in `grad_output` (which it may overwrite), stores the parameter
    /// gradients and writes `∂L/∂input` into `grad_input` when one is asked for.
    fn backward(
        &mut self,
        input: ArrayView2<'_, F>,
        output: ArrayView2<'_, F>,
        grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    );

    /// Whether the output is always the input, value for value, and the backward pass does
    /// not read the input (`Flatten`): below its first trainable layer, the model then moves
    /// the buffer on instead of running the layer.
    fn passes_values_through(&self) -> bool {
        false
    }

    /// The trainable tensors with their gradients; empty for a layer without parameters.
    fn params_mut(&mut self) -> Vec<ParamMut<'_, F>> {
        Vec::new()
    }

    /// The trainable tensors, read-only.
    fn params(&self) -> Vec<ParamRef<'_, F>> {
        Vec::new()
    }

    /// How many trainable numbers the layer holds.
    fn param_count(&self) -> usize {
        self.params().iter().map(|p| p.value.len()).sum()
    }
}
