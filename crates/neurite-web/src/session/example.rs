//! "Show the math" in the worker: one image taken apart under the current model by the engine
//! (`neurite::explain::example_math` and `first_layer_step`), packed as an [`ExampleReport`].

use neurite::Trainer;
use neurite::explain::{self, ExampleMath};

use crate::protocol::{
    EXAMPLE_UNITS, Envelope, ErrorKind, ExampleQuery, ExampleReport, ExampleSource, FromWorker,
    UnitGrad, WeightAt, WeightReport, WorkerError, WorkerProblem,
};

/// Why an example could not be taken apart.
pub type Refusal = WorkerError;

/// The report for `query` (the page's number `number`) on `pixels`, or why not.
pub fn report(
    trainer: &Trainer,
    number: u64,
    query: ExampleQuery,
    pixels: &[u8],
) -> Result<Envelope<FromWorker>, Refusal> {
    let model = trainer.model();
    let training = &trainer.config().training;
    let math = explain::example_math(
        model,
        training.loss,
        trainer.penalties(),
        pixels,
        query.label,
    )
    .map_err(WorkerError::from)?;
    let (units, payload, inputs, layer_units) = unit_images(&math);
    let weight = match (query.weight, &math.first_layer) {
        (_, None) => None,
        (Some(at), Some(grads)) => {
            let (inputs, units) = grads.kernel.dim();
            if at.input >= inputs || at.unit >= units {
                return Err(WorkerError::worker(
                    ErrorKind::Protocol,
                    WorkerProblem::NoSuchWeight {
                        input: at.input,
                        unit: at.unit,
                        inputs,
                        units,
                    },
                ));
            }
            Some(at)
        }
        (None, Some(grads)) => units.first().map(|top| WeightAt {
            input: largest_magnitude(grads.kernel.column(top.unit).iter().copied()),
            unit: top.unit,
        }),
    };
    let weight = weight.and_then(|at| {
        let step = explain::first_layer_step(
            model,
            trainer.optimizer(),
            training.learning_rate,
            &math,
            at.input,
            at.unit,
        )?;
        Some(WeightReport {
            at,
            input: math.input[at.input],
            delta: math.first_layer.as_ref()?.bias[at.unit],
            step,
        })
    });
    let report = ExampleReport {
        query: number,
        example: ExampleQuery {
            weight: weight.as_ref().map(|w| w.at),
            ..query
        },
        steps: trainer.steps(),
        logits: math.logits,
        probabilities: math.probabilities,
        head: math.head,
        loss_function: math.loss_function,
        loss: math.loss,
        penalty: math.penalty,
        logit_grads: math.logit_grads,
        inputs,
        layer_units,
        units,
        weight,
    };
    if !report.is_finite() {
        return Err(WorkerError::worker(
            ErrorKind::State,
            WorkerProblem::ExampleNotFinite,
        ));
    }
    Ok(Envelope::with_payload(FromWorker::Example(report), payload))
}

/// The index of the first value of largest magnitude (0 for none).
fn largest_magnitude(values: impl Iterator<Item = f64>) -> usize {
    values
        .enumerate()
        .fold((0, -1.0), |(best, size), (i, v)| {
            if v.abs() > size {
                (i, v.abs())
            } else {
                (best, size)
            }
        })
        .0
}

/// The top units of the first layer, their gradient images as the payload, the layer's
/// inputs and units.
fn unit_images(math: &ExampleMath) -> (Vec<UnitGrad>, Vec<u8>, usize, usize) {
    let Some(grads) = &math.first_layer else {
        return (Vec::new(), Vec::new(), 0, 0);
    };
    let (inputs, layer_units) = grads.kernel.dim();
    let mut payload = Vec::with_capacity(EXAMPLE_UNITS * inputs * 4);
    let units = grads
        .units_by_norm()
        .into_iter()
        .take(EXAMPLE_UNITS)
        .map(|unit| {
            let column = grads.kernel.column(unit);
            for &g in column {
                payload.extend_from_slice(&(g as f32).to_le_bytes());
            }
            UnitGrad {
                unit,
                delta: grads.bias[unit],
                norm: column.iter().map(|g| g * g).sum::<f64>().sqrt(),
            }
        })
        .collect();
    (units, payload, inputs, layer_units)
}

/// The pixels `source` names, or why there are none.
pub fn pixels_of<'a>(
    source: ExampleSource,
    test_image: impl FnOnce(usize) -> Result<&'a [u8], WorkerProblem>,
    drawing: Option<&'a [u8]>,
) -> Result<&'a [u8], Refusal> {
    let found = match source {
        ExampleSource::Test { index } => test_image(index),
        ExampleSource::Drawing => drawing.ok_or(WorkerProblem::NoDrawing),
    };
    found.map_err(|problem| {
        let kind = match problem {
            WorkerProblem::DataLoading | WorkerProblem::NoDrawing => ErrorKind::State,
            _ => ErrorKind::Protocol,
        };
        WorkerError::worker(kind, problem)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_magnitude_is_found_and_the_first_wins_a_tie() {
        assert_eq!(largest_magnitude([0.5, -2.0, 1.0, 2.0].into_iter()), 1);
        assert_eq!(largest_magnitude([0.0, 0.0].into_iter()), 0);
        assert_eq!(largest_magnitude(std::iter::empty()), 0);
    }
}
