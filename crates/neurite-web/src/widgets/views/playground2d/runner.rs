//! [`Runner`]: the 2-D playground's side of its worker — starts it, sends the widget's setup
//! whenever it changes, play / pause / step / reset, and turns the replies into signals the
//! views draw from. After each frame is drawn it tells the worker so (one animation frame
//! later), which is what paces the frames.
//!
//! A worker that fails after starting (a trap) is replaced by a fresh one, given the current
//! setup, and the learner is told; what the page holds — the setup, the curves so far — stays.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use neurite::data::plane::PlanePoints;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::plane::protocol::{FromPlane, PlaneFrame, StopRule, Stopped, ToPlane, Unit, WeightEdit};
use crate::plane::setup::PlaneSetup;
use crate::protocol::{Envelope, WorkerError};
use crate::transport::{self, BrowserJson};

/// The script Trunk generates to start the worker's wasm.
const SCRIPT: &str = "./plane-worker_loader.js";
/// Most points kept on the loss curves (older ones are thinned to every other).
const MAX_HISTORY: usize = 2_000;

/// A frame and its maps.
pub struct FrameData {
    /// The frame.
    pub frame: PlaneFrame,
    /// Its payload (see [`crate::plane::protocol::MapLayout`]).
    pub maps: Vec<u8>,
}

/// The training and the test points.
pub struct Points {
    /// Training points.
    pub train: PlanePoints,
    /// Test points.
    pub test: PlanePoints,
}

/// One point of the loss curves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistoryPoint {
    /// The epoch.
    pub epoch: f64,
    /// Training loss.
    pub train: f64,
    /// Test loss.
    pub test: f64,
    /// Training accuracy (NaN for a regression).
    pub train_accuracy: f64,
    /// Test accuracy (NaN for a regression).
    pub test_accuracy: f64,
}

/// Something to tell the learner.
#[derive(Debug, Clone, PartialEq)]
pub enum RunNotice {
    /// The worker refused or failed a request.
    Error(WorkerError),
    /// Playing stopped by itself.
    Stopped(Stopped),
    /// The worker failed and was started again.
    Restarted,
}

struct Link {
    worker: RefCell<Option<Worker>>,
    ready: Cell<bool>,
    queue: RefCell<Vec<ToPlane>>,
    last_setup: RefCell<Option<PlaneSetup>>,
}

/// The run as the views see it, and the way to drive it.
#[derive(Clone, Copy)]
pub struct Runner {
    /// The last frame.
    pub frame: RwSignal<Option<Rc<FrameData>>, LocalStorage>,
    /// The current run's points.
    pub points: RwSignal<Option<Rc<Points>>, LocalStorage>,
    /// The loss curves.
    pub history: RwSignal<Vec<HistoryPoint>>,
    /// Whether it trains.
    pub playing: RwSignal<bool>,
    /// The last notice.
    pub notice: RwSignal<Option<RunNotice>>,
    /// The unit whose map is shown large (`None`: the output).
    pub focus: RwSignal<Option<Unit>>,
    /// Whether the worker has said it is ready.
    pub ready: RwSignal<bool>,
    /// The name the next model file is saved under.
    model_file_name: StoredValue<String>,
    link: StoredValue<Rc<Link>, LocalStorage>,
}

impl Runner {
    /// Starts the worker. Call inside a reactive owner; the worker ends with it.
    pub fn start() -> Self {
        let runner = Runner {
            frame: RwSignal::new_local(None),
            points: RwSignal::new_local(None),
            history: RwSignal::new(Vec::new()),
            playing: RwSignal::new(false),
            notice: RwSignal::new(None),
            focus: RwSignal::new(None),
            ready: RwSignal::new(false),
            model_file_name: StoredValue::new(String::new()),
            link: StoredValue::new_local(Rc::new(Link {
                worker: RefCell::new(None),
                ready: Cell::new(false),
                queue: RefCell::new(Vec::new()),
                last_setup: RefCell::new(None),
            })),
        };
        runner.spawn();
        on_cleanup(move || {
            if let Some(link) = runner.link.try_get_value()
                && let Some(worker) = link.worker.take()
            {
                worker.terminate();
            }
        });
        runner
    }

