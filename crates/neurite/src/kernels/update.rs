//! Element-wise optimizer updates over flat parameter slices.

use super::{dispatch, madd};
use crate::Scalar;

/// Adam's step sizes for one update (see [`crate::optimizer`]): `alpha` is the bias-corrected
/// learning rate, `one_minus_beta_1` and `one_minus_beta_2` the moment rates.
#[derive(Debug, Clone, Copy)]
pub struct AdamStep<F> {
    /// `η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)`.
    pub alpha: F,
    /// `1 − β₁`.
    pub one_minus_beta_1: F,
    /// `1 − β₂`.
    pub one_minus_beta_2: F,
    /// `ε`.
    pub epsilon: F,
}

#[inline(always)]
fn adam_body<F: Scalar, const FMA: bool>(
    step: AdamStep<F>,
    w: &mut [F],
    g: &[F],
    m: &mut [F],
    v: &mut [F],
) {
    let n = w.len();
    assert!(
        g.len() == n && m.len() == n && v.len() == n,
        "adam: slice lengths differ"
    );
    let done = adam_simd_quads(step, &mut *w, g, &mut *m, &mut *v);
    let (g, m, v) = (&g[..n], &mut m[..n], &mut v[..n]);
    for i in done..n {
        let gi = g[i];
        let mi = flush_subnormal(madd::<F, FMA>(gi - m[i], step.one_minus_beta_1, m[i]));
        let vi = flush_subnormal(madd::<F, FMA>(gi * gi - v[i], step.one_minus_beta_2, v[i]));
        m[i] = mi;
        v[i] = vi;
        w[i] -= step.alpha * mi / (vi.sqrt() + step.epsilon);
    }
}

/// `x`, or zero when it is subnormal (below the smallest normal magnitude). A weight whose
/// input is rarely non-zero sees its first moment decay by `β₁` each step into subnormal
/// numbers, which x86 CPUs (and wasm on them, which has no flush-to-zero mode) compute tens of
/// times slower; TensorFlow runs its CPU kernels with flush-to-zero set for the same reason.
/// The change to a moment is below `1.2·10⁻³⁸` (`f32`).
#[inline(always)]
fn flush_subnormal<F: Scalar>(x: F) -> F {
    if x.abs() < F::min_positive_value() {
        F::zero()
    } else {
        x
    }
}

/// Updates the leading whole quads with the explicit SIMD128 body where it exists (wasm,
/// `f32`) and returns how many elements it did; 0 elsewhere. The scalar loop does the rest.
#[inline(always)]
fn adam_simd_quads<F: Scalar>(
    step: AdamStep<F>,
    w: &mut [F],
    g: &[F],
    m: &mut [F],
    v: &mut [F],
) -> usize {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if super::vector_paths_allowed()
        && let (Some(w), Some(g), Some(m), Some(v)) = (
            F::as_f32_mut(w),
            F::as_f32(g),
            F::as_f32_mut(m),
            F::as_f32_mut(v),
        )
    {
        // `F` is `f32` here: the conversions are exact.
        let step = AdamStep {
            alpha: step.alpha.to_f64_lossless() as f32,
            one_minus_beta_1: step.one_minus_beta_1.to_f64_lossless() as f32,
            one_minus_beta_2: step.one_minus_beta_2.to_f64_lossless() as f32,
            epsilon: step.epsilon.to_f64_lossless() as f32,
        };
        return super::simd128::adam_update_quads(step, w, g, m, v);
    }
    let _ = (step, w, g, m, v);
    0
}

dispatch! {
    /// One Adam update of `w` from its gradient `g` and moments `m`, `v`:
    /// `m ← m + (g − m)(1 − β₁)`, `v ← v + (g² − v)(1 − β₂)`, `w ← w − α·m / (√v + ε)`;
    /// subnormal moments are flushed to zero.
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn adam_update<F: Scalar>(step: AdamStep<F>, w: &mut [F], g: &[F], m: &mut [F], v: &mut [F]) => adam_body
}
