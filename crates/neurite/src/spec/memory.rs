//! What a model of a [`ModelSpec`] allocates to train, counted from the specification alone:
//! [`ModelSpec::sample_bytes`] per sample of a batch and [`ModelSpec::model_bytes`] whatever
//! the batch, so that a configuration can be refused before anything is built.

use super::{LayerSpec, ModelSpec};
use crate::kernels::sparse::MAX_DENSITY;
use crate::layers::conv2d::winograd;
use crate::metrics::EVAL_BATCH;

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
    /// Each convolution's patches (the inputs under its kernel at every position, see
    /// `layers::Conv2d`).
    pub patches: u64,
    /// Each convolution's gradient of its patches, kept by training passes of convolutions
    /// after the first layer with weights.
    pub patch_grads: u64,
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
            self.patches,
            self.patch_grads,
        ]
        .into_iter()
        .fold(0u64, u64::saturating_add)
        .saturating_mul(rows)
    }
}

/// What the per-sample buffers of one evaluation pass may hold: 64 MiB. A model whose samples
/// take more (a convolutional one) evaluates fewer than [`EVAL_BATCH`] at a time.
pub const EVAL_BYTES: u64 = 64 << 20;

impl ModelSpec {
    /// Samples per forward pass when evaluating: [`EVAL_BATCH`], or fewer (at least one) when
    /// that many would hold more than [`EVAL_BYTES`] of activations and patches.
    pub fn eval_batch(&self) -> usize {
        let per_sample = self.sample_bytes();
        let bytes = [
            per_sample.activations,
            per_sample.sparse_scratch,
            per_sample.sparse_entries,
            per_sample.patches,
        ]
        .into_iter()
        .fold(0u64, u64::saturating_add)
        .max(1);
        (EVAL_BYTES / bytes).clamp(1, EVAL_BATCH as u64) as usize
    }

    /// Each dense layer's widths, and how many sparse copies of its input the model keeps.
    fn dense_layers(&self) -> Vec<DenseLayer> {
        let mut only_flatten_so_far = true;
        let mut dense = Vec::new();
        for (layer, shape) in self
            .layers
            .iter()
            .zip(self.layer_shapes().unwrap_or_default())
        {
            match *layer {
                LayerSpec::Dense { units, .. } => {
                    dense.push(DenseLayer {
                        inputs: shape.input[0] as u64,
                        units: units as u64,
                        sparse_copies: if only_flatten_so_far { 2 } else { 1 },
                    });
                    only_flatten_so_far = false;
                }
                // Both hand their input buffer on (`Layer::passes_values_through`).
                LayerSpec::Flatten | LayerSpec::Reshape { .. } => {}
                _ => only_flatten_so_far = false,
            }
        }
        dense
    }

