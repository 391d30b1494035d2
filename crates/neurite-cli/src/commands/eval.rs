//! `neurite eval`: a saved model's loss and accuracy on the 10 000 test images of the dataset it
//! was trained on (or of `--dataset`); with `--extra DIR`, also on the learner's own images,
//! with their confusion matrix.

use std::io::Write;
use std::process::ExitCode;

use neurite::metrics::evaluate;
use neurite::{Dataset, DatasetKind, Evaluation, Loss, Penalties, PixelMode, Result, Sequential};
use serde::Serialize;

use super::write_line;
use crate::cli::EvalArgs;
use crate::epoch_report::ExtraScores;
use crate::{confusion_table, data_dir};

/// What `--json` prints.
#[derive(Serialize)]
struct EvalJson {
    dataset: &'static str,
    test_loss: f64,
    test_accuracy: f64,
    samples: usize,
    #[serde(flatten)]
    extra: Option<ExtraJson>,
}

/// The learner's own images' part of `--json`, with `--extra`.
#[derive(Serialize)]
struct ExtraJson {
    extra_loss: f64,
    extra_accuracy: f64,
    extra_correct: usize,
    extra_samples: usize,
    /// `[true class][predicted class]` counts.
    extra_confusion: Vec<Vec<u32>>,
}

/// Evaluates the model and prints its test loss and accuracy (and its results on `--extra`).
pub fn run(args: &EvalArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let mut model = neurite::model_file::load(&args.model)?;
    let dataset = args.dataset.map_or(model.dataset(), DatasetKind::from);
    let test = data_dir::load(args.data.as_deref(), dataset)?.test;
    let extra = args.extra.as_deref().map(neurite::load_extra).transpose()?;
    let pixels = args.pixels.map_or(model.pixels(), PixelMode::from);
    let mut on = |data: &Dataset| -> Result<Evaluation> { score(&mut model, data, pixels) };
    let result = on(&test)?;
    let extra = match &extra {
        Some(extra) => Some(on(extra.dataset())?),
        None => None,
    };
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
            extra: extra.as_ref().map(|e| {
                let scores = ExtraScores::of(e);
                ExtraJson {
                    extra_loss: scores.loss,
                    extra_accuracy: scores.accuracy(),
                    extra_correct: scores.correct,
                    extra_samples: scores.samples,
                    extra_confusion: confusion_table::rows(&e.confusion),
                }
            }),
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
        if let Some(extra) = &extra {
            write_line(out, extra_lines(extra))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `model`'s results on `data`, as training measures them (no weight penalties).
fn score(model: &mut Sequential<f32>, data: &Dataset, pixels: PixelMode) -> Result<Evaluation> {
    evaluate(
        model,
        data,
        Loss::SparseCategoricalCrossentropy,
        pixels,
        Penalties::default(),
    )
}

/// `my digits: 8/10 - loss: 0.5123 - accuracy: 0.8000`, then the confusion matrix.
fn extra_lines(evaluation: &Evaluation) -> String {
    let scores = ExtraScores::of(evaluation);
    format!(
        "my digits: {}/{} - loss: {:.4} - accuracy: {:.4}\n\
         confusion matrix of my digits (rows: true class, columns: predicted class):\n{}",
        scores.correct,
        scores.samples,
        scores.loss,
        scores.accuracy(),
        confusion_table::render(&evaluation.confusion)
    )
}
