//! What `neurite train` prints after each epoch: a Keras-like line, or one JSON object.

use serde::Serialize;

/// A loss and an accuracy on some dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Mean loss.
    pub loss: f64,
    /// Fraction classified correctly.
    pub accuracy: f64,
}

impl From<&neurite::Evaluation> for Scores {
    fn from(evaluation: &neurite::Evaluation) -> Self {
        Scores {
            loss: evaluation.loss,
            accuracy: evaluation.accuracy,
        }
    }
}

/// How a model does on the learner's own images (`--extra`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExtraScores {
    /// Images classified correctly.
    pub correct: usize,
    /// Images in the collection.
    pub samples: usize,
    /// Mean loss.
    pub loss: f64,
}

impl ExtraScores {
    /// The model's results on the collection.
    pub fn of(evaluation: &neurite::Evaluation) -> Self {
        ExtraScores {
            correct: evaluation.confusion.correct() as usize,
            samples: evaluation.predictions.len(),
            loss: evaluation.loss,
        }
    }

    /// Fraction classified correctly.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.samples.max(1) as f64
    }
}

/// The results of one finished epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochReport {
    /// The epoch, from 1.
    pub epoch: usize,
    /// Epochs in the run.
    pub epochs: usize,
    /// Batches in the epoch.
    pub batches: usize,
    /// Mean training loss and accuracy over the epoch, as Keras reports them.
    pub train: Scores,
    /// Scores on the held-out tail of the training set, if one was held out.
    pub validation: Option<Scores>,
    /// Scores on the test set, after the epoch.
    pub test: Scores,
    /// Scores on the learner's own images (`--extra`), after the epoch.
    pub extra: Option<ExtraScores>,
    /// Samples trained on in the epoch.
    pub samples: usize,
    /// Seconds spent training in the epoch (evaluation excluded).
    pub seconds: f64,
}

impl EpochReport {
    /// Training throughput over the epoch.
    pub fn samples_per_second(&self) -> f64 {
        rate(self.samples, self.seconds)
    }

    /// `Epoch 1/5 - 1875/1875 - 2.1s - loss: 0.2570 - accuracy: 0.9265 - test_loss: … -
    /// test_accuracy: … - 28571 samples/s`, with `val_loss` and `val_accuracy` before the test
    /// scores when a validation set was held out, and `my digits: 8/10` after them with
    /// `--extra`.
    pub fn keras_line(&self) -> String {
        let mut line = format!(
            "Epoch {}/{} - {}/{} - {:.1}s - loss: {:.4} - accuracy: {:.4}",
            self.epoch,
            self.epochs,
            self.batches,
            self.batches,
            self.seconds,
            self.train.loss,
            self.train.accuracy
        );
        if let Some(val) = self.validation {
            line += &format!(
                " - val_loss: {:.4} - val_accuracy: {:.4}",
                val.loss, val.accuracy
            );
        }
        line += &format!(
            " - test_loss: {:.4} - test_accuracy: {:.4}",
            self.test.loss, self.test.accuracy
        );
        if let Some(extra) = self.extra {
            line += &format!(" - my digits: {}/{}", extra.correct, extra.samples);
        }
        line += &format!(" - {:.0} samples/s", self.samples_per_second());
        line
    }

    /// One JSON object: `{"epoch", "epochs", "loss", "accuracy", ["val_loss", "val_accuracy",]
    /// "test_loss", "test_accuracy", ["extra_loss", "extra_accuracy", "extra_correct",
    /// "extra_samples",] "samples_per_second", "seconds"}`, in that order.
    pub fn to_json(&self) -> String {
        let line = EpochJson {
            epoch: self.epoch,
            epochs: self.epochs,
            loss: self.train.loss,
            accuracy: self.train.accuracy,
            val_loss: self.validation.map(|v| v.loss),
            val_accuracy: self.validation.map(|v| v.accuracy),
            test_loss: self.test.loss,
            test_accuracy: self.test.accuracy,
            extra_loss: self.extra.map(|e| e.loss),
            extra_accuracy: self.extra.map(|e| e.accuracy()),
            extra_correct: self.extra.map(|e| e.correct),
            extra_samples: self.extra.map(|e| e.samples),
            samples_per_second: self.samples_per_second(),
            seconds: self.seconds,
        };
        serde_json::to_string(&line).expect("numbers and strings always serialise")
    }
}

