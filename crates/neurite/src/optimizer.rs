//! Optimizers: SGD (with momentum and Nesterov), Adam and RMSprop, with Keras's update rules
//! and defaults.
//!
//! An [`OptimizerSpec`] is plain configuration; an [`Optimizer`] holds the per-parameter state
//! (moments, velocities) and the step count. The learning rate is an argument of every
//! [`Optimizer::step`], so a learner can change it while training runs.
//!
//! The update rules are those of Keras 3 (`keras/src/optimizers/{sgd,adam,rmsprop}.py`):
//! - SGD: `v ← μv − ηg`; `w ← w + v`, or with Nesterov `w ← w + μv − ηg`; without momentum
//!   `w ← w − ηg`.
//! - Adam (Kingma & Ba, 2015, with the bias correction folded into the step size, as Keras
//!   does): `m ← m + (g − m)(1 − β₁)`, `v ← v + (g² − v)(1 − β₂)`,
//!   `α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)`, `w ← w − α·m / (√v + ε)`.
//! - RMSprop: `s ← ρs + (1 − ρ)g²`, `Δ = ηg / √(s + ε)`; `w ← w − Δ`, or with momentum
//!   `u ← μu + Δ`, `w ← w − u`.

use serde::{Deserialize, Serialize};

use crate::kernels::update::{AdamStep, adam_update};
use crate::layers::ParamMut;
use crate::{Bound, Error, Quantity, Reason, Result, Scalar};

fn default_beta_1() -> f64 {
    0.9
}
fn default_beta_2() -> f64 {
    0.999
}
fn default_epsilon() -> f64 {
    1e-7
}
fn default_rho() -> f64 {
    0.9
}

/// Which optimizer to use, with its hyperparameters (all but the learning rate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OptimizerSpec {
    /// Stochastic gradient descent; `momentum = 0` is plain SGD.
    Sgd {
        /// Momentum `μ`, in `[0, 1)`.
        #[serde(default)]
        momentum: f64,
        /// Nesterov's look-ahead form.
        #[serde(default)]
        nesterov: bool,
    },
    /// Adam.
    Adam {
        /// Decay of the first moment, `β₁`.
        #[serde(default = "default_beta_1")]
        beta_1: f64,
        /// Decay of the second moment, `β₂`.
        #[serde(default = "default_beta_2")]
        beta_2: f64,
        /// `ε` added to `√v`.
        #[serde(default = "default_epsilon")]
        epsilon: f64,
    },
    /// RMSprop (Hinton's lecture 6e, in Keras's form).
    Rmsprop {
        /// Decay of the squared-gradient average, `ρ`.
        #[serde(default = "default_rho")]
        rho: f64,
        /// Momentum `μ`, in `[0, 1)`.
        #[serde(default)]
        momentum: f64,
        /// `ε` added to the squared average under the root.
        #[serde(default = "default_epsilon")]
        epsilon: f64,
    },
}

impl Default for OptimizerSpec {
    fn default() -> Self {
        OptimizerSpec::adam()
    }
}

impl OptimizerSpec {
    /// Adam with Keras's defaults (β₁ 0.9, β₂ 0.999, ε 1e-7).
    pub fn adam() -> Self {
        OptimizerSpec::Adam {
            beta_1: default_beta_1(),
            beta_2: default_beta_2(),
            epsilon: default_epsilon(),
        }
    }

    /// Plain SGD.
    pub fn sgd() -> Self {
        OptimizerSpec::Sgd {
            momentum: 0.0,
            nesterov: false,
        }
    }

    /// RMSprop with Keras's defaults (ρ 0.9, no momentum, ε 1e-7).
    pub fn rmsprop() -> Self {
        OptimizerSpec::Rmsprop {
            rho: default_rho(),
            momentum: 0.0,
            epsilon: default_epsilon(),
        }
    }

