//! A plane's points as CSV text, one point a line: `x,y,label` (a class `0`, `1` … or a value
//! to regress), with that header line first when written. Reading accepts the header or none,
//! blank lines and lines starting with `#`; every other line must hold three numbers, and the
//! first line that does not is refused with its number ([`crate::Error::Csv`]).

use super::{
    MAX_COORDINATE, MAX_PLANE_CLASSES, MAX_PLANE_POINTS, MAX_VALUE, PlaneLabels, PlanePoints,
};
use crate::{Bound, CsvColumn, CsvReason, Error, Quantity, Reason, Result};

/// The longest points file read, in bytes (a full plane of points takes under half of it).
pub const MAX_CSV_BYTES: usize = 1 << 20;

/// The points as CSV: the header `x,y,label`, then a line per point (numbers written in their
/// shortest form that reads back the same).
pub fn write_csv(points: &PlanePoints) -> String {
    let mut text = String::from("x,y,label\n");
    for (i, [x, y]) in points.xy().iter().enumerate() {
        let label = match points.labels() {
            PlaneLabels::Classes { labels, .. } => labels[i].to_string(),
            PlaneLabels::Values(values) => values[i].to_string(),
        };
        text.push_str(&format!("{x},{y},{label}\n"));
    }
    text
}

/// Points read from CSV `text`: classes (whole numbers from 0, the count of classes being the
/// largest plus one, at least 2) or, with `regression`, values.
///
/// # Errors
/// [`Error::Csv`] with the line of the first problem (line 0 for the whole file: too long, no
/// points).
pub fn read_csv(text: &str, regression: bool) -> Result<PlanePoints> {
    let refused = |line: usize, reason: CsvReason| Error::Csv { line, reason };
    if text.len() > MAX_CSV_BYTES {
        return Err(refused(
            0,
            CsvReason::TooLarge {
                bytes: text.len(),
                max: MAX_CSV_BYTES,
            },
        ));
    }
    let (mut xy, mut classes, mut values) = (Vec::new(), Vec::new(), Vec::new());
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || (xy.is_empty() && is_header(line)) {
            continue;
        }
        if xy.len() == MAX_PLANE_POINTS {
            return Err(refused(
                number,
                CsvReason::TooManyPoints {
                    max: MAX_PLANE_POINTS,
                },
            ));
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [x, y, label] = fields[..] else {
            return Err(refused(number, CsvReason::FieldCount { got: fields.len() }));
        };
        let coordinate = |column, text| within(column, text, MAX_COORDINATE);
        let point = [
            coordinate(CsvColumn::X, x).map_err(|r| refused(number, r))?,
            coordinate(CsvColumn::Y, y).map_err(|r| refused(number, r))?,
        ];
        if regression {
            values
                .push(within(CsvColumn::Label, label, MAX_VALUE).map_err(|r| refused(number, r))?);
        } else {
            classes.push(class(label).map_err(|r| refused(number, r))?);
        }
        xy.push(point);
    }
    if xy.is_empty() {
        return Err(refused(0, CsvReason::NoPoints));
    }
    let labels = if regression {
        PlaneLabels::Values(values)
    } else {
        let classes_seen = classes
            .iter()
            .map(|&c| usize::from(c) + 1)
            .max()
            .unwrap_or(0);
        PlaneLabels::Classes {
            labels: classes,
            classes: classes_seen.max(2),
        }
    };
    PlanePoints::new(xy, labels)
}

/// Whether `line` is a header: `x,y,label` in any case (or any line of three fields none of
/// which is a number).
fn is_header(line: &str) -> bool {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    fields.len() == 3 && fields.iter().all(|f| f.parse::<f64>().is_err())
}

/// The field's text, shortened for a message.
fn shown(text: &str) -> String {
    text.chars().take(24).collect()
}

/// A finite number within `±max`.
fn within(column: CsvColumn, text: &str, max: f32) -> std::result::Result<f32, CsvReason> {
    let value: f32 = text.parse().map_err(|_| CsvReason::NotANumber {
        column,
        text: shown(text),
    })?;
    if value.is_finite() && value.abs() <= max {
        Ok(value)
    } else {
        Err(CsvReason::Value {
            column,
            reason: Reason::range(
                Quantity::Number,
                shown(text),
                Some(Bound::inclusive(-max)),
                Some(Bound::inclusive(max)),
            ),
        })
    }
}

/// A class: a whole number from 0 below [`MAX_PLANE_CLASSES`] (`1.0` is class 1).
fn class(text: &str) -> std::result::Result<u8, CsvReason> {
    let value: f64 = text.parse().map_err(|_| CsvReason::NotANumber {
        column: CsvColumn::Label,
        text: shown(text),
    })?;
    let last = (MAX_PLANE_CLASSES - 1) as f64;
    if value.fract() == 0.0 && (0.0..=last).contains(&value) {
        Ok(value as u8)
    } else {
        Err(CsvReason::Value {
            column: CsvColumn::Label,
            reason: Reason::range(
                Quantity::Whole,
                shown(text),
                Some(Bound::inclusive(0.0)),
                Some(Bound::inclusive(last)),
            ),
        })
    }
}
