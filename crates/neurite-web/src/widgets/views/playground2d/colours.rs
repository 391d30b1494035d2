//! The 2-D playground's colours, safe for colour-blind eyes: values on ColorBrewer's PuOr
//! scale (orange −1, white 0, purple +1 — two classes at its two ends), and more than two
//! classes in Okabe and Ito's palette, each cell of the output tinted by how sure the network
//! is of its class.

use crate::plane::protocol::{MapLayout, map_value};
use crate::widgets::views::plot::diverging;

/// Okabe–Ito colours for up to six classes.
pub const CLASS_COLOURS: [[u8; 3]; 6] = [
    [0, 114, 178],
    [230, 159, 0],
    [0, 158, 115],
    [204, 121, 167],
    [86, 180, 233],
    [213, 94, 0],
];

/// The colour of class `class` out of `classes`.
pub fn class_colour(class: usize, classes: usize) -> [u8; 3] {
    if classes <= 2 {
        diverging(if class == 0 { -1.0 } else { 1.0 })
    } else {
        CLASS_COLOURS[class % CLASS_COLOURS.len()]
    }
}

/// `#rrggbb`.
pub fn css([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Signed map bytes as RGBA on the PuOr scale, or only its two ends when `discretize`.
pub fn unit_rgba(bytes: &[u8], discretize: bool) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(bytes.len() * 4);
    for &byte in bytes {
        let v = f64::from(map_value(byte));
        let v = if discretize { v.signum() } else { v };
        let [r, g, b] = diverging(v);
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    rgba
}

/// The output's map as RGBA: for one output unit its value on the PuOr scale (a sigmoid's
/// probability `p` as `2p − 1`, so that 0.5 is white); for several (a softmax) each cell in its
/// likeliest class's colour, paler the less sure the network is.
pub fn output_rgba(
    layout: &MapLayout,
    maps: &[u8],
    probability: bool,
    discretize: bool,
) -> Vec<u8> {
    let outputs = layout.widths.last().copied().unwrap_or(0);
    let cells = MapLayout::FULL;
    let Some(first) = layout.output(0) else {
        return Vec::new();
    };
    if maps.len() < layout.len() {
        return Vec::new();
    }
    if outputs == 1 {
        let bytes = &maps[first];
        if !probability {
            return unit_rgba(bytes, discretize);
        }
        let mut rgba = Vec::with_capacity(cells * 4);
        for &byte in bytes {
            let v = 2.0 * f64::from(map_value(byte)) - 1.0;
            let v = if discretize { v.signum() } else { v };
            let [r, g, b] = diverging(v);
            rgba.extend_from_slice(&[r, g, b, 255]);
        }
        return rgba;
    }
    let chance = 1.0 / outputs as f64;
    let mut rgba = Vec::with_capacity(cells * 4);
    for cell in 0..cells {
        let (best, p) = (0..outputs)
            .map(|unit| {
                let range = layout.output(unit).expect("a unit of the layout");
                (unit, f64::from(map_value(maps[range.start + cell])))
            })
            .fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
        let sure = if discretize {
            0.85
        } else {
            ((p - chance) / (1.0 - chance)).clamp(0.0, 1.0) * 0.85
        };
        let colour = class_colour(best, outputs);
        for c in colour {
            rgba.push((255.0 + (f64::from(c) - 255.0) * sure).round() as u8);
        }
        rgba.push(255);
    }
    rgba
}
