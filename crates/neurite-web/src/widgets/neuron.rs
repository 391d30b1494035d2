//! The `neuron` widget's state: `y = f(wᵀx + b)` with one to three inputs.

use neurite::{Activation, explain};

use super::{
    Fields, Out, Reason, Refusal, Value, WidgetName, WidgetState, activation_named, number_within,
    numbers_within,
};

/// Most inputs the widget shows.
pub const MAX_INPUTS: usize = 3;
/// Largest magnitude of a weight, the bias or an input.
pub const LIMIT: f64 = 1000.0;

/// One neuron and its input.
#[derive(Debug, Clone, PartialEq)]
pub struct Neuron {
    /// Weights `w`, one per input.
    pub w: Vec<f64>,
    /// Bias `b`.
    pub b: f64,
    /// Input `x`, as long as `w`.
    pub x: Vec<f64>,
    /// Activation `f`.
    pub activation: Activation,
}

impl Default for Neuron {
    fn default() -> Self {
        Neuron {
            w: vec![0.8, -0.5],
            b: 0.1,
            x: vec![1.0, 0.5],
            activation: Activation::Sigmoid,
        }
    }
}

impl Neuron {
    /// `(z, y)`: `z = w·x + b` and `y = f(z)`, by the engine.
    pub fn evaluate(&self) -> (f64, f64) {
        explain::neuron(&self.w, self.b, self.activation, &self.x)
    }
}

impl WidgetState for Neuron {
    const NAME: WidgetName = WidgetName::Neuron;
    const KEYS: &'static [&'static str] = &["w", "b", "x", "activation"];

    fn with(&self, key: &str, value: &Value) -> Result<Self, Refusal> {
        let mut next = self.clone();
        let list = |v| numbers_within(key, v, (1, MAX_INPUTS), (-LIMIT, LIMIT));
        match key {
            "w" => next.w = list(value)?,
            "x" => next.x = list(value)?,
            "b" => next.b = number_within(key, value, LIMIT)?,
            "activation" => next.activation = activation_named(key, value)?,
            _ => unreachable!("keys are checked by `patched`"),
        }
        Ok(next)
    }

    fn validate(&self) -> Result<(), Refusal> {
        if self.w.len() == self.x.len() {
            Ok(())
        } else {
            Err(Refusal::at(
                "w",
                Reason::LengthsDiffer {
                    other: "x",
                    len: self.w.len(),
                    other_len: self.x.len(),
                },
            ))
        }
    }

    fn fields(&self) -> Fields {
        vec![
            ("w", Out::List(self.w.clone())),
            ("b", Out::Number(self.b)),
            ("x", Out::List(self.x.clone())),
            ("activation", Out::Text(self.activation.name())),
        ]
    }

    fn outputs(&self) -> Fields {
        let (z, y) = self.evaluate();
        vec![("z", Out::Number(z)), ("y", Out::Number(y))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::patch;

    #[test]
    fn outputs_are_the_engines_for_the_default_and_a_three_input_neuron() {
        // Default: z = 0.8·1 − 0.5·0.5 + 0.1 = 0.65, y = σ(0.65) = 0.6570104627... (Python: 1/(1+math.exp(-0.65)))
        let outputs = Neuron::default().outputs();
        let Out::Number(z) = outputs[0].1 else {
            panic!()
        };
        let Out::Number(y) = outputs[1].1 else {
            panic!()
        };
        assert!((z - 0.65).abs() < 1e-12);
        assert!((y - 0.657_010_462_673_499).abs() < 1e-12, "{y}");

        let three = Neuron::default()
            .patched(&patch(&[
                ("w", Value::List(vec![1.0, 2.0, 3.0])),
                ("x", Value::List(vec![1.0, 1.0, -1.0])),
                ("activation", Value::Text("relu".into())),
            ]))
            .unwrap();
        // z = 1 + 2 − 3 + 0.1 = 0.1 (to rounding), relu keeps it.
        let (z, y) = three.evaluate();
        assert!((z - 0.1).abs() < 1e-12 && y == z, "{z} {y}");
        assert_eq!(
            three.evaluate(),
            explain::neuron(&three.w, three.b, Activation::Relu, &three.x)
        );
    }

    #[test]
    fn hostile_values_are_refused_with_their_key() {
        let start = Neuron::default();
        let cases = [
            ("w", Value::List(vec![f64::INFINITY, 1.0])),
            ("w", Value::List(vec![1.0; 50])),
            ("b", Value::Number(f64::NAN)),
            ("b", Value::Number(1e6)),
            ("b", Value::Text("big".into())),
            ("x", Value::Other("{}".into())),
            ("activation", Value::Text("softmax".into())),
            ("activation", Value::Number(1.0)),
        ];
        for (key, value) in cases {
            let refusal = start.patched(&patch(&[(key, value.clone())])).unwrap_err();
            assert_eq!(refusal.key.as_deref(), Some(key), "{value:?}");
        }
    }

    #[test]
    fn changing_the_input_count_needs_both_lists() {
        let start = Neuron::default();
        let refusal = start
            .patched(&patch(&[("w", Value::List(vec![1.0, 2.0, 3.0]))]))
            .unwrap_err();
        assert!(matches!(refusal.reason, Reason::LengthsDiffer { .. }));
        let one = start
            .patched(&patch(&[
                ("w", Value::Number(2.0)),
                ("x", Value::Number(-1.0)),
            ]))
            .unwrap();
        assert_eq!((one.w.len(), one.x.len()), (1, 1));
    }
}
