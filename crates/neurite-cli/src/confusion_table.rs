//! A confusion matrix as text: one row per true class, one column per predicted class, as
//! `neurite eval --extra` prints it.

use neurite::ConfusionMatrix;

/// The label of the corner cell, over the row labels.
const CORNER: &str = "true\\pred";

/// The matrix as rows of counts, `rows[true][predicted]` (for JSON).
pub fn rows(confusion: &ConfusionMatrix) -> Vec<Vec<u32>> {
    (0..confusion.classes)
        .map(|truth| {
            (0..confusion.classes)
                .map(|predicted| confusion.get(truth, predicted))
                .collect()
        })
        .collect()
}

/// The matrix as a table, classes by number:
///
/// ```text
/// true\pred  0  1  2
///         0  3  0  1
///         1  0  2  0
///         2  0  0  4
/// ```
pub fn render(confusion: &ConfusionMatrix) -> String {
    let classes = confusion.classes;
    let widest_count = confusion
        .counts
        .iter()
        .max()
        .map_or(1, |n| n.to_string().len());
    let widest_class = classes.saturating_sub(1).to_string().len();
    let cell = widest_count.max(widest_class);
    let mut lines = Vec::with_capacity(classes + 1);
    let header: String = (0..classes).map(|c| format!("  {c:>cell$}")).collect();
    lines.push(format!("{CORNER}{header}"));
    for (truth, row) in rows(confusion).iter().enumerate() {
        let counts: String = row.iter().map(|n| format!("  {n:>cell$}")).collect();
        lines.push(format!("{truth:>width$}{counts}", width = CORNER.len()));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_true_classes_and_columns_predicted_ones() {
        let mut confusion = ConfusionMatrix::new(3);
        for (truth, predicted) in [(0, 0), (0, 0), (0, 0), (0, 2), (1, 1), (1, 1), (2, 2)] {
            confusion.record(truth, predicted);
        }
        assert_eq!(rows(&confusion), [[3, 0, 1], [0, 2, 0], [0, 0, 1]]);
        assert_eq!(
            render(&confusion),
            "true\\pred  0  1  2\n        0  3  0  1\n        1  0  2  0\n        2  0  0  1"
        );
        let mut many = ConfusionMatrix::new(2);
        for _ in 0..120 {
            many.record(1, 0);
        }
        assert_eq!(
            render(&many),
            "true\\pred    0    1\n        0    0    0\n        1  120    0"
        );
    }
}
