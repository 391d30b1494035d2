//! Why a hyperparameter or a model specification is refused: a [`Reason`], worded in English
//! by its [`Display`](fmt::Display) and by the interface in its own language.

use std::fmt;

use crate::config::{F32Rule, LARGEST_F32_BELOW_ONE, mebibytes};
use crate::metrics::EVAL_BATCH;

/// Why a hyperparameter or a model specification is refused: *what* is wrong and, for a
/// number, *which bound* it crosses, so that an interface can word it in its own language.
/// [`Display`](fmt::Display) gives the engine's English message.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// A value outside its allowed range.
    Range {
        /// What kind of value it is, which decides the wording.
        of: Quantity,
        /// The value given, as written in the message (e.g. `-1`, `NaN`, `0`).
        got: String,
        /// The smallest allowed value, if there is one.
        min: Option<Bound>,
        /// The largest allowed value, if there is one.
        max: Option<Bound>,
    },
    /// The model has no layers at all.
    EmptyModel,
    /// The model has more layers than allowed.
    TooManyLayers {
        /// How many it has.
        got: usize,
        /// The most allowed.
        max: usize,
    },
    /// The model's parameters outnumber the engine's bound.
    TooManyParams {
        /// How many the specification asks for (saturated at `u64::MAX`).
        got: u64,
        /// The most allowed.
        max: u64,
    },
    /// The model has layers but none with weights (dense or convolution), so nothing to train.
    NoWeights,
    /// A convolution or pooling layer is reached by something that is not an image
    /// (`[h, w]` or `[h, w, c]`), e.g. after a flatten layer.
    NeedsImage {
        /// The shape that reaches it.
        input_shape: Vec<usize>,
    },
    /// A convolution's kernel or a pooling window is larger than its image (with `valid`
    /// padding).
    WindowLargerThanImage {
        /// `[rows, columns]` of the window.
        window: [usize; 2],
        /// `[rows, columns]` of the image.
        image: [usize; 2],
    },
    /// A reshape's target does not hold its input's numbers.
    ReshapeSize {
        /// The shape that reaches it.
        input_shape: Vec<usize>,
        /// The shape asked for.
        target_shape: Vec<usize>,
    },
    /// A dense layer is reached by a multi-dimensional input without a flatten layer before it.
    FlattenFirst {
        /// The model's input shape.
        input_shape: Vec<usize>,
    },
    /// The input shape is empty or has a dimension of 0.
    ZeroDimension {
        /// The input shape given.
        input_shape: Vec<usize>,
    },
    /// The input shape has more features (the product of its dimensions) than allowed.
    TooManyFeatures {
        /// The input shape given.
        input_shape: Vec<usize>,
        /// The most features allowed.
        max: usize,
    },
    /// Training would hold more memory than the engine allows.
    TrainingMemory {
        /// The bytes the configuration counts ([`crate::Config::training_bytes`], saturated
        /// at `u64::MAX`).
        needs: u64,
        /// The most allowed, [`crate::config::MAX_TRAINING_BYTES`].
        max: u64,
        /// The largest batch size that fits with this model; `None` when not even one sample
        /// per batch does.
        largest_batch_size: Option<usize>,
    },
    /// A whole number larger than JavaScript's numbers hold exactly.
    UnsafeInteger {
        /// The value given.
        got: u64,
        /// The most allowed, [`crate::config::MAX_SAFE_INTEGER`].
        max: u64,
    },
    /// A number within its range as written, but not once rounded to `f32`, the precision
    /// training computes in.
    SinglePrecision {
        /// The value given, as written in the message (`1e-300`).
        got: String,
        /// What `f32` makes of it.
        as_f32: f32,
        /// What it must be in `f32`.
        rule: F32Rule,
    },
    /// A message from elsewhere, e.g. the JSON parser's for a malformed specification.
    Text(String),
}

/// What kind of value a [`Reason::Range`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// A real number (learning rate, a penalty, an optimizer's constant).
    Number,
    /// A whole number (batch size, epochs).
    Whole,
    /// A number of training samples.
    Samples,
    /// A dense layer's width.
    DenseUnits,
    /// A dropout rate.
    DropoutRate,
}

