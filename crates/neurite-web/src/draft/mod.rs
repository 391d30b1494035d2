//! [`Draft`]: the controls' values as typed, and the one way they become a configuration.
//!
//! Text is only parsed here; every range is checked by the engine's [`Config::check`], whose
//! reason is shown, in the page's language, at the control it names. A draft that does not
//! check never reaches the worker.

use neurite::layers::Init;
use neurite::{
    Activation, CheckedConfig, Config, DatasetKind, LayerSpec, ModelSpec, OptimizerSpec, PixelMode,
};

use crate::i18n::{Lang, engine_errors};

mod conv;

pub use conv::{ConvBlock, PoolChoice};

/// The widest hidden layer the width control offers.
pub const MAX_HIDDEN_UNITS: usize = 1024;

/// One hidden layer's controls.
#[derive(Debug, Clone, PartialEq)]
pub struct HiddenLayer {
    /// Width, as typed.
    pub units: String,
    /// Activation.
    pub activation: Activation,
    /// Dropout rate after the layer, as typed (`0` for none).
    pub dropout: String,
    /// How its kernel is initialised.
    pub init: Init,
}

impl HiddenLayer {
    /// A `units`-wide ReLU layer without dropout, Glorot-initialised.
    pub fn relu(units: usize) -> Self {
        HiddenLayer {
            units: units.to_string(),
            activation: Activation::Relu,
            dropout: "0".into(),
            init: Init::default(),
        }
    }
}

/// The initialisers the controls offer, with their names in a model file.
pub const INITS: [(Init, &str); 2] = [
    (Init::GlorotUniform, "glorot_uniform"),
    (Init::HeUniform, "he_uniform"),
];

/// The optimizer menu: plain SGD and SGD with momentum are separate entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptimizerChoice {
    /// SGD without momentum.
    Sgd,
    /// SGD with momentum (optionally Nesterov's).
    Momentum,
    /// Adam.
    Adam,
    /// RMSprop.
    Rmsprop,
}

impl OptimizerChoice {
    /// Every entry, in menu order.
    pub const ALL: [OptimizerChoice; 4] = [
        OptimizerChoice::Sgd,
        OptimizerChoice::Momentum,
        OptimizerChoice::Adam,
        OptimizerChoice::Rmsprop,
    ];

    /// The value the menu uses.
    pub fn key(self) -> &'static str {
        match self {
            OptimizerChoice::Sgd => "sgd",
            OptimizerChoice::Momentum => "momentum",
            OptimizerChoice::Adam => "adam",
            OptimizerChoice::Rmsprop => "rmsprop",
        }
    }

    /// The entry with this menu value.
    pub fn from_key(key: &str) -> Option<Self> {
        OptimizerChoice::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// Every control's value, as the learner left it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The images to train on.
    pub dataset: DatasetKind,
    /// The input's shape, `[28, 28]` (or `[28, 28, 1]`, as Keras's convnet declares it).
    pub input_shape: Vec<usize>,
    /// Convolutional blocks before the flatten layer, input side first.
    pub conv: Vec<ConvBlock>,
    /// Dropout rate right after the flatten layer, as typed (`0` for none).
    pub flatten_dropout: String,
    /// Hidden layers, input side first; the 10-way softmax output is always added.
    pub hidden: Vec<HiddenLayer>,
    /// The optimizer.
    pub optimizer: OptimizerChoice,
    /// SGD/RMSprop momentum `μ`.
    pub momentum: String,
    /// Nesterov's form of momentum.
    pub nesterov: bool,
    /// Adam's `β₁`.
    pub beta_1: String,
    /// Adam's `β₂`.
    pub beta_2: String,
    /// RMSprop's `ρ`.
    pub rho: String,
    /// Adam's and RMSprop's `ε`.
    pub epsilon: String,
    /// Learning rate.
    pub learning_rate: String,
    /// Batch size.
    pub batch_size: String,
    /// Epochs.
    pub epochs: String,
    /// L2 penalty.
    pub l2: String,
    /// Pixels scaled to `[0, 1]` or raw `0–255`.
    pub pixels: PixelMode,
    /// Training-subset size; empty for all 60 000.
    pub train_subset: String,
    /// Random seed.
    pub seed: String,
    /// How the output layer's kernel is initialised (shown as the file had it, for a loaded
    /// model).
    pub output_init: Init,
}

