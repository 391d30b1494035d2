//! [`ModelSpec`]: a model's architecture as plain, serialisable data.
//!
//! The same JSON travels from the UI's controls, the URL, the CLI's `--model SPEC.json` and the
//! worker protocol, and is stored inside every model file. [`ModelSpec::validate`] is the one
//! place its ranges are checked, and [`ModelSpec::sample_bytes`] and [`ModelSpec::model_bytes`]
//! count, from the specification alone, the memory a model of it allocates to train.

use serde::{Deserialize, Serialize};

use crate::layers::Init;
use crate::layers::window::Padding;
use crate::{Activation, Error, Quantity, Reason, Result};

mod memory;
mod shapes;

pub use memory::{EVAL_BYTES, SampleBytes};

pub use shapes::{LayerShape, MAX_FILTERS, MAX_WINDOW};

/// The widest dense layer a model may have.
pub const MAX_UNITS: usize = 4096;
/// The most features one input sample may have.
pub const MAX_INPUT_FEATURES: usize = 1 << 16;
/// The most layers a model may have.
pub const MAX_LAYERS: usize = 64;

/// The most parameters (weights and biases) a model may have: 2²⁵, 128 MiB of `f32` weights
/// (256 MiB with the gradients every model keeps beside them). Training is bounded further, by
/// [`crate::config::MAX_TRAINING_BYTES`].
pub const MAX_PARAMS: u64 = 1 << 25;

/// Checks a dense layer's width: 1 to `max` units. The engine allows [`MAX_UNITS`]; an
/// interface may offer fewer, with the same message. `field` names the value in the error.
pub fn check_units(field: &str, units: usize, max: usize) -> Result<usize> {
    if (1..=max.min(MAX_UNITS)).contains(&units) {
        Ok(units)
    } else {
        Err(Error::invalid(
            field,
            Reason::whole(Quantity::DenseUnits, units, 1, max.min(MAX_UNITS)),
        ))
    }
}

/// One layer of a [`ModelSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LayerSpec {
    /// Flattens each sample into a vector.
    Flatten,
    /// A fully connected layer, `f(x·W + b)`.
    Dense {
        /// Output width, 1 to [`MAX_UNITS`].
        units: usize,
        /// The activation `f`.
        #[serde(default)]
        activation: Activation,
        /// How the kernel starts.
        #[serde(default)]
        init: Init,
    },
    /// A standalone activation.
    Activation {
        /// The function.
        activation: Activation,
    },
    /// Inverted dropout with drop probability `rate`, in `[0, 1)`.
    Dropout {
        /// Probability of dropping each input while training.
        rate: f64,
    },
    /// A 2-D convolution over images, `f(x ⋆ W + b)`, as Keras's `Conv2D`.
    Conv2d {
        /// Kernels (output channels), 1 to [`MAX_FILTERS`].
        filters: usize,
        /// `[rows, columns]` of each kernel, 1 to [`MAX_WINDOW`].
        kernel_size: Pair,
        /// Steps between positions (default 1).
        #[serde(default = "Pair::one")]
        strides: Pair,
        /// Border handling (default `valid`).
        #[serde(default)]
        padding: Padding,
        /// The activation `f`.
        #[serde(default)]
        activation: Activation,
        /// How the kernel starts.
        #[serde(default)]
        init: Init,
    },
    /// The largest value of each window, per channel, as Keras's `MaxPooling2D`.
    MaxPooling2d {
        /// `[rows, columns]` of the window (default 2).
        #[serde(default = "Pair::two")]
        pool_size: Pair,
        /// Steps between windows (default: the window's size).
        #[serde(default)]
        strides: Option<Pair>,
        /// Border handling (default `valid`).
        #[serde(default)]
        padding: Padding,
    },
    /// The mean of each window, per channel, as Keras's `AveragePooling2D`.
    AveragePooling2d {
        /// `[rows, columns]` of the window (default 2).
        #[serde(default = "Pair::two")]
        pool_size: Pair,
        /// Steps between windows (default: the window's size).
        #[serde(default)]
        strides: Option<Pair>,
        /// Border handling (default `valid`).
        #[serde(default)]
        padding: Padding,
    },
    /// Each channel's mean over the whole image, as Keras's `GlobalAveragePooling2D`.
    GlobalAveragePooling2d,
    /// The same numbers in another shape, as Keras's `Reshape(target_shape)`: `[28, 28, 1]`
    /// makes an image of one channel, `[784]` a vector. Its sizes multiply to the input's.
    Reshape {
        /// The shape of each sample out.
        target_shape: TargetShape,
    },
}

