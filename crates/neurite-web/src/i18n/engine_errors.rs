//! The engine's refusals in the page's language.
//!
//! The engine says *what* is wrong with a value as a [`neurite::Reason`]; its English wording
//! is the engine's own [`Display`](std::fmt::Display). Here the same reason is worded in 中文,
//! with the field named as the controls label it.

use std::borrow::Cow;

use neurite::config::{F32Rule, LARGEST_F32_BELOW_ONE, mebibytes};
use neurite::metrics::EVAL_BATCH;
use neurite::{Bound, Quantity, Reason};

use super::{Lang, Text, file_errors};

/// A refused `field` and why, in `lang`: `学习率：应在 0 到 10 之间（不含 0，含 10），收到的是 -1`.
/// In English this is exactly the engine's message, `learning_rate: must be …`.
pub fn config_error(field: &str, reason: &Reason, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{field}: {reason}"),
        Lang::Zh => format!("{}：{}", field_name(field, lang), reason_zh(reason)),
    }
}

/// Any engine error the page can meet, in `lang`: a refused configuration, model file, data
/// file or dataset. In English this is exactly the engine's message. Images and I/O errors
/// come only from the command line's files (the page reads neither), so they keep the
/// engine's English.
pub fn message(error: &neurite::Error, lang: Lang) -> String {
    use neurite::Error;
    match (error, lang) {
        (Error::InvalidConfig { field, reason }, _) => config_error(field, reason, lang),
        (_, Lang::En) => error.to_string(),
        (Error::ModelFile(reason), Lang::Zh) => {
            format!("模型文件：{}", file_errors::model_file(reason))
        }
        (
            Error::Idx {
                source_name,
                reason,
            },
            Lang::Zh,
        ) => format!("{source_name}：{}", file_errors::idx(reason)),
        (Error::Dataset(reason), Lang::Zh) => {
            format!("数据集：{}", file_errors::dataset(reason))
        }
        (
            Error::Collection {
                source_name,
                reason,
            },
            Lang::Zh,
        ) => format!("{source_name}：{}", file_errors::collection(reason)),
        (Error::Csv { line, reason }, Lang::Zh) => {
            let at = if *line == 0 {
                String::new()
            } else {
                format!("第 {line} 行")
            };
            format!("点文件{at}：{}", file_errors::csv(reason))
        }
        (Error::Image(_) | Error::Io { .. }, Lang::Zh) => error.to_string(),
    }
}

/// Why, in `lang`, without the field.
pub fn reason(reason: &Reason, lang: Lang) -> String {
    match lang {
        Lang::En => reason.to_string(),
        Lang::Zh => reason_zh(reason),
    }
}

/// A field or control key as the page labels it in `lang`: in English the key itself
/// (`learning_rate`), in 中文 the control's label (`学习率`), or the key where no label fits.
pub fn field_name(field: &str, lang: Lang) -> Cow<'_, str> {
    if lang == Lang::En {
        return Cow::Borrowed(field);
    }
    let label = |text: Text| Cow::Borrowed(text.in_lang(lang));
    match field {
        "learning_rate" => label(Text::LearningRate),
        "batch_size" => label(Text::BatchSize),
        "epochs" => label(Text::Epochs),
        "l2" => label(Text::L2),
        "l1" => Cow::Borrowed("L1 正则化"),
        "validation_split" => Cow::Borrowed("验证集比例"),
        "train_subset" => Cow::Borrowed("训练样本数"),
        "seed" => label(Text::Seed),
        "optimizer" => label(Text::Optimizer),
        "optimizer.momentum" => label(Text::MomentumMu),
        "optimizer.beta_1" => Cow::Borrowed("β₁"),
        "optimizer.beta_2" => Cow::Borrowed("β₂"),
        "optimizer.rho" => Cow::Borrowed("ρ"),
        "optimizer.epsilon" => Cow::Borrowed("ε"),
        "input_shape" => Cow::Borrowed("输入形状"),
        "layers" => Cow::Borrowed("网络层"),
        "model" => Cow::Borrowed("模型"),
        "classes" => Cow::Borrowed("类别数"),
        "points" => Cow::Borrowed("点数"),
        "noise" => Cow::Borrowed("噪声"),
        "train_percent" => Cow::Borrowed("训练集比例"),
        "labels" => Cow::Borrowed("标签数"),
        "flatten_dropout" => label(Text::FlattenDropout),
        _ => layer_field(field, lang)
            .or_else(|| point_field(field))
            .map_or(Cow::Borrowed(field), Cow::Owned),
    }
}

