//! The `activation` widget's view: the function and its derivative, plotted by the engine's
//! forward and backward passes; a draggable x; the bands where the slope nearly vanishes, shaded
//! and explained in one sentence.

use leptos::html::Canvas;
use leptos::prelude::*;
use neurite::{Activation, explain};
use web_sys::HtmlCanvasElement;

use super::plot::{self, BLUE, Frame, VERMILLION};
use super::{WidgetCtx, activation_select, fmt, slider};
use crate::i18n::widgets as text;
use crate::widgets::Value;
use crate::widgets::activation::{ActivationPoint, VANISHING_SLOPE, explanation};

/// Canvas size in pixels.
const SIZE: (f64, f64) = (340.0, 230.0);
/// Points per curve.
const POINTS: usize = 241;
/// Half-width of the x range shown, unless x lies further out.
const EXTENT: f64 = 6.0;

fn x_range(x: f64) -> (f64, f64) {
    let r = if x.abs() <= EXTENT * 0.95 {
        EXTENT
    } else {
        x.abs() * 1.1
    };
    (-r, r)
}

/// Samples of `f` and `f′` over the shown range, by the engine.
fn curves(activation: Activation, (lo, hi): (f64, f64)) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let xs: Vec<f64> = (0..POINTS)
        .map(|i| lo + (hi - lo) * i as f64 / (POINTS - 1) as f64)
        .collect();
    let (y, dy) = explain::activation_curve(activation, &xs);
    (xs, y, dy)
}

fn frame(state: &ActivationPoint) -> Frame {
    let x = x_range(state.x);
    let (_, y, dy) = curves(state.activation, x);
    let (lo, hi) = y
        .iter()
        .chain(&dy)
        .fold((-0.25f64, 1.25f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let pad = 0.06 * (hi - lo);
    Frame {
        width: SIZE.0,
        height: SIZE.1,
        x,
        y: (lo - pad, hi + pad),
        margin: 32.0,
    }
}

fn draw(canvas: &HtmlCanvasElement, state: &ActivationPoint) {
    let Some(ctx) = crate::dom::context_2d(canvas) else {
        return;
    };
    let frame = frame(state);
    frame.clear(&ctx);
    let (xs, y, dy) = curves(state.activation, frame.x);
    // Shade each run of samples whose slope is below the threshold.
    let mut start = None;
    for (i, &d) in dy.iter().enumerate() {
        let low = d.abs() < VANISHING_SLOPE;
        match (low, start) {
            (true, None) => start = Some(xs[i]),
            (false, Some(a)) => {
                frame.band(&ctx, a, xs[i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        frame.band(&ctx, a, frame.x.1);
    }
    frame.axes(&ctx);
    frame.curve(&ctx, &xs, &dy, VERMILLION, true);
    frame.curve(&ctx, &xs, &y, BLUE, false);
    let (fx, dfx) = state.evaluate();
    frame.dot(&ctx, state.x, dfx, VERMILLION);
    frame.dot(&ctx, state.x, fx, BLUE);
}

/// The view.
pub fn view(ctx: WidgetCtx<ActivationPoint>) -> AnyView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let state = ctx.state.get();
        if let Some(canvas) = canvas.get() {
            draw(&canvas, &state);
        }
    });
    let on_drag = move |(px, py): (f64, f64)| {
        let frame = ctx.state.with_untracked(frame);
        let x = frame.plane(px, py).0.clamp(frame.x.0, frame.x.1);
        ctx.set("x", Value::Number((x * 100.0).round() / 100.0));
    };
    let values = move || ctx.state.with(|s| s.evaluate());
    let vanishing = move || values().1.abs() < VANISHING_SLOPE;

    view! {
        <div class="nw-head">
            <h3>{move || ctx.t(text::ACTIVATION_TITLE)}</h3>
        </div>
        <div class="nw-body">
            <div class="nw-controls">
                {activation_select(ctx, |s: &ActivationPoint| s.activation)}
                {ctx.shows("x").then(|| slider(
                    "x".into(),
                    || "x".into(),
                    (-EXTENT, EXTENT, 0.01),
                    move || ctx.state.with(|s| s.x),
                    move |v| ctx.set("x", Value::Number(v)),
                ))}
                <p class="nw-formula">
                    <span class="nw-key-f">{move || format!("f({}) = ", ctx.state.with(|s| fmt(s.x)))}</span>
                    <strong data-testid="output-y">{move || fmt(values().0)}</strong>
                    <br/>
                    <span class="nw-key-df">{move || format!("f′({}) = ", ctx.state.with(|s| fmt(s.x)))}</span>
                    <strong data-testid="output-dy" class:nw-vanishing=vanishing>{move || fmt(values().1)}</strong>
                </p>
                <p class="nw-explain" data-testid="explanation" class:nw-warn=vanishing>
                    {move || ctx.t(ctx.state.with(explanation))}
                </p>
            </div>
            <figure class="nw-figure">
                {plot::drag_canvas(canvas, SIZE, "activation-canvas", on_drag)}
                <figcaption class="nw-legend">
                    <span class="nw-key-f">"━ " {move || ctx.t(text::FUNCTION)}</span>
                    <span class="nw-key-df">"╍ " {move || ctx.t(text::DERIVATIVE)}</span>
                    <span class="nw-key-band">"■ " {move || ctx.t(text::VANISHING)}</span>
                </figcaption>
            </figure>
        </div>
    }
    .into_any()
}
