//! Fashion-MNIST, the real files: their counts, their balanced classes, and the seed model
//! learning from a slice of them, recorded as a Fashion-MNIST model in its file.
//!
//! The data comes from `NEURITE_FASHION_MNIST_DIR`, or `data/fashion-mnist` at the workspace
//! root, where `scripts/test.sh` puts it (and sets the variable, so that there a missing
//! dataset fails the test). Without the variable and without the folder, the tests say so and
//! pass.

mod common;

use std::path::PathBuf;

use common::{TwoEpochs, predicted_class, two_epochs};
use neurite::preprocess::{GrayImage, to_fashion_mnist, to_mnist};
use neurite::{Config, DatasetKind, Mnist, Outcome, Trainer, load_mnist, model_file};

const ENV_VAR: &str = "NEURITE_FASHION_MNIST_DIR";

/// The real Fashion-MNIST; `None` (with a note) if it was not asked for and is not there.
///
/// # Panics
/// If `NEURITE_FASHION_MNIST_DIR` names a directory it cannot be loaded from, or the default
/// folder exists but does not load.
fn real_fashion_mnist() -> Option<Mnist> {
    let asked = std::env::var_os(ENV_VAR).filter(|dir| !dir.is_empty());
    let dir = asked.clone().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/fashion-mnist")
    });
    if asked.is_none() && !dir.exists() {
        eprintln!(
            "skipped: no Fashion-MNIST in {} (./scripts/test.sh fetches it, or set {ENV_VAR})",
            dir.display()
        );
        return None;
    }
    Some(load_mnist(&dir).unwrap_or_else(|e| {
        panic!(
            "Fashion-MNIST does not load from {} (./scripts/test.sh fetches it into \
             data/fashion-mnist): {e}",
            dir.display()
        )
    }))
}

fn per_class(labels: &[u8]) -> [usize; 10] {
    let mut counts = [0; 10];
    for &label in labels {
        counts[usize::from(label)] += 1;
    }
    counts
}

#[test]
fn fashion_mnist_has_its_split_and_balanced_classes() {
    let Some(fashion) = real_fashion_mnist() else {
        return;
    };
    assert_eq!((fashion.train.len(), fashion.test.len()), (60_000, 10_000));
    assert_eq!(fashion.train.sample_shape(), [28, 28]);
    assert_eq!(fashion.train.classes(), 10);
    // Zalando's split: 6 000 training and 1 000 test images of each class.
    assert_eq!(per_class(fashion.train.labels()), [6_000; 10]);
    assert_eq!(per_class(fashion.test.labels()), [1_000; 10]);
    // The original order: the first test images are an ankle boot, a pullover and two
    // trousers (as in the dataset's README and Keras's `fashion_mnist.load_data()`).
    let first: Vec<String> = fashion.test.labels()[..4]
        .iter()
        .map(|&l| DatasetKind::FashionMnist.class_name(usize::from(l)))
        .collect();
    assert_eq!(first, ["Ankle boot", "Pullover", "Trouser", "Trouser"]);
    // Not MNIST under another name: its images differ from MNIST's (more ink, wider shapes).
    let ink = |i: usize| fashion.train.image(i).iter().filter(|&&p| p > 0).count();
    let mean_ink = (0..1_000).map(ink).sum::<usize>() / 1_000;
    assert!(mean_ink > 300, "mean non-zero pixels {mean_ink}");
}

#[test]
fn seed_model_learns_from_a_slice_of_fashion_mnist_and_its_file_says_so() {
    let Some(fashion) = real_fashion_mnist() else {
        return;
    };
    let train = fashion.train.slice(0..6_000);
    let test = fashion.test.slice(0..2_000);
    let mut config = Config::default();
    config.training.epochs = 2;
    config.training.dataset = DatasetKind::FashionMnist;
    let mut trainer = Trainer::new(config.check().unwrap()).unwrap();

    let TwoEpochs { second, after, .. } = two_epochs(&mut trainer, &train, &test);
    assert_eq!(second.outcome, Outcome::Finished);
    // About 82 % (seed 42): clothes are harder to tell apart than digits.
    assert!(after.accuracy > 0.77, "test accuracy {}", after.accuracy);
    assert!(after.accuracy < 0.9, "test accuracy {}", after.accuracy);
    // Every class is predicted, and trousers are told apart from the rest better than shirts.
    let confusion = &after.confusion;
    let recall = |class: usize| {
        let row: u32 = (0..10).map(|p| confusion.get(class, p)).sum();
        f64::from(confusion.get(class, class)) / f64::from(row)
    };
    assert!(
        recall(1) > recall(6),
        "trouser {} shirt {}",
        recall(1),
        recall(6)
    );

    // Fashion-MNIST's own images are already trimmed and centred: preprocessing one again as
    // they were made changes it little, and the model mostly reads it the same way — more
    // often than after MNIST's preprocessing, which shrinks the article into a 20-pixel box.
    let (mut as_made, mut as_digits) = (0, 0);
    for i in 0..200 {
        let original = test.image(i);
        let image = GrayImage {
            width: 28,
            height: 28,
            pixels: original.to_vec(),
        };
        let class = predicted_class(&mut trainer, original);
        let again = to_fashion_mnist(&image).unwrap();
        as_made += usize::from(predicted_class(&mut trainer, &again) == class);
        let digit_like = to_mnist(&image).unwrap();
        as_digits += usize::from(predicted_class(&mut trainer, &digit_like) == class);
    }
    assert!(
        as_made >= 170 && as_made > as_digits,
        "{as_made}/200 keep their class after Fashion-MNIST's preprocessing, {as_digits} after MNIST's"
    );

    let file = model_file::to_bytes(trainer.model());
    let loaded = model_file::from_bytes(&file).unwrap();
    assert_eq!(loaded.dataset(), DatasetKind::FashionMnist);
}
