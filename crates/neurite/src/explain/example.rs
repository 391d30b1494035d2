//! One labelled image through a whole model, taken apart: the logits, the probabilities, the
//! loss, `∂L/∂logits`, and the first dense layer's gradient for that one example — what the
//! playground's "show the math" panel draws for a test digit or the learner's drawing.
//!
//! The model is copied into `f64` ([`Sequential::converted`]) and run through its own
//! [`Sequential::forward`] and [`Sequential::backward`] on a batch of one, in inference mode
//! (no dropout), with the weight penalties of training. What the optimizer would then do to one
//! weight is [`Optimizer::element_step`]'s, from the trainer's own state.

use ndarray::Array2;

use crate::optimizer::ElementStep;
use crate::{
    Activation, DatasetReason, Error, Loss, Optimizer, Penalties, Result, Sequential, Targets,
};

/// The first dense layer's parameter gradients for one example.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstLayerGrads {
    /// The index of its kernel among the model's parameter tensors (its bias is next).
    pub param: usize,
    /// `∂L/∂W`, `[inputs, units]` as the kernel (for MNIST each column is a 28×28 image).
    pub kernel: Array2<f64>,
    /// `∂L/∂b`, which is each unit's `δ = ∂L/∂z`.
    pub bias: Vec<f64>,
}

impl FirstLayerGrads {
    /// Units, the largest gradient (by its column's Euclidean norm) first; ties keep their
    /// order.
    pub fn units_by_norm(&self) -> Vec<usize> {
        let norms: Vec<f64> = self
            .kernel
            .columns()
            .into_iter()
            .map(|c| c.iter().map(|g| g * g).sum::<f64>())
            .collect();
        let mut units: Vec<usize> = (0..norms.len()).collect();
        units.sort_by(|&a, &b| norms[b].total_cmp(&norms[a]));
        units
    }
}

/// One example's forward and backward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleMath {
    /// The label the loss is measured against.
    pub label: u8,
    /// The image as the model takes it (its pixels scaled as the model was trained).
    pub input: Vec<f64>,
    /// The last layer's outputs before the head (the logits, for a softmax model).
    pub logits: Vec<f64>,
    /// The outputs after the head: class probabilities.
    pub probabilities: Vec<f64>,
    /// The head that turned logits into probabilities.
    pub head: Activation,
    /// The loss function.
    pub loss_function: Loss,
    /// This example's loss, without weight penalties.
    pub loss: f64,
    /// The weight penalties' share of the training loss (0 without L1/L2).
    pub penalty: f64,
    /// `∂L/∂logits`: `p − onehot(label)` for softmax under cross-entropy.
    pub logit_grads: Vec<f64>,
    /// The first dense layer's gradients (`None` for a model without one).
    pub first_layer: Option<FirstLayerGrads>,
}

/// Runs `pixels` (one image's `u8` pixels, scaled as the model was trained) through `model`
/// and back-propagates `loss` against `label`, in `f64`.
///
/// # Errors
/// If the model does not take `pixels.len()` inputs, or `label` is not one of its classes.
pub fn example_math(
    model: &Sequential<f32>,
    loss: Loss,
    penalties: Penalties,
    pixels: &[u8],
    label: u8,
) -> Result<ExampleMath> {
    model.check_input(pixels.len())?;
    let outputs = model.output_features();
    let classes = if outputs == 1 { 2 } else { outputs };
    if usize::from(label) >= classes {
        return Err(Error::Dataset(DatasetReason::LabelOutOfRange {
            label,
            index: 0,
            classes,
        }));
    }
    let mut copy = model.converted::<f64>();
    let factor = f64::from(copy.pixels().factor());
    let input = Array2::from_shape_fn((1, pixels.len()), |(_, j)| f64::from(pixels[j]) * factor);
    let logits = copy.forward(input.view(), false).row(0).to_vec();
    let probabilities = copy.last_probabilities().row(0).to_vec();
    let labels = [label];
    let total = copy.backward(loss, Targets::Classes(&labels), penalties);
    let penalty = copy.penalty(penalties);
    let logit_grads = copy.output_gradient().row(0).to_vec();
    let first_layer = first_dense_kernel_index(&copy).map(|param| {
        let params = copy.params_mut();
        let (kernel, bias) = (&params[param], &params[param + 1]);
        FirstLayerGrads {
            param,
            kernel: Array2::from_shape_vec(
                (kernel.shape[0], kernel.shape[1]),
                kernel.grad.to_vec(),
            )
            .expect("a kernel's gradient has its shape"),
            bias: bias.grad.to_vec(),
        }
    });
    Ok(ExampleMath {
        label,
        input: input.row(0).to_vec(),
        logits,
        probabilities,
        head: copy.head(),
        loss_function: loss,
        loss: total - penalty,
        penalty,
        logit_grads,
        first_layer,
    })
}

/// The index of the first dense layer's kernel among `model`'s parameter tensors, when that
/// layer is the model's first with weights (see [`Sequential::first_dense_kernel`]).
fn first_dense_kernel_index<F: crate::Scalar>(model: &Sequential<F>) -> Option<usize> {
    model.first_dense_kernel()?;
    let params = model.named_params();
    params
        .iter()
        .position(|(_, p)| p.name == "kernel" && p.shape.len() == 2)
}

