//! Checkpoints: a run written mid-epoch and resumed continues exactly as if it had never
//! stopped (weights, Adam's moments and step count, the epoch's order and running means), a
//! checkpoint still reads as a plain model, and a checkpoint that lies about its run is refused
//! with its reason.

use std::collections::HashMap;

use neurite::checkpoint::TRAINING_KEY;
use neurite::model_file::{self, ModelFile};
use neurite::spec::LayerSpec;
use neurite::{
    Activation, Config, Dataset, DatasetKind, Error, ModelFileReason, ModelSpec, OptimizerSpec,
    Outcome, Trainer,
};
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};

/// 90 samples of 4 pixels; the class is the brightest pixel.
fn quarters() -> Dataset {
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for i in 0..90u32 {
        let class = (i % 4) as u8;
        for j in 0..4u8 {
            pixels.push(if j == class {
                150 + (i * 13 % 100) as u8
            } else {
                (i * 7 % 60) as u8
            });
        }
        labels.push(class);
    }
    Dataset::new(vec![4], pixels, labels, 4).unwrap()
}

fn config(optimizer: OptimizerSpec) -> Config {
    let mut config = Config {
        model: ModelSpec {
            input_shape: vec![4],
            layers: vec![
                LayerSpec::Dense {
                    units: 6,
                    activation: Activation::Tanh,
                    init: Default::default(),
                },
                LayerSpec::Dense {
                    units: 4,
                    activation: Activation::Softmax,
                    init: Default::default(),
                },
            ],
        },
        ..Config::default()
    };
    config.training.optimizer = optimizer;
    config.training.batch_size = 8;
    config.training.epochs = 3;
    config.training.learning_rate = 0.01;
    config
}

fn weights(trainer: &Trainer) -> Vec<f32> {
    trainer
        .model()
        .named_params()
        .into_iter()
        .flat_map(|(_, p)| p.value.to_vec())
        .collect()
}

/// The losses of the rest of the run, batch by batch.
fn finish(trainer: &mut Trainer, data: &Dataset) -> Vec<f64> {
    let mut losses = Vec::new();
    while !trainer.is_done() {
        losses.push(trainer.run_batches(data, 1).unwrap().last_batch_loss);
    }
    losses
}

fn resume(bytes: &[u8]) -> Trainer {
    let ModelFile { model, training } = model_file::read(bytes).unwrap();
    Trainer::resume(model, training.expect("a checkpoint holds its run")).unwrap()
}

#[test]
fn a_run_resumed_mid_epoch_continues_exactly_as_if_it_had_not_stopped() {
    let data = quarters();
    for optimizer in [
        OptimizerSpec::adam(),
        OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: true,
        },
        OptimizerSpec::Rmsprop {
            rho: 0.9,
            momentum: 0.5,
            epsilon: 1e-7,
        },
    ] {
        let mut trainer = Trainer::new(config(optimizer).check().unwrap()).unwrap();
        trainer.run_epoch(&data).unwrap();
        trainer.run_batches(&data, 5).unwrap();
        let bytes = trainer.checkpoint();
        let mut resumed = resume(&bytes);
        assert_eq!(resumed.steps(), trainer.steps());
        assert_eq!(resumed.position(), trainer.position());
        assert_eq!(weights(&resumed), weights(&trainer));

        let (original, continued) = (finish(&mut trainer, &data), finish(&mut resumed, &data));
        assert_eq!(original.len(), 12 - 5 + 12, "{optimizer:?}");
        assert_eq!(continued, original, "{optimizer:?}");
        assert_eq!(weights(&resumed), weights(&trainer), "{optimizer:?}");
    }
}

#[test]
fn without_its_optimizer_state_the_run_would_go_elsewhere() {
    // What the test above rules out: a resume that kept the weights but not Adam's moments.
    let data = quarters();
    let mut trainer = Trainer::new(config(OptimizerSpec::adam()).check().unwrap()).unwrap();
    trainer.run_batches(&data, 7).unwrap();
    let ModelFile { model, training } = model_file::read(&trainer.checkpoint()).unwrap();
    let mut training = training.unwrap();
    assert_eq!(
        training.optimizer_state.len(),
        4,
        "two tensors per dense layer"
    );
    training.optimizer_state.clear();
    let mut forgetful = Trainer::resume(model, training).unwrap();
    assert_ne!(finish(&mut forgetful, &data), finish(&mut trainer, &data));
}

