//! Target `model_file`: the bytes of an uploaded model file or checkpoint, read by
//! `neurite::model_file::read` (which `from_bytes` wraps).
//!
//! A file is either refused with a message, or read as a model that the engine writes back and
//! reads again to the same architecture, pixel mode and weights; a checkpoint's training state
//! resumes a trainer whose own checkpoint reads back to the same state.

use neurite::model_file::{self, ModelFile};
use neurite::{
    Config, Dataset, ModelSpec, OptimizerSpec, PixelMode, Sequential, TrainConfig, Trainer,
};

use crate::bound;

/// Reads `data` as a model file and checks what came of it.
pub fn model_file(data: &[u8]) {
    match bound::timed("model_file", || model_file::read(data)) {
        Ok(ModelFile { model, training }) => {
            let again = model_file::from_bytes(&model_file::to_bytes(&model))
                .unwrap_or_else(|e| panic!("a model read from a file does not read back: {e}"));
            assert_eq!(again.spec(), model.spec(), "the architecture changed");
            assert_eq!(again.pixels(), model.pixels(), "the pixel mode changed");
            assert!(same_weights(&model, &again), "the weights changed");
            if let Some(state) = training {
                let trainer = Trainer::resume(model, state.clone())
                    .unwrap_or_else(|e| panic!("a checkpoint read does not resume: {e}"));
                let resumed = model_file::read(&trainer.checkpoint())
                    .unwrap_or_else(|e| panic!("a resumed run's checkpoint does not read: {e}"));
                let again = resumed.training.expect("a checkpoint holds its run");
                assert_eq!(again.config, state.config, "the configuration changed");
                assert_eq!(again.position, state.position, "the position changed");
                assert_eq!(again.optimizer_steps, state.optimizer_steps);
                if !state.optimizer_state.is_empty() {
                    assert_eq!(again.optimizer_state, state.optimizer_state);
                }
            }
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
    r#"{"input_shape":[6,5],"layers":[{"type":"conv2d","filters":2,"kernel_size":3,"activation":"relu"},{"type":"max_pooling2d","pool_size":2},{"type":"flatten"},{"type":"dense","units":3,"activation":"softmax"}]}"#,
    r#"{"input_shape":[5,5,2],"layers":[{"type":"conv2d","filters":3,"kernel_size":[3,2],"strides":2,"padding":"same","activation":"tanh"},{"type":"average_pooling2d","pool_size":2,"strides":1,"padding":"same"},{"type":"global_average_pooling2d"},{"type":"dense","units":2,"activation":"softmax"}]}"#,
];

/// The seed corpus: a model file of each small architecture (dense, and convolutional with
/// pooling), with either pixel mode, and
/// checkpoints of a run of the 4-input one before and after a few batches, under each optimizer.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    let specs: Vec<ModelSpec> = SEED_SPECS
        .iter()
        .map(|json| serde_json::from_str(json).expect("a seed specification reads"))
        .collect();
    for (i, spec) in specs.iter().enumerate() {
        let mut model = Sequential::<f32>::from_spec(spec, i as u64).expect("a seed model builds");
        seeds.push((
            format!("spec{i}_scaled.model"),
            model_file::to_bytes(&model),
        ));
        model.set_pixels(PixelMode::Raw);
        seeds.push((format!("spec{i}_raw.model"), model_file::to_bytes(&model)));
    }
    let pixels = (0..32).map(|i| (i * 29 % 256) as u8).collect();
    let data = Dataset::new(vec![4], pixels, (0..8).map(|i| i % 2).collect(), 2)
        .expect("the seed data is consistent");
    let optimizers = [
        ("adam", OptimizerSpec::adam()),
        ("sgd", OptimizerSpec::sgd()),
        ("rmsprop", OptimizerSpec::rmsprop()),
    ];
    for (name, optimizer) in optimizers {
        let training = TrainConfig {
            batch_size: 3,
            epochs: 2,
            optimizer,
            ..Default::default()
        };
        let config = Config {
            model: specs[2].clone(),
            training,
        };
        let mut trainer = Trainer::new(config.check().expect("the seed configuration checks"))
            .expect("the seed trainer builds");
        seeds.push((
            format!("checkpoint_{name}_fresh.model"),
            trainer.checkpoint(),
        ));
        trainer.run_batches(&data, 2).expect("the seed run trains");
        seeds.push((
            format!("checkpoint_{name}_trained.model"),
            trainer.checkpoint(),
        ));
    }
    seeds
}
