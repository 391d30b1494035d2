//! The `playground2d` widget's view: TensorFlow Playground's page — the run's controls above,
//! the data on the left, the network in the middle, the output's map and the loss curves on
//! the right — drawn from what its worker sends ([`runner`]).
//!
//! - [`runner`]: the worker, and the run as signals.
//! - [`graph`]: the network, its nodes' maps and its edges.
//! - [`output`]: the output's map with the points, and the loss curves.
//! - [`points`]: the learner's own points, drawn on the map or read from a CSV file.
//! - [`colours`]: the colour scales.
//! - [`live`]: the widget's handle, with its commands and its run's outputs.

pub mod colours;
pub mod graph;
pub mod live;
pub mod output;
pub mod points;
pub mod runner;

use leptos::prelude::*;

use self::points::OwnPoints;
use self::runner::{RunNotice, Runner};
use super::{WidgetCtx, fmt};
use crate::i18n::{Tr, playground2d as text};
use crate::plane::protocol::Stopped;
use crate::plane::setup::PlaneSource;
use crate::widgets::Value;
use crate::widgets::playground_link::{ACTIVATIONS, DATASETS, REG_DATASETS, REGULARIZATIONS};
use crate::widgets::playground2d::{LOSSES, NUMERICS, OPTIMIZERS, Playground2d};

/// The learning rates offered (TensorFlow Playground's).
const LEARNING_RATES: &[&str] = &[
    "0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10",
];
/// The regularization rates offered (TensorFlow Playground's).
const REGULARIZATION_RATES: &[&str] = &[
    "0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10",
];

/// A `<select>` for `key` over `choices` (values as the state writes them), the current value
/// added when it is not among them.
fn select(
    ctx: WidgetCtx<Playground2d>,
    key: &'static str,
    label: Tr,
    choices: &'static [&'static str],
    current: fn(&Playground2d) -> String,
) -> impl IntoView {
    let options = move || {
        let now = ctx.state.with(current);
        let mut all: Vec<String> = choices.iter().map(|c| c.to_string()).collect();
        if !all.contains(&now) {
            all.push(now);
        }
        all.into_iter()
            .map(|c| view! { <option value=c.clone()>{c.clone()}</option> })
            .collect_view()
    };
    ctx.shows(key).then(|| {
        view! {
            <label class="nw-select">
                <span>{move || ctx.t(label)}</span>
                <select data-testid=format!("select-{key}")
                    prop:value=move || ctx.state.with(current)
                    on:change=move |ev| ctx.set(key, Value::Text(event_target_value(&ev)))>
                    {options}
                </select>
            </label>
        }
    })
}

/// A slider for `key`, its readout with `decimals` decimals.
fn number_slider(
    ctx: WidgetCtx<Playground2d>,
    key: &'static str,
    label: Tr,
    (min, max, step, decimals): (f64, f64, f64, usize),
    current: fn(&Playground2d) -> f64,
) -> impl IntoView {
    ctx.shows(key).then(|| {
        view! {
            <label class="nw-slider">
                <span class="nw-slider-label">{move || ctx.t(label)}</span>
                <input type="range" min=min max=max step=step data-testid=format!("slider-{key}")
                    prop:value=move || ctx.state.with(current).clamp(min, max).to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            ctx.set(key, Value::Number(v));
                        }
                    }/>
                <output data-testid=format!("readout-{key}")>
                    {move || format!("{:.*}", decimals, ctx.state.with(current))}
                </output>
            </label>
        }
    })
}

/// A checkbox for the flag `key`.
fn flag(
    ctx: WidgetCtx<Playground2d>,
    key: &'static str,
    label: Tr,
    current: fn(&Playground2d) -> bool,
) -> impl IntoView {
    ctx.shows(key).then(|| {
        view! {
            <label class="nw-p2-flag">
                <input type="checkbox" data-testid=format!("flag-{key}")
                    prop:checked=move || ctx.state.with(current)
                    on:change=move |ev| ctx.set(key, Value::Flag(event_target_checked(&ev)))/>
                <span>{move || ctx.t(label)}</span>
            </label>
        }
    })
}

/// A number field for an optional stop value (`0`: none).
fn stop_field(
    ctx: WidgetCtx<Playground2d>,
    key: &'static str,
    label: Tr,
    current: fn(&Playground2d) -> f64,
) -> impl IntoView {
    ctx.shows(key).then(|| {
        view! {
            <label class="nw-p2-field">
                <span>{move || ctx.t(label)}</span>
                <input type="number" min="0" data-testid=format!("field-{key}")
                    prop:value=move || ctx.state.with(current).to_string()
                    on:change=move |ev| {
                        let raw = event_target_value(&ev);
                        ctx.set(key, Value::from_url(&raw));
                    }/>
            </label>
        }
    })
}

