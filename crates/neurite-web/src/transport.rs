//! Envelopes as JavaScript values: `{ msg, payload }`, with the payload's `ArrayBuffer` in the
//! transfer list so it moves between threads instead of being copied.

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::Envelope;

/// An envelope ready for `postMessage`: the value and its transfer list.
pub struct Outgoing {
    /// `{ msg, payload? }`.
    pub value: JsValue,
    /// The payload's buffer, if any.
    pub transfer: Array,
}

/// Encodes an envelope; the message's maps become plain objects.
///
/// # Errors
/// If the message cannot be represented in JavaScript (it always can for the protocol's types).
pub fn encode<M: Serialize>(envelope: &Envelope<M>) -> Result<Outgoing, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    let msg = envelope.msg.serialize(&serializer)?;
    let value = Object::new();
    Reflect::set(&value, &"msg".into(), &msg)?;
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

/// Decodes what `postMessage` delivered.
///
/// # Errors
/// A readable message if the value is not an envelope of `M`.
pub fn decode<M: DeserializeOwned>(value: &JsValue) -> Result<Envelope<M>, String> {
    let msg =
        Reflect::get(value, &"msg".into()).map_err(|_| "a message without msg".to_string())?;
    let msg: M = serde_wasm_bindgen::from_value(msg).map_err(|e| e.to_string())?;
    let payload = Reflect::get(value, &"payload".into())
        .ok()
        .and_then(|p| p.dyn_into::<ArrayBuffer>().ok())
        .map(|buffer| Uint8Array::new(&buffer).to_vec());
    Ok(Envelope { msg, payload })
}
