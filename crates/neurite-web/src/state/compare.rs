//! What differs between two runs' configurations, for the legend of runs drawn side by side:
//! [`differences`] lists each setting that changed ([`Difference`], e.g. the learning rate from
//! `0.001` to `0.01`) and [`Difference::describe`] says it in the page's language
//! (`lr 0.001 → 0.01`, `学习率 0.001 → 0.01`).
//!
//! Settings are compared as the engine holds them ([`Config`]): every hyperparameter of
//! [`neurite::TrainConfig`], the optimizer's own parameters when the optimizer is the same, and
//! the architecture layer by layer when both have as many layers (else as a whole).

use neurite::layers::Init;
use neurite::layers::window::Padding;
use neurite::{Config, LayerSpec, OptimizerSpec, PixelMode};

use crate::i18n::{Lang, Text};

/// A setting that can differ between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// The images trained on.
    Dataset,
    /// The model's input shape.
    InputShape,
    /// The list of layers, when the two have different numbers of layers.
    Layers,
    /// One layer, counted from 1.
    Layer(usize),
    /// The optimizer's kind.
    Optimizer,
    /// An optimizer's parameter, by its usual symbol (`β₁`, `momentum`, …).
    OptimizerParameter(&'static str),
    /// The learning rate.
    LearningRate,
    /// Samples per step.
    BatchSize,
    /// Passes over the training set.
    Epochs,
    /// The loss.
    Loss,
    /// The L1 penalty.
    L1,
    /// The L2 penalty.
    L2,
    /// The seed.
    Seed,
    /// How pixels are fed.
    Pixels,
    /// The fraction held out for validation.
    ValidationSplit,
    /// How many training images are used.
    Subset,
}

impl Setting {
    /// Its short name in `lang`.
    pub fn label(self, lang: Lang) -> String {
        let pick = |en: &str, zh: &str| if lang == Lang::En { en } else { zh }.to_string();
        match self {
            Setting::Dataset => pick("dataset", "数据集"),
            Setting::InputShape => pick("input", "输入"),
            Setting::Layers => pick("layers", "网络层"),
            Setting::Layer(n) => match lang {
                Lang::En => format!("layer {n}"),
                Lang::Zh => format!("第 {n} 层"),
            },
            Setting::Optimizer => pick("optimizer", "优化器"),
            Setting::OptimizerParameter(symbol) => match (lang, symbol) {
                (Lang::Zh, "momentum") => "动量".into(),
                (Lang::Zh, "nesterov") => "Nesterov 动量".into(),
                _ => symbol.into(),
            },
            Setting::LearningRate => pick("lr", "学习率"),
            Setting::BatchSize => pick("batch", "批大小"),
            Setting::Epochs => pick("epochs", "轮数"),
            Setting::Loss => pick("loss", "损失函数"),
            Setting::L1 => "L1".into(),
            Setting::L2 => "L2".into(),
            Setting::Seed => pick("seed", "随机种子"),
            Setting::Pixels => pick("pixels", "像素"),
            Setting::ValidationSplit => pick("validation", "验证集比例"),
            Setting::Subset => pick("training images", "训练图像数"),
        }
    }
}

/// One setting that differs: its value in the reference run and in the other.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Which setting.
    pub setting: Setting,
    /// Its value in the run compared against.
    pub from: String,
    /// Its value in this run.
    pub to: String,
}

impl Difference {
    /// `lr 0.001 → 0.01`, in `lang`.
    /// A colon follows the setting's name when a value has words of its own (`layer 2: dense
    /// 128 relu → dense 256 relu`).
    pub fn describe(&self, lang: Lang) -> String {
        // The few values that are words.
        let word = |value: &str| match (lang, value) {
            (Lang::Zh, "all") => "全部".to_string(),
            (Lang::Zh, "true") => "是".to_string(),
            (Lang::Zh, "false") => "否".to_string(),
            _ => value.to_string(),
        };
        let (from, to) = (word(&self.from), word(&self.to));
        let colon = match (self.from.contains(' ') || self.to.contains(' '), lang) {
            (false, _) => " ",
            (true, Lang::En) => ": ",
            (true, Lang::Zh) => "：",
        };
        format!("{}{colon}{from} → {to}", self.setting.label(lang))
    }
}

