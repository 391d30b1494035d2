//! The `gradient_descent` widget's view: the surface's contours with every racer's path and
//! the gradient at the current point, the loss after each step, and the controls — surface,
//! optimizer and its rivals, a log slider for the learning rate, steps, play / pause / step /
//! reset. Every path is the engine's optimizer on the engine's surface
//! ([`neurite::surface::descend`]), recomputed from the start for each state.

use std::cell::RefCell;

use leptos::html::Canvas;
use leptos::prelude::*;
use neurite::surface::{Descent, Surface};

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::plot::{self, Frame, INK};
use super::{WidgetCtx, choice_select, fmt};
use crate::i18n::widgets as text;
use crate::widgets::Value;
use crate::widgets::descent::{GradientDescent, MAX_RACERS, OPTIMIZERS, SURFACES};

/// Canvas sizes in pixels.
const CONTOUR_SIZE: (f64, f64) = (300.0, 280.0);
const CURVE_SIZE: (f64, f64) = (300.0, 150.0);
/// Side of the grid the contours are computed on.
const GRID: usize = 96;
/// Contour bands over the log of the loss.
const BANDS: f64 = 14.0;
/// Most steps the slider and play reach (a state may ask for more).
const SLIDER_STEPS: f64 = 500.0;
/// One racer's colour each (Okabe–Ito), in the racers' order.
const COLOURS: [&str; MAX_RACERS] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00"];
/// Length of the gradient arrow in pixels.
const ARROW: f64 = 36.0;

/// The surface's formula, in MathML.
fn formula(surface: Surface) -> &'static str {
    match surface {
        Surface::Bowl => {
            r#"<math><mi>f</mi><mo>=</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mn>5</mn><msup><mi>y</mi><mn>2</mn></msup></math>"#
        }
        Surface::Rosenbrock => {
            r#"<math><mi>f</mi><mo>=</mo><msup><mrow><mo>(</mo><mn>1</mn><mo>−</mo><mi>x</mi><mo>)</mo></mrow><mn>2</mn></msup><mo>+</mo><mn>100</mn><msup><mrow><mo>(</mo><mi>y</mi><mo>−</mo><msup><mi>x</mi><mn>2</mn></msup><mo>)</mo></mrow><mn>2</mn></msup></math>"#
        }
        Surface::Saddle => {
            r#"<math><mi>f</mi><mo>=</mo><msup><mi>x</mi><mn>2</mn></msup><mo>−</mo><msup><mi>y</mi><mn>2</mn></msup></math>"#
        }
        Surface::Beale => {
            r#"<math><mi>f</mi><mo>=</mo><msup><mrow><mo>(</mo><mn>1.5</mn><mo>−</mo><mi>x</mi><mo>+</mo><mi>x</mi><mi>y</mi><mo>)</mo></mrow><mn>2</mn></msup><mo>+</mo><msup><mrow><mo>(</mo><mn>2.25</mn><mo>−</mo><mi>x</mi><mo>+</mo><mi>x</mi><msup><mi>y</mi><mn>2</mn></msup><mo>)</mo></mrow><mn>2</mn></msup><mo>+</mo><msup><mrow><mo>(</mo><mn>2.625</mn><mo>−</mo><mi>x</mi><mo>+</mo><mi>x</mi><msup><mi>y</mi><mn>3</mn></msup><mo>)</mo></mrow><mn>2</mn></msup></math>"#
        }
        Surface::Himmelblau => {
            r#"<math><mi>f</mi><mo>=</mo><msup><mrow><mo>(</mo><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mi>y</mi><mo>−</mo><mn>11</mn><mo>)</mo></mrow><mn>2</mn></msup><mo>+</mo><msup><mrow><mo>(</mo><mi>x</mi><mo>+</mo><msup><mi>y</mi><mn>2</mn></msup><mo>−</mo><mn>7</mn><mo>)</mo></mrow><mn>2</mn></msup></math>"#
        }
    }
}

