//! Loss and accuracy curves on canvases: train (smoothed per batch) and test (per epoch), and
//! the curves of the stored runs picked to compare, each in its own colour (see
//! [`crate::ui::compared`] for their legend).

use leptos::html::Canvas;
use leptos::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::dom::{self, Redraw};
use crate::i18n::{Lang, Text};
use crate::state::{CurvePoint, Run, SavedRun};
use crate::ui::compared::{ComparedLegend, OVERLAY_COLOURS};
use crate::widgets::views::plot::{Frame, INK};

const TRAIN_COLOUR: &str = "#2563eb";
const TEST_COLOUR: &str = "#dc2626";
/// The shortest time between two redraws of a chart, in milliseconds.
const REDRAW_MS: f64 = 200.0;

/// What a chart plots.
#[derive(Clone, Copy)]
enum Metric {
    Loss,
    Accuracy,
}

impl Metric {
    fn of(self, point: &CurvePoint) -> f64 {
        match self {
            Metric::Loss => point.loss,
            Metric::Accuracy => point.accuracy,
        }
    }
}

struct Curves<'a> {
    title: &'a str,
    train_label: &'a str,
    test_label: &'a str,
    epochs: f64,
    train: &'a [CurvePoint],
    test: &'a [CurvePoint],
    /// Stored runs drawn beside the run: their colour, train and test curves.
    compared: Vec<(&'static str, &'a [CurvePoint], &'a [CurvePoint])>,
}

/// Draws both curves, their legend and the epochs' ticks through the site's one plotting
/// frame (`widgets::views::plot`, also the widgets').
fn draw(canvas: &HtmlCanvasElement, metric: Metric, curves: &Curves<'_>) {
    let Some(ctx) = dom::context_2d(canvas) else {
        return;
    };
    let points = || {
        curves.train.iter().chain(curves.test).chain(
            curves
                .compared
                .iter()
                .flat_map(|(_, train, test)| train.iter().chain(test.iter())),
        )
    };
    let values = || points().map(|p| metric.of(p)).filter(|v| v.is_finite());
    let y = match metric {
        Metric::Loss => (0.0, values().fold(0.5f64, f64::max) * 1.05),
        Metric::Accuracy => (values().fold(0.9f64, f64::min).max(0.0) - 0.02, 1.0),
    };
    let x_max = points()
        .map(|p| p.position)
        .fold(curves.epochs, f64::max)
        .max(1.0);
    let frame = Frame {
        width: f64::from(canvas.width()),
        height: f64::from(canvas.height()),
        x: (0.0, x_max),
        y,
        margin: 34.0,
    };
    frame.clear(&ctx);
    epoch_ticks(&ctx, &frame);
    frame.axes(&ctx);
    ctx.set_fill_style_str(INK);
    ctx.set_font("14px system-ui, sans-serif");
    ctx.set_text_align("center");
    ctx.fill_text(curves.title, frame.width / 2.0, 18.0).ok();
    let series = |points: &[CurvePoint], colour: &str| {
        let xs: Vec<f64> = points.iter().map(|p| p.position).collect();
        let ys: Vec<f64> = points.iter().map(|p| metric.of(p)).collect();
        frame.curve(&ctx, &xs, &ys, colour, false);
    };
    let dots = |points: &[CurvePoint], colour: &str| {
        for p in points {
            let v = metric.of(p);
            if v.is_finite() {
                frame.dot(&ctx, p.position, v, colour);
            }
        }
    };
    // The compared runs under this run: their train curves faint, their test curves dotted
    // at each epoch as this run's are.
    for &(colour, train, test) in &curves.compared {
        ctx.set_global_alpha(0.45);
        series(train, colour);
        ctx.set_global_alpha(1.0);
        series(test, colour);
        dots(test, colour);
    }
    series(curves.train, TRAIN_COLOUR);
    series(curves.test, TEST_COLOUR);
    dots(curves.test, TEST_COLOUR);
    legend(
        &ctx,
        &frame,
        &[
            (curves.train_label, TRAIN_COLOUR),
            (curves.test_label, TEST_COLOUR),
        ],
    );
}