/// The data sets of the state's problem, as buttons.
fn datasets(ctx: WidgetCtx<Playground2d>) -> impl IntoView {
    let buttons = move || {
        let regression = ctx.state.with(|s| s.is_regression());
        let (key, names) = if regression {
            ("regDataset", REG_DATASETS)
        } else {
            ("dataset", DATASETS)
        };
        names
            .iter()
            .map(|&name| {
                let chosen = move || ctx.state.with(|s| s.shape().playground_key() == name);
                view! {
                    <button class="nw-p2-dataset" class:nw-p2-chosen=chosen
                        data-testid=format!("dataset-{name}") aria-pressed=move || chosen().to_string()
                        on:click=move |_| ctx.set(key, Value::Text(name.into()))>{name}</button>
                }
            })
            .collect_view()
    };
    (ctx.shows("dataset") || ctx.shows("regDataset")).then(|| {
        view! {
            <div class="nw-p2-datasets" role="group">
                <span>{move || ctx.t(text::DATASET)}</span>
                {buttons}
            </div>
        }
    })
}

/// A fresh seed's text, as TensorFlow Playground makes one (five decimals of a random number).
fn fresh_seed() -> String {
    format!("{:.5}", js_sys::Math::random())
}

fn notice_text(notice: &RunNotice, lang: crate::i18n::Lang) -> String {
    match notice {
        RunNotice::Error(error) => error.message(lang).to_string(),
        RunNotice::Restarted => text::WORKER_FAILED.in_lang(lang).into(),
        RunNotice::Stopped(reason) => match reason {
            Stopped::Epochs => text::STOPPED_EPOCHS,
            Stopped::TestLoss => text::STOPPED_LOSS,
            Stopped::Diverged => text::STOPPED_DIVERGED,
            Stopped::Limit => text::STOPPED_LIMIT,
        }
        .in_lang(lang)
        .into(),
    }
}

/// The model file's name: the inputs it takes, in order (`neurite-2d-x-y-sinX.safetensors`).
fn model_file_name(state: &Playground2d) -> String {
    let inputs: Vec<&str> = state
        .link
        .features
        .iter()
        .map(|f| f.playground_key())
        .collect();
    format!("neurite-2d-{}.safetensors", inputs.join("-"))
}

