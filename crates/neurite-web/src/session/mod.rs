//! [`Session`]: the worker's state machine — requests in, replies out, training in short
//! slices of time.
//!
//! It knows nothing of the browser: the worker's glue feeds it requests and a clock, calls
//! [`Session::work`] with a budget of a few milliseconds, posts what it put in the outbox and
//! yields, so a pause or a new learning rate is handled between two slices. The same code runs
//! natively in the unit tests.

mod checkpoint;
mod example;
mod feature_maps;
mod my_digits;

use checkpoint::Origin;

use ndarray::Array2;
use neurite::{
    CheckedConfig, Config, ConfusionMatrix, Dataset, DatasetKind, DatasetReason, Outcome,
    StepReport, Trainer, model_file,
};

use crate::protocol::{
    CHECKPOINT_INTERVAL_MS, CheckpointReason, Envelope, ErrorKind, ExampleQuery, FromWorker,
    MAX_WEIGHT_TILES, Phase, Progress, ToWorker, WorkerError, WorkerProblem,
};
use crate::test_set::TestImages;

/// Replies waiting to be posted.
pub type Outbox = Vec<Envelope<FromWorker>>;

/// Test samples evaluated per slice of work (≈ 5 ms for the seed model).
pub const EVAL_SLICE: usize = 250;
/// Least time between two progress messages while training, in milliseconds.
pub const PROGRESS_INTERVAL_MS: f64 = 100.0;
/// Least time between two weight snapshots while training, in milliseconds.
pub const SNAPSHOT_INTERVAL_MS: f64 = 250.0;

struct Data {
    /// Which dataset: a run trains only on the one its configuration names.
    dataset: DatasetKind,
    train: Dataset,
    test_slices: Vec<Dataset>,
}

/// An epoch's test evaluation, done a slice at a time.
struct Evaluation {
    epoch: usize,
    train_loss: f64,
    train_accuracy: f64,
    last_epoch: bool,
    next_slice: usize,
    weighted_loss: f64,
    samples: usize,
    correct: usize,
    confusion: ConfusionMatrix,
    predictions: Vec<u8>,
}

/// Bookkeeping between two progress messages.
#[derive(Default)]
struct Meter {
    recent_loss_sum: f64,
    recent_correct: f64,
    recent_samples: usize,
    interval_started_at: f64,
    epoch_seen: usize,
    epoch_correct: f64,
    elapsed_ms: f64,
    running_since: Option<f64>,
}

impl Meter {
    fn record(&mut self, report: &StepReport) {
        let seen = self.epoch_seen + report.samples;
        let correct = (report.accuracy * seen as f64).round();
        self.recent_correct += correct - self.epoch_correct;
        self.recent_loss_sum += report.last_batch_loss * report.samples as f64;
        self.recent_samples += report.samples;
        self.epoch_seen = seen;
        self.epoch_correct = correct;
        if report.outcome != Outcome::Running {
            self.epoch_seen = 0;
            self.epoch_correct = 0.0;
        }
    }

    fn elapsed(&self, now: f64) -> f64 {
        self.elapsed_ms + self.running_since.map_or(0.0, |since| now - since)
    }

    fn start(&mut self, now: f64) {
        self.running_since.get_or_insert(now);
        self.interval_started_at = now;
        self.recent_samples = 0;
        self.recent_loss_sum = 0.0;
        self.recent_correct = 0.0;
    }

    fn stop(&mut self, now: f64) {
        if let Some(since) = self.running_since.take() {
            self.elapsed_ms += now - since;
        }
    }
}

/// The worker's state: data, configuration, trainer and where the run stands.
#[derive(Default)]
pub struct Session {
    data: Option<Data>,
    trainer: Option<Trainer>,
    phase: Phase,
    steps_left: u32,
    evaluation: Option<Evaluation>,
    last_report: Option<StepReport>,
    meter: Meter,
    last_progress_at: f64,
    last_snapshot_at: f64,
    snapshot_steps: u64,
    /// The drawing to classify (its number and `u8` pixels), kept for new weights.
    drawing: Option<(u64, Vec<u8>)>,
    /// Whether the drawing has not been classified under the current weights.
    prediction_due: bool,
    /// The example "show the math" takes apart (the page's number for the query, and the
    /// query), kept for new weights.
    example: Option<(u64, ExampleQuery)>,
    /// Whether the example has not been taken apart under the current weights.
    example_due: bool,
    /// The number of the current run (one more for every model built).
    run: u64,
    /// When the last checkpoint was sent, by the clock.
    last_checkpoint_at: f64,
    /// The optimizer steps of the run's last checkpoint (or of its start).
    checkpoint_steps: Option<u64>,
    /// The learner's own digits, if the page sent some.
    my_digits: Option<my_digits::MyDigitsHeld>,
    /// Whether fine-tuning changed the weights since the last checkpoint (it takes no step of
    /// the run, so the steps do not say so).
    fine_tuned: bool,
}

/// A clock in milliseconds.
pub type Clock<'a> = &'a mut dyn FnMut() -> f64;

fn error(kind: ErrorKind, problem: WorkerProblem) -> Envelope<FromWorker> {
    Envelope::bare(FromWorker::Error(WorkerError::worker(kind, problem)))
}

fn engine_error(e: neurite::Error) -> Envelope<FromWorker> {
    Envelope::bare(FromWorker::Error(e.into()))
}

impl Session {
    /// A session with no data and no model.
    pub fn new() -> Self {
        Session::default()
    }

    /// Where the run stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether [`Session::work`] has anything to do.
    pub fn has_work(&self) -> bool {
        self.evaluation.is_some() || self.phase == Phase::Running || self.steps_left > 0
    }

    /// The trainer, once configured.
    pub fn trainer(&self) -> Option<&Trainer> {
        self.trainer.as_ref()
    }

