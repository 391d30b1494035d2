//! Model files that ask for more than they hold: each is refused with a reason, and reading it
//! never allocates much more than the file itself — counted by a global allocator that records
//! the peak of live heap bytes while the file is read.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use neurite::model_file;
use neurite::{Error, ModelFileReason, ModelSpec, Reason, Sequential};

struct PeakCounting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// One test at a time: the counters are global, and another test's allocations would count.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

// SAFETY: every call is passed on to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for PeakCounting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller's layout is passed on as it came.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: PeakCounting = PeakCounting;

/// Reads `bytes` as a model file; returns the result and the most heap it held at once beyond
/// what was live before.
fn read_counting(bytes: &[u8]) -> (neurite::Result<Sequential<f32>>, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = model_file::from_bytes(bytes);
    (result, PEAK.load(Ordering::Relaxed) - before)
}

/// A safetensors file with `spec` in its metadata and the given f32 tensors.
fn file_with(spec_json: &str, tensors: &[(&str, Vec<usize>)]) -> Vec<u8> {
    let buffers: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(name, shape)| {
            let n: usize = shape.iter().product();
            ((*name).to_owned(), shape.clone(), vec![0u8; n * 4])
        })
        .collect();
    let views = buffers.iter().map(|(name, shape, bytes)| {
        let view =
            safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), bytes)
                .expect("shape matches data");
        (name.as_str(), view)
    });
    let metadata = HashMap::from([
        ("format".to_owned(), "neurite".to_owned()),
        ("format_version".to_owned(), "1".to_owned()),
        ("model_spec".to_owned(), spec_json.to_owned()),
    ]);
    safetensors::serialize(views, Some(metadata)).expect("serialises")
}

fn dense_stack(widths: &[usize]) -> String {
    let layers: Vec<String> = widths
        .iter()
        .map(|u| format!(r#"{{"type":"dense","units":{u},"activation":"relu"}}"#))
        .collect();
    format!(
        r#"{{"input_shape":[28,28],"layers":[{{"type":"flatten"}},{}]}}"#,
        layers.join(",")
    )
}

#[test]
fn a_tiny_file_asking_for_a_billion_weights_is_refused_without_allocating_them() {
    let _alone = alone();
    let bytes = file_with(&dense_stack(&[4096; 60]), &[]);
    assert!(bytes.len() < 4096, "{} bytes", bytes.len());
    let (result, peak) = read_counting(&bytes);
    match result {
        Err(Error::ModelFile(ModelFileReason::SpecInvalid {
            reason: Reason::TooManyParams { .. },
            ..
        })) => {}
        other => panic!("{other:?}"),
    }
    assert!(peak < 1 << 20, "peak {peak} bytes");
}

#[test]
fn a_file_whose_tensors_are_missing_is_refused_before_the_model_is_built() {
    let _alone = alone();
    // 784 → 4096 → 4096 → 10 is within the bounds (20 million weights, 80 MB) but the file
    // holds none of them.
    let bytes = file_with(&dense_stack(&[4096, 4096, 10]), &[]);
    let (result, peak) = read_counting(&bytes);
    match result {
        Err(Error::ModelFile(ModelFileReason::MissingTensor { name })) => {
            assert_eq!(name, "dense_1.kernel");
        }
        other => panic!("{other:?}"),
    }
    assert!(peak < 1 << 20, "peak {peak} bytes");
}

#[test]
fn a_kernel_of_the_right_size_but_another_shape_is_refused_not_reinterpreted() {
    let _alone = alone();
    let spec = ModelSpec::seed_mlp().to_json();
    // [392, 256] holds as many numbers as [784, 128], as a transposed kernel would.
    let bytes = file_with(
        &spec,
        &[
            ("dense_1.kernel", vec![392, 256]),
            ("dense_1.bias", vec![128]),
            ("dense_2.kernel", vec![128, 10]),
            ("dense_2.bias", vec![10]),
        ],
    );
    match read_counting(&bytes).0 {
        Err(Error::ModelFile(ModelFileReason::WrongShape {
            name,
            got,
            expected,
        })) => {
            assert_eq!(
                (name.as_str(), got, expected),
                ("dense_1.kernel", vec![392, 256], vec![784, 128])
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_good_file_is_read_with_about_twice_its_size_in_memory() {
    let _alone = alone();
    let model = Sequential::<f32>::from_spec(&ModelSpec::seed_mlp(), 3).unwrap();
    let bytes = model_file::to_bytes(&model);
    let (result, peak) = read_counting(&bytes);
    let read = result.expect("a saved model reads back");
    assert_eq!(read.param_count(), 101_770);
    // The checked tensors, then the model with its buffers: a small multiple of the file.
    assert!(
        peak < 4 * bytes.len(),
        "peak {peak} for a file of {}",
        bytes.len()
    );
}

#[test]
fn a_file_longer_than_any_model_file_is_refused_before_it_is_parsed() {
    let _alone = alone();
    // Zeroed pages are lazy: this costs no real memory until touched.
    let bytes = vec![0u8; model_file::MAX_FILE_BYTES as usize + 1];
    let (result, peak) = read_counting(&bytes);
    match result {
        Err(Error::ModelFile(ModelFileReason::TooLarge { bytes: n, max })) => {
            assert_eq!((n, max), (bytes.len() as u64, model_file::MAX_FILE_BYTES));
        }
        other => panic!("{other:?}"),
    }
    assert!(peak < 1 << 10, "peak {peak} bytes");
}
