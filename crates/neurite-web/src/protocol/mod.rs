//! Every message between the page and the training worker, both ways.
//!
//! Messages are serde enums with named fields, externally tagged: they travel as JSON text
//! such as `{"set_learning_rate":{"learning_rate":0.5}}` or `"start"` (see
//! [`transport`](crate::transport)). A message that carries a large array (a model file, the
//! test set's pixels, the test predictions, the first layer's weights) says so in its docs: the
//! array travels beside it as the [`Envelope`]'s `payload`, an `ArrayBuffer` that is
//! transferred, not copied, across threads.
//!
//! JSON has no NaN or infinity, yet a loss can be either; such fields go through
//! [`maybe_finite`], which writes them as the strings `"NaN"`, `"inf"` and `"-inf"`.

use neurite::{Config, ConfusionMatrix, DatasetKind, Summary};
use serde::{Deserialize, Serialize};

mod checkpoint;
mod example;
mod worker_error;

pub use checkpoint::{CHECKPOINT_INTERVAL_MS, CheckpointReason, Resumed};
pub use example::{
    EXAMPLE_UNITS, ExampleQuery, ExampleReport, ExampleSource, UnitGrad, WeightAt, WeightReport,
};
pub use worker_error::{ErrorKind, WorkerError, WorkerProblem};

/// First-layer units whose weights travel in a [`FromWorker::Snapshot`]: the page draws one
/// tile per unit, and no more than this.
pub const MAX_WEIGHT_TILES: usize = 256;

/// A message and the bytes that travel beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<M> {
    /// The message.
    pub msg: M,
    /// Its large array, if it has one (see each message's docs).
    pub payload: Option<Vec<u8>>,
}

impl<M> Envelope<M> {
    /// A message without a payload.
    pub fn bare(msg: M) -> Self {
        Envelope { msg, payload: None }
    }

    /// A message with a payload.
    pub fn with_payload(msg: M, payload: Vec<u8>) -> Self {
        Envelope {
            msg,
            payload: Some(payload),
        }
    }
}

/// What the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ToWorker {
    /// Fetch a dataset's gzip files from `base_url` (e.g. `./mnist/`, `./fashion-mnist/`) and
    /// decompress them, replacing the data held (of a request sent after this one, only the
    /// last is kept).
    LoadData {
        /// The folder holding `train-images-idx3-ubyte.gz` and the three others.
        base_url: String,
        /// Which dataset the files are (MNIST when not given).
        #[serde(default)]
        dataset: DatasetKind,
    },
    /// Build a fresh model and trainer. The page sends only configurations that passed
    /// [`Config::check`]; the worker checks again, as it trusts no message.
    Configure {
        /// The model and its hyperparameters.
        config: Config,
    },
    /// Train until paused or finished.
    Start,
    /// Stop training after the current chunk of work.
    Pause,
    /// Train this many batches, then pause.
    Step {
        /// Batches to train.
        batches: u32,
    },
    /// Start over from freshly initialised weights with the last configuration.
    Reset,
    /// Use this learning rate from the next batch on.
    SetLearningRate {
        /// The new step size.
        learning_rate: f64,
    },
    /// Use this batch size from the next batch on.
    SetBatchSize {
        /// The new batch size.
        batch_size: usize,
    },
    /// Apply these training settings to the current model from the next batch on, keeping its
    /// weights (its pixel mode stays; a new optimizer starts its state afresh; more epochs let
    /// a finished run go on). Refused with the engine's message if they do not check.
    SetTraining {
        /// The settings.
        training: neurite::TrainConfig,
    },
    /// Replace the model by the model file in the payload (the configuration's hyperparameters
    /// stay). A bad file is refused with [`FromWorker::Error`] and the current model kept.
    LoadModel {
        /// The file's name, for messages.
        file_name: String,
    },
    /// Send the current model as a model file ([`FromWorker::ModelFile`]).
    ExportModel,
    /// Continue the run of the checkpoint in the payload (a [`FromWorker::Checkpoint`]'s):
    /// its model, configuration, optimizer state and place in the run, paused. A bad
    /// checkpoint is refused with [`FromWorker::Error`] and the current model kept.
    Resume {
        /// The page's name for the stored run, echoed in [`FromWorker::Configured`].
        record: String,
    },
    /// Answer with [`FromWorker::Pong`] (the page's heartbeat).
    Ping {
        /// The page's number for this beat.
        beat: u64,
    },
    /// Fail as a bug in the worker would: it panics, which traps its wasm. For testing that
    /// the page recovers; the page sends it only when asked to by a test.
    Crash,
    /// Classify a drawn digit now and after every new snapshot of the weights, answering with
    /// [`FromWorker::Prediction`]. Payload: the digit's 28×28 `u8` pixels as MNIST stores them
    /// (the worker scales them as the model was trained); without a payload the worker forgets
    /// the drawing.
    Classify {
        /// The page's number for this drawing, echoed in the answers.
        drawing: u64,
    },
    /// "Show the math": take one image apart under the current model now and after every new
    /// snapshot of the weights, answering with [`FromWorker::Example`]; `None` stops.
    Explain {
        /// The page's number for this query, echoed in the answers.
        query: u64,
        /// What to take apart.
        example: Option<ExampleQuery>,
    },
    /// The learner's own digits ("my digits"), in the payload as their `count` × 784 pixels
    /// followed by their `count` labels ([`crate::state::my_digits::MyDigits::payload`]), and
    /// the share of each training batch drawn from them, in `[0, MAX_MY_DIGITS_SHARE]` (0:
    /// training is not changed). The worker evaluates the model on them now and whenever its
    /// weights change ([`FromWorker::MyDigitsEvaluated`]); no payload or `count` 0 forgets them.
    SetMyDigits {
        /// How many digits the payload holds.
        count: usize,
        /// The expected fraction of each batch drawn from them.
        share: f64,
    },
    /// Train the current model on the learner's digits alone for `passes` passes over them
    /// (with the run's optimizer settings, a fresh optimizer state, and the run's place in its
    /// epochs unchanged), then answer with [`FromWorker::FineTuned`]. At most
    /// [`MAX_FINE_TUNE_PASSES`], and at most [`MAX_FINE_TUNE_SAMPLES`] samples in all.
    FineTune {
        /// Passes over the digits.
        passes: u32,
    },
}

