//! The page: a Leptos (client-side rendered) app on the main thread. It holds no model: it
//! sends requests to the worker (drawings to classify among them) and shows what comes back.

mod app;
mod charts;
mod confusion;
mod controls;
mod digit;
pub mod drawing;
mod gallery;
mod link;
mod model_io;
mod state;
mod status;
mod summary;
pub mod weights;

/// Mounts the playground into `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
