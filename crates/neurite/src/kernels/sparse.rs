//! Products with a mostly-zero left operand, stored by rows and by columns.
//!
//! For `X` of shape `[batch, inputs]` with few non-zeros, row `i` of `X·W` is
//! `Σ_j X[i,j]·W[j,:]` over the row's non-zeros, and row `j` of `Xᵀ·∂Z` is `Σ_i X[i,j]·∂Z[i,:]`
//! over the column's non-zeros. Each output row is built in blocks of [`BLOCK`] columns held in
//! registers while every contributing row of `W` (or `∂Z`) is added in, then stored once: the
//! cost falls with the density of `X`, and no output is read back from memory.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::{dispatch, madd};
use crate::Scalar;

/// Above this fraction of non-zeros, the dense product is faster.
pub const MAX_DENSITY: f64 = 0.35;

/// The non-zeros of a batch, row by row (CSR), in buffers reused from batch to batch.
#[derive(Debug, Clone, Default)]
pub struct SparseRows<F> {
    /// `row_starts[i]..row_starts[i + 1]` indexes row `i`'s entries.
    row_starts: Vec<usize>,
    columns: Vec<u32>,
    values: Vec<F>,
    cols: usize,
    /// The same entries by column (CSC), for `Xᵀ·∂Z`: `col_starts[j]..col_starts[j + 1]`
    /// indexes column `j`'s (row, value) pairs.
    col_starts: Vec<usize>,
    col_rows: Vec<u32>,
    col_values: Vec<F>,
    /// Scratch for building the by-column copy.
    col_cursor: Vec<usize>,
}

impl<F: Scalar> SparseRows<F> {
    /// Empty buffers.
    pub fn new() -> Self {
        SparseRows {
            row_starts: Vec::new(),
            columns: Vec::new(),
            values: Vec::new(),
            cols: 0,
            col_starts: Vec::new(),
            col_rows: Vec::new(),
            col_values: Vec::new(),
            col_cursor: Vec::new(),
        }
    }

    /// Stores the non-zeros of `x`; gives up and returns `false` as soon as they exceed
    /// [`MAX_DENSITY`] of its entries.
    pub fn compress(&mut self, x: ArrayView2<'_, F>) -> bool {
        self.compress_rows(
            x.nrows(),
            x.ncols(),
            x.rows().into_iter(),
            |row, columns, values, nnz| {
                let row = row.to_slice().expect("batch rows are contiguous");
                append_nonzeros(row, columns, values, nnz)
            },
        )
    }

