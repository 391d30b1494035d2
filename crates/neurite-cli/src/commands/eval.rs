//! `neurite eval`: a saved model's loss and accuracy on the 10 000 test images of the dataset it
//! was trained on (or of `--dataset`).

use std::io::Write;
use std::process::ExitCode;

use neurite::metrics::evaluate;
use neurite::{DatasetKind, Loss, Penalties, PixelMode, Result};
use serde::Serialize;

use super::write_line;
use crate::cli::EvalArgs;
use crate::data_dir;

/// What `--json` prints.
#[derive(Serialize)]
struct EvalJson {
    dataset: &'static str,
    test_loss: f64,
    test_accuracy: f64,
    samples: usize,
}

/// Evaluates the model and prints its test loss and accuracy.
pub fn run(args: &EvalArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let mut model = neurite::model_file::load(&args.model)?;
    let dataset = args.dataset.map_or(model.dataset(), DatasetKind::from);
    let test = data_dir::load(args.data.as_deref(), dataset)?.test;
    let pixels = args.pixels.map_or(model.pixels(), PixelMode::from);
    let result = evaluate(
        &mut model,
        &test,
        Loss::SparseCategoricalCrossentropy,
        pixels,
        Penalties::default(),
    )?;
    if let Some(path) = &args.predictions {
        let text: String = result
            .predictions
            .iter()
            .map(|p| format!("{p}\n"))
            .collect();
        std::fs::write(path, text).map_err(|e| neurite::Error::io(path.display(), &e))?;
    }
    if args.json {
        let line = EvalJson {
            dataset: dataset.name(),
            test_loss: result.loss,
            test_accuracy: result.accuracy,
            samples: test.len(),
        };
        let json = serde_json::to_string(&line).expect("numbers always serialise");
        write_line(out, json)?;
    } else {
        write_line(
            out,
            format_args!(
                "{n}/{n} - test_loss: {:.4} - test_accuracy: {:.4}",
                result.loss,
                result.accuracy,
                n = test.len()
            ),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
