//! The `--model` argument: a preset's name (the seed model, Keras's convnet, LeNet), a JSON
//! specification or a saved model.

use std::path::{Path, PathBuf};

use neurite::{DatasetKind, Error, ModelSpec, PixelMode, Result, Sequential};

/// The name that selects the seed program's model.
pub const SEED_MLP: &str = "seed-mlp";
/// The name that selects Keras's "Simple MNIST convnet" ([`ModelSpec::keras_convnet`]).
pub const KERAS_CONVNET: &str = "keras-convnet";
/// The name that selects the LeNet-5-like network ([`ModelSpec::lenet`]).
pub const LENET: &str = "lenet";

/// What a `--model` value names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelArg {
    /// The seed program's `Flatten → Dense(128, relu) → Dense(10, softmax)`.
    SeedMlp,
    /// Keras's "Simple MNIST convnet".
    KerasConvnet,
    /// A LeNet-5-like network.
    Lenet,
    /// A JSON [`ModelSpec`] file.
    Spec(PathBuf),
    /// A saved `.safetensors` model.
    File(PathBuf),
}

impl ModelArg {
    /// Reads a `--model` value: `seed-mlp`, `keras-convnet`, `lenet`, a path ending in
    /// `.safetensors`, or any other path, taken as a JSON specification.
    pub fn parse(value: &str) -> Self {
        let path = Path::new(value);
        if value == SEED_MLP {
            ModelArg::SeedMlp
        } else if value == KERAS_CONVNET {
            ModelArg::KerasConvnet
        } else if value == LENET {
            ModelArg::Lenet
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("safetensors"))
        {
            ModelArg::File(path.to_path_buf())
        } else {
            ModelArg::Spec(path.to_path_buf())
        }
    }
}

/// What a `--model` value resolves to: an architecture, or a model with trained weights.
#[derive(Debug)]
pub enum ResolvedModel {
    /// An architecture still to be initialised.
    Spec(ModelSpec),
    /// A saved model.
    Trained(Box<Sequential<f32>>),
}

impl ResolvedModel {
    /// The architecture.
    pub fn spec(&self) -> &ModelSpec {
        match self {
            ResolvedModel::Spec(spec) => spec,
            ResolvedModel::Trained(model) => model.spec(),
        }
    }

    /// The pixel mode a saved model was trained with; scaled for a new one.
    pub fn pixels(&self) -> PixelMode {
        match self {
            ResolvedModel::Spec(_) => PixelMode::Scaled,
            ResolvedModel::Trained(model) => model.pixels(),
        }
    }

    /// The dataset a saved model was trained on; MNIST for a new one.
    pub fn dataset(&self) -> DatasetKind {
        match self {
            ResolvedModel::Spec(_) => DatasetKind::Mnist,
            ResolvedModel::Trained(model) => model.dataset(),
        }
    }
}

/// Reads the model `arg` names, from disk if it is a file.
pub fn resolve(arg: &ModelArg) -> Result<ResolvedModel> {
    match arg {
        ModelArg::SeedMlp => Ok(ResolvedModel::Spec(ModelSpec::seed_mlp())),
        ModelArg::KerasConvnet => Ok(ResolvedModel::Spec(ModelSpec::keras_convnet())),
        ModelArg::Lenet => Ok(ResolvedModel::Spec(ModelSpec::lenet())),
        ModelArg::Spec(path) => read_spec(path).map(ResolvedModel::Spec),
        ModelArg::File(path) => {
            neurite::model_file::load(path).map(|m| ResolvedModel::Trained(Box::new(m)))
        }
    }
}

/// Reads a JSON [`ModelSpec`] file; its ranges are checked later, with the rest of the config.
pub fn read_spec(path: &Path) -> Result<ModelSpec> {
    let json = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), &e))?;
    ModelSpec::from_json(&json).map_err(|e| match e {
        Error::InvalidConfig { field, reason } => Error::InvalidConfig {
            field: format!("{field} ({})", path.display()),
            reason,
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_values_are_told_apart_by_name_and_extension() {
        assert_eq!(ModelArg::parse("seed-mlp"), ModelArg::SeedMlp);
        assert_eq!(ModelArg::parse("keras-convnet"), ModelArg::KerasConvnet);
        assert_eq!(ModelArg::parse("lenet"), ModelArg::Lenet);
        assert_eq!(
            ModelArg::parse("runs/m.safetensors"),
            ModelArg::File("runs/m.safetensors".into())
        );
        assert_eq!(
            ModelArg::parse("wide.json"),
            ModelArg::Spec("wide.json".into())
        );
    }

    #[test]
    fn a_missing_spec_file_is_an_io_error_naming_it() {
        let err = read_spec(Path::new("/nonexistent/spec.json")).unwrap_err();
        assert!(
            matches!(&err, Error::Io { path, .. } if path == "/nonexistent/spec.json"),
            "{err}"
        );
    }

    #[test]
    fn a_malformed_spec_names_the_file() {
        let path =
            std::env::temp_dir().join(format!("neurite-cli-bad-spec-{}.json", std::process::id()));
        std::fs::write(&path, "{\"layers\": 3}").unwrap();
        let err = read_spec(&path).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(err.contains(&path.display().to_string()), "{err}");
    }
}
