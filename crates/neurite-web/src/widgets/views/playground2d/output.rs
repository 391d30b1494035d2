//! The output column: the network's map over the plane (or a hovered neuron's) under the
//! training and test points, and the loss curves with the value under the pointer.

use leptos::html::Canvas;
use leptos::prelude::*;
use neurite::data::plane::{PlaneLabels, PlanePoints};
use neurite::explain::plane::PLANE_EXTENT;
use web_sys::{CanvasRenderingContext2d, PointerEvent};

use super::colours::{class_colour, css, output_rgba, unit_rgba};
use super::points::OwnPoints;
use super::runner::{HistoryPoint, Runner};
use crate::i18n::playground2d as text;
use crate::plane::protocol::FULL_SIDE;
use crate::widgets::playground2d::Playground2d;
use crate::widgets::views::plot::{self, Frame, diverging};
use crate::widgets::views::{WidgetCtx, fmt};

/// The map's side in pixels.
const MAP: f64 = 300.0;
/// The loss chart's size.
const CHART: (f64, f64) = (300.0, 130.0);
/// The training curve's colour and the test curve's.
const TRAIN_INK: &str = "#8a8a9a";
const TEST_INK: &str = "#222";
/// The accuracies' colours (dashed).
const TRAIN_ACCURACY_INK: &str = "#56b4e9";
const TEST_ACCURACY_INK: &str = "#0072b2";

fn map_frame() -> Frame {
    let e = f64::from(PLANE_EXTENT);
    Frame {
        width: MAP,
        height: MAP,
        x: (-e, e),
        y: (-e, e),
        margin: 0.0,
    }
}

/// The map a little paler, so that the points on it (in full colour) stand out.
fn faded(mut rgba: Vec<u8>) -> Vec<u8> {
    for (i, c) in rgba.iter_mut().enumerate() {
        if i % 4 != 3 {
            *c = (f64::from(*c) + (255.0 - f64::from(*c)) * 0.35).round() as u8;
        }
    }
    rgba
}

fn paint_points(ctx: &CanvasRenderingContext2d, points: &PlanePoints, test: bool) {
    let frame = map_frame();
    let classes = match points.labels() {
        PlaneLabels::Classes { classes, .. } => *classes,
        PlaneLabels::Values(_) => 0,
    };
    for (i, &[x, y]) in points.xy().iter().enumerate() {
        let colour = match points.labels() {
            PlaneLabels::Classes { labels, .. } => class_colour(usize::from(labels[i]), classes),
            PlaneLabels::Values(values) => diverging(f64::from(values[i])),
        };
        let (px, py) = frame.px(f64::from(x), f64::from(y));
        ctx.begin_path();
        ctx.arc(px, py, 3.2, 0.0, std::f64::consts::TAU).ok();
        ctx.set_fill_style_str(&css(colour));
        ctx.fill();
        ctx.set_line_width(if test { 1.6 } else { 1.0 });
        ctx.set_stroke_style_str(if test { "#000" } else { "#fff" });
        ctx.stroke();
    }
}

