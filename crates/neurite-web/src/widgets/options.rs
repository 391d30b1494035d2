//! A widget's URL: `widget.html?widget=neuron&lang=zh&controls=w,b&compact=1&w=0.5,-1&b=0`.
//!
//! Besides the state's own keys (a list is comma-separated), a URL may carry the whole partial
//! state as JSON in `state=`, applied after the keys. Reserved parameters: `widget`, `lang`,
//! `controls` (`all`, `none`, or a comma list of the widget's keys), `compact` (`1`), `state`.
//! Parsing never fails as a whole: what cannot be used is reported as a [`Refusal`] and left at
//! its default.

use super::{Fields, Out, Patch, Reason, Refusal, Value, WidgetName};
use crate::i18n::Lang;

/// The language codes a URL may give.
const LANGS: &[&str] = &["en", "zh", "zh-CN"];

/// Which of a widget's controls are shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Controls {
    /// Every control.
    #[default]
    All,
    /// Only these (state keys).
    Only(Vec<String>),
}

impl Controls {
    /// Whether the control of `key` is shown.
    pub fn shows(&self, key: &str) -> bool {
        match self {
            Controls::All => true,
            Controls::Only(keys) => keys.iter().any(|k| k == key),
        }
    }

    /// Reads `all`, `none` or a comma list of `keys`; names outside `keys` are refused.
    pub fn parse(raw: &str, keys: &'static [&'static str]) -> Result<Self, Refusal> {
        match raw.trim() {
            "" | "all" => Ok(Controls::All),
            "none" => Ok(Controls::Only(Vec::new())),
            list => {
                let names: Vec<String> = list.split(',').map(|s| s.trim().to_string()).collect();
                match names.iter().find(|n| !keys.contains(&n.as_str())) {
                    Some(unknown) => Err(Refusal::at(
                        "controls",
                        Reason::UnknownKey {
                            got: unknown.clone(),
                            known: keys,
                        },
                    )),
                    None => Ok(Controls::Only(names)),
                }
            }
        }
    }
}

/// How a widget looks and speaks.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The language, when the URL gives one.
    pub lang: Option<Lang>,
    /// The controls shown.
    pub controls: Controls,
    /// The compact look for narrow columns.
    pub compact: bool,
}

/// Everything a widget's URL says.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetUrl {
    /// The widget, if the URL names a known one.
    pub name: Option<WidgetName>,
    /// Look and language.
    pub options: Options,
    /// The state keys given one by one.
    pub patch: Patch,
    /// The `state` parameter, JSON text, to be read after `patch`.
    pub state_json: Option<String>,
}

impl WidgetUrl {
    /// Reads decoded query pairs; the refusals say what could not be used.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, Vec<Refusal>) {
        let pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
        let mut refusals = Vec::new();
        let find = |key: &str| pairs.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let name = match find("widget") {
            Some(raw) => WidgetName::from_key(raw.trim())
                .map_err(|r| refusals.push(r))
                .ok(),
            None => {
                refusals.push(Refusal::at(
                    "widget",
                    Reason::UnknownChoice {
                        got: String::new(),
                        choices: WidgetName::KEYS,
                    },
                ));
                None
            }
        };
        let lang = find("lang").and_then(|raw| {
            if LANGS.contains(&raw) {
                Some(Lang::from_code(raw))
            } else {
                refusals.push(Refusal::at(
                    "lang",
                    Reason::UnknownChoice {
                        got: raw.into(),
                        choices: LANGS,
                    },
                ));
                None
            }
        });
        let keys = name.map_or(&[][..], state_keys);
        let controls = find("controls")
            .map(|raw| Controls::parse(raw, keys))
            .transpose()
            .unwrap_or_else(|r| {
                refusals.push(r);
                None
            })
            .unwrap_or_default();
        let compact = find("compact").is_some_and(|v| matches!(v, "1" | "true" | ""));
        let patch = pairs
            .iter()
            .filter(|(k, _)| !RESERVED.contains(k))
            .map(|(k, v)| (k.to_string(), Value::from_url(v)))
            .collect();
        let url = WidgetUrl {
            name,
            options: Options {
                lang,
                controls,
                compact,
            },
            patch,
            state_json: find("state").map(str::to_string),
        };
        (url, refusals)
    }
}

/// Parameters that are not state keys.
const RESERVED: &[&str] = &["widget", "lang", "controls", "compact", "state"];