/// `hidden[i].units` → `dense_{i+1} 的神经元数` (the hidden layer's row), and
/// `layers[k].units` → `layers[k] 的神经元数` (the engine's layer, by its index).
fn layer_field(field: &str, lang: Lang) -> Option<String> {
    let (layer, part) = field.split_once('.')?;
    let part = match part {
        "units" => Text::Units.in_lang(lang),
        "dropout" | "rate" => Text::Dropout.in_lang(lang),
        "filters" => Text::Filters.in_lang(lang),
        "kernel" | "kernel_size" | "strides" => Text::Kernel.in_lang(lang),
        "pool" | "pool_size" => Text::Pooling.in_lang(lang),
        _ => return None,
    };
    let index = |prefix: &str| {
        layer
            .strip_prefix(prefix)?
            .strip_suffix(']')?
            .parse::<usize>()
            .ok()
    };
    // A space between 的 and a Latin word, as the labels do between scripts.
    let space = if part.starts_with(|c: char| c.is_ascii()) {
        " "
    } else {
        ""
    };
    if let Some(i) = index("hidden[") {
        Some(format!("dense_{} 的{space}{part}", i + 1))
    } else if let Some(i) = index("conv[") {
        Some(format!("conv2d_{} 的{space}{part}", i + 1))
    } else {
        index("layers[").map(|_| format!("{layer} 的{space}{part}"))
    }
}

/// `points[i].x` → `第 i+1 个点的 x`, and `.label` → `的标签`.
fn point_field(field: &str) -> Option<String> {
    let (point, part) = field.split_once('.')?;
    let index: usize = point
        .strip_prefix("points[")?
        .strip_suffix(']')?
        .parse()
        .ok()?;
    let part = match part {
        "x" | "y" => format!(" {part}"),
        "label" => "标签".into(),
        _ => return None,
    };
    Some(format!("第 {} 个点的{part}", index + 1))
}

/// `含 0` or `不含 0`.
fn includes(bound: Bound) -> String {
    if bound.inclusive {
        format!("含 {}", bound.value)
    } else {
        format!("不含 {}", bound.value)
    }
}

/// The comparison with one end: `不小于 0`, `大于 0`, `不超过 10`, `小于 1`.
fn lower(bound: Bound) -> String {
    let word = if bound.inclusive {
        "不小于"
    } else {
        "大于"
    };
    format!("{word} {}", bound.value)
}

fn upper(bound: Bound) -> String {
    let word = if bound.inclusive {
        "不超过"
    } else {
        "小于"
    };
    format!("{word} {}", bound.value)
}

/// The allowed values, for a whole number: `大于 0 且小于 8`; empty without bounds.
fn bounds(min: Option<Bound>, max: Option<Bound>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("{}且{}", lower(min), upper(max)),
        (Some(min), None) => lower(min),
        (None, Some(max)) => upper(max),
        (None, None) => String::new(),
    }
}

/// What a real number must be, from `应`: `应在 0 到 1 之间（含 0，不含 1）`, `应为正数`.
fn number_rule(min: Option<Bound>, max: Option<Bound>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) => {
            let ends = match (lo.inclusive, hi.inclusive) {
                (true, true) => format!("含 {} 和 {}", lo.value, hi.value),
                (false, false) => format!("不含 {} 和 {}", lo.value, hi.value),
                _ => format!("{}，{}", includes(lo), includes(hi)),
            };
            format!("应在 {} 到 {} 之间（{ends}）", lo.value, hi.value)
        }
        (Some(lo), None) if !lo.inclusive && lo.value == 0.0 => "应为正数".into(),
        (None, None) => "应为一个数".into(),
        _ => format!("应{}", bounds(min, max)),
    }
}

