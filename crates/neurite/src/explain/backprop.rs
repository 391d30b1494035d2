//! One training step of a small dense network on one example, taken apart stage by stage:
//! every unit's `z` and `a` on the way forward, the loss, every unit's `∂L/∂a` and
//! `δ = ∂L/∂z` on the way back, every parameter's gradient, and the plain SGD update.
//!
//! Each layer is the engine's [`Dense`] (linear, so that `z` can be read) followed by the
//! [`Activation`]'s own forward and backward passes — the same code as a model of `Dense` and
//! `Activation` layers; the loss and its gradient are the engine's [`Loss`]; the update is the
//! engine's [`Optimizer`] with [`OptimizerSpec::sgd`]. [`numeric_gradients`] is the gradient
//! check: central differences of the same loss, parameter by parameter.
//!
//! ```
//! use ndarray::array;
//! use neurite::explain::{Network, backprop_step};
//! use neurite::{Activation, Loss};
//!
//! // One linear unit, y = 2x + 1, at x = 1 against 4, with MSE: L = (3 − 4)² = 1,
//! // ∂L/∂y = 2·(3 − 4) = −2, so ∂L/∂w = −2·x = −2 and w ← 2 − 0.1·(−2) = 2.2.
//! let net = Network {
//!     kernels: vec![array![[2.0]]],
//!     biases: vec![array![1.0]],
//!     hidden: Activation::Linear,
//!     output: Activation::Linear,
//!     loss: Loss::MeanSquaredError,
//! };
//! let step = backprop_step(&net, &[1.0], &[4.0], 0.1);
//! assert_eq!(step.loss, 1.0);
//! assert_eq!(step.layers[0].grads.kernel[[0, 0]], -2.0);
//! assert!((step.updated.kernels[0][[0, 0]] - 2.2).abs() < 1e-12);
//! ```

use ndarray::{Array1, Array2, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::layers::{Dense, ForwardContext, Layer};
use crate::{Activation, Loss, Optimizer, OptimizerSpec, Targets};

/// The step of the gradient check's central differences (as the engine's own gradient checks).
pub const CHECK_STEP: f64 = 1e-6;

/// A small dense network: one kernel and one bias per layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Per layer, the kernel in Keras's layout `[inputs, units]`: `kernels[l][[i, j]]` is the
    /// weight from unit `i` of the layer below to unit `j`.
    pub kernels: Vec<Array2<f64>>,
    /// Per layer, one bias per unit.
    pub biases: Vec<Array1<f64>>,
    /// The activation of every layer but the last.
    pub hidden: Activation,
    /// The last layer's activation.
    pub output: Activation,
    /// The loss of the last layer's output against the target.
    pub loss: Loss,
}

impl Network {
    /// Units per layer, the inputs first.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.kernels.first().map_or(0, |k| k.nrows())];
        sizes.extend(self.kernels.iter().map(|k| k.ncols()));
        sizes
    }

    /// The activation of layer `layer` (0 is the first layer of units).
    pub fn activation(&self, layer: usize) -> Activation {
        if layer + 1 == self.kernels.len() {
            self.output
        } else {
            self.hidden
        }
    }

    #[track_caller]
    fn check(&self, x: &[f64], y: &[f64]) {
        assert!(!self.kernels.is_empty(), "backprop: no layers");
        assert_eq!(self.kernels.len(), self.biases.len(), "backprop: biases");
        let sizes = self.sizes();
        for (l, (kernel, bias)) in self.kernels.iter().zip(&self.biases).enumerate() {
            assert_eq!(kernel.nrows(), sizes[l], "backprop: kernel {l} rows");
            assert_eq!(bias.len(), kernel.ncols(), "backprop: bias {l}");
        }
        assert_eq!(x.len(), sizes[0], "backprop: inputs");
        assert_eq!(y.len(), *sizes.last().expect("sizes"), "backprop: targets");
    }

    /// The engine's layers for this network: one linear [`Dense`] per layer.
    fn dense_layers(&self) -> Vec<Dense<f64>> {
        self.kernels
            .iter()
            .zip(&self.biases)
            .enumerate()
            .map(|(l, (kernel, bias))| {
                Dense::from_parts(
                    format!("dense_{}", l + 1),
                    kernel.clone(),
                    bias.clone(),
                    Activation::Linear,
                )
            })
            .collect()
    }
}

