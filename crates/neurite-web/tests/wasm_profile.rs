//! The workloads `scripts/profile_wasm.sh` profiles: the seed program's training loop compiled
//! to wasm, on MNIST's 10 000 test images (or, with `--convnet`, Keras's convnet on 2 000 of
//! them), outside any browser (Node's V8, which the script runs with `--cpu-prof`). Ignored in
//! the test suite: they measure, they check nothing.
#![cfg(target_arch = "wasm32")]

use neurite::{Config, Dataset, Trainer};
use wasm_bindgen_test::*;

mod support;
use support::{IMAGES, LABELS};

/// Epochs timed after one warm-up epoch.
const TIMED_EPOCHS: usize = 3;

#[wasm_bindgen_test]
#[ignore = "a profiling workload for scripts/profile_wasm.sh"]
fn seed_program_epochs_for_the_profiler() {
    let data = Dataset::from_idx_bytes("t10k", IMAGES, LABELS).expect("MNIST's test set");
    let mut config = Config::default();
    config.training.epochs = TIMED_EPOCHS + 1;
    let mut trainer = Trainer::new(config.check().expect("the seed program")).expect("model");
    trainer.run_epoch(&data).expect("warm-up epoch");
    let started = js_sys::Date::now();
    for _ in 0..TIMED_EPOCHS {
        trainer.run_epoch(&data).expect("epoch");
    }
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    let samples = (TIMED_EPOCHS * data.len()) as f64;
    web_sys::console::log_1(&format!("samples_per_second {:.0}", samples / seconds).into());
}

#[wasm_bindgen_test]
#[ignore = "a profiling workload for scripts/profile_wasm.sh --convnet"]
fn convnet_epochs_for_the_profiler() {
    let data = Dataset::from_idx_bytes("t10k", IMAGES, LABELS).expect("MNIST's test set");
    let data = data.slice(0..2_000);
    let config = Config {
        model: neurite::ModelSpec::keras_convnet(),
        ..Config::default()
    };
    let mut trainer = Trainer::new(config.check().expect("the convnet")).expect("model");
    trainer.run_batches(&data, 10).expect("warm-up batches");
    let started = js_sys::Date::now();
    trainer.run_epoch(&data).expect("epoch");
    let seconds = (js_sys::Date::now() - started) / 1000.0;
    web_sys::console::log_1(
        &format!("samples_per_second {:.0}", data.len() as f64 / seconds).into(),
    );
}