    /// Takes the loaded data of `dataset` (in place of any held before) and announces it, with
    /// the test set as payload.
    pub fn set_data(
        &mut self,
        dataset: DatasetKind,
        train: Dataset,
        test: Dataset,
        millis: f64,
        out: &mut Outbox,
    ) {
        let test_slices = (0..test.len())
            .step_by(EVAL_SLICE)
            .map(|start| test.slice(start..(start + EVAL_SLICE).min(test.len())))
            .collect();
        out.push(Envelope::with_payload(
            FromWorker::DataLoaded {
                dataset,
                train_samples: train.len(),
                test_samples: test.len(),
                millis,
            },
            TestImages::encode(&test),
        ));
        self.data = Some(Data {
            dataset,
            train,
            test_slices,
        });
        // A model configured before the data arrived now knows its batches per epoch.
        self.push_progress(0.0, out);
    }

    /// Handles one request, reading the time (milliseconds) from `clock`.
    /// [`ToWorker::LoadData`] is the glue's to handle, as it needs the network.
    pub fn handle(&mut self, request: Envelope<ToWorker>, clock: Clock<'_>, out: &mut Outbox) {
        let now = clock();
        match request.msg {
            ToWorker::LoadData { .. } => {}
            ToWorker::Configure { config } => match config.check() {
                Ok(checked) => self.configure(checked, None, Origin::Fresh, now, out),
                Err(e) => out.push(engine_error(e)),
            },
            ToWorker::Reset => match self.trainer.as_ref().map(|t| t.config().clone()) {
                Some(checked) => self.configure(checked, None, Origin::Fresh, now, out),
                None => out.push(error(ErrorKind::State, WorkerProblem::NothingToReset)),
            },
            ToWorker::Start => self.start(now, out),
            ToWorker::Pause => {
                if self.phase == Phase::Running {
                    self.phase = Phase::Paused;
                    self.meter.stop(now);
                    self.report_now(now, out);
                    self.push_checkpoint(CheckpointReason::Paused, now, out);
                }
                self.steps_left = 0;
            }
            ToWorker::Step { batches } => {
                if self.ready_to_train(out) {
                    if matches!(self.phase, Phase::Idle | Phase::Running) {
                        self.phase = Phase::Paused;
                    }
                    if self.phase == Phase::Paused {
                        self.steps_left = batches;
                        self.meter.start(now);
                    } else {
                        out.push(error(ErrorKind::State, WorkerProblem::RunOver));
                    }
                }
            }
            ToWorker::SetLearningRate { learning_rate } => {
                if let Some(trainer) = &mut self.trainer {
                    match trainer.set_learning_rate(learning_rate) {
                        // The example's update is written with the learning rate in force.
                        Ok(()) => self.example_due |= self.example.is_some(),
                        Err(e) => out.push(engine_error(e)),
                    }
                }
            }
            ToWorker::SetBatchSize { batch_size } => {
                if let Some(trainer) = &mut self.trainer
                    && let Err(e) = trainer.set_batch_size(batch_size)
                {
                    out.push(engine_error(e));
                }
            }
            ToWorker::SetTraining { training } => {
                if let Some(trainer) = &mut self.trainer {
                    match trainer.retune(training) {
                        Ok(()) => {
                            if matches!(self.phase, Phase::Finished | Phase::Diverged)
                                && !trainer.is_done()
                            {
                                self.phase = Phase::Paused;
                            }
                            self.example_due |= self.example.is_some();
                            self.report_now(now, out);
                        }
                        Err(e) => out.push(engine_error(e)),
                    }
                }
            }
            ToWorker::LoadModel { file_name } => {
                self.load_model(&file_name, request.payload.as_deref(), now, out);
            }
            ToWorker::ExportModel => match &self.trainer {
                Some(trainer) => out.push(Envelope::with_payload(
                    FromWorker::ModelFile {
                        steps: trainer.steps(),
                    },
                    model_file::to_bytes(trainer.model()),
                )),
                None => out.push(error(ErrorKind::State, WorkerProblem::NoModelToSave)),
            },
            ToWorker::Classify { drawing } => {
                self.drawing = request.payload.map(|pixels| (drawing, pixels));
                self.prediction_due = true;
                // A new drawing is a new example when the drawing is being taken apart.
                self.example_due |= self.example.is_some();
            }
            ToWorker::Explain { query, example } => {
                self.example = example.map(|e| (query, e));
                self.example_due = true;
            }
            ToWorker::Resume { record } => {
                self.resume(record, request.payload.as_deref(), now, out);
            }
            ToWorker::Ping { beat } => out.push(Envelope::bare(FromWorker::Pong { beat })),
            ToWorker::Crash => panic!("the page asked the worker to crash"),
            ToWorker::SetMyDigits { count, share } => {
                self.set_my_digits(count, share, request.payload.as_deref(), out);
            }
            ToWorker::FineTune { passes } => self.fine_tune(passes, now, out),
        }
        self.predict_if_due(clock, out);
        self.explain_if_due(out);
        self.evaluate_my_digits_if_due(clock, out);
    }

    /// Takes the example apart if the weights (or the drawing) changed since the last time.
    fn explain_if_due(&mut self, out: &mut Outbox) {
        let (Some(trainer), Some((number, query)), true) =
            (&self.trainer, self.example, self.example_due)
        else {
            return;
        };
        self.example_due = false;
        let test_image = |index: usize| {
            let data = self.data.as_ref().ok_or(WorkerProblem::DataLoading)?;
            let count: usize = data.test_slices.iter().map(Dataset::len).sum();
            data.test_slices
                .get(index / EVAL_SLICE)
                .filter(|_| index < count)
                .map(|slice| slice.image(index % EVAL_SLICE))
                .ok_or(WorkerProblem::NoSuchTestImage { index, count })
        };
        let drawing = self.drawing.as_ref().map(|(_, pixels)| pixels.as_slice());
        let answer = example::pixels_of(query.source, test_image, drawing)
            .and_then(|pixels| example::report(trainer, number, query, pixels));
        match answer {
            Ok(report) => out.push(report),
            Err(refusal) => {
                // A query that cannot be answered is not asked again at the next snapshot.
                self.example = None;
                out.push(Envelope::bare(FromWorker::Error(refusal)));
            }
        }
    }

