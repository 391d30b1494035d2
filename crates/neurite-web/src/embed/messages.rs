//! The messages a widget posts to its host, `{ neurite: 1, type, widget, state, outputs, … }`,
//! and those it reads, `{ neurite: 1, type: "set", state, request? }` and
//! `{ neurite: 1, type: "command", command, request? }`.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::i18n::Lang;
use crate::widgets::host::LiveWidget;
use crate::widgets::value::fields_to_js;
use crate::widgets::{Refusal, WidgetName};

/// The protocol's version, in every message's `neurite` field.
pub const VERSION: f64 = 1.0;

fn set(object: &Object, key: &str, value: &JsValue) {
    Reflect::set(object, &JsValue::from_str(key), value).ok();
}

/// A message of `kind` from the widget called `widget`.
fn message(kind: &str, widget: &str) -> Object {
    let object = Object::new();
    set(&object, "neurite", &JsValue::from_f64(VERSION));
    set(&object, "type", &JsValue::from_str(kind));
    set(&object, "widget", &JsValue::from_str(widget));
    object
}

fn with_state(object: &Object, live: &dyn LiveWidget) {
    set(object, "state", &fields_to_js(&live.fields()));
    set(object, "outputs", &fields_to_js(&live.outputs()));
}

fn with_request(object: &Object, request: Option<&JsValue>) {
    if let Some(request) = request {
        set(object, "request", request);
    }
}

/// `ready` or `change`, with the state and outputs.
pub fn state(kind: &str, live: &dyn LiveWidget, request: Option<&JsValue>) -> JsValue {
    let object = message(kind, live.name().key());
    with_state(&object, live);
    with_request(&object, request);
    object.into()
}

/// `error` from `widget` (as the address named it): the refusal's message in `lang` and its
/// key, with the state that was kept (if a widget is there to keep one).
pub fn error(
    widget: &str,
    live: Option<&dyn LiveWidget>,
    refusal: &Refusal,
    lang: Lang,
    request: Option<&JsValue>,
) -> JsValue {
    let object = message("error", widget);
    if let Some(live) = live {
        with_state(&object, live);
    }
    set(
        &object,
        "message",
        &JsValue::from_str(&refusal.message(lang)),
    );
    if let Some(key) = &refusal.key {
        set(&object, "key", &JsValue::from_str(key));
    }
    with_request(&object, request);
    object.into()
}

/// `resize`: the content's height in CSS pixels.
pub fn resize(name: WidgetName, height: f64) -> JsValue {
    let object = message("resize", name.key());
    set(&object, "height", &JsValue::from_f64(height));
    object.into()
}

/// What the embedding page asks of the widget.
pub enum Request {
    /// `set`: a partial state.
    Set(JsValue),
    /// `command`: a command's name (`play`, …); anything else as it was sent.
    Command(Result<String, JsValue>),
}

/// A `set` or `command` request, and its `request` number, if `data` is one.
pub fn read_request(data: &JsValue) -> Option<(Request, Option<JsValue>)> {
    let get = |key: &str| Reflect::get(data, &JsValue::from_str(key)).ok();
    if !data.is_object() || get("neurite")?.as_f64() != Some(VERSION) {
        return None;
    }
    let request = get("request").filter(|r| r.as_f64().is_some_and(f64::is_finite));
    match get("type")?.as_string().as_deref() {
        Some("set") => Some((
            Request::Set(get("state").unwrap_or(JsValue::UNDEFINED)),
            request,
        )),
        Some("command") => {
            let command = get("command").unwrap_or(JsValue::UNDEFINED);
            let name = command.as_string().ok_or(command);
            Some((Request::Command(name), request))
        }
        _ => None,
    }
}
