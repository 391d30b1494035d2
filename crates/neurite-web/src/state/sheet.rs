//! Where each digit of a grid sits on the one canvas that shows them all. A grid of digits is
//! a CSS grid of buttons (a caption under an empty image box each) over a single canvas that
//! holds every image: one canvas instead of one per digit, because the browser composites
//! each canvas as a layer of its own, and forty of them made every frame of the page slower.
//! The page lays the buttons out with the columns and rows this module describes
//! ([`SheetLayout::css_columns`], [`SheetLayout::css_rows`]), so that the canvas can put each
//! image where its box is.

/// Side of an image on the sheet, in CSS pixels.
pub const IMAGE: usize = 48;

/// A grid's cells: their size and the gap between them, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetLayout {
    /// Width of a cell (its image is centred in it).
    pub cell_width: usize,
    /// Height of a cell: the image, then its caption.
    pub cell_height: usize,
    /// Space between two cells, across and down.
    pub gap: usize,
}

impl SheetLayout {
    /// Room for two lines of small text under each image ("predicted 3 · true 5").
    pub const TWO_LINES: SheetLayout = SheetLayout {
        cell_width: 88,
        cell_height: 78,
        gap: 4,
    };

    /// Room for one line of small text under each image ("#1234").
    pub const ONE_LINE: SheetLayout = SheetLayout {
        cell_width: 64,
        cell_height: 64,
        gap: 4,
    };

    /// `grid-template-columns`: as many cells as fit across.
    pub fn css_columns(&self) -> String {
        format!("repeat(auto-fill, {}px)", self.cell_width)
    }

    /// `grid-auto-rows`.
    pub fn css_rows(&self) -> String {
        format!("{}px", self.cell_height)
    }

    /// `gap`.
    pub fn css_gap(&self) -> String {
        format!("{}px", self.gap)
    }

    /// The columns a grid `width` CSS pixels wide has, as CSS's `repeat(auto-fill, …)` counts
    /// them: the most cells that fit with a gap between each two, and at least one.
    pub fn columns(&self, width: f64) -> usize {
        let step = (self.cell_width + self.gap) as f64;
        if !width.is_finite() || width < 0.0 {
            return 1;
        }
        (((width + self.gap as f64) / step).floor() as usize).max(1)
    }

    /// The sheet's size for `cells` cells in `columns` columns: `(width, height)`.
    pub fn size(&self, cells: usize, columns: usize) -> (usize, usize) {
        let columns = columns.max(1);
        let rows = cells.div_ceil(columns);
        let span = |n: usize, cell: usize| (n * (cell + self.gap)).saturating_sub(self.gap);
        (
            span(columns.min(cells.max(1)), self.cell_width),
            span(rows, self.cell_height),
        )
    }

    /// The top-left corner of cell `cell`'s image, `(x, y)`.
    pub fn image_origin(&self, cell: usize, columns: usize) -> (usize, usize) {
        let columns = columns.max(1);
        let (column, row) = (cell % columns, cell / columns);
        (
            column * (self.cell_width + self.gap) + (self.cell_width - IMAGE) / 2,
            row * (self.cell_height + self.gap),
        )
    }
}

/// A `side × side` grayscale image (`0` black) as [`IMAGE`] × [`IMAGE`] opaque RGBA pixels,
/// each taking the level of the source pixel it falls in (nearest neighbour: the digits stay
/// crisp).
pub fn upscaled_rgba(levels: &[u8], side: usize) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(IMAGE * IMAGE * 4);
    for y in 0..IMAGE {
        let source_row = y * side / IMAGE;
        for x in 0..IMAGE {
            let v = levels
                .get(source_row * side + x * side / IMAGE)
                .copied()
                .unwrap_or(0);
            rgba.extend_from_slice(&[v, v, v, 255]);
        }
    }
    rgba
}

