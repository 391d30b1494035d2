//! The fixed linear maps of Winograd's F(4×4, 3×3) — `Bᵀ` on input tiles, `G` on kernels,
//! `Aᵀ` on the products, and their adjoints — written out term by term, and their application
//! to a tile of channel vectors from both sides ([`sandwich`]).

use crate::Scalar;

/// Outputs along each side of a tile.
pub(super) const OUT: usize = 4;
/// The kernel's side.
pub(super) const KERNEL: usize = 3;
/// Inputs along each side of a tile: `OUT + KERNEL − 1`.
pub(super) const TILE: usize = OUT + KERNEL - 1;
/// Transformed points per tile, one matrix product each.
pub(super) const POINTS: usize = TILE * TILE;

/// `Bᵀ`: an input tile's transform (rows are the points 0, 1, −1, 2, −2, ∞).
#[cfg(test)]
pub(super) const BT: [[f64; TILE]; TILE] = [
    [4.0, 0.0, -5.0, 0.0, 1.0, 0.0],
    [0.0, -4.0, -4.0, 1.0, 1.0, 0.0],
    [0.0, 4.0, -4.0, -1.0, 1.0, 0.0],
    [0.0, -2.0, -1.0, 2.0, 1.0, 0.0],
    [0.0, 2.0, -1.0, -2.0, 1.0, 0.0],
    [0.0, 4.0, 0.0, -5.0, 0.0, 1.0],
];
/// `G`: the kernel's transform.
#[cfg(test)]
pub(super) const G: [[f64; KERNEL]; TILE] = [
    [1.0 / 4.0, 0.0, 0.0],
    [-1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0],
    [-1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0],
    [1.0 / 24.0, 1.0 / 12.0, 1.0 / 6.0],
    [1.0 / 24.0, -1.0 / 12.0, 1.0 / 6.0],
    [0.0, 0.0, 1.0],
];
/// `Aᵀ`: the products' transform back to a tile of outputs.
#[cfg(test)]
pub(super) const AT: [[f64; TILE]; OUT] = [
    [1.0, 1.0, 1.0, 1.0, 1.0, 0.0],
    [0.0, 1.0, -1.0, 2.0, -2.0, 0.0],
    [0.0, 1.0, 1.0, 4.0, 4.0, 0.0],
    [0.0, 1.0, -1.0, 8.0, -8.0, 1.0],
];
/// `B`, `Gᵀ` and `A`, for the adjoints.
#[cfg(test)]
pub(super) const B: [[f64; TILE]; TILE] = transpose(BT);
#[cfg(test)]
pub(super) const GT: [[f64; TILE]; KERNEL] = transpose(G);
#[cfg(test)]
pub(super) const A: [[f64; OUT]; TILE] = transpose(AT);

#[cfg(test)]
pub(super) const fn transpose<const R: usize, const C: usize>(m: [[f64; C]; R]) -> [[f64; R]; C] {
    let mut t = [[0.0; R]; C];
    let mut r = 0;
    while r < R {
        let mut c = 0;
        while c < C {
            t[c][r] = m[r][c];
            c += 1;
        }
        r += 1;
    }
    t
}

/// A fixed linear map of `I` numbers onto `O` (one of the matrices above), written out term
/// by term so that each output is a few additions and a multiplication or two. Applied lane
/// by lane over vectors of channels ([`map_lanes`]), the loop vectorises.
pub(super) trait Transform<const I: usize, const O: usize> {
    /// The matrix, for the tests.
    #[cfg(test)]
    const M: [[f64; I]; O];

    fn apply<F: Scalar>(x: [F; I]) -> [F; O];
}

/// `Bᵀ`: an input tile's rows or columns.
pub(super) struct InputTiles;
/// `B`, its adjoint.
pub(super) struct InputTilesAdjoint;
/// `G`: a kernel's rows or columns.
pub(super) struct Kernels;
/// `Gᵀ`, its adjoint.
pub(super) struct KernelsAdjoint;
/// `Aᵀ`: the products' rows or columns, back to outputs.
pub(super) struct OutputTiles;
/// `A`, its adjoint.
pub(super) struct OutputTilesAdjoint;

impl Transform<TILE, TILE> for InputTiles {
    #[cfg(test)]
    const M: [[f64; TILE]; TILE] = BT;

    #[inline(always)]
    fn apply<F: Scalar>([d0, d1, d2, d3, d4, d5]: [F; TILE]) -> [F; TILE] {
        let (two, four, five) = (F::lit(2.0), F::lit(4.0), F::lit(5.0));
        [
            four * d0 - five * d2 + d4,
            d3 + d4 - four * (d1 + d2),
            four * (d1 - d2) - d3 + d4,
            two * (d3 - d1) - d2 + d4,
            two * (d1 - d3) - d2 + d4,
            four * d1 - five * d3 + d5,
        ]
    }
}

