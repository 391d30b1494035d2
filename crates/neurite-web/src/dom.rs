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

/// How long one task of [`after_frame`]'s queue may run jobs before it lets the browser draw
/// what they changed (by the page's clock: on a CPU throttled 4×, a quarter of it is work).
const FRAME_JOBS_BUDGET_MS: f64 = 8.0;

/// How long the queue waits for a frame before it runs anyway: a page that is not drawn (a
/// hidden tab) gets no frames, and its jobs (a checkpoint's write among them) must still run.
const FRAME_WAIT_MS: u64 = 250;

thread_local! {
    static FRAME_JOBS: std::cell::RefCell<std::collections::VecDeque<Box<dyn FnOnce()>>> =
        std::cell::RefCell::default();
    /// Bumped each time the queue waits for a frame; of the frame and the timer that wait,
    /// the first to come runs the jobs, the other sees the number moved on.
    static FRAME_WAIT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static FRAME_WAITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Set by a job whose work goes on in the task's microtasks (an `async` continuation): no
    /// other job may run in its task, since the budget cannot see that work.
    static FRAME_TURN_ENDS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `job` after the browser has drawn the next frame, in a task of its own; jobs run in the
/// order they were given, as many per task as fit in [`FRAME_JOBS_BUDGET_MS`] (at least one),
/// and the browser draws between those tasks.
///
/// This is for work that follows a change the page already shows (an epoch's confusion matrix,
/// gallery, first-layer weights and checkpoint): run in tasks of their own but one after the
/// other, they held the renderer back until all were done, and one frame then laid out,
/// painted and committed everything they changed (77 ms at an epoch's end on a 4×-throttled
/// CPU). Queued here, each frame draws one job's changes.
pub fn after_frame(job: impl FnOnce() + 'static) {
    FRAME_JOBS.with_borrow_mut(|jobs| jobs.push_back(Box::new(job)));
    wait_for_frame();
}

/// Runs `task` from a task of [`after_frame`]'s queue, which it has to itself: what it does
/// until its first `await` runs in that task's microtasks.
pub fn spawn_after_frame(task: impl std::future::Future<Output = ()> + 'static) {
    after_frame(move || {
        FRAME_TURN_ENDS.set(true);
        wasm_bindgen_futures::spawn_local(task);
    });
}

/// Resolves after the next frame, in a task of [`after_frame`]'s queue that the awaiting
/// `async` job has to itself: it lets the browser draw there.
pub async fn after_frame_begins() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        after_frame(move || {
            FRAME_TURN_ENDS.set(true);
            resolve.call0(&wasm_bindgen::JsValue::UNDEFINED).ok();
        });
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.ok();
}

/// Asks for the queue to run after the next frame (or [`FRAME_WAIT_MS`], whichever is first),
/// unless it already waits.
fn wait_for_frame() {
    if FRAME_WAITING.replace(true) {
        return;
    }
    let wait = FRAME_WAIT.with(|w| {
        w.set(w.get() + 1);
        w.get()
    });
    let run_if_first = move || {
        if FRAME_WAIT.get() == wait && FRAME_WAITING.get() {
            FRAME_WAIT.set(wait + 1);
            run_frame_jobs();
        }
    };
    // A task after the frame's own: what the jobs change is drawn by the frame after it.
    leptos::prelude::request_animation_frame(move || next_task(run_if_first));
    leptos::prelude::set_timeout(
        run_if_first,
        std::time::Duration::from_millis(FRAME_WAIT_MS),
    );
}

/// Runs queued jobs for up to [`FRAME_JOBS_BUDGET_MS`] (or until one that goes on in this
/// task's microtasks), then waits for the next frame if any are left.
fn run_frame_jobs() {
    FRAME_WAITING.set(false);
    let start = now_ms();
    loop {
        let Some(job) = FRAME_JOBS.with_borrow_mut(|jobs| jobs.pop_front()) else {
            return;
        };
        job();
        if FRAME_TURN_ENDS.replace(false) || now_ms() - start >= FRAME_JOBS_BUDGET_MS {
            break;
        }
    }
    if FRAME_JOBS.with_borrow(|jobs| !jobs.is_empty()) {
        wait_for_frame();
    }
}

/// Work done a step at a time, which a newer start replaces: [`Steps::start`] runs its step
/// after the next frame (in [`after_frame`]'s queue), and again after the frame that follows
/// while the step says there is more to do, until `start` is called again (the older steps
/// then stop) or the page part that owns the steps has gone. A change that would make one long
/// task, or one long frame, is spread this way: a few cells of a table, a few slots of a grid at
/// a time.
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

    /// Stops the steps started before, and runs `step` from after the next frame on, one call
    /// per turn of [`after_frame`]'s queue, while it returns `true`.
    pub fn start(self, step: impl FnMut() -> bool + 'static) {
        use leptos::prelude::*;
        fn run(generation: StoredValue<u64>, mine: u64, mut step: impl FnMut() -> bool + 'static) {
            if generation.try_get_value() == Some(mine) && step() {
                after_frame(move || run(generation, mine, step));
            }
        }
        let Some(mine) = self.generation.try_update_value(|g| {
            *g += 1;
            *g
        }) else {
            return;
        };
        let generation = self.generation;
        after_frame(move || run(generation, mine, step));
    }
}

impl Default for Steps {
    fn default() -> Self {
        Self::new()
    }
}

/// A redraw of something that follows a value changing many times a second: at most one waits
/// at a time, and it runs in a task of its own, so that neither the task that changed the value
/// nor the frame that paints the result holds the main thread long. [`Redraw::new`]'s runs in
/// [`after_frame`]'s queue; [`Redraw::at_most_every`]'s no sooner than an interval after the
/// previous one. [`Redraw::request`] asks for one, however often it is called before it runs.
#[derive(Clone, Copy)]
pub struct Redraw {
    pending: leptos::prelude::StoredValue<bool>,
    /// When the last redraw ran (the page's clock, in milliseconds).
    last_ms: leptos::prelude::StoredValue<f64>,
    /// `None`: after the next frame.
    interval_ms: Option<f64>,
}

impl Redraw {
    /// A redraw after the next frame, in [`after_frame`]'s queue.
    pub fn new() -> Self {
        Self::with_interval(None)
    }

    /// A redraw in a later task, `interval_ms` or more after the previous one.
    pub fn at_most_every(interval_ms: f64) -> Self {
        Self::with_interval(Some(interval_ms))
    }

    fn with_interval(interval_ms: Option<f64>) -> Self {
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
        let run = move || {
            // The page (and this value) may have gone since.
            if self.pending.try_set_value(false).is_some() {
                return;
            }
            self.last_ms.set_value(now_ms());
            draw();
        };
        match self.interval_ms {
            None => after_frame(run),
            Some(interval_ms) => {
                let wait = (self.last_ms.get_value() + interval_ms - now_ms()).max(0.0);
                set_timeout(run, std::time::Duration::from_secs_f64(wait / 1000.0));
            }
        }
    }
}

impl Default for Redraw {
    fn default() -> Self {
        Self::new()
    }
}

/// A copy of `source` that follows it after the next frame (in [`after_frame`]'s queue): what
/// reads the copy is updated in a task of its own, not in the one that changed `source` (a
/// worker's reply with its own work), and drawn in a frame of its own.
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
