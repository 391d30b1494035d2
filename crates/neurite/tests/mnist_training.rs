//! Trains the seed model on a slice of the real MNIST and checks that it learns.
//!
//! The data comes from `NEURITE_MNIST_DIR`, or `data/mnist` at the workspace root, where
//! `scripts/test.sh` puts it.

mod common;

use std::path::PathBuf;

use common::{TwoEpochs, predicted_class, two_epochs};
use neurite::preprocess::{GrayImage, to_mnist};
use neurite::{Config, Outcome, Trainer, load_mnist};

fn mnist_dir() -> PathBuf {
    std::env::var_os("NEURITE_MNIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/mnist"))
}

/// The real MNIST, or a panic that says where it was looked for and how to get it.
fn real_mnist() -> neurite::Mnist {
    let dir = mnist_dir();
    load_mnist(&dir).unwrap_or_else(|e| {
        panic!(
            "this test needs the real MNIST in {} (./scripts/test.sh fetches it into data/mnist, \
             or set NEURITE_MNIST_DIR): {e}",
            dir.display()
        )
    })
}

#[test]
fn seed_model_learns_from_a_slice_of_real_mnist() {
    let mnist = real_mnist();
    assert_eq!((mnist.train.len(), mnist.test.len()), (60_000, 10_000));

    let train = mnist.train.slice(0..6_000);
    let test = mnist.test.slice(0..2_000);
    let mut config = Config::default();
    config.training.epochs = 2;
    let mut trainer = Trainer::new(config.clone().check().unwrap()).unwrap();

    let TwoEpochs {
        first,
        second,
        after,
        ..
    } = two_epochs(&mut trainer, &train, &test);
    assert_eq!(first.outcome, Outcome::EpochComplete);
    assert_eq!(second.outcome, Outcome::Finished);
    assert!(after.loss < 0.45, "test loss {}", after.loss);
    assert!(after.accuracy > 0.87, "test accuracy {}", after.accuracy);

    // Deterministic from the seed: a second run gives the very same numbers...
    let mut other_seed = config.clone();
    other_seed.training.seed += 1;
    let mut again = Trainer::new(config.check().unwrap()).unwrap();
    again.run_epoch(&train).unwrap();
    again.run_epoch(&train).unwrap();
    assert_eq!(again.evaluate(&test).unwrap(), after);
    // ...and another seed, other numbers.
    let other_first = Trainer::new(other_seed.check().unwrap())
        .unwrap()
        .run_epoch(&train)
        .unwrap();
    assert_ne!(other_first.loss, first.loss);

    // MNIST's own digits are already normalised, so preprocessing one again changes it
    // little, and the model reads it the same way.
    let mut agree = 0;
    for i in 0..200 {
        let original = test.image(i);
        let image = GrayImage {
            width: 28,
            height: 28,
            pixels: original.to_vec(),
        };
        let again = to_mnist(&image).unwrap();
        agree += usize::from(
            predicted_class(&mut trainer, original) == predicted_class(&mut trainer, &again),
        );
    }
    assert!(
        agree >= 180,
        "only {agree}/200 re-preprocessed digits keep their class"
    );
}

#[test]
fn kerass_convnet_learns_from_a_slice_of_real_mnist_and_its_file_predicts_the_same() {
    let mnist = real_mnist();
    let train = mnist.train.slice(0..2_000);
    let test = mnist.test.slice(0..1_000);
    let config = Config {
        model: neurite::ModelSpec::keras_convnet(),
        ..Config::default()
    };
    let mut trainer = Trainer::new(config.check().unwrap()).unwrap();
    let TwoEpochs { after, .. } = two_epochs(&mut trainer, &train, &test);
    // Two epochs of 2 000 images: 88 % here (chance is 10 %).
    assert!(after.accuracy > 0.8, "test accuracy {}", after.accuracy);

    // Its model file predicts every test image bit for bit as the trained model does.
    let bytes = neurite::model_file::to_bytes(trainer.model());
    let mut loaded = neurite::model_file::from_bytes(&bytes).unwrap();
    let images =
        ndarray::Array2::from_shape_fn((100, 784), |(i, j)| f32::from(test.image(i)[j]) / 255.0);
    let (a, b) = (
        trainer.model_mut().predict(images.view()),
        loaded.predict(images.view()),
    );
    assert!(
        a.iter()
            .zip(b.iter())
            .all(|(x, y)| x.to_bits() == y.to_bits())
    );
}
