//! The training configuration, as plain data ([`TrainConfig`]) and as the one checked type the
//! engine accepts ([`CheckedConfig`]).
//!
//! The UI's controls, the URL state, the CLI's flags and the worker protocol all build a
//! [`Config`] and call [`Config::check`]: one set of ranges, one set of messages.

use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::{Bound, Error, Loss, ModelSpec, OptimizerSpec, Quantity, Reason, Result};

/// Largest learning rate accepted.
pub const MAX_LEARNING_RATE: f64 = 10.0;
/// Largest batch size accepted.
pub const MAX_BATCH_SIZE: usize = 65_536;
/// Most epochs one run may have.
pub const MAX_EPOCHS: usize = 1_000;

/// How `u8` pixels become model inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PixelMode {
    /// `x / 255`, in `[0, 1]`.
    #[default]
    Scaled,
    /// `0` to `255`, as the seed program feeds them (it never divides by 255).
    Raw,
}

impl PixelMode {
    /// The factor a `u8` pixel is multiplied by.
    pub fn factor(self) -> f32 {
        match self {
            PixelMode::Scaled => 1.0 / 255.0,
            PixelMode::Raw => 1.0,
        }
    }
}

/// Hyperparameters of a training run. `Default` is the seed program: Adam 1e-3, batch 32,
/// 5 epochs, sparse categorical cross-entropy, pixels scaled to `[0, 1]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Step size `η`, in `(0, 10]`.
    pub learning_rate: f64,
    /// Samples per step.
    pub batch_size: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// The optimizer and its other hyperparameters.
    pub optimizer: OptimizerSpec,
    /// The loss.
    pub loss: Loss,
    /// L1 penalty on kernels, `≥ 0`.
    pub l1: f64,
    /// L2 penalty on kernels, `≥ 0`.
    pub l2: f64,
    /// Seeds initial weights, shuffling and dropout.
    pub seed: u64,
    /// How pixels are fed.
    pub pixels: PixelMode,
    /// Fraction of the training set held out for validation (its tail, as Keras), `[0, 1)`.
    pub validation_split: f64,
    /// Train on only the first this-many samples.
    pub train_subset: Option<usize>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            learning_rate: 1e-3,
            batch_size: 32,
            epochs: 5,
            optimizer: OptimizerSpec::adam(),
            loss: Loss::SparseCategoricalCrossentropy,
            l1: 0.0,
            l2: 0.0,
            seed: 42,
            pixels: PixelMode::Scaled,
            validation_split: 0.0,
            train_subset: None,
        }
    }
}

/// Checks a learning rate: finite, `> 0`, at most [`MAX_LEARNING_RATE`].
pub fn check_learning_rate(learning_rate: f64) -> Result<f64> {
    if learning_rate.is_finite() && learning_rate > 0.0 && learning_rate <= MAX_LEARNING_RATE {
        Ok(learning_rate)
    } else {
        Err(Error::invalid(
            "learning_rate",
            Reason::range(
                Quantity::Number,
                learning_rate,
                Some(Bound::exclusive(0.0)),
                Some(Bound::inclusive(MAX_LEARNING_RATE)),
            ),
        ))
    }
}

/// Checks a batch size: 1 to [`MAX_BATCH_SIZE`].
pub fn check_batch_size(batch_size: usize) -> Result<usize> {
    if (1..=MAX_BATCH_SIZE).contains(&batch_size) {
        Ok(batch_size)
    } else {
        Err(Error::invalid(
            "batch_size",
            Reason::whole(Quantity::Whole, batch_size, 1, MAX_BATCH_SIZE),
        ))
    }
}

impl TrainConfig {
    /// Checks every range; the first problem found is returned.
    pub fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        check_batch_size(self.batch_size)?;
        if !(1..=MAX_EPOCHS).contains(&self.epochs) {
            return Err(Error::invalid(
                "epochs",
                Reason::whole(Quantity::Whole, self.epochs, 1, MAX_EPOCHS),
            ));
        }
        self.optimizer.validate()?;
        for (field, value) in [("l1", self.l1), ("l2", self.l2)] {
            if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
                return Err(Error::invalid(
                    field,
                    Reason::range(
                        Quantity::Number,
                        value,
                        Some(Bound::inclusive(0.0)),
                        Some(Bound::inclusive(1.0)),
                    ),
                ));
            }
        }
        if !(self.validation_split.is_finite() && (0.0..1.0).contains(&self.validation_split)) {
            return Err(Error::invalid(
                "validation_split",
                Reason::range(
                    Quantity::Number,
                    self.validation_split,
                    Some(Bound::inclusive(0.0)),
                    Some(Bound::exclusive(1.0)),
                ),
            ));
        }
        if self.train_subset == Some(0) {
            return Err(Error::invalid(
                "train_subset",
                Reason::range(Quantity::Samples, 0, Some(Bound::inclusive(1.0)), None),
            ));
        }
        Ok(())
    }
}

