//! The keys of a link: their names, the configuration field each sets (as the engine names it
//! in its messages), and the names their values may take.

/// A key of the link, in the order keys are applied and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `dataset`: the images trained on.
    Dataset,
    /// `input`: the shape of one sample.
    Input,
    /// `layers`: the model's layers.
    Layers,
    /// `opt`: the optimizer.
    Optimizer,
    /// `momentum`: SGD's or RMSprop's μ.
    Momentum,
    /// `nesterov`: SGD's Nesterov form.
    Nesterov,
    /// `beta1`: Adam's β₁.
    Beta1,
    /// `beta2`: Adam's β₂.
    Beta2,
    /// `rho`: RMSprop's ρ.
    Rho,
    /// `eps`: Adam's or RMSprop's ε.
    Epsilon,
    /// `lr`: the learning rate.
    LearningRate,
    /// `batch`: the batch size.
    BatchSize,
    /// `epochs`.
    Epochs,
    /// `l1`: the L1 penalty.
    L1,
    /// `l2`: the L2 penalty.
    L2,
    /// `loss`.
    Loss,
    /// `val`: the validation split.
    ValidationSplit,
    /// `pixels`: how pixels are fed.
    Pixels,
    /// `subset`: the training subset.
    Subset,
    /// `seed`.
    Seed,
}

/// The keys' names, in [`Key::ALL`]'s order.
pub const KEYS: &[&str] = &[
    "dataset", "input", "layers", "opt", "momentum", "nesterov", "beta1", "beta2", "rho", "eps",
    "lr", "batch", "epochs", "l1", "l2", "loss", "val", "pixels", "subset", "seed",
];

/// The optimizers' names in a link.
pub const OPTIMIZERS: &[&str] = &["sgd", "adam", "rmsprop"];
/// The pixel modes' names in a link.
pub const PIXELS: &[&str] = &["scaled", "raw"];
/// The datasets' names in a link ([`neurite::DatasetKind::name`]).
pub const DATASETS: &[&str] = &["mnist", "fashion-mnist"];
/// The losses' names in a link ([`neurite::Loss::name`]).
pub const LOSSES: &[&str] = &[
    "sparse_categorical_crossentropy",
    "categorical_crossentropy",
    "binary_crossentropy",
    "mean_squared_error",
];

impl Key {
    /// Every key, in the order they are applied and written.
    pub const ALL: [Key; 20] = [
        Key::Dataset,
        Key::Input,
        Key::Layers,
        Key::Optimizer,
        Key::Momentum,
        Key::Nesterov,
        Key::Beta1,
        Key::Beta2,
        Key::Rho,
        Key::Epsilon,
        Key::LearningRate,
        Key::BatchSize,
        Key::Epochs,
        Key::L1,
        Key::L2,
        Key::Loss,
        Key::ValidationSplit,
        Key::Pixels,
        Key::Subset,
        Key::Seed,
    ];

    /// The key as a link writes it.
    pub fn name(self) -> &'static str {
        KEYS[self as usize]
    }

    /// The key called `name`.
    pub fn from_name(name: &str) -> Option<Key> {
        KEYS.iter().position(|k| *k == name).map(|i| Key::ALL[i])
    }

    /// The configuration field the key sets, as the engine names it in its messages.
    pub fn field(self) -> &'static str {
        match self {
            Key::Dataset => "dataset",
            Key::Input => "input_shape",
            Key::Layers => "layers",
            Key::Optimizer => "optimizer",
            Key::Momentum => "optimizer.momentum",
            Key::Nesterov => "optimizer.nesterov",
            Key::Beta1 => "optimizer.beta_1",
            Key::Beta2 => "optimizer.beta_2",
            Key::Rho => "optimizer.rho",
            Key::Epsilon => "optimizer.epsilon",
            Key::LearningRate => "learning_rate",
            Key::BatchSize => "batch_size",
            Key::Epochs => "epochs",
            Key::L1 => "l1",
            Key::L2 => "l2",
            Key::Loss => "loss",
            Key::ValidationSplit => "validation_split",
            Key::Pixels => "pixels",
            Key::Subset => "train_subset",
            Key::Seed => "seed",
        }
    }

    /// Whether an engine refusal of `field` is a refusal of this key's value (`layers[2].units`
    /// is the `layers` key's).
    pub(super) fn owns(self, field: &str) -> bool {
        match self {
            Key::Layers => field == "layers" || field.starts_with("layers["),
            _ => field == self.field(),
        }
    }
}
