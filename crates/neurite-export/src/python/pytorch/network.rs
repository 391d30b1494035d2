//! The network as PyTorch modules, each with the NumPy statements that compute it: the body of
//! `build_model()` and of `numpy_forward()`, and where each weight goes.
//!
//! Inside the network, images are `[N, C, H, W]`, as torch's layers take them; the rows in and
//! out are Neurite's. A Neurite layer maps to modules as follows:
//!
//! | layer | modules |
//! |---|---|
//! | `dense` | `nn.Linear(in, out)`, its weight the kernel transposed; the activation (a final softmax or sigmoid is left to `probabilities()`) |
//! | `conv2d` | `nn.Conv2d`, its weight the kernel as `[out, in, kh, kw]`; uneven `same` padding (the odd cell after) as an `nn.ZeroPad2d` before it |
//! | `max_pooling2d` | `nn.MaxPool2d`; uneven padding as an `nn.ConstantPad2d` of −∞ before it |
//! | `average_pooling2d` | `nn.AvgPool2d(count_include_pad=False)`; uneven padding with `AvgPool2dSame` |
//! | `global_average_pooling2d` | `nn.AdaptiveAvgPool2d(1)`, `nn.Flatten()` |
//! | `flatten` | `nn.Flatten()`, after a `Permute` to channels last: Neurite flattens `[h, w, c]` |
//! | `reshape` | nothing on rows (the numbers keep their order); from images, back to rows |
//! | `activation` | `nn.ReLU`, `nn.LeakyReLU(0.2)`, `nn.Sigmoid`, `nn.Tanh`, `nn.Softmax` over the last axis of the sample's shape |
//! | `dropout` | `nn.Dropout(rate)` (the identity at inference) |

use std::collections::BTreeSet;

use neurite::activation::LEAKY_RELU_SLOPE;
use neurite::layers::window::{Image, Window};
use neurite::{Activation, LayerSpec};

use crate::python::literal::{float, tuple};
use crate::python::numpy_helpers::Helper;
use crate::source::{Pads, SourceLayer, SourceModel};

/// A module class the script defines, as torch has none for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CustomModule {
    /// `torch.permute` as a layer.
    Permute,
    /// Average pooling with uneven `same` padding.
    AvgPool2dSame,
}

/// What a module with weights is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightLayout {
    /// `nn.Linear`: the weight is the `[in, out]` kernel transposed.
    Linear,
    /// `nn.Conv2d`: the weight is the `[kh, kw, in, out]` kernel as `[out, in, kh, kw]`.
    Conv2d,
}

/// A module of the Sequential that holds the weights of a layer of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedModule {
    /// Its index in the Sequential: its state dict keys are `{index}.weight`, `{index}.bias`.
    pub index: usize,
    /// The file's layer, `conv2d_1`.
    pub layer: String,
    /// How its weight is laid out.
    pub layout: WeightLayout,
}

/// One line of the Sequential: a module, or a comment in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    /// A module, a comment on it (possibly empty) and the NumPy statements it stands for.
    Module {
        module: String,
        comment: String,
        numpy: Vec<String>,
    },
    /// A comment, written in both functions.
    Note(String),
}

/// How the value inside the network is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `[N, features]`, each sample's numbers in Neurite's order.
    Rows,
    /// `[N, C, H, W]`.
    ChannelsFirst,
}

/// The network, lowered to torch modules.
#[derive(Debug, Clone)]
pub struct TorchNetwork {
    lines: Vec<Line>,
    /// The modules with weights.
    pub weighted: Vec<WeightedModule>,
    /// The NumPy helpers `numpy_forward()` calls.
    pub helpers: BTreeSet<Helper>,
    /// The module classes `build_model()` defines.
    pub custom_modules: BTreeSet<CustomModule>,
    /// The activation left out of the Sequential, applied by `probabilities()`.
    pub head: Option<Activation>,
    /// Whether the network turns its rows into images anywhere.
    pub has_images: bool,
    layout: Layout,
    shape: Vec<usize>,
}

impl TorchNetwork {
    /// Lowers `model`'s layers.
    pub fn of(model: &SourceModel) -> TorchNetwork {
        let mut network = TorchNetwork {
            lines: Vec::new(),
            weighted: Vec::new(),
            helpers: BTreeSet::new(),
            custom_modules: BTreeSet::new(),
            head: model.head(),
            has_images: false,
            layout: Layout::Rows,
            shape: model.spec.input_shape.clone(),
        };
        let last = model.layers.len() - 1;
        for (i, layer) in model.layers.iter().enumerate() {
            network.layer(layer, i == last);
        }
        if network.layout == Layout::ChannelsFirst {
            network.switch_to_rows("the outputs as rows, channels last");
        }
        match network.head {
            Some(Activation::Softmax) => network.helpers.insert(Helper::Softmax),
            Some(_) => network.helpers.insert(Helper::Sigmoid),
            None => false,
        };
        network
    }

