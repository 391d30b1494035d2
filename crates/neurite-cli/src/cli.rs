//! The command line's grammar: subcommands and flags, as `clap` derive types.
//!
//! These types only describe what was typed. Turning them into a checked configuration is
//! [`crate::train_config`]'s job, and every range is checked by [`neurite::Config::check`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use neurite::{DatasetKind, OptimizerSpec, PixelMode, TrainConfig};

use crate::commands::export::ExportArgs;

/// Train, evaluate and run dense and convolutional networks on MNIST or Fashion-MNIST.
#[derive(Debug, Parser)]
#[command(name = "neurite", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model on MNIST or Fashion-MNIST, evaluating it on the test set after every epoch.
    Train(TrainArgs),
    /// Evaluate a saved model on the 10 000 test images of its dataset.
    Eval(EvalArgs),
    /// Classify one PNG image (a digit, or a Fashion-MNIST article) with a saved model.
    Predict(PredictArgs),
    /// Print a model's layers, output shapes and parameter counts.
    Summary(SummaryArgs),
    /// Export a saved model to ONNX, or as a PyTorch or Keras script that rebuilds it.
    Export(ExportArgs),
}

/// Flags of `neurite train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The images to train on [default: the dataset a saved --model was trained on, else mnist]
    #[arg(long, value_enum)]
    pub dataset: Option<DatasetArg>,

    /// Directory holding the dataset's four IDX files (plain or .gz) [default:
    /// $NEURITE_MNIST_DIR, else data/mnist; for fashion-mnist $NEURITE_FASHION_MNIST_DIR, else
    /// data/fashion-mnist]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// A preset (seed-mlp, keras-convnet, lenet), a JSON model specification, or a
    /// .safetensors model to train further
    #[arg(
        long,
        value_name = "PRESET|SPEC.json|FILE.safetensors",
        default_value = "seed-mlp"
    )]
    pub model: String,

    /// Passes over the training set
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    pub epochs: usize,

    /// Samples per step
    #[arg(long, default_value_t = TrainConfig::default().batch_size)]
    pub batch_size: usize,

    /// Learning rate [default: the optimizer's Keras default: 0.01 for SGD, 0.001 otherwise]
    #[arg(long, value_name = "LR", allow_negative_numbers = true)]
    pub lr: Option<f64>,

    /// The optimizer; momentum and nesterov are SGD with momentum 0.9
    #[arg(long, value_enum, default_value_t = OptimizerArg::Adam)]
    pub optimizer: OptimizerArg,

    /// Seeds initial weights, shuffling and dropout
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    pub seed: u64,

    /// How pixels are fed: scaled to [0, 1], or raw 0–255 as the seed program does [default:
    /// the mode a saved --model was trained with, else scaled]
    #[arg(long, value_enum)]
    pub pixels: Option<PixelArg>,

    /// L2 penalty on kernels
    #[arg(long, allow_negative_numbers = true, default_value_t = TrainConfig::default().l2)]
    pub l2: f64,

    /// Fraction of the training set held out for validation (its tail, as Keras)
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true, default_value_t = TrainConfig::default().validation_split)]
    pub validation_split: f64,

    /// Train on only the first N training samples
    #[arg(long, value_name = "N")]
    pub train_subset: Option<usize>,

    /// Mix your own images into training and report the accuracy on them after each epoch: a
    /// directory holding one images file (*images-idx3-ubyte, as the playground's "my digits"
    /// export my-digits-images-idx3-ubyte) and its labels file (*labels-idx1-ubyte), plain or
    /// .gz, of 28×28 images labelled 0–9
    #[arg(long, value_name = "DIR")]
    pub extra: Option<PathBuf>,

    /// Expected fraction of each batch taken from --extra, 0 to 1 (0: only report on them; 1:
    /// train on them alone, fine-tuning). The default, 0.1, shows each of 30 images 22 times an
    /// epoch beside 6 000 MNIST images (222 times beside all 60 000): enough to learn them,
    /// while nine samples in ten stay MNIST's, so its test accuracy holds
    #[arg(
        long,
        value_name = "S",
        requires = "extra",
        allow_negative_numbers = true,
        default_value_t = neurite::data::mix::DEFAULT_SHARE
    )]
    pub extra_share: f64,

    /// Save the trained model to this .safetensors file
    #[arg(long, value_name = "FILE.safetensors")]
    pub out: Option<PathBuf>,

    /// Print one JSON object per epoch on stdout instead of a progress bar
    #[arg(long)]
    pub json: bool,
}

