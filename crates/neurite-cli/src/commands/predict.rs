//! `neurite predict`: a saved model's class probabilities for one PNG image, preprocessed as
//! its dataset's images were made, each class named as the dataset names it (the digits for MNIST, `T-shirt/top` … `Ankle boot` for
//! Fashion-MNIST).

use std::io::Write;
use std::process::ExitCode;

use ndarray::Array2;
use neurite::preprocess::{self, GrayImage};
use neurite::{DatasetKind, PixelMode, Result};

use super::write_line;
use crate::cli::PredictArgs;
use crate::png_image;

/// Width of the bar drawn for a probability of 1.
const BAR_WIDTH: usize = 40;

/// Classifies the image and prints one line per class, then the predicted class.
pub fn run(args: &PredictArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let mut model = neurite::model_file::load(&args.model)?;
    let dataset = args.dataset.map_or(model.dataset(), DatasetKind::from);
    let image: GrayImage = png_image::read(&args.image)?;
    let pixels = preprocess::for_dataset(&image, dataset)?;
    model.check_input(pixels.len())?;
    let factor = args.pixels.map_or(model.pixels(), PixelMode::from).factor();
    let input = Array2::from_shape_fn((1, pixels.len()), |(_, j)| f32::from(pixels[j]) * factor);
    let probabilities = model.predict(input.view());
    let row = probabilities.row(0);
    let names: Vec<String> = (0..row.len()).map(|c| dataset.class_name(c)).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let mut best = 0;
    for (class, &p) in row.iter().enumerate() {
        if p > row[best] {
            best = class;
        }
        write_line(out, line(&names[class], width, p))?;
    }
    write_line(out, format_args!("predicted: {}", names[best]))?;
    Ok(ExitCode::SUCCESS)
}

/// One class's line: its name padded to `width`, the probability and its bar (`7  0.9812  ███…`
/// for MNIST, `Ankle boot   0.9812  ███…` for Fashion-MNIST).
fn line(name: &str, width: usize, p: f32) -> String {
    format!("{name:<width$}  {p:.4}  {}", bar(p))
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
    fn lines_name_the_class_as_its_dataset_does() {
        assert_eq!(line("7", 1, 0.0), "7  0.0000  ");
        let fashion = DatasetKind::FashionMnist;
        let width = fashion.class_names().iter().map(|n| n.len()).max().unwrap();
        assert_eq!(
            line(&fashion.class_name(1), width, 0.5),
            format!("Trouser      0.5000  {}", bar(0.5))
        );
    }

    #[test]
    fn bars_scale_with_probability() {
        assert_eq!(bar(0.0), "");
        assert_eq!(bar(1.0).chars().count(), BAR_WIDTH);
        assert_eq!(bar(0.5).chars().count(), BAR_WIDTH / 2);
        assert_eq!(bar(f32::NAN), "");
    }
}
