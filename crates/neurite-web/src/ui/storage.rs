//! The page's store of runs, in IndexedDB: database `neurite`, with the object store `runs`
//! (each [`SavedRun`] as JSON text) and `files` (its checkpoint file's bytes), both keyed by the
//! run's id; and `digits`, the learner's own handwriting (see `ui::digit_store`).
//!
//! A run and its file are written in one transaction: either both are replaced or, if the
//! write fails (the quota is reached, say), neither, and the previous checkpoint stays whole.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::state::{SavedRun, StorageProblem};

const DATABASE: &str = "neurite";
/// Version 2 added the `digits` store.
const VERSION: u32 = 2;
const RUNS: &str = "runs";
const FILES: &str = "files";
/// The store of the learner's digits.
pub(super) const DIGITS: &str = "digits";

/// What the browser said, as text.
fn detail(value: &JsValue) -> String {
    value
        .dyn_ref::<web_sys::DomException>()
        .map(|e| format!("{}: {}", e.name(), e.message()))
        .or_else(|| value.dyn_ref::<js_sys::Error>().map(|e| e.message().into()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

pub(super) fn failed(value: JsValue) -> StorageProblem {
    StorageProblem::Failed {
        detail: detail(&value),
    }
}

/// A failed transaction's problem: a full store, or another failure.
fn problem_of(error: Option<web_sys::DomException>) -> StorageProblem {
    match error {
        Some(e) if e.name() == "QuotaExceededError" => StorageProblem::Full,
        Some(e) => StorageProblem::Failed {
            detail: format!("{}: {}", e.name(), e.message()),
        },
        None => StorageProblem::Failed {
            detail: "aborted".into(),
        },
    }
}

/// The open request's result, or `None` if `blocked` settles first.
async fn opened_unless_blocked(
    opened: impl std::future::Future<Output = Result<JsValue, StorageProblem>>,
    blocked: JsFuture,
) -> Option<Result<JsValue, StorageProblem>> {
    use std::pin::pin;
    use std::task::Poll;
    let (mut opened, mut blocked) = (pin!(opened), pin!(blocked));
    std::future::poll_fn(|cx| {
        if let Poll::Ready(result) = opened.as_mut().poll(cx) {
            return Poll::Ready(Some(result));
        }
        match blocked.as_mut().poll(cx) {
            Poll::Ready(_) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// The request's result once it succeeds.
pub(super) async fn finished(request: &IdbRequest) -> Result<JsValue, StorageProblem> {
    let settled = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    match JsFuture::from(settled).await {
        Ok(_) => request.result().map_err(failed),
        Err(_) => Err(problem_of(request.error().ok().flatten())),
    }
}

/// Resolves once the transaction has committed.
pub(super) async fn committed(transaction: &IdbTransaction) -> Result<(), StorageProblem> {
    let settled = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    });
    match JsFuture::from(settled).await {
        Ok(_) => Ok(()),
        Err(_) => Err(problem_of(transaction.error())),
    }
}

/// The page's store of runs (and of the learner's digits).
#[derive(Clone)]
pub struct RunStore(pub(super) IdbDatabase);

impl RunStore {
    /// Opens (creating on first use) the store.
    pub async fn open() -> Result<Self, StorageProblem> {
        let unavailable = |e: JsValue| StorageProblem::Unavailable { detail: detail(&e) };
        let factory = web_sys::window()
            .ok_or_else(|| unavailable("no window".into()))?
            .indexed_db()
            .map_err(unavailable)?
            .ok_or_else(|| unavailable("no IndexedDB".into()))?;
        let request = factory
            .open_with_u32(DATABASE, VERSION)
            .map_err(unavailable)?;
        let upgrading = request.clone();
        let upgrade = Closure::once_into_js(move |_: web_sys::Event| {
            if let Ok(db) = upgrading.result() {
                let db: IdbDatabase = db.unchecked_into();
                let names = db.object_store_names();
                for store in [RUNS, FILES, DIGITS] {
                    if !names.contains(store) {
                        db.create_object_store(store).ok();
                    }
                }
            }
        });
        request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        // Another tab holding the previous version open blocks the upgrade until it closes:
        // said at once rather than waited for (that tab's page predates `onversionchange`).
        let blocked = Promise::new(&mut |_, reject| {
            request.set_onblocked(Some(&reject));
        });
        let opened = finished(&request);
        let db = match opened_unless_blocked(opened, JsFuture::from(blocked)).await {
            Some(result) => result.map_err(|p| match p {
                StorageProblem::Failed { detail } => StorageProblem::Unavailable { detail },
                other => other,
            })?,
            None => {
                return Err(StorageProblem::Unavailable {
                    detail: "another tab of this site has the store open: close it and reload"
                        .into(),
                });
            }
        };
        let db: IdbDatabase = db.unchecked_into();
        // A newer version of the page, in another tab, asks for the store: this one lets go.
        let closing = db.clone();
        let on_version_change = Closure::<dyn FnMut()>::new(move || closing.close());
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget();
        Ok(RunStore(db))
    }

    fn transaction(&self, mode: IdbTransactionMode) -> Result<IdbTransaction, StorageProblem> {
        let stores = Array::of2(&RUNS.into(), &FILES.into());
        self.0
            .transaction_with_str_sequence_and_mode(&stores, mode)
            .map_err(failed)
    }

    /// Writes `run` and its checkpoint file together: the record and the file's copy are made
    /// in one task, written in the next (on a 4×-throttled CPU, both in one task took 65 ms for
    /// a checkpoint of the seed preset, whose file with Adam's moments is 1.2 MB).
    pub async fn save(&self, run: &SavedRun, file: &[u8]) -> Result<(), StorageProblem> {
        let key = JsValue::from_str(&run.id);
        let text = serde_json::to_string(run).map_err(|e| StorageProblem::Failed {
            detail: e.to_string(),
        })?;
        let bytes = Uint8Array::from(file).buffer();
        crate::dom::next_task_begins().await;
        // Opened here: a transaction with nothing to do at the end of a task commits.
        let transaction = self.transaction(IdbTransactionMode::Readwrite)?;
        let put = || -> Result<(), JsValue> {
            transaction
                .object_store(RUNS)?
                .put_with_key(&JsValue::from_str(&text), &key)?;
            transaction
                .object_store(FILES)?
                .put_with_key(&bytes, &key)?;
            Ok(())
        };
        if let Err(e) = put() {
            transaction.abort().ok();
            return Err(failed(e));
        }
        committed(&transaction).await
    }

    /// Rewrites a run's record (its name), leaving its file as it is.
    pub async fn save_record(&self, run: &SavedRun) -> Result<(), StorageProblem> {
        let transaction = self.transaction(IdbTransactionMode::Readwrite)?;
        let text = serde_json::to_string(run).map_err(|e| StorageProblem::Failed {
            detail: e.to_string(),
        })?;
        transaction
            .object_store(RUNS)
            .and_then(|s| s.put_with_key(&JsValue::from_str(&text), &JsValue::from_str(&run.id)))
            .map_err(failed)?;
        committed(&transaction).await
    }

    /// Every stored run, newest first; records that do not read are skipped.
    pub async fn list(&self) -> Result<Vec<SavedRun>, StorageProblem> {
        let transaction = self.transaction(IdbTransactionMode::Readonly)?;
        let request = transaction
            .object_store(RUNS)
            .and_then(|s| s.get_all())
            .map_err(failed)?;
        let values: Array = finished(&request).await?.unchecked_into();
        let mut runs: Vec<SavedRun> = values
            .iter()
            .filter_map(|v| v.as_string())
            .filter_map(|text| serde_json::from_str(&text).ok())
            .collect();
        runs.sort_by(|a, b| b.saved_at_ms.total_cmp(&a.saved_at_ms));
        Ok(runs)
    }

    /// The checkpoint file of run `id`.
    pub async fn file(&self, id: &str) -> Result<Vec<u8>, StorageProblem> {
        let transaction = self.transaction(IdbTransactionMode::Readonly)?;
        let request = transaction
            .object_store(FILES)
            .and_then(|s| s.get(&JsValue::from_str(id)))
            .map_err(failed)?;
        let value = finished(&request).await?;
        if value.is_undefined() {
            return Err(StorageProblem::Unreadable { id: id.into() });
        }
        Ok(Uint8Array::new(&value).to_vec())
    }

    /// Deletes run `id` and its file.
    pub async fn delete(&self, id: &str) -> Result<(), StorageProblem> {
        let transaction = self.transaction(IdbTransactionMode::Readwrite)?;
        let key = JsValue::from_str(id);
        for store in [RUNS, FILES] {
            transaction
                .object_store(store)
                .and_then(|s| s.delete(&key))
                .map_err(failed)?;
        }
        committed(&transaction).await
    }
}
