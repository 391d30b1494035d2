//! Envelopes as JavaScript values: `{ msg, payload }`, where `msg` is the message as JSON text
//! and the payload's `ArrayBuffer` is in the transfer list, so it moves between threads instead
//! of being copied.
//!
//! Each side makes and reads the JSON with what its wasm already holds, which keeps both
//! small: the worker with `serde_json` ([`EngineJson`]; the engine's model files need it),
//! the page with the browser's own `JSON` over `serde-wasm-bindgen` values ([`BrowserJson`]).
//! Both write standard JSON for the same serde data model (they differ only in spelling, such
//! as `0` or `0.0`, or an absent field for `None`), so each side reads what the other wrote.

use js_sys::{Array, ArrayBuffer, JSON, Object, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::Envelope;

/// A way to turn messages into JSON text and back.
pub trait Codec {
    /// The message as JSON text.
    ///
    /// # Errors
    /// If the message has no JSON form (the protocol's messages always have one).
    fn to_text<M: Serialize>(msg: &M) -> Result<String, String>;

    /// The message in `text`.
    ///
    /// # Errors
    /// A readable message if `text` is not JSON for an `M`.
    fn from_text<M: DeserializeOwned>(text: &str) -> Result<M, String>;
}

/// JSON by `serde_json`: the worker's side.
pub struct EngineJson;

impl Codec for EngineJson {
    fn to_text<M: Serialize>(msg: &M) -> Result<String, String> {
        serde_json::to_string(msg).map_err(|e| e.to_string())
    }

    fn from_text<M: DeserializeOwned>(text: &str) -> Result<M, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// JSON by the browser's `JSON.stringify` and `JSON.parse`, from and to JavaScript values made
/// by `serde-wasm-bindgen`: the page's side.
pub struct BrowserJson;

impl Codec for BrowserJson {
    fn to_text<M: Serialize>(msg: &M) -> Result<String, String> {
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        let value = msg.serialize(&serializer).map_err(|e| e.to_string())?;
        JSON::stringify(&value)
            .map(String::from)
            .map_err(|e| format!("{e:?}"))
    }

    fn from_text<M: DeserializeOwned>(text: &str) -> Result<M, String> {
        let value = JSON::parse(text).map_err(|_| "a message that is not JSON".to_string())?;
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
    }
}

/// An envelope ready for `postMessage`: the value and its transfer list.
pub struct Outgoing {
    /// `{ msg, payload? }`.
    pub value: JsValue,
    /// The payload's buffer, if any.
    pub transfer: Array,
}

/// Encodes an envelope with codec `C`.
///
/// # Errors
/// If the message cannot be written as JSON (it always can for the protocol's types).
pub fn encode<C: Codec, M: Serialize>(envelope: &Envelope<M>) -> Result<Outgoing, JsValue> {
    let text = C::to_text(&envelope.msg).map_err(|e| JsValue::from_str(&e))?;
    let value = Object::new();
    Reflect::set(&value, &"msg".into(), &text.into())?;
    let transfer = Array::new();
    if let Some(payload) = &envelope.payload {
        let bytes = Uint8Array::new_with_length(payload.len() as u32);
        bytes.copy_from(payload);
        let buffer = bytes.buffer();
        Reflect::set(&value, &"payload".into(), &buffer)?;
        transfer.push(&buffer);
    }
    Ok(Outgoing {
        value: value.into(),
        transfer,
    })
}

/// Decodes what `postMessage` delivered with codec `C`.
///
/// # Errors
/// A readable message if the value is not an envelope of `M`.
pub fn decode<C: Codec, M: DeserializeOwned>(value: &JsValue) -> Result<Envelope<M>, String> {
    let text = Reflect::get(value, &"msg".into())
        .ok()
        .and_then(|msg| msg.as_string())
        .ok_or_else(|| "a message without msg text".to_string())?;
    let msg = C::from_text(&text)?;
    let payload = Reflect::get(value, &"payload".into())
        .ok()
        .and_then(|p| p.dyn_into::<ArrayBuffer>().ok())
        .map(|buffer| Uint8Array::new(&buffer).to_vec());
    Ok(Envelope { msg, payload })
}
