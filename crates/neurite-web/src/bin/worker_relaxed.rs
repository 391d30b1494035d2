//! The training worker's entry point in its relaxed-SIMD build (`--features relaxed-simd`):
//! the same worker as `worker`, under its own name so that Trunk's outputs of the two builds
//! sit side by side.

fn main() {
    neurite_web::run_worker();
}
