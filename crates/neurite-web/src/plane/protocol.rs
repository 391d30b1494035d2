//! Every message between the 2-D playground's page and its worker, and the layout of the maps
//! a [`PlaneFrame`] carries.
//!
//! The worker trains flat out and sends a frame only once the page has drawn the last one
//! ([`ToPlane::Drawn`]): the page draws as often as it can, never falls behind, and the worker
//! computes no map that nobody sees.
//!
//! A frame's payload holds every map as signed bytes, `round(127 · clamp(v, −1, 1))` — the
//! colour scale the views draw on (TensorFlow Playground's too): inputs and hidden units at
//! [`NODE_SIDE`]², then each output unit at [`FULL_SIDE`]², then the focused unit's map at
//! [`FULL_SIDE`]² if one is focused ([`MapLayout`]).

use neurite::data::plane::PlanePoints;
use neurite::explain::plane::PlaneMaps;
use serde::{Deserialize, Serialize};

use super::setup::PlaneSetup;
use crate::protocol::{WorkerError, maybe_finite};

/// Cells on a side of the output's map, and of a focused unit's (TensorFlow Playground's
/// density).
pub const FULL_SIDE: usize = 100;
/// Cells on a side of each node's map (TensorFlow Playground draws 10).
pub const NODE_SIDE: usize = 25;

/// What the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ToPlane {
    /// A run: a new one, or the current one with new training settings when only those
    /// changed ([`PlaneSetup::same_run`]). Answered by [`FromPlane::Points`] for a new run,
    /// then a frame.
    Setup(Box<PlaneSetup>),
    /// Train until paused or a stop condition holds.
    Play(StopRule),
    /// Stop training after the current epoch.
    Pause,
    /// Train one epoch, then pause.
    Step,
    /// The same run from its start again.
    Reset,
    /// Which unit's map comes at full size in each frame (`None`: only the outputs').
    Focus(Option<Unit>),
    /// The page has drawn the last frame.
    Drawn,
    /// Sets one weight or bias of the network (the learner's edit); training goes on from it.
    SetWeight(WeightEdit),
    /// The network as a model file (the engine's `.safetensors`), answered by
    /// [`FromPlane::ModelFile`].
    SaveModel,
}

/// Most a weight or a bias may be set to, either way.
pub const MAX_WEIGHT: f64 = 100.0;

/// A weight or a bias, and its new value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightEdit {
    /// The unit the weight goes into (`layer` 1 is the first hidden layer).
    pub to: Unit,
    /// The input it comes from in the layer below (`None`: the unit's bias).
    pub from: Option<usize>,
    /// The new value.
    #[serde(with = "maybe_finite")]
    pub value: f64,
}

/// A unit of the network: `layer` 0 is the inputs, then the hidden layers, then the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// The layer.
    pub layer: usize,
    /// The unit in it.
    pub unit: usize,
}

/// When playing stops by itself.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StopRule {
    /// After this epoch.
    pub epochs: Option<usize>,
    /// Once the test loss is at most this.
    pub test_loss: Option<f64>,
}

/// Why playing stopped by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stopped {
    /// The stop rule's epoch was reached.
    Epochs,
    /// The test loss reached the stop rule's.
    TestLoss,
    /// The loss or the weights stopped being finite.
    Diverged,
    /// The engine's limit of epochs was reached.
    Limit,
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FromPlane {
    /// The worker is listening.
    Ready,
    /// A new run's points.
    Points {
        /// The training points.
        train: PlanePoints,
        /// The test points.
        test: PlanePoints,
    },
    /// The run as it is now; the maps are the payload (see [`MapLayout`]).
    Frame(Box<PlaneFrame>),
    /// Playing stopped by itself.
    Stopped(Stopped),
    /// The network as a model file; the bytes are the payload.
    ModelFile,
    /// A request was refused or failed; the run, if any, is as it was.
    Error(WorkerError),
}

/// A dense layer's parameters, for drawing and reading the network's edges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerWeights {
    /// `[inputs, units]`, row-major (Keras's layout).
    pub kernel: Vec<f32>,
    /// `[units]`.
    pub bias: Vec<f32>,
}

