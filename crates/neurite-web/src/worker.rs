//! The worker's browser glue: receives requests, fetches a dataset's files (gunzipped by the browser's
//! `DecompressionStream`, so the wasm carries no inflater), and runs the [`Session`] in slices
//! of [`SLICE_MS`], yielding between them through a `MessageChannel` so that requests (pause,
//! a new learning rate) are handled within one slice.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Uint8Array;
use neurite::{Dataset, DatasetKind};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, ReadableWritablePair, Response};

use crate::protocol::{Envelope, ErrorKind, FromWorker, ToWorker, WorkerError, WorkerProblem};
use crate::session::{Outbox, Session};
use crate::slices::{self, Slicer};
use crate::transport::{self, EngineJson};

/// Milliseconds of work between two yields.
pub const SLICE_MS: f64 = 15.0;

/// The four files, as shipped in the site's `mnist/` and `fashion-mnist/` folders.
const FILES: [&str; 4] = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
];

#[wasm_bindgen]
extern "C" {
    /// The Compression Streams API's decompressor (web-sys has it only among its unstable APIs).
    type DecompressionStream;

    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
}

struct Worker {
    scope: DedicatedWorkerGlobalScope,
    session: RefCell<Session>,
    slicer: Slicer,
    /// Data requests received, so that a load a later one superseded is dropped.
    loads: Cell<u64>,
}

impl Worker {
    fn now(&self) -> f64 {
        slices::now(&self.scope)
    }

    fn post(&self, out: Outbox) {
        slices::post(&self.scope, out);
    }

    fn post_error(&self, kind: ErrorKind, problem: WorkerProblem) {
        self.post(vec![Envelope::bare(FromWorker::Error(
            WorkerError::worker(kind, problem),
        ))]);
    }

    fn schedule(&self) {
        self.slicer.schedule(self.session.borrow().has_work());
    }

    fn run_slice(&self) {
        self.slicer.begin();
        let mut out = Outbox::new();
        let mut clock = || self.now();
        self.session
            .borrow_mut()
            .work(&mut clock, SLICE_MS, &mut out);
        self.post(out);
        self.schedule();
    }

    fn on_request(self: &Rc<Self>, data: JsValue) {
        let request: Envelope<ToWorker> = match transport::decode::<EngineJson, _>(&data) {
            Ok(request) => request,
            Err(detail) => {
                return self.post_error(ErrorKind::Protocol, WorkerProblem::Undecodable { detail });
            }
        };
        if let ToWorker::LoadData { base_url, dataset } = &request.msg {
            let worker = Rc::clone(self);
            let (base_url, dataset) = (base_url.clone(), *dataset);
            let request = worker.loads.get() + 1;
            worker.loads.set(request);
            wasm_bindgen_futures::spawn_local(async move {
                worker.load(&base_url, dataset, request).await
            });
            return;
        }
        let mut out = Outbox::new();
        let mut clock = || self.now();
        self.session
            .borrow_mut()
            .handle(request, &mut clock, &mut out);
        self.post(out);
        self.schedule();
    }

    /// Fetches a gzip file and returns its decompressed bytes.
    async fn fetch_gunzipped(&self, url: &str) -> Result<Vec<u8>, WorkerProblem> {
        let url_text = || url.to_owned();
        let failed = |e: JsValue| WorkerProblem::Fetch {
            url: url_text(),
            detail: js_text(&e),
        };
        let response: Response = JsFuture::from(self.scope.fetch_with_str(url))
            .await
            .map_err(failed)?
            .unchecked_into();
        if !response.ok() {
            return Err(WorkerProblem::HttpStatus {
                url: url_text(),
                status: response.status(),
            });
        }
        let body = response
            .body()
            .ok_or_else(|| WorkerProblem::NoBody { url: url_text() })?;
        let corrupt = |e: JsValue| WorkerProblem::Decompress {
            url: url_text(),
            detail: js_text(&e),
        };
        let gunzip = DecompressionStream::new("gzip").map_err(corrupt)?;
        let plain = body.pipe_through(gunzip.unchecked_ref::<ReadableWritablePair>());
        let buffer = Response::new_with_opt_readable_stream(Some(&plain))
            .and_then(|r| r.array_buffer())
            .map_err(corrupt)?;
        let buffer = JsFuture::from(buffer).await.map_err(corrupt)?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }

    /// Loads `dataset` from `base_url`, unless a later request (`request` counts them)
    /// supersedes it: only the data asked for last is kept.
    async fn load(&self, base_url: &str, dataset: DatasetKind, request: u64) {
        let started = self.now();
        let superseded = || self.loads.get() != request;
        let mut files = Vec::with_capacity(FILES.len());
        for name in FILES {
            match self.fetch_gunzipped(&format!("{base_url}{name}")).await {
                Ok(bytes) => files.push(bytes),
                Err(_) if superseded() => return,
                Err(e) => return self.post_error(ErrorKind::Data, e),
            }
            if superseded() {
                return;
            }
        }
        let train = Dataset::from_idx_bytes("train", &files[0], &files[1]);
        let test = Dataset::from_idx_bytes("t10k", &files[2], &files[3]);
        drop(files);
        match (train, test) {
            (Ok(train), Ok(test)) => {
                let mut out = Outbox::new();
                let millis = self.now() - started;
                self.session
                    .borrow_mut()
                    .set_data(dataset, train, test, millis, &mut out);
                self.post(out);
            }
            (Err(e), _) | (_, Err(e)) => {
                self.post(vec![Envelope::bare(FromWorker::Error(e.into()))]);
            }
        }
    }
}

/// Starts the worker: installs the handlers and posts [`FromWorker::Ready`].
///
/// # Panics
/// If it is not running in a dedicated worker.
pub fn start() {
    let worker = slices::run(
        |scope, slicer| Worker {
            scope,
            session: RefCell::new(Session::new()),
            slicer,
            loads: Cell::new(0),
        },
        |worker| worker.run_slice(),
        |worker, data| worker.on_request(data),
    );
    worker.post(vec![Envelope::bare(FromWorker::Ready {
        kernels: neurite::kernels::active(),
    })]);
}

/// What a JavaScript exception says: an `Error`'s message, a string as it is, or else its
/// debug form.
fn js_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
