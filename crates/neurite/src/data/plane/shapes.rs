//! The point generators. Each follows TensorFlow Playground's `src/dataset.ts`
//! (github.com/tensorflow/playground, Apache-2.0) in its geometry and its use of the noise, so
//! that a Playground link gives the same kind of data; the random numbers are the engine's own
//! (ChaCha8, seeded), not the Playground's `seedrandom`, so the points themselves differ.
//!
//! Classes: the Playground's label `+1` is class 1 and `-1` class 0. With more than two
//! classes, Gaussian blobs and spiral arms are spread evenly around the origin, the Playground's
//! two being the case `classes = 2`.

use std::f64::consts::PI;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A point and its label: a class index (as `f64`) or a regression value.
pub(super) type Labelled = ([f64; 2], f64);

/// A uniform sample of `[a, b)` (the Playground's `randUniform`).
fn uniform(rng: &mut ChaCha8Rng, a: f64, b: f64) -> f64 {
    a + (b - a) * rng.random::<f64>()
}

/// A normal sample of mean `mean` and variance `variance`, by Marsaglia's polar method (the
/// Playground's `normalRandom`).
fn normal(rng: &mut ChaCha8Rng, mean: f64, variance: f64) -> f64 {
    loop {
        let v1 = 2.0 * rng.random::<f64>() - 1.0;
        let v2 = 2.0 * rng.random::<f64>() - 1.0;
        let s = v1 * v1 + v2 * v2;
        // s = 0 would divide by zero; the Playground's loop would take it (a probability of
        // 2⁻¹⁰⁶ per draw), this one draws again.
        if s < 1.0 && s > 0.0 {
            return mean + variance.sqrt() * (-2.0 * s.ln() / s).sqrt() * v1;
        }
    }
}

/// How many of `points` belong to class `class` of `classes`: as even as can be, the first
/// classes taking one more.
pub(super) fn class_count(points: usize, classes: usize, class: usize) -> usize {
    points / classes + usize::from(class < points % classes)
}

/// Noise added to a point before its label is decided (circle, XOR and the regressions): a
/// uniform offset on each axis, `±half_width × noise`.
fn offset(rng: &mut ChaCha8Rng, half_width: f64, noise: f64) -> [f64; 2] {
    [
        uniform(rng, -half_width, half_width) * noise,
        uniform(rng, -half_width, half_width) * noise,
    ]
}

/// Class 1 in a disc of radius 2.5, class 0 in a ring from 3.5 to 5; the label is decided after
/// the noise moves the point, so noise mislabels points near the boundary (`classifyCircleData`).
pub(super) fn circle(rng: &mut ChaCha8Rng, points: usize, noise: f64) -> Vec<Labelled> {
    const RADIUS: f64 = 5.0;
    let label = |[x, y]: [f64; 2]| f64::from(u8::from(x.hypot(y) < RADIUS * 0.5));
    let mut out = Vec::with_capacity(points);
    for (class, (r_min, r_max)) in [(0, (RADIUS * 0.7, RADIUS)), (1, (0.0, RADIUS * 0.5))] {
        for _ in 0..class_count(points, 2, class) {
            let r = uniform(rng, r_min, r_max);
            let angle = uniform(rng, 0.0, 2.0 * PI);
            let (x, y) = (r * angle.sin(), r * angle.cos());
            let [nx, ny] = offset(rng, RADIUS, noise);
            out.push(([x, y], label([x + nx, y + ny])));
        }
    }
    out
}

/// Points in `[-5, 5]²` kept 0.3 off the axes; class 1 where `x·y ≥ 0` after the noise
/// (`classifyXORData`).
pub(super) fn xor(rng: &mut ChaCha8Rng, points: usize, noise: f64) -> Vec<Labelled> {
    const PADDING: f64 = 0.3;
    let padded = |v: f64| v + if v > 0.0 { PADDING } else { -PADDING };
    (0..points)
        .map(|_| {
            let x = padded(uniform(rng, -5.0, 5.0));
            let y = padded(uniform(rng, -5.0, 5.0));
            let [nx, ny] = offset(rng, 5.0, noise);
            ([x, y], f64::from(u8::from((x + nx) * (y + ny) >= 0.0)))
        })
        .collect()
}

/// A Gaussian blob per class, centred `2√2` from the origin (the Playground's two at (2, 2)
/// for class 1 and (−2, −2) for class 0), its variance growing with the noise from 0.5 to 4
/// (`classifyTwoGaussData`).
pub(super) fn gauss(
    rng: &mut ChaCha8Rng,
    points: usize,
    noise: f64,
    classes: usize,
) -> Vec<Labelled> {
    let variance = 0.5 + noise / 0.5 * 3.5;
    let mut out = Vec::with_capacity(points);
    for class in 0..classes {
        let angle = 1.25 * PI + 2.0 * PI * class as f64 / classes as f64;
        let (cx, cy) = (8f64.sqrt() * angle.cos(), 8f64.sqrt() * angle.sin());
        for _ in 0..class_count(points, classes, class) {
            let x = normal(rng, cx, variance);
            let y = normal(rng, cy, variance);
            out.push(([x, y], class as f64));
        }
    }
    out
}

