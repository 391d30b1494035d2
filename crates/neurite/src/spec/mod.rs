//! [`ModelSpec`]: a model's architecture as plain, serialisable data.
//!
//! The same JSON travels from the UI's controls, the URL, the CLI's `--model SPEC.json` and the
//! worker protocol, and is stored inside every model file. [`ModelSpec::validate`] is the one
//! place its ranges are checked, and [`ModelSpec::sample_bytes`] and [`ModelSpec::model_bytes`]
//! count, from the specification alone, the memory a model of it allocates to train.

use serde::{Deserialize, Serialize};

use crate::kernels::sparse::MAX_DENSITY;
use crate::layers::Init;
use crate::{Activation, Bound, Error, Quantity, Reason, Result};

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

/// Bytes of one number as the engine trains: `f32`.
const FLOAT_BYTES: u64 = 4;
/// Bytes of a column or row index in a sparse copy of a batch (`u32`).
const INDEX_BYTES: u64 = 4;
/// Bytes of an offset into a sparse copy (`usize`: 8 natively, 4 in wasm32).
const OFFSET_BYTES: u64 = size_of::<usize>() as u64;
/// Bytes of a label (`u8`).
const LABEL_BYTES: u64 = 1;
/// `Vec` growth: a buffer grown by `resize` or `push` may hold up to twice what it was asked
/// for (each growth at least doubles the capacity).
const GROWTH: u64 = 2;
/// Bytes per layer for what does not scale with widths: names, boxes, shapes, the per-step
/// lists of parameter views.
const BOOKKEEPING_BYTES_PER_LAYER: u64 = 512;

/// How `matrixmultiply` blocks an `f32` product `(m × k)·(k × n)`, for the working buffer it
/// allocates and frees around each one: it packs at most `MC` rows by `KC` of the left
/// operand and `KC` by `NC` columns of the right one (its defaults: 64, 256, 1 024), each
/// rounded up to its kernel's tile (at most 16), plus its alignment (at most 64 bytes).
const PACKED_ROWS: u64 = 64;
const PACKED_DEPTH: u64 = 256;
const PACKED_COLUMNS: u64 = 1024;
const PACKED_TILE: u64 = 16;
const PACKING_ALIGNMENT_BYTES: u64 = 64;

/// The working buffer of one `(m × k)·(k × n)` product, in bytes (see [`PACKED_ROWS`]).
fn packing_bytes(m: u64, k: u64, n: u64) -> u64 {
    let tiles = |x: u64| x.div_ceil(PACKED_TILE) * PACKED_TILE;
    let (m, k, n) = (
        m.min(PACKED_ROWS),
        k.min(PACKED_DEPTH),
        n.min(PACKED_COLUMNS),
    );
    k * (tiles(m) + tiles(n)) * FLOAT_BYTES + PACKING_ALIGNMENT_BYTES
}

/// A dense layer's widths, for counting memory (see [`ModelSpec::sample_bytes`]).
#[derive(Debug, Clone, Copy)]
struct DenseLayer {
    inputs: u64,
    units: u64,
    /// The sparse copies of its input the model keeps: two for the first dense layer when only
    /// flatten layers come before it (pixels then go straight to a copy of the model's, which
    /// it swaps with the layer's own), one otherwise.
    sparse_copies: u64,
}

/// The bytes a model keeps per sample of a batch, training in `f32`, by kind: what
/// [`ModelSpec::sample_bytes`] counts. Every figure saturates at `u64::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SampleBytes {
    /// The input batch, each layer's output, the gradient of each, and the probabilities.
    pub activations: u64,
    /// One more set of those outputs and probabilities: when the batch height changes, the old
    /// buffers live until their replacements are built.
    pub reallocation: u64,
    /// Each dropout layer's mask (rate above 0), allocated by training passes only.
    pub dropout_masks: u64,
    /// Each dense layer's sparse copy of its input (two for the first dense layer when pixels
    /// can go straight to it), sized for every input to be non-zero: one index and one value
    /// per input.
    pub sparse_scratch: u64,
    /// What those copies index by column (at most [`MAX_DENSITY`] of the inputs, twice that
    /// after `Vec` growth), their row offsets, and the labels of the training and evaluation
    /// batches.
    pub sparse_entries: u64,
}

