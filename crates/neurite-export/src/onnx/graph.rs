//! The ONNX graph of a model: each Neurite layer as operators of ONNX's opset 13.
//!
//! Neurite stores an image channels last, `[h, w, c]` (as Keras), and a batch as rows of each
//! sample's numbers in that order; ONNX's `Conv` and pooling operators take `[N, C, H, W]`. The
//! value flowing from layer to layer is kept in one of two [`Layout`]s, and the graph changes
//! layout only where the next operator needs the other: into `NCHW` before a convolution or a
//! pooling layer, back to rows before a flatten, a reshape, a dense layer or the output (a
//! flatten orders the numbers channels last, and the dense kernels after it expect that order).
//!
//! | layer | operators |
//! |---|---|
//! | `dense` | `Gemm`, the `[inputs, units]` kernel as it is; then the activation |
//! | `conv2d` | `Conv`, the `[kh, kw, in, out]` kernel transposed to `[out, in, kh, kw]`, explicit `pads` (`same`: TensorFlow's rule, the odd cell after); then the activation |
//! | `max_pooling2d` | `MaxPool` (padding never wins) |
//! | `average_pooling2d` | `AveragePool`, `count_include_pad = 0`: the mean of the image cells under the window, as Neurite and TensorFlow take it |
//! | `global_average_pooling2d` | `GlobalAveragePool`, `Flatten` |
//! | `flatten`, `reshape` | only the change back to rows: in rows the numbers already are in Neurite's order, whatever the shape |
//! | `activation` | `Relu`, `LeakyRelu` (α = 0.2), `Sigmoid`, `Tanh`, or `Softmax` over the last axis of the sample's shape (the channels of an image); nothing for `linear` |
//! | `dropout` | nothing: the identity at inference |

use neurite::activation::LEAKY_RELU_SLOPE;
use neurite::layers::window::Image;
use neurite::{Activation, LayerSpec};

use super::messages::{self, float, int, ints};
use super::proto::{AttributeProto, NodeProto, TensorProto};
use crate::source::{Pads, SourceLayer, Weights};

/// How the value between two layers is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `[N, features]`: each sample's numbers in Neurite's order (row-major over its shape).
    Rows,
    /// `[N, channels, height, width]`: an image, channels first.
    ChannelsFirst,
}

/// Builds the node list and the initializers, layer by layer.
pub(super) struct GraphBuilder {
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    /// The name of the value the next operator reads.
    value: String,
    layout: Layout,
    /// The shape of one sample of that value, as Neurite sees it.
    shape: Vec<usize>,
}

impl GraphBuilder {
    /// A graph reading `input`, `[N, features]` rows of samples of `input_shape`.
    pub(super) fn new(input: &str, input_shape: &[usize]) -> GraphBuilder {
        GraphBuilder {
            nodes: Vec::new(),
            initializers: Vec::new(),
            value: input.to_owned(),
            layout: Layout::Rows,
            shape: input_shape.to_vec(),
        }
    }