    /// The optimizer's short name (`sgd`, `adam`, `rmsprop`).
    pub fn name(&self) -> &'static str {
        match self {
            OptimizerSpec::Sgd { .. } => "sgd",
            OptimizerSpec::Adam { .. } => "adam",
            OptimizerSpec::Rmsprop { .. } => "rmsprop",
        }
    }

    /// Keras's default learning rate for this optimizer.
    pub fn default_learning_rate(&self) -> f64 {
        match self {
            OptimizerSpec::Sgd { .. } => 0.01,
            OptimizerSpec::Adam { .. } | OptimizerSpec::Rmsprop { .. } => 0.001,
        }
    }

    /// Checks every hyperparameter's range.
    pub fn validate(&self) -> Result<()> {
        let unit = |field: &str, v: f64| {
            if v.is_finite() && (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(Error::invalid(
                    format!("optimizer.{field}"),
                    Reason::range(
                        Quantity::Number,
                        v,
                        Some(Bound::inclusive(0.0)),
                        Some(Bound::exclusive(1.0)),
                    ),
                ))
            }
        };
        let positive = |field: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(Error::invalid(
                    format!("optimizer.{field}"),
                    Reason::range(Quantity::Number, v, Some(Bound::exclusive(0.0)), None),
                ))
            }
        };
        match *self {
            OptimizerSpec::Sgd { momentum, .. } => unit("momentum", momentum),
            OptimizerSpec::Adam {
                beta_1,
                beta_2,
                epsilon,
            } => {
                unit("beta_1", beta_1)?;
                unit("beta_2", beta_2)?;
                positive("epsilon", epsilon)
            }
            OptimizerSpec::Rmsprop {
                rho,
                momentum,
                epsilon,
            } => {
                unit("rho", rho)?;
                unit("momentum", momentum)?;
                positive("epsilon", epsilon)
            }
        }
    }
}

/// An optimizer's running state for one model.
#[derive(Debug, Clone)]
pub struct Optimizer<F> {
    spec: OptimizerSpec,
    steps: u64,
    /// Per parameter tensor: the state vectors the rule needs (momentum; m and v; s and u).
    slots: Vec<Vec<Vec<F>>>,
}

impl<F: Scalar> Optimizer<F> {
    /// Fresh state for `spec` (validated by the caller's checked configuration).
    pub fn new(spec: OptimizerSpec) -> Self {
        Optimizer {
            spec,
            steps: 0,
            slots: Vec::new(),
        }
    }

    /// The configuration.
    pub fn spec(&self) -> &OptimizerSpec {
        &self.spec
    }

    /// How many updates have been applied.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The running state, per parameter tensor (in [`crate::Sequential::params_mut`] order)
    /// the state vectors of [`Optimizer::slots`], each as long as its tensor. Empty before the
    /// first update.
    pub fn state(&self) -> &[Vec<Vec<F>>] {
        &self.slots
    }

    /// An optimizer that continues after `steps` updates from `state` (as [`Optimizer::state`]
    /// returned it, or empty to start its state afresh). The caller checks that `state` fits
    /// the model: [`crate::checkpoint`] does for a file.
    ///
    /// # Panics
    /// If `state` is not empty and its tensors do not each hold one vector per slot.
    #[track_caller]
    pub fn resume(spec: OptimizerSpec, steps: u64, state: Vec<Vec<Vec<F>>>) -> Self {
        let optimizer = Optimizer {
            spec,
            steps,
            slots: state,
        };
        let per = optimizer.slots_per_param();
        assert!(
            optimizer.slots.iter().all(|tensor| tensor.len() == per),
            "optimizer: state does not hold {per} slot(s) per tensor"
        );
        optimizer
    }

    /// Becomes a copy of `other`, reusing its own buffers where the shapes agree.
    pub(crate) fn copy_from(&mut self, other: &Self) {
        self.spec = other.spec;
        self.steps = other.steps;
        self.slots.clone_from(&other.slots);
    }

    /// Forgets all state, as a fresh optimizer.
    pub fn reset(&mut self) {
        self.steps = 0;
        self.slots.clear();
    }

    fn slots_per_param(&self) -> usize {
        match self.spec {
            OptimizerSpec::Sgd { momentum, .. } => usize::from(momentum > 0.0),
            OptimizerSpec::Adam { .. } => 2,
            OptimizerSpec::Rmsprop { momentum, .. } => 1 + usize::from(momentum > 0.0),
        }
    }

