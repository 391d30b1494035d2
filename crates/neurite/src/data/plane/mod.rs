//! Points on a plane for the 2-D playground: TensorFlow Playground's data sets (circle, XOR,
//! two Gaussians, spiral; a plane and six Gaussian bumps to regress), with more than two
//! classes for the blobs and the spiral, seeded ([`PlaneSpec::generate`]); the features a
//! network takes of each point ([`Feature`]); a learner's own points ([`PlanePoints::new`],
//! [`csv`]). Every count and range is checked, so that a hostile link or file is refused before
//! anything is allocated for it.

pub mod csv;
mod features;
mod shapes;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use features::{Feature, feature_rows};

use crate::config::check_safe_integer;
use crate::{Bound, Dataset, Error, Quantity, Reason, Result};

/// The most points a plane holds (generated or read from a file).
pub const MAX_PLANE_POINTS: usize = 10_000;
/// The most classes of a classification plane.
pub const MAX_PLANE_CLASSES: usize = 6;
/// The most noise, as the Playground's 50 %.
pub const MAX_NOISE: f64 = 0.5;
/// The farthest a point may lie from the axes (the view shows ±6; the features square it).
pub const MAX_COORDINATE: f32 = 100.0;
/// The largest regression value in absolute terms.
pub const MAX_VALUE: f32 = 1_000.0;

/// Which points to make: the Playground's six data sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlaneShape {
    /// A disc inside a ring: two classes.
    Circle,
    /// The four quadrants, alike when opposite: two classes.
    Xor,
    /// A Gaussian blob per class.
    Gauss,
    /// An arm per class, wound around the origin.
    Spiral,
    /// A value rising linearly along `x₁ + x₂`: regression.
    RegPlane,
    /// Six signed Gaussian bumps: regression.
    RegGauss,
}

impl PlaneShape {
    /// Every shape, classification first.
    pub const ALL: [PlaneShape; 6] = [
        PlaneShape::Circle,
        PlaneShape::Xor,
        PlaneShape::Gauss,
        PlaneShape::Spiral,
        PlaneShape::RegPlane,
        PlaneShape::RegGauss,
    ];

    /// Whether its points carry values to regress rather than classes.
    pub fn is_regression(self) -> bool {
        matches!(self, PlaneShape::RegPlane | PlaneShape::RegGauss)
    }

    /// The classes it can be made with: exactly 2 for the circle and XOR, 2 to
    /// [`MAX_PLANE_CLASSES`] for blobs and spirals; `None` for a regression.
    pub fn class_range(self) -> Option<(usize, usize)> {
        match self {
            PlaneShape::Circle | PlaneShape::Xor => Some((2, 2)),
            PlaneShape::Gauss | PlaneShape::Spiral => Some((2, MAX_PLANE_CLASSES)),
            PlaneShape::RegPlane | PlaneShape::RegGauss => None,
        }
    }

    /// Its name in a Playground link (`dataset=circle`, `regDataset=reg-plane`).
    pub fn playground_key(self) -> &'static str {
        match self {
            PlaneShape::Circle => "circle",
            PlaneShape::Xor => "xor",
            PlaneShape::Gauss => "gauss",
            PlaneShape::Spiral => "spiral",
            PlaneShape::RegPlane => "reg-plane",
            PlaneShape::RegGauss => "reg-gauss",
        }
    }

    /// The shape a Playground link names, if any.
    pub fn from_playground_key(key: &str) -> Option<Self> {
        PlaneShape::ALL
            .into_iter()
            .find(|shape| shape.playground_key() == key)
    }
}

/// How to make a plane's points; [`PlaneSpec::generate`] makes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlaneSpec {
    /// Which data set.
    pub shape: PlaneShape,
    /// How many classes (classification only; see [`PlaneShape::class_range`]).
    pub classes: usize,
    /// How many points, training and test together.
    pub points: usize,
    /// How noisy, from 0 to [`MAX_NOISE`] (the Playground's 0–50 %).
    pub noise: f64,
    /// The random numbers' seed: the same spec makes the same points.
    pub seed: u64,
}

impl Default for PlaneSpec {
    /// The Playground's first page: a circle of 500 points without noise.
    fn default() -> Self {
        PlaneSpec {
            shape: PlaneShape::Circle,
            classes: 2,
            points: 500,
            noise: 0.0,
            seed: 0,
        }
    }
}

