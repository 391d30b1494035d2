//! The export's one error type: what a model file can make an export refuse.

/// Why a model cannot be exported.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ExportError {
    /// The bytes are not a model file Neurite reads (the engine's own message: a bad header, a
    /// missing tensor, a specification out of range…).
    #[error(transparent)]
    ModelFile(#[from] neurite::Error),

    /// The PyTorch and Keras scripts read MNIST-format images: 784 pixels in, a score per class
    /// out. A model of other inputs (such as the 2-D playground's) exports to ONNX only.
    #[error(
        "the {framework} script trains and evaluates on 28 × 28 images of 10 classes, but the \
         model takes {inputs} inputs and gives {outputs} outputs; export it to ONNX instead"
    )]
    NotAnImageClassifier {
        /// `PyTorch` or `Keras`.
        framework: &'static str,
        /// The model's input features.
        inputs: usize,
        /// The model's output features.
        outputs: usize,
    },
}

/// The export's result type.
pub type Result<T, E = ExportError> = std::result::Result<T, E>;