/// What a whole number must be: `应为 1 到 65536 之间的整数`, `应为大于 0 且小于 8 的整数`.
fn whole_rule(min: Option<Bound>, max: Option<Bound>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) if lo.inclusive && hi.inclusive => {
            format!("应为 {} 到 {} 之间的整数", lo.value, hi.value)
        }
        (None, None) => "应为整数".into(),
        _ => format!("应为{}的整数", bounds(min, max)),
    }
}

/// What `f32` made of a number, after `转成单精度浮点数后`: `变成了 0`, `成了非规格化数`.
fn f32_zh(value: f32) -> String {
    if value == 0.0 {
        "变成了 0".into()
    } else if value.is_infinite() {
        "变成了无穷大".into()
    } else if value.is_subnormal() {
        "成了非规格化数（只剩很少几位有效数字）".into()
    } else {
        format!("变成了 {value}")
    }
}

/// What an [`F32Rule`] asks, from `应`.
fn f32_rule_zh(rule: F32Rule) -> String {
    match rule {
        F32Rule::Normal => format!(
            "应是规格化的单精度浮点数，在 {:e} 到 {:e} 之间",
            f32::MIN_POSITIVE,
            f32::MAX
        ),
        F32Rule::ZeroOrNormal => format!(
            "应为 0，或是不小于 {:e} 的规格化单精度浮点数",
            f32::MIN_POSITIVE
        ),
        F32Rule::BelowOne => format!("应小于 1，即不超过 {LARGEST_F32_BELOW_ONE}"),
    }
}

/// Why training would hold too much memory, and what to change.
fn memory_zh(needs: u64, max: u64, largest_batch_size: Option<usize>) -> String {
    let (needs, max) = (mebibytes(needs), mebibytes(max));
    let what = "权重、梯度、优化器状态和小批量的缓冲区";
    match largest_batch_size {
        Some(largest) => format!(
            "按这个批大小训练需要 {needs} MiB 内存（{what}），超过了上限 {max} MiB：\
             这个模型的批大小最多为 {largest}"
        ),
        None => format!(
            "训练这个模型需要 {needs} MiB 内存（{what}），即使每个小批量只有 1 个样本也超过了上限 \
             {max} MiB（评估时每次最多计算 {EVAL_BATCH} 个样本）：请减少层数或每层的神经元数"
        ),
    }
}

