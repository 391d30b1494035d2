//! The page's address holds the playground's setup (`index.html#lr=0.01&batch=64&…`, the
//! grammar of [`crate::state::playground_url`]): a link opened sets the controls, the address
//! follows every change of the controls that checks (with `history.replaceState`, so no
//! history entry per change), and a link pasted into the address bar is opened again. What a
//! link could not set is listed in a notice the learner can dismiss ([`LinkRefusals`]).

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::dom::Redraw;
use crate::i18n::{Lang, Text, links};
use crate::state::playground_url::{LinkRefusal, OpenedLink, open_link, write_link};
use crate::ui::state::RunControl;

/// Least time between two writes of the address, in milliseconds: the learning-rate slider
/// changes the setup at every step of a drag, and browsers throttle a page that replaces its
/// address too often.
const WRITE_MS: f64 = 200.0;

/// A link's refusals as the notice lists them: the first ones, and how many more.
pub type ShownRefusals = RwSignal<Option<(Vec<LinkRefusal>, usize)>>;

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// The page's link, opened: the controls it sets, and its refusals.
pub fn open_address() -> OpenedLink {
    open_link(&location().and_then(|l| l.hash().ok()).unwrap_or_default())
}

/// Writes `link` as the address's hash, without a new history entry; the seed program's empty
/// link leaves no `#`.
fn write_address(link: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let hash = if link.is_empty() {
        String::new()
    } else {
        format!("#{link}")
    };
    if location.hash().ok().as_deref() == Some(hash.as_str()) {
        return;
    }
    let address = format!(
        "{}{}{hash}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        history
            .replace_state_with_url(&JsValue::NULL, "", Some(&address))
            .ok();
    }
}

/// Keeps the address on the controls: each setup that checks is written (a draft being typed
/// that does not check leaves the last one).
pub fn follow_controls(control: RunControl) {
    let write = Redraw::at_most_every(WRITE_MS);
    Effect::new(move |_| {
        control.checked.track();
        write.request(move || {
            if let Some(Ok(checked)) = control.checked.try_get_untracked() {
                write_address(&write_link(&checked));
            }
        });
    });
}

/// Opens a link that replaces the address's hash (pasted into the address bar, or followed
/// from another page of the site): its setup becomes the controls', as a change of them.
pub fn follow_address(control: RunControl, shown: ShownRefusals) {
    let on_hash = Closure::<dyn FnMut()>::new(move || {
        let opened = open_address();
        shown.set(Some((opened.refusals, opened.more_refusals)));
        control.edit(|draft| *draft = opened.draft);
    });
    if let Some(window) = web_sys::window() {
        window
            .add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref())
            .ok();
    }
    on_hash.forget();
}

/// The notice of what the page's link could not set, until dismissed.
#[component]
pub fn LinkRefusals(shown: ShownRefusals, lang: Signal<Lang>) -> impl IntoView {
    let listed = move || {
        shown
            .get()
            .filter(|(list, more)| !list.is_empty() || *more > 0)
    };
    move || {
        listed().map(|(list, more)| {
            view! {
                <div class="notice link-refusals" data-testid="link-refusals" role="alert">
                    <div>
                        <p>{move || links::REFUSED.in_lang(lang.get())}</p>
                        <ul>
                            {list.into_iter().map(|refusal| view! {
                                <li data-testid="link-refusal">{move || refusal.message(lang.get())}</li>
                            }).collect_view()}
                            {(more > 0).then(|| view! {
                                <li>{move || links::more(more, lang.get())}</li>
                            })}
                        </ul>
                    </div>
                    <button data-testid="link-refusals-dismiss" title=move || Text::Dismiss.in_lang(lang.get())
                        on:click=move |_| shown.set(None)>"×"</button>
                </div>
            }
        })
    }
}
