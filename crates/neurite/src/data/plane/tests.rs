//! The plane's data: each generator's geometry, counts and seeding; the checks of a spec and of
//! a learner's points; the split; CSV both ways.

use super::csv::{MAX_CSV_BYTES, read_csv, write_csv};
use super::*;
use crate::{CsvColumn, CsvReason};

fn spec(shape: PlaneShape, classes: usize, points: usize, noise: f64, seed: u64) -> PlaneSpec {
    PlaneSpec {
        shape,
        classes,
        points,
        noise,
        seed,
    }
}

fn classes_of(points: &PlanePoints) -> &[u8] {
    match points.labels() {
        PlaneLabels::Classes { labels, .. } => labels,
        PlaneLabels::Values(_) => panic!("a classification was expected"),
    }
}

fn values_of(points: &PlanePoints) -> &[f32] {
    match points.labels() {
        PlaneLabels::Values(values) => values,
        PlaneLabels::Classes { .. } => panic!("a regression was expected"),
    }
}

/// Each class's points: their count and mean.
fn class_means(points: &PlanePoints, classes: usize) -> Vec<(usize, [f64; 2])> {
    let mut sums = vec![(0usize, [0.0f64; 2]); classes];
    for (&[x, y], &c) in points.xy().iter().zip(classes_of(points)) {
        let (n, [sx, sy]) = &mut sums[usize::from(c)];
        *n += 1;
        *sx += f64::from(x);
        *sy += f64::from(y);
    }
    sums.into_iter()
        .map(|(n, [sx, sy])| (n, [sx / n as f64, sy / n as f64]))
        .collect()
}

#[test]
fn every_shape_makes_as_many_points_as_asked_with_labels_of_its_kind() {
    for shape in PlaneShape::ALL {
        let points = spec(shape, 2, 301, 0.2, 5).generate().unwrap();
        assert_eq!(points.len(), 301, "{shape:?}");
        match points.labels() {
            PlaneLabels::Classes { labels, classes } => {
                assert!(!shape.is_regression());
                assert_eq!(*classes, 2);
                assert!(labels.iter().all(|&c| c < 2));
            }
            PlaneLabels::Values(values) => {
                assert!(shape.is_regression());
                assert!(values.iter().all(|v| v.is_finite()));
            }
        }
        assert!(
            points
                .xy()
                .iter()
                .all(|p| p.iter().all(|v| v.is_finite() && v.abs() <= 12.0)),
            "{shape:?}"
        );
    }
}

#[test]
fn the_same_spec_makes_the_same_points_and_another_seed_others() {
    for shape in PlaneShape::ALL {
        let a = spec(shape, 2, 200, 0.1, 7).generate().unwrap();
        assert_eq!(
            a,
            spec(shape, 2, 200, 0.1, 7).generate().unwrap(),
            "{shape:?}"
        );
        let b = spec(shape, 2, 200, 0.1, 8).generate().unwrap();
        assert_ne!(a.xy(), b.xy(), "{shape:?}");
    }
}

#[test]
fn the_circle_puts_class_1_inside_radius_2_5_and_class_0_in_the_ring_from_3_5_to_5() {
    let points = spec(PlaneShape::Circle, 2, 500, 0.0, 1).generate().unwrap();
    let mut counts = [0; 2];
    for (&[x, y], &c) in points.xy().iter().zip(classes_of(&points)) {
        let r = x.hypot(y);
        counts[usize::from(c)] += 1;
        if c == 1 {
            assert!(r < 2.5 + 1e-5, "{r}");
        } else {
            assert!((3.5 - 1e-5..=5.0 + 1e-5).contains(&r), "{r}");
        }
    }
    assert_eq!(counts, [250, 250]);
}

#[test]
fn noise_moves_a_point_before_its_label_is_decided() {
    // With the Playground's most noise, some points of the circle and XOR carry the label of
    // the other side: the labels are noisy, the points themselves are not moved.
    let circle = spec(PlaneShape::Circle, 2, 500, 0.5, 1).generate().unwrap();
    let mislabelled = circle
        .xy()
        .iter()
        .zip(classes_of(&circle))
        .filter(|(p, c)| (p[0].hypot(p[1]) < 2.5) != (**c == 1))
        .count();
    assert!((10..250).contains(&mislabelled), "{mislabelled}");
    let xor = spec(PlaneShape::Xor, 2, 500, 0.0, 1).generate().unwrap();
    for (&[x, y], &c) in xor.xy().iter().zip(classes_of(&xor)) {
        assert_eq!(c == 1, x * y >= 0.0);
        assert!(x.abs() >= 0.3 && y.abs() >= 0.3 && x.abs() <= 5.3 && y.abs() <= 5.3);
    }
}

