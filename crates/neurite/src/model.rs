//! [`Sequential`]: a stack of layers built from a [`ModelSpec`], with its forward and backward
//! passes.
//!
//! The model owns every activation buffer (`acts[0]` is the batch, `acts[i + 1]` the output of
//! layer `i`) and every gradient buffer (`grads[i] = ∂L/∂acts[i]`), resized only when the batch
//! size changes, so a training step allocates nothing.
//!
//! When the last layer is a dense layer with a softmax or a sigmoid, that activation is kept
//! apart as the model's *head*: the layers compute logits, [`Sequential::predict`] applies the
//! head, and a cross-entropy loss takes the logits directly (see [`crate::loss`]).

use std::fmt;

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::kernels::sparse::SparseRows;
use crate::layers::window::Padding;
use crate::layers::{
    ActivationLayer, Conv2d, Dense, Dropout, ForwardContext, GlobalAveragePool2d, Layer, ParamMut,
    ParamRef, Pool2d, Reduce, Reshape,
};
use crate::loss::{Loss, Targets};
use crate::spec::{LayerSpec, ModelSpec, Pair};
use crate::{Activation, Dataset, DatasetKind, PixelMode, Result, Scalar};

/// Weight penalties added to the loss, as Keras's `kernel_regularizer=L1L2(l1, l2)`:
/// `l1·Σ|w| + l2·Σw²` over every dense kernel.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Penalties {
    /// The L1 factor.
    pub l1: f64,
    /// The L2 factor.
    pub l2: f64,
}

impl Penalties {
    fn is_zero(self) -> bool {
        self.l1 == 0.0 && self.l2 == 0.0
    }
}

/// A model: layers applied in order.
pub struct Sequential<F: Scalar = f32> {
    spec: ModelSpec,
    layers: Vec<Box<dyn Layer<F>>>,
    head: Activation,
    acts: Vec<Array2<F>>,
    grads: Vec<Array2<F>>,
    probabilities: Array2<F>,
    rng: ChaCha8Rng,
    /// The index of the first layer with parameters (0 if none has any): nothing below it
    /// needs a gradient.
    first_trainable: usize,
    /// A batch's non-zero pixels, for [`Sequential::forward_samples`].
    pixel_batch: SparseRows<F>,
    /// How pixels become the inputs the weights were trained on.
    pixels: PixelMode,
    /// The dataset the weights were trained on.
    dataset: DatasetKind,
}

impl<F: Scalar> Sequential<F> {
    /// Builds and initialises the model `spec` describes; `seed` fixes its initial weights and
    /// its dropout masks.
    pub fn from_spec(spec: &ModelSpec, seed: u64) -> Result<Self> {
        spec.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let names = spec.layer_names();
        let shapes = spec.layer_shapes()?;
        let mut features = spec.input_features();
        let last = spec.layers.len() - 1;
        let mut head = Activation::Linear;
        let mut layers: Vec<Box<dyn Layer<F>>> = Vec::with_capacity(spec.layers.len());
        for (i, ((layer, name), shape)) in spec.layers.iter().zip(names).zip(&shapes).enumerate() {
            let window = || shape.window.expect("convolution and pooling have a window");
            let image = || {
                crate::layers::window::Image::from_shape(&shape.input)
                    .expect("global pooling takes an image")
            };
            let built: Box<dyn Layer<F>> = match *layer {
                LayerSpec::Flatten => Box::new(Reshape::flatten(name, features)),
                LayerSpec::Reshape { target_shape } => {
                    Box::new(Reshape::to(name, target_shape.sizes()))
                }
                LayerSpec::Conv2d {
                    filters,
                    activation,
                    init,
                    ..
                } => Box::new(Conv2d::new(
                    name,
                    window(),
                    filters,
                    activation,
                    init,
                    &mut rng,
                )),
                LayerSpec::MaxPooling2d { .. } => {
                    Box::new(Pool2d::new(name, Reduce::Max, window()))
                }
                LayerSpec::AveragePooling2d { .. } => {
                    Box::new(Pool2d::new(name, Reduce::Average, window()))
                }
                LayerSpec::GlobalAveragePooling2d => {
                    Box::new(GlobalAveragePool2d::new(name, image()))
                }
                LayerSpec::Dense {
                    units,
                    activation,
                    init,
                } => {
                    let mut activation = activation;
                    if i == last && matches!(activation, Activation::Softmax | Activation::Sigmoid)
                    {
                        head = activation;
                        activation = Activation::Linear;
                    }
                    Box::new(Dense::new(
                        name, features, units, activation, init, &mut rng,
                    ))
                }
                LayerSpec::Activation { activation } => {
                    // Keras's activations work on the last axis: each cell's channels.
                    let last_axis = shape.input.last().copied().unwrap_or(features);
                    Box::new(ActivationLayer::over_last_axis(
                        name, activation, features, last_axis,
                    ))
                }
                LayerSpec::Dropout { rate } => Box::new(Dropout::new(name, rate, features)),
            };
            features = built.output_features();
            layers.push(built);
        }
        let first_trainable = layers.iter().position(|l| l.param_count() > 0).unwrap_or(0);
        let mut model = Sequential {
            spec: spec.clone(),
            first_trainable,
            pixel_batch: SparseRows::new(),
            pixels: PixelMode::default(),
            dataset: DatasetKind::default(),
            layers,
            head,
            acts: Vec::new(),
            grads: Vec::new(),
            probabilities: Array2::zeros((0, features)),
            rng,
        };
        model.ensure_batch(0);
        Ok(model)
    }

