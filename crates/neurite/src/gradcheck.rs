//! Finite-difference gradient checks, in `f64` with central differences.
//!
//! For a layer `y = g(x; θ)` the check builds the scalar `L = Σ y ⊙ R` with a fixed random `R`,
//! so `∂L/∂y = R`; it runs backward once, then compares every entry of `∂L/∂x` and `∂L/∂θ`
//! with `(L(v + h) − L(v − h)) / 2h`. The error of the central difference is `O(h²)`, so with
//! `h = 1e-6` a correct gradient agrees to about 1e-9 relative, and a wrong one by far more
//! than the tolerance used here. Stochastic layers are re-seeded before every pass, so each
//! pass draws the same dropout mask.

use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::Activation;
use crate::layers::{ActivationLayer, ForwardContext, Layer};
use crate::loss::{Loss, Targets};

/// Finite-difference step.
pub const STEP: f64 = 1e-6;
/// Largest relative error accepted: `|a − n| / max(|a| + |n|, 1e-7)`.
pub const TOLERANCE: f64 = 1e-5;

fn random_matrix(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-1.0..1.0))
}

fn compare(what: &str, index: usize, analytic: f64, numeric: f64) -> Result<(), String> {
    let error = (analytic - numeric).abs() / (analytic.abs() + numeric.abs()).max(1e-7);
    if error > TOLERANCE || !error.is_finite() {
        return Err(format!(
            "{what}[{index}]: analytic {analytic:.9e} vs numeric {numeric:.9e} (relative error {error:.2e})"
        ));
    }
    Ok(())
}

fn layer_output(layer: &mut dyn Layer<f64>, input: ArrayView2<'_, f64>) -> Array2<f64> {
    let mut output = Array2::zeros((input.nrows(), layer.output_features()));
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut ctx = ForwardContext {
        training: true,
        rng: &mut rng,
    };
    layer.forward(input, output.view_mut(), &mut ctx);
    output
}

/// Checks `layer`'s input and parameter gradients on a random batch of `batch × inputs`.
pub fn check_layer(layer: &mut dyn Layer<f64>, inputs: usize, batch: usize) -> Result<(), String> {
    check_layer_at(layer, random_matrix(batch, inputs, 1))
}

/// [`check_layer`] on a batch where two entries in three are exactly zero, as in images.
pub fn check_layer_with_zeros(
    layer: &mut dyn Layer<f64>,
    inputs: usize,
    batch: usize,
) -> Result<(), String> {
    let mut input = random_matrix(batch, inputs, 1);
    input
        .iter_mut()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .for_each(|(_, v)| *v = 0.0);
    check_layer_at(layer, input)
}

pub(crate) fn check_layer_at(
    layer: &mut dyn Layer<f64>,
    mut input: Array2<f64>,
) -> Result<(), String> {
    let batch = input.nrows();
    let weights = random_matrix(batch, layer.output_features(), 2);
    let scalar = |out: &Array2<f64>| (out * &weights).sum();

    let output = layer_output(layer, input.view());
    let mut grad_output = weights.clone();
    let mut grad_input = Array2::zeros(input.raw_dim());
    layer.backward(
        input.view(),
        output.view(),
        grad_output.view_mut(),
        Some(grad_input.view_mut()),
    );

    for i in 0..input.len() {
        let original = input.as_slice().unwrap()[i];
        input.as_slice_mut().unwrap()[i] = original + STEP;
        let plus = scalar(&layer_output(layer, input.view()));
        input.as_slice_mut().unwrap()[i] = original - STEP;
        let minus = scalar(&layer_output(layer, input.view()));
        input.as_slice_mut().unwrap()[i] = original;
        compare(
            "input",
            i,
            grad_input.as_slice().unwrap()[i],
            (plus - minus) / (2.0 * STEP),
        )?;
    }

    let grads: Vec<(&'static str, Vec<f64>)> = layer
        .params_mut()
        .into_iter()
        .map(|p| (p.name, p.grad.to_vec()))
        .collect();
    for (param_index, (name, grad)) in grads.iter().enumerate() {
        for (i, &analytic) in grad.iter().enumerate() {
            let nudge = |layer: &mut dyn Layer<f64>, delta: f64| {
                layer.params_mut()[param_index].value[i] += delta;
            };
            nudge(layer, STEP);
            let plus = scalar(&layer_output(layer, input.view()));
            nudge(layer, -2.0 * STEP);
            let minus = scalar(&layer_output(layer, input.view()));
            nudge(layer, STEP);
            compare(name, i, analytic, (plus - minus) / (2.0 * STEP))?;
        }
    }
    Ok(())
}

/// Checks an activation function as a standalone layer.
pub fn check_activation(activation: Activation) -> Result<(), String> {
    check_layer(&mut ActivationLayer::new("activation", activation, 4), 4, 3)
}

/// Checks `∂loss/∂prediction` of `loss` at `prediction` against finite differences.
pub fn check_loss(
    loss: Loss,
    prediction: &Array2<f64>,
    targets: Targets<'_, f64>,
    from_logits: bool,
) -> Result<(), String> {
    let mut grad = Array2::zeros(prediction.raw_dim());
    loss.compute(
        prediction.view(),
        targets,
        from_logits,
        Some(grad.view_mut()),
    );
    let mut probe = prediction.clone();
    for i in 0..probe.len() {
        let original = probe.as_slice().unwrap()[i];
        probe.as_slice_mut().unwrap()[i] = original + STEP;
        let plus = loss.compute(probe.view(), targets, from_logits, None);
        probe.as_slice_mut().unwrap()[i] = original - STEP;
        let minus = loss.compute(probe.view(), targets, from_logits, None);
        probe.as_slice_mut().unwrap()[i] = original;
        compare(
            "prediction",
            i,
            grad.as_slice().unwrap()[i],
            (plus - minus) / (2.0 * STEP),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayViewMut2, Zip};

    /// `y = x²` whose backward pass uses `slope·x` for the derivative `2x`.
    struct Square {
        slope: f64,
    }

    impl Layer<f64> for Square {
        fn kind(&self) -> &'static str {
            "Square"
        }
        fn name(&self) -> &str {
            "square"
        }
        fn output_features(&self) -> usize {
            3
        }
        fn forward(
            &mut self,
            input: ArrayView2<'_, f64>,
            mut output: ArrayViewMut2<'_, f64>,
            _ctx: &mut ForwardContext<'_>,
        ) {
            Zip::from(&mut output)
                .and(&input)
                .for_each(|o, &x| *o = x * x);
        }
        fn backward(
            &mut self,
            input: ArrayView2<'_, f64>,
            _output: ArrayView2<'_, f64>,
            grad_output: ArrayViewMut2<'_, f64>,
            grad_input: Option<ArrayViewMut2<'_, f64>>,
        ) {
            let mut grad_input = grad_input.expect("the check asks for the input gradient");
            Zip::from(&mut grad_input)
                .and(&grad_output)
                .and(&input)
                .for_each(|gi, &g, &x| *gi = g * self.slope * x);
        }
    }

    #[test]
    fn gradient_check_rejects_a_gradient_that_is_off_by_one_percent() {
        let err = check_layer(&mut Square { slope: 2.02 }, 3, 2).unwrap_err();
        assert!(err.contains("relative error"), "{err}");
    }

    #[test]
    fn gradient_check_accepts_the_correct_square() {
        check_layer(&mut Square { slope: 2.0 }, 3, 2).unwrap();
    }
}
