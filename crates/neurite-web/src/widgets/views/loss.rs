//! The `loss` widget's view: drag the prediction and see the loss, its gradient with respect to
//! the prediction, the formula with the numbers in it, and the loss curve over the prediction.
//! For categorical cross-entropy each class's probability is a slider; moving one rescales the
//! others so that they still add up to one.

use leptos::html::Canvas;
use leptos::prelude::*;
use neurite::explain;
use web_sys::HtmlCanvasElement;

use super::plot::{self, BLUE, Frame, VERMILLION};
use super::{WidgetCtx, fmt, slider};
use crate::i18n::{Tr, widgets as text};
use crate::widgets::loss::{LOSSES, LossExample};
use crate::widgets::value::as_patch;
use crate::widgets::{Value, WidgetState};

/// Canvas size in pixels.
const SIZE: (f64, f64) = (340.0, 220.0);
/// Points on the loss curve.
const POINTS: usize = 200;
/// The smallest probability a slider reaches (the loss is clipped at 1e-7 anyway).
const P_MIN: f64 = 0.001;

fn loss_label(name: &str) -> Tr {
    match name {
        "mse" => text::MSE,
        "binary_cross_entropy" => text::BCE,
        _ => text::CCE,
    }
}

/// The index whose prediction the curve varies: the true class for categorical cross-entropy,
/// else the first output.
fn varied(state: &LossExample) -> usize {
    if state.loss == "categorical_cross_entropy" {
        state
            .y_true
            .iter()
            .enumerate()
            .fold(
                (0, f64::MIN),
                |best, (i, &v)| if v > best.1 { (i, v) } else { best },
            )
            .0
    } else {
        0
    }
}

/// `y_pred` with output `i` set to `p` and, for categorical cross-entropy, the others scaled so
/// that the sum stays one.
fn with_prediction(state: &LossExample, i: usize, p: f64) -> Vec<f64> {
    let mut pred = state.y_pred.clone();
    if state.loss != "categorical_cross_entropy" {
        pred[i] = p;
        return pred;
    }
    let p = p.clamp(0.0, 1.0);
    let others: f64 = pred
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, v)| v)
        .sum();
    let n_others = (pred.len() - 1).max(1) as f64;
    for (j, v) in pred.iter_mut().enumerate() {
        *v = if j == i {
            p
        } else if others > 0.0 {
            *v / others * (1.0 - p)
        } else {
            (1.0 - p) / n_others
        };
    }
    pred
}

/// The loss curve over output `i`'s prediction, by the engine.
fn curve(state: &LossExample) -> (Vec<f64>, Vec<f64>) {
    let i = varied(state);
    let (lo, hi) = if state.takes_probabilities() {
        (P_MIN, 1.0 - P_MIN)
    } else {
        let centre = state.y_true[0];
        let reach = (state.y_pred[0] - centre).abs().max(3.0) * 1.2;
        (centre - reach, centre + reach)
    };
    let xs: Vec<f64> = (0..POINTS)
        .map(|k| lo + (hi - lo) * k as f64 / (POINTS - 1) as f64)
        .collect();
    let ys = xs
        .iter()
        .map(|&p| {
            let pred = with_prediction(state, i, p);
            explain::loss(state.engine_loss(), &state.y_true, &pred).0
        })
        .collect();
    (xs, ys)
}

fn frame(xs: &[f64], ys: &[f64]) -> Frame {
    let hi = ys
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(1.0f64, f64::max);
    Frame {
        width: SIZE.0,
        height: SIZE.1,
        x: (xs[0], xs[xs.len() - 1]),
        y: (0.0, hi.min(20.0) * 1.08),
        margin: 32.0,
    }
}