    /// Stores the non-zero `u8` pixels of `images` (each `cols` long), each times `factor`,
    /// as [`SparseRows::compress`] would store the scaled batch: the batch of floats is never
    /// written. Gives up (returns `false`) above [`MAX_DENSITY`].
    ///
    /// # Panics
    /// If an image is not `cols` long.
    pub fn compress_pixels<'a>(
        &mut self,
        images: impl ExactSizeIterator<Item = &'a [u8]>,
        cols: usize,
        factor: F,
    ) -> bool {
        self.compress_rows(images.len(), cols, images, |image, columns, values, nnz| {
            assert_eq!(image.len(), cols, "compress_pixels: image size");
            append_nonzero_pixels(image, factor, columns, values, nnz)
        })
    }

    /// Appends each row's non-zeros with `append` (which returns the new count), then indexes
    /// them by column.
    fn compress_rows<R>(
        &mut self,
        rows: usize,
        cols: usize,
        source: impl Iterator<Item = R>,
        mut append: impl FnMut(R, &mut [u32], &mut [F], usize) -> usize,
    ) -> bool {
        let limit = (rows as f64 * cols as f64 * MAX_DENSITY) as usize;
        let first_row_limit = (cols as f64 * MAX_DENSITY) as usize;
        // Scratch space for the worst case, kept from call to call; `nnz` is the used part.
        if self.columns.len() < rows * cols {
            self.columns.resize(rows * cols, 0);
            self.values.resize(rows * cols, F::zero());
        }
        self.row_starts.clear();
        self.cols = cols;
        self.row_starts.push(0);
        let mut nnz = 0;
        for row in source {
            nnz = append(row, &mut self.columns, &mut self.values, nnz);
            // Dense data usually shows in its first row: give up there, not after a full scan.
            if nnz > limit || (self.row_starts.len() == 1 && nnz > first_row_limit) {
                self.row_starts.truncate(1);
                return false;
            }
            self.row_starts.push(nnz);
        }
        self.index_columns(nnz);
        true
    }

    /// Builds the by-column copy with a counting sort of the entries by column.
    fn index_columns(&mut self, nnz: usize) {
        self.col_starts.clear();
        self.col_starts.resize(self.cols + 1, 0);
        self.col_rows.resize(nnz, 0);
        self.col_values.resize(nnz, F::zero());
        self.col_cursor.clear();
        self.col_cursor.resize(self.cols, 0);
        // Local slices: the compiler then knows the stores below do not move the buffers, and
        // keeps their addresses in registers.
        let (columns, values) = (&self.columns[..nnz], &self.values[..nnz]);
        let (starts, cursor) = (&mut self.col_starts[..], &mut self.col_cursor[..]);
        let (col_rows, col_values) = (&mut self.col_rows[..], &mut self.col_values[..]);
        for &j in columns {
            starts[j as usize + 1] += 1;
        }
        for j in 0..self.cols {
            starts[j + 1] += starts[j];
        }
        // Where each column's next entry goes.
        cursor.copy_from_slice(&starts[..self.cols]);
        for (i, bounds) in self.row_starts.windows(2).enumerate() {
            let range = bounds[0]..bounds[1];
            for (&j, &v) in columns[range.clone()].iter().zip(&values[range]) {
                // One read of the cursor: through a reference it would be read again after
                // each store, which the compiler cannot tell apart from it.
                let slot = cursor[j as usize];
                col_rows[slot] = i as u32;
                col_values[slot] = v;
                cursor[j as usize] = slot + 1;
            }
        }
    }

    /// Number of rows stored.
    pub fn rows(&self) -> usize {
        self.row_starts.len().saturating_sub(1)
    }

    fn row(&self, i: usize) -> (&[u32], &[F]) {
        let range = self.row_starts[i]..self.row_starts[i + 1];
        (&self.columns[range.clone()], &self.values[range])
    }

    fn column(&self, j: usize) -> (&[u32], &[F]) {
        let range = self.col_starts[j]..self.col_starts[j + 1];
        (&self.col_rows[range.clone()], &self.col_values[range])
    }
}

/// Bit `t` set when `chunk[t]` is not zero (NaN included).
#[inline(always)]
fn nonzero_mask<F: Scalar>(chunk: &[F; 16]) -> u32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if super::vector_paths_allowed()
        && let Some(chunk) = F::as_f32(chunk)
    {
        return super::simd128::nonzero_mask(chunk.try_into().expect("sixteen floats"));
    }
    #[cfg(target_arch = "x86_64")]
    if super::vector_paths_allowed()
        && let Some(chunk) = F::as_f32(chunk)
    {
        use std::arch::x86_64::{_mm_cmpneq_ps, _mm_loadu_ps, _mm_movemask_ps, _mm_setzero_ps};
        let mut mask = 0;
        for q in 0..4 {
            let four: &[f32; 4] = chunk[4 * q..4 * q + 4].try_into().expect("four floats");
            // SAFETY: SSE is part of x86-64; `four` is 16 readable bytes and `_mm_loadu_ps`
            // needs no alignment.
            let bits = unsafe {
                _mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(four.as_ptr()), _mm_setzero_ps()))
            };
            mask |= (bits as u32) << (4 * q);
        }
        return mask;
    }
    chunk
        .iter()
        .enumerate()
        .fold(0, |mask, (t, &v)| mask | (u32::from(v != F::zero()) << t))
}