    /// Classifies the drawing if the weights changed since it was last classified.
    fn predict_if_due(&mut self, clock: Clock<'_>, out: &mut Outbox) {
        let (Some(trainer), Some((drawing, pixels)), true) =
            (&mut self.trainer, &self.drawing, self.prediction_due)
        else {
            return;
        };
        self.prediction_due = false;
        let model = trainer.model_mut();
        if model.input_features() != pixels.len() {
            let problem = WorkerProblem::DrawingWidth {
                pixels: pixels.len(),
                takes: model.input_features(),
            };
            self.drawing = None;
            return out.push(error(ErrorKind::Protocol, problem));
        }
        // The model says which pixels its weights were trained on.
        let factor = model.pixels().factor();
        let input =
            Array2::from_shape_fn((1, pixels.len()), |(_, j)| f32::from(pixels[j]) * factor);
        let started = clock();
        let probabilities = model.predict(input.view()).row(0).to_vec();
        let forward_ms = clock() - started;
        if probabilities.iter().any(|p| !p.is_finite()) {
            return out.push(error(ErrorKind::State, WorkerProblem::PredictionNotFinite));
        }
        out.push(Envelope::bare(FromWorker::Prediction {
            drawing: *drawing,
            probabilities,
            steps: trainer.steps(),
            forward_ms,
        }));
        let (layers, payload) = feature_maps::feature_maps(trainer.model(), pixels);
        if !layers.is_empty() {
            out.push(Envelope::with_payload(
                FromWorker::FeatureMaps {
                    drawing: *drawing,
                    model: trainer.model().spec().clone(),
                    layers,
                },
                payload,
            ));
        }
    }

    fn ready_to_train(&self, out: &mut Outbox) -> bool {
        match (&self.data, &self.trainer) {
            (None, _) => {
                out.push(error(ErrorKind::State, WorkerProblem::DataLoading));
                false
            }
            (Some(_), None) => {
                out.push(error(ErrorKind::State, WorkerProblem::NoModel));
                false
            }
            // The run's dataset is still on its way (the page asks for it once the model is
            // built): the data held is another's.
            (Some(data), Some(trainer)) if data.dataset != trainer.config().training.dataset => {
                out.push(error(ErrorKind::State, WorkerProblem::DataLoading));
                false
            }
            (Some(_), Some(_)) => true,
        }
    }

    fn start(&mut self, now: f64, out: &mut Outbox) {
        if !self.ready_to_train(out) {
            return;
        }
        match self.phase {
            Phase::Idle | Phase::Paused => {
                self.phase = Phase::Running;
                self.steps_left = 0;
                self.meter.start(now);
                self.report_now(now, out);
            }
            Phase::Running => {}
            Phase::Finished | Phase::Diverged => {
                out.push(error(ErrorKind::State, WorkerProblem::RunOver));
            }
        }
    }

    fn configure(
        &mut self,
        checked: CheckedConfig,
        model: Option<neurite::Sequential<f32>>,
        origin: Origin,
        now: f64,
        out: &mut Outbox,
    ) {
        let trainer = match model {
            Some(model) => Trainer::with_model(checked, model),
            None => match Trainer::new(checked) {
                Ok(trainer) => trainer,
                Err(e) => return out.push(engine_error(e)),
            },
        };
        self.install(trainer, origin, now, out);
    }

    fn load_model(&mut self, file_name: &str, bytes: Option<&[u8]>, now: f64, out: &mut Outbox) {
        let Some(bytes) = bytes else {
            return out.push(error(ErrorKind::Protocol, WorkerProblem::NoFile));
        };
        let model = match model_file::from_bytes(bytes) {
            Ok(model) => model,
            Err(e) => {
                let e = WorkerError::from(e).in_file(file_name);
                return out.push(Envelope::bare(FromWorker::Error(e)));
            }
        };
        // A model for other data would fail at the first batch, and one with more outputs than
        // the data has classes would predict classes that do not exist: refuse them now.
        if let Some(data) = &self.data {
            let (outputs, classes) = (model.output_features(), data.train.classes());
            let scores_each_class = outputs == classes || (outputs == 1 && classes == 2);
            let refusal = match model.check_fits(&data.train) {
                Err(e) => Some(e),
                Ok(()) if !scores_each_class => {
                    Some(neurite::Error::Dataset(DatasetReason::OutputsNotClasses {
                        outputs,
                        classes,
                    }))
                }
                Ok(()) => None,
            };
            if let Some(refusal) = refusal {
                let mut e = WorkerError::from(refusal).in_file(file_name);
                e.kind = ErrorKind::ModelFile;
                return out.push(Envelope::bare(FromWorker::Error(e)));
            }
        }
        let mut training = self
            .trainer
            .as_ref()
            .map(|t| t.config().training.clone())
            .unwrap_or_default();
        // The loaded weights expect the pixels they were trained on, and name the classes of
        // the dataset they learnt.
        training.pixels = model.pixels();
        training.dataset = model.dataset();
        let config = Config {
            model: model.spec().clone(),
            training,
        };
        match config.check() {
            Ok(checked) => {
                let origin = Origin::File(file_name.to_owned());
                self.configure(checked, Some(model), origin, now, out)
            }
            Err(e) => out.push(engine_error(e)),
        }
    }

    /// Works for about `budget_ms` by `clock`: trains batches, or evaluates test slices after
    /// an epoch, then queues the progress and snapshots that are due.
    pub fn work(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64, out: &mut Outbox) {
        let start = clock();
        let mut stopped = false;
        while self.has_work() {
            if self.evaluation.is_some() {
                stopped |= self.evaluate_slice(out);
            } else {
                stopped |= self.train_batch(out);
            }
            if clock() - start >= budget_ms {
                break;
            }
        }
        let now = clock();
        if stopped {
            self.meter.stop(now);
            self.report_now(now, out);
            if self.phase == Phase::Paused {
                self.push_checkpoint(CheckpointReason::Paused, now, out);
            }
        } else if self.has_work() {
            if self.phase == Phase::Running
                && now - self.last_checkpoint_at >= CHECKPOINT_INTERVAL_MS
            {
                self.push_checkpoint(CheckpointReason::Interval, now, out);
            }
            if now - self.last_progress_at >= PROGRESS_INTERVAL_MS {
                self.push_progress(now, out);
            }
            if now - self.last_snapshot_at >= SNAPSHOT_INTERVAL_MS {
                self.push_snapshot(now, out);
            }
        }
        self.predict_if_due(clock, out);
        self.explain_if_due(out);
        self.evaluate_my_digits_if_due(clock, out);
    }

