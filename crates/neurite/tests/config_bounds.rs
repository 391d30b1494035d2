//! Each bound [`Config::check`] enforces, at its edge: refused just past it, accepted at it.
//! Seeds and counts against JavaScript's exact integers, real hyperparameters as `f32` makes
//! them, and training memory against [`MAX_TRAINING_BYTES`].

use neurite::config::{F32Rule, LARGEST_F32_BELOW_ONE, MAX_SAFE_INTEGER, MAX_TRAINING_BYTES};
use neurite::layers::Init;
use neurite::{Activation, Config, Error, LayerSpec, ModelSpec, OptimizerSpec, Reason};

fn with(change: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config::default();
    change(&mut config);
    config
}

/// The field and reason `config` is refused for.
fn refusal(config: Config) -> (String, Reason) {
    match config.check() {
        Err(Error::InvalidConfig { field, reason }) => (field, reason),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn adam_epsilon(epsilon: f64) -> OptimizerSpec {
    OptimizerSpec::Adam {
        beta_1: 0.9,
        beta_2: 0.999,
        epsilon,
    }
}

fn rmsprop(rho: f64, momentum: f64, epsilon: f64) -> OptimizerSpec {
    OptimizerSpec::Rmsprop {
        rho,
        momentum,
        epsilon,
    }
}

/// The largest subnormal `f32`, just below the smallest normal one.
fn largest_subnormal() -> f64 {
    f64::from(f32::from_bits(f32::MIN_POSITIVE.to_bits() - 1))
}

#[test]
fn a_seed_must_survive_javascripts_numbers() {
    assert!(with(|c| c.training.seed = MAX_SAFE_INTEGER).check().is_ok());
    let (field, reason) = refusal(with(|c| c.training.seed = MAX_SAFE_INTEGER + 1));
    assert_eq!(field, "seed");
    assert_eq!(
        reason,
        Reason::UnsafeInteger {
            got: 1 << 53,
            max: MAX_SAFE_INTEGER
        }
    );
    assert!(with(|c| c.training.seed = u64::MAX).check().is_err());
}

#[test]
fn a_training_subset_must_survive_javascripts_numbers() {
    let (Ok(safe), Ok(unsafe_)) = (
        usize::try_from(MAX_SAFE_INTEGER),
        usize::try_from(MAX_SAFE_INTEGER + 1),
    ) else {
        return; // A 32-bit usize cannot hold either.
    };
    assert!(
        with(|c| c.training.train_subset = Some(safe))
            .check()
            .is_ok()
    );
    let (field, reason) = refusal(with(|c| c.training.train_subset = Some(unsafe_)));
    assert_eq!(field, "train_subset");
    assert!(matches!(reason, Reason::UnsafeInteger { .. }), "{reason:?}");
}

#[test]
fn every_whole_number_of_a_checked_configuration_is_exact_in_javascript() {
    // Every count at its largest, on a model small enough for the biggest batch.
    let config = Config {
        model: ModelSpec {
            input_shape: vec![1],
            layers: vec![LayerSpec::Dense {
                units: 1,
                activation: Activation::Sigmoid,
                init: Init::default(),
            }],
        },
        ..Config::default()
    };
    let mut config = config;
    config.training.seed = MAX_SAFE_INTEGER;
    config.training.batch_size = neurite::config::MAX_BATCH_SIZE;
    config.training.epochs = neurite::config::MAX_EPOCHS;
    config.training.train_subset = usize::try_from(MAX_SAFE_INTEGER).ok();
    let checked = config.check().unwrap();
    let json: serde_json::Value = serde_json::to_value(checked.into_inner()).unwrap();
    let mut numbers = vec![&json];
    let mut whole = 0;
    while let Some(value) = numbers.pop() {
        match value {
            serde_json::Value::Array(items) => numbers.extend(items),
            serde_json::Value::Object(fields) => numbers.extend(fields.values()),
            serde_json::Value::Number(n) if n.is_u64() => {
                let n = n.as_u64().unwrap();
                assert_eq!(n as f64 as u64, n, "{n} changes as a JavaScript number");
                whole += 1;
            }
            _ => {}
        }
    }
    assert!(whole >= 6, "{json}");
}

#[test]
fn epsilon_must_be_a_normal_f32() {
    for optimizer in [adam_epsilon, |e| rmsprop(0.9, 0.0, e)] {
        for accepted in [f64::from(f32::MIN_POSITIVE), 1e-7, f64::from(f32::MAX)] {
            assert!(
                with(|c| c.training.optimizer = optimizer(accepted))
                    .check()
                    .is_ok(),
                "{accepted:e}"
            );
        }
        for (refused, as_f32) in [
            (1e-300, 0.0),
            (1e-45, 1e-45),
            (largest_subnormal(), largest_subnormal() as f32),
            (1e39, f32::INFINITY),
        ] {
            let (field, reason) = refusal(with(|c| c.training.optimizer = optimizer(refused)));
            assert_eq!(field, "optimizer.epsilon");
            match reason {
                Reason::SinglePrecision {
                    as_f32: got,
                    rule: F32Rule::Normal,
                    ..
                } => assert_eq!(got, as_f32, "{refused:e}"),
                other => panic!("{refused:e}: {other:?}"),
            }
        }
    }
}

#[test]
fn a_learning_rate_must_not_vanish_in_f32() {
    for accepted in [f64::from(f32::MIN_POSITIVE), 1e-3, 10.0] {
        assert!(
            with(|c| c.training.learning_rate = accepted)
                .check()
                .is_ok()
        );
    }
    for refused in [1e-50, largest_subnormal()] {
        let (field, reason) = refusal(with(|c| c.training.learning_rate = refused));
        assert_eq!(field, "learning_rate");
        assert!(
            matches!(reason, Reason::SinglePrecision { .. }),
            "{reason:?}"
        );
    }
    // A change while training is held to the same rule.
    let mut checked = Config::default().check().unwrap();
    assert!(checked.set_learning_rate(1e-50).is_err());
    assert_eq!(checked.training.learning_rate, 1e-3);
}

#[test]
fn momentum_and_rho_must_stay_below_one_in_f32() {
    let below_one = f64::from(LARGEST_F32_BELOW_ONE);
    // 0.99999999 is below 1 as an f64, but 1 as an f32.
    let rounds_to_one = 0.999_999_99;
    let sgd = |momentum| OptimizerSpec::Sgd {
        momentum,
        nesterov: true,
    };
    type WithConstant = fn(f64) -> OptimizerSpec;
    let cases: [(&str, WithConstant); 3] = [
        ("optimizer.momentum", sgd),
        ("optimizer.rho", |rho| rmsprop(rho, 0.0, 1e-7)),
        ("optimizer.momentum", |momentum| {
            rmsprop(0.9, momentum, 1e-7)
        }),
    ];
    for (name, optimizer) in cases {
        assert!(
            with(|c| c.training.optimizer = optimizer(below_one))
                .check()
                .is_ok()
        );
        let (field, reason) = refusal(with(|c| c.training.optimizer = optimizer(rounds_to_one)));
        assert_eq!(field, name);
        assert_eq!(
            reason,
            Reason::SinglePrecision {
                got: "0.99999999".into(),
                as_f32: 1.0,
                rule: F32Rule::BelowOne,
            }
        );
    }
}

#[test]
fn a_penalty_is_zero_or_a_normal_f32() {
    for accepted in [0.0, f64::from(f32::MIN_POSITIVE), 1.0] {
        assert!(with(|c| c.training.l1 = accepted).check().is_ok());
        assert!(with(|c| c.training.l2 = accepted).check().is_ok());
    }
    let (field, reason) = refusal(with(|c| c.training.l2 = 1e-50));
    assert_eq!(field, "l2");
    assert!(
        matches!(
            reason,
            Reason::SinglePrecision {
                rule: F32Rule::ZeroOrNormal,
                ..
            }
        ),
        "{reason:?}"
    );
    assert!(
        with(|c| c.training.l1 = largest_subnormal())
            .check()
            .is_err()
    );
}

#[test]
fn the_seed_program_checks_and_fits_well_within_the_memory_bound() {
    let config = Config::default();
    assert_eq!(config.training.batch_size, 32);
    assert!(config.training_bytes() < MAX_TRAINING_BYTES / 8);
    config.check().unwrap();
}

#[test]
fn the_largest_batch_size_that_fits_is_accepted_and_one_more_is_refused() {
    let (field, reason) = refusal(with(|c| c.training.batch_size = 65_536));
    assert_eq!(field, "batch_size");
    let Reason::TrainingMemory {
        needs,
        max,
        largest_batch_size: Some(largest),
    } = reason
    else {
        panic!("{reason:?}");
    };
    assert_eq!(max, MAX_TRAINING_BYTES);
    assert!(needs > MAX_TRAINING_BYTES);
    // The seed program trains with batches of several thousand: the bound is not what
    // limits ordinary batch sizes.
    assert!(largest > 4096, "{largest}");
    let at = |batch| with(|c| c.training.batch_size = batch);
    assert!(at(largest).training_bytes() <= MAX_TRAINING_BYTES);
    assert!(at(largest).check().is_ok());
    let (field, _) = refusal(at(largest + 1));
    assert_eq!(field, "batch_size");
}

#[test]
fn a_model_too_big_at_any_batch_size_is_refused_on_its_layers() {
    // Fourteen hidden layers of 1 024 units, each with dropout, trained with Adam: 14.5 million
    // parameters, their gradients, Adam's two moments and the trainer's copy of the last
    // finite weights and moments, about 400 MiB before any batch.
    let dense = || LayerSpec::Dense {
        units: 1024,
        activation: Activation::Relu,
        init: Init::default(),
    };
    let mut layers = vec![LayerSpec::Flatten];
    for _ in 0..14 {
        layers.extend([dense(), LayerSpec::Dropout { rate: 0.5 }]);
    }
    layers.push(LayerSpec::Dense {
        units: 10,
        activation: Activation::Softmax,
        init: Init::default(),
    });
    let biggest = with(|c| c.model.layers = layers.clone());
    let (field, reason) = refusal(biggest.clone());
    assert_eq!(field, "layers");
    assert!(
        matches!(
            reason,
            Reason::TrainingMemory {
                largest_batch_size: None,
                ..
            }
        ),
        "{reason:?}"
    );
    // Six such layers train, at the batch sizes people use.
    layers.drain(1..17);
    for batch in [32, 128, 256, 500] {
        with(|c| {
            c.model.layers = layers.clone();
            c.training.batch_size = batch;
        })
        .check()
        .unwrap();
    }
}

#[test]
fn a_batch_size_change_while_training_is_held_to_the_memory_bound() {
    let mut checked = Config::default().check().unwrap();
    let error = checked.set_batch_size(65_536).unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidConfig {
                reason: Reason::TrainingMemory { .. },
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(checked.training.batch_size, 32);
    checked.set_batch_size(4096).unwrap();
    assert_eq!(checked.training.batch_size, 4096);
}