/// The largest share of a batch the learner's digits may take while training on MNIST (more
/// would forget MNIST; fine-tuning on them alone is [`ToWorker::FineTune`]).
pub const MAX_MY_DIGITS_SHARE: f64 = 0.5;
/// The most passes one [`ToWorker::FineTune`] makes.
pub const MAX_FINE_TUNE_PASSES: u32 = 200;
/// The most samples one [`ToWorker::FineTune`] trains on (passes × digits): it trains in one
/// go, and a convnet takes about 6 s for these in a browser, well within the page's heartbeat.
pub const MAX_FINE_TUNE_SAMPLES: usize = 20_000;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// A fresh model, not trained yet.
    #[default]
    Idle,
    /// Training.
    Running,
    /// Paused mid-run.
    Paused,
    /// Every epoch has run.
    Finished,
    /// The loss became non-finite; the model keeps its last finite weights.
    Diverged,
}

/// Training progress, sent a few times per second while training and after every step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Where the run stands.
    pub phase: Phase,
    /// The epoch being trained, from 1.
    pub epoch: usize,
    /// Epochs in the run.
    pub epochs: usize,
    /// Batches done in this epoch.
    pub batch: usize,
    /// Batches per epoch.
    pub batches_per_epoch: usize,
    /// Mean loss over the epoch so far.
    #[serde(with = "maybe_finite")]
    pub loss: f64,
    /// Accuracy over the epoch so far.
    #[serde(with = "maybe_finite")]
    pub accuracy: f64,
    /// Mean loss of the batches trained since the last progress message.
    #[serde(with = "maybe_finite")]
    pub recent_loss: f64,
    /// Accuracy on the batches trained since the last progress message.
    #[serde(with = "maybe_finite")]
    pub recent_accuracy: f64,
    /// Position of the run in epochs (e.g. `1.5` is half-way through the second epoch).
    pub position: f64,
    /// Training throughput since the last progress message.
    pub samples_per_second: f64,
    /// Time spent training so far, in milliseconds.
    pub elapsed_ms: f64,
}

