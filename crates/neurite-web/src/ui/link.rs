//! [`WorkerLink`]: starts the training worker, queues requests until it is ready, and turns
//! its replies into state changes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::draft::Draft;
use crate::protocol::{Envelope, ErrorKind, FromWorker, Phase, ToWorker};
use crate::test_set::TestImages;
use crate::transport::{self, BrowserJson};
use crate::ui::model_io;
use crate::ui::state::{CurvePoint, DataStatus, EpochResult, Playground};
use crate::ui::weights::FirstLayer;

/// The scripts Trunk generates to start the worker's wasm: the build whose kernels use relaxed
/// SIMD, and the plain SIMD128 build for engines without it (a module with relaxed
/// instructions fails to load there).
const RELAXED_WORKER_SCRIPT: &str = "./worker-relaxed_loader.js";
const WORKER_SCRIPT: &str = "./worker_loader.js";

/// A module of one function that multiply-adds with `f32x4.relaxed_madd`: it validates exactly
/// in engines that run relaxed SIMD. (Header; type `[] → [v128]`; one function; its body:
/// three `f32.const 0; f32x4.splat`, then `f32x4.relaxed_madd` — opcode `0xfd 0x105` — and
/// `end`.)
const RELAXED_SIMD_PROBE: [u8; 49] = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
    0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
    0x0a, 0x1c, 0x01, 0x1a, 0x00, // code section: one body of 26 bytes, no locals
    0x43, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x13, // f32.const 0; f32x4.splat
    0x43, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x13, //
    0x43, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x13, //
    0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd; end
];

/// Whether this engine runs relaxed SIMD.
fn relaxed_simd_supported() -> bool {
    let probe = js_sys::Uint8Array::from(&RELAXED_SIMD_PROBE[..]);
    js_sys::WebAssembly::validate(&probe).unwrap_or(false)
}

/// The worker build to start: the relaxed-SIMD one where the engine runs it, unless the page's
/// address asks for the plain build with `?simd=plain`.
fn worker_script() -> &'static str {
    let plain_requested = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("simd"))
        .is_some_and(|simd| simd == "plain");
    if !plain_requested && relaxed_simd_supported() {
        RELAXED_WORKER_SCRIPT
    } else {
        WORKER_SCRIPT
    }
}

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
        Self::spawn_script(state, worker_script())
    }

    /// Starts the worker from `script`. If the relaxed-SIMD build fails before it is ready, the
    /// plain build takes its place with the requests queued so far.
    fn spawn_script(state: Playground, script: &'static str) -> Result<Self, JsValue> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(script, &options)?;
        let link = WorkerLink(Rc::new(Inner {
            worker,
            ready: Cell::new(false),
            queue: RefCell::new(Vec::new()),
        }));
        let weak = Rc::downgrade(&link.0);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match transport::decode::<BrowserJson, FromWorker>(&event.data()) {
                Ok(reply) => {
                    if matches!(reply.msg, FromWorker::Ready { .. })
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
        let weak = Rc::downgrade(&link.0);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let failed = weak.upgrade();
            let starting = failed.as_ref().is_some_and(|inner| !inner.ready.get());
            if starting && script == RELAXED_WORKER_SCRIPT {
                let queued = failed.map(|inner| {
                    inner.worker.terminate();
                    inner.queue.take()
                });
                if let Ok(plain) = WorkerLink::spawn_script(state, WORKER_SCRIPT) {
                    plain.0.queue.replace(queued.unwrap_or_default());
                    state.link.set_value(Some(plain));
                    return;
                }
            }
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
        let posted = transport::encode::<BrowserJson, _>(request).and_then(|o| {
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
        FromWorker::Ready { kernels } => state.kernels.set(Some(kernels)),
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
        FromWorker::Snapshot {
            inputs,
            units,
            layer_units,
            ..
        } => match FirstLayer::decode(inputs, units, layer_units, &payload.unwrap_or_default()) {
            Some(weights) => state.weights.set(Some(weights)),
            None => state.notice.set(Some(format!(
                "a weight snapshot of {units} × {inputs} weights arrived with the wrong length"
            ))),
        },
        FromWorker::Prediction {
            drawing,
            probabilities,
            ..
        } => state.prediction.set(Some((drawing, probabilities))),
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