/// A layer's parameter gradients.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerGrads {
    /// `∂L/∂kernel`, in the kernel's layout.
    pub kernel: Array2<f64>,
    /// `∂L/∂bias`.
    pub bias: Vec<f64>,
}

/// What one layer of units did in the step.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerTrace {
    /// Each unit's pre-activation `z = Σᵢ aᵢ wᵢⱼ + bⱼ`.
    pub z: Vec<f64>,
    /// Each unit's activation `a = f(z)`.
    pub a: Vec<f64>,
    /// `∂L/∂a`: from the loss for the last layer, else `Σₖ wⱼₖ δₖ` from the layer above.
    pub grad_a: Vec<f64>,
    /// `δ = ∂L/∂z = ∂L/∂a · f′(z)`.
    pub delta: Vec<f64>,
    /// The parameter gradients: `∂L/∂wᵢⱼ = aᵢ δⱼ`, `∂L/∂bⱼ = δⱼ`.
    pub grads: LayerGrads,
}

/// One training step on one example.
#[derive(Debug, Clone, PartialEq)]
pub struct BackpropStep {
    /// Per layer of units, in order from the first.
    pub layers: Vec<LayerTrace>,
    /// The loss of the output against the target.
    pub loss: f64,
    /// The network after one SGD update.
    pub updated: Network,
}

impl BackpropStep {
    /// The network's output (the last layer's activations).
    pub fn output(&self) -> &[f64] {
        &self.layers.last().expect("a network has a layer").a
    }
}

fn row(values: &[f64]) -> ArrayView2<'_, f64> {
    ArrayView2::from_shape((1, values.len()), values).expect("one row")
}

fn to_vec(row: Array2<f64>) -> Vec<f64> {
    row.into_raw_vec_and_offset().0
}

/// Every layer's `(z, a)` for input `x`, through `layers`.
fn forward(net: &Network, layers: &mut [Dense<f64>], x: &[f64]) -> Vec<(Vec<f64>, Vec<f64>)> {
    // Linear dense layers never draw from the generator.
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut ctx = ForwardContext {
        training: true,
        rng: &mut rng,
    };
    let mut input = x.to_vec();
    let mut out = Vec::with_capacity(layers.len());
    for (l, layer) in layers.iter_mut().enumerate() {
        let mut z = Array2::zeros((1, layer.output_features()));
        layer.forward(row(&input), z.view_mut(), &mut ctx);
        let mut a = z.clone();
        net.activation(l).apply_inplace(a.view_mut());
        let (z, a) = (to_vec(z), to_vec(a));
        input = a.clone();
        out.push((z, a));
    }
    out
}

fn loss_of(net: &Network, prediction: &[f64], y: &[f64], grad: Option<&mut Array2<f64>>) -> f64 {
    net.loss.compute(
        row(prediction),
        Targets::Values(row(y)),
        false,
        grad.map(|g| g.view_mut()),
    )
}

/// The loss of `net` on `(x, y)`.
///
/// # Panics
/// If the shapes of `net`, `x` and `y` disagree.
#[track_caller]
pub fn network_loss(net: &Network, x: &[f64], y: &[f64]) -> f64 {
    net.check(x, y);
    loss_through(net, &mut net.dense_layers(), x, y)
}

