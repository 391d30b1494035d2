//! The kernels' `f32` bodies written with WebAssembly SIMD128 intrinsics (`core::arch::wasm32`),
//! for builds with `+simd128`.
//!
//! With the crate feature `relaxed-simd`, multiply-adds become `f32x4.relaxed_madd` (one fused
//! instruction where the CPU has FMA). A module holding it fails validation in engines without
//! relaxed SIMD, so that build is only ever loaded after a check (see the web crate); the plain
//! build runs everywhere SIMD128 does.
//!
//! Loads and stores go through [`load`] and [`store`], which take fixed-size arrays: every
//! bound is checked by slicing, the intrinsics never see an unchecked pointer.

use core::arch::wasm32::{
    f32x4_abs, f32x4_add, f32x4_div, f32x4_extract_lane, f32x4_lt, f32x4_mul, f32x4_ne,
    f32x4_splat, f32x4_sqrt, f32x4_sub, i8x16_bitmask, i8x16_ne, i8x16_splat, i32x4_bitmask,
    i32x4_shuffle, v128, v128_andnot, v128_load, v128_store,
};

use super::update::AdamStep;

/// Which multiply-add this build uses.
pub const RELAXED: bool = cfg!(feature = "relaxed-simd");

/// Four lanes from four floats.
#[inline(always)]
fn load(four: &[f32; 4]) -> v128 {
    // SAFETY: `four` is 16 readable bytes; `v128_load` has no alignment requirement.
    unsafe { v128_load(four.as_ptr().cast()) }
}

/// Four lanes into four floats.
#[inline(always)]
fn store(four: &mut [f32; 4], value: v128) {
    // SAFETY: `four` is 16 writable bytes; `v128_store` has no alignment requirement.
    unsafe { v128_store(four.as_mut_ptr().cast(), value) }
}

/// The four floats at `at`.
#[inline(always)]
fn quad(values: &[f32], at: usize) -> &[f32; 4] {
    values[at..at + 4].try_into().expect("four floats")
}

/// The four floats at `at`, to write.
#[inline(always)]
fn quad_mut(values: &mut [f32], at: usize) -> &mut [f32; 4] {
    (&mut values[at..at + 4]).try_into().expect("four floats")
}

/// `a·b + c` per lane.
#[cfg(feature = "relaxed-simd")]
#[inline]
#[target_feature(enable = "relaxed-simd")]
fn madd(a: v128, b: v128, c: v128) -> v128 {
    core::arch::wasm32::f32x4_relaxed_madd(a, b, c)
}

/// `a·b + c` per lane.
#[cfg(not(feature = "relaxed-simd"))]
#[inline(always)]
fn madd(a: v128, b: v128, c: v128) -> v128 {
    f32x4_add(f32x4_mul(a, b), c)
}

/// Output columns held in registers at a time: eight SIMD128 registers, which V8 keeps
/// without spilling (sixteen spill).
const BLOCK: usize = 32;
const LANES_PER_BLOCK: usize = BLOCK / 4;

/// `out = Σ_k values[k]·source[indices[k]·stride ..][..out.len()]`; see [`super::sparse`].
#[cfg_attr(feature = "relaxed-simd", target_feature(enable = "relaxed-simd"))]
pub(super) fn gather_rows(
    indices: &[u32],
    values: &[f32],
    source: &[f32],
    stride: usize,
    out: &mut [f32],
) {
    let width = out.len();
    let mut start = 0;
    while start + BLOCK <= width {
        let mut acc = [f32x4_splat(0.0); LANES_PER_BLOCK];
        for (&k, &v) in indices.iter().zip(values) {
            let row: &[f32; BLOCK] = source[k as usize * stride + start..][..BLOCK]
                .try_into()
                .expect("a block is BLOCK long");
            let v = f32x4_splat(v);
            for (t, a) in acc.iter_mut().enumerate() {
                *a = madd(v, load(quad(row, 4 * t)), *a);
            }
        }
        for (t, &a) in acc.iter().enumerate() {
            store(quad_mut(out, start + 4 * t), a);
        }
        start += BLOCK;
    }
    // Narrow layers (10 classes) and the rest of a wide one: four columns at a time.
    while start + 4 <= width {
        let mut acc = f32x4_splat(0.0);
        for (&k, &v) in indices.iter().zip(values) {
            acc = madd(
                f32x4_splat(v),
                load(quad(source, k as usize * stride + start)),
                acc,
            );
        }
        store(quad_mut(out, start), acc);
        start += 4;
    }
    for (c, o) in out.iter_mut().enumerate().skip(start) {
        *o = indices.iter().zip(values).fold(0.0, |acc, (&k, &v)| {
            v * source[k as usize * stride + c] + acc
        });
    }
}

