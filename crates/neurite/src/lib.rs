//! Neurite's engine: dense networks on [`ndarray`], trained with explicit backpropagation.
//!
//! It reproduces the classic Keras MNIST program —
//! `Flatten → Dense(128, relu) → Dense(10, softmax)`, Adam, sparse categorical cross-entropy —
//! with Keras's initialisation, update rules and loss numerics. It has no platform dependency:
//! the same code runs natively (the `neurite` CLI) and in a browser worker.
//!
//! ```
//! use neurite::{Config, Sequential};
//!
//! let config = Config::default().check()?; // the seed program
//! let model = Sequential::<f32>::from_spec(&config.model, config.training.seed)?;
//! assert_eq!(model.param_count(), 101_770);
//! # Ok::<(), neurite::Error>(())
//! ```

pub mod activation;
pub mod checkpoint;
pub mod config;
pub mod data;
mod error;
pub mod explain;
#[cfg(test)]
mod gradcheck;
pub mod kernels;
pub mod layers;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod model_file;
pub mod optimizer;
pub mod preprocess;
mod scalar;
pub mod spec;
pub mod surface;
pub mod trainer;

pub use activation::Activation;
pub use config::{CheckedConfig, Config, PixelMode, TrainConfig};
pub use data::{
    Collection, Dataset, DatasetKind, Mix, Mnist, TrainingData, load_extra, load_mnist,
};
pub use error::{
    Bound, CollectionReason, CsvColumn, CsvReason, DatasetReason, Error, IdxReason,
    ModelFileReason, Quantity, Reason, Result, idx_type_name,
};
pub use loss::{Loss, Targets};
pub use metrics::{ConfusionMatrix, Evaluation};
pub use model::{Penalties, Sequential, Summary};
pub use optimizer::{ElementStep, Optimizer, OptimizerSpec, Slot};
pub use scalar::Scalar;
pub use spec::{LayerSpec, ModelSpec, TargetShape};
pub use trainer::{Outcome, StepReport, Trainer};