impl PlaneSpec {
    /// Checks every range; the first problem found is returned.
    pub fn check(&self) -> Result<()> {
        let least = if let Some((min, max)) = self.shape.class_range() {
            if !(min..=max).contains(&self.classes) {
                return Err(Error::invalid(
                    "classes",
                    Reason::whole(Quantity::Whole, self.classes, min, max),
                ));
            }
            // A point of every class at least.
            self.classes
        } else {
            1
        };
        if !(least..=MAX_PLANE_POINTS).contains(&self.points) {
            return Err(Error::invalid(
                "points",
                Reason::whole(Quantity::Samples, self.points, least, MAX_PLANE_POINTS),
            ));
        }
        if !(self.noise.is_finite() && (0.0..=MAX_NOISE).contains(&self.noise)) {
            return Err(Error::invalid(
                "noise",
                Reason::range(
                    Quantity::Number,
                    self.noise,
                    Some(Bound::inclusive(0.0)),
                    Some(Bound::inclusive(MAX_NOISE)),
                ),
            ));
        }
        check_safe_integer("seed", self.seed)
    }

    /// The points, in a random order (so that any split of them is a random one).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a value out of range ([`PlaneSpec::check`]).
    pub fn generate(&self) -> Result<PlanePoints> {
        self.check()?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let (points, noise, classes) = (self.points, self.noise, self.classes);
        let mut made = match self.shape {
            PlaneShape::Circle => shapes::circle(&mut rng, points, noise),
            PlaneShape::Xor => shapes::xor(&mut rng, points, noise),
            PlaneShape::Gauss => shapes::gauss(&mut rng, points, noise, classes),
            PlaneShape::Spiral => shapes::spiral(&mut rng, points, noise, classes),
            PlaneShape::RegPlane => shapes::reg_plane(&mut rng, points, noise),
            PlaneShape::RegGauss => shapes::reg_gauss(&mut rng, points, noise),
        };
        shuffle(&mut made, &mut rng);
        let xy = made
            .iter()
            .map(|&([x, y], _)| [x as f32, y as f32])
            .collect();
        let labels = if self.shape.is_regression() {
            PlaneLabels::Values(made.iter().map(|&(_, v)| v as f32).collect())
        } else {
            PlaneLabels::Classes {
                labels: made.iter().map(|&(_, c)| c as u8).collect(),
                classes,
            }
        };
        Ok(PlanePoints { xy, labels })
    }
}

/// Fisher–Yates, as the Playground shuffles its points before splitting them.
fn shuffle<T>(items: &mut [T], rng: &mut ChaCha8Rng) {
    for last in (1..items.len()).rev() {
        items.swap(last, rng.random_range(0..=last));
    }
}

/// What a plane's points are labelled with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaneLabels {
    /// A class per point, each below `classes`.
    Classes {
        /// The points' classes.
        labels: Vec<u8>,
        /// How many classes there are.
        classes: usize,
    },
    /// A value per point, to regress.
    Values(Vec<f32>),
}

impl PlaneLabels {
    fn len(&self) -> usize {
        match self {
            PlaneLabels::Classes { labels, .. } => labels.len(),
            PlaneLabels::Values(values) => values.len(),
        }
    }

    /// The labels of the points at `range`.
    fn slice(&self, range: std::ops::Range<usize>) -> PlaneLabels {
        match self {
            PlaneLabels::Classes { labels, classes } => PlaneLabels::Classes {
                labels: labels[range].to_vec(),
                classes: *classes,
            },
            PlaneLabels::Values(values) => PlaneLabels::Values(values[range].to_vec()),
        }
    }
}

/// Labelled points on the plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanePoints {
    xy: Vec<[f32; 2]>,
    labels: PlaneLabels,
}

