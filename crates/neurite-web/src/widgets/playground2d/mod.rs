//! The `playground2d` widget's state: TensorFlow Playground's setup, key for key with its
//! meaning there ([`PlaygroundLink`]), and Neurite's own keys beside it — classes, points,
//! optimizer, loss, dropout and when to stop.
//!
//! A value comes as the Playground's URL writes it (`networkShape=8,8`, `x=true`) or as a JSON
//! type (`[8, 8]`, `true`); either goes through the Playground key's own check
//! ([`playground_link::apply`]), so a link, `setState` and the view's controls are refused alike.
//! [`Playground2d::setup`] is the run the worker makes of it.

use neurite::data::plane::{Feature, MAX_PLANE_CLASSES, MAX_PLANE_POINTS, PlaneShape, PlaneSpec};
use neurite::{Activation, OptimizerSpec};

mod link;

pub use link::{ReadHash, read_hash};

use super::playground_link::{self, ACTIVATIONS, PlaygroundLink};
use super::{Fields, Out, Reason, Refusal, Value, WidgetName, WidgetState, check_range, choice};
use crate::plane::protocol::StopRule;
use crate::plane::setup::{MAX_DROPOUT, Numerics, PlaneLoss, PlaneSetup, PlaneSource};

/// The optimizers offered, by the names the state uses.
pub const OPTIMIZERS: &[&str] = &["sgd", "momentum", "rmsprop", "adam"];
/// The losses offered for a classification (under Keras's numerics).
pub const LOSSES: &[&str] = &["cross_entropy", "mse"];
/// Whose numbers a run follows: TensorFlow Playground's, or Keras's.
pub const NUMERICS: &[&str] = &["playground", "keras"];
/// Points the Playground makes for a classification, and for a regression
/// (`NUM_SAMPLES_CLASSIFY`, `NUM_SAMPLES_REGRESS` in its `playground.ts`).
pub const PLAYGROUND_POINTS: (usize, usize) = (500, 1200);
/// Fewest points a state may ask for.
pub const MIN_POINTS: usize = 20;
/// Most epochs a stop rule may name.
pub const MAX_STOP_EPOCHS: usize = neurite::config::MAX_EPOCHS;

/// Neurite's own keys, beside the Playground's: the last of [`Playground2d`]'s keys.
pub const OWN_KEYS: &[&str] = <Playground2d as WidgetState>::KEYS.split_at(27).1;

/// The 2-D playground's setup.
#[derive(Debug, Clone, PartialEq)]
pub struct Playground2d {
    /// The Playground's keys.
    pub link: PlaygroundLink,
    /// Classes of `gauss` and `spiral` (2 to [`MAX_PLANE_CLASSES`]); the others have 2.
    pub classes: usize,
    /// Points, training and test together (`None`: the Playground's count for the problem).
    pub points: Option<usize>,
    /// Activations of the first hidden layers, each in place of the Playground's one
    /// `activation` (one of its [`ACTIVATIONS`]); the layers past the list take `activation`.
    pub layer_activations: Vec<&'static str>,
    /// The optimizer (one of [`OPTIMIZERS`]).
    pub optimizer: &'static str,
    /// The loss of a classification (one of [`LOSSES`]), under Keras's numerics.
    pub loss: &'static str,
    /// Whose numbers the run follows (one of [`NUMERICS`]).
    pub numerics: &'static str,
    /// Dropout after each hidden layer.
    pub dropout: f64,
    /// Stop playing after this epoch.
    pub stop_epochs: Option<usize>,
    /// Stop playing once the test loss is at most this.
    pub stop_loss: Option<f64>,
}

impl Default for Playground2d {
    fn default() -> Self {
        Playground2d {
            link: PlaygroundLink::default(),
            classes: 2,
            points: None,
            layer_activations: Vec::new(),
            optimizer: "sgd",
            loss: "cross_entropy",
            numerics: "playground",
            dropout: 0.0,
            stop_epochs: None,
            stop_loss: None,
        }
    }
}

/// A value as the Playground's URL would write it.
fn link_text(key: &str, value: &Value) -> Result<String, Refusal> {
    let join = |parts: Vec<String>| parts.join(",");
    match value {
        Value::Text(text) => Ok(text.clone()),
        Value::Number(v) => Ok(format!("{v}")),
        Value::Flag(flag) => Ok(flag.to_string()),
        Value::List(list) => Ok(join(list.iter().map(|v| format!("{v}")).collect())),
        Value::Names(names) => Ok(join(names.clone())),
        other => Err(Refusal::at(
            key,
            Reason::NotText {
                got: other.describe(),
            },
        )),
    }
}

/// A seed's text: letters, digits, `.`, `-` and `_` (what a link carries as it is), a number
/// written in its shortest form (so `1e2` and `100` are one seed however they came).
fn seed_text(key: &str, value: &Value) -> Result<String, Refusal> {
    let text = link_text(key, value)?;
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(Refusal::at(
            key,
            Reason::SeedCharacters {
                got: super::value::shorten(&text),
            },
        ));
    }
    Ok(match text.parse::<f64>() {
        Ok(v) if v.is_finite() => format!("{v}"),
        _ => text,
    })
}

