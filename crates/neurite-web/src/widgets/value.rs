//! The values a widget is set with and reports, loosely typed as they arrive from a URL or a
//! JavaScript object; each widget's state reads them through one checked path.

use super::refusal::Reason;

/// A value as it came in.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A number (also `NaN` or an infinity, which are refused where they are read).
    Number(f64),
    /// A list of numbers.
    List(Vec<f64>),
    /// A string.
    Text(String),
    /// A list of names.
    Names(Vec<String>),
    /// A list of lists (of numbers, or of further lists): a network's biases or kernels.
    Nested(Vec<Value>),
    /// Yes or no.
    Flag(bool),
    /// Anything else (an object, `null`, a boolean, a mixed list), described for the message
    /// that refuses it.
    Other(String),
}

/// A partial state: keys and their new values, in the order given.
pub type Patch = Vec<(String, Value)>;

/// A value as a widget reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// A number.
    Number(f64),
    /// A list of numbers.
    List(Vec<f64>),
    /// A name.
    Text(&'static str),
    /// Text of the learner's (a seed's text).
    OwnedText(String),
    /// A list of names.
    Names(Vec<&'static str>),
    /// Yes or no.
    Flag(bool),
    /// A list of records, each its own fields (a race's runners).
    Records(Vec<Fields>),
    /// A list of values (lists of numbers, or further lists): a network's kernels.
    Array(Vec<Out>),
    /// One record of fields (a network's gradients).
    Record(Fields),
}

/// How deep a nested list may go (a list of kernels, each a list of rows, is three).
pub const MAX_NESTING: usize = 3;

/// A reported state or outputs: keys and values, in a fixed order.
pub type Fields = Vec<(&'static str, Out)>;

/// A reported state as a patch that sets it (to switch a widget to a whole new example).
pub fn as_patch(fields: Fields) -> Patch {
    fields
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                Out::Text(text) => Value::Text(text.into()),
                Out::OwnedText(text) => Value::Text(text),
                Out::Names(names) => Value::Names(names.iter().map(|n| n.to_string()).collect()),
                other => out_as_value(other),
            };
            (key.to_string(), value)
        })
        .collect()
}

fn out_as_value(out: Out) -> Value {
    match out {
        Out::Number(v) => Value::Number(v),
        Out::List(list) => Value::List(list),
        Out::Array(items) => Value::Nested(items.into_iter().map(out_as_value).collect()),
        Out::Flag(flag) => Value::Flag(flag),
        _ => Value::Other("{…}".into()),
    }
}

