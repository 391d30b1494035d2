//! The model being exported, read from the bytes of its file: each layer with its name, its
//! shapes and its weights, and what the file says about its inputs and its training.

use neurite::layers::window::{Image, Window};
use neurite::spec::LayerShape;
use neurite::{Activation, DatasetKind, LayerSpec, ModelSpec, PixelMode, TrainConfig};

use crate::Result;

/// A model file's contents, as the exporters read them.
#[derive(Debug, Clone)]
pub struct SourceModel {
    /// The architecture.
    pub spec: ModelSpec,
    /// The layers, input to output.
    pub layers: Vec<SourceLayer>,
    /// How the model's inputs are made from `u8` pixels.
    pub pixels: PixelMode,
    /// The images the model was trained on.
    pub dataset: DatasetKind,
    /// The training configuration of a checkpoint; `None` for a plain model file.
    pub training: Option<TrainConfig>,
}

/// One layer of a [`SourceModel`].
#[derive(Debug, Clone)]
pub struct SourceLayer {
    /// Its name in the file, `dense_1`, `conv2d_2`…
    pub name: String,
    /// What it is.
    pub spec: LayerSpec,
    /// The shape of one sample in and out, and where a window lands.
    pub shape: LayerShape,
    /// The kernel and bias of a dense or convolution layer.
    pub weights: Option<Weights>,
}

/// A layer's parameters, in the file's (Keras's) layouts.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// `[inputs, units]` for a dense layer, `[kh, kw, in, out]` for a convolution.
    pub kernel: Tensor,
    /// One per unit or filter.
    pub bias: Tensor,
}

/// An `f32` tensor, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Its dimensions, outermost first.
    pub shape: Vec<usize>,
    /// Its values.
    pub values: Vec<f32>,
}

/// The cells a window's padding adds before and after each axis of its image (zero for
/// `valid`; for `same`, TensorFlow's rule, the odd cell after).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pads {
    /// Rows before the first.
    pub top: usize,
    /// Rows after the last.
    pub bottom: usize,
    /// Columns before the first.
    pub left: usize,
    /// Columns after the last.
    pub right: usize,
}

impl Pads {
    /// The padding of `window`: the cells before are the engine's own; the cells after are
    /// what the last position reaches past the image.
    pub fn of(window: &Window) -> Pads {
        let after = |axis: usize, length: usize| {
            let reach = (window.output[axis] - 1) * window.strides[axis] + window.size[axis];
            reach.saturating_sub(length + window.pad[axis])
        };
        Pads {
            top: window.pad[0],
            bottom: after(0, window.input.height),
            left: window.pad[1],
            right: after(1, window.input.width),
        }
    }

    /// Whether each axis has as many cells before as after.
    pub fn is_symmetric(&self) -> bool {
        self.top == self.bottom && self.left == self.right
    }

    /// Whether there are none.
    pub fn is_zero(&self) -> bool {
        *self == Pads::default()
    }
}

impl SourceModel {
    /// Reads a model file, or a checkpoint, from its bytes; everything the engine checks when
    /// it loads a file is checked here.
    pub fn from_bytes(bytes: &[u8]) -> Result<SourceModel> {
        let file = neurite::model_file::read(bytes)?;
        let model = file.model;
        let spec = model.spec().clone();
        let shapes = spec
            .layer_shapes()
            .expect("a model read from a file has a valid specification");
        let params = model.named_params();
        let tensor = |name: String| {
            let (_, param) = params
                .iter()
                .find(|(param_name, _)| *param_name == name)
                .expect("a layer with weights has its kernel and bias");
            Tensor {
                shape: param.shape.clone(),
                values: param.value.to_vec(),
            }
        };
        let layers = spec
            .layers
            .iter()
            .zip(spec.layer_names())
            .zip(shapes)
            .map(|((&layer, name), shape)| SourceLayer {
                weights: layer.has_weights().then(|| Weights {
                    kernel: tensor(format!("{name}.kernel")),
                    bias: tensor(format!("{name}.bias")),
                }),
                name,
                spec: layer,
                shape,
            })
            .collect();
        Ok(SourceModel {
            spec,
            layers,
            pixels: model.pixels(),
            dataset: model.dataset(),
            training: file.training.map(|state| state.config.training.clone()),
        })
    }

    /// Numbers per input sample.
    pub fn input_features(&self) -> usize {
        self.spec.input_features()
    }

    /// Numbers per output sample.
    pub fn output_features(&self) -> usize {
        self.layers
            .last()
            .map_or(self.input_features(), |layer| layer.shape.output_features())
    }

    /// The activation the engine keeps apart from the last layer, as Keras does, to fuse it
    /// with the loss: the softmax or sigmoid of a final dense layer.
    pub fn head(&self) -> Option<Activation> {
        match self.layers.last()?.spec {
            LayerSpec::Dense {
                activation: activation @ (Activation::Softmax | Activation::Sigmoid),
                ..
            } => Some(activation),
            _ => None,
        }
    }

    /// The number of parameters.
    pub fn param_count(&self) -> usize {
        self.layers
            .iter()
            .filter_map(|layer| layer.weights.as_ref())
            .map(|w| w.kernel.values.len() + w.bias.values.len())
            .sum()
    }
}

impl SourceLayer {
    /// The image the layer reads, for a convolution or a pooling layer (`[h, w]` is one
    /// channel).
    pub fn input_image(&self) -> Option<Image> {
        Image::from_shape(&self.shape.input)
    }

    /// The padding of a convolution's or a pooling layer's window.
    pub fn pads(&self) -> Option<Pads> {
        self.shape.window.as_ref().map(Pads::of)
    }
}
