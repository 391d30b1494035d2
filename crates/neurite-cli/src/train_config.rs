//! `neurite train`'s flags as a [`Config`]: a plain mapping, with no range checks of its own —
//! [`Config::check`] is the one place those live.

use neurite::{Config, DatasetKind, ModelSpec, PixelMode, TrainConfig};

use crate::cli::TrainArgs;

/// The configuration the flags describe, for the architecture `model`.
///
/// Without `--lr`, the learning rate is the optimizer's Keras default (for Adam, the seed
/// program's 1e-3); without `--pixels`, the pixel mode is `model_pixels`, the one a saved
/// model was trained with (scaled for a new one); without `--dataset`, the dataset is
/// `model_dataset`, the one a saved model was trained on (MNIST for a new one).
pub fn from_args(
    args: &TrainArgs,
    model: ModelSpec,
    model_pixels: PixelMode,
    model_dataset: DatasetKind,
) -> Config {
    let optimizer = args.optimizer.spec();
    Config {
        model,
        training: TrainConfig {
            learning_rate: args.lr.unwrap_or_else(|| optimizer.default_learning_rate()),
            batch_size: args.batch_size,
            epochs: args.epochs,
            optimizer,
            l2: args.l2,
            seed: args.seed,
            pixels: args.pixels.map_or(model_pixels, PixelMode::from),
            dataset: args.dataset.map_or(model_dataset, DatasetKind::from),
            validation_split: args.validation_split,
            train_subset: args.train_subset,
            ..TrainConfig::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use neurite::{CheckedConfig, Error, OptimizerSpec, Result};

    use super::*;
    use crate::cli::{Cli, Command};

    fn args(flags: &[&str]) -> TrainArgs {
        let argv = ["neurite", "train"].iter().chain(flags);
        match Cli::try_parse_from(argv).expect("flags parse").command {
            Command::Train(args) => args,
            other => panic!("expected train, got {other:?}"),
        }
    }

    fn checked(flags: &[&str]) -> Result<CheckedConfig> {
        from_args(
            &args(flags),
            ModelSpec::seed_mlp(),
            PixelMode::Scaled,
            DatasetKind::Mnist,
        )
        .check()
    }

    #[test]
    fn no_flags_give_the_seed_program() {
        assert_eq!(checked(&[]).unwrap().into_inner(), Config::default());
    }

    #[test]
    fn optimizer_names_map_to_their_specs() {
        let cases = [
            ("sgd", OptimizerSpec::sgd()),
            (
                "momentum",
                OptimizerSpec::Sgd {
                    momentum: 0.9,
                    nesterov: false,
                },
            ),
            (
                "nesterov",
                OptimizerSpec::Sgd {
                    momentum: 0.9,
                    nesterov: true,
                },
            ),
            ("adam", OptimizerSpec::adam()),
            ("rmsprop", OptimizerSpec::rmsprop()),
        ];
        for (name, spec) in cases {
            let config = checked(&["--optimizer", name]).unwrap();
            assert_eq!(config.training.optimizer, spec, "{name}");
        }
    }

    #[test]
    fn learning_rate_defaults_per_optimizer_unless_given() {
        let lr = |flags: &[&str]| checked(flags).unwrap().training.learning_rate;
        assert_eq!(lr(&[]), 1e-3);
        assert_eq!(lr(&["--optimizer", "sgd"]), 0.01);
        assert_eq!(lr(&["--optimizer", "nesterov"]), 0.01);
        assert_eq!(lr(&["--optimizer", "rmsprop"]), 1e-3);
        assert_eq!(lr(&["--optimizer", "sgd", "--lr", "0.5"]), 0.5);
    }

    #[test]
    fn every_flag_reaches_the_config() {
        let config = checked(&[
            "--epochs",
            "2",
            "--batch-size",
            "64",
            "--seed",
            "7",
            "--pixels",
            "raw",
            "--l2",
            "0.001",
            "--validation-split",
            "0.1",
            "--train-subset",
            "2000",
        ])
        .unwrap();
        let t = &config.training;
        assert_eq!(
            (t.epochs, t.batch_size, t.seed, t.pixels),
            (2, 64, 7, PixelMode::Raw)
        );
        assert_eq!((t.l2, t.validation_split), (0.001, 0.1));
        assert_eq!(t.train_subset, Some(2000));
    }

    #[test]
    fn out_of_range_values_are_refused_by_check_with_their_field() {
        let cases: [(&[&str], &str); 6] = [
            (&["--lr", "0"], "learning_rate"),
            (&["--lr", "nan"], "learning_rate"),
            (&["--lr", "-1"], "learning_rate"),
            (&["--batch-size", "0"], "batch_size"),
            (&["--epochs", "0"], "epochs"),
            (&["--validation-split", "1"], "validation_split"),
        ];
        for (flags, field) in cases {
            match checked(flags) {
                Err(Error::InvalidConfig { field: f, .. }) => assert_eq!(f, field, "{flags:?}"),
                other => panic!("{flags:?}: expected an error on {field}, got {other:?}"),
            }
        }
    }

    #[test]
    fn the_dataset_is_the_flags_else_the_saved_models_else_mnist() {
        let dataset = |flags: &[&str], model_dataset| {
            from_args(
                &args(flags),
                ModelSpec::seed_mlp(),
                PixelMode::Scaled,
                model_dataset,
            )
            .training
            .dataset
        };
        let (mnist, fashion) = (DatasetKind::Mnist, DatasetKind::FashionMnist);
        assert_eq!(dataset(&[], mnist), mnist);
        assert_eq!(dataset(&[], fashion), fashion);
        assert_eq!(dataset(&["--dataset", "fashion-mnist"], mnist), fashion);
        assert_eq!(dataset(&["--dataset", "mnist"], fashion), mnist);
        let err = Cli::try_parse_from(["neurite", "train", "--dataset", "cifar"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("fashion-mnist"), "{err}");
    }

    #[test]
    fn malformed_numbers_are_refused_by_the_parser() {
        let argv = ["neurite", "train", "--lr", "abc"];
        let err = Cli::try_parse_from(argv).unwrap_err().to_string();
        assert!(err.contains("--lr"), "{err}");
    }
}
