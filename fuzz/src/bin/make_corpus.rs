//! Writes each target's seeds to `fuzz/corpus/<target>/`, the seed corpus AFL++ starts from
//! and the replay tests run. `cargo run --bin make_corpus [FUZZ_DIR]`.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let fuzz_dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    for target in &neurite_fuzz::TARGETS {
        let dir = fuzz_dir.join("corpus").join(target.name);
        std::fs::create_dir_all(&dir)?;
        let seeds = (target.seeds)();
        for (name, bytes) in &seeds {
            std::fs::write(dir.join(name), bytes)?;
        }
        println!(
            "{}: {} seeds in {}",
            target.name,
            seeds.len(),
            dir.display()
        );
    }
    Ok(())
}
