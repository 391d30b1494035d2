//! The Neurite playground in the browser: a Leptos page on the main thread, and a Web Worker
//! that trains the engine on MNIST in short slices of time.
//!
//! - [`protocol`]: every message between the page and the worker.
//! - [`session`]: the worker's state machine, platform-free so it is unit-tested natively.
//! - [`plane`]: the 2-D playground's runs, its messages and its worker's state machine.
//! - [`test_set`]: the test images as the page holds them.
//! - [`formulas`]: formulas written out with the engine's numbers, for "show the math".
//! - [`draft`]: the controls' raw values, turned into the engine's checked configuration.
//! - [`reset_plan`]: what a change of the controls does to the worker's run.
//! - [`i18n`]: the site's text in English and 简体中文, and the glossary.
//! - [`widgets`]: the embeddable widgets — their states, URLs and refusals (pure), and their
//!   views and shell (wasm32).
//! - [`article`]: the bilingual article that composes them.
//! - `embed` (wasm32 only): `widget.html`'s side of the embedding API.
//! - `plane_page` (wasm32 only): `plane.html`, the 2-D playground with its setup in the address.
//! - `worker` and `ui` (wasm32 only): the browser glue of each thread; `slices` (wasm32
//!   only): how both workers share their time between training and requests.
//!
//! Everything drawn with Leptos (`ui`, `dom`, `embed`, the widgets' views and the article's page)
//! is behind the default feature `ui`: the trainer's binaries are built without it, so their
//! builds never compile Leptos.

pub mod article;
pub mod draft;
pub mod exporter;
pub mod formulas;
pub mod i18n;
pub mod plane;
pub mod protocol;
pub mod reset_plan;
pub mod session;
pub mod state;
pub mod test_set;
pub mod widgets;

#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod dom;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod embed;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod plane_page;
#[cfg(target_arch = "wasm32")]
pub mod slices;
#[cfg(target_arch = "wasm32")]
pub mod transport;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// What [`mount`] puts on a page.
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub enum Mountable {
    /// One widget, placed as it says (no worker: a widget computes on the main thread).
    Widget(widgets::host::Placement),
    /// The whole MNIST playground, with its own training worker.
    Playground,
}

/// Puts a widget, or the whole playground, into `element` — any element of any page. A widget's
/// handle comes back, to read and set its state.
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub fn mount(
    element: web_sys::HtmlElement,
    what: Mountable,
) -> Option<std::rc::Rc<dyn widgets::host::LiveWidget>> {
    match what {
        Mountable::Widget(placement) => widgets::host::mount(element, placement),
        Mountable::Playground => {
            ui::mount_into(element);
            None
        }
    }
}

/// The `widgets`, `descent` and `backprop` binaries' `main`: one widget of `catalogue`, as `widget.html`
/// shows it (see [`embed`]); `widgets-boot.js` loads the bundle that holds the widget asked for.
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub fn run_widget_page(catalogue: widgets::host::Catalogue) {
    embed::frame::start(catalogue);
}

/// The `plane` binary's `main`: the 2-D playground as `plane.html` shows it (a page whose
/// `<body data-page="plane">`), or as the widget `playground2d` of `widget.html`.
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub fn run_plane_bundle() {
    let page = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-page"));
    if page.as_deref() == Some("plane") {
        plane_page::start();
    } else {
        embed::frame::start(widgets::host::plane_lab);
    }
}

/// The `learn` binary's `main`: the article, as `learn.html` shows it.
pub fn run_article_page() {
    #[cfg(all(target_arch = "wasm32", feature = "ui"))]
    article::page::start();
    #[cfg(not(all(target_arch = "wasm32", feature = "ui")))]
    eprintln!("the article runs in a browser: build it with Trunk");
}

/// The worker binaries' `main`: starts the trainer in a dedicated worker (wasm32), or says
/// where it runs (elsewhere).
pub fn run_worker() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the worker runs in a browser: build it with Trunk");
}

/// The `exporter` binary's `main`: answers the page's export requests in a dedicated worker
/// (wasm32), or says where it runs (elsewhere).
pub fn run_exporter() {
    #[cfg(target_arch = "wasm32")]
    exporter::worker::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the exporter runs in a browser: build it with Trunk");
}

/// The 2-D playground worker's `main`: starts its trainer in a dedicated worker (wasm32), or
/// says where it runs (elsewhere).
pub fn run_plane_worker() {
    #[cfg(target_arch = "wasm32")]
    plane::worker::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the 2-D playground's worker runs in a browser: build it with Trunk");
}