/// The map and the points.
pub fn map_view(ctx: WidgetCtx<Playground2d>, runner: Runner, own: OwnPoints) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else {
            return;
        };
        let Some(context) = crate::dom::context_2d(&canvas) else {
            return;
        };
        let (discretize, show_test) = ctx
            .state
            .with(|s| (s.link.discretize, s.link.show_test_data));
        let focus = runner.focus.get();
        let frame = map_frame();
        frame.clear(&context);
        runner.frame.with(|data| {
            let Some(data) = data else {
                return;
            };
            let layout = &data.frame.layout;
            let probability = runner.points.with(|p| {
                p.as_ref()
                    .is_some_and(|p| matches!(p.train.labels(), PlaneLabels::Classes { .. }))
            });
            let rgba = match (focus, layout.focused()) {
                (Some(_), Some(range)) if layout.focus == focus => data
                    .maps
                    .get(range)
                    .map(|bytes| unit_rgba(bytes, false))
                    .unwrap_or_default(),
                _ => output_rgba(layout, &data.maps, probability, discretize),
            };
            if rgba.len() == FULL_SIDE * FULL_SIDE * 4 {
                plot::paint(&context, &frame, FULL_SIDE, &faded(rgba), !discretize);
            }
        });
        if let Some(points) = own.points.get() {
            // The learner's points, as they are drawn (the run follows).
            paint_points(&context, &points, false);
            return;
        }
        runner.points.with(|points| {
            if let Some(points) = points {
                paint_points(&context, &points.train, false);
                if show_test {
                    paint_points(&context, &points.test, true);
                }
            }
        });
    });
    let caption = move || {
        if runner.focus.get().is_some() {
            ctx.t(text::NEURON_MAP)
        } else {
            ctx.t(text::MAP_CAPTION)
        }
    };
    // A point being dragged: its index and where it is now (moved for good on release).
    let dragging = RwSignal::new(None::<(usize, f32, f32)>);
    let at = move |ev: &PointerEvent| {
        let canvas = canvas.get_untracked()?;
        let (px, py) = plot::pointer_position(&canvas, ev);
        let (x, y) = map_frame().plane(px, py);
        Some((x as f32, y as f32))
    };
    let on_press = move |ev: PointerEvent| {
        if !own.drawing.get_untracked() {
            return;
        }
        let Some((x, y)) = at(&ev) else {
            return;
        };
        if ev.shift_key() || ev.button() == 2 {
            own.remove_near(runner, x, y);
        } else if let Some(index) = own.nearest(runner, x, y) {
            if let Some(canvas) = canvas.get_untracked() {
                canvas.set_pointer_capture(ev.pointer_id()).ok();
            }
            dragging.set(Some((index, x, y)));
        } else {
            own.add(runner, x, y);
        }
    };
    let on_drag = move |ev: PointerEvent| {
        if let (Some((index, _, _)), Some((x, y))) = (dragging.get_untracked(), at(&ev)) {
            dragging.set(Some((index, x, y)));
        }
    };
    let on_release = move |_: PointerEvent| {
        if let Some((index, x, y)) = dragging.get_untracked() {
            dragging.set(None);
            own.move_point(runner, index, x, y);
        }
    };
    Effect::new(move |_| {
        let (Some((_, x, y)), Some(canvas)) = (dragging.get(), canvas.get()) else {
            return;
        };
        if let Some(context) = crate::dom::context_2d(&canvas) {
            let (px, py) = map_frame().px(f64::from(x), f64::from(y));
            context.begin_path();
            context.arc(px, py, 5.0, 0.0, std::f64::consts::TAU).ok();
            context.set_line_width(2.0);
            context.set_stroke_style_str("#1f2937");
            context.stroke();
        }
    });
    view! {
        <figure class="nw-p2-map" class:nw-p2-drawing=move || own.drawing.get()>
            <canvas node_ref=canvas width=MAP height=MAP data-testid="output-map"
                on:pointerdown=on_press on:pointermove=on_drag on:pointerup=on_release
                on:contextmenu=move |ev| if own.drawing.get_untracked() { ev.prevent_default() }></canvas>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}

fn chart_frame(history: &[HistoryPoint]) -> Frame {
    let last = history.last().map_or(1.0, |p| p.epoch.max(1.0));
    // Accuracies (dashed) share the axis: it reaches 1 at least when there are any.
    let least = if history.iter().any(|p| p.test_accuracy.is_finite()) {
        1.0
    } else {
        1e-3
    };
    let top = history
        .iter()
        .flat_map(|p| [p.train, p.test])
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max)
        .max(least);
    Frame {
        width: CHART.0,
        height: CHART.1,
        x: (0.0, last),
        y: (0.0, top * 1.05),
        margin: 28.0,
    }
}

