//! [`PlaneSession`]: the 2-D playground worker's state machine — requests in, frames out,
//! epochs in slices of time. Like the MNIST worker's session it knows nothing of the browser,
//! so it runs natively in the tests.
//!
//! Three copies of the network are kept: the trainer's, one that computes the maps over the
//! plane (a batch of [`FULL_SIDE`]² points) and one that evaluates the losses (a batch of the
//! points). Each follows the trainer's weights when a frame is made, and keeps its own buffers,
//! so no batch size ever changes and nothing is allocated per frame but the frame itself.

use neurite::data::plane::{PlaneLabels, PlanePoints};
use neurite::explain::plane::plane_maps;
use neurite::metrics::evaluate;
use neurite::{Outcome, Penalties, Sequential};

use super::protocol::{
    FULL_SIDE, FromPlane, LayerWeights, MAX_WEIGHT, MapLayout, PlaneFrame, StopRule, Stopped,
    ToPlane, Unit, WeightEdit, encode_maps,
};
use super::setup::{Numerics, PlaneRun, PlaneSetup};
use crate::protocol::{Envelope, WorkerError, WorkerProblem};

/// Replies waiting to be posted.
pub type PlaneOutbox = Vec<Envelope<FromPlane>>;

/// What the session does between requests.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Paused,
    Playing(StopRule),
}

struct Active {
    setup: PlaneSetup,
    run: PlaneRun,
    drawer: Sequential<f32>,
    evaluator: Sequential<f32>,
}

impl Active {
    fn new(setup: PlaneSetup, run: PlaneRun) -> Self {
        let drawer = run.trainer.model().converted::<f32>();
        let evaluator = run.trainer.model().converted::<f32>();
        Active {
            setup,
            run,
            drawer,
            evaluator,
        }
    }

    /// Units per layer: the inputs, each dense layer.
    fn widths(&self) -> Vec<usize> {
        let mut widths = vec![self.setup.features.len()];
        widths.extend(self.dense_layers().map(|(_, units)| units));
        widths
    }

    /// Sets a weight or a bias of the trainer's network.
    fn set_weight(&mut self, edit: WeightEdit) -> Result<(), WorkerProblem> {
        if !(edit.value.is_finite() && edit.value.abs() <= MAX_WEIGHT) {
            return Err(WorkerProblem::WeightValue {
                value: crate::widgets::value::format_number(edit.value),
                limit: MAX_WEIGHT,
            });
        }
        let widths = self.widths();
        let missing = |layer, unit| WorkerProblem::NoSuchUnit { layer, unit };
        let Unit { layer, unit } = edit.to;
        if layer == 0 || !self.has(edit.to) {
            return Err(missing(layer, unit));
        }
        let inputs = widths[layer - 1];
        if edit.from.is_some_and(|input| input >= inputs) {
            return Err(missing(layer - 1, edit.from.unwrap_or(0)));
        }
        let units = widths[layer];
        let mut params = self.run.trainer.model_mut().params_mut();
        // Each dense layer has its kernel, then its bias.
        let at = 2 * (layer - 1) + usize::from(edit.from.is_none());
        let param = &mut params[at];
        let index = edit.from.map_or(unit, |input| input * units + unit);
        param.value[index] = edit.value as f32;
        Ok(())
    }

    /// Whether the network has `unit`.
    fn has(&self, unit: Unit) -> bool {
        self.widths()
            .get(unit.layer)
            .is_some_and(|&width| unit.unit < width)
    }

    fn dense_layers(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.run
            .trainer
            .model()
            .layers()
            .iter()
            .enumerate()
            .filter(|(_, l)| l.param_count() > 0)
            .map(|(i, l)| (i, l.output_features()))
    }

