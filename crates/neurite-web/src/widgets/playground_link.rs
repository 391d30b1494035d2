//! TensorFlow Playground links: the setup in a link's hash (`#activation=tanh&batchSize=10&…`),
//! read key by key with the meaning TensorFlow Playground gives it (its `src/state.ts`), so that a
//! learner's Playground link opens the same setup in Neurite's 2-D playground.
//!
//! As in the Playground, a key without a value keeps the default, the last of repeated keys
//! counts, a flag is on for any value but `false`, and a `*_hide` flag hides a control. Unlike
//! the Playground, which takes any value and breaks on a bad one (`learningRate=NaN` trains
//! nothing, `networkShape=1000000` freezes the page), a value out of range or a key it does not
//! know is refused with a [`Refusal`] in either language and the default kept. The work is
//! linear in the link's length, and at most [`MAX_REFUSALS`] refusals are kept.

use neurite::data::plane::{Feature, MAX_NOISE, PlaneShape};

use super::{Reason, Refusal, check_range};

/// The keys of a Playground link (besides `*_hide` flags).
pub const KEYS: &[&str] = &[
    "activation",
    "regularization",
    "batchSize",
    "dataset",
    "regDataset",
    "learningRate",
    "regularizationRate",
    "noise",
    "networkShape",
    "seed",
    "showTestData",
    "discretize",
    "percTrainData",
    "x",
    "y",
    "xTimesY",
    "xSquared",
    "ySquared",
    "cosX",
    "sinX",
    "cosY",
    "sinY",
    "collectStats",
    "tutorial",
    "problem",
    "initZero",
    "hideText",
];
/// The hidden layers' activations a link may name.
pub const ACTIVATIONS: &[&str] = &["relu", "tanh", "sigmoid", "linear"];
/// The penalties a link may name.
pub const REGULARIZATIONS: &[&str] = &["none", "L1", "L2"];
/// The problems a link may name.
pub const PROBLEMS: &[&str] = &["classification", "regression"];
/// The classification data sets a link may name.
pub const DATASETS: &[&str] = &["circle", "xor", "gauss", "spiral"];
/// The regression data sets a link may name.
pub const REG_DATASETS: &[&str] = &["reg-plane", "reg-gauss"];
/// Most hidden layers, and most neurons in one (the Playground's are 6 and 8).
pub const MAX_LAYERS: usize = 8;
/// Most neurons in a hidden layer.
pub const MAX_UNITS: usize = 16;
/// Largest batch.
pub const MAX_BATCH_SIZE: usize = 1000;
/// Longest seed text.
pub const MAX_SEED_CHARS: usize = 64;
/// Most hidden controls a link may name.
pub const MAX_HIDDEN: usize = 40;
/// Most refusals kept for one link (the others are counted).
pub const MAX_REFUSALS: usize = 20;

/// A setup as a Playground link gives it; [`Default`] is the Playground's first page.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaygroundLink {
    /// The hidden layers' activation (one of [`ACTIVATIONS`]).
    pub activation: &'static str,
    /// The weight penalty (one of [`REGULARIZATIONS`]).
    pub regularization: &'static str,
    /// The penalty's rate.
    pub regularization_rate: f64,
    /// The learning rate.
    pub learning_rate: f64,
    /// Points per batch.
    pub batch_size: usize,
    /// `classification` or `regression`.
    pub problem: &'static str,
    /// The classification data set.
    pub dataset: PlaneShape,
    /// The regression data set.
    pub reg_dataset: PlaneShape,
    /// Noise, as the Playground's percentage (0 to 50).
    pub noise_percent: f64,
    /// The share of the points trained on, in percent (10 to 90).
    pub train_percent: usize,
    /// Neurons per hidden layer.
    pub network_shape: Vec<usize>,
    /// The input features switched on, in [`Feature::ALL`]'s order.
    pub features: Vec<Feature>,
    /// The seed as the link writes it (the Playground seeds its generator with the text).
    pub seed: Option<String>,
    /// Whether the test points are shown.
    pub show_test_data: bool,
    /// Whether the output map is shown in two colours only.
    pub discretize: bool,
    /// Whether weights and biases start at zero.
    pub init_zero: bool,
    /// Whether the explanatory text is hidden.
    pub hide_text: bool,
    /// The controls hidden by `*_hide` flags, by name (`problem`, `noise` …).
    pub hidden_controls: Vec<String>,
}