impl SampleBytes {
    /// The bytes of `rows` samples of every buffer a training pass keeps (all but
    /// [`SampleBytes::reallocation`]).
    pub fn training_batch(&self, rows: u64) -> u64 {
        [
            self.activations,
            self.dropout_masks,
            self.sparse_scratch,
            self.sparse_entries,
        ]
        .into_iter()
        .fold(0u64, u64::saturating_add)
        .saturating_mul(rows)
    }
}

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
}

impl LayerSpec {
    /// The layer's type as names show it (`dense`, `flatten`, …).
    pub fn type_name(&self) -> &'static str {
        match self {
            LayerSpec::Flatten => "flatten",
            LayerSpec::Dense { .. } => "dense",
            LayerSpec::Activation { .. } => "activation",
            LayerSpec::Dropout { .. } => "dropout",
        }
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
    /// shape (a dense kernel is `[inputs, units]`, Keras's layout), computed from the
    /// specification alone — nothing is allocated — so that a model file's tensors can be
    /// checked before the model is built.
    pub fn param_shapes(&self) -> Vec<(String, Vec<usize>)> {
        let mut features = self.input_features();
        let mut shapes = Vec::new();
        for (layer, name) in self.layers.iter().zip(self.layer_names()) {
            if let LayerSpec::Dense { units, .. } = *layer {
                shapes.push((format!("{name}.kernel"), vec![features, units]));
                shapes.push((format!("{name}.bias"), vec![units]));
                features = units;
            }
        }
        shapes
    }