/// Appends the entries of `row` that `is_nonzero`, as (column, `value(entry)`), at `nnz`;
/// returns the new count. The scan tests sixteen entries at a time (`mask` sets bit `t` for
/// a non-zero `chunk[t]`) and visits only the set bits.
#[inline(always)]
fn append_masked<E: Copy, F: Scalar>(
    row: &[E],
    mask: impl Fn(&[E; 16]) -> u32,
    is_nonzero: impl Fn(E) -> bool,
    value: impl Fn(E) -> F,
    columns: &mut [u32],
    values: &mut [F],
    mut nnz: usize,
) -> usize {
    let mut chunks = row.chunks_exact(16);
    let mut base = 0;
    for chunk in &mut chunks {
        let chunk: &[E; 16] = chunk.try_into().expect("sixteen entries");
        let mut bits = mask(chunk);
        while bits != 0 {
            let t = bits.trailing_zeros();
            columns[nnz] = base + t;
            values[nnz] = value(chunk[t as usize]);
            nnz += 1;
            bits &= bits - 1;
        }
        base += 16;
    }
    for (t, &e) in chunks.remainder().iter().enumerate() {
        if is_nonzero(e) {
            columns[nnz] = base + t as u32;
            values[nnz] = value(e);
            nnz += 1;
        }
    }
    nnz
}

#[inline(always)]
fn append_nonzeros_body<F: Scalar, const FMA: bool>(
    row: &[F],
    columns: &mut [u32],
    values: &mut [F],
    nnz: usize,
) -> usize {
    append_masked(
        row,
        nonzero_mask,
        |v| v != F::zero(),
        |v| v,
        columns,
        values,
        nnz,
    )
}

dispatch! {
    /// Appends the non-zeros of `row` to `columns` and `values` from index `nnz`.
    fn append_nonzeros<F: Scalar>(row: &[F], columns: &mut [u32], values: &mut [F], nnz: usize) -> usize => append_nonzeros_body
}

/// Bit `t` set when `chunk[t]` is not zero.
#[inline(always)]
fn nonzero_pixel_mask(chunk: &[u8; 16]) -> u32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if super::vector_paths_allowed() {
        return super::simd128::nonzero_pixel_mask(chunk);
    }
    #[cfg(target_arch = "x86_64")]
    if super::vector_paths_allowed() {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_setzero_si128,
        };
        // SAFETY: SSE2 is part of x86-64; `chunk` is 16 readable bytes and `_mm_loadu_si128`
        // needs no alignment.
        let zeros = unsafe {
            let bytes = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_setzero_si128()))
        };
        return !(zeros as u32) & 0xffff;
    }
    chunk
        .iter()
        .enumerate()
        .fold(0, |mask, (t, &p)| mask | (u32::from(p != 0) << t))
}

#[inline(always)]
fn append_nonzero_pixels_body<F: Scalar, const FMA: bool>(
    image: &[u8],
    factor: F,
    columns: &mut [u32],
    values: &mut [F],
    nnz: usize,
) -> usize {
    let value = |p: u8| F::lit(f64::from(p)) * factor;
    append_masked(
        image,
        nonzero_pixel_mask,
        |p| p != 0,
        value,
        columns,
        values,
        nnz,
    )
}

dispatch! {
    /// Appends the non-zero pixels of `image`, times `factor`, from index `nnz`.
    fn append_nonzero_pixels<F: Scalar>(image: &[u8], factor: F, columns: &mut [u32], values: &mut [F], nnz: usize) -> usize => append_nonzero_pixels_body
}

/// Output columns accumulated in registers at a time: 32 `f32` are four AVX2 registers or
/// eight SIMD128 ones, few enough not to spill.
pub const BLOCK: usize = 32;