/// One layer of [`FromWorker::FeatureMaps`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureMapLayer {
    /// The layer's name (`conv2d_1`; `input` for the drawing).
    pub name: String,
    /// The layer's index in the model; none for the drawing.
    pub index: Option<usize>,
    /// `[height, width, channels]` of its output.
    pub shape: [usize; 3],
    /// Each channel's largest magnitude, which its bytes are scaled to (0 for a channel of
    /// zeros).
    pub scales: Vec<f32>,
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FromWorker {
    /// The worker's wasm has started; messages sent before this would have been lost.
    Ready {
        /// The instruction set its kernels run on.
        kernels: neurite::kernels::KernelSet,
    },
    /// A dataset is loaded. Payload: the test set, its `test_samples` labels followed by its
    /// `test_samples × 784` pixels, for the page's gallery and confusion-matrix drill-down.
    DataLoaded {
        /// Which dataset (MNIST when not given).
        #[serde(default)]
        dataset: DatasetKind,
        /// Training samples.
        train_samples: usize,
        /// Test samples.
        test_samples: usize,
        /// Time to fetch and decompress, in milliseconds.
        millis: f64,
    },
    /// A model was built (after [`ToWorker::Configure`], [`ToWorker::Reset`],
    /// [`ToWorker::LoadModel`] or [`ToWorker::Resume`]).
    Configured {
        /// The layer table with parameter counts.
        summary: Summary,
        /// The configuration in force, as the worker checked it.
        config: Config,
        /// The worker's number for this run (from 1, one more for every model it builds),
        /// which its checkpoints carry.
        run: u64,
        /// The stored run it continues, after [`ToWorker::Resume`].
        resumed: Option<Resumed>,
        /// The model file it was loaded from, after [`ToWorker::LoadModel`].
        loaded: Option<String>,
    },
    /// Training progress.
    Progress(Progress),
    /// An epoch ended and the model was evaluated on the test set. Payload: the predicted
    /// class of every test sample, one byte each.
    EpochEnd {
        /// The epoch that ended, from 1.
        epoch: usize,
        /// Mean training loss over the epoch.
        #[serde(with = "maybe_finite")]
        train_loss: f64,
        /// Training accuracy over the epoch.
        train_accuracy: f64,
        /// Test loss.
        #[serde(with = "maybe_finite")]
        test_loss: f64,
        /// Test accuracy.
        test_accuracy: f64,
        /// Test counts of (true, predicted) classes.
        confusion: ConfusionMatrix,
    },
    /// The current first-layer weights, for the weight images (sent a few times per second
    /// while they change). Payload: the first layer's kernel (a dense layer on the pixels, or
    /// a convolution's filters), unit by unit: `units` runs of `inputs` little-endian `f32`s
    /// (at most [`MAX_WEIGHT_TILES`] units).
    Snapshot {
        /// Optimizer steps taken so far.
        steps: u64,
        /// Inputs per unit.
        inputs: usize,
        /// `[rows, columns]` of the image each unit's `inputs` weights form (28×28 for a dense
        /// layer on MNIST, 3×3 for a 3×3 convolution).
        tile: [usize; 2],
        /// Units in the payload.
        units: usize,
        /// Units in the layer (more than `units` when the layer is wider than the tiles shown).
        layer_units: usize,
    },
    /// What each convolution and pooling layer made of the drawing, after each
    /// [`FromWorker::Prediction`] of a model that has such layers. Payload: for each layer in
    /// turn, channel after channel, `height × width` signed bytes, row by row, each
    /// `round(127·x / scale)` with its channel's scale.
    FeatureMaps {
        /// The drawing's number.
        drawing: u64,
        /// The model's architecture, for the receptive field of a map's cell.
        model: neurite::ModelSpec,
        /// The drawing itself (`index` none), then the layers, input to output.
        layers: Vec<FeatureMapLayer>,
    },
    /// The class probabilities of the drawing last sent with [`ToWorker::Classify`], under
    /// the current weights.
    Prediction {
        /// The drawing's number.
        drawing: u64,
        /// One probability per class.
        probabilities: Vec<f32>,
        /// Optimizer steps behind the weights used.
        steps: u64,
        /// Time of the forward pass, in milliseconds.
        forward_ms: f64,
    },
    /// One image taken apart, as [`ToWorker::Explain`] asked. Payload: see [`ExampleReport`].
    Example(ExampleReport),
    /// The model file asked for with [`ToWorker::ExportModel`]. Payload: its bytes.
    ModelFile {
        /// Optimizer steps taken so far.
        steps: u64,
    },
    /// The run as it stands, for the page to store. Payload: the checkpoint file (see
    /// [`CheckpointReason`] for when one is sent).
    Checkpoint {
        /// The run's number, as [`FromWorker::Configured`] gave it.
        run: u64,
        /// Why now.
        reason: CheckpointReason,
        /// Optimizer steps taken so far.
        steps: u64,
        /// Epochs completed.
        epochs_done: usize,
    },
    /// The answer to [`ToWorker::Ping`].
    Pong {
        /// The beat's number.
        beat: u64,
    },
    /// The loss or a gradient became non-finite; training stopped.
    Diverged {
        /// The epoch it happened in.
        epoch: usize,
        /// The batch's loss.
        #[serde(with = "maybe_finite")]
        loss: f64,
    },
    /// The model on the learner's digits ([`ToWorker::SetMyDigits`]), after they were sent
    /// and whenever the weights changed.
    MyDigitsEvaluated {
        /// Optimizer steps behind the weights used.
        steps: u64,
        /// Each digit's predicted class, in the collection's order.
        predictions: Vec<u8>,
        /// Their confusion matrix (true class by row).
        confusion: ConfusionMatrix,
    },
    /// [`ToWorker::FineTune`] is done: the model's accuracy on the learner's digits and on the
    /// test set, before and after.
    FineTuned {
        /// Passes made over the digits.
        passes: u32,
        /// Accuracy on the digits before.
        before: f64,
        /// Accuracy on the digits after.
        after: f64,
        /// Test-set accuracy after.
        test_accuracy: f64,
    },
    /// A request failed; the worker's state is unchanged.
    Error(WorkerError),
}

