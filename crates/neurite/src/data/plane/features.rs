//! The input features a plane's network can be given, as TensorFlow Playground offers them:
//! the coordinates, their squares and product, their sines and cosines. A network's input is
//! the chosen features of each point, in [`Feature::ALL`]'s order.

use serde::{Deserialize, Serialize};

/// A function of a point `(x₁, x₂)` given to the network as one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// x₁.
    X1,
    /// x₂.
    X2,
    /// x₁².
    X1Squared,
    /// x₂².
    X2Squared,
    /// x₁ x₂.
    X1X2,
    /// sin x₁.
    SinX1,
    /// sin x₂.
    SinX2,
    /// cos x₁.
    CosX1,
    /// cos x₂.
    CosX2,
}

impl Feature {
    /// Every feature, in the order a network's inputs take them.
    pub const ALL: [Feature; 9] = [
        Feature::X1,
        Feature::X2,
        Feature::X1Squared,
        Feature::X2Squared,
        Feature::X1X2,
        Feature::SinX1,
        Feature::SinX2,
        Feature::CosX1,
        Feature::CosX2,
    ];

    /// The feature's value at `(x1, x2)`.
    pub fn at(self, [x1, x2]: [f32; 2]) -> f32 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Squared => x1 * x1,
            Feature::X2Squared => x2 * x2,
            Feature::X1X2 => x1 * x2,
            Feature::SinX1 => x1.sin(),
            Feature::SinX2 => x2.sin(),
            Feature::CosX1 => x1.cos(),
            Feature::CosX2 => x2.cos(),
        }
    }

    /// The feature's key in a TensorFlow Playground link (`x`, `xSquared`, `sinY` …).
    pub fn playground_key(self) -> &'static str {
        match self {
            Feature::X1 => "x",
            Feature::X2 => "y",
            Feature::X1Squared => "xSquared",
            Feature::X2Squared => "ySquared",
            Feature::X1X2 => "xTimesY",
            Feature::SinX1 => "sinX",
            Feature::SinX2 => "sinY",
            Feature::CosX1 => "cosX",
            Feature::CosX2 => "cosY",
        }
    }

    /// How the feature is written: `x₁`, `x₁²`, `sin x₂` ….
    pub fn symbol(self) -> &'static str {
        match self {
            Feature::X1 => "x₁",
            Feature::X2 => "x₂",
            Feature::X1Squared => "x₁²",
            Feature::X2Squared => "x₂²",
            Feature::X1X2 => "x₁x₂",
            Feature::SinX1 => "sin x₁",
            Feature::SinX2 => "sin x₂",
            Feature::CosX1 => "cos x₁",
            Feature::CosX2 => "cos x₂",
        }
    }
}

/// The chosen `features` of each point, row by row (`points × features`), in the order of
/// `features` as given.
pub fn feature_rows(points: &[[f32; 2]], features: &[Feature]) -> Vec<f32> {
    let mut rows = Vec::with_capacity(points.len() * features.len());
    for &point in points {
        rows.extend(features.iter().map(|f| f.at(point)));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_feature_is_its_function_of_the_point() {
        let point = [0.5f32, -2.0];
        let values: Vec<f32> = Feature::ALL.iter().map(|f| f.at(point)).collect();
        let expected = [
            0.5,
            -2.0,
            0.25,
            4.0,
            -1.0,
            0.5f32.sin(),
            (-2.0f32).sin(),
            0.5f32.cos(),
            (-2.0f32).cos(),
        ];
        assert_eq!(values, expected);
    }

    #[test]
    fn rows_hold_the_chosen_features_point_by_point_in_the_given_order() {
        let rows = feature_rows(
            &[[1.0, 2.0], [3.0, -1.0]],
            &[Feature::X1X2, Feature::X1, Feature::X2Squared],
        );
        assert_eq!(rows, [2.0, 1.0, 4.0, -3.0, 3.0, 1.0]);
    }

    #[test]
    fn playground_keys_are_distinct_and_name_every_feature() {
        let mut keys: Vec<&str> = Feature::ALL.iter().map(|f| f.playground_key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Feature::ALL.len());
    }
}