/// The JSON form of an [`EpochReport`], fields in the order they are printed.
#[derive(Serialize)]
struct EpochJson {
    epoch: usize,
    epochs: usize,
    loss: f64,
    accuracy: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    val_loss: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    val_accuracy: Option<f64>,
    test_loss: f64,
    test_accuracy: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_loss: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_accuracy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_correct: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_samples: Option<usize>,
    samples_per_second: f64,
    seconds: f64,
}

/// `samples / seconds`, or 0 before any time has passed.
pub fn rate(samples: usize, seconds: f64) -> f64 {
    if seconds > 0.0 {
        samples as f64 / seconds
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(validation: Option<Scores>) -> EpochReport {
        EpochReport {
            epoch: 1,
            epochs: 5,
            batches: 1875,
            train: Scores {
                loss: 0.25701,
                accuracy: 0.92649,
            },
            validation,
            test: Scores {
                loss: 0.1402,
                accuracy: 0.958,
            },
            extra: None,
            samples: 60_000,
            seconds: 2.1,
        }
    }

    #[test]
    fn the_line_reads_like_keras() {
        assert_eq!(
            report(None).keras_line(),
            "Epoch 1/5 - 1875/1875 - 2.1s - loss: 0.2570 - accuracy: 0.9265 - \
             test_loss: 0.1402 - test_accuracy: 0.9580 - 28571 samples/s"
        );
        let with_val = report(Some(Scores {
            loss: 0.2,
            accuracy: 0.9,
        }))
        .keras_line();
        assert!(
            with_val.contains("accuracy: 0.9265 - val_loss: 0.2000 - val_accuracy: 0.9000 - test"),
            "{with_val}"
        );
    }

    #[test]
    fn the_json_has_every_field_in_order() {
        let json = report(None).to_json();
        let keys = [
            "epoch",
            "epochs",
            "loss",
            "accuracy",
            "test_loss",
            "test_accuracy",
            "samples_per_second",
            "seconds",
        ];
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| json.find(&format!("\"{k}\":")).expect(k))
            .collect();
        assert!(positions.is_sorted(), "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            (value["epoch"].as_u64(), value["epochs"].as_u64()),
            (Some(1), Some(5))
        );
        assert_eq!(value["test_accuracy"], 0.958);
        assert!((value["samples_per_second"].as_f64().unwrap() - 28_571.4).abs() < 0.1);
        assert!(value.get("val_loss").is_none());
        let json = report(Some(Scores {
            loss: 0.2,
            accuracy: 0.9,
        }))
        .to_json();
        assert!(
            json.contains(r#""accuracy":0.92649,"val_loss":0.2,"val_accuracy":0.9,"test_loss""#),
            "{json}"
        );
    }

    #[test]
    fn the_learner_s_own_images_are_reported_after_the_test_set() {
        let mut with_extra = report(None);
        with_extra.extra = Some(ExtraScores {
            correct: 8,
            samples: 10,
            loss: 0.5,
        });
        let line = with_extra.keras_line();
        assert!(
            line.ends_with("test_accuracy: 0.9580 - my digits: 8/10 - 28571 samples/s"),
            "{line}"
        );
        let json = with_extra.to_json();
        assert!(
            json.contains(
                r#""test_accuracy":0.958,"extra_loss":0.5,"extra_accuracy":0.8,"extra_correct":8,"extra_samples":10,"samples_per_second""#
            ),
            "{json}"
        );
    }

    #[test]
    fn rate_is_zero_before_time_passes() {
        assert_eq!(rate(100, 0.0), 0.0);
        assert_eq!(rate(100, 2.0), 50.0);
    }
}
