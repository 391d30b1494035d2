//! Turning a drawing or a photo of a digit into a 28×28 image the way MNIST's were made.
//!
//! MNIST's digits (LeCun et al., 1998) were size-normalised into a 20×20 box keeping their
//! aspect ratio, anti-aliased, and placed in a 28×28 field so that their centre of mass sits at
//! the centre. [`to_mnist`] does the same: find the ink's bounding box, scale it so its longer
//! side is 20 pixels with area averaging (each output pixel is the mean of the input area it
//! covers, which anti-aliases), then translate it so the intensity-weighted centre of mass
//! lands on pixel (14, 14). Ink is bright on dark, as in MNIST; a dark-on-light image (a border
//! brighter than mid-grey) is inverted first.
//!
//! Fashion-MNIST's articles (Xiao, Rasul and Vollgraf, 2017) were trimmed to their edges, resized
//! so that the longer side is 28 pixels, and centred in the 28×28 field, light on dark.
//! [`to_fashion_mnist`] does that with the same steps: the bounding box scaled to fill the
//! field, centred by its box. [`for_dataset`] picks the one a dataset's images were made with.

use crate::{DatasetKind, Error, Result};

/// Side of an MNIST image.
pub const SIDE: usize = 28;
/// Side of the box the digit is scaled into.
pub const BOX: usize = 20;
/// Pixels at or below this level count as background when finding the ink.
pub const INK_THRESHOLD: u8 = 16;

/// An 8-bit grayscale image, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrayImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width × height` levels, 0 black to 255 white.
    pub pixels: Vec<u8>,
}

impl GrayImage {
    fn at(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    /// The mean level of the outermost rows and columns.
    fn border_mean(&self) -> f64 {
        let (w, h) = (self.width, self.height);
        let border = (0..w)
            .flat_map(|x| [(x, 0), (x, h - 1)])
            .chain((0..h).flat_map(|y| [(0, y), (w - 1, y)]));
        let (sum, count) = border.fold((0u64, 0u64), |(s, c), (x, y)| {
            (s + u64::from(self.at(x, y)), c + 1)
        });
        sum as f64 / count as f64
    }
}

/// Where the scaled ink goes in the 28×28 field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Centring {
    /// Its intensity-weighted centre of mass on the field's centre (MNIST).
    Mass,
    /// Its bounding box in the middle of the field (Fashion-MNIST).
    Box,
}

/// The 784 pixels (row-major, bright ink on black) that MNIST's preprocessing makes of `image`.
pub fn to_mnist(image: &GrayImage) -> Result<Vec<u8>> {
    normalise(image, BOX, Centring::Mass)
}

/// The 784 pixels (row-major, light on black) that Fashion-MNIST's preprocessing makes of
/// `image`: the article's bounding box scaled so that its longer side is 28 pixels, centred.
pub fn to_fashion_mnist(image: &GrayImage) -> Result<Vec<u8>> {
    normalise(image, SIDE, Centring::Box)
}

/// `image` made as `dataset`'s images were made ([`to_mnist`], [`to_fashion_mnist`]).
pub fn for_dataset(image: &GrayImage, dataset: DatasetKind) -> Result<Vec<u8>> {
    match dataset {
        DatasetKind::Mnist => to_mnist(image),
        DatasetKind::FashionMnist => to_fashion_mnist(image),
    }
}

