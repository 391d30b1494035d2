//! The 2-D playground's bundle: the page `plane.html`, and the widget `playground2d` as
//! `widget.html` shows it (see `neurite_web::run_plane_bundle`). Its trainer is the
//! `plane-worker` binary.

fn main() {
    #[cfg(target_arch = "wasm32")]
    neurite_web::run_plane_bundle();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the 2-D playground runs in a browser: build it with Trunk");
}
