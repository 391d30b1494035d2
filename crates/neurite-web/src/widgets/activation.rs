//! The `activation` widget's state: one element-wise activation function at one point.

use neurite::{Activation, explain};

use crate::i18n::{Tr, widgets as text};

use super::{
    Fields, Out, Refusal, Value, WidgetName, WidgetState, activation_named, number_within,
};

/// Largest magnitude of `x`.
pub const LIMIT: f64 = 100.0;
/// A slope below this lets almost no gradient through: the view shades where it is.
pub const VANISHING_SLOPE: f64 = 0.05;

/// The one sentence that says what the slope at the state's `x` means.
pub fn explanation(state: &ActivationPoint) -> Tr {
    let (_, slope) = state.evaluate();
    match state.activation {
        Activation::Relu if slope == 0.0 => text::DEAD_RELU,
        Activation::Relu => text::ACTIVE_RELU,
        Activation::LeakyRelu => text::LEAKY,
        Activation::Sigmoid | Activation::Tanh if slope < VANISHING_SLOPE => text::SATURATED,
        Activation::Sigmoid => text::SIGMOID_CENTRE,
        Activation::Tanh => text::TANH_CENTRE,
        Activation::Linear | Activation::Softmax => text::LINEAR,
    }
}

/// An activation and the point it is read at.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivationPoint {
    /// The function.
    pub activation: Activation,
    /// Where it is read.
    pub x: f64,
}

impl Default for ActivationPoint {
    fn default() -> Self {
        ActivationPoint {
            activation: Activation::Relu,
            x: 1.0,
        }
    }
}

impl ActivationPoint {
    /// `(f(x), f′(x))`, by the engine's forward and backward passes.
    pub fn evaluate(&self) -> (f64, f64) {
        explain::activation(self.activation, self.x)
    }
}

impl WidgetState for ActivationPoint {
    const NAME: WidgetName = WidgetName::Activation;
    const KEYS: &'static [&'static str] = &["activation", "x"];

    fn with(&self, key: &str, value: &Value) -> Result<Self, Refusal> {
        let mut next = self.clone();
        match key {
            "activation" => next.activation = activation_named(key, value)?,
            "x" => next.x = number_within(key, value, LIMIT)?,
            _ => unreachable!("keys are checked by `patched`"),
        }
        Ok(next)
    }

    fn validate(&self) -> Result<(), Refusal> {
        Ok(())
    }

    fn fields(&self) -> Fields {
        vec![
            ("activation", Out::Text(self.activation.name())),
            ("x", Out::Number(self.x)),
        ]
    }

    fn outputs(&self) -> Fields {
        let (y, dy) = self.evaluate();
        vec![("y", Out::Number(y)), ("dy", Out::Number(dy))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(activation: &str, x: f64) -> ActivationPoint {
        ActivationPoint::default()
            .patched(&[
                ("activation".into(), Value::Text(activation.into())),
                ("x".into(), Value::Number(x)),
            ])
            .unwrap()
    }

    #[test]
    fn outputs_match_hand_values() {
        // σ(4) = 1/(1 + e⁻⁴) = 0.98201379..., σ′(4) = σ(4)(1 − σ(4)) = 0.01766271...
        let (y, dy) = at("sigmoid", 4.0).evaluate();
        assert!((y - 0.982_013_790_037_908).abs() < 1e-12, "{y}");
        assert!((dy - 0.017_662_706_213_291).abs() < 1e-12, "{dy}");
        // A dead ReLU: relu(−2) = 0, relu′(−2) = 0; relu′(0) = 0 as in TensorFlow.
        assert_eq!(at("relu", -2.0).evaluate(), (0.0, 0.0));
        assert_eq!(at("relu", 0.0).evaluate(), (0.0, 0.0));
        assert_eq!(at("leaky_relu", -2.0).evaluate(), (-0.4, 0.2));
        assert_eq!(at("linear", 7.5).evaluate(), (7.5, 1.0));
    }

    #[test]
    fn each_region_has_its_sentence() {
        let at = |activation, x| explanation(&ActivationPoint { activation, x });
        assert_eq!(at(Activation::Relu, -2.0), text::DEAD_RELU);
        assert_eq!(at(Activation::Relu, 0.0), text::DEAD_RELU);
        assert_eq!(at(Activation::Relu, 2.0), text::ACTIVE_RELU);
        assert_eq!(at(Activation::Sigmoid, 4.0), text::SATURATED);
        assert_eq!(at(Activation::Sigmoid, 0.5), text::SIGMOID_CENTRE);
        assert_eq!(at(Activation::Tanh, -3.0), text::SATURATED);
        assert_eq!(at(Activation::Tanh, 0.0), text::TANH_CENTRE);
        assert_eq!(at(Activation::LeakyRelu, -3.0), text::LEAKY);
    }

    #[test]
    fn softmax_and_far_points_are_refused() {
        let start = ActivationPoint::default();
        for (key, value) in [
            ("activation", Value::Text("softmax".into())),
            ("x", Value::Number(101.0)),
            ("x", Value::Number(f64::NEG_INFINITY)),
        ] {
            assert!(start.patched(&[(key.into(), value)]).is_err());
        }
    }
}