impl Default for Draft {
    fn default() -> Self {
        Draft::seed_program()
    }
}

/// A value refused, with the control it belongs to and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The control's key: a [`Config`] field (`learning_rate`, `optimizer.beta_1`), or
    /// `hidden[i].units` / `hidden[i].dropout` for hidden layer `i`.
    pub control: String,
    /// Why.
    pub what: RefusalKind,
}

/// Why a control's value was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum RefusalKind {
    /// The engine refused the configuration (a range, for a value of the controls).
    Engine(neurite::Error),
    /// The text is not a number.
    NotANumber {
        /// The text, trimmed.
        text: String,
    },
    /// The text is not a whole number.
    NotAWholeNumber {
        /// The text, trimmed.
        text: String,
    },
}

impl Refusal {
    /// The message to show at the control, in `lang`: the engine's reason, or
    /// `learning_rate: 'abc' is not a number` / `学习率：“abc” 不是一个数`.
    ///
    /// In English an engine refusal is the engine's own message, naming its field
    /// (`layers[2].rate: …`); in 中文 it names the control it is shown at, by its label
    /// (`dense_1 的 Dropout 比率：…`).
    pub fn message(&self, lang: Lang) -> String {
        let (text, en, zh) = match &self.what {
            RefusalKind::Engine(neurite::Error::InvalidConfig { field, reason }) => {
                let name = match lang {
                    Lang::Zh if !self.control.is_empty() => &self.control,
                    _ => field,
                };
                return engine_errors::config_error(name, reason, lang);
            }
            // The configuration's checks refuse only with `InvalidConfig`; the wording of the
            // engine's other errors (files, data) lives with the worker, which reports them.
            RefusalKind::Engine(error) => return error.to_string(),
            RefusalKind::NotANumber { text } => (text, "a number", "一个数"),
            RefusalKind::NotAWholeNumber { text } => (text, "a whole number", "一个整数"),
        };
        let control = engine_errors::field_name(&self.control, lang);
        match lang {
            Lang::En => format!("{control}: '{text}' is not {en}"),
            Lang::Zh => format!("{control}：“{text}” 不是{zh}"),
        }
    }
}

fn parse<T: std::str::FromStr>(
    control: &str,
    text: &str,
    refusal: fn(String) -> RefusalKind,
) -> Result<T, Refusal> {
    let text = text.trim();
    text.parse().map_err(|_| Refusal {
        control: control.into(),
        what: refusal(text.into()),
    })
}

fn number(control: &str, text: &str) -> Result<f64, Refusal> {
    parse(control, text, |text| RefusalKind::NotANumber { text })
}

fn whole<T: std::str::FromStr>(control: &str, text: &str) -> Result<T, Refusal> {
    parse(control, text, |text| RefusalKind::NotAWholeNumber { text })
}

impl Draft {
    /// The seed program: Flatten → Dense 128 relu → Dense 10 softmax, Adam 1e-3, batch 32,
    /// 5 epochs.
    pub fn seed_program() -> Self {
        Draft::from_config(&Config::default())
    }

    /// The seed program's training with `model` (a preset architecture) on `dataset`.
    pub fn with_model(model: ModelSpec, dataset: DatasetKind) -> Self {
        let mut config = Config {
            model,
            ..Config::default()
        };
        config.training.dataset = dataset;
        Draft::from_config(&config)
    }