impl Default for PlaygroundLink {
    fn default() -> Self {
        PlaygroundLink {
            activation: "tanh",
            regularization: "none",
            regularization_rate: 0.0,
            learning_rate: 0.03,
            batch_size: 10,
            problem: "classification",
            dataset: PlaneShape::Circle,
            reg_dataset: PlaneShape::RegPlane,
            noise_percent: 0.0,
            train_percent: 50,
            network_shape: vec![4, 2],
            features: vec![Feature::X1, Feature::X2],
            seed: None,
            show_test_data: false,
            discretize: false,
            init_zero: false,
            hide_text: false,
            hidden_controls: Vec::new(),
        }
    }
}

impl PlaygroundLink {
    /// The data set of the link's problem.
    pub fn shape(&self) -> PlaneShape {
        if self.problem == "regression" {
            self.reg_dataset
        } else {
            self.dataset
        }
    }

    /// The noise as [`neurite::data::plane::PlaneSpec`] takes it (0 to 0.5).
    pub fn noise(&self) -> f64 {
        self.noise_percent / 100.0
    }

    /// The engine's seed for the link's seed text: FNV-1a of its bytes, kept below 2⁵³ (the
    /// same text always gives the same seed; no text, seed 0).
    pub fn engine_seed(&self) -> u64 {
        let Some(text) = &self.seed else {
            return 0;
        };
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash & ((1 << 53) - 1)
    }
}

/// A link read: the setup, the values refused (each left at its default), and how many more
/// were refused than [`MAX_REFUSALS`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadLink {
    /// The setup.
    pub link: PlaygroundLink,
    /// The first [`MAX_REFUSALS`] refusals, in the link's order.
    pub refusals: Vec<Refusal>,
    /// Refusals past those.
    pub more_refusals: usize,
}

impl ReadLink {
    fn refuse(&mut self, refusal: Refusal) {
        if self.refusals.len() < MAX_REFUSALS {
            self.refusals.push(refusal);
        } else {
            self.more_refusals += 1;
        }
    }
}

/// Reads a Playground link's hash (with or without its `#`, or a whole address holding one).
pub fn read_playground_link(link: &str) -> ReadLink {
    let hash = link.split_once('#').map_or(link, |(_, hash)| hash);
    let mut read = ReadLink::default();
    for pair in hash.split('&') {
        // As the Playground's `keyvalue.split("=")`: the value ends at a second `=`.
        let mut parts = pair.split('=');
        let key = parts.next().unwrap_or_default();
        let value = parts.next();
        if key.is_empty() && value.is_none() {
            continue;
        }
        if let Err(refusal) = apply(&mut read.link, key, value) {
            read.refuse(refusal);
        }
    }
    read
}

/// A feature's flag in a link.
fn feature_of(key: &str) -> Option<Feature> {
    Feature::ALL.into_iter().find(|f| f.playground_key() == key)
}

