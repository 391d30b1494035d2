//! The PyTorch script: the network as a `torch.nn.Sequential` with the file's weights in
//! torch's layouts, its forward pass again in NumPy on those weights (so that the mapping is
//! tested where PyTorch is not installed), evaluation, and training that `torchrun` spreads
//! over processes.

mod network;
mod training;

use neurite::Activation;

use self::network::{CustomModule, TorchNetwork, WeightLayout};
use super::common::{self, Main, Opening, Training};
use super::literal::docstring;
use super::{ScriptNames, numpy_helpers};
use crate::SourceModel;

/// The script for `model`.
pub fn script(model: &SourceModel, names: &ScriptNames) -> String {
    let network = TorchNetwork::of(model);
    let training = Training::of(model);
    let opening = Opening {
        framework: "PyTorch",
        flag: "--pytorch",
        names,
        summary: "build_model() is the network as a torch.nn.Sequential; the weights are read from \
                  the model file with NumPy alone and put in torch's layouts by torch_weights().",
        more_usage: (
            "torchrun --nproc_per_node=4",
            "--train",
            "DistributedDataParallel, one process per device",
        ),
        saving: "Training writes a Neurite model file, which `neurite eval --model` reads.",
    };
    let mut out = common::opening(&opening, &model.spec, &training);
    out.push_str(common::FILE_FUNCTIONS);
    out.push_str("\n\n# --- The network in PyTorch ----------------------------------------------------------------------\n");
    out.push_str(&build_model(&network));
    out.push_str(&weight_functions(&network));
    if let Some(head) = network.head {
        out.push_str(&probabilities_function(head));
    }
    out.push_str(LOADED_MODEL);
    out.push_str("\n\n# --- The same forward pass in NumPy, on torch's layouts ------------------------------------------\n");
    out.push_str(&numpy_forward(&network));
    out.push_str(&numpy_helpers::source(&network.helpers));
    out.push_str("\n\n# --- Evaluating and training ---------------------------------------------------------------------\n");
    out.push_str(common::IN_BATCHES);
    out.push_str(&torch_forward(network.head.is_some()));
    out.push_str(&training::loss_function(
        &training,
        network.head,
        model.output_features(),
    ));
    out.push_str(&training::penalty_function(&training));
    out.push_str(&training::optimizer_function(&training));
    out.push_str(&training::train_function(&training));
    out.push_str(&common::main_function(&Main {
        framework: "PyTorch",
        train_help: "train further, then save a Neurite model file",
        batch_help: "samples per step and process",
        out_help: "where --train saves a Neurite model file (default: the model file's name with -pytorch)",
        out_suffix: "-pytorch.safetensors",
        numpy_outputs: "        weights = torch_weights(tensors)\n        outputs = in_batches(lambda batch: numpy_forward(weights, batch), x)",
        framework_outputs: "        outputs = in_batches(torch_forward(tensors), x)",
    }));
    out
}

/// `build_model()`, with the module classes it needs.
fn build_model(network: &TorchNetwork) -> String {
    let gives = match network.head {
        Some(head) => format!(
            "It gives the last dense layer's logits: its {} is applied apart, by probabilities(), \
             as Neurite keeps it apart, so that training takes the loss from the logits.",
            head.name()
        ),
        None => "It gives the model's outputs.".to_owned(),
    };
    let images = if network.has_images {
        " (images inside it are [N, C, H, W], as torch's layers take them)"
    } else {
        ""
    };
    let doc =
        format!("The network as a torch.nn.Sequential taking rows of 784 pixels{images}. {gives}");
    let mut out = format!("\n\ndef build_model():\n{}", docstring(&doc, 4));
    let average_same = network
        .custom_modules
        .contains(&CustomModule::AvgPool2dSame);
    if average_same {
        out.push_str("    import torch\n");
    }
    out.push_str("    from torch import nn\n");
    if average_same {
        out.push_str("    import torch.nn.functional as F\n");
    }
    for module in &network.custom_modules {
        out.push_str(match module {
            CustomModule::Permute => PERMUTE,
            CustomModule::AvgPool2dSame => AVG_POOL2D_SAME,
        });
    }
    out.push_str("\n    return nn.Sequential(\n");
    out.push_str(&network.sequential_items());
    out.push_str("    )\n");
    out
}