    /// The items of `nn.Sequential(...)`, one per line at 8 spaces.
    pub fn sequential_items(&self) -> String {
        self.lines
            .iter()
            .map(|line| match line {
                Line::Module {
                    module, comment, ..
                } if comment.is_empty() => {
                    format!("        {module},\n")
                }
                Line::Module {
                    module, comment, ..
                } => format!("        {module},  # {comment}\n"),
                Line::Note(note) => format!("        # {note}\n"),
            })
            .collect()
    }

    /// The statements of `numpy_forward()` before its `return`, at 4 spaces.
    pub fn numpy_statements(&self) -> String {
        let mut statements = String::new();
        for line in &self.lines {
            match line {
                Line::Module { numpy, .. } => {
                    for statement in numpy {
                        statements.push_str(&format!("    {statement}\n"));
                    }
                }
                Line::Note(note) => statements.push_str(&format!("    # {note}\n")),
            }
        }
        statements
    }

    fn module(&mut self, module: String, comment: impl Into<String>, numpy: &[String]) {
        self.lines.push(Line::Module {
            module,
            comment: comment.into(),
            numpy: numpy.to_vec(),
        });
    }

    /// The index the next module will have in the Sequential.
    fn next_index(&self) -> usize {
        self.lines
            .iter()
            .filter(|line| matches!(line, Line::Module { .. }))
            .count()
    }

    fn layer(&mut self, layer: &SourceLayer, is_last: bool) {
        let name = layer.name.as_str();
        let image = || layer.input_image().expect("windows read images");
        let window = || {
            layer
                .shape
                .window
                .expect("convolutions and pooling have windows")
        };
        let pads = || layer.pads().expect("windows have padding");
        let activation = match layer.spec {
            LayerSpec::Flatten => {
                match self.layout {
                    Layout::ChannelsFirst => self.switch_to_rows(name),
                    Layout::Rows => self.module(
                        "nn.Flatten()".into(),
                        name,
                        &["x = x.reshape(len(x), -1)".into()],
                    ),
                }
                None
            }
            LayerSpec::Reshape { target_shape } => {
                let note = format!(
                    "{name}: to {:?}, the same numbers in the same order",
                    target_shape.sizes()
                );
                match self.layout {
                    Layout::ChannelsFirst => self.switch_to_rows(&note),
                    Layout::Rows => self.lines.push(Line::Note(note)),
                }
                None
            }
            LayerSpec::Dense {
                units, activation, ..
            } => {
                let inputs = layer.shape.input.iter().product::<usize>();
                let index = self.next_index();
                self.weighted.push(WeightedModule {
                    index,
                    layer: name.to_owned(),
                    layout: WeightLayout::Linear,
                });
                let comment = if is_last && self.head.is_some() {
                    format!("{name}, its {} in probabilities()", activation.name())
                } else {
                    name.to_owned()
                };
                let numpy =
                    format!("x = x @ weights[\"{index}.weight\"].T + weights[\"{index}.bias\"]");
                self.module(format!("nn.Linear({inputs}, {units})"), comment, &[numpy]);
                (!(is_last && self.head.is_some())).then_some(activation)
            }
            LayerSpec::Activation { activation } => {
                self.activation(activation, name);
                None
            }
            LayerSpec::Dropout { rate } => {
                self.module(
                    format!("nn.Dropout({})", float(rate)),
                    name,
                    &[format!("# {name}: the identity at inference")],
                );
                None
            }
            LayerSpec::Conv2d {
                filters,
                activation,
                ..
            } => {
                self.switch_to_channels_first(image(), name);
                self.conv2d(name, filters, &window(), pads());
                Some(activation)
            }
            LayerSpec::MaxPooling2d { .. } => {
                self.switch_to_channels_first(image(), name);
                self.max_pool2d(name, &window(), pads());
                None
            }
            LayerSpec::AveragePooling2d { .. } => {
                self.switch_to_channels_first(image(), name);
                self.avg_pool2d(name, &window(), pads());
                None
            }
            LayerSpec::GlobalAveragePooling2d => {
                self.switch_to_channels_first(image(), name);
                self.module(
                    "nn.AdaptiveAvgPool2d(1)".into(),
                    name,
                    &["x = x.mean(axis=(2, 3), keepdims=True)".into()],
                );
                self.module(
                    "nn.Flatten()".into(),
                    "",
                    &["x = x.reshape(len(x), -1)".into()],
                );
                self.layout = Layout::Rows;
                None
            }
        };
        self.shape = layer.shape.output.clone();
        if let Some(activation) = activation {
            self.activation(activation, "");
        }
    }