/// `out = Σ_k values[k]·source[index[k]·stride + offset ..][..out.len()]`, built in register
/// blocks of [`BLOCK`] columns.
#[inline(always)]
fn gather_rows<F: Scalar, const FMA: bool>(
    indices: &[u32],
    values: &[F],
    source: &[F],
    stride: usize,
    out: &mut [F],
) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if super::vector_paths_allowed()
        && let (Some(values), Some(source), Some(out)) =
            (F::as_f32(values), F::as_f32(source), F::as_f32_mut(out))
    {
        return super::simd128::gather_rows(indices, values, source, stride, out);
    }
    let width = out.len();
    let mut start = 0;
    for block in out.chunks_exact_mut(BLOCK) {
        let mut acc = [F::zero(); BLOCK];
        for (&k, &v) in indices.iter().zip(values) {
            // A fixed-size row lets the compiler unroll the block and keep `acc` in registers.
            let row: &[F; BLOCK] = source[k as usize * stride + start..][..BLOCK]
                .try_into()
                .expect("a block is BLOCK long");
            for t in 0..BLOCK {
                acc[t] = madd::<F, FMA>(v, row[t], acc[t]);
            }
        }
        block.copy_from_slice(&acc);
        start += BLOCK;
    }
    let tail = &mut out[start..];
    tail.fill(F::zero());
    for (&k, &v) in indices.iter().zip(values) {
        let row = &source[k as usize * stride + start..][..width - start];
        for (a, &s) in tail.iter_mut().zip(row) {
            *a = madd::<F, FMA>(v, s, *a);
        }
    }
}

#[inline(always)]
fn matmul_body<F: Scalar, const FMA: bool>(
    x: &SparseRows<F>,
    w: ArrayView2<'_, F>,
    mut out: ArrayViewMut2<'_, F>,
) {
    assert_eq!(
        (x.rows(), x.cols),
        (out.nrows(), w.nrows()),
        "sparse matmul: shapes"
    );
    assert_eq!(w.ncols(), out.ncols(), "sparse matmul: output width");
    let w = w.as_standard_layout();
    let w = w.as_slice().expect("standard layout");
    let units = out.ncols();
    for (i, mut out_row) in out.rows_mut().into_iter().enumerate() {
        let out_row = out_row.as_slice_mut().expect("output rows are contiguous");
        let (columns, values) = x.row(i);
        gather_rows::<F, FMA>(columns, values, w, units, out_row);
    }
}

#[inline(always)]
fn t_matmul_body<F: Scalar, const FMA: bool>(
    x: &SparseRows<F>,
    dz: ArrayView2<'_, F>,
    mut out: ArrayViewMut2<'_, F>,
) {
    assert_eq!(
        (x.rows(), x.cols),
        (dz.nrows(), out.nrows()),
        "sparse tmatmul: shapes"
    );
    assert_eq!(dz.ncols(), out.ncols(), "sparse tmatmul: output width");
    let dz = dz.as_standard_layout();
    let dz = dz.as_slice().expect("standard layout");
    let units = out.ncols();
    let out = out.as_slice_mut().expect("gradient is standard layout");
    for (j, out_row) in out.chunks_exact_mut(units).enumerate() {
        let (rows, values) = x.column(j);
        if rows.is_empty() {
            out_row.fill(F::zero());
        } else {
            gather_rows::<F, FMA>(rows, values, dz, units, out_row);
        }
    }
}

dispatch! {
    /// `out = X·W` for compressed `X` (`[batch, inputs]`) and `W` (`[inputs, units]`).
    ///
    /// # Panics
    /// If the shapes do not chain, or `out`'s rows are not contiguous.
    pub fn sparse_matmul<F: Scalar>(x: &SparseRows<F>, w: ArrayView2<'_, F>, out: ArrayViewMut2<'_, F>) => matmul_body
}