/// The forward pass, the loss, the backward pass and one SGD step of `learning_rate` on the
/// example `(x, y)`.
///
/// # Panics
/// If the shapes of `net`, `x` and `y` disagree.
#[track_caller]
pub fn backprop_step(net: &Network, x: &[f64], y: &[f64], learning_rate: f64) -> BackpropStep {
    net.check(x, y);
    let mut layers = net.dense_layers();
    let values = forward(net, &mut layers, x);
    let mut grad = Array2::zeros((1, y.len()));
    let loss = loss_of(net, &values.last().expect("a layer").1, y, Some(&mut grad));

    let mut traces = Vec::with_capacity(layers.len());
    for l in (0..layers.len()).rev() {
        let (z, a) = &values[l];
        let input = if l == 0 { x } else { &values[l - 1].1 };
        let grad_a = to_vec(grad.clone());
        net.activation(l).backward_inplace(row(a), grad.view_mut());
        let delta = to_vec(grad.clone());
        let mut grad_input = (l > 0).then(|| Array2::zeros((1, input.len())));
        layers[l].backward(
            row(input),
            row(z),
            grad.view_mut(),
            grad_input.as_mut().map(|g| g.view_mut()),
        );
        traces.push(LayerTrace {
            z: z.clone(),
            a: a.clone(),
            grad_a,
            delta,
            grads: LayerGrads {
                kernel: layers[l].kernel_grad().to_owned(),
                bias: layers[l].bias_grad().to_vec(),
            },
        });
        if let Some(below) = grad_input {
            grad = below;
        }
    }
    traces.reverse();

    let mut optimizer = Optimizer::<f64>::new(OptimizerSpec::sgd());
    let mut params: Vec<_> = layers.iter_mut().flat_map(|l| l.params_mut()).collect();
    optimizer.step(learning_rate, &mut params);
    drop(params);
    let updated = Network {
        kernels: layers.iter().map(|l| l.kernel().to_owned()).collect(),
        biases: layers.iter().map(|l| l.bias().to_owned()).collect(),
        ..net.clone()
    };
    BackpropStep {
        layers: traces,
        loss,
        updated,
    }
}

/// The gradient check: `(L(θ + h) − L(θ − h)) / 2h` for every parameter θ, with
/// `h =` [`CHECK_STEP`]. A correct backward pass agrees with it to about 1e-9 relative away from
/// kinks (ReLU at 0) and the loss's clipping of probabilities.
///
/// # Panics
/// If the shapes of `net`, `x` and `y` disagree.
#[track_caller]
pub fn numeric_gradients(net: &Network, x: &[f64], y: &[f64]) -> Vec<LayerGrads> {
    net.check(x, y);
    // Two forward passes per parameter: the layers are built once and each parameter is moved
    // in place and put back (the same value, so that every pass sees the network it would were
    // it built afresh).
    let mut layers = net.dense_layers();
    let mut central = |entry: Entry| {
        let original = *entry.of(&mut layers);
        *entry.of(&mut layers) = original + CHECK_STEP;
        let up = loss_through(net, &mut layers, x, y);
        *entry.of(&mut layers) = original - CHECK_STEP;
        let down = loss_through(net, &mut layers, x, y);
        *entry.of(&mut layers) = original;
        (up - down) / (2.0 * CHECK_STEP)
    };
    net.kernels
        .iter()
        .enumerate()
        .map(|(l, kernel)| LayerGrads {
            kernel: Array2::from_shape_fn(kernel.raw_dim(), |(i, j)| {
                central(Entry::Kernel(l, i, j))
            }),
            bias: (0..kernel.ncols())
                .map(|j| central(Entry::Bias(l, j)))
                .collect(),
        })
        .collect()
}

/// The loss on `(x, y)` of `net`'s activations and loss, with `layers` as its dense layers.
fn loss_through(net: &Network, layers: &mut [Dense<f64>], x: &[f64], y: &[f64]) -> f64 {
    let values = forward(net, layers, x);
    loss_of(net, &values.last().expect("a layer").1, y, None)
}

/// One parameter of a [`Network`].
#[derive(Debug, Clone, Copy)]
enum Entry {
    /// Layer, row, column of a kernel.
    Kernel(usize, usize, usize),
    /// Layer, unit of a bias.
    Bias(usize, usize),
}

