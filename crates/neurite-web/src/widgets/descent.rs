//! The `gradient_descent` widget's state: a 2-D loss surface, a start, a learning rate, and up
//! to five of the engine's optimizers racing from that start for a number of steps.

use std::cell::RefCell;
use std::rc::Rc;

use neurite::OptimizerSpec;
use neurite::surface::{self, Descent, Point, Surface};

use super::{
    Fields, Out, Reason, Refusal, Value, WidgetName, WidgetState, check_range, choice,
    numbers_within,
};

/// The optimizers the widget offers, by the names its state uses.
pub const OPTIMIZERS: &[&str] = &["sgd", "momentum", "nesterov", "rmsprop", "adam"];
/// The surfaces, by name.
pub const SURFACES: &[&str] = &["bowl", "rosenbrock", "saddle", "beale", "himmelblau"];
/// Most optimizers in one race.
pub const MAX_RACERS: usize = 5;
/// Most steps a state may ask for (the engine's [`surface::MAX_STEPS`]).
pub const MAX_STEPS: usize = surface::MAX_STEPS;
/// Smallest and largest learning rate.
pub const LEARNING_RATES: (f64, f64) = (1e-6, 10.0);
/// Largest magnitude of a start coordinate.
pub const START_LIMIT: f64 = 100.0;

/// The engine's optimizer called `name` (one of [`OPTIMIZERS`]), with Keras's defaults:
/// momentum 0.9; RMSprop ρ 0.9; Adam β₁ 0.9, β₂ 0.999; ε 1e-7.
pub fn optimizer_spec(name: &str) -> OptimizerSpec {
    match name {
        "sgd" => OptimizerSpec::sgd(),
        "momentum" => OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: false,
        },
        "nesterov" => OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: true,
        },
        "rmsprop" => OptimizerSpec::rmsprop(),
        _ => OptimizerSpec::adam(),
    }
}

/// The surface called `name` (one of [`SURFACES`]).
pub fn surface_named(name: &str) -> Surface {
    Surface::ALL
        .into_iter()
        .find(|s| s.name() == name)
        .unwrap_or(Surface::Bowl)
}

/// One race on one surface.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientDescent {
    /// The surface.
    pub surface: Surface,
    /// The optimizer whose path the outputs describe (one of [`OPTIMIZERS`]).
    pub optimizer: &'static str,
    /// The learning rate, shared by every racer.
    pub learning_rate: f64,
    /// Where every path starts.
    pub start: Point,
    /// Updates to take.
    pub steps: usize,
    /// The others racing against `optimizer` (none by default).
    pub optimizers: Vec<&'static str>,
}

impl Default for GradientDescent {
    fn default() -> Self {
        GradientDescent {
            surface: Surface::Bowl,
            optimizer: "sgd",
            learning_rate: 0.15,
            start: Surface::Bowl.default_start(),
            steps: 20,
            optimizers: Vec::new(),
        }
    }
}

impl GradientDescent {
    /// Every racer, `optimizer` first, each once.
    pub fn racers(&self) -> Vec<&'static str> {
        let mut racers = vec![self.optimizer];
        for &name in &self.optimizers {
            if !racers.contains(&name) {
                racers.push(name);
            }
        }
        racers
    }

    /// The path of `name` on this state's surface, by the engine's optimizer.
    pub fn path(&self, name: &str) -> Descent {
        surface::descend(
            self.surface,
            optimizer_spec(name),
            self.learning_rate,
            self.start,
            self.steps,
        )
    }

    /// Every racer's path, in [`GradientDescent::racers`]' order. The last state's paths are
    /// kept, so that the view and the outputs reported for the same change share one
    /// computation.
    pub fn paths(&self) -> Paths {
        LAST_PATHS.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((state, paths)) = last.as_ref()
                && state == self
            {
                return Rc::clone(paths);
            }
            let paths: Paths = Rc::new(
                self.racers()
                    .into_iter()
                    .map(|name| self.path(name))
                    .collect(),
            );
            *last = Some((self.clone(), Rc::clone(&paths)));
            paths
        })
    }
}

/// The paths of a state, by [`GradientDescent::paths`].
type Paths = Rc<Vec<Descent>>;