    /// Rows of `image` samples as `[N, C, H, W]`.
    fn switch_to_channels_first(&mut self, image: Image, layer: &str) {
        if self.layout == Layout::ChannelsFirst {
            return;
        }
        let Image {
            height: h,
            width: w,
            channels: c,
        } = image;
        if c == 1 {
            // One channel: channels last and channels first are the same order.
            let comment = format!("{layer} reads an image of one channel, [N, 1, {h}, {w}]");
            self.module(
                format!("nn.Unflatten(1, {})", tuple(&[1, h, w])),
                comment,
                &[format!("x = x.reshape(len(x), 1, {h}, {w})")],
            );
        } else {
            self.module(
                format!("nn.Unflatten(1, {})", tuple(&[h, w, c])),
                format!("{layer} reads an image, [N, {h}, {w}, {c}] in Neurite's order"),
                &[format!("x = x.reshape(len(x), {h}, {w}, {c})")],
            );
            self.custom_modules.insert(CustomModule::Permute);
            self.module(
                "Permute(0, 3, 1, 2)".into(),
                "channels first, as torch's layers take it",
                &["x = x.transpose(0, 3, 1, 2)".into()],
            );
        }
        self.layout = Layout::ChannelsFirst;
        self.has_images = true;
    }

    /// `[N, C, H, W]` images as rows, each image's numbers channels last; `comment` names why.
    fn switch_to_rows(&mut self, comment: &str) {
        let channels = self.shape.get(2).copied().unwrap_or(1);
        if channels == 1 {
            self.module(
                "nn.Flatten()".into(),
                comment,
                &["x = x.reshape(len(x), -1)".into()],
            );
        } else {
            self.custom_modules.insert(CustomModule::Permute);
            self.module(
                "Permute(0, 2, 3, 1)".into(),
                "channels last, the order of Neurite's numbers",
                &["x = x.transpose(0, 2, 3, 1)".into()],
            );
            self.module(
                "nn.Flatten()".into(),
                comment,
                &["x = x.reshape(len(x), -1)".into()],
            );
        }
        self.layout = Layout::Rows;
    }

    fn conv2d(&mut self, name: &str, filters: usize, window: &Window, pads: Pads) {
        let index_after_pad = self.next_index() + usize::from(!pads.is_symmetric());
        if !pads.is_symmetric() {
            self.zero_pad(name, pads);
        }
        let padding = if pads.is_symmetric() {
            [pads.top, pads.left]
        } else {
            [0, 0]
        };
        let inputs = window.input.channels;
        let mut module = format!(
            "nn.Conv2d({inputs}, {filters}, kernel_size={}",
            tuple(&window.size)
        );
        if window.strides != [1, 1] {
            module.push_str(&format!(", stride={}", tuple(&window.strides)));
        }
        if padding != [0, 0] {
            module.push_str(&format!(", padding={}", tuple(&padding)));
        }
        module.push(')');
        let numpy = format!(
            "x = conv2d(x, weights[\"{index_after_pad}.weight\"], weights[\"{index_after_pad}.bias\"], stride={}, padding={})",
            tuple(&window.strides),
            tuple(&padding)
        );
        self.helpers.insert(Helper::Conv2d);
        self.weighted.push(WeightedModule {
            index: index_after_pad,
            layer: name.to_owned(),
            layout: WeightLayout::Conv2d,
        });
        self.module(module, name, &[numpy]);
    }

    /// An `nn.ZeroPad2d` for uneven `same` padding.
    fn zero_pad(&mut self, name: &str, pads: Pads) {
        let sides = tuple(&[pads.left, pads.right, pads.top, pads.bottom]);
        self.helpers.insert(Helper::Pad);
        self.module(
            format!("nn.ZeroPad2d({sides})"),
            format!("{name}'s `same` padding (left, right, top, bottom)"),
            &[format!("x = pad(x, {sides})")],
        );
    }