/// The whole widget.
pub fn view(ctx: WidgetCtx<Playground2d>, runner: Runner) -> AnyView {
    let own = OwnPoints::new();
    // A new data set, size, noise or seed brings the data set's points back.
    let data_keys = Memo::new(move |_| {
        ctx.state.with(|s| {
            (
                s.shape(),
                s.class_count(),
                s.point_count(),
                s.link.noise_percent,
                s.link.seed.clone(),
            )
        })
    });
    Effect::new(move |first: Option<()>| {
        data_keys.track();
        if first.is_some() {
            own.points.set(None);
        }
    });
    Effect::new(move |_| {
        let mut setup = ctx.state.with(|s| s.setup());
        if let Some(points) = own.points.get() {
            setup.source = PlaneSource::Points((*points).clone());
        }
        runner.configure(setup);
    });
    let playing = move || runner.playing.get();
    let epoch = move || {
        runner
            .frame
            .with(|f| f.as_ref().map_or(0, |f| f.frame.epoch))
    };
    let speed = move || {
        runner.frame.with(|f| {
            f.as_ref().filter(|f| f.frame.playing).map(|f| {
                format!(
                    "{} {}",
                    fmt(f.frame.samples_per_second.round()),
                    ctx.t(text::SPEED)
                )
            })
        })
    };
    let toggle = move |_| {
        if runner.playing.get_untracked() {
            runner.pause();
        } else {
            runner.play(ctx.state.with_untracked(Playground2d::stop_rule));
        }
    };
    let notice = move || {
        let lang = ctx.lang.get();
        runner.notice.get().map(|n| {
            view! { <p class="nw-p2-notice" role="status" data-testid="run-notice">{notice_text(&n, lang)}</p> }
        })
    };
    view! {
        <div class="nw-p2" data-testid="playground2d">
            <div class="nw-p2-bar">
                <button class="nw-p2-reset" data-testid="reset" title=move || ctx.t(text::RESET)
                    on:click=move |_| runner.reset()>"↺"</button>
                <button class="nw-p2-play" data-testid="play" class:nw-p2-playing=playing
                    title=move || if playing() { ctx.t(text::PAUSE) } else { ctx.t(text::PLAY) }
                    on:click=toggle>{move || if playing() { "❚❚" } else { "▶" }}</button>
                <button class="nw-p2-step" data-testid="step" title=move || ctx.t(text::STEP)
                    on:click=move |_| runner.step()>"+1"</button>
                <span class="nw-p2-epoch">
                    <span>{move || ctx.t(text::EPOCH)}</span>
                    <output data-testid="epoch">{epoch}</output>
                    <small data-testid="speed">{speed}</small>
                </span>
                {select(ctx, "learningRate", text::LEARNING_RATE, LEARNING_RATES, |s| format!("{}", s.link.learning_rate))}
                {select(ctx, "activation", text::ACTIVATION, ACTIVATIONS, |s| s.link.activation.to_string())}
                {select(ctx, "regularization", text::REGULARIZATION, REGULARIZATIONS, |s| s.link.regularization.to_string())}
                {select(ctx, "regularizationRate", text::REGULARIZATION_RATE, REGULARIZATION_RATES, |s| format!("{}", s.link.regularization_rate))}
                {select(ctx, "problem", text::PROBLEM, crate::widgets::playground_link::PROBLEMS, |s| s.link.problem.to_string())}
                {select(ctx, "optimizer", text::OPTIMIZER, OPTIMIZERS, |s| s.optimizer.to_string())}
                {select(ctx, "numerics", text::NUMERICS, NUMERICS, |s| s.numerics.to_string())}
                {move || ctx.state.with(|s| s.numerics == "keras").then(|| {
                    select(ctx, "loss", text::LOSS, LOSSES, |s| s.loss.to_string())
                })}
            </div>
            <div class="nw-p2-columns">
                <section class="nw-p2-data">
                    <h3>{move || ctx.t(text::DATA)}</h3>
                    {datasets(ctx)}
                    {move || ctx.state.with(|s| s.shape().class_range().is_some_and(|(a, b)| a < b)).then(|| {
                        number_slider(ctx, "classes", text::CLASSES, (2.0, 6.0, 1.0, 0), |s| s.classes as f64)
                    })}
                    {number_slider(ctx, "percTrainData", text::TRAIN_SHARE, (10.0, 90.0, 10.0, 0), |s| s.link.train_percent as f64)}
                    {number_slider(ctx, "noise", text::NOISE, (0.0, 50.0, 5.0, 0), |s| s.link.noise_percent)}
                    {number_slider(ctx, "batchSize", text::BATCH, (1.0, 30.0, 1.0, 0), |s| s.link.batch_size as f64)}
                    {number_slider(ctx, "points", text::POINTS, (50.0, 2000.0, 50.0, 0), |s| s.point_count() as f64)}
                    {ctx.shows("seed").then(|| view! {
                        <button class="nw-p2-regenerate" data-testid="regenerate"
                            on:click=move |_| ctx.set("seed", Value::Text(fresh_seed()))>
                            {move || ctx.t(text::REGENERATE)}
                        </button>
                    })}
                    {number_slider(ctx, "dropout", text::DROPOUT, (0.0, 0.9, 0.05, 2), |s| s.dropout)}
                    {flag(ctx, "initZero", text::INIT_ZERO, |s| s.link.init_zero)}
                    {points::controls(ctx, runner, own)}
                    {stop_field(ctx, "stopEpochs", text::STOP_EPOCHS, |s| s.stop_epochs.unwrap_or(0) as f64)}
                    {stop_field(ctx, "stopLoss", text::STOP_LOSS, |s| s.stop_loss.unwrap_or(0.0))}
                </section>
                <section class="nw-p2-middle">
                    <h3>{move || ctx.t(text::FEATURES)}</h3>
                    {graph::view(ctx, runner)}
                </section>
                <section class="nw-p2-out">
                    <h3>{move || ctx.t(text::OUTPUT)}</h3>
                    {output::chart_view(ctx, runner)}
                    {output::map_view(ctx, runner, own)}
                    {flag(ctx, "showTestData", text::SHOW_TEST, |s| s.link.show_test_data)}
                    {flag(ctx, "discretize", text::DISCRETIZE, |s| s.link.discretize)}
                    <button class="nw-p2-save" data-testid="save-model"
                        title=move || ctx.t(text::SAVE_MODEL_HINT)
                        on:click=move |_| runner.save_model(ctx.state.with_untracked(model_file_name))>
                        {move || ctx.t(text::SAVE_MODEL)}
                    </button>
                    {notice}
                    {move || (!runner.ready.get()).then(|| view! { <p class="nw-p2-notice">{ctx.t(text::STARTING)}</p> })}
                </section>
            </div>
        </div>
    }
    .into_any()
}
