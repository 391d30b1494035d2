//! End-to-end tests of `neurite export`: the files it writes, how a script names its model
//! file, and what it refuses. (The exports' numbers are checked against the engine's by
//! `scripts/check_exports.sh`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use neurite::{ModelSpec, Sequential};

/// A directory of its own in the temp directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("neurite-export-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A path inside it, as a string.
    fn file(&self, name: &str) -> String {
        self.0
            .join(name)
            .to_str()
            .expect("temp paths are UTF-8")
            .to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn neurite(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neurite"))
        .args(args)
        .output()
        .expect("the neurite binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Saves an untrained model of `spec` at `path`.
fn save(spec: &ModelSpec, path: &str) {
    let model = Sequential::<f32>::from_spec(spec, 3).unwrap();
    neurite::model_file::save(&model, Path::new(path)).unwrap();
}

#[test]
fn every_format_is_written_and_each_script_finds_the_model_beside_it() {
    let dir = TempDir::new("all");
    let model = dir.file("convnet.safetensors");
    save(&ModelSpec::keras_convnet(), &model);
    let (onnx, torch, keras) = (
        dir.file("convnet.onnx"),
        dir.file("convnet_torch.py"),
        dir.file("convnet_keras.py"),
    );
    let output = neurite(&[
        "export",
        "--model",
        &model,
        "--onnx",
        &onnx,
        "--pytorch",
        &torch,
        "--keras",
        &keras,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!("Wrote {onnx} (ONNX opset 13, 34826 parameters)")),
        "{text}"
    );
    assert!(
        text.contains(&format!("Wrote {torch} (PyTorch script)")),
        "{text}"
    );
    assert!(
        text.contains(&format!("Wrote {keras} (Keras script)")),
        "{text}"
    );
    // Protocol buffers: the model's first field is ir_version (field 1, varint), 8.
    assert_eq!(std::fs::read(&onnx).unwrap()[..2], [0x08, 8]);
    for script in [&torch, &keras] {
        let script = std::fs::read_to_string(script).unwrap();
        assert!(
            script.contains("MODEL_FILE = \"convnet.safetensors\"\n"),
            "{script}"
        );
    }
}

#[test]
fn a_script_elsewhere_names_the_model_by_its_absolute_path() {
    let models = TempDir::new("models");
    let scripts = TempDir::new("scripts");
    let model = models.file("seed.safetensors");
    save(&ModelSpec::seed_mlp(), &model);
    let torch = scripts.file("seed.py");
    let output = neurite(&["export", "--model", &model, "--pytorch", &torch]);
    assert!(output.status.success(), "{}", stderr(&output));
    let script = std::fs::read_to_string(&torch).unwrap();
    assert!(
        script.contains(&format!("MODEL_FILE = \"{model}\"\n")),
        "{script}"
    );
}

#[test]
fn a_format_is_required() {
    let output = neurite(&["export", "--model", "m.safetensors"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--onnx"), "{}", stderr(&output));
}

#[test]
fn a_refused_export_names_its_flag_and_leaves_no_file_behind() {
    let dir = TempDir::new("refused");
    let model = dir.file("plane.safetensors");
    let spec = ModelSpec::from_json(
        r#"{"input_shape":[2],"layers":[{"type":"dense","units":3,"activation":"softmax"}]}"#,
    )
    .unwrap();
    save(&spec, &model);
    let onnx = dir.file("plane.onnx");
    let output = neurite(&[
        "export",
        "--model",
        &model,
        "--onnx",
        &onnx,
        "--keras",
        &dir.file("plane.py"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("error: --keras: the Keras script") && message.contains("2 inputs"),
        "{message}"
    );
    assert!(
        !Path::new(&onnx).exists(),
        "nothing is written when one export is refused"
    );
    // ONNX alone takes it.
    let output = neurite(&["export", "--model", &model, "--onnx", &onnx]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn a_missing_or_malformed_model_is_an_error_naming_it() {
    let output = neurite(&[
        "export",
        "--model",
        "/nonexistent/m.safetensors",
        "--onnx",
        "/tmp/x.onnx",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("error: /nonexistent/m.safetensors"),
        "{}",
        stderr(&output)
    );
    let dir = TempDir::new("malformed");
    let fake = dir.file("fake.safetensors");
    std::fs::write(&fake, "not a model").unwrap();
    let output = neurite(&["export", "--model", &fake, "--onnx", &dir.file("fake.onnx")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("error: model file:"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("panicked"));
}