    /// The losses and accuracies on the training and the test points. Under the Playground's
    /// numerics the loss is its own, `½(o − t)²` averaged over the points without the
    /// penalties, and two classes are told apart by the tanh output's sign.
    fn scores(&mut self) -> neurite::Result<[(f64, Option<f64>); 2]> {
        self.evaluator.copy_params_from(self.run.trainer.model());
        let config = self.run.trainer.config();
        let (loss, pixels) = (config.training.loss, config.training.pixels);
        let playground = self.setup.numerics == Numerics::Playground;
        let penalties = if playground {
            Penalties::default()
        } else {
            self.run.trainer.penalties()
        };
        let signed = self.setup.signed_output(self.run.train_points.labels());
        let features = &self.setup.features;
        let evaluator = &mut self.evaluator;
        let mut score = |data, points: &PlanePoints| -> neurite::Result<(f64, Option<f64>)> {
            let e = evaluate(evaluator, data, loss, pixels, penalties)?;
            let loss = if playground { e.loss / 2.0 } else { e.loss };
            let accuracy = match points.labels() {
                PlaneLabels::Classes { labels, .. } if signed => {
                    Some(sign_accuracy(evaluator, points, labels, features))
                }
                _ => (!e.accuracy.is_nan()).then_some(e.accuracy),
            };
            Ok((loss, accuracy))
        };
        Ok([
            score(&self.run.train, &self.run.train_points)?,
            score(&self.run.test, &self.run.test_points)?,
        ])
    }

    fn test_loss(&mut self) -> neurite::Result<f64> {
        Ok(self.scores()?[1].0)
    }
}

/// The 2-D playground's worker state.
pub struct PlaneSession {
    active: Option<Active>,
    mode: Mode,
    focus: Option<Unit>,
    /// The page has drawn the last frame, so the next may go.
    frame_wanted: bool,
    /// Something a frame shows changed since the last one.
    changed: bool,
    /// The next frame, made ahead while the page draws the last one (playing only).
    ahead: Option<(PlaneFrame, Vec<u8>)>,
    /// Training points since the last frame, and when it was made.
    samples_since_frame: usize,
    last_frame_at: Option<f64>,
}

impl Default for PlaneSession {
    fn default() -> Self {
        Self::new()
    }
}

impl PlaneSession {
    /// A session without a run.
    pub fn new() -> Self {
        PlaneSession {
            active: None,
            mode: Mode::Paused,
            focus: None,
            frame_wanted: true,
            changed: false,
            ahead: None,
            samples_since_frame: 0,
            last_frame_at: None,
        }
    }

    /// Whether [`PlaneSession::work`] has anything to do.
    pub fn has_work(&self) -> bool {
        self.active.is_some()
            && (self.is_playing() || (self.frame_wanted && (self.changed || self.ahead.is_some())))
    }

    /// Whether it is training.
    pub fn is_playing(&self) -> bool {
        matches!(self.mode, Mode::Playing(_))
    }

    /// Epochs trained in the current run.
    pub fn epoch(&self) -> Option<usize> {
        self.active.as_ref().map(|a| a.run.trainer.epochs_done())
    }

    /// Handles one request.
    pub fn handle(&mut self, request: ToPlane, now: f64, out: &mut PlaneOutbox) {
        if !matches!(request, ToPlane::Drawn | ToPlane::SaveModel) {
            // Whatever else is asked changes what the next frame must show.
            self.ahead = None;
        }
        match request {
            ToPlane::Setup(setup) => self.setup(*setup, out),
            ToPlane::Play(rule) => {
                if self.active.is_none() {
                    return refuse(out, WorkerProblem::NoModel);
                }
                self.mode = Mode::Playing(rule);
                self.last_frame_at = Some(now);
                self.samples_since_frame = 0;
                self.changed = true;
            }
            ToPlane::Pause => {
                self.mode = Mode::Paused;
                self.changed = true;
            }
            ToPlane::Step => {
                self.mode = Mode::Paused;
                if self.active.is_none() {
                    return refuse(out, WorkerProblem::NoModel);
                }
                self.train_epoch(out);
                self.changed = true;
            }
            ToPlane::Reset => {
                let Some(active) = &self.active else {
                    return refuse(out, WorkerProblem::NothingToReset);
                };
                let setup = active.setup.clone();
                self.mode = Mode::Paused;
                self.start(setup, false, out);
            }
            ToPlane::Focus(unit) => {
                if let Some(u) = unit
                    && self.active.as_ref().is_some_and(|a| !a.has(u))
                {
                    return refuse(
                        out,
                        WorkerProblem::NoSuchUnit {
                            layer: u.layer,
                            unit: u.unit,
                        },
                    );
                }
                self.focus = unit;
                self.changed = true;
            }
            ToPlane::Drawn => self.frame_wanted = true,
            ToPlane::SaveModel => {
                let Some(active) = &self.active else {
                    return refuse(out, WorkerProblem::NoModelToSave);
                };
                let bytes = neurite::model_file::to_bytes(active.run.trainer.model());
                out.push(Envelope::with_payload(FromPlane::ModelFile, bytes));
            }
            ToPlane::SetWeight(edit) => {
                let Some(active) = &mut self.active else {
                    return refuse(out, WorkerProblem::NoModel);
                };
                if let Err(problem) = active.set_weight(edit) {
                    return refuse(out, problem);
                }
                self.changed = true;
            }
        }
        self.flush(now, out);
    }