impl Transform<TILE, TILE> for InputTilesAdjoint {
    #[cfg(test)]
    const M: [[f64; TILE]; TILE] = B;

    #[inline(always)]
    fn apply<F: Scalar>([x0, x1, x2, x3, x4, x5]: [F; TILE]) -> [F; TILE] {
        let (two, four, five) = (F::lit(2.0), F::lit(4.0), F::lit(5.0));
        [
            four * x0,
            four * (x2 - x1 + x5) + two * (x4 - x3),
            -five * x0 - four * (x1 + x2) - x3 - x4,
            x1 - x2 + two * (x3 - x4) - five * x5,
            x0 + x1 + x2 + x3 + x4,
            x5,
        ]
    }
}

impl Transform<KERNEL, TILE> for Kernels {
    #[cfg(test)]
    const M: [[f64; KERNEL]; TILE] = G;

    #[inline(always)]
    fn apply<F: Scalar>([g0, g1, g2]: [F; KERNEL]) -> [F; TILE] {
        let (quarter, sixth) = (F::lit(0.25), F::lit(1.0 / 6.0));
        let (twelfth, twenty_fourth) = (F::lit(1.0 / 12.0), F::lit(1.0 / 24.0));
        let outer = twenty_fourth * g0 + sixth * g2;
        [
            quarter * g0,
            -sixth * (g0 + g1 + g2),
            sixth * (g1 - g0 - g2),
            outer + twelfth * g1,
            outer - twelfth * g1,
            g2,
        ]
    }
}

impl Transform<TILE, KERNEL> for KernelsAdjoint {
    #[cfg(test)]
    const M: [[f64; TILE]; KERNEL] = GT;

    #[inline(always)]
    fn apply<F: Scalar>([x0, x1, x2, x3, x4, x5]: [F; TILE]) -> [F; KERNEL] {
        let (quarter, sixth) = (F::lit(0.25), F::lit(1.0 / 6.0));
        let (twelfth, twenty_fourth) = (F::lit(1.0 / 12.0), F::lit(1.0 / 24.0));
        [
            quarter * x0 - sixth * (x1 + x2) + twenty_fourth * (x3 + x4),
            sixth * (x2 - x1) + twelfth * (x3 - x4),
            sixth * (x3 + x4 - x1 - x2) + x5,
        ]
    }
}

impl Transform<TILE, OUT> for OutputTiles {
    #[cfg(test)]
    const M: [[f64; TILE]; OUT] = AT;

    #[inline(always)]
    fn apply<F: Scalar>([m0, m1, m2, m3, m4, m5]: [F; TILE]) -> [F; OUT] {
        let (two, four, eight) = (F::lit(2.0), F::lit(4.0), F::lit(8.0));
        let (sum, difference) = (m1 + m2, m1 - m2);
        let (far_sum, far_difference) = (m3 + m4, m3 - m4);
        [
            m0 + sum + far_sum,
            difference + two * far_difference,
            sum + four * far_sum,
            difference + eight * far_difference + m5,
        ]
    }
}

impl Transform<OUT, TILE> for OutputTilesAdjoint {
    #[cfg(test)]
    const M: [[f64; OUT]; TILE] = A;

    #[inline(always)]
    fn apply<F: Scalar>([x0, x1, x2, x3]: [F; OUT]) -> [F; TILE] {
        let (two, four, eight) = (F::lit(2.0), F::lit(4.0), F::lit(8.0));
        let (even, odd) = (x0 + x2, x1 + x3);
        let (near, far) = (x0 + four * x2, two * x1 + eight * x3);
        [x0, even + odd, even - odd, near + far, near - far, x3]
    }
}

/// `y = T(x)` (or `y += T(x)` when `ADD`) on every lane of the vectors.
#[inline(always)]
fn map_lanes<T, F, const I: usize, const O: usize, const ADD: bool>(x: [&[F]; I], y: [&mut [F]; O])
where
    T: Transform<I, O>,
    F: Scalar,
{
    let n = y[0].len();
    let x: [&[F]; I] = std::array::from_fn(|i| &x[i][..n]);
    let mut y = y;
    for y in &mut y {
        *y = &mut std::mem::take(y)[..n];
    }
    for c in 0..n {
        let values = T::apply(std::array::from_fn(|i| x[i][c]));
        for (y, value) in y.iter_mut().zip(values) {
            if ADD {
                y[c] += value;
            } else {
                y[c] = value;
            }
        }
    }
}

