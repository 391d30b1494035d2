//! The backprop widget's network diagram on a canvas: units in columns, weights as lines
//! coloured by sign and drawn thicker the larger they are, each unit's value written beside it
//! once its stage is reached (`a` forward, `δ` backward), and the current stage highlighted.

use neurite::explain::BackpropStep;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::super::plot::{BLUE, GREEN, INK, VERMILLION};
use crate::widgets::backprop::story::{num, unit_name};
use crate::widgets::backprop::{Backprop, Stage};

/// Canvas size in pixels.
pub const SIZE: (f64, f64) = (360.0, 240.0);
/// Unit radius in pixels.
const RADIUS: f64 = 14.0;
/// Space kept right of the last column for the targets.
const RIGHT: f64 = 64.0;

/// The centre of unit `unit` at depth `depth`.
fn centre(sizes: &[usize], depth: usize, unit: usize) -> (f64, f64) {
    let columns = (sizes.len() - 1).max(1) as f64;
    let x = 30.0 + depth as f64 * (SIZE.0 - 30.0 - RIGHT) / columns;
    let n = sizes[depth] as f64;
    let gap = ((SIZE.1 - 30.0) / n).min(62.0);
    let y = SIZE.1 / 2.0 + (unit as f64 - (n - 1.0) / 2.0) * gap - 6.0;
    (x, y)
}

/// Whether the weight of layer `layer` from `from` to `to` is part of `stage`.
fn edge_lit(stage: Stage, layer: usize, from: usize, to: usize) -> bool {
    match stage {
        Stage::Forward { layer: l, unit } => l == layer && unit == to,
        // A hidden unit's blame arrives along the weights it feeds.
        Stage::Delta { layer: l, unit } => l + 1 == layer && unit == from,
        Stage::Weight {
            layer: l,
            from: f,
            to: t,
        } => l == layer && f == from && t == to,
        Stage::Update => true,
        Stage::Start | Stage::Loss => false,
    }
}

/// Whether unit `unit` at depth `depth` is part of `stage`.
fn unit_lit(stage: Stage, last: usize, depth: usize, unit: usize) -> bool {
    match stage {
        Stage::Forward { layer, unit: u } | Stage::Delta { layer, unit: u } => {
            layer + 1 == depth && u == unit
        }
        Stage::Weight { layer, from, to } => {
            (layer == depth && from == unit) || (layer + 1 == depth && to == unit)
        }
        Stage::Loss => depth == last,
        Stage::Start | Stage::Update => false,
    }
}

fn text(ctx: &CanvasRenderingContext2d, words: &str, (x, y): (f64, f64), colour: &str) {
    ctx.set_line_width(3.0);
    ctx.set_stroke_style_str("#fff");
    ctx.stroke_text(words, x, y).ok();
    ctx.set_fill_style_str(colour);
    ctx.fill_text(words, x, y).ok();
}

/// Draws `state`'s network at its stage.
pub fn draw(canvas: &HtmlCanvasElement, state: &Backprop, step: &BackpropStep) {
    let Some(ctx) = crate::dom::context_2d(canvas) else {
        return;
    };
    ctx.clear_rect(0.0, 0.0, SIZE.0, SIZE.1);
    let sizes = state.net.sizes();
    let last = sizes.len() - 1;
    let stage = state.current_stage();
    for (layer, kernel) in state.net.kernels.iter().enumerate() {
        for ((from, to), &w) in kernel.indexed_iter() {
            let lit = edge_lit(stage, layer, from, to);
            let (a, b) = (centre(&sizes, layer, from), centre(&sizes, layer + 1, to));
            ctx.set_global_alpha(if lit { 1.0 } else { 0.45 });
            ctx.set_stroke_style_str(if w >= 0.0 { BLUE } else { VERMILLION });
            let width = 0.8 + 2.4 * w.abs().min(2.0) / 2.0;
            ctx.set_line_width(if lit { width + 1.5 } else { width });
            ctx.begin_path();
            ctx.move_to(a.0, a.1);
            ctx.line_to(b.0, b.1);
            ctx.stroke();
            if lit && stage != Stage::Update {
                let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0 - 4.0);
                ctx.set_font("10px system-ui, sans-serif");
                ctx.set_text_align("center");
                text(&ctx, &num(w), mid, INK);
            }
        }
    }
    ctx.set_global_alpha(1.0);
    for (depth, &n) in sizes.iter().enumerate() {
        for unit in 0..n {
            let (x, y) = centre(&sizes, depth, unit);
            let lit = unit_lit(stage, last, depth, unit);
            ctx.begin_path();
            ctx.arc(x, y, RADIUS, 0.0, std::f64::consts::TAU).ok();
            ctx.set_fill_style_str(if lit { "#fde68a" } else { "#fff" });
            ctx.fill();
            ctx.set_line_width(if lit { 2.5 } else { 1.2 });
            ctx.set_stroke_style_str(INK);
            ctx.stroke();
            ctx.set_font("12px system-ui, sans-serif");
            ctx.set_text_align("center");
            ctx.set_fill_style_str(INK);
            ctx.fill_text(&unit_name(&sizes, depth, unit), x, y + 4.0)
                .ok();
            ctx.set_font("10px ui-monospace, monospace");
            let value = if depth == 0 {
                Some(state.x[unit])
            } else {
                let forward = Stage::Forward {
                    layer: depth - 1,
                    unit,
                };
                state
                    .reached(forward)
                    .then(|| step.layers[depth - 1].a[unit])
            };
            if let Some(a) = value {
                text(&ctx, &num(a), (x, y + RADIUS + 11.0), INK);
            }
            if depth > 0
                && state.reached(Stage::Delta {
                    layer: depth - 1,
                    unit,
                })
            {
                let delta = format!("δ {}", num(step.layers[depth - 1].delta[unit]));
                text(&ctx, &delta, (x, y + RADIUS + 22.0), VERMILLION);
            }
            if depth == last {
                ctx.set_text_align("left");
                text(
                    &ctx,
                    &format!("y {}", num(state.y[unit])),
                    (x + RADIUS + 6.0, y + 4.0),
                    GREEN,
                );
            }
        }
    }
    if state.reached(Stage::Loss) {
        ctx.set_font("12px system-ui, sans-serif");
        ctx.set_text_align("right");
        text(
            &ctx,
            &format!("L = {}", num(step.loss)),
            (SIZE.0 - 4.0, 14.0),
            INK,
        );
    }
}