    /// Applies one update with learning rate `learning_rate` to every parameter, from the
    /// gradients stored beside it.
    ///
    /// # Panics
    /// If the parameter list changes shape between steps (a bug in the caller).
    #[track_caller]
    pub fn step(&mut self, learning_rate: f64, params: &mut [ParamMut<'_, F>]) {
        if self.slots.is_empty() {
            let per = self.slots_per_param();
            self.slots = params
                .iter()
                .map(|p| vec![vec![F::zero(); p.value.len()]; per])
                .collect();
        }
        assert_eq!(
            self.slots.len(),
            params.len(),
            "optimizer: parameter count changed"
        );
        self.steps += 1;
        let lr = F::lit(learning_rate);
        for (param, slots) in params.iter_mut().zip(&mut self.slots) {
            let (w, g) = (&mut *param.value, &*param.grad);
            match self.spec {
                OptimizerSpec::Sgd { momentum, nesterov } => {
                    if let [velocity] = slots.as_mut_slice() {
                        let mu = F::lit(momentum);
                        for ((w, &g), v) in w.iter_mut().zip(g).zip(velocity) {
                            *v = *v * mu - g * lr;
                            *w += if nesterov { *v * mu - g * lr } else { *v };
                        }
                    } else {
                        for (w, &g) in w.iter_mut().zip(g) {
                            *w -= g * lr;
                        }
                    }
                }
                OptimizerSpec::Adam {
                    beta_1,
                    beta_2,
                    epsilon,
                } => {
                    let step = AdamStep {
                        alpha: F::lit(adam_step_size(learning_rate, beta_1, beta_2, self.steps)),
                        one_minus_beta_1: F::lit(1.0 - beta_1),
                        one_minus_beta_2: F::lit(1.0 - beta_2),
                        epsilon: F::lit(epsilon),
                    };
                    let [m, v] = slots.as_mut_slice() else {
                        unreachable!("adam keeps two slots")
                    };
                    adam_update(step, w, g, m, v);
                }
                OptimizerSpec::Rmsprop {
                    rho,
                    momentum,
                    epsilon,
                } => {
                    let (rho, keep, eps, mu) = (
                        F::lit(rho),
                        F::lit(1.0 - rho),
                        F::lit(epsilon),
                        F::lit(momentum),
                    );
                    let (square_avg, rest) = slots.split_first_mut().expect("rmsprop slot");
                    for (i, (w, &g)) in w.iter_mut().zip(g).enumerate() {
                        let s = &mut square_avg[i];
                        *s = rho * *s + keep * g * g;
                        let increment = lr * g / (*s + eps).sqrt();
                        if let Some(u) = rest.first_mut() {
                            u[i] = mu * u[i] + increment;
                            *w -= u[i];
                        } else {
                            *w -= increment;
                        }
                    }
                }
            }
        }
    }
}

/// Adam's bias-corrected step size at update `t` (from 1): `α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)`.
pub fn adam_step_size(learning_rate: f64, beta_1: f64, beta_2: f64, t: u64) -> f64 {
    let t = t as f64;
    learning_rate * (1.0 - beta_2.powf(t)).sqrt() / (1.0 - beta_1.powf(t))
}

/// One state value an optimizer keeps per parameter element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    /// SGD's velocity `v` (with momentum).
    Velocity,
    /// Adam's first moment `m`, the running mean of the gradient.
    FirstMoment,
    /// Adam's second moment `v`, the running mean of the squared gradient.
    SecondMoment,
    /// RMSprop's running mean of the squared gradient `s`.
    SquareAverage,
    /// RMSprop's momentum buffer `u`.
    Momentum,
}

impl Slot {
    /// The slot's name in a checkpoint's tensor names (`optimizer.dense_1.kernel.first_moment`).
    pub fn name(self) -> &'static str {
        match self {
            Slot::Velocity => "velocity",
            Slot::FirstMoment => "first_moment",
            Slot::SecondMoment => "second_moment",
            Slot::SquareAverage => "square_average",
            Slot::Momentum => "momentum",
        }
    }
}