impl Value {
    /// Reads a value from a URL parameter: a number, a comma-separated list of numbers, or text.
    /// A value in brackets is a (nested) list, `[[0.1,0.4],[0.8,0.6]]`.
    pub fn from_url(raw: &str) -> Value {
        let raw = raw.trim();
        if raw.starts_with('[') {
            return bracketed(raw).unwrap_or_else(|| Value::Other(shorten(raw)));
        }
        if raw.contains(',') {
            let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
            let names = || {
                parts
                    .iter()
                    .all(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()))
            };
            match parts.iter().map(|p| parse_number(p)).collect() {
                Some(list) => Value::List(list),
                None if names() => Value::Names(parts.iter().map(|p| p.to_string()).collect()),
                None => Value::Other(raw.into()),
            }
        } else {
            parse_number(raw).map_or_else(|| Value::Text(raw.into()), Value::Number)
        }
    }

    /// The value as a number.
    pub fn number(&self) -> Result<f64, Reason> {
        match self {
            Value::Number(v) => Ok(*v),
            other => Err(Reason::NotANumber {
                got: other.describe(),
            }),
        }
    }

    /// The value as a list of numbers; a single number is a list of one (as `x=2` in a URL).
    pub fn numbers(&self) -> Result<Vec<f64>, Reason> {
        match self {
            Value::List(list) => Ok(list.clone()),
            Value::Number(v) => Ok(vec![*v]),
            other => Err(Reason::NotAList {
                got: other.describe(),
            }),
        }
    }

    /// The value as a list of names (one name is a list of one).
    ///
    /// # Errors
    /// [`Reason::NotNames`] for anything else.
    pub fn names(&self) -> Result<Vec<&str>, Reason> {
        match self {
            Value::Names(names) => Ok(names.iter().map(String::as_str).collect()),
            Value::Text(text) => Ok(vec![text]),
            // `[]` from JavaScript reads as an empty list of numbers.
            Value::List(list) if list.is_empty() => Ok(Vec::new()),
            other => Err(Reason::NotNames {
                got: other.describe(),
            }),
        }
    }

    /// The value as a list of lists of numbers (a list of one list may be given as that
    /// list, as for a one-layer network's biases).
    ///
    /// # Errors
    /// [`Reason::NotNested`] for anything else.
    pub fn lists(&self) -> Result<Vec<Vec<f64>>, Reason> {
        let not = || Reason::NotNested {
            levels: 2,
            got: self.describe(),
        };
        match self {
            Value::Nested(items) => items
                .iter()
                .map(|item| item.numbers().map_err(|_| not()))
                .collect(),
            Value::List(list) if list.is_empty() => Ok(Vec::new()),
            Value::List(list) => Ok(vec![list.clone()]),
            _ => Err(not()),
        }
    }

    /// The value as a list of matrices, each a list of rows of numbers.
    ///
    /// # Errors
    /// [`Reason::NotNested`] for anything else.
    pub fn matrices(&self) -> Result<Vec<Vec<Vec<f64>>>, Reason> {
        let not = || Reason::NotNested {
            levels: 3,
            got: self.describe(),
        };
        match self {
            Value::Nested(items) => items
                .iter()
                .map(|item| match item {
                    Value::Nested(_) => item.lists().map_err(|_| not()),
                    _ => Err(not()),
                })
                .collect(),
            Value::List(list) if list.is_empty() => Ok(Vec::new()),
            _ => Err(not()),
        }
    }

    /// The value as yes or no: a boolean, `true`/`false`, or `1`/`0`.
    ///
    /// # Errors
    /// [`Reason::NotAFlag`] for anything else.
    pub fn flag(&self) -> Result<bool, Reason> {
        match self {
            Value::Flag(flag) => Ok(*flag),
            Value::Text(text) if text == "true" => Ok(true),
            Value::Text(text) if text == "false" => Ok(false),
            Value::Number(v) if *v == 1.0 => Ok(true),
            Value::Number(v) if *v == 0.0 => Ok(false),
            other => Err(Reason::NotAFlag {
                got: other.describe(),
            }),
        }
    }

    /// The value as a name.
    ///
    /// # Errors
    /// [`Reason::NotText`] for anything else.
    pub fn text(&self) -> Result<&str, Reason> {
        match self {
            Value::Text(text) => Ok(text),
            other => Err(Reason::NotText {
                got: other.describe(),
            }),
        }
    }

    /// A short description for a message, cut to a readable length.
    pub fn describe(&self) -> String {
        let full = match self {
            Value::Number(v) => format_number(*v),
            Value::List(list) => {
                let items: Vec<String> = list.iter().map(|v| format_number(*v)).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Text(text) => format!("\"{text}\""),
            Value::Names(names) => {
                let items: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Nested(items) => {
                let items: Vec<String> = items.iter().map(Value::describe).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Flag(flag) => flag.to_string(),
            Value::Other(what) => what.clone(),
        };
        shorten(&full)
    }
}

/// A number in a URL: decimal or exponent notation (`1e-3`); Rust also reads `inf` and `NaN`,
/// which the widgets then refuse as not finite.
fn parse_number(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    text.parse().ok()
}

/// A bracketed list from a URL: numbers, or lists of them, at most [`MAX_NESTING`] deep.
fn bracketed(raw: &str) -> Option<Value> {
    fn list(text: &str, depth: usize) -> Option<(Value, &str)> {
        let mut rest = text.strip_prefix('[')?.trim_start();
        if depth > MAX_NESTING {
            return None;
        }
        let (mut numbers, mut lists) = (Vec::new(), Vec::new());
        if let Some(after) = rest.strip_prefix(']') {
            return Some((Value::List(Vec::new()), after));
        }
        loop {
            if rest.starts_with('[') {
                let (item, after) = list(rest, depth + 1)?;
                lists.push(item);
                rest = after.trim_start();
            } else {
                let end = rest.find([',', ']'])?;
                numbers.push(parse_number(rest[..end].trim())?);
                rest = &rest[end..];
            }
            if !numbers.is_empty() && !lists.is_empty() {
                return None;
            }
            rest = match rest.as_bytes().first()? {
                b',' => rest[1..].trim_start(),
                b']' => {
                    let value = if lists.is_empty() {
                        Value::List(numbers)
                    } else {
                        Value::Nested(lists)
                    };
                    return Some((value, &rest[1..]));
                }
                _ => return None,
            };
        }
    }
    match list(raw, 1)? {
        (value, rest) if rest.trim().is_empty() => Some(value),
        _ => None,
    }
}

/// A number for a message: as short as it reads exactly.
pub fn format_number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        }
    } else {
        format!("{v}")
    }
}

