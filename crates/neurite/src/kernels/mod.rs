//! Hand-written kernels for the training step's hot loops, each with a portable body and, on
//! x86-64, the same body compiled for AVX2 + FMA and picked at run time, so a default build is
//! fast on any x86-64. On wasm32 the portable body is auto-vectorised to SIMD128 when the
//! build enables `+simd128`.
//!
//! - [`sparse`]: the first layer's two big products skip zero inputs (MNIST pixels are about
//!   81 % zeros): `X·W` and `Xᵀ·∂Z` become sums of rows of `W` and `∂Z` scaled by the non-zero
//!   pixels, each an `axpy` over a contiguous row.
//! - [`update`]: Adam's element-wise update in one vectorisable loop.
//! - [`all_finite`]: whether a slice holds only finite numbers, with independent accumulators.
//!
//! Every kernel is checked against a naive reference in its tests.

pub mod sparse;
pub mod update;

use crate::Scalar;

/// Generates `pub fn $name` that runs `$body::<F, true>` (fused multiply-add) under AVX2 + FMA
/// when the CPU has them, else `$body::<F, false>`.
macro_rules! dispatch {
    ($(#[$meta:meta])* pub fn $name:ident<F: Scalar>($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? => $body:ident) => {
        $(#[$meta])*
        pub fn $name<F: $crate::Scalar>($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                fn accelerated<F: $crate::Scalar>($($arg: $ty),*) $(-> $ret)? {
                    $body::<F, true>($($arg),*)
                }
                if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                    // SAFETY: the CPU was just found to support AVX2 and FMA.
                    return unsafe { accelerated::<F>($($arg),*) };
                }
            }
            $body::<F, false>($($arg),*)
        }
    };
}
pub(crate) use dispatch;

/// `a·x + y`, fused into one rounding when `FMA` (only where the CPU has FMA: elsewhere
/// `mul_add` is a slow software call).
#[inline(always)]
pub(crate) fn madd<F: Scalar, const FMA: bool>(a: F, x: F, y: F) -> F {
    if FMA { a.mul_add(x, y) } else { a * x + y }
}

#[inline(always)]
fn all_finite_body<F: Scalar, const FMA: bool>(values: &[F]) -> bool {
    // Eight independent sums let the loop vectorise; any NaN or ±∞ makes its lane non-finite
    // (and an overflowing sum of finite numbers, which is just as unusable, is caught too).
    let mut lanes = [F::zero(); 8];
    let mut chunks = values.chunks_exact(8);
    for chunk in &mut chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += v * F::zero();
        }
    }
    let tail = chunks
        .remainder()
        .iter()
        .fold(F::zero(), |acc, &v| acc + v * F::zero());
    lanes.iter().fold(tail, |acc, &l| acc + l).is_finite()
}

dispatch! {
    /// Whether every value is finite (`0·v` is 0 for finite `v` and NaN for NaN or ±∞, so the
    /// sum of those products is finite exactly when every value is).
    pub fn all_finite<F: Scalar>(values: &[F]) -> bool => all_finite_body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_finite_finds_a_single_bad_value_anywhere() {
        let mut values = vec![1e30f32; 37];
        assert!(all_finite(&values));
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for i in [0, 8, 35, 36] {
                let keep = values[i];
                values[i] = bad;
                assert!(!all_finite(&values), "{bad} at {i}");
                values[i] = keep;
            }
        }
        assert!(all_finite::<f64>(&[]));
    }
}
