//! `Flatten`: turns each sample of shape `[28, 28]` into a vector of 784 features.
//!
//! Batches travel through the engine already as `[batch, features]` with each sample stored
//! row-major, so flattening changes only the shape the model reports: the model hands the
//! input buffer on (see [`Layer::passes_values_through`]); `forward` copies, for direct use.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::{ForwardContext, Layer};
use crate::Scalar;

/// Flattens each sample into one row of features.
pub struct Flatten {
    name: String,
    features: usize,
}

impl Flatten {
    /// A flatten layer whose samples hold `features` numbers in all.
    pub fn new(name: impl Into<String>, features: usize) -> Self {
        Flatten {
            name: name.into(),
            features,
        }
    }
}

impl<F: Scalar> Layer<F> for Flatten {
    fn kind(&self) -> &'static str {
        "Flatten"
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn output_features(&self) -> usize {
        self.features
    }

    fn passes_values_through(&self) -> bool {
        true
    }

    fn forward(
        &mut self,
        input: ArrayView2<'_, F>,
        mut output: ArrayViewMut2<'_, F>,
        _ctx: &mut ForwardContext<'_>,
    ) {
        output.assign(&input);
    }

    fn backward(
        &mut self,
        _input: ArrayView2<'_, F>,
        _output: ArrayView2<'_, F>,
        grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        if let Some(mut grad_input) = grad_input {
            grad_input.assign(&grad_output);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_layer;

    #[test]
    fn flatten_passes_values_and_gradients_through() {
        check_layer(&mut Flatten::new("flatten", 6), 6, 2).unwrap();
    }
}
