//! The engine's maths one example at a time, in `f64`, for the views that explain it: a neuron,
//! an activation, a loss, one backpropagation step of a small network ([`backprop_step`]),
//! one image through a whole trained model ([`example_math`]), and a model over the whole plane
//! ([`plane`]).
//!
//! Every function here runs the engine's own code — a [`Dense`] layer, an [`Activation`]'s
//! forward and backward passes, a [`Loss`] with its gradient — on tiny inputs, so that what a
//! learner moves in a widget is exactly what trains their model. Nothing is re-derived here.
//!
//! ```
//! use neurite::Activation;
//! use neurite::explain;
//!
//! // z = 0.5·2 + (−1)·1 + 0.25 = 0.25, y = max(z, 0).
//! let (z, y) = explain::neuron(&[0.5, -1.0], 0.25, Activation::Relu, &[2.0, 1.0]);
//! assert_eq!((z, y), (0.25, 0.25));
//! ```

mod backprop;
mod example;
pub mod plane;

pub use example::{ExampleMath, FirstLayerGrads, example_math, first_layer_step};

pub use backprop::{
    BackpropStep, CHECK_STEP, LayerGrads, LayerTrace, Network, backprop_step, network_loss,
    numeric_gradients,
};

use ndarray::{Array1, Array2, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::layers::{Dense, ForwardContext, Layer};
use crate::{Activation, Loss, Targets};

/// One neuron's pre-activation `z = w·x + b` and output `y = f(z)` for each row of `inputs`
/// (`[points, w.len()]`), through a one-unit [`Dense`] layer and the activation's forward pass.
///
/// # Panics
/// If `inputs` does not have `w.len()` columns.
#[track_caller]
pub fn neuron_batch(
    w: &[f64],
    b: f64,
    activation: Activation,
    inputs: ArrayView2<'_, f64>,
) -> (Array1<f64>, Array1<f64>) {
    assert_eq!(inputs.ncols(), w.len(), "neuron: {} weights", w.len());
    let kernel = Array2::from_shape_vec((w.len(), 1), w.to_vec()).expect("one column");
    let mut layer = Dense::from_parts(
        "neuron",
        kernel,
        Array1::from_elem(1, b),
        Activation::Linear,
    );
    let mut z = Array2::zeros((inputs.nrows(), 1));
    // A linear dense layer is deterministic: the generator is never drawn from.
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut ctx = ForwardContext {
        training: false,
        rng: &mut rng,
    };
    layer.forward(inputs, z.view_mut(), &mut ctx);
    let mut y = z.clone();
    activation.apply_inplace(y.view_mut());
    (z.column(0).to_owned(), y.column(0).to_owned())
}

/// One neuron's `(z, y)` at one input `x`.
///
/// # Panics
/// If `x` and `w` differ in length.
#[track_caller]
pub fn neuron(w: &[f64], b: f64, activation: Activation, x: &[f64]) -> (f64, f64) {
    let inputs = ArrayView2::from_shape((1, x.len()), x).expect("one row");
    let (z, y) = neuron_batch(w, b, activation, inputs);
    (z[0], y[0])
}

/// `f(x)` and `f′(x)` of an element-wise activation at each of `xs`: the forward pass, then the
/// backward pass of an upstream gradient of one (the derivative as the engine backpropagates it,
/// so `relu′(0) = 0` as in TensorFlow).
///
/// # Panics
/// For [`Activation::Softmax`], which is not element-wise.
#[track_caller]
pub fn activation_curve(activation: Activation, xs: &[f64]) -> (Vec<f64>, Vec<f64>) {
    assert_ne!(
        activation,
        Activation::Softmax,
        "softmax has no per-element derivative"
    );
    let mut y = Array2::from_shape_vec((1, xs.len()), xs.to_vec()).expect("one row");
    activation.apply_inplace(y.view_mut());
    let mut dy = Array2::ones(y.raw_dim());
    activation.backward_inplace(y.view(), dy.view_mut());
    (
        y.into_raw_vec_and_offset().0,
        dy.into_raw_vec_and_offset().0,
    )
}

/// `(f(x), f′(x))` at one point.
///
/// # Panics
/// For [`Activation::Softmax`].
#[track_caller]
pub fn activation(activation: Activation, x: f64) -> (f64, f64) {
    let (y, dy) = activation_curve(activation, &[x]);
    (y[0], dy[0])
}

/// One example's loss of `y_pred` against `y_true`, and `∂loss/∂y_pred`, as the engine computes
/// them in training from probabilities (Keras's formulas: MSE and binary cross-entropy averaged
/// over the outputs, categorical cross-entropy after dividing `y_pred` by its sum, probabilities
/// clipped to `[1e-7, 1 − 1e-7]`).
///
/// # Panics
/// If the two differ in length.
#[track_caller]
pub fn loss(loss: Loss, y_true: &[f64], y_pred: &[f64]) -> (f64, Vec<f64>) {
    assert_eq!(y_true.len(), y_pred.len(), "loss: lengths differ");
    let n = y_pred.len();
    let prediction = ArrayView2::from_shape((1, n), y_pred).expect("one row");
    let targets = ArrayView2::from_shape((1, n), y_true).expect("one row");
    let mut grad = Array2::zeros((1, n));
    let value = loss.compute(
        prediction,
        Targets::Values(targets),
        false,
        Some(grad.view_mut()),
    );
    (value, grad.into_raw_vec_and_offset().0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + b.abs())
    }

    #[test]
    fn neuron_matches_hand_arithmetic() {
        // z = 0.8·1 + (−0.5)·0.5 + 0.1 = 0.65; σ(0.65) = 1 / (1 + e^−0.65) = 0.657010...
        let (z, y) = neuron(&[0.8, -0.5], 0.1, Activation::Sigmoid, &[1.0, 0.5]);
        assert!(close(z, 0.65), "{z}");
        assert!(close(y, 1.0 / (1.0 + (-0.65f64).exp())), "{y}");
        // Three inputs, tanh: z = 1·2 + 2·(−1) + (−3)·0.5 + 1 = −0.5.
        let (z, y) = neuron(&[1.0, 2.0, -3.0], 1.0, Activation::Tanh, &[2.0, -1.0, 0.5]);
        assert!(close(z, -0.5) && close(y, (-0.5f64).tanh()), "{z} {y}");
        // leaky_relu's slope is 0.2: z = −2 → y = −0.4.
        let (_, y) = neuron(&[1.0], 0.0, Activation::LeakyRelu, &[-2.0]);
        assert!(close(y, -0.4), "{y}");
    }

    #[test]
    fn neuron_batch_gives_each_row_its_own_output() {
        let inputs = ndarray::array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-2.0, 3.0]];
        let (z, y) = neuron_batch(&[2.0, -1.0], 0.5, Activation::Relu, inputs.view());
        assert_eq!(z.to_vec(), vec![0.5, 2.5, -0.5, -6.5]);
        assert_eq!(y.to_vec(), vec![0.5, 2.5, 0.0, 0.0]);
    }

    #[test]
    fn activation_derivatives_match_their_closed_forms() {
        let xs = [-3.0, -0.5, 0.0, 0.7, 4.0];
        for a in [
            Activation::Linear,
            Activation::Relu,
            Activation::LeakyRelu,
            Activation::Sigmoid,
            Activation::Tanh,
        ] {
            let (y, dy) = activation_curve(a, &xs);
            for (i, &x) in xs.iter().enumerate() {
                let s = 1.0 / (1.0 + (-x).exp());
                let (want, want_d) = match a {
                    Activation::Linear => (x, 1.0),
                    Activation::Relu => (x.max(0.0), if x > 0.0 { 1.0 } else { 0.0 }),
                    Activation::LeakyRelu => {
                        if x > 0.0 {
                            (x, 1.0)
                        } else {
                            (0.2 * x, 0.2)
                        }
                    }
                    Activation::Sigmoid => (s, s * (1.0 - s)),
                    Activation::Tanh => (x.tanh(), 1.0 - x.tanh().powi(2)),
                    Activation::Softmax => unreachable!(),
                };
                assert!(close(y[i], want), "{} f({x}) = {}", a.name(), y[i]);
                assert!(close(dy[i], want_d), "{} f'({x}) = {}", a.name(), dy[i]);
            }
        }
    }

    #[test]
    fn losses_match_hand_arithmetic() {
        // MSE of 2.5 against 3: (−0.5)² = 0.25; gradient 2·(−0.5)/1 = −1.
        let (l, g) = loss(Loss::MeanSquaredError, &[3.0], &[2.5]);
        assert!(close(l, 0.25) && close(g[0], -1.0), "{l} {g:?}");
        // Categorical, y = [0, 1, 0], p = [0.2, 0.7, 0.1]: −ln 0.7 = 0.356675...; Keras divides by
        // Σp = 1 first, so ∂/∂p = Σy/Σp − y/p = [1, 1 − 1/0.7, 1].
        let (l, g) = loss(
            Loss::CategoricalCrossentropy,
            &[0.0, 1.0, 0.0],
            &[0.2, 0.7, 0.1],
        );
        assert!(close(l, -(0.7f64).ln()), "{l}");
        for (got, want) in g.iter().zip([1.0, 1.0 - 1.0 / 0.7, 1.0]) {
            assert!((got - want).abs() < 1e-12, "{g:?}");
        }
        // Binary, y = 1, p = 0.8: −ln 0.8; ∂/∂p = −1/0.8 = −1.25.
        let (l, g) = loss(Loss::BinaryCrossentropy, &[1.0], &[0.8]);
        assert!(close(l, -(0.8f64).ln()) && close(g[0], -1.25), "{l} {g:?}");
    }
}