    /// How `u8` pixels become this model's inputs: the mode its weights were trained with
    /// (set by the trainer, kept in model files). [`PixelMode::Scaled`] for a new model.
    pub fn pixels(&self) -> PixelMode {
        self.pixels
    }

    /// Records the pixel mode the weights are trained with.
    pub fn set_pixels(&mut self, pixels: PixelMode) {
        self.pixels = pixels;
    }

    /// The dataset the weights were trained on (set by the trainer, kept in model files), whose
    /// class names its outputs have. [`DatasetKind::Mnist`] for a new model.
    pub fn dataset(&self) -> DatasetKind {
        self.dataset
    }

    /// Records the dataset the weights are trained on.
    pub fn set_dataset(&mut self, dataset: DatasetKind) {
        self.dataset = dataset;
    }

    /// The architecture.
    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }

    /// The layers, input to output.
    pub fn layers(&self) -> &[Box<dyn Layer<F>>] {
        &self.layers
    }

    /// The activation applied to the last layer's logits to give probabilities (`Linear` when
    /// the model has none).
    pub fn head(&self) -> Activation {
        self.head
    }

    /// Features per input sample.
    pub fn input_features(&self) -> usize {
        self.spec.input_features()
    }

    /// Outputs per sample.
    pub fn output_features(&self) -> usize {
        self.layers.last().map_or(0, |l| l.output_features())
    }

    /// Trainable numbers in the whole model.
    pub fn param_count(&self) -> usize {
        self.layers.iter().map(|l| l.param_count()).sum()
    }

    /// Checks that the model takes samples of `features` numbers.
    pub fn check_input(&self, features: usize) -> Result<()> {
        if self.input_features() == features {
            Ok(())
        } else {
            Err(crate::Error::Dataset(crate::DatasetReason::InputWidth {
                features,
                takes: self.input_features(),
                input_shape: self.spec.input_shape.clone(),
            }))
        }
    }

    /// Checks that the model can take `data`: its sample width, and a score for each of its
    /// classes (a one-output model scores two) or an output for each of its values to regress.
    pub fn check_fits(&self, data: &crate::Dataset) -> Result<()> {
        self.check_input(data.features())?;
        let outputs = self.output_features();
        if let Some((_, values)) = data.values() {
            if values != outputs {
                return Err(crate::Error::Dataset(
                    crate::DatasetReason::OutputsNotValues { outputs, values },
                ));
            }
            return Ok(());
        }
        let scored = if outputs == 1 { 2 } else { outputs };
        if data.classes() > scored {
            return Err(crate::Error::Dataset(
                crate::DatasetReason::TooManyClasses {
                    classes: data.classes(),
                    outputs,
                },
            ));
        }
        Ok(())
    }

    fn ensure_batch(&mut self, batch: usize) {
        if self.acts.first().is_some_and(|a| a.nrows() == batch) {
            return;
        }
        let mut widths = vec![self.input_features()];
        widths.extend(self.layers.iter().map(|l| l.output_features()));
        self.acts = widths.iter().map(|&w| Array2::zeros((batch, w))).collect();
        self.grads = widths.iter().map(|&w| Array2::zeros((batch, w))).collect();
        self.probabilities = Array2::zeros((batch, *widths.last().expect("input width")));
    }

    /// Runs the layers on `input` (`[batch, input_features]`) and returns the last layer's
    /// output — logits when the model has a head. `training` switches dropout on.
    ///
    /// # Panics
    /// If `input` does not have `input_features` columns.
    #[track_caller]
    pub fn forward(&mut self, input: ArrayView2<'_, F>, training: bool) -> ArrayView2<'_, F> {
        assert_eq!(
            input.ncols(),
            self.input_features(),
            "model: wrong input width"
        );
        self.forward_with(input.nrows(), training, |mut batch| batch.assign(&input))
    }

    /// [`Sequential::forward`] on a batch of `batch` samples that `fill` writes straight into
    /// the model's input buffer (`[batch, input_features]`), saving a copy: the trainer
    /// gathers its `u8` pixels there.
    pub fn forward_with(
        &mut self,
        batch: usize,
        training: bool,
        fill: impl FnOnce(ArrayViewMut2<'_, F>),
    ) -> ArrayView2<'_, F> {
        self.ensure_batch(batch);
        fill(self.acts[0].view_mut());
        self.run_layers(0, training)
    }

    /// Runs layers `from..` on the activations already in place.
    fn run_layers(&mut self, from: usize, training: bool) -> ArrayView2<'_, F> {
        let first_trainable = self.first_trainable;
        let mut ctx = ForwardContext {
            training,
            rng: &mut self.rng,
        };
        for (i, layer) in self.layers.iter_mut().enumerate().skip(from) {
            let (before, after) = self.acts.split_at_mut(i + 1);
            if i < first_trainable
                && layer.passes_values_through()
                && before[i].dim() == after[0].dim()
            {
                // The output is the input: hand its buffer on instead of copying it. Below the
                // first trainable layer the backward pass reads neither buffer again.
                std::mem::swap(&mut before[i], &mut after[0]);
            } else {
                layer.forward(before[i].view(), after[0].view_mut(), &mut ctx);
            }
        }
        self.acts.last().expect("model has layers").view()
    }

    /// Class probabilities (or outputs, for a model without a head) for `input`, in inference
    /// mode.
    pub fn predict(&mut self, input: ArrayView2<'_, F>) -> Array2<F> {
        self.forward(input, false);
        self.apply_head();
        self.probabilities.clone()
    }

    fn apply_head(&mut self) {
        self.probabilities
            .assign(self.acts.last().expect("model has layers"));
        self.head.apply_inplace(self.probabilities.view_mut());
    }

    /// The outputs of the last [`Sequential::forward`] after the head: probabilities.
    pub fn last_probabilities(&mut self) -> ArrayView2<'_, F> {
        self.apply_head();
        self.probabilities.view()
    }

    /// The loss of the last forward pass against `targets`, plus the weight penalties.
    pub fn loss(&mut self, loss: Loss, targets: Targets<'_, F>, penalties: Penalties) -> F {
        let data_loss = if loss.fuses_with(self.head) {
            loss.compute(
                self.acts.last().expect("layers").view(),
                targets,
                true,
                None,
            )
        } else {
            self.apply_head();
            loss.compute(self.probabilities.view(), targets, false, None)
        };
        data_loss + self.penalty(penalties)
    }

    /// `l1·Σ|w| + l2·Σw²` over the dense kernels.
    pub fn penalty(&self, penalties: Penalties) -> F {
        if penalties.is_zero() {
            return F::zero();
        }
        let (l1, l2) = (F::lit(penalties.l1), F::lit(penalties.l2));
        self.params()
            .iter()
            .filter(|p| p.name == "kernel")
            .flat_map(|p| p.value.iter())
            .map(|&w| l1 * w.abs() + l2 * w * w)
            .sum()
    }

    /// Computes the loss of the last forward pass and back-propagates it, leaving every
    /// parameter's gradient beside it. Returns the loss, penalties included.
    ///
    /// # Panics
    /// If the targets do not match the last forward pass's batch.
    #[track_caller]
    pub fn backward(&mut self, loss: Loss, targets: Targets<'_, F>, penalties: Penalties) -> F {
        let n = self.layers.len();
        let fused = loss.fuses_with(self.head);
        let data_loss = {
            let logits = self.acts[n].view();
            let grad = self.grads[n].view_mut();
            if fused {
                loss.compute(logits, targets, true, Some(grad))
            } else {
                self.probabilities.assign(&logits);
                self.head.apply_inplace(self.probabilities.view_mut());
                let value = loss.compute(self.probabilities.view(), targets, false, Some(grad));
                self.head
                    .backward_inplace(self.probabilities.view(), self.grads[n].view_mut());
                value
            }
        };
        // Nothing before the first layer with parameters needs a gradient (for the seed
        // model that skips ∂L/∂x = ∂Z·W₁ᵀ, a product as big as the forward pass).
        let first_trainable = self.first_trainable;
        for i in (first_trainable..n).rev() {
            let (grads_before, grads_after) = self.grads.split_at_mut(i + 1);
            let grad_input = (i > first_trainable).then(|| grads_before[i].view_mut());
            self.layers[i].backward(
                self.acts[i].view(),
                self.acts[i + 1].view(),
                grads_after[0].view_mut(),
                grad_input,
            );
        }
        if !penalties.is_zero() {
            let (l1, l2) = (F::lit(penalties.l1), F::lit(penalties.l2 * 2.0));
            for p in self.params_mut().into_iter().filter(|p| p.penalized) {
                for (g, &w) in p.grad.iter_mut().zip(p.value.iter()) {
                    // d|w|/dw is taken as 0 at w = 0, as TensorFlow's sign().
                    let sign = if w == F::zero() {
                        F::zero()
                    } else {
                        w.signum()
                    };
                    *g += l1 * sign + l2 * w;
                }
            }
        }
        data_loss + self.penalty(penalties)
    }

    /// A copy of this model computing in `G` (e.g. `f64` for the views that explain one
    /// example): the same specification, weights, head and pixel mode. Dropout masks are not
    /// carried over; the copy draws its own from seed 0.
    pub fn converted<G: Scalar>(&self) -> Sequential<G> {
        let mut copy =
            Sequential::<G>::from_spec(&self.spec, 0).expect("the specification built this model");
        copy.pixels = self.pixels;
        copy.dataset = self.dataset;
        for (to, from) in copy.params_mut().into_iter().zip(self.params()) {
            for (t, &f) in to.value.iter_mut().zip(from.value) {
                *t = G::lit(f.to_f64_lossless());
            }
        }
        copy
    }

    /// `∂L/∂` the last layer's output (the logits, when the model has a head) from the last
    /// [`Sequential::backward`], `[batch, outputs]`: `p − y` for a softmax or sigmoid head
    /// under its cross-entropy.
    pub fn output_gradient(&self) -> ArrayView2<'_, F> {
        self.grads.last().expect("model has layers").view()
    }

    /// The output of layer `index` in the last forward pass, `[batch, units]` (before the head
    /// for the last layer: see [`Sequential::last_probabilities`]).
    ///
    /// # Panics
    /// If the model has no layer `index`.
    #[track_caller]
    pub fn layer_output(&self, index: usize) -> ArrayView2<'_, F> {
        assert!(index < self.layers.len(), "model: no layer {index}");
        self.acts[index + 1].view()
    }

    /// Sets every trainable tensor to `other`'s, which must be built from the same
    /// architecture: a second copy of a model (one that draws while the other trains) follows
    /// it without being rebuilt, keeping its own buffers.
    ///
    /// # Panics
    /// If `other`'s tensors do not have this model's shapes.
    #[track_caller]
    pub fn copy_params_from(&mut self, other: &Sequential<F>) {
        let sources = other.params();
        let mut targets = self.params_mut();
        assert_eq!(sources.len(), targets.len(), "model: other architecture");
        for (target, source) in targets.iter_mut().zip(&sources) {
            target.value.copy_from_slice(source.value);
        }
    }

    /// Every trainable tensor with its gradient, input to output.
    pub fn params_mut(&mut self) -> Vec<ParamMut<'_, F>> {
        self.layers
            .iter_mut()
            .flat_map(|l| l.params_mut())
            .collect()
    }

    /// Every trainable tensor, input to output, each with its layer's name.
    pub fn named_params(&self) -> Vec<(String, ParamRef<'_, F>)> {
        self.layers
            .iter()
            .flat_map(|l| {
                l.params()
                    .into_iter()
                    .map(move |p| (format!("{}.{}", l.name(), p.name), p))
            })
            .collect()
    }

    fn params(&self) -> Vec<ParamRef<'_, F>> {
        self.layers.iter().flat_map(|l| l.params()).collect()
    }

    /// Whether every gradient from the last backward pass is finite.
    pub fn gradients_are_finite(&mut self) -> bool {
        self.params_mut()
            .iter()
            .all(|p| crate::kernels::all_finite(p.grad))
    }

    /// Copies `values` (row-major) into the tensor called `name` (`dense_1.kernel`).
    pub(crate) fn set_param(&mut self, name: &str, values: &[F]) -> bool {
        for layer in &mut self.layers {
            let layer_name = layer.name().to_owned();
            for p in layer.params_mut() {
                if format!("{layer_name}.{}", p.name) == name && p.value.len() == values.len() {
                    p.value.copy_from_slice(values);
                    return true;
                }
            }
        }
        false
    }

    /// The weights of the first dense layer, `[inputs, units]`, when it is the model's first
    /// layer with weights (so that its inputs are the pixels) — for MNIST each column is a
    /// 28×28 template. `None` for a model that starts with a convolution.
    pub fn first_dense_kernel(&self) -> Option<ArrayView2<'_, F>> {
        let layer = self.layers.iter().find(|l| l.param_count() > 0)?;
        layer
            .params()
            .into_iter()
            .find(|p| p.name == "kernel" && p.shape.len() == 2)
            .map(|p| {
                ArrayView2::from_shape((p.shape[0], p.shape[1]), p.value).expect("kernel shape")
            })
    }

    /// The first layer's weights as images, one per unit: its kernel as `[inputs, units]`
    /// and the `[rows, columns]` each unit's column forms — the input image for a dense layer
    /// on pixels (28×28 for MNIST; one row for a flat input), the kernel's window for a
    /// convolution over one channel (each filter). `None` for a convolution over several
    /// channels, whose filters form no single image.
    pub fn first_layer_templates(&self) -> Option<(ArrayView2<'_, F>, [usize; 2])> {
        let layer = self.layers.iter().find(|l| l.param_count() > 0)?;
        let kernel = layer.params().into_iter().find(|p| p.name == "kernel")?;
        let (tile, units) = match *kernel.shape.as_slice() {
            [inputs, units] => {
                let image = crate::layers::window::Image::from_shape(&self.spec.input_shape)
                    .filter(|image| image.channels == 1 && image.cells() == inputs);
                (image.map_or([1, inputs], |i| [i.height, i.width]), units)
            }
            [kh, kw, 1, filters] => ([kh, kw], filters),
            _ => return None,
        };
        let view = ArrayView2::from_shape((tile[0] * tile[1], units), kernel.value).ok()?;
        Some((view, tile))
    }

    /// A Keras-like table of layers, output shapes and parameter counts.
    pub fn summary(&self) -> Summary {
        let shapes = self
            .spec
            .layer_shapes()
            .expect("the specification built this model");
        let rows = self
            .spec
            .layers
            .iter()
            .zip(&self.layers)
            .zip(&shapes)
            .map(|((spec, layer), shape)| SummaryRow {
                name: layer.name().to_owned(),
                kind: layer.kind().to_owned(),
                detail: match *spec {
                    LayerSpec::Dense { activation, .. } => activation.name().to_owned(),
                    LayerSpec::Activation { activation } => activation.name().to_owned(),
                    LayerSpec::Dropout { rate } => format!("rate {rate}"),
                    LayerSpec::Conv2d {
                        kernel_size: Pair([kh, kw]),
                        strides: Pair([sy, sx]),
                        padding,
                        activation,
                        ..
                    } => {
                        let strides = if (sy, sx) == (1, 1) {
                            String::new()
                        } else {
                            format!(" /{sy}×{sx}")
                        };
                        format!(
                            "{kh}×{kw}{strides} {}, {}",
                            padding_name(padding),
                            activation.name()
                        )
                    }
                    LayerSpec::MaxPooling2d {
                        pool_size: Pair([ph, pw]),
                        strides,
                        padding,
                    }
                    | LayerSpec::AveragePooling2d {
                        pool_size: Pair([ph, pw]),
                        strides,
                        padding,
                    } => {
                        let strides = match strides {
                            Some(Pair([sy, sx])) if [sy, sx] != [ph, pw] => format!(" /{sy}×{sx}"),
                            _ => String::new(),
                        };
                        format!("{ph}×{pw}{strides} {}", padding_name(padding))
                    }
                    LayerSpec::Flatten
                    | LayerSpec::Reshape { .. }
                    | LayerSpec::GlobalAveragePooling2d => String::new(),
                },
                output_shape: shape.output.clone(),
                output_features: layer.output_features(),
                params: layer.param_count(),
            })
            .collect();
        Summary {
            input_shape: self.spec.input_shape.clone(),
            rows,
            total_params: self.param_count(),
        }
    }
}