    fn max_pool2d(&mut self, name: &str, window: &Window, pads: Pads) {
        let padding = if pads.is_symmetric() {
            [pads.top, pads.left]
        } else {
            let sides = tuple(&[pads.left, pads.right, pads.top, pads.bottom]);
            self.helpers.insert(Helper::Pad);
            self.module(
                format!("nn.ConstantPad2d({sides}, float(\"-inf\"))"),
                format!("{name}'s `same` padding, never the maximum"),
                &[format!("x = pad(x, {sides}, -np.inf)")],
            );
            [0, 0]
        };
        let mut module = format!("nn.MaxPool2d({}", tuple(&window.size));
        if window.strides != window.size {
            module.push_str(&format!(", stride={}", tuple(&window.strides)));
        }
        if padding != [0, 0] {
            module.push_str(&format!(", padding={}", tuple(&padding)));
        }
        module.push(')');
        let numpy = format!(
            "x = max_pool2d(x, {}, stride={}, padding={})",
            tuple(&window.size),
            tuple(&window.strides),
            tuple(&padding)
        );
        self.helpers.insert(Helper::MaxPool2d);
        self.module(module, name, &[numpy]);
    }

    fn avg_pool2d(&mut self, name: &str, window: &Window, pads: Pads) {
        let sides = tuple(&[pads.left, pads.right, pads.top, pads.bottom]);
        let numpy = format!(
            "x = avg_pool2d(x, {}, stride={}, padding={sides})",
            tuple(&window.size),
            tuple(&window.strides)
        );
        self.helpers.insert(Helper::AvgPool2d);
        let module = if pads.is_symmetric() {
            let mut module = format!("nn.AvgPool2d({}", tuple(&window.size));
            if window.strides != window.size {
                module.push_str(&format!(", stride={}", tuple(&window.strides)));
            }
            if !pads.is_zero() {
                module.push_str(&format!(
                    ", padding={}, count_include_pad=False",
                    tuple(&[pads.top, pads.left])
                ));
            }
            module.push(')');
            module
        } else {
            self.custom_modules.insert(CustomModule::AvgPool2dSame);
            format!(
                "AvgPool2dSame({}, {}, {sides})",
                tuple(&window.size),
                tuple(&window.strides)
            )
        };
        self.module(module, name, &[numpy]);
    }

    /// The modules of `activation` on the current value; `comment` names a standalone layer.
    fn activation(&mut self, activation: Activation, comment: &str) {
        let elementwise = |module: &str, numpy: &str| (module.to_owned(), format!("x = {numpy}"));
        let (module, numpy) = match activation {
            Activation::Linear => return,
            Activation::Relu => elementwise("nn.ReLU()", "np.maximum(x, 0)"),
            Activation::LeakyRelu => {
                let slope = float(LEAKY_RELU_SLOPE);
                elementwise(
                    &format!("nn.LeakyReLU({slope})"),
                    &format!("np.where(x > 0, x, {slope} * x)"),
                )
            }
            Activation::Sigmoid => {
                self.helpers.insert(Helper::Sigmoid);
                elementwise("nn.Sigmoid()", "sigmoid(x)")
            }
            Activation::Tanh => elementwise("nn.Tanh()", "np.tanh(x)"),
            Activation::Softmax => return self.softmax(comment),
        };
        self.module(module, comment, &[numpy]);
    }

    /// A softmax over the last axis of the sample's shape: the channels of an image, the units
    /// of a vector, the last size of rows of a multi-dimensional sample.
    fn softmax(&mut self, comment: &str) {
        self.helpers.insert(Helper::Softmax);
        match (self.layout, self.shape.as_slice()) {
            (Layout::ChannelsFirst, _) | (Layout::Rows, [_]) => self.module(
                "nn.Softmax(dim=1)".into(),
                comment,
                &["x = softmax(x, axis=1)".into()],
            ),
            (Layout::Rows, shape) => {
                let last = *shape.last().expect("a shape has a dimension");
                let cells = shape.iter().product::<usize>() / last;
                self.module(
                    format!("nn.Unflatten(1, {})", tuple(&[cells, last])),
                    format!("{comment}: a softmax over each run of {last} numbers"),
                    &[format!("x = x.reshape(len(x), {cells}, {last})")],
                );
                self.module(
                    "nn.Softmax(dim=2)".into(),
                    "",
                    &["x = softmax(x, axis=2)".into()],
                );
                self.module(
                    "nn.Flatten()".into(),
                    "",
                    &["x = x.reshape(len(x), -1)".into()],
                );
            }
        }
    }
}
