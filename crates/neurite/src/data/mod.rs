//! Datasets: the MNIST IDX reader and the in-memory [`Dataset`] batches are drawn from.

mod dataset;
pub mod idx;

pub use dataset::{Dataset, MNIST_FILES, Mnist, load_mnist};
pub use idx::{IdxArray, parse_idx};
