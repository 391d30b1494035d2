//! [`Notice`]: what the playground's banner and its model-file line say — a worker's refusal,
//! the link to the worker failing, a file the browser cannot read — kept as data so that it is worded in the page's language when shown, and
//! again when the language changes.

use crate::i18n::Lang;
use crate::protocol::WorkerError;

/// Why the page cannot talk to its training worker.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkFailure {
    /// The browser would not create the worker.
    CannotStart {
        /// The browser's message.
        detail: String,
    },
    /// The worker's script failed to load or to start.
    FailedToStart,
    /// A reply that the page cannot read.
    Unreadable {
        /// The decoder's message.
        detail: String,
    },
    /// A request that the page cannot send (it cannot be encoded).
    Unsendable {
        /// The encoder's message.
        detail: String,
    },
    /// The worker failed after it started (a trap in its wasm, say): a fresh one replaces it.
    Crashed {
        /// The browser's message.
        detail: String,
    },
    /// The worker stopped answering: a fresh one replaces it.
    Unresponsive {
        /// For how long it did not answer.
        seconds: f64,
    },
}

/// What the banner (or the model-file line) shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// The worker refused a request.
    Worker(WorkerError),
    /// The link to the worker failed.
    Link(LinkFailure),
    /// The browser could not read a file the learner chose.
    FileUnreadable {
        /// The file's name.
        file: String,
        /// The browser's message.
        detail: String,
    },
    /// A file longer than any model file, refused before it is read.
    FileTooLarge {
        /// The file's name.
        file: String,
        /// Its length in bytes.
        bytes: u64,
        /// The longest a model file can be.
        max: u64,
    },
}

impl Notice {
    /// The banner's text in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let pick = |en: String, zh: String| if lang == Lang::En { en } else { zh };
        match self {
            Notice::Worker(error) => error.message(lang).to_string(),
            Notice::Link(LinkFailure::CannotStart { detail }) => pick(
                format!("cannot start the training worker: {detail}"),
                format!("无法启动训练 Worker：{detail}"),
            ),
            Notice::Link(LinkFailure::FailedToStart) => pick(
                "the training worker failed to start".into(),
                "训练 Worker 启动失败".into(),
            ),
            Notice::Link(LinkFailure::Unreadable { detail }) => pick(
                format!("cannot read the training worker's reply: {detail}"),
                format!("无法读取训练 Worker 的回复：{detail}"),
            ),
            Notice::Link(LinkFailure::Unsendable { detail }) => pick(
                format!("a request could not be sent to the training worker: {detail}"),
                format!("无法向训练 Worker 发送请求：{detail}"),
            ),
            Notice::Link(LinkFailure::Crashed { detail }) => pick(
                format!(
                    "the training worker crashed ({detail}); it was restarted from the last checkpoint"
                ),
                format!("训练 Worker 崩溃了（{detail}）；已从最近的检查点重新启动"),
            ),
            Notice::Link(LinkFailure::Unresponsive { seconds }) => pick(
                format!(
                    "the training worker did not answer for {seconds} s; it was restarted from the last checkpoint"
                ),
                format!("训练 Worker 已 {seconds} 秒没有响应；已从最近的检查点重新启动"),
            ),
            Notice::FileUnreadable { file, detail } => pick(
                format!("{file}: cannot be read ({detail})"),
                format!("{file}：无法读取（{detail}）"),
            ),
            Notice::FileTooLarge { file, bytes, max } => pick(
                format!(
                    "{file}: the file is {bytes} bytes, more than the {max} bytes a model file can hold"
                ),
                format!("{file}：文件有 {bytes} 字节，超过了模型文件最多 {max} 字节的上限"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ErrorKind, WorkerProblem};

    #[test]
    fn a_notice_is_worded_when_shown_in_either_language() {
        let notices = [
            Notice::Worker(WorkerError::worker(
                ErrorKind::State,
                WorkerProblem::DataLoading,
            )),
            Notice::Link(LinkFailure::CannotStart {
                detail: "SecurityError".into(),
            }),
            Notice::Link(LinkFailure::FailedToStart),
            Notice::Link(LinkFailure::Unreadable {
                detail: "missing field `msg`".into(),
            }),
            Notice::Link(LinkFailure::Unsendable {
                detail: "number out of range".into(),
            }),
            Notice::Link(LinkFailure::Crashed {
                detail: "RuntimeError: unreachable".into(),
            }),
            Notice::Link(LinkFailure::Unresponsive { seconds: 15.0 }),
            Notice::FileUnreadable {
                file: "m.safetensors".into(),
                detail: "NotReadableError".into(),
            },
            Notice::FileTooLarge {
                file: "big.safetensors".into(),
                bytes: 200_000_000,
                max: neurite::model_file::MAX_FILE_BYTES,
            },
        ];
        for notice in notices {
            let (en, zh) = (notice.message(Lang::En), notice.message(Lang::Zh));
            assert_ne!(en, zh);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
        let read = Notice::FileUnreadable {
            file: "m.safetensors".into(),
            detail: "NotReadableError".into(),
        };
        assert_eq!(
            read.message(Lang::Zh),
            "m.safetensors：无法读取（NotReadableError）"
        );
    }
}
