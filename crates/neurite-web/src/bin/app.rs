//! The page's entry point (see `neurite_web::ui`).

#[cfg(target_arch = "wasm32")]
fn main() {
    neurite_web::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the playground runs in a browser: build it with Trunk");
}