#[test]
fn gaussian_blobs_sit_at_the_playgrounds_centres_and_spread_evenly_for_more_classes() {
    let two = spec(PlaneShape::Gauss, 2, 2000, 0.0, 3).generate().unwrap();
    let means = class_means(&two, 2);
    // Variance 0.5 at no noise: a mean of 1000 points is within ±0.07 (3 standard errors).
    for (class, centre) in [(0, [-2.0, -2.0]), (1, [2.0, 2.0])] {
        let (n, mean) = means[class];
        assert_eq!(n, 1000);
        assert!(
            (mean[0] - centre[0]).abs() < 0.07 && (mean[1] - centre[1]).abs() < 0.07,
            "class {class}: {mean:?}"
        );
    }
    let five = spec(PlaneShape::Gauss, 5, 2000, 0.0, 3).generate().unwrap();
    for (class, (n, [x, y])) in class_means(&five, 5).into_iter().enumerate() {
        assert_eq!(n, 400);
        assert!((x.hypot(y) - 8f64.sqrt()).abs() < 0.1, "class {class}");
        let angle = 1.25 * std::f64::consts::PI + 2.0 * std::f64::consts::PI * class as f64 / 5.0;
        assert!(
            (x - 8f64.sqrt() * angle.cos()).abs() < 0.1
                && (y - 8f64.sqrt() * angle.sin()).abs() < 0.1,
            "class {class}: ({x}, {y})"
        );
    }
}

#[test]
fn more_noise_spreads_the_blobs_from_variance_0_5_to_4() {
    let spread = |noise: f64| {
        let points = spec(PlaneShape::Gauss, 2, 4000, noise, 2)
            .generate()
            .unwrap();
        let [(_, m0), _] = class_means(&points, 2)[..] else {
            unreachable!()
        };
        let xs: Vec<f64> = points
            .xy()
            .iter()
            .zip(classes_of(&points))
            .filter(|(_, c)| **c == 0)
            .map(|(p, _)| f64::from(p[0]) - m0[0])
            .collect();
        xs.iter().map(|d| d * d).sum::<f64>() / xs.len() as f64
    };
    assert!((spread(0.0) - 0.5).abs() < 0.06);
    assert!((spread(0.5) - 4.0).abs() < 0.4);
}

#[test]
fn spiral_arms_wind_out_to_radius_5_and_each_class_is_the_previous_turned() {
    let n = 300;
    let points = spec(PlaneShape::Spiral, 3, n * 3, 0.0, 4)
        .generate()
        .unwrap();
    let classes = classes_of(&points);
    for (p, &c) in points.xy().iter().zip(classes) {
        let r = f64::from(p[0].hypot(p[1]));
        assert!(r < 5.0, "{r}");
        // Without noise a point at radius r = 5 i/n sits at angle 1.75 · 2π · r/5 + turn
        // (measured from the x₂ axis, as the Playground's x = r sin t, y = r cos t).
        if r > 0.5 {
            let turn = std::f64::consts::PI * (1.0 + 2.0 * f64::from(c) / 3.0);
            let t = 1.75 * 2.0 * std::f64::consts::PI * r / 5.0 + turn;
            assert!(
                (f64::from(p[0]) - r * t.sin()).abs() < 1e-4
                    && (f64::from(p[1]) - r * t.cos()).abs() < 1e-4,
                "class {c} at {p:?}"
            );
        }
    }
    assert_eq!(
        class_means(&points, 3)
            .iter()
            .map(|m| m.0)
            .collect::<Vec<_>>(),
        [n, n, n]
    );
}

#[test]
fn the_regressions_value_each_point_by_the_playgrounds_functions() {
    let plane = spec(PlaneShape::RegPlane, 2, 300, 0.0, 6)
        .generate()
        .unwrap();
    for (p, v) in plane.xy().iter().zip(values_of(&plane)) {
        assert!((v - (p[0] + p[1]) / 10.0).abs() < 1e-6);
    }
    let bumps = spec(PlaneShape::RegGauss, 2, 300, 0.0, 6)
        .generate()
        .unwrap();
    let values = values_of(&bumps);
    assert!(values.iter().all(|v| (-1.0..=1.0).contains(v)));
    assert!(values.iter().any(|v| *v > 0.5) && values.iter().any(|v| *v < -0.5));
}

