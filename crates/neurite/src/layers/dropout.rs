//! Inverted dropout (Srivastava et al., 2014), as Keras's `Dropout(rate)`.
//!
//! While training, each input is zeroed with probability `rate` and the survivors are scaled by
//! `1 / (1 − rate)`, so the expected activation is unchanged and inference is the identity.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Zip};
use rand::Rng;

use super::{ForwardContext, Layer};
use crate::Scalar;

/// Randomly drops inputs while training; the identity otherwise.
pub struct Dropout<F> {
    name: String,
    rate: f64,
    features: usize,
    /// `0` or `1 / (1 − rate)` per element of the last training batch.
    mask: Array2<F>,
    last_pass_trained: bool,
}

impl<F: Scalar> Dropout<F> {
    /// Drops each of `features` inputs with probability `rate` (`0 ≤ rate < 1`, checked by the
    /// model specification).
    pub fn new(name: impl Into<String>, rate: f64, features: usize) -> Self {
        Dropout {
            name: name.into(),
            rate,
            features,
            mask: Array2::zeros((0, features)),
            last_pass_trained: false,
        }
    }

    /// The drop probability.
    pub fn rate(&self) -> f64 {
        self.rate
    }
}

impl<F: Scalar> Layer<F> for Dropout<F> {
    fn kind(&self) -> &'static str {
        "Dropout"
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
        ctx: &mut ForwardContext<'_>,
    ) {
        self.last_pass_trained = ctx.training && self.rate > 0.0;
        if !self.last_pass_trained {
            output.assign(&input);
            return;
        }
        if self.mask.dim() != input.dim() {
            self.mask = Array2::zeros(input.dim());
        }
        let keep = F::lit(1.0 / (1.0 - self.rate));
        // A unit dropped when a uniform 32-bit draw falls below `rate·2³²`: the rate to 2⁻³²,
        // for half the random bits of a 64-bit float draw.
        let threshold = (self.rate * 4_294_967_296.0) as u64;
        self.mask.mapv_inplace(|_| {
            if u64::from(ctx.rng.random::<u32>()) < threshold {
                F::zero()
            } else {
                keep
            }
        });
        Zip::from(&mut output)
            .and(&input)
            .and(&self.mask)
            .for_each(|o, &x, &m| *o = x * m);
    }

    fn backward(
        &mut self,
        _input: ArrayView2<'_, F>,
        _output: ArrayView2<'_, F>,
        grad_output: ArrayViewMut2<'_, F>,
        grad_input: Option<ArrayViewMut2<'_, F>>,
    ) {
        let Some(mut grad_input) = grad_input else {
            return;
        };
        if self.last_pass_trained {
            Zip::from(&mut grad_input)
                .and(&grad_output)
                .and(&self.mask)
                .for_each(|gi, &g, &m| *gi = g * m);
        } else {
            grad_input.assign(&grad_output);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_layer;
    use ndarray::Array2;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn dropout_is_the_identity_at_inference() {
        let mut layer = Dropout::<f32>::new("dropout", 0.5, 3);
        let input = Array2::from_elem((2, 3), 2.0f32);
        let mut output = Array2::zeros((2, 3));
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut ctx = ForwardContext {
            training: false,
            rng: &mut rng,
        };
        layer.forward(input.view(), output.view_mut(), &mut ctx);
        assert_eq!(output, input);
    }

    #[test]
    fn dropout_zeroes_about_rate_of_inputs_and_scales_the_rest_while_training() {
        let mut layer = Dropout::<f64>::new("dropout", 0.25, 1000);
        let input = Array2::from_elem((10, 1000), 1.0f64);
        let mut output = Array2::zeros((10, 1000));
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut ctx = ForwardContext {
            training: true,
            rng: &mut rng,
        };
        layer.forward(input.view(), output.view_mut(), &mut ctx);
        let dropped = output.iter().filter(|&&v| v == 0.0).count() as f64 / 10_000.0;
        assert!((dropped - 0.25).abs() < 0.02, "dropped {dropped}");
        assert!(
            output
                .iter()
                .all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-12)
        );
    }

    #[test]
    fn dropout_gradient_follows_its_mask() {
        // The check reuses one mask for every perturbed pass (the rng is re-seeded each time),
        // which is exactly the function whose gradient backward computes.
        check_layer(&mut Dropout::<f64>::new("dropout", 0.4, 5), 5, 3).unwrap();
    }
}