dispatch! {
    /// `out = Xᵀ·∂Z` for compressed `X` (`[batch, inputs]`) and `∂Z` (`[batch, units]`); `out`
    /// is `[inputs, units]` in standard layout.
    ///
    /// # Panics
    /// If the shapes do not chain, or a buffer is not contiguous.
    pub fn sparse_t_matmul<F: Scalar>(x: &SparseRows<F>, dz: ArrayView2<'_, F>, out: ArrayViewMut2<'_, F>) => t_matmul_body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::on_portable_bodies;
    use crate::kernels::reference::{dense, sparse_input};
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Every stored entry: `(row, column, value bits)` by rows, then `(column, row, value
    /// bits)` by columns.
    type Entries = (Vec<(usize, u32, u32)>, Vec<(usize, u32, u32)>);

    fn entries(rows: &SparseRows<f32>) -> Entries {
        /// `(line, index, value bits)` for each of `lines` lines as `line` lists them.
        fn flatten<'a>(
            lines: usize,
            line: impl Fn(usize) -> (&'a [u32], &'a [f32]),
        ) -> Vec<(usize, u32, u32)> {
            (0..lines)
                .flat_map(|i| {
                    let (indices, values) = line(i);
                    indices
                        .iter()
                        .zip(values)
                        .map(move |(&j, v)| (i, j, v.to_bits()))
                })
                .collect()
        }
        (
            flatten(rows.rows(), |i| rows.row(i)),
            flatten(rows.cols, |j| rows.column(j)),
        )
    }

    /// The entries a naive scan keeps: every one that is not zero (NaN included, −0 not).
    fn naive_entries(x: &Array2<f32>) -> Vec<(usize, u32, u32)> {
        x.indexed_iter()
            .filter(|&(_, &v)| v != 0.0)
            .map(|((i, j), v)| (i, j as u32, v.to_bits()))
            .collect()
    }

    #[test]
    fn portable_and_dispatched_compression_store_the_same_entries_at_every_row_length() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let odd = [f32::NAN, -0.0, f32::MIN_POSITIVE / 4.0, f32::INFINITY, -1.0];
        for cols in 1..=70 {
            let rows = rng.random_range(1..=4);
            let mut x = Array2::<f32>::zeros((rows, cols));
            let mut pixels = vec![0u8; rows * cols];
            for ((i, j), v) in x.indexed_iter_mut() {
                if rng.random::<f64>() < 0.08 {
                    *v = odd[rng.random_range(0..odd.len())];
                    pixels[i * cols + j] = rng.random_range(1..=255);
                }
            }
            let compress = || {
                let mut stored = SparseRows::new();
                stored.compress(x.view()).then(|| entries(&stored))
            };
            let compress_pixels = || {
                let mut stored = SparseRows::new();
                stored
                    .compress_pixels(pixels.chunks_exact(cols), cols, 0.5f32)
                    .then(|| entries(&stored))
            };
            let dispatched = compress();
            assert_eq!(on_portable_bodies(compress), dispatched, "{rows}×{cols}");
            if let Some((by_rows, _)) = &dispatched {
                assert_eq!(by_rows, &naive_entries(&x), "{rows}×{cols}");
            }
            let dispatched = compress_pixels();
            assert_eq!(
                on_portable_bodies(compress_pixels),
                dispatched,
                "{rows}×{cols} pixels"
            );
            if let Some((by_rows, _)) = &dispatched {
                let scaled = Array2::from_shape_fn((rows, cols), |(i, j)| {
                    f32::from(pixels[i * cols + j]) * 0.5
                });
                assert_eq!(by_rows, &naive_entries(&scaled), "{rows}×{cols} pixels");
            }
        }
    }

    #[test]
    fn compression_gives_up_on_dense_input() {
        let mut rows = SparseRows::new();
        assert!(!rows.compress(dense(8, 16, 4).view()));
        assert!(rows.compress(sparse_input(8, 16, 0.2, 5).view()));
        assert_eq!(rows.rows(), 8);
    }
}
