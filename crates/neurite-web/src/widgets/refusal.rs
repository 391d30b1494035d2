//! [`Refusal`]: why a widget did not take a value, as data, rendered in either language.

use super::value::format_number;
use crate::i18n::Lang;

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Not one of the names allowed here.
    UnknownChoice {
        /// What was given.
        got: String,
        /// What is allowed.
        choices: &'static [&'static str],
    },
    /// The widget has no such key.
    UnknownKey {
        /// The key given.
        got: String,
        /// The widget's keys.
        known: &'static [&'static str],
    },
    /// A number was expected.
    NotANumber {
        /// What was given, described.
        got: String,
    },
    /// A list of numbers was expected.
    NotAList {
        /// What was given, described.
        got: String,
    },
    /// A list of names was expected.
    NotNames {
        /// What was given, described.
        got: String,
    },
    /// A whole number was expected.
    NotWhole {
        /// What was given.
        got: f64,
    },
    /// The same name twice in a list.
    Repeated {
        /// The name.
        name: String,
    },
    /// A name was expected.
    NotText {
        /// What was given, described.
        got: String,
    },
    /// `NaN` or an infinity.
    NotFinite,
    /// Outside the allowed interval.
    OutOfRange {
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
        /// What was given.
        got: f64,
    },
    /// A list of the wrong length.
    Length {
        /// Fewest values.
        min: usize,
        /// Most values.
        max: usize,
        /// How many were given.
        got: usize,
    },
    /// Two lists that must have one length do not.
    LengthsDiffer {
        /// The other key.
        other: &'static str,
        /// This key's length.
        len: usize,
        /// The other key's length.
        other_len: usize,
    },
    /// Probabilities that do not add up to one.
    NotProbabilities {
        /// What they add up to.
        sum: f64,
    },
    /// A whole state that is not an object of keys and values.
    NotAnObject {
        /// What was given, described.
        got: String,
    },
    /// A URL's `state` that is not JSON.
    NotJson,
    /// A seed with a character other than a letter, a digit, `.`, `-` or `_`.
    SeedCharacters {
        /// The seed given, shortened.
        got: String,
    },
    /// A nested list was expected: `levels` 2 for a list of lists of numbers, 3 for a list of
    /// matrices.
    NotNested {
        /// How deep the list must be.
        levels: u8,
        /// What was given, described.
        got: String,
    },
    /// Yes or no was expected.
    NotAFlag {
        /// What was given, described.
        got: String,
    },
    /// A list (or matrix) whose shape does not follow from another key.
    Shape {
        /// Which part (`kernels[1]`).
        part: String,
        /// The shape it must have (`2×1`).
        expected: String,
        /// The shape it has.
        got: String,
        /// The key its shape follows from.
        from: &'static str,
    },
}

/// A refused value: which key (none for the state as a whole), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The state key, or `widget` for the widget's name.
    pub key: Option<String>,
    /// Why.
    pub reason: Reason,
}

impl Refusal {
    /// A refusal of the value of `key`.
    pub fn at(key: &str, reason: Reason) -> Self {
        Refusal {
            key: Some(key.into()),
            reason,
        }
    }

    /// A refusal of a whole state.
    pub fn whole(reason: Reason) -> Self {
        Refusal { key: None, reason }
    }

    /// The message a learner reads: the key, then why, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let why = self.reason.message(lang);
        match &self.key {
            Some(key) => format!("{key}: {why}"),
            None => why,
        }
    }
}

fn list(names: &[&str]) -> String {
    names.join(", ")
}