fn draw(canvas: &HtmlCanvasElement, state: &LossExample) {
    let Some(ctx) = crate::dom::context_2d(canvas) else {
        return;
    };
    let (xs, ys) = curve(state);
    let frame = frame(&xs, &ys);
    frame.clear(&ctx);
    frame.axes(&ctx);
    frame.curve(&ctx, &xs, &ys, BLUE, false);
    let i = varied(state);
    let (loss, gradient) = state.evaluate();
    // The tangent at the current prediction: its slope is the loss's partial derivative along
    // the curve, which for MSE and binary cross-entropy is gradient[i].
    if !state.takes_probabilities() || state.loss == "binary_cross_entropy" {
        let (p, g) = (state.y_pred[i], gradient[i]);
        let half = (frame.x.1 - frame.x.0) * 0.12;
        frame.curve(
            &ctx,
            &[p - half, p + half],
            &[loss - g * half, loss + g * half],
            VERMILLION,
            true,
        );
    }
    frame.dot(&ctx, state.y_pred[i], loss.min(frame.y.1), BLUE);
}

/// The formula with the numbers in it, and the result.
fn written_out(state: &LossExample) -> String {
    let n = state.y_true.len();
    let terms: Vec<String> = match state.loss {
        "mse" => state
            .y_true
            .iter()
            .zip(&state.y_pred)
            .map(|(y, p)| format!("({} − {})²", fmt(*p), fmt(*y)))
            .collect(),
        "binary_cross_entropy" => state
            .y_true
            .iter()
            .zip(&state.y_pred)
            .map(|(y, p)| {
                format!(
                    "{}·log {} + {}·log {}",
                    fmt(*y),
                    fmt(*p),
                    fmt(1.0 - y),
                    fmt(1.0 - p)
                )
            })
            .collect(),
        _ => state
            .y_true
            .iter()
            .zip(&state.y_pred)
            .filter(|(y, _)| **y != 0.0)
            .map(|(y, p)| format!("{}·log {}", fmt(*y), fmt(*p)))
            .collect(),
    };
    let sum = terms.join(" + ");
    match state.loss {
        "mse" => format!("L = (1/n) Σ (ŷᵢ − yᵢ)² = [{sum}] / {n}"),
        "binary_cross_entropy" => {
            format!("L = −(1/n) Σ [yᵢ log ŷᵢ + (1 − yᵢ) log(1 − ŷᵢ)] = −[{sum}] / {n}")
        }
        _ => format!("L = −Σ yᵢ log ŷᵢ = −({sum})"),
    }
}

