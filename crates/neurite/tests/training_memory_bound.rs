//! The memory bound counts what training really allocates: a global allocator records the
//! peak of live heap bytes while a model is built and trained (and evaluated), and the count
//! from the specification ([`ModelSpec::sample_bytes`], [`ModelSpec::model_bytes`],
//! [`Config::training_bytes`]) must be at least that peak — and not far above it, or the bound
//! would refuse configurations that fit.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use neurite::layers::Init;
use neurite::{Activation, Config, Dataset, LayerSpec, ModelSpec, OptimizerSpec, Trainer};

/// Live and peak heap bytes, as the system allocator is asked for them.
struct HeapMeter {
    live: AtomicUsize,
    peak: AtomicUsize,
}

impl HeapMeter {
    fn grew(&self, bytes: usize) {
        let live = self.live.fetch_add(bytes, Ordering::Relaxed) + bytes;
        self.peak.fetch_max(live, Ordering::Relaxed);
    }

    fn shrank(&self, bytes: usize) {
        self.live.fetch_sub(bytes, Ordering::Relaxed);
    }
}

// SAFETY: every call goes to the system allocator unchanged; the meter only counts.
unsafe impl GlobalAlloc for HeapMeter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.grew(layout.size());
        // SAFETY: the caller's layout, as it came.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.grew(layout.size());
        // SAFETY: the caller's layout, as it came.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // While the block moves, the old and the new one both exist.
        self.grew(new_size);
        self.shrank(layout.size());
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.shrank(layout.size());
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static HEAP: HeapMeter = HeapMeter {
    live: AtomicUsize::new(0),
    peak: AtomicUsize::new(0),
};

/// The meter is global: one measurement at a time.
fn exclusive_meter() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `work`; returns its result and the most heap it held at once beyond what was live
/// before (what it keeps when it returns counts too).
fn peak_bytes<R>(work: impl FnOnce() -> R) -> (R, u64) {
    let before = HEAP.live.load(Ordering::Relaxed);
    HEAP.peak.store(before, Ordering::Relaxed);
    let result = work();
    (result, (HEAP.peak.load(Ordering::Relaxed) - before) as u64)
}

/// The count must not fall short of what was allocated, nor be more than twice it.
fn assert_counted_closely(name: &str, measured: u64, counted: u64) {
    assert!(
        measured <= counted,
        "{name}: allocated {measured} bytes, counted only {counted}"
    );
    assert!(
        counted <= measured * 2,
        "{name}: counted {counted} bytes for {measured} allocated"
    );
}

fn dense(units: usize, activation: Activation) -> LayerSpec {
    LayerSpec::Dense {
        units,
        activation,
        init: Init::default(),
    }
}

/// `count` 28×28 images with 30 % of their pixels lit — under the sparse kernels' density
/// limit, as MNIST is, so the pixels take the sparse path with nearly its fullest copies.
fn images(count: usize) -> Dataset {
    let pixels = (0..count * 784)
        .map(|i| {
            if (i * 7919) % 10 < 3 {
                (i % 255) as u8 + 1
            } else {
                0
            }
        })
        .collect();
    let labels = (0..count).map(|i| (i % 10) as u8).collect();
    Dataset::new(vec![28, 28], pixels, labels, 10).unwrap()
}

/// The seed MLP; a deeper model with dropout and an activation layer; and one without a
/// flatten layer (a flat input goes straight to dense layers), trained with RMSprop.
fn configs() -> Vec<(&'static str, Config)> {
    let seed = Config::default();
    let mut deep = Config {
        model: ModelSpec {
            input_shape: vec![28, 28],
            layers: vec![
                LayerSpec::Flatten,
                dense(256, Activation::Relu),
                LayerSpec::Dropout { rate: 0.3 },
                dense(128, Activation::Linear),
                LayerSpec::Activation {
                    activation: Activation::Tanh,
                },
                LayerSpec::Dropout { rate: 0.2 },
                dense(10, Activation::Softmax),
            ],
        },
        ..Config::default()
    };
    deep.training.batch_size = 100;
    let mut flat = Config {
        model: ModelSpec {
            input_shape: vec![784],
            layers: vec![dense(64, Activation::Relu), dense(10, Activation::Softmax)],
        },
        ..Config::default()
    };
    flat.training.batch_size = 64;
    flat.training.optimizer = OptimizerSpec::Rmsprop {
        rho: 0.9,
        momentum: 0.5,
        epsilon: 1e-7,
    };
    // Keras's convnet, and LeNet (same padding, average pooling, dense layers after).
    let mut convnet = Config {
        model: ModelSpec::keras_convnet(),
        ..Config::default()
    };
    convnet.training.batch_size = 16;
    let lenet = Config {
        model: ModelSpec::lenet(),
        ..Config::default()
    };
    vec![
        ("seed MLP", seed),
        ("deep", deep),
        ("flat", flat),
        ("keras-convnet", convnet),
        ("lenet", lenet),
    ]
}

