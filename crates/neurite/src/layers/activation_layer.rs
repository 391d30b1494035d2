//! A standalone activation layer, `a = f(x)`, like Keras's `Activation("tanh")`.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::{ForwardContext, Layer};
use crate::{Activation, Scalar};

/// Applies an [`Activation`] to its input.
pub struct ActivationLayer {
    name: String,
    activation: Activation,
    features: usize,
}

impl ActivationLayer {
    /// An activation layer over `features` inputs.
    pub fn new(name: impl Into<String>, activation: Activation, features: usize) -> Self {
        ActivationLayer {
            name: name.into(),
            activation,
            features,
        }
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
        self.activation.apply_inplace(output);
    }

    fn backward(
        &mut self,
        _input: ArrayView2<'_, F>,
        output: ArrayView2<'_, F>,
        mut grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        if let Some(mut grad_input) = grad_input {
            self.activation
                .backward_inplace(output, grad_output.view_mut());
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
        }
    }
}
