//! [`WorkerLink`]: starts the training worker, queues requests until it is ready, and hands
//! every reply to the panels that subscribed; [`Link`] is its copyable handle.
//!
//! It also watches the worker: an error after it started (a trap in its wasm, say) or no
//! answer to a heartbeat ([`ToWorker::Ping`]) within [`HEARTBEAT_TIMEOUT_MS`] means the worker
//! is dead or stuck. It is then terminated and a fresh one started behind the same hub; the
//! panels hear of it ([`LinkFailure::Crashed`]) and the restart listeners send what the new
//! worker needs (MNIST, the last checkpoint).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::dom::now_ms;
use crate::protocol::{Envelope, FromWorker, ToWorker};
use crate::state::LinkFailure;
use crate::transport::{self, BrowserJson};

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

/// Milliseconds between two heartbeats.
pub const HEARTBEAT_MS: i32 = 1_000;
/// A worker that has not answered a heartbeat for this long is stuck, in milliseconds: far
/// above its longest task (a slice of training is 15 ms; reading the largest model file takes
/// a few seconds).
pub const HEARTBEAT_TIMEOUT_MS: f64 = 15_000.0;

/// The callbacks a reply is handed to, in the order they subscribed.
type Subscriber = Rc<dyn Fn(&Envelope<FromWorker>)>;
/// A listener for failures of the worker itself.
type FailureListener = Rc<dyn Fn(LinkFailure)>;
/// A listener told when a fresh worker replaced a dead one.
type RestartListener = Rc<dyn Fn()>;

struct Hub {
    worker: RefCell<Option<Worker>>,
    script: Cell<&'static str>,
    ready: Cell<bool>,
    queue: RefCell<Vec<Envelope<ToWorker>>>,
    subscribers: RefCell<Vec<Subscriber>>,
    failures: RefCell<Vec<FailureListener>>,
    restarts: RefCell<Vec<RestartListener>>,
    beat: Cell<u64>,
    last_answer_at: Cell<f64>,
}

/// The page's end of the worker: a hub that panels subscribe to. Requests wait until the
/// worker is ready; every reply goes to every subscriber. If the relaxed-SIMD build fails to
/// start, the plain build takes its place behind the same hub.
#[derive(Clone)]
pub struct WorkerLink(Rc<Hub>);

impl WorkerLink {
    /// Starts the worker.
    pub fn spawn() -> Result<Self, JsValue> {
        let link = WorkerLink(Rc::new(Hub {
            worker: RefCell::new(None),
            script: Cell::new(WORKER_SCRIPT),
            ready: Cell::new(false),
            queue: RefCell::new(Vec::new()),
            subscribers: RefCell::new(Vec::new()),
            failures: RefCell::new(Vec::new()),
            restarts: RefCell::new(Vec::new()),
            beat: Cell::new(0),
            last_answer_at: Cell::new(now_ms()),
        }));
        link.start(worker_script())?;
        link.start_heartbeat();
        Ok(link)
    }

    /// Tells `listener` each time a fresh worker has replaced a dead one (its requests are
    /// queued until the new worker is ready).
    pub fn on_restart(&self, listener: impl Fn() + 'static) {
        self.0.restarts.borrow_mut().push(Rc::new(listener));
    }

    /// Sends a heartbeat every [`HEARTBEAT_MS`]; restarts a worker that has not answered for
    /// [`HEARTBEAT_TIMEOUT_MS`].
    fn start_heartbeat(&self) {
        let weak = Rc::downgrade(&self.0);
        let beat = Closure::<dyn FnMut()>::new(move || {
            let Some(hub) = weak.upgrade() else {
                return;
            };
            if !hub.ready.get() {
                return;
            }
            let link = WorkerLink(hub.clone());
            if now_ms() - hub.last_answer_at.get() > HEARTBEAT_TIMEOUT_MS {
                link.restart(LinkFailure::Unresponsive {
                    seconds: HEARTBEAT_TIMEOUT_MS / 1000.0,
                });
                return;
            }
            hub.beat.set(hub.beat.get() + 1);
            link.post(&Envelope::bare(ToWorker::Ping {
                beat: hub.beat.get(),
            }));
        });
        if let Some(window) = web_sys::window() {
            window
                .set_interval_with_callback_and_timeout_and_arguments_0(
                    beat.as_ref().unchecked_ref(),
                    HEARTBEAT_MS,
                )
                .ok();
        }
        beat.forget();
    }

    /// Replaces a dead or stuck worker by a fresh one of the same build, says why, and tells
    /// the restart listeners.
    fn restart(&self, why: LinkFailure) {
        if let Some(dead) = self.0.worker.take() {
            dead.terminate();
        }
        self.0.ready.set(false);
        // Requests for the dead worker are stale: the listeners send what the new one needs.
        self.0.queue.borrow_mut().clear();
        Self::fail(&self.0, why);
        if let Err(e) = self.start(self.0.script.get()) {
            return Self::fail(
                &self.0,
                LinkFailure::CannotStart {
                    detail: e.as_string().unwrap_or_else(|| format!("{e:?}")),
                },
            );
        }
        let listeners: Vec<_> = self.0.restarts.borrow().clone();
        for listener in listeners {
            listener();
        }
    }

