//! Widgets: live views of one idea each, driven by the engine, that mount into any element.
//!
//! A widget is a state type ([`WidgetState`]), its outputs, the way a URL or a message sets it,
//! and a view. The same state type is what the URL holds, what `setState` accepts and what the
//! view edits, and every value goes through the one check of its [`WidgetState::with`] and
//! [`WidgetState::validate`]: a refused value is a [`Refusal`] with a message in either
//! language, and the last good state is kept.
//!
//! - [`value`]: the loosely typed values that come in (URL text, JS values) and go out.
//! - [`refusal`]: why a value is refused, rendered in English or 中文.
//! - [`options`]: a widget's URL — which widget, language, controls, look, initial state.
//! - [`playground_link`]: TensorFlow Playground links, for the 2-D playground.
//! - [`playground2d`]: the 2-D playground's state, its link and the run it asks the worker for.
//! - [`neuron`], [`activation`], [`loss`], [`descent`], [`backprop`]: the widgets' states and
//!   outputs.
//! - `views`, `host` (wasm32 only): their Leptos views and the shell that mounts them.

pub mod activation;
pub mod backprop;
pub mod descent;
pub mod loss;
pub mod neuron;
pub mod options;
pub mod playground2d;
pub mod playground_link;
pub mod refusal;
pub mod value;

#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod host;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod views;

pub use refusal::{Reason, Refusal};
pub use value::{Fields, Out, Patch, Value};

/// The widgets there are, by the name their URL and `<neurite-widget name>` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WidgetName {
    /// One neuron, `y = f(wᵀx + b)`.
    Neuron,
    /// An activation function and its derivative.
    Activation,
    /// A loss for one example and its gradient.
    Loss,
    /// Optimizers racing down a 2-D loss surface.
    GradientDescent,
    /// One backpropagation step of a small network, stage by stage.
    Backprop,
    /// A small network learning points on a plane, in a worker (TensorFlow Playground's
    /// setting).
    Playground2d,
}

impl WidgetName {
    /// Every widget.
    pub const ALL: [WidgetName; 6] = [
        WidgetName::Neuron,
        WidgetName::Activation,
        WidgetName::Loss,
        WidgetName::GradientDescent,
        WidgetName::Backprop,
        WidgetName::Playground2d,
    ];
    /// Their names, for messages.
    pub const KEYS: &'static [&'static str] = &[
        "neuron",
        "activation",
        "loss",
        "gradient_descent",
        "backprop",
        "playground2d",
    ];

    /// The name in URLs and the embedding API.
    pub fn key(self) -> &'static str {
        match self {
            WidgetName::Neuron => "neuron",
            WidgetName::Activation => "activation",
            WidgetName::Loss => "loss",
            WidgetName::GradientDescent => "gradient_descent",
            WidgetName::Backprop => "backprop",
            WidgetName::Playground2d => "playground2d",
        }
    }

    /// The widget called `key`.
    pub fn from_key(key: &str) -> Result<Self, Refusal> {
        WidgetName::ALL
            .into_iter()
            .find(|w| w.key() == key)
            .ok_or_else(|| {
                Refusal::at(
                    "widget",
                    Reason::UnknownChoice {
                        got: key.into(),
                        choices: WidgetName::KEYS,
                    },
                )
            })
    }
}

/// A widget's state: plain data with defaults, set key by key through one check.
pub trait WidgetState: Clone + Default + PartialEq + 'static {
    /// The widget's name.
    const NAME: WidgetName;
    /// The state's keys, which are also the names of its controls.
    const KEYS: &'static [&'static str];

    /// This state with `key` set to `value`, if the value itself is acceptable. Relations between
    /// keys are checked by [`WidgetState::validate`] once a whole patch is in.
    fn with(&self, key: &str, value: &Value) -> Result<Self, Refusal>;

    /// Checks the relations between keys (lengths that must agree, sums).
    fn validate(&self) -> Result<(), Refusal>;

    /// The state as the embedding API reports it.
    fn fields(&self) -> Fields;

    /// The outputs the engine computes from the state.
    fn outputs(&self) -> Fields;

    /// This state with a whole patch applied, or the first refusal (nothing of it applied).
    /// Keys are applied in the order of [`WidgetState::KEYS`] (a key that reshapes others, as
    /// a network's `sizes`, comes first), a repeated key's last value winning.
    fn patched(&self, patch: &[(String, Value)]) -> Result<Self, Refusal> {
        if let Some((key, _)) = patch
            .iter()
            .find(|(key, _)| !Self::KEYS.contains(&key.as_str()))
        {
            return Err(Refusal::at(
                key,
                Reason::UnknownKey {
                    got: key.clone(),
                    known: Self::KEYS,
                },
            ));
        }
        let mut next = self.clone();
        for &known in Self::KEYS {
            for (key, value) in patch.iter().filter(|(key, _)| key == known) {
                next = next.with(key, value)?;
            }
        }
        next.validate()?;
        Ok(next)
    }

    /// This state with as much of `patch` as can be used: the whole patch if it checks, else
    /// each key that checks on its own, in order. Returns the refusals of the rest — for a URL,
    /// where one stale key should not cost the others.
    fn patched_leniently(&self, patch: &[(String, Value)]) -> (Self, Vec<Refusal>) {
        if let Ok(next) = self.patched(patch) {
            return (next, Vec::new());
        }
        let mut state = self.clone();
        let mut refusals = Vec::new();
        for entry in patch {
            match state.patched(std::slice::from_ref(entry)) {
                Ok(next) => state = next,
                Err(refusal) => refusals.push(refusal),
            }
        }
        (state, refusals)
    }
}

