//! The seed decides every random draw of a run, and it does decide them: beside each "the same
//! seed gives the same result" test of the engine, a different seed must give a different
//! result, for each source of randomness on its own — the initial weights, the order of each
//! epoch's samples and the dropout masks — and for a whole run.
//!
//! Each test holds the other sources fixed, so an implementation that ignored the seed in one
//! place (a fixed shuffle, say) fails here even though the weights still follow the seed.

use ndarray::Array2;
use neurite::layers::Init;
use neurite::{
    Activation, Config, Dataset, LayerSpec, ModelSpec, OptimizerSpec, Sequential, Trainer,
};

/// 64 images of 4×4 pixels, each bright in one quarter (its label) with some noise.
fn quarters() -> Dataset {
    let mut pixels = Vec::with_capacity(64 * 16);
    let mut labels = Vec::with_capacity(64);
    for i in 0..64usize {
        let label = i % 4;
        for y in 0..4 {
            for x in 0..4 {
                let quarter = (y / 2) * 2 + x / 2;
                let noise = ((i * 7 + y * 4 + x) * 37 % 41) as u8;
                pixels.push(if quarter == label { 200 + noise } else { noise });
            }
        }
        labels.push(label as u8);
    }
    Dataset::new(vec![4, 4], pixels, labels, 4).expect("a valid dataset")
}

fn dense(units: usize, activation: Activation) -> LayerSpec {
    LayerSpec::Dense {
        units,
        activation,
        init: Init::GlorotUniform,
    }
}

/// `Flatten → Dense(8, relu) → [Dropout(0.3) →] Dense(4, softmax)` for [`quarters`].
fn spec(dropout: bool) -> ModelSpec {
    let mut layers = vec![LayerSpec::Flatten, dense(8, Activation::Relu)];
    if dropout {
        layers.push(LayerSpec::Dropout { rate: 0.3 });
    }
    layers.push(dense(4, Activation::Softmax));
    ModelSpec {
        input_shape: vec![4, 4],
        layers,
    }
}

/// Batches of 10 (seven per epoch of [`quarters`], the last one partial), seeded with `seed`.
fn config(seed: u64, dropout: bool) -> Config {
    let mut config = Config {
        model: spec(dropout),
        ..Config::default()
    };
    config.training.batch_size = 10;
    config.training.epochs = 3;
    config.training.learning_rate = 0.05;
    config.training.seed = seed;
    config
}

/// Every parameter tensor of `model`, by name.
fn weights(model: &Sequential<f32>) -> Vec<(String, Vec<f32>)> {
    model
        .named_params()
        .into_iter()
        .map(|(name, p)| (name, p.value.to_vec()))
        .collect()
}

#[test]
fn different_seeds_draw_different_initial_weights_in_every_kernel() {
    let seed_mlp = ModelSpec::seed_mlp();
    let a = weights(&Sequential::from_spec(&seed_mlp, 1).unwrap());
    let again = weights(&Sequential::from_spec(&seed_mlp, 1).unwrap());
    let b = weights(&Sequential::from_spec(&seed_mlp, 2).unwrap());
    assert_eq!(a, again, "the same seed draws the same weights");
    let mut kernels = 0;
    for ((name, first), (_, second)) in a.iter().zip(&b) {
        if name.ends_with("kernel") {
            kernels += 1;
            let same = first.iter().zip(second).filter(|(x, y)| x == y).count();
            // Two independent draws from a continuous distribution almost never coincide.
            assert!(
                same * 100 < first.len(),
                "{name}: {same} of {} weights equal across seeds",
                first.len()
            );
        } else {
            assert_eq!(first, second, "{name} starts at zero whatever the seed");
        }
    }
    assert_eq!(kernels, 2);
}

#[test]
fn different_seeds_give_different_runs() {
    let data = quarters();
    let run = |seed| {
        let mut trainer = Trainer::new(config(seed, true).check().unwrap()).unwrap();
        let report = trainer.run_epoch(&data).unwrap();
        (report.loss, weights(trainer.model()))
    };
    assert_eq!(run(7), run(7));
    let (loss_7, weights_7) = run(7);
    let (loss_8, weights_8) = run(8);
    assert_ne!(loss_7, loss_8);
    assert_ne!(weights_7, weights_8);
}

#[test]
fn different_seeds_shuffle_the_samples_differently() {
    // The same initial weights and no dropout: only the order of the samples can differ.
    let data = quarters();
    let run = |seed| {
        let model = Sequential::from_spec(&spec(false), 3).unwrap();
        let mut trainer = Trainer::with_model(config(seed, false).check().unwrap(), model);
        trainer.run_batches(&data, 3).unwrap();
        weights(trainer.model())
    };
    assert_eq!(
        run(7),
        run(7),
        "the same seed visits the samples in the same order"
    );
    assert_ne!(run(7), run(8), "another seed visits them in another order");
}

#[test]
fn each_epoch_visits_the_samples_in_a_new_order() {
    // Under plain SGD a step depends on the weights and the batch alone. With epoch 1's
    // starting weights put back before epoch 2's first batch, the two first steps agree
    // exactly when the two batches hold the same samples.
    let data = quarters();
    let mut config = config(7, false);
    config.training.optimizer = OptimizerSpec::sgd();
    let model = Sequential::from_spec(&spec(false), 3).unwrap();
    let start = weights(&model);
    let mut trainer = Trainer::with_model(config.check().unwrap(), model);
    trainer.run_batches(&data, 1).unwrap();
    let first_step_of_epoch_1 = weights(trainer.model());
    trainer.run_epoch(&data).unwrap();
    for (param, (_, value)) in trainer.model_mut().params_mut().into_iter().zip(&start) {
        param.value.copy_from_slice(value);
    }
    trainer.run_batches(&data, 1).unwrap();
    assert_eq!(trainer.epochs_done(), 1);
    assert_ne!(weights(trainer.model()), first_step_of_epoch_1);
}

#[test]
fn different_seeds_drop_different_inputs() {
    // Two models with the same weights whose generators start from different seeds: while
    // training, their dropout layers zero different units, so the outputs differ; at inference
    // dropout is the identity and they agree.
    let input = Array2::from_shape_fn((6, 16), |(i, j)| ((i * 16 + j) % 9) as f32 / 8.0 + 0.1);
    let model = |seed| {
        let mut model = Sequential::<f32>::from_spec(&spec(true), seed).unwrap();
        let reference = Sequential::<f32>::from_spec(&spec(true), 1).unwrap();
        for (to, (_, from)) in model.params_mut().into_iter().zip(reference.named_params()) {
            to.value.copy_from_slice(from.value);
        }
        model
    };
    let training = |seed| model(seed).forward(input.view(), true).to_owned();
    let inference = |seed| model(seed).forward(input.view(), false).to_owned();
    assert_eq!(
        training(5),
        training(5),
        "the same seed drops the same inputs"
    );
    assert_ne!(training(5), training(6), "another seed drops other inputs");
    assert_eq!(inference(5), inference(6));
}
