//! The engine's fuzz targets (`fuzz/`), replayed as regression tests: the same target bodies,
//! under the same bounds (512 MiB of live heap, 10 s an input), run on their seeds, on the seed
//! corpus and on every crash or hang the fuzzer found (`fuzz/regressions/`). Also checks that
//! the bounds themselves catch what they are for.

#[path = "../../../fuzz/src/bound.rs"]
mod bound;
#[path = "../../../fuzz/src/idx.rs"]
mod idx;
#[path = "../../../fuzz/src/model_file.rs"]
mod model_file;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;

use std::process::Command;
use std::time::Duration;

#[test]
fn model_file_inputs_are_refused_or_read_back_within_the_bounds() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "model_file",
        model_file::model_file,
        model_file::seeds,
    );
}

#[test]
fn idx_inputs_are_refused_or_read_back_within_the_bounds() {
    replay::replay(env!("CARGO_MANIFEST_DIR"), "idx", idx::idx, idx::seeds);
}

#[test]
fn the_seeds_are_read_not_refused() {
    for (name, bytes) in model_file::seeds() {
        if let Err(e) = neurite::model_file::from_bytes(&bytes) {
            panic!("{name}: {e}");
        }
    }
    for (name, bytes) in idx::seeds() {
        let (images, labels) = idx::split(&bytes);
        for file in [images, labels] {
            if let Err(e) = neurite::data::parse_idx(file, "seed") {
                panic!("{name}: {e}");
            }
        }
        // Every seed but the one of other shapes is an image set with its labels.
        let dataset = neurite::Dataset::from_idx_bytes("seed", images, labels);
        assert_eq!(
            dataset.is_ok(),
            name != "other_shapes.idx2",
            "{name}: {dataset:?}"
        );
    }
}

/// Set in the child process of the test below, which then allocates past the bound.
const OVER_BOUND_CHILD: &str = "NEURITE_FUZZ_OVER_BOUND_CHILD";

#[test]
fn the_allocation_bound_aborts_an_input_that_allocates_past_it() {
    if std::env::var_os(OVER_BOUND_CHILD).is_some() {
        let (held, _) = bound::peak_during(|| vec![1u8; bound::MAX_LIVE_BYTES + 1]);
        panic!("allocated {} bytes without an abort", held.len());
    }
    let (held, peak) = bound::peak_during(|| vec![1u8; bound::MAX_LIVE_BYTES / 4]);
    assert!(peak >= held.len(), "peak {peak}");
    drop(held);
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "the_allocation_bound_aborts_an_input_that_allocates_past_it",
            "--nocapture",
        ])
        .env(OVER_BOUND_CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(!child.status.success(), "{stderr}");
    assert!(
        stderr.contains("allocation bound exceeded"),
        "the child did not stop at the bound: {stderr}"
    );
}

#[test]
#[should_panic(expected = "over 1ms")]
fn the_time_bound_fails_an_input_that_takes_longer() {
    bound::timed_within("slow", Duration::from_millis(1), || {
        std::thread::sleep(Duration::from_millis(20))
    });
}
