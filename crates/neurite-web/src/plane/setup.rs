//! [`PlaneSetup`]: everything the 2-D playground's worker needs to make a run — the points, the
//! features, the network and its training — and [`PlaneSetup::build`], which checks all of it
//! with the engine's own checks and makes the data sets and the trainer.
//!
//! The output layer and the loss follow from the problem and the numerics:
//!
//! - [`Numerics::Keras`]: a value to regress gets one linear unit and the mean squared error;
//!   two classes one sigmoid unit, more a softmax over them, and either the cross-entropy or
//!   the squared error (against the label, or its one-hot encoding). Glorot's initialisation;
//!   the penalties are Keras's (`l1·Σ|w| + l2·Σw²`, the rate as the factor).
//! - [`Numerics::Playground`]: TensorFlow Playground's (its `src/nn.ts` and `playground.ts`):
//!   weights `U(−0.5, 0.5)` and biases 0.1; two classes as the targets −1 and +1 of one tanh
//!   unit, a value to regress of one linear unit, under the error `½(o − t)²` averaged over the
//!   batch; its penalties `rate·|w|` or `rate·½w²`, whose gradient it adds once per batch and
//!   divides by the batch's size with the rest. The engine's mean squared error has twice that
//!   gradient, so plain SGD and momentum take half the learning rate (RMSprop and Adam do not
//!   see a gradient's scale), and the penalties' factors become `l2 = rate / n` and
//!   `l1 = 2·rate / n` for batches of `n` (derived at [`PlaneSetup::penalties`], checked against
//!   the Playground's update written out in the tests). More than two classes, which the
//!   Playground does not have, get a softmax under the squared error.

use neurite::data::plane::{Feature, PlaneLabels, PlanePoints, PlaneSpec};
use neurite::layers::Init;
use neurite::{
    Activation, CheckedConfig, Config, Dataset, LayerSpec, Loss, ModelSpec, OptimizerSpec, Trainer,
};
use serde::{Deserialize, Serialize};

/// Most hidden layers (TensorFlow Playground has at most 6).
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// Most units in a hidden layer (TensorFlow Playground has at most 8).
pub const MAX_HIDDEN_UNITS: usize = 16;
/// Largest dropout rate.
pub const MAX_DROPOUT: f64 = 0.9;

/// Where a run's points come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PlaneSource {
    /// One of the data sets, made from its spec.
    Generated(PlaneSpec),
    /// Points given one by one (drawn by the learner, or read from a CSV file).
    Points(PlanePoints),
}

/// Whose numbers a run follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Numerics {
    /// Keras's initialisation, losses and penalties (the engine's own).
    Keras,
    /// TensorFlow Playground's (see the module's docs).
    Playground,
}

/// The loss a classification is trained with (a regression always uses the squared error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaneLoss {
    /// Cross-entropy over a sigmoid (two classes) or a softmax (more).
    CrossEntropy,
    /// The mean squared error against the class (two classes) or its one-hot encoding.
    Mse,
}

/// A run of the 2-D playground, as the page asks for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaneSetup {
    /// The points.
    pub source: PlaneSource,
    /// The share of them trained on, in percent (10 to 90); the rest are the test points.
    pub train_percent: usize,
    /// The input features, in this order.
    pub features: Vec<Feature>,
    /// Units of each hidden layer.
    pub hidden: Vec<usize>,
    /// The hidden layers' activation.
    pub activation: Activation,
    /// Activations of the first hidden layers, one each, in place of `activation` (the
    /// layers past the list's end take `activation`).
    #[serde(default)]
    pub layer_activations: Vec<Activation>,
    /// The loss of a classification.
    pub loss: PlaneLoss,
    /// The optimizer.
    pub optimizer: OptimizerSpec,
    /// The learning rate.
    pub learning_rate: f64,
    /// Points per batch.
    pub batch_size: usize,
    /// The L1 penalty's rate (its factor as [`PlaneSetup::penalties`] makes it).
    pub l1: f64,
    /// The L2 penalty's rate.
    pub l2: f64,
    /// Dropout after each hidden layer (0 for none).
    pub dropout: f64,
    /// Whether every weight starts at 0.
    pub init_zero: bool,
    /// Whose numbers the run follows.
    pub numerics: Numerics,
    /// Seeds the initial weights, the batches' order and dropout.
    pub seed: u64,
}

