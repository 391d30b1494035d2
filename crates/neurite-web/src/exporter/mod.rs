//! The playground's exports to other tools — an ONNX graph, a PyTorch script, a Keras script —
//! made by `neurite-export` in a worker of their own (the binary `exporter`, started the first
//! time the learner asks for one), so that neither the page nor the trainer downloads the
//! exporter's code.
//!
//! [`export`] is what that worker does with a request: platform-free, tested natively. The
//! messages are plain arrays (see `worker` for the glue): once the worker has said [`READY`],
//! the page posts `[format, model file]` and hears back `[file name, bytes]` or `[English
//! message, 中文 message]`.

use neurite_export::python::ScriptNames;
use neurite_export::{ExportError, SourceModel};

use crate::i18n::{Lang, engine_errors};

#[cfg(target_arch = "wasm32")]
pub mod worker;

/// What to export to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// An ONNX graph (`.onnx`).
    Onnx,
    /// A PyTorch script (`.py`) that reads the model file beside it.
    PyTorch,
    /// A Keras script (`.py`) that reads the model file beside it.
    Keras,
}

impl ExportFormat {
    /// Every format, in the order the page offers them.
    pub const ALL: [ExportFormat; 3] = [
        ExportFormat::Onnx,
        ExportFormat::PyTorch,
        ExportFormat::Keras,
    ];

    /// Its name in a message.
    pub fn key(self) -> &'static str {
        match self {
            ExportFormat::Onnx => "onnx",
            ExportFormat::PyTorch => "pytorch",
            ExportFormat::Keras => "keras",
        }
    }

    /// The format named `key`.
    pub fn from_key(key: &str) -> Option<Self> {
        ExportFormat::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The name of the file it writes.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Onnx => "neurite-mnist.onnx",
            ExportFormat::PyTorch => "neurite_mnist_torch.py",
            ExportFormat::Keras => "neurite_mnist_keras.py",
        }
    }

    /// Whether the file reads the model file beside it (the scripts), which the page then
    /// downloads too, named [`MODEL_FILE`].
    pub fn needs_model_file(self) -> bool {
        self != ExportFormat::Onnx
    }
}

/// What the exporter worker posts once it listens.
pub const READY: &str = "ready";

/// The model file's name beside a script: the page's own download's.
pub const MODEL_FILE: &str = "neurite-mnist.safetensors";

/// Why an export was refused, in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// In English.
    pub en: String,
    /// In 中文.
    pub zh: String,
}

impl Refused {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// An export's refusal in `lang`: the engine's message for a model file it cannot read.
fn refusal(error: &ExportError, lang: Lang) -> String {
    match (error, lang) {
        (ExportError::ModelFile(e), _) => engine_errors::message(e, lang),
        (_, Lang::En) => error.to_string(),
        (
            ExportError::NotAnImageClassifier {
                framework,
                inputs,
                outputs,
            },
            Lang::Zh,
        ) => format!(
            "{framework} 脚本在 10 个类别的 28 × 28 图像上训练和评估，而这个模型有 {inputs} 个输入、\
             {outputs} 个输出；请改为导出 ONNX"
        ),
    }
}

/// Exports the model file `model` to `format`: the file's name and bytes.
pub fn export(format: ExportFormat, model: &[u8]) -> Result<(&'static str, Vec<u8>), Refused> {
    let refused = |e: ExportError| Refused {
        en: refusal(&e, Lang::En),
        zh: refusal(&e, Lang::Zh),
    };
    let source = SourceModel::from_bytes(model).map_err(refused)?;
    let names = ScriptNames {
        model_file: MODEL_FILE.into(),
        script_file: format.file_name().into(),
    };
    let bytes = match format {
        ExportFormat::Onnx => neurite_export::onnx::to_bytes(&source),
        ExportFormat::PyTorch => neurite_export::python::pytorch_script(&source, &names)
            .map_err(refused)?
            .into_bytes(),
        ExportFormat::Keras => neurite_export::python::keras_script(&source, &names)
            .map_err(refused)?
            .into_bytes(),
    };
    Ok((format.file_name(), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use neurite::{Config, Sequential, model_file};

    fn seed_model_file() -> Vec<u8> {
        let model = Sequential::<f32>::from_spec(&Config::default().model, 1).unwrap();
        model_file::to_bytes(&model)
    }

    #[test]
    fn each_format_writes_its_file() {
        let file = seed_model_file();
        let (name, onnx) = export(ExportFormat::Onnx, &file).unwrap();
        assert_eq!(name, "neurite-mnist.onnx");
        // A protobuf ModelProto: field 1 (ir_version) as a varint first.
        assert_eq!(onnx[0], 0x08);
        assert!(onnx.len() > 101_770 * 4, "the weights are in it");
        let (name, torch) = export(ExportFormat::PyTorch, &file).unwrap();
        assert_eq!(name, "neurite_mnist_torch.py");
        let torch = String::from_utf8(torch).unwrap();
        assert!(torch.contains("import") && torch.contains(MODEL_FILE));
        let (_, keras) = export(ExportFormat::Keras, &file).unwrap();
        assert!(String::from_utf8(keras).unwrap().contains(MODEL_FILE));
    }

    #[test]
    fn formats_round_trip_through_their_keys() {
        for format in ExportFormat::ALL {
            assert_eq!(ExportFormat::from_key(format.key()), Some(format));
        }
        assert_eq!(ExportFormat::from_key("tflite"), None);
        assert!(ExportFormat::PyTorch.needs_model_file() && !ExportFormat::Onnx.needs_model_file());
    }

    #[test]
    fn a_file_that_is_not_a_model_is_refused_in_both_languages() {
        let refused = export(ExportFormat::Onnx, b"not a model").unwrap_err();
        assert!(refused.en.starts_with("model file: "), "{}", refused.en);
        assert!(refused.zh.starts_with("模型文件："), "{}", refused.zh);
    }

    #[test]
    fn a_model_of_other_inputs_exports_to_onnx_only() {
        let mut config = Config::default();
        config.model.input_shape = vec![2];
        config.model.layers = vec![neurite::LayerSpec::Dense {
            units: 2,
            activation: neurite::Activation::Softmax,
            init: Default::default(),
        }];
        let model = Sequential::<f32>::from_spec(&config.model, 1).unwrap();
        let file = model_file::to_bytes(&model);
        assert!(export(ExportFormat::Onnx, &file).is_ok());
        let refused = export(ExportFormat::Keras, &file).unwrap_err();
        assert!(
            refused.en.contains("export it to ONNX instead"),
            "{}",
            refused.en
        );
        assert!(refused.zh.contains("请改为导出 ONNX"), "{}", refused.zh);
    }
}
