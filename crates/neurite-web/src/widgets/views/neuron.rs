//! The `neuron` widget's view: sliders for every weight, the bias and every input, the formula
//! with today's numbers, and a picture of the output — a heatmap over the plane with the line
//! `wᵀx + b = 0` for two inputs, the curve `y(x₁)` for one — with the input as a draggable point.

use leptos::html::Canvas;
use leptos::prelude::*;
use ndarray::Array2;
use neurite::explain;
use web_sys::HtmlCanvasElement;

use super::plot::{self, BLUE, Frame, INK};
use super::{WidgetCtx, activation_select, factor, fmt, math, slider};
use crate::i18n::widgets as text;
use crate::widgets::Value;
use crate::widgets::neuron::{MAX_INPUTS, Neuron};

/// Side of the heatmap's grid of evaluated points.
const GRID: usize = 64;
/// Canvas size in pixels.
const SIZE: (f64, f64) = (300.0, 260.0);
/// Half-width of the plane shown, unless the input lies further out.
const EXTENT: f64 = 5.0;
/// Points on the one-input curve.
const CURVE_POINTS: usize = 201;

const FORMULA: &str = r#"<math><mi>y</mi><mo>=</mo><mi>f</mi><mo>(</mo><msup><mi>𝐰</mi><mi>T</mi></msup><mi>𝐱</mi><mo>+</mo><mi>b</mi><mo>)</mo></math>"#;

/// Half-width of the plane that shows the input.
fn extent(state: &Neuron) -> f64 {
    let far = state.x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if far <= EXTENT * 0.95 {
        EXTENT
    } else {
        far * 1.15
    }
}

fn frame(state: &Neuron) -> Frame {
    let r = extent(state);
    // One input: the curve y(x₁) sets the height; otherwise the plane (x₁, x₂) is drawn.
    let y_range = if state.w.len() == 1 {
        curve_range(state, r)
    } else {
        (-r, r)
    };
    Frame {
        width: SIZE.0,
        height: SIZE.1,
        x: (-r, r),
        y: y_range,
        margin: 32.0,
    }
}

/// The one-input curve's points, by the engine.
fn curve(state: &Neuron, r: f64) -> (Vec<f64>, Vec<f64>) {
    let xs: Vec<f64> = (0..CURVE_POINTS)
        .map(|i| -r + 2.0 * r * i as f64 / (CURVE_POINTS - 1) as f64)
        .collect();
    let inputs = Array2::from_shape_vec((CURVE_POINTS, 1), xs.clone()).expect("one column");
    let (_, y) = explain::neuron_batch(&state.w, state.b, state.activation, inputs.view());
    (xs, y.to_vec())
}

fn curve_range(state: &Neuron, r: f64) -> (f64, f64) {
    let (_, ys) = curve(state, r);
    let (lo, hi) = ys
        .iter()
        .fold((0.0f64, 1.0f64), |(lo, hi), &y| (lo.min(y), hi.max(y)));
    let pad = 0.08 * (hi - lo).max(1e-9);
    ((lo - pad).max(-1e3), (hi + pad).min(1e3))
}

fn draw(canvas: &HtmlCanvasElement, state: &Neuron) {
    let Some(ctx) = crate::dom::context_2d(canvas) else {
        return;
    };
    let frame = frame(state);
    frame.clear(&ctx);
    let r = frame.x.1;
    match state.w.len() {
        2 => {
            // Grid cell centres, top row first (the heatmap's row 0 is the top of the plane).
            let mut points = Array2::zeros((GRID * GRID, 2));
            for row in 0..GRID {
                for col in 0..GRID {
                    let i = row * GRID + col;
                    points[[i, 0]] = -r + (col as f64 + 0.5) / GRID as f64 * 2.0 * r;
                    points[[i, 1]] = r - (row as f64 + 0.5) / GRID as f64 * 2.0 * r;
                }
            }
            let (_, y) = explain::neuron_batch(&state.w, state.b, state.activation, points.view());
            // Centre the colours on f(0), the output on the line wᵀx + b = 0.
            let centre = explain::activation(state.activation, 0.0).0;
            let spread = y.iter().fold(1e-12f64, |m, v| m.max((v - centre).abs()));
            plot::heatmap(&ctx, &frame, GRID, y.as_slice().unwrap_or(&[]), |v| {
                (v - centre) / spread
            });
            frame.axes(&ctx);
            let (w1, w2, b) = (state.w[0], state.w[1], state.b);
            let line = if w2.abs() >= w1.abs() && w2 != 0.0 {
                Some(((-r, (-b + w1 * r) / w2), (r, (-b - w1 * r) / w2)))
            } else if w1 != 0.0 {
                Some((((-b + w2 * r) / w1, -r), ((-b - w2 * r) / w1, r)))
            } else {
                None
            };
            if let Some((a, c)) = line {
                frame.curve(&ctx, &[a.0, c.0], &[a.1, c.1], INK, true);
            }
            frame.dot(&ctx, state.x[0], state.x[1], INK);
        }
        1 => {
            frame.axes(&ctx);
            let (xs, ys) = curve(state, r);
            frame.curve(&ctx, &xs, &ys, BLUE, false);
            let (_, y) = state.evaluate();
            frame.dot(&ctx, state.x[0], y, BLUE);
        }
        _ => {}
    }
}