/// The settings in which `to` differs from `from`, in the order of the playground's controls.
pub fn differences(from: &Config, to: &Config) -> Vec<Difference> {
    let mut found = Vec::new();
    let mut note = |setting: Setting, a: String, b: String| {
        if a != b {
            found.push(Difference {
                setting,
                from: a,
                to: b,
            });
        }
    };
    let (a, b) = (&from.training, &to.training);
    note(
        Setting::Dataset,
        a.dataset.name().into(),
        b.dataset.name().into(),
    );
    note(
        Setting::InputShape,
        sizes(&from.model.input_shape),
        sizes(&to.model.input_shape),
    );
    let (la, lb) = (&from.model.layers, &to.model.layers);
    if la.len() == lb.len() {
        for (i, (x, y)) in la.iter().zip(lb).enumerate() {
            note(Setting::Layer(i + 1), layer(x), layer(y));
        }
    } else {
        note(Setting::Layers, layers(la), layers(lb));
    }
    if std::mem::discriminant(&a.optimizer) == std::mem::discriminant(&b.optimizer) {
        for ((symbol, x), (_, y)) in parameters(&a.optimizer)
            .into_iter()
            .zip(parameters(&b.optimizer))
        {
            note(Setting::OptimizerParameter(symbol), x, y);
        }
    } else {
        note(
            Setting::Optimizer,
            optimizer(&a.optimizer),
            optimizer(&b.optimizer),
        );
    }
    note(
        Setting::LearningRate,
        number(a.learning_rate),
        number(b.learning_rate),
    );
    note(
        Setting::BatchSize,
        a.batch_size.to_string(),
        b.batch_size.to_string(),
    );
    note(Setting::Epochs, a.epochs.to_string(), b.epochs.to_string());
    note(Setting::Loss, a.loss.name().into(), b.loss.name().into());
    note(Setting::L1, number(a.l1), number(b.l1));
    note(Setting::L2, number(a.l2), number(b.l2));
    note(Setting::Seed, a.seed.to_string(), b.seed.to_string());
    note(Setting::Pixels, pixels(a.pixels), pixels(b.pixels));
    note(
        Setting::ValidationSplit,
        number(a.validation_split),
        number(b.validation_split),
    );
    let subset = |s: Option<usize>| s.map_or_else(|| "all".to_string(), |n| n.to_string());
    note(
        Setting::Subset,
        subset(a.train_subset),
        subset(b.train_subset),
    );
    found
}

