//! Naive references for the kernels, and the checks that hold each kernel to them.
//!
//! The native tests run every check twice: on the bodies this CPU dispatches to (AVX2 + FMA on
//! most x86-64) and, inside [`super::on_portable_bodies`], on the portable ones, so those run
//! on every machine; they also compare the two on random inputs of every length up to a few
//! vector widths. The web crate's browser tests run the very same checks in Chromium on the
//! SIMD128 and relaxed-SIMD bodies, so every instruction set faces one definition of
//! "correct". Each check returns the first mismatch as a readable message.

use ndarray::{Array2, ArrayView2, s};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::all_finite;
use super::gemm;
use super::sparse::{MAX_DENSITY, SparseRows, sparse_matmul, sparse_t_matmul};
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
    check_sparse_products_on(&SPARSE_SHAPES)
}

/// `count` shapes `(batch, inputs, units, density)` drawn from `seed`: up to 9 rows, and up to
/// 70 inputs and units, so rows end in every length of partial 16-value scan and 32-column
/// block, at densities up to 0.3.
pub fn random_sparse_shapes(count: usize, seed: u64) -> Vec<(usize, usize, usize, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            (
                rng.random_range(1..=9),
                rng.random_range(1..=70),
                rng.random_range(1..=70),
                rng.random_range(0.0..0.3),
            )
        })
        .collect()
}

/// Whether [`SparseRows`] may refuse `x` (`rows × cols`) as too dense: its non-zeros exceed
/// [`MAX_DENSITY`] of all entries, or of its first row's.
fn too_dense_to_compress(x: ArrayView2<'_, f32>) -> bool {
    let (rows, cols) = x.dim();
    let nonzeros = |row: ArrayView2<'_, f32>| row.iter().filter(|&&v| v != 0.0).count();
    nonzeros(x) > (rows as f64 * cols as f64 * MAX_DENSITY) as usize
        || nonzeros(x.slice(s![..1, ..])) > (cols as f64 * MAX_DENSITY) as usize
}

