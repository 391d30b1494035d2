//! The 2-D playground worker's browser glue: receives requests and runs the [`PlaneSession`] in
//! slices of [`SLICE_MS`], yielding between them through a `MessageChannel` so that a pause, a
//! new learning rate or the page's "drawn" is handled within one slice.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use web_sys::DedicatedWorkerGlobalScope;

use super::protocol::{FromPlane, ToPlane};
use super::session::{PlaneOutbox, PlaneSession};
use crate::protocol::{Envelope, ErrorKind, WorkerError, WorkerProblem};
use crate::slices::{self, Slicer};
use crate::transport::{self, EngineJson};

/// Milliseconds of training between two yields.
pub const SLICE_MS: f64 = 4.0;

struct PlaneWorker {
    scope: DedicatedWorkerGlobalScope,
    session: RefCell<PlaneSession>,
    slicer: Slicer,
}

impl PlaneWorker {
    fn now(&self) -> f64 {
        slices::now(&self.scope)
    }

    fn post(&self, out: PlaneOutbox) {
        slices::post(&self.scope, out);
    }

    fn schedule(&self) {
        self.slicer.schedule(self.session.borrow().has_work());
    }

    fn run_slice(&self) {
        self.slicer.begin();
        let mut out = PlaneOutbox::new();
        let mut clock = || self.now();
        self.session
            .borrow_mut()
            .work(&mut clock, SLICE_MS, &mut out);
        self.post(out);
        self.schedule();
    }

    fn on_request(&self, data: JsValue) {
        let mut out = PlaneOutbox::new();
        match transport::decode::<EngineJson, ToPlane>(&data) {
            Ok(request) => {
                let now = self.now();
                self.session.borrow_mut().handle(request.msg, now, &mut out);
            }
            Err(detail) => out.push(Envelope::bare(FromPlane::Error(WorkerError::worker(
                ErrorKind::Protocol,
                WorkerProblem::Undecodable { detail },
            )))),
        }
        self.post(out);
        self.schedule();
    }
}

/// Starts the worker: installs the handlers and posts [`FromPlane::Ready`].
///
/// # Panics
/// If it is not running in a dedicated worker.
pub fn start() {
    let worker = slices::run(
        |scope, slicer| PlaneWorker {
            scope,
            session: RefCell::new(PlaneSession::new()),
            slicer,
        },
        |worker| worker.run_slice(),
        |worker, data| worker.on_request(data),
    );
    worker.post(vec![Envelope::bare(FromPlane::Ready)]);
}
