//! Loss functions, their batch mean, and their gradient with respect to the prediction.
//!
//! Reductions follow Keras (`sum_over_batch_size`): each sample's loss is averaged over the
//! batch; MSE and binary cross-entropy first average over the sample's outputs.
//!
//! Cross-entropy after a softmax or a sigmoid is computed from the *logits* `z`, the fused and
//! stable path Keras also takes when a softmax output meets its cross-entropy:
//! - softmax: `−log softmax(z)_c = logsumexp(z) − z_c`, with `logsumexp(z) = m + log Σ e^(zⱼ − m)`
//!   and `m = max z` (no exponent exceeds 1), and `∂/∂z = softmax(z) − y`;
//! - sigmoid: `BCE(z, y) = max(z, 0) − z·y + log(1 + e^(−|z|))` (the form of TensorFlow's
//!   `sigmoid_cross_entropy_with_logits`), with `∂/∂z = σ(z) − y`.
//!
//! From probabilities, as Keras does, `p` is clipped to `[ε, 1 − ε]` with `ε = 1e-7` and the
//! categorical forms renormalise each row to sum to one first.

use ndarray::{ArrayView2, ArrayViewMut2, Axis};
use serde::{Deserialize, Serialize};

use crate::Scalar;
use crate::activation::sigmoid;

/// Keras's `backend.epsilon()`, the clip applied to probabilities.
pub const PROBABILITY_EPSILON: f64 = 1e-7;

/// A loss function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Mean squared error, `mean((p − y)²)`.
    MeanSquaredError,
    /// Cross-entropy against integer class labels (Keras's default for MNIST).
    #[default]
    SparseCategoricalCrossentropy,
    /// Cross-entropy against one-hot (or soft) targets.
    CategoricalCrossentropy,
    /// Per-output binary cross-entropy.
    BinaryCrossentropy,
}

/// What a batch's predictions are compared with.
#[derive(Debug, Clone, Copy)]
pub enum Targets<'a, F> {
    /// One class index per sample. Where the loss needs a target per output, a model with one
    /// output takes the label itself (0 or 1) and a wider model takes its one-hot encoding.
    Classes(&'a [u8]),
    /// A target value per output, `[batch, outputs]`.
    Values(ArrayView2<'a, F>),
}

impl<F: Scalar> Targets<'_, F> {
    /// How many samples the targets describe.
    pub fn len(&self) -> usize {
        match self {
            Targets::Classes(c) => c.len(),
            Targets::Values(v) => v.nrows(),
        }
    }

    /// Whether there are no targets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The target of sample `row` at output `col` of `cols`.
    #[inline]
    fn value(&self, row: usize, col: usize, cols: usize) -> F {
        match self {
            Targets::Classes(c) if cols == 1 => F::lit(f64::from(c[row])),
            Targets::Classes(c) => {
                if usize::from(c[row]) == col {
                    F::one()
                } else {
                    F::zero()
                }
            }
            Targets::Values(v) => v[[row, col]],
        }
    }
}

impl Loss {
    /// Every loss, in the order a menu lists them.
    pub const ALL: [Loss; 4] = [
        Loss::SparseCategoricalCrossentropy,
        Loss::CategoricalCrossentropy,
        Loss::BinaryCrossentropy,
        Loss::MeanSquaredError,
    ];

