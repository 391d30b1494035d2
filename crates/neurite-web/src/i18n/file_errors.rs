//! The engine's refusals of files in 中文: model files ([`neurite::ModelFileReason`]), IDX
//! files ([`neurite::IdxReason`]) and datasets that do not fit ([`neurite::DatasetReason`]).
//! Their English is the engine's own [`Display`](std::fmt::Display); names and numbers from the
//! file (a tensor's name, a shape, a parser's detail) stay as they are.

use neurite::{CollectionReason, CsvColumn, CsvReason, DatasetReason, IdxReason, ModelFileReason};

use super::Lang;
use super::engine_errors::config_error;

/// Why a model file is refused, in 中文.
pub fn model_file(reason: &ModelFileReason) -> String {
    match reason {
        ModelFileReason::TooShort { bytes } => {
            format!("文件只有 {bytes} 字节，太短，不是模型文件")
        }
        ModelFileReason::TooLarge { bytes, max } => {
            format!("文件有 {bytes} 字节，超过了模型文件最多 {max} 字节的上限")
        }
        ModelFileReason::HeaderTooLarge { claimed, max } => {
            format!("文件头声称有 {claimed} 字节，超过了 {max} 字节的上限；这不是 Neurite 模型文件")
        }
        ModelFileReason::HeaderTruncated { claimed, available } => {
            format!("文件头声称有 {claimed} 字节，但长度字段之后只有 {available} 字节")
        }
        ModelFileReason::NotSafetensors { detail } => {
            format!("不是 safetensors 文件：{detail}")
        }
        ModelFileReason::NoMetadata => "没有元数据：这不是 Neurite 模型文件".into(),
        ModelFileReason::UnsupportedVersion { got, supported } => {
            format!("不支持格式版本 {got}（此版本只能读取 {supported}）")
        }
        ModelFileReason::NoFormatVersion => {
            "元数据中没有 format_version：这不是 Neurite 模型文件".into()
        }
        ModelFileReason::NoSpec => "元数据中没有 model_spec（模型结构）".into(),
        ModelFileReason::SpecUnreadable { detail } => format!("无法读取模型结构：{detail}"),
        ModelFileReason::SpecInvalid { field, reason } => {
            format!("模型结构不可用：{}", config_error(field, reason, Lang::Zh))
        }
        ModelFileReason::UnknownPixels { got } => {
            format!("pixels 的值是 {got:?}，应为 \"scaled\" 或 \"raw\"")
        }
        ModelFileReason::UnknownDataset { got } => {
            format!("dataset 的值是 {got:?}，应为 \"mnist\" 或 \"fashion-mnist\"")
        }
        ModelFileReason::UnexpectedTensor { name } => {
            format!("多余的张量 {name}：模型结构中没有这个参数")
        }
        ModelFileReason::MissingTensor { name } => format!("缺少张量 {name}"),
        ModelFileReason::WrongDtype { name, dtype } => {
            format!("张量 {name} 的类型是 {dtype}，应为 F32")
        }
        ModelFileReason::WrongShape {
            name,
            got,
            expected,
        } => format!("张量 {name} 的形状是 {got:?}，但模型结构要求 {expected:?}"),
        ModelFileReason::NonFinite { name, value, index } => {
            format!("张量 {name} 的第 {index} 个值不是有限数（{value}）")
        }
        ModelFileReason::TrainingUnreadable { detail } => format!("无法读取训练状态：{detail}"),
        ModelFileReason::TrainingInvalid { field, reason } => {
            format!("训练配置不可用：{}", config_error(field, reason, Lang::Zh))
        }
        ModelFileReason::TrainingOtherModel => {
            "训练配置描述的模型与文件的 model_spec（模型结构）不同".into()
        }
        ModelFileReason::ImpossiblePosition { field } => {
            format!("训练状态中的 {field} 不可能是文件所写的值")
        }
        ModelFileReason::TooManyValues { values, max } => {
            format!("张量共有 {values} 个值，超过了 {max} 的上限")
        }
    }
}

