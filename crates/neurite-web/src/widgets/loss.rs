//! The `loss` widget's state: one example's prediction, its target, and a loss between them.

use neurite::{Loss, explain};

use super::{Fields, Out, Reason, Refusal, Value, WidgetName, WidgetState, choice, numbers_within};

/// Most outputs an example may have.
pub const MAX_OUTPUTS: usize = 10;
/// Largest magnitude of an MSE value.
pub const LIMIT: f64 = 1000.0;
/// How far from 1 a sum of probabilities may be.
pub const SUM_TOLERANCE: f64 = 1e-6;

/// The losses the widget offers, by their names in its state.
pub const LOSSES: &[&str] = &["mse", "binary_cross_entropy", "categorical_cross_entropy"];

/// The engine's loss called `name` (one of [`LOSSES`]).
pub fn engine_loss(name: &str) -> Loss {
    match name {
        "mse" => Loss::MeanSquaredError,
        "binary_cross_entropy" => Loss::BinaryCrossentropy,
        _ => Loss::CategoricalCrossentropy,
    }
}

/// One example under a loss.
#[derive(Debug, Clone, PartialEq)]
pub struct LossExample {
    /// The loss, one of [`LOSSES`].
    pub loss: &'static str,
    /// The target.
    pub y_true: Vec<f64>,
    /// The prediction.
    pub y_pred: Vec<f64>,
}

impl Default for LossExample {
    fn default() -> Self {
        LossExample::typical("categorical_cross_entropy")
    }
}

impl LossExample {
    /// A readable first example for `loss`, for the menu that switches between them.
    pub fn typical(loss: &'static str) -> Self {
        let (y_true, y_pred) = match loss {
            "mse" => (vec![3.0], vec![2.5]),
            "binary_cross_entropy" => (vec![1.0], vec![0.8]),
            _ => (vec![0.0, 1.0, 0.0], vec![0.2, 0.7, 0.1]),
        };
        LossExample {
            loss,
            y_true,
            y_pred,
        }
    }

    /// The engine's loss.
    pub fn engine_loss(&self) -> Loss {
        engine_loss(self.loss)
    }

    /// `(loss, ∂loss/∂y_pred)`, by the engine.
    pub fn evaluate(&self) -> (f64, Vec<f64>) {
        explain::loss(self.engine_loss(), &self.y_true, &self.y_pred)
    }

    /// Whether the values are probabilities (both cross-entropies).
    pub fn takes_probabilities(&self) -> bool {
        self.loss != "mse"
    }
}

fn check_probabilities(key: &str, values: &[f64], sums_to_one: bool) -> Result<(), Refusal> {
    for &v in values {
        super::check_range(key, v, 0.0, 1.0)?;
    }
    let sum: f64 = values.iter().sum();
    if sums_to_one && (sum - 1.0).abs() > SUM_TOLERANCE {
        return Err(Refusal::at(key, Reason::NotProbabilities { sum }));
    }
    Ok(())
}

impl WidgetState for LossExample {
    const NAME: WidgetName = WidgetName::Loss;
    const KEYS: &'static [&'static str] = &["loss", "y_true", "y_pred"];

    fn with(&self, key: &str, value: &Value) -> Result<Self, Refusal> {
        let mut next = self.clone();
        let list = |v| numbers_within(key, v, (1, MAX_OUTPUTS), (-LIMIT, LIMIT));
        match key {
            "loss" => next.loss = choice(key, value, LOSSES)?,
            "y_true" => next.y_true = list(value)?,
            "y_pred" => next.y_pred = list(value)?,
            _ => unreachable!("keys are checked by `patched`"),
        }
        Ok(next)
    }

    fn validate(&self) -> Result<(), Refusal> {
        if self.y_true.len() != self.y_pred.len() {
            return Err(Refusal::at(
                "y_pred",
                Reason::LengthsDiffer {
                    other: "y_true",
                    len: self.y_pred.len(),
                    other_len: self.y_true.len(),
                },
            ));
        }
        if self.takes_probabilities() {
            let categorical = self.loss == "categorical_cross_entropy";
            check_probabilities("y_true", &self.y_true, categorical)?;
            check_probabilities("y_pred", &self.y_pred, categorical)?;
        }
        Ok(())
    }

    fn fields(&self) -> Fields {
        vec![
            ("loss", Out::Text(self.loss)),
            ("y_true", Out::List(self.y_true.clone())),
            ("y_pred", Out::List(self.y_pred.clone())),
        ]
    }

    fn outputs(&self) -> Fields {
        let (loss, gradient) = self.evaluate();
        vec![
            ("loss", Out::Number(loss)),
            ("gradient", Out::List(gradient)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, Value)]) -> Result<LossExample, Refusal> {
        let patch: super::super::Patch = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        LossExample::default().patched(&patch)
    }

    #[test]
    fn outputs_match_hand_values_for_each_loss() {
        // MSE over two outputs: ((1 − 0)² + (2 − 4)²)/2 = 2.5; gradient 2(p − y)/2 = [1, −2].
        let mse = set(&[
            ("loss", Value::Text("mse".into())),
            ("y_true", Value::List(vec![0.0, 4.0])),
            ("y_pred", Value::List(vec![1.0, 2.0])),
        ])
        .unwrap();
        assert_eq!(mse.evaluate(), (2.5, vec![1.0, -2.0]));
        // Binary, y = 0, p = 0.25: −ln 0.75 = 0.28768...; ∂/∂p = 1/(1 − 0.25) = 4/3.
        let bce = set(&[
            ("loss", Value::Text("binary_cross_entropy".into())),
            ("y_true", Value::List(vec![0.0])),
            ("y_pred", Value::List(vec![0.25])),
        ])
        .unwrap();
        let (l, g) = bce.evaluate();
        assert!((l + 0.75f64.ln()).abs() < 1e-12 && (g[0] - 4.0 / 3.0).abs() < 1e-12);
        // The default categorical example: −ln 0.7, gradient [1, 1 − 1/0.7, 1] (Keras divides by
        // Σp first; see `neurite::explain::loss`).
        let (l, g) = LossExample::default().evaluate();
        assert!((l + 0.7f64.ln()).abs() < 1e-12);
        assert!((g[1] - (1.0 - 1.0 / 0.7)).abs() < 1e-12 && (g[0] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn cross_entropy_takes_only_probabilities() {
        assert!(matches!(
            set(&[("y_pred", Value::List(vec![0.5, 0.7, 0.1]))])
                .unwrap_err()
                .reason,
            Reason::NotProbabilities { .. }
        ));
        assert!(set(&[("y_pred", Value::List(vec![-0.2, 1.1, 0.1]))]).is_err());
        // Switching an MSE example with a value of 2.5 to cross-entropy is refused as a whole.
        let mse = LossExample::typical("mse");
        let refusal = mse
            .patched(&[("loss".into(), Value::Text("binary_cross_entropy".into()))])
            .unwrap_err();
        assert_eq!(refusal.key.as_deref(), Some("y_true"));
    }

    #[test]
    fn lengths_must_agree_and_stay_small() {
        assert!(matches!(
            set(&[("y_pred", Value::List(vec![0.5, 0.5]))])
                .unwrap_err()
                .reason,
            Reason::LengthsDiffer { .. }
        ));
        assert!(set(&[("y_true", Value::List(vec![0.0; 11]))]).is_err());
        assert!(set(&[("loss", Value::Text("hinge".into()))]).is_err());
    }
}
