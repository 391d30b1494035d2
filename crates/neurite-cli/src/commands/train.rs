//! `neurite train`: trains on MNIST or Fashion-MNIST epoch by epoch, evaluating on the test set
//! after each one — and, with `--extra DIR`, on the learner's own images, mixed into the training
//! batches at `--extra-share` ([`neurite::Mix`]).
//!
//! The trainer runs [`BATCHES_PER_CALL`] batches at a time so the progress bar can move; its
//! calls never cross an epoch boundary. Throughput is measured over training alone.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use neurite::{
    CheckedConfig, Collection, Dataset, Mix, Outcome, Result, StepReport, Trainer, TrainingData,
};

use super::write_line;
use crate::cli::TrainArgs;
use crate::epoch_report::{EpochReport, ExtraScores, Scores, rate};
use crate::model_arg::{self, ModelArg, ResolvedModel};
use crate::progress::EpochBar;
use crate::{data_dir, train_config};

/// Batches trained between two progress-bar updates.
pub const BATCHES_PER_CALL: usize = 50;

/// The data a run trains and is evaluated on.
struct Splits {
    /// The training set, or it with the learner's images mixed in.
    train: Box<dyn TrainingData>,
    validation: Option<Dataset>,
    test: Dataset,
    /// The learner's own images (`--extra`), evaluated after each epoch.
    extra: Option<Collection>,
}