impl PlanePoints {
    /// Points of the learner's own (drawn, or read from a file): at most [`MAX_PLANE_POINTS`],
    /// a label each, coordinates within ±[`MAX_COORDINATE`], classes below `classes` (at most
    /// [`MAX_PLANE_CLASSES`]) or finite values within ±[`MAX_VALUE`].
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the first value refused (`points[i].x`, `points[i].label`
    /// …).
    pub fn new(xy: Vec<[f32; 2]>, labels: PlaneLabels) -> Result<Self> {
        if xy.len() > MAX_PLANE_POINTS {
            return Err(Error::invalid(
                "points",
                Reason::whole(Quantity::Samples, xy.len(), 0, MAX_PLANE_POINTS),
            ));
        }
        if labels.len() != xy.len() {
            return Err(Error::invalid(
                "labels",
                Reason::whole(Quantity::Whole, labels.len(), xy.len(), xy.len()),
            ));
        }
        let within = |v: f32, max: f32| v.is_finite() && v.abs() <= max;
        let symmetric = |max: f32| (Some(Bound::inclusive(-max)), Some(Bound::inclusive(max)));
        for (i, point) in xy.iter().enumerate() {
            for (axis, v) in ["x", "y"].into_iter().zip(point) {
                if !within(*v, MAX_COORDINATE) {
                    let (min, max) = symmetric(MAX_COORDINATE);
                    return Err(Error::invalid(
                        format!("points[{i}].{axis}"),
                        Reason::range(Quantity::Number, v, min, max),
                    ));
                }
            }
        }
        match &labels {
            PlaneLabels::Classes { labels, classes } => {
                if !(2..=MAX_PLANE_CLASSES).contains(classes) {
                    return Err(Error::invalid(
                        "classes",
                        Reason::whole(Quantity::Whole, *classes, 2, MAX_PLANE_CLASSES),
                    ));
                }
                if let Some(i) = labels.iter().position(|&c| usize::from(c) >= *classes) {
                    return Err(Error::invalid(
                        format!("points[{i}].label"),
                        Reason::whole(Quantity::Whole, usize::from(labels[i]), 0, classes - 1),
                    ));
                }
            }
            PlaneLabels::Values(values) => {
                if let Some(i) = values.iter().position(|&v| !within(v, MAX_VALUE)) {
                    let (min, max) = symmetric(MAX_VALUE);
                    return Err(Error::invalid(
                        format!("points[{i}].label"),
                        Reason::range(Quantity::Number, values[i], min, max),
                    ));
                }
            }
        }
        Ok(PlanePoints { xy, labels })
    }

    /// How many points there are.
    pub fn len(&self) -> usize {
        self.xy.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.xy.is_empty()
    }

    /// The points' coordinates.
    pub fn xy(&self) -> &[[f32; 2]] {
        &self.xy
    }

    /// The points' labels.
    pub fn labels(&self) -> &PlaneLabels {
        &self.labels
    }

    /// The first `train_percent` % of the points (rounded down) to train on, the rest to test
    /// on, as the Playground splits its shuffled points (`percTrainData`, 10 to 90).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a percentage outside 10–90.
    pub fn split(&self, train_percent: usize) -> Result<(PlanePoints, PlanePoints)> {
        if !(10..=90).contains(&train_percent) {
            return Err(Error::invalid(
                "train_percent",
                Reason::whole(Quantity::Whole, train_percent, 10, 90),
            ));
        }
        let at = self.len() * train_percent / 100;
        let part = |range: std::ops::Range<usize>| PlanePoints {
            xy: self.xy[range.clone()].to_vec(),
            labels: self.labels.slice(range),
        };
        Ok((part(0..at), part(at..self.len())))
    }

    /// The same points in a random order fixed by `seed` (as [`PlaneSpec::generate`] orders
    /// its own), so that a split of points given in any order is a random one.
    pub fn shuffled(&self, seed: u64) -> PlanePoints {
        let mut order: Vec<usize> = (0..self.len()).collect();
        shuffle(&mut order, &mut ChaCha8Rng::seed_from_u64(seed));
        let labels = match &self.labels {
            PlaneLabels::Classes { labels, classes } => PlaneLabels::Classes {
                labels: order.iter().map(|&i| labels[i]).collect(),
                classes: *classes,
            },
            PlaneLabels::Values(values) => {
                PlaneLabels::Values(order.iter().map(|&i| values[i]).collect())
            }
        };
        PlanePoints {
            xy: order.iter().map(|&i| self.xy[i]).collect(),
            labels,
        }
    }

    /// These points followed by `other`'s (a split's two parts joined again); `None` if the
    /// two are not labelled alike (classes and values, or different numbers of classes) or
    /// together exceed [`MAX_PLANE_POINTS`].
    pub fn joined(&self, other: &PlanePoints) -> Option<PlanePoints> {
        let labels = match (&self.labels, &other.labels) {
            (
                PlaneLabels::Classes { labels, classes },
                PlaneLabels::Classes {
                    labels: more,
                    classes: same,
                },
            ) if classes == same => PlaneLabels::Classes {
                labels: [labels.as_slice(), more].concat(),
                classes: *classes,
            },
            (PlaneLabels::Values(values), PlaneLabels::Values(more)) => {
                PlaneLabels::Values([values.as_slice(), more].concat())
            }
            _ => return None,
        };
        PlanePoints::new([self.xy.as_slice(), &other.xy].concat(), labels).ok()
    }

    /// The points as a dataset the engine trains on: the chosen `features` of each point (in
    /// the order given), with its class or its value to regress.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for `features` empty or naming one twice.
    pub fn dataset(&self, features: &[Feature]) -> Result<Dataset> {
        let repeated = features
            .iter()
            .enumerate()
            .any(|(i, f)| features[..i].contains(f));
        if features.is_empty() || repeated {
            return Err(Error::invalid(
                "features",
                Reason::whole(Quantity::Whole, features.len(), 1, Feature::ALL.len()),
            ));
        }
        let rows = feature_rows(&self.xy, features);
        let shape = vec![features.len()];
        match &self.labels {
            PlaneLabels::Classes { labels, classes } => {
                Dataset::of_numbers(shape, rows, labels.clone(), *classes)
            }
            PlaneLabels::Values(values) => Dataset::regression(shape, rows, values.clone(), 1),
        }
    }
}

#[cfg(test)]
mod tests;