    /// Appends the operators of `layer`.
    pub(super) fn layer(&mut self, layer: &SourceLayer) {
        let name = layer.name.as_str();
        let image = || layer.input_image().expect("windows read images");
        let pads = || layer.pads().expect("windows have padding");
        let window = || {
            layer
                .shape
                .window
                .expect("convolutions and pooling have windows")
        };
        let activation_after = match layer.spec {
            LayerSpec::Flatten | LayerSpec::Reshape { .. } => {
                self.switch_to_rows(name);
                None
            }
            LayerSpec::Dropout { .. } => None,
            LayerSpec::Activation { activation } => Some(activation),
            LayerSpec::Dense { activation, .. } => {
                self.switch_to_rows(name);
                let weights = weights(layer);
                let doc = "[inputs, units], as in the model file (Gemm's B)";
                let kernel = self.weight(
                    name,
                    "kernel",
                    &weights.kernel.shape,
                    &weights.kernel.values,
                    doc,
                );
                let bias = self.weight(name, "bias", &weights.bias.shape, &weights.bias.values, "");
                self.push("Gemm", name, &[&kernel, &bias], Vec::new());
                Some(activation)
            }
            LayerSpec::Conv2d { activation, .. } => {
                self.switch_to_channels_first(name, image());
                let weights = weights(layer);
                let (oihw_shape, oihw) =
                    kernel_to_oihw(&weights.kernel.shape, &weights.kernel.values);
                let doc =
                    "[kh, kw, in, out] in the model file, transposed to ONNX's [out, in, kh, kw]";
                let kernel = self.weight(name, "kernel", &oihw_shape, &oihw, doc);
                let bias = self.weight(name, "bias", &weights.bias.shape, &weights.bias.values, "");
                let window = window();
                let attributes = vec![
                    ints("kernel_shape", &window.size),
                    ints("strides", &window.strides),
                    pads_attribute(pads()),
                ];
                self.push("Conv", name, &[&kernel, &bias], attributes);
                Some(activation)
            }
            LayerSpec::MaxPooling2d { .. } | LayerSpec::AveragePooling2d { .. } => {
                self.switch_to_channels_first(name, image());
                let window = window();
                let mut attributes = vec![
                    ints("kernel_shape", &window.size),
                    ints("strides", &window.strides),
                    pads_attribute(pads()),
                ];
                let op = if matches!(layer.spec, LayerSpec::MaxPooling2d { .. }) {
                    "MaxPool"
                } else {
                    attributes.push(int("count_include_pad", 0));
                    "AveragePool"
                };
                self.push(op, name, &[], attributes);
                None
            }
            LayerSpec::GlobalAveragePooling2d => {
                self.switch_to_channels_first(name, image());
                self.push("GlobalAveragePool", name, &[], Vec::new());
                self.push(
                    "Flatten",
                    &format!("{name}/rows"),
                    &[],
                    vec![int("axis", 1)],
                );
                self.layout = Layout::Rows;
                None
            }
        };
        self.shape = layer.shape.output.clone();
        if let Some(activation) = activation_after {
            self.activation(name, activation);
        }
    }

    /// The nodes and initializers, the last value back in rows and named `output`.
    pub(super) fn finish(mut self, output: &str) -> (Vec<NodeProto>, Vec<TensorProto>) {
        self.switch_to_rows(output);
        let last = self
            .nodes
            .last_mut()
            .expect("a valid model has a layer with weights, hence a node");
        last.output = vec![output.to_owned()];
        (self.nodes, self.initializers)
    }

    /// Appends an operator reading the current value and then `inputs`; its output becomes
    /// the current value.
    fn push(&mut self, op: &str, name: &str, inputs: &[&str], attributes: Vec<AttributeProto>) {
        let mut all = vec![self.value.as_str()];
        all.extend_from_slice(inputs);
        self.nodes.push(messages::node(op, name, &all, attributes));
        self.value = name.to_owned();
    }

    /// Adds a weight tensor `{layer}.{parameter}`; returns its name.
    fn weight(
        &mut self,
        layer: &str,
        parameter: &str,
        dims: &[usize],
        values: &[f32],
        doc: &str,
    ) -> String {
        let name = format!("{layer}.{parameter}");
        self.initializers
            .push(messages::float_tensor(&name, dims, values, doc));
        name
    }

    /// Reshapes the current value to `shape` (`-1` for the batch).
    fn reshape(&mut self, name: &str, shape: &[i64]) {
        let shape_name = format!("{name}/shape");
        self.initializers
            .push(messages::int64_vector(&shape_name, shape));
        self.push("Reshape", name, &[&shape_name], Vec::new());
    }

    /// Rows of `image` samples as `[N, C, H, W]`.
    fn switch_to_channels_first(&mut self, layer: &str, image: Image) {
        if self.layout == Layout::ChannelsFirst {
            return;
        }
        let [h, w, c] = [image.height, image.width, image.channels].map(|d| d as i64);
        self.reshape(&format!("{layer}/image"), &[-1, h, w, c]);
        self.push(
            "Transpose",
            &format!("{layer}/channels_first"),
            &[],
            vec![ints("perm", &[0, 3, 1, 2])],
        );
        self.layout = Layout::ChannelsFirst;
    }