/// The engine's activation called `name` (one of the Playground's [`ACTIVATIONS`]).
fn activation_of(name: &str) -> Activation {
    match name {
        "relu" => Activation::Relu,
        "sigmoid" => Activation::Sigmoid,
        "linear" => Activation::Linear,
        _ => Activation::Tanh,
    }
}

/// A whole number in `[min, max]`.
fn whole(key: &str, value: &Value, min: usize, max: usize) -> Result<usize, Refusal> {
    let v = value.number().map_err(|reason| Refusal::at(key, reason))?;
    let v = check_range(key, v, min as f64, max as f64)?;
    if v.fract() != 0.0 {
        return Err(Refusal::at(key, Reason::NotWhole { got: v }));
    }
    Ok(v as usize)
}

/// A number, or `0` / `none` / empty for none.
fn optional(value: &Value) -> Option<&Value> {
    match value {
        Value::Number(v) if *v == 0.0 => None,
        Value::Text(t) if t.is_empty() || t == "none" => None,
        other => Some(other),
    }
}

impl Playground2d {
    /// The data set.
    pub fn shape(&self) -> PlaneShape {
        self.link.shape()
    }

    /// Whether the data set's points have values, not classes.
    pub fn is_regression(&self) -> bool {
        self.shape().is_regression()
    }

    /// Classes of the data set (0 for a regression).
    pub fn class_count(&self) -> usize {
        match self.shape().class_range() {
            Some((min, max)) => self.classes.clamp(min, max),
            None => 0,
        }
    }

    /// Points made.
    pub fn point_count(&self) -> usize {
        self.points.unwrap_or(if self.is_regression() {
            PLAYGROUND_POINTS.1
        } else {
            PLAYGROUND_POINTS.0
        })
    }

    /// Units per layer: the inputs, the hidden layers, the output.
    pub fn widths(&self) -> Vec<usize> {
        let mut widths = vec![self.link.features.len()];
        widths.extend(&self.link.network_shape);
        widths.push(if self.class_count() > 2 {
            self.class_count()
        } else {
            1
        });
        widths
    }

    /// Trainable numbers in the network.
    pub fn parameters(&self) -> usize {
        self.widths().windows(2).map(|w| (w[0] + 1) * w[1]).sum()
    }

    /// When playing stops by itself.
    pub fn stop_rule(&self) -> StopRule {
        StopRule {
            epochs: self.stop_epochs,
            test_loss: self.stop_loss,
        }
    }

    /// The run the worker makes of this state.
    pub fn setup(&self) -> PlaneSetup {
        let rate = self.link.regularization_rate;
        let (l1, l2) = match self.link.regularization {
            "L1" => (rate, 0.0),
            "L2" => (0.0, rate),
            _ => (0.0, 0.0),
        };
        let optimizer = match self.optimizer {
            "momentum" => OptimizerSpec::Sgd {
                momentum: 0.9,
                nesterov: false,
            },
            "rmsprop" => OptimizerSpec::rmsprop(),
            "adam" => OptimizerSpec::adam(),
            _ => OptimizerSpec::sgd(),
        };
        let activation = activation_of(self.link.activation);
        let seed = self.link.engine_seed();
        PlaneSetup {
            source: PlaneSource::Generated(PlaneSpec {
                shape: self.shape(),
                classes: self.class_count().max(2),
                points: self.point_count(),
                noise: self.link.noise(),
                seed,
            }),
            train_percent: self.link.train_percent,
            features: self.link.features.clone(),
            hidden: self.link.network_shape.clone(),
            activation,
            layer_activations: self
                .layer_activations
                .iter()
                .map(|name| activation_of(name))
                .collect(),
            loss: if self.loss == "mse" {
                PlaneLoss::Mse
            } else {
                PlaneLoss::CrossEntropy
            },
            optimizer,
            learning_rate: self.link.learning_rate,
            batch_size: self.link.batch_size,
            l1,
            l2,
            dropout: self.dropout,
            init_zero: self.link.init_zero,
            numerics: if self.numerics == "keras" {
                Numerics::Keras
            } else {
                Numerics::Playground
            },
            seed,
        }
    }
}

