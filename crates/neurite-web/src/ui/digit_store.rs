//! The learner's digits in IndexedDB: the object store `digits` of the page's database (see
//! [`RunStore`]) holds the collection as its two IDX files, under the keys `images` and
//! `labels`, written together in one transaction.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use web_sys::IdbTransactionMode;

use crate::state::StorageProblem;
use crate::ui::storage::{DIGITS, RunStore, committed, failed, finished};

const IMAGES: &str = "images";
const LABELS: &str = "labels";

impl RunStore {
    /// Writes the collection's two IDX files.
    pub async fn save_my_digits(&self, images: &[u8], labels: &[u8]) -> Result<(), StorageProblem> {
        let transaction = self
            .0
            .transaction_with_str_and_mode(DIGITS, IdbTransactionMode::Readwrite)
            .map_err(failed)?;
        let store = transaction.object_store(DIGITS).map_err(failed)?;
        for (key, bytes) in [(IMAGES, images), (LABELS, labels)] {
            store
                .put_with_key(&Uint8Array::from(bytes).buffer(), &JsValue::from_str(key))
                .map_err(failed)?;
        }
        committed(&transaction).await
    }

    /// The collection's two IDX files, if one was stored.
    pub async fn my_digits(&self) -> Result<Option<(Vec<u8>, Vec<u8>)>, StorageProblem> {
        let transaction = self
            .0
            .transaction_with_str_and_mode(DIGITS, IdbTransactionMode::Readonly)
            .map_err(failed)?;
        let store = transaction.object_store(DIGITS).map_err(failed)?;
        // Both requests are made before either is awaited: the transaction stays open while
        // it has requests pending.
        let requests = [IMAGES, LABELS].map(|key| store.get(&JsValue::from_str(key)));
        let mut files = Vec::with_capacity(2);
        for request in requests {
            let value = finished(&request.map_err(failed)?).await?;
            if value.is_undefined() {
                return Ok(None);
            }
            files.push(Uint8Array::new(&value).to_vec());
        }
        let labels = files.pop().expect("two files");
        let images = files.pop().expect("two files");
        Ok(Some((images, labels)))
    }
}
