//! Reading a link onto the seed program, key by key, each value checked by the engine with the
//! keys before it, and then the whole (see the module's documentation for the rules).

use neurite::{Config, DatasetKind, Error, Loss, OptimizerSpec, PixelMode};

use super::keys::{DATASETS, KEYS, Key, LOSSES, OPTIMIZERS, PIXELS};
use super::refusal::{LinkReason, LinkRefusal, Refusals};
use super::values::{choice, flag, number, shape, whole};
use super::{escape, layers};
use crate::widgets::value::shorten;

/// A link read: the checked configuration, and what was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadLink {
    /// The seed program with every value of the link that checks.
    pub config: neurite::CheckedConfig,
    /// The first [`super::MAX_REFUSALS`] refusals.
    pub refusals: Vec<LinkRefusal>,
    /// Refusals past those.
    pub more_refusals: usize,
}

/// The hash of `link`: after its first `#` (a whole address), or all of it.
fn hash_of(link: &str) -> &str {
    link.split_once('#').map_or(link, |(_, hash)| hash)
}

/// Reads a link (its hash, with or without `#`, or a whole address) onto the seed program.
pub fn read_link(link: &str) -> ReadLink {
    let mut refusals = Refusals::default();
    // Each key's last value; unknown keys are refused in the link's order.
    let mut values: [Option<String>; KEYS.len()] = Default::default();
    for pair in hash_of(link).split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if key.is_empty() && value.is_empty() {
            continue;
        }
        let key = escape::decode(key);
        match Key::from_name(&key) {
            Some(known) => values[known as usize] = Some(escape::decode(value)),
            // A refusal of the link, not of a key's value.
            None => refusals.push(LinkRefusal {
                key: None,
                reason: LinkReason::UnknownKey { got: shorten(&key) },
            }),
        }
    }
    let mut config = Config::default();
    for key in Key::ALL {
        let Some(value) = values[key as usize].take() else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let mut candidate = config.clone();
        let outcome = set(&mut candidate, key, value).and_then(|()| {
            match candidate.clone().check() {
                Err(Error::InvalidConfig { field, reason })
                    if key.owns(&field) && !refused_at(&config, key) =>
                {
                    Err(LinkReason::Engine(Error::InvalidConfig { field, reason }))
                }
                // Another key's field, or a refusal this value does not cause (a model that
                // does not fit in memory at the default batch size either): the whole
                // configuration is checked once every key is in.
                _ => Ok(()),
            }
        });
        match outcome {
            Ok(()) => config = candidate,
            Err(reason) => refusals.push(LinkRefusal::at(key.name(), reason)),
        }
    }
    let config = match config.check() {
        Ok(checked) => checked,
        Err(error) => {
            refusals.push(LinkRefusal {
                key: None,
                reason: LinkReason::Engine(error),
            });
            Config::default().check().expect("the seed program checks")
        }
    };
    let (refusals, more_refusals) = refusals.into_parts();
    ReadLink {
        config,
        refusals,
        more_refusals,
    }
}

/// Whether the engine refuses `config` at a field of `key`.
fn refused_at(config: &Config, key: Key) -> bool {
    matches!(config.clone().check(), Err(Error::InvalidConfig { field, .. }) if key.owns(&field))
}

/// Sets `key` of `config` from its (trimmed, non-empty) `value`, if the value reads.
fn set(config: &mut Config, key: Key, value: &str) -> Result<(), LinkReason> {
    let t = &mut config.training;
    match key {
        Key::Dataset => {
            t.dataset = DatasetKind::from_name(value).ok_or_else(|| unknown(value, DATASETS))?;
        }
        Key::Input => config.model.input_shape = shape(value)?,
        Key::Layers => config.model.layers = layers::read_layers(value)?,
        Key::Optimizer => {
            t.optimizer = match choice(value, OPTIMIZERS)? {
                "sgd" => OptimizerSpec::sgd(),
                "rmsprop" => OptimizerSpec::rmsprop(),
                _ => OptimizerSpec::adam(),
            };
        }
        Key::Momentum | Key::Nesterov | Key::Beta1 | Key::Beta2 | Key::Rho | Key::Epsilon => {
            set_constant(&mut t.optimizer, key, value)?
        }
        Key::LearningRate => t.learning_rate = number(value)?,
        Key::BatchSize => t.batch_size = whole(value)?,
        Key::Epochs => t.epochs = whole(value)?,
        Key::L1 => t.l1 = number(value)?,
        Key::L2 => t.l2 = number(value)?,
        Key::Loss => {
            let name = choice(value, LOSSES)?;
            t.loss = Loss::ALL
                .into_iter()
                .find(|l| l.name() == name)
                .expect("every loss name is a loss");
        }
        Key::ValidationSplit => t.validation_split = number(value)?,
        Key::Pixels => {
            t.pixels = match choice(value, PIXELS)? {
                "raw" => PixelMode::Raw,
                _ => PixelMode::Scaled,
            };
        }
        Key::Subset => t.train_subset = Some(whole(value)?),
        Key::Seed => t.seed = whole(value)?,
    }
    Ok(())
}

fn unknown(value: &str, choices: &'static [&'static str]) -> LinkReason {
    LinkReason::UnknownName {
        got: shorten(value),
        choices,
    }
}

/// Sets one of the optimizer's constants, if the optimizer has it.
fn set_constant(optimizer: &mut OptimizerSpec, key: Key, value: &str) -> Result<(), LinkReason> {
    let name = optimizer.name();
    let slot = match (optimizer, key) {
        (OptimizerSpec::Sgd { nesterov, .. }, Key::Nesterov) => {
            *nesterov = flag(value)?;
            return Ok(());
        }
        (
            OptimizerSpec::Sgd { momentum, .. } | OptimizerSpec::Rmsprop { momentum, .. },
            Key::Momentum,
        ) => momentum,
        (OptimizerSpec::Adam { beta_1, .. }, Key::Beta1) => beta_1,
        (OptimizerSpec::Adam { beta_2, .. }, Key::Beta2) => beta_2,
        (OptimizerSpec::Rmsprop { rho, .. }, Key::Rho) => rho,
        (
            OptimizerSpec::Adam { epsilon, .. } | OptimizerSpec::Rmsprop { epsilon, .. },
            Key::Epsilon,
        ) => epsilon,
        _ => return Err(LinkReason::NotOfOptimizer { optimizer: name }),
    };
    *slot = number(value)?;
    Ok(())
}
