//! The network as Keras layers, each with the NumPy statements that compute it: the body of
//! `build_model()` and of `numpy_forward()`.
//!
//! Keras is the model file's own convention (channels-last images, `[inputs, units]` and
//! `[kh, kw, in, out]` kernels, TensorFlow's `same` padding), so each Neurite layer is the Keras
//! layer of the same name, with the same settings and weights. The network takes rows of 784
//! pixels, as Neurite's does; a `Reshape` goes in where a layer needs another shape: an image
//! (`[28, 28]` read as one channel, `[28, 28, 1]`) before a convolution or a pooling layer, the
//! sample's shape before a softmax over its last axis.

use std::collections::BTreeSet;

use neurite::{Activation, LayerSpec, TrainConfig};

use crate::python::literal::{float, string, tuple};
use crate::python::numpy_helpers::Helper;
use crate::source::{SourceLayer, SourceModel};

/// One layer of the Sequential and the NumPy statements it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    layer: String,
    numpy: Vec<String>,
}

/// The network, lowered to Keras layers.
#[derive(Debug, Clone)]
pub struct KerasNetwork {
    lines: Vec<Line>,
    /// The NumPy helpers `numpy_forward()` calls.
    pub helpers: BTreeSet<Helper>,
    /// The shape of one sample inside the Keras model.
    shape: Vec<usize>,
    /// The kernel penalty, `keras.regularizers.L1L2(...)`, when the configuration has one.
    pub regularizer: Option<String>,
    /// Whether the network has a layer that reads images.
    pub has_images: bool,
}

impl KerasNetwork {
    /// Lowers `model`'s layers; `config`'s L1 and L2 penalties become kernel regularizers.
    pub fn of(model: &SourceModel, config: &TrainConfig) -> KerasNetwork {
        let regularizer = match (config.l1, config.l2) {
            (0.0, 0.0) => None,
            (0.0, _) => Some("keras.regularizers.L2(L2)".to_owned()),
            (_, 0.0) => Some("keras.regularizers.L1(L1)".to_owned()),
            _ => Some("keras.regularizers.L1L2(l1=L1, l2=L2)".to_owned()),
        };
        let mut network = KerasNetwork {
            lines: Vec::new(),
            helpers: BTreeSet::new(),
            shape: vec![model.input_features()],
            regularizer,
            has_images: false,
        };
        for layer in &model.layers {
            network.layer(layer);
        }
        if network.shape.len() != 1 {
            let features = network.shape.iter().product();
            network.reshape(&[features], "outputs");
        }
        network
    }

    /// The items of `keras.Sequential([...])` after its input, one per line at 12 spaces.
    pub fn sequential_items(&self) -> String {
        self.lines
            .iter()
            .map(|line| format!("            {},\n", line.layer))
            .collect()
    }

    /// The statements of `numpy_forward()` before its `return`, at 4 spaces.
    pub fn numpy_statements(&self) -> String {
        self.lines
            .iter()
            .flat_map(|line| &line.numpy)
            .map(|statement| format!("    {statement}\n"))
            .collect()
    }

    fn push(&mut self, layer: String, numpy: Vec<String>) {
        self.lines.push(Line { layer, numpy });
    }

    /// A `Reshape` to `shape`, named after the layer it feeds.
    fn reshape(&mut self, shape: &[usize], before: &str) {
        let sizes: Vec<String> = shape.iter().map(usize::to_string).collect();
        self.push(
            format!(
                "keras.layers.Reshape({}, name=\"to_{before}\")",
                tuple(shape)
            ),
            vec![format!("x = x.reshape(len(x), {})", sizes.join(", "))],
        );
        self.shape = shape.to_vec();
    }

    /// Reshapes the sample to `shape` unless it is already.
    fn ensure_shape(&mut self, shape: &[usize], before: &str) {
        if self.shape != shape {
            self.reshape(shape, before);
        }
    }