/// An arm per class winding out to radius 5 over 1.75 turns, each point moved by a uniform
/// `±noise` on each axis; arm `c` is turned by `π (1 + 2c / classes)`, which for two classes is
/// the Playground's: class 1 unturned, class 0 turned by π (`classifySpiralData`).
pub(super) fn spiral(
    rng: &mut ChaCha8Rng,
    points: usize,
    noise: f64,
    classes: usize,
) -> Vec<Labelled> {
    let mut out = Vec::with_capacity(points);
    for class in 0..classes {
        let turn = PI * (1.0 + 2.0 * class as f64 / classes as f64);
        let n = class_count(points, classes, class);
        for i in 0..n {
            let along = i as f64 / n as f64;
            let r = along * 5.0;
            let t = 1.75 * along * 2.0 * PI + turn;
            let x = r * t.sin() + uniform(rng, -1.0, 1.0) * noise;
            let y = r * t.cos() + uniform(rng, -1.0, 1.0) * noise;
            out.push(([x, y], class as f64));
        }
    }
    out
}

/// Points in `[-6, 6]²` valued by `value` at where the noise moves them (both regressions).
fn regression(
    rng: &mut ChaCha8Rng,
    points: usize,
    noise: f64,
    value: impl Fn(f64, f64) -> f64,
) -> Vec<Labelled> {
    (0..points)
        .map(|_| {
            let x = uniform(rng, -6.0, 6.0);
            let y = uniform(rng, -6.0, 6.0);
            let [nx, ny] = offset(rng, 6.0, noise);
            ([x, y], value(x + nx, y + ny))
        })
        .collect()
}

/// Points valued `(x + y) / 10`, from −1.2 to 1.2 (`regressPlane`: a linear scale from
/// [−10, 10] to [−1, 1], unclamped).
pub(super) fn reg_plane(rng: &mut ChaCha8Rng, points: usize, noise: f64) -> Vec<Labelled> {
    regression(rng, points, noise, |x, y| (x + y) / 10.0)
}

/// The six Gaussian bumps of `regressGaussian`: centre and sign.
const BUMPS: [(f64, f64, f64); 6] = [
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
];

/// The value of `regressGaussian` at `(x, y)`: of the six bumps (each `sign × (1 − d / 2)`,
/// clamped to `[0, 1]` before the sign, `d` the distance to its centre), the largest in
/// absolute value.
fn bumps_at(x: f64, y: f64) -> f64 {
    let mut value: f64 = 0.0;
    for (cx, cy, sign) in BUMPS {
        let bump = sign * (1.0 - (x - cx).hypot(y - cy) / 2.0).clamp(0.0, 1.0);
        if bump.abs() > value.abs() {
            value = bump;
        }
    }
    value
}

/// Points valued by six signed bumps (`regressGaussian`).
pub(super) fn reg_gauss(rng: &mut ChaCha8Rng, points: usize, noise: f64) -> Vec<Labelled> {
    regression(rng, points, noise, bumps_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn class_counts_add_up_and_differ_by_at_most_one() {
        for (points, classes) in [(500, 2), (7, 3), (10, 5), (1, 2)] {
            let counts: Vec<usize> = (0..classes)
                .map(|c| class_count(points, classes, c))
                .collect();
            assert_eq!(counts.iter().sum::<usize>(), points);
            assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);
        }
    }

    #[test]
    fn the_polar_method_has_the_asked_mean_and_variance() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let samples: Vec<f64> = (0..20_000).map(|_| normal(&mut rng, 2.0, 4.0)).collect();
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        let variance =
            samples.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / samples.len() as f64;
        // Standard errors: 2 / √20000 ≈ 0.014 for the mean, ≈ 0.04 for the variance.
        assert!((mean - 2.0).abs() < 0.06, "mean {mean}");
        assert!((variance - 4.0).abs() < 0.2, "variance {variance}");
    }

    #[test]
    fn the_bumps_peak_at_their_centres_with_their_signs_and_vanish_between() {
        for (cx, cy, sign) in BUMPS {
            assert_eq!(bumps_at(cx, cy), sign);
        }
        // 2 from every centre or more: no bump reaches it.
        assert_eq!(bumps_at(-2.0, 0.0), 0.0);
        // Halfway out from (0, 2.5): 1 − 1/2.
        assert_eq!(bumps_at(0.0, 1.5), -0.5);
    }
}
