//! [`PlaneSetup`]: everything the 2-D playground's worker needs to make a run — the points, the
//! features, the network and its training — and [`PlaneSetup::build`], which checks all of it
//! with the engine's own checks and makes the data sets and the trainer.
//!
//! The output layer and the loss follow from the problem: a value to regress gets one linear
//! unit and the mean squared error; two classes one sigmoid unit, more a softmax over them, and
//! either the cross-entropy or the squared error (against the label, or its one-hot encoding).

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
    /// The loss of a classification.
    pub loss: PlaneLoss,
    /// The optimizer.
    pub optimizer: OptimizerSpec,
    /// The learning rate.
    pub learning_rate: f64,
    /// Points per batch.
    pub batch_size: usize,
    /// The L1 penalty's factor.
    pub l1: f64,
    /// The L2 penalty's factor.
    pub l2: f64,
    /// Dropout after each hidden layer (0 for none).
    pub dropout: f64,
    /// Whether every weight starts at 0.
    pub init_zero: bool,
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
        let init = if self.init_zero {
            Init::Zeros
        } else {
            Init::GlorotUniform
        };
        let dense = |units, activation| LayerSpec::Dense {
            units,
            activation,
            init,
        };
        let mut layers = Vec::with_capacity(2 * self.hidden.len() + 1);
        for &units in &self.hidden {
            layers.push(dense(units, self.activation));
            if self.dropout > 0.0 {
                layers.push(LayerSpec::Dropout { rate: self.dropout });
            }
        }
        let (output, loss) = match labels {
            PlaneLabels::Values(_) => (dense(1, Activation::Linear), Loss::MeanSquaredError),
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
        training.batch_size = self.batch_size;
        training.epochs = neurite::config::MAX_EPOCHS;
        training.loss = loss;
        training.l1 = self.l1;
        training.l2 = self.l2;
        training.seed = self.seed;
        config.check()
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
        let train = train_points.dataset(&self.features)?;
        let test = test_points.dataset(&self.features)?;
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
            loss: PlaneLoss::CrossEntropy,
            optimizer: OptimizerSpec::sgd(),
            learning_rate: 0.03,
            batch_size: 10,
            l1: 0.0,
            l2: 0.0,
            dropout: 0.0,
            init_zero: false,
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
