//! What the real-data training tests share: two epochs between two evaluations, checked to
//! start from chance and to lower the loss, and how a model classifies a re-preprocessed image.
//! (Each test binary compiles this module and uses part of it.)
#![allow(dead_code)]

use ndarray::Array2;
use neurite::{Dataset, Evaluation, StepReport, Trainer};

/// Each epoch's report, and the test set after them.
pub struct TwoEpochs {
    pub first: StepReport,
    pub second: StepReport,
    pub after: Evaluation,
}

/// Trains two epochs on `train`, evaluating on `test` before and after; the untrained loss must
/// be near chance's (ln 10) and the second epoch's loss below the first's.
pub fn two_epochs(trainer: &mut Trainer, train: &Dataset, test: &Dataset) -> TwoEpochs {
    let before = trainer.evaluate(test).unwrap();
    let first = trainer.run_epoch(train).unwrap();
    let second = trainer.run_epoch(train).unwrap();
    let after = trainer.evaluate(test).unwrap();
    assert!(
        (before.loss - 10f64.ln()).abs() < 0.5,
        "untrained loss {}",
        before.loss
    );
    assert!(
        second.loss < first.loss,
        "epoch losses {} → {}",
        first.loss,
        second.loss
    );
    TwoEpochs {
        first,
        second,
        after,
    }
}

/// The class `trainer`'s model gives the 784 `pixels` (scaled to [0, 1]).
pub fn predicted_class(trainer: &mut Trainer, pixels: &[u8]) -> usize {
    let x = Array2::from_shape_fn((1, 784), |(_, j)| f32::from(pixels[j]) / 255.0);
    let p = trainer.model_mut().predict(x.view());
    p.iter()
        .enumerate()
        .fold(0, |m, (j, &v)| if v > p[[0, m]] { j } else { m })
}