    /// The controls showing `config` (its hidden layers are its dense layers but the last).
    pub fn from_config(config: &Config) -> Self {
        let mut hidden: Vec<HiddenLayer> = Vec::new();
        let denses = config
            .model
            .layers
            .iter()
            .filter(|l| matches!(l, LayerSpec::Dense { .. }))
            .count();
        let mut seen = 0;
        let mut output_init = Init::default();
        let mut conv: Vec<ConvBlock> = Vec::new();
        let mut flatten_dropout = "0".to_string();
        for layer in &config.model.layers {
            if let Some(block) = ConvBlock::from_conv(layer) {
                conv.push(block);
                continue;
            }
            if seen == 0 && conv.last_mut().is_some_and(|block| block.take_pool(layer)) {
                continue;
            }
            match *layer {
                LayerSpec::Dense {
                    units,
                    activation,
                    init,
                } => {
                    seen += 1;
                    if seen < denses {
                        hidden.push(HiddenLayer {
                            units: units.to_string(),
                            activation,
                            dropout: "0".into(),
                            init,
                        });
                    } else {
                        output_init = init;
                    }
                }
                LayerSpec::Dropout { rate } => match hidden.last_mut() {
                    Some(last) => last.dropout = rate.to_string(),
                    None => flatten_dropout = rate.to_string(),
                },
                // Not among the form's controls: a standalone activation, global pooling,
                // pooling not after a convolution, or a reshape.
                LayerSpec::Flatten
                | LayerSpec::Reshape { .. }
                | LayerSpec::Activation { .. }
                | LayerSpec::Conv2d { .. }
                | LayerSpec::MaxPooling2d { .. }
                | LayerSpec::AveragePooling2d { .. }
                | LayerSpec::GlobalAveragePooling2d => {}
            }
        }
        let t = &config.training;
        let mut draft = Draft {
            dataset: t.dataset,
            input_shape: config.model.input_shape.clone(),
            conv,
            flatten_dropout,
            hidden,
            optimizer: OptimizerChoice::Adam,
            momentum: "0.9".into(),
            nesterov: false,
            beta_1: "0.9".into(),
            beta_2: "0.999".into(),
            rho: "0.9".into(),
            epsilon: "1e-7".into(),
            learning_rate: t.learning_rate.to_string(),
            batch_size: t.batch_size.to_string(),
            epochs: t.epochs.to_string(),
            l2: t.l2.to_string(),
            pixels: t.pixels,
            train_subset: t.train_subset.map(|n| n.to_string()).unwrap_or_default(),
            seed: t.seed.to_string(),
            output_init,
        };
        match t.optimizer {
            OptimizerSpec::Sgd { momentum, nesterov } => {
                if momentum > 0.0 {
                    draft.optimizer = OptimizerChoice::Momentum;
                    draft.momentum = momentum.to_string();
                } else {
                    draft.optimizer = OptimizerChoice::Sgd;
                }
                draft.nesterov = nesterov;
            }
            OptimizerSpec::Adam {
                beta_1,
                beta_2,
                epsilon,
            } => {
                draft.beta_1 = beta_1.to_string();
                draft.beta_2 = beta_2.to_string();
                draft.epsilon = epsilon.to_string();
            }
            OptimizerSpec::Rmsprop {
                rho,
                momentum,
                epsilon,
            } => {
                draft.optimizer = OptimizerChoice::Rmsprop;
                draft.rho = rho.to_string();
                draft.momentum = momentum.to_string();
                draft.epsilon = epsilon.to_string();
            }
        }
        draft
    }

    fn optimizer_spec(&self) -> Result<OptimizerSpec, Refusal> {
        Ok(match self.optimizer {
            OptimizerChoice::Sgd => OptimizerSpec::Sgd {
                momentum: 0.0,
                nesterov: false,
            },
            OptimizerChoice::Momentum => OptimizerSpec::Sgd {
                momentum: number("optimizer.momentum", &self.momentum)?,
                nesterov: self.nesterov,
            },
            OptimizerChoice::Adam => OptimizerSpec::Adam {
                beta_1: number("optimizer.beta_1", &self.beta_1)?,
                beta_2: number("optimizer.beta_2", &self.beta_2)?,
                epsilon: number("optimizer.epsilon", &self.epsilon)?,
            },
            OptimizerChoice::Rmsprop => OptimizerSpec::Rmsprop {
                rho: number("optimizer.rho", &self.rho)?,
                momentum: number("optimizer.momentum", &self.momentum)?,
                epsilon: number("optimizer.epsilon", &self.epsilon)?,
            },
        })
    }

