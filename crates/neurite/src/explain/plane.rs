//! A model of the plane seen whole: every input feature's and every neuron's value at each cell
//! of a grid over the plane, as the 2-D playground draws them (a small map in each node of the
//! network, the output's map under the points).
//!
//! The grid spans TensorFlow Playground's domain, `[−6, 6]²` (`xDomain` in its
//! `playground.ts`), where the data sets of [`crate::data::plane`] lie. Cells are listed row by
//! row from the top (`x₂ = +6`) and, in a row, from the left (`x₁ = −6`), each at its centre —
//! the order in which a canvas stores pixels.

use ndarray::Array2;

use crate::Sequential;
use crate::data::plane::{Feature, feature_rows};
use crate::error::{Error, Quantity, Reason, Result};

/// Half the side of the square the grid covers: the plane runs from `−PLANE_EXTENT` to
/// `+PLANE_EXTENT` on both axes.
pub const PLANE_EXTENT: f32 = 6.0;
/// Most cells on a side of a grid (a 200 × 200 grid is 40 000 forward passes).
pub const MAX_GRID_SIDE: usize = 200;

/// The centres of a `side × side` grid over the plane, row by row from the top.
///
/// # Errors
/// [`Error::InvalidConfig`] for a side outside `2..=MAX_GRID_SIDE`.
pub fn grid_points(side: usize) -> Result<Vec<[f32; 2]>> {
    if !(2..=MAX_GRID_SIDE).contains(&side) {
        return Err(Error::invalid(
            "grid_side",
            Reason::whole(Quantity::Whole, side, 2, MAX_GRID_SIDE),
        ));
    }
    let cell = 2.0 * PLANE_EXTENT / side as f32;
    let centre = |i: usize| -PLANE_EXTENT + (i as f32 + 0.5) * cell;
    Ok((0..side)
        .flat_map(|row| (0..side).map(move |col| [centre(col), -centre(row)]))
        .collect())
}

/// Every value a model computes over a grid of the plane.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaneMaps {
    /// Cells on a side.
    pub side: usize,
    /// Each input feature's value, `[cells, features]`.
    pub inputs: Array2<f32>,
    /// Each layer with units (a dense layer, not a dropout) in order: its outputs,
    /// `[cells, units]`. The last one is the model's output after its head — class
    /// probabilities for a softmax or sigmoid head, values for a linear one.
    pub layers: Vec<Array2<f32>>,
}

impl PlaneMaps {
    /// Units in each layer of [`PlaneMaps::layers`].
    pub fn widths(&self) -> Vec<usize> {
        self.layers.iter().map(|l| l.ncols()).collect()
    }
}

