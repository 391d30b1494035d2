//! `plane.html`: the 2-D playground as a page of the site. Its whole setup lives in the
//! address's hash, written as TensorFlow Playground writes its own (so a Playground link pasted
//! here opens its setup, and this page's link reproduces its data and first weights); the hash
//! follows every change, and a new hash (a link pasted into the address bar) is read again.
//! What a link holds that cannot be used is listed, key by key, above the playground.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::dom;
use crate::i18n::{Lang, Tr};
use crate::widgets::host::{LiveWidget, Placement, UserEdit, mount, plane_lab};
use crate::widgets::options::Controls;
use crate::widgets::playground2d::{Playground2d, ReadHash, read_hash};
use crate::widgets::value::as_patch;
use crate::widgets::{Refusal, WidgetName, WidgetState};

const TITLE: Tr = Tr {
    en: "Neurite 2-D playground",
    zh: "Neurite 二维实验场",
};
const REFUSED: Tr = Tr {
    en: "Parts of this link could not be used and were left at their defaults:",
    zh: "链接中有些内容无法使用，已保留默认值：",
};
const MORE: Tr = Tr {
    en: "more",
    zh: "条未列出",
};
const MNIST: Tr = Tr {
    en: "MNIST playground",
    zh: "MNIST 实验场",
};
const ARTICLE: Tr = Tr {
    en: "Learn",
    zh: "学习",
};

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// The controls a link leaves shown.
fn controls(read: &ReadHash) -> Controls {
    if read.hidden_controls.is_empty() {
        return Controls::All;
    }
    Controls::Only(
        Playground2d::KEYS
            .iter()
            .filter(|k| !read.hidden_controls.iter().any(|h| h == *k))
            .map(|k| k.to_string())
            .collect(),
    )
}

/// Writes `live`'s state into the address's hash (without a new history entry).
fn write_hash(live: &dyn LiveWidget) {
    let Ok(state) = Playground2d::default().patched(&as_patch(live.fields())) else {
        return;
    };
    let hash = format!("#{}", state.hash());
    let Some(window) = web_sys::window() else {
        return;
    };
    if window.location().hash().ok().as_deref() == Some(hash.as_str()) {
        return;
    }
    if let Ok(history) = window.history() {
        history
            .replace_state_with_url(&JsValue::NULL, "", Some(&hash))
            .ok();
    }
}

/// Starts the page.
pub fn start() {
    console_error_panic_hook::set_once();
    let lang = dom::initial_lang(
        dom::query_pairs()
            .iter()
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| Lang::from_code(v)),
    );
    dom::set_document_lang(lang);
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let hash = location().and_then(|l| l.hash().ok()).unwrap_or_default();
    let read = read_hash(&hash);
    let refusals = RwSignal::new((read.refusals.clone(), read.more_refusals));
    let live_cell: Rc<RefCell<Option<Rc<dyn LiveWidget>>>> = Rc::new(RefCell::new(None));
    let on_edit = {
        let live_cell = live_cell.clone();
        Rc::new(move |edit: UserEdit| {
            if edit == UserEdit::Changed
                && let Some(live) = live_cell.borrow().as_ref()
            {
                write_hash(live.as_ref());
            }
        })
    };
    let placement = Placement {
        name: WidgetName::Playground2d,
        catalogue: plane_lab,
        lang: Signal::stored(lang),
        controls: controls(&read),
        compact: false,
        on_edit,
    };
    let header = leptos::mount::mount_to(body.clone(), move || {
        view! {
            <header class="nw-page-header">
                <h1>{TITLE.in_lang(lang)}</h1>
                <nav>
                    <a href="index.html">{MNIST.in_lang(lang)}</a>
                    " · "
                    <a href="learn.html">{ARTICLE.in_lang(lang)}</a>
                </nav>
                {move || {
                    let (list, more) = refusals.get();
                    (!list.is_empty()).then(|| view! {
                        <div class="nw-link-refusals" role="alert" data-testid="link-refusals">
                            <p>{REFUSED.in_lang(lang)}</p>
                            <ul>
                                {list.iter().map(|r: &Refusal| view! { <li>{r.message(lang)}</li> }).collect_view()}
                                {(more > 0).then(|| view! { <li>{format!("… {more} {}", MORE.in_lang(lang))}</li> })}
                            </ul>
                        </div>
                    })
                }}
            </header>
        }
    });
    header.forget();
    let Some(live) = mount(body, placement) else {
        return;
    };
    live.set(&as_patch(read.state.fields())).ok();
    live_cell.replace(Some(live.clone()));
    write_hash(live.as_ref());

    // A link pasted into the address bar: read it again.
    let on_hash = Closure::<dyn FnMut()>::new(move || {
        let hash = location().and_then(|l| l.hash().ok()).unwrap_or_default();
        let read = read_hash(&hash);
        refusals.set((read.refusals.clone(), read.more_refusals));
        live.set(&as_patch(read.state.fields())).ok();
        write_hash(live.as_ref());
    });
    if let Some(window) = web_sys::window() {
        window
            .add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref())
            .ok();
    }
    on_hash.forget();
}