/// A whole experiment: the model and how to train it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The architecture.
    pub model: ModelSpec,
    /// The hyperparameters.
    pub training: TrainConfig,
}

impl Config {
    /// Checks the model and the hyperparameters.
    pub fn check(self) -> Result<CheckedConfig> {
        self.model.validate()?;
        self.training.validate()?;
        Ok(CheckedConfig(self))
    }
}

/// A [`Config`] whose every range has been checked; the only form the trainer accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedConfig(Config);

impl CheckedConfig {
    /// The checked configuration, back as plain data.
    pub fn into_inner(self) -> Config {
        self.0
    }

    /// Changes the learning rate after checking it.
    pub fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()> {
        self.0.training.learning_rate = check_learning_rate(learning_rate)?;
        Ok(())
    }

    /// Changes the batch size after checking it.
    pub fn set_batch_size(&mut self, batch_size: usize) -> Result<()> {
        self.0.training.batch_size = check_batch_size(batch_size)?;
        Ok(())
    }
}

impl Deref for CheckedConfig {
    type Target = Config;

    fn deref(&self) -> &Config {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(change: impl FnOnce(&mut TrainConfig)) -> Result<CheckedConfig> {
        let mut config = Config::default();
        change(&mut config.training);
        config.check()
    }

    #[test]
    fn default_config_is_the_seed_program() {
        let checked = Config::default().check().unwrap();
        assert_eq!(checked.training.learning_rate, 1e-3);
        assert_eq!(checked.training.batch_size, 32);
        assert_eq!(checked.training.epochs, 5);
        assert_eq!(checked.training.optimizer, OptimizerSpec::adam());
        assert_eq!(checked.model, ModelSpec::seed_mlp());
    }

    #[test]
    fn bad_hyperparameters_are_refused_with_their_field() {
        type Change = Box<dyn FnOnce(&mut TrainConfig)>;
        let cases: Vec<(&str, Change)> = vec![
            ("learning_rate", Box::new(|c| c.learning_rate = 0.0)),
            ("learning_rate", Box::new(|c| c.learning_rate = -1.0)),
            ("learning_rate", Box::new(|c| c.learning_rate = f64::NAN)),
            (
                "learning_rate",
                Box::new(|c| c.learning_rate = f64::INFINITY),
            ),
            ("batch_size", Box::new(|c| c.batch_size = 0)),
            ("epochs", Box::new(|c| c.epochs = 0)),
            ("l2", Box::new(|c| c.l2 = -0.1)),
            ("validation_split", Box::new(|c| c.validation_split = 1.0)),
            ("train_subset", Box::new(|c| c.train_subset = Some(0))),
            (
                "optimizer.beta_1",
                Box::new(|c| {
                    c.optimizer = OptimizerSpec::Adam {
                        beta_1: 1.5,
                        beta_2: 0.9,
                        epsilon: 1e-7,
                    }
                }),
            ),
        ];
        for (field, change) in cases {
            match with(change) {
                Err(Error::InvalidConfig { field: f, .. }) => assert_eq!(f, field),
                other => panic!("expected an error on {field}, got {other:?}"),
            }
        }
    }

    #[test]
    fn checked_config_refuses_a_bad_learning_rate_change_and_keeps_the_old_one() {
        let mut checked = Config::default().check().unwrap();
        assert!(checked.set_learning_rate(f64::NAN).is_err());
        assert_eq!(checked.training.learning_rate, 1e-3);
        checked.set_learning_rate(0.01).unwrap();
        assert_eq!(checked.training.learning_rate, 0.01);
    }

    #[test]
    fn config_reads_partial_json_over_the_defaults() {
        let config: Config =
            serde_json::from_str(r#"{"training":{"epochs":2,"pixels":"raw"}}"#).unwrap();
        assert_eq!(config.training.epochs, 2);
        assert_eq!(config.training.pixels, PixelMode::Raw);
        assert_eq!(config.training.batch_size, 32);
    }
}