/// What `optimizer`'s next update would do to the first dense layer's weight from input `input`
/// to unit `unit` of `model`, if this example's gradient were the batch's: `None` if `math` has
/// no first layer or the weight does not exist.
pub fn first_layer_step(
    model: &Sequential<f32>,
    optimizer: &Optimizer<f32>,
    learning_rate: f64,
    math: &ExampleMath,
    input: usize,
    unit: usize,
) -> Option<ElementStep> {
    let grads = math.first_layer.as_ref()?;
    let kernel = model.first_dense_kernel()?;
    let (&value, &grad) = (kernel.get((input, unit))?, grads.kernel.get((input, unit))?);
    let index = input * kernel.ncols() + unit;
    Some(optimizer.element_step(grads.param, index, f64::from(value), grad, learning_rate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::ParamMut;
    use crate::{ModelSpec, OptimizerSpec};

    /// A 28×28 image with a stroke and a blob, mostly zeros as MNIST's are.
    fn digit() -> Vec<u8> {
        (0..784i32)
            .map(|i| {
                let (r, c) = (i / 28, i % 28);
                if (8..20).contains(&r) && (13..16).contains(&c) {
                    255
                } else if (r - 20).pow(2) + (c - 10).pow(2) < 9 {
                    ((r * 7 + c * 13) % 200) as u8 + 40
                } else {
                    0
                }
            })
            .collect()
    }

    /// The model's input for `pixels`, scaled as [`example_math`] scales them.
    fn scaled(pixels: &[u8]) -> Array2<f64> {
        let factor = f64::from(crate::PixelMode::Scaled.factor());
        Array2::from_shape_fn((1, pixels.len()), |(_, j)| f64::from(pixels[j]) * factor)
    }

    fn spec(json: &str) -> ModelSpec {
        serde_json::from_str(json).unwrap()
    }

    fn tanh_model() -> Sequential<f32> {
        let spec = spec(
            r#"{"input_shape":[28,28],"layers":[{"type":"flatten"},
            {"type":"dense","units":12,"activation":"tanh"},
            {"type":"dense","units":10,"activation":"softmax"}]}"#,
        );
        Sequential::from_spec(&spec, 7).unwrap()
    }

    #[test]
    fn softmax_and_cross_entropy_give_p_minus_onehot_and_minus_log_p() {
        let model = tanh_model();
        let loss = Loss::SparseCategoricalCrossentropy;
        let math = example_math(&model, loss, Penalties::default(), &digit(), 3).unwrap();
        let sum: f64 = math.probabilities.iter().sum();
        assert!((sum - 1.0).abs() < 1e-12, "{sum}");
        assert_eq!(math.head, Activation::Softmax);
        assert!((math.loss + math.probabilities[3].ln()).abs() < 1e-12);
        for (k, (g, p)) in math.logit_grads.iter().zip(&math.probabilities).enumerate() {
            let onehot = if k == 3 { 1.0 } else { 0.0 };
            assert!((g - (p - onehot)).abs() < 1e-12, "{k}: {g} vs {p}");
        }
        // Probabilities are the softmax of the logits.
        let m = math.logits.iter().cloned().fold(f64::MIN, f64::max);
        let z: f64 = math.logits.iter().map(|l| (l - m).exp()).sum();
        for (l, p) in math.logits.iter().zip(&math.probabilities) {
            assert!(((l - m).exp() / z - p).abs() < 1e-12);
        }
    }

    /// The f32 engine's own backward pass on a batch of one, as training runs it.
    fn f32_first_layer_grads(model: &mut Sequential<f32>, pixels: &[u8], label: u8) -> Vec<f32> {
        let input = scaled(pixels).mapv(|x| x as f32);
        model.forward(input.view(), false);
        model.backward(
            Loss::SparseCategoricalCrossentropy,
            Targets::Classes(&[label]),
            Penalties::default(),
        );
        let params: Vec<ParamMut<'_, f32>> = model.params_mut();
        params[0].grad.to_vec()
    }

    #[test]
    fn the_first_layer_gradient_is_the_engines_backward_pass_on_that_one_example() {
        let mut model = Sequential::<f32>::from_spec(&ModelSpec::seed_mlp(), 5).unwrap();
        let pixels = digit();
        let math = example_math(
            &model,
            Loss::SparseCategoricalCrossentropy,
            Penalties::default(),
            &pixels,
            8,
        )
        .unwrap();
        let grads = math.first_layer.as_ref().unwrap();
        assert_eq!((grads.param, grads.kernel.dim()), (0, (784, 128)));
        let engine = f32_first_layer_grads(&mut model, &pixels, 8);
        let scale = engine.iter().fold(0f32, |m, g| m.max(g.abs()));
        assert!(scale > 1e-3, "a gradient to compare: {scale}");
        for (i, (&g64, &g32)) in grads.kernel.iter().zip(&engine).enumerate() {
            assert!(
                (g64 - f64::from(g32)).abs() <= 1e-5 * f64::from(scale),
                "weight {i}: {g64} vs {g32}"
            );
        }
        // Zero pixels get zero gradients: ∂L/∂wᵢⱼ = xᵢ·δⱼ.
        for (i, row) in grads.kernel.rows().into_iter().enumerate() {
            if pixels[i] == 0 {
                assert!(row.iter().all(|&g| g == 0.0), "pixel {i}");
            } else {
                let x = scaled(&pixels)[[0, i]];
                for (g, d) in row.iter().zip(&grads.bias) {
                    assert!(
                        (g - x * d).abs() <= 1e-12 * d.abs(),
                        "pixel {i}: {g} vs {x}·{d}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_gradient_agrees_with_central_differences_of_the_loss() {
        let model = tanh_model();
        let pixels = digit();
        let loss = Loss::SparseCategoricalCrossentropy;
        let penalties = Penalties { l1: 0.0, l2: 1e-3 };
        let math = example_math(&model, loss, penalties, &pixels, 5).unwrap();
        let grads = math.first_layer.as_ref().unwrap();
        let total_loss = |model: &Sequential<f32>, at: (usize, usize), delta: f64| {
            let mut copy = model.converted::<f64>();
            let mut params = copy.params_mut();
            params[0].value[at.0 * 12 + at.1] += delta;
            drop(params);
            copy.forward(scaled(&pixels).view(), false);
            copy.loss(loss, Targets::Classes(&[5]), penalties)
        };
        let h = 1e-6;
        let mut compared = 0;
        for &(i, j) in &[
            (14 * 28 + 14, 0),
            (14 * 28 + 14, 7),
            (20 * 28 + 10, 3),
            (0, 5),
        ] {
            let numeric =
                (total_loss(&model, (i, j), h) - total_loss(&model, (i, j), -h)) / (2.0 * h);
            let analytic = grads.kernel[[i, j]];
            assert!(
                (numeric - analytic).abs() <= 1e-6 * (1.0 + analytic.abs()),
                "w[{i},{j}]: {analytic} vs {numeric}"
            );
            compared += 1;
        }
        assert_eq!(compared, 4);
        // The check can fail: a gradient bent by 1 % is told apart.
        let (i, j) = (14 * 28 + 14, 7);
        let numeric = (total_loss(&model, (i, j), h) - total_loss(&model, (i, j), -h)) / (2.0 * h);
        assert!((numeric - grads.kernel[[i, j]] * 1.01).abs() > 1e-6 * (1.0 + numeric.abs()));
        assert!(math.penalty > 0.0);
    }

    #[test]
    fn the_units_by_norm_put_the_largest_gradient_first() {
        let math = example_math(
            &tanh_model(),
            Loss::SparseCategoricalCrossentropy,
            Penalties::default(),
            &digit(),
            1,
        )
        .unwrap();
        let grads = math.first_layer.unwrap();
        let order = grads.units_by_norm();
        let norm = |u: usize| grads.kernel.column(u).iter().map(|g| g * g).sum::<f64>();
        assert_eq!(order.len(), 12);
        assert!(order.windows(2).all(|w| norm(w[0]) >= norm(w[1])));
    }

    #[test]
    fn the_optimizer_step_of_a_weight_is_the_trainers_rule_on_this_gradient() {
        let model = tanh_model();
        let math = example_math(
            &model,
            Loss::SparseCategoricalCrossentropy,
            Penalties::default(),
            &digit(),
            2,
        )
        .unwrap();
        let optimizer = Optimizer::<f32>::new(OptimizerSpec::adam());
        let (input, unit) = (14 * 28 + 14, 4);
        let step = first_layer_step(&model, &optimizer, 1e-3, &math, input, unit).unwrap();
        let w = f64::from(model.first_dense_kernel().unwrap()[[input, unit]]);
        let g = math.first_layer.as_ref().unwrap().kernel[[input, unit]];
        assert_eq!((step.value, step.grad, step.t), (w, g, 1));
        // Adam's first step moves by almost exactly η·sign(g).
        assert!(
            (w - step.updated - 1e-3 * g.signum()).abs() < 1e-6,
            "{step:?}"
        );
        assert!(first_layer_step(&model, &optimizer, 1e-3, &math, 784, 0).is_none());
        assert!(first_layer_step(&model, &optimizer, 1e-3, &math, 0, 12).is_none());
    }

    #[test]
    fn a_label_or_an_image_the_model_does_not_take_is_refused() {
        let model = tanh_model();
        let loss = Loss::SparseCategoricalCrossentropy;
        let e = example_math(&model, loss, Penalties::default(), &digit(), 10).unwrap_err();
        assert!(matches!(
            e,
            Error::Dataset(DatasetReason::LabelOutOfRange {
                label: 10,
                classes: 10,
                ..
            })
        ));
        let e = example_math(&model, loss, Penalties::default(), &[0; 100], 1).unwrap_err();
        assert!(matches!(
            e,
            Error::Dataset(DatasetReason::InputWidth { .. })
        ));
    }
}