/// What one update does to one parameter element, as [`Optimizer::element_step`] computes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementStep {
    /// The update's number `t`, from 1 (the optimizer's steps so far, plus this one).
    pub t: u64,
    /// The element's value before the update.
    pub value: f64,
    /// Its gradient.
    pub grad: f64,
    /// The learning rate `η`.
    pub learning_rate: f64,
    /// The state the rule keeps for the element, in the rule's order.
    pub slots: Vec<Slot>,
    /// Their values before the update (zeros before the first update).
    pub before: Vec<f64>,
    /// Their values after it.
    pub after: Vec<f64>,
    /// Adam's bias-corrected step size `α` at `t` (`None` for the other rules).
    pub adam_step_size: Option<f64>,
    /// The value after the update.
    pub updated: f64,
}

impl<F: Scalar> Optimizer<F> {
    /// The per-element state the rule keeps, in the order of [`ElementStep::slots`].
    pub fn slots(&self) -> Vec<Slot> {
        match self.spec {
            OptimizerSpec::Sgd { momentum, .. } if momentum > 0.0 => vec![Slot::Velocity],
            OptimizerSpec::Sgd { .. } => Vec::new(),
            OptimizerSpec::Adam { .. } => vec![Slot::FirstMoment, Slot::SecondMoment],
            OptimizerSpec::Rmsprop { momentum, .. } if momentum > 0.0 => {
                vec![Slot::SquareAverage, Slot::Momentum]
            }
            OptimizerSpec::Rmsprop { .. } => vec![Slot::SquareAverage],
        }
    }

    /// What the next update would do to element `index` of parameter tensor `param` (in
    /// [`crate::Sequential::params_mut`] order) if its value were `value` and its gradient
    /// `grad`: this optimizer's state for that element, copied into an `f64` optimizer that
    /// applies [`Optimizer::step`] to it alone. Nothing here changes.
    ///
    /// # Panics
    /// If the optimizer has stepped and `param` or `index` is out of its range.
    #[track_caller]
    pub fn element_step(
        &self,
        param: usize,
        index: usize,
        value: f64,
        grad: f64,
        learning_rate: f64,
    ) -> ElementStep {
        let slots = self.slots();
        let before: Vec<f64> = match self.slots.get(param) {
            Some(state) => state.iter().map(|s| s[index].to_f64_lossless()).collect(),
            None if self.slots.is_empty() => vec![0.0; slots.len()],
            None => panic!("optimizer: no parameter {param}"),
        };
        let mut scratch = Optimizer::<f64> {
            spec: self.spec,
            steps: self.steps,
            slots: vec![before.iter().map(|&s| vec![s]).collect()],
        };
        let (mut w, mut g) = ([value], [grad]);
        scratch.step(
            learning_rate,
            &mut [ParamMut {
                name: "element",
                shape: vec![1],
                value: &mut w,
                grad: &mut g,
                penalized: false,
            }],
        );
        let t = scratch.steps;
        ElementStep {
            t,
            value,
            grad,
            learning_rate,
            slots,
            before,
            after: scratch.slots[0].iter().map(|s| s[0]).collect(),
            adam_step_size: match self.spec {
                OptimizerSpec::Adam { beta_1, beta_2, .. } => {
                    Some(adam_step_size(learning_rate, beta_1, beta_2, t))
                }
                _ => None,
            },
            updated: w[0],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values: two steps on w₀ = [1, −2] with g₁ = [0.5, −0.25], g₂ = [0.1, 0.3] and
    // η = 0.1, computed in f64 by this Python transcription of Keras 3's update_step:
    //
    //   import math
    //   w=[1.0,-2.0]; m=[0,0]; v=[0,0]
    //   for t,g in enumerate([[0.5,-0.25],[0.1,0.3]],1):
    //       a=0.1*math.sqrt(1-0.999**t)/(1-0.9**t)
    //       for i in range(2):
    //           m[i]+=(g[i]-m[i])*(1-0.9); v[i]+=(g[i]**2-v[i])*(1-0.999)
    //           w[i]-=a*m[i]/(math.sqrt(v[i])+1e-7)
    //       print(w)                                   # Adam
    //   (SGD)     m[i]=m[i]*0.9-g[i]*0.1; w[i]+= m[i]*0.9-g[i]*0.1 if nesterov else m[i]
    //   (RMSprop) s[i]=0.9*s[i]+0.1*g[i]**2; d=0.1*g[i]/math.sqrt(s[i]+1e-7)
    //             u[i]=mu*u[i]+d; w[i]-=u[i]   (w[i]-=d when mu == 0)
    //
    // By hand for Adam's first step: m = 0.05, v = 2.5e-4, α = 0.1·√0.001/0.1 = 0.0316228, so
    // the step is α·0.05/(0.0158114 + 1e-7) = 0.1·(1 − 6.3e-6): bias correction makes the
    // first step almost exactly η·sign(g).
    const GRADS: [[f64; 2]; 2] = [[0.5, -0.25], [0.1, 0.3]];

    fn run(spec: OptimizerSpec) -> Vec<[f64; 2]> {
        let mut optimizer = Optimizer::<f64>::new(spec);
        let mut w = [1.0, -2.0];
        GRADS
            .iter()
            .map(|g| {
                let mut grad = *g;
                let mut params = [ParamMut {
                    name: "kernel",
                    shape: vec![2],
                    value: &mut w,
                    grad: &mut grad,
                    penalized: true,
                }];
                optimizer.step(0.1, &mut params);
                w
            })
            .collect()
    }

    fn assert_close(actual: &[[f64; 2]], expected: &[[f64; 2]]) {
        for (a, e) in actual.iter().flatten().zip(expected.iter().flatten()) {
            assert!((a - e).abs() < 1e-12, "{actual:?} vs {expected:?}");
        }
    }

    #[test]
    fn adam_matches_keras_at_steps_one_and_two_including_bias_correction() {
        assert_close(
            &run(OptimizerSpec::adam()),
            &[
                [0.9000006324515321, -1.9000012648950642],
                [0.819697032869824, -1.9142956221844034],
            ],
        );
    }

    #[test]
    fn sgd_plain_steps_against_the_gradient() {
        assert_close(
            &run(OptimizerSpec::sgd()),
            &[[0.95, -1.975], [0.94, -2.005]],
        );
    }

    #[test]
    fn sgd_with_momentum_matches_keras() {
        let spec = OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: false,
        };
        assert_close(
            &run(spec),
            &[[0.95, -1.975], [0.8949999999999999, -1.9825000000000002]],
        );
    }

    #[test]
    fn sgd_with_nesterov_matches_keras() {
        let spec = OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: true,
        };
        assert_close(&run(spec), &[[0.905, -1.9525], [0.8455, -1.98925]]);
    }