    /// Hands every reply to `subscriber`.
    pub fn subscribe(&self, subscriber: impl Fn(&Envelope<FromWorker>) + 'static) {
        self.0.subscribers.borrow_mut().push(Rc::new(subscriber));
    }

    /// Tells `listener` when the worker cannot start or a reply cannot be read.
    pub fn on_failure(&self, listener: impl Fn(LinkFailure) + 'static) {
        self.0.failures.borrow_mut().push(Rc::new(listener));
    }

    fn fail(hub: &Hub, failure: LinkFailure) {
        let listeners: Vec<_> = hub.failures.borrow().clone();
        for listener in listeners {
            listener(failure.clone());
        }
    }

    /// Starts the worker from `script`, behind this hub.
    fn start(&self, script: &'static str) -> Result<(), JsValue> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(script, &options)?;
        self.0.script.set(script);
        let weak = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(hub) = weak.upgrade() else {
                return;
            };
            hub.last_answer_at.set(now_ms());
            match transport::decode::<BrowserJson, FromWorker>(&event.data()) {
                Ok(reply) => {
                    if matches!(reply.msg, FromWorker::Ready { .. }) {
                        WorkerLink(hub.clone()).flush();
                    }
                    // Cloned first: a subscriber may subscribe or send while it runs.
                    let subscribers: Vec<_> = hub.subscribers.borrow().clone();
                    for subscriber in subscribers {
                        subscriber(&reply);
                    }
                }
                Err(detail) => Self::fail(&hub, LinkFailure::Unreadable { detail }),
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let weak = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(hub) = weak.upgrade() else {
                return;
            };
            let link = WorkerLink(hub.clone());
            if hub.ready.get() {
                // The worker ran, then failed: its state is lost with it.
                let detail = event
                    .dyn_ref::<web_sys::ErrorEvent>()
                    .map(|e| e.message())
                    .unwrap_or_default();
                return link.restart(LinkFailure::Crashed { detail });
            }
            if !hub.ready.get() && script == RELAXED_WORKER_SCRIPT {
                if let Some(failed) = hub.worker.take() {
                    failed.terminate();
                }
                // The queued requests stay in the hub for the plain build.
                if link.start(WORKER_SCRIPT).is_ok() {
                    return;
                }
            }
            Self::fail(&hub, LinkFailure::FailedToStart);
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        self.0.worker.replace(Some(worker));
        Ok(())
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
        self.0.last_answer_at.set(now_ms());
        for request in self.0.queue.take() {
            self.post(&request);
        }
    }

    fn post(&self, request: &Envelope<ToWorker>) {
        let posted = transport::encode::<BrowserJson, _>(request).and_then(|o| {
            match self.0.worker.borrow().as_ref() {
                Some(worker) => worker.post_message_with_transfer(&o.value, &o.transfer),
                None => Err(JsValue::from_str("no worker")),
            }
        });
        if let Err(e) = posted {
            let detail = e.as_string().unwrap_or_else(|| format!("{e:?}"));
            Self::fail(&self.0, LinkFailure::Unsendable { detail });
        }
    }
}

/// A copyable handle on the worker link for the page's panels (nothing when the worker could
/// not be started: requests are dropped and nothing is ever replied).
#[derive(Clone, Copy)]
pub struct Link(StoredValue<Option<WorkerLink>, LocalStorage>);

impl Link {
    /// Starts the worker; a failure to start is told to `on_failure`.
    pub fn spawn(on_failure: impl Fn(LinkFailure) + 'static) -> Self {
        match WorkerLink::spawn() {
            Ok(link) => {
                link.on_failure(on_failure);
                Link(StoredValue::new_local(Some(link)))
            }
            Err(e) => {
                on_failure(LinkFailure::CannotStart {
                    detail: e.as_string().unwrap_or_else(|| format!("{e:?}")),
                });
                Link(StoredValue::new_local(None))
            }
        }
    }

    /// Sends a request without a payload.
    pub fn send(self, request: ToWorker) {
        self.send_envelope(Envelope::bare(request));
    }

    /// Sends a request with a payload.
    pub fn send_envelope(self, envelope: Envelope<ToWorker>) {
        self.0.with_value(|link| {
            if let Some(link) = link {
                link.send(envelope);
            }
        });
    }

    /// Hands every reply to `subscriber`.
    pub fn subscribe(self, subscriber: impl Fn(&Envelope<FromWorker>) + 'static) {
        self.0.with_value(|link| {
            if let Some(link) = link {
                link.subscribe(subscriber);
            }
        });
    }

    /// Tells `listener` each time a fresh worker replaced a dead one.
    pub fn on_restart(self, listener: impl Fn() + 'static) {
        self.0.with_value(|link| {
            if let Some(link) = link {
                link.on_restart(listener);
            }
        });
    }
}