/// Runs `model` (which takes `features` of a point, in that order) over a `side × side` grid
/// and keeps every layer's output — one forward pass in inference mode, as a batch of `side²`
/// points.
///
/// # Errors
/// [`Error::InvalidConfig`] for a bad side, and the model's input check if it does not take
/// `features.len()` numbers.
pub fn plane_maps(
    model: &mut Sequential<f32>,
    features: &[Feature],
    side: usize,
) -> Result<PlaneMaps> {
    model.check_input(features.len())?;
    let points = grid_points(side)?;
    let inputs = Array2::from_shape_vec(
        (points.len(), features.len()),
        feature_rows(&points, features),
    )
    .expect("one row of features per point");
    model.forward(inputs.view(), false);
    let with_units: Vec<usize> = model
        .layers()
        .iter()
        .enumerate()
        .filter(|(_, layer)| layer.param_count() > 0)
        .map(|(i, _)| i)
        .collect();
    let last = model.layers().len() - 1;
    let mut layers: Vec<Array2<f32>> = with_units
        .iter()
        .filter(|&&i| i != last)
        .map(|&i| model.layer_output(i).to_owned())
        .collect();
    layers.push(model.last_probabilities().to_owned());
    Ok(PlaneMaps {
        side,
        inputs,
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::Init;
    use crate::{Activation, LayerSpec, ModelSpec};

    fn dense(units: usize, activation: Activation) -> LayerSpec {
        LayerSpec::Dense {
            units,
            activation,
            init: Init::GlorotUniform,
        }
    }

    #[test]
    fn the_grid_runs_row_by_row_from_the_top_left_at_cell_centres() {
        let points = grid_points(4).unwrap();
        assert_eq!(points.len(), 16);
        // Cells are 3 wide: centres at −4.5, −1.5, 1.5, 4.5.
        assert_eq!(points[0], [-4.5, 4.5]);
        assert_eq!(points[1], [-1.5, 4.5]);
        assert_eq!(points[3], [4.5, 4.5]);
        assert_eq!(points[4], [-4.5, 1.5]);
        assert_eq!(points[15], [4.5, -4.5]);
        assert!(grid_points(1).is_err());
        assert!(grid_points(MAX_GRID_SIDE + 1).is_err());
    }

    #[test]
    fn each_map_is_the_models_own_output_at_that_point() {
        let spec = ModelSpec {
            input_shape: vec![3],
            layers: vec![
                dense(4, Activation::Tanh),
                LayerSpec::Dropout { rate: 0.5 },
                dense(2, Activation::Relu),
                dense(3, Activation::Softmax),
            ],
        };
        let features = [Feature::X1, Feature::X2, Feature::X1X2];
        let mut model = Sequential::<f32>::from_spec(&spec, 7).unwrap();
        let maps = plane_maps(&mut model, &features, 5).unwrap();
        assert_eq!(maps.widths(), vec![4, 2, 3]);
        assert_eq!(maps.inputs.dim(), (25, 3));
        // Cell 7 is row 1, column 2: the point (0, 2.4).
        let point = [0.0f32, 2.4];
        assert!((maps.inputs[[7, 1]] - 2.4).abs() < 1e-6);
        assert!(maps.inputs[[7, 2]].abs() < 1e-6);

        // The same point alone through the layers, by hand from the weights.
        let params = model.named_params();
        let kernel = |name: &str| {
            let (_, p) = params.iter().find(|(n, _)| n == name).unwrap();
            Array2::from_shape_vec((p.shape[0], p.shape[1]), p.value.to_vec()).unwrap()
        };
        let bias = |name: &str| {
            let (_, p) = params.iter().find(|(n, _)| n == name).unwrap();
            ndarray::Array1::from(p.value.to_vec())
        };
        let x = ndarray::arr1(&[point[0], point[1], point[0] * point[1]]);
        let h1 = (x.dot(&kernel("dense_1.kernel")) + bias("dense_1.bias")).mapv(f32::tanh);
        let h2 = (h1.dot(&kernel("dense_2.kernel")) + bias("dense_2.bias")).mapv(|v| v.max(0.0));
        let z = h2.dot(&kernel("dense_3.kernel")) + bias("dense_3.bias");
        let e = z.mapv(|v| (v - z.fold(f32::MIN, |a, &b| a.max(b))).exp());
        let p = &e / e.sum();
        for (got, want) in [
            (&maps.layers[0], &h1),
            (&maps.layers[1], &h2),
            (&maps.layers[2], &p),
        ] {
            for (unit, &w) in want.iter().enumerate() {
                assert!((got[[7, unit]] - w).abs() < 1e-5, "{got:?} vs {want:?}");
            }
        }
        assert!(plane_maps(&mut model, &features[..2], 5).is_err());
    }

    #[test]
    fn a_copy_that_follows_another_model_computes_the_same_maps() {
        let spec = ModelSpec {
            input_shape: vec![2],
            layers: vec![dense(3, Activation::Tanh), dense(1, Activation::Linear)],
        };
        let trained = Sequential::<f32>::from_spec(&spec, 1).unwrap();
        let mut follower = Sequential::<f32>::from_spec(&spec, 2).unwrap();
        let features = [Feature::X1, Feature::X2];
        let mut trained_copy = trained.converted::<f32>();
        let before = plane_maps(&mut follower, &features, 3).unwrap();
        follower.copy_params_from(&trained);
        let after = plane_maps(&mut follower, &features, 3).unwrap();
        assert_ne!(before, after);
        assert_eq!(after, plane_maps(&mut trained_copy, &features, 3).unwrap());
    }
}
