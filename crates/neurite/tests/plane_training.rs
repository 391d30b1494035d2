//! The engine's one trainer learns the 2-D playground's data: points on a plane turned into
//! numeric features (not pixels), classes or values to regress. Each data set is learned with
//! the features that make it easy, as TensorFlow Playground teaches it (XOR with x₁x₂, the
//! circle with the squares), and held to an accuracy or a loss on its own test points that an
//! untrained or wrongly fed network does not reach.

use neurite::data::plane::{Feature, PlaneShape, PlaneSpec};
use neurite::layers::Init;
use neurite::metrics::evaluate;
use neurite::{
    Activation, Config, Dataset, LayerSpec, Loss, ModelSpec, OptimizerSpec, Penalties, Trainer,
};

fn dense(units: usize, activation: Activation) -> LayerSpec {
    LayerSpec::Dense {
        units,
        activation,
        init: Init::GlorotUniform,
    }
}

/// Train and test datasets of `shape` (`points` points, 50 % each) with `features`.
fn data(shape: PlaneShape, classes: usize, noise: f64, features: &[Feature]) -> (Dataset, Dataset) {
    let points = PlaneSpec {
        shape,
        classes,
        points: 1000,
        noise,
        seed: 3,
    }
    .generate()
    .unwrap();
    let (train, test) = points.split(50).unwrap();
    (
        train.dataset(features).unwrap(),
        test.dataset(features).unwrap(),
    )
}

/// Trains `hidden → outputs` on `train` for `epochs` with Adam, and returns the trainer.
fn train(
    train: &Dataset,
    hidden: &[usize],
    outputs: (usize, Activation),
    loss: Loss,
    epochs: usize,
) -> Trainer {
    let mut layers: Vec<LayerSpec> = hidden.iter().map(|&u| dense(u, Activation::Tanh)).collect();
    layers.push(dense(outputs.0, outputs.1));
    let mut config = Config {
        model: ModelSpec {
            input_shape: vec![train.features()],
            layers,
        },
        ..Config::default()
    };
    config.training.optimizer = OptimizerSpec::adam();
    config.training.learning_rate = 0.03;
    config.training.batch_size = 10;
    config.training.epochs = epochs.max(1);
    config.training.loss = loss;
    config.training.seed = 1;
    let mut trainer = Trainer::new(config.check().unwrap()).unwrap();
    for _ in 0..epochs {
        trainer.run_epoch(train).unwrap();
    }
    trainer
}

fn test_accuracy(trainer: &mut Trainer, test: &Dataset) -> f64 {
    trainer.evaluate(test).unwrap().accuracy
}

#[test]
fn xor_is_learned_from_the_product_feature_and_not_from_the_coordinates_alone() {
    let cross = Loss::SparseCategoricalCrossentropy;
    let (train_set, test) = data(PlaneShape::Xor, 2, 0.0, &[Feature::X1X2]);
    let mut with_product = train(&train_set, &[], (2, Activation::Softmax), cross, 10);
    let accuracy = test_accuracy(&mut with_product, &test);
    assert!(accuracy >= 0.97, "x₁x₂: {accuracy}");
    // A linear model of x₁ and x₂ cannot separate XOR: a line is right on at most three of
    // the four quadrants (75 %).
    let (train_set, test) = data(PlaneShape::Xor, 2, 0.0, &[Feature::X1, Feature::X2]);
    let mut linear = train(&train_set, &[], (2, Activation::Softmax), cross, 10);
    let accuracy = test_accuracy(&mut linear, &test);
    assert!(accuracy < 0.8, "linear in x₁, x₂: {accuracy}");
}

#[test]
fn the_circle_is_learned_from_the_squares_by_a_single_sigmoid_output() {
    let (train_set, test) = data(
        PlaneShape::Circle,
        2,
        0.0,
        &[Feature::X1Squared, Feature::X2Squared],
    );
    let mut trainer = train(
        &train_set,
        &[],
        (1, Activation::Sigmoid),
        Loss::BinaryCrossentropy,
        20,
    );
    let accuracy = test_accuracy(&mut trainer, &test);
    assert!(accuracy >= 0.97, "{accuracy}");
}

#[test]
fn a_three_arm_spiral_is_learned_by_hidden_layers_well_above_chance() {
    let features = [Feature::X1, Feature::X2, Feature::SinX1, Feature::SinX2];
    let (train_set, test) = data(PlaneShape::Spiral, 3, 0.0, &features);
    let mut trainer = train(
        &train_set,
        &[16, 16],
        (3, Activation::Softmax),
        Loss::SparseCategoricalCrossentropy,
        60,
    );
    let accuracy = test_accuracy(&mut trainer, &test);
    assert!(accuracy >= 0.85, "{accuracy}");
}

#[test]
fn the_plane_is_regressed_to_a_small_squared_error_with_no_accuracy_reported() {
    let (train_set, test) = data(PlaneShape::RegPlane, 2, 0.0, &[Feature::X1, Feature::X2]);
    let mut trainer = train(
        &train_set,
        &[],
        (1, Activation::Linear),
        Loss::MeanSquaredError,
        10,
    );
    let evaluation = trainer.evaluate(&test).unwrap();
    // The values span ±1.2 (variance ≈ 0.24): a model that learned nothing has an error of
    // that order; (x₁ + x₂) / 10 is linear, so the error falls to almost nothing.
    assert!(evaluation.loss < 1e-3, "{}", evaluation.loss);
    assert!(evaluation.accuracy.is_nan());
    assert!(evaluation.predictions.is_empty());
    let untrained = train(
        &train_set,
        &[],
        (1, Activation::Linear),
        Loss::MeanSquaredError,
        0,
    )
    .evaluate(&test)
    .unwrap();
    assert!(untrained.loss > 0.05, "{}", untrained.loss);
}

#[test]
fn a_model_whose_outputs_are_not_the_values_is_refused() {
    let (train_set, _) = data(PlaneShape::RegGauss, 2, 0.0, &[Feature::X1, Feature::X2]);
    let config = Config {
        model: ModelSpec {
            input_shape: vec![2],
            layers: vec![dense(2, Activation::Linear)],
        },
        ..Config::default()
    };
    let mut trainer = Trainer::new(config.check().unwrap()).unwrap();
    let error = trainer.run_epoch(&train_set).unwrap_err();
    assert_eq!(
        error.to_string(),
        "dataset: the model gives 2 outputs but the data has 1 values per sample to regress"
    );
    let mut model = neurite::Sequential::<f32>::from_spec(
        &ModelSpec {
            input_shape: vec![2],
            layers: vec![dense(1, Activation::Linear)],
        },
        0,
    )
    .unwrap();
    assert!(
        evaluate(
            &mut model,
            &train_set,
            Loss::MeanSquaredError,
            Default::default(),
            Penalties::default()
        )
        .is_ok()
    );
}
