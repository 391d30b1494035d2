//! Datasets: the MNIST IDX reader and the in-memory [`Dataset`] batches are drawn from; the
//! image datasets by name, with their classes ([`DatasetKind`]: MNIST, Fashion-MNIST); the
//! 2-D playground's points on a plane ([`plane`]).

mod dataset;
pub mod idx;
mod kind;
pub mod plane;

pub use dataset::{Dataset, MNIST_FILES, Mnist, load_mnist};
pub use idx::{IdxArray, parse_idx};
pub use kind::{DatasetKind, UnknownDataset};