/// IDX's element type `code` in 中文.
fn type_name(code: u8) -> &'static str {
    match code {
        0x08 => "无符号字节",
        0x09 => "有符号字节",
        0x0B => "短整型",
        0x0C => "整型",
        0x0D => "单精度浮点数",
        0x0E => "双精度浮点数",
        _ => "未知类型",
    }
}

/// `60000 个标签`, `60000 张 28×28 的图像`, or the dimensions.
fn describe(dims: &[usize]) -> String {
    match dims {
        [n] => format!("{n} 个标签"),
        [n, rows, cols] => format!("{n} 张 {rows}×{cols} 的图像"),
        other => format!("维度 {other:?}"),
    }
}

/// Why an IDX file is refused, in 中文.
pub fn idx(reason: &IdxReason) -> String {
    match reason {
        IdxReason::TooShort { bytes } => {
            format!("文件只有 {bytes} 字节，不足以容纳 IDX 文件头")
        }
        IdxReason::BadMagic { first: [a, b] } => {
            format!("不是 IDX 文件：魔数以 {a:#04x} {b:#04x} 开头，应为 0x00 0x00")
        }
        IdxReason::UnsupportedType { code } => format!(
            "不支持元素类型 {code:#04x}（{}），只支持 0x08（无符号字节）",
            type_name(*code)
        ),
        IdxReason::DimensionCount { got } => format!("维度数为 {got}，应为 1 到 4"),
        IdxReason::HeaderTruncated {
            needs,
            dimensions,
            holds,
        } => format!("{dimensions} 个维度的文件头需要 {needs} 字节，但文件只有 {holds} 字节"),
        IdxReason::TooLarge { dims, max } => {
            format!("文件头声称的维度 {dims:?} 超过了 {max} 字节的上限")
        }
        IdxReason::WrongLength {
            dims,
            expected,
            holds,
            gzip,
        } => {
            let held = match gzip {
                true if holds > expected => format!("gzip 数据流中有超过 {expected}"),
                true => format!("gzip 数据流中只有 {holds}"),
                false => format!("文件中有 {holds}"),
            };
            format!(
                "文件头声称有 {}（{expected} 个数据字节），但{held} 个数据字节",
                describe(dims)
            )
        }
        IdxReason::GzipUnsupported => "文件是 gzip 压缩的，而此版本只能读取未压缩的 IDX 文件\
             （未启用 `gzip` 功能）：请先解压"
            .into(),
        IdxReason::GzipCorrupt { detail } => format!("gzip 数据流已损坏：{detail}"),
    }
}

