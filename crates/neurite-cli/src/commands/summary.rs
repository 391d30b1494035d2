//! `neurite summary`: a model's layer table, as Keras's `model.summary()` prints it.

use std::io::Write;
use std::process::ExitCode;

use neurite::{Result, Sequential, TrainConfig};

use super::write_line;
use crate::cli::SummaryArgs;
use crate::model_arg::{self, ModelArg, ResolvedModel};

/// Prints the summary of the model `--model` names.
pub fn run(args: &SummaryArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let model = match model_arg::resolve(&ModelArg::parse(&args.model))? {
        ResolvedModel::Spec(spec) => {
            Sequential::<f32>::from_spec(&spec, TrainConfig::default().seed)?
        }
        ResolvedModel::Trained(model) => *model,
    };
    write_line(out, model.summary())?;
    Ok(ExitCode::SUCCESS)
}