fn contour_frame(surface: Surface) -> Frame {
    let (x, y) = surface.region();
    Frame {
        width: CONTOUR_SIZE.0,
        height: CONTOUR_SIZE.1,
        x: (x[0], x[1]),
        y: (y[0], y[1]),
        margin: 28.0,
    }
}

/// How high a loss is drawn, in `[0, 1]`: the log of the loss above the region's lowest, so
/// that a narrow valley and a steep wall both show.
fn height_of(loss: f64, lowest: f64, range: f64) -> f64 {
    ((loss - lowest + 1e-3).ln() - 1e-3f64.ln()) / range
}

/// Paints the surface's contour bands, axes and minima onto `ctx`.
fn paint_surface(ctx: &CanvasRenderingContext2d, surface: Surface) {
    let frame = contour_frame(surface);
    frame.clear(ctx);
    let (x, y) = (frame.x, frame.y);
    let values: Vec<f64> = (0..GRID * GRID)
        .map(|i| {
            let (row, col) = (i / GRID, i % GRID);
            let px = x.0 + (col as f64 + 0.5) / GRID as f64 * (x.1 - x.0);
            let py = y.1 - (row as f64 + 0.5) / GRID as f64 * (y.1 - y.0);
            surface.value([px, py])
        })
        .collect();
    let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let range = height_of(highest, lowest, 1.0).max(1e-9);
    plot::banded_heatmap(ctx, &frame, GRID, &values, BANDS, |v| {
        height_of(v, lowest, range)
    });
    frame.axes(ctx);
    for &[mx, my] in surface.minima() {
        frame.cross(ctx, mx, my);
    }
}

thread_local! {
    /// The last surface painted, on a canvas of its own: a redraw for a new start, learning
    /// rate or step count copies it instead of evaluating the surface again.
    static BACKGROUND: RefCell<Option<(Surface, HtmlCanvasElement)>> = const { RefCell::new(None) };
}

/// Copies `surface`'s contours onto `ctx`, painting them first if they are not cached.
fn draw_background(ctx: &CanvasRenderingContext2d, surface: Surface) {
    BACKGROUND.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.as_ref().is_none_or(|(s, _)| *s != surface) {
            let canvas = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok());
            let Some(canvas) = canvas else {
                return paint_surface(ctx, surface);
            };
            canvas.set_width(CONTOUR_SIZE.0 as u32);
            canvas.set_height(CONTOUR_SIZE.1 as u32);
            let Some(offscreen) = crate::dom::context_2d(&canvas) else {
                return paint_surface(ctx, surface);
            };
            paint_surface(&offscreen, surface);
            *cached = Some((surface, canvas));
        }
        if let Some((_, canvas)) = cached.as_ref() {
            ctx.clear_rect(0.0, 0.0, CONTOUR_SIZE.0, CONTOUR_SIZE.1);
            ctx.draw_image_with_html_canvas_element(canvas, 0.0, 0.0)
                .ok();
        }
    });
}

fn draw_contours(canvas: &HtmlCanvasElement, state: &GradientDescent, paths: &[Descent]) {
    let Some(ctx) = crate::dom::context_2d(canvas) else {
        return;
    };
    let frame = contour_frame(state.surface);
    draw_background(&ctx, state.surface);
    for (path, colour) in paths.iter().zip(COLOURS).rev() {
        let (xs, ys): (Vec<f64>, Vec<f64>) = path.points.iter().map(|p| (p[0], p[1])).unzip();
        frame.curve(&ctx, &xs, &ys, colour, false);
        let [ex, ey] = path.end();
        if ex.is_finite() && ey.is_finite() {
            frame.dot(&ctx, ex, ey, colour);
        }
    }
    if let Some(first) = paths.first() {
        let [ex, ey] = first.end();
        let [gx, gy] = *first.gradients.last().expect("a path has its start");
        frame.arrow(&ctx, (ex, ey), (-gx, -gy), ARROW, INK);
        let [sx, sy] = state.start;
        frame.ring(&ctx, sx, sy, INK);
    }
}

