//! A learner's own digits mixed into the real MNIST change what the model learns: trained with
//! them, it classifies them; trained without, it does not.
//!
//! The collection is 30 MNIST test digits turned a quarter turn clockwise: a style MNIST's
//! training set lacks (its digits are upright) and that `neurite::preprocess` does not undo
//! (it centres and scales a drawing, it does not turn it), so the seed model trained on MNIST
//! alone gets most of them wrong. The same seeded run with the collection mixed in at a share
//! of 0.1 learns them, and stays as good on MNIST's own test digits.
//!
//! Measured (seed model, 6 000 training images, 2 epochs, Adam, seed 42): on the collection
//! 6/30 (20 %) without it, 30/30 with it; on 500 other turned test digits, which it never saw,
//! 15.8 % → 37.4 %; on 2 000 upright test digits 89.40 % → 89.00 %.
//!
//! The data comes from `NEURITE_MNIST_DIR`, or `data/mnist` at the workspace root, where
//! `scripts/test.sh` puts it.

use std::ops::Range;
use std::path::PathBuf;

use neurite::data::{Collection, Mix};
use neurite::{CheckedConfig, Config, Dataset, Mnist, Trainer, TrainingData, load_mnist};

/// The real MNIST, or a panic that says where it was looked for and how to get it.
fn real_mnist() -> Mnist {
    let dir = std::env::var_os("NEURITE_MNIST_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/mnist"));
    load_mnist(&dir).unwrap_or_else(|e| {
        panic!(
            "this test needs the real MNIST in {} (./scripts/test.sh fetches it into data/mnist, \
             or set NEURITE_MNIST_DIR): {e}",
            dir.display()
        )
    })
}

/// A 28×28 image turned a quarter turn clockwise: row `r`, column `c` of the result is row
/// `27 − c`, column `r` of the original.
fn quarter_turn(image: &[u8]) -> Vec<u8> {
    (0..28 * 28)
        .map(|at| {
            let (r, c) = (at / 28, at % 28);
            image[(27 - c) * 28 + r]
        })
        .collect()
}

/// The test digits `range`, turned, with their labels.
fn turned(test: &Dataset, range: Range<usize>) -> Collection {
    let pixels = range
        .clone()
        .flat_map(|i| quarter_turn(test.image(i)))
        .collect();
    let labels = test.labels()[range].to_vec();
    Collection::new(pixels, labels).unwrap()
}

/// The seed program for 2 epochs on MNIST's first 6 000 training images.
fn config() -> CheckedConfig {
    let mut config = Config::default();
    config.training.epochs = 2;
    config.training.train_subset = Some(6_000);
    config.check().unwrap()
}

/// A fresh model from the seed, trained on `data` for the configuration's epochs.
fn trained_on(data: &dyn TrainingData) -> Trainer {
    let mut trainer = Trainer::new(config()).unwrap();
    while !trainer.is_done() {
        trainer.run_epoch(data).unwrap();
    }
    trainer
}

fn weights(trainer: &mut Trainer) -> Vec<u32> {
    trainer
        .model_mut()
        .params_mut()
        .iter()
        .flat_map(|p| p.value.iter().map(|w| w.to_bits()).collect::<Vec<_>>())
        .collect()
}

#[test]
fn a_mixed_in_collection_is_learned_and_mnist_is_not_forgotten() {
    let mnist = real_mnist();
    // Test digits 0–1 999 measure MNIST; 5 000–5 029 are the collection; 6 000–6 499 are other
    // turned digits, never trained on.
    let test = mnist.test.slice(0..2_000);
    let mine = turned(&mnist.test, 5_000..5_030);
    let unseen = turned(&mnist.test, 6_000..6_500);

    let mut alone = trained_on(&mnist.train);
    let mix = Mix::new(&mnist.train, config().training.train_subset, &mine, 0.1).unwrap();
    // round(0.1 · 6 000 / (0.9 · 30)) = 22 copies: 660 of 6 660 samples an epoch.
    assert_eq!(
        (mix.base_samples(), mix.copies(), mix.len()),
        (6_000, 22, 6_660)
    );
    let mut mixed = trained_on(&mix);
    assert_ne!(weights(&mut alone), weights(&mut mixed));

    let on = |trainer: &mut Trainer, data: &Dataset| trainer.evaluate(data).unwrap().accuracy;
    let (before, after) = (
        on(&mut alone, mine.dataset()),
        on(&mut mixed, mine.dataset()),
    );
    assert!(
        before < 0.3,
        "MNIST alone already reads the turned digits: {before}"
    );
    assert!(
        after >= 0.9,
        "the mixed-in digits are not learned: {before} → {after}"
    );
    let (before_unseen, after_unseen) = (
        on(&mut alone, unseen.dataset()),
        on(&mut mixed, unseen.dataset()),
    );
    assert!(
        after_unseen > before_unseen + 0.1,
        "turned digits not trained on: {before_unseen} → {after_unseen}"
    );
    let (test_before, test_after) = (on(&mut alone, &test), on(&mut mixed, &test));
    assert!(test_before > 0.87, "{test_before}");
    assert!(
        (test_after - test_before).abs() <= 0.02,
        "MNIST's test accuracy moved: {test_before} → {test_after}"
    );
    eprintln!(
        "collection {before:.3} → {after:.3}; unseen turned {before_unseen:.3} → \
         {after_unseen:.3}; test {test_before:.4} → {test_after:.4}"
    );

    // A share of 0 trains exactly as MNIST alone: the mix itself changes nothing else.
    let nothing_mixed = Mix::new(&mnist.train, config().training.train_subset, &mine, 0.0).unwrap();
    assert_eq!(
        weights(&mut trained_on(&nothing_mixed)),
        weights(&mut alone)
    );
}
