//! Checkpoints: a model file that also says where training stood — the configuration in force,
//! the place in the run and the optimizer's state — so that a run continues where it left off:
//! Adam with its moments and its step count, the epoch at its batch.
//!
//! A checkpoint is an ordinary model file ([`crate::model_file`]) with two additions, both
//! optional, which a reader that only wants the model ignores:
//! - the metadata key `training`: JSON
//!   `{"config": Config, "position": Position, "optimizer_steps": n}`;
//! - one tensor per parameter and optimizer slot, named `optimizer.{param}.{slot}` (e.g.
//!   `optimizer.dense_1.kernel.first_moment`), `f32`, with the parameter's shape. The slots
//!   are the configuration's optimizer's ([`Optimizer::slots`]). A checkpoint has all of them
//!   or none: none before the first update, or when weights and state together would hold
//!   more than [`MAX_PARAMS`] values; the optimizer's state then starts afresh.
//!
//! Reading trusts nothing: the configuration is checked ([`Config::check`]) and must describe
//! the file's own model and pixel mode, the position must be possible, and every state tensor
//! must exist, be finite and have its parameter's shape.

use serde::{Deserialize, Serialize};

use crate::spec::MAX_PARAMS;
use crate::{CheckedConfig, Config, Error, ModelFileReason, Optimizer, PixelMode, Result, Slot};

/// The metadata key of a checkpoint's training state.
pub const TRAINING_KEY: &str = "training";

/// The largest integer JavaScript holds exactly (`Number.MAX_SAFE_INTEGER`): step counts in a
/// checkpoint stay within it, as they travel to the page as JSON numbers.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Where a run stands inside its epochs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Epochs completed.
    pub epochs_done: usize,
    /// Batches done in the current epoch.
    pub batch: usize,
    /// Samples done in the current epoch.
    pub seen: usize,
    /// Samples the current epoch visits (0 before its first batch).
    pub epoch_samples: usize,
    /// Sum of the per-sample losses of the current epoch so far.
    pub loss_sum: f64,
    /// Correctly classified samples of the current epoch so far.
    pub correct: usize,
}

/// A run's state beside its model: what [`crate::Trainer::resume`] continues from.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingState {
    /// The configuration in force (with any learning rate or batch size changed mid-run).
    pub config: CheckedConfig,
    /// The place in the run.
    pub position: Position,
    /// Optimizer updates applied so far.
    pub optimizer_steps: u64,
    /// The optimizer's state, as [`Optimizer::state`] gives it (empty: start it afresh).
    pub optimizer_state: Vec<Vec<Vec<f32>>>,
}

/// A run's state, borrowed from a trainer to be written.
pub(crate) struct TrainingView<'a> {
    pub config: &'a Config,
    pub position: Position,
    pub optimizer: &'a Optimizer<f32>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrainingMeta {
    config: Config,
    position: Position,
    optimizer_steps: u64,
}

/// The `training` metadata of `view`.
pub(crate) fn metadata(view: &TrainingView<'_>) -> String {
    serde_json::to_string(&TrainingMeta {
        config: view.config.clone(),
        position: view.position,
        optimizer_steps: view.optimizer.steps(),
    })
    .expect("a configuration always serialises")
}

/// The name of the tensor holding `slot` of parameter `param` (`dense_1.kernel`).
pub(crate) fn slot_tensor_name(param: &str, slot: Slot) -> String {
    format!("optimizer.{param}.{}", slot.name())
}

/// The state tensors `config`'s optimizer keeps for parameters of these names and shapes,
/// parameter by parameter, slot by slot.
pub(crate) fn state_shapes(
    config: &Config,
    params: &[(String, Vec<usize>)],
) -> Vec<(String, Vec<usize>)> {
    let slots = Optimizer::<f32>::new(config.training.optimizer).slots();
    params
        .iter()
        .flat_map(|(name, shape)| {
            slots
                .iter()
                .map(move |&slot| (slot_tensor_name(name, slot), shape.clone()))
        })
        .collect()
}

/// Whether weights of `params` values and a state of `state` values fit in one file.
pub(crate) fn state_fits(params: usize, state: usize) -> bool {
    (params as u64).saturating_add(state as u64) <= MAX_PARAMS
}