impl Reason {
    /// Why, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Reason::UnknownChoice { got, choices } => {
                let (got, choices) = (super::value::shorten(got), list(choices));
                if zh {
                    format!("应为 {choices} 之一，收到的是 “{got}”")
                } else {
                    format!("must be one of {choices}; got \"{got}\"")
                }
            }
            Reason::UnknownKey { got, known } => {
                let (got, known) = (super::value::shorten(got), list(known));
                if zh {
                    format!("没有名为 “{got}” 的状态项；可用的有 {known}")
                } else {
                    format!("there is no state key \"{got}\"; the keys are {known}")
                }
            }
            Reason::NotANumber { got } => {
                if zh {
                    format!("应为一个数，收到的是 {got}")
                } else {
                    format!("must be a number, got {got}")
                }
            }
            Reason::NotAList { got } => {
                if zh {
                    format!("应为一组数，收到的是 {got}")
                } else {
                    format!("must be a list of numbers, got {got}")
                }
            }
            Reason::NotNames { got } => {
                if zh {
                    format!("应为一组名称，收到的是 {got}")
                } else {
                    format!("must be a list of names, got {got}")
                }
            }
            Reason::NotWhole { got } => {
                let got = format_number(*got);
                if zh {
                    format!("应为整数，收到的是 {got}")
                } else {
                    format!("must be a whole number, got {got}")
                }
            }
            Reason::Repeated { name } => {
                let name = super::value::shorten(name);
                if zh {
                    format!("“{name}” 出现了不止一次")
                } else {
                    format!("\"{name}\" is listed more than once")
                }
            }
            Reason::NotText { got } => {
                if zh {
                    format!("应为一个名称，收到的是 {got}")
                } else {
                    format!("must be a name, got {got}")
                }
            }
            Reason::NotFinite => {
                if zh {
                    "应为有限的数（不能是 NaN 或无穷大）".into()
                } else {
                    "must be a finite number (not NaN or infinity)".into()
                }
            }
            Reason::OutOfRange { min, max, got } => {
                let (min, max, got) = (
                    format_number(*min),
                    format_number(*max),
                    format_number(*got),
                );
                if zh {
                    format!("应在 {min} 到 {max} 之间，收到的是 {got}")
                } else {
                    format!("must be between {min} and {max}, got {got}")
                }
            }
            Reason::Length { min, max, got } => {
                if zh {
                    format!("应有 {min} 到 {max} 个值，收到了 {got} 个")
                } else {
                    format!("must have {min} to {max} values, got {got}")
                }
            }
            Reason::LengthsDiffer {
                other,
                len,
                other_len,
            } => {
                if zh {
                    format!(
                        "有 {len} 个值，而 {other} 有 {other_len} 个：两者长度须相同，请一起设置"
                    )
                } else {
                    format!(
                        "has {len} values but {other} has {other_len}: they must have the same length, so set both together"
                    )
                }
            }
            Reason::NotProbabilities { sum } => {
                let sum = format_number(*sum);
                if zh {
                    format!("概率之和应为 1，现在是 {sum}")
                } else {
                    format!("the probabilities must add up to 1; they add up to {sum}")
                }
            }
            Reason::NotAnObject { got } => {
                if zh {
                    format!("状态应为一个键值对象，例如 {{\"b\": 0.5}}，收到的是 {got}")
                } else {
                    format!(
                        "the state must be an object of keys and values such as {{\"b\": 0.5}}, got {got}"
                    )
                }
            }
            Reason::NotJson => {
                if zh {
                    "state 参数不是合法的 JSON".into()
                } else {
                    "the state parameter is not valid JSON".into()
                }
            }
            Reason::SeedCharacters { got } => {
                if zh {
                    format!("种子只能由字母、数字和 . - _ 组成，收到的是 {got}")
                } else {
                    format!("a seed is made of letters, digits, '.', '-' and '_', not {got}")
                }
            }
            Reason::NotNested { levels, got } => match (zh, levels) {
                (true, 2) => format!("应为每层一组数的列表，例如 [[0, 0], [0]]，收到的是 {got}"),
                (true, _) => format!(
                    "应为每层一个矩阵（按行列出的数）的列表，例如 [[[0.1, 0.4], [0.8, 0.6]], [[0.3], [0.9]]]，收到的是 {got}"
                ),
                (false, 2) => format!(
                    "must be a list with one list of numbers per layer, such as [[0, 0], [0]]; got {got}"
                ),
                (false, _) => format!(
                    "must be a list with one matrix (a list of rows of numbers) per layer, such as [[[0.1, 0.4], [0.8, 0.6]], [[0.3], [0.9]]]; got {got}"
                ),
            },
            Reason::NotAFlag { got } => {
                if zh {
                    format!("应为 true 或 false，收到的是 {got}")
                } else {
                    format!("must be true or false, got {got}")
                }
            }
            Reason::Shape {
                part,
                expected,
                got,
                from,
            } => {
                if zh {
                    format!("{part} 的形状应为 {expected}（由 {from} 决定），收到的是 {got}")
                } else {
                    format!("{part} must have shape {expected} (from {from}), got {got}")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_reason() -> Vec<Reason> {
        vec![
            Reason::UnknownChoice {
                got: "softmax".into(),
                choices: &["relu", "tanh"],
            },
            Reason::UnknownKey {
                got: "colour".into(),
                known: &["w", "b"],
            },
            Reason::NotANumber {
                got: "\"a\"".into(),
            },
            Reason::NotAList {
                got: "\"a\"".into(),
            },
            Reason::NotText { got: "3".into() },
            Reason::NotNames { got: "3".into() },
            Reason::NotWhole { got: 2.5 },
            Reason::Repeated {
                name: "adam".into(),
            },
            Reason::NotFinite,
            Reason::OutOfRange {
                min: -1000.0,
                max: 1000.0,
                got: 5000.0,
            },
            Reason::Length {
                min: 1,
                max: 3,
                got: 50,
            },
            Reason::LengthsDiffer {
                other: "x",
                len: 3,
                other_len: 2,
            },
            Reason::NotProbabilities { sum: 1.5 },
            Reason::NotAnObject { got: "42".into() },
            Reason::NotJson,
            Reason::SeedCharacters { got: "a b".into() },
            Reason::NotNested {
                levels: 2,
                got: "3".into(),
            },
            Reason::NotNested {
                levels: 3,
                got: "3".into(),
            },
            Reason::NotAFlag { got: "3".into() },
            Reason::Shape {
                part: "kernels[1]".into(),
                expected: "2×1".into(),
                got: "3×1".into(),
                from: "sizes",
            },
        ]
    }

    #[test]
    fn every_reason_reads_in_both_languages_and_names_its_numbers() {
        for reason in every_reason() {
            let (en, zh) = (reason.message(Lang::En), reason.message(Lang::Zh));
            assert!(!en.is_empty() && !zh.is_empty() && en != zh, "{reason:?}");
            assert!(zh.chars().any(|c| c > '\u{2e80}'), "no Chinese in {zh}");
        }
        let range = Refusal::at(
            "b",
            Reason::OutOfRange {
                min: -1000.0,
                max: 1000.0,
                got: 5000.0,
            },
        );
        assert_eq!(
            range.message(Lang::En),
            "b: must be between -1000 and 1000, got 5000"
        );
        assert!(range.message(Lang::Zh).contains("5000"));
    }
}