/// At most 60 characters of `text`, with an ellipsis when cut.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.into()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(target_arch = "wasm32")]
mod js {
    //! Values to and from JavaScript.

    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    use super::{Fields, MAX_NESTING, Out, Patch, Value, shorten};
    use crate::widgets::refusal::{Reason, Refusal};

    impl Value {
        /// Reads a JavaScript value.
        pub fn from_js(value: &JsValue) -> Value {
            Value::from_js_at(value, 1)
        }

        fn from_js_at(value: &JsValue, depth: usize) -> Value {
            if let Some(v) = value.as_f64() {
                Value::Number(v)
            } else if let Some(text) = value.as_string() {
                Value::Text(text)
            } else if let Some(flag) = value.as_bool() {
                Value::Flag(flag)
            } else if Array::is_array(value) {
                let array: &Array = value.unchecked_ref();
                let numbers: Option<Vec<f64>> = array.iter().map(|v| v.as_f64()).collect();
                let names: Option<Vec<String>> = array.iter().map(|v| v.as_string()).collect();
                let lists = depth < MAX_NESTING && array.iter().all(|v| Array::is_array(&v));
                match (numbers, names) {
                    (Some(numbers), _) => Value::List(numbers),
                    (None, Some(names)) => Value::Names(names),
                    (None, None) if lists => Value::Nested(
                        array
                            .iter()
                            .map(|v| Value::from_js_at(&v, depth + 1))
                            .collect(),
                    ),
                    (None, None) => Value::Other(describe_js(value)),
                }
            } else {
                Value::Other(describe_js(value))
            }
        }
    }