#[test]
fn a_checkpoint_reads_as_the_plain_model_it_holds() {
    let data = quarters();
    let mut trainer = Trainer::new(config(OptimizerSpec::adam()).check().unwrap()).unwrap();
    trainer.run_batches(&data, 3).unwrap();
    let model = model_file::from_bytes(&trainer.checkpoint()).unwrap();
    let plain = model_file::read(&model_file::to_bytes(&model)).unwrap();
    assert!(plain.training.is_none());
    let names: Vec<String> = model.named_params().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "dense_1.kernel",
            "dense_1.bias",
            "dense_2.kernel",
            "dense_2.bias"
        ]
    );
    let read_weights: Vec<f32> = model
        .named_params()
        .into_iter()
        .flat_map(|(_, p)| p.value.to_vec())
        .collect();
    assert_eq!(read_weights, weights(&trainer));
}

#[test]
fn before_the_first_step_and_for_plain_sgd_a_checkpoint_has_no_state_tensors() {
    for optimizer in [OptimizerSpec::adam(), OptimizerSpec::sgd()] {
        let trainer = Trainer::new(config(optimizer).check().unwrap()).unwrap();
        let bytes = trainer.checkpoint();
        let tensors = SafeTensors::deserialize(&bytes).unwrap();
        assert!(tensors.names().iter().all(|n| !n.starts_with("optimizer.")));
        assert!(resume(&bytes).position().seen == 0);
    }
}

/// The checkpoint's tensors and metadata, to be tampered with and written again.
struct Parts {
    tensors: Vec<(String, Vec<usize>, Vec<u8>)>,
    metadata: HashMap<String, String>,
}

