//! The learner's own points: with "draw points" on, a click on the map adds a point of the
//! chosen class (or value), a drag moves a point, a shift-click or a right-click removes the
//! nearest one, "clear" removes them all; and the points as a CSV file (`x,y,label`), saved and read with the
//! engine's reader, whose refusal names the line. Own points replace the data set's until the
//! data set, its size, noise or seed change.

use std::rc::Rc;

use leptos::prelude::*;
use neurite::data::plane::csv::{MAX_CSV_BYTES, read_csv, write_csv};
use neurite::data::plane::{PlaneLabels, PlanePoints};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use super::colours::{class_colour, css};
use super::runner::Runner;
use crate::i18n::playground2d as text;
use crate::protocol::WorkerError;
use crate::widgets::playground2d::Playground2d;
use crate::widgets::views::WidgetCtx;

/// How near a click must be to a point to remove it, in plane units.
const REMOVE_RADIUS: f32 = 0.4;

/// The learner's points and the pen.
#[derive(Clone, Copy)]
pub struct OwnPoints {
    /// The points (`None`: the data set's).
    pub points: RwSignal<Option<Rc<PlanePoints>>, LocalStorage>,
    /// Whether a click on the map adds a point.
    pub drawing: RwSignal<bool>,
    /// The class a new point gets.
    pub class: RwSignal<u8>,
    /// The value a new point gets, in a regression.
    pub value: RwSignal<f32>,
    /// Why the last file was refused.
    pub error: RwSignal<Option<WorkerError>>,
}

impl Default for OwnPoints {
    fn default() -> Self {
        Self::new()
    }
}

impl OwnPoints {
    /// No own points yet.
    pub fn new() -> Self {
        OwnPoints {
            points: RwSignal::new_local(None),
            drawing: RwSignal::new(false),
            class: RwSignal::new(0),
            value: RwSignal::new(1.0),
            error: RwSignal::new(None),
        }
    }

    /// The points to edit: the learner's, else the current run's (training and test).
    fn current(self, runner: Runner) -> Option<PlanePoints> {
        if let Some(points) = self.points.get_untracked() {
            return Some((*points).clone());
        }
        runner
            .points
            .with_untracked(|p| p.as_ref().and_then(|p| p.train.joined(&p.test)))
    }

    fn replace(self, xy: Vec<[f32; 2]>, labels: PlaneLabels) {
        if let Ok(points) = PlanePoints::new(xy, labels) {
            self.points.set(Some(Rc::new(points)));
        }
    }

    /// Adds a point at `(x, y)` of the chosen class or value.
    pub fn add(self, runner: Runner, x: f32, y: f32) {
        let Some(points) = self.current(runner) else {
            return;
        };
        let mut xy = points.xy().to_vec();
        xy.push([x, y]);
        let labels = match points.labels().clone() {
            PlaneLabels::Classes {
                mut labels,
                classes,
            } => {
                labels.push(self.class.get_untracked().min(classes as u8 - 1));
                PlaneLabels::Classes { labels, classes }
            }
            PlaneLabels::Values(mut values) => {
                values.push(self.value.get_untracked());
                PlaneLabels::Values(values)
            }
        };
        self.replace(xy, labels);
    }

    /// The point nearest to `(x, y)`, if one is near.
    pub fn nearest(self, runner: Runner, x: f32, y: f32) -> Option<usize> {
        let points = self.current(runner)?;
        let distance = |p: &[f32; 2]| (p[0] - x).hypot(p[1] - y);
        let (nearest, d) = points
            .xy()
            .iter()
            .enumerate()
            .map(|(i, p)| (i, distance(p)))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        (d <= REMOVE_RADIUS).then_some(nearest)
    }

    /// Moves point `index` to `(x, y)` (the end of a drag).
    pub fn move_point(self, runner: Runner, index: usize, x: f32, y: f32) {
        let Some(points) = self.current(runner) else {
            return;
        };
        let mut xy = points.xy().to_vec();
        if let Some(point) = xy.get_mut(index) {
            *point = [x, y];
            self.replace(xy, points.labels().clone());
        }
    }

    /// Removes the point nearest to `(x, y)`, if one is near.
    pub fn remove_near(self, runner: Runner, x: f32, y: f32) {
        let (Some(points), Some(nearest)) = (self.current(runner), self.nearest(runner, x, y))
        else {
            return;
        };
        let mut xy = points.xy().to_vec();
        xy.remove(nearest);
        let labels = match points.labels().clone() {
            PlaneLabels::Classes {
                mut labels,
                classes,
            } => {
                labels.remove(nearest);
                PlaneLabels::Classes { labels, classes }
            }
            PlaneLabels::Values(mut values) => {
                values.remove(nearest);
                PlaneLabels::Values(values)
            }
        };
        self.replace(xy, labels);
    }

