//! `neurite export`: a saved model as an ONNX file, and as PyTorch and Keras scripts that
//! rebuild it, evaluate it and train it further (`docs/export.md`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Args};
use neurite::{Error, Result};
use neurite_export::{ExportError, SourceModel, onnx, python};

use super::write_line;

/// Flags of `neurite export`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("format").required(true).multiple(true).args(["onnx", "pytorch", "keras"])))]
pub struct ExportArgs {
    /// The saved model (or a checkpoint)
    #[arg(long, value_name = "FILE.safetensors")]
    pub model: PathBuf,

    /// Write the model as an ONNX graph (opset 13): input `input` [N, 784], output
    /// `probabilities`
    #[arg(long, value_name = "OUT.onnx")]
    pub onnx: Option<PathBuf>,

    /// Write a PyTorch script that rebuilds the model, evaluates it (also in NumPy alone) and
    /// trains it further, with torchrun across processes
    #[arg(long, value_name = "OUT.py")]
    pub pytorch: Option<PathBuf>,

    /// Write a Keras script that rebuilds the model, evaluates it (also in NumPy alone) and
    /// trains it further
    #[arg(long, value_name = "OUT.py")]
    pub keras: Option<PathBuf>,
}

/// Exports the model to every format asked for. Every export is made before any file is
/// written, so that a refused one leaves no other behind.
pub fn run(args: &ExportArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let bytes = std::fs::read(&args.model).map_err(|e| Error::io(args.model.display(), &e))?;
    let model = SourceModel::from_bytes(&bytes).map_err(|e| engine_error("--model", e))?;
    let mut files: Vec<(&Path, Vec<u8>, String)> = Vec::new();
    if let Some(path) = &args.onnx {
        let what = format!(
            "ONNX opset {}, {} parameters",
            onnx::OPSET,
            model.param_count()
        );
        files.push((path, onnx::to_bytes(&model), what));
    }
    if let Some(path) = &args.pytorch {
        let names = script_names(&args.model, path);
        let script =
            python::pytorch_script(&model, &names).map_err(|e| engine_error("--pytorch", e))?;
        files.push((path, script.into_bytes(), "PyTorch script".to_owned()));
    }
    if let Some(path) = &args.keras {
        let names = script_names(&args.model, path);
        let script =
            python::keras_script(&model, &names).map_err(|e| engine_error("--keras", e))?;
        files.push((path, script.into_bytes(), "Keras script".to_owned()));
    }
    for (path, contents, what) in files {
        std::fs::write(path, contents).map_err(|e| Error::io(path.display(), &e))?;
        write_line(out, format_args!("Wrote {} ({what})", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The engine's error for an export's: a model file's own, or one naming the flag refused.
fn engine_error(flag: &str, err: ExportError) -> Error {
    match err {
        ExportError::ModelFile(err) => err,
        other => Error::config(flag, other),
    }
}

/// How the script names the model file and itself. The script looks for the model beside
/// itself by default: the file's name when both are in one directory, else its absolute path.
fn script_names(model: &Path, script: &Path) -> python::ScriptNames {
    let directory = |path: &Path| {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        parent.canonicalize().ok()
    };
    let beside = directory(model).is_some_and(|d| Some(d) == directory(script));
    let model_file = match (beside, model.file_name()) {
        (true, Some(name)) => PathBuf::from(name),
        _ => std::path::absolute(model).unwrap_or_else(|_| model.to_path_buf()),
    };
    let script_file = script
        .file_name()
        .map_or_else(|| script.to_path_buf(), PathBuf::from);
    python::ScriptNames {
        model_file: model_file.to_string_lossy().into_owned(),
        script_file: script_file.to_string_lossy().into_owned(),
    }
}