/// Trains as the flags say; exits non-zero if training diverged.
pub fn run(args: &TrainArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let resolved = model_arg::resolve(&ModelArg::parse(&args.model))?;
    let config = train_config::from_args(
        args,
        resolved.spec().clone(),
        resolved.pixels(),
        resolved.dataset(),
    )
    .check()?;
    if args.extra.is_some() {
        // Checked with the configuration, before any data is read.
        neurite::data::mix::check_share(args.extra_share)?;
    }
    let splits = load_splits(args, &config, out)?;
    let mut trainer = match resolved {
        ResolvedModel::Spec(_) => Trainer::new(config)?,
        ResolvedModel::Trained(model) => Trainer::with_model(config, *model),
    };
    let diverged = train(&mut trainer, &splits, !args.json, &mut |report| {
        let text = if args.json {
            report.to_json()
        } else {
            report.keras_line()
        };
        write_line(out, text)
    })?;
    if let Some(step) = &diverged {
        eprintln!("error: {}", divergence_message(step));
    }
    if let Some(path) = &args.out {
        save(&trainer, path, diverged.is_some(), args.json, out)?;
    }
    Ok(if diverged.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The training set (with `--extra` mixed in), the validation set held out of it and the test
/// set; says what the mix holds unless the output is JSON.
fn load_splits(args: &TrainArgs, config: &CheckedConfig, out: &mut dyn Write) -> Result<Splits> {
    let mnist = data_dir::load(args.data.as_deref(), config.training.dataset)?;
    let (train_set, validation) = if config.training.validation_split > 0.0 {
        let (train_set, validation) = mnist.train.split_tail(config.training.validation_split);
        (train_set, Some(validation).filter(|v| !v.is_empty()))
    } else {
        (mnist.train, None)
    };
    let mut splits = Splits {
        train: Box::new(train_set),
        validation,
        test: mnist.test,
        extra: None,
    };
    if let Some(dir) = &args.extra {
        let extra = neurite::load_extra(dir)?;
        let mix = Mix::new(
            splits.train.dataset(),
            config.training.train_subset,
            &extra,
            args.extra_share,
        )?;
        if !args.json {
            write_line(out, mix_summary(&mix, extra.len(), dir))?;
        }
        splits.train = Box::new(mix);
        splits.extra = Some(extra);
    }
    Ok(splits)
}

/// Runs every epoch, handing each finished one to `epoch_done`; returns the step that diverged,
/// if one did.
fn train(
    trainer: &mut Trainer,
    data: &Splits,
    show_bar: bool,
    epoch_done: &mut dyn FnMut(&EpochReport) -> Result<()>,
) -> Result<Option<StepReport>> {
    let epochs = trainer.config().training.epochs;
    let mut bar: Option<EpochBar> = None;
    let mut samples = 0;
    let mut training_time = Duration::ZERO;
    loop {
        let started = Instant::now();
        let step = trainer.run_batches(data.train.as_ref(), BATCHES_PER_CALL)?;
        training_time += started.elapsed();
        samples += step.samples;
        let seconds = training_time.as_secs_f64();
        let epoch_bar = bar.get_or_insert_with(|| {
            EpochBar::new(step.epoch, epochs, step.batches_per_epoch, show_bar)
        });
        epoch_bar.update(&step, rate(samples, seconds));
        match step.outcome {
            Outcome::Running => {}
            Outcome::Diverged => {
                epoch_bar.abandon();
                return Ok(Some(step));
            }
            Outcome::EpochComplete | Outcome::Finished => {
                epoch_bar.finish();
                bar = None;
                let validation = match &data.validation {
                    Some(v) => Some(Scores::from(&trainer.evaluate(v)?)),
                    None => None,
                };
                let test = Scores::from(&trainer.evaluate(&data.test)?);
                let extra = match &data.extra {
                    Some(extra) => Some(ExtraScores::of(&trainer.evaluate(extra.dataset())?)),
                    None => None,
                };
                epoch_done(&EpochReport {
                    epoch: step.epoch,
                    epochs,
                    batches: step.batches_per_epoch,
                    train: Scores {
                        loss: step.loss,
                        accuracy: step.accuracy,
                    },
                    validation,
                    test,
                    extra,
                    samples,
                    seconds,
                })?;
                if step.outcome == Outcome::Finished {
                    return Ok(None);
                }
                samples = 0;
                training_time = Duration::ZERO;
            }
        }
    }
}

/// What the mix holds, said before training: `My digits (30 images from DIR): 22 copies mixed
/// in, 660 of 6660 samples an epoch (9.9 %)`.
fn mix_summary(mix: &Mix, images: usize, dir: &Path) -> String {
    let what = format!("My digits ({images} images from {})", dir.display());
    match (mix.base_samples(), mix.copies()) {
        (_, 0) => format!("{what}: evaluated after each epoch, not trained on (share 0)"),
        (0, _) => format!("{what}: trained on alone, once an epoch (share 1)"),
        (_, copies) => format!(
            "{what}: {copies} copies mixed in, {} of {} samples an epoch ({:.1} %)",
            mix.extra_samples(),
            mix.len(),
            100.0 * mix.share()
        ),
    }
}

/// Why training stopped, and what to do about it.
fn divergence_message(step: &StepReport) -> String {
    format!(
        "training diverged in epoch {} at batch {}/{}: the loss or a gradient became \
         non-finite (batch loss {}); the model keeps its last finite weights. \
         Try a lower learning rate.",
        step.epoch,
        step.batch + 1,
        step.batches_per_epoch,
        step.last_batch_loss
    )
}

/// Saves the model, saying so unless the output is JSON.
fn save(
    trainer: &Trainer,
    path: &Path,
    diverged: bool,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    neurite::model_file::save(trainer.model(), path)?;
    let what = if diverged {
        "the last finite weights"
    } else {
        "the model"
    };
    if diverged {
        eprintln!("saved {what} to {}", path.display());
    } else if !json {
        write_line(out, format_args!("Saved {what} to {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use neurite::{Config, TrainConfig};

    use super::*;

    /// A tiny separable problem: class = whether the first of two pixels is the brighter.
    fn toy(samples: usize) -> Dataset {
        let mut pixels = Vec::new();
        let mut labels = Vec::new();
        for i in 0..samples {
            let (a, b) = ((i * 37 % 256) as u8, (i * 91 % 256) as u8);
            pixels.extend([a, b]);
            labels.push(u8::from(a > b));
        }
        Dataset::new(vec![2], pixels, labels, 2).unwrap()
    }

    fn trainer(epochs: usize, change: impl FnOnce(&mut Config)) -> Trainer {
        let mut config = Config {
            model: neurite::ModelSpec::from_json(
                r#"{"input_shape":[2],"layers":[{"type":"dense","units":2,"activation":"softmax"}]}"#,
            )
            .unwrap(),
            training: TrainConfig {
                epochs,
                batch_size: 4,
                ..TrainConfig::default()
            },
        };
        change(&mut config);
        Trainer::new(config.check().unwrap()).unwrap()
    }

    #[test]
    fn every_epoch_is_reported_once_with_all_its_samples() {
        let data = Splits {
            train: Box::new(toy(300)),
            validation: Some(toy(20)),
            test: toy(40),
            extra: None,
        };
        let mut reports = Vec::new();
        let diverged = train(&mut trainer(3, |_| {}), &data, false, &mut |r| {
            reports.push(r.clone());
            Ok(())
        })
        .unwrap();
        assert!(diverged.is_none());
        assert_eq!(reports.len(), 3);
        for (i, report) in reports.iter().enumerate() {
            assert_eq!((report.epoch, report.epochs), (i + 1, 3));
            assert_eq!((report.samples, report.batches), (300, 75));
            assert!(report.validation.is_some());
            assert!(report.test.loss.is_finite());
        }
    }

    #[test]
    fn the_mix_is_described_before_training() {
        let base = Dataset::new(vec![28, 28], vec![0; 600 * 784], vec![3; 600], 10).unwrap();
        let mine = Collection::new(vec![9; 3 * 784], vec![1, 2, 3]).unwrap();
        let dir = Path::new("mine");
        let summary = |share| mix_summary(&Mix::new(&base, None, &mine, share).unwrap(), 3, dir);
        assert_eq!(
            summary(0.1),
            "My digits (3 images from mine): 22 copies mixed in, 66 of 666 samples an epoch (9.9 %)"
        );
        assert!(summary(0.0).ends_with("evaluated after each epoch, not trained on (share 0)"));
        assert!(summary(1.0).ends_with("trained on alone, once an epoch (share 1)"));
    }

    #[test]
    fn divergence_stops_training_and_names_the_batch() {
        let data = Splits {
            train: Box::new(toy(300)),
            validation: None,
            test: toy(40),
            extra: None,
        };
        // A linear output under squared error, raw 0–255 inputs and plain SGD at the largest
        // learning rate: every step overshoots further until the numbers overflow.
        let mut trainer = trainer(2, |config| {
            config.model = neurite::ModelSpec::from_json(
                r#"{"input_shape":[2],"layers":[{"type":"dense","units":2}]}"#,
            )
            .unwrap();
            config.training.loss = neurite::Loss::MeanSquaredError;
            config.training.pixels = neurite::PixelMode::Raw;
            config.training.optimizer = neurite::OptimizerSpec::sgd();
            config.training.learning_rate = 10.0;
        });
        let mut reports = 0;
        let step = train(&mut trainer, &data, false, &mut |_| {
            reports += 1;
            Ok(())
        })
        .unwrap()
        .expect("training diverges");
        assert_eq!((step.outcome, reports), (Outcome::Diverged, 0));
        let message = divergence_message(&step);
        assert!(
            message.starts_with("training diverged in epoch 1 at batch "),
            "{message}"
        );
        assert!(message.contains("/75: the loss or a gradient"), "{message}");
    }
}
