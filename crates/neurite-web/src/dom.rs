//! Small browser helpers the pages share: the page's query, the saved language, storage, a
//! canvas's context, the clock, and deferring work to a task of its own.

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

/// A canvas's 2-D context.
pub fn context_2d(
    canvas: &web_sys::HtmlCanvasElement,
) -> Option<web_sys::CanvasRenderingContext2d> {
    use wasm_bindgen::JsCast;
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// The page's clock, in milliseconds (`performance.now()`, else the date's).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Runs `f` in a task of its own, after the current one (and its microtasks) ends: work that
/// would make one long task is split by it so that the page keeps answering.
pub fn next_task(f: impl FnOnce() + 'static) {
    leptos::prelude::set_timeout(f, std::time::Duration::ZERO);
}

/// Resolves in a task of its own, after the current one ends: an `async` job that awaits it
/// splits there, as [`next_task`] splits a job of closures.
pub async fn next_task_begins() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        next_task(move || {
            resolve.call0(&wasm_bindgen::JsValue::UNDEFINED).ok();
        });
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.ok();
}

/// Work done a step per task, which a newer start replaces: [`Steps::start`] runs its step in
/// the next task, and again in the task after while the step says there is more to do, until
/// `start` is called again (the older steps then stop) or the page part that owns the steps
/// has gone. A change that would make one long task is spread this way: a few cells of a
/// table, a few slots of a grid per task.
#[derive(Clone, Copy)]
pub struct Steps {
    /// Bumped at each start; steps of an older start see it moved on and stop.
    generation: leptos::prelude::StoredValue<u64>,
}

impl Steps {
    /// No steps yet.
    pub fn new() -> Self {
        Steps {
            generation: leptos::prelude::StoredValue::new(0),
        }
    }

    /// Stops the steps started before, and runs `step` from the next task on, one call per
    /// task, while it returns `true`.
    pub fn start(self, step: impl FnMut() -> bool + 'static) {
        use leptos::prelude::*;
        fn run(generation: StoredValue<u64>, mine: u64, mut step: impl FnMut() -> bool + 'static) {
            if generation.try_get_value() == Some(mine) && step() {
                next_task(move || run(generation, mine, step));
            }
        }
        let Some(mine) = self.generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        let generation = self.generation;
        next_task(move || run(generation, mine, step));
    }
}

impl Default for Steps {
    fn default() -> Self {
        Self::new()
    }
}

/// A redraw of something that follows a value changing many times a second: at most one waits
/// at a time, and it runs in a task of its own, so that neither the task that changed the value
/// nor the frame that paints the result holds the main thread long; with
/// [`Redraw::at_most_every`], also no sooner than an interval after the previous one.
/// [`Redraw::request`] asks for one, however often it is called before it runs.
#[derive(Clone, Copy)]
pub struct Redraw {
    pending: leptos::prelude::StoredValue<bool>,
    /// When the last redraw ran (the page's clock, in milliseconds).
    last_ms: leptos::prelude::StoredValue<f64>,
    interval_ms: f64,
}

impl Redraw {
    /// A redraw in the next task.
    pub fn new() -> Self {
        Self::at_most_every(0.0)
    }

    /// A redraw in a later task, `interval_ms` or more after the previous one.
    pub fn at_most_every(interval_ms: f64) -> Self {
        use leptos::prelude::StoredValue;
        Redraw {
            pending: StoredValue::new(false),
            last_ms: StoredValue::new(f64::NEG_INFINITY),
            interval_ms,
        }
    }

    /// Runs `draw` in a task of its own, unless a redraw is already waiting.
    pub fn request(self, draw: impl FnOnce() + 'static) {
        use leptos::prelude::*;
        if self.pending.get_value() {
            return;
        }
        self.pending.set_value(true);
        let wait = (self.last_ms.get_value() + self.interval_ms - now_ms()).max(0.0);
        let run = move || {
            // The page (and this value) may have gone since.
            if self.pending.try_set_value(false).is_some() {
                return;
            }
            self.last_ms.set_value(now_ms());
            draw();
        };
        set_timeout(run, std::time::Duration::from_secs_f64(wait / 1000.0));
    }
}

impl Default for Redraw {
    fn default() -> Self {
        Self::new()
    }
}

/// A copy of `source` that follows it one task later: what reads the copy is updated in a task
/// of its own, not in the one that changed `source` (a worker's reply with its own work).
pub fn deferred<T: Clone + PartialEq + Send + Sync + 'static>(
    source: leptos::prelude::Memo<T>,
) -> leptos::prelude::ReadSignal<T> {
    use leptos::prelude::*;
    let (copy, set_copy) = signal(source.get_untracked());
    let later = Redraw::new();
    Effect::new(move |_| {
        // Read, not only tracked: a memo never read has no sources, and never changes.
        source.with(|_| ());
        later.request(move || {
            let value = source.get_untracked();
            if copy.with_untracked(|c| *c != value) {
                set_copy.set(value);
            }
        });
    });
    copy
}

/// Offers `bytes` as a file download called `file_name`, of type `mime`.
pub fn download(bytes: &[u8], file_name: &str, mime: &str) {
    use wasm_bindgen::JsCast;
    let offered = (|| {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let document = web_sys::window()?.document()?;
        let anchor: web_sys::HtmlAnchorElement =
            document.create_element("a").ok()?.dyn_into().ok()?;
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
        web_sys::Url::revoke_object_url(&url).ok()
    })();
    if offered.is_none() {
        web_sys::console::error_1(&format!("neurite: cannot offer {file_name}").into());
    }
}
