//! Dense matrix products `C = A·B` and `C = Aᵀ·B` of row-major `f32` matrices, for the
//! convolutions: their patches times their kernel, and the two products of the backward pass.
//!
//! Natively these go to `matrixmultiply` (through ndarray), whose AVX2 + FMA kernel runs near
//! the CPU's peak. In wasm that crate has no SIMD kernel, so an explicit SIMD128 body
//! ([`super::simd128`]) takes over: a 4 × 8 tile of `C` held in eight registers (V8 keeps
//! eight without spilling), each step of the inner dimension one broadcast of `A` per row and
//! two loads of `B`'s row, the tiles walked row-block by row-block so that a block of `A` stays
//! in the L1 cache while `B` streams by.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};

use crate::Scalar;

/// The three matrices as `f32` slices, row-major, when the SIMD128 bodies may take them: this
/// thread allows vector paths, `F` is `f32` and every matrix is contiguous.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn simd_operands<'a, F: Scalar>(
    a: &'a ArrayView2<'_, F>,
    b: &'a ArrayView2<'_, F>,
    c: &'a mut ArrayViewMut2<'_, F>,
) -> Option<(&'a [f32], &'a [f32], &'a mut [f32])> {
    if !super::vector_paths_allowed() {
        return None;
    }
    let a = a.as_slice().and_then(F::as_f32)?;
    let b = b.as_slice().and_then(F::as_f32)?;
    let c = c.as_slice_mut().and_then(F::as_f32_mut)?;
    Some((a, b, c))
}

/// `c = a·b`, or `c += a·b` when `accumulate`.
///
/// # Panics
/// If the shapes do not chain (`a` is `m × k`, `b` `k × n`, `c` `m × n`).
#[track_caller]
pub fn matmul<F: Scalar>(
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    mut c: ArrayViewMut2<'_, F>,
    accumulate: bool,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(
        b.nrows() == k && c.dim() == (m, n),
        "matmul: {m}×{k} · {}×{n} into {:?}",
        b.nrows(),
        c.dim()
    );
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if let Some((a, b, c)) = simd_operands(&a, &b, &mut c) {
        super::simd128::gemm(m, k, n, a, b, c, accumulate);
        return;
    }
    let beta = if accumulate { F::one() } else { F::zero() };
    general_mat_mul(F::one(), &a, &b, beta, &mut c);
}

/// `c = aᵀ·b` for `a` stored `m × k` (so `aᵀ` is `k × m`), `b` `m × n` and `c` `k × n`: a
/// kernel's gradient from its patches and the output's gradient, without transposing the
/// patches. In wasm the SIMD128 body accumulates outer products of `a`'s and `b`'s rows into a
/// 4 × 8 tile of `c`, a few hundred rows at a time.
///
/// # Panics
/// If the shapes do not chain.
#[track_caller]
pub fn matmul_transposed_a<F: Scalar>(
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    mut c: ArrayViewMut2<'_, F>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(
        b.nrows() == m && c.dim() == (k, n),
        "matmul_transposed_a: ({m}×{k})ᵀ · {}×{n} into {:?}",
        b.nrows(),
        c.dim()
    );
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if let Some((a, b, c)) = simd_operands(&a, &b, &mut c) {
        super::simd128::gemm_transposed_a(m, k, n, a, b, c);
        return;
    }
    general_mat_mul(F::one(), &a.t(), &b, F::zero(), &mut c);
}