/// A reshape's target: one to three sizes (JSON: an array, `[28, 28, 1]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<usize>", into = "Vec<usize>")]
pub struct TargetShape {
    sizes: [usize; 3],
    rank: usize,
}

impl TargetShape {
    /// `sizes` as a target, if there are one to three.
    pub fn new(sizes: &[usize]) -> Option<TargetShape> {
        let mut target = TargetShape {
            sizes: [0; 3],
            rank: sizes.len(),
        };
        target.sizes.get_mut(..sizes.len())?.copy_from_slice(sizes);
        (!sizes.is_empty()).then_some(target)
    }

    /// The sizes, outermost first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes[..self.rank]
    }
}

impl TryFrom<Vec<usize>> for TargetShape {
    type Error = String;

    fn try_from(sizes: Vec<usize>) -> std::result::Result<TargetShape, String> {
        TargetShape::new(&sizes).ok_or_else(|| {
            format!(
                "a reshape's target_shape has one to three sizes, not {}",
                sizes.len()
            )
        })
    }
}

impl From<TargetShape> for Vec<usize> {
    fn from(target: TargetShape) -> Vec<usize> {
        target.sizes().to_vec()
    }
}

/// Two sizes, `[rows, columns]`. JSON may give one number for both, as Keras takes
/// `kernel_size=3` for `(3, 3)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "PairJson", into = "[usize; 2]")]
pub struct Pair(pub [usize; 2]);

impl Pair {
    /// `[n, n]`.
    pub fn square(n: usize) -> Pair {
        Pair([n, n])
    }

    fn one() -> Pair {
        Pair::square(1)
    }

    fn two() -> Pair {
        Pair::square(2)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PairJson {
    Both(usize),
    Each([usize; 2]),
}

impl From<PairJson> for Pair {
    fn from(json: PairJson) -> Pair {
        match json {
            PairJson::Both(n) => Pair::square(n),
            PairJson::Each(pair) => Pair(pair),
        }
    }
}

impl From<Pair> for [usize; 2] {
    fn from(pair: Pair) -> [usize; 2] {
        pair.0
    }
}

impl LayerSpec {
    /// The layer's type as names show it (`dense`, `flatten`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            LayerSpec::Flatten => "flatten",
            LayerSpec::Dense { .. } => "dense",
            LayerSpec::Activation { .. } => "activation",
            LayerSpec::Dropout { .. } => "dropout",
            LayerSpec::Conv2d { .. } => "conv2d",
            LayerSpec::MaxPooling2d { .. } => "max_pooling2d",
            LayerSpec::AveragePooling2d { .. } => "average_pooling2d",
            LayerSpec::GlobalAveragePooling2d => "global_average_pooling2d",
            LayerSpec::Reshape { .. } => "reshape",
        }
    }

    /// Whether the layer holds weights (dense and convolution layers).
    pub fn has_weights(&self) -> bool {
        matches!(self, LayerSpec::Dense { .. } | LayerSpec::Conv2d { .. })
    }
}

/// A sequential model's architecture: the shape of one input sample and the layers in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// The shape of one sample, e.g. `[28, 28]` for MNIST.
    pub input_shape: Vec<usize>,
    /// The layers, input to output.
    pub layers: Vec<LayerSpec>,
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec::seed_mlp()
    }
}

impl ModelSpec {
    /// The seed program's model: `Flatten(28×28) → Dense(128, relu) → Dense(10, softmax)`.
    pub fn seed_mlp() -> Self {
        ModelSpec {
            input_shape: vec![28, 28],
            layers: vec![
                LayerSpec::Flatten,
                LayerSpec::Dense {
                    units: 128,
                    activation: Activation::Relu,
                    init: Init::GlorotUniform,
                },
                LayerSpec::Dense {
                    units: 10,
                    activation: Activation::Softmax,
                    init: Init::GlorotUniform,
                },
            ],
        }
    }

