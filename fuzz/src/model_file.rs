//! Target `model_file`: the bytes of an uploaded model file, read by
//! `neurite::model_file::from_bytes`.
//!
//! A file is either refused with a message, or read as a model that the engine writes back and
//! reads again to the same architecture, pixel mode and weights.

use neurite::{ModelSpec, PixelMode, Sequential, model_file};

use crate::bound;

/// Reads `data` as a model file and checks what came of it.
pub fn model_file(data: &[u8]) {
    match bound::timed("model_file", || model_file::from_bytes(data)) {
        Ok(model) => {
            let written = model_file::to_bytes(&model);
            let again = model_file::from_bytes(&written)
                .unwrap_or_else(|e| panic!("a model read from a file does not read back: {e}"));
            assert_eq!(again.spec(), model.spec(), "the architecture changed");
            assert_eq!(again.pixels(), model.pixels(), "the pixel mode changed");
            assert!(same_weights(&model, &again), "the weights changed");
        }
        Err(e) => assert!(
            !e.to_string().trim().is_empty(),
            "a refusal without a message"
        ),
    }
}

/// Whether two models hold the same named tensors with the same values, bit for bit.
fn same_weights(a: &Sequential<f32>, b: &Sequential<f32>) -> bool {
    let (a, b) = (a.named_params(), b.named_params());
    a.len() == b.len()
        && a.iter().zip(&b).all(|((name_a, pa), (name_b, pb))| {
            name_a == name_b
                && pa.shape == pb.shape
                && pa
                    .value
                    .iter()
                    .map(|v| v.to_bits())
                    .eq(pb.value.iter().map(|v| v.to_bits()))
        })
}

/// Small architectures, as model files hold them in `model_spec`.
const SEED_SPECS: &[&str] = &[
    r#"{"input_shape":[2],"layers":[{"type":"dense","units":1}]}"#,
    r#"{"input_shape":[2,3],"layers":[{"type":"flatten"},{"type":"dense","units":4,"activation":"tanh"},{"type":"dropout","rate":0.1},{"type":"dense","units":3,"activation":"softmax"}]}"#,
    r#"{"input_shape":[4],"layers":[{"type":"dense","units":8,"activation":"relu"},{"type":"activation","activation":"sigmoid"},{"type":"dense","units":2,"activation":"softmax"}]}"#,
    r#"{"input_shape":[3,3],"layers":[{"type":"flatten"},{"type":"dense","units":2,"activation":"leaky_relu","init":"he_uniform"},{"type":"dense","units":1,"activation":"sigmoid"}]}"#,
];

/// The seed corpus: a model file of each small architecture, with either pixel mode.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (i, json) in SEED_SPECS.iter().enumerate() {
        let spec: ModelSpec = serde_json::from_str(json).expect("a seed specification reads");
        let mut model = Sequential::<f32>::from_spec(&spec, i as u64).expect("a seed model builds");
        seeds.push((
            format!("spec{i}_scaled.model"),
            model_file::to_bytes(&model),
        ));
        model.set_pixels(PixelMode::Raw);
        seeds.push((format!("spec{i}_raw.model"), model_file::to_bytes(&model)));
    }
    seeds
}
