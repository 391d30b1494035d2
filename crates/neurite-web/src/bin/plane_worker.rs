//! The 2-D playground's training worker's entry point (see `neurite_web::plane::worker`).

fn main() {
    neurite_web::run_plane_worker();
}