/// The run at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaneFrame {
    /// Epochs trained.
    pub epoch: usize,
    /// The loss over all training points (penalties included).
    #[serde(with = "maybe_finite")]
    pub train_loss: f64,
    /// The loss over all test points.
    #[serde(with = "maybe_finite")]
    pub test_loss: f64,
    /// The share of training points classified right (none for a regression).
    pub train_accuracy: Option<f64>,
    /// The share of test points classified right.
    pub test_accuracy: Option<f64>,
    /// Training points per second since the last frame (0 when not training).
    pub samples_per_second: f64,
    /// Whether it is training.
    pub playing: bool,
    /// How the payload's maps are laid out.
    pub layout: MapLayout,
    /// Each dense layer's parameters, input to output.
    pub weights: Vec<LayerWeights>,
}

/// Where each map is in a frame's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapLayout {
    /// Units per layer: the inputs, the hidden layers, the output.
    pub widths: Vec<usize>,
    /// The unit whose map follows the outputs' at full size.
    pub focus: Option<Unit>,
    /// Whether the output is a value (a tanh's or a linear unit's), not a probability.
    pub signed_output: bool,
}

impl MapLayout {
    /// Bytes of one node map.
    pub const NODE: usize = NODE_SIDE * NODE_SIDE;
    /// Bytes of one full map.
    pub const FULL: usize = FULL_SIDE * FULL_SIDE;

    /// The node map of `unit`, as a range of the payload (`None` if there is no such unit).
    pub fn node(&self, unit: Unit) -> Option<std::ops::Range<usize>> {
        let width = *self.widths.get(unit.layer)?;
        if unit.unit >= width {
            return None;
        }
        let before: usize = self.widths[..unit.layer].iter().sum();
        let start = (before + unit.unit) * Self::NODE;
        Some(start..start + Self::NODE)
    }

    fn nodes_bytes(&self) -> usize {
        self.widths.iter().sum::<usize>() * Self::NODE
    }

    /// The full map of output unit `unit`.
    pub fn output(&self, unit: usize) -> Option<std::ops::Range<usize>> {
        let outputs = *self.widths.last()?;
        (unit < outputs).then(|| {
            let start = self.nodes_bytes() + unit * Self::FULL;
            start..start + Self::FULL
        })
    }

    /// The focused unit's full map.
    pub fn focused(&self) -> Option<std::ops::Range<usize>> {
        self.focus?;
        let start = self.nodes_bytes() + self.widths.last()? * Self::FULL;
        Some(start..start + Self::FULL)
    }

    /// The payload's length.
    pub fn len(&self) -> usize {
        let outputs = self.widths.last().copied().unwrap_or(0);
        self.nodes_bytes() + (outputs + usize::from(self.focus.is_some())) * Self::FULL
    }

