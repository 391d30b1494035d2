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
            Activation::Tanh => match z.as_slice_mut().and_then(|v| F::as_f32_mut(v)) {
                Some(values) => values.iter_mut().for_each(|v| *v = tanh_f32(*v)),
                None => z.mapv_inplace(F::tanh),
            },
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
            // A select rather than a conditional store, so that it vectorises.
            Activation::Relu => Zip::from(&mut grad).and(&output).for_each(|g, &a| {
                *g = if a <= F::zero() { F::zero() } else { *g };
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

/// `tanh x` in `f32` as a rational function (Eigen's `generic_fast_tanh_float`, the one
/// TensorFlow's CPU kernels use): odd polynomials of degree 13 over 6 in `x`, on `x` clamped to
/// ±7.905 (beyond, `tanh` rounds to ±1 in `f32`), `x` itself below 4·10⁻⁴. Within 5·10⁻⁷ of the
/// true value everywhere (tested below against `f64`; plain products and sums, as `mul_add`
/// is a library call where the target has no fused multiply-add), and several times faster than the
/// library's `tanhf`, which wasm has no instruction for: the 2-D playground's maps run tanh
/// on every neuron at 10 000 points per frame.
#[inline]
// The coefficients as Eigen publishes them; `f32` rounds them.
#[allow(clippy::excessive_precision)]
pub fn tanh_f32(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311;
    const A: [f32; 7] = [
        4.893_524_6e-3,
        6.372_619_3e-4,
        1.485_722_4e-5,
        5.122_297e-8,
        -8.604_671_5e-11,
        2.000_187_9e-13,
        -2.760_768_5e-16,
    ];
    const B: [f32; 4] = [4.893_525e-3, 2.268_434_6e-3, 1.185_347_1e-4, 1.198_258_4e-6];
    if x.abs() < 4e-4 {
        return x;
    }
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let p = A[6] * x2 + A[5];
    let p = p * x2 + A[4];
    let p = p * x2 + A[3];
    let p = p * x2 + A[2];
    let p = p * x2 + A[1];
    let p = (p * x2 + A[0]) * x;
    let q = B[3] * x2 + B[2];
    let q = q * x2 + B[1];
    let q = q * x2 + B[0];
    p / q
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

    #[test]
    fn the_f32_tanh_is_within_a_few_ulps_of_the_true_value_everywhere() {
        let mut worst = 0.0f64;
        let mut x = -12.0f32;
        while x <= 12.0 {
            let err = (f64::from(tanh_f32(x)) - f64::from(x).tanh()).abs();
            worst = worst.max(err);
            x += 1.0e-4;
        }
        assert!(worst < 5e-7, "{worst}");
        assert_eq!(tanh_f32(0.0), 0.0);
        assert!((tanh_f32(f32::INFINITY) - 1.0).abs() < 5e-7);
        assert!((tanh_f32(-1e30) + 1.0).abs() < 5e-7);
        assert!(tanh_f32(f32::NAN).is_nan());
        // Odd, and never past ±1.
        for x in [1e-5f32, 0.3, 2.0, 7.0, 9.0] {
            assert_eq!(tanh_f32(-x), -tanh_f32(x));
            assert!(tanh_f32(x).abs() <= 1.0);
        }
    }
}
