//! Formulas written out with the engine's numbers, for "show the math": each line is a rule,
//! the rule with its numbers put in, and the engine's result — the page only writes numbers
//! down, it computes none of them.

use neurite::{ElementStep, OptimizerSpec};

use crate::widgets::backprop::story::num;

/// One line of working: `rule = numbers = result`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Working {
    /// The rule in symbols (`m ← β₁·m + (1 − β₁)·g`).
    pub rule: String,
    /// The rule with the numbers in it.
    pub numbers: String,
    /// The engine's result.
    pub result: String,
}

fn line(rule: &str, numbers: String, result: f64) -> Working {
    Working {
        rule: rule.into(),
        numbers,
        result: num(result),
    }
}

/// `v` as a factor in a product: in parentheses when negative.
fn factor(v: f64) -> String {
    if v < 0.0 {
        format!("({})", num(v))
    } else {
        num(v)
    }
}

/// `n` written with `digits` (superscript or subscript ones).
fn written_with(n: u64, digits: [char; 10]) -> String {
    n.to_string()
        .bytes()
        .map(|b| digits[usize::from(b - b'0')])
        .collect()
}

/// `t` in superscript digits, as an exponent.
pub fn superscript(t: u64) -> String {
    written_with(t, ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'])
}

/// `k` in subscript digits, as an index.
pub fn subscript(k: u64) -> String {
    written_with(k, ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'])
}

/// The gradient of one first-layer weight for one example: `∂L/∂w = x·δ`.
pub fn weight_gradient(input: f64, delta: f64, grad: f64) -> Working {
    line(
        "∂L/∂w = x·δ",
        format!("{}·{}", factor(input), factor(delta)),
        grad,
    )
}

/// The lines of `spec`'s update rule for `step`, in the rule's order, the last giving the new
/// weight. `None` if the step's state does not fit the rule (a report about another optimizer).
pub fn update_lines(spec: &OptimizerSpec, step: &ElementStep) -> Option<Vec<Working>> {
    let (w, g, lr) = (step.value, step.grad, step.learning_rate);
    let (before, after) = (&step.before, &step.after);
    let lines = match *spec {
        OptimizerSpec::Sgd { momentum, nesterov } if momentum > 0.0 => {
            let ([v0], [v1]) = (before.as_slice(), after.as_slice()) else {
                return None;
            };
            let velocity = line(
                "v ← μ·v − η·g",
                format!(
                    "{}·{} − {}·{}",
                    num(momentum),
                    factor(*v0),
                    num(lr),
                    factor(g)
                ),
                *v1,
            );
            let weight = if nesterov {
                line(
                    "w ← w + μ·v − η·g",
                    format!(
                        "{} + {}·{} − {}·{}",
                        num(w),
                        num(momentum),
                        factor(*v1),
                        num(lr),
                        factor(g)
                    ),
                    step.updated,
                )
            } else {
                line(
                    "w ← w + v",
                    format!("{} + {}", num(w), factor(*v1)),
                    step.updated,
                )
            };
            vec![velocity, weight]
        }
        OptimizerSpec::Sgd { .. } => vec![line(
            "w ← w − η·g",
            format!("{} − {}·{}", num(w), num(lr), factor(g)),
            step.updated,
        )],
        OptimizerSpec::Adam {
            beta_1,
            beta_2,
            epsilon,
        } => {
            let ([m0, v0], [m1, v1], Some(alpha)) =
                (before.as_slice(), after.as_slice(), step.adam_step_size)
            else {
                return None;
            };
            let t = superscript(step.t);
            vec![
                line(
                    "m ← β₁·m + (1 − β₁)·g",
                    format!(
                        "{}·{} + {}·{}",
                        num(beta_1),
                        factor(*m0),
                        num(1.0 - beta_1),
                        factor(g)
                    ),
                    *m1,
                ),
                line(
                    "v ← β₂·v + (1 − β₂)·g²",
                    format!(
                        "{}·{} + {}·{}²",
                        num(beta_2),
                        factor(*v0),
                        num(1.0 - beta_2),
                        factor(g)
                    ),
                    *v1,
                ),
                line(
                    "α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)",
                    format!(
                        "{}·√(1 − {}{t}) / (1 − {}{t})",
                        num(lr),
                        num(beta_2),
                        num(beta_1)
                    ),
                    alpha,
                ),
                line(
                    "w ← w − α·m / (√v + ε)",
                    format!(
                        "{} − {}·{} / (√{} + {})",
                        num(w),
                        num(alpha),
                        factor(*m1),
                        num(*v1),
                        num(epsilon)
                    ),
                    step.updated,
                ),
            ]
        }
        OptimizerSpec::Rmsprop {
            rho,
            momentum,
            epsilon,
        } => {
            let (Some(s0), Some(s1)) = (before.first(), after.first()) else {
                return None;
            };
            let square = line(
                "s ← ρ·s + (1 − ρ)·g²",
                format!(
                    "{}·{} + {}·{}²",
                    num(rho),
                    num(*s0),
                    num(1.0 - rho),
                    factor(g)
                ),
                *s1,
            );
            let increment = format!(
                "{}·{} / √({} + {})",
                num(lr),
                factor(g),
                num(*s1),
                num(epsilon)
            );
            match (before.get(1), after.get(1)) {
                (Some(u0), Some(u1)) if momentum > 0.0 => vec![
                    square,
                    line(
                        "u ← μ·u + η·g / √(s + ε)",
                        format!("{}·{} + {increment}", num(momentum), factor(*u0)),
                        *u1,
                    ),
                    line(
                        "w ← w − u",
                        format!("{} − {}", num(w), factor(*u1)),
                        step.updated,
                    ),
                ],
                (None, None) if momentum == 0.0 => vec![
                    square,
                    line(
                        "w ← w − η·g / √(s + ε)",
                        format!("{} − {increment}", num(w)),
                        step.updated,
                    ),
                ],
                _ => return None,
            }
        }
    };
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use neurite::Optimizer;

    fn step(spec: OptimizerSpec) -> ElementStep {
        Optimizer::<f32>::new(spec).element_step(0, 0, 0.25, -0.5, 0.01)
    }

    #[test]
    fn adams_lines_write_the_engines_numbers_into_keras_rule() {
        let spec = OptimizerSpec::adam();
        let s = step(spec);
        let lines = update_lines(&spec, &s).unwrap();
        let rules: Vec<&str> = lines.iter().map(|l| l.rule.as_str()).collect();
        assert_eq!(
            rules,
            [
                "m ← β₁·m + (1 − β₁)·g",
                "v ← β₂·v + (1 − β₂)·g²",
                "α = η·√(1 − β₂ᵗ) / (1 − β₁ᵗ)",
                "w ← w − α·m / (√v + ε)"
            ]
        );
        assert_eq!(lines[0].numbers, "0.9000·0 + 0.1000·(−0.5000)");
        assert_eq!(lines[0].result, num(s.after[0]));
        assert_eq!(lines[2].numbers, "0.01000·√(1 − 0.9990¹) / (1 − 0.9000¹)");
        assert_eq!(lines[3].result, num(s.updated));
        // The first step moves by about η against the gradient's sign.
        assert_eq!(lines[3].result, "0.2600");
    }

    #[test]
    fn every_rule_ends_with_the_updated_weight() {
        let specs = [
            OptimizerSpec::sgd(),
            OptimizerSpec::Sgd {
                momentum: 0.9,
                nesterov: false,
            },
            OptimizerSpec::Sgd {
                momentum: 0.9,
                nesterov: true,
            },
            OptimizerSpec::rmsprop(),
            OptimizerSpec::Rmsprop {
                rho: 0.9,
                momentum: 0.5,
                epsilon: 1e-7,
            },
            OptimizerSpec::adam(),
        ];
        for spec in specs {
            let s = step(spec);
            let lines = update_lines(&spec, &s).unwrap();
            let last = lines.last().unwrap();
            assert!(last.rule.starts_with("w ←"), "{spec:?}");
            assert_eq!(last.result, num(s.updated), "{spec:?}");
            assert!(
                last.numbers.starts_with("0.2500"),
                "{spec:?}: {}",
                last.numbers
            );
        }
        // A report about another optimizer does not fit the rule.
        assert!(update_lines(&OptimizerSpec::rmsprop(), &step(OptimizerSpec::adam())).is_none());
        assert!(update_lines(&OptimizerSpec::adam(), &step(OptimizerSpec::sgd())).is_none());
    }

    #[test]
    fn the_gradient_is_written_as_a_product_and_exponents_as_superscripts() {
        let w = weight_gradient(0.5, -0.25, -0.125);
        assert_eq!(
            (w.numbers.as_str(), w.result.as_str()),
            ("0.5000·(−0.2500)", "−0.1250")
        );
        assert_eq!(superscript(1203), "¹²⁰³");
        assert_eq!(subscript(7), "₇");
    }
}