    /// Trains one batch; returns whether training stopped (step done, diverged, finished).
    fn train_batch(&mut self, out: &mut Outbox) -> bool {
        let (Some(trainer), Some(data)) = (&mut self.trainer, &self.data) else {
            self.phase = Phase::Paused;
            return true;
        };
        // The run's training set, with the learner's digits mixed in if asked.
        let train = match &mut self.my_digits {
            Some(held) => held.training_set(data, trainer.config()),
            None => Ok(&data.train as &dyn neurite::data::TrainingData),
        };
        let report = match train.and_then(|train| trainer.run_batches(train, 1)) {
            Ok(report) => report,
            Err(e) => {
                out.push(engine_error(e));
                self.phase = Phase::Paused;
                self.steps_left = 0;
                return true;
            }
        };
        self.meter.record(&report);
        let mut stopped = false;
        if self.steps_left > 0 {
            self.steps_left -= 1;
            stopped = self.steps_left == 0;
        }
        match report.outcome {
            Outcome::Running => {}
            Outcome::EpochComplete | Outcome::Finished => {
                let classes = trainer.model().output_features().max(2);
                self.evaluation = Some(Evaluation {
                    epoch: report.epoch,
                    train_loss: report.loss,
                    train_accuracy: report.accuracy,
                    last_epoch: report.outcome == Outcome::Finished,
                    next_slice: 0,
                    weighted_loss: 0.0,
                    samples: 0,
                    correct: 0,
                    confusion: ConfusionMatrix::new(classes),
                    predictions: Vec::new(),
                });
                // A step ends with its epoch, so the page sees the evaluation.
                stopped |= self.steps_left > 0;
                self.steps_left = 0;
            }
            Outcome::Diverged => {
                self.phase = Phase::Diverged;
                self.steps_left = 0;
                out.push(Envelope::bare(FromWorker::Diverged {
                    epoch: report.epoch,
                    loss: report.last_batch_loss,
                }));
                stopped = true;
            }
        }
        self.last_report = Some(report);
        stopped
    }

    /// Evaluates one test slice; returns whether training stopped (the last epoch ended).
    fn evaluate_slice(&mut self, out: &mut Outbox) -> bool {
        let (Some(trainer), Some(data), Some(eval)) =
            (&mut self.trainer, &self.data, &mut self.evaluation)
        else {
            self.evaluation = None;
            return false;
        };
        if let Some(slice) = data.test_slices.get(eval.next_slice) {
            let result = match trainer.evaluate(slice) {
                Ok(result) => result,
                Err(e) => {
                    out.push(engine_error(e));
                    self.evaluation = None;
                    self.phase = Phase::Paused;
                    return true;
                }
            };
            eval.weighted_loss += result.loss * slice.len() as f64;
            eval.samples += slice.len();
            eval.correct += slice
                .labels()
                .iter()
                .zip(&result.predictions)
                .filter(|(t, p)| t == p)
                .count();
            for (c, n) in eval
                .confusion
                .counts
                .iter_mut()
                .zip(&result.confusion.counts)
            {
                *c += n;
            }
            eval.predictions.extend_from_slice(&result.predictions);
            eval.next_slice += 1;
            return false;
        }
        let eval = self.evaluation.take().expect("matched above");
        let samples = eval.samples.max(1) as f64;
        out.push(Envelope::with_payload(
            FromWorker::EpochEnd {
                epoch: eval.epoch,
                train_loss: eval.train_loss,
                train_accuracy: eval.train_accuracy,
                test_loss: eval.weighted_loss / samples,
                test_accuracy: eval.correct as f64 / samples,
                confusion: eval.confusion,
            },
            eval.predictions,
        ));
        self.push_checkpoint(CheckpointReason::EpochEnd, self.last_progress_at, out);
        if eval.last_epoch {
            self.phase = Phase::Finished;
            true
        } else {
            self.phase != Phase::Running
        }
    }

    /// Queues progress and a snapshot now (after a pause, a step, the end of a run).
    fn report_now(&mut self, now: f64, out: &mut Outbox) {
        self.push_progress(now, out);
        self.push_snapshot(now, out);
    }

    fn push_progress(&mut self, now: f64, out: &mut Outbox) {
        let Some(trainer) = &self.trainer else {
            return;
        };
        let config = trainer.config();
        let epochs = config.training.epochs;
        let mixed = self.my_digits.as_ref().and_then(|held| {
            let data = self.data.as_ref()?;
            held.mixed_len(data.dataset, config.training.train_subset)
        });
        let per_epoch = mixed.or(self.data.as_ref().map(|d| {
            config
                .training
                .train_subset
                .map_or(d.train.len(), |n| n.min(d.train.len()))
        }));
        let per_epoch = per_epoch.unwrap_or(1);
        let report = self.last_report.as_ref();
        let batch_size = config.training.batch_size;
        let m = &mut self.meter;
        let seconds = (now - m.interval_started_at) / 1000.0;
        let recent = m.recent_samples.max(1) as f64;
        let progress = Progress {
            phase: self.phase,
            epoch: (trainer.epochs_done() + 1).min(epochs),
            epochs,
            batch: report.map_or(0, |r| r.batch),
            batches_per_epoch: report
                .map_or(per_epoch.div_ceil(batch_size), |r| r.batches_per_epoch),
            loss: report.map_or(f64::NAN, |r| r.loss),
            accuracy: report.map_or(f64::NAN, |r| r.accuracy),
            recent_loss: if m.recent_samples == 0 {
                f64::NAN
            } else {
                m.recent_loss_sum / recent
            },
            recent_accuracy: if m.recent_samples == 0 {
                f64::NAN
            } else {
                m.recent_correct / recent
            },
            position: trainer.epochs_done() as f64 + m.epoch_seen as f64 / per_epoch.max(1) as f64,
            samples_per_second: if seconds > 0.0 {
                m.recent_samples as f64 / seconds
            } else {
                0.0
            },
            elapsed_ms: m.elapsed(now),
        };
        m.recent_samples = 0;
        m.recent_loss_sum = 0.0;
        m.recent_correct = 0.0;
        m.interval_started_at = now;
        self.last_progress_at = now;
        out.push(Envelope::bare(FromWorker::Progress(progress)));
    }