/// How a dataset does not fit, in 中文.
pub fn dataset(reason: &DatasetReason) -> String {
    match reason {
        DatasetReason::NoFeatures { sample_shape } => {
            format!("形状为 {sample_shape:?} 的样本没有任何特征")
        }
        DatasetReason::PixelCount {
            pixels,
            samples,
            features,
        } => format!("{pixels} 个像素字节无法组成 {samples} 个各有 {features} 个特征的样本"),
        DatasetReason::LabelOutOfRange {
            label,
            index,
            classes,
        } => format!(
            "第 {index} 个标签是 {label}，不在 {classes} 个类别 0–{} 之内",
            classes.saturating_sub(1)
        ),
        DatasetReason::ImageDimensions { dims } => {
            format!("图像的维度是 {dims:?}，应为 [数量, 行数, 列数]")
        }
        DatasetReason::LabelDimensions { dims } => {
            format!("标签的维度是 {dims:?}，应为 [数量]")
        }
        DatasetReason::CountMismatch { images, labels } => {
            format!("有 {images} 张图像，却有 {labels} 个标签")
        }
        DatasetReason::InputWidth {
            features,
            takes,
            input_shape,
        } => format!(
            "样本有 {features} 个特征，但模型的输入是 {takes} 个（输入形状 {input_shape:?}）"
        ),
        DatasetReason::TooManyClasses { classes, outputs } => {
            format!("数据有 {classes} 个类别，但模型只有 {outputs} 个输出")
        }
        DatasetReason::OutputsNotClasses { outputs, classes } => {
            format!("模型有 {outputs} 个输出，但数据有 {classes} 个类别")
        }
        DatasetReason::EmptyTraining => "训练集是空的".into(),
        DatasetReason::ValueCount { values, outputs } => {
            format!("{values} 个回归目标值无法组成每个样本 {outputs} 个值")
        }
        DatasetReason::OutputsNotValues { outputs, values } => {
            format!("模型有 {outputs} 个输出，但数据每个样本有 {values} 个回归目标值")
        }
        DatasetReason::MixNotImages => "训练集不是带标签的图像：手写集只能混入图像数据".into(),
        DatasetReason::MixShape { base, extra } => {
            format!("手写集图像的形状是 {extra:?}，而训练集的是 {base:?}")
        }
        DatasetReason::MixClasses { base, extra } => {
            format!("手写集有 {extra} 个类别，而训练集有 {base} 个")
        }
    }
}

/// Why a collection of the learner's own images is refused, in 中文.
pub fn collection(reason: &CollectionReason) -> String {
    use neurite::data::collection::{IMAGE_SIDE, IMAGES_SUFFIX, LABELS_SUFFIX};
    let side = IMAGE_SIDE;
    match reason {
        CollectionReason::NoPair => format!(
            "这里没有手写集：应有一个名为 *{IMAGES_SUFFIX} 的图像文件，以及同名但以 \
             *{LABELS_SUFFIX} 结尾的标签文件（都可以带 .gz 后缀）"
        ),
        CollectionReason::NoLabels { expected } => {
            format!("缺少它的标签文件：旁边应有 {expected}（或 {expected}.gz）")
        }
        CollectionReason::SeveralPairs { images_files } => format!(
            "其中有 {} 个手写集（{}）；目录中只能保留一对文件",
            images_files.len(),
            images_files.join("、")
        ),
        CollectionReason::FileTooLarge { max } => {
            format!("文件超过 {max} 字节，超出了手写集文件的上限")
        }
        CollectionReason::ImageDimensions { dims } => match dims[..] {
            [_, rows, cols] => format!(
                "图像大小为 {rows}×{cols} 像素；手写集中的图像应与 MNIST 一样为 {side}×{side}"
            ),
            _ => format!("图像的维度是 {dims:?}，应为 [数量, {side}, {side}]"),
        },
        CollectionReason::LabelDimensions { dims } => {
            format!("标签的维度是 {dims:?}，应为 [数量]")
        }
        CollectionReason::PixelCount { bytes } => format!(
            "{bytes} 个像素字节无法组成完整的 {side}×{side} 图像（每张 {} 字节）",
            side * side
        ),
        CollectionReason::Empty => "其中没有图像".into(),
        CollectionReason::TooManyImages { images, max } => {
            format!("其中有 {images} 张图像，超过了手写集最多 {max} 张的上限")
        }
        CollectionReason::CountMismatch {
            images,
            labels,
            images_file,
        } => format!(
            "其中有 {labels} 个标签，而 {images_file} 中有 {images} 张图像：每张图像应有一个标签"
        ),
        CollectionReason::LabelOutOfRange { label, index } => {
            format!("第 {index} 个标签是 {label}，不是 0–9 中的类别")
        }
    }
}

/// A points file's column as its header names it, with its meaning: `x`, `y`, `label（标签）`.
fn csv_column(column: CsvColumn) -> String {
    match column {
        CsvColumn::X | CsvColumn::Y => column.name().into(),
        CsvColumn::Label => "label（标签）".into(),
    }
}