/// Light vertical lines and labels at each whole epoch.
fn epoch_ticks(ctx: &CanvasRenderingContext2d, frame: &Frame) {
    let epochs = frame.x.1.floor() as usize;
    let every = epochs.div_ceil(10).max(1);
    ctx.set_stroke_style_str("#eef0f4");
    ctx.set_line_width(1.0);
    ctx.set_fill_style_str(INK);
    ctx.set_font("11px system-ui, sans-serif");
    ctx.set_text_align("center");
    for epoch in (every..epochs).step_by(every) {
        let x = epoch as f64;
        frame.segment(ctx, (x, frame.y.0), (x, frame.y.1));
        let (px, py) = frame.px(x, frame.y.0);
        ctx.fill_text(&epoch.to_string(), px, py + 13.0).ok();
    }
}

/// The series' names in their colours, at the top right of the plot.
fn legend(ctx: &CanvasRenderingContext2d, frame: &Frame, entries: &[(&str, &str)]) {
    ctx.set_font("12px system-ui, sans-serif");
    ctx.set_text_align("right");
    let (right, top) = frame.px(frame.x.1, frame.y.1);
    for (i, (label, colour)) in entries.iter().enumerate() {
        ctx.set_fill_style_str(colour);
        ctx.fill_text(
            &format!("━ {label}"),
            right - 6.0,
            top + 16.0 + 15.0 * i as f64,
        )
        .ok();
    }
}

fn chart(
    run: RwSignal<Run>,
    compared: Signal<Vec<SavedRun>>,
    lang: Signal<Lang>,
    metric: Metric,
    title: Text,
    testid: &'static str,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    // Progress arrives ten times a second: the chart follows it in a task of its own, once
    // however many replies came before it, and five times a second at most.
    let redraw = Redraw::at_most_every(REDRAW_MS);
    // What the chart shows changes only with these (points are only ever added); a learning
    // rate moved mid-run changes the run but not its curves.
    let drawn = Memo::new(move |_| {
        run.with(|r| {
            (
                r.number,
                r.train_curve.len(),
                r.test_curve.len(),
                r.epochs(),
            )
        })
    });
    let compared_drawn = Memo::new(move |_| {
        compared.with(|runs| {
            runs.iter()
                .map(|r| (r.id.clone(), r.curves.train.len(), r.curves.test.len()))
                .collect::<Vec<_>>()
        })
    });
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        lang.track();
        // Read, not only tracked: a memo never read has no sources, and never changes.
        drawn.with(|_| ());
        compared_drawn.with(|_| ());
        redraw.request(move || {
            let lang = lang.get_untracked();
            run.with_untracked(|run| {
                compared.with_untracked(|compared| {
                    let curves = Curves {
                        title: title.in_lang(lang),
                        train_label: Text::Train.in_lang(lang),
                        test_label: Text::Test.in_lang(lang),
                        epochs: run.epochs() as f64,
                        train: &run.train_curve,
                        test: &run.test_curve,
                        compared: compared
                            .iter()
                            .zip(OVERLAY_COLOURS)
                            .map(|(r, colour)| (colour, &r.curves.train[..], &r.curves.test[..]))
                            .collect(),
                    };
                    draw(&element, metric, &curves);
                    // What the canvas shows, for tests: set by the drawing itself.
                    let compared_points: usize = curves
                        .compared
                        .iter()
                        .map(|(_, tr, te)| tr.len() + te.len())
                        .sum();
                    for (name, points) in [
                        ("data-train-points", curves.train.len()),
                        ("data-test-points", curves.test.len()),
                        ("data-compared-runs", curves.compared.len()),
                        ("data-compared-points", compared_points),
                    ] {
                        element.set_attribute(name, &points.to_string()).ok();
                    }
                })
            });
        });
    });
    view! {
        <canvas node_ref=canvas class="chart" data-testid=testid width="460" height="220"></canvas>
    }
}

/// The loss chart and the accuracy chart, with the stored runs picked to compare and their
/// legend.
#[component]
pub fn Charts(
    run: RwSignal<Run>,
    compared: Signal<Vec<SavedRun>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    view! {
        <div class="charts">
            {chart(run, compared, lang, Metric::Loss, Text::Loss, "chart-loss")}
            {chart(run, compared, lang, Metric::Accuracy, Text::Accuracy, "chart-accuracy")}
        </div>
        <ComparedLegend run=run compared=compared lang=lang/>
    }
}
