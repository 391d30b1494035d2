//! `widget.html`: one widget, set by its URL, talking to its host over `postMessage`.
//!
//! At start it mounts the widget, applies the URL's keys and `state` (what cannot be used is
//! refused key by key and the defaults kept), posts `ready`, then one `error` per refusal.
//! Afterwards it posts `change` after every change (the learner's or a `set`'s, which echoes its
//! `request`), `error` for every refusal, and `resize` whenever its height changes. A `set` is
//! accepted from any origin — the widget holds nothing private — and is only ever read as data.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, MessageEvent, ResizeObserver};

use super::messages::{self, Request};
use crate::dom;
use crate::i18n::{Lang, widgets as text};
use crate::widgets::host::{Catalogue, LiveWidget, Placement, UserEdit};
use crate::widgets::options::WidgetUrl;
use crate::widgets::value::patch_from_js;
use crate::widgets::{Reason, Refusal, Value, WidgetName};

/// Posts a message to the embedding page (to the page itself when it is not embedded, where
/// nothing listens).
fn post(message: &JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let target = window.parent().ok().flatten().unwrap_or(window);
    target.post_message(message, "*").ok();
}

fn body() -> Option<HtmlElement> {
    web_sys::window()?.document()?.body()
}

/// Starts the widget page with the widgets of `catalogue`.
pub fn start(catalogue: Catalogue) {
    console_error_panic_hook::set_once();
    let pairs = dom::query_pairs();
    let (url, mut refusals) = WidgetUrl::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let lang = dom::initial_lang(url.options.lang);
    dom::set_document_lang(lang);
    let Some(body) = body() else {
        return;
    };
    let Some(name) = url.name.filter(|&name| catalogue(name).is_some()) else {
        let asked = pairs
            .iter()
            .find(|(k, _)| k == "widget")
            .map_or("", |(_, v)| v);
        return unknown_widget(body, lang, asked, &refusals);
    };

    let live_cell: Rc<RefCell<Option<Rc<dyn LiveWidget>>>> = Rc::new(RefCell::new(None));
    let on_edit = {
        let live_cell = live_cell.clone();
        Rc::new(move |edit: UserEdit| {
            let Some(live) = live_cell.borrow().clone() else {
                return;
            };
            match edit {
                UserEdit::Changed | UserEdit::Progressed => {
                    post(&messages::state("change", live.as_ref(), None));
                }
                UserEdit::Refused(refusal) => post(&messages::error(
                    name.key(),
                    Some(live.as_ref()),
                    &refusal,
                    lang,
                    None,
                )),
            }
        })
    };
    let placement = Placement {
        name,
        catalogue,
        lang: Signal::stored(lang),
        controls: url.options.controls.clone(),
        compact: url.options.compact,
        on_edit,
    };
    let Some(live) = crate::mount(body.clone(), crate::Mountable::Widget(placement)) else {
        return;
    };
    refusals.extend(live.set_leniently(&url.patch));
    if let Some(json) = &url.state_json {
        match js_sys::JSON::parse(json) {
            Ok(value) => match patch_from_js(&value) {
                Ok(patch) => refusals.extend(live.set_leniently(&patch)),
                Err(refusal) => refusals.push(refusal),
            },
            Err(_) => refusals.push(Refusal::at("state", Reason::NotJson)),
        }
    }
    if let Some(first) = refusals.first() {
        live.show_refusal(first.clone());
    }
    live_cell.replace(Some(live.clone()));
    listen_for_sets(live.clone(), lang);
    post(&messages::state("ready", live.as_ref(), None));
    for refusal in &refusals {
        post(&messages::error(
            name.key(),
            Some(live.as_ref()),
            refusal,
            lang,
            None,
        ));
    }
    report_height(body, name);
}

/// Answers every `set` and `command` with one `change` or one `error`.
fn listen_for_sets(live: Rc<dyn LiveWidget>, lang: Lang) {
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some((asked, request)) = messages::read_request(&event.data()) else {
            return;
        };
        let done = match asked {
            Request::Set(state) => patch_from_js(&state).and_then(|patch| live.set(&patch)),
            Request::Command(Ok(name)) => live.command(&name),
            Request::Command(Err(other)) => Err(Refusal::at(
                "command",
                Reason::NotText {
                    got: Value::from_js(&other).describe(),
                },
            )),
        };
        match done {
            Ok(()) => post(&messages::state("change", live.as_ref(), request.as_ref())),
            Err(refusal) => {
                live.show_refusal(refusal.clone());
                post(&messages::error(
                    live.name().key(),
                    Some(live.as_ref()),
                    &refusal,
                    lang,
                    request.as_ref(),
                ));
            }
        }
    });
    if let Some(window) = web_sys::window() {
        window
            .add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref())
            .ok();
    }
    on_message.forget();
}

/// Posts the content's height now and whenever it changes.
fn report_height(body: HtmlElement, name: WidgetName) {
    let last = Rc::new(Cell::new(-1.0));
    let measured = body.clone();
    let send = move || {
        let height = measured.get_bounding_client_rect().height().ceil();
        if height != last.get() {
            last.set(height);
            post(&messages::resize(name, height));
        }
    };
    send();
    let on_resize = Closure::<dyn FnMut()>::new(send);
    if let Ok(observer) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&body);
    }
    on_resize.forget();
}

/// The page for an address that names no widget: what went wrong and the widgets there are.
fn unknown_widget(body: HtmlElement, lang: Lang, asked: &str, refusals: &[Refusal]) {
    let messages: Vec<String> = refusals.iter().map(|r| r.message(lang)).collect();
    for refusal in refusals {
        if refusal.key.as_deref() == Some("widget") {
            post(&messages::error(asked, None, refusal, lang, None));
        }
    }
    let handle = leptos::mount::mount_to(body, move || {
        view! {
            <div class="nw nw-unknown" role="alert" data-testid="unknown-widget">
                <p>{text::UNKNOWN_WIDGET.in_lang(lang)}</p>
                <ul>
                    {WidgetName::ALL.iter().map(|w| view! {
                        <li><a href=format!("?widget={}", w.key())>{w.key()}</a></li>
                    }).collect_view()}
                </ul>
                {messages.iter().map(|m| view! { <p class="nw-refusal">{m.clone()}</p> }).collect_view()}
            </div>
        }
    });
    handle.forget();
}