/// A compared run's line of the legend: what differs between `reference` (the setup the
/// others are compared with; `None` for the reference itself) and `config`, or that nothing
/// does.
pub fn legend_text(reference: Option<&Config>, config: &Config, lang: Lang) -> String {
    let Some(reference) = reference else {
        return Text::ReferenceRun.in_lang(lang).to_string();
    };
    let found = differences(reference, config);
    if found.is_empty() {
        return Text::SameSetup.in_lang(lang).to_string();
    }
    found
        .iter()
        .map(|d| d.describe(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number in the shortest form that reads back as the same `f64`, in scientific notation
/// below 0.001 (`0.001`, `0.01`, `1e-7`).
fn number(x: f64) -> String {
    if x != 0.0 && x.abs() < 1e-3 {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

fn sizes(sizes: &[usize]) -> String {
    sizes
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("×")
}

fn pixels(mode: PixelMode) -> String {
    match mode {
        PixelMode::Scaled => "x/255".into(),
        PixelMode::Raw => "0–255".into(),
    }
}

/// The optimizer's name with its parameters, for a change of optimizer.
fn optimizer(spec: &OptimizerSpec) -> String {
    let parameters: Vec<String> = parameters(spec)
        .into_iter()
        .map(|(symbol, value)| format!("{symbol} {value}"))
        .collect();
    format!("{} ({})", spec.name(), parameters.join(", "))
}

/// An optimizer's parameters by their usual symbols, in a fixed order per optimizer.
fn parameters(spec: &OptimizerSpec) -> Vec<(&'static str, String)> {
    match *spec {
        OptimizerSpec::Sgd { momentum, nesterov } => vec![
            ("momentum", number(momentum)),
            ("nesterov", nesterov.to_string()),
        ],
        OptimizerSpec::Adam {
            beta_1,
            beta_2,
            epsilon,
        } => vec![
            ("β₁", number(beta_1)),
            ("β₂", number(beta_2)),
            ("ε", number(epsilon)),
        ],
        OptimizerSpec::Rmsprop {
            rho,
            momentum,
            epsilon,
        } => vec![
            ("ρ", number(rho)),
            ("momentum", number(momentum)),
            ("ε", number(epsilon)),
        ],
    }
}

fn layers(layers: &[LayerSpec]) -> String {
    layers.iter().map(layer).collect::<Vec<_>>().join(", ")
}

/// A layer in a few words: `dense 128 relu`, `conv 32 3×3 relu`, `maxpool 2×2`.
fn layer(spec: &LayerSpec) -> String {
    let window = |pair: &neurite::spec::Pair| sizes(&pair.0);
    let strides = |s: &neurite::spec::Pair| {
        if s.0 == [1, 1] {
            String::new()
        } else {
            format!(" /{}", window(s))
        }
    };
    let padding = |p: Padding| match p {
        Padding::Valid => "",
        Padding::Same => " same",
    };
    let init = |i: Init| match i {
        Init::GlorotUniform => "",
        Init::HeUniform => " he",
        Init::Zeros => " zeros",
        Init::Playground => " playground-init",
    };
    match spec {
        LayerSpec::Flatten => "flatten".into(),
        LayerSpec::Dense {
            units,
            activation,
            init: i,
        } => format!("dense {units} {}{}", activation.name(), init(*i)),
        LayerSpec::Activation { activation } => activation.name().into(),
        LayerSpec::Dropout { rate } => format!("dropout {}", number(*rate)),
        LayerSpec::Conv2d {
            filters,
            kernel_size,
            strides: s,
            padding: p,
            activation,
            init: i,
        } => format!(
            "conv {filters} {}{}{} {}{}",
            window(kernel_size),
            strides(s),
            padding(*p),
            activation.name(),
            init(*i)
        ),
        LayerSpec::MaxPooling2d {
            pool_size,
            strides: s,
            padding: p,
        }
        | LayerSpec::AveragePooling2d {
            pool_size,
            strides: s,
            padding: p,
        } => {
            let kind = if matches!(spec, LayerSpec::MaxPooling2d { .. }) {
                "maxpool"
            } else {
                "avgpool"
            };
            let s = s.as_ref().map(strides).unwrap_or_default();
            format!("{kind} {}{s}{}", window(pool_size), padding(*p))
        }
        LayerSpec::GlobalAveragePooling2d => "global avgpool".into(),
        LayerSpec::Reshape { target_shape } => format!("reshape {}", sizes(target_shape.sizes())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neurite::Activation;

    fn described(from: &Config, to: &Config, lang: Lang) -> Vec<String> {
        differences(from, to)
            .iter()
            .map(|d| d.describe(lang))
            .collect()
    }

    #[test]
    fn legend_lines_name_the_differences_or_why_there_are_none() {
        let this = Config::default();
        let mut fast = this.clone();
        fast.training.learning_rate = 0.01;
        fast.training.batch_size = 64;
        assert_eq!(
            legend_text(Some(&this), &fast, Lang::En),
            "lr 0.001 → 0.01, batch 32 → 64"
        );
        assert_eq!(legend_text(Some(&this), &this, Lang::Zh), "设置相同");
        assert_eq!(
            legend_text(None, &fast, Lang::En),
            "reference for the differences"
        );
    }

    #[test]
    fn a_run_does_not_differ_from_itself() {
        let config = Config::default();
        assert!(differences(&config, &config.clone()).is_empty());
    }

    #[test]
    fn names_the_learning_rate_as_typed_in_both_languages() {
        let a = Config::default();
        let mut b = a.clone();
        b.training.learning_rate = 0.01;
        assert_eq!(described(&a, &b, Lang::En), ["lr 0.001 → 0.01"]);
        assert_eq!(described(&a, &b, Lang::Zh), ["学习率 0.001 → 0.01"]);
        // The other way round, the arrow turns.
        assert_eq!(described(&b, &a, Lang::En), ["lr 0.01 → 0.001"]);
    }

    #[test]
    fn a_change_of_optimizer_names_both_with_their_parameters() {
        let a = Config::default();
        let mut b = a.clone();
        b.training.optimizer = OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: false,
        };
        b.training.loss = neurite::Loss::MeanSquaredError;
        assert_eq!(
            described(&a, &b, Lang::En),
            [
                "optimizer: adam (β₁ 0.9, β₂ 0.999, ε 1e-7) → sgd (momentum 0.9, nesterov false)",
                "loss sparse_categorical_crossentropy → mean_squared_error",
            ]
        );
    }

    #[test]
    fn the_same_optimizer_names_only_the_parameter_that_changed() {
        let mut a = Config::default();
        a.training.optimizer = OptimizerSpec::Sgd {
            momentum: 0.0,
            nesterov: false,
        };
        let mut b = a.clone();
        b.training.optimizer = OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: false,
        };
        assert_eq!(described(&a, &b, Lang::En), ["momentum 0 → 0.9"]);
        assert_eq!(described(&a, &b, Lang::Zh), ["动量 0 → 0.9"]);
    }

    #[test]
    fn layers_are_compared_one_by_one_or_as_a_whole() {
        let a = Config::default();
        let mut wider = a.clone();
        wider.model.layers[1] = LayerSpec::Dense {
            units: 256,
            activation: Activation::Relu,
            init: Init::HeUniform,
        };
        assert_eq!(
            described(&a, &wider, Lang::En),
            ["layer 2: dense 128 relu → dense 256 relu he"]
        );
        assert_eq!(
            described(&a, &wider, Lang::Zh),
            ["第 2 层：dense 128 relu → dense 256 relu he"]
        );
        let mut deeper = a.clone();
        deeper
            .model
            .layers
            .insert(2, LayerSpec::Dropout { rate: 0.2 });
        assert_eq!(
            described(&a, &deeper, Lang::En),
            [
                "layers: flatten, dense 128 relu, dense 10 softmax → flatten, dense 128 relu, dropout 0.2, dense 10 softmax"
            ]
        );
    }

    #[test]
    fn every_hyperparameter_is_compared() {
        let a = Config::default();
        let mut b = a.clone();
        let t = &mut b.training;
        t.batch_size = 128;
        t.epochs = 12;
        t.l1 = 1e-4;
        t.l2 = 1e-3;
        t.seed = 7;
        t.pixels = PixelMode::Raw;
        t.dataset = neurite::DatasetKind::FashionMnist;
        t.validation_split = 0.1;
        t.train_subset = Some(6000);
        let settings: Vec<Setting> = differences(&a, &b).iter().map(|d| d.setting).collect();
        assert_eq!(
            settings,
            [
                Setting::Dataset,
                Setting::BatchSize,
                Setting::Epochs,
                Setting::L1,
                Setting::L2,
                Setting::Seed,
                Setting::Pixels,
                Setting::ValidationSplit,
                Setting::Subset,
            ]
        );
        assert_eq!(
            differences(&a, &b).last().unwrap().describe(Lang::En),
            "training images all → 6000"
        );
        assert_eq!(
            differences(&a, &b).last().unwrap().describe(Lang::Zh),
            "训练图像数 全部 → 6000"
        );
        assert_eq!(
            differences(&a, &b)[3].describe(Lang::En),
            "L1 0 → 1e-4",
            "small numbers read as they are typed"
        );
    }
}
