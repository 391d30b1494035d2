//! The exporter worker's entry point (see `neurite_web::exporter`).

fn main() {
    neurite_web::run_exporter();
}