/// A float that may be NaN or infinite, as a JSON number when it is finite and otherwise as
/// `"NaN"`, `"inf"` or `"-inf"`.
pub mod maybe_finite {
    use std::fmt;

    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    /// Writes `value`.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        match *value {
            v if v.is_finite() => serializer.serialize_f64(v),
            v if v.is_nan() => serializer.serialize_str("NaN"),
            v if v > 0.0 => serializer.serialize_str("inf"),
            _ => serializer.serialize_str("-inf"),
        }
    }

    /// Reads a number, or one of the three strings.
    ///
    /// # Errors
    /// For anything else.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        deserializer.deserialize_any(MaybeFinite)
    }

    struct MaybeFinite;

    impl Visitor<'_> for MaybeFinite {
        type Value = f64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number, \"NaN\", \"inf\" or \"-inf\"")
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            match v {
                "NaN" => Ok(f64::NAN),
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }
}

/// One message of every kind, for the round-trip tests natively and in a browser worker.
pub mod samples {
    use super::*;

    /// One of every request, so that a new variant without a round trip test shows up.
    pub fn requests() -> Vec<ToWorker> {
        vec![
            ToWorker::LoadData {
                base_url: "./fashion-mnist/".into(),
                dataset: DatasetKind::FashionMnist,
            },
            ToWorker::Configure {
                config: Config::default(),
            },
            ToWorker::Start,
            ToWorker::Pause,
            ToWorker::Step { batches: 10 },
            ToWorker::Reset,
            ToWorker::SetLearningRate {
                learning_rate: 0.01,
            },
            ToWorker::SetBatchSize { batch_size: 64 },
            ToWorker::SetTraining {
                training: neurite::TrainConfig {
                    epochs: 9,
                    ..Default::default()
                },
            },
            ToWorker::LoadModel {
                file_name: "model.safetensors".into(),
            },
            ToWorker::ExportModel,
            ToWorker::Resume {
                record: "run-1".into(),
            },
            ToWorker::Ping { beat: 9 },
            ToWorker::Crash,
            ToWorker::Classify { drawing: 3 },
            ToWorker::Explain {
                query: 4,
                example: Some(ExampleQuery {
                    source: ExampleSource::Test { index: 17 },
                    label: 7,
                    weight: Some(WeightAt {
                        input: 400,
                        unit: 3,
                    }),
                }),
            },
            ToWorker::Explain {
                query: 5,
                example: None,
            },
        ]
    }