    #[test]
    fn rmsprop_matches_keras() {
        assert_close(
            &run(OptimizerSpec::rmsprop()),
            &[
                [0.6837728664367967, -1.6837747637749327],
                [0.6185401979242166, -1.9318433848569496],
            ],
        );
    }

    #[test]
    fn rmsprop_with_momentum_matches_keras() {
        let spec = OptimizerSpec::Rmsprop {
            rho: 0.9,
            momentum: 0.5,
            epsilon: 1e-7,
        };
        assert_close(
            &run(spec),
            &[
                [0.6837728664367967, -1.6837747637749327],
                [0.4604266311426149, -1.773730766744416],
            ],
        );
    }

    #[test]
    fn learning_rate_is_taken_per_step() {
        let mut optimizer = Optimizer::<f64>::new(OptimizerSpec::sgd());
        let mut w = [0.0];
        for lr in [1.0, 0.5] {
            let mut grad = [1.0];
            let mut params = [ParamMut {
                name: "bias",
                shape: vec![1],
                value: &mut w,
                grad: &mut grad,
                penalized: false,
            }];
            optimizer.step(lr, &mut params);
        }
        assert_eq!(w, [-1.5]);
    }

    #[test]
    fn out_of_range_hyperparameters_are_refused() {
        let bad = [
            OptimizerSpec::Sgd {
                momentum: 1.0,
                nesterov: false,
            },
            OptimizerSpec::Adam {
                beta_1: f64::NAN,
                beta_2: 0.999,
                epsilon: 1e-7,
            },
            OptimizerSpec::Adam {
                beta_1: 0.9,
                beta_2: 0.999,
                epsilon: 0.0,
            },
            OptimizerSpec::Rmsprop {
                rho: -0.1,
                momentum: 0.0,
                epsilon: 1e-7,
            },
        ];
        for spec in bad {
            assert!(
                matches!(spec.validate(), Err(Error::InvalidConfig { .. })),
                "{spec:?}"
            );
        }
        assert!(OptimizerSpec::adam().validate().is_ok());
    }

