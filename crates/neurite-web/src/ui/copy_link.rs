//! "Copy link": puts the page's address — which holds the whole setup (see `ui::address`) — on
//! the clipboard with `navigator.clipboard.writeText`. Where the page has no clipboard (an
//! address that is not `https`) or the browser refuses, the link is shown in a read-only
//! field, selected, for the learner to copy.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::dom;
use crate::draft::Refusal;
use crate::i18n::{Lang, links};

/// What the last press of the button did.
#[derive(Debug, Clone, PartialEq)]
enum Copied {
    /// Nothing yet, or the setup changed since.
    Not,
    /// The link is on the clipboard.
    Yes,
    /// The browser did not let the page copy: the link, to copy by hand.
    ByHand(String),
}

/// Writes `text` to the clipboard; whether the browser took it.
async fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    // Read as a property: `navigator.clipboard` is undefined outside secure contexts.
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null());
    let Some(clipboard) = clipboard else {
        return false;
    };
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let promise = write
        .and_then(|write| write.call1(&clipboard, &text.into()).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    match promise {
        Some(promise) => JsFuture::from(promise).await.is_ok(),
        None => false,
    }
}

/// The button, and what it did. `setup` is the checked setup: when it changes, what the button
/// said of the old link goes.
#[component]
pub fn CopyLink(
    setup: Memo<Result<neurite::CheckedConfig, Refusal>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let t = move |text: crate::i18n::Tr| text.in_lang(lang.get());
    let copied = RwSignal::new(Copied::Not);
    let field = NodeRef::<Input>::new();
    Effect::new(move |_| {
        setup.track();
        copied.set(Copied::Not);
    });
    // The field is selected once it is on the page, ready for Ctrl+C.
    Effect::new(move |_| {
        if let Some(input) = field.get() {
            dom::next_task(move || {
                input.focus().ok();
                input.select();
            });
        }
    });
    let copy = move |_| {
        let Some(address) = web_sys::window().and_then(|w| w.location().href().ok()) else {
            return;
        };
        spawn_local(async move {
            let done = if write_clipboard(&address).await {
                Copied::Yes
            } else {
                Copied::ByHand(address)
            };
            copied.set(done);
        });
    };
    view! {
        <div class="copy-link">
            <button data-testid="copy-link" title=move || t(links::COPY_LINK_HINT) on:click=copy>
                {move || t(links::COPY_LINK)}
            </button>
            {move || (copied.get() == Copied::Yes).then(|| view! {
                <span class="hint" data-testid="link-copied" role="status">{move || t(links::LINK_COPIED)}</span>
            })}
            {move || match copied.get() {
                Copied::ByHand(address) => Some(view! {
                    <label class="copy-by-hand">
                        <span class="hint">{move || t(links::COPY_BY_HAND)}</span>
                        <input type="text" readonly data-testid="link-field" node_ref=field
                            aria-label=move || t(links::LINK_FIELD) prop:value=address/>
                    </label>
                }),
                _ => None,
            }}
        </div>
    }
}