    /// Removes every point.
    pub fn clear(self, runner: Runner) {
        let Some(points) = self.current(runner) else {
            return;
        };
        let labels = match points.labels() {
            PlaneLabels::Classes { classes, .. } => PlaneLabels::Classes {
                labels: Vec::new(),
                classes: *classes,
            },
            PlaneLabels::Values(_) => PlaneLabels::Values(Vec::new()),
        };
        self.replace(Vec::new(), labels);
    }
}

/// Reads the file the input holds as points.
async fn import(own: OwnPoints, regression: bool, input: HtmlInputElement) {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    input.set_value("");
    let too_long = neurite::Error::Csv {
        line: 0,
        reason: neurite::CsvReason::TooLarge {
            bytes: file.size() as usize,
            max: MAX_CSV_BYTES,
        },
    };
    if file.size() > MAX_CSV_BYTES as f64 {
        own.error.set(Some(too_long.into()));
        return;
    }
    let Ok(text) = JsFuture::from(file.text()).await else {
        own.error.set(Some(too_long.into()));
        return;
    };
    let text = text.as_string().unwrap_or_default();
    match read_csv(&text, regression) {
        Ok(points) => {
            own.error.set(None);
            own.points.set(Some(Rc::new(points)));
        }
        Err(e) => own.error.set(Some(e.into())),
    }
}

/// The pen and the file buttons.
pub fn controls(ctx: WidgetCtx<Playground2d>, runner: Runner, own: OwnPoints) -> impl IntoView {
    let regression = move || ctx.state.with(|s| s.is_regression());
    let classes = move || ctx.state.with(|s| s.class_count().max(2));
    let pens = move || {
        if regression() {
            [-1.0f32, 1.0]
                .into_iter()
                .map(|v| {
                    let chosen = move || own.value.get() == v;
                    view! {
                        <button class="nw-p2-pen" class:nw-p2-chosen=chosen
                            data-testid=format!("pen-value-{v}")
                            on:click=move |_| own.value.set(v)>{format!("{v:+}")}</button>
                    }
                })
                .collect_view()
                .into_any()
        } else {
            let n = classes();
            (0..n as u8)
                .map(|c| {
                    let chosen = move || own.class.get() == c;
                    view! {
                        <button class="nw-p2-pen" class:nw-p2-chosen=chosen
                            data-testid=format!("pen-class-{c}")
                            style:background-color=css(class_colour(usize::from(c), n))
                            on:click=move |_| own.class.set(c)>{c.to_string()}</button>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    let export = move |_| {
        let points = own.current(runner);
        if let Some(points) = points {
            crate::dom::download(
                write_csv(&points).as_bytes(),
                "neurite-points.csv",
                "text/csv",
            );
        }
    };
    let error = move || {
        let lang = ctx.lang.get();
        own.error
            .get()
            .map(|e| view! { <p class="nw-p2-notice" role="alert" data-testid="points-error">{e.message(lang).to_string()}</p> })
    };
    view! {
        <div class="nw-p2-points" data-testid="own-points">
            <label class="nw-p2-flag">
                <input type="checkbox" data-testid="draw-points" prop:checked=move || own.drawing.get()
                    on:change=move |ev| own.drawing.set(event_target_checked(&ev))/>
                <span>{move || ctx.t(text::DRAW_POINTS)}</span>
            </label>
            {move || own.drawing.get().then(|| view! {
                <div class="nw-p2-pens">{pens}</div>
                <p class="nw-explain">{ctx.t(text::DRAW_HINT)}</p>
                <button data-testid="clear-points" on:click=move |_| own.clear(runner)>{ctx.t(text::CLEAR_POINTS)}</button>
            })}
            <div class="nw-p2-files">
                <button data-testid="export-points" on:click=export>{move || ctx.t(text::EXPORT_CSV)}</button>
                <label class="nw-p2-file">
                    <span>{move || ctx.t(text::IMPORT_CSV)}</span>
                    <input type="file" accept=".csv,text/csv" data-testid="import-points"
                        on:change=move |ev| {
                            let input: HtmlInputElement = event_target(&ev);
                            let regression = ctx.state.with_untracked(|s| s.is_regression());
                            wasm_bindgen_futures::spawn_local(import(own, regression, input));
                        }/>
                </label>
            </div>
            {error}
        </div>
    }
}
