//! `widget.html`'s bundle of the primer's first widgets: `neuron`, `activation`, `loss` (see
//! `neurite_web::run_widget_page`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    neurite_web::run_widget_page(neurite_web::widgets::host::basics);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the widgets run in a browser: build them with Trunk");
}
