//! The 2-D playground's link: its whole state in the page's hash, written as TensorFlow
//! Playground writes its own (so a Neurite link opens in the Playground with what it knows), and
//! read key by key — a Playground link, a Neurite link, or anything else — with a refusal for
//! each value that cannot be used and the rest kept.

use super::{OWN_KEYS, Playground2d};
use crate::widgets::playground_link::{self, MAX_REFUSALS};
use crate::widgets::{Out, Refusal, Value, WidgetState};

impl Playground2d {
    /// The state as a link's hash (`activation=tanh&…`): every Playground key, as the
    /// Playground writes its own links, then Neurite's keys that are not at their default.
    pub fn hash(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (key, value) in self.fields() {
            let text = match value {
                Out::Number(v) => format!("{v}"),
                Out::List(list) => list
                    .iter()
                    .map(|v| format!("{v}"))
                    .collect::<Vec<_>>()
                    .join(","),
                Out::Text(text) => text.to_string(),
                Out::OwnedText(text) => text,
                Out::Flag(flag) => flag.to_string(),
                Out::Names(names) => names.join(","),
                _ => continue,
            };
            pairs.push((key, text));
        }
        let defaults = Playground2d::default().fields();
        pairs
            .into_iter()
            .filter(|(key, text)| {
                !OWN_KEYS.contains(key)
                    || defaults
                        .iter()
                        .find(|(k, _)| k == key)
                        .is_none_or(|(_, d)| !same_text(d, text))
            })
            .filter(|(key, text)| !(*key == "seed" && text.is_empty()))
            .map(|(key, text)| format!("{key}={}", encode(&text)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn same_text(out: &Out, text: &str) -> bool {
    match out {
        Out::Number(v) => format!("{v}") == text,
        Out::Text(t) => *t == text,
        Out::Names(names) => names.join(",") == text,
        _ => false,
    }
}

/// `text` with the characters a hash pair cannot hold percent-encoded.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.,~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A link read: the state, the controls its `*_hide` flags hide, and its refusals.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadHash {
    /// The state: the defaults, with every value of the link that checks.
    pub state: Playground2d,
    /// Controls hidden (`problem`, `noise`, …).
    pub hidden_controls: Vec<String>,
    /// The first [`MAX_REFUSALS`] refusals, in the link's order.
    pub refusals: Vec<Refusal>,
    /// Refusals past those.
    pub more_refusals: usize,
}

/// Reads a link's hash (with or without its `#`, or a whole address) onto the default state.
/// Work and memory are linear in its length.
pub fn read_hash(link: &str) -> ReadHash {
    let hash = link.split_once('#').map_or(link, |(_, hash)| hash);
    let mut hides = playground_link::PlaygroundLink::default();
    let mut patch = Vec::new();
    let mut refusals = Vec::new();
    for pair in hash.split('&') {
        let mut parts = pair.split('=');
        let key = decode(parts.next().unwrap_or_default());
        let value = parts.next().map(decode);
        if key.is_empty() && value.is_none() {
            continue;
        }
        if key.ends_with("_hide") {
            if let Err(refusal) = playground_link::apply(&mut hides, &key, value.as_deref()) {
                refusals.push(refusal);
            }
            continue;
        }
        match value {
            // As the Playground: a key without a value keeps the default, but the network's
            // shape is then no hidden layers.
            None if key == "networkShape" => {
                patch.push((key, Value::List(Vec::new())));
            }
            Some(v) if !v.trim().is_empty() || key == "networkShape" => {
                let value = if Playground2d::own_key(&key) {
                    Value::from_url(&v)
                } else {
                    Value::Text(v)
                };
                patch.push((key, value));
            }
            _ if !Playground2d::KEYS.contains(&key.as_str()) => {
                patch.push((key, Value::Text(String::new())));
            }
            _ => {}
        }
    }
    let (state, patch_refusals) = Playground2d::default().patched_leniently(&patch);
    refusals.extend(patch_refusals);
    let more_refusals = refusals.len().saturating_sub(MAX_REFUSALS);
    refusals.truncate(MAX_REFUSALS);
    ReadHash {
        state,
        hidden_controls: hides.hidden_controls,
        refusals,
        more_refusals,
    }
}

impl Playground2d {
    fn own_key(key: &str) -> bool {
        OWN_KEYS.contains(&key)
    }
}

/// `text` with its `%XX` escapes decoded (a bad escape is kept as it is; bytes that are not
/// UTF-8 become U+FFFD).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