/// One end of an allowed range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The end's value.
    pub value: f64,
    /// Whether the value itself is allowed.
    pub inclusive: bool,
}

impl Bound {
    /// An end that is itself allowed.
    pub fn inclusive(value: impl Into<f64>) -> Self {
        Bound {
            value: value.into(),
            inclusive: true,
        }
    }

    /// An end that is not itself allowed.
    pub fn exclusive(value: impl Into<f64>) -> Self {
        Bound {
            value: value.into(),
            inclusive: false,
        }
    }
}

impl Reason {
    /// A [`Reason::Range`] for the value `got`.
    pub fn range(
        of: Quantity,
        got: impl fmt::Display,
        min: Option<Bound>,
        max: Option<Bound>,
    ) -> Self {
        Reason::Range {
            of,
            got: got.to_string(),
            min,
            max,
        }
    }

    /// A whole number `got` that must be `min` to `max`, both included.
    pub fn whole(of: Quantity, got: usize, min: usize, max: usize) -> Self {
        // Counts in the engine are far below 2^53, so they are exact as `f64`.
        Reason::range(
            of,
            got,
            Some(Bound::inclusive(min as f64)),
            Some(Bound::inclusive(max as f64)),
        )
    }
}

/// `[a, b)`-style notation for two ends.
fn interval(min: Bound, max: Bound) -> String {
    format!(
        "{}{}, {}{}",
        if min.inclusive { '[' } else { '(' },
        min.value,
        max.value,
        if max.inclusive { ']' } else { ')' }
    )
}

/// The allowed range in English, after "must be": `in [0, 1)`, `above 0`, `at most 10`;
/// empty without bounds.
fn english_bounds(min: Option<Bound>, max: Option<Bound>) -> String {
    let lower = |b: Bound| {
        if b.inclusive {
            format!("at least {}", b.value)
        } else {
            format!("above {}", b.value)
        }
    };
    let upper = |b: Bound| {
        if b.inclusive {
            format!("at most {}", b.value)
        } else {
            format!("below {}", b.value)
        }
    };
    match (min, max) {
        (Some(min), Some(max)) => format!("in {}", interval(min, max)),
        (Some(min), None) => lower(min),
        (None, Some(max)) => upper(max),
        (None, None) => String::new(),
    }
}

/// What `f32` made of a number, after "is" (`0`, `a subnormal number`, `infinite`, `1`).
fn english_f32(value: f32) -> String {
    if value == 0.0 {
        "0".into()
    } else if value.is_infinite() {
        "infinite".into()
    } else if value.is_subnormal() {
        "a subnormal number".into()
    } else {
        value.to_string()
    }
}

