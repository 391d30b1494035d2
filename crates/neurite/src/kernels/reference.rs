//! Naive references for the kernels, and the checks that hold each kernel to them.
//!
//! The native tests run these checks on the portable and AVX2 bodies; the web crate's browser
//! tests run the very same checks in Chromium on the SIMD128 and relaxed-SIMD bodies, so every
//! instruction set faces one definition of "correct". Each check returns the first mismatch as
//! a readable message.

use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::all_finite;
use super::sparse::{SparseRows, sparse_matmul, sparse_t_matmul};
use super::update::{AdamStep, adam_update};

/// Shapes `(batch, inputs, units, density)` the sparse products are checked on: MNIST's first
/// layer, a ten-class output, and widths that leave every kind of tail (32-column blocks,
/// four-column quads, single columns; rows shorter than a 16-value scan).
pub const SPARSE_SHAPES: [(usize, usize, usize, f64); 7] = [
    (32, 784, 128, 0.19),
    (32, 784, 10, 0.19),
    (5, 37, 39, 0.2),
    (3, 17, 3, 0.25),
    (2, 64, 1, 0.2),
    (4, 10, 7, 0.2),
    (7, 33, 9, 0.0),
];

/// The textbook triple loop, accumulated in `f64`.
pub fn matmul(a: ArrayView2<'_, f32>, b: ArrayView2<'_, f32>) -> Array2<f64> {
    Array2::from_shape_fn((a.nrows(), b.ncols()), |(i, k)| {
        (0..a.ncols())
            .map(|j| f64::from(a[[i, j]]) * f64::from(b[[j, k]]))
            .sum()
    })
}

/// A `[rows, cols]` matrix whose entries are non-zero (uniform in `(0, 1)`) with probability
/// `density`, like image pixels.
pub fn sparse_input(rows: usize, cols: usize, density: f64, seed: u64) -> Array2<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((rows, cols), || {
        if rng.random::<f64>() < density {
            rng.random_range(f32::EPSILON..1.0)
        } else {
            0.0
        }
    })
}

/// A `[rows, cols]` matrix uniform in `[−1, 1)`.
pub fn dense(rows: usize, cols: usize, seed: u64) -> Array2<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-1.0..1.0))
}

fn compare(actual: &Array2<f32>, expected: &Array2<f64>, what: &str) -> Result<(), String> {
    if actual.dim() != expected.dim() {
        return Err(format!(
            "{what}: shape {:?}, expected {:?}",
            actual.dim(),
            expected.dim()
        ));
    }
    for ((index, &a), &e) in actual.indexed_iter().zip(expected) {
        if (f64::from(a) - e).abs() >= 1e-4 * (1.0 + e.abs()) {
            return Err(format!("{what} at {index:?}: {a}, expected {e}"));
        }
    }
    Ok(())
}

/// Checks [`sparse_matmul`] and [`sparse_t_matmul`] on every shape of [`SPARSE_SHAPES`]
/// against [`matmul`].
///
/// # Errors
/// The first wrong entry.
pub fn check_sparse_products() -> Result<(), String> {
    for (n, &(batch, inputs, units, density)) in SPARSE_SHAPES.iter().enumerate() {
        let seed = 3 * n as u64;
        let x = sparse_input(batch, inputs, density, seed);
        let w = dense(inputs, units, seed + 1);
        let dz = dense(batch, units, seed + 2);
        let mut rows = SparseRows::new();
        if !rows.compress(x.view()) {
            return Err(format!(
                "{batch}×{inputs} at density {density} not compressed"
            ));
        }
        let shape = format!("{batch}×{inputs}×{units}");

        // Outputs start as NaN: a kernel that skips an entry shows.
        let mut out = Array2::from_elem((batch, units), f32::NAN);
        sparse_matmul(&rows, w.view(), out.view_mut());
        compare(&out, &matmul(x.view(), w.view()), &format!("X·W, {shape}"))?;

        let mut grad = Array2::from_elem((inputs, units), f32::NAN);
        sparse_t_matmul(&rows, dz.view(), grad.view_mut());
        compare(&grad, &matmul(x.t(), dz.view()), &format!("Xᵀ·∂Z, {shape}"))?;
    }
    Ok(())
}

