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
    let (g, m, v) = (&g[..n], &mut m[..n], &mut v[..n]);
    for i in 0..n {
        let gi = g[i];
        let mi = madd::<F, FMA>(gi - m[i], step.one_minus_beta_1, m[i]);
        let vi = madd::<F, FMA>(gi * gi - v[i], step.one_minus_beta_2, v[i]);
        m[i] = mi;
        v[i] = vi;
        w[i] -= step.alpha * mi / (vi.sqrt() + step.epsilon);
    }
}

dispatch! {
    /// One Adam update of `w` from its gradient `g` and moments `m`, `v`:
    /// `m ← m + (g − m)(1 − β₁)`, `v ← v + (g² − v)(1 − β₂)`, `w ← w − α·m / (√v + ε)`.
    ///
    /// # Panics
    /// If the slices differ in length.
    pub fn adam_update<F: Scalar>(step: AdamStep<F>, w: &mut [F], g: &[F], m: &mut [F], v: &mut [F]) => adam_body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adam_kernel_matches_the_scalar_formula() {
        let step = AdamStep {
            alpha: 0.01f32,
            one_minus_beta_1: 0.1,
            one_minus_beta_2: 0.001,
            epsilon: 1e-7,
        };
        let n = 1003;
        let g: Vec<f32> = (0..n)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0)
            .collect();
        let mut w: Vec<f32> = (0..n).map(|i| (i as f32 * 0.01).sin()).collect();
        let mut m: Vec<f32> = (0..n).map(|i| (i as f32 * 0.02).cos() * 0.1).collect();
        let mut v: Vec<f32> = (0..n).map(|i| (i % 7 + 1) as f32 * 0.01).collect();
        let (w0, m0, v0) = (w.clone(), m.clone(), v.clone());
        adam_update(step, &mut w, &g, &mut m, &mut v);
        for i in 0..n {
            let (g, m0, v0) = (f64::from(g[i]), f64::from(m0[i]), f64::from(v0[i]));
            let m1 = m0 + (g - m0) * 0.1;
            let v1 = v0 + (g * g - v0) * 0.001;
            let w1 = f64::from(w0[i]) - 0.01 * m1 / (v1.sqrt() + 1e-7);
            assert!((f64::from(m[i]) - m1).abs() < 1e-6, "m[{i}]");
            assert!((f64::from(v[i]) - v1).abs() < 1e-6, "v[{i}]");
            assert!(
                (f64::from(w[i]) - w1).abs() < 1e-5,
                "w[{i}]: {} vs {w1}",
                w[i]
            );
        }
    }
}