/// The input under a pointer: both coordinates on the plane, the first only on the curve.
fn dragged_input(state: &Neuron, (px, py): (f64, f64)) -> Vec<f64> {
    let frame = frame(state);
    let (x1, x2) = frame.plane(px, py);
    let r = frame.x.1;
    let mut x = state.x.clone();
    x[0] = round(x1.clamp(-r, r));
    if x.len() == 2 {
        x[1] = round(x2.clamp(-r, r));
    }
    x
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The view.
pub fn view(ctx: WidgetCtx<Neuron>) -> AnyView {
    let inputs = Memo::new(move |_| ctx.state.with(|s| s.w.len()));
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let state = ctx.state.get();
        if let Some(canvas) = canvas.get() {
            draw(&canvas, &state);
        }
    });
    let on_drag = move |point: (f64, f64)| {
        let x = ctx.state.with_untracked(|s| dragged_input(s, point));
        ctx.set("x", Value::List(x));
    };

    let weight_sliders = move || {
        (0..inputs.get())
            .map(|i| {
                let w = move || ctx.state.with(|s| s.w.get(i).copied().unwrap_or(0.0));
                let x = move || ctx.state.with(|s| s.x.get(i).copied().unwrap_or(0.0));
                let sub = ["₁", "₂", "₃"][i];
                view! {
                    <div class="nw-input-row">
                        {ctx.shows("w").then(|| slider(
                            format!("w{}", i + 1),
                            move || format!("{} w{sub}", ctx.t(text::WEIGHT)),
                            (-5.0, 5.0, 0.01),
                            w,
                            move |v| {
                                let mut w = ctx.state.get_untracked().w;
                                w[i] = v;
                                ctx.set("w", Value::List(w));
                            },
                        ))}
                        {ctx.shows("x").then(|| slider(
                            format!("x{}", i + 1),
                            move || format!("{} x{sub}", ctx.t(text::INPUT)),
                            (-5.0, 5.0, 0.01),
                            x,
                            move |v| {
                                let mut x = ctx.state.get_untracked().x;
                                x[i] = v;
                                ctx.set("x", Value::List(x));
                            },
                        ))}
                    </div>
                }
            })
            .collect_view()
    };

    let resize = move |grow: bool| {
        let mut state = ctx.state.get_untracked();
        if grow {
            state.w.push(0.5);
            state.x.push(0.0);
        } else {
            state.w.pop();
            state.x.pop();
        }
        ctx.edit(vec![
            ("w".into(), Value::List(state.w)),
            ("x".into(), Value::List(state.x)),
        ]);
    };

    let written_out = move || {
        ctx.state.with(|s| {
            let (z, y) = s.evaluate();
            let terms: Vec<String> =
                s.w.iter()
                    .zip(&s.x)
                    .map(|(w, x)| format!("{}·{}", factor(*w), factor(*x)))
                    .collect();
            let bias = if s.b < 0.0 {
                format!("− {}", fmt(-s.b))
            } else {
                format!("+ {}", fmt(s.b))
            };
            (
                format!("z = wᵀx + b = {} {bias} = ", terms.join(" + ")),
                fmt(z),
                format!("y = {}(z) = ", s.activation.name()),
                fmt(y),
            )
        })
    };

    view! {
        <div class="nw-head">
            <h3>{move || ctx.t(text::NEURON)}</h3>
            {math(FORMULA)}
        </div>
        <div class="nw-body">
            <div class="nw-controls">
                {weight_sliders}
                {ctx.shows("w").then(|| view! {
                    <div class="nw-buttons">
                        <button data-testid="remove-input" disabled=move || { inputs.get() <= 1 }
                            on:click=move |_| resize(false)>{move || ctx.t(text::REMOVE_INPUT)}</button>
                        <button data-testid="add-input" disabled=move || { inputs.get() >= MAX_INPUTS }
                            on:click=move |_| resize(true)>{move || ctx.t(text::ADD_INPUT)}</button>
                    </div>
                })}
                {ctx.shows("b").then(|| slider(
                    "b".into(),
                    move || ctx.t(text::BIAS).to_string(),
                    (-5.0, 5.0, 0.01),
                    move || ctx.state.with(|s| s.b),
                    move |v| ctx.set("b", Value::Number(v)),
                ))}
                {activation_select(ctx, |s: &Neuron| s.activation)}
                <p class="nw-formula" data-testid="formula">
                    <span>{move || written_out().0}</span>
                    <strong data-testid="output-z">{move || written_out().1}</strong>
                    <br/>
                    <span>{move || written_out().2}</span>
                    <strong data-testid="output-y">{move || written_out().3}</strong>
                </p>
            </div>
            <figure class="nw-figure" class:nw-hidden=move || { inputs.get() > 2 }>
                {plot::drag_canvas(canvas, SIZE, "neuron-canvas", on_drag)}
                <figcaption>{move || ctx.t(if inputs.get() == 2 { text::HEATMAP } else { text::NEURON_CURVE })}</figcaption>
            </figure>
            {move || (inputs.get() > 2).then(|| view! {
                <p class="nw-note">{ctx.t(text::THREE_INPUTS)}</p>
            })}
        </div>
    }
    .into_any()
}
