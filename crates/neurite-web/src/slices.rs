//! How both trainers' workers keep time: they work in slices of a few milliseconds and, between
//! two slices, let every request that came in meanwhile (pause, a new learning rate, "drawn")
//! be handled first. A slice is scheduled by posting to a `MessageChannel` port: its message
//! queues behind the page's messages already there, without a timer's clamping.

use std::cell::Cell;
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

use crate::protocol::Envelope;
use crate::transport::{self, EngineJson};

/// The worker's clock, in milliseconds.
pub fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Posts each envelope to the page, its payload transferred; a failure is logged.
pub fn post<M: Serialize>(scope: &DedicatedWorkerGlobalScope, out: Vec<Envelope<M>>) {
    for envelope in out {
        let posted = transport::encode::<EngineJson, _>(&envelope)
            .and_then(|o| scope.post_message_with_transfer(&o.value, &o.transfer));
        if let Err(e) = posted {
            web_sys::console::error_2(&"neurite worker: cannot post".into(), &e);
        }
    }
}

/// Schedules the next slice.
pub struct Slicer {
    port: MessagePort,
    scheduled: Cell<bool>,
}

impl Slicer {
    /// Schedules a slice if there is work and none is scheduled yet.
    pub fn schedule(&self, has_work: bool) {
        if has_work && !self.scheduled.get() {
            self.scheduled.set(true);
            self.port.post_message(&JsValue::NULL).ok();
        }
    }

    /// Marks the scheduled slice as begun.
    pub fn begin(&self) {
        self.scheduled.set(false);
    }
}

/// Makes the worker with `make` (given its [`Slicer`]), then calls `slice` for each scheduled
/// slice and `request` for each message of the page.
///
/// # Panics
/// If it is not running in a dedicated worker.
pub fn run<W: 'static>(
    make: impl FnOnce(DedicatedWorkerGlobalScope, Slicer) -> W,
    slice: fn(&Rc<W>),
    request: fn(&Rc<W>, JsValue),
) -> Rc<W> {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let channel = MessageChannel::new().expect("MessageChannel exists in workers");
    let slicer = Slicer {
        port: channel.port2(),
        scheduled: Cell::new(false),
    };
    let worker = Rc::new(make(scope.clone(), slicer));

    let slice_worker = Rc::clone(&worker);
    let on_slice = Closure::<dyn FnMut()>::new(move || slice(&slice_worker));
    channel
        .port1()
        .set_onmessage(Some(on_slice.as_ref().unchecked_ref()));
    on_slice.forget();

    let request_worker = Rc::clone(&worker);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        request(&request_worker, event.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    worker
}
