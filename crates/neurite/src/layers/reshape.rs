//! `Flatten` and `Reshape`: the same numbers in another shape — each sample of shape
//! `[28, 28]` as a vector of 784 features, or as an image `[28, 28, 1]` of one channel.
//!
//! Batches travel through the engine already as `[batch, features]` with each sample stored
//! row-major, so a new shape changes only the shape the model reports: the model hands the
//! input buffer on (see [`Layer::passes_values_through`]); `forward` copies, for direct use.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::{ForwardContext, Layer};
use crate::Scalar;

/// Gives each sample a new shape, its numbers unchanged.
pub struct Reshape {
    name: String,
    kind: &'static str,
    shape: Vec<usize>,
}

impl Reshape {
    /// Keras's `Flatten`: samples of `features` numbers in all, as one vector.
    pub fn flatten(name: impl Into<String>, features: usize) -> Self {
        Reshape {
            name: name.into(),
            kind: "Flatten",
            shape: vec![features],
        }
    }

    /// Keras's `Reshape(target_shape)`: samples as `shape`, whose sizes multiply to the
    /// input's numbers (the specification checks it).
    pub fn to(name: impl Into<String>, shape: &[usize]) -> Self {
        Reshape {
            name: name.into(),
            kind: "Reshape",
            shape: shape.to_vec(),
        }
    }
}

impl<F: Scalar> Layer<F> for Reshape {
    fn kind(&self) -> &'static str {
        self.kind
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn output_features(&self) -> usize {
        self.shape.iter().product()
    }

    fn output_shape(&self) -> Vec<usize> {
        self.shape.clone()
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
    fn flatten_and_reshape_pass_values_and_gradients_through() {
        check_layer(&mut Reshape::flatten("flatten", 6), 6, 2).unwrap();
        let mut image = Reshape::to("reshape", &[3, 2, 1]);
        check_layer(&mut image, 6, 2).unwrap();
        assert_eq!(Layer::<f64>::output_shape(&image), [3, 2, 1]);
        assert_eq!(Layer::<f64>::kind(&image), "Reshape");
    }
}