    /// A short description of a JavaScript value for a message.
    fn describe_js(value: &JsValue) -> String {
        let text = js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| "a value that is not JSON".into());
        shorten(&text)
    }

    /// Reads a partial state from a plain JavaScript object.
    pub fn patch_from_js(value: &JsValue) -> Result<Patch, Refusal> {
        if !value.is_object() || Array::is_array(value) || value.is_function() {
            return Err(Refusal::whole(Reason::NotAnObject {
                got: describe_js(value),
            }));
        }
        let object: &Object = value.unchecked_ref();
        Ok(Object::entries(object)
            .iter()
            .filter_map(|entry| {
                let entry: Array = entry.dyn_into().ok()?;
                let key = entry.get(0).as_string()?;
                Some((key, Value::from_js(&entry.get(1))))
            })
            .collect())
    }

    /// A reported state or outputs as a JavaScript object.
    pub fn fields_to_js(fields: &Fields) -> JsValue {
        let object = Object::new();
        for (key, value) in fields {
            Reflect::set(&object, &JsValue::from_str(key), &out_to_js(value)).ok();
        }
        object.into()
    }

    fn out_to_js(value: &Out) -> JsValue {
        {
            match value {
                Out::Number(v) => JsValue::from_f64(*v),
                Out::List(list) => list
                    .iter()
                    .map(|v| JsValue::from_f64(*v))
                    .collect::<Array>()
                    .into(),
                Out::Text(text) => JsValue::from_str(text),
                Out::OwnedText(text) => JsValue::from_str(text),
                Out::Names(names) => names
                    .iter()
                    .map(|n| JsValue::from_str(n))
                    .collect::<Array>()
                    .into(),
                Out::Flag(flag) => JsValue::from_bool(*flag),
                Out::Records(records) => records.iter().map(fields_to_js).collect::<Array>().into(),
                Out::Array(items) => items.iter().map(out_to_js).collect::<Array>().into(),
                Out::Record(fields) => fields_to_js(fields),
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use js::{fields_to_js, patch_from_js};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_values_are_numbers_lists_or_text() {
        assert_eq!(Value::from_url("0.5"), Value::Number(0.5));
        assert_eq!(Value::from_url("-1e-3"), Value::Number(-1e-3));
        assert_eq!(
            Value::from_url("1, -2,3"),
            Value::List(vec![1.0, -2.0, 3.0])
        );
        assert_eq!(Value::from_url("relu"), Value::Text("relu".into()));
        assert!(matches!(Value::from_url("1,x"), Value::Other(_)));
        assert_eq!(
            Value::from_url("sgd, adam"),
            Value::Names(vec!["sgd".into(), "adam".into()])
        );
        assert!(matches!(Value::from_url("1,,2"), Value::Other(_)));
        // 1e400 overflows to infinity: read as a number, refused where it is checked.
        assert_eq!(Value::from_url("1e400"), Value::Number(f64::INFINITY));
        assert!(Value::from_url("NaN").number().unwrap().is_nan());
    }

    #[test]
    fn bracketed_url_values_are_nested_lists() {
        let kernels = Value::from_url("[[[0.1, 0.4],[0.8,0.6]], [[0.3],[0.9]]]");
        assert_eq!(
            kernels.matrices(),
            Ok(vec![
                vec![vec![0.1, 0.4], vec![0.8, 0.6]],
                vec![vec![0.3], vec![0.9]]
            ])
        );
        assert_eq!(
            Value::from_url("[[0,0],[1]]").lists(),
            Ok(vec![vec![0.0, 0.0], vec![1.0]])
        );
        assert_eq!(Value::from_url("[1,2]"), Value::List(vec![1.0, 2.0]));
        assert_eq!(Value::from_url("[]"), Value::List(Vec::new()));
        for hostile in [
            "[[1],2]",
            "[1,[2]]",
            "[[[[1]]]]",
            "[1,",
            "[1]]",
            "[[1]x",
            "[a]",
            "[",
        ] {
            assert!(
                matches!(Value::from_url(hostile), Value::Other(_)),
                "{hostile}"
            );
        }
        // A deep bracket bomb stops at the nesting limit, without recursing into it.
        let bomb = "[".repeat(100_000);
        assert!(matches!(Value::from_url(&bomb), Value::Other(_)));
        assert!(kernels.lists().is_err() && Value::List(vec![1.0]).matrices().is_err());
    }

    #[test]
    fn flags_are_booleans_or_their_names() {
        assert_eq!(Value::Flag(true).flag(), Ok(true));
        assert_eq!(Value::from_url("false").flag(), Ok(false));
        assert_eq!(Value::from_url("1").flag(), Ok(true));
        assert!(Value::from_url("maybe").flag().is_err());
        assert!(Value::Number(2.0).flag().is_err());
    }

    #[test]
    fn a_single_number_is_a_list_of_one_and_text_is_not_a_number() {
        assert_eq!(Value::Number(2.0).numbers(), Ok(vec![2.0]));
        assert!(Value::Text("two".into()).number().is_err());
        assert!(Value::Number(2.0).text().is_err());
    }

    #[test]
    fn descriptions_are_cut_to_a_readable_length() {
        let long = Value::Text("x".repeat(10_000));
        assert!(long.describe().chars().count() <= 61);
        assert_eq!(Value::Number(f64::NEG_INFINITY).describe(), "−∞");
    }
}
