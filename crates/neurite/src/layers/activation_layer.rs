//! A standalone activation layer, `a = f(x)`, like Keras's `Activation("tanh")`. A softmax
//! runs over the last axis, as Keras's: over each cell's channels for an image.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::{ForwardContext, Layer};
use crate::{Activation, Scalar};

/// Applies an [`Activation`] to its input.
pub struct ActivationLayer {
    name: String,
    activation: Activation,
    features: usize,
    /// The length of the last axis of a sample (`features` for a vector, the channels for an
    /// image): a softmax normalises each run of this many values.
    last_axis: usize,
}

impl ActivationLayer {
    /// An activation layer over samples of `features` numbers.
    pub fn new(name: impl Into<String>, activation: Activation, features: usize) -> Self {
        Self::over_last_axis(name, activation, features, features)
    }

    /// An activation layer over samples of `features` numbers whose last axis holds
    /// `last_axis` of them (which divides `features`).
    ///
    /// # Panics
    /// If `last_axis` is 0 or does not divide `features`.
    #[track_caller]
    pub fn over_last_axis(
        name: impl Into<String>,
        activation: Activation,
        features: usize,
        last_axis: usize,
    ) -> Self {
        assert!(
            last_axis > 0 && features.is_multiple_of(last_axis),
            "activation: a last axis of {last_axis} in {features} features"
        );
        ActivationLayer {
            name: name.into(),
            activation,
            features,
            last_axis,
        }
    }

    /// `values` (`[batch, features]`, contiguous) as `[batch · features / last_axis,
    /// last_axis]`: one row per run of the last axis.
    fn runs<'a, F>(&self, values: ArrayViewMut2<'a, F>) -> ArrayViewMut2<'a, F> {
        let rows = values.nrows() * (self.features / self.last_axis);
        values
            .into_shape_with_order((rows, self.last_axis))
            .expect("a layer's buffers are contiguous")
    }

    /// The function this layer applies.
    pub fn activation(&self) -> Activation {
        self.activation
    }
}

impl<F: Scalar> Layer<F> for ActivationLayer {
    fn kind(&self) -> &'static str {
        "Activation"
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn output_features(&self) -> usize {
        self.features
    }

    fn forward(
        &mut self,
        input: ArrayView2<'_, F>,
        mut output: ArrayViewMut2<'_, F>,
        _ctx: &mut ForwardContext<'_>,
    ) {
        output.assign(&input);
        self.activation.apply_inplace(self.runs(output));
    }

    fn backward(
        &mut self,
        _input: ArrayView2<'_, F>,
        output: ArrayView2<'_, F>,
        mut grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        if let Some(mut grad_input) = grad_input {
            let rows = output.nrows() * (self.features / self.last_axis);
            let output = output
                .into_shape_with_order((rows, self.last_axis))
                .expect("a layer's buffers are contiguous");
            self.activation
                .backward_inplace(output, self.runs(grad_output.view_mut()));
            grad_input.assign(&grad_output);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_layer;

    #[test]
    fn activation_layer_gradients_match_finite_differences() {
        for activation in Activation::ALL {
            check_layer(&mut ActivationLayer::new("act", activation, 4), 4, 3)
                .unwrap_or_else(|e| panic!("{}: {e}", activation.name()));
            // Over the channels of a 2 × 3 image of 4 channels.
            check_layer(
                &mut ActivationLayer::over_last_axis("act", activation, 24, 4),
                24,
                2,
            )
            .unwrap_or_else(|e| panic!("{} over channels: {e}", activation.name()));
        }
    }

    #[test]
    fn a_softmax_on_an_image_normalises_each_cells_channels() {
        let mut layer = ActivationLayer::over_last_axis("act", Activation::Softmax, 6, 3);
        let x = ndarray::Array2::from_shape_fn((1, 6), |(_, j)| j as f64);
        let mut y = ndarray::Array2::zeros((1, 6));
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(0);
        let mut ctx = ForwardContext {
            training: false,
            rng: &mut rng,
        };
        Layer::<f64>::forward(&mut layer, x.view(), y.view_mut(), &mut ctx);
        for cell in 0..2 {
            let sum: f64 = (0..3).map(|c| y[[0, cell * 3 + c]]).sum();
            assert!((sum - 1.0).abs() < 1e-12);
        }
        assert!((y[[0, 0]] - y[[0, 3]]).abs() < 1e-12);
    }
}