#[test]
fn one_training_batch_allocates_what_the_specification_counts() {
    let _alone = exclusive_meter();
    for (name, config) in configs() {
        let batch = config.training.batch_size;
        let data = images(batch);
        let spec = config.model.clone();
        let counted = config
            .fixed_bytes()
            .saturating_add(spec.sample_bytes().training_batch(batch as u64));
        let checked = config.check().unwrap();
        let (trainer, measured) = peak_bytes(|| {
            let mut trainer = Trainer::new(checked).unwrap();
            trainer.run_batches(&data, 1).unwrap();
            trainer
        });
        assert_eq!(trainer.steps(), 1, "{name}");
        assert_counted_closely(name, measured, counted);
    }
}

#[test]
fn a_run_with_evaluations_and_partial_batches_stays_within_its_training_bytes() {
    // Batches of 300 (two full, one of 100), evaluation in chunks of 500, 500 and 100, then
    // training again: every change of height, and the sparse copies' growth from 300 rows to
    // 500, happens.
    let _alone = exclusive_meter();
    for (name, mut config) in configs() {
        config.training.batch_size = 300;
        let (train, test) = (images(700), images(1100));
        let counted = config.training_bytes();
        let checked = config.check().unwrap();
        let (_, measured) = peak_bytes(|| {
            let mut trainer = Trainer::new(checked).unwrap();
            trainer.run_epoch(&train).unwrap();
            trainer.evaluate(&test).unwrap();
            trainer.run_batches(&train, 2).unwrap();
            trainer.evaluate(&train).unwrap();
        });
        // Not counted: what grows with the data (the shuffled order, the predictions).
        let per_data = 4 * 700 + 5 * 1100;
        assert_counted_closely(name, measured.saturating_sub(per_data), counted);
    }
}

#[test]
fn checking_a_hostile_configuration_neither_overflows_nor_allocates_much() {
    let _alone = exclusive_meter();
    let huge_model = ModelSpec {
        input_shape: vec![usize::MAX, usize::MAX],
        layers: vec![
            LayerSpec::Flatten,
            dense(usize::MAX, Activation::Relu),
            LayerSpec::Dropout { rate: 0.5 },
            dense(usize::MAX, Activation::Softmax),
        ],
    };
    let mut hostile = Config {
        model: huge_model.clone(),
        ..Config::default()
    };
    hostile.training.batch_size = usize::MAX;
    hostile.training.seed = u64::MAX;
    hostile.training.train_subset = Some(usize::MAX);
    // Each part of the count saturates instead of wrapping or panicking.
    assert_eq!(huge_model.model_bytes(), u64::MAX);
    assert_eq!(huge_model.sample_bytes().training_batch(u64::MAX), u64::MAX);
    assert_eq!(hostile.training_bytes(), u64::MAX);
    let (result, measured) = peak_bytes(|| hostile.clone().check());
    assert!(result.is_err());
    assert!(measured < 64 * 1024, "checking allocated {measured} bytes");

    // A model within every per-layer bound, and a batch within its own: the memory count
    // refuses it, without overflow, in a few steps of bisection.
    let mut wide = Config::default();
    wide.model.layers = vec![LayerSpec::Flatten];
    wide.model
        .layers
        .extend((0..5).map(|_| dense(1024, Activation::Relu)));
    wide.training.batch_size = neurite::config::MAX_BATCH_SIZE;
    let (result, measured) = peak_bytes(|| wide.check());
    assert!(
        matches!(
            result,
            Err(neurite::Error::InvalidConfig {
                reason: neurite::Reason::TrainingMemory { .. },
                ..
            })
        ),
        "{result:?}"
    );
    assert!(measured < 64 * 1024, "checking allocated {measured} bytes");
}