/// Flags of `neurite eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The saved model
    #[arg(long, value_name = "FILE.safetensors")]
    pub model: PathBuf,

    /// The test set to evaluate on [default: the dataset the model was trained on, from its
    /// file]
    #[arg(long, value_enum)]
    pub dataset: Option<DatasetArg>,

    /// Directory holding the dataset's files [default: $NEURITE_MNIST_DIR, else data/mnist; for
    /// fashion-mnist $NEURITE_FASHION_MNIST_DIR, else data/fashion-mnist]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// How pixels are fed [default: the mode the model was trained with, from its file]
    #[arg(long, value_enum)]
    pub pixels: Option<PixelArg>,

    /// Print the result as one JSON object
    #[arg(long)]
    pub json: bool,

    /// Also write the predicted class of every test image, one per line, to this file
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,

    /// Also evaluate on your own images, printing their accuracy and confusion matrix: a
    /// directory holding one *images-idx3-ubyte file and its *labels-idx1-ubyte file (as
    /// `train --extra`)
    #[arg(long, value_name = "DIR")]
    pub extra: Option<PathBuf>,
}

/// Flags of `neurite predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// The saved model
    #[arg(long, value_name = "FILE.safetensors")]
    pub model: PathBuf,

    /// A PNG image of one digit or article, any size, light on dark or dark on light
    #[arg(long, value_name = "PNG")]
    pub image: PathBuf,

    /// Whose class names to print [default: the dataset the model was trained on, from its
    /// file]
    #[arg(long, value_enum)]
    pub dataset: Option<DatasetArg>,

    /// How pixels are fed [default: the mode the model was trained with, from its file]
    #[arg(long, value_enum)]
    pub pixels: Option<PixelArg>,
}

/// Flags of `neurite summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// A preset (seed-mlp, keras-convnet, lenet), a JSON model specification, or a
    /// .safetensors model
    #[arg(
        long,
        value_name = "PRESET|SPEC.json|FILE.safetensors",
        default_value = "seed-mlp"
    )]
    pub model: String,
}

/// `--optimizer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OptimizerArg {
    /// Plain SGD.
    Sgd,
    /// SGD with momentum 0.9.
    Momentum,
    /// SGD with Nesterov momentum 0.9.
    Nesterov,
    /// Adam with Keras's defaults.
    Adam,
    /// RMSprop with Keras's defaults.
    Rmsprop,
}

impl OptimizerArg {
    /// The optimizer this choice names.
    pub fn spec(self) -> OptimizerSpec {
        match self {
            OptimizerArg::Sgd => OptimizerSpec::sgd(),
            OptimizerArg::Momentum => OptimizerSpec::Sgd {
                momentum: 0.9,
                nesterov: false,
            },
            OptimizerArg::Nesterov => OptimizerSpec::Sgd {
                momentum: 0.9,
                nesterov: true,
            },
            OptimizerArg::Adam => OptimizerSpec::adam(),
            OptimizerArg::Rmsprop => OptimizerSpec::rmsprop(),
        }
    }
}

/// `--dataset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatasetArg {
    /// Handwritten digits 0–9.
    Mnist,
    /// Zalando's clothes, shoes and bags in 10 classes.
    FashionMnist,
}

impl From<DatasetArg> for DatasetKind {
    fn from(arg: DatasetArg) -> Self {
        match arg {
            DatasetArg::Mnist => DatasetKind::Mnist,
            DatasetArg::FashionMnist => DatasetKind::FashionMnist,
        }
    }
}

/// `--pixels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PixelArg {
    /// x / 255, in [0, 1].
    Scaled,
    /// 0 to 255.
    Raw,
}

impl From<PixelArg> for PixelMode {
    fn from(arg: PixelArg) -> Self {
        match arg {
            PixelArg::Scaled => PixelMode::Scaled,
            PixelArg::Raw => PixelMode::Raw,
        }
    }
}
