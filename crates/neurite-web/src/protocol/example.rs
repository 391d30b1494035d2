//! The messages of "show the math": which image to take apart under which label
//! ([`ExampleQuery`]), and what the worker's engine found ([`ExampleReport`]).

use neurite::{Activation, ElementStep, Loss};
use serde::{Deserialize, Serialize};

/// First-layer units whose gradient images travel with an [`ExampleReport`], the largest first.
pub const EXAMPLE_UNITS: usize = 8;

/// The image "show the math" takes apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ExampleSource {
    /// A test image, by its index in MNIST's test set.
    Test {
        /// From 0.
        index: usize,
    },
    /// The drawing last sent with [`ToWorker::Classify`](super::ToWorker::Classify).
    Drawing,
}

/// A weight of the first dense layer: from input `input` to unit `unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightAt {
    /// The input (for MNIST, the pixel `row · 28 + column`).
    pub input: usize,
    /// The unit.
    pub unit: usize,
}

/// What to take apart, answered now and after every new snapshot of the weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleQuery {
    /// The image.
    pub source: ExampleSource,
    /// The label the loss is measured against (the true one, or any the learner picks).
    pub label: u8,
    /// The weight whose update is shown; `None` for the largest gradient of the top unit.
    pub weight: Option<WeightAt>,
}

/// One unit of the first layer in an [`ExampleReport`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UnitGrad {
    /// The unit's index in its layer.
    pub unit: usize,
    /// `δ = ∂L/∂z` of the unit, which is also `∂L/∂b`.
    pub delta: f64,
    /// The Euclidean norm of its weights' gradient.
    pub norm: f64,
}

/// The weight "show the math" follows through the optimizer's update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightReport {
    /// Which weight.
    pub at: WeightAt,
    /// Its input's value `x` for this example.
    pub input: f64,
    /// Its unit's `δ`, so that `∂L/∂w = x·δ`.
    pub delta: f64,
    /// What the optimizer's next update would do to it if this example were the whole batch.
    pub step: ElementStep,
}

/// The engine's forward and backward pass of one example, computed in `f64`
/// (`neurite::explain::example_math`). Payload: the gradient images of `units`, in that
/// order, `inputs` little-endian `f32`s each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleReport {
    /// The page's number for the query, echoed.
    pub query: u64,
    /// What was taken apart.
    pub example: ExampleQuery,
    /// Optimizer steps behind the weights used.
    pub steps: u64,
    /// The last layer's outputs before the head.
    pub logits: Vec<f64>,
    /// The outputs after the head.
    pub probabilities: Vec<f64>,
    /// The head (softmax for the seed model).
    pub head: Activation,
    /// The loss function.
    pub loss_function: Loss,
    /// This example's loss.
    pub loss: f64,
    /// The weight penalties' share of the training loss.
    pub penalty: f64,
    /// `∂L/∂logits`.
    pub logit_grads: Vec<f64>,
    /// Inputs per unit in the payload.
    pub inputs: usize,
    /// Units in the first dense layer.
    pub layer_units: usize,
    /// The units whose gradient images are in the payload, the largest gradient first.
    pub units: Vec<UnitGrad>,
    /// The weight whose update is shown.
    pub weight: Option<WeightReport>,
}

impl ExampleReport {
    /// Whether every number is finite (JSON has no NaN: the worker refuses to send others).
    pub fn is_finite(&self) -> bool {
        let scalars = [self.loss, self.penalty];
        let weight = self.weight.iter().flat_map(|w| {
            let s = &w.step;
            [w.input, w.delta, s.value, s.grad, s.updated]
                .into_iter()
                .chain(s.before.iter().copied())
                .chain(s.after.iter().copied())
                .chain(s.adam_step_size)
        });
        let units = self.units.iter().flat_map(|u| [u.delta, u.norm]);
        self.logits
            .iter()
            .chain(&self.probabilities)
            .chain(&self.logit_grads)
            .copied()
            .chain(scalars)
            .chain(units)
            .chain(weight)
            .all(f64::is_finite)
    }
}