    fn push_snapshot(&mut self, now: f64, out: &mut Outbox) {
        let Some(trainer) = &self.trainer else {
            return;
        };
        self.last_snapshot_at = now;
        let steps = trainer.steps();
        if steps == self.snapshot_steps && steps > 0 {
            return;
        }
        self.snapshot_steps = steps;
        self.prediction_due = true;
        self.example_due = true;
        if let Some(held) = &mut self.my_digits {
            held.due = true;
        }
        let Some((kernel, tile)) = trainer.model().first_layer_templates() else {
            return;
        };
        let (inputs, layer_units) = kernel.dim();
        let units = layer_units.min(MAX_WEIGHT_TILES);
        let mut payload = Vec::with_capacity(inputs * units * 4);
        for unit in 0..units {
            for w in kernel.column(unit) {
                payload.extend_from_slice(&w.to_le_bytes());
            }
        }
        out.push(Envelope::with_payload(
            FromWorker::Snapshot {
                steps,
                inputs,
                tile,
                units,
                layer_units,
            },
            payload,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neurite::{LayerSpec, ModelSpec};

    /// Two classes of 4-pixel "images": bright left half or bright right half.
    pub(super) fn toy_data(n: usize) -> Dataset {
        let mut pixels = Vec::new();
        let mut labels = Vec::new();
        for i in 0..n {
            let class = (i % 2) as u8;
            let noise = (i * 37 % 50) as u8;
            let row = if class == 0 {
                [200, 200 - noise, noise, 0]
            } else {
                [0, noise, 200 - noise, 200]
            };
            pixels.extend_from_slice(&row);
            labels.push(class);
        }
        Dataset::new(vec![4], pixels, labels, 2).unwrap()
    }

    pub(super) fn toy_config() -> Config {
        Config {
            model: ModelSpec {
                input_shape: vec![4],
                layers: vec![
                    LayerSpec::Dense {
                        units: 8,
                        activation: neurite::Activation::Relu,
                        init: Default::default(),
                    },
                    LayerSpec::Dense {
                        units: 2,
                        activation: neurite::Activation::Softmax,
                        init: Default::default(),
                    },
                ],
            },
            training: neurite::TrainConfig {
                epochs: 2,
                batch_size: 8,
                learning_rate: 0.01,
                ..Default::default()
            },
        }
    }

    /// The error, when it is the only message queued.
    pub(super) fn only_error(out: &Outbox) -> &WorkerError {
        match &out[..] {
            [
                Envelope {
                    msg: FromWorker::Error(e),
                    ..
                },
            ] => e,
            other => panic!("expected one error, got {other:?}"),
        }
    }

    pub(super) fn session() -> (Session, Outbox) {
        let mut session = Session::new();
        let mut out = Outbox::new();
        session.set_data(
            DatasetKind::Mnist,
            toy_data(256),
            toy_data(64),
            1.0,
            &mut out,
        );
        session.handle(
            Envelope::bare(ToWorker::Configure {
                config: toy_config(),
            }),
            &mut || 0.0,
            &mut out,
        );
        (session, out)
    }

    /// A clock that advances one millisecond per reading.
    pub(super) fn ticking() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1.0;
            t
        }
    }

    pub(super) fn replies(out: &Outbox) -> Vec<&FromWorker> {
        out.iter().map(|e| &e.msg).collect()
    }

    #[test]
    fn data_and_configuration_are_announced() {
        let (session, out) = session();
        let msgs = replies(&out);
        assert!(matches!(
            msgs[0],
            FromWorker::DataLoaded {
                train_samples: 256,
                test_samples: 64,
                ..
            }
        ));
        assert_eq!(out[0].payload.as_ref().unwrap().len(), 64 * (1 + 4));
        assert!(matches!(msgs[1], FromWorker::Configured { .. }));
        assert!(
            msgs.iter()
                .any(|m| matches!(m, FromWorker::Snapshot { .. }))
        );
        assert_eq!(session.phase(), Phase::Idle);
    }

    #[test]
    fn a_run_trains_only_on_the_dataset_its_configuration_names() {
        let (mut session, mut out) = session();
        let mut fashion = toy_config();
        fashion.training.dataset = DatasetKind::FashionMnist;
        session.handle(
            Envelope::bare(ToWorker::Configure { config: fashion }),
            &mut || 0.0,
            &mut out,
        );
        out.clear();
        // MNIST is held, the run is on Fashion-MNIST: it waits for its data.
        session.handle(Envelope::bare(ToWorker::Start), &mut || 0.0, &mut out);
        assert_eq!(
            only_error(&out),
            &WorkerError::worker(ErrorKind::State, WorkerProblem::DataLoading)
        );
        assert_eq!(session.phase(), Phase::Idle);
        out.clear();
        session.set_data(
            DatasetKind::FashionMnist,
            toy_data(256),
            toy_data(64),
            1.0,
            &mut out,
        );
        assert!(matches!(
            replies(&out)[0],
            FromWorker::DataLoaded {
                dataset: DatasetKind::FashionMnist,
                ..
            }
        ));
        out.clear();
        session.handle(Envelope::bare(ToWorker::Start), &mut || 0.0, &mut out);
        assert_eq!(session.phase(), Phase::Running);
        assert!(
            !replies(&out)
                .iter()
                .any(|m| matches!(m, FromWorker::Error(_)))
        );
    }

    #[test]
    fn an_invalid_configuration_is_refused_with_the_engines_message() {
        let (mut session, mut out) = session();
        out.clear();
        let mut config = toy_config();
        config.training.learning_rate = 0.0;
        session.handle(
            Envelope::bare(ToWorker::Configure { config }),
            &mut || 0.0,
            &mut out,
        );
        let e = only_error(&out);
        assert_eq!(e.kind, ErrorKind::Config);
        assert_eq!(e.field.as_deref(), Some("learning_rate"));
        assert!(session.trainer().is_some(), "the old trainer stays");
    }

    #[test]
    fn a_run_trains_evaluates_each_epoch_and_finishes() {
        let (mut session, mut out) = session();
        out.clear();
        session.handle(Envelope::bare(ToWorker::Start), &mut || 0.0, &mut out);
        let mut clock = ticking();
        for _ in 0..1000 {
            if !session.has_work() {
                break;
            }
            session.work(&mut clock, 20.0, &mut out);
        }
        assert_eq!(session.phase(), Phase::Finished);
        let epoch_ends: Vec<_> = out
            .iter()
            .filter_map(|e| match &e.msg {
                FromWorker::EpochEnd {
                    epoch,
                    test_accuracy,
                    confusion,
                    ..
                } => {
                    assert_eq!(e.payload.as_ref().unwrap().len(), 64);
                    assert_eq!(confusion.counts.iter().sum::<u32>(), 64);
                    Some((*epoch, *test_accuracy))
                }
                _ => None,
            })
            .collect();
        assert_eq!(epoch_ends.len(), 2);
        assert!(epoch_ends[1].1 > 0.9, "{epoch_ends:?}");
        let progress = replies(&out)
            .into_iter()
            .filter_map(|m| match m {
                FromWorker::Progress(p) => Some(p.clone()),
                _ => None,
            })
            .collect::<Vec<_>>();
        assert!(progress.len() >= 2, "{progress:?}");
        assert_eq!(progress.last().unwrap().phase, Phase::Finished);
    }

    #[test]
    fn pause_stops_work_and_step_trains_exactly_that_many_batches() {
        let (mut session, mut out) = session();
        session.handle(Envelope::bare(ToWorker::Start), &mut || 0.0, &mut out);
        session.work(&mut ticking(), 3.0, &mut out);
        session.handle(Envelope::bare(ToWorker::Pause), &mut || 10.0, &mut out);
        assert!(!session.has_work());
        let steps = session.trainer().unwrap().steps();
        session.handle(
            Envelope::bare(ToWorker::Step { batches: 5 }),
            &mut || 20.0,
            &mut out,
        );
        while session.has_work() {
            session.work(&mut ticking(), 100.0, &mut out);
        }
        assert_eq!(session.trainer().unwrap().steps(), steps + 5);
        assert_eq!(session.phase(), Phase::Paused);
    }

    #[test]
    fn bad_learning_rate_is_refused_and_a_good_one_applies() {
        let (mut session, mut out) = session();
        out.clear();
        session.handle(
            Envelope::bare(ToWorker::SetLearningRate {
                learning_rate: -1.0,
            }),
            &mut || 0.0,
            &mut out,
        );
        assert!(matches!(&out[0].msg, FromWorker::Error(e) if e.kind == ErrorKind::Config));
        session.handle(
            Envelope::bare(ToWorker::SetLearningRate { learning_rate: 0.5 }),
            &mut || 0.0,
            &mut out,
        );
        assert_eq!(
            session.trainer().unwrap().config().training.learning_rate,
            0.5
        );
    }

    #[test]
    fn a_corrupt_model_file_is_refused_and_the_model_kept() {
        let (mut session, mut out) = session();
        let kernel = |s: &Session| {
            s.trainer()
                .unwrap()
                .model()
                .first_dense_kernel()
                .unwrap()
                .to_owned()
        };
        let before_kernel = kernel(&session);
        let before = model_file::to_bytes(session.trainer().unwrap().model());
        out.clear();
        let mut corrupt = before.clone();
        corrupt.truncate(before.len() / 2);
        load_model(&mut session, "bad.safetensors", corrupt, &mut out);
        let e = only_error(&out);
        assert_eq!(e.kind, ErrorKind::ModelFile);
        assert!(e.zh.starts_with("bad.safetensors：模型文件："), "{}", e.zh);
        assert!(
            e.to_string().starts_with("bad.safetensors: model file: "),
            "{e}"
        );
        assert_eq!(kernel(&session), before_kernel);
    }

    #[test]
    fn an_exported_model_loads_back_with_the_pixel_mode_it_was_trained_on() {
        let (mut session, mut out) = session();
        out.clear();
        session.handle(Envelope::bare(ToWorker::ExportModel), &mut || 0.0, &mut out);
        let bytes = out[0].payload.clone().unwrap();
        out.clear();
        load_model(&mut session, "m", bytes, &mut out);
        assert!(matches!(out[0].msg, FromWorker::Configured { .. }));

        // A model trained on raw pixels switches the run to raw pixels.
        let mut raw =
            model_file::from_bytes(&model_file::to_bytes(session.trainer().unwrap().model()))
                .unwrap();
        raw.set_pixels(neurite::PixelMode::Raw);
        out.clear();
        load_model(&mut session, "raw", model_file::to_bytes(&raw), &mut out);
        match &out[0].msg {
            FromWorker::Configured { config, .. } => {
                assert_eq!(config.training.pixels, neurite::PixelMode::Raw);
            }
            other => panic!("expected Configured, got {other:?}"),
        }
    }

    #[test]
    fn training_before_data_is_a_state_error() {
        let mut session = Session::new();
        let mut out = Outbox::new();
        session.handle(Envelope::bare(ToWorker::Start), &mut || 0.0, &mut out);
        assert!(matches!(&out[0].msg, FromWorker::Error(e) if e.kind == ErrorKind::State));
    }

    /// Sends `bytes` as the model file `file_name`.
    fn load_model(session: &mut Session, file_name: &str, bytes: Vec<u8>, out: &mut Outbox) {
        let msg = ToWorker::LoadModel {
            file_name: file_name.into(),
        };
        session.handle(Envelope::with_payload(msg, bytes), &mut || 0.0, out);
    }

    fn predictions(out: &Outbox) -> Vec<(u64, &[f32], u64)> {
        out.iter()
            .filter_map(|e| match &e.msg {
                FromWorker::Prediction {
                    drawing,
                    probabilities,
                    steps,
                    ..
                } => Some((*drawing, probabilities.as_slice(), *steps)),
                _ => None,
            })
            .collect()
    }

    fn classify(session: &mut Session, drawing: u64, pixels: Option<Vec<u8>>, out: &mut Outbox) {
        let msg = ToWorker::Classify { drawing };
        let envelope = Envelope {
            msg,
            payload: pixels,
        };
        session.handle(envelope, &mut ticking(), out);
    }

    #[test]
    fn a_drawing_is_classified_at_once_and_again_when_the_weights_change() {
        let (mut session, mut out) = session();
        out.clear();
        classify(&mut session, 7, Some(vec![0, 30, 180, 220]), &mut out);
        let first = predictions(&out);
        assert_eq!(first.len(), 1, "{out:?}");
        let (drawing, probabilities, steps) = first[0];
        let probabilities = probabilities.to_vec();
        assert_eq!((drawing, steps), (7, 0));
        assert_eq!(probabilities.len(), 2);
        assert!((probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);

        // The same answer as the model's own forward pass on the scaled pixels.
        let scaled = ndarray::array![[0.0, 30.0, 180.0, 220.0]] / 255.0;
        let expected = session
            .trainer
            .as_mut()
            .unwrap()
            .model_mut()
            .predict(scaled.view());
        assert_eq!(probabilities, expected.row(0).to_vec());

        out.clear();
        session.handle(
            Envelope::bare(ToWorker::Step { batches: 3 }),
            &mut ticking(),
            &mut out,
        );
        let mut clock = ticking();
        while session.has_work() {
            session.work(&mut clock, 1_000.0, &mut out);
        }
        let again = predictions(&out);
        assert_eq!(
            again.len(),
            1,
            "one prediction for the new weights: {out:?}"
        );
        assert_eq!((again[0].0, again[0].2), (7, 3));
        assert_ne!(
            again[0].1,
            &probabilities[..],
            "new weights, new probabilities"
        );
    }

    #[test]
    fn a_drawing_without_pixels_is_forgotten() {
        let (mut session, mut out) = session();
        classify(&mut session, 1, Some(vec![9; 4]), &mut out);
        classify(&mut session, 2, None, &mut out);
        out.clear();
        session.handle(
            Envelope::bare(ToWorker::Step { batches: 2 }),
            &mut ticking(),
            &mut out,
        );
        let mut clock = ticking();
        while session.has_work() {
            session.work(&mut clock, 1_000.0, &mut out);
        }
        assert!(predictions(&out).is_empty(), "{out:?}");
    }

    #[test]
    fn a_drawing_the_model_cannot_take_is_refused() {
        let (mut session, mut out) = session();
        out.clear();
        classify(&mut session, 1, Some(vec![0; 784]), &mut out);
        let e = only_error(&out);
        assert_eq!(e.kind, ErrorKind::Protocol);
        assert!(e.to_string().contains("784"), "{e}");
    }

    #[test]
    fn a_snapshot_carries_the_first_layer_kernel_unit_by_unit() {
        let (session, out) = session();
        let (inputs, units, layer_units, payload) = out
            .iter()
            .find_map(|e| match e.msg {
                FromWorker::Snapshot {
                    inputs,
                    units,
                    layer_units,
                    ..
                } => Some((inputs, units, layer_units, e.payload.clone().unwrap())),
                _ => None,
            })
            .expect("a snapshot of the fresh model");
        assert_eq!((inputs, units, layer_units), (4, 8, 8));
        let weights: Vec<f32> = payload
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect();
        let kernel = session
            .trainer()
            .unwrap()
            .model()
            .first_dense_kernel()
            .unwrap();
        assert_eq!(weights.len(), 4 * 8);
        for unit in 0..8 {
            assert_eq!(
                weights[unit * 4..unit * 4 + 4],
                kernel.column(unit).to_vec()[..]
            );
        }
    }

    #[test]
    fn a_model_file_for_other_data_is_refused_and_the_model_kept() {
        let (mut session, mut out) = session();
        let mut spec = toy_config().model;
        spec.input_shape = vec![9];
        let other = neurite::Sequential::<f32>::from_spec(&spec, 3).unwrap();
        out.clear();
        load_model(
            &mut session,
            "wide.safetensors",
            model_file::to_bytes(&other),
            &mut out,
        );
        let e = only_error(&out);
        assert_eq!(e.kind, ErrorKind::ModelFile);
        assert!(e.to_string().starts_with("wide.safetensors: "), "{e}");
        assert_eq!(session.trainer().unwrap().model().input_features(), 4);

        // Three outputs for two classes: it takes the data, but would predict a third class.
        let mut spec = toy_config().model;
        if let Some(LayerSpec::Dense { units, .. }) = spec.layers.last_mut() {
            *units = 3;
        }
        let three = neurite::Sequential::<f32>::from_spec(&spec, 3).unwrap();
        out.clear();
        load_model(
            &mut session,
            "three.safetensors",
            model_file::to_bytes(&three),
            &mut out,
        );
        let e = only_error(&out);
        assert_eq!(e.kind, ErrorKind::ModelFile);
        assert!(
            e.to_string()
                .contains("3 outputs but the data has 2 classes"),
            "{e}"
        );
        assert_eq!(session.trainer().unwrap().model().output_features(), 2);
    }

    fn explain(session: &mut Session, query: u64, example: Option<ExampleQuery>, out: &mut Outbox) {
        let msg = ToWorker::Explain { query, example };
        session.handle(Envelope::bare(msg), &mut ticking(), out);
    }

    fn examples(out: &Outbox) -> Vec<(&crate::protocol::ExampleReport, usize)> {
        out.iter()
            .filter_map(|e| match &e.msg {
                FromWorker::Example(report) => {
                    Some((report, e.payload.as_ref().map_or(0, Vec::len)))
                }
                _ => None,
            })
            .collect()
    }

    fn test_query(index: usize, label: u8) -> ExampleQuery {
        ExampleQuery {
            source: crate::protocol::ExampleSource::Test { index },
            label,
            weight: None,
        }
    }

    #[test]
    fn a_test_example_is_taken_apart_at_once_and_again_when_the_weights_change() {
        let (mut session, mut out) = session();
        out.clear();
        explain(&mut session, 9, Some(test_query(5, 1)), &mut out);
        let first = examples(&out);
        assert_eq!(first.len(), 1, "{out:?}");
        let (report, payload) = (first[0].0.clone(), first[0].1);
        assert_eq!(
            (report.query, report.steps, report.example.label),
            (9, 0, 1)
        );
        // All 8 units of the toy model's first layer, 4 inputs each, as f32.
        assert_eq!(
            (report.units.len(), report.inputs, report.layer_units),
            (8, 4, 8)
        );
        assert_eq!(payload, 8 * 4 * 4);
        // The engine's numbers for test image 5.
        let trainer = session.trainer().unwrap();
        let math = neurite::explain::example_math(
            trainer.model(),
            neurite::Loss::SparseCategoricalCrossentropy,
            trainer.penalties(),
            toy_data(64).image(5),
            1,
        )
        .unwrap();
        assert_eq!(report.logits, math.logits);
        assert_eq!(report.logit_grads, math.logit_grads);
        let grads = math.first_layer.unwrap();
        assert_eq!(report.units[0].unit, grads.units_by_norm()[0]);
        // Without a weight asked for, the top unit's largest gradient is shown.
        let weight = report.weight.as_ref().unwrap();
        let (at, step) = (weight.at, &weight.step);
        assert_eq!(at.unit, report.units[0].unit);
        assert_eq!(step.grad, grads.kernel[[at.input, at.unit]]);
        assert_eq!(step.grad, weight.input * weight.delta);
        assert_eq!(report.example.weight, Some(at));

        out.clear();
        session.handle(
            Envelope::bare(ToWorker::Step { batches: 2 }),
            &mut ticking(),
            &mut out,
        );
        let mut clock = ticking();
        while session.has_work() {
            session.work(&mut clock, 1_000.0, &mut out);
        }
        let again = examples(&out);
        assert_eq!(again.len(), 1, "one report for the new weights: {out:?}");
        assert_eq!((again[0].0.query, again[0].0.steps), (9, 2));
        assert_ne!(again[0].0.logits, report.logits);

        // A new learning rate is a new update for the followed weight.
        out.clear();
        session.handle(
            Envelope::bare(ToWorker::SetLearningRate { learning_rate: 0.5 }),
            &mut ticking(),
            &mut out,
        );
        let relearned = examples(&out);
        assert_eq!(relearned.len(), 1, "{out:?}");
        let step = &relearned[0].0.weight.as_ref().unwrap().step;
        assert_eq!(step.learning_rate, 0.5);

        out.clear();
        explain(&mut session, 10, None, &mut out);
        session.handle(
            Envelope::bare(ToWorker::Step { batches: 1 }),
            &mut ticking(),
            &mut out,
        );
        while session.has_work() {
            session.work(&mut clock, 1_000.0, &mut out);
        }
        assert!(examples(&out).is_empty(), "stopped: {out:?}");
    }

    #[test]
    fn the_drawing_is_taken_apart_and_again_when_it_changes() {
        let (mut session, mut out) = session();
        out.clear();
        let query = ExampleQuery {
            source: crate::protocol::ExampleSource::Drawing,
            label: 0,
            weight: Some(crate::protocol::WeightAt { input: 2, unit: 3 }),
        };
        explain(&mut session, 1, Some(query), &mut out);
        assert_eq!(
            only_error(&out).en,
            "draw a digit first: there is no drawing to take apart"
        );
        classify(&mut session, 4, Some(vec![0, 30, 180, 220]), &mut out);
        assert!(
            examples(&out).is_empty(),
            "a refused query is forgotten: {out:?}"
        );
        out.clear();
        explain(&mut session, 2, Some(query), &mut out);
        let report = examples(&out)[0].0.clone();
        let weight = report.weight.as_ref().unwrap();
        let (at, step) = (weight.at, &weight.step);
        assert_eq!((at.input, at.unit), (2, 3));
        let trainer = session.trainer().unwrap();
        let math = neurite::explain::example_math(
            trainer.model(),
            neurite::Loss::SparseCategoricalCrossentropy,
            trainer.penalties(),
            &[0, 30, 180, 220],
            0,
        )
        .unwrap();
        assert_eq!(step.grad, math.first_layer.unwrap().kernel[[2, 3]]);
        assert_eq!(report.logits, math.logits);
        out.clear();
        classify(&mut session, 5, Some(vec![200, 180, 10, 0]), &mut out);
        let changed = examples(&out);
        assert_eq!(changed.len(), 1, "{out:?}");
        assert_ne!(changed[0].0.logits, report.logits);
    }

    #[test]
    fn an_example_that_cannot_be_taken_apart_is_refused_with_a_reason() {
        let (mut session, mut out) = session();
        let cases = [
            (test_query(64, 0), "there is no test image 64"),
            (test_query(3, 2), "label 2"),
            (
                ExampleQuery {
                    weight: Some(crate::protocol::WeightAt { input: 4, unit: 0 }),
                    ..test_query(3, 1)
                },
                "there is no weight from input 4 to unit 0",
            ),
        ];
        for (query, says) in cases {
            out.clear();
            explain(&mut session, 1, Some(query), &mut out);
            let e = only_error(&out);
            assert!(e.en.contains(says), "{query:?}: {}", e.en);
            assert!(!e.zh.is_empty());
        }
        assert!(session.trainer().is_some());
    }
}