/// The state keys of `name`.
pub fn state_keys(name: WidgetName) -> &'static [&'static str] {
    use super::WidgetState;
    match name {
        WidgetName::Neuron => super::neuron::Neuron::KEYS,
        WidgetName::Activation => super::activation::ActivationPoint::KEYS,
        WidgetName::Loss => super::loss::LossExample::KEYS,
        WidgetName::GradientDescent => super::descent::GradientDescent::KEYS,
        WidgetName::Backprop => super::backprop::Backprop::KEYS,
        WidgetName::Playground2d => super::playground2d::Playground2d::KEYS,
    }
}

/// The query string of a widget in a state: `widget=…&lang=…&key=value…`.
pub fn to_query(name: WidgetName, lang: Lang, fields: &Fields) -> String {
    let lang = match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    };
    let mut query = format!("widget={}&lang={lang}", name.key());
    for (key, value) in fields {
        let text = match value {
            Out::Number(v) => v.to_string(),
            Out::List(list) => list
                .iter()
                .map(f64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            Out::Text(text) => (*text).to_string(),
            Out::OwnedText(text) => text.clone(),
            Out::Flag(flag) => flag.to_string(),
            Out::Array(_) => bracketed(value),
            // An empty list is the default, and a URL cannot say it.
            Out::Names(names) if names.is_empty() => continue,
            Out::Names(names) => names.join(","),
            // Outputs, never part of a state.
            Out::Records(_) | Out::Record(_) => continue,
        };
        query.push_str(&format!("&{key}={text}"));
    }
    query
}

/// A (nested) list in the URL's bracket notation, `[[0.1,0.4],[0.8,0.6]]`.
fn bracketed(value: &Out) -> String {
    match value {
        Out::Number(v) => v.to_string(),
        Out::List(list) => {
            let items: Vec<String> = list.iter().map(f64::to_string).collect();
            format!("[{}]", items.join(","))
        }
        Out::Array(items) => {
            let items: Vec<String> = items.iter().map(bracketed).collect();
            format!("[{}]", items.join(","))
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::WidgetState;
    use crate::widgets::loss::LossExample;
    use crate::widgets::neuron::Neuron;

    fn parse(query: &str) -> (WidgetUrl, Vec<Refusal>) {
        let pairs: Vec<(&str, &str)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        WidgetUrl::parse(pairs)
    }

    #[test]
    fn a_full_url_gives_widget_options_and_state() {
        let (url, refusals) =
            parse("widget=neuron&lang=zh&controls=w,b&compact=1&w=0.5,-1&b=0.25&activation=tanh");
        assert!(refusals.is_empty(), "{refusals:?}");
        assert_eq!(url.name, Some(WidgetName::Neuron));
        assert_eq!(url.options.lang, Some(Lang::Zh));
        assert!(url.options.compact);
        assert!(url.options.controls.shows("w") && !url.options.controls.shows("x"));
        let state = Neuron::default().patched(&url.patch).unwrap();
        assert_eq!((state.w.clone(), state.b), (vec![0.5, -1.0], 0.25));
    }

    #[test]
    fn hostile_urls_are_refused_key_by_key_never_as_a_whole() {
        let (url, refusals) = parse("widget=nope&lang=klingon&controls=everything");
        assert_eq!(url.name, None);
        assert_eq!(url.options.lang, None);
        assert_eq!(refusals.len(), 3, "{refusals:?}");
        let (url, refusals) = parse("widget=neuron&controls=w,colour");
        assert_eq!(url.options.controls, Controls::All);
        assert_eq!(refusals[0].key.as_deref(), Some("controls"));
        assert_eq!(parse("lang=en").1[0].key.as_deref(), Some("widget"));
    }

    #[test]
    fn a_state_survives_its_own_url() {
        let example = LossExample::default()
            .patched(&[(
                "y_pred".into(),
                Value::List(vec![0.1, 0.6000000000000001, 0.3]),
            )])
            .unwrap();
        let query = to_query(WidgetName::Loss, Lang::Zh, &example.fields());
        let (url, refusals) = parse(&query);
        assert!(refusals.is_empty());
        assert_eq!(url.options.lang, Some(Lang::Zh));
        assert_eq!(LossExample::typical("mse").patched(&url.patch), Ok(example));
    }
}