    fn layer(&mut self, layer: &SourceLayer) {
        let name = layer.name.as_str();
        let quoted = string(name);
        let reads_image = matches!(
            layer.spec,
            LayerSpec::Conv2d { .. }
                | LayerSpec::MaxPooling2d { .. }
                | LayerSpec::AveragePooling2d { .. }
                | LayerSpec::GlobalAveragePooling2d
        );
        if reads_image {
            let image = layer
                .input_image()
                .expect("convolutions and pooling read images");
            self.ensure_shape(&image.shape(), name);
        }
        match layer.spec {
            LayerSpec::Flatten => self.push(
                format!("keras.layers.Flatten(name={quoted})"),
                vec!["x = x.reshape(len(x), -1)".to_owned()],
            ),
            LayerSpec::Reshape { target_shape } => {
                let sizes: Vec<String> =
                    target_shape.sizes().iter().map(usize::to_string).collect();
                self.push(
                    format!(
                        "keras.layers.Reshape({}, name={quoted})",
                        tuple(target_shape.sizes())
                    ),
                    vec![format!("x = x.reshape(len(x), {})", sizes.join(", "))],
                );
            }
            LayerSpec::Dense {
                units, activation, ..
            } => {
                let mut numpy = vec![format!(
                    "x = x @ tensors[\"{name}.kernel\"] + tensors[\"{name}.bias\"]"
                )];
                numpy.extend(self.activation_statement(activation));
                let arguments = format!("{units}{}", self.settings(activation));
                self.push(
                    format!("keras.layers.Dense({arguments}, name={quoted})"),
                    numpy,
                );
            }
            LayerSpec::Activation { activation } => {
                if activation == Activation::Softmax {
                    self.ensure_shape(&layer.shape.input, name);
                }
                let numpy = self.activation_statement(activation).into_iter().collect();
                self.push(
                    format!(
                        "keras.layers.Activation({}, name={quoted})",
                        string(activation.name())
                    ),
                    numpy,
                );
            }
            LayerSpec::Dropout { rate } => self.push(
                format!("keras.layers.Dropout({}, name={quoted})", float(rate)),
                vec![format!("# {name}: the identity at inference")],
            ),
            LayerSpec::Conv2d {
                filters,
                kernel_size,
                strides,
                padding,
                activation,
                ..
            } => {
                let padding = padding_name(padding);
                self.helpers.insert(Helper::KerasConv2d);
                let mut numpy = vec![format!(
                    "x = conv2d(x, tensors[\"{name}.kernel\"], tensors[\"{name}.bias\"], strides={}, padding=\"{padding}\")",
                    tuple(&strides.0)
                )];
                numpy.extend(self.activation_statement(activation));
                let arguments = format!(
                    "{filters}, {}, strides={}, padding=\"{padding}\"{}",
                    tuple(&kernel_size.0),
                    tuple(&strides.0),
                    self.settings(activation)
                );
                self.push(
                    format!("keras.layers.Conv2D({arguments}, name={quoted})"),
                    numpy,
                );
            }
            LayerSpec::MaxPooling2d { .. } | LayerSpec::AveragePooling2d { .. } => {
                let window = layer.shape.window.expect("pooling has a window");
                let padding = match layer.spec {
                    LayerSpec::MaxPooling2d { padding, .. }
                    | LayerSpec::AveragePooling2d { padding, .. } => padding_name(padding),
                    _ => unreachable!("matched as pooling"),
                };
                let (class, function, helper) =
                    if matches!(layer.spec, LayerSpec::MaxPooling2d { .. }) {
                        ("MaxPooling2D", "max_pooling2d", Helper::KerasMaxPooling2d)
                    } else {
                        (
                            "AveragePooling2D",
                            "average_pooling2d",
                            Helper::KerasAveragePooling2d,
                        )
                    };
                self.helpers.insert(helper);
                let arguments = format!(
                    "{}, strides={}, padding=\"{padding}\"",
                    tuple(&window.size),
                    tuple(&window.strides)
                );
                self.push(
                    format!("keras.layers.{class}({arguments}, name={quoted})"),
                    vec![format!("x = {function}(x, {arguments})")],
                );
            }
            LayerSpec::GlobalAveragePooling2d => self.push(
                format!("keras.layers.GlobalAveragePooling2D(name={quoted})"),
                vec!["x = x.mean(axis=(1, 2))".to_owned()],
            ),
        }
        self.shape = layer.shape.output.clone();
    }

    /// `, activation="relu"` (nothing for `linear`) and the kernel regularizer, if any.
    fn settings(&self, activation: Activation) -> String {
        let mut settings = String::new();
        if activation != Activation::Linear {
            settings.push_str(&format!(", activation={}", string(activation.name())));
        }
        if self.regularizer.is_some() {
            settings.push_str(", kernel_regularizer=penalty");
        }
        settings
    }

    /// The NumPy statement of `activation` (Keras's: a softmax over the last axis).
    fn activation_statement(&mut self, activation: Activation) -> Option<String> {
        let expression = match activation {
            Activation::Linear => return None,
            Activation::Relu => "np.maximum(x, 0)".to_owned(),
            Activation::LeakyRelu => {
                let slope = float(neurite::activation::LEAKY_RELU_SLOPE);
                format!("np.where(x > 0, x, {slope} * x)")
            }
            Activation::Sigmoid => {
                self.helpers.insert(Helper::Sigmoid);
                "sigmoid(x)".to_owned()
            }
            Activation::Tanh => "np.tanh(x)".to_owned(),
            Activation::Softmax => {
                self.helpers.insert(Helper::Softmax);
                "softmax(x, axis=-1)".to_owned()
            }
        };
        Some(format!("x = {expression}"))
    }
}

/// Keras's name of a padding.
fn padding_name(padding: neurite::layers::window::Padding) -> &'static str {
    match padding {
        neurite::layers::window::Padding::Valid => "valid",
        neurite::layers::window::Padding::Same => "same",
    }
}
