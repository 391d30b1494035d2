//! A stored run's curves as files to download: [`json`], the run's record as the store keeps
//! it (name, configuration, steps, curves; the model is the separate `.safetensors` download),
//! and [`csv`], one row per point of its curves for a spreadsheet or pandas.

use crate::state::{CurvePoint, SavedRun};

/// The record as pretty-printed JSON (a value that was not finite is the string `"NaN"`,
/// `"inf"` or `"-inf"`, as the store keeps it).
pub fn json(run: &SavedRun) -> String {
    serde_json::to_string_pretty(run).expect("a stored run always serialises")
}

/// The header of [`csv`].
pub const CSV_HEADER: &str = "curve,epoch,loss,accuracy";

/// `curve,epoch,loss,accuracy` rows: the smoothed training curve (`train`, at fractional
/// epochs), then the test set after each epoch (`test`). A value that is not finite is an empty
/// field.
pub fn csv(run: &SavedRun) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    let field = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            String::new()
        }
    };
    let mut rows = |curve: &str, points: &[CurvePoint]| {
        for p in points {
            out.push_str(&format!(
                "{curve},{},{},{}\n",
                field(p.position),
                field(p.loss),
                field(p.accuracy)
            ));
        }
    };
    rows("train", &run.curves.train);
    rows("test", &run.curves.test);
    out
}

/// A file name from the run's name: characters that file systems refuse become `_`.
pub fn file_name(run: &SavedRun, extension: &str) -> String {
    let stem: String = run
        .name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let stem = stem.trim();
    let stem = if stem.is_empty() { "run" } else { stem };
    format!("{stem}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Curves;
    use neurite::Config;

    fn run() -> SavedRun {
        let point = |position, loss, accuracy| CurvePoint {
            position,
            loss,
            accuracy,
        };
        SavedRun {
            id: "run-1".into(),
            name: "784-128-10 adam".into(),
            saved_at_ms: 1.0,
            config: Config::default(),
            steps: 3750,
            epochs_done: 2,
            curves: Curves {
                train: vec![point(0.5, 0.4, 0.88), point(1.5, f64::NAN, 0.9)],
                test: vec![point(1.0, 0.25, 0.93), point(2.0, 0.125, 0.96)],
                last_epoch: None,
            },
        }
    }

    #[test]
    fn csv_has_a_row_per_point_train_then_test() {
        assert_eq!(
            csv(&run()),
            "curve,epoch,loss,accuracy\n\
             train,0.5,0.4,0.88\n\
             train,1.5,,0.9\n\
             test,1,0.25,0.93\n\
             test,2,0.125,0.96\n"
        );
    }

    #[test]
    fn json_reads_back_as_the_same_record() {
        let run = run();
        let back: SavedRun = serde_json::from_str(&json(&run)).unwrap();
        // NaN is not equal to itself: compare the finite parts and the NaN's place.
        assert_eq!(back.config, run.config);
        assert_eq!(back.curves.test, run.curves.test);
        assert!(back.curves.train[1].loss.is_nan());
        assert_eq!(back.name, run.name);
        assert!(json(&run).contains("\"learning_rate\": 0.001"));
    }

    #[test]
    fn file_names_keep_the_name_without_separators() {
        let mut r = run();
        assert_eq!(file_name(&r, "csv"), "784-128-10 adam.csv");
        r.name = "a/b:c\n".into();
        assert_eq!(file_name(&r, "json"), "a_b_c_.json");
        r.name = "  ".into();
        assert_eq!(file_name(&r, "csv"), "run.csv");
    }
}