    /// Whether the payload is empty (no layers).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A value as a map byte: `round(127 · clamp(v, −1, 1))` as a signed byte (NaN as 0).
pub fn map_byte(v: f32) -> u8 {
    let v = if v.is_nan() { 0.0 } else { v.clamp(-1.0, 1.0) };
    ((v * 127.0).round() as i8) as u8
}

/// A map byte as the value it stands for, in `[−1, 1]`.
pub fn map_value(byte: u8) -> f32 {
    f32::from(byte as i8) / 127.0
}

/// The column `unit` of `values` (`[FULL_SIDE², units]`), as a `NODE_SIDE²` map: each node
/// cell the mean of the full cells it covers.
fn reduced(values: &ndarray::Array2<f32>, unit: usize, out: &mut Vec<u8>) {
    let block = FULL_SIDE / NODE_SIDE;
    let scale = 1.0 / (block * block) as f32;
    for row in 0..NODE_SIDE {
        for col in 0..NODE_SIDE {
            let mut sum = 0.0;
            for r in row * block..(row + 1) * block {
                for c in col * block..(col + 1) * block {
                    sum += values[[r * FULL_SIDE + c, unit]];
                }
            }
            out.push(map_byte(sum * scale));
        }
    }
}

/// The payload of `maps` (computed at [`FULL_SIDE`]) laid out as `layout` says.
///
/// # Panics
/// If `maps` is not at [`FULL_SIDE`], or its widths are not `layout`'s.
pub fn encode_maps(maps: &PlaneMaps, layout: &MapLayout) -> Vec<u8> {
    assert_eq!(maps.side, FULL_SIDE, "plane maps: wrong side");
    let mut out = Vec::with_capacity(layout.len());
    let mut columns: Vec<&ndarray::Array2<f32>> = vec![&maps.inputs];
    columns.extend(&maps.layers);
    let widths: Vec<usize> = columns.iter().map(|c| c.ncols()).collect();
    assert_eq!(widths, layout.widths, "plane maps: wrong layout");
    for values in &columns {
        for unit in 0..values.ncols() {
            reduced(values, unit, &mut out);
        }
    }
    let full = |values: &ndarray::Array2<f32>, unit: usize, out: &mut Vec<u8>| {
        out.extend(values.column(unit).iter().map(|&v| map_byte(v)));
    };
    let output = columns.last().expect("the inputs at least");
    for unit in 0..output.ncols() {
        full(output, unit, &mut out);
    }
    if let Some(focus) = layout.focus {
        full(columns[focus.layer], focus.unit, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn map_bytes_round_trip_within_half_a_step_and_clamp() {
        for v in [-1.0f32, -0.5, 0.0, 0.3, 1.0] {
            assert!((map_value(map_byte(v)) - v).abs() <= 0.5 / 127.0 + 1e-6);
        }
        assert_eq!(map_value(map_byte(7.0)), 1.0);
        assert_eq!(map_value(map_byte(-7.0)), -1.0);
        assert_eq!(map_byte(f32::NAN), 0);
    }

    #[test]
    fn the_layout_places_node_maps_then_outputs_then_the_focus() {
        let cells = FULL_SIDE * FULL_SIDE;
        // Inputs: 2 features; hidden: 3 units; output: 1 unit. Each unit's value is its index
        // scaled, and the top-left block of unit 1 of the hidden layer is −1.
        let inputs = Array2::from_shape_fn((cells, 2), |(_, u)| u as f32 * 0.1);
        let mut hidden = Array2::from_shape_fn((cells, 3), |(_, u)| 0.2 + u as f32 * 0.1);
        let block = FULL_SIDE / NODE_SIDE;
        for r in 0..block {
            for c in 0..block {
                hidden[[r * FULL_SIDE + c, 1]] = -1.0;
            }
        }
        let output = Array2::from_elem((cells, 1), 0.9);
        let maps = PlaneMaps {
            side: FULL_SIDE,
            inputs,
            layers: vec![hidden, output],
        };
        let focus = Unit { layer: 1, unit: 1 };
        let layout = MapLayout {
            widths: vec![2, 3, 1],
            focus: Some(focus),
            signed_output: false,
        };
        let bytes = encode_maps(&maps, &layout);
        assert_eq!(bytes.len(), layout.len());
        let at = |range: std::ops::Range<usize>, i: usize| map_value(bytes[range][i]);
        let node = layout.node(focus).unwrap();
        assert_eq!(at(node.clone(), 0), -1.0);
        assert!((at(node, 1) - 0.3).abs() < 0.01);
        assert!((at(layout.node(Unit { layer: 0, unit: 1 }).unwrap(), 5) - 0.1).abs() < 0.01);
        assert!((at(layout.output(0).unwrap(), 9_999) - 0.9).abs() < 0.01);
        let focused = layout.focused().unwrap();
        assert_eq!(at(focused.clone(), 0), -1.0);
        assert!((at(focused, FULL_SIDE * block) - 0.3).abs() < 0.01);
        assert_eq!(layout.node(Unit { layer: 3, unit: 0 }), None);
        assert_eq!(layout.node(Unit { layer: 1, unit: 3 }), None);
        assert_eq!(layout.output(1), None);
    }

    #[test]
    fn messages_round_trip_as_json_and_strangers_are_refused() {
        let requests = vec![
            ToPlane::Play(StopRule {
                epochs: Some(300),
                test_loss: None,
            }),
            ToPlane::Pause,
            ToPlane::Step,
            ToPlane::Reset,
            ToPlane::Focus(Some(Unit { layer: 1, unit: 2 })),
            ToPlane::Drawn,
            ToPlane::SetWeight(WeightEdit {
                to: Unit { layer: 2, unit: 0 },
                from: None,
                value: -1.5,
            }),
            ToPlane::SaveModel,
        ];
        for request in requests {
            let text = serde_json::to_string(&request).unwrap();
            assert_eq!(serde_json::from_str::<ToPlane>(&text).unwrap(), request);
        }
        for stranger in [
            r#"{"play":{"epochs":-1}}"#,
            r#""explode""#,
            r#"{"focus":{"layer":1}}"#,
        ] {
            assert!(
                serde_json::from_str::<ToPlane>(stranger).is_err(),
                "{stranger}"
            );
        }
    }
}
