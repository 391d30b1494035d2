//! Datasets: the MNIST IDX reader and the in-memory [`Dataset`] batches are drawn from; the
//! image datasets by name, with their classes ([`DatasetKind`]: MNIST, Fashion-MNIST); the
//! learner's own images ([`Collection`], "my digits") with their files, and a training set with
//! them mixed in ([`Mix`]); what a trainer trains on ([`TrainingData`]); the 2-D playground's
//! points on a plane ([`plane`]).

pub mod collection;
mod collection_dir;
mod dataset;
pub mod idx;
mod kind;
pub mod mix;
pub mod plane;
mod training_data;

pub use collection::Collection;
pub use collection_dir::load_extra;
pub use dataset::{Dataset, MNIST_FILES, Mnist, load_mnist};
pub use idx::{IdxArray, idx_dims, parse_idx};
pub use kind::{DatasetKind, UnknownDataset};
pub use mix::Mix;
pub use training_data::TrainingData;
