//! Small browser helpers the pages share: the page's query, the saved language, storage, and
//! deferring work to a task of its own.

use crate::i18n::Lang;

/// Where the language choice is remembered.
const LANG_KEY: &str = "neurite.lang";

/// The page's `localStorage`, where the browser allows it.
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The page's query as decoded `(key, value)` pairs, in order.
pub fn query_pairs() -> Vec<(String, String)> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&params) {
        for entry in entries.flatten() {
            let entry = js_sys::Array::from(&entry);
            if let (Some(key), Some(value)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                pairs.push((key, value));
            }
        }
    }
    pairs
}

/// The language to start in: the address's `lang`, then the learner's saved choice, then the
/// browser's language, then English.
pub fn initial_lang(from_url: Option<Lang>) -> Lang {
    from_url
        .or_else(|| {
            storage()
                .and_then(|s| s.get_item(LANG_KEY).ok()?)
                .map(|code| Lang::from_code(&code))
        })
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .map(|code| Lang::from_code(&code))
        })
        .unwrap_or_default()
}

/// Remembers the learner's choice and sets `<html lang>`.
pub fn save_lang(lang: Lang) {
    if let Some(storage) = storage() {
        storage.set_item(LANG_KEY, lang.code()).ok();
    }
    set_document_lang(lang);
}

/// Keeps `<html lang>` on the page's language, and remembers the language once the learner
/// changes it (the start language, from the address or the browser, is not a choice).
pub fn follow_lang(lang: leptos::prelude::Signal<Lang>) {
    use leptos::prelude::*;
    Effect::new(move |first: Option<()>| {
        let lang = lang.get();
        if first.is_some() {
            save_lang(lang);
        } else {
            set_document_lang(lang);
        }
    });
}

/// Sets `<html lang>` (for fonts, hyphenation and screen readers).
pub fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        root.set_attribute("lang", lang.code()).ok();
    }
}

/// Runs `f` in a task of its own, after the current one (and its microtasks) ends: work that
/// would make one long task is split by it so that the page keeps answering.
pub fn next_task(f: impl FnOnce() + 'static) {
    leptos::prelude::set_timeout(f, std::time::Duration::ZERO);
}