#[test]
fn a_spec_out_of_range_is_refused_naming_its_field() {
    let field = |s: PlaneSpec| match s.generate().unwrap_err() {
        Error::InvalidConfig { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(spec(PlaneShape::Circle, 3, 500, 0.0, 0)), "classes");
    assert_eq!(field(spec(PlaneShape::Spiral, 7, 500, 0.0, 0)), "classes");
    assert_eq!(field(spec(PlaneShape::Spiral, 1, 500, 0.0, 0)), "classes");
    assert_eq!(field(spec(PlaneShape::Gauss, 5, 4, 0.0, 0)), "points");
    assert_eq!(field(spec(PlaneShape::Xor, 2, 1_000_000, 0.0, 0)), "points");
    assert_eq!(field(spec(PlaneShape::RegPlane, 2, 0, 0.0, 0)), "points");
    for noise in [f64::NAN, -0.1, 0.6, f64::INFINITY] {
        assert_eq!(field(spec(PlaneShape::Xor, 2, 100, noise, 0)), "noise");
    }
    assert_eq!(field(spec(PlaneShape::Xor, 2, 100, 0.0, 1 << 53)), "seed");
    // A regression ignores the classes.
    assert!(
        spec(PlaneShape::RegGauss, 0, 100, 0.0, 0)
            .generate()
            .is_ok()
    );
}

#[test]
fn a_split_takes_the_first_share_of_the_shuffled_points_for_training() {
    let points = spec(PlaneShape::Spiral, 2, 500, 0.0, 9).generate().unwrap();
    let (train, test) = points.split(70).unwrap();
    assert_eq!((train.len(), test.len()), (350, 150));
    assert_eq!(train.xy(), &points.xy()[..350]);
    // Shuffled: both parts hold both classes in about equal numbers.
    let ones = classes_of(&train).iter().filter(|&&c| c == 1).count();
    assert!((140..=210).contains(&ones), "{ones}");
    assert_eq!(points.split(10).unwrap().0.len(), 50);
    for percent in [0, 9, 91, 100] {
        assert!(points.split(percent).is_err(), "{percent}");
    }
}

#[test]
fn a_learners_points_are_checked_value_by_value() {
    let field = |xy: Vec<[f32; 2]>, labels: PlaneLabels| match PlanePoints::new(xy, labels) {
        Err(Error::InvalidConfig { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let classes = |labels: Vec<u8>, classes| PlaneLabels::Classes { labels, classes };
    assert_eq!(
        field(vec![[0.0, 1.0], [f32::NAN, 0.0]], classes(vec![0, 1], 2)),
        "points[1].x"
    );
    assert_eq!(
        field(vec![[0.0, 101.0]], classes(vec![0], 2)),
        "points[0].y"
    );
    assert_eq!(
        field(vec![[0.0, 0.0]], classes(vec![2], 2)),
        "points[0].label"
    );
    assert_eq!(field(vec![[0.0, 0.0]], classes(vec![0], 7)), "classes");
    assert_eq!(field(vec![[0.0, 0.0]], classes(vec![0, 1], 2)), "labels");
    assert_eq!(
        field(vec![[0.0, 0.0]], PlaneLabels::Values(vec![f32::INFINITY])),
        "points[0].label"
    );
    assert_eq!(
        field(
            vec![[0.0, 0.0]; MAX_PLANE_POINTS + 1],
            PlaneLabels::Values(vec![0.0; MAX_PLANE_POINTS + 1])
        ),
        "points"
    );
    assert!(PlanePoints::new(Vec::new(), classes(Vec::new(), 2)).is_ok());
}

#[test]
fn points_written_as_csv_read_back_the_same() {
    for shape in [PlaneShape::Spiral, PlaneShape::RegGauss] {
        let points = spec(shape, 2, 200, 0.3, 11).generate().unwrap();
        let text = write_csv(&points);
        assert!(text.starts_with("x,y,label\n"));
        assert_eq!(read_csv(&text, shape.is_regression()).unwrap(), points);
    }
}

#[test]
fn csv_without_a_header_with_blank_and_comment_lines_and_spaces_is_read() {
    let points = read_csv("# mine\n\n 1.5, -2 ,1\r\n0,0,0\n\n3,3,2\n", false).unwrap();
    assert_eq!(points.xy(), [[1.5, -2.0], [0.0, 0.0], [3.0, 3.0]]);
    assert_eq!(
        points.labels(),
        &PlaneLabels::Classes {
            labels: vec![1, 0, 2],
            classes: 3
        }
    );
    // Only class 0: still a two-class plane.
    let single = read_csv("0,0,0", false).unwrap();
    assert_eq!(
        single.labels(),
        &PlaneLabels::Classes {
            labels: vec![0],
            classes: 2
        }
    );
}

#[test]
fn bad_csv_is_refused_with_the_line_and_what_is_wrong_there() {
    let refusal = |text: &str, regression| match read_csv(text, regression) {
        Err(Error::Csv { line, reason }) => (line, reason),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        refusal("x,y,label\n1,2,0\n1,2\n", false),
        (3, CsvReason::FieldCount { got: 2 })
    );
    assert_eq!(
        refusal("1,2,0\n1,two,0\n", false),
        (
            2,
            CsvReason::NotANumber {
                column: CsvColumn::Y,
                text: "two".into()
            }
        )
    );
    let (line, reason) = refusal("1,2,1.5\n", false);
    assert_eq!(line, 1);
    assert!(
        matches!(
            reason,
            CsvReason::Value {
                column: CsvColumn::Label,
                ..
            }
        ),
        "{reason:?}"
    );
    assert!(matches!(
        refusal("1,2,6\n", false).1,
        CsvReason::Value { .. }
    ));
    assert!(matches!(
        refusal("1,2,-1\n", false).1,
        CsvReason::Value { .. }
    ));
    assert!(matches!(
        refusal("1e9,2,0\n", false).1,
        CsvReason::Value {
            column: CsvColumn::X,
            ..
        }
    ));
    assert!(matches!(
        refusal("1,2,NaN\n", true).1,
        CsvReason::Value {
            column: CsvColumn::Label,
            ..
        }
    ));
    assert_eq!(refusal("", false), (0, CsvReason::NoPoints));
    assert_eq!(
        refusal("x,y,label\n# nothing\n", false),
        (0, CsvReason::NoPoints)
    );
    let many = "0,0,0\n".repeat(MAX_PLANE_POINTS + 1);
    assert_eq!(
        refusal(&many, false),
        (
            MAX_PLANE_POINTS + 1,
            CsvReason::TooManyPoints {
                max: MAX_PLANE_POINTS
            }
        )
    );
    let long = " ".repeat(MAX_CSV_BYTES + 1);
    assert!(matches!(
        refusal(&long, false),
        (0, CsvReason::TooLarge { .. })
    ));
    // A long field is quoted shortened.
    let (_, reason) = refusal(&format!("{},0,0", "z".repeat(1000)), false);
    assert_eq!(
        reason,
        CsvReason::NotANumber {
            column: CsvColumn::X,
            text: "z".repeat(24)
        }
    );
}

#[test]
fn csv_errors_read_as_english_sentences_with_their_line() {
    let error = read_csv("1,2,0\n1,2\n", false).unwrap_err();
    assert_eq!(
        error.to_string(),
        "points file, line 2: 2 fields, expected 3 (x, y, label)"
    );
    assert_eq!(
        read_csv("", false).unwrap_err().to_string(),
        "points file: no points"
    );
}

proptest::proptest! {
    #[test]
    fn any_text_is_read_as_points_or_refused_never_a_panic(text in "(\\PC|\n|,){0,200}", regression: bool) {
        match read_csv(&text, regression) {
            Ok(points) => proptest::prop_assert!(!points.is_empty()),
            Err(Error::Csv { .. } | Error::InvalidConfig { .. }) => {}
            Err(other) => proptest::prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn numeric_lines_read_back_what_they_hold(
        rows in proptest::collection::vec((-100.0f32..=100.0, -100.0f32..=100.0, 0u8..6), 1..50)
    ) {
        let text: String = rows.iter().map(|(x, y, c)| format!("{x},{y},{c}\n")).collect();
        let points = read_csv(&text, false).unwrap();
        let xy: Vec<[f32; 2]> = rows.iter().map(|(x, y, _)| [*x, *y]).collect();
        proptest::prop_assert_eq!(points.xy(), &xy[..]);
    }
}

#[test]
fn a_split_joined_again_is_the_points_and_a_shuffle_keeps_each_point_with_its_label() {
    let points = spec(PlaneShape::Gauss, 3, 90, 0.1, 4).generate().unwrap();
    let (train, test) = points.split(50).unwrap();
    assert_eq!(train.joined(&test).unwrap(), points);
    let values = spec(PlaneShape::RegPlane, 2, 30, 0.0, 4)
        .generate()
        .unwrap();
    assert_eq!(train.joined(&values), None);

    let shuffled = points.shuffled(9);
    assert_eq!(shuffled.len(), points.len());
    assert_ne!(shuffled, points);
    assert_eq!(shuffled, points.shuffled(9));
    let pair = |p: &PlanePoints, i: usize| (p.xy()[i], classes_of(p)[i]);
    let mut before: Vec<_> = (0..points.len()).map(|i| pair(&points, i)).collect();
    let mut after: Vec<_> = (0..shuffled.len()).map(|i| pair(&shuffled, i)).collect();
    let key = |(xy, c): &([f32; 2], u8)| (xy[0].to_bits(), xy[1].to_bits(), *c);
    before.sort_by_key(key);
    after.sort_by_key(key);
    assert_eq!(before, after);
}