thread_local! {
    static LAST_PATHS: RefCell<Option<(GradientDescent, Paths)>> = const { RefCell::new(None) };
}

/// What a path reports: where it ended, its loss there, the steps it took, whether it left.
fn report(path: &Descent) -> Fields {
    let end = path.end();
    vec![
        ("point", Out::List(end.to_vec())),
        (
            "loss",
            Out::Number(*path.losses.last().expect("a path has its start")),
        ),
        ("steps", Out::Number(path.steps() as f64)),
        ("diverged", Out::Flag(path.diverged)),
    ]
}

impl WidgetState for GradientDescent {
    const NAME: WidgetName = WidgetName::GradientDescent;
    const KEYS: &'static [&'static str] = &[
        "surface",
        "optimizer",
        "learning_rate",
        "start",
        "steps",
        "optimizers",
    ];

    fn with(&self, key: &str, value: &Value) -> Result<Self, Refusal> {
        let mut next = self.clone();
        match key {
            "surface" => next.surface = surface_named(choice(key, value, SURFACES)?),
            "optimizer" => next.optimizer = choice(key, value, OPTIMIZERS)?,
            "learning_rate" => {
                let v = value.number().map_err(|reason| Refusal::at(key, reason))?;
                next.learning_rate = check_range(key, v, LEARNING_RATES.0, LEARNING_RATES.1)?;
            }
            "start" => {
                let start = numbers_within(key, value, (2, 2), (-START_LIMIT, START_LIMIT))?;
                next.start = [start[0], start[1]];
            }
            "steps" => {
                let v = value.number().map_err(|reason| Refusal::at(key, reason))?;
                let v = check_range(key, v, 0.0, MAX_STEPS as f64)?;
                if v.fract() != 0.0 {
                    return Err(Refusal::at(key, Reason::NotWhole { got: v }));
                }
                next.steps = v as usize;
            }
            "optimizers" => {
                let names = value.names().map_err(|reason| Refusal::at(key, reason))?;
                if names.len() > MAX_RACERS {
                    return Err(Refusal::at(
                        key,
                        Reason::Length {
                            min: 0,
                            max: MAX_RACERS,
                            got: names.len(),
                        },
                    ));
                }
                let mut racers = Vec::with_capacity(names.len());
                for name in names {
                    let known = choice(key, &Value::Text(name.into()), OPTIMIZERS)?;
                    if racers.contains(&known) {
                        return Err(Refusal::at(key, Reason::Repeated { name: name.into() }));
                    }
                    racers.push(known);
                }
                next.optimizers = racers;
            }
            _ => unreachable!("keys are checked by `patched`"),
        }
        Ok(next)
    }

    fn validate(&self) -> Result<(), Refusal> {
        let racers = self.racers().len();
        if racers > MAX_RACERS {
            return Err(Refusal::at(
                "optimizers",
                Reason::Length {
                    min: 0,
                    max: MAX_RACERS - 1,
                    got: racers - 1,
                },
            ));
        }
        Ok(())
    }

    fn fields(&self) -> Fields {
        vec![
            ("surface", Out::Text(self.surface.name())),
            ("optimizer", Out::Text(self.optimizer)),
            ("learning_rate", Out::Number(self.learning_rate)),
            ("start", Out::List(self.start.to_vec())),
            ("steps", Out::Number(self.steps as f64)),
            ("optimizers", Out::Names(self.optimizers.clone())),
        ]
    }

    fn outputs(&self) -> Fields {
        let paths = self.paths();
        let mut outputs = report(&paths[0]);
        if !self.optimizers.is_empty() {
            let race = self
                .racers()
                .into_iter()
                .zip(paths.iter())
                .map(|(name, path)| {
                    let mut fields = vec![("optimizer", Out::Text(name))];
                    fields.extend(report(path));
                    fields
                })
                .collect();
            outputs.push(("race", Out::Records(race)));
        }
        outputs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::patch;

    fn number(fields: &Fields, key: &str) -> f64 {
        match fields.iter().find(|(k, _)| *k == key) {
            Some((_, Out::Number(v))) => *v,
            other => panic!("{key}: {other:?}"),
        }
    }

    fn list(fields: &Fields, key: &str) -> Vec<f64> {
        match fields.iter().find(|(k, _)| *k == key) {
            Some((_, Out::List(v))) => v.clone(),
            other => panic!("{key}: {other:?}"),
        }
    }

    #[test]
    fn plain_sgd_on_the_bowl_is_hand_computable() {
        // ½x² + 5y² from (2, 1) with η = 0.15: x ← 0.85x, y ← (1 − 1.5)y = −0.5y. After 3
        // steps: (2·0.85³, −0.125) = (1.22825, −0.125); loss ½·1.22825² + 5·0.015625.
        let state = GradientDescent::default()
            .patched(&patch(&[
                ("start", Value::List(vec![2.0, 1.0])),
                ("steps", Value::Number(3.0)),
            ]))
            .unwrap();
        let outputs = state.outputs();
        let point = list(&outputs, "point");
        assert!((point[0] - 1.228_25).abs() < 1e-12 && (point[1] + 0.125).abs() < 1e-12);
        let loss = 0.5 * 1.228_25_f64.powi(2) + 5.0 * 0.015_625;
        assert!((number(&outputs, "loss") - loss).abs() < 1e-12);
        assert_eq!(number(&outputs, "steps"), 3.0);
        assert!(outputs.contains(&("diverged", Out::Flag(false))));
        assert!(!outputs.iter().any(|(k, _)| *k == "race"));
    }

    #[test]
    fn a_race_reports_every_runner_from_the_engine() {
        let state = GradientDescent::default()
            .patched(&patch(&[
                ("surface", Value::Text("rosenbrock".into())),
                ("optimizer", Value::Text("adam".into())),
                ("learning_rate", Value::Number(0.01)),
                ("start", Value::List(vec![-1.5, 2.0])),
                ("steps", Value::Number(1000.0)),
                (
                    "optimizers",
                    Value::Names(vec!["sgd".into(), "adam".into(), "rmsprop".into()]),
                ),
            ]))
            .unwrap();
        assert_eq!(state.racers(), vec!["adam", "sgd", "rmsprop"]);
        let outputs = state.outputs();
        let Some((_, Out::Records(race))) = outputs.iter().find(|(k, _)| *k == "race") else {
            panic!("{outputs:?}")
        };
        assert_eq!(race.len(), 3);
        for (record, name) in race.iter().zip(["adam", "sgd", "rmsprop"]) {
            assert_eq!(record[0], ("optimizer", Out::Text(name)));
            let engine = surface::descend(
                Surface::Rosenbrock,
                optimizer_spec(name),
                0.01,
                [-1.5, 2.0],
                1000,
            );
            assert_eq!(list(record, "point"), engine.end().to_vec());
        }
        assert_eq!(list(&outputs, "point"), list(&race[0], "point"));
    }

    #[test]
    fn hostile_values_are_refused() {
        let start = GradientDescent::default();
        let cases = [
            ("steps", Value::Number(1e9)),
            ("steps", Value::Number(2.5)),
            ("steps", Value::Number(-1.0)),
            ("learning_rate", Value::Number(f64::NAN)),
            ("learning_rate", Value::Number(0.0)),
            ("learning_rate", Value::from_url("1e400")),
            ("start", Value::List(vec![1.0])),
            ("start", Value::List(vec![1.0, f64::INFINITY])),
            ("surface", Value::Text("moon".into())),
            ("optimizer", Value::Text("lbfgs".into())),
            ("optimizers", Value::Names(vec!["adam".into(); 2])),
            ("optimizers", Value::Names(vec!["sgd".into(); 6])),
            ("optimizers", Value::Names(vec!["sgd".into(), "x".into()])),
            ("optimizers", Value::Number(3.0)),
        ];
        for (key, value) in cases {
            let refusal = start
                .patched(&patch(&[(key, value.clone())]))
                .expect_err(key);
            assert_eq!(refusal.key.as_deref(), Some(key), "{value:?}");
        }
    }

    #[test]
    fn the_state_round_trips_through_its_fields() {
        let state = GradientDescent::default()
            .patched(&patch(&[(
                "optimizers",
                Value::Names(vec!["momentum".into(), "nesterov".into()]),
            )]))
            .unwrap();
        let again = GradientDescent::default()
            .patched(&crate::widgets::value::as_patch(state.fields()))
            .unwrap();
        assert_eq!(again, state);
    }
}
