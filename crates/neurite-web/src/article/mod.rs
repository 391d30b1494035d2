//! The bilingual article: sections of prose, formulas and live widgets, in the primer's order.
//!
//! - [`content`]: the text, English beside 中文, and where each widget goes.
//! - `page` (wasm32 only): the page that renders it.

pub mod content;
#[cfg(all(target_arch = "wasm32", feature = "ui"))]
pub mod page;

use crate::i18n::Lang;
use crate::i18n::glossary::tooltip;
use crate::widgets::{Fields, Out};

/// `html` with a tooltip on every `<dfn data-term="KEY">`: the glossary's definition of `KEY`
/// in `lang`, and the term in the other language beside it.
pub fn annotate_terms(html: &str, lang: Lang) -> String {
    const MARK: &str = "data-term=\"";
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(at) = rest.find(MARK) {
        let (before, after) = rest.split_at(at + MARK.len());
        out.push_str(before);
        let Some(end) = after.find('"') else {
            rest = after;
            break;
        };
        let key = &after[..end];
        out.push_str(key);
        out.push('"');
        if let Some(title) = tooltip(key, lang) {
            out.push_str(" title=\"");
            out.push_str(&escape_attribute(&title));
            out.push('"');
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The number at `path` in a widget's outputs: a key, then indices into lists and keys into
/// records, dot-separated (`loss`, `output.0`, `grads.kernels.1.0.0`).
pub fn lookup(outputs: &Fields, path: &str) -> Option<f64> {
    let mut parts = path.split('.').peekable();
    let first = parts.next()?;
    let mut out = &outputs.iter().find(|(k, _)| *k == first)?.1;
    while let Some(part) = parts.next() {
        match out {
            Out::Record(fields) => out = &fields.iter().find(|(k, _)| *k == part)?.1,
            Out::Array(items) => out = items.get(part.parse::<usize>().ok()?)?,
            Out::List(list) if parts.peek().is_none() => {
                return list.get(part.parse::<usize>().ok()?).copied();
            }
            _ => return None,
        }
    }
    match out {
        Out::Number(v) => Some(*v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::glossary::GLOSSARY;

    /// A JSON value as the widgets read one from JavaScript (`Value::from_js`).
    fn value_of(value: serde_json::Value) -> crate::widgets::Value {
        use crate::widgets::Value;
        match value {
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap()),
            serde_json::Value::String(s) => Value::Text(s),
            serde_json::Value::Bool(b) => Value::Flag(b),
            serde_json::Value::Array(items) if items.iter().all(|v| v.is_string()) => {
                Value::Names(items.iter().map(|v| v.as_str().unwrap().into()).collect())
            }
            serde_json::Value::Array(items) if items.iter().all(|v| v.is_array()) => {
                Value::Nested(items.into_iter().map(value_of).collect())
            }
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(|v| v.as_f64().unwrap()).collect())
            }
            other => Value::Other(other.to_string()),
        }
    }

    /// A JSON state as the widgets read one from a JavaScript object.
    fn patch_of(json: &str) -> crate::widgets::Patch {
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(json).unwrap();
        object
            .into_iter()
            .map(|(key, value)| (key, value_of(value)))
            .collect()
    }

    #[test]
    fn every_widget_of_the_article_takes_its_whole_starting_state() {
        use crate::widgets::activation::ActivationPoint;
        use crate::widgets::backprop::Backprop;
        use crate::widgets::descent::GradientDescent;
        use crate::widgets::loss::LossExample;
        use crate::widgets::neuron::Neuron;
        use crate::widgets::options::{Controls, state_keys};
        use crate::widgets::{WidgetName, WidgetState};
        let mut placed = 0;
        for section in content::SECTIONS {
            for block in section.blocks {
                let content::Block::Widget {
                    name,
                    state,
                    controls,
                    ..
                } = block
                else {
                    continue;
                };
                let widget = WidgetName::from_key(name).unwrap();
                let patch = patch_of(state);
                let accepted = match widget {
                    WidgetName::Neuron => Neuron::default().patched(&patch).map(|_| ()),
                    WidgetName::Activation => {
                        ActivationPoint::default().patched(&patch).map(|_| ())
                    }
                    WidgetName::Loss => LossExample::default().patched(&patch).map(|_| ()),
                    WidgetName::GradientDescent => {
                        GradientDescent::default().patched(&patch).map(|_| ())
                    }
                    WidgetName::Backprop => Backprop::default().patched(&patch).map(|_| ()),
                    WidgetName::Playground2d => {
                        crate::widgets::playground2d::Playground2d::default()
                            .patched(&patch)
                            .map(|_| ())
                    }
                };
                assert_eq!(accepted, Ok(()), "{name} {state}");
                assert!(
                    Controls::parse(controls, state_keys(widget)).is_ok(),
                    "{controls}"
                );
                placed += 1;
            }
        }
        assert_eq!(placed, 9, "the article's widgets");
    }

    #[test]
    fn quoted_outputs_are_found_by_their_path() {
        use crate::widgets::WidgetState;
        use crate::widgets::backprop::Backprop;
        let state = Backprop::default();
        let outputs = state.outputs();
        let step = state.step();
        assert_eq!(lookup(&outputs, "loss"), Some(step.loss));
        assert_eq!(lookup(&outputs, "output.0"), Some(step.output()[0]));
        assert_eq!(
            lookup(&outputs, "grads.kernels.1.0.0"),
            Some(step.layers[1].grads.kernel[[0, 0]])
        );
        assert_eq!(
            lookup(&outputs, "updated.biases.0.1"),
            Some(step.updated.biases[0][1])
        );
        for missing in [
            "",
            "nope",
            "output",
            "output.7",
            "output.0.0",
            "grads.kernels.x",
            "grads",
        ] {
            assert_eq!(lookup(&outputs, missing), None, "{missing}");
        }
    }

    #[test]
    fn terms_get_their_definition_as_a_tooltip_in_each_language() {
        let first = &GLOSSARY[0];
        let html = format!("A <dfn data-term=\"{}\">word</dfn> & more", first.key);
        let en = annotate_terms(&html, Lang::En);
        assert!(en.contains(&format!(
            "title=\"{}",
            escape_attribute(first.definition.en)
        )));
        assert!(en.contains(first.zh) && en.ends_with("</dfn> & more"));
        let zh = annotate_terms(&html, Lang::Zh);
        assert!(zh.contains(&escape_attribute(first.definition.zh)));
        // Unknown keys and text without terms pass through unchanged.
        let plain = "<dfn data-term=\"no-such-term\">x</dfn>";
        assert_eq!(annotate_terms(plain, Lang::En), plain);
    }
}