/// Bit `t` set when `chunk[t]` is not zero (NaN included).
#[inline(always)]
pub(super) fn nonzero_mask(chunk: &[f32; 16]) -> u32 {
    let zero = f32x4_splat(0.0);
    let mut mask = 0;
    for q in 0..4 {
        let lanes = f32x4_ne(load(quad(chunk, 4 * q)), zero);
        mask |= u32::from(i32x4_bitmask(lanes)) << (4 * q);
    }
    mask
}

/// Bit `t` set when `chunk[t]` is not zero.
#[inline(always)]
pub(super) fn nonzero_pixel_mask(chunk: &[u8; 16]) -> u32 {
    // SAFETY: `chunk` is 16 readable bytes; `v128_load` has no alignment requirement.
    let bytes = unsafe { v128_load(chunk.as_ptr().cast()) };
    u32::from(i8x16_bitmask(i8x16_ne(bytes, i8x16_splat(0))))
}

/// One Adam update of the leading whole quads (see [`super::update::adam_update`]); returns
/// how many elements it updated, leaving the last `n % 4` to the scalar loop.
#[cfg_attr(feature = "relaxed-simd", target_feature(enable = "relaxed-simd"))]
pub(super) fn adam_update_quads(
    step: AdamStep<f32>,
    w: &mut [f32],
    g: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) -> usize {
    let n = w.len();
    let whole = n - n % 4;
    let alpha = f32x4_splat(step.alpha);
    let rate_1 = f32x4_splat(step.one_minus_beta_1);
    let rate_2 = f32x4_splat(step.one_minus_beta_2);
    let epsilon = f32x4_splat(step.epsilon);
    let smallest_normal = f32x4_splat(f32::MIN_POSITIVE);
    // Zero where `|x|` is below the smallest normal number (see `update::flush_subnormal`).
    let flush = |x: v128| v128_andnot(x, f32x4_lt(f32x4_abs(x), smallest_normal));
    for i in (0..whole).step_by(4) {
        let gi = load(quad(g, i));
        let mi = load(quad(m, i));
        let vi = load(quad(v, i));
        let mi = flush(madd(f32x4_sub(gi, mi), rate_1, mi));
        let vi = flush(madd(f32x4_sub(f32x4_mul(gi, gi), vi), rate_2, vi));
        store(quad_mut(m, i), mi);
        store(quad_mut(v, i), vi);
        let step = f32x4_div(f32x4_mul(alpha, mi), f32x4_add(f32x4_sqrt(vi), epsilon));
        let wi = f32x4_sub(load(quad(w, i)), step);
        store(quad_mut(w, i), wi);
    }
    whole
}

/// `c = a·b` (`c += a·b` when `accumulate`) for row-major `a` (`m × k`), `b` (`k × n`) and
/// `c` (`m × n`); see [`super::gemm`].
#[cfg_attr(feature = "relaxed-simd", target_feature(enable = "relaxed-simd"))]
pub(super) fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    accumulate: bool,
) {
    assert!(
        a.len() == m * k && b.len() == k * n && c.len() == m * n,
        "gemm: lengths"
    );
    // What a tile starts from: `c`'s values, or zeros.
    let start = |c: &[f32], row: usize, col: usize| {
        if accumulate {
            load(quad(c, row * n + col))
        } else {
            f32x4_splat(0.0)
        }
    };
    let mut i = 0;
    // Four rows of `c` at a time, eight columns per tile, then four, then one.
    while i + 4 <= m {
        let rows: [&[f32]; 4] = core::array::from_fn(|r| &a[(i + r) * k..(i + r + 1) * k]);
        let mut j = 0;
        while j + 8 <= n {
            let mut acc: [[v128; 2]; 4] =
                core::array::from_fn(|r| [start(c, i + r, j), start(c, i + r, j + 4)]);
            for (p, b_row) in b.chunks_exact(n).enumerate() {
                let (b0, b1) = (load(quad(b_row, j)), load(quad(b_row, j + 4)));
                for (r, acc) in acc.iter_mut().enumerate() {
                    let x = f32x4_splat(rows[r][p]);
                    acc[0] = madd(x, b0, acc[0]);
                    acc[1] = madd(x, b1, acc[1]);
                }
            }
            for (r, acc) in acc.iter().enumerate() {
                store(quad_mut(c, (i + r) * n + j), acc[0]);
                store(quad_mut(c, (i + r) * n + j + 4), acc[1]);
            }
            j += 8;
        }
        while j + 4 <= n {
            let mut acc: [v128; 4] = core::array::from_fn(|r| start(c, i + r, j));
            for (p, b_row) in b.chunks_exact(n).enumerate() {
                let b0 = load(quad(b_row, j));
                for (r, acc) in acc.iter_mut().enumerate() {
                    *acc = madd(f32x4_splat(rows[r][p]), b0, *acc);
                }
            }
            for (r, &acc) in acc.iter().enumerate() {
                store(quad_mut(c, (i + r) * n + j), acc);
            }
            j += 4;
        }
        for j in j..n {
            for (r, row) in rows.iter().enumerate() {
                let sum = row
                    .iter()
                    .zip(b.chunks_exact(n))
                    .fold(0.0, |s, (&x, b_row)| x * b_row[j] + s);
                let out = &mut c[(i + r) * n + j];
                *out = if accumulate { *out + sum } else { sum };
            }
        }
        i += 4;
    }
    // The last rows, one at a time.
    for i in i..m {
        let row = &a[i * k..(i + 1) * k];
        let mut j = 0;
        while j + 4 <= n {
            let mut acc = start(c, i, j);
            for (&x, b_row) in row.iter().zip(b.chunks_exact(n)) {
                acc = madd(f32x4_splat(x), load(quad(b_row, j)), acc);
            }
            store(quad_mut(c, i * n + j), acc);
            j += 4;
        }
        for j in j..n {
            let sum = row
                .iter()
                .zip(b.chunks_exact(n))
                .fold(0.0, |s, (&x, b_row)| x * b_row[j] + s);
            let out = &mut c[i * n + j];
            *out = if accumulate { *out + sum } else { sum };
        }
    }
}

