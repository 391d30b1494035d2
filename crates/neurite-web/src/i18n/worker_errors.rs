//! The training worker's own refusals ([`WorkerProblem`]) in English and 中文, side by side.
//! The worker words each error in both languages as it reports it
//! ([`WorkerError`](crate::protocol::WorkerError)): the engine's through
//! [`engine_errors`](super::engine_errors), its own here.

use crate::protocol::WorkerProblem;

use super::Lang;

/// One of the worker's own refusals in `lang`.
pub fn worker_problem(problem: &WorkerProblem, lang: Lang) -> String {
    let pick = |en: String, zh: String| if lang == Lang::En { en } else { zh };
    let fixed = |en: &str, zh: &str| pick(en.into(), zh.into());
    match problem {
        WorkerProblem::NothingToReset => {
            fixed("nothing to reset: no model yet", "没有可重置的：还没有模型")
        }
        WorkerProblem::NoModelToSave => fixed("no model to save yet", "还没有可保存的模型"),
        WorkerProblem::DataLoading => fixed(
            "the run's dataset is still loading",
            "本次训练所用的数据集仍在加载中",
        ),
        WorkerProblem::NoModel => fixed("no model configured", "还没有配置模型"),
        WorkerProblem::RunOver => fixed(
            "the run is over: reset to train again",
            "本次训练已结束：请重置后再训练",
        ),
        WorkerProblem::NoFile => fixed(
            "load_model arrived without a file",
            "收到了加载模型的请求，却没有文件",
        ),
        WorkerProblem::NotACheckpoint { name } => pick(
            format!("{name} holds a model but not its run, so it cannot continue"),
            format!("{name} 只有模型，没有训练状态，无法继续训练"),
        ),
        WorkerProblem::DrawingWidth { pixels, takes } => pick(
            format!(
                "a drawing of {pixels} pixels cannot be classified by a model that takes {takes}"
            ),
            format!("模型的输入是 {takes} 个数，无法识别 {pixels} 个像素的手写图"),
        ),
        WorkerProblem::PredictionNotFinite => fixed(
            "the model's outputs for this drawing are not finite numbers",
            "模型对这幅手写图的输出不是有限数",
        ),
        WorkerProblem::NoSuchTestImage { index, count } => pick(
            format!(
                "there is no test image {index}: the test set holds {count} (0 to {})",
                count.saturating_sub(1)
            ),
            format!(
                "没有编号为 {index} 的测试图像：测试集共有 {count} 张（0 到 {}）",
                count.saturating_sub(1)
            ),
        ),
        WorkerProblem::MyDigitsPayload { count, bytes } => pick(
            format!("{count} of your digits were announced but {bytes} bytes do not hold them"),
            format!("声明了 {count} 个手写数字，但 {bytes} 字节的数据装不下它们"),
        ),
        WorkerProblem::MyDigitsShare { share } => {
            let most = crate::protocol::MAX_MY_DIGITS_SHARE;
            pick(
                format!(
                    "the share of your digits in a batch must be from 0 to {most}, not {share}"
                ),
                format!("你的手写数字在每批中所占比例必须在 0 到 {most} 之间，而不是 {share}"),
            )
        }
        WorkerProblem::FineTune {
            has_digits: false, ..
        } => fixed(
            "add some of your own digits before fine-tuning on them",
            "请先添加一些自己的手写数字，再用它们微调",
        ),
        WorkerProblem::FineTune { passes, .. } => {
            let most = crate::protocol::MAX_FINE_TUNE_PASSES;
            pick(
                format!("fine-tuning makes 1 to {most} passes over your digits, not {passes}"),
                format!("微调应在你的手写数字上训练 1 到 {most} 遍，而不是 {passes} 遍"),
            )
        }
        WorkerProblem::FineTuneTooLong {
            passes,
            digits,
            max_samples,
        } => pick(
            format!(
                "{passes} passes over {digits} digits are {} samples; fine-tuning trains at most {max_samples} at once: ask for fewer passes",
                *passes as usize * digits
            ),
            format!(
                "在 {digits} 个数字上训练 {passes} 遍共 {} 个样本；一次微调最多训练 {max_samples} 个：请减少遍数",
                *passes as usize * digits
            ),
        ),
        WorkerProblem::FineTuneDiverged => fixed(
            "fine-tuning diverged (the loss became infinite or NaN): the model was left as it was; try a lower learning rate",
            "微调发散了（损失变成了无穷大或 NaN）：模型保持原样；请尝试更小的学习率",
        ),
        WorkerProblem::WeightValue { value, limit } => pick(
            format!("a weight must be a finite number from −{limit} to {limit}, not {value}"),
            format!("权重必须是 −{limit} 到 {limit} 之间的有限数，而不是 {value}"),
        ),
        WorkerProblem::NoSuchUnit { layer, unit } => pick(
            format!("the network has no unit {unit} in layer {layer}"),
            format!("网络的第 {layer} 层没有第 {unit} 个神经元"),
        ),
        WorkerProblem::NoDrawing => fixed(
            "draw a digit first: there is no drawing to take apart",
            "请先写一个数字：还没有可分析的手写图",
        ),
        WorkerProblem::NoSuchWeight {
            input,
            unit,
            inputs,
            units,
        } => pick(
            format!(
                "there is no weight from input {input} to unit {unit}: the first layer has {inputs} inputs and {units} units"
            ),
            format!(
                "不存在从输入 {input} 到单元 {unit} 的权重：第一层有 {inputs} 个输入、{units} 个单元"
            ),
        ),
        WorkerProblem::ExampleNotFinite => fixed(
            "this example's loss or gradients are not finite numbers: the model has diverged",
            "这个样本的损失或梯度不是有限数：模型已经发散",
        ),
        WorkerProblem::Undecodable { detail } => pick(
            format!("the worker cannot read a message: {detail}"),
            format!("训练 Worker 无法读取一条消息：{detail}"),
        ),
        WorkerProblem::Fetch { url, detail } => pick(
            format!("cannot fetch {url}: {detail}"),
            format!("无法下载 {url}：{detail}"),
        ),
        WorkerProblem::HttpStatus { url, status } => pick(
            format!("cannot fetch {url}: HTTP {status}"),
            format!("无法下载 {url}：HTTP {status}"),
        ),
        WorkerProblem::NoBody { url } => pick(
            format!("cannot fetch {url}: the response has no body"),
            format!("无法下载 {url}：响应没有内容"),
        ),
        WorkerProblem::Decompress { url, detail } => pick(
            format!("cannot decompress {url}: {detail}"),
            format!("无法解压 {url}：{detail}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ErrorKind, WorkerError, samples};

    fn is_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_worker_problem_reads_in_both_languages_and_keeps_its_numbers() {
        let url = || "./mnist/train-images-idx3-ubyte.gz".to_string();
        let cases = [
            (WorkerProblem::NothingToReset, vec![]),
            (WorkerProblem::NoModelToSave, vec![]),
            (WorkerProblem::DataLoading, vec![]),
            (WorkerProblem::NoModel, vec![]),
            (WorkerProblem::RunOver, vec![]),
            (WorkerProblem::NoFile, vec![]),
            (
                WorkerProblem::NotACheckpoint {
                    name: "run-7".into(),
                },
                vec!["run-7"],
            ),
            (
                WorkerProblem::NoSuchTestImage {
                    index: 10_000,
                    count: 10_000,
                },
                vec!["10000", "9999"],
            ),
            (WorkerProblem::NoDrawing, vec![]),
            (WorkerProblem::FineTuneDiverged, vec![]),
            (
                WorkerProblem::FineTuneTooLong {
                    passes: 200,
                    digits: 150,
                    max_samples: 20_000,
                },
                vec!["200", "150", "30000", "20000"],
            ),
            (
                WorkerProblem::MyDigitsPayload {
                    count: 12,
                    bytes: 700,
                },
                vec!["12", "700"],
            ),
            (
                WorkerProblem::MyDigitsShare {
                    share: "NaN".into(),
                },
                vec!["NaN", "0.5"],
            ),
            (
                WorkerProblem::FineTune {
                    passes: 5000,
                    has_digits: true,
                },
                vec!["5000", "200"],
            ),
            (
                WorkerProblem::FineTune {
                    passes: 20,
                    has_digits: false,
                },
                vec![],
            ),
            (
                WorkerProblem::NoSuchUnit { layer: 3, unit: 17 },
                vec!["3", "17"],
            ),
            (
                WorkerProblem::WeightValue {
                    value: "NaN".into(),
                    limit: 100.0,
                },
                vec!["NaN", "100"],
            ),
            (
                WorkerProblem::NoSuchWeight {
                    input: 900,
                    unit: 2,
                    inputs: 784,
                    units: 128,
                },
                vec!["900", "784", "128"],
            ),
            (WorkerProblem::ExampleNotFinite, vec![]),
            (
                WorkerProblem::DrawingWidth {
                    pixels: 784,
                    takes: 4,
                },
                vec!["784", "4"],
            ),
            (WorkerProblem::PredictionNotFinite, vec![]),
            (
                WorkerProblem::Undecodable {
                    detail: "unknown variant `explode`".into(),
                },
                vec!["unknown variant `explode`"],
            ),
            (
                WorkerProblem::Fetch {
                    url: url(),
                    detail: "Failed to fetch".into(),
                },
                vec!["train-images-idx3-ubyte.gz", "Failed to fetch"],
            ),
            (
                WorkerProblem::HttpStatus {
                    url: url(),
                    status: 404,
                },
                vec!["train-images-idx3-ubyte.gz", "404"],
            ),
            (
                WorkerProblem::NoBody { url: url() },
                vec!["train-images-idx3-ubyte.gz"],
            ),
            (
                WorkerProblem::Decompress {
                    url: url(),
                    detail: "incorrect header check".into(),
                },
                vec!["train-images-idx3-ubyte.gz", "incorrect header check"],
            ),
        ];
        for (problem, shown) in cases {
            let en = worker_problem(&problem, Lang::En);
            let zh = worker_problem(&problem, Lang::Zh);
            assert_ne!(en, zh);
            assert!(is_chinese(&zh), "{zh:?} is not Chinese");
            assert!(!is_chinese(&en), "{en:?} is not English");
            for s in shown {
                assert!(en.contains(s) && zh.contains(s), "{s:?}: {en:?} / {zh:?}");
            }
        }
    }

    #[test]
    fn every_sample_error_is_worded_in_both_languages() {
        for error in samples::errors() {
            assert_eq!(error.message(Lang::En), error.to_string());
            assert!(
                is_chinese(error.message(Lang::Zh)),
                "{:?} is not Chinese",
                error.zh
            );
            assert_ne!(error.en, error.zh);
        }
    }

    #[test]
    fn a_model_for_other_classes_is_refused_in_chinese_with_both_counts() {
        let error = WorkerError {
            kind: ErrorKind::ModelFile,
            ..WorkerError::from(neurite::Error::Dataset(
                neurite::DatasetReason::OutputsNotClasses {
                    outputs: 3,
                    classes: 10,
                },
            ))
            .in_file("three.safetensors")
        };
        assert_eq!(
            error.message(Lang::Zh),
            "three.safetensors：数据集：模型有 3 个输出，但数据有 10 个类别"
        );
    }
}