impl Entry {
    /// The parameter's value in `layers` (the network's dense layers).
    fn of(self, layers: &mut [Dense<f64>]) -> &mut f64 {
        // A dense layer's parameters are its kernel (row-major) and its bias, in that order.
        let (layer, tensor, at) = match self {
            Entry::Kernel(l, i, j) => (l, 0, i * layers[l].output_features() + j),
            Entry::Bias(l, j) => (l, 1, j),
        };
        let param = layers[layer].params_mut().swap_remove(tensor);
        debug_assert_eq!(param.name, ["kernel", "bias"][tensor]);
        &mut param.value[at]
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use rand::Rng;

    use super::*;

    fn sigmoid(z: f64) -> f64 {
        1.0 / (1.0 + (-z).exp())
    }

    /// The textbook network: inputs (0.35, 0.9), target 0.5, sigmoid everywhere, no biases.
    fn textbook() -> Network {
        Network {
            kernels: vec![array![[0.1, 0.4], [0.8, 0.6]], array![[0.3], [0.9]]],
            biases: vec![array![0.0, 0.0], array![0.0]],
            hidden: Activation::Sigmoid,
            output: Activation::Sigmoid,
            loss: Loss::MeanSquaredError,
        }
    }

    #[test]
    fn the_textbook_step_matches_the_chain_rule_by_hand() {
        let (x, y, lr) = ([0.35, 0.9], [0.5], 1.0);
        let step = backprop_step(&textbook(), &x, &y, lr);
        // Forward: z₁ = 0.35·0.1 + 0.9·0.8 = 0.755, z₂ = 0.35·0.4 + 0.9·0.6 = 0.68,
        // z₃ = 0.3·σ(0.755) + 0.9·σ(0.68) = 0.801 44…, ŷ = σ(z₃) = 0.690 28…
        let (a1, a2) = (sigmoid(0.755), sigmoid(0.68));
        let z3 = 0.3 * a1 + 0.9 * a2;
        let out = sigmoid(z3);
        assert!((out - 0.690_28).abs() < 1e-5, "{out}");
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
        assert!(close(step.layers[0].z[0], 0.755) && close(step.layers[0].z[1], 0.68));
        assert!(close(step.layers[1].z[0], z3) && close(step.output()[0], out));
        // Keras's MSE: L = (ŷ − y)², ∂L/∂ŷ = 2(ŷ − y); δ₃ = 2(ŷ − y)·ŷ(1 − ŷ).
        assert!(close(step.loss, (out - 0.5).powi(2)));
        let delta3 = 2.0 * (out - 0.5) * out * (1.0 - out);
        assert!(close(step.layers[1].grad_a[0], 2.0 * (out - 0.5)));
        assert!(close(step.layers[1].delta[0], delta3));
        // ∂L/∂w(h₁→o) = δ₃·a₁; hidden δ₁ = δ₃·w(h₁→o)·a₁(1 − a₁), ∂L/∂w(x₁→h₁) = δ₁·x₁.
        assert!(close(step.layers[1].grads.kernel[[0, 0]], delta3 * a1));
        assert!(close(step.layers[1].grads.kernel[[1, 0]], delta3 * a2));
        let delta1 = delta3 * 0.3 * a1 * (1.0 - a1);
        let delta2 = delta3 * 0.9 * a2 * (1.0 - a2);
        assert!(close(step.layers[0].grad_a[0], delta3 * 0.3));
        assert!(close(step.layers[0].delta[0], delta1));
        assert!(close(step.layers[0].grads.kernel[[0, 0]], delta1 * 0.35));
        assert!(close(step.layers[0].grads.kernel[[1, 1]], delta2 * 0.9));
        assert!(close(step.layers[0].grads.bias[1], delta2));
        // SGD: w ← w − η·∂L/∂w.
        assert!(close(
            step.updated.kernels[0][[0, 0]],
            0.1 - lr * delta1 * 0.35
        ));
        assert!(close(step.updated.biases[1][0], -lr * delta3));
    }

    fn random_network(rng: &mut impl Rng, case: usize) -> (Network, Vec<f64>, Vec<f64>) {
        let depth = rng.random_range(1..=3);
        let mut sizes = vec![rng.random_range(1..=4)];
        sizes.extend((0..depth).map(|_| rng.random_range(1..=4)));
        let mut uniform = |n| -> Vec<f64> { (0..n).map(|_| rng.random_range(-1.5..1.5)).collect() };
        let kernels = (0..depth)
            .map(|l| {
                Array2::from_shape_vec((sizes[l], sizes[l + 1]), uniform(sizes[l] * sizes[l + 1]))
                    .unwrap()
            })
            .collect();
        let biases = (0..depth)
            .map(|l| Array1::from(uniform(sizes[l + 1])))
            .collect();
        let x = uniform(sizes[0]);
        let hidden = [
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Linear,
            Activation::LeakyRelu,
        ][case % 4];
        let outputs = *sizes.last().unwrap();
        let (output, loss, y) = match case % 3 {
            0 => (Activation::Linear, Loss::MeanSquaredError, uniform(outputs)),
            1 => {
                let y = (0..outputs)
                    .map(|i| f64::from(i == case % outputs))
                    .collect();
                (Activation::Softmax, Loss::CategoricalCrossentropy, y)
            }
            _ => {
                let y = (0..outputs).map(|i| f64::from(i % 2 == 0)).collect();
                (Activation::Sigmoid, Loss::BinaryCrossentropy, y)
            }
        };
        let net = Network {
            kernels,
            biases,
            hidden,
            output,
            loss,
        };
        (net, x, y)
    }

    #[test]
    fn analytic_gradients_agree_with_the_gradient_check() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for case in 0..60 {
            let (net, x, y) = random_network(&mut rng, case);
            let step = backprop_step(&net, &x, &y, 0.1);
            let numeric = numeric_gradients(&net, &x, &y);
            for (l, (trace, check)) in step.layers.iter().zip(&numeric).enumerate() {
                let pairs = trace
                    .grads
                    .kernel
                    .iter()
                    .zip(&check.kernel)
                    .chain(trace.grads.bias.iter().zip(&check.bias));
                for (&a, &n) in pairs {
                    let error = (a - n).abs() / (a.abs() + n.abs()).max(1e-7);
                    assert!(error < 1e-6, "case {case} layer {l}: {a} vs {n} ({net:?})");
                }
            }
            for (l, trace) in step.layers.iter().enumerate() {
                let old = &net.kernels[l];
                let new = &step.updated.kernels[l];
                for ((&w, &g), &w2) in old.iter().zip(&trace.grads.kernel).zip(new) {
                    assert!((w - 0.1 * g - w2).abs() < 1e-15);
                }
            }
        }
    }