/// `c = aᵀ·b` for row-major `a` (`m × k`), `b` (`m × n`) and `c` (`k × n`); see
/// [`super::gemm::matmul_transposed_a`].
#[cfg_attr(feature = "relaxed-simd", target_feature(enable = "relaxed-simd"))]
pub(super) fn gemm_transposed_a(m: usize, k: usize, n: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    assert!(
        a.len() == m * k && b.len() == m * n && c.len() == k * n,
        "gemm_transposed_a: lengths"
    );
    /// Rows of `a` and `b` per pass: their slices stay in the L1 cache while every tile of
    /// `c` takes them in.
    const CHUNK: usize = 128;
    c.fill(0.0);
    let (whole_k, whole_n) = (k - k % 4, n - n % 8);
    let mut first = 0;
    while first < m {
        let rows = first..(first + CHUNK).min(m);
        for p in (0..whole_k).step_by(4) {
            for j in (0..whole_n).step_by(8) {
                let mut acc: [[v128; 2]; 4] = core::array::from_fn(|r| {
                    [
                        load(quad(c, (p + r) * n + j)),
                        load(quad(c, (p + r) * n + j + 4)),
                    ]
                });
                for i in rows.clone() {
                    let x = load(quad(a, i * k + p));
                    let (b0, b1) = (load(quad(b, i * n + j)), load(quad(b, i * n + j + 4)));
                    let lanes = [
                        i32x4_shuffle::<0, 0, 0, 0>(x, x),
                        i32x4_shuffle::<1, 1, 1, 1>(x, x),
                        i32x4_shuffle::<2, 2, 2, 2>(x, x),
                        i32x4_shuffle::<3, 3, 3, 3>(x, x),
                    ];
                    for (acc, lane) in acc.iter_mut().zip(lanes) {
                        acc[0] = madd(lane, b0, acc[0]);
                        acc[1] = madd(lane, b1, acc[1]);
                    }
                }
                for (r, acc) in acc.iter().enumerate() {
                    store(quad_mut(c, (p + r) * n + j), acc[0]);
                    store(quad_mut(c, (p + r) * n + j + 4), acc[1]);
                }
            }
        }
        // What the tiles leave: the last `k % 4` rows of `c`, and its last `n % 8` columns.
        for i in rows.clone() {
            let (a_row, b_row) = (&a[i * k..(i + 1) * k], &b[i * n..(i + 1) * n]);
            for (p, &x) in a_row.iter().enumerate() {
                let c_row = &mut c[p * n..(p + 1) * n];
                let from = if p < whole_k { whole_n } else { 0 };
                for (out, &y) in c_row[from..].iter_mut().zip(&b_row[from..]) {
                    *out += x * y;
                }
            }
        }
        first = rows.end;
    }
}

/// Whether every value is finite; see [`super::all_finite`].
pub(super) fn all_finite(values: &[f32]) -> bool {
    let zero = f32x4_splat(0.0);
    let mut lanes = [zero; 4];
    let mut chunks = values.chunks_exact(16);
    for chunk in &mut chunks {
        for (q, lane) in lanes.iter_mut().enumerate() {
            *lane = f32x4_add(*lane, f32x4_mul(load(quad(chunk, 4 * q)), zero));
        }
    }
    let sum = f32x4_add(f32x4_add(lanes[0], lanes[1]), f32x4_add(lanes[2], lanes[3]));
    let tail = chunks.remainder().iter().fold(0.0, |acc, &v| acc + v * 0.0);
    let total = f32x4_extract_lane::<0>(sum)
        + f32x4_extract_lane::<1>(sum)
        + f32x4_extract_lane::<2>(sum)
        + f32x4_extract_lane::<3>(sum)
        + tail;
    total.is_finite()
}