    /// The configuration these controls describe, checked by the engine; or the first value
    /// refused, with its control.
    pub fn check(&self) -> Result<CheckedConfig, Refusal> {
        let mut layers = Vec::new();
        // Which control each model layer came from, to place the engine's message.
        let mut owners: Vec<Option<String>> = Vec::new();
        for (i, block) in self.conv.iter().enumerate() {
            for (layer, owner) in block.layers(i)? {
                layers.push(layer);
                owners.push(Some(owner));
            }
        }
        layers.push(LayerSpec::Flatten);
        owners.push(None);
        let rate = number("flatten_dropout", &self.flatten_dropout)?;
        if rate != 0.0 {
            layers.push(LayerSpec::Dropout { rate });
            owners.push(Some("flatten_dropout".into()));
        }
        for (i, hidden) in self.hidden.iter().enumerate() {
            let control = format!("hidden[{i}].units");
            // The playground offers narrower layers than the engine allows.
            let units = whole(&control, &hidden.units)?;
            neurite::spec::check_units(&control, units, MAX_HIDDEN_UNITS).map_err(|error| {
                Refusal {
                    control: control.clone(),
                    what: RefusalKind::Engine(error),
                }
            })?;
            layers.push(LayerSpec::Dense {
                units,
                activation: hidden.activation,
                init: hidden.init,
            });
            owners.push(Some(control));
            let control = format!("hidden[{i}].dropout");
            let rate = number(&control, &hidden.dropout)?;
            if rate != 0.0 {
                layers.push(LayerSpec::Dropout { rate });
                owners.push(Some(control));
            }
        }
        layers.push(LayerSpec::Dense {
            units: 10,
            activation: Activation::Softmax,
            init: self.output_init,
        });
        owners.push(None);
        let subset = self.train_subset.trim();
        let config = Config {
            model: ModelSpec {
                input_shape: self.input_shape.clone(),
                layers,
            },
            training: neurite::TrainConfig {
                learning_rate: number("learning_rate", &self.learning_rate)?,
                batch_size: whole("batch_size", &self.batch_size)?,
                epochs: whole("epochs", &self.epochs)?,
                optimizer: self.optimizer_spec()?,
                l2: number("l2", &self.l2)?,
                pixels: self.pixels,
                dataset: self.dataset,
                train_subset: if subset.is_empty() {
                    None
                } else {
                    Some(whole("train_subset", subset)?)
                },
                seed: whole("seed", &self.seed)?,
                ..Default::default()
            },
        };
        config.check().map_err(|error| {
            let control = match &error {
                neurite::Error::InvalidConfig { field, .. } => owner_of(field, &owners),
                _ => String::new(),
            };
            Refusal {
                control,
                what: RefusalKind::Engine(error),
            }
        })
    }
}

impl Draft {
    /// Log₁₀ of the learning rate, if it is a positive number (the slider's position).
    pub fn log_learning_rate(&self) -> Option<f64> {
        self.learning_rate
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|lr| *lr > 0.0)
            .map(f64::log10)
    }
}

/// The learning rate `10^log`, to three significant digits, as the slider writes it.
pub fn learning_rate_from_log(log: f64) -> String {
    let rounded: f64 = format!("{:.2e}", 10f64.powf(log))
        .parse()
        .expect("a formatted float parses");
    rounded.to_string()
}