/// The ink of `image`, light on dark, its bounding box scaled (area-averaged) so that its
/// longer side is `fit` pixels, placed in the 28×28 field as `centring` says.
fn normalise(image: &GrayImage, fit: usize, centring: Centring) -> Result<Vec<u8>> {
    if image.width == 0 || image.height == 0 {
        return Err(Error::Image(format!(
            "the image is {}×{}, empty",
            image.width, image.height
        )));
    }
    if image.pixels.len() != image.width * image.height {
        return Err(Error::Image(format!(
            "{} pixels do not make a {}×{} image",
            image.pixels.len(),
            image.width,
            image.height
        )));
    }
    let invert = image.border_mean() > 127.5;
    let level = |x: usize, y: usize| {
        let v = image.at(x, y);
        if invert { 255 - v } else { v }
    };

    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in 0..image.height {
        for x in 0..image.width {
            if level(x, y) > INK_THRESHOLD {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
    }
    if x0 == usize::MAX {
        return Err(Error::Image(
            "the image is blank: no ink to classify".into(),
        ));
    }
    let (crop_w, crop_h) = (x1 - x0 + 1, y1 - y0 + 1);
    let scale = fit as f64 / crop_w.max(crop_h) as f64;
    let out_w = ((crop_w as f64 * scale).round() as usize).clamp(1, fit);
    let out_h = ((crop_h as f64 * scale).round() as usize).clamp(1, fit);

    // Area averaging: output pixel (ox, oy) covers [ox, ox + 1) / sx × [oy, oy + 1) / sy of the
    // crop; each input pixel contributes the fraction of it that lies inside.
    let (sx, sy) = (out_w as f64 / crop_w as f64, out_h as f64 / crop_h as f64);
    let coverage = |o: usize, s: f64, i: usize| -> f64 {
        let (lo, hi) = (o as f64 / s, (o + 1) as f64 / s);
        ((i + 1) as f64).min(hi) - (i as f64).max(lo)
    };
    let mut small = vec![0f64; out_w * out_h];
    for oy in 0..out_h {
        let (iy0, iy1) = (
            (oy as f64 / sy).floor() as usize,
            (((oy + 1) as f64 / sy).ceil() as usize).min(crop_h),
        );
        for ox in 0..out_w {
            let (ix0, ix1) = (
                (ox as f64 / sx).floor() as usize,
                (((ox + 1) as f64 / sx).ceil() as usize).min(crop_w),
            );
            let mut sum = 0.0;
            for iy in iy0..iy1 {
                let wy = coverage(oy, sy, iy);
                if wy <= 0.0 {
                    continue;
                }
                for ix in ix0..ix1 {
                    let wx = coverage(ox, sx, ix);
                    if wx > 0.0 {
                        sum += wx * wy * f64::from(level(x0 + ix, y0 + iy));
                    }
                }
            }
            small[oy * out_w + ox] = sum * sx * sy;
        }
    }

    let (dx, dy) = match centring {
        Centring::Mass => {
            let total: f64 = small.iter().sum();
            let (mut cx, mut cy) = (0.0, 0.0);
            for (i, &v) in small.iter().enumerate() {
                cx += v * (i % out_w) as f64;
                cy += v * (i / out_w) as f64;
            }
            let centre = SIDE as f64 / 2.0;
            (
                (centre - cx / total).round() as isize,
                (centre - cy / total).round() as isize,
            )
        }
        Centring::Box => (((SIDE - out_w) / 2) as isize, ((SIDE - out_h) / 2) as isize),
    };

    let mut out = vec![0u8; SIDE * SIDE];
    for (i, &v) in small.iter().enumerate() {
        let (x, y) = ((i % out_w) as isize + dx, (i / out_w) as isize + dy);
        if (0..SIDE as isize).contains(&x) && (0..SIDE as isize).contains(&y) {
            out[y as usize * SIDE + x as usize] = v.round().clamp(0.0, 255.0) as u8;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas(width: usize, height: usize, ink: impl Fn(usize, usize) -> bool) -> GrayImage {
        let pixels = (0..width * height)
            .map(|i| if ink(i % width, i / width) { 255 } else { 0 })
            .collect();
        GrayImage {
            width,
            height,
            pixels,
        }
    }

    #[test]
    fn a_tall_bar_is_scaled_to_twenty_pixels_and_centred_by_its_mass() {
        // A 10×40 bar → 5×20 (scale 0.5); centre of mass (2, 9.5) moves to (14, 14):
        // shift (12, round(4.5) = 5), so columns 12–16 and rows 5–24 are fully inked.
        let image = canvas(100, 100, |x, y| {
            (30..40).contains(&x) && (50..90).contains(&y)
        });
        let out = to_mnist(&image).unwrap();
        for y in 0..SIDE {
            for x in 0..SIDE {
                let expected = if (12..17).contains(&x) && (5..25).contains(&y) {
                    255
                } else {
                    0
                };
                assert_eq!(out[y * SIDE + x], expected, "pixel ({x}, {y})");
            }
        }
    }

    #[test]
    fn area_averaging_antialiases_thin_strokes() {
        // The 1-pixel outline of a 30×30 square scales by 2/3: an output pixel on the outline
        // covers 1/1.5 of an inked row, so it is 2/3 ink (170), not all or nothing.
        let outline = canvas(40, 40, |x, y| {
            (5..35).contains(&x) && (5..35).contains(&y) && (x == 5 || x == 34 || y == 5 || y == 34)
        });
        let out = to_mnist(&outline).unwrap();
        assert!(out.contains(&170), "expected a partly covered pixel of 170");
        assert!(
            out.iter().all(|&v| v == 0 || v >= 56),
            "no stray faint pixels"
        );
    }

    #[test]
    fn dark_ink_on_white_paper_gives_the_same_image_as_light_on_black() {
        let light = canvas(64, 48, |x, y| {
            (x as isize - 30).abs() + (y as isize - 20).abs() < 9
        });
        let dark = GrayImage {
            pixels: light.pixels.iter().map(|v| 255 - v).collect(),
            ..light.clone()
        };
        assert_eq!(to_mnist(&light).unwrap(), to_mnist(&dark).unwrap());
    }

    #[test]
    fn blank_and_malformed_images_are_refused() {
        assert!(
            matches!(to_mnist(&canvas(10, 10, |_, _| false)), Err(Error::Image(m)) if m.contains("blank"))
        );
        assert!(
            to_mnist(&GrayImage {
                width: 0,
                height: 5,
                pixels: vec![]
            })
            .is_err()
        );
        assert!(
            to_mnist(&GrayImage {
                width: 3,
                height: 3,
                pixels: vec![0; 8]
            })
            .is_err()
        );
    }

    #[test]
    fn an_article_fills_the_field_along_its_longer_side_and_is_centred_by_its_box() {
        // A 60×30 dark shape on white (a bag, say) → 28×14, inverted, rows 7–20.
        let image = canvas(100, 80, |x, y| {
            !((20..80).contains(&x) && (25..55).contains(&y))
        });
        let out = to_fashion_mnist(&image).unwrap();
        for y in 0..SIDE {
            for x in 0..SIDE {
                let expected = if (7..21).contains(&y) { 255 } else { 0 };
                assert_eq!(out[y * SIDE + x], expected, "pixel ({x}, {y})");
            }
        }
        // MNIST's preprocessing makes another image of it: a 20-pixel box.
        assert_ne!(to_mnist(&image).unwrap(), out);
        assert_eq!(for_dataset(&image, DatasetKind::FashionMnist).unwrap(), out);
        assert_eq!(
            for_dataset(&image, DatasetKind::Mnist).unwrap(),
            to_mnist(&image).unwrap()
        );
    }

    #[test]
    fn a_single_dot_becomes_a_centred_square() {
        let out = to_mnist(&canvas(9, 9, |x, y| x == 4 && y == 4)).unwrap();
        let inked: Vec<usize> = (0..SIDE * SIDE).filter(|&i| out[i] > 0).collect();
        // One pixel scales to the whole 20×20 box; its centre of mass (9.5, 9.5) → 14 after
        // a shift of round(4.5) = 5, so rows and columns 5–24.
        assert_eq!(inked.len(), BOX * BOX);
        assert_eq!(inked[0], 5 * SIDE + 5);
    }
}
