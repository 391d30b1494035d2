//! The `backprop` widget's state: a small dense network, one example, a learning rate, and
//! which stage of the training step is shown. Its outputs are the engine's
//! [`explain::backprop_step`]: every activation, the loss, every gradient, the updated weights.
//!
//! The stages ([`Stage`]) take the step apart for the view: each unit's forward value, the
//! loss, each unit's `δ` on the way back followed by the gradient of each weight into it, and
//! the update; [`story`] says what each stage does, with its numbers.

pub mod story;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use ndarray::{Array1, Array2};
use neurite::explain::{self, BackpropStep, Network};
use neurite::{Activation, Loss};

use super::loss::{LOSSES, engine_loss};
use super::{
    Fields, Out, Reason, Refusal, Value, WidgetName, WidgetState, activation_named, check_range,
    choice, numbers_within,
};

/// Most layers of units, the input's included.
pub const MAX_LAYERS: usize = 5;
/// Most units in a layer.
pub const MAX_UNITS: usize = 4;
/// Largest magnitude of a weight, a bias, an input or a target.
pub const LIMIT: f64 = 10.0;
/// Smallest and largest learning rate.
pub const LEARNING_RATES: (f64, f64) = (1e-6, 10.0);
/// The output activations: the element-wise ones and softmax.
pub const OUTPUT_ACTIVATIONS: &[&str] =
    &["linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"];

/// One stage of the step, as the view reveals it. Layers of units count from 0 (the first
/// layer after the input); units count from 0 within their layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The example and the weights, nothing computed.
    Start,
    /// A unit computes `z` and `a`.
    Forward {
        /// Its layer.
        layer: usize,
        /// The unit.
        unit: usize,
    },
    /// The loss of the output against the target.
    Loss,
    /// A unit receives `∂L/∂a` and computes `δ` (and `∂L/∂b = δ`).
    Delta {
        /// Its layer.
        layer: usize,
        /// The unit.
        unit: usize,
    },
    /// The gradient of one weight into a unit.
    Weight {
        /// The layer of the unit the weight feeds.
        layer: usize,
        /// The unit below the weight comes from.
        from: usize,
        /// The unit it feeds.
        to: usize,
    },
    /// Every parameter takes its SGD step.
    Update,
}

/// The stages of a network with `sizes` (the input's first), in order.
pub fn stages(sizes: &[usize]) -> Vec<Stage> {
    let layers = sizes.len().saturating_sub(1);
    let mut stages = vec![Stage::Start];
    for layer in 0..layers {
        stages.extend((0..sizes[layer + 1]).map(|unit| Stage::Forward { layer, unit }));
    }
    stages.push(Stage::Loss);
    for layer in (0..layers).rev() {
        for to in 0..sizes[layer + 1] {
            stages.push(Stage::Delta { layer, unit: to });
            stages.extend((0..sizes[layer]).map(|from| Stage::Weight { layer, from, to }));
        }
    }
    stages.push(Stage::Update);
    stages
}

/// A weight for a place a new network size opens: small, fixed, of alternating sign.
fn filler(layer: usize, i: usize, j: usize) -> f64 {
    let k = (layer * 5 + i * 7 + j * 3) % 11;
    (k as f64 - 5.0) / 10.0
}

/// `values` cut or extended to `len`, new places from `fill`.
fn resized(values: &[f64], len: usize, fill: impl Fn(usize) -> f64) -> Vec<f64> {
    (0..len)
        .map(|i| values.get(i).copied().unwrap_or_else(|| fill(i)))
        .collect()
}

/// The loss's name in the widget's state.
pub fn loss_name(loss: Loss) -> &'static str {
    match loss {
        Loss::MeanSquaredError => "mse",
        Loss::BinaryCrossentropy => "binary_cross_entropy",
        _ => "categorical_cross_entropy",
    }
}