    /// `[N, C, H, W]` images as rows, each image's numbers channels last.
    fn switch_to_rows(&mut self, layer: &str) {
        if self.layout == Layout::Rows {
            return;
        }
        self.push(
            "Transpose",
            &format!("{layer}/channels_last"),
            &[],
            vec![ints("perm", &[0, 2, 3, 1])],
        );
        self.push(
            "Flatten",
            &format!("{layer}/rows"),
            &[],
            vec![int("axis", 1)],
        );
        self.layout = Layout::Rows;
    }

    /// Applies `activation` to the current value, a sample of [`GraphBuilder::shape`].
    fn activation(&mut self, layer: &str, activation: Activation) {
        let name = format!("{layer}/{}", activation.name());
        match activation {
            Activation::Linear => {}
            Activation::Relu => self.push("Relu", &name, &[], Vec::new()),
            Activation::LeakyRelu => {
                let alpha = float("alpha", LEAKY_RELU_SLOPE as f32);
                self.push("LeakyRelu", &name, &[], vec![alpha]);
            }
            Activation::Sigmoid => self.push("Sigmoid", &name, &[], Vec::new()),
            Activation::Tanh => self.push("Tanh", &name, &[], Vec::new()),
            Activation::Softmax => self.softmax(&name),
        }
    }

    /// A softmax over the last axis of the sample's shape, as Keras's: the channels of an
    /// image (axis 1 in `NCHW`), the units of a vector.
    fn softmax(&mut self, name: &str) {
        let axis_1 = || vec![int("axis", 1)];
        match (self.layout, self.shape.as_slice()) {
            (Layout::ChannelsFirst, _) | (Layout::Rows, [_]) => {
                self.push("Softmax", name, &[], axis_1())
            }
            (Layout::Rows, shape) => {
                // Rows of a [h, w] or [h, w, c] sample: one row per cell, then back.
                let last = *shape.last().expect("a shape has a dimension") as i64;
                let features = shape.iter().product::<usize>() as i64;
                self.reshape(&format!("{name}/cells"), &[-1, last]);
                self.push("Softmax", name, &[], axis_1());
                self.reshape(&format!("{name}/rows"), &[-1, features]);
            }
        }
    }
}

/// The weights of a dense or convolution layer.
fn weights(layer: &SourceLayer) -> &Weights {
    layer
        .weights
        .as_ref()
        .expect("dense and convolution layers have weights")
}

/// ONNX's `pads`: `[top, left, bottom, right]` (the starts of both axes, then their ends).
fn pads_attribute(pads: Pads) -> AttributeProto {
    ints("pads", &[pads.top, pads.left, pads.bottom, pads.right])
}

/// A convolution kernel from the model file's `[kh, kw, in, out]` to ONNX's (and PyTorch's)
/// `[out, in, kh, kw]`: its shape and values.
///
/// # Panics
/// If `shape` is not four dimensions holding `values`.
#[track_caller]
pub(crate) fn kernel_to_oihw(shape: &[usize], values: &[f32]) -> (Vec<usize>, Vec<f32>) {
    let &[kh, kw, inputs, outputs] = shape else {
        panic!("a convolution kernel has four dimensions, not {shape:?}");
    };
    assert_eq!(values.len(), kh * kw * inputs * outputs, "kernel {shape:?}");
    let mut oihw = vec![0.0; values.len()];
    for y in 0..kh {
        for x in 0..kw {
            for i in 0..inputs {
                for o in 0..outputs {
                    oihw[((o * inputs + i) * kh + y) * kw + x] =
                        values[((y * kw + x) * inputs + i) * outputs + o];
                }
            }
        }
    }
    (vec![outputs, inputs, kh, kw], oihw)
}
