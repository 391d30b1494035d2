//! End-to-end tests of the `neurite` binary: its output, its messages and its exit codes.
//!
//! The tests that train need the real MNIST, from `NEURITE_MNIST_DIR` or else `data/mnist` at
//! the workspace root, where `./scripts/test.sh` fetches it; without it they fail and say so.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// The MNIST directory for the tests that train: `NEURITE_MNIST_DIR`, else `data/mnist` at the
/// workspace root.
///
/// # Panics
/// If it does not hold MNIST's four files, with how to get them.
fn mnist_dir() -> String {
    let dir = std::env::var_os("NEURITE_MNIST_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/mnist"));
    let missing: Vec<&str> = neurite::data::MNIST_FILES
        .iter()
        .copied()
        .filter(|name| !dir.join(name).is_file() && !dir.join(format!("{name}.gz")).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "this test trains on the real MNIST, but {} lacks {missing:?}: ./scripts/test.sh fetches \
         it into data/mnist (or set NEURITE_MNIST_DIR to a directory holding it)",
        dir.display()
    );
    dir.to_str().expect("the MNIST path is UTF-8").to_owned()
}

/// Runs `neurite args…`; the MNIST directory comes from the environment unless `--data` says.
fn neurite(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neurite"))
        .args(args)
        .output()
        .expect("the neurite binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Checks that the command failed with exit code `code` and a message containing `expected`.
fn assert_fails(output: &Output, code: i32, expected: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(expected), "expected {expected:?} in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A file path in the temp directory, unique to this run, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        TempFile(
            std::env::temp_dir().join(format!("neurite-cli-{}-{nanos}-{name}", std::process::id())),
        )
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("temp paths are UTF-8")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn summary_of_the_seed_model_counts_its_parameters() {
    let output = neurite(&["summary", "--model", "seed-mlp"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Total params: 101770"), "{text}");
    assert!(text.contains("dense_1"), "{text}");
}

#[test]
fn summary_reads_a_json_specification() {
    let spec = TempFile::new("spec.json");
    std::fs::write(
        &spec.0,
        r#"{"input_shape":[28,28],"layers":[{"type":"flatten"},{"type":"dense","units":10,"activation":"softmax"}]}"#,
    )
    .unwrap();
    let output = neurite(&["summary", "--model", spec.path()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("Total params: 7850"));
}

#[test]
fn a_malformed_learning_rate_is_refused_by_the_parser() {
    let output = neurite(&["train", "--lr", "abc"]);
    assert_fails(&output, 2, "--lr");
}

#[test]
fn out_of_range_hyperparameters_are_refused_before_loading_data() {
    let cases: [(&[&str], &str); 4] = [
        (&["--lr", "0"], "learning_rate"),
        (&["--lr", "nan"], "learning_rate"),
        (&["--batch-size", "0"], "batch_size"),
        (&["--validation-split", "1.5"], "validation_split"),
    ];
    for (flags, field) in cases {
        let mut args = vec!["train", "--data", "/nonexistent/mnist"];
        args.extend(flags);
        let output = neurite(&args);
        assert_fails(&output, 1, &format!("error: {field}: "));
        assert!(
            !stderr(&output).contains("nonexistent"),
            "config is checked first"
        );
    }
}

#[test]
fn a_missing_data_directory_names_the_file() {
    let output = neurite(&["train", "--data", "/nonexistent/mnist", "--epochs", "1"]);
    assert_fails(
        &output,
        1,
        "error: /nonexistent/mnist/train-images-idx3-ubyte",
    );
    assert!(stderr(&output).contains("hint:"));
}

#[test]
fn missing_and_malformed_files_are_errors_not_panics() {
    let output = neurite(&["summary", "--model", "/nonexistent/spec.json"]);
    assert_fails(&output, 1, "error: /nonexistent/spec.json");

    let bad = TempFile::new("bad.json");
    std::fs::write(&bad.0, "{not json").unwrap();
    assert_fails(
        &neurite(&["summary", "--model", bad.path()]),
        1,
        "error: model",
    );

    let fake = TempFile::new("fake.safetensors");
    std::fs::write(&fake.0, "not a model").unwrap();
    assert_fails(&neurite(&["eval", "--model", fake.path()]), 1, "error: ");
    let output = neurite(&[
        "predict",
        "--model",
        fake.path(),
        "--image",
        "/nonexistent.png",
    ]);
    assert_fails(&output, 1, "error: ");
}

/// `neurite train` on MNIST from `data` for one epoch on 2 000 samples with `extra` flags,
/// printing JSON and saving the model to `model`.
fn train_quickly(data: &str, model: &TempFile, extra: &[&str]) -> Output {
    let mut args = vec![
        "train",
        "--data",
        data,
        "--epochs",
        "1",
        "--train-subset",
        "2000",
        "--json",
    ];
    args.extend_from_slice(extra);
    args.extend(["--out", model.path()]);
    neurite(&args)
}

/// Trains on 2 000 images for one epoch, then checks that `eval`, `summary` and `predict` read
/// the saved model back.
#[test]
fn train_save_eval_summary_and_predict_on_mnist() {
    let dir = mnist_dir();
    let model = TempFile::new("model.safetensors");
    let output = train_quickly(&dir, &model, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON line per epoch: {text}");
    let epoch: Value = serde_json::from_str(lines[0]).expect("a JSON object");
    for key in [
        "epoch",
        "epochs",
        "loss",
        "accuracy",
        "test_loss",
        "test_accuracy",
        "samples_per_second",
        "seconds",
    ] {
        assert!(epoch.get(key).is_some(), "{key} missing from {epoch}");
    }
    assert_eq!(
        (epoch["epoch"].as_u64(), epoch["epochs"].as_u64()),
        (Some(1), Some(1))
    );
    let test_accuracy = epoch["test_accuracy"].as_f64().unwrap();
    assert!(test_accuracy > 0.8, "test accuracy {test_accuracy}");

    let output = neurite(&["eval", "--data", &dir, "--model", model.path(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let eval: Value = serde_json::from_str(stdout(&output).trim()).expect("a JSON object");
    assert_eq!(eval["test_accuracy"].as_f64(), Some(test_accuracy));

    let output = neurite(&["summary", "--model", model.path()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("Total params: 101770"));

    // The first test image, a 7, written out as a PNG.
    let mnist = neurite::load_mnist(Path::new(&dir)).expect("MNIST loads");
    assert_eq!(mnist.test.labels()[0], 7);
    let image = TempFile::new("seven.png");
    write_png(&image.0, 28, 28, mnist.test.image(0));
    let output = neurite(&["predict", "--model", model.path(), "--image", image.path()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 11, "{text}");
    assert!(text.ends_with("predicted: 7\n"), "{text}");
}

fn write_png(path: &Path, width: u32, height: u32, pixels: &[u8]) {
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(pixels).unwrap();
    writer.finish().unwrap();
}

/// The pixel mode travels with the model file: `eval` on a raw-trained model feeds raw
/// pixels unless told otherwise.
#[test]
fn a_model_trained_on_raw_pixels_is_evaluated_on_raw_pixels_by_default() {
    let dir = mnist_dir();
    let model = TempFile::new("raw-model.safetensors");
    let output = train_quickly(&dir, &model, &["--pixels", "raw"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let epoch: Value = serde_json::from_str(stdout(&output).trim()).expect("a JSON object");
    let accuracy_of = |extra: &[&str]| {
        let mut args = vec!["eval", "--data", &dir, "--model", model.path(), "--json"];
        args.extend_from_slice(extra);
        let output = neurite(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        let eval: Value = serde_json::from_str(stdout(&output).trim()).expect("a JSON object");
        eval["test_accuracy"].as_f64().unwrap()
    };
    let trained = epoch["test_accuracy"].as_f64().unwrap();
    assert_eq!(accuracy_of(&[]), trained);
    assert_eq!(accuracy_of(&["--pixels", "raw"]), trained);
    assert_ne!(accuracy_of(&["--pixels", "scaled"]), trained);
}

/// `--seed` decides the run: the same seed gives the very same epoch, another seed another.
#[test]
fn the_same_seed_trains_the_same_epoch_and_another_seed_another() {
    let dir = mnist_dir();
    let model = TempFile::new("seeded-model.safetensors");
    let epoch = |seed: &str| {
        let output = train_quickly(&dir, &model, &["--seed", seed]);
        assert!(output.status.success(), "{}", stderr(&output));
        let epoch: Value = serde_json::from_str(stdout(&output).trim()).expect("a JSON object");
        ["loss", "accuracy", "test_loss", "test_accuracy"].map(|key| {
            epoch[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{key} in {epoch}"))
        })
    };
    let first = epoch("7");
    assert_eq!(epoch("7"), first);
    let other = epoch("8");
    assert_ne!(other[0], first[0], "training loss");
    assert_ne!(other[2], first[2], "test loss");
}

/// The Fashion-MNIST directory: `NEURITE_FASHION_MNIST_DIR`, else `data/fashion-mnist` at the
/// workspace root; `None` if the variable is unset and the folder absent (the test then says
/// so and passes; `./scripts/test.sh` sets the variable).
fn fashion_mnist_dir() -> Option<String> {
    let asked = std::env::var_os("NEURITE_FASHION_MNIST_DIR").filter(|dir| !dir.is_empty());
    let dir = asked
        .clone()
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/fashion-mnist"));
    if asked.is_none() && !dir.exists() {
        eprintln!("skipped: no Fashion-MNIST in {}", dir.display());
        return None;
    }
    Some(dir.to_str().expect("the path is UTF-8").to_owned())
}

/// A model trained with `--dataset fashion-mnist` says so in its file: `eval` reads
/// Fashion-MNIST's directory without being told (MNIST's is made unreadable), and `predict`
/// names Fashion-MNIST's classes.
#[test]
fn a_fashion_mnist_model_is_evaluated_on_fashion_mnist_and_names_its_classes() {
    let Some(dir) = fashion_mnist_dir() else {
        return;
    };
    let model = TempFile::new("fashion-model.safetensors");
    let output = train_quickly(&dir, &model, &["--dataset", "fashion-mnist"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let epoch: Value = serde_json::from_str(stdout(&output).trim()).expect("a JSON object");
    let trained = epoch["test_accuracy"].as_f64().unwrap();
    assert!(trained > 0.6 && trained < 0.92, "test accuracy {trained}");

    let with_env = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_neurite"))
            .args(args)
            .env("NEURITE_FASHION_MNIST_DIR", &dir)
            .env("NEURITE_MNIST_DIR", "/nonexistent/mnist")
            .output()
            .expect("the neurite binary runs")
    };
    let output = with_env(&["eval", "--model", model.path(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let eval: Value = serde_json::from_str(stdout(&output).trim()).expect("a JSON object");
    assert_eq!(eval["dataset"], "fashion-mnist");
    assert_eq!(eval["test_accuracy"].as_f64(), Some(trained));
    // Told otherwise, it reads MNIST's directory (here, one that does not exist).
    let output = with_env(&["eval", "--model", model.path(), "--dataset", "mnist"]);
    assert_fails(&output, 1, "/nonexistent/mnist");

    let fashion = neurite::load_mnist(Path::new(&dir)).expect("Fashion-MNIST loads");
    assert_eq!(fashion.test.labels()[0], 9);
    let image = TempFile::new("ankle-boot.png");
    write_png(&image.0, 28, 28, fashion.test.image(0));
    let output = neurite(&["predict", "--model", model.path(), "--image", image.path()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 11, "{text}");
    assert!(lines[0].starts_with("T-shirt/top  "), "{text}");
    assert!(lines[9].starts_with("Ankle boot   "), "{text}");
    let predicted = lines[10]
        .strip_prefix("predicted: ")
        .expect("the last line");
    assert!(
        neurite::DatasetKind::FashionMnist
            .class_names()
            .contains(&predicted),
        "{text}"
    );
}

/// A fresh directory in the temp directory, unique to this run, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    /// A directory holding `files`, by name.
    fn with(name: &str, files: &[(&str, &[u8])]) -> Self {
        let dir = TempDir(TempFile::new(name).0.clone());
        std::fs::create_dir_all(&dir.0).unwrap();
        for (file, bytes) in files {
            std::fs::write(dir.0.join(file), bytes).unwrap();
        }
        dir
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("temp paths are UTF-8")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A collection's two files, as the playground exports them, in a directory of their own.
fn my_digits_dir(name: &str, collection: &neurite::Collection) -> TempDir {
    use neurite::data::collection::{IMAGES_FILE, LABELS_FILE};
    let (images, labels) = collection.to_idx();
    TempDir::with(name, &[(IMAGES_FILE, &images), (LABELS_FILE, &labels)])
}

/// `--extra` mixes the learner's digits into training, reports them after every epoch, and
/// `eval --extra` gives the same accuracy on them with their confusion matrix.
#[test]
fn extra_digits_are_trained_on_reported_each_epoch_and_evaluated() {
    let dir = mnist_dir();
    // 30 test digits, turned a quarter turn: a style MNIST lacks.
    let mnist = neurite::load_mnist(Path::new(&dir)).expect("MNIST loads");
    let turned = |i: usize| -> Vec<u8> {
        let image = mnist.test.image(i);
        (0..784)
            .map(|at| image[(27 - at % 28) * 28 + at / 28])
            .collect()
    };
    let pixels = (5_000..5_030).flat_map(turned).collect();
    let labels = mnist.test.labels()[5_000..5_030].to_vec();
    let mine = my_digits_dir("mine", &neurite::Collection::new(pixels, labels).unwrap());

    let model = TempFile::new("mine.safetensors");
    let output = train_quickly(&dir, &model, &["--extra", mine.path()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let epoch: Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
    assert_eq!(epoch["extra_samples"].as_u64(), Some(30), "{epoch}");
    let correct = epoch["extra_correct"].as_u64().unwrap();
    assert!(
        correct >= 20,
        "{correct}/30 of the mixed-in digits: {epoch}"
    );
    assert_eq!(
        epoch["extra_accuracy"].as_f64(),
        Some(correct as f64 / 30.0)
    );

    let output = neurite(&[
        "eval",
        "--data",
        &dir,
        "--model",
        model.path(),
        "--extra",
        mine.path(),
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let eval: Value = serde_json::from_str(stdout(&output).trim()).expect("a JSON object");
    assert_eq!(eval["extra_correct"].as_u64(), Some(correct));
    assert_eq!(eval["test_accuracy"], epoch["test_accuracy"]);
    let confusion = eval["extra_confusion"].as_array().unwrap();
    assert_eq!(confusion.len(), 10);
    let diagonal: u64 = (0..10).map(|c| confusion[c][c].as_u64().unwrap()).sum();
    assert_eq!(diagonal, correct);

    let output = neurite(&[
        "eval",
        "--data",
        &dir,
        "--model",
        model.path(),
        "--extra",
        mine.path(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 14, "{text}");
    assert!(
        lines[1].starts_with(&format!("my digits: {correct}/30 - loss: ")),
        "{text}"
    );
    assert_eq!(
        lines[3], "true\\pred  0  1  2  3  4  5  6  7  8  9",
        "{text}"
    );

    // Without --json, the mix is described and each epoch's line ends with the digits' score.
    let output = neurite(&[
        "train",
        "--data",
        &dir,
        "--epochs",
        "1",
        "--train-subset",
        "2000",
        "--extra",
        mine.path(),
        "--extra-share",
        "0.2",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(&format!(
            "My digits (30 images from {}): 17 copies mixed in, 510 of 2510 samples an epoch \
             (20.3 %)\n",
            mine.path()
        )),
        "{text}"
    );
    assert!(text.contains(" - my digits: "), "{text}");
}

#[test]
fn bad_extra_directories_and_shares_are_errors_naming_what_is_wrong() {
    use neurite::data::collection::{IMAGES_FILE, LABELS_FILE};
    let empty = TempDir::with("empty", &[]);
    let (images, _) = neurite::Collection::new(vec![0; 2 * 784], vec![1, 2])
        .unwrap()
        .to_idx();
    let bad_label = neurite::data::idx::encode_idx(&[2], &[1, 12]);
    let bad = TempDir::with("bad", &[(IMAGES_FILE, &images), (LABELS_FILE, &bad_label)]);
    let lonely = TempDir::with("lonely", &[(IMAGES_FILE, &images)]);
    let dir = mnist_dir();
    let cases = [
        (
            &empty,
            format!("error: {}: no collection here", empty.path()),
        ),
        (
            &bad,
            format!("{LABELS_FILE}: label 12 at index 1 is not one of the classes 0–9"),
        ),
        (
            &lonely,
            format!("{IMAGES_FILE}: its labels file is missing"),
        ),
    ];
    // An untrained model is enough for `eval`.
    let model = TempFile::new("untrained.safetensors");
    let untrained = neurite::Sequential::<f32>::from_spec(&neurite::ModelSpec::seed_mlp(), 1);
    neurite::model_file::save(&untrained.unwrap(), &model.0).unwrap();
    for (extra, expected) in cases {
        let output = neurite(&[
            "train",
            "--data",
            &dir,
            "--extra",
            extra.path(),
            "--epochs",
            "1",
        ]);
        assert_fails(&output, 1, &expected);
        let args = [
            "eval",
            "--data",
            &dir,
            "--model",
            model.path(),
            "--extra",
            extra.path(),
        ];
        assert_fails(&neurite(&args), 1, &expected);
    }

    // A share outside [0, 1] is refused before any data is read.
    for share in ["1.5", "-0.1", "nan"] {
        let args = [
            "train",
            "--data",
            "/nonexistent/mnist",
            "--extra",
            empty.path(),
            "--extra-share",
            share,
        ];
        let output = neurite(&args);
        assert_fails(&output, 1, "error: extra_share: must be in [0, 1]");
        assert!(
            !stderr(&output).contains("nonexistent"),
            "{}",
            stderr(&output)
        );
    }
    assert_fails(
        &neurite(&["train", "--extra-share", "0.5"]),
        2,
        "--extra <DIR>",
    );
}
