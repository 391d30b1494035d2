//! Python literals: values written into a generated script as Python source.

use std::fmt::Write;

/// A `str` literal of `text`: single quotes when the text holds double quotes and no single
/// one (JSON reads best that way), double quotes otherwise; backslashes, the quote and control
/// characters escaped.
pub fn string(text: &str) -> String {
    let quote = if text.contains('"') && !text.contains('\'') {
        '\''
    } else {
        '"'
    };
    let mut literal = String::with_capacity(text.len() + 2);
    literal.push(quote);
    for c in text.chars() {
        match c {
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            c if c == quote => {
                literal.push('\\');
                literal.push(c);
            }
            c if c.is_control() => {
                write!(literal, "\\u{:04x}", c as u32).expect("writing to a String");
            }
            c => literal.push(c),
        }
    }
    literal.push(quote);
    literal
}

/// A `float` literal that reads back as `value`: `0.001`, `1e-7`, `0.9`, `2.0`.
///
/// # Panics
/// If `value` is not finite (Python has no literal for it; every number a model file holds
/// is checked finite).
#[track_caller]
pub fn float(value: f64) -> String {
    assert!(value.is_finite(), "no Python literal for {value}");
    // Rust's Debug form is the shortest that reads back, always with a `.` or an exponent.
    format!("{value:?}")
}

/// A tuple of whole numbers: `(3, 3)`, `(784,)`.
pub fn tuple(values: &[usize]) -> String {
    match values {
        [one] => format!("({one},)"),
        _ => {
            let items: Vec<String> = values.iter().map(usize::to_string).collect();
            format!("({})", items.join(", "))
        }
    }
}

/// A boolean: `True` or `False`.
pub fn boolean(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

/// The width generated Python is wrapped to.
const WIDTH: usize = 100;

/// A docstring holding `text`, its lines indented by `indent` spaces and wrapped at 100
/// columns, with its newline.
pub fn docstring(text: &str, indent: usize) -> String {
    let margin = " ".repeat(indent);
    // Room is kept on every line for the closing quotes, which may end any of them.
    let lines = fill(text, &format!("{margin}\"\"\""), &margin, 3);
    format!("{}\"\"\"\n", lines.join("\n"))
}

/// `text` wrapped at 100 columns, for a docstring's body.
pub fn paragraph(text: &str) -> String {
    fill(text, "", "", 0).join("\n")
}

/// The words of `text` as lines of at most 100 columns less `reserve`, the first starting with
/// `first`, the others with `margin`. A group in square brackets, `[N, C, H, W]`, stays on one
/// line.
fn fill(text: &str, first: &str, margin: &str, reserve: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for word in unbroken_words(text) {
        if !empty && line.chars().count() + 1 + word.chars().count() + reserve > WIDTH {
            lines.push(std::mem::replace(&mut line, margin.to_owned()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word);
        empty = false;
    }
    lines.push(line);
    lines
}

/// The words of `text`, those inside square brackets joined into one.
fn unbroken_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut depth = 0i32;
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(group) if depth > 0 => {
                group.push(' ');
                group.push_str(word);
            }
            _ => words.push(word.to_owned()),
        }
        depth += word.matches('[').count() as i32 - word.matches(']').count() as i32;
        depth = depth.max(0);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_would_end_or_break_them() {
        assert_eq!(string("model.safetensors"), "\"model.safetensors\"");
        assert_eq!(string(r#"{"a":1}"#), r#"'{"a":1}'"#);
        assert_eq!(string(r#"it's "x""#), r#""it's \"x\"""#);
        assert_eq!(string("C:\\m\n"), "\"C:\\\\m\\n\"");
        assert_eq!(string("a\u{7}b"), "\"a\\u0007b\"");
        assert_eq!(string("模型"), "\"模型\"");
    }

    #[test]
    fn floats_read_back_exactly() {
        assert_eq!(float(0.001), "0.001");
        assert_eq!(float(1e-7), "1e-7");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(0.999), "0.999");
    }

    #[test]
    fn docstrings_wrap_at_a_hundred_columns() {
        let text = "word ".repeat(40);
        let doc = docstring(&text, 4);
        assert!(doc.starts_with("    \"\"\"word word"), "{doc}");
        assert!(doc.ends_with("word\"\"\"\n"), "{doc}");
        assert!(doc.lines().all(|line| line.chars().count() <= 100), "{doc}");
        assert!(
            doc.lines().skip(1).all(|line| line.starts_with("    word")),
            "{doc}"
        );
        assert_eq!(doc.matches("word").count(), 40);
        assert_eq!(docstring("Short.", 0), "\"\"\"Short.\"\"\"\n");
    }

    #[test]
    fn a_bracketed_group_is_never_split() {
        let text = format!("{} images are [N, C, H, W] inside", "a ".repeat(46));
        let lines = paragraph(&text);
        assert!(lines.contains("[N, C, H, W]"), "{lines}");
        assert!(
            lines.lines().all(|line| line.chars().count() <= 100),
            "{lines}"
        );
    }

    #[test]
    fn tuples_of_one_keep_their_comma() {
        assert_eq!(tuple(&[784]), "(784,)");
        assert_eq!(tuple(&[28, 28, 1]), "(28, 28, 1)");
    }
}