    /// Trains for up to `budget_ms`, then makes a frame if the page is ready for one.
    pub fn work(&mut self, clock: &mut dyn FnMut() -> f64, budget_ms: f64, out: &mut PlaneOutbox) {
        let start = clock();
        while let Mode::Playing(rule) = self.mode {
            if !self.train_epoch(out) {
                break;
            }
            self.changed = true;
            if let Some(reason) = self.stop_reason(rule) {
                self.mode = Mode::Paused;
                out.push(Envelope::bare(FromPlane::Stopped(reason)));
                break;
            }
            if clock() - start >= budget_ms {
                break;
            }
        }
        let now = clock();
        self.flush_or_make_ahead(now, out);
    }

    fn setup(&mut self, setup: PlaneSetup, out: &mut PlaneOutbox) {
        if let Some(active) = &mut self.active
            && active.setup.same_run(&setup)
        {
            let retuned = setup
                .config(active.run.train_points.labels())
                .and_then(|config| active.run.trainer.retune(config.training.clone()));
            match retuned {
                Ok(()) => {
                    active.setup = setup;
                    self.changed = true;
                }
                Err(e) => out.push(Envelope::bare(FromPlane::Error(e.into()))),
            }
            return;
        }
        self.mode = Mode::Paused;
        self.start(setup, true, out);
    }

    /// Builds `setup`'s run from its start; sends its points when they are new.
    fn start(&mut self, setup: PlaneSetup, new_points: bool, out: &mut PlaneOutbox) {
        match setup.build() {
            Ok(run) => {
                if new_points {
                    out.push(Envelope::bare(FromPlane::Points {
                        train: run.train_points.clone(),
                        test: run.test_points.clone(),
                    }));
                }
                let active = Active::new(setup, run);
                self.focus = self.focus.filter(|&f| active.has(f));
                self.active = Some(active);
                self.changed = true;
            }
            Err(e) => out.push(Envelope::bare(FromPlane::Error(e.into()))),
        }
    }

    /// Trains one epoch; false (and paused, with the reason sent) if it cannot.
    fn train_epoch(&mut self, out: &mut PlaneOutbox) -> bool {
        let Some(active) = &mut self.active else {
            return false;
        };
        let stop = match active.run.trainer.run_epoch(&active.run.train) {
            Ok(report) => {
                self.samples_since_frame += report.samples;
                match report.outcome {
                    Outcome::Diverged => Some(Stopped::Diverged),
                    Outcome::Finished => Some(Stopped::Limit),
                    Outcome::Running | Outcome::EpochComplete => None,
                }
            }
            Err(e) => {
                self.mode = Mode::Paused;
                out.push(Envelope::bare(FromPlane::Error(e.into())));
                return false;
            }
        };
        if active.run.trainer.is_done() && stop.is_none() {
            // A run already over: nothing was trained.
            self.mode = Mode::Paused;
            out.push(Envelope::bare(FromPlane::Stopped(
                if active.run.trainer.diverged() {
                    Stopped::Diverged
                } else {
                    Stopped::Limit
                },
            )));
            return false;
        }
        if let Some(reason) = stop {
            self.mode = Mode::Paused;
            self.changed = true;
            out.push(Envelope::bare(FromPlane::Stopped(reason)));
            return false;
        }
        true
    }

    fn stop_reason(&mut self, rule: StopRule) -> Option<Stopped> {
        let active = self.active.as_mut()?;
        if rule
            .epochs
            .is_some_and(|e| active.run.trainer.epochs_done() >= e)
        {
            return Some(Stopped::Epochs);
        }
        let limit = rule.test_loss?;
        active
            .test_loss()
            .is_ok_and(|loss| loss <= limit)
            .then_some(Stopped::TestLoss)
    }