    #[test]
    fn specs_read_from_json_with_keras_defaults() {
        let spec: OptimizerSpec = serde_json::from_str(r#"{"type":"adam"}"#).unwrap();
        assert_eq!(spec, OptimizerSpec::adam());
        let spec: OptimizerSpec = serde_json::from_str(r#"{"type":"sgd","momentum":0.9}"#).unwrap();
        assert_eq!(
            spec,
            OptimizerSpec::Sgd {
                momentum: 0.9,
                nesterov: false
            }
        );
    }

    /// An optimizer on `[1, −2]` after the two steps of [`GRADS`] at η = 0.1, and its weights.
    fn stepped(spec: OptimizerSpec) -> (Optimizer<f64>, [f64; 2]) {
        let mut optimizer = Optimizer::<f64>::new(spec);
        let mut w = [1.0, -2.0];
        for g in GRADS {
            let mut grad = g;
            optimizer.step(
                0.1,
                &mut [ParamMut {
                    name: "kernel",
                    shape: vec![2],
                    value: &mut w,
                    grad: &mut grad,
                    penalized: true,
                }],
            );
        }
        (optimizer, w)
    }

    #[test]
    fn an_element_step_is_the_next_real_step_of_that_element_and_changes_nothing() {
        let momentum = OptimizerSpec::Sgd {
            momentum: 0.9,
            nesterov: false,
        };
        let rms_momentum = OptimizerSpec::Rmsprop {
            rho: 0.9,
            momentum: 0.5,
            epsilon: 1e-7,
        };
        for spec in [
            OptimizerSpec::adam(),
            momentum,
            rms_momentum,
            OptimizerSpec::sgd(),
        ] {
            let (mut optimizer, mut w) = stepped(spec);
            let (index, g3) = (1, -0.7);
            let untouched = format!("{:?}", optimizer.slots);
            let preview = optimizer.element_step(0, index, w[index], g3, 0.05);
            assert_eq!(untouched, format!("{:?}", optimizer.slots), "{spec:?}");
            assert_eq!(optimizer.steps(), 2, "{spec:?}");
            // The real third step, on both elements.
            let mut grad = [0.2, g3];
            optimizer.step(
                0.05,
                &mut [ParamMut {
                    name: "kernel",
                    shape: vec![2],
                    value: &mut w,
                    grad: &mut grad,
                    penalized: true,
                }],
            );
            assert_eq!(preview.t, 3);
            assert_eq!(preview.updated, w[index], "{spec:?}");
            let after: Vec<f64> = optimizer.slots[0].iter().map(|s| s[index]).collect();
            assert_eq!(preview.after, after, "{spec:?}");
            assert_eq!(preview.slots.len(), preview.before.len());
        }
    }

    #[test]
    fn adams_first_element_step_matches_hand_arithmetic() {
        // Fresh Adam, g = 0.5, η = 0.1: m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 2.5e-4,
        // α = 0.1·√(1 − 0.999)/(1 − 0.9) = 0.0316227766, step = α·0.05/(√2.5e-4 + 1e-7)
        // = 0.0316227766·0.05/0.0158114883 = 0.0999993675.
        let step = Optimizer::<f32>::new(OptimizerSpec::adam()).element_step(3, 7, 1.0, 0.5, 0.1);
        assert_eq!(step.slots, vec![Slot::FirstMoment, Slot::SecondMoment]);
        assert_eq!(step.before, vec![0.0, 0.0]);
        assert!((step.after[0] - 0.05).abs() < 1e-15 && (step.after[1] - 2.5e-4).abs() < 1e-15);
        assert!((step.adam_step_size.unwrap() - 0.031_622_776_6).abs() < 1e-10);
        assert!(
            (1.0 - step.updated - 0.099_999_367_5).abs() < 1e-10,
            "{step:?}"
        );
    }
}
