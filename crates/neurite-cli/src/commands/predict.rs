//! `neurite predict`: a saved model's class probabilities for one PNG image of a digit.

use std::io::Write;
use std::process::ExitCode;

use ndarray::Array2;
use neurite::preprocess::{self, GrayImage};
use neurite::{PixelMode, Result};

use super::write_line;
use crate::cli::PredictArgs;
use crate::png_image;

/// Width of the bar drawn for a probability of 1.
const BAR_WIDTH: usize = 40;

/// Classifies the image and prints one line per class, then the predicted class.
pub fn run(args: &PredictArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let mut model = neurite::model_file::load(&args.model)?;
    let image: GrayImage = png_image::read(&args.image)?;
    let pixels = preprocess::to_mnist(&image)?;
    model.check_input(pixels.len())?;
    let factor = args.pixels.map_or(model.pixels(), PixelMode::from).factor();
    let input = Array2::from_shape_fn((1, pixels.len()), |(_, j)| f32::from(pixels[j]) * factor);
    let probabilities = model.predict(input.view());
    let row = probabilities.row(0);
    let mut best = 0;
    for (class, &p) in row.iter().enumerate() {
        if p > row[best] {
            best = class;
        }
        write_line(out, format_args!("{class}  {p:.4}  {}", bar(p)))?;
    }
    write_line(out, format_args!("predicted: {best}"))?;
    Ok(ExitCode::SUCCESS)
}

/// A bar of `█`s proportional to `p` (clamped to [0, 1]).
fn bar(p: f32) -> String {
    let cells = (p.clamp(0.0, 1.0) * BAR_WIDTH as f32).round() as usize;
    "█".repeat(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_with_probability() {
        assert_eq!(bar(0.0), "");
        assert_eq!(bar(1.0).chars().count(), BAR_WIDTH);
        assert_eq!(bar(0.5).chars().count(), BAR_WIDTH / 2);
        assert_eq!(bar(f32::NAN), "");
    }
}