    #[test]
    fn the_check_is_the_central_difference_of_network_loss_exactly() {
        // The check moves each parameter inside layers it builds once; every estimate is still
        // the central difference of the loss of a network built afresh with that one change.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for case in 0..12 {
            let (net, x, y) = random_network(&mut rng, case);
            let numeric = numeric_gradients(&net, &x, &y);
            let central = |change: &dyn Fn(&mut Network, f64)| {
                let (mut up, mut down) = (net.clone(), net.clone());
                change(&mut up, CHECK_STEP);
                change(&mut down, -CHECK_STEP);
                (network_loss(&up, &x, &y) - network_loss(&down, &x, &y)) / (2.0 * CHECK_STEP)
            };
            for (l, check) in numeric.iter().enumerate() {
                for ((i, j), &n) in check.kernel.indexed_iter() {
                    let by_hand = central(&|net, h| net.kernels[l][[i, j]] += h);
                    assert_eq!(n.to_bits(), by_hand.to_bits(), "case {case} kernel {l}");
                }
                for (j, &n) in check.bias.iter().enumerate() {
                    let by_hand = central(&|net, h| net.biases[l][j] += h);
                    assert_eq!(n.to_bits(), by_hand.to_bits(), "case {case} bias {l}");
                }
            }
        }
    }

    #[test]
    fn a_wrong_gradient_would_be_caught() {
        // The check itself can fail: bending one weight's gradient is far outside 1e-6.
        let (x, y) = ([0.35, 0.9], [0.5]);
        let step = backprop_step(&textbook(), &x, &y, 1.0);
        let numeric = numeric_gradients(&textbook(), &x, &y);
        let (a, n) = (
            step.layers[0].grads.kernel[[0, 1]],
            numeric[0].kernel[[0, 1]],
        );
        assert!((a - n).abs() / (a.abs() + n.abs()) < 1e-8);
        let bent = a * 1.001;
        assert!((bent - n).abs() / (bent.abs() + n.abs()) > 1e-5);
        // And the numeric estimate is of this network, not another: it moves with a weight.
        let mut other = textbook();
        other.kernels[1][[0, 0]] = -0.3;
        assert!((numeric_gradients(&other, &x, &y)[0].kernel[[0, 1]] - n).abs() > 1e-4);
    }
}