/// Reads a finite number within `±limit`.
pub(crate) fn number_within(key: &str, value: &Value, limit: f64) -> Result<f64, Refusal> {
    let v = value.number().map_err(|reason| Refusal::at(key, reason))?;
    check_range(key, v, -limit, limit)
}

/// Checks that `v` is finite and in `[min, max]`.
pub(crate) fn check_range(key: &str, v: f64, min: f64, max: f64) -> Result<f64, Refusal> {
    if !v.is_finite() {
        Err(Refusal::at(key, Reason::NotFinite))
    } else if !(min..=max).contains(&v) {
        Err(Refusal::at(key, Reason::OutOfRange { min, max, got: v }))
    } else {
        Ok(v)
    }
}

/// Reads a list of `lengths` finite numbers, each in `[min, max]`.
pub(crate) fn numbers_within(
    key: &str,
    value: &Value,
    lengths: (usize, usize),
    (min, max): (f64, f64),
) -> Result<Vec<f64>, Refusal> {
    let list = value.numbers().map_err(|reason| Refusal::at(key, reason))?;
    if !(lengths.0..=lengths.1).contains(&list.len()) {
        return Err(Refusal::at(
            key,
            Reason::Length {
                min: lengths.0,
                max: lengths.1,
                got: list.len(),
            },
        ));
    }
    for &v in &list {
        check_range(key, v, min, max)?;
    }
    Ok(list)
}

/// Reads one of `choices`.
pub(crate) fn choice(
    key: &str,
    value: &Value,
    choices: &'static [&'static str],
) -> Result<&'static str, Refusal> {
    let text = value.text().map_err(|reason| Refusal::at(key, reason))?;
    choices.iter().copied().find(|c| *c == text).ok_or_else(|| {
        Refusal::at(
            key,
            Reason::UnknownChoice {
                got: text.into(),
                choices,
            },
        )
    })
}

/// The element-wise activations a widget offers, by their Keras names.
pub const ELEMENTWISE: &[&str] = &["linear", "relu", "leaky_relu", "sigmoid", "tanh"];

/// The element-wise activation called `name` (one of [`ELEMENTWISE`]).
pub(crate) fn activation_named(key: &str, value: &Value) -> Result<neurite::Activation, Refusal> {
    let name = choice(key, value, ELEMENTWISE)?;
    Ok(neurite::Activation::ALL
        .into_iter()
        .find(|a| a.name() == name)
        .expect("every elementwise name is an engine activation"))
}

/// A patch from `(key, value)` pairs, for tests.
#[cfg(test)]
pub(crate) fn patch(pairs: &[(&str, Value)]) -> Patch {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::neuron::Neuron;

    #[test]
    fn widget_names_round_trip_and_unknown_ones_are_refused() {
        for w in WidgetName::ALL {
            assert_eq!(WidgetName::from_key(w.key()), Ok(w));
        }
        let refusal = WidgetName::from_key("mandelbrot").unwrap_err();
        assert_eq!(refusal.key.as_deref(), Some("widget"));
    }

    #[test]
    fn a_patch_is_atomic_and_unknown_keys_are_refused() {
        let start = Neuron::default();
        let patch = vec![
            ("b".to_string(), Value::Number(2.0)),
            ("w".to_string(), Value::Number(f64::NAN)),
        ];
        assert!(start.patched(&patch).is_err());
        let unknown = vec![("colour".to_string(), Value::Text("red".into()))];
        let refusal = start.patched(&unknown).unwrap_err();
        assert!(matches!(refusal.reason, Reason::UnknownKey { .. }));
    }

    #[test]
    fn a_lenient_patch_keeps_what_checks_and_reports_the_rest() {
        let patch = vec![
            ("b".to_string(), Value::Number(2.0)),
            ("w".to_string(), Value::List(vec![1.0; 50])),
        ];
        let (state, refusals) = Neuron::default().patched_leniently(&patch);
        assert_eq!(state.b, 2.0);
        assert_eq!(state.w, Neuron::default().w);
        assert_eq!(refusals.len(), 1);
        assert_eq!(refusals[0].key.as_deref(), Some("w"));
    }
}
