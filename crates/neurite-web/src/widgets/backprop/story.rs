//! What each stage of the backprop widget says: a heading, a sentence, and the stage's
//! formula written out with its numbers. Every number is the engine's (the step's trace); the
//! products written beside them only spell out how the engine's number arises.

use neurite::explain::{BackpropStep, LayerGrads, Network};
use neurite::{Activation, Loss};

use super::{Backprop, Stage};
use crate::i18n::{Tr, backprop as text};

/// Digits as subscripts or superscripts.
fn script(n: usize, digits: [char; 10]) -> String {
    n.to_string()
        .chars()
        .map(|c| digits[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

fn sub(n: usize) -> String {
    script(n, ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'])
}

fn sup(n: usize) -> String {
    script(n, ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'])
}

/// The name of unit `unit` at depth `depth` (0 the input, the last the output): `x₁`, `h₂`
/// (or `h¹₂` with several hidden layers), `ŷ` (or `ŷ₁` with several outputs).
pub fn unit_name(sizes: &[usize], depth: usize, unit: usize) -> String {
    let last = sizes.len() - 1;
    if depth == 0 {
        format!("x{}", sub(unit + 1))
    } else if depth == last {
        if sizes[last] == 1 {
            "ŷ".into()
        } else {
            format!("ŷ{}", sub(unit + 1))
        }
    } else if last == 2 {
        format!("h{}", sub(unit + 1))
    } else {
        format!("h{}{}", sup(depth), sub(unit + 1))
    }
}

/// The name of the weight of layer `layer` from unit `from` below to unit `to`.
pub fn weight_name(sizes: &[usize], layer: usize, from: usize, to: usize) -> String {
    format!(
        "w({}→{})",
        unit_name(sizes, layer, from),
        unit_name(sizes, layer + 1, to)
    )
}

/// The name of the bias of unit `unit` of layer `layer`.
pub fn bias_name(sizes: &[usize], layer: usize, unit: usize) -> String {
    format!("b({})", unit_name(sizes, layer + 1, unit))
}

/// A number as the widget writes it: four significant digits, a true minus sign.
pub fn num(v: f64) -> String {
    let a = v.abs();
    let text = if v == 0.0 {
        "0".to_string()
    } else if !(1e-4..1e5).contains(&a) {
        format!("{v:.3e}")
    } else {
        let decimals = (3 - a.log10().floor() as i32).clamp(0, 7) as usize;
        format!("{v:.decimals$}")
    };
    text.replace('-', "−")
}

/// [`num`] in parentheses when negative, as a factor in a product.
fn factor(v: f64) -> String {
    if v < 0.0 {
        format!("({})", num(v))
    } else {
        num(v)
    }
}

/// The activation `a` of unit `unit` at depth `depth`, written: the input itself, or `a(h₁)`.
fn carried(sizes: &[usize], depth: usize, unit: usize) -> String {
    let name = unit_name(sizes, depth, unit);
    if depth == 0 {
        name
    } else {
        format!("a({name})")
    }
}

/// A stage's explanation.
pub struct Story {
    /// Which phase it belongs to.
    pub title: Tr,
    /// What happens, in words.
    pub sentence: Tr,
    /// The formula with the numbers.
    pub lines: Vec<String>,
}

/// The activations into layer `layer` (the input for the first).
fn inputs<'a>(state: &'a Backprop, step: &'a BackpropStep, layer: usize) -> &'a [f64] {
    if layer == 0 {
        &state.x
    } else {
        &step.layers[layer - 1].a
    }
}

fn forward(state: &Backprop, step: &BackpropStep, layer: usize, unit: usize) -> Vec<String> {
    let (net, sizes) = (&state.net, state.net.sizes());
    let name = unit_name(&sizes, layer + 1, unit);
    let below = inputs(state, step, layer);
    let terms: Vec<String> = (0..sizes[layer])
        .map(|i| {
            format!(
                "{}·{}",
                carried(&sizes, layer, i),
                weight_name(&sizes, layer, i, unit)
            )
        })
        .collect();
    let numbers: Vec<String> = below
        .iter()
        .enumerate()
        .map(|(i, &a)| format!("{}·{}", factor(a), factor(net.kernels[layer][[i, unit]])))
        .collect();
    let trace = &step.layers[layer];
    let activation = net.activation(layer);
    let a_line = if activation == Activation::Softmax {
        format!(
            "a({name}) = softmax(z){} = {}",
            sub(unit + 1),
            num(trace.a[unit])
        )
    } else {
        format!(
            "a({name}) = {f}(z) = {f}({}) = {}",
            num(trace.z[unit]),
            num(trace.a[unit]),
            f = activation.name()
        )
    };
    vec![
        format!(
            "z({name}) = {} + {}",
            terms.join(" + "),
            bias_name(&sizes, layer, unit)
        ),
        format!(
            "      = {} + {} = {}",
            numbers.join(" + "),
            factor(net.biases[layer][unit]),
            num(trace.z[unit])
        ),
        a_line,
    ]
}

fn loss_lines(state: &Backprop, step: &BackpropStep) -> Vec<String> {
    let out = step.output();
    let n = out.len();
    let pairs = out.iter().zip(&state.y);
    let (formula, numbers) = match state.net.loss {
        Loss::MeanSquaredError => (
            "L = mean((ŷ − y)²)".to_string(),
            format!(
                "  = ({}) / {n}",
                pairs
                    .map(|(p, y)| format!("({} − {})²", factor(*p), factor(*y)))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
        ),
        Loss::BinaryCrossentropy => (
            "L = −mean(y·ln ŷ + (1 − y)·ln(1 − ŷ))".to_string(),
            format!(
                "  = −({}) / {n}",
                pairs
                    .map(|(p, y)| format!(
                        "{}·ln {} + {}·ln {}",
                        factor(*y),
                        factor(*p),
                        factor(1.0 - y),
                        factor(1.0 - p)
                    ))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
        ),
        _ => (
            "L = −Σ y·ln ŷ".to_string(),
            format!(
                "  = −({})",
                pairs
                    .map(|(p, y)| format!("{}·ln {}", factor(*y), factor(*p)))
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
        ),
    };
    vec![formula, format!("{numbers} = {}", num(step.loss))]
}

fn delta(state: &Backprop, step: &BackpropStep, layer: usize, unit: usize) -> (Tr, Vec<String>) {
    let (net, sizes) = (&state.net, state.net.sizes());
    let name = unit_name(&sizes, layer + 1, unit);
    let trace = &step.layers[layer];
    let last = layer + 1 == net.kernels.len();
    let mut lines = Vec::new();
    let sentence = if last {
        let grad = if net.loss == Loss::MeanSquaredError {
            let n = sizes[layer + 1];
            format!(
                "∂L/∂{name} = 2({name} − y)/{n} = 2({} − {})/{n} = {}",
                factor(trace.a[unit]),
                factor(state.y[unit]),
                num(trace.grad_a[unit])
            )
        } else {
            format!("∂L/∂{name} = {}", num(trace.grad_a[unit]))
        };
        lines.push(grad);
        if net.output == Activation::Softmax {
            text::DELTA_SOFTMAX
        } else {
            text::DELTA_OUTPUT
        }
    } else {
        let above = &step.layers[layer + 1];
        let next = &net.kernels[layer + 1];
        let terms: Vec<String> = (0..next.ncols())
            .map(|k| {
                format!(
                    "{}·δ({})",
                    weight_name(&sizes, layer + 1, unit, k),
                    unit_name(&sizes, layer + 2, k)
                )
            })
            .collect();
        let numbers: Vec<String> = (0..next.ncols())
            .map(|k| format!("{}·{}", factor(next[[unit, k]]), factor(above.delta[k])))
            .collect();
        lines.push(format!("∂L/∂a({name}) = {}", terms.join(" + ")));
        lines.push(format!(
            "        = {} = {}",
            numbers.join(" + "),
            num(trace.grad_a[unit])
        ));
        text::DELTA_HIDDEN
    };
    let activation = net.activation(layer);
    if activation == Activation::Softmax {
        lines.push(format!(
            "δ({name}) = Σₖ ∂L/∂ŷₖ · ∂ŷₖ/∂z{} = {}",
            sub(unit + 1),
            num(trace.delta[unit])
        ));
    } else {
        let (_, slope) = neurite::explain::activation(activation, trace.z[unit]);
        let grad_a = if last {
            format!("∂L/∂{name}")
        } else {
            format!("∂L/∂a({name})")
        };
        lines.push(format!(
            "δ({name}) = {grad_a} · f′(z) = {}·{} = {}",
            factor(trace.grad_a[unit]),
            factor(slope),
            num(trace.delta[unit])
        ));
    }
    lines.push(format!(
        "∂L/∂{} = δ({name}) = {}",
        bias_name(&sizes, layer, unit),
        num(trace.grads.bias[unit])
    ));
    (sentence, lines)
}

fn weight(
    state: &Backprop,
    step: &BackpropStep,
    (layer, from, to): (usize, usize, usize),
    numeric: Option<&[LayerGrads]>,
) -> Vec<String> {
    let sizes = state.net.sizes();
    let a = inputs(state, step, layer)[from];
    let trace = &step.layers[layer];
    let mut lines = vec![format!(
        "∂L/∂{} = {}·δ({}) = {}·{} = {}",
        weight_name(&sizes, layer, from, to),
        carried(&sizes, layer, from),
        unit_name(&sizes, layer + 1, to),
        factor(a),
        factor(trace.delta[to]),
        num(trace.grads.kernel[[from, to]])
    )];
    if let Some(numeric) = numeric {
        lines.push(format!("≈ {}", num(numeric[layer].kernel[[from, to]])));
    }
    lines
}

fn update(state: &Backprop, step: &BackpropStep, loss_after: f64) -> Vec<String> {
    let sizes = state.net.sizes();
    let Network { kernels, .. } = &state.net;
    let eta = state.learning_rate;
    let first = kernels[0][[0, 0]];
    vec![
        format!("θ ← θ − η·∂L/∂θ,  η = {}", num(eta)),
        format!(
            "{} ← {} − {}·{} = {}",
            weight_name(&sizes, 0, 0, 0),
            num(first),
            num(eta),
            factor(step.layers[0].grads.kernel[[0, 0]]),
            num(step.updated.kernels[0][[0, 0]])
        ),
        format!("L: {} → {}", num(step.loss), num(loss_after)),
    ]
}

/// The explanation of the stage `state` shows.
pub fn story(state: &Backprop, step: &BackpropStep, numeric: Option<&[LayerGrads]>) -> Story {
    let (title, sentence, lines) = match state.current_stage() {
        Stage::Start => (text::START_TITLE, text::START, Vec::new()),
        Stage::Forward { layer, unit } => (
            text::FORWARD_TITLE,
            text::FORWARD,
            forward(state, step, layer, unit),
        ),
        Stage::Loss => (text::LOSS_TITLE, text::LOSS, loss_lines(state, step)),
        Stage::Delta { layer, unit } => {
            let (sentence, lines) = delta(state, step, layer, unit);
            (text::BACKWARD_TITLE, sentence, lines)
        }
        Stage::Weight { layer, from, to } => (
            text::BACKWARD_TITLE,
            text::WEIGHT,
            weight(state, step, (layer, from, to), numeric),
        ),
        Stage::Update => (
            text::UPDATE_TITLE,
            text::UPDATE,
            update(state, step, state.computed().loss_after),
        ),
    };
    Story {
        title,
        sentence,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::{Value, WidgetState};

    #[test]
    fn names_read_as_a_textbook_writes_them() {
        assert_eq!(unit_name(&[2, 2, 1], 0, 1), "x₂");
        assert_eq!(unit_name(&[2, 2, 1], 1, 0), "h₁");
        assert_eq!(unit_name(&[2, 2, 1], 2, 0), "ŷ");
        assert_eq!(unit_name(&[2, 3, 3, 2], 2, 2), "h²₃");
        assert_eq!(unit_name(&[2, 3, 3, 2], 3, 1), "ŷ₂");
        assert_eq!(weight_name(&[2, 2, 1], 1, 1, 0), "w(h₂→ŷ)");
        assert_eq!(num(0.755), "0.7550");
        assert_eq!(num(-0.001_234_5), "−0.001234");
        assert_eq!(num(12_345.6), "12346");
        assert_eq!(num(2.5e-6), "2.500e−6");
    }

    #[test]
    fn every_stage_of_the_textbook_step_writes_the_engines_numbers() {
        let state = Backprop::default();
        let step = state.step();
        let count = state.stages().len();
        for stage in 0..count {
            let state = state
                .patched(&[("stage".into(), Value::Number(stage as f64))])
                .unwrap();
            let story = story(&state, &step, Some(&state.numeric_gradients()));
            let text = story.lines.join("\n");
            match state.current_stage() {
                Stage::Start => assert!(story.lines.is_empty()),
                Stage::Forward { layer, unit } => {
                    assert!(text.ends_with(&num(step.layers[layer].a[unit])), "{text}")
                }
                Stage::Loss => assert!(text.ends_with(&num(step.loss)), "{text}"),
                Stage::Delta { layer, unit } => {
                    let delta = num(step.layers[layer].delta[unit]);
                    assert!(text.contains(&format!("= {delta}\n")), "{text}");
                }
                Stage::Weight { layer, from, to } => {
                    let grad = num(step.layers[layer].grads.kernel[[from, to]]);
                    assert!(text.contains(&format!("= {grad}\n≈ ")), "{text}");
                }
                Stage::Update => assert!(text.contains(&num(step.updated.kernels[0][[0, 0]]))),
            }
        }
        // The forward stage of h₁ spells out 0.35·0.1 + 0.9·0.8 + 0 = 0.755.
        let forward = state
            .patched(&[("stage".into(), Value::Number(1.0))])
            .unwrap();
        let lines = story(&forward, &step, None).lines;
        assert_eq!(
            lines[1],
            "      = 0.3500·0.1000 + 0.9000·0.8000 + 0 = 0.7550"
        );
    }
}