impl Sequential<f32> {
    /// [`Sequential::forward`] on the samples `indices` of `data`, whose labels replace
    /// `labels`. When the model starts with a dense layer (after any `Flatten`) and the images
    /// are mostly zeros, as MNIST's are, their non-zero `u8` pixels go straight to that layer's
    /// sparse products; otherwise the batch is converted to floats first. Both give the same
    /// numbers.
    ///
    /// # Panics
    /// If `data` does not have the model's input width, or an index is out of range.
    #[track_caller]
    pub fn forward_samples(
        &mut self,
        data: &Dataset,
        indices: &[u32],
        pixels: PixelMode,
        labels: &mut Vec<u8>,
        training: bool,
    ) -> ArrayView2<'_, f32> {
        assert_eq!(
            data.features(),
            self.input_features(),
            "model: wrong input width"
        );
        let start = self.first_trainable;
        let images = indices.iter().map(|&i| data.image(i as usize));
        if data.holds_pixels()
            && self.layers[start].accepts_sparse()
            && self.layers[..start]
                .iter()
                .all(|l| l.passes_values_through())
            && self
                .pixel_batch
                .compress_pixels(images, data.features(), pixels.factor())
        {
            self.ensure_batch(indices.len());
            let mut ctx = ForwardContext {
                training,
                rng: &mut self.rng,
            };
            let output = self.acts[start + 1].view_mut();
            if self.layers[start].forward_sparse(&mut self.pixel_batch, output, &mut ctx) {
                data.gather_labels(indices, labels);
                return self.run_layers(start + 1, training);
            }
        }
        self.forward_with(indices.len(), training, |batch| {
            data.gather(indices, pixels, batch, labels);
        })
    }
}