    /// Sends a frame if one is wanted: the one made ahead, else a new one if something
    /// changed. While playing, with no frame wanted, makes the next one ahead, so that the
    /// page's "drawn" is answered at once and the worker computes the next frame while the
    /// page draws the last (the frame shown is then at most one frame behind the training).
    fn flush(&mut self, now: f64, out: &mut PlaneOutbox) {
        if !self.is_playing() && self.ahead.take().is_some() {
            // Made while playing: the paused run's frame must say it is paused.
            self.changed = true;
        }
        if self.frame_wanted {
            if let Some((msg, payload)) = self.ahead.take() {
                self.frame_wanted = false;
                return out.push(Envelope::with_payload(
                    FromPlane::Frame(Box::new(msg)),
                    payload,
                ));
            }
            if self.changed {
                self.frame_wanted = false;
                if let Some((msg, payload)) = self.frame(now, out) {
                    out.push(Envelope::with_payload(
                        FromPlane::Frame(Box::new(msg)),
                        payload,
                    ));
                }
            }
        }
    }

    /// After a slice of training: sends the frame if one is wanted, else makes it ahead.
    fn flush_or_make_ahead(&mut self, now: f64, out: &mut PlaneOutbox) {
        self.flush(now, out);
        if !self.frame_wanted && self.changed && self.ahead.is_none() && self.is_playing() {
            self.ahead = self.frame(now, out);
        }
    }

    /// The run as it is now, as a frame and its payload; `None` (paused, the error sent) if
    /// it cannot be made.
    fn frame(&mut self, now: f64, out: &mut PlaneOutbox) -> Option<(PlaneFrame, Vec<u8>)> {
        let active = self.active.as_mut()?;
        self.changed = false;
        let (mut msg, payload) = match make_frame(active, self.focus) {
            Ok(frame) => frame,
            Err(e) => {
                self.mode = Mode::Paused;
                out.push(Envelope::bare(FromPlane::Error(e.into())));
                return None;
            }
        };
        msg.playing = self.is_playing();
        let elapsed = self.last_frame_at.map_or(0.0, |t| now - t);
        msg.samples_per_second = if msg.playing && elapsed > 0.0 {
            self.samples_since_frame as f64 * 1000.0 / elapsed
        } else {
            0.0
        };
        self.samples_since_frame = 0;
        self.last_frame_at = Some(now);
        Some((msg, payload))
    }
}

/// The share of `points` whose class (0 or 1) is the sign of `model`'s output (negative: 0).
fn sign_accuracy(
    model: &mut Sequential<f32>,
    points: &PlanePoints,
    labels: &[u8],
    features: &[neurite::data::plane::Feature],
) -> f64 {
    if labels.is_empty() {
        return f64::NAN;
    }
    let inputs = ndarray::Array2::from_shape_vec(
        (points.len(), features.len()),
        neurite::data::plane::feature_rows(points.xy(), features),
    )
    .expect("one row of features per point");
    let outputs = model.predict(inputs.view());
    let right = outputs
        .column(0)
        .iter()
        .zip(labels)
        .filter(|&(&o, &c)| (o >= 0.0) == (c == 1))
        .count();
    right as f64 / labels.len() as f64
}

fn refuse(out: &mut PlaneOutbox, problem: WorkerProblem) {
    out.push(Envelope::bare(FromPlane::Error(WorkerError::worker(
        crate::protocol::ErrorKind::State,
        problem,
    ))));
}

/// The frame of `active` as it is now, and its payload.
fn make_frame(active: &mut Active, focus: Option<Unit>) -> neurite::Result<(PlaneFrame, Vec<u8>)> {
    let [(train_loss, train_accuracy), (test_loss, test_accuracy)] = active.scores()?;
    active.drawer.copy_params_from(active.run.trainer.model());
    let maps = plane_maps(&mut active.drawer, &active.setup.features, FULL_SIDE)?;
    let layout = MapLayout {
        widths: active.widths(),
        focus: focus.filter(|&f| active.has(f)),
        signed_output: active.setup.signed_output(active.run.train_points.labels()),
    };
    let payload = encode_maps(&maps, &layout);
    let model = active.run.trainer.model();
    let weights = model
        .layers()
        .iter()
        .filter(|l| l.param_count() > 0)
        .map(|l| {
            let params = l.params();
            LayerWeights {
                kernel: params[0].value.to_vec(),
                bias: params[1].value.to_vec(),
            }
        })
        .collect();
    Ok((
        PlaneFrame {
            epoch: active.run.trainer.epochs_done(),
            train_loss,
            test_loss,
            train_accuracy,
            test_accuracy,
            samples_per_second: 0.0,
            playing: false,
            layout,
            weights,
        },
        payload,
    ))
}

#[cfg(test)]
mod tests;