/// What an [`F32Rule`] asks, in English, after "it must".
fn english_f32_rule(rule: F32Rule) -> String {
    match rule {
        F32Rule::Normal => format!(
            "be a normal f32, from {:e} to {:e}",
            f32::MIN_POSITIVE,
            f32::MAX
        ),
        F32Rule::ZeroOrNormal => {
            format!("be 0 or a normal f32, at least {:e}", f32::MIN_POSITIVE)
        }
        F32Rule::BelowOne => format!("stay below 1, at most {LARGEST_F32_BELOW_ONE}"),
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Range { of, got, min, max } => {
                let (min, max) = (*min, *max);
                let both = |b: Option<Bound>| b.filter(|b| b.inclusive).map(|b| b.value);
                match (of, both(min), both(max)) {
                    (Quantity::DenseUnits, Some(lo), Some(hi)) => {
                        return write!(f, "a dense layer needs {lo} to {hi} units, got {got}");
                    }
                    (Quantity::Whole, Some(lo), Some(hi)) => {
                        return write!(f, "must be {lo} to {hi}, got {got}");
                    }
                    (Quantity::Samples, Some(lo), None) if max.is_none() => {
                        let s = if lo == 1.0 { "" } else { "s" };
                        return write!(f, "must be at least {lo} sample{s}");
                    }
                    _ => {}
                }
                let bounds = english_bounds(min, max);
                match (of, min, max) {
                    (Quantity::DropoutRate, None, None) => {
                        write!(f, "dropout rate must be a number, got {got}")
                    }
                    (Quantity::Number, None, None) => write!(f, "must be a number, got {got}"),
                    (_, None, None) => write!(f, "must be a whole number, got {got}"),
                    (Quantity::DropoutRate, ..) => {
                        write!(f, "dropout rate must be {bounds}, got {got}")
                    }
                    (Quantity::Number, Some(lo), Some(hi)) if !lo.inclusive && hi.inclusive => {
                        write!(
                            f,
                            "must be a number above {} and at most {}, got {got}",
                            lo.value, hi.value
                        )
                    }
                    (Quantity::Number, Some(lo), None) if !lo.inclusive && lo.value == 0.0 => {
                        write!(f, "must be a positive number, got {got}")
                    }
                    (Quantity::Number, Some(_), Some(_)) => {
                        write!(f, "must be {bounds}, got {got}")
                    }
                    (Quantity::Number, ..) => write!(f, "must be a number {bounds}, got {got}"),
                    (Quantity::Whole | Quantity::Samples | Quantity::DenseUnits, ..) => {
                        write!(f, "must be a whole number {bounds}, got {got}")
                    }
                }
            }
            Reason::EmptyModel => {
                write!(f, "the model is empty: add at least one layer with weights")
            }
            Reason::TooManyLayers { got, max } => write!(f, "at most {max} layers, got {got}"),
            Reason::TooManyParams { got, max } => write!(
                f,
                "at most {max} parameters (weights and biases), the model asks for {got}"
            ),
            Reason::NoWeights => write!(
                f,
                "the model has no layer with weights (dense or convolution), so nothing to train"
            ),
            Reason::NeedsImage { input_shape } => write!(
                f,
                "convolution and pooling take images (height × width, or height × width × \
                 channels), got {input_shape:?}: place them before any flatten layer"
            ),
            Reason::WindowLargerThanImage { window, image } => write!(
                f,
                "a {}×{} window does not fit a {}×{} image (use 'same' padding, a smaller window \
                 or fewer pooling layers)",
                window[0], window[1], image[0], image[1]
            ),
            Reason::ReshapeSize {
                input_shape,
                target_shape,
            } => write!(
                f,
                "a reshape to {target_shape:?} must hold the {} numbers of its input \
                 {input_shape:?}",
                input_shape.iter().product::<usize>()
            ),
            Reason::FlattenFirst { input_shape } => write!(
                f,
                "a {input_shape:?} input must pass through a flatten layer before a dense layer"
            ),
            Reason::ZeroDimension { input_shape } => {
                write!(f, "every dimension must be at least 1, got {input_shape:?}")
            }
            Reason::TooManyFeatures { input_shape, max } => {
                write!(f, "{input_shape:?} has more than {max} features")
            }
            Reason::TrainingMemory {
                needs,
                max,
                largest_batch_size,
            } => {
                let (needs, max) = (mebibytes(*needs), mebibytes(*max));
                let what = "weights, gradients, optimizer state and the batches' buffers";
                match largest_batch_size {
                    Some(largest) => write!(
                        f,
                        "training with this batch size needs {needs} MiB ({what}), more than \
                         the {max} MiB allowed: this model trains with at most {largest} \
                         samples per batch"
                    ),
                    None => write!(
                        f,
                        "training this model needs {needs} MiB ({what}), more than the {max} \
                         MiB allowed even with one sample per batch (evaluation computes \
                         up to {EVAL_BATCH} samples at a time): use fewer or narrower layers"
                    ),
                }
            }
            Reason::UnsafeInteger { got, max } => write!(
                f,
                "must be at most {max} (2^53 − 1, the largest whole number JavaScript holds \
                 exactly), got {got}"
            ),
            Reason::SinglePrecision { got, as_f32, rule } => write!(
                f,
                "{got} is {} in f32, the precision training computes in: it must {}",
                english_f32(*as_f32),
                english_f32_rule(*rule)
            ),
            Reason::Text(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::config::{check_batch_size, check_learning_rate};
    use crate::spec::check_units;
    use crate::{Activation, Config, LayerSpec, ModelSpec, OptimizerSpec};

    fn dense(units: usize) -> LayerSpec {
        LayerSpec::Dense {
            units,
            activation: Activation::Relu,
            init: Default::default(),
        }
    }

    fn training(change: impl FnOnce(&mut Config)) -> String {
        let mut config = Config::default();
        change(&mut config);
        config.check().unwrap_err().to_string()
    }

    fn model(input_shape: Vec<usize>, layers: Vec<LayerSpec>) -> String {
        let spec = ModelSpec {
            input_shape,
            layers,
        };
        spec.validate().unwrap_err().to_string()
    }

    #[test]
    fn every_check_keeps_its_english_message() {
        let cases = [
            (
                check_learning_rate(-1.0).unwrap_err().to_string(),
                "learning_rate: must be a number above 0 and at most 10, got -1",
            ),
            (
                check_learning_rate(f64::NAN).unwrap_err().to_string(),
                "learning_rate: must be a number above 0 and at most 10, got NaN",
            ),
            (
                check_batch_size(0).unwrap_err().to_string(),
                "batch_size: must be 1 to 65536, got 0",
            ),
            (
                training(|c| c.training.epochs = 100_001),
                "epochs: must be 1 to 100000, got 100001",
            ),
            (
                training(|c| c.training.l1 = -0.5),
                "l1: must be in [0, 1], got -0.5",
            ),
            (
                training(|c| c.training.l2 = 2.0),
                "l2: must be in [0, 1], got 2",
            ),
            (
                training(|c| c.training.validation_split = 1.0),
                "validation_split: must be in [0, 1), got 1",
            ),
            (
                training(|c| c.training.train_subset = Some(0)),
                "train_subset: must be at least 1 sample",
            ),
            (
                training(|c| {
                    c.training.optimizer = OptimizerSpec::Sgd {
                        momentum: 1.0,
                        nesterov: false,
                    }
                }),
                "optimizer.momentum: must be in [0, 1), got 1",
            ),
            (
                training(|c| {
                    c.training.optimizer = OptimizerSpec::Adam {
                        beta_1: 0.9,
                        beta_2: 0.999,
                        epsilon: 0.0,
                    }
                }),
                "optimizer.epsilon: must be a positive number, got 0",
            ),
            (
                check_units("hidden[0].units", 2000, 1024)
                    .unwrap_err()
                    .to_string(),
                "hidden[0].units: a dense layer needs 1 to 1024 units, got 2000",
            ),
            (
                model(vec![4], vec![dense(0)]),
                "layers[0].units: a dense layer needs 1 to 4096 units, got 0",
            ),
            (
                model(vec![4], vec![LayerSpec::Dropout { rate: 1.0 }, dense(2)]),
                "layers[0].rate: dropout rate must be in [0, 1), got 1",
            ),
            (
                model(vec![28, 0], vec![dense(2)]),
                "input_shape: every dimension must be at least 1, got [28, 0]",
            ),
            (
                model(vec![], vec![dense(2)]),
                "input_shape: every dimension must be at least 1, got []",
            ),
            (
                model(vec![1 << 9, 1 << 9], vec![dense(2)]),
                "input_shape: [512, 512] has more than 65536 features",
            ),
            (
                model(vec![4], vec![]),
                "layers: the model is empty: add at least one layer with weights",
            ),
            (
                model(vec![4], vec![dense(2); 65]),
                "layers: at most 64 layers, got 65",
            ),
            (
                model(vec![4], vec![LayerSpec::Flatten]),
                "layers: the model has no layer with weights (dense or convolution), so nothing to train",
            ),
            (
                model(
                    vec![8, 8],
                    vec![
                        LayerSpec::Flatten,
                        LayerSpec::GlobalAveragePooling2d,
                        dense(2),
                    ],
                ),
                "layers[1]: convolution and pooling take images (height × width, or height × width × channels), got [64]: place them before any flatten layer",
            ),
            (
                model(vec![28, 28], vec![dense(2)]),
                "layers[0]: a [28, 28] input must pass through a flatten layer before a dense layer",
            ),
            (
                training(|c| c.training.seed = 1 << 53),
                "seed: must be at most 9007199254740991 (2^53 − 1, the largest whole number \
                 JavaScript holds exactly), got 9007199254740992",
            ),
            (
                training(|c| c.training.optimizer = adam_epsilon(1e-300)),
                "optimizer.epsilon: 1e-300 is 0 in f32, the precision training computes in: it \
                 must be a normal f32, from 1.1754944e-38 to 3.4028235e38",
            ),
            (
                training(|c| c.training.optimizer = adam_epsilon(1e-45)),
                "optimizer.epsilon: 1e-45 is a subnormal number in f32, the precision training \
                 computes in: it must be a normal f32, from 1.1754944e-38 to 3.4028235e38",
            ),
            (
                training(|c| {
                    c.training.optimizer = OptimizerSpec::Sgd {
                        momentum: 0.99999999,
                        nesterov: false,
                    }
                }),
                "optimizer.momentum: 0.99999999 is 1 in f32, the precision training computes \
                 in: it must stay below 1, at most 0.99999994",
            ),
            (
                training(|c| c.training.l2 = 1e-50),
                "l2: 1e-50 is 0 in f32, the precision training computes in: it must be 0 or a \
                 normal f32, at least 1.1754944e-38",
            ),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected);
        }
    }

    fn adam_epsilon(epsilon: f64) -> OptimizerSpec {
        OptimizerSpec::Adam {
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon,
        }
    }

    #[test]
    fn memory_refusals_say_the_figure_the_limit_and_what_to_change() {
        let mut big_batch = Config::default();
        big_batch.training.batch_size = 65_536;
        let needs = mebibytes(big_batch.training_bytes());
        let message = big_batch.check().unwrap_err().to_string();
        let prefix = format!(
            "batch_size: training with this batch size needs {needs} MiB (weights, gradients, \
             optimizer state and the batches' buffers), more than the 352.0 MiB allowed: this \
             model trains with at most "
        );
        let largest = message
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{message}"));
        assert!(largest.ends_with(" samples per batch"), "{message}");

        // 20 million weights: with their gradients, Adam's moments and the trainer's copies,
        // more than the bound before any batch.
        let mut wide = Config::default();
        wide.model.layers = vec![LayerSpec::Flatten, dense(4096), dense(4096)];
        let needs = mebibytes(wide.training_bytes());
        assert_eq!(
            wide.check().unwrap_err().to_string(),
            format!(
                "layers: training this model needs {needs} MiB (weights, gradients, optimizer \
                 state and the batches' buffers), more than the 352.0 MiB allowed even with one \
                 sample per batch (evaluation computes up to 500 samples at a time): use fewer or \
                 narrower layers"
            )
        );
    }

    #[test]
    fn a_malformed_spec_keeps_the_parsers_message() {
        let error = ModelSpec::from_json("{").unwrap_err();
        match &error {
            Error::InvalidConfig {
                field,
                reason: Reason::Text(text),
            } => {
                assert_eq!(field, "model");
                assert_eq!(error.to_string(), format!("model: {text}"));
            }
            other => panic!("expected the parser's message, got {other:?}"),
        }
    }

    #[test]
    fn ranges_without_a_usual_wording_still_name_their_bounds() {
        let cases = [
            (
                Reason::range(Quantity::Number, 5, None, Some(Bound::exclusive(2.0))),
                "must be a number below 2, got 5",
            ),
            (
                Reason::range(Quantity::Number, 1, Some(Bound::inclusive(2.0)), None),
                "must be a number at least 2, got 1",
            ),
            (
                Reason::range(
                    Quantity::Whole,
                    9,
                    Some(Bound::exclusive(0.0)),
                    Some(Bound::exclusive(8.0)),
                ),
                "must be a whole number in (0, 8), got 9",
            ),
            (
                Reason::range(Quantity::Number, "x", None, None),
                "must be a number, got x",
            ),
        ];
        for (reason, expected) in cases {
            assert_eq!(reason.to_string(), expected);
        }
    }
}
