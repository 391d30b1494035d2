//! The page: a Leptos (client-side rendered) app on the main thread. It holds no model: it
//! sends requests to the worker (drawings to classify among them) and shows what comes back.

mod address;
mod app;
mod charts;
mod compared;
mod confusion;
mod controls;
mod conv_controls;
mod copy_link;
mod digit;
mod digit_grid;
mod digit_store;
pub mod drawing;
mod example_math;
mod exports;
pub mod feature_maps;
mod gallery;
mod link;
mod model_io;
mod my_digits;
mod saved_runs;
mod state;
mod status;
mod storage;
mod summary;
pub mod weights;

/// Mounts the playground into `<body>`.
pub fn mount() {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        mount_into(body);
    }
}

/// Mounts the playground into `element` (any element of a page); it starts its own worker. Its
/// setup lives in the page's address (the hash; see `address`), which it reads and writes.
pub fn mount_into(element: web_sys::HtmlElement) {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to(element, app::App).forget();
}
