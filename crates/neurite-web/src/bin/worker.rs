//! The training worker's entry point (see `neurite_web::worker`).

#[cfg(target_arch = "wasm32")]
fn main() {
    neurite_web::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the worker runs in a browser: build it with Trunk");
}