/// Sets `key` of `link` from `value` (absent when the pair has no `=`).
pub(crate) fn apply(
    link: &mut PlaygroundLink,
    key: &str,
    value: Option<&str>,
) -> Result<(), Refusal> {
    if let Some(control) = key.strip_suffix("_hide") {
        return hide(link, key, control, value);
    }
    if !KEYS.contains(&key) {
        return Err(Refusal::whole(Reason::UnknownKey {
            got: key.into(),
            known: KEYS,
        }));
    }
    // The Playground keeps its default for a key without a value, except the network's shape,
    // which is then no hidden layers.
    let value = match value.map(str::trim) {
        Some(v) if !v.is_empty() => v,
        _ if key == "networkShape" && value.is_some() => {
            link.network_shape.clear();
            return Ok(());
        }
        _ => return Ok(()),
    };
    let flag = value != "false";
    if let Some(feature) = feature_of(key) {
        link.features.retain(|f| *f != feature);
        if flag {
            link.features.push(feature);
            link.features
                .sort_by_key(|f| Feature::ALL.iter().position(|g| g == f));
        }
        return Ok(());
    }
    match key {
        "activation" => link.activation = choice(key, value, ACTIVATIONS)?,
        "regularization" => link.regularization = choice(key, value, REGULARIZATIONS)?,
        "problem" => link.problem = choice(key, value, PROBLEMS)?,
        "dataset" | "regDataset" => {
            let names = if key == "dataset" {
                DATASETS
            } else {
                REG_DATASETS
            };
            let name = choice(key, value, names)?;
            let shape = PlaneShape::from_playground_key(name).expect("every name is a shape");
            if key == "dataset" {
                link.dataset = shape;
            } else {
                link.reg_dataset = shape;
            }
        }
        "learningRate" => link.learning_rate = check_range(key, number(key, value)?, 1e-6, 10.0)?,
        "regularizationRate" => {
            link.regularization_rate = check_range(key, number(key, value)?, 0.0, 10.0)?;
        }
        "noise" => {
            link.noise_percent = check_range(key, number(key, value)?, 0.0, MAX_NOISE * 100.0)?;
        }
        "batchSize" => link.batch_size = whole(key, value, 1, MAX_BATCH_SIZE)?,
        "percTrainData" => link.train_percent = whole(key, value, 10, 90)?,
        "networkShape" => link.network_shape = network_shape(key, value)?,
        "seed" => {
            let chars = value.chars().count();
            if chars > MAX_SEED_CHARS {
                return Err(Refusal::at(
                    key,
                    Reason::Length {
                        min: 0,
                        max: MAX_SEED_CHARS,
                        got: chars,
                    },
                ));
            }
            link.seed = Some(value.into());
        }
        "showTestData" => link.show_test_data = flag,
        "discretize" => link.discretize = flag,
        "initZero" => link.init_zero = flag,
        "hideText" => link.hide_text = flag,
        // The Playground's statistics and tutorial pages: nothing to set here.
        _ => {}
    }
    Ok(())
}

/// A `*_hide` flag: hides `control` when its value is `true` (any other value shows it). The
/// Playground hides any control it has an element for; a name of up to 40 letters and digits is
/// taken.
fn hide(
    link: &mut PlaygroundLink,
    key: &str,
    control: &str,
    value: Option<&str>,
) -> Result<(), Refusal> {
    let name_like =
        (1..=40).contains(&control.len()) && control.bytes().all(|b| b.is_ascii_alphanumeric());
    if !name_like {
        return Err(Refusal::whole(Reason::UnknownKey {
            got: key.into(),
            known: KEYS,
        }));
    }
    link.hidden_controls.retain(|c| c != control);
    if value == Some("true") {
        if link.hidden_controls.len() == MAX_HIDDEN {
            return Err(Refusal::at(
                key,
                Reason::Length {
                    min: 0,
                    max: MAX_HIDDEN,
                    got: MAX_HIDDEN + 1,
                },
            ));
        }
        link.hidden_controls.push(control.into());
    }
    Ok(())
}

fn choice(
    key: &str,
    value: &str,
    choices: &'static [&'static str],
) -> Result<&'static str, Refusal> {
    choices
        .iter()
        .copied()
        .find(|c| *c == value)
        .ok_or_else(|| {
            Refusal::at(
                key,
                Reason::UnknownChoice {
                    got: value.into(),
                    choices,
                },
            )
        })
}

/// A number as the Playground reads one (JavaScript's `+value`, for the finite decimals links
/// hold).
fn number(key: &str, value: &str) -> Result<f64, Refusal> {
    value.parse::<f64>().map_err(|_| {
        Refusal::at(
            key,
            Reason::NotANumber {
                got: super::value::shorten(value),
            },
        )
    })
}

/// A whole number in `[min, max]`.
fn whole(key: &str, value: &str, min: usize, max: usize) -> Result<usize, Refusal> {
    let v = check_range(key, number(key, value)?, min as f64, max as f64)?;
    if v.fract() != 0.0 {
        return Err(Refusal::at(key, Reason::NotWhole { got: v }));
    }
    Ok(v as usize)
}

/// Neurons per hidden layer, `4,2`: at most [`MAX_LAYERS`] layers of 1 to [`MAX_UNITS`].
fn network_shape(key: &str, value: &str) -> Result<Vec<usize>, Refusal> {
    let layers = value.split(',').count();
    if layers > MAX_LAYERS {
        return Err(Refusal::at(
            key,
            Reason::Length {
                min: 0,
                max: MAX_LAYERS,
                got: layers,
            },
        ));
    }
    value
        .split(',')
        .map(|units| whole(key, units.trim(), 1, MAX_UNITS))
        .collect()
}

#[cfg(test)]
mod tests;