    /// Keras's "Simple MNIST convnet" (`keras.io/examples/vision/mnist_convnet`): conv 32 3×3
    /// relu → max-pool 2 → conv 64 3×3 relu → max-pool 2 → flatten → dropout 0.5 → dense 10
    /// softmax; 34 826 parameters.
    pub fn keras_convnet() -> Self {
        let conv = |filters| LayerSpec::Conv2d {
            filters,
            kernel_size: Pair::square(3),
            strides: Pair::square(1),
            padding: Padding::Valid,
            activation: Activation::Relu,
            init: Init::GlorotUniform,
        };
        let pool = LayerSpec::MaxPooling2d {
            pool_size: Pair::square(2),
            strides: None,
            padding: Padding::Valid,
        };
        ModelSpec {
            input_shape: vec![28, 28, 1],
            layers: vec![
                conv(32),
                pool,
                conv(64),
                pool,
                LayerSpec::Flatten,
                LayerSpec::Dropout { rate: 0.5 },
                LayerSpec::Dense {
                    units: 10,
                    activation: Activation::Softmax,
                    init: Init::GlorotUniform,
                },
            ],
        }
    }

    /// A LeNet-5-like network (LeCun et al., 1998) with today's choices: conv 6 5×5 `same`
    /// relu → average-pool 2 → conv 16 5×5 relu → average-pool 2 → flatten → dense 120 relu →
    /// dense 84 relu → dense 10 softmax; 61 706 parameters.
    pub fn lenet() -> Self {
        let conv = |filters, padding| LayerSpec::Conv2d {
            filters,
            kernel_size: Pair::square(5),
            strides: Pair::square(1),
            padding,
            activation: Activation::Relu,
            init: Init::GlorotUniform,
        };
        let pool = LayerSpec::AveragePooling2d {
            pool_size: Pair::square(2),
            strides: None,
            padding: Padding::Valid,
        };
        let dense = |units, activation| LayerSpec::Dense {
            units,
            activation,
            init: Init::GlorotUniform,
        };
        ModelSpec {
            input_shape: vec![28, 28, 1],
            layers: vec![
                conv(6, Padding::Same),
                pool,
                conv(16, Padding::Valid),
                pool,
                LayerSpec::Flatten,
                dense(120, Activation::Relu),
                dense(84, Activation::Relu),
                dense(10, Activation::Softmax),
            ],
        }
    }