    /// One of every reply.
    ///
    /// # Panics
    /// Never: the seed model always builds.
    pub fn replies() -> Vec<FromWorker> {
        let model = neurite::Sequential::<f32>::from_spec(&neurite::ModelSpec::seed_mlp(), 1)
            .expect("the seed model builds");
        let mut confusion = ConfusionMatrix::new(10);
        confusion.record(3, 5);
        vec![
            FromWorker::Ready {
                kernels: neurite::kernels::KernelSet::RelaxedSimd,
            },
            FromWorker::DataLoaded {
                dataset: DatasetKind::FashionMnist,
                train_samples: 60_000,
                test_samples: 10_000,
                millis: 512.5,
            },
            FromWorker::Configured {
                summary: model.summary(),
                config: Config::default(),
                run: 2,
                resumed: Some(Resumed {
                    record: "run-1".into(),
                    steps: 1875,
                    epochs_done: 1,
                }),
                loaded: Some("m.safetensors".into()),
            },
            FromWorker::Progress(Progress {
                phase: Phase::Running,
                epoch: 1,
                epochs: 5,
                batch: 100,
                batches_per_epoch: 1875,
                loss: 0.5,
                accuracy: 0.85,
                recent_loss: 0.4,
                recent_accuracy: 0.875,
                position: 100.0 / 1875.0,
                samples_per_second: 25_000.0,
                elapsed_ms: 128.0,
            }),
            FromWorker::EpochEnd {
                epoch: 1,
                train_loss: 0.26,
                train_accuracy: 0.92,
                test_loss: 0.13,
                test_accuracy: 0.96,
                confusion,
            },
            FromWorker::Snapshot {
                steps: 1875,
                inputs: 784,
                tile: [28, 28],
                units: 128,
                layer_units: 128,
            },
            FromWorker::Prediction {
                drawing: 3,
                probabilities: vec![0.5, 0.25, 0.25],
                steps: 1875,
                forward_ms: 0.25,
            },
            FromWorker::Example(ExampleReport {
                query: 4,
                example: ExampleQuery {
                    source: ExampleSource::Drawing,
                    label: 1,
                    weight: None,
                },
                steps: 1875,
                logits: vec![1.5, -0.25],
                probabilities: vec![0.85, 0.15],
                head: neurite::Activation::Softmax,
                loss_function: neurite::Loss::SparseCategoricalCrossentropy,
                loss: 1.9,
                penalty: 0.0,
                logit_grads: vec![0.85, -0.85],
                inputs: 784,
                layer_units: 128,
                units: vec![UnitGrad {
                    unit: 5,
                    delta: -0.125,
                    norm: 0.5,
                }],
                weight: Some(WeightReport {
                    at: WeightAt {
                        input: 400,
                        unit: 5,
                    },
                    input: 1.0,
                    delta: -0.125,
                    step: neurite::ElementStep {
                        t: 1,
                        value: 0.5,
                        grad: -0.125,
                        learning_rate: 1e-3,
                        slots: vec![neurite::Slot::FirstMoment, neurite::Slot::SecondMoment],
                        before: vec![0.0, 0.0],
                        after: vec![-0.0125, 1.5625e-5],
                        adam_step_size: Some(3.125e-4),
                        updated: 0.501,
                    },
                }),
            }),
            FromWorker::ModelFile { steps: 1875 },
            FromWorker::Checkpoint {
                run: 2,
                reason: CheckpointReason::EpochEnd,
                steps: 1875,
                epochs_done: 1,
            },
            FromWorker::Pong { beat: 9 },
            FromWorker::Diverged {
                epoch: 2,
                loss: f64::INFINITY,
            },
        ]
        .into_iter()
        .chain(errors().into_iter().map(FromWorker::Error))
        .collect()
    }

