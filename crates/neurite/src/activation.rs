//! Element-wise activation functions and their derivatives.
//!
//! Each derivative is written in terms of the activation's *output* `a = f(z)`, so a layer only
//! keeps its output for the backward pass. That holds for every function here: `relu`,
//! `leaky_relu` (its slope is positive, so `a > 0 ⇔ z > 0`), `sigmoid` (`a(1 − a)`), `tanh`
//! (`1 − a²`), `linear` and `softmax`, whose Jacobian-vector product is
//! `∂L/∂z = a ⊙ (g − Σⱼ gⱼ aⱼ)` for the upstream gradient `g`.

use ndarray::{ArrayView2, ArrayViewMut2, Axis, Zip};
use serde::{Deserialize, Serialize};

use crate::Scalar;

/// Negative slope of `leaky_relu`, as in Keras 3 (`keras.activations.leaky_relu`).
pub const LEAKY_RELU_SLOPE: f64 = 0.2;

/// An activation function `a = f(z)`, applied per element (`softmax` per row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `f(z) = z`.
    #[default]
    Linear,
    /// `f(z) = max(z, 0)`.
    Relu,
    /// `f(z) = z` for `z > 0`, else `0.2·z`.
    LeakyRelu,
    /// `f(z) = 1 / (1 + e^(−z))`.
    Sigmoid,
    /// `f(z) = tanh z`.
    Tanh,
    /// `f(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)` over each row.
    Softmax,
}

impl Activation {
    /// Every activation, in the order a menu lists them.
    pub const ALL: [Activation; 6] = [
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Softmax,
        Activation::Linear,
    ];

    /// The Keras name of the function (`relu`, `softmax`, …).
    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Softmax => "softmax",
        }
    }

    /// Replaces every row of `z` by `f(z)`, in place.
    pub fn apply_inplace<F: Scalar>(self, mut z: ArrayViewMut2<'_, F>) {
        match self {
            Activation::Linear => {}
            Activation::Relu => z.mapv_inplace(|v| if v > F::zero() { v } else { F::zero() }),
            Activation::LeakyRelu => {
                let slope = F::lit(LEAKY_RELU_SLOPE);
                z.mapv_inplace(|v| if v > F::zero() { v } else { slope * v })
            }
            Activation::Sigmoid => z.mapv_inplace(sigmoid),
            Activation::Tanh => z.mapv_inplace(F::tanh),
            Activation::Softmax => {
                for row in z.axis_iter_mut(Axis(0)) {
                    softmax_row_inplace(row);
                }
            }
        }
    }

    /// Turns `grad` from `∂L/∂a` into `∂L/∂z`, in place, given the activation's output `a`.
    ///
    /// # Panics
    /// If `output` and `grad` differ in shape.
    #[track_caller]
    pub fn backward_inplace<F: Scalar>(
        self,
        output: ArrayView2<'_, F>,
        mut grad: ArrayViewMut2<'_, F>,
    ) {
        assert_eq!(
            output.shape(),
            grad.shape(),
            "activation backward: shape mismatch"
        );
        let one = F::one();
        match self {
            Activation::Linear => {}
            Activation::Relu => Zip::from(&mut grad).and(&output).for_each(|g, &a| {
                if a <= F::zero() {
                    *g = F::zero();
                }
            }),
            Activation::LeakyRelu => {
                let slope = F::lit(LEAKY_RELU_SLOPE);
                Zip::from(&mut grad).and(&output).for_each(|g, &a| {
                    if a <= F::zero() {
                        *g *= slope;
                    }
                })
            }
            Activation::Sigmoid => Zip::from(&mut grad)
                .and(&output)
                .for_each(|g, &a| *g *= a * (one - a)),
            Activation::Tanh => Zip::from(&mut grad)
                .and(&output)
                .for_each(|g, &a| *g *= one - a * a),
            Activation::Softmax => {
                Zip::from(grad.rows_mut())
                    .and(output.rows())
                    .for_each(|mut g, a| {
                        let dot: F = g.iter().zip(a.iter()).map(|(&gi, &ai)| gi * ai).sum();
                        Zip::from(&mut g)
                            .and(&a)
                            .for_each(|gi, &ai| *gi = ai * (*gi - dot));
                    })
            }
        }
    }
}

/// The logistic function, written so that neither branch overflows.
#[inline]
pub fn sigmoid<F: Scalar>(z: F) -> F {
    if z >= F::zero() {
        F::one() / (F::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (F::one() + e)
    }
}

/// Softmax of one row, in place, shifted by the row's maximum so no exponent overflows.
pub fn softmax_row_inplace<F: Scalar>(mut row: ndarray::ArrayViewMut1<'_, F>) {
    let max = row.iter().copied().fold(F::neg_infinity(), F::max);
    let mut sum = F::zero();
    row.mapv_inplace(|v| {
        let e = (v - max).exp();
        sum += e;
        e
    });
    row.mapv_inplace(|e| e / sum);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_activation;
    use ndarray::array;

    #[test]
    fn every_activation_passes_the_finite_difference_check() {
        for activation in Activation::ALL {
            check_activation(activation).unwrap_or_else(|e| panic!("{}: {e}", activation.name()));
        }
    }

    #[test]
    fn softmax_rows_sum_to_one_and_stay_finite_at_huge_logits() {
        let mut z = array![[1e4f32, -1e4, 0.0], [3.0, 3.0, 3.0]];
        Activation::Softmax.apply_inplace(z.view_mut());
        assert!(z.iter().all(|v| v.is_finite()));
        assert_eq!(z[[0, 0]], 1.0);
        for row in z.rows() {
            assert!((row.sum() - 1.0).abs() < 1e-6);
        }
    }

    #[test]
    fn sigmoid_is_finite_and_saturates_at_both_ends() {
        assert_eq!(sigmoid(1e4f32), 1.0);
        assert_eq!(sigmoid(-1e4f32), 0.0);
        assert!((sigmoid(0.0f64) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn activation_names_round_trip_through_serde() {
        for activation in Activation::ALL {
            let json = serde_json::to_string(&activation).unwrap();
            assert_eq!(json, format!("\"{}\"", activation.name()));
            assert_eq!(
                serde_json::from_str::<Activation>(&json).unwrap(),
                activation
            );
        }
    }
}