fn reason_zh(reason: &Reason) -> String {
    match reason {
        Reason::Range { of, got, min, max } => {
            let (min, max) = (*min, *max);
            match of {
                Quantity::Number => format!("{}，收到的是 {got}", number_rule(min, max)),
                Quantity::Whole => format!("{}，收到的是 {got}", whole_rule(min, max)),
                Quantity::Samples => match (min, max) {
                    (Some(lo), None) if lo.inclusive => {
                        format!("至少需要 {} 个样本，收到的是 {got}", lo.value)
                    }
                    _ => format!("样本数{}，收到的是 {got}", whole_rule(min, max)),
                },
                Quantity::DenseUnits => match (min, max) {
                    (Some(lo), Some(hi)) if lo.inclusive && hi.inclusive => format!(
                        "全连接层需要 {} 到 {} 个神经元，收到的是 {got}",
                        lo.value, hi.value
                    ),
                    _ => format!("全连接层的神经元数{}，收到的是 {got}", whole_rule(min, max)),
                },
                // The field names the rate (`… 的 Dropout 比率`), so the reason need not.
                Quantity::DropoutRate => format!("{}，收到的是 {got}", number_rule(min, max)),
            }
        }
        Reason::EmptyModel => "模型是空的：请至少添加一个带权重的层".into(),
        Reason::TooManyLayers { got, max } => format!("最多只能有 {max} 层，现在有 {got} 层"),
        Reason::TooManyParams { got, max } => {
            format!("参数（权重和偏置项）最多只能有 {max} 个，这个模型需要 {got} 个")
        }
        Reason::NoWeights => {
            "模型中没有带权重的层（全连接层或卷积层），因此没有可训练的参数".into()
        }
        Reason::NeedsImage { input_shape } => format!(
            "卷积层和池化层的输入必须是图像（高 × 宽，或 高 × 宽 × 通道），收到的形状是 {input_shape:?}：请把它们放在 Flatten（展平）层之前"
        ),
        Reason::WindowLargerThanImage { window, image } => format!(
            "{}×{} 的窗口放不进 {}×{} 的图像（请改用 same 填充、更小的窗口或更少的池化层）",
            window[0], window[1], image[0], image[1]
        ),
        Reason::ReshapeSize {
            input_shape,
            target_shape,
        } => format!(
            "改变形状（Reshape）为 {target_shape:?} 后必须仍有输入 {input_shape:?} 的 {} 个数",
            input_shape.iter().product::<usize>()
        ),
        Reason::FlattenFirst { input_shape } => {
            format!("形状为 {input_shape:?} 的输入必须先经过 Flatten（展平）层，才能进入全连接层")
        }
        Reason::ZeroDimension { input_shape } => {
            format!("每个维度都必须至少为 1，收到的是 {input_shape:?}")
        }
        Reason::TooManyFeatures { input_shape, max } => {
            format!("形状 {input_shape:?} 的特征数超过了上限 {max}")
        }
        Reason::TrainingMemory {
            needs,
            max,
            largest_batch_size,
        } => memory_zh(*needs, *max, *largest_batch_size),
        Reason::UnsafeInteger { got, max } => {
            format!("应不超过 {max}（2^53 − 1，JavaScript 能精确表示的最大整数），收到的是 {got}")
        }
        Reason::SinglePrecision { got, as_f32, rule } => format!(
            "{got} 转成训练所用的单精度浮点数（f32）后{}：{}",
            f32_zh(*as_f32),
            f32_rule_zh(*rule)
        ),
        // A message from elsewhere (the JSON parser's) has no translation.
        Reason::Text(text) => text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inclusive(v: f64) -> Option<Bound> {
        Some(Bound::inclusive(v))
    }

    fn exclusive(v: f64) -> Option<Bound> {
        Some(Bound::exclusive(v))
    }

    /// Every variant, and every wording of a range, with the numbers its text must show.
    fn samples() -> Vec<(Reason, Vec<&'static str>)> {
        let range = |of, got: &str, min, max| Reason::range(of, got, min, max);
        vec![
            (
                range(Quantity::Number, "-1", exclusive(0.0), inclusive(10.0)),
                vec!["-1", "0", "10"],
            ),
            (
                range(Quantity::Number, "2", inclusive(0.0), inclusive(1.0)),
                vec!["2", "0", "1"],
            ),
            (
                range(Quantity::Number, "1", inclusive(0.0), exclusive(1.0)),
                vec!["1", "0"],
            ),
            (
                range(Quantity::Number, "-0.5", exclusive(0.0), exclusive(0.75)),
                vec!["-0.5", "0", "0.75"],
            ),
            (
                range(Quantity::Number, "-3", exclusive(0.0), None),
                vec!["-3"],
            ),
            (
                range(Quantity::Number, "1.5", inclusive(2.5), None),
                vec!["1.5", "2.5"],
            ),
            (
                range(Quantity::Number, "7", None, exclusive(5.0)),
                vec!["7", "5"],
            ),
            (range(Quantity::Number, "NaN", None, None), vec!["NaN"]),
            (
                Reason::whole(Quantity::Whole, 0, 1, 65_536),
                vec!["0", "1", "65536"],
            ),
            (
                range(Quantity::Whole, "9", exclusive(2.0), exclusive(8.0)),
                vec!["9", "2", "8"],
            ),
            (range(Quantity::Whole, "3", None, None), vec!["3"]),
            (
                range(Quantity::Samples, "0", inclusive(1.0), None),
                vec!["1"],
            ),
            (
                range(
                    Quantity::Samples,
                    "70000",
                    inclusive(1.0),
                    inclusive(60_000.0),
                ),
                vec!["70000", "1", "60000"],
            ),
            (
                Reason::whole(Quantity::DenseUnits, 2000, 1, 1024),
                vec!["2000", "1", "1024"],
            ),
            (
                range(Quantity::DenseUnits, "5000", None, exclusive(4097.0)),
                vec!["5000", "4097"],
            ),
            (
                range(Quantity::DropoutRate, "1", inclusive(0.0), exclusive(1.0)),
                vec!["1", "0"],
            ),
            (Reason::EmptyModel, vec![]),
            (Reason::TooManyLayers { got: 65, max: 64 }, vec!["65", "64"]),
            (
                Reason::TooManyParams {
                    got: 1_006_632_960,
                    max: 33_554_432,
                },
                vec!["1006632960", "33554432"],
            ),
            (Reason::NoWeights, vec![]),
            (
                Reason::NeedsImage {
                    input_shape: vec![784],
                },
                vec!["[784]"],
            ),
            (
                Reason::WindowLargerThanImage {
                    window: [5, 5],
                    image: [3, 3],
                },
                vec!["5×5", "3×3"],
            ),
            (
                Reason::ReshapeSize {
                    input_shape: vec![28, 28],
                    target_shape: vec![28, 27],
                },
                vec!["[28, 27]", "[28, 28]", "784"],
            ),
            (
                Reason::FlattenFirst {
                    input_shape: vec![28, 28],
                },
                vec!["[28, 28]"],
            ),
            (
                Reason::ZeroDimension {
                    input_shape: vec![28, 0],
                },
                vec!["[28, 0]"],
            ),
            (
                Reason::TooManyFeatures {
                    input_shape: vec![512, 512],
                    max: 65_536,
                },
                vec!["[512, 512]", "65536"],
            ),
            (
                Reason::TrainingMemory {
                    needs: 2_865_233_920,
                    max: 352 << 20,
                    largest_batch_size: Some(8376),
                },
                vec!["2732.5", "352.0", "8376"],
            ),
            (
                Reason::TrainingMemory {
                    needs: 403_701_760,
                    max: 352 << 20,
                    largest_batch_size: None,
                },
                vec!["385.0", "352.0"],
            ),
            (
                Reason::UnsafeInteger {
                    got: 1 << 53,
                    max: (1 << 53) - 1,
                },
                vec!["9007199254740992", "9007199254740991"],
            ),
            (
                Reason::SinglePrecision {
                    got: "1e-300".into(),
                    as_f32: 0.0,
                    rule: F32Rule::Normal,
                },
                vec!["1e-300", "1.1754944e-38", "3.4028235e38"],
            ),
            (
                Reason::SinglePrecision {
                    got: "1e-45".into(),
                    as_f32: 1e-45,
                    rule: F32Rule::Normal,
                },
                vec!["1e-45", "1.1754944e-38"],
            ),
            (
                Reason::SinglePrecision {
                    got: "1e39".into(),
                    as_f32: f32::INFINITY,
                    rule: F32Rule::Normal,
                },
                vec!["1e39", "3.4028235e38"],
            ),
            (
                Reason::SinglePrecision {
                    got: "1e-50".into(),
                    as_f32: 0.0,
                    rule: F32Rule::ZeroOrNormal,
                },
                vec!["1e-50", "1.1754944e-38"],
            ),
            (
                Reason::SinglePrecision {
                    got: "0.99999999".into(),
                    as_f32: 1.0,
                    rule: F32Rule::BelowOne,
                },
                vec!["0.99999999", "0.99999994"],
            ),
        ]
    }

    #[test]
    fn every_reason_reads_differently_in_each_language_and_keeps_its_numbers() {
        for (reason, numbers) in samples() {
            let en = super::reason(&reason, Lang::En);
            let zh = super::reason(&reason, Lang::Zh);
            assert!(!en.is_empty() && !zh.is_empty(), "{reason:?}");
            assert_ne!(en, zh, "{reason:?}");
            for n in &numbers {
                assert!(en.contains(n), "{n} missing from {en:?}");
                assert!(zh.contains(n), "{n} missing from {zh:?}");
            }
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh:?} is not Chinese"
            );
        }
    }

    #[test]
    fn the_chinese_always_tells_the_value_given() {
        // English says "must be at least 1 sample" without the 0 it got; 中文 says it.
        let reason = Reason::range(Quantity::Samples, "0", inclusive(1.0), None);
        assert_eq!(reason.to_string(), "must be at least 1 sample");
        assert_eq!(
            super::reason(&reason, Lang::Zh),
            "至少需要 1 个样本，收到的是 0"
        );
    }

    #[test]
    fn a_bad_learning_rate_reads_in_chinese_with_its_label_and_numbers() {
        let error = neurite::config::check_learning_rate(-1.0).unwrap_err();
        assert_eq!(
            message(&error, Lang::En),
            "learning_rate: must be a number above 0 and at most 10, got -1"
        );
        let zh = message(&error, Lang::Zh);
        assert!(zh.starts_with("学习率："), "{zh}");
        for n in ["-1", "0", "10"] {
            assert!(zh.contains(n), "{n} missing from {zh}");
        }
        assert!(!zh.contains("learning_rate"), "{zh}");
    }

    #[test]
    fn english_is_the_engines_own_message() {
        for (reason, _) in samples() {
            let error = neurite::Error::invalid("layers[2].rate", reason.clone());
            assert_eq!(message(&error, Lang::En), error.to_string());
            let neurite::Error::InvalidConfig { field, reason } = &error else {
                unreachable!()
            };
            assert_eq!(config_error(field, reason, Lang::En), error.to_string());
        }
        let text = neurite::ModelSpec::from_json("[").unwrap_err();
        assert_eq!(message(&text, Lang::En), text.to_string());
        let other = neurite::Error::Image("the image is blank".into());
        assert_eq!(message(&other, Lang::Zh), other.to_string());
    }

    #[test]
    fn fields_are_named_as_the_controls_label_them() {
        assert_eq!(field_name("learning_rate", Lang::Zh), "学习率");
        assert_eq!(field_name("batch_size", Lang::Zh), "批大小");
        assert_eq!(field_name("epochs", Lang::Zh), "训练轮数");
        assert_eq!(
            field_name("hidden[0].units", Lang::Zh),
            "dense_1 的神经元数"
        );
        assert_eq!(
            field_name("hidden[2].dropout", Lang::Zh),
            "dense_3 的 Dropout 比率"
        );
        assert_eq!(
            field_name("layers[3].rate", Lang::Zh),
            "layers[3] 的 Dropout 比率"
        );
        assert_eq!(
            field_name("conv[1].filters", Lang::Zh),
            "conv2d_2 的卷积核数"
        );
        assert_eq!(
            field_name("conv[0].kernel", Lang::Zh),
            "conv2d_1 的卷积核大小"
        );
        assert_eq!(field_name("conv[0].pool", Lang::Zh), "conv2d_1 的池化");
        assert_eq!(
            field_name("flatten_dropout", Lang::Zh),
            "展平后的 Dropout 比率"
        );
        assert_eq!(field_name("noise", Lang::Zh), "噪声");
        assert_eq!(field_name("points[0].x", Lang::Zh), "第 1 个点的 x");
        assert_eq!(field_name("points[41].label", Lang::Zh), "第 42 个点的标签");
        assert_eq!(field_name("points[x].label", Lang::Zh), "points[x].label");
        assert_eq!(field_name("something.else", Lang::Zh), "something.else");
        assert_eq!(field_name("hidden[0].units", Lang::En), "hidden[0].units");
    }
}
