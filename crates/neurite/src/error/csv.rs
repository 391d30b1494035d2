//! Why a file of points (CSV) is refused: a [`CsvReason`] and the line it was found on, worded
//! in English by its [`Display`](fmt::Display) and by the interface in its own language.

use std::fmt;

use super::Reason;

/// `, line N` for a line of the file; nothing for the whole file (line 0).
pub(super) fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(", line {line}")
    }
}

/// A column of a points file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvColumn {
    /// The first coordinate.
    X,
    /// The second coordinate.
    Y,
    /// The class or value.
    Label,
}

impl CsvColumn {
    /// The column's name in the file's header: `x`, `y`, `label`.
    pub fn name(self) -> &'static str {
        match self {
            CsvColumn::X => "x",
            CsvColumn::Y => "y",
            CsvColumn::Label => "label",
        }
    }
}

/// What is wrong with a points file.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvReason {
    /// The file is longer than allowed.
    TooLarge {
        /// Its length in bytes.
        bytes: usize,
        /// The most allowed.
        max: usize,
    },
    /// It has more points than a plane holds.
    TooManyPoints {
        /// The most allowed.
        max: usize,
    },
    /// A line without exactly three fields.
    FieldCount {
        /// How many it has.
        got: usize,
    },
    /// A field that is not a number.
    NotANumber {
        /// Which field.
        column: CsvColumn,
        /// Its text (at most 24 characters of it).
        text: String,
    },
    /// A number out of its range (a class that is not a whole number in range, say).
    Value {
        /// Which field.
        column: CsvColumn,
        /// Why it is refused.
        reason: Reason,
    },
    /// No points at all.
    NoPoints,
}

impl fmt::Display for CsvReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvReason::TooLarge { bytes, max } => {
                write!(f, "the file has {bytes} bytes, more than the {max} allowed")
            }
            CsvReason::TooManyPoints { max } => {
                write!(f, "more than {max} points")
            }
            CsvReason::FieldCount { got } => {
                write!(f, "{got} fields, expected 3 (x, y, label)")
            }
            CsvReason::NotANumber { column, text } => {
                write!(f, "{}: \"{text}\" is not a number", column.name())
            }
            CsvReason::Value { column, reason } => write!(f, "{}: {reason}", column.name()),
            CsvReason::NoPoints => f.write_str("no points"),
        }
    }
}