/// The control behind an engine field: `layers[k].…` is the hidden layer (or the
/// convolutional block) that made layer `k`.
fn owner_of(field: &str, owners: &[Option<String>]) -> String {
    let layer = field
        .strip_prefix("layers[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|k| k.parse::<usize>().ok());
    match layer {
        Some(k) => match owners.get(k).cloned().flatten() {
            Some(owner) if owner.starts_with("conv[") && !owner.ends_with(".pool") => {
                conv::conv_control(&owner, field)
            }
            Some(owner) => owner,
            None => "layers".into(),
        },
        None => field.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_program_checks_to_the_engines_default() {
        let checked = Draft::seed_program().check().unwrap();
        assert_eq!(checked.into_inner(), Config::default());
    }

    #[test]
    fn text_that_is_no_number_is_refused_at_its_control() {
        let mut draft = Draft::seed_program();
        draft.learning_rate = "abc".into();
        let refusal = draft.check().unwrap_err();
        assert_eq!(refusal.control, "learning_rate");
        assert_eq!(
            refusal.message(Lang::En),
            "learning_rate: 'abc' is not a number"
        );
        assert_eq!(refusal.message(Lang::Zh), "学习率：“abc” 不是一个数");
        draft.learning_rate = "0.1".into();
        draft.hidden[0].units = " 1.5 ".into();
        let refusal = draft.check().unwrap_err();
        assert_eq!(
            refusal.message(Lang::En),
            "hidden[0].units: '1.5' is not a whole number"
        );
        assert_eq!(
            refusal.message(Lang::Zh),
            "dense_1 的神经元数：“1.5” 不是一个整数"
        );
    }

    #[test]
    fn ranges_are_the_engines_with_its_message() {
        let mut draft = Draft::seed_program();
        draft.learning_rate = "0".into();
        let refusal = draft.check().unwrap_err();
        assert_eq!(refusal.control, "learning_rate");
        let engine = neurite::config::check_learning_rate(0.0).unwrap_err();
        assert_eq!(refusal.what, RefusalKind::Engine(engine.clone()));
        assert_eq!(refusal.message(Lang::En), engine.to_string());
        let zh = refusal.message(Lang::Zh);
        assert!(zh.starts_with("学习率："), "{zh}");
        assert!(zh.contains("0") && zh.contains("10"), "{zh}");
    }

    #[test]
    fn a_zero_width_is_refused_at_that_hidden_layer() {
        let mut draft = Draft::seed_program();
        draft.hidden.push(HiddenLayer::relu(64));
        draft.hidden[0].dropout = "0.2".into();
        draft.hidden[1].units = "0".into();
        let refusal = draft.check().unwrap_err();
        assert_eq!(refusal.control, "hidden[1].units");
        let message = refusal.message(Lang::En);
        assert!(message.contains("got 0"), "{message}");
        let message = refusal.message(Lang::Zh);
        assert!(message.contains("收到的是 0"), "{message}");
    }

    #[test]
    fn a_width_beyond_the_playgrounds_limit_is_refused_with_the_engines_message() {
        let mut draft = Draft::seed_program();
        draft.hidden[0].units = "2000".into();
        let refusal = draft.check().unwrap_err();
        assert_eq!(refusal.control, "hidden[0].units");
        assert_eq!(
            refusal.message(Lang::En),
            "hidden[0].units: a dense layer needs 1 to 1024 units, got 2000"
        );
        assert_eq!(
            refusal.message(Lang::Zh),
            "dense_1 的神经元数：全连接层需要 1 到 1024 个神经元，收到的是 2000"
        );
        draft.hidden[0].units = "1024".into();
        assert!(draft.check().is_ok());
    }

    #[test]
    fn a_bad_dropout_rate_is_refused_at_its_layer() {
        let mut draft = Draft::seed_program();
        draft.hidden[0].dropout = "1".into();
        let refusal = draft.check().unwrap_err();
        assert_eq!(refusal.control, "hidden[0].dropout");
        assert_eq!(
            refusal.message(Lang::En),
            "layers[2].rate: dropout rate must be in [0, 1), got 1"
        );
        assert_eq!(
            refusal.message(Lang::Zh),
            "dense_1 的 Dropout 比率：应在 0 到 1 之间（含 0，不含 1），收到的是 1"
        );
    }

    #[test]
    fn optimizers_and_layers_survive_a_round_trip_through_the_controls() {
        let mut draft = Draft::seed_program();
        draft.optimizer = OptimizerChoice::Momentum;
        draft.nesterov = true;
        draft.hidden = vec![HiddenLayer::relu(300), HiddenLayer::relu(100)];
        draft.hidden[0].dropout = "0.25".into();
        draft.train_subset = "5000".into();
        draft.dataset = DatasetKind::FashionMnist;
        let config = draft.check().unwrap().into_inner();
        assert_eq!(config.training.dataset, DatasetKind::FashionMnist);
        assert_eq!(
            Draft::from_config(&config).check().unwrap().into_inner(),
            config
        );
        for choice in OptimizerChoice::ALL {
            draft.optimizer = choice;
            assert!(draft.check().is_ok(), "{choice:?}");
            assert_eq!(OptimizerChoice::from_key(choice.key()), Some(choice));
        }
    }

    #[test]
    fn the_slider_writes_three_significant_digits_on_a_log_scale() {
        assert_eq!(learning_rate_from_log(-3.0), "0.001");
        assert_eq!(learning_rate_from_log(0.0), "1");
        assert_eq!(learning_rate_from_log(-2.5), "0.00316");
        let mut draft = Draft::seed_program();
        draft.learning_rate = "0.01".into();
        assert!((draft.log_learning_rate().unwrap() + 2.0).abs() < 1e-12);
        draft.learning_rate = "abc".into();
        assert_eq!(draft.log_learning_rate(), None);
    }

    #[test]
    fn the_convnet_presets_survive_a_round_trip_through_the_controls() {
        for model in [ModelSpec::keras_convnet(), ModelSpec::lenet()] {
            for dataset in DatasetKind::ALL {
                let mut config = Config {
                    model: model.clone(),
                    ..Config::default()
                };
                config.training.dataset = dataset;
                let draft = Draft::with_model(model.clone(), dataset);
                assert_eq!(draft.check().unwrap().into_inner(), config);
            }
        }
        let keras = Draft::with_model(ModelSpec::keras_convnet(), DatasetKind::Mnist);
        assert_eq!(keras.conv.len(), 2);
        assert_eq!(keras.conv[1].filters, "64");
        assert_eq!(keras.conv[1].pool, PoolChoice::Max);
        assert_eq!(keras.flatten_dropout, "0.5");
        assert!(keras.hidden.is_empty());
    }

    #[test]
    fn a_kernel_too_large_for_its_image_is_refused_at_that_block() {
        let mut draft = Draft::with_model(ModelSpec::keras_convnet(), DatasetKind::Mnist);
        draft.conv.push(ConvBlock::relu(8));
        draft.conv[2].kernel = "7".into();
        let refusal = draft.check().unwrap_err();
        assert_eq!(refusal.control, "conv[2].kernel");
        assert!(
            refusal.message(Lang::En).contains("7×7 window"),
            "{refusal:?}"
        );
        assert!(
            refusal.message(Lang::Zh).contains("7×7 的窗口"),
            "{refusal:?}"
        );
        draft.conv[2].kernel = "3".into();
        draft.conv[2].filters = "0".into();
        assert_eq!(draft.check().unwrap_err().control, "conv[2].filters");
        draft.conv[2].filters = "8".into();
        draft.conv[2].padding = neurite::layers::window::Padding::Same;
        assert!(draft.check().is_ok());
    }

    #[test]
    fn no_hidden_layer_is_a_valid_linear_classifier() {
        let mut draft = Draft::seed_program();
        draft.hidden.clear();
        assert!(draft.check().is_ok());
    }
}