fn bad(reason: ModelFileReason) -> Error {
    Error::ModelFile(reason)
}

/// The configuration, position and step count of a `training` metadata value, checked
/// against the file's own model, pixel mode and dataset.
pub(crate) fn read_metadata(
    json: &str,
    spec: &crate::ModelSpec,
    pixels: PixelMode,
    dataset: crate::DatasetKind,
) -> Result<(CheckedConfig, Position, u64)> {
    let meta: TrainingMeta = serde_json::from_str(json).map_err(|e| {
        bad(ModelFileReason::TrainingUnreadable {
            detail: e.to_string(),
        })
    })?;
    let config = meta.config.check().map_err(|e| match e {
        Error::InvalidConfig { field, reason } => {
            bad(ModelFileReason::TrainingInvalid { field, reason })
        }
        other => bad(ModelFileReason::TrainingUnreadable {
            detail: other.to_string(),
        }),
    })?;
    if config.model != *spec
        || config.training.pixels != pixels
        || config.training.dataset != dataset
    {
        return Err(bad(ModelFileReason::TrainingOtherModel));
    }
    check_position(&meta.position, config.training.epochs)?;
    if meta.optimizer_steps > MAX_SAFE_INTEGER {
        return Err(bad(ModelFileReason::ImpossiblePosition {
            field: "optimizer_steps",
        }));
    }
    Ok((config, meta.position, meta.optimizer_steps))
}

/// Refuses a position no run can reach.
fn check_position(p: &Position, epochs: usize) -> Result<()> {
    let impossible = |field| Err(bad(ModelFileReason::ImpossiblePosition { field }));
    if p.epochs_done > epochs {
        return impossible("epochs_done");
    }
    if p.epoch_samples > u32::MAX as usize {
        return impossible("epoch_samples");
    }
    if p.seen > p.epoch_samples {
        return impossible("seen");
    }
    if p.batch > p.seen {
        return impossible("batch");
    }
    if p.correct > p.seen {
        return impossible("correct");
    }
    if !(p.loss_sum.is_finite() && p.loss_sum >= 0.0) {
        return impossible("loss_sum");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> Position {
        Position {
            epochs_done: 1,
            batch: 3,
            seen: 96,
            epoch_samples: 1000,
            loss_sum: 12.5,
            correct: 80,
        }
    }

    /// A field's name, and a change that makes the position impossible through it.
    type Impossible = (&'static str, fn(&mut Position));

    #[test]
    fn a_possible_position_is_accepted_and_each_impossible_field_is_named() {
        assert!(check_position(&start(), 5).is_ok());
        let cases: [Impossible; 6] = [
            ("epochs_done", |p| p.epochs_done = 6),
            ("epoch_samples", |p| p.epoch_samples = u32::MAX as usize + 1),
            ("seen", |p| p.seen = 1001),
            ("batch", |p| p.batch = 97),
            ("correct", |p| p.correct = 97),
            ("loss_sum", |p| p.loss_sum = f64::NAN),
        ];
        for (field, change) in cases {
            let mut p = start();
            change(&mut p);
            match check_position(&p, 5) {
                Err(Error::ModelFile(ModelFileReason::ImpossiblePosition { field: f })) => {
                    assert_eq!(f, field)
                }
                other => panic!("{field}: {other:?}"),
            }
        }
        let mut negative = start();
        negative.loss_sum = -1.0;
        assert!(check_position(&negative, 5).is_err());
    }

    #[test]
    fn state_tensors_are_named_by_parameter_then_slot() {
        let params = vec![
            ("dense_1.kernel".to_owned(), vec![4, 2]),
            ("dense_1.bias".to_owned(), vec![2]),
        ];
        let names: Vec<String> = state_shapes(&Config::default(), &params)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            [
                "optimizer.dense_1.kernel.first_moment",
                "optimizer.dense_1.kernel.second_moment",
                "optimizer.dense_1.bias.first_moment",
                "optimizer.dense_1.bias.second_moment",
            ]
        );
        let mut plain_sgd = Config::default();
        plain_sgd.training.optimizer = crate::OptimizerSpec::sgd();
        assert!(state_shapes(&plain_sgd, &params).is_empty());
    }
}