/// A refusal of `key` whose `part` does not have the shape `expected`, which follows from `from`.
fn misshapen(
    key: &str,
    part: String,
    expected: String,
    got: String,
    from: &'static str,
) -> Refusal {
    Refusal::at(
        key,
        Reason::Shape {
            part,
            expected,
            got,
            from,
        },
    )
}

/// A shape for a message: `2×1`.
fn shape_text(rows: usize, cols: usize) -> String {
    format!("{rows}×{cols}")
}

/// What the engine computes for a state, by [`Backprop::computed`].
#[derive(Debug)]
pub struct Computed {
    /// The step.
    pub step: BackpropStep,
    /// The gradient check's estimates, when the state's `check` is on.
    pub numeric: Option<Vec<explain::LayerGrads>>,
    /// The loss after the update.
    pub loss_after: f64,
}

/// The stages of a network shape, with that shape (units per layer, the input's first).
type ShapeStages = (Vec<usize>, Rc<[Stage]>);

thread_local! {
    static LAST_COMPUTED: RefCell<Option<(Backprop, Arc<Computed>)>> = const { RefCell::new(None) };
    /// The stages of the last network shape asked about.
    static LAST_STAGES: RefCell<Option<ShapeStages>> = const { RefCell::new(None) };
}

/// Whether `net` has the units per layer `sizes` ([`Network::sizes`], without building it).
fn has_sizes(net: &Network, sizes: &[usize]) -> bool {
    let inputs = net.kernels.first().map_or(0, |k| k.nrows());
    let units = net.kernels.iter().map(|k| k.ncols());
    sizes
        .iter()
        .copied()
        .eq(std::iter::once(inputs).chain(units))
}

/// One training step of a small network on one example.
#[derive(Debug, Clone, PartialEq)]
pub struct Backprop {
    /// The network (its kernels, biases, activations and loss).
    pub net: Network,
    /// The example's input.
    pub x: Vec<f64>,
    /// The example's target.
    pub y: Vec<f64>,
    /// The SGD learning rate of the update.
    pub learning_rate: f64,
    /// The stage shown, an index into [`stages`].
    pub stage: usize,
    /// Whether the gradient check's estimates are shown beside the gradients.
    pub check: bool,
}

impl Default for Backprop {
    /// The textbook 2–2–1 sigmoid network on one example, with MSE: inputs (0.35, 0.9),
    /// target 0.5.
    fn default() -> Self {
        Backprop {
            net: Network {
                kernels: vec![
                    ndarray::array![[0.1, 0.4], [0.8, 0.6]],
                    ndarray::array![[0.3], [0.9]],
                ],
                biases: vec![ndarray::array![0.0, 0.0], ndarray::array![0.0]],
                hidden: Activation::Sigmoid,
                output: Activation::Sigmoid,
                loss: Loss::MeanSquaredError,
            },
            x: vec![0.35, 0.9],
            y: vec![0.5],
            learning_rate: 1.0,
            stage: 0,
            check: false,
        }
    }
}

impl Backprop {
    /// The step, by the engine.
    pub fn step(&self) -> BackpropStep {
        explain::backprop_step(&self.net, &self.x, &self.y, self.learning_rate)
    }

    /// The gradient check's estimates, by the engine.
    pub fn numeric_gradients(&self) -> Vec<explain::LayerGrads> {
        explain::numeric_gradients(&self.net, &self.x, &self.y)
    }

