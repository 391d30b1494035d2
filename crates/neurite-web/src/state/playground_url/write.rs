//! Writing a configuration as a link: the keys in their order, each value at its default left
//! out.

use neurite::{Config, OptimizerSpec, PixelMode};

use super::keys::Key;
use super::values::{number_text, shape_text};
use super::{escape, layers};

/// The link of `config`: its keys in [`Key::ALL`]'s order, each left out when it is the seed
/// program's (the optimizer's constants: when they are that optimizer's defaults). Without
/// the `#`; empty for the seed program.
pub fn write_link(config: &Config) -> String {
    let default = Config::default();
    let (t, d) = (&config.training, &default.training);
    let mut pairs: Vec<(Key, String)> = Vec::new();
    let mut put = |key: Key, value: String| pairs.push((key, value));
    if t.dataset != d.dataset {
        put(Key::Dataset, t.dataset.name().into());
    }
    if config.model.input_shape != default.model.input_shape {
        put(Key::Input, shape_text(&config.model.input_shape));
    }
    if config.model.layers != default.model.layers {
        put(Key::Layers, layers::write_layers(&config.model.layers));
    }
    if t.optimizer.name() != d.optimizer.name() {
        put(Key::Optimizer, t.optimizer.name().into());
    }
    for (key, value, usual) in optimizer_constants(&t.optimizer) {
        if value != usual {
            put(key, value);
        }
    }
    let numbers = [
        (Key::LearningRate, t.learning_rate, d.learning_rate),
        (Key::L1, t.l1, d.l1),
        (Key::L2, t.l2, d.l2),
        (Key::ValidationSplit, t.validation_split, d.validation_split),
    ];
    let wholes = [
        (Key::BatchSize, t.batch_size, d.batch_size),
        (Key::Epochs, t.epochs, d.epochs),
    ];
    for (key, value, usual) in numbers {
        if value != usual {
            put(key, number_text(value));
        }
    }
    for (key, value, usual) in wholes {
        if value != usual {
            put(key, value.to_string());
        }
    }
    if t.loss != d.loss {
        put(Key::Loss, t.loss.name().into());
    }
    if t.pixels != d.pixels {
        put(
            Key::Pixels,
            match t.pixels {
                PixelMode::Raw => "raw",
                PixelMode::Scaled => "scaled",
            }
            .into(),
        );
    }
    if let Some(subset) = t.train_subset {
        put(Key::Subset, subset.to_string());
    }
    if t.seed != d.seed {
        put(Key::Seed, t.seed.to_string());
    }
    pairs.sort_by_key(|(key, _)| *key as usize);
    pairs
        .into_iter()
        .map(|(key, value)| format!("{}={}", key.name(), escape::encode(&value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The optimizer's constants as a link writes them, each with its text at that optimizer's
/// default.
fn optimizer_constants(optimizer: &OptimizerSpec) -> Vec<(Key, String, String)> {
    let usual = match optimizer {
        OptimizerSpec::Sgd { .. } => OptimizerSpec::sgd(),
        OptimizerSpec::Adam { .. } => OptimizerSpec::adam(),
        OptimizerSpec::Rmsprop { .. } => OptimizerSpec::rmsprop(),
    };
    constants_of(optimizer)
        .into_iter()
        .zip(constants_of(&usual))
        .map(|((key, value), (_, usual))| (key, value, usual))
        .collect()
}

/// Each constant of `optimizer` with its text.
fn constants_of(optimizer: &OptimizerSpec) -> Vec<(Key, String)> {
    let text = number_text;
    match *optimizer {
        OptimizerSpec::Sgd { momentum, nesterov } => vec![
            (Key::Momentum, text(momentum)),
            (Key::Nesterov, if nesterov { "1" } else { "0" }.into()),
        ],
        OptimizerSpec::Adam {
            beta_1,
            beta_2,
            epsilon,
        } => vec![
            (Key::Beta1, text(beta_1)),
            (Key::Beta2, text(beta_2)),
            (Key::Epsilon, text(epsilon)),
        ],
        OptimizerSpec::Rmsprop {
            rho,
            momentum,
            epsilon,
        } => vec![
            (Key::Momentum, text(momentum)),
            (Key::Rho, text(rho)),
            (Key::Epsilon, text(epsilon)),
        ],
    }
}