/// Why a points file (CSV) is refused, in 中文.
pub fn csv(reason: &CsvReason) -> String {
    match reason {
        CsvReason::TooLarge { bytes, max } => {
            format!("文件有 {bytes} 字节，超过了允许的 {max} 字节")
        }
        CsvReason::TooManyPoints { max } => format!("点数超过了 {max} 个"),
        CsvReason::FieldCount { got } => {
            format!("有 {got} 个字段，应为 3 个（x, y, label）")
        }
        CsvReason::NotANumber { column, text } => {
            format!("{}：“{text}”不是数字", csv_column(*column))
        }
        CsvReason::Value { column, reason } => format!(
            "{}：{}",
            csv_column(*column),
            super::engine_errors::reason(reason, Lang::Zh)
        ),
        CsvReason::NoPoints => "没有任何点".into(),
    }
}

#[cfg(test)]
mod tests {
    use neurite::{Error, Quantity, Reason};

    use super::*;
    use crate::i18n::engine_errors::message;

    fn is_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// One error of every reason, with what its text must show in both languages.
    fn samples() -> Vec<(Error, Vec<&'static str>)> {
        let file = Error::ModelFile;
        let idx = |reason| Error::idx("train-images", reason);
        let name = || "dense_1.kernel".to_string();
        vec![
            (file(ModelFileReason::TooShort { bytes: 3 }), vec!["3"]),
            (
                file(ModelFileReason::TooLarge {
                    bytes: 200_000_000,
                    max: 135_266_304,
                }),
                vec!["200000000", "135266304"],
            ),
            (
                file(ModelFileReason::HeaderTooLarge {
                    claimed: u64::MAX,
                    max: 1 << 20,
                }),
                vec!["18446744073709551615", "1048576"],
            ),
            (
                file(ModelFileReason::HeaderTruncated {
                    claimed: 900,
                    available: 12,
                }),
                vec!["900", "12"],
            ),
            (
                file(ModelFileReason::NotSafetensors {
                    detail: "InvalidOffset(\"a\")".into(),
                }),
                vec!["safetensors", "InvalidOffset"],
            ),
            (file(ModelFileReason::NoMetadata), vec!["Neurite"]),
            (
                file(ModelFileReason::UnsupportedVersion {
                    got: "7".into(),
                    supported: "1".into(),
                }),
                vec!["7", "1"],
            ),
            (
                file(ModelFileReason::NoFormatVersion),
                vec!["format_version"],
            ),
            (file(ModelFileReason::NoSpec), vec!["model_spec"]),
            (
                file(ModelFileReason::SpecUnreadable {
                    detail: "EOF while parsing".into(),
                }),
                vec!["EOF while parsing"],
            ),
            (
                file(ModelFileReason::SpecInvalid {
                    field: "layers[0].units".into(),
                    reason: Reason::whole(Quantity::DenseUnits, 0, 1, 4096),
                }),
                vec!["layers[0]", "4096"],
            ),
            (
                file(ModelFileReason::UnknownPixels { got: "gray".into() }),
                vec!["gray", "scaled", "raw"],
            ),
            (
                file(ModelFileReason::UnknownDataset {
                    got: "cifar-10".into(),
                }),
                vec!["cifar-10", "mnist", "fashion-mnist"],
            ),
            (
                file(ModelFileReason::UnexpectedTensor { name: name() }),
                vec!["dense_1.kernel"],
            ),
            (
                file(ModelFileReason::MissingTensor { name: name() }),
                vec!["dense_1.kernel"],
            ),
            (
                file(ModelFileReason::WrongDtype {
                    name: name(),
                    dtype: "F64".into(),
                }),
                vec!["dense_1.kernel", "F64", "F32"],
            ),
            (
                file(ModelFileReason::WrongShape {
                    name: name(),
                    got: vec![392, 256],
                    expected: vec![784, 128],
                }),
                vec!["[392, 256]", "[784, 128]"],
            ),
            (
                file(ModelFileReason::NonFinite {
                    name: name(),
                    value: "NaN".into(),
                    index: 41,
                }),
                vec!["dense_1.kernel", "NaN", "41"],
            ),
            (
                file(ModelFileReason::TrainingUnreadable {
                    detail: "missing field `position`".into(),
                }),
                vec!["position"],
            ),
            (
                file(ModelFileReason::TrainingInvalid {
                    field: "training.epochs".into(),
                    reason: Reason::whole(Quantity::Whole, 0, 1, 1000),
                }),
                vec!["training.epochs", "1000"],
            ),
            (
                file(ModelFileReason::TrainingOtherModel),
                vec!["model_spec"],
            ),
            (
                file(ModelFileReason::ImpossiblePosition { field: "correct" }),
                vec!["correct"],
            ),
            (
                file(ModelFileReason::TooManyValues {
                    values: 40_000_000,
                    max: 33_554_432,
                }),
                vec!["40000000", "33554432"],
            ),
            (idx(IdxReason::TooShort { bytes: 2 }), vec!["2"]),
            (
                idx(IdxReason::BadMagic {
                    first: [0x1f, 0x00],
                }),
                vec!["0x1f", "0x00"],
            ),
            (
                idx(IdxReason::UnsupportedType { code: 0x0D }),
                vec!["0x0d", "0x08"],
            ),
            (idx(IdxReason::DimensionCount { got: 9 }), vec!["9", "4"]),
            (
                idx(IdxReason::HeaderTruncated {
                    needs: 16,
                    dimensions: 3,
                    holds: 10,
                }),
                vec!["16", "3", "10"],
            ),
            (
                idx(IdxReason::TooLarge {
                    dims: vec![70_000, 70_000],
                    max: 1 << 30,
                }),
                vec!["[70000, 70000]", "1073741824"],
            ),
            (
                idx(IdxReason::WrongLength {
                    dims: vec![2, 28, 28],
                    expected: 1568,
                    holds: 100,
                    gzip: false,
                }),
                vec!["2", "28×28", "1568", "100"],
            ),
            (
                idx(IdxReason::WrongLength {
                    dims: vec![60_000],
                    expected: 60_000,
                    holds: 60_001,
                    gzip: true,
                }),
                vec!["60000", "gzip"],
            ),
            (
                idx(IdxReason::WrongLength {
                    dims: vec![5, 5],
                    expected: 25,
                    holds: 20,
                    gzip: true,
                }),
                vec!["[5, 5]", "25", "20", "gzip"],
            ),
            (idx(IdxReason::GzipUnsupported), vec!["gzip"]),
            (
                idx(IdxReason::GzipCorrupt {
                    detail: "invalid deflate data".into(),
                }),
                vec!["gzip", "invalid deflate data"],
            ),
            (
                Error::Dataset(DatasetReason::NoFeatures {
                    sample_shape: vec![28, 0],
                }),
                vec!["[28, 0]"],
            ),
            (
                Error::Dataset(DatasetReason::PixelCount {
                    pixels: 700,
                    samples: 2,
                    features: 784,
                }),
                vec!["700", "2", "784"],
            ),
            (
                Error::Dataset(DatasetReason::LabelOutOfRange {
                    label: 12,
                    index: 5,
                    classes: 10,
                }),
                vec!["12", "5", "10", "0–9"],
            ),
            (
                Error::Dataset(DatasetReason::ImageDimensions { dims: vec![3, 4] }),
                vec!["[3, 4]"],
            ),
            (
                Error::Dataset(DatasetReason::LabelDimensions { dims: vec![3, 4] }),
                vec!["[3, 4]"],
            ),
            (
                Error::Dataset(DatasetReason::CountMismatch {
                    images: 3,
                    labels: 2,
                }),
                vec!["3", "2"],
            ),
            (
                Error::Dataset(DatasetReason::InputWidth {
                    features: 784,
                    takes: 4,
                    input_shape: vec![2, 2],
                }),
                vec!["784", "4", "[2, 2]"],
            ),
            (
                Error::Dataset(DatasetReason::TooManyClasses {
                    classes: 10,
                    outputs: 3,
                }),
                vec!["10", "3"],
            ),
            (
                Error::Dataset(DatasetReason::OutputsNotClasses {
                    outputs: 3,
                    classes: 2,
                }),
                vec!["3", "2"],
            ),
            (Error::Dataset(DatasetReason::EmptyTraining), vec![]),
            (
                Error::Dataset(DatasetReason::ValueCount {
                    values: 7,
                    outputs: 2,
                }),
                vec!["7", "2"],
            ),
            (
                Error::Dataset(DatasetReason::OutputsNotValues {
                    outputs: 3,
                    values: 1,
                }),
                vec!["3", "1"],
            ),
            (
                Error::Csv {
                    line: 0,
                    reason: CsvReason::TooLarge {
                        bytes: 2_000_000,
                        max: 1 << 20,
                    },
                },
                vec!["2000000", "1048576"],
            ),
            (
                Error::Csv {
                    line: 12,
                    reason: CsvReason::TooManyPoints { max: 10_000 },
                },
                vec!["12", "10000"],
            ),
            (
                Error::Csv {
                    line: 3,
                    reason: CsvReason::FieldCount { got: 2 },
                },
                vec!["3", "2", "x, y, label"],
            ),
            (
                Error::Csv {
                    line: 4,
                    reason: CsvReason::NotANumber {
                        column: CsvColumn::Y,
                        text: "two".into(),
                    },
                },
                vec!["4", "y", "two"],
            ),
            (
                Error::Csv {
                    line: 5,
                    reason: CsvReason::Value {
                        column: CsvColumn::Label,
                        reason: Reason::whole(Quantity::Whole, 7, 0, 5),
                    },
                },
                vec!["5", "label", "7"],
            ),
            (
                Error::Csv {
                    line: 0,
                    reason: CsvReason::NoPoints,
                },
                vec![],
            ),
        ]
    }