    /// The Keras name of the loss.
    pub fn name(self) -> &'static str {
        match self {
            Loss::MeanSquaredError => "mean_squared_error",
            Loss::SparseCategoricalCrossentropy => "sparse_categorical_crossentropy",
            Loss::CategoricalCrossentropy => "categorical_crossentropy",
            Loss::BinaryCrossentropy => "binary_crossentropy",
        }
    }

    /// Whether this loss can take the logits of `head` directly (the fused, stable path).
    pub fn fuses_with(self, head: crate::Activation) -> bool {
        use crate::Activation::{Sigmoid, Softmax};
        matches!(
            (self, head),
            (
                Loss::SparseCategoricalCrossentropy | Loss::CategoricalCrossentropy,
                Softmax
            ) | (Loss::BinaryCrossentropy, Sigmoid)
        )
    }

    /// The batch mean of the loss of `prediction` against `targets`; when `grad` is given, also
    /// writes `∂loss/∂prediction` into it.
    ///
    /// `from_logits` says that `prediction` holds the logits of the softmax (categorical) or
    /// sigmoid (binary) the loss fuses with; it is ignored by MSE.
    ///
    /// # Panics
    /// If shapes disagree, or a class label is outside the prediction's columns.
    #[track_caller]
    pub fn compute<F: Scalar>(
        self,
        prediction: ArrayView2<'_, F>,
        targets: Targets<'_, F>,
        from_logits: bool,
        mut grad: Option<ArrayViewMut2<'_, F>>,
    ) -> F {
        let (batch, cols) = prediction.dim();
        assert_eq!(
            targets.len(),
            batch,
            "loss: {} targets for {batch} predictions",
            targets.len()
        );
        if let Targets::Values(v) = targets {
            assert_eq!(v.dim(), prediction.dim(), "loss: target shape mismatch");
        }
        if let Targets::Classes(c) = targets
            && cols > 1
        {
            assert!(
                c.iter().all(|&l| usize::from(l) < cols),
                "loss: label outside {cols} classes"
            );
        }
        if let Some(g) = &grad {
            assert_eq!(g.dim(), prediction.dim(), "loss: gradient shape mismatch");
        }
        let n = F::lit(batch as f64);
        let per_output = F::lit((batch * cols) as f64);
        let eps = F::lit(PROBABILITY_EPSILON);
        let one = F::one();
        let mut total = F::zero();

        for (i, z) in prediction.axis_iter(Axis(0)).enumerate() {
            let y = |j: usize| targets.value(i, j, cols);
            let mut g_row = grad.as_mut().map(|g| g.index_axis_mut(Axis(0), i));
            match (self, from_logits) {
                (Loss::MeanSquaredError, _) => {
                    for (j, &p) in z.iter().enumerate() {
                        let d = p - y(j);
                        total += d * d / per_output;
                        if let Some(g) = g_row.as_mut() {
                            g[j] = (d + d) / per_output;
                        }
                    }
                }
                (Loss::SparseCategoricalCrossentropy | Loss::CategoricalCrossentropy, true) => {
                    let max = z.iter().copied().fold(F::neg_infinity(), F::max);
                    let sum_exp: F = z.iter().map(|&v| (v - max).exp()).sum();
                    let log_sum_exp = max + sum_exp.ln();
                    let y_total: F = (0..cols).map(y).sum();
                    let y_dot_z: F = z.iter().enumerate().map(|(j, &v)| y(j) * v).sum();
                    total += (y_total * log_sum_exp - y_dot_z) / n;
                    if let Some(g) = g_row.as_mut() {
                        for (j, &v) in z.iter().enumerate() {
                            let softmax = (v - max).exp() / sum_exp;
                            g[j] = (softmax * y_total - y(j)) / n;
                        }
                    }
                }
                (Loss::SparseCategoricalCrossentropy | Loss::CategoricalCrossentropy, false) => {
                    // q = p / Σp, loss = −Σ y_c log clip(q_c); with in_c = [ε < q_c < 1 − ε],
                    // ∂loss/∂p_j = (Σ_c y_c in_c − y_j in_j / q_j) / Σp.
                    let sum: F = z.iter().copied().sum();
                    let mut weighted_in = F::zero();
                    for (j, &p) in z.iter().enumerate() {
                        let q = p / sum;
                        total -= y(j) * q.max(eps).min(one - eps).ln() / n;
                        if q > eps && q < one - eps {
                            weighted_in += y(j);
                        }
                    }
                    if let Some(g) = g_row.as_mut() {
                        for (j, &p) in z.iter().enumerate() {
                            let q = p / sum;
                            let inside = q > eps && q < one - eps;
                            let own = if inside { y(j) / q } else { F::zero() };
                            g[j] = (weighted_in - own) / sum / n;
                        }
                    }
                }
                (Loss::BinaryCrossentropy, true) => {
                    for (j, &v) in z.iter().enumerate() {
                        let t = y(j);
                        total += (v.max(F::zero()) - v * t + (-v.abs()).exp().ln_1p()) / per_output;
                        if let Some(g) = g_row.as_mut() {
                            g[j] = (sigmoid(v) - t) / per_output;
                        }
                    }
                }
                (Loss::BinaryCrossentropy, false) => {
                    for (j, &p) in z.iter().enumerate() {
                        let t = y(j);
                        let pc = p.max(eps).min(one - eps);
                        total -= (t * pc.ln() + (one - t) * (one - pc).ln()) / per_output;
                        if let Some(g) = g_row.as_mut() {
                            g[j] = if p > eps && p < one - eps {
                                ((one - t) / (one - pc) - t / pc) / per_output
                            } else {
                                F::zero()
                            };
                        }
                    }
                }
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Activation;
    use crate::gradcheck::check_loss;
    use ndarray::{Array2, array};

    fn logits() -> Array2<f64> {
        array![
            [0.3, -1.2, 2.0, 0.1],
            [-0.5, 0.4, 0.0, 1.5],
            [2.2, 0.0, -0.7, -0.1]
        ]
    }

    fn probabilities() -> Array2<f64> {
        let mut p = logits();
        Activation::Softmax.apply_inplace(p.view_mut());
        p
    }

    const LABELS: [u8; 3] = [2, 3, 0];

    #[test]
    fn every_loss_gradient_matches_finite_differences_from_probabilities() {
        let p = probabilities();
        let soft = array![
            [0.1, 0.2, 0.6, 0.1],
            [0.0, 0.0, 0.0, 1.0],
            [0.25, 0.25, 0.25, 0.25]
        ];
        for loss in Loss::ALL {
            check_loss(loss, &p, Targets::Classes(&LABELS), false)
                .unwrap_or_else(|e| panic!("{} (classes): {e}", loss.name()));
            check_loss(loss, &p, Targets::Values(soft.view()), false)
                .unwrap_or_else(|e| panic!("{} (values): {e}", loss.name()));
        }
    }

    #[test]
    fn fused_cross_entropy_gradients_match_finite_differences_from_logits() {
        let z = logits();
        for loss in [
            Loss::SparseCategoricalCrossentropy,
            Loss::CategoricalCrossentropy,
            Loss::BinaryCrossentropy,
        ] {
            check_loss(loss, &z, Targets::Classes(&LABELS), true)
                .unwrap_or_else(|e| panic!("{}: {e}", loss.name()));
        }
        let binary_targets = array![[1.0], [0.0], [1.0]];
        let binary_logits = array![[0.7], [-2.0], [3.1]];
        check_loss(
            Loss::BinaryCrossentropy,
            &binary_logits,
            Targets::Values(binary_targets.view()),
            true,
        )
        .unwrap();
    }

    #[test]
    fn fused_and_unfused_cross_entropy_agree_away_from_the_clip() {
        for loss in [
            Loss::SparseCategoricalCrossentropy,
            Loss::CategoricalCrossentropy,
        ] {
            let fused = loss.compute(logits().view(), Targets::Classes(&LABELS), true, None);
            let plain = loss.compute(
                probabilities().view(),
                Targets::Classes(&LABELS),
                false,
                None,
            );
            assert!((fused - plain).abs() < 1e-12, "{fused} vs {plain}");
        }
    }

    #[test]
    fn cross_entropy_of_uniform_logits_is_log_of_class_count() {
        let z = Array2::<f32>::zeros((2, 10));
        let l = Loss::SparseCategoricalCrossentropy.compute(
            z.view(),
            Targets::Classes(&[3, 9]),
            true,
            None,
        );
        assert!((l - 10f32.ln()).abs() < 1e-6);
    }

    #[test]
    fn cross_entropy_stays_finite_and_exact_at_logits_of_ten_thousand() {
        let z = array![[1e4f32, -1e4, 0.0], [-1e4, 1e4, 0.0]];
        let mut grad = Array2::zeros(z.raw_dim());
        // Sample 0 is right with certainty (loss 0); sample 1 is wrong by 2e4 in logit space.
        let l = Loss::SparseCategoricalCrossentropy.compute(
            z.view(),
            Targets::Classes(&[0, 0]),
            true,
            Some(grad.view_mut()),
        );
        assert!(l.is_finite() && grad.iter().all(|g| g.is_finite()));
        assert!((l - 1e4).abs() < 1.0, "loss {l}");
        assert_eq!(grad[[1, 0]], -0.5);
        assert_eq!(grad[[1, 1]], 0.5);

        let b = Loss::BinaryCrossentropy.compute(
            array![[1e4f32], [-1e4]].view(),
            Targets::Classes(&[0, 0]),
            true,
            Some(Array2::zeros((2, 1)).view_mut()),
        );
        assert!((b - 5e3).abs() < 1.0, "binary loss {b}");
    }

    #[test]
    fn probability_cross_entropy_is_clipped_like_keras() {
        // A zero probability for the true class costs −log(1e-7) = 16.118…, not infinity.
        let p = array![[0.0f64, 1.0]];
        let l = Loss::SparseCategoricalCrossentropy.compute(
            p.view(),
            Targets::Classes(&[0]),
            false,
            None,
        );
        assert!((l - (-(1e-7f64).ln())).abs() < 1e-9, "{l}");
    }

    #[test]
    fn mse_is_the_mean_over_outputs_and_batch() {
        let p = array![[1.0f64, 2.0], [3.0, 4.0]];
        let y = array![[0.0, 0.0], [0.0, 0.0]];
        assert_eq!(
            Loss::MeanSquaredError.compute(p.view(), Targets::Values(y.view()), false, None),
            7.5
        );
    }

    #[test]
    fn only_matching_heads_fuse() {
        assert!(Loss::SparseCategoricalCrossentropy.fuses_with(Activation::Softmax));
        assert!(Loss::BinaryCrossentropy.fuses_with(Activation::Sigmoid));
        assert!(!Loss::MeanSquaredError.fuses_with(Activation::Softmax));
        assert!(!Loss::BinaryCrossentropy.fuses_with(Activation::Softmax));
    }
}