    /// What a model of this specification keeps per sample of a batch while it trains in
    /// `f32`, counted from the layers as [`crate::Sequential`] allocates them: the model's
    /// activation and gradient buffers, dropout masks, the sparse copies each dense layer
    /// makes of its input (`kernels::sparse::SparseRows`), and the convolutions' patches.
    /// Nothing is allocated; any specification gives an answer without overflowing, saturated
    /// (every figure `u64::MAX`) for one whose shapes do not chain.
    pub fn sample_bytes(&self) -> SampleBytes {
        let Ok(shapes) = self.layer_shapes() else {
            let all = u64::MAX;
            return SampleBytes {
                activations: all,
                reallocation: all,
                dropout_masks: all,
                sparse_scratch: all,
                sparse_entries: all,
                patches: all,
                patch_grads: all,
            };
        };
        let first_with_weights = self.layers.iter().position(LayerSpec::has_weights);
        let mut features = self.input_features() as u64;
        // The input batch is the first buffer; each layer adds its output.
        let mut widths = features;
        let (mut masked, mut patches, mut patch_grads) = (0u64, 0u64, 0u64);
        for (i, (layer, shape)) in self.layers.iter().zip(&shapes).enumerate() {
            let outputs = shape.output_features() as u64;
            match *layer {
                LayerSpec::Dropout { rate } if rate > 0.0 => {
                    masked = masked.saturating_add(features);
                }
                LayerSpec::Conv2d { .. }
                    if shape.window.as_ref().is_some_and(winograd::applies) =>
                {
                    // The transformed tiles and their products, reused by the backward pass.
                    let window = shape.window.expect("a convolution has a window");
                    let values = winograd::sample_values(&window, shape.output[2]);
                    patches = patches.saturating_add((values as u64).saturating_mul(FLOAT_BYTES));
                }
                LayerSpec::Conv2d { .. } => {
                    let window = shape.window.expect("a convolution has a window");
                    let unrolled = (window.positions() as u64)
                        .saturating_mul((window.size[0] * window.size[1]) as u64)
                        .saturating_mul(window.input.channels as u64)
                        .saturating_mul(FLOAT_BYTES);
                    // The kept patches' rows and their output gradients.
                    let kept = (window.positions() as u64).saturating_mul(
                        (shape.output[2] as u64)
                            .saturating_mul(FLOAT_BYTES)
                            .saturating_add(size_of::<usize>() as u64),
                    );
                    patches = patches.saturating_add(unrolled).saturating_add(kept);
                    let copies = if first_with_weights.is_some_and(|first| i > first) {
                        2
                    } else {
                        1
                    };
                    patch_grads = patch_grads.saturating_add(unrolled.saturating_mul(copies));
                }
                _ => {}
            }
            features = outputs;
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
            patches,
            patch_grads,
        }
    }

    /// Bytes a model of this specification holds whatever its batch size, training in `f32`:
    /// every parameter and its gradient, the by-column index of each sparse copy (two offsets
    /// per input, see [`ModelSpec::sample_bytes`]), bookkeeping, and the working buffer of
    /// its largest matrix product. Saturates at `u64::MAX` (which it is for a specification
    /// whose shapes do not chain).
    pub fn model_bytes(&self) -> u64 {
        let Ok(shapes) = self.layer_shapes() else {
            return u64::MAX;
        };
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
        // ∂Z·Wᵀ (batch × units by units × inputs); a convolution's the same with its patches
        // (depth kh·kw·in) for x and its filters for units.
        let products = dense
            .iter()
            .map(|&DenseLayer { inputs, units, .. }| (inputs, units))
            .chain(shapes.iter().filter_map(|shape| {
                let w = shape
                    .window
                    .filter(|_| shape.input.len() >= 2 && shape.output.len() == 3)?;
                // Winograd's products are `[tiles, in]·[in, filters]`.
                let depth = if winograd::applies(&w) {
                    w.input.channels
                } else {
                    w.size[0] * w.size[1] * w.input.channels
                };
                Some((depth as u64, shape.output[2] as u64))
            }));
        let workspace = products
            .flat_map(|(inputs, units)| {
                [
                    packing_bytes(u64::MAX, inputs, units),
                    packing_bytes(inputs, u64::MAX, units),
                    packing_bytes(u64::MAX, units, inputs),
                ]
            })
            .max()
            .unwrap_or(0);
        // Each convolution's kernel transposed, for the gradient of its patches; Winograd's
        // transformed kernel, its transpose and gradient, and its scratch tiles instead.
        let transposed_kernels = self
            .layers
            .iter()
            .zip(&shapes)
            .filter(|(layer, _)| matches!(layer, LayerSpec::Conv2d { .. }))
            .filter_map(|(_, shape)| {
                let w = shape.window?;
                let filters = shape.output[2];
                Some(if winograd::applies(&w) {
                    winograd::fixed_values(&w, filters)
                } else {
                    w.size[0] * w.size[1] * w.input.channels * filters
                })
            })
            .map(|values| values as u64)
            .fold(0u64, u64::saturating_add);
        self.param_count()
            .saturating_mul(2 * FLOAT_BYTES)
            .saturating_add(transposed_kernels.saturating_mul(FLOAT_BYTES))
            .saturating_add(column_offsets.saturating_mul(OFFSET_BYTES))
            .saturating_add((self.layers.len() as u64).saturating_mul(BOOKKEEPING_BYTES_PER_LAYER))
            .saturating_add(workspace)
    }
}