/// A setup made real: the split points, the data sets and a trainer at epoch 0.
pub struct PlaneRun {
    /// The training points.
    pub train_points: PlanePoints,
    /// The test points.
    pub test_points: PlanePoints,
    /// The training points' features.
    pub train: Dataset,
    /// The test points' features.
    pub test: Dataset,
    /// The trainer.
    pub trainer: Trainer,
}

impl PlaneSetup {
    /// The points this setup trains and tests on (checked: a spec's ranges, and given points
    /// through [`PlanePoints::new`], whatever the message that carried them held). Given
    /// points are shuffled by the seed, so that the split is a random one whatever their
    /// order (a point just drawn is not always a test point).
    ///
    /// # Errors
    /// The engine's, for a value out of range.
    pub fn points(&self) -> neurite::Result<PlanePoints> {
        match &self.source {
            PlaneSource::Generated(spec) => spec.generate(),
            PlaneSource::Points(points) => Ok(PlanePoints::new(
                points.xy().to_vec(),
                points.labels().clone(),
            )?
            .shuffled(self.seed)),
        }
    }

    /// The engine's configuration for points labelled like `labels`.
    ///
    /// # Errors
    /// The engine's, for a value out of range.
    pub fn config(&self, labels: &PlaneLabels) -> neurite::Result<CheckedConfig> {
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(neurite::Error::invalid(
                "hidden",
                neurite::Reason::whole(
                    neurite::Quantity::Whole,
                    self.hidden.len(),
                    0,
                    MAX_HIDDEN_LAYERS,
                ),
            ));
        }
        for (i, &units) in self.hidden.iter().enumerate() {
            if !(1..=MAX_HIDDEN_UNITS).contains(&units) {
                return Err(neurite::Error::invalid(
                    format!("hidden[{i}]"),
                    neurite::Reason::whole(neurite::Quantity::Whole, units, 1, MAX_HIDDEN_UNITS),
                ));
            }
        }
        if !(self.dropout.is_finite() && (0.0..=MAX_DROPOUT).contains(&self.dropout)) {
            return Err(neurite::Error::invalid(
                "dropout",
                neurite::Reason::range(
                    neurite::Quantity::Number,
                    self.dropout,
                    Some(neurite::Bound::inclusive(0.0)),
                    Some(neurite::Bound::inclusive(MAX_DROPOUT)),
                ),
            ));
        }
        let playground = self.numerics == Numerics::Playground;
        let init = match (self.init_zero, playground) {
            (true, _) => Init::Zeros,
            (false, true) => Init::Playground,
            (false, false) => Init::GlorotUniform,
        };
        let dense = |units, activation| LayerSpec::Dense {
            units,
            activation,
            init,
        };
        let mut layers = Vec::with_capacity(2 * self.hidden.len() + 1);
        for (i, &units) in self.hidden.iter().enumerate() {
            let activation = self
                .layer_activations
                .get(i)
                .copied()
                .unwrap_or(self.activation);
            layers.push(dense(units, activation));
            if self.dropout > 0.0 {
                layers.push(LayerSpec::Dropout { rate: self.dropout });
            }
        }
        let (output, loss) = match labels {
            PlaneLabels::Values(_) => (dense(1, Activation::Linear), Loss::MeanSquaredError),
            PlaneLabels::Classes { classes, .. } if playground => {
                let output = if *classes <= 2 {
                    dense(1, Activation::Tanh)
                } else {
                    dense(*classes, Activation::Softmax)
                };
                (output, Loss::MeanSquaredError)
            }
            PlaneLabels::Classes { classes, .. } => {
                let output = if *classes <= 2 {
                    dense(1, Activation::Sigmoid)
                } else {
                    dense(*classes, Activation::Softmax)
                };
                let loss = match (self.loss, *classes <= 2) {
                    (PlaneLoss::Mse, _) => Loss::MeanSquaredError,
                    (PlaneLoss::CrossEntropy, true) => Loss::BinaryCrossentropy,
                    (PlaneLoss::CrossEntropy, false) => Loss::SparseCategoricalCrossentropy,
                };
                (output, loss)
            }
        };
        layers.push(output);
        let mut config = Config {
            model: ModelSpec {
                input_shape: vec![self.features.len()],
                layers,
            },
            ..Config::default()
        };
        let training = &mut config.training;
        training.optimizer = self.optimizer;
        training.learning_rate = self.learning_rate;
        if playground && matches!(self.optimizer, OptimizerSpec::Sgd { .. }) {
            // The squared error's gradient is twice the Playground's (½(o − t)²).
            training.learning_rate = self.learning_rate / 2.0;
        }
        training.batch_size = self.batch_size;
        training.epochs = neurite::config::MAX_EPOCHS;
        training.loss = loss;
        (training.l1, training.l2) = self.penalties();
        training.seed = self.seed;
        config.check()
    }

    /// The engine's penalty factors `(l1, l2)` for the rates asked for.
    ///
    /// The Playground moves a weight by `−(η/n)·(Σᵢ ∂Eᵢ/∂w + rate·r′(w))` per batch of `n`, with
    /// `Eᵢ = ½(oᵢ − tᵢ)²`, `r′(w) = w` (L2) or `sign w` (L1). The engine minimises
    /// `(1/n)Σᵢ(oᵢ − tᵢ)² + l1·Σ|w| + l2·Σw²`, whose gradient is `(2/n)Σᵢ ∂Eᵢ/∂w + l1·sign w +
    /// 2·l2·w`: half of it (the half learning rate of SGD) is the Playground's when
    /// `l2 = rate/n` and `l1 = 2·rate/n`. Under Keras's numerics the rate is the factor.
    pub fn penalties(&self) -> (f64, f64) {
        if self.numerics == Numerics::Playground {
            let n = self.batch_size.max(1) as f64;
            (2.0 * self.l1 / n, self.l2 / n)
        } else {
            (self.l1, self.l2)
        }
    }

    /// Whether the run's output is a value in `[−1, 1]` or beyond (a tanh or linear unit), not
    /// a probability.
    pub fn signed_output(&self, labels: &PlaneLabels) -> bool {
        match labels {
            PlaneLabels::Values(_) => true,
            PlaneLabels::Classes { classes, .. } => {
                self.numerics == Numerics::Playground && *classes <= 2
            }
        }
    }

    /// Makes the points, splits them, turns them into features and builds the trainer.
    ///
    /// # Errors
    /// The engine's, for anything out of range.
    pub fn build(&self) -> neurite::Result<PlaneRun> {
        let points = self.points()?;
        let (train_points, test_points) = points.split(self.train_percent)?;
        if train_points.is_empty() {
            return Err(neurite::Error::Dataset(
                neurite::DatasetReason::EmptyTraining,
            ));
        }
        let train = self.dataset(&train_points)?;
        let test = self.dataset(&test_points)?;
        let config = self.config(points.labels())?;
        let trainer = Trainer::new(config)?;
        trainer.model().check_fits(&train)?;
        Ok(PlaneRun {
            train_points,
            test_points,
            train,
            test,
            trainer,
        })
    }

    /// `points` as the engine trains on them: under the Playground's numerics two classes are
    /// the values −1 and +1 of one tanh unit.
    fn dataset(&self, points: &PlanePoints) -> neurite::Result<Dataset> {
        match points.labels() {
            PlaneLabels::Classes { labels, classes }
                if self.numerics == Numerics::Playground && *classes <= 2 =>
            {
                let signed = labels.iter().map(|&c| if c == 0 { -1.0 } else { 1.0 });
                PlanePoints::new(points.xy().to_vec(), PlaneLabels::Values(signed.collect()))?
                    .dataset(&self.features)
            }
            _ => points.dataset(&self.features),
        }
    }

    /// Whether `other` trains the same network on the same data from the same start, so that
    /// going from one to the other needs only new training settings (learning rate, batch,
    /// penalties, optimizer), not a new run.
    pub fn same_run(&self, other: &PlaneSetup) -> bool {
        let tuned = PlaneSetup {
            optimizer: other.optimizer,
            learning_rate: other.learning_rate,
            batch_size: other.batch_size,
            l1: other.l1,
            l2: other.l2,
            ..self.clone()
        };
        tuned == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neurite::data::plane::PlaneShape;

    pub(crate) fn circle() -> PlaneSetup {
        PlaneSetup {
            source: PlaneSource::Generated(PlaneSpec::default()),
            train_percent: 50,
            features: vec![Feature::X1, Feature::X2],
            hidden: vec![4, 2],
            activation: Activation::Tanh,
            layer_activations: vec![],
            loss: PlaneLoss::CrossEntropy,
            optimizer: OptimizerSpec::sgd(),
            learning_rate: 0.03,
            batch_size: 10,
            l1: 0.0,
            l2: 0.0,
            dropout: 0.0,
            init_zero: false,
            numerics: Numerics::Keras,
            seed: 1,
        }
    }

    #[test]
    fn the_output_and_loss_follow_the_problem() {
        let setup = circle();
        let run = setup.build().unwrap();
        assert_eq!(run.train.len(), 250);
        assert_eq!(run.test.len(), 250);
        let config = run.trainer.config();
        assert_eq!(config.training.loss, Loss::BinaryCrossentropy);
        assert_eq!(run.trainer.model().output_features(), 1);

        let spiral = PlaneSetup {
            source: PlaneSource::Generated(PlaneSpec {
                shape: PlaneShape::Spiral,
                classes: 3,
                ..PlaneSpec::default()
            }),
            loss: PlaneLoss::Mse,
            dropout: 0.2,
            ..circle()
        };
        let run = spiral.build().unwrap();
        assert_eq!(run.trainer.config().training.loss, Loss::MeanSquaredError);
        assert_eq!(run.trainer.model().output_features(), 3);
        // Two hidden layers, each followed by dropout, and the output.
        assert_eq!(run.trainer.model().layers().len(), 5);

        let regression = PlaneSetup {
            source: PlaneSource::Generated(PlaneSpec {
                shape: PlaneShape::RegGauss,
                ..PlaneSpec::default()
            }),
            ..circle()
        };
        let run = regression.build().unwrap();
        assert_eq!(run.trainer.config().training.loss, Loss::MeanSquaredError);
        assert_eq!(run.trainer.model().head(), Activation::Linear);
    }

    #[test]
    fn every_value_out_of_range_is_refused_with_its_field() {
        let cases: Vec<(&str, PlaneSetup)> = vec![
            (
                "hidden",
                PlaneSetup {
                    hidden: vec![2; MAX_HIDDEN_LAYERS + 1],
                    ..circle()
                },
            ),
            (
                "hidden[1]",
                PlaneSetup {
                    hidden: vec![2, 1_000_000],
                    ..circle()
                },
            ),
            (
                "dropout",
                PlaneSetup {
                    dropout: f64::NAN,
                    ..circle()
                },
            ),
            (
                "learning_rate",
                PlaneSetup {
                    learning_rate: f64::INFINITY,
                    ..circle()
                },
            ),
            (
                "train_percent",
                PlaneSetup {
                    train_percent: 95,
                    ..circle()
                },
            ),
            (
                "features",
                PlaneSetup {
                    features: vec![],
                    ..circle()
                },
            ),
        ];
        for (field, setup) in cases {
            match setup.build() {
                Err(neurite::Error::InvalidConfig { field: got, .. }) => {
                    assert!(got.ends_with(field), "{field}: {got}")
                }
                Err(other) => panic!("{field}: {other}"),
                Ok(_) => panic!("{field}: accepted"),
            }
        }
    }

    #[test]
    fn each_hidden_layer_takes_its_own_activation_and_the_rest_the_common_one() {
        let mixed = PlaneSetup {
            hidden: vec![4, 3, 2],
            layer_activations: vec![Activation::Relu, Activation::Sigmoid],
            ..circle()
        };
        let run = mixed.build().unwrap();
        let spec = &run.trainer.config().model;
        let activations: Vec<Activation> = spec
            .layers
            .iter()
            .map(|l| match l {
                LayerSpec::Dense { activation, .. } => *activation,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            activations,
            vec![
                Activation::Relu,
                Activation::Sigmoid,
                Activation::Tanh,
                Activation::Sigmoid
            ]
        );
    }

    #[test]
    fn given_points_are_checked_again_when_a_message_brings_them() {
        let json = r#"{"points":{"xy":[[1e30,0]],"labels":{"values":[0]}}}"#;
        let source: PlaneSource = serde_json::from_str(json).unwrap();
        let setup = PlaneSetup { source, ..circle() };
        assert!(setup.points().is_err());
    }

    #[test]
    fn given_points_are_split_at_random_and_too_few_are_refused() {
        let drawn = PlanePoints::new(
            (0..20).map(|i| [i as f32 * 0.1, 0.0]).collect(),
            PlaneLabels::Classes {
                labels: (0..20).map(|i| (i % 2) as u8).collect(),
                classes: 2,
            },
        )
        .unwrap();
        let setup = PlaneSetup {
            source: PlaneSource::Points(drawn.clone()),
            ..circle()
        };
        let run = setup.build().unwrap();
        assert_eq!(run.train_points.len(), 10);
        // The last point drawn is not always a test point: the split is not by order.
        assert_ne!(run.test_points.xy(), &drawn.xy()[10..]);
        let one = PlanePoints::new(
            vec![[0.0, 0.0]],
            PlaneLabels::Classes {
                labels: vec![0],
                classes: 2,
            },
        )
        .unwrap();
        let lonely = PlaneSetup {
            source: PlaneSource::Points(one),
            ..circle()
        };
        assert!(matches!(
            lonely.build(),
            Err(neurite::Error::Dataset(
                neurite::DatasetReason::EmptyTraining
            ))
        ));
    }

    /// One epoch of one batch under the Playground's numerics, against its update written out
    /// as its `src/nn.ts` does it (`backProp`, then `updateWeights`), for a tanh output fed
    /// x₁ and x₂ directly.
    fn playground_step_matches(regularization: &str) {
        let xy: Vec<[f32; 2]> = (0..10)
            .map(|i| [(i as f32 * 0.7).sin() * 3.0, (i as f32 * 1.3).cos() * 2.0])
            .collect();
        let labels: Vec<u8> = (0..10).map(|i| (i % 3 == 0) as u8).collect();
        let points = PlanePoints::new(xy, PlaneLabels::Classes { labels, classes: 2 }).unwrap();
        let rate = 0.3;
        let (l1, l2) = match regularization {
            "L1" => (rate, 0.0),
            "L2" => (0.0, rate),
            _ => (0.0, 0.0),
        };
        let setup = PlaneSetup {
            source: PlaneSource::Points(points),
            train_percent: 90,
            hidden: vec![],
            batch_size: 9,
            learning_rate: 0.1,
            l1,
            l2,
            numerics: Numerics::Playground,
            ..circle()
        };
        let mut run = setup.build().unwrap();
        let param = |run: &PlaneRun, name: &str| -> Vec<f64> {
            let params = run.trainer.model().named_params();
            let (_, p) = params.iter().find(|(n, _)| n == name).unwrap();
            p.value.iter().map(|&v| f64::from(v)).collect()
        };
        let (mut w, mut b) = (
            param(&run, "dense_1.kernel"),
            param(&run, "dense_1.bias")[0],
        );
        assert_eq!(b, 0.1f32 as f64, "the Playground's first bias");
        // The Playground's step.
        let (eta, n) = (0.1, 9.0);
        let (mut acc_w, mut acc_b) = ([0.0f64; 2], 0.0);
        let PlaneLabels::Classes { labels, .. } = run.train_points.labels().clone() else {
            unreachable!()
        };
        for (p, &c) in run.train_points.xy().iter().zip(&labels) {
            let x = [f64::from(p[0]), f64::from(p[1])];
            let target = if c == 0 { -1.0 } else { 1.0 };
            let o = (w[0] * x[0] + w[1] * x[1] + b).tanh();
            let der = (o - target) * (1.0 - o * o);
            acc_w[0] += der * x[0];
            acc_w[1] += der * x[1];
            acc_b += der;
        }
        b -= eta * acc_b / n;
        for i in 0..2 {
            let regul = match regularization {
                "L1" => rate * if w[i] < 0.0 { -1.0 } else { 1.0 },
                "L2" => rate * w[i],
                _ => 0.0,
            };
            w[i] -= eta / n * (acc_w[i] + regul);
        }
        run.trainer.run_epoch(&run.train).unwrap();
        let (w_engine, b_engine) = (
            param(&run, "dense_1.kernel"),
            param(&run, "dense_1.bias")[0],
        );
        for i in 0..2 {
            assert!(
                (w_engine[i] - w[i]).abs() < 1e-6,
                "{regularization} w{i}: {} vs {}",
                w_engine[i],
                w[i]
            );
        }
        assert!(
            (b_engine - b).abs() < 1e-6,
            "{regularization} b: {b_engine} vs {b}"
        );
    }

    #[test]
    fn the_playgrounds_numerics_take_the_playgrounds_step() {
        for regularization in ["none", "L1", "L2"] {
            playground_step_matches(regularization);
        }
    }

    #[test]
    fn a_new_learning_rate_or_optimizer_keeps_the_run_and_anything_else_makes_a_new_one() {
        let a = circle();
        let tuned = PlaneSetup {
            learning_rate: 0.3,
            optimizer: OptimizerSpec::adam(),
            batch_size: 30,
            l2: 0.001,
            ..circle()
        };
        assert!(a.same_run(&tuned));
        let reshaped = PlaneSetup {
            hidden: vec![4],
            ..circle()
        };
        assert!(!a.same_run(&reshaped));
        let reseeded = PlaneSetup {
            seed: 2,
            ..circle()
        };
        assert!(!a.same_run(&reseeded));
    }
}