/// Checks [`sparse_matmul`] and [`sparse_t_matmul`] on each of `shapes` against [`matmul`]. An
/// input the compression refuses must be too dense for it.
///
/// # Errors
/// The first wrong entry, or a sparse input left uncompressed.
pub fn check_sparse_products_on(shapes: &[(usize, usize, usize, f64)]) -> Result<(), String> {
    for (n, &(batch, inputs, units, density)) in shapes.iter().enumerate() {
        let seed = 3 * n as u64;
        let x = sparse_input(batch, inputs, density, seed);
        let w = dense(inputs, units, seed + 1);
        let dz = dense(batch, units, seed + 2);
        let mut rows = SparseRows::new();
        if !rows.compress(x.view()) {
            if too_dense_to_compress(x.view()) {
                continue;
            }
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

/// Checks batches of `u8` pixels compressed with [`SparseRows::compress_pixels`] (each pixel
/// times 1/255) against [`matmul`] of the scaled batch, on each of `shapes`.
///
/// # Errors
/// The first wrong entry, or a sparse batch left uncompressed.
pub fn check_pixel_products_on(shapes: &[(usize, usize, usize, f64)]) -> Result<(), String> {
    let factor = 1.0f32 / 255.0;
    for (n, &(batch, inputs, units, density)) in shapes.iter().enumerate() {
        let seed = 5 * n as u64;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let pixels: Vec<u8> = (0..batch * inputs)
            .map(|_| {
                if rng.random::<f64>() < density {
                    rng.random_range(1..=255)
                } else {
                    0
                }
            })
            .collect();
        let x = Array2::from_shape_fn((batch, inputs), |(i, j)| {
            f32::from(pixels[i * inputs + j]) * factor
        });
        let w = dense(inputs, units, seed + 1);
        let mut rows = SparseRows::new();
        if !rows.compress_pixels(pixels.chunks_exact(inputs), inputs, factor) {
            if too_dense_to_compress(x.view()) {
                continue;
            }
            return Err(format!(
                "{batch}×{inputs} pixels at density {density} not compressed"
            ));
        }
        let mut out = Array2::from_elem((batch, units), f32::NAN);
        sparse_matmul(&rows, w.view(), out.view_mut());
        compare(
            &out,
            &matmul(x.view(), w.view()),
            &format!("pixels·W, {batch}×{inputs}×{units}"),
        )?;
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

/// Checks that [`adam_update`] flushes moments that decay into subnormal numbers to zero, in
/// each vector lane and in the scalar tail, and keeps normal ones as the formula gives them:
/// with `g = 0`, `m₁ = 0.9·m₀` and `v₁ = 0.999·v₀`.
///
/// # Errors
/// The first moment flushed or kept wrongly.
pub fn check_adam_flushes_subnormal_moments() -> Result<(), String> {
    let step = AdamStep {
        alpha: 0.001f32,
        one_minus_beta_1: 0.1,
        one_minus_beta_2: 0.001,
        epsilon: 1e-7,
    };
    let tiny = f32::MIN_POSITIVE;
    // Already subnormal, just above the smallest normal (0.9× is subnormal), well above it
    // (0.9× is normal), and their negatives.
    let starts = [
        tiny / 4.0,
        tiny * 1.05,
        tiny * 2.0,
        -tiny / 3.0,
        -tiny * 1.05,
        -tiny * 2.0,
    ];
    for n in 1..=13 {
        for (k, &start) in starts.iter().enumerate() {
            let mut w = vec![0.5f32; n];
            let g = vec![0.0f32; n];
            let mut m: Vec<f32> = (0..n).map(|i| starts[(i + k) % starts.len()]).collect();
            let mut v: Vec<f32> = (0..n)
                .map(|i| starts[(i + k + 1) % starts.len()].abs())
                .collect();
            let (m0, v0) = (m.clone(), v.clone());
            adam_update(step, &mut w, &g, &mut m, &mut v);
            for i in 0..n {
                for (name, before, after, keep) in
                    [("m", m0[i], m[i], 0.9), ("v", v0[i], v[i], 0.999)]
                {
                    let exact = f64::from(before) * keep;
                    let expected = if exact.abs() < f64::from(tiny) {
                        0.0
                    } else {
                        exact
                    };
                    if (f64::from(after) - expected).abs() > 1e-6 * exact.abs() {
                        return Err(format!(
                            "{name}[{i}] of {n} from {before:e} (start {start:e}): {after:e}, expected {expected:e}"
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Checks [`gemm::matmul`] on an `m × k` by `k × n` product against the naive sum in `f64`, writing
/// and accumulating: every tile width, the row and column remainders, and `k` of 1.
///
/// # Errors
/// The first entry that differs.
pub fn check_matmul(m: usize, k: usize, n: usize) -> Result<(), String> {
    let seed = (m * 1000 + k * 10 + n) as u64;
    let a = dense(m, k, seed);
    let b = dense(k, n, seed + 1);
    let before = dense(m, n, seed + 2);
    for accumulate in [false, true] {
        let mut c = before.clone();
        gemm::matmul(a.view(), b.view(), c.view_mut(), accumulate);
        for i in 0..m {
            for j in 0..n {
                let sum: f64 = (0..k)
                    .map(|p| f64::from(a[[i, p]]) * f64::from(b[[p, j]]))
                    .sum();
                let expected = sum
                    + if accumulate {
                        f64::from(before[[i, j]])
                    } else {
                        0.0
                    };
                let got = f64::from(c[[i, j]]);
                if (got - expected).abs() > 1e-5 * (1.0 + k as f64) {
                    return Err(format!(
                        "{m}×{k}·{k}×{n} (accumulate {accumulate}) at [{i}, {j}]: {got}, expected {expected}"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Checks [`gemm::matmul_transposed_a`]: `aᵀ·b` for `a` stored `m × k`, against the naive
/// sum in `f64`.
///
/// # Errors
/// The first entry that differs.
pub fn check_matmul_transposed_a(m: usize, k: usize, n: usize) -> Result<(), String> {
    let seed = (m * 1000 + k * 10 + n) as u64;
    let (a, b) = (dense(m, k, seed), dense(m, n, seed + 1));
    let mut c = dense(k, n, seed + 2);
    gemm::matmul_transposed_a(a.view(), b.view(), c.view_mut());
    for p in 0..k {
        for j in 0..n {
            let expected: f64 = (0..m)
                .map(|i| f64::from(a[[i, p]]) * f64::from(b[[i, j]]))
                .sum();
            let got = f64::from(c[[p, j]]);
            if (got - expected).abs() > 1e-5 * (1.0 + m as f64) {
                return Err(format!(
                    "({m}×{k})ᵀ·{m}×{n} at [{p}, {j}]: {got}, expected {expected}"
                ));
            }
        }
    }
    Ok(())
}

/// [`check_matmul`] on the shapes the convolutions use and on every remainder of the tiles.
///
/// # Errors
/// The first entry that differs.
pub fn check_matmul_shapes() -> Result<(), String> {
    for (m, k, n) in [
        (1, 1, 1),
        (3, 5, 7),
        (4, 9, 8),
        (9, 9, 32),
        (13, 288, 64),
        (8, 64, 288),
        (6, 3, 13),
        (5, 17, 12),
    ] {
        check_matmul(m, k, n)?;
        check_matmul_transposed_a(m, k, n)?;
    }
    // More rows than one pass of the SIMD128 body takes.
    check_matmul_transposed_a(300, 9, 16)?;
    Ok(())
}

/// Checks that [`all_finite`] finds one NaN or ±∞ at any position: in each vector lane and in
/// the scalar tail.
///
/// # Errors
/// The value and position it missed.
pub fn check_all_finite() -> Result<(), String> {
    check_all_finite_up_to(37)?;
    if all_finite::<f32>(&[]) {
        Ok(())
    } else {
        Err("an empty slice reported as non-finite".into())
    }
}

/// Checks [`all_finite`] on slices of every length up to `max_len`: finite values (up to
/// 1e30, whose sums overflow no lane) pass, and one NaN or ±∞ at any position is found.
///
/// # Errors
/// The value, position and length it got wrong.
pub fn check_all_finite_up_to(max_len: usize) -> Result<(), String> {
    let mut rng = ChaCha8Rng::seed_from_u64(max_len as u64);
    for len in 1..=max_len {
        let mut values: Vec<f32> = (0..len).map(|_| rng.random_range(-1e30..1e30)).collect();
        if !all_finite(&values) {
            return Err(format!("{len} finite values reported as non-finite"));
        }
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for i in 0..len {
                let keep = values[i];
                values[i] = bad;
                if all_finite(&values) {
                    return Err(format!("{bad} at {i} of {len} missed"));
                }
                values[i] = keep;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::{KernelSet, active, on_portable_bodies};

    /// Runs `check` on the bodies this CPU dispatches to, then on the portable ones.
    fn on_both_bodies(check: impl Fn() -> Result<(), String>) {
        if let Err(e) = check() {
            panic!("{} bodies: {e}", active().label());
        }
        if let Err(e) = on_portable_bodies(&check) {
            panic!("portable bodies: {e}");
        }
    }

    /// `x·w` through the sparse product, on whichever bodies the thread runs.
    fn sparse_product(x: &Array2<f32>, w: &Array2<f32>) -> Array2<f32> {
        let mut rows = SparseRows::new();
        assert!(rows.compress(x.view()), "the input is sparse");
        let mut out = Array2::from_elem((x.nrows(), w.ncols()), f32::NAN);
        sparse_matmul(&rows, w.view(), out.view_mut());
        out
    }

    #[test]
    fn inside_on_portable_bodies_the_portable_bodies_run() {
        let dispatched = active();
        assert_eq!(on_portable_bodies(active), KernelSet::Portable);
        assert_eq!(active(), dispatched, "the thread's kernels are restored");
        // Fused and unfused multiply-adds round differently: on a CPU with AVX2 + FMA, a
        // product computed inside differs in some bit from the one outside.
        if dispatched == KernelSet::Avx2Fma {
            let (x, w) = (sparse_input(32, 784, 0.19, 1), dense(784, 128, 2));
            let fused = sparse_product(&x, &w);
            let portable = on_portable_bodies(|| sparse_product(&x, &w));
            assert_ne!(fused, portable);
        }
    }

    #[test]
    fn sparse_products_match_the_naive_reference() {
        on_both_bodies(check_sparse_products);
    }

    #[test]
    fn sparse_products_match_the_naive_reference_at_every_tail_length() {
        let shapes = random_sparse_shapes(80, 1);
        on_both_bodies(|| check_sparse_products_on(&shapes));
    }

    #[test]
    fn pixel_batches_match_the_naive_reference() {
        let mut shapes = random_sparse_shapes(80, 2);
        shapes.extend(SPARSE_SHAPES);
        on_both_bodies(|| check_pixel_products_on(&shapes));
    }

    #[test]
    fn non_finite_inputs_propagate_through_the_sparse_products() {
        on_both_bodies(check_non_finite_inputs_propagate);
    }

    #[test]
    fn adam_kernel_matches_the_formula_in_f64_with_and_without_a_tail() {
        on_both_bodies(|| (1..=70).chain([1003, 1024]).try_for_each(check_adam));
    }

    #[test]
    fn dense_products_match_the_naive_sum() {
        on_both_bodies(check_matmul_shapes);
    }

    #[test]
    fn adam_kernel_flushes_subnormal_moments_to_zero() {
        on_both_bodies(check_adam_flushes_subnormal_moments);
    }

    #[test]
    fn the_finiteness_check_finds_a_single_bad_value_anywhere() {
        on_both_bodies(check_all_finite);
        on_both_bodies(|| check_all_finite_up_to(70));
    }

    #[test]
    fn portable_and_dispatched_bodies_agree_on_random_inputs() {
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-5 * (1.0 + a.abs());
        for (n, (batch, inputs, units, _)) in random_sparse_shapes(60, 3).into_iter().enumerate() {
            let seed = 100 + 2 * n as u64;
            let (x, w) = (
                sparse_input(batch, inputs, 0.05, seed),
                dense(inputs, units, seed + 1),
            );
            if too_dense_to_compress(x.view()) {
                continue;
            }
            let dispatched = sparse_product(&x, &w);
            let portable = on_portable_bodies(|| sparse_product(&x, &w));
            for ((index, &d), &p) in dispatched.indexed_iter().zip(&portable) {
                assert!(
                    close(d, p),
                    "X·W {batch}×{inputs}×{units} at {index:?}: {d} vs {p}"
                );
            }
        }
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for len in 1..=70 {
            let step = AdamStep {
                alpha: 0.01f32,
                one_minus_beta_1: 0.1,
                one_minus_beta_2: 0.001,
                epsilon: 1e-7,
            };
            let mut draw = |low: f32, high: f32| -> Vec<f32> {
                (0..len).map(|_| rng.random_range(low..high)).collect()
            };
            let (g, w, m, v) = (
                draw(-2.0, 2.0),
                draw(-1.0, 1.0),
                draw(-0.1, 0.1),
                draw(0.0, 0.07),
            );
            let update = || {
                let (mut w, mut m, mut v) = (w.clone(), m.clone(), v.clone());
                adam_update(step, &mut w, &g, &mut m, &mut v);
                [w, m, v]
            };
            let (dispatched, portable) = (update(), on_portable_bodies(update));
            for ((name, d), p) in ["w", "m", "v"].iter().zip(&dispatched).zip(&portable) {
                for (i, (&d, &p)) in d.iter().zip(p).enumerate() {
                    assert!(close(d, p), "adam {name}[{i}] of {len}: {d} vs {p}");
                }
            }
            let mut values = draw(-1e30, 1e30);
            if len % 3 > 0 {
                let at = rng.random_range(0..len);
                values[at] = [f32::NAN, f32::INFINITY][len % 3 - 1];
            }
            let finite = values.iter().all(|v| v.is_finite());
            assert_eq!(all_finite(&values), finite, "all_finite on {len} values");
            assert_eq!(
                on_portable_bodies(|| all_finite(&values)),
                finite,
                "portable all_finite on {len} values"
            );
        }
    }
}
