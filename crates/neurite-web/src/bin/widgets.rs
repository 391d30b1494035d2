//! `widget.html`'s entry point (see `neurite_web::run_widget_page`).

fn main() {
    neurite_web::run_widget_page();
}