    /// The step, the gradient check's estimates (when `check` is on) and the loss after the
    /// update, computed once per network and example: the last state's are kept, so that the
    /// view's parts and the reported outputs share them, and a change of stage alone reuses them.
    pub fn computed(&self) -> Arc<Computed> {
        LAST_COMPUTED.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((state, computed)) = last.as_ref()
                && state.same_step(self)
            {
                return Arc::clone(computed);
            }
            let step = self.step();
            let computed = Arc::new(Computed {
                numeric: self.check.then(|| self.numeric_gradients()),
                loss_after: self.loss_after(&step),
                step,
            });
            *last = Some((self.clone(), Arc::clone(&computed)));
            computed
        })
    }

    /// Whether `other` computes the same step: everything but the stage shown is equal.
    fn same_step(&self, other: &Backprop) -> bool {
        let Backprop {
            net,
            x,
            y,
            learning_rate,
            stage: _,
            check,
        } = self;
        *net == other.net
            && *x == other.x
            && *y == other.y
            && *learning_rate == other.learning_rate
            && *check == other.check
    }

    /// The loss after the update, by the engine.
    pub fn loss_after(&self, step: &BackpropStep) -> f64 {
        explain::network_loss(&step.updated, &self.x, &self.y)
    }

    /// Whether the stage shown is `stage` or later.
    pub fn reached(&self, stage: Stage) -> bool {
        self.position(stage).is_some_and(|at| at <= self.stage)
    }

    /// Where `stage` comes among this network's stages, if it is one of them.
    pub fn position(&self, stage: Stage) -> Option<usize> {
        self.stages().iter().position(|s| *s == stage)
    }

    /// This network's stages, built once per network shape: the view asks for them many times
    /// per change (each row of the parameter table, each unit of the diagram).
    pub fn stages(&self) -> Rc<[Stage]> {
        LAST_STAGES.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((sizes, stages)) = last.as_ref()
                && has_sizes(&self.net, sizes)
            {
                return Rc::clone(stages);
            }
            let sizes = self.net.sizes();
            let built: Rc<[Stage]> = stages(&sizes).into();
            *last = Some((sizes, Rc::clone(&built)));
            built
        })
    }

    /// The stage shown.
    pub fn current_stage(&self) -> Stage {
        let stages = self.stages();
        stages[self.stage.min(stages.len() - 1)]
    }

    /// This state reshaped to `sizes`: weights, biases, inputs and targets kept where they
    /// still fit, new places filled with small fixed values.
    fn reshaped(&self, sizes: &[usize]) -> Self {
        let mut next = self.clone();
        let net = &mut next.net;
        net.kernels = (0..sizes.len() - 1)
            .map(|l| {
                let old = self.net.kernels.get(l);
                Array2::from_shape_fn((sizes[l], sizes[l + 1]), |(i, j)| {
                    old.and_then(|k| k.get((i, j)))
                        .copied()
                        .unwrap_or_else(|| filler(l, i, j))
                })
            })
            .collect();
        net.biases = (0..sizes.len() - 1)
            .map(|l| {
                let old = self
                    .net
                    .biases
                    .get(l)
                    .map_or(&[][..], |b| b.as_slice().unwrap_or(&[]));
                Array1::from(resized(old, sizes[l + 1], |_| 0.0))
            })
            .collect();
        next.x = resized(&self.x, sizes[0], |_| 0.5);
        next.y = resized(&self.y, sizes[sizes.len() - 1], |_| 0.0);
        next.stage = next.stage.min(stages(sizes).len() - 1);
        next
    }

    fn kernels_out(kernels: &[Array2<f64>]) -> Out {
        Out::Array(
            kernels
                .iter()
                .map(|k| {
                    Out::Array(
                        k.rows()
                            .into_iter()
                            .map(|r| Out::List(r.to_vec()))
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    fn lists_out<'a>(lists: impl Iterator<Item = &'a [f64]>) -> Out {
        Out::Array(lists.map(|l| Out::List(l.to_vec())).collect())
    }

    fn params_out(kernels: &[Array2<f64>], biases: impl Iterator<Item = Vec<f64>>) -> Out {
        let biases: Vec<Vec<f64>> = biases.collect();
        Out::Record(vec![
            ("kernels", Self::kernels_out(kernels)),
            ("biases", Self::lists_out(biases.iter().map(Vec::as_slice))),
        ])
    }
}

impl WidgetState for Backprop {
    const NAME: WidgetName = WidgetName::Backprop;
    const KEYS: &'static [&'static str] = &[
        "sizes",
        "activation",
        "output_activation",
        "loss",
        "kernels",
        "biases",
        "x",
        "y",
        "learning_rate",
        "stage",
        "check",
    ];

    fn with(&self, key: &str, value: &Value) -> Result<Self, Refusal> {
        let mut next = self.clone();
        match key {
            "sizes" => {
                let sizes = numbers_within(key, value, (2, MAX_LAYERS), (1.0, MAX_UNITS as f64))?;
                if let Some(&v) = sizes.iter().find(|v| v.fract() != 0.0) {
                    return Err(Refusal::at(key, Reason::NotWhole { got: v }));
                }
                let sizes: Vec<usize> = sizes.into_iter().map(|v| v as usize).collect();
                if sizes != self.net.sizes() {
                    next = self.reshaped(&sizes);
                }
            }
            "activation" => next.net.hidden = activation_named(key, value)?,
            "output_activation" => {
                let name = choice(key, value, OUTPUT_ACTIVATIONS)?;
                next.net.output = Activation::ALL
                    .into_iter()
                    .find(|a| a.name() == name)
                    .expect("every output activation is an engine activation");
            }
            "loss" => next.net.loss = engine_loss(choice(key, value, LOSSES)?),
            "kernels" => {
                let matrices = value
                    .matrices()
                    .map_err(|reason| Refusal::at(key, reason))?;
                if matrices.len() >= MAX_LAYERS {
                    return Err(Refusal::at(
                        key,
                        Reason::Length {
                            min: 1,
                            max: MAX_LAYERS - 1,
                            got: matrices.len(),
                        },
                    ));
                }
                let mut kernels = Vec::with_capacity(matrices.len());
                for (l, rows) in matrices.into_iter().enumerate() {
                    let (height, width) = (rows.len(), rows.first().map_or(0, Vec::len));
                    let ragged = rows.iter().any(|r| r.len() != width);
                    if ragged || height > MAX_UNITS || width > MAX_UNITS {
                        let widest = rows.iter().map(Vec::len).max().unwrap_or(0);
                        return Err(misshapen(
                            key,
                            format!("kernels[{l}]"),
                            format!("≤ {MAX_UNITS}×{MAX_UNITS}, rows of one length"),
                            shape_text(height, widest),
                            "sizes",
                        ));
                    }
                    for &v in rows.iter().flatten() {
                        check_range(key, v, -LIMIT, LIMIT)?;
                    }
                    let flat = rows.into_iter().flatten().collect();
                    let kernel =
                        Array2::from_shape_vec((height, width), flat).expect("rows of one length");
                    kernels.push(kernel);
                }
                next.net.kernels = kernels;
            }
            "biases" => {
                let lists = value.lists().map_err(|reason| Refusal::at(key, reason))?;
                for &v in lists.iter().flatten() {
                    check_range(key, v, -LIMIT, LIMIT)?;
                }
                next.net.biases = lists.into_iter().map(Array1::from).collect();
            }
            "x" => next.x = numbers_within(key, value, (1, MAX_UNITS), (-LIMIT, LIMIT))?,
            "y" => next.y = numbers_within(key, value, (1, MAX_UNITS), (-LIMIT, LIMIT))?,
            "learning_rate" => {
                let v = value.number().map_err(|reason| Refusal::at(key, reason))?;
                next.learning_rate = check_range(key, v, LEARNING_RATES.0, LEARNING_RATES.1)?;
            }
            "stage" => {
                let v = value.number().map_err(|reason| Refusal::at(key, reason))?;
                let last = self.stages().len() - 1;
                let v = check_range(key, v, 0.0, last as f64)?;
                if v.fract() != 0.0 {
                    return Err(Refusal::at(key, Reason::NotWhole { got: v }));
                }
                next.stage = v as usize;
            }
            "check" => next.check = value.flag().map_err(|reason| Refusal::at(key, reason))?,
            _ => unreachable!("keys are checked by `patched`"),
        }
        Ok(next)
    }

    fn validate(&self) -> Result<(), Refusal> {
        let sizes = self.net.sizes();
        let layers = sizes.len() - 1;
        let count = |key: &'static str, got: usize| {
            misshapen(
                key,
                key.into(),
                format!("{layers} layers"),
                format!("{got}"),
                "sizes",
            )
        };
        if self.net.kernels.is_empty() || self.net.kernels.len() != self.net.biases.len() {
            return Err(count("biases", self.net.biases.len()));
        }
        for (l, kernel) in self.net.kernels.iter().enumerate() {
            if l > 0 && kernel.nrows() != sizes[l] {
                return Err(misshapen(
                    "kernels",
                    format!("kernels[{l}]"),
                    shape_text(sizes[l], kernel.ncols()),
                    shape_text(kernel.nrows(), kernel.ncols()),
                    "sizes",
                ));
            }
            if kernel.ncols() == 0 {
                return Err(count("kernels", kernel.ncols()));
            }
        }
        for (l, kernel) in self.net.kernels.iter().enumerate() {
            let bias = self.net.biases[l].len();
            if bias != kernel.ncols() {
                return Err(misshapen(
                    "biases",
                    format!("biases[{l}]"),
                    format!("{}", kernel.ncols()),
                    format!("{bias}"),
                    "kernels",
                ));
            }
        }
        for (key, len, want) in [
            ("x", self.x.len(), sizes[0]),
            ("y", self.y.len(), sizes[layers]),
        ] {
            if len != want {
                return Err(misshapen(
                    key,
                    key.into(),
                    format!("{want}"),
                    format!("{len}"),
                    "sizes",
                ));
            }
        }
        if self.net.loss != Loss::MeanSquaredError {
            for &v in &self.y {
                check_range("y", v, 0.0, 1.0)?;
            }
        }
        if self.stage >= self.stages().len() {
            let last = self.stages().len() - 1;
            return Err(Refusal::at(
                "stage",
                Reason::OutOfRange {
                    min: 0.0,
                    max: last as f64,
                    got: self.stage as f64,
                },
            ));
        }
        Ok(())
    }

    fn fields(&self) -> Fields {
        let sizes = self.net.sizes().into_iter().map(|s| s as f64).collect();
        vec![
            ("sizes", Out::List(sizes)),
            ("activation", Out::Text(self.net.hidden.name())),
            ("output_activation", Out::Text(self.net.output.name())),
            ("loss", Out::Text(loss_name(self.net.loss))),
            ("kernels", Self::kernels_out(&self.net.kernels)),
            (
                "biases",
                Self::lists_out(self.net.biases.iter().map(|b| b.as_slice().unwrap_or(&[]))),
            ),
            ("x", Out::List(self.x.clone())),
            ("y", Out::List(self.y.clone())),
            ("learning_rate", Out::Number(self.learning_rate)),
            ("stage", Out::Number(self.stage as f64)),
            ("check", Out::Flag(self.check)),
        ]
    }

    fn outputs(&self) -> Fields {
        let computed = self.computed();
        let step = &computed.step;
        let mut activations = vec![self.x.as_slice()];
        activations.extend(step.layers.iter().map(|l| l.a.as_slice()));
        let grads: Vec<Array2<f64>> = step.layers.iter().map(|l| l.grads.kernel.clone()).collect();
        vec![
            ("activations", Self::lists_out(activations.into_iter())),
            (
                "z",
                Self::lists_out(step.layers.iter().map(|l| l.z.as_slice())),
            ),
            (
                "deltas",
                Self::lists_out(step.layers.iter().map(|l| l.delta.as_slice())),
            ),
            ("output", Out::List(step.output().to_vec())),
            ("loss", Out::Number(step.loss)),
            (
                "grads",
                Self::params_out(&grads, step.layers.iter().map(|l| l.grads.bias.clone())),
            ),
            (
                "updated",
                Self::params_out(
                    &step.updated.kernels,
                    step.updated.biases.iter().map(|b| b.to_vec()),
                ),
            ),
            ("loss_after", Out::Number(computed.loss_after)),
            ("stages", Out::Number(self.stages().len() as f64)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::patch;
    use crate::widgets::value::as_patch;

    fn find<'a>(fields: &'a Fields, key: &str) -> &'a Out {
        &fields.iter().find(|(k, _)| *k == key).expect(key).1
    }

    #[test]
    fn the_default_is_the_textbook_network_and_its_outputs_are_the_engines() {
        let state = Backprop::default();
        assert_eq!(state.net.sizes(), vec![2, 2, 1]);
        let outputs = state.outputs();
        let step = state.step();
        assert_eq!(find(&outputs, "loss"), &Out::Number(step.loss));
        // ŷ = σ(0.3·σ(0.755) + 0.9·σ(0.68)) = 0.690 28…
        let Out::List(output) = find(&outputs, "output") else {
            panic!()
        };
        assert!((output[0] - 0.690_28).abs() < 1e-5);
        let Out::Record(grads) = find(&outputs, "grads") else {
            panic!()
        };
        let Out::Array(kernels) = find(grads, "kernels") else {
            panic!()
        };
        let Out::Array(rows) = &kernels[1] else {
            panic!()
        };
        assert_eq!(
            rows[0],
            Out::List(vec![step.layers[1].grads.kernel[[0, 0]]])
        );
        // Start, three units forward, the loss, (δ + two weights) for each of three units,
        // the update.
        assert_eq!(find(&outputs, "stages"), &Out::Number(15.0));
    }

    #[test]
    fn the_stages_go_forward_unit_by_unit_then_back_edge_by_edge() {
        let all = stages(&[2, 2, 1]);
        assert_eq!(all[1], Stage::Forward { layer: 0, unit: 0 });
        assert_eq!(all[3], Stage::Forward { layer: 1, unit: 0 });
        assert_eq!(all[4], Stage::Loss);
        assert_eq!(all[5], Stage::Delta { layer: 1, unit: 0 });
        assert_eq!(
            all[6],
            Stage::Weight {
                layer: 1,
                from: 0,
                to: 0
            }
        );
        assert_eq!(all[8], Stage::Delta { layer: 0, unit: 0 });
        assert_eq!(all.last(), Some(&Stage::Update));
    }

    #[test]
    fn the_kept_stages_are_always_those_of_the_networks_shape() {
        let small = Backprop::default();
        let large = small
            .patched(&patch(&[("sizes", Value::List(vec![2.0, 4.0, 4.0, 3.0]))]))
            .unwrap();
        // Asked in turn, each state gets its own shape's stages, not the last one's.
        for state in [&small, &large, &small, &large, &large] {
            assert_eq!(*state.stages(), *stages(&state.net.sizes()));
            assert!(has_sizes(&state.net, &state.net.sizes()));
        }
        assert!(!has_sizes(&small.net, &large.net.sizes()));
        assert!(!has_sizes(&small.net, &[2, 2]));
        assert_eq!((small.stages().len(), large.stages().len()), (15, 61));
        // Position and reached agree with the list.
        let at = large.with("stage", &Value::Number(30.0)).unwrap();
        for (i, &stage) in at.stages().iter().enumerate() {
            assert_eq!(at.position(stage), Some(i));
            assert_eq!(at.reached(stage), i <= 30);
        }
        assert_eq!(at.current_stage(), at.stages()[30]);
        assert_eq!(small.position(Stage::Forward { layer: 2, unit: 0 }), None);
    }

    #[test]
    fn a_change_of_stage_alone_reuses_the_computed_step() {
        let state = Backprop::default()
            .patched(&patch(&[("check", Value::Flag(true))]))
            .unwrap();
        let first = state.computed();
        let later = state.with("stage", &Value::Number(7.0)).unwrap();
        assert!(Arc::ptr_eq(&first, &later.computed()));
        let moved = later.with("x", &Value::List(vec![0.5, 0.9])).unwrap();
        let again = moved.computed();
        assert!(!Arc::ptr_eq(&first, &again));
        assert_eq!(again.step, moved.step());
        assert_eq!(again.numeric.as_ref(), Some(&moved.numeric_gradients()));
    }

    #[test]
    fn a_whole_network_can_be_set_in_any_key_order() {
        let kernels = Value::Nested(vec![
            Value::Nested(vec![Value::List(vec![1.0, 2.0, 3.0])]),
            Value::Nested(vec![
                Value::List(vec![0.5]),
                Value::List(vec![-0.5]),
                Value::List(vec![0.25]),
            ]),
        ]);
        let biases = Value::Nested(vec![Value::List(vec![0.0; 3]), Value::List(vec![0.1])]);
        // `kernels` before `sizes`: the sizes still reshape first, then the kernels are taken.
        let state = Backprop::default()
            .patched(&patch(&[
                ("kernels", kernels),
                ("biases", biases),
                ("sizes", Value::List(vec![1.0, 3.0, 1.0])),
                ("x", Value::List(vec![2.0])),
                ("activation", Value::Text("tanh".into())),
                ("output_activation", Value::Text("linear".into())),
            ]))
            .unwrap();
        assert_eq!(state.net.kernels[0], ndarray::array![[1.0, 2.0, 3.0]]);
        assert_eq!(state.y, vec![0.5]);
        let again = Backprop::default()
            .patched(&as_patch(state.fields()))
            .unwrap();
        assert_eq!(again, state);
    }

    #[test]
    fn new_sizes_keep_the_weights_that_still_fit() {
        let state = Backprop::default()
            .patched(&patch(&[("sizes", Value::List(vec![3.0, 2.0, 2.0]))]))
            .unwrap();
        assert_eq!(state.net.kernels[0][[1, 1]], 0.6);
        assert_eq!(state.net.kernels[0].dim(), (3, 2));
        assert_eq!((state.x.len(), state.y.len()), (3, 2));
        assert!(state.validate().is_ok());
    }

    #[test]
    fn hostile_values_are_refused() {
        let start = Backprop::default();
        let wide = Value::Nested(vec![Value::Nested(vec![Value::List(vec![1.0; 50])])]);
        let cases = [
            ("sizes", Value::List(vec![2.0; 50])),
            ("sizes", Value::List(vec![2.0, 5.0, 1.0])),
            ("sizes", Value::List(vec![2.0, 1.5])),
            ("sizes", Value::List(vec![2.0])),
            ("kernels", wide),
            ("kernels", Value::List(vec![1.0, 2.0])),
            (
                "kernels",
                Value::Nested(vec![Value::Nested(vec![Value::List(vec![f64::NAN, 0.0])])]),
            ),
            (
                "kernels",
                Value::Nested(vec![
                    Value::Nested(vec![Value::List(vec![0.0, 0.0]); 2]),
                    Value::Nested(vec![Value::List(vec![0.0]); 3]),
                ]),
            ),
            ("biases", Value::Nested(vec![Value::List(vec![0.0]); 2])),
            ("biases", Value::Number(f64::INFINITY)),
            ("x", Value::List(vec![1.0])),
            ("y", Value::List(vec![1e9])),
            ("learning_rate", Value::Number(f64::NAN)),
            ("learning_rate", Value::Number(0.0)),
            ("stage", Value::Number(1e9)),
            ("stage", Value::Number(1.5)),
            ("check", Value::Text("perhaps".into())),
            ("activation", Value::Text("softmax".into())),
            ("loss", Value::Text("hinge".into())),
        ];
        for (key, value) in cases {
            let refusal = start
                .patched(&patch(&[(key, value.clone())]))
                .expect_err(&format!("{key} = {value:?}"));
            assert!(
                refusal.key.is_some(),
                "{key} = {value:?} refused without a key"
            );
        }
        // Cross-entropy needs targets in [0, 1].
        let ce = patch(&[
            ("loss", Value::Text("binary_cross_entropy".into())),
            ("y", Value::List(vec![2.0])),
        ]);
        assert_eq!(start.patched(&ce).unwrap_err().key.as_deref(), Some("y"));
    }
}
