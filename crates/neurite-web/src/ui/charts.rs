//! Loss and accuracy curves, drawn with `plotters` on canvases: train (smoothed per batch) and
//! test (per epoch).

use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::i18n::{Lang, Text};
use crate::state::{CurvePoint, Run};

const TRAIN_COLOUR: RGBColor = RGBColor(37, 99, 235);
const TEST_COLOUR: RGBColor = RGBColor(220, 38, 38);

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
}

fn draw(
    canvas: web_sys::HtmlCanvasElement,
    metric: Metric,
    curves: &Curves<'_>,
) -> Result<(), Box<dyn std::error::Error>> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let values = || {
        curves
            .train
            .iter()
            .chain(curves.test)
            .map(|p| metric.of(p))
            .filter(|v| v.is_finite())
    };
    let y_range = match metric {
        Metric::Loss => 0.0..values().fold(0.5f64, f64::max) * 1.05,
        Metric::Accuracy => values().fold(0.9f64, f64::min).max(0.0) - 0.02..1.0,
    };
    let x_max = curves
        .train
        .last()
        .map_or(0.0, |p| p.position)
        .max(curves.epochs)
        .max(1.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(curves.title, ("sans-serif", 15))
        .margin(6)
        .x_label_area_size(22)
        .y_label_area_size(42)
        .build_cartesian_2d(0.0..x_max, y_range)?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(5)
        .light_line_style(RGBColor(238, 238, 238))
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            curves.train.iter().map(|p| (p.position, metric.of(p))),
            TRAIN_COLOUR.stroke_width(2),
        ))?
        .label(curves.train_label)
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], TRAIN_COLOUR.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(
            curves.test.iter().map(|p| (p.position, metric.of(p))),
            TEST_COLOUR.stroke_width(2),
        ))?
        .label(curves.test_label)
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], TEST_COLOUR.stroke_width(2)));
    chart.draw_series(
        curves
            .test
            .iter()
            .map(|p| Circle::new((p.position, metric.of(p)), 4, TEST_COLOUR.filled())),
    )?;
    chart
        .configure_series_labels()
        .position(match metric {
            Metric::Loss => SeriesLabelPosition::UpperRight,
            Metric::Accuracy => SeriesLabelPosition::LowerRight,
        })
        .background_style(WHITE.mix(0.8))
        .border_style(RGBColor(200, 200, 200))
        .draw()?;
    root.present()?;
    Ok(())
}

fn chart(
    run: RwSignal<Run>,
    lang: Signal<Lang>,
    metric: Metric,
    title: Text,
    testid: &'static str,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let lang = lang.get();
        run.with(|run| {
            let curves = Curves {
                title: title.in_lang(lang),
                train_label: Text::Train.in_lang(lang),
                test_label: Text::Test.in_lang(lang),
                epochs: run.epochs() as f64,
                train: &run.train_curve,
                test: &run.test_curve,
            };
            if let Err(e) = draw(element, metric, &curves) {
                web_sys::console::warn_1(&format!("chart: {e}").into());
            }
        });
    });
    view! {
        <canvas node_ref=canvas class="chart" data-testid=testid width="460" height="220"></canvas>
    }
}

/// The loss chart and the accuracy chart.
#[component]
pub fn Charts(run: RwSignal<Run>, lang: Signal<Lang>) -> impl IntoView {
    view! {
        <div class="charts">
            {chart(run, lang, Metric::Loss, Text::Loss, "chart-loss")}
            {chart(run, lang, Metric::Accuracy, Text::Accuracy, "chart-accuracy")}
        </div>
    }
}
