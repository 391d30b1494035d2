//! `neurite`: the native command line of the Neurite engine.
//!
//! `neurite train` runs the seed program (or any model specification) on MNIST or Fashion-MNIST
//! (`--dataset`) with a Keras-like progress display; `eval`, `predict` and `summary` work on
//! saved `.safetensors` models. Every error is printed as `error: <message>` on stderr with exit
//! code 1; malformed flags are reported by the argument parser with exit code 2.

mod cli;
mod commands;
mod confusion_table;
mod data_dir;
mod epoch_report;
mod model_arg;
mod png_image;
mod progress;
mod train_config;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let result = match &cli.command {
        Command::Train(args) => commands::train::run(args, &mut out),
        Command::Eval(args) => commands::eval::run(args, &mut out),
        Command::Predict(args) => commands::predict::run(args, &mut out),
        Command::Summary(args) => commands::summary::run(args, &mut out),
        Command::Export(args) => commands::export::run(args, &mut out),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            if let Some(hint) = data_dir::hint(&err) {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}