/// Checks that compression keeps NaN and ±∞ as entries, so they reach the products.
///
/// # Errors
/// If a non-finite input does not propagate.
pub fn check_non_finite_inputs_propagate() -> Result<(), String> {
    let mut x = Array2::zeros((2, 40));
    x[[0, 3]] = f32::NAN;
    x[[1, 39]] = f32::INFINITY;
    let mut rows = SparseRows::new();
    if !rows.compress(x.view()) {
        return Err("two entries in 80 not compressed".into());
    }
    let w = Array2::from_elem((40, 4), 1.0f32);
    let mut out = Array2::zeros((2, 4));
    sparse_matmul(&rows, w.view(), out.view_mut());
    if out.row(0).iter().all(|v| v.is_nan()) && out.row(1).iter().all(|v| *v == f32::INFINITY) {
        Ok(())
    } else {
        Err(format!("X·W with NaN and ∞ inputs gave {out}"))
    }
}

/// Checks [`adam_update`] on `n` parameters against Adam's formula evaluated in `f64`:
/// `m₁ = m₀ + (g − m₀)(1 − β₁)`, `v₁ = v₀ + (g² − v₀)(1 − β₂)`, `w₁ = w₀ − α·m₁ / (√v₁ + ε)`.
///
/// # Errors
/// The first parameter or moment that differs.
pub fn check_adam(n: usize) -> Result<(), String> {
    let step = AdamStep {
        alpha: 0.01f32,
        one_minus_beta_1: 0.1,
        one_minus_beta_2: 0.001,
        epsilon: 1e-7,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    let g: Vec<f32> = (0..n).map(|_| rng.random_range(-2.0..2.0)).collect();
    let mut w: Vec<f32> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let mut m: Vec<f32> = (0..n).map(|_| rng.random_range(-0.1..0.1)).collect();
    let mut v: Vec<f32> = (0..n).map(|_| rng.random_range(0.0..0.07)).collect();
    let (w0, m0, v0) = (w.clone(), m.clone(), v.clone());
    adam_update(step, &mut w, &g, &mut m, &mut v);
    for i in 0..n {
        let (g, m0, v0) = (f64::from(g[i]), f64::from(m0[i]), f64::from(v0[i]));
        let m1 = m0 + (g - m0) * 0.1;
        let v1 = v0 + (g * g - v0) * 0.001;
        let w1 = f64::from(w0[i]) - 0.01 * m1 / (v1.sqrt() + 1e-7);
        for (name, actual, expected, tolerance) in [
            ("m", m[i], m1, 1e-6),
            ("v", v[i], v1, 1e-6),
            ("w", w[i], w1, 1e-5),
        ] {
            if (f64::from(actual) - expected).abs() >= tolerance {
                return Err(format!("{name}[{i}] of {n}: {actual}, expected {expected}"));
            }
        }
    }
    Ok(())
}

/// Checks that [`all_finite`] finds one NaN or ±∞ at any position: in each vector lane and in
/// the scalar tail.
///
/// # Errors
/// The value and position it missed.
pub fn check_all_finite() -> Result<(), String> {
    let mut values = vec![1e30f32; 37];
    if !all_finite(&values) {
        return Err("finite values reported as non-finite".into());
    }
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        for i in [0, 5, 8, 15, 16, 31, 32, 35, 36] {
            let keep = values[i];
            values[i] = bad;
            if all_finite(&values) {
                return Err(format!("{bad} at {i} of {} missed", values.len()));
            }
            values[i] = keep;
        }
    }
    if all_finite::<f32>(&[]) {
        Ok(())
    } else {
        Err("an empty slice reported as non-finite".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_products_match_the_naive_reference() {
        check_sparse_products().unwrap();
    }

    #[test]
    fn non_finite_inputs_propagate_through_the_sparse_products() {
        check_non_finite_inputs_propagate().unwrap();
    }

    #[test]
    fn adam_kernel_matches_the_formula_in_f64_with_and_without_a_tail() {
        for n in [1003, 1024, 3] {
            check_adam(n).unwrap();
        }
    }

    #[test]
    fn the_finiteness_check_finds_a_single_bad_value_anywhere() {
        check_all_finite().unwrap();
    }
}
