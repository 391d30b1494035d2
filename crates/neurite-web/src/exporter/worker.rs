//! The exporter worker's browser glue: it says [`READY`] once it listens (a message posted to
//! a module worker before its wasm has started would be lost), then answers each message
//! `[format, model file bytes]` with `[file name, bytes]`, or `[English message, 中文 message]`
//! when refused (see [`super::export`]).

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::{ExportFormat, READY, export};

/// Reads a request; `None` for a message that is not one.
fn request(data: &JsValue) -> Option<(ExportFormat, Vec<u8>)> {
    let parts: &Array = data.dyn_ref()?;
    let format = ExportFormat::from_key(&parts.get(0).as_string()?)?;
    let bytes: Uint8Array = parts.get(1).dyn_into().ok()?;
    Some((format, bytes.to_vec()))
}

/// Answers requests until the page terminates the worker.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let answer = match request(&event.data()) {
            Some((format, bytes)) => match export(format, &bytes) {
                Ok((name, file)) => Array::of2(&name.into(), &Uint8Array::from(&file[..])),
                Err(refused) => Array::of2(&refused.en.into(), &refused.zh.into()),
            },
            None => Array::of2(&"not an export request".into(), &"不是导出请求".into()),
        };
        replies.post_message(&answer).ok();
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    scope.post_message(&READY.into()).ok();
}
