//! The Keras script: the network as a `keras.Sequential` whose layers carry the model file's
//! names and take its tensors as they are, its forward pass again in NumPy (`--numpy`, without
//! Keras), evaluation, and training with `model.fit`.

mod network;
mod training;

use self::network::KerasNetwork;
use super::common::{self, Main, Opening, Training};
use super::literal::docstring;
use super::{ScriptNames, numpy_helpers};
use crate::SourceModel;

/// The script for `model`.
pub fn script(model: &SourceModel, names: &ScriptNames) -> String {
    let training = Training::of(model);
    let network = KerasNetwork::of(model, &training.config);
    let opening = Opening {
        framework: "Keras",
        flag: "--keras",
        names,
        summary: "build_model() is the network as a keras.Sequential, each layer named as in the \
                  model file; the weights are read from the model file with NumPy alone and go \
                  in as they are, Keras's layouts being the file's.",
        more_usage: (
            "python",
            "--train --out trained.safetensors",
            "back to a Neurite model file",
        ),
        saving: "Training saves a .keras file, or with an --out ending in .safetensors a Neurite \
                 model file, which `neurite eval --model` reads.",
    };
    let mut out = common::opening(&opening, &model.spec, &training);
    out.push_str(common::FILE_FUNCTIONS);
    out.push_str("\n\n# --- The network in Keras ------------------------------------------------------------------------\n");
    out.push_str(&build_model(model, &network));
    out.push_str(LOADED_MODEL);
    out.push_str(&training::compiled_model_function(&training));
    out.push_str("\n\n# --- The same forward pass in NumPy ----------------------------------------------------------------\n");
    out.push_str(&numpy_forward(&network));
    out.push_str(&numpy_helpers::source(&network.helpers));
    out.push_str("\n\n# --- Evaluating and training ---------------------------------------------------------------------\n");
    out.push_str(common::IN_BATCHES);
    out.push_str(&training::train_function(
        &training,
        model.output_features(),
    ));
    out.push_str(&common::main_function(&Main {
        framework: "Keras",
        train_help: "train further, then save the model",
        batch_help: "samples per step",
        out_help: "where --train saves: a .keras file, or a Neurite .safetensors file (default: \
                   the model file's name with -keras.keras)",
        out_suffix: "-keras.keras",
        numpy_outputs: "        outputs = in_batches(lambda batch: numpy_forward(tensors, batch), x)",
        framework_outputs: "        outputs = loaded_model(tensors).predict(x, batch_size=500, verbose=0)",
    }));
    out
}

/// `build_model()`.
fn build_model(model: &SourceModel, network: &KerasNetwork) -> String {
    let doc = format!(
        "The network as a keras.Sequential taking rows of {} pixels, each layer named as in the \
         model file.",
        model.input_features()
    );
    let penalty = match &network.regularizer {
        Some(regularizer) => format!(
            "    # Neurite's weight penalty on every kernel: l1·Σ|w| + l2·Σw², added to the loss.\n    penalty = {regularizer}\n"
        ),
        None => String::new(),
    };
    format!(
        r#"

def build_model():
{doc}    import keras

{penalty}    return keras.Sequential(
        [
            keras.Input(({inputs},)),
{items}        ]
    )
"#,
        doc = docstring(&doc, 4),
        inputs = model.input_features(),
        items = network.sequential_items()
    )
}

const LOADED_MODEL: &str = r#"

def loaded_model(tensors):
    """build_model() with the file's weights, as they are."""
    model = build_model()
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([tensors[f"{layer.name}.kernel"], tensors[f"{layer.name}.bias"]])
    return model
"#;

/// `numpy_forward(tensors, x)`.
fn numpy_forward(network: &KerasNetwork) -> String {
    let images = if network.has_images {
        " (images channels last, TensorFlow's padding rule)"
    } else {
        ""
    };
    let doc = format!(
        "build_model() in NumPy, a statement per layer, on the file's tensors{images}. x: \
         [N, 784] inputs."
    );
    format!(
        "\n\ndef numpy_forward(tensors, x):\n{}{}    return x\n",
        docstring(&doc, 4),
        network.numpy_statements()
    )
}