impl Parts {
    fn of(bytes: &[u8]) -> Self {
        let (_, meta) = SafeTensors::read_metadata(bytes).unwrap();
        let tensors = SafeTensors::deserialize(bytes).unwrap();
        Parts {
            tensors: tensors
                .tensors()
                .into_iter()
                .map(|(n, t)| (n, t.shape().to_vec(), t.data().to_vec()))
                .collect(),
            metadata: meta.metadata().clone().unwrap(),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let views = self.tensors.iter().map(|(n, shape, data)| {
            (
                n.as_str(),
                TensorView::new(Dtype::F32, shape.clone(), data).unwrap(),
            )
        });
        safetensors::serialize(views, Some(self.metadata.clone())).unwrap()
    }

    fn training(&mut self, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut value: serde_json::Value =
            serde_json::from_str(&self.metadata[TRAINING_KEY]).unwrap();
        edit(&mut value);
        self.metadata
            .insert(TRAINING_KEY.to_owned(), value.to_string());
    }
}

fn refusal(parts: &Parts) -> ModelFileReason {
    match model_file::read(&parts.bytes()) {
        Err(Error::ModelFile(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_run_on_fashion_mnist_resumes_on_fashion_mnist_and_retuning_keeps_it() {
    let data = quarters();
    let mut fashion = config(OptimizerSpec::adam());
    fashion.training.dataset = DatasetKind::FashionMnist;
    let mut trainer = Trainer::new(fashion.check().unwrap()).unwrap();
    assert_eq!(trainer.model().dataset(), DatasetKind::FashionMnist);
    trainer.run_batches(&data, 3).unwrap();
    let resumed = resume(&trainer.checkpoint());
    assert_eq!(resumed.model().dataset(), DatasetKind::FashionMnist);
    assert_eq!(resumed.config().training.dataset, DatasetKind::FashionMnist);
    // The weights were trained on Fashion-MNIST: new settings cannot move them to MNIST.
    let mut settings = trainer.config().training.clone();
    settings.dataset = DatasetKind::Mnist;
    settings.epochs = 5;
    trainer.retune(settings).unwrap();
    assert_eq!(trainer.config().training.epochs, 5);
    assert_eq!(trainer.config().training.dataset, DatasetKind::FashionMnist);
}

#[test]
fn a_checkpoint_that_lies_about_its_run_is_refused_with_its_reason() {
    let data = quarters();
    let mut trainer = Trainer::new(config(OptimizerSpec::adam()).check().unwrap()).unwrap();
    trainer.run_batches(&data, 4).unwrap();
    let honest = trainer.checkpoint();
    assert!(model_file::read(&honest).is_ok());
    let first_moment = "optimizer.dense_1.kernel.first_moment";

    let mut parts = Parts::of(&honest);
    parts.training(|t| t["position"]["correct"] = 1000.into());
    assert_eq!(
        refusal(&parts),
        ModelFileReason::ImpossiblePosition { field: "correct" }
    );

    let mut parts = Parts::of(&honest);
    parts.training(|t| t["optimizer_steps"] = (1u64 << 53).into());
    assert_eq!(
        refusal(&parts),
        ModelFileReason::ImpossiblePosition {
            field: "optimizer_steps"
        }
    );

    let mut parts = Parts::of(&honest);
    parts.training(|t| t["config"]["model"]["layers"][0]["units"] = 7.into());
    assert_eq!(refusal(&parts), ModelFileReason::TrainingOtherModel);

    let mut parts = Parts::of(&honest);
    parts.training(|t| t["config"]["training"]["pixels"] = "raw".into());
    assert_eq!(refusal(&parts), ModelFileReason::TrainingOtherModel);

    // A run on one dataset is not the model of a file that says it learnt another.
    let mut parts = Parts::of(&honest);
    parts.training(|t| t["config"]["training"]["dataset"] = "fashion-mnist".into());
    assert_eq!(refusal(&parts), ModelFileReason::TrainingOtherModel);
    let mut parts = Parts::of(&honest);
    parts
        .metadata
        .insert("dataset".into(), "fashion-mnist".into());
    assert_eq!(refusal(&parts), ModelFileReason::TrainingOtherModel);

    let mut parts = Parts::of(&honest);
    parts.training(|t| t["config"]["training"]["learning_rate"] = (-1.0).into());
    assert!(matches!(
        refusal(&parts),
        ModelFileReason::TrainingInvalid { field, .. } if field == "learning_rate"
    ));

    let mut parts = Parts::of(&honest);
    parts.training(|t| t["position"] = "halfway".into());
    assert!(matches!(
        refusal(&parts),
        ModelFileReason::TrainingUnreadable { .. }
    ));

    // The state is all there or not at all.
    let mut parts = Parts::of(&honest);
    parts.tensors.retain(|(n, ..)| n != first_moment);
    assert_eq!(
        refusal(&parts),
        ModelFileReason::MissingTensor {
            name: first_moment.into()
        }
    );

    let mut parts = Parts::of(&honest);
    for (name, _, data) in &mut parts.tensors {
        if name == first_moment {
            data[4..8].copy_from_slice(&f32::NAN.to_le_bytes());
        }
    }
    assert!(matches!(
        refusal(&parts),
        ModelFileReason::NonFinite { name, index: 1, .. } if name == first_moment
    ));

    // Plain SGD keeps no moments: a file that claims some for it is refused.
    let mut parts = Parts::of(&honest);
    parts.training(|t| {
        t["config"]["training"]["optimizer"] = serde_json::json!({"type": "sgd"});
    });
    // (Which of its four moments is named first depends on the header's order.)
    assert!(matches!(
        refusal(&parts),
        ModelFileReason::UnexpectedTensor { name } if name.starts_with("optimizer.dense_")
    ));

    // A state tensor of another shape: a transposed kernel's moments.
    let mut parts = Parts::of(&honest);
    for (name, shape, _) in &mut parts.tensors {
        if name == first_moment {
            shape.reverse();
        }
    }
    assert!(matches!(
        refusal(&parts),
        ModelFileReason::WrongShape { name, .. } if name == first_moment
    ));
}

#[test]
fn a_run_that_is_finished_resumes_finished() {
    let data = quarters();
    let mut trainer = Trainer::new(config(OptimizerSpec::adam()).check().unwrap()).unwrap();
    finish(&mut trainer, &data);
    let mut resumed = resume(&trainer.checkpoint());
    assert!(resumed.is_done());
    assert_eq!(
        resumed.run_batches(&data, 1).unwrap().outcome,
        Outcome::Finished
    );
}