/// The view.
pub fn view(ctx: WidgetCtx<LossExample>) -> AnyView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let state = ctx.state.get();
        if let Some(canvas) = canvas.get() {
            draw(&canvas, &state);
        }
    });
    let outputs = Memo::new(move |_| ctx.state.with(|s| s.evaluate()));
    let kind = Memo::new(move |_| ctx.state.with(|s| s.loss));
    let len = Memo::new(move |_| ctx.state.with(|s| s.y_true.len()));
    let on_drag = move |(px, py): (f64, f64)| {
        let state = ctx.state.get_untracked();
        let (xs, ys) = curve(&state);
        let frame = frame(&xs, &ys);
        let p = frame.plane(px, py).0.clamp(frame.x.0, frame.x.1);
        let p = (p * 1000.0).round() / 1000.0;
        ctx.set(
            "y_pred",
            Value::List(with_prediction(&state, varied(&state), p)),
        );
    };

    let set_pred = move |i: usize, p: f64| {
        let state = ctx.state.get_untracked();
        ctx.set("y_pred", Value::List(with_prediction(&state, i, p)));
    };
    let set_true = move |i: usize, y: f64| {
        let mut y_true = ctx.state.get_untracked().y_true;
        y_true[i] = y;
        ctx.set("y_true", Value::List(y_true));
    };
    let rows = move || {
        let kind = kind.get();
        (0..len.get())
            .map(|i| {
                let y = move || ctx.state.with(|s| s.y_true.get(i).copied().unwrap_or(0.0));
                let p = move || ctx.state.with(|s| s.y_pred.get(i).copied().unwrap_or(0.0));
                let index = i + 1;
                let target = match kind {
                    "categorical_cross_entropy" => ctx.shows("y_true").then(|| view! {
                        <label class="nw-radio">
                            <input type="radio" name="nw-true-class" data-testid=format!("true-class-{i}")
                                prop:checked=move || y() == 1.0
                                on:change=move |_| {
                                    let n = ctx.state.get_untracked().y_true.len();
                                    let one_hot = (0..n).map(|j| if j == i { 1.0 } else { 0.0 }).collect();
                                    ctx.set("y_true", Value::List(one_hot));
                                }/>
                            {move || ctx.t(text::TRUE_CLASS)}
                        </label>
                    }.into_any()),
                    "binary_cross_entropy" => ctx.shows("y_true").then(|| slider(
                        format!("y_true{index}"),
                        move || format!("{} {index}", ctx.t(text::TARGET)),
                        (0.0, 1.0, 0.01),
                        y,
                        move |v| set_true(i, v),
                    ).into_any()),
                    _ => ctx.shows("y_true").then(|| slider(
                        format!("y_true{index}"),
                        move || format!("{} {index}", ctx.t(text::TARGET)),
                        (-5.0, 5.0, 0.01),
                        y,
                        move |v| set_true(i, v),
                    ).into_any()),
                };
                let range = if kind == "mse" { (-5.0, 5.0, 0.01) } else { (0.0, 1.0, 0.001) };
                let categorical = kind == "categorical_cross_entropy";
                let label = if categorical { text::CLASS } else { text::PREDICTION };
                view! {
                    <div class="nw-input-row">
                        {ctx.shows("y_pred").then(|| slider(
                            format!("y_pred{index}"),
                            move || if categorical {
                                format!("{} {index}: ŷ", ctx.t(label))
                            } else {
                                format!("{} {index}", ctx.t(label))
                            },
                            range,
                            p,
                            move |v| set_pred(i, v),
                        ))}
                        {target}
                    </div>
                }
            })
            .collect_view()
    };
    let gradient = move || {
        let items: Vec<String> = outputs.get().1.iter().map(|g| fmt(*g)).collect();
        format!("[{}]", items.join(", "))
    };
    let confidently_wrong = move || {
        ctx.state.with(|s| {
            s.takes_probabilities() && {
                let i = varied(s);
                s.y_true[i] >= 0.5 && s.y_pred[i] < 0.1
            }
        })
    };

    view! {
        <div class="nw-head">
            <h3>{move || ctx.t(text::LOSS_TITLE)}</h3>
        </div>
        <div class="nw-body">
            <div class="nw-controls">
                {ctx.shows("loss").then(|| view! {
                    <label class="nw-select">
                        <span>{move || ctx.t(text::LOSS)}</span>
                        <select data-testid="select-loss" prop:value=move || kind.get()
                            on:change=move |ev| {
                                let name = event_target_value(&ev);
                                if let Some(&name) = LOSSES.iter().find(|l| **l == name) {
                                    ctx.edit(as_patch(LossExample::typical(name).fields()));
                                }
                            }>
                            {LOSSES.iter().map(|name| view! {
                                <option value=*name>{move || ctx.t(loss_label(name))}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
                {rows}
                <p class="nw-formula" data-testid="formula">
                    <span>{move || ctx.state.with(written_out)} " = "</span>
                    <strong data-testid="output-loss">{move || fmt(outputs.get().0)}</strong>
                    <br/>
                    <span>{move || ctx.t(text::GRADIENT)} " = "</span>
                    <strong data-testid="output-gradient">{gradient}</strong>
                </p>
                {move || (kind.get() == "categorical_cross_entropy").then(|| view! {
                    <p class="nw-explain">{ctx.t(text::CCE_GRADIENT)}</p>
                })}
                {move || confidently_wrong().then(|| view! {
                    <p class="nw-explain nw-warn" data-testid="confidently-wrong">{ctx.t(text::CONFIDENT_WRONG)}</p>
                })}
            </div>
            <figure class="nw-figure">
                {plot::drag_canvas(canvas, SIZE, "loss-canvas", on_drag)}
                <figcaption>{move || ctx.t(text::LOSS_CURVE)}</figcaption>
            </figure>
        </div>
    }
    .into_any()
}