impl<F: Scalar> fmt::Debug for Sequential<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sequential")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

fn padding_name(padding: Padding) -> &'static str {
    match padding {
        Padding::Valid => "valid",
        Padding::Same => "same",
    }
}

/// One row of a [`Summary`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SummaryRow {
    /// The layer's name (`dense_1`).
    pub name: String,
    /// Its type (`Dense`).
    pub kind: String,
    /// Its activation or rate, if any.
    pub detail: String,
    /// The shape of one output sample (`[26, 26, 32]`).
    #[serde(default)]
    pub output_shape: Vec<usize>,
    /// Features per sample it outputs.
    pub output_features: usize,
    /// Its trainable numbers.
    pub params: usize,
}

/// A model's layer table; `Display` prints it as Keras's `model.summary()` does.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// The input sample shape.
    pub input_shape: Vec<usize>,
    /// One row per layer.
    pub rows: Vec<SummaryRow>,
    /// Trainable numbers in all.
    pub total_params: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input: Vec<String> = self.input_shape.iter().map(usize::to_string).collect();
        writeln!(f, "Input: (None, {})", input.join(", "))?;
        let rows: Vec<(String, String, usize)> = self
            .rows
            .iter()
            .map(|row| {
                let detail = if row.detail.is_empty() {
                    String::new()
                } else {
                    format!(", {}", row.detail)
                };
                let dims: Vec<String> = if row.output_shape.is_empty() {
                    vec![row.output_features.to_string()]
                } else {
                    row.output_shape.iter().map(usize::to_string).collect()
                };
                (
                    format!("{} ({}{detail})", row.name, row.kind),
                    format!("(None, {})", dims.join(", ")),
                    row.params,
                )
            })
            .collect();
        // Columns as wide as their widest entry, two spaces apart (at least Keras's widths).
        let width = |column: fn(&(String, String, usize)) -> usize, least: usize| {
            rows.iter().map(column).max().unwrap_or(0).max(least) + 2
        };
        let (labels, shapes) = (
            width(|r| r.0.chars().count(), 26),
            width(|r| r.1.chars().count(), 14),
        );
        writeln!(
            f,
            "{:<labels$}{:<shapes$}{:>12}",
            "Layer (type)", "Output Shape", "Param #"
        )?;
        let rule = "=".repeat(labels + shapes + 12);
        writeln!(f, "{rule}")?;
        for (label, shape, params) in &rows {
            writeln!(f, "{label:<labels$}{shape:<shapes$}{params:>12}")?;
        }
        writeln!(f, "{rule}")?;
        write!(f, "Total params: {}", self.total_params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dataset;

    #[test]
    fn summary_counts_the_seed_models_parameters_like_keras() {
        let model = Sequential::<f32>::from_spec(&ModelSpec::seed_mlp(), 0).unwrap();
        let summary = model.summary();
        assert_eq!(summary.total_params, 101_770);
        assert_eq!(
            summary.rows.iter().map(|r| r.params).collect::<Vec<_>>(),
            [0, 100_480, 1_290]
        );
        assert!(summary.to_string().ends_with("Total params: 101770"));
        assert_eq!(model.head(), Activation::Softmax);
    }

    #[test]
    fn the_convnet_summary_has_kerass_shapes_and_parameter_counts() {
        // Keras's "Simple MNIST convnet" summary: 320, 0, 18 496, 0, 0, 0, 16 010; 34 826.
        let model = Sequential::<f32>::from_spec(&ModelSpec::keras_convnet(), 0).unwrap();
        let summary = model.summary();
        assert_eq!(
            summary.rows.iter().map(|r| r.params).collect::<Vec<_>>(),
            [320, 0, 18_496, 0, 0, 0, 16_010]
        );
        assert_eq!(summary.total_params, 34_826);
        assert_eq!(ModelSpec::keras_convnet().param_count(), 34_826);
        let text = summary.to_string();
        for line in [
            "conv2d_1 (Conv2D, 3×3 valid, relu)",
            "(None, 26, 26, 32)",
            "(None, 13, 13, 32)",
            "(None, 5, 5, 64)",
            "(None, 1600)",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
        assert_eq!(ModelSpec::lenet().param_count(), 61_706);
    }

    #[test]
    fn data_that_does_not_fit_the_model_is_an_error_not_a_panic() {
        let model = Sequential::<f32>::from_spec(&ModelSpec::seed_mlp(), 1).unwrap();
        assert!(model.check_input(784).is_ok());
        assert!(
            model
                .check_input(10)
                .unwrap_err()
                .to_string()
                .contains("784")
        );
        let eleven = Dataset::new(vec![784], vec![0; 784], vec![10], 11).unwrap();
        let err = model.check_fits(&eleven).unwrap_err().to_string();
        assert!(err.contains("11 classes"), "{err}");
        let ten = Dataset::new(vec![784], vec![0; 784], vec![9], 10).unwrap();
        model.check_fits(&ten).unwrap();
    }

    #[test]
    fn a_flatten_between_dense_layers_hands_on_its_buffer_without_stale_values() {
        // Flatten moves buffers instead of copying: repeated passes on other inputs, and
        // gradients through a Flatten between two dense layers, must not see old values.
        let spec = ModelSpec {
            input_shape: vec![3],
            layers: vec![
                LayerSpec::Flatten,
                LayerSpec::Dense {
                    units: 4,
                    activation: Activation::Relu,
                    init: Default::default(),
                },
                LayerSpec::Flatten,
                LayerSpec::Dense {
                    units: 2,
                    activation: Activation::Softmax,
                    init: Default::default(),
                },
            ],
        };
        let mut model = Sequential::<f64>::from_spec(&spec, 9).unwrap();
        let x = ndarray::array![[0.3, -0.2, 0.8], [0.1, 0.9, -0.5]];
        let other = ndarray::array![[-1.0, 2.0, 0.5], [0.0, 0.0, 3.0]];
        let first = model.forward(x.view(), true).to_owned();
        model.forward(other.view(), true);
        assert_eq!(model.forward(x.view(), true), first);

        let labels = [1u8, 0];
        let loss = Loss::SparseCategoricalCrossentropy;
        model.backward(loss, Targets::Classes(&labels), Penalties::default());
        let kernel_grad = model.params_mut()[0].grad.to_vec();
        let h = 1e-6;
        for (i, &analytic) in kernel_grad.iter().enumerate() {
            let mut at = |delta: f64| {
                model.params_mut()[0].value[i] += delta;
                model.forward(x.view(), true);
                model.loss(loss, Targets::Classes(&labels), Penalties::default())
            };
            let plus = at(h);
            let minus = at(-2.0 * h);
            at(h);
            let numeric = (plus - minus) / (2.0 * h);
            assert!(
                (analytic - numeric).abs() < 1e-6,
                "{i}: {analytic} vs {numeric}"
            );
        }
    }

    #[test]
    fn samples_forwarded_from_pixels_give_the_same_outputs_and_gradients_as_a_float_batch() {
        // Sparse images take the pixels-to-first-layer path, dense ones the float batch; both
        // must match forward() on the gathered batch exactly, in both pixel modes.
        let sparse: Vec<u8> = (0..6 * 784)
            .map(|i| if i % 7 == 0 { (i % 251) as u8 } else { 0 })
            .collect();
        let dense: Vec<u8> = (0..6 * 784).map(|i| (i % 200) as u8 + 1).collect();
        for pixels in [sparse, dense] {
            let data = Dataset::new(vec![28, 28], pixels, vec![1, 2, 3, 4, 5, 6], 10).unwrap();
            let indices = [4u32, 0, 5, 2];
            for mode in [PixelMode::Scaled, PixelMode::Raw] {
                let mut by_pixels =
                    Sequential::<f32>::from_spec(&ModelSpec::seed_mlp(), 3).unwrap();
                let mut by_floats =
                    Sequential::<f32>::from_spec(&ModelSpec::seed_mlp(), 3).unwrap();
                let (mut labels, mut float_labels) = (Vec::new(), Vec::new());
                let mut batch = Array2::zeros((4, 784));
                data.gather(&indices, mode, batch.view_mut(), &mut float_labels);
                let expected = by_floats.forward(batch.view(), true).to_owned();
                let actual = by_pixels.forward_samples(&data, &indices, mode, &mut labels, true);
                assert_eq!(actual, expected);
                assert_eq!(labels, float_labels);
                let loss = Loss::SparseCategoricalCrossentropy;
                let targets = Targets::Classes(&labels);
                by_pixels.backward(loss, targets, Penalties::default());
                by_floats.backward(loss, targets, Penalties::default());
                for (a, b) in by_pixels.params_mut().iter().zip(by_floats.params_mut()) {
                    assert_eq!(a.grad, b.grad, "{}", a.name);
                }
            }
        }
    }

    #[test]
    fn whole_model_gradient_matches_finite_differences_with_penalties() {
        // f64 model: flatten → dense(tanh) → dropout → dense(softmax) with L1 and L2, fused
        // cross-entropy; every parameter's gradient against central differences.
        let spec = ModelSpec {
            input_shape: vec![2, 2],
            layers: vec![
                LayerSpec::Flatten,
                LayerSpec::Dense {
                    units: 3,
                    activation: Activation::Tanh,
                    init: Default::default(),
                },
                LayerSpec::Dense {
                    units: 3,
                    activation: Activation::Softmax,
                    init: Default::default(),
                },
            ],
        };
        let mut model = Sequential::<f64>::from_spec(&spec, 4).unwrap();
        let x = ndarray::array![[0.1, -0.4, 0.9, 0.3], [0.5, 0.2, -0.7, -0.1]];
        let labels = [2u8, 0];
        let penalties = Penalties { l1: 0.01, l2: 0.02 };
        let loss = Loss::SparseCategoricalCrossentropy;
        model.forward(x.view(), true);
        model.backward(loss, Targets::Classes(&labels), penalties);
        let grads: Vec<Vec<f64>> = model.params_mut().iter().map(|p| p.grad.to_vec()).collect();
        let h = 1e-6;
        for (k, grad) in grads.iter().enumerate() {
            for (i, &analytic) in grad.iter().enumerate() {
                let mut at = |delta: f64| {
                    model.params_mut()[k].value[i] += delta;
                    model.forward(x.view(), true);
                    model.loss(loss, Targets::Classes(&labels), penalties)
                };
                let plus = at(h);
                let minus = at(-2.0 * h);
                at(h);
                let numeric = (plus - minus) / (2.0 * h);
                let error = (analytic - numeric).abs() / (analytic.abs() + numeric.abs()).max(1e-7);
                assert!(error < 1e-5, "param {k}[{i}]: {analytic} vs {numeric}");
            }
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn activation() -> impl Strategy<Value = Activation> {
        prop::sample::select(Activation::ALL.to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn any_valid_stack_maps_a_batch_to_one_probability_row_per_sample(
            inputs in 1usize..12,
            hidden in prop::collection::vec((1usize..9, activation()), 0..3),
            outputs in 2usize..6,
            batch in 1usize..7,
            seed in any::<u64>(),
        ) {
            let mut layers: Vec<LayerSpec> = hidden
                .iter()
                .map(|&(units, activation)| LayerSpec::Dense { units, activation, init: Default::default() })
                .collect();
            layers.push(LayerSpec::Dense { units: outputs, activation: Activation::Softmax, init: Default::default() });
            let spec = ModelSpec { input_shape: vec![inputs], layers };
            let mut model = Sequential::<f32>::from_spec(&spec, seed).unwrap();
            let x = Array2::from_shape_fn((batch, inputs), |(i, j)| ((i * 7 + j * 3) % 11) as f32 / 11.0);
            let p = model.predict(x.view());
            prop_assert_eq!(p.dim(), (batch, outputs));
            for row in p.rows() {
                prop_assert!((row.sum() - 1.0).abs() < 1e-5);
                prop_assert!(row.iter().all(|v| (0.0..=1.0).contains(v)));
            }
            let labels: Vec<u8> = (0..batch).map(|i| (i % outputs) as u8).collect();
            model.forward(x.view(), true);
            let loss = model.backward(Loss::SparseCategoricalCrossentropy, Targets::Classes(&labels), Penalties::default());
            prop_assert!(loss.is_finite() && loss >= 0.0);
            for p in model.params_mut() {
                prop_assert_eq!(p.grad.len(), p.value.len());
            }
        }

        #[test]
        fn softmax_rows_always_sum_to_one(logits in prop::collection::vec(-1e4f32..1e4, 1..40)) {
            let mut z = Array2::from_shape_vec((1, logits.len()), logits).unwrap();
            Activation::Softmax.apply_inplace(z.view_mut());
            prop_assert!((z.sum() - 1.0).abs() < 1e-5);
            prop_assert!(z.iter().all(|v| v.is_finite() && *v >= 0.0));
        }
    }
}