fn draw_losses(canvas: &HtmlCanvasElement, state: &GradientDescent, paths: &[Descent]) {
    let Some(ctx) = crate::dom::context_2d(canvas) else {
        return;
    };
    // Losses of the surfaces with a minimum of 0 span decades: draw their log.
    let log = state.surface != Surface::Saddle;
    let shown = |loss: f64| {
        if log { loss.max(1e-12).log10() } else { loss }
    };
    // The range follows the paths that stayed on the plane (a diverged one would flatten
    // them); a diverged path is drawn clipped.
    let settled: Vec<&Descent> = paths.iter().filter(|p| !p.diverged).collect();
    let ranged: Vec<&Descent> = if settled.is_empty() {
        paths.iter().collect()
    } else {
        settled
    };
    let finite = ranged
        .iter()
        .flat_map(|p| p.losses.iter().map(|&l| shown(l)))
        .filter(|v| v.is_finite() && v.abs() < 1e12);
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo < hi {
        (lo, hi)
    } else {
        (lo.min(0.0) - 1.0, hi.max(0.0) + 1.0)
    };
    let steps = paths.iter().map(Descent::steps).max().unwrap_or(0).max(1) as f64;
    let frame = Frame {
        width: CURVE_SIZE.0,
        height: CURVE_SIZE.1,
        x: (0.0, steps),
        y: (lo, hi + 0.05 * (hi - lo)),
        margin: 28.0,
    };
    frame.clear(&ctx);
    frame.axes(&ctx);
    for (path, colour) in paths.iter().zip(COLOURS).rev() {
        let xs: Vec<f64> = (0..path.losses.len()).map(|i| i as f64).collect();
        let ys: Vec<f64> = path.losses.iter().map(|&l| shown(l)).collect();
        frame.curve(&ctx, &xs, &ys, colour, false);
    }
    if log {
        ctx.set_fill_style_str(INK);
        ctx.set_text_align("left");
        ctx.fill_text("log₁₀ f", 4.0, 12.0).ok();
    }
}

/// The start under a pointer, rounded, within the region.
fn start_at(state: &GradientDescent, (px, py): (f64, f64)) -> Vec<f64> {
    let frame = contour_frame(state.surface);
    let (x, y) = frame.plane(px, py);
    let round = |v: f64| (v * 100.0).round() / 100.0;
    vec![
        round(x.clamp(frame.x.0, frame.x.1)),
        round(y.clamp(frame.y.0, frame.y.1)),
    ]
}

/// What the last update did per coordinate: `−Δ / g` (the learning rate SGD would need to make
/// the same step); `None` before any step or where the gradient was 0.
fn effective_rates(path: &Descent) -> Option<[Option<f64>; 2]> {
    let n = path.points.len();
    if n < 2 || path.diverged {
        return None;
    }
    let (before, after, g) = (
        path.points[n - 2],
        path.points[n - 1],
        path.gradients[n - 2],
    );
    let rate = |i: usize| (g[i] != 0.0).then(|| -(after[i] - before[i]) / g[i]);
    Some([rate(0), rate(1)])
}