impl WidgetState for Playground2d {
    const NAME: WidgetName = WidgetName::Playground2d;
    const KEYS: &'static [&'static str] = &[
        "problem",
        "dataset",
        "regDataset",
        "noise",
        "percTrainData",
        "seed",
        "x",
        "y",
        "xSquared",
        "ySquared",
        "xTimesY",
        "sinX",
        "sinY",
        "cosX",
        "cosY",
        "networkShape",
        "activation",
        "learningRate",
        "regularization",
        "regularizationRate",
        "batchSize",
        "initZero",
        "showTestData",
        "discretize",
        "hideText",
        "collectStats",
        "tutorial",
        "classes",
        "points",
        "layerActivations",
        "optimizer",
        "loss",
        "numerics",
        "dropout",
        "stopEpochs",
        "stopLoss",
    ];

    fn with(&self, key: &str, value: &Value) -> Result<Self, Refusal> {
        let mut next = self.clone();
        match key {
            "classes" => next.classes = whole(key, value, 2, MAX_PLANE_CLASSES)?,
            "points" => {
                next.points = optional(value)
                    .map(|v| whole(key, v, MIN_POINTS, MAX_PLANE_POINTS))
                    .transpose()?;
            }
            "layerActivations" => {
                let text = link_text(key, value)?;
                let names: Vec<&str> = text
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .collect();
                if names.len() > playground_link::MAX_LAYERS {
                    return Err(Refusal::at(
                        key,
                        Reason::Length {
                            min: 0,
                            max: playground_link::MAX_LAYERS,
                            got: names.len(),
                        },
                    ));
                }
                next.layer_activations = names
                    .into_iter()
                    .map(|name| choice(key, &Value::Text(name.into()), ACTIVATIONS))
                    .collect::<Result<_, _>>()?;
            }
            "optimizer" => next.optimizer = choice(key, value, OPTIMIZERS)?,
            "loss" => next.loss = choice(key, value, LOSSES)?,
            "numerics" => next.numerics = choice(key, value, NUMERICS)?,
            "dropout" => {
                let v = value.number().map_err(|reason| Refusal::at(key, reason))?;
                next.dropout = check_range(key, v, 0.0, MAX_DROPOUT)?;
            }
            "stopEpochs" => {
                next.stop_epochs = optional(value)
                    .map(|v| whole(key, v, 1, MAX_STOP_EPOCHS))
                    .transpose()?;
            }
            "stopLoss" => {
                next.stop_loss = optional(value)
                    .map(|v| {
                        let v = v.number().map_err(|reason| Refusal::at(key, reason))?;
                        check_range(key, v, 0.0, 1e6)
                    })
                    .transpose()?;
            }
            "seed" => {
                let text = seed_text(key, value)?;
                playground_link::apply(&mut next.link, key, Some(&text))?;
            }
            _ => {
                let text = link_text(key, value)?;
                playground_link::apply(&mut next.link, key, Some(&text))?;
            }
        }
        Ok(next)
    }

    fn validate(&self) -> Result<(), Refusal> {
        if self.link.features.is_empty() {
            return Err(Refusal::at(
                "x",
                Reason::Length {
                    min: 1,
                    max: Feature::ALL.len(),
                    got: 0,
                },
            ));
        }
        Ok(())
    }

    fn fields(&self) -> Fields {
        let link = &self.link;
        let mut fields: Fields = vec![
            ("problem", Out::Text(link.problem)),
            ("dataset", Out::Text(link.dataset.playground_key())),
            ("regDataset", Out::Text(link.reg_dataset.playground_key())),
            ("noise", Out::Number(link.noise_percent)),
            ("percTrainData", Out::Number(link.train_percent as f64)),
            (
                "seed",
                Out::OwnedText(link.seed.clone().unwrap_or_default()),
            ),
        ];
        for feature in Feature::ALL {
            fields.push((
                feature.playground_key(),
                Out::Flag(link.features.contains(&feature)),
            ));
        }
        fields.extend([
            (
                "networkShape",
                Out::List(link.network_shape.iter().map(|&u| u as f64).collect()),
            ),
            ("activation", Out::Text(link.activation)),
            ("learningRate", Out::Number(link.learning_rate)),
            ("regularization", Out::Text(link.regularization)),
            ("regularizationRate", Out::Number(link.regularization_rate)),
            ("batchSize", Out::Number(link.batch_size as f64)),
            ("initZero", Out::Flag(link.init_zero)),
            ("showTestData", Out::Flag(link.show_test_data)),
            ("discretize", Out::Flag(link.discretize)),
            ("hideText", Out::Flag(link.hide_text)),
            ("classes", Out::Number(self.classes as f64)),
            ("points", Out::Number(self.points.unwrap_or(0) as f64)),
            (
                "layerActivations",
                Out::Names(self.layer_activations.clone()),
            ),
            ("optimizer", Out::Text(self.optimizer)),
            ("loss", Out::Text(self.loss)),
            ("numerics", Out::Text(self.numerics)),
            ("dropout", Out::Number(self.dropout)),
            (
                "stopEpochs",
                Out::Number(self.stop_epochs.unwrap_or(0) as f64),
            ),
            ("stopLoss", Out::Number(self.stop_loss.unwrap_or(0.0))),
        ]);
        fields
    }

    fn outputs(&self) -> Fields {
        vec![
            ("parameters", Out::Number(self.parameters() as f64)),
            ("points", Out::Number(self.point_count() as f64)),
        ]
    }
}

#[cfg(test)]
mod tests;