    /// Reads a specification from JSON, with a message that names what is wrong.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| Error::invalid("model", Reason::Text(e.to_string())))
    }

    /// The specification as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a model spec always serialises")
    }

    /// Features per input sample (the product of `input_shape`), saturating at `usize::MAX`
    /// for a shape [`ModelSpec::validate`] refuses.
    pub fn input_features(&self) -> usize {
        self.input_shape
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(d))
            .unwrap_or(usize::MAX)
    }

    /// Each layer's name, Keras-like and numbered per type from 1: `flatten_1`, `dense_1`, ….
    pub fn layer_names(&self) -> Vec<String> {
        let mut counts = std::collections::HashMap::<&str, usize>::new();
        self.layers
            .iter()
            .map(|layer| {
                let count = counts.entry(layer.type_name()).or_default();
                *count += 1;
                format!("{}_{count}", layer.type_name())
            })
            .collect()
    }

    /// Each parameter tensor the model holds, input to output: its name (`dense_1.kernel`) and
    /// shape (Keras's layouts: a dense kernel is `[inputs, units]`, a convolution's
    /// `[kh, kw, in, out]`), computed from the specification alone — nothing is allocated — so
    /// that a model file's tensors can be checked before the model is built. Empty for a
    /// specification whose shapes do not chain ([`ModelSpec::layer_shapes`]).
    pub fn param_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let Ok(shapes) = self.layer_shapes() else {
            return Vec::new();
        };
        let mut params = Vec::new();
        for ((layer, name), shape) in self.layers.iter().zip(self.layer_names()).zip(shapes) {
            let (kernel, bias) = match *layer {
                LayerSpec::Dense { units, .. } => (vec![shape.input[0], units], units),
                LayerSpec::Conv2d {
                    filters,
                    kernel_size: Pair([kh, kw]),
                    ..
                } => {
                    let channels = shape.input.get(2).copied().unwrap_or(1);
                    (vec![kh, kw, channels, filters], filters)
                }
                _ => continue,
            };
            params.push((format!("{name}.kernel"), kernel));
            params.push((format!("{name}.bias"), vec![bias]));
        }
        params
    }

    /// The number of parameters, in checked arithmetic (saturating at `u64::MAX`, which it
    /// also is for a specification whose shapes do not chain).
    pub fn param_count(&self) -> u64 {
        if self.layer_shapes().is_err() {
            return u64::MAX;
        }
        self.param_shapes()
            .iter()
            .map(|(_, shape)| {
                shape
                    .iter()
                    .try_fold(1u64, |n, &d| n.checked_mul(d as u64))
                    .unwrap_or(u64::MAX)
            })
            .fold(0u64, u64::saturating_add)
    }

    /// Checks every range: a non-empty input, at least one layer with weights, every layer's
    /// own ranges and shapes ([`ModelSpec::layer_shapes`]: widths from 1 to [`MAX_UNITS`],
    /// dropout rates in `[0, 1)`, a flatten before dense layers, images for convolutions and
    /// pooling, windows that fit), at most [`MAX_PARAMS`] parameters in all, and one sample's
    /// training within [`crate::config::MAX_TRAINING_BYTES`].
    pub fn validate(&self) -> Result<()> {
        self.check_input_shape()?;
        if self.layers.is_empty() {
            return Err(Error::invalid("layers", Reason::EmptyModel));
        }
        if self.layers.len() > MAX_LAYERS {
            return Err(Error::invalid(
                "layers",
                Reason::TooManyLayers {
                    got: self.layers.len(),
                    max: MAX_LAYERS,
                },
            ));
        }
        if !self.layers.iter().any(LayerSpec::has_weights) {
            return Err(Error::invalid("layers", Reason::NoWeights));
        }
        self.layer_shapes()?;
        let params = self.param_count();
        if params > MAX_PARAMS {
            return Err(Error::invalid(
                "layers",
                Reason::TooManyParams {
                    got: params,
                    max: MAX_PARAMS,
                },
            ));
        }
        // Within the parameter bound, a convolution over a large image can still need
        // gigabytes for one sample (its patches, its output): the model must train, or even
        // predict, one sample at a time within the training bound.
        let one_sample = self
            .model_bytes()
            .saturating_add(self.sample_bytes().training_batch(1));
        if one_sample > crate::config::MAX_TRAINING_BYTES {
            return Err(Error::invalid(
                "layers",
                Reason::TrainingMemory {
                    needs: one_sample,
                    max: crate::config::MAX_TRAINING_BYTES,
                    largest_batch_size: None,
                },
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dense(units: usize) -> LayerSpec {
        LayerSpec::Dense {
            units,
            activation: Activation::Relu,
            init: Init::GlorotUniform,
        }
    }

    #[test]
    fn parameter_shapes_are_those_of_the_built_model() {
        let specs = [
            ModelSpec::seed_mlp(),
            ModelSpec {
                input_shape: vec![5],
                layers: vec![
                    dense(7),
                    LayerSpec::Dropout { rate: 0.5 },
                    dense(3),
                    LayerSpec::Activation {
                        activation: Activation::Tanh,
                    },
                    dense(2),
                ],
            },
        ];
        for spec in specs {
            let model = crate::Sequential::<f32>::from_spec(&spec, 1).unwrap();
            let built: Vec<(String, Vec<usize>)> = model
                .named_params()
                .into_iter()
                .map(|(name, p)| (name, p.shape))
                .collect();
            assert_eq!(spec.param_shapes(), built);
            assert_eq!(spec.param_count(), model.param_count() as u64);
        }
        assert_eq!(ModelSpec::seed_mlp().param_count(), 101_770);
    }

    #[test]
    fn a_model_over_the_parameter_bound_is_refused_before_anything_is_built() {
        // 60 dense layers of 4 096 units: each within the per-layer bound, a billion weights in
        // all (4 GB of f32).
        let mut layers = vec![LayerSpec::Flatten];
        layers.extend((0..60).map(|_| dense(4096)));
        let spec = ModelSpec {
            input_shape: vec![28, 28],
            layers,
        };
        let expected = 784 * 4096 + 4096 + 59 * (4096 * 4096 + 4096);
        assert_eq!(spec.param_count(), expected);
        match spec.validate() {
            Err(Error::InvalidConfig {
                field,
                reason: Reason::TooManyParams { got, max },
            }) => assert_eq!((field.as_str(), got, max), ("layers", expected, MAX_PARAMS)),
            other => panic!("{other:?}"),
        }
        // Just under the bound is fine: 784 → 4096 → 4096 → 10 (20 million).
        let under = ModelSpec {
            input_shape: vec![28, 28],
            layers: vec![LayerSpec::Flatten, dense(4096), dense(4096), dense(10)],
        };
        assert!(under.validate().is_ok());
    }

    #[test]
    fn a_convolution_too_big_for_one_sample_is_refused_before_anything_is_built() {
        // A million parameters, within their bound, but 65 536 positions × 1 024 patch values
        // per sample: a gigabyte of patches for one image.
        let spec = ModelSpec {
            input_shape: vec![256, 256],
            layers: vec![
                LayerSpec::Conv2d {
                    filters: 1024,
                    kernel_size: Pair::square(32),
                    strides: Pair::square(1),
                    padding: Padding::Same,
                    activation: Activation::Relu,
                    init: Init::GlorotUniform,
                },
                LayerSpec::GlobalAveragePooling2d,
                dense(10),
            ],
        };
        assert!(spec.param_count() < MAX_PARAMS);
        match spec.validate() {
            Err(Error::InvalidConfig {
                field,
                reason:
                    Reason::TrainingMemory {
                        needs,
                        largest_batch_size: None,
                        ..
                    },
            }) => assert!(field == "layers" && needs > 1 << 30, "{field} {needs}"),
            other => panic!("{other:?}"),
        }
        assert!(ModelSpec::keras_convnet().validate().is_ok());
        assert!(ModelSpec::lenet().validate().is_ok());
    }

    #[test]
    fn seed_model_is_valid_and_named_like_keras() {
        let spec = ModelSpec::seed_mlp();
        spec.validate().unwrap();
        assert_eq!(spec.layer_names(), ["flatten_1", "dense_1", "dense_2"]);
        assert_eq!(spec.input_features(), 784);
    }

    #[test]
    fn spec_round_trips_through_json_with_defaults_filled_in() {
        let json =
            r#"{"input_shape":[28,28],"layers":[{"type":"flatten"},{"type":"dense","units":10}]}"#;
        let spec = ModelSpec::from_json(json).unwrap();
        assert_eq!(
            spec.layers[1],
            LayerSpec::Dense {
                units: 10,
                activation: Activation::Linear,
                init: Init::GlorotUniform
            }
        );
        assert_eq!(ModelSpec::from_json(&spec.to_json()).unwrap(), spec);
    }

    #[test]
    fn unknown_layer_type_is_a_config_error() {
        let err = ModelSpec::from_json(r#"{"input_shape":[4],"layers":[{"type":"conv3d"}]}"#)
            .unwrap_err();
        assert!(err.to_string().contains("conv3d"), "{err}");
    }

    #[test]
    fn bad_architectures_are_refused_with_the_field_named() {
        let cases: Vec<(ModelSpec, &str)> = vec![
            (
                ModelSpec {
                    input_shape: vec![4],
                    layers: vec![],
                },
                "layers",
            ),
            (
                ModelSpec {
                    input_shape: vec![4],
                    layers: vec![LayerSpec::Flatten],
                },
                "layers",
            ),
            (
                ModelSpec {
                    input_shape: vec![4],
                    layers: vec![dense(0)],
                },
                "layers[0].units",
            ),
            (
                ModelSpec {
                    input_shape: vec![4],
                    layers: vec![dense(4097)],
                },
                "layers[0].units",
            ),
            (
                ModelSpec {
                    input_shape: vec![0],
                    layers: vec![dense(3)],
                },
                "input_shape",
            ),
            (
                ModelSpec {
                    input_shape: vec![usize::MAX, 2],
                    layers: vec![dense(3)],
                },
                "input_shape",
            ),
            (
                ModelSpec {
                    input_shape: vec![28, 28],
                    layers: vec![dense(3)],
                },
                "layers[0]",
            ),
            (
                ModelSpec {
                    input_shape: vec![4],
                    layers: vec![LayerSpec::Dropout { rate: 1.0 }, dense(2)],
                },
                "layers[0].rate",
            ),
            (
                ModelSpec {
                    input_shape: vec![4],
                    layers: vec![LayerSpec::Dropout { rate: f64::NAN }, dense(2)],
                },
                "layers[0].rate",
            ),
        ];
        for (spec, field) in cases {
            match spec.validate() {
                Err(Error::InvalidConfig { field: f, .. }) => assert_eq!(f, field, "{spec:?}"),
                other => panic!("{spec:?}: expected an error on {field}, got {other:?}"),
            }
        }
    }
}
