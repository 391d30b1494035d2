//! Evaluation: loss, accuracy and the confusion matrix of a model on a dataset.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::loss::Targets;
use crate::model::Penalties;
use crate::{Dataset, Loss, PixelMode, Result, Sequential};

/// Samples per forward pass during evaluation, at most: fewer for a model whose samples take
/// much memory ([`crate::ModelSpec::eval_batch`]).
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

    /// How many samples were counted.
    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// How many samples were predicted as their own class (the diagonal): `8` of `8/10`.
    pub fn correct(&self) -> u32 {
        (0..self.classes).map(|class| self.get(class, class)).sum()
    }
}

/// A model's results on a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean loss (weight penalties included, as Keras's `evaluate`).
    pub loss: f64,
    /// Fraction of samples classified correctly (NaN for a regression).
    pub accuracy: f64,
    /// Counts of (true, predicted) classes (none for a regression).
    pub confusion: ConfusionMatrix,
    /// The predicted class of every sample, in order (none for a regression).
    pub predictions: Vec<u8>,
}

/// Evaluates `model` on all of `data`, in inference mode.
///
/// # Errors
/// [`Error::Dataset`](crate::Error::Dataset) if `data` does not fit the model
/// ([`Sequential::check_fits`]).
pub fn evaluate(
    model: &mut Sequential<f32>,
    data: &Dataset,
    loss: Loss,
    pixels: PixelMode,
    penalties: Penalties,
) -> Result<Evaluation> {
    model.check_fits(data)?;
    let classes = model.output_features().max(2);
    let mut confusion = ConfusionMatrix::new(classes);
    let mut predictions = Vec::with_capacity(data.len());
    let mut loss_sum = 0.0f64;
    let mut labels = Vec::new();
    let mut values = ndarray::Array2::zeros((0, 0));
    let regression = data.values().is_some();
    let indices: Vec<u32> = (0..data.len() as u32).collect();
    for chunk in indices.chunks(model.spec().eval_batch()) {
        model.forward_samples(data, chunk, pixels, &mut labels, false);
        let targets = if regression {
            data.gather_values(chunk, &mut values);
            Targets::Values(values.view())
        } else {
            Targets::Classes(&labels)
        };
        let batch_loss = model.loss(loss, targets, Penalties::default());
        loss_sum += f64::from(batch_loss) * chunk.len() as f64;
        if regression {
            continue;
        }
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
    Ok(Evaluation {
        loss: loss_sum / n + f64::from(model.penalty(penalties)),
        accuracy: if regression {
            f64::NAN
        } else {
            correct as f64 / n
        },
        confusion,
        predictions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Activation, LayerSpec, ModelSpec};

    fn model(inputs: usize, classes: usize) -> Sequential<f32> {
        let spec = ModelSpec {
            input_shape: vec![inputs],
            layers: vec![LayerSpec::Dense {
                units: classes,
                activation: Activation::Softmax,
                init: Default::default(),
            }],
        };
        Sequential::from_spec(&spec, 7).unwrap()
    }

    fn data(features: usize, classes: usize) -> Dataset {
        let labels: Vec<u8> = (0..6).map(|i| (i % classes) as u8).collect();
        Dataset::new(vec![features], vec![128; 6 * features], labels, classes).unwrap()
    }

    fn run(model: &mut Sequential<f32>, data: &Dataset) -> Result<Evaluation> {
        evaluate(
            model,
            data,
            Loss::SparseCategoricalCrossentropy,
            PixelMode::Scaled,
            Penalties::default(),
        )
    }

    #[test]
    fn every_sample_gets_a_prediction_and_a_confusion_count() {
        let result = run(&mut model(4, 3), &data(4, 3)).unwrap();
        assert_eq!(result.predictions.len(), 6);
        assert_eq!(result.confusion.total(), 6);
        let right = result
            .predictions
            .iter()
            .zip(data(4, 3).labels())
            .filter(|(p, t)| p == t)
            .count();
        assert_eq!(result.confusion.correct() as usize, right);
        assert_eq!(result.accuracy, right as f64 / 6.0);
        assert!(result.loss.is_finite() && (0.0..=1.0).contains(&result.accuracy));
    }

    #[test]
    fn data_of_another_width_or_with_more_classes_is_an_error_not_a_panic() {
        let wide = run(&mut model(4, 3), &data(5, 3)).unwrap_err();
        assert!(matches!(wide, crate::Error::Dataset(_)), "{wide}");
        let more_classes = run(&mut model(4, 3), &data(4, 5)).unwrap_err();
        assert!(
            more_classes.to_string().contains("5 classes"),
            "{more_classes}"
        );
    }
}
