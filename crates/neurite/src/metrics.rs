//! Evaluation: loss, accuracy and the confusion matrix of a model on a dataset.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::loss::Targets;
use crate::model::Penalties;
use crate::{Dataset, Loss, PixelMode, Sequential};

/// Samples per forward pass during evaluation.
pub const EVAL_BATCH: usize = 500;

/// The predicted class of each row: the arg-max, or `z > 0.5` for a one-output model.
pub fn predicted_classes<'a>(
    outputs: ArrayView2<'a, f32>,
    threshold_single: f32,
) -> impl Iterator<Item = u8> + 'a {
    (0..outputs.nrows()).map(move |i| {
        let row = outputs.row(i);
        if row.len() == 1 {
            u8::from(row[0] > threshold_single)
        } else {
            let mut best = 0;
            for (j, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = j;
                }
            }
            best as u8
        }
    })
}

/// A `classes × classes` count of (true, predicted) pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    /// Number of classes.
    pub classes: usize,
    /// Row-major counts: `counts[true * classes + predicted]`.
    pub counts: Vec<u32>,
}

impl ConfusionMatrix {
    /// An all-zero matrix.
    pub fn new(classes: usize) -> Self {
        ConfusionMatrix {
            classes,
            counts: vec![0; classes * classes],
        }
    }

    /// Counts one prediction.
    pub fn record(&mut self, truth: u8, predicted: u8) {
        let (t, p) = (usize::from(truth), usize::from(predicted));
        if t < self.classes && p < self.classes {
            self.counts[t * self.classes + p] += 1;
        }
    }

    /// How many samples of class `truth` were predicted as `predicted`.
    pub fn get(&self, truth: usize, predicted: usize) -> u32 {
        self.counts[truth * self.classes + predicted]
    }
}

/// A model's results on a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean loss (weight penalties included, as Keras's `evaluate`).
    pub loss: f64,
    /// Fraction of samples classified correctly.
    pub accuracy: f64,
    /// Counts of (true, predicted) classes.
    pub confusion: ConfusionMatrix,
    /// The predicted class of every sample, in order.
    pub predictions: Vec<u8>,
}

/// Evaluates `model` on all of `data`, in inference mode.
///
/// # Panics
/// If `data` does not fit the model; check first with [`Sequential::check_fits`].
#[track_caller]
pub fn evaluate(
    model: &mut Sequential<f32>,
    data: &Dataset,
    loss: Loss,
    pixels: PixelMode,
    penalties: Penalties,
) -> Evaluation {
    let classes = model.output_features().max(2);
    let mut confusion = ConfusionMatrix::new(classes);
    let mut predictions = Vec::with_capacity(data.len());
    let mut loss_sum = 0.0f64;
    let mut labels = Vec::new();
    let indices: Vec<u32> = (0..data.len() as u32).collect();
    for chunk in indices.chunks(EVAL_BATCH) {
        model.forward_samples(data, chunk, pixels, &mut labels, false);
        let batch_loss = model.loss(loss, Targets::Classes(&labels), Penalties::default());
        loss_sum += f64::from(batch_loss) * chunk.len() as f64;
        let probabilities = model.last_probabilities();
        for (predicted, &truth) in predicted_classes(probabilities, 0.5).zip(&labels) {
            confusion.record(truth, predicted);
            predictions.push(predicted);
        }
    }
    let correct = predictions
        .iter()
        .zip(data.labels())
        .filter(|(p, t)| p == t)
        .count();
    let n = data.len().max(1) as f64;
    Evaluation {
        loss: loss_sum / n + f64::from(model.penalty(penalties)),
        accuracy: correct as f64 / n,
        confusion,
        predictions,
    }
}