/// The `O` cells of `n` numbers at `offsets` in `buffer` (increasing, not overlapping), a
/// cell of `sink` wherever the offset is `None` (a result to drop).
#[inline(always)]
fn cells_mut<'a, F, const O: usize>(
    buffer: &'a mut [F],
    offsets: [Option<usize>; O],
    n: usize,
    sink: &'a mut [F],
) -> [&'a mut [F]; O] {
    let mut cells: [&'a mut [F]; O] = std::array::from_fn(|_| <&mut [F]>::default());
    let (mut rest, mut start) = (buffer, 0);
    let mut sinks = sink.chunks_exact_mut(n);
    for (cell, offset) in cells.iter_mut().zip(offsets) {
        *cell = match offset {
            Some(at) => {
                let (_, tail) = std::mem::take(&mut rest).split_at_mut(at - start);
                let (found, tail) = tail.split_at_mut(n);
                rest = tail;
                start = at + n;
                found
            }
            None => sinks.next().expect("a sink cell per dropped result"),
        };
    }
    cells
}

/// `out = M·x·Mᵀ` (or `out += …` when `ADD`) for a grid `x` of `I × I` vectors of length `n`,
/// giving a grid of `O × O`. The grids are addressed cell by cell: `x_at(i, j)` is where cell
/// `(i, j)` of `x` starts in `x` (`None`: a cell of zeros, taken from `zeros`) and
/// `out_at(r, s)` where cell `(r, s)` of the result goes in `out` (`None`: dropped; along a
/// row of the grid, the offsets increase). `scratch` holds `O × I + O` vectors.
#[allow(clippy::too_many_arguments)]
pub(super) fn sandwich<T, F, const I: usize, const O: usize, const ADD: bool>(
    n: usize,
    x: &[F],
    x_at: impl Fn(usize, usize) -> Option<usize>,
    zeros: &[F],
    scratch: &mut [F],
    out: &mut [F],
    out_at: impl Fn(usize, usize) -> Option<usize>,
) where
    T: Transform<I, O>,
    F: Scalar,
{
    let (tmp, sink) = scratch.split_at_mut(O * I * n);
    // Down the columns: tmp = M·x, cell (r, j) at (r·I + j)·n.
    for j in 0..I {
        let column = std::array::from_fn(|i| match x_at(i, j) {
            Some(at) => &x[at..at + n],
            None => &zeros[..n],
        });
        let cells = cells_mut(tmp, std::array::from_fn(|r| Some((r * I + j) * n)), n, sink);
        map_lanes::<T, F, I, O, false>(column, cells);
    }
    // Along the rows: out = tmp·Mᵀ.
    for r in 0..O {
        let row = &tmp[r * I * n..(r + 1) * I * n];
        let cells = std::array::from_fn(|j| &row[j * n..(j + 1) * n]);
        let outputs = cells_mut(out, std::array::from_fn(|s| out_at(r, s)), n, sink);
        map_lanes::<T, F, I, O, ADD>(cells, outputs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `T` to each unit vector: column `i` of its matrix.
    fn columns<T: Transform<I, O>, const I: usize, const O: usize>() {
        for i in 0..I {
            let unit: [f64; I] = std::array::from_fn(|k| if k == i { 1.0 } else { 0.0 });
            let column = T::apply(unit);
            for (r, (value, row)) in column.iter().zip(&T::M).enumerate() {
                assert!((value - row[i]).abs() < 1e-15, "M[{r}][{i}]");
            }
        }
    }

    #[test]
    fn each_written_out_transform_is_its_matrix() {
        columns::<InputTiles, TILE, TILE>();
        columns::<InputTilesAdjoint, TILE, TILE>();
        columns::<Kernels, KERNEL, TILE>();
        columns::<KernelsAdjoint, TILE, KERNEL>();
        columns::<OutputTiles, TILE, OUT>();
        columns::<OutputTilesAdjoint, OUT, TILE>();
    }

    #[test]
    fn one_dimension_is_a_three_tap_correlation() {
        // Aᵀ[(G·g) ⊙ (Bᵀ·d)] = (d ⋆ g) for four outputs, with the paper's matrices.
        let d = [0.3, -1.2, 2.5, 0.7, -0.4, 1.9];
        let g = [0.5, -2.0, 1.5];
        let gg: Vec<f64> = G
            .iter()
            .map(|r| (0..3).map(|k| r[k] * g[k]).sum())
            .collect();
        let bd: Vec<f64> = BT
            .iter()
            .map(|r| (0..6).map(|k| r[k] * d[k]).sum())
            .collect();
        for (i, row) in AT.iter().enumerate() {
            let y: f64 = (0..6).map(|k| row[k] * gg[k] * bd[k]).sum();
            let direct: f64 = (0..3).map(|k| d[i + k] * g[k]).sum();
            assert!((y - direct).abs() < 1e-12, "output {i}: {y} vs {direct}");
        }
    }
}