const PERMUTE: &str = r#"
    class Permute(nn.Module):
        """torch.permute as a layer."""

        def __init__(self, *dims):
            super().__init__()
            self.dims = dims

        def forward(self, x):
            return x.permute(*self.dims)
"#;

const AVG_POOL2D_SAME: &str = r#"
    class AvgPool2dSame(nn.Module):
        """Average pooling with TensorFlow's uneven `same` padding, the odd cell after (torch's
        AvgPool2d pads both sides alike): the mean of the image cells under each window."""

        def __init__(self, kernel_size, stride, padding):
            super().__init__()
            self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

        def forward(self, x):
            ones = F.pad(torch.ones_like(x[:1, :1]), self.padding)
            total = F.avg_pool2d(F.pad(x, self.padding), self.kernel_size, self.stride, divisor_override=1)
            cells = F.avg_pool2d(ones, self.kernel_size, self.stride, divisor_override=1)
            return total / cells
"#;

/// `torch_weights(tensors)` and its inverse, `file_tensors(weights)`.
fn weight_functions(network: &TorchNetwork) -> String {
    let mut to_torch = String::new();
    let mut to_file = String::new();
    for module in &network.weighted {
        let (index, layer) = (module.index, &module.layer);
        let (forward, backward, comment) = match module.layout {
            WeightLayout::Linear => (".T", ".T", "[in, out] → [out, in]"),
            WeightLayout::Conv2d => (
                ".transpose(3, 2, 0, 1)",
                ".transpose(2, 3, 1, 0)",
                "[kh, kw, in, out] → [out, in, kh, kw]",
            ),
        };
        to_torch.push_str(&format!(
            "        \"{index}.weight\": tensors[\"{layer}.kernel\"]{forward},  # {comment}\n        \"{index}.bias\": tensors[\"{layer}.bias\"],\n"
        ));
        to_file.push_str(&format!(
            "        \"{layer}.kernel\": weights[\"{index}.weight\"]{backward},\n        \"{layer}.bias\": weights[\"{index}.bias\"],\n"
        ));
    }
    format!(
        r#"

def torch_weights(tensors):
    """The file's tensors (Keras's layouts) as build_model()'s state dict, in torch's layouts
    (NumPy arrays)."""
    return {{
{to_torch}    }}


def file_tensors(weights):
    """torch_weights() undone: a state dict (NumPy arrays) as the file's tensors."""
    return {{
{to_file}    }}
"#
    )
}

/// `probabilities(outputs)`: the head build_model() leaves out.
fn probabilities_function(head: Activation) -> String {
    let apply = match head {
        Activation::Softmax => "torch.softmax(logits, dim=1)",
        _ => "torch.sigmoid(logits)",
    };
    format!(
        r#"

def probabilities(logits):
    """The last dense layer's {name}, which build_model() leaves out."""
    import torch

    return {apply}
"#,
        name = head.name()
    )
}

const LOADED_MODEL: &str = r#"

def loaded_model(tensors):
    """build_model() with the file's weights."""
    import torch

    model = build_model()
    model.load_state_dict({name: torch.from_numpy(array.copy()) for name, array in torch_weights(tensors).items()})
    return model
"#;

/// `numpy_forward(weights, x)`.
fn numpy_forward(network: &TorchNetwork) -> String {
    let (doc_head, result) = match network.head {
        Some(Activation::Softmax) => (" and probabilities()", "softmax(x, axis=1)"),
        Some(_) => (" and probabilities()", "sigmoid(x)"),
        None => ("", "x"),
    };
    let doc = format!(
        "build_model(){doc_head} in NumPy, a statement per module, on the weights in torch's \
         layouts: it checks torch_weights() without PyTorch. x: [N, 784] inputs."
    );
    format!(
        "\n\ndef numpy_forward(weights, x):\n{}{}    return {result}\n",
        docstring(&doc, 4),
        network.numpy_statements()
    )
}

/// `torch_forward(tensors)`: the model in PyTorch as a function of NumPy arrays.
fn torch_forward(has_head: bool) -> String {
    let outputs = if has_head {
        "probabilities(model(torch.from_numpy(x)))"
    } else {
        "model(torch.from_numpy(x))"
    };
    format!(
        r#"

def torch_forward(tensors):
    """The model in PyTorch, as a function from NumPy inputs to NumPy outputs."""
    import torch

    model = loaded_model(tensors).eval()

    def forward(x):
        with torch.no_grad():
            return {outputs}.numpy()

    return forward
"#
    )
}