/// The loss curves, the numbers and the value under the pointer.
pub fn chart_view(ctx: WidgetCtx<Playground2d>, runner: Runner) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let pointer = RwSignal::new(None::<f64>);
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else {
            return;
        };
        let Some(context) = crate::dom::context_2d(&canvas) else {
            return;
        };
        runner.history.with(|history| {
            let frame = chart_frame(history);
            frame.clear(&context);
            frame.axes(&context);
            let xs: Vec<f64> = history.iter().map(|p| p.epoch).collect();
            let train: Vec<f64> = history.iter().map(|p| p.train).collect();
            let test: Vec<f64> = history.iter().map(|p| p.test).collect();
            frame.curve(&context, &xs, &train, TRAIN_INK, false);
            frame.curve(&context, &xs, &test, TEST_INK, false);
            let train_accuracy: Vec<f64> = history.iter().map(|p| p.train_accuracy).collect();
            let test_accuracy: Vec<f64> = history.iter().map(|p| p.test_accuracy).collect();
            frame.curve(&context, &xs, &train_accuracy, TRAIN_ACCURACY_INK, true);
            frame.curve(&context, &xs, &test_accuracy, TEST_ACCURACY_INK, true);
            if let Some(px) = pointer.get() {
                let (epoch, _) = frame.plane(px, 0.0);
                context.set_stroke_style_str("#99a");
                context.set_line_width(1.0);
                frame.segment(&context, (epoch, frame.y.0), (epoch, frame.y.1));
            }
        });
    });
    let hovered_point = move || {
        let px = pointer.get()?;
        runner.history.with(|history| {
            let frame = chart_frame(history);
            let (epoch, _) = frame.plane(px, 0.0);
            history
                .iter()
                .min_by(|a, b| (a.epoch - epoch).abs().total_cmp(&(b.epoch - epoch).abs()))
                .copied()
        })
    };
    let on_move = move |ev: PointerEvent| {
        if let Some(canvas) = canvas.get_untracked() {
            pointer.set(Some(plot::pointer_position(&canvas, &ev).0));
        }
    };
    let readout = move || {
        let lang = ctx.lang.get();
        let point = hovered_point();
        let frame = runner.frame.get();
        let (epoch, train, test, accuracies) = match (point, &frame) {
            (Some(p), _) => (
                p.epoch as usize,
                p.train,
                p.test,
                (p.test_accuracy.is_finite()).then_some((p.test_accuracy, p.train_accuracy)),
            ),
            (None, Some(f)) => (
                f.frame.epoch,
                f.frame.train_loss,
                f.frame.test_loss,
                f.frame.test_accuracy.zip(f.frame.train_accuracy),
            ),
            (None, None) => return String::new(),
        };
        let mut line = format!(
            "{} {epoch} · {} {} · {} {}",
            text::EPOCH.in_lang(lang),
            text::TEST_LOSS.in_lang(lang),
            fmt(test),
            text::TRAIN_LOSS.in_lang(lang),
            fmt(train)
        );
        if let Some((test, train)) = accuracies {
            line.push_str(&format!(
                " · {} {:.1} % · {} {:.1} %",
                text::TEST_ACCURACY.in_lang(lang),
                test * 100.0,
                text::TRAIN_ACCURACY.in_lang(lang),
                train * 100.0
            ));
        }
        line
    };
    view! {
        <figure class="nw-p2-chart">
            <p class="nw-p2-losses" data-testid="losses">{readout}</p>
            <canvas node_ref=canvas width=CHART.0 height=CHART.1 data-testid="loss-chart"
                on:pointermove=on_move on:pointerleave=move |_| pointer.set(None)></canvas>
            <figcaption>
                <span class="nw-p2-key nw-p2-key-test"></span>
                {move || ctx.t(text::TEST_LOSS)}
                <span class="nw-p2-key nw-p2-key-train"></span>
                {move || ctx.t(text::TRAIN_LOSS)}
                <span class="nw-p2-key nw-p2-key-test-accuracy"></span>
                {move || ctx.t(text::TEST_ACCURACY)}
                <span class="nw-p2-key nw-p2-key-train-accuracy"></span>
                {move || ctx.t(text::TRAIN_ACCURACY)}
            </figcaption>
        </figure>
    }
}