/// The cells a grid's sheet is sized for while it shows `shown` digits on its way to `wanted`,
/// having been sized for `sized_for`. Resizing a canvas clears it, so every image on it is
/// painted again: on the way, the sheet holds the most cells of the way (the `wanted` ones
/// as soon as it starts), which resizes it once, not at each step that starts or ends a row;
/// when the grid shows what it wants, exactly those.
pub fn cells_to_size(shown: usize, wanted: usize, sized_for: usize) -> usize {
    if shown == wanted {
        shown
    } else {
        shown.max(wanted).max(sized_for)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: SheetLayout = SheetLayout::TWO_LINES;

    #[test]
    fn columns_are_counted_as_css_auto_fill_counts_them() {
        // n cells fit when n × 88 + (n − 1) × 4 ≤ width.
        assert_eq!(L.columns(87.9), 1);
        assert_eq!(L.columns(88.0), 1);
        assert_eq!(L.columns(179.9), 1);
        assert_eq!(L.columns(180.0), 2);
        assert_eq!(L.columns(364.0), 4);
        assert_eq!(L.columns(455.9), 4);
        assert_eq!(L.columns(456.0), 5);
        // Too narrow, unknown or hostile widths still give one column.
        assert_eq!(L.columns(0.0), 1);
        assert_eq!(L.columns(f64::NAN), 1);
        assert_eq!(L.columns(-5.0), 1);
    }

    #[test]
    fn images_sit_centred_in_their_cells_row_by_row() {
        assert_eq!(L.image_origin(0, 4), (20, 0));
        assert_eq!(L.image_origin(3, 4), (3 * 92 + 20, 0));
        assert_eq!(L.image_origin(4, 4), (20, 82));
        assert_eq!(L.image_origin(9, 4), (92 + 20, 2 * 82));
        // Every image lies inside the sheet, and no two overlap.
        for (cells, columns) in [(40, 4), (40, 7), (60, 5), (1, 3), (7, 1)] {
            let (width, height) = L.size(cells, columns);
            let mut boxes = Vec::new();
            for cell in 0..cells {
                let (x, y) = L.image_origin(cell, columns);
                assert!(
                    x + IMAGE <= width && y + IMAGE <= height,
                    "{cells} in {columns}"
                );
                for &(bx, by) in &boxes {
                    let apart =
                        x >= bx + IMAGE || bx >= x + IMAGE || y >= by + IMAGE || by >= y + IMAGE;
                    assert!(apart, "cell {cell} overlaps another");
                }
                boxes.push((x, y));
            }
        }
    }

    /// The sizes a sheet takes while a grid goes from `from` digits to `to`, `step` at a time.
    fn sizes_on_the_way(from: usize, to: usize, step: usize) -> Vec<(usize, usize)> {
        let (mut shown, mut sized_for, mut sizes) = (from, from, vec![L.size(from, 4)]);
        while shown != to {
            shown = if to > shown {
                (shown + step).min(to)
            } else {
                shown.saturating_sub(step).max(to)
            };
            sized_for = cells_to_size(shown, to, sized_for);
            let size = L.size(sized_for, 4);
            if sizes.last() != Some(&size) {
                sizes.push(size);
            }
        }
        sizes
    }

    #[test]
    fn a_sheet_is_resized_once_on_the_way_to_what_its_grid_wants() {
        // Two slots added per step over ten rows: one resize, at the first step.
        assert_eq!(sizes_on_the_way(0, 40, 2), [L.size(0, 4), L.size(40, 4)]);
        // Ten slots removed per step: the sheet keeps its size until the last step.
        assert_eq!(sizes_on_the_way(60, 3, 10), [L.size(60, 4), L.size(3, 4)]);
        // As many digits as before, other ones: never resized.
        assert_eq!(cells_to_size(40, 40, 40), 40);
        // A new wanted list while on the way: sized for the larger of the two ways.
        assert_eq!(cells_to_size(10, 20, 40), 40);
        assert_eq!(cells_to_size(20, 20, 40), 20);
    }

    #[test]
    fn the_sheet_is_as_large_as_its_cells() {
        assert_eq!(L.size(40, 4), (4 * 88 + 3 * 4, 10 * 78 + 9 * 4));
        assert_eq!(L.size(3, 5), (3 * 88 + 2 * 4, 78));
        assert_eq!(L.size(0, 5), (88, 0));
        assert_eq!(L.size(5, 0), (88, 5 * 78 + 4 * 4));
        let one = SheetLayout::ONE_LINE;
        assert_eq!(one.size(60, 6), (6 * 64 + 5 * 4, 10 * 64 + 9 * 4));
        assert_eq!(one.image_origin(7, 6), (68 + 8, 68));
    }

    #[test]
    fn an_upscaled_image_keeps_each_source_pixel_as_a_block() {
        // A 2 × 2 checkerboard becomes four 24 × 24 blocks.
        let rgba = upscaled_rgba(&[0, 255, 255, 0], 2);
        assert_eq!(rgba.len(), IMAGE * IMAGE * 4);
        let at = |x: usize, y: usize| rgba[(y * IMAGE + x) * 4];
        assert_eq!(
            (at(0, 0), at(23, 23), at(24, 0), at(47, 23)),
            (0, 0, 255, 255)
        );
        assert_eq!(
            (at(0, 24), at(23, 47), at(24, 24), at(47, 47)),
            (255, 255, 0, 0)
        );
        assert!(
            rgba.chunks(4)
                .all(|p| p[0] == p[1] && p[1] == p[2] && p[3] == 255)
        );
        // A 28 × 28 digit: the first and last source pixels land in the corners.
        let mut digit = vec![0u8; 28 * 28];
        digit[0] = 7;
        digit[28 * 28 - 1] = 9;
        let rgba = upscaled_rgba(&digit, 28);
        assert_eq!(rgba[0], 7);
        assert_eq!(rgba[(IMAGE * IMAGE - 1) * 4], 9);
        // Too few levels: the missing pixels are black, nothing panics.
        assert!(
            upscaled_rgba(&[200], 28)
                .chunks(4)
                .skip(1)
                .all(|p| p[0] == 0 || p[0] == 200)
        );
    }
}
