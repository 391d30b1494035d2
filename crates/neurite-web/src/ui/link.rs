//! [`WorkerLink`]: starts the training worker, queues requests until it is ready, and turns
//! its replies into state changes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use neurite::model_file;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::draft::Draft;
use crate::protocol::{Envelope, ErrorKind, FromWorker, Phase, ToWorker};
use crate::test_set::TestImages;
use crate::transport;
use crate::ui::model_io;
use crate::ui::state::{CurvePoint, DataStatus, EpochResult, Playground};

/// The script Trunk generates to start the worker's wasm.
const WORKER_SCRIPT: &str = "./worker_loader.js";

struct Inner {
    worker: Worker,
    ready: Cell<bool>,
    queue: RefCell<Vec<Envelope<ToWorker>>>,
}

/// The page's end of the worker.
#[derive(Clone)]
pub struct WorkerLink(Rc<Inner>);

impl WorkerLink {
    /// Starts the worker; its replies update `state`.
    pub fn spawn(state: Playground) -> Result<Self, JsValue> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(WORKER_SCRIPT, &options)?;
        let link = WorkerLink(Rc::new(Inner {
            worker,
            ready: Cell::new(false),
            queue: RefCell::new(Vec::new()),
        }));
        let weak = Rc::downgrade(&link.0);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match transport::decode::<FromWorker>(&event.data()) {
                Ok(reply) => {
                    if matches!(reply.msg, FromWorker::Ready)
                        && let Some(inner) = weak.upgrade()
                    {
                        WorkerLink(inner).flush();
                    }
                    apply(state, reply);
                }
                Err(e) => state.notice.set(Some(format!("worker: {e}"))),
            }
        });
        link.0
            .worker
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            state
                .notice
                .set(Some("the training worker failed to start".into()));
        });
        link.0
            .worker
            .set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        Ok(link)
    }

    /// Sends a request now, or once the worker is ready.
    pub fn send(&self, request: Envelope<ToWorker>) {
        if self.0.ready.get() {
            self.post(&request);
        } else {
            self.0.queue.borrow_mut().push(request);
        }
    }

    fn flush(&self) {
        self.0.ready.set(true);
        for request in self.0.queue.take() {
            self.post(&request);
        }
    }

    fn post(&self, request: &Envelope<ToWorker>) {
        let posted = transport::encode(request).and_then(|o| {
            self.0
                .worker
                .post_message_with_transfer(&o.value, &o.transfer)
        });
        if let Err(e) = posted {
            web_sys::console::error_2(&"neurite: cannot post to the worker".into(), &e);
        }
    }
}

/// Applies one reply to the page's state.
fn apply(state: Playground, reply: Envelope<FromWorker>) {
    let Envelope { msg, payload } = reply;
    match msg {
        FromWorker::Ready => {}
        FromWorker::DataLoaded {
            train_samples,
            test_samples,
            millis,
        } => {
            if let Some(images) = payload.and_then(|p| TestImages::decode(test_samples, p)) {
                state.test_images.set_value(images);
            }
            state.data.set(DataStatus::Loaded {
                train: train_samples,
                millis,
            });
        }
        FromWorker::Configured { summary, config } => {
            state.clear_run();
            let loaded_elsewhere = state.draft.with_untracked(|d| {
                d.check()
                    .map(|c| c.into_inner().model != config.model)
                    .unwrap_or(true)
            });
            if loaded_elsewhere {
                state.draft.set(Draft::from_config(&config));
            }
            state.summary.set(Some(summary));
            state.running_config.set(Some(config));
            state.phase.set(Phase::Idle);
        }
        FromWorker::Progress(progress) => state.record_progress(&progress),
        FromWorker::EpochEnd {
            epoch,
            test_loss,
            test_accuracy,
            confusion,
            ..
        } => {
            state.predictions.set_value(payload.unwrap_or_default());
            state.test_curve.update(|curve| {
                curve.push(CurvePoint {
                    position: epoch as f64,
                    loss: test_loss,
                    accuracy: test_accuracy,
                })
            });
            state.last_epoch.set(Some(EpochResult {
                epoch,
                test_accuracy,
                test_loss,
                confusion,
            }));
        }
        FromWorker::Snapshot { .. } => {
            if let Some(bytes) = payload {
                match model_file::from_bytes(&bytes) {
                    Ok(model) => {
                        state.model.set_value(Some(model));
                        state.model_version.update(|v| *v += 1);
                    }
                    Err(e) => state.notice.set(Some(e.to_string())),
                }
            }
        }
        FromWorker::ModelFile { .. } => {
            if let Some(bytes) = payload {
                model_io::download(&bytes);
            }
        }
        FromWorker::Diverged { .. } => state.phase.set(Phase::Diverged),
        FromWorker::Error(error) => match error.kind {
            ErrorKind::ModelFile => state.model_error.set(Some(error.message)),
            ErrorKind::Data => state.data.set(DataStatus::Failed(error.message)),
            ErrorKind::Config | ErrorKind::State | ErrorKind::Protocol => {
                state.notice.set(Some(error.message))
            }
        },
    }
}