/// The view.
pub fn view(ctx: WidgetCtx<GradientDescent>) -> AnyView {
    // The paths of the current state (cached by the state: every reader shares one run).
    let paths = move || ctx.state.with(GradientDescent::paths);
    let paths_untracked = move || ctx.state.with_untracked(GradientDescent::paths);
    let contour = NodeRef::<Canvas>::new();
    let losses = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let state = ctx.state.get();
        let paths = state.paths();
        if let Some(canvas) = contour.get() {
            draw_contours(&canvas, &state, &paths);
        }
        if let Some(canvas) = losses.get() {
            draw_losses(&canvas, &state, &paths);
        }
    });
    let on_drag = move |point: (f64, f64)| {
        let start = ctx.state.with_untracked(|s| start_at(s, point));
        ctx.set("start", Value::List(start));
    };

    // Play: one step per tick until the slider's end or a divergence.
    let playing = RwSignal::new(false);
    let step_once = move || {
        let (steps, stuck) = ctx.state.with_untracked(|s| {
            let stuck = paths_untracked().iter().all(|p| p.diverged);
            (s.steps, stuck)
        });
        if stuck || steps as f64 >= SLIDER_STEPS {
            playing.set(false);
        } else {
            ctx.set("steps", Value::Number((steps + 1) as f64));
        }
    };
    super::ticker(playing, 80, step_once);

    let race_boxes = move || {
        OPTIMIZERS
            .iter()
            .map(|&name| {
                let checked = move || ctx.state.with(|s| s.racers().contains(&name));
                let is_main = move || ctx.state.with(|s| s.optimizer == name);
                view! {
                    <label class="nw-check">
                        <input type="checkbox" data-testid=format!("race-{name}")
                            prop:checked=checked disabled=is_main
                            on:change=move |_| {
                                let mut others = ctx.state.with_untracked(|s| s.optimizers.clone());
                                if let Some(i) = others.iter().position(|o| *o == name) {
                                    others.remove(i);
                                } else {
                                    others.push(name);
                                }
                                let names = others.iter().map(|n| n.to_string()).collect();
                                ctx.set("optimizers", Value::Names(names));
                            }/>
                        <span>{name}</span>
                    </label>
                }
            })
            .collect_view()
    };

    let readout = move || {
        let paths = paths();
        {
            let first = paths.first()?;
            let [x, y] = first.end();
            let [gx, gy] = *first.gradients.last()?;
            Some((
                format!("({}, {})", fmt(x), fmt(y)),
                fmt(*first.losses.last()?),
                format!("({}, {})", fmt(gx), fmt(gy)),
                first.steps().to_string(),
                first.diverged,
                effective_rates(first),
            ))
        }
    };
    let lr_log = move || ctx.state.with(|s| s.learning_rate.log10());

    view! {
        <div class="nw-head">
            <h3>{move || ctx.t(text::DESCENT)}</h3>
            <span class="nw-math" inner_html=move || formula(ctx.state.with(|s| s.surface))></span>
        </div>
        <div class="nw-body">
            <div class="nw-controls">
                {choice_select(ctx, "surface", text::SURFACE, SURFACES, |s| s.surface.name(), |_, picked| {
                    let surface = crate::widgets::descent::surface_named(picked);
                    let start = surface.default_start().to_vec();
                    vec![
                        ("surface".into(), Value::Text(picked.into())),
                        ("start".into(), Value::List(start)),
                    ]
                })}
                {choice_select(ctx, "optimizer", text::OPTIMIZER, OPTIMIZERS, |s| s.optimizer, |_, picked| {
                    vec![("optimizer".into(), Value::Text(picked.into()))]
                })}
                {ctx.shows("optimizers").then(|| view! {
                    <fieldset class="nw-race">
                        <legend>{move || ctx.t(text::RACE)}</legend>
                        {race_boxes}
                    </fieldset>
                })}
                {ctx.shows("learning_rate").then(|| view! {
                    <label class="nw-slider">
                        <span class="nw-slider-label">{move || ctx.t(text::LEARNING_RATE)}</span>
                        <input type="range" min=-4 max=1 step=0.01 data-testid="slider-learning_rate"
                            prop:value=move || lr_log().clamp(-4.0, 1.0).to_string()
                            on:input=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                    let rate = 10f64.powf(v);
                                    let rounded = format!("{rate:.3e}").parse().unwrap_or(rate);
                                    ctx.set("learning_rate", Value::Number(rounded));
                                }
                            }/>
                        <output data-testid="readout-learning_rate">
                            {move || fmt(ctx.state.with(|s| s.learning_rate))}
                        </output>
                    </label>
                })}
                {ctx.shows("steps").then(|| view! {
                    <label class="nw-slider">
                        <span class="nw-slider-label">{move || ctx.t(text::STEPS)}</span>
                        <input type="range" min=0 max=SLIDER_STEPS step=1 data-testid="slider-steps"
                            prop:value=move || ctx.state.with(|s| (s.steps as f64).min(SLIDER_STEPS).to_string())
                            on:input=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                    ctx.set("steps", Value::Number(v.round()));
                                }
                            }/>
                        <output data-testid="readout-steps">{move || ctx.state.with(|s| s.steps)}</output>
                    </label>
                })}
                {ctx.shows("steps").then(|| view! {
                    <div class="nw-buttons">
                        <button data-testid="play" on:click=move |_| playing.update(|p| *p = !*p)>
                            {move || ctx.t(if playing.get() { text::PAUSE } else { text::PLAY })}
                        </button>
                        <button data-testid="step" on:click=move |_| {
                            playing.set(false);
                            let steps = ctx.state.with_untracked(|s| s.steps);
                            ctx.set("steps", Value::Number((steps + 1) as f64));
                        }>{move || ctx.t(text::ONE_STEP)}</button>
                        <button data-testid="reset-steps" on:click=move |_| {
                            playing.set(false);
                            ctx.set("steps", Value::Number(0.0));
                        }>{move || ctx.t(text::RESET_STEPS)}</button>
                    </div>
                })}
                {move || readout().map(|(point, loss, gradient, steps, diverged, rates)| view! {
                    <dl class="nw-readout" data-testid="descent-readout">
                        <dt>{ctx.t(text::STEPS_TAKEN)}</dt><dd data-testid="output-steps">{steps}</dd>
                        <dt>{ctx.t(text::POINT)}</dt><dd data-testid="output-point">{point}</dd>
                        <dt>"f"</dt><dd data-testid="output-loss">{loss}</dd>
                        <dt>{ctx.t(text::SURFACE_GRADIENT)}</dt><dd data-testid="output-gradient">{gradient}</dd>
                        {rates.map(|[rx, ry]| {
                            let show = |r: Option<f64>| r.map_or("—".to_string(), fmt);
                            view! {
                                <dt title=ctx.t(text::EFFECTIVE_RATE_NOTE)>{ctx.t(text::EFFECTIVE_RATE)}</dt>
                                <dd data-testid="output-effective-rate">{format!("x: {}, y: {}", show(rx), show(ry))}</dd>
                            }
                        })}
                    </dl>
                    {diverged.then(|| view! {
                        <p class="nw-explain" data-testid="diverged">
                            {ctx.t(if ctx.state.with(|s| s.surface == Surface::Saddle) { text::SADDLE_ESCAPE } else { text::DIVERGED })}
                        </p>
                    })}
                })}
            </div>
            <figure class="nw-figure">
                {plot::drag_canvas(contour, CONTOUR_SIZE, "descent-canvas", on_drag)}
                <figcaption>{move || ctx.t(text::CONTOUR)}</figcaption>
                <canvas node_ref=losses width=CURVE_SIZE.0 height=CURVE_SIZE.1 data-testid="descent-losses"></canvas>
                <figcaption>{move || ctx.t(text::LOSS_BY_STEP)}</figcaption>
                <p class="nw-legend">
                    {move || {
                        let racers = ctx.state.with(|s| s.racers());
                        let diverged: Vec<bool> = paths().iter().map(|p| p.diverged).collect();
                        racers.into_iter().zip(diverged).enumerate().map(|(i, (name, diverged))| view! {
                            <span data-testid=format!("legend-{name}") class:nw-diverged=diverged>
                                <i class=format!("nw-swatch nw-c{i}")></i>{name}
                                {diverged.then(|| format!(" ({})", ctx.t(text::DIVERGED_SHORT)))}
                            </span>
                        }).collect_view()
                    }}
                </p>
            </figure>
        </div>
    }
    .into_any()
}
