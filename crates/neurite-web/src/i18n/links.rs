//! The MNIST playground's links in English and 中文: the copy button, the notice that lists
//! what a link could not set, and why each value was refused (the engine's own reasons are
//! worded by [`super::engine_errors`]).

use super::{Lang, Text, Tr, engine_errors};
use crate::state::playground_url::layers::LAYERS;
use crate::state::playground_url::{KEYS, Key, LinkReason, LinkRefusal};

const fn tr(en: &'static str, zh: &'static str) -> Tr {
    Tr { en, zh }
}

/// The button that copies the page's link.
pub const COPY_LINK: Tr = tr("Copy link", "复制链接");
/// What the button says once the link is on the clipboard.
pub const LINK_COPIED: Tr = tr("Link copied", "链接已复制");
/// Beside the field shown when the browser does not let the page copy.
pub const COPY_BY_HAND: Tr = tr(
    "Your browser did not let the page copy it: the link is selected, copy it yourself (Ctrl+C or ⌘C).",
    "浏览器不允许本页复制：链接已选中，请自行复制（Ctrl+C 或 ⌘C）。",
);
/// The name of the field that holds the link.
pub const LINK_FIELD: Tr = tr("Link to this setup", "此设置的链接");
/// What the button does, as its tooltip.
pub const COPY_LINK_HINT: Tr = tr(
    "The address holds the whole setup — model, optimizer, learning rate, batch size, epochs, seed — so that opening it gives the same run.",
    "网址中保存了全部设置（模型、优化器、学习率、批大小、训练轮数、随机种子等），打开它就能得到同样的训练。",
);
/// The notice over a link's refusals.
pub const REFUSED: Tr = tr(
    "Parts of this link could not be used and were left at their defaults; the rest was applied:",
    "链接中有些内容无法使用，已保留默认值；其余内容已应用：",
);

/// The line that counts refusals not listed.
pub fn more(count: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("… and {count} more"),
        Lang::Zh => format!("……另有 {count} 条未列出"),
    }
}

/// A refusal, in `lang`: `lr: must be a number above 0 …`, `lr（学习率）：…`; for the link as a
/// whole, why and what was kept.
pub fn refusal(refusal: &LinkRefusal, lang: Lang) -> String {
    let Some(key) = &refusal.key else {
        return whole(&refusal.reason, lang);
    };
    let why = reason(&refusal.reason, Key::from_name(key), lang);
    match lang {
        Lang::En => format!("{key}: {why}"),
        Lang::Zh => format!("{}：{why}", key_label(key)),
    }
}

/// A link key as 中文 shows it: the key and the control's label, `lr（学习率）`.
fn key_label(key: &str) -> String {
    let Some(known) = Key::from_name(key) else {
        return key.to_string();
    };
    let label = match known {
        Key::Dataset => Text::Dataset.in_lang(Lang::Zh).into(),
        Key::Nesterov => Text::Nesterov.in_lang(Lang::Zh).into(),
        Key::Loss => "损失函数".into(),
        Key::Pixels => Text::Pixels.in_lang(Lang::Zh).into(),
        _ => engine_errors::field_name(known.field(), Lang::Zh).into_owned(),
    };
    format!("{key}（{label}）")
}

/// A refusal of the whole link.
fn whole(why: &LinkReason, lang: Lang) -> String {
    let text = reason(why, None, lang);
    match (why, lang) {
        (LinkReason::UnknownKey { .. }, _) => text,
        (_, Lang::En) => {
            format!("the link's setup was refused as a whole and the seed program kept: {text}")
        }
        (_, Lang::Zh) => format!("链接中的设置整体上无法使用，已保留种子程序的设置：{text}"),
    }
}

/// Why `key`'s value was refused, in `lang`.
fn reason(reason: &LinkReason, key: Option<Key>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let list = |names: &[&str]| names.join(if zh { "、" } else { ", " });
    match reason {
        LinkReason::UnknownKey { got } => {
            if zh {
                format!("链接中没有名为 “{got}” 的项；可用的有 {}", list(KEYS))
            } else {
                format!("a link has no key \"{got}\"; the keys are {}", list(KEYS))
            }
        }
        LinkReason::UnknownName { got, choices } => {
            if zh {
                format!("应为 {} 之一，收到的是 “{got}”", list(choices))
            } else {
                format!("must be one of {}; got \"{got}\"", list(choices))
            }
        }
        LinkReason::NotANumber { got } => {
            if zh {
                format!("应为一个数，收到的是 “{got}”")
            } else {
                format!("must be a number, got \"{got}\"")
            }
        }
        LinkReason::NotAWholeNumber { got } => {
            if zh {
                format!("应为整数，收到的是 “{got}”")
            } else {
                format!("must be a whole number, got \"{got}\"")
            }
        }
        LinkReason::NotAFlag { got } => {
            if zh {
                format!("应为 1 或 0（true 或 false），收到的是 “{got}”")
            } else {
                format!("must be 1 or 0 (true or false), got \"{got}\"")
            }
        }
        LinkReason::NotSizes { got } => {
            if zh {
                format!("应为用 x 连接的一到三个整数，例如 28x28x1，收到的是 “{got}”")
            } else {
                format!(
                    "must be one to three whole numbers joined by x, such as 28x28x1; got \"{got}\""
                )
            }
        }
        LinkReason::NotOfOptimizer { optimizer } => {
            if zh {
                format!("链接所用的优化器 {optimizer} 没有这个参数")
            } else {
                format!("the link's optimizer, {optimizer}, has no such constant")
            }
        }
        LinkReason::UnknownLayer { index, got } => {
            if zh {
                format!(
                    "layers[{index}] “{got}” 不是可用的层；可用的有 {}",
                    list(LAYERS)
                )
            } else {
                format!(
                    "layers[{index}] \"{got}\" is not a layer; the layers are {}",
                    list(LAYERS)
                )
            }
        }
        LinkReason::LayerForm { index, got, form } => {
            if zh {
                format!("layers[{index}] “{got}” 应写作 {form}")
            } else {
                format!("layers[{index}] \"{got}\" must be written {form}")
            }
        }
        LinkReason::Engine(neurite::Error::InvalidConfig { field, reason }) => {
            // The key's own field goes without saying; another (`layers[2].units`) is named.
            if key.is_some_and(|k| k.field() == field) {
                engine_errors::reason(reason, lang)
            } else {
                engine_errors::config_error(field, reason, lang)
            }
        }
        LinkReason::Engine(error) => engine_errors::message(error, lang),
        LinkReason::NotTheImages { got } => {
            let got = got
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("x");
            if zh {
                format!("图像是 28×28 的：输入形状应为 28x28 或 28x28x1，收到的是 {got}")
            } else {
                format!("the images are 28×28: the input must be 28x28 or 28x28x1, got {got}")
            }
        }
        LinkReason::ModelNotInControls => {
            if zh {
                "实验场的控件无法显示这个模型（控件搭建的是：卷积块（可带池化）、展平层、可带 Dropout 的全连接层，以及 10 类 softmax 输出层），已保留种子程序的模型".into()
            } else {
                "the playground's controls cannot show this model (they build convolution blocks, each optionally pooled, a flatten layer, dense layers with optional dropout, and the 10-way softmax output); the seed program's model was kept".into()
            }
        }
        LinkReason::NoControl => {
            if zh {
                "实验场没有这项设置的控件，已保留默认值".into()
            } else {
                "the playground has no control for this setting; its default was kept".into()
            }
        }
        LinkReason::Controls(refusal) => refusal.message(lang),
    }
}