    /// The number of parameters, in checked arithmetic (saturating at `u64::MAX`).
    pub fn param_count(&self) -> u64 {
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

    /// Each dense layer's widths, and how many sparse copies of its input the model keeps.
    fn dense_layers(&self) -> Vec<DenseLayer> {
        let mut features = self.input_features() as u64;
        let mut only_flatten_so_far = true;
        let mut dense = Vec::new();
        for layer in &self.layers {
            match *layer {
                LayerSpec::Dense { units, .. } => {
                    dense.push(DenseLayer {
                        inputs: features,
                        units: units as u64,
                        sparse_copies: if only_flatten_so_far { 2 } else { 1 },
                    });
                    features = units as u64;
                    only_flatten_so_far = false;
                }
                LayerSpec::Flatten => {}
                LayerSpec::Activation { .. } | LayerSpec::Dropout { .. } => {
                    only_flatten_so_far = false;
                }
            }
        }
        dense
    }

    /// What a model of this specification keeps per sample of a batch while it trains in
    /// `f32`, counted from the layers as [`crate::Sequential`] allocates them: the model's
    /// activation and gradient buffers, dropout masks, and the sparse copies each dense layer
    /// makes of its input (`kernels::sparse::SparseRows`). Nothing is allocated; any
    /// specification, even one [`ModelSpec::validate`] refuses, gives an answer (saturated)
    /// without overflowing.
    pub fn sample_bytes(&self) -> SampleBytes {
        let mut features = self.input_features() as u64;
        // The input batch is the first buffer; each layer adds its output.
        let mut widths = features;
        let mut masked = 0u64;
        for layer in &self.layers {
            match *layer {
                LayerSpec::Dense { units, .. } => features = units as u64,
                LayerSpec::Dropout { rate } if rate > 0.0 => {
                    masked = masked.saturating_add(features);
                }
                _ => {}
            }
            widths = widths.saturating_add(features);
        }
        let (sparse_inputs, sparse_buffers) =
            self.dense_layers()
                .iter()
                .fold((0u64, 0u64), |(inputs, buffers), layer| {
                    (
                        inputs.saturating_add(layer.inputs.saturating_mul(layer.sparse_copies)),
                        buffers + layer.sparse_copies,
                    )
                });
        let one_set = widths.saturating_add(features).saturating_mul(FLOAT_BYTES);
        let by_column = sparse_inputs as f64
            * (INDEX_BYTES + FLOAT_BYTES) as f64
            * (GROWTH as f64 * MAX_DENSITY);
        SampleBytes {
            activations: widths.saturating_mul(FLOAT_BYTES).saturating_add(one_set),
            reallocation: one_set,
            dropout_masks: masked.saturating_mul(FLOAT_BYTES),
            sparse_scratch: sparse_inputs.saturating_mul(INDEX_BYTES + FLOAT_BYTES),
            // A float to integer cast saturates.
            sparse_entries: (by_column.ceil() as u64)
                .saturating_add(sparse_buffers * GROWTH * OFFSET_BYTES)
                .saturating_add(2 * GROWTH * LABEL_BYTES),
        }
    }

    /// Bytes a model of this specification holds whatever its batch size, training in `f32`:
    /// every parameter and its gradient, the by-column index of each sparse copy (two offsets
    /// per input, see [`ModelSpec::sample_bytes`]), bookkeeping, and the working buffer of
    /// its largest matrix product. Saturates at `u64::MAX`.
    pub fn model_bytes(&self) -> u64 {
        let dense = self.dense_layers();
        // `col_starts` (one more than the inputs) and `col_cursor`, per copy.
        let column_offsets = dense
            .iter()
            .map(|layer| {
                (layer.inputs.saturating_mul(2).saturating_add(1))
                    .saturating_mul(layer.sparse_copies)
            })
            .fold(0u64, u64::saturating_add);
        // A dense layer's products, with the batch's dimension as large as packing takes it:
        // x·W (batch × inputs by inputs × units), xᵀ·∂Z (inputs × batch by batch × units),
        // ∂Z·Wᵀ (batch × units by units × inputs).
        let workspace = dense
            .iter()
            .flat_map(|&DenseLayer { inputs, units, .. }| {
                [
                    packing_bytes(u64::MAX, inputs, units),
                    packing_bytes(inputs, u64::MAX, units),
                    packing_bytes(u64::MAX, units, inputs),
                ]
            })
            .max()
            .unwrap_or(0);
        self.param_count()
            .saturating_mul(2 * FLOAT_BYTES)
            .saturating_add(column_offsets.saturating_mul(OFFSET_BYTES))
            .saturating_add((self.layers.len() as u64).saturating_mul(BOOKKEEPING_BYTES_PER_LAYER))
            .saturating_add(workspace)
    }

    /// Checks every range: a non-empty input, at least one dense layer, widths from 1 to
    /// [`MAX_UNITS`], dropout rates in `[0, 1)`, a flatten before layers that need flat input,
    /// and at most [`MAX_PARAMS`] parameters in all.
    pub fn validate(&self) -> Result<()> {
        if self.input_shape.is_empty() || self.input_shape.contains(&0) {
            return Err(Error::invalid(
                "input_shape",
                Reason::ZeroDimension {
                    input_shape: self.input_shape.clone(),
                },
            ));
        }
        let features = self
            .input_shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .filter(|&f| f <= MAX_INPUT_FEATURES);
        if features.is_none() {
            return Err(Error::invalid(
                "input_shape",
                Reason::TooManyFeatures {
                    input_shape: self.input_shape.clone(),
                    max: MAX_INPUT_FEATURES,
                },
            ));
        }
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
        if !self
            .layers
            .iter()
            .any(|l| matches!(l, LayerSpec::Dense { .. }))
        {
            return Err(Error::invalid("layers", Reason::NoDenseLayer));
        }
        let mut flat = self.input_shape.len() == 1;
        for (i, layer) in self.layers.iter().enumerate() {
            match *layer {
                LayerSpec::Flatten => flat = true,
                LayerSpec::Dense { units, .. } => {
                    check_units(&format!("layers[{i}].units"), units, MAX_UNITS)?;
                    if !flat {
                        return Err(Error::invalid(
                            format!("layers[{i}]"),
                            Reason::FlattenFirst {
                                input_shape: self.input_shape.clone(),
                            },
                        ));
                    }
                }
                LayerSpec::Dropout { rate } => {
                    if !(rate.is_finite() && (0.0..1.0).contains(&rate)) {
                        return Err(Error::invalid(
                            format!("layers[{i}].rate"),
                            Reason::range(
                                Quantity::DropoutRate,
                                rate,
                                Some(Bound::inclusive(0.0)),
                                Some(Bound::exclusive(1.0)),
                            ),
                        ));
                    }
                }
                LayerSpec::Activation { .. } => {}
            }
        }
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
        let err = ModelSpec::from_json(r#"{"input_shape":[4],"layers":[{"type":"conv2d"}]}"#)
            .unwrap_err();
        assert!(err.to_string().contains("conv2d"), "{err}");
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
