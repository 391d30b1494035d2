//! Python scripts that rebuild a Neurite model in PyTorch or Keras: short programs that read the
//! model file with NumPy alone, evaluate the model on the test set, run the same forward pass in
//! NumPy on the framework's weight layouts (`--numpy`, which needs no framework), and train it
//! further with the file's optimizer settings.
//!
//! The scripts read MNIST-format images (`data/mnist` by default), so only a model of 784
//! inputs and at least 10 outputs gets one.

mod common;
mod keras;
mod literal;
mod numpy_helpers;
mod pytorch;

use crate::{ExportError, Result, SourceModel};

/// How a script names the model file and itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptNames {
    /// The model file: a name, looked for beside the script, or an absolute path.
    pub model_file: String,
    /// The script's file name, for its usage lines.
    pub script_file: String,
}

/// The features of an MNIST image.
const IMAGE_FEATURES: usize = 28 * 28;
/// The classes of MNIST and Fashion-MNIST.
const CLASSES: usize = 10;

/// The PyTorch script for `model`.
pub fn pytorch_script(model: &SourceModel, names: &ScriptNames) -> Result<String> {
    check_image_classifier(model, "PyTorch")?;
    Ok(pytorch::script(model, names))
}

/// The Keras script for `model`.
pub fn keras_script(model: &SourceModel, names: &ScriptNames) -> Result<String> {
    check_image_classifier(model, "Keras")?;
    Ok(keras::script(model, names))
}

/// Refuses a model that cannot read the scripts' images or score their classes.
fn check_image_classifier(model: &SourceModel, framework: &'static str) -> Result<()> {
    let (inputs, outputs) = (model.input_features(), model.output_features());
    if inputs == IMAGE_FEATURES && outputs >= CLASSES {
        Ok(())
    } else {
        Err(ExportError::NotAnImageClassifier {
            framework,
            inputs,
            outputs,
        })
    }
}
