//! The values a link holds — numbers, whole numbers, flags, names, sizes joined by `x` — read
//! with the reason each is refused for, and written as short as they read back exactly.

use neurite::spec::Pair;

use super::refusal::LinkReason;
use crate::widgets::value::shorten;

/// Most sizes in an input shape or a reshape's target.
pub const MAX_SIZES: usize = 3;

/// A real number, as `f64` parses it (`0.001`, `1e-3`, `NaN`: the engine refuses what is out
/// of range).
pub(super) fn number(text: &str) -> Result<f64, LinkReason> {
    text.parse()
        .map_err(|_| LinkReason::NotANumber { got: shorten(text) })
}

/// A whole number, in decimal digits.
pub(super) fn whole<T: std::str::FromStr>(text: &str) -> Result<T, LinkReason> {
    text.parse()
        .map_err(|_| LinkReason::NotAWholeNumber { got: shorten(text) })
}

/// `1` or `true`, `0` or `false`.
pub(super) fn flag(text: &str) -> Result<bool, LinkReason> {
    match text {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(LinkReason::NotAFlag { got: shorten(text) }),
    }
}

/// The one of `choices` that `text` is.
pub(super) fn choice(
    text: &str,
    choices: &'static [&'static str],
) -> Result<&'static str, LinkReason> {
    choices
        .iter()
        .copied()
        .find(|c| *c == text)
        .ok_or_else(|| LinkReason::UnknownName {
            got: shorten(text),
            choices,
        })
}

/// One to [`MAX_SIZES`] whole numbers joined by `x`: `28x28x1`.
pub(super) fn shape(text: &str) -> Result<Vec<usize>, LinkReason> {
    let refused = || LinkReason::NotSizes { got: shorten(text) };
    let mut sizes = Vec::new();
    for part in text.split('x') {
        if sizes.len() == MAX_SIZES {
            return Err(refused());
        }
        sizes.push(part.trim().parse().map_err(|_| refused())?);
    }
    Ok(sizes)
}

/// Sizes as [`shape`] reads them.
pub(super) fn shape_text(sizes: &[usize]) -> String {
    sizes
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("x")
}

/// A window's or a stride's two sizes: `3` for 3×3, or `3x5`.
pub(super) fn pair(text: &str) -> Option<Pair> {
    match *shape(text).ok()? {
        [n] => Some(Pair::square(n)),
        [rows, columns] => Some(Pair([rows, columns])),
        _ => None,
    }
}

/// A pair as [`pair`] reads it.
pub(super) fn pair_text(Pair([rows, columns]): Pair) -> String {
    if rows == columns {
        rows.to_string()
    } else {
        format!("{rows}x{columns}")
    }
}

/// `value` as it reads back exactly: plain from 0.0001 up to 10¹⁶ (and 0), as `0.001` or
/// `0.25`; in scientific notation beyond, as `1e-7`.
pub(super) fn number_text(value: f64) -> String {
    let size = value.abs();
    if size == 0.0 || (1e-4..1e16).contains(&size) {
        format!("{value}")
    } else {
        format!("{value:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_short_and_read_back_exactly() {
        assert_eq!(number_text(0.001), "0.001");
        assert_eq!(number_text(1e-7), "1e-7");
        assert_eq!(number_text(0.25), "0.25");
        assert_eq!(number_text(100_000.0), "100000");
        assert_eq!(number_text(1e-4), "0.0001");
        assert_eq!(number_text(2e-5), "2e-5");
        assert_eq!(number_text(1.5e-38), "1.5e-38");
        for v in [0.1 + 0.2, 1.0 / 3.0, 6e-5, 0.999, 9.999_999_999e15, 0.0] {
            assert_eq!(number(&number_text(v)).unwrap(), v);
        }
    }

    #[test]
    fn sizes_are_one_to_three_whole_numbers() {
        assert_eq!(shape("28x28x1").unwrap(), [28, 28, 1]);
        assert_eq!(shape("784").unwrap(), [784]);
        for bad in [
            "",
            "x",
            "28x",
            "1x2x3x4",
            "-1",
            "2.5",
            "28×28",
            "99999999999999999999999",
        ] {
            assert!(
                matches!(shape(bad), Err(LinkReason::NotSizes { .. })),
                "{bad:?}"
            );
        }
        assert_eq!(pair("3"), Some(Pair([3, 3])));
        assert_eq!(pair("3x5"), Some(Pair([3, 5])));
        assert_eq!(pair("3x5x7"), None);
        assert_eq!(pair_text(Pair([3, 5])), "3x5");
        assert_eq!(pair_text(Pair([2, 2])), "2");
    }

    #[test]
    fn flags_are_one_zero_true_false() {
        assert_eq!(flag("1"), Ok(true));
        assert_eq!(flag("false"), Ok(false));
        assert!(flag("yes").is_err());
    }
}