    /// One error of each family: a refused value, model files (one claiming a header longer
    /// than JavaScript's integers hold exactly), an IDX file, a model that does not fit the
    /// data, and the worker's own.
    pub fn errors() -> Vec<WorkerError> {
        use neurite::{DatasetReason, Error, IdxReason, ModelFileReason};
        let file = |reason| WorkerError::from(Error::ModelFile(reason)).in_file("m.safetensors");
        vec![
            neurite::config::check_learning_rate(-1.0)
                .unwrap_err()
                .into(),
            file(ModelFileReason::HeaderTooLarge {
                claimed: u64::MAX,
                max: neurite::model_file::MAX_HEADER_BYTES,
            }),
            file(ModelFileReason::NonFinite {
                name: "dense_1.kernel".into(),
                value: "NaN".into(),
                index: 7,
            }),
            file(ModelFileReason::SpecInvalid {
                field: "layers[0].units".into(),
                reason: neurite::Reason::whole(neurite::Quantity::DenseUnits, 0, 1, 4096),
            }),
            Error::idx(
                "train-images",
                IdxReason::WrongLength {
                    dims: vec![60_000, 28, 28],
                    expected: 47_040_000,
                    holds: 47_040_001,
                    gzip: true,
                },
            )
            .into(),
            WorkerError {
                kind: ErrorKind::ModelFile,
                ..WorkerError::from(Error::Dataset(DatasetReason::OutputsNotClasses {
                    outputs: 3,
                    classes: 10,
                }))
                .in_file("three.safetensors")
            },
            WorkerError::worker(
                ErrorKind::Data,
                WorkerProblem::HttpStatus {
                    url: "./mnist/t10k-labels-idx1-ubyte.gz".into(),
                    status: 404,
                },
            ),
            WorkerError::worker(
                ErrorKind::Protocol,
                WorkerProblem::DrawingWidth {
                    pixels: 784,
                    takes: 4,
                },
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<M>(msg: &M) -> M
    where
        M: Serialize + for<'de> Deserialize<'de>,
    {
        let json = serde_json::to_string(msg).expect("serialises");
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[test]
    fn every_request_round_trips() {
        for msg in samples::requests() {
            assert_eq!(round_trip(&msg), msg);
        }
    }

    #[test]
    fn every_reply_round_trips() {
        for msg in samples::replies() {
            assert_eq!(round_trip(&msg), msg);
        }
    }

    #[test]
    fn messages_are_tagged_with_their_snake_case_name() {
        let json =
            serde_json::to_string(&ToWorker::SetLearningRate { learning_rate: 0.5 }).unwrap();
        assert_eq!(json, r#"{"set_learning_rate":{"learning_rate":0.5}}"#);
        assert_eq!(
            serde_json::to_string(&ToWorker::Start).unwrap(),
            r#""start""#
        );
    }

    #[test]
    fn a_request_for_data_without_a_dataset_means_mnist() {
        let old: ToWorker =
            serde_json::from_str(r#"{"load_data":{"base_url":"./mnist/"}}"#).unwrap();
        assert_eq!(
            old,
            ToWorker::LoadData {
                base_url: "./mnist/".into(),
                dataset: DatasetKind::Mnist
            }
        );
        let json = serde_json::to_string(&samples::requests()[0]).unwrap();
        assert!(json.contains(r#""dataset":"fashion-mnist""#), "{json}");
        assert!(
            serde_json::from_str::<ToWorker>(
                r#"{"load_data":{"base_url":"./x/","dataset":"cifar"}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn an_unknown_message_is_an_error_not_a_default() {
        assert!(serde_json::from_str::<ToWorker>(r#""launch_rockets""#).is_err());
        assert!(serde_json::from_str::<ToWorker>(r#"{"step":{"batches":-1}}"#).is_err());
        assert!(serde_json::from_str::<ToWorker>(r#"{"step":{"batches":1,"more":2}}"#).is_err());
    }

    #[test]
    fn losses_that_are_not_finite_travel_as_text_and_come_back() {
        let mut progress = match &samples::replies()[3] {
            FromWorker::Progress(p) => p.clone(),
            other => panic!("sample 3 is {other:?}"),
        };
        progress.loss = f64::NAN;
        progress.recent_loss = f64::NEG_INFINITY;
        let json = serde_json::to_string(&FromWorker::Progress(progress)).unwrap();
        assert!(json.contains(r#""loss":"NaN""#), "{json}");
        assert!(json.contains(r#""recent_loss":"-inf""#), "{json}");
        match serde_json::from_str::<FromWorker>(&json).unwrap() {
            FromWorker::Progress(p) => {
                assert!(p.loss.is_nan());
                assert_eq!(p.recent_loss, f64::NEG_INFINITY);
                assert_eq!(p.accuracy, 0.85);
            }
            other => panic!("{other:?}"),
        }
        let bad = json.replace(r#""NaN""#, r#""lots""#);
        assert!(serde_json::from_str::<FromWorker>(&bad).is_err());
    }
}