    #[test]
    fn every_file_reason_reads_in_both_languages_and_keeps_what_it_names() {
        for (error, shown) in samples() {
            let en = message(&error, Lang::En);
            let zh = message(&error, Lang::Zh);
            assert_eq!(en, error.to_string(), "English is the engine's own");
            assert_ne!(en, zh);
            assert!(is_chinese(&zh), "{zh:?} is not Chinese");
            for s in &shown {
                assert!(en.contains(s), "{s:?} missing from {en:?}");
                assert!(zh.contains(s), "{s:?} missing from {zh:?}");
            }
        }
    }

    #[test]
    fn what_a_hostile_file_gets_is_chinese_down_to_the_spec_reason() {
        let short = neurite::model_file::from_bytes(&[1, 2, 3]).unwrap_err();
        assert_eq!(
            message(&short, Lang::Zh),
            "模型文件：文件只有 3 字节，太短，不是模型文件"
        );
        // A file whose specification asks for a layer of no units: the engine's spec check,
        // worded with the field and the bounds, inside the file's error.
        let spec = Error::ModelFile(ModelFileReason::SpecInvalid {
            field: "layers[0].units".into(),
            reason: Reason::whole(Quantity::DenseUnits, 0, 1, 4096),
        });
        assert_eq!(
            message(&spec, Lang::Zh),
            "模型文件：模型结构不可用：layers[0] 的神经元数：全连接层需要 1 到 4096 个神经元，收到的是 0"
        );
        let labels = neurite::Dataset::from_idx_bytes("train", &[0, 0, 8, 1], &[]).unwrap_err();
        let zh = message(&labels, Lang::Zh);
        assert!(zh.starts_with("train-images："), "{zh}");
        assert!(is_chinese(&zh), "{zh}");
    }
}
