//! The training worker's entry point (see `neurite_web::worker`).

fn main() {
    neurite_web::run_worker();
}
