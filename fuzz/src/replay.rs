//! Replaying inputs through a target's body: its seeds, the seed corpus on disk
//! (`fuzz/corpus/<target>/`) and every crash or hang the fuzzer ever found
//! (`fuzz/regressions/<target>/`), as the regression tests do.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// Where a target's inputs are kept under `fuzz/`: its seed corpus and its regressions.
pub const INPUT_DIRS: [&str; 2] = ["corpus", "regressions"];

/// The files of `fuzz/<dir>/<target>/` for each of [`INPUT_DIRS`], sorted (none for a folder
/// that does not exist).
pub fn input_files(fuzz_dir: &Path, target: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = INPUT_DIRS
        .iter()
        .filter_map(|dir| std::fs::read_dir(fuzz_dir.join(dir).join(target)).ok())
        .flatten()
        .map(|entry| entry.expect("a readable folder").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `body` on each seed and each input file of `target`, from a test of the crate in
/// `crate_dir` (`crates/<name>`, beside `fuzz/`); panics naming every input that failed, or if
/// the seed corpus on disk holds fewer files than there are seeds.
pub fn replay(
    crate_dir: &str,
    target: &str,
    body: fn(&[u8]),
    seeds: fn() -> Vec<(String, Vec<u8>)>,
) {
    let files = input_files(&Path::new(crate_dir).join("../../fuzz"), target);
    let seeds = seeds();
    assert!(
        files.len() >= seeds.len(),
        "{target}: {} files for {} seeds (run fuzz's make_corpus)",
        files.len(),
        seeds.len()
    );
    let from_files = files.iter().map(|path| {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        (path.display().to_string(), bytes)
    });
    let seeds = seeds
        .into_iter()
        .map(|(name, bytes)| (format!("seed {name}"), bytes));
    let failed: Vec<String> = seeds
        .chain(from_files)
        .filter(|(_, bytes)| catch_unwind(AssertUnwindSafe(|| body(bytes))).is_err())
        .map(|(name, _)| name)
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: these inputs fail: {failed:#?}"
    );
}
