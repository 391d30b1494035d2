//! Exports Neurite model files to other tools: an ONNX graph, and PyTorch and Keras scripts that
//! rebuild the network, load its weights and evaluate it or train it further.
//!
//! Everything works on bytes in memory — the model file's in, an `.onnx` file's or a script's
//! out — so that the command line and a browser worker call the same code.
//!
//! ```no_run
//! # fn main() -> neurite_export::Result<()> {
//! let bytes = std::fs::read("model.safetensors").unwrap();
//! let model = neurite_export::SourceModel::from_bytes(&bytes)?;
//! let onnx = neurite_export::onnx::to_bytes(&model);
//! # Ok(()) }
//! ```
//!
//! Every layer type the engine has maps to each format; the mappings match on
//! [`neurite::LayerSpec`] exhaustively, so a new layer type does not build until it has its
//! mapping.

mod error;
pub mod onnx;
pub mod python;
mod source;

pub use error::{ExportError, Result};
pub use source::{Pads, SourceLayer, SourceModel, Tensor, Weights};