    fn spawn(self) {
        let link = self.link.get_value();
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let Ok(worker) = Worker::new_with_options(SCRIPT, &options) else {
            self.notice.set(Some(RunNotice::Restarted));
            return;
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match transport::decode::<BrowserJson, FromPlane>(&event.data()) {
                Ok(reply) => self.receive(reply),
                Err(detail) => web_sys::console::error_1(
                    &format!("neurite: an unreadable reply from the 2-D trainer: {detail}").into(),
                ),
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            self.restart();
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        link.ready.set(false);
        link.worker.replace(Some(worker));
    }

    /// Replaces a failed worker with a fresh one running the current setup.
    fn restart(self) {
        let link = self.link.get_value();
        if let Some(old) = link.worker.take() {
            old.terminate();
        }
        self.playing.set(false);
        self.notice.set(Some(RunNotice::Restarted));
        let setup = link.last_setup.borrow().clone();
        link.queue.borrow_mut().clear();
        if let Some(setup) = setup {
            link.queue
                .borrow_mut()
                .push(ToPlane::Setup(Box::new(setup)));
        }
        self.spawn();
    }

    fn receive(self, reply: Envelope<FromPlane>) {
        match reply.msg {
            FromPlane::Ready => {
                let link = self.link.get_value();
                link.ready.set(true);
                self.ready.set(true);
                let queued: Vec<ToPlane> = link.queue.take();
                for request in queued {
                    self.post(&request);
                }
            }
            FromPlane::Points { train, test } => {
                self.history.set(Vec::new());
                self.points.set(Some(Rc::new(Points { train, test })));
            }
            FromPlane::Frame(frame) => {
                let frame = *frame;
                self.playing.set(frame.playing);
                self.record(&frame);
                self.frame.set(Some(Rc::new(FrameData {
                    frame,
                    maps: reply.payload.unwrap_or_default(),
                })));
                // Drawn in this turn's effects; the next frame may come after the paint.
                request_animation_frame(move || self.send(ToPlane::Drawn));
            }
            FromPlane::Stopped(reason) => {
                self.playing.set(false);
                self.notice.set(Some(RunNotice::Stopped(reason)));
            }
            FromPlane::ModelFile => {
                let name = self.model_file_name.get_value();
                crate::dom::download(
                    &reply.payload.unwrap_or_default(),
                    &name,
                    "application/octet-stream",
                );
            }
            FromPlane::Error(error) => self.notice.set(Some(RunNotice::Error(error))),
        }
    }

    fn record(self, frame: &PlaneFrame) {
        self.history.update(|history| {
            if history.last().is_some_and(|p| p.epoch > frame.epoch as f64) {
                // A reset: the curves start again.
                history.clear();
            }
            if history
                .last()
                .is_some_and(|p| p.epoch == frame.epoch as f64)
            {
                history.pop();
            }
            history.push(HistoryPoint {
                epoch: frame.epoch as f64,
                train: frame.train_loss,
                test: frame.test_loss,
                train_accuracy: frame.train_accuracy.unwrap_or(f64::NAN),
                test_accuracy: frame.test_accuracy.unwrap_or(f64::NAN),
            });
            if history.len() > MAX_HISTORY {
                let last = *history.last().expect("not empty");
                let mut i = 0;
                history.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                if history.last() != Some(&last) {
                    history.push(last);
                }
            }
        });
    }

    fn post(self, request: &ToPlane) {
        let link = self.link.get_value();
        let worker = link.worker.borrow();
        let Some(worker) = worker.as_ref() else {
            return;
        };
        let envelope = Envelope::bare(request.clone());
        match transport::encode::<BrowserJson, _>(&envelope) {
            Ok(out) => {
                worker
                    .post_message_with_transfer(&out.value, &out.transfer)
                    .ok();
            }
            Err(e) => web_sys::console::error_2(&"neurite: cannot send".into(), &e),
        }
    }

    /// Sends a request now, or once the worker is ready.
    pub fn send(self, request: ToPlane) {
        let link = self.link.get_value();
        if let ToPlane::Setup(setup) = &request {
            link.last_setup.replace(Some((**setup).clone()));
        }
        if link.ready.get() {
            self.post(&request);
        } else {
            link.queue.borrow_mut().push(request);
        }
    }

    /// Sends `setup` if it differs from the last one sent.
    pub fn configure(self, setup: PlaneSetup) {
        let link = self.link.get_value();
        if link.last_setup.borrow().as_ref() == Some(&setup) {
            return;
        }
        self.notice.set(None);
        self.send(ToPlane::Setup(Box::new(setup)));
    }

    /// Trains until paused or `rule` holds.
    pub fn play(self, rule: StopRule) {
        self.notice.set(None);
        self.playing.set(true);
        self.send(ToPlane::Play(rule));
    }

    /// Stops training.
    pub fn pause(self) {
        self.playing.set(false);
        self.send(ToPlane::Pause);
    }

    /// Trains one epoch.
    pub fn step(self) {
        self.playing.set(false);
        self.send(ToPlane::Step);
    }

    /// Starts the run again.
    pub fn reset(self) {
        self.playing.set(false);
        self.notice.set(None);
        self.history.set(Vec::new());
        self.send(ToPlane::Reset);
    }

    /// Sets a weight or a bias.
    pub fn set_weight(self, edit: WeightEdit) {
        self.notice.set(None);
        self.send(ToPlane::SetWeight(edit));
    }

    /// Saves the network as a model file called `name`.
    pub fn save_model(self, name: String) {
        self.model_file_name.set_value(name);
        self.send(ToPlane::SaveModel);
    }

    /// Shows `unit`'s map large (`None`: the output's).
    pub fn show(self, unit: Option<Unit>) {
        if self.focus.get_untracked() != unit {
            self.focus.set(unit);
            self.send(ToPlane::Focus(unit));
        }
    }
}
