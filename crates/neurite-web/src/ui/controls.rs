//! The model and training controls. Each shows why, in the page's language, when its value is
//! refused.

use leptos::prelude::*;
use neurite::{Activation, DatasetKind, PixelMode};

use crate::draft::{
    Draft, HiddenLayer, INITS, MAX_HIDDEN_UNITS, OptimizerChoice, Refusal, learning_rate_from_log,
};
use crate::i18n::{Lang, Text, datasets, glossary};
use crate::ui::state::RunControl;

/// Log₁₀ of the learning-rate slider's ends.
const LOG_LR_RANGE: (f64, f64) = (-5.0, 1.0);
/// The most hidden layers the page offers.
const MAX_HIDDEN_LAYERS: usize = 8;

/// What the controls need: the draft (through `control`) and the language.
#[derive(Clone, Copy)]
pub(super) struct Form {
    pub(super) control: RunControl,
    pub(super) lang: Signal<Lang>,
}

impl Form {
    pub(super) fn t(self, text: Text) -> &'static str {
        text.in_lang(self.lang.get())
    }

    /// The glossary's tooltip for a label that names one of its terms.
    pub(super) fn tip(self, text: Text) -> Option<String> {
        Some(glossary::term_of_label(text)?.tooltip(self.lang.get()))
    }
}

/// Changes the draft, then passes it on to the worker if it checks.
pub(super) fn edit(state: Form, change: impl FnOnce(&mut Draft)) {
    state.control.edit(change);
}

/// The draft's value `get` reads, as a control shows it: a memo, so that an edit of one
/// control sets the value of that control alone, not of every control of the form.
fn shown(state: Form, get: fn(&Draft) -> String) -> Memo<String> {
    Memo::new(move |_| state.control.draft.with(get))
}

/// A text field bound to one value of the draft, showing the refusal that names `control`.
fn field(
    state: Form,
    refusal: Memo<Option<Refusal>>,
    label: Text,
    control: String,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
) -> impl IntoView {
    let testid = format!("field-{control}");
    let error_id = format!("{testid}-error");
    let owned = control.clone();
    let error = move || {
        refusal.with(|r| {
            r.as_ref()
                .filter(|r| r.control == owned)
                .map(|r| r.message(state.lang.get()))
        })
    };
    let invalid = error.clone();
    let value = shown(state, get);
    view! {
        <label class="field" class:invalid=move || invalid().is_some()>
            <span title=move || state.tip(label)>{move || state.t(label)}</span>
            <input type="text" spellcheck="false" data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    edit(state, |d| set(d, value));
                }/>
            {move || error().map(|message| view! {
                <span class="error" data-testid=error_id.clone()>{message}</span>
            })}
        </label>
    }
}

/// The message of the refusal at `control`, if there is one.
pub(super) fn error_at(
    state: Form,
    refusal: Memo<Option<Refusal>>,
    control: String,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    move || {
        refusal.with(|r| {
            r.as_ref()
                .filter(|r| r.control == control)
                .map(|r| r.message(state.lang.get()))
        })
    }
}

/// A layer's activation menu (every activation but softmax, which only the output has).
pub(super) fn activation_select(
    state: Form,
    testid: String,
    value: impl Fn() -> String + Send + Sync + 'static,
    set: impl Fn(&mut Draft, Activation) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label class="mini">
            <span title=move || state.tip(Text::Activation)>{move || state.t(Text::Activation)}</span>
            <select data-testid=testid
                prop:value=value
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    if let Some(a) = Activation::ALL.into_iter().find(|a| a.name() == name) {
                        edit(state, |d| set(d, a));
                    }
                }>
                {Activation::ALL.into_iter().filter(|a| *a != Activation::Softmax).map(|a| view! {
                    <option value=a.name()>{a.name()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// An initialiser's name in a model file.
fn init_name(init: neurite::layers::Init) -> &'static str {
    INITS
        .into_iter()
        .find(|(i, _)| *i == init)
        .map_or("", |(_, name)| name)
}

fn hidden_layer(state: Form, refusal: Memo<Option<Refusal>>, i: usize) -> impl IntoView {
    let units_control = format!("hidden[{i}].units");
    let dropout_control = format!("hidden[{i}].dropout");
    let units_error = error_at(state, refusal, units_control);
    let dropout_error = error_at(state, refusal, dropout_control);
    let (units_invalid, dropout_invalid) = (units_error.clone(), dropout_error.clone());
    let layer = move |f: fn(&HiddenLayer) -> String| {
        let value = Memo::new(move |_| {
            state
                .control
                .draft
                .with(|d| d.hidden.get(i).map(f).unwrap_or_default())
        });
        move || value.get()
    };
    view! {
        <div class="layer" data-testid=format!("layer-{i}")>
            <span class="layer-name">"dense_" {i + 1}</span>
            <label class="mini" class:invalid=move || units_invalid().is_some()>
                <span title=move || state.tip(Text::Units)>{move || state.t(Text::Units)}</span>
                <input type="text" inputmode="numeric" data-testid=format!("layer-{i}-units")
                    title=format!("1–{MAX_HIDDEN_UNITS}")
                    prop:value=layer(|l| l.units.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(state, |d| d.hidden[i].units = value);
                    }/>
            </label>
            {activation_select(
                state,
                format!("layer-{i}-activation"),
                layer(|l| l.activation.name().to_string()),
                move |d, a| d.hidden[i].activation = a,
            )}
            <label class="mini">
                <span>{move || state.t(Text::Init)}</span>
                <select data-testid=format!("layer-{i}-init")
                    prop:value=layer(|l| init_name(l.init).to_string())
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        if let Some((init, _)) = INITS.into_iter().find(|(_, n)| *n == name) {
                            edit(state, |d| d.hidden[i].init = init);
                        }
                    }>
                    {INITS.into_iter().map(|(_, name)| view! {
                        <option value=name>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="mini" class:invalid=move || dropout_invalid().is_some()>
                <span>{move || state.t(Text::Dropout)}</span>
                <input type="text" inputmode="decimal" data-testid=format!("layer-{i}-dropout")
                    prop:value=layer(|l| l.dropout.clone())
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(state, |d| d.hidden[i].dropout = value);
                    }/>
            </label>
            <button class="remove" data-testid=format!("layer-{i}-remove") title=move || state.t(Text::Remove)
                on:click=move |_| edit(state, |d| { d.hidden.remove(i); })>"✕"</button>
            {move || units_error().or_else(&dropout_error).map(|message| view! {
                <span class="error" data-testid=format!("layer-{i}-error")>{message}</span>
            })}
        </div>
    }
}

/// Every control of the model and the run.
#[component]
pub fn Controls(control: RunControl, lang: Signal<Lang>) -> impl IntoView {
    let state = Form { control, lang };
    let t = move |text| state.t(text);
    let refusal = Memo::new(move |_| state.control.checked.with(|c| c.as_ref().err().cloned()));
    let layer_count = Memo::new(move |_| state.control.draft.with(|d| d.hidden.len()));
    let optimizer = Memo::new(move |_| state.control.draft.with(|d| d.optimizer));
    let nesterov = Memo::new(move |_| state.control.draft.with(|d| d.nesterov));
    let slider = shown(state, |d| d.log_learning_rate().unwrap_or(-3.0).to_string());
    let dataset = Memo::new(move |_| state.control.draft.with(|d| d.dataset));
    // A preset keeps the dataset chosen.
    let preset = move |model: neurite::ModelSpec| {
        let dataset = state.control.draft.with_untracked(|d| d.dataset);
        state.control.draft.set(Draft::with_model(model, dataset));
        state.control.configure();
    };
    let pixels = Memo::new(move |_| {
        state.control.draft.with(|d| match d.pixels {
            PixelMode::Raw => "raw",
            PixelMode::Scaled => "scaled",
        })
    });
    let f = move |label, control: &str, get, set| {
        field(state, refusal, label, control.into(), get, set)
    };

    let optimizer_fields = move || {
        match optimizer.get() {
        OptimizerChoice::Sgd => ().into_any(),
        OptimizerChoice::Momentum => view! {
            {f(Text::MomentumMu, "optimizer.momentum", |d| d.momentum.clone(), |d, v| d.momentum = v)}
            <label class="check">
                <input type="checkbox" data-testid="field-nesterov"
                    prop:checked=move || nesterov.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        edit(state, |d| d.nesterov = on);
                    }/>
                {move || t(Text::Nesterov)}
            </label>
        }
        .into_any(),
        OptimizerChoice::Adam => view! {
            {f(Text::Beta1, "optimizer.beta_1", |d| d.beta_1.clone(), |d, v| d.beta_1 = v)}
            {f(Text::Beta2, "optimizer.beta_2", |d| d.beta_2.clone(), |d, v| d.beta_2 = v)}
            {f(Text::Epsilon, "optimizer.epsilon", |d| d.epsilon.clone(), |d, v| d.epsilon = v)}
        }
        .into_any(),
        OptimizerChoice::Rmsprop => view! {
            {f(Text::Rho, "optimizer.rho", |d| d.rho.clone(), |d, v| d.rho = v)}
            {f(Text::MomentumMu, "optimizer.momentum", |d| d.momentum.clone(), |d, v| d.momentum = v)}
            {f(Text::Epsilon, "optimizer.epsilon", |d| d.epsilon.clone(), |d, v| d.epsilon = v)}
        }
        .into_any(),
    }
    };

    view! {
        <label class="field">
            <span>{move || t(Text::Dataset)}</span>
            <select data-testid="field-dataset"
                prop:value=move || dataset.get().name()
                on:change=move |ev| {
                    if let Some(chosen) = DatasetKind::from_name(&event_target_value(&ev)) {
                        edit(state, |d| d.dataset = chosen);
                    }
                }>
                {DatasetKind::ALL.into_iter().map(|kind| view! {
                    <option value=kind.name()>{move || datasets::menu_entry(kind).in_lang(state.lang.get())}</option>
                }).collect_view()}
            </select>
        </label>
        <h2>{move || t(Text::Model)}</h2>
        <div class="preset">
            <span>{move || t(Text::Preset)} ": "</span>
            <button data-testid="preset-seed" on:click=move |_| preset(neurite::ModelSpec::seed_mlp())>
                {move || t(Text::SeedPreset)}
            </button>
            <button data-testid="preset-keras-convnet" on:click=move |_| preset(neurite::ModelSpec::keras_convnet())>
                {move || t(Text::KerasConvnetPreset)}
            </button>
            <button data-testid="preset-lenet" on:click=move |_| preset(neurite::ModelSpec::lenet())>
                {move || t(Text::LenetPreset)}
            </button>
        </div>
        {super::conv_controls::conv_section(state, refusal)}
        <h3 title=move || state.tip(Text::HiddenLayers)>{move || t(Text::HiddenLayers)}</h3>
        <div class="layers" data-testid="layers">
            {move || (0..layer_count.get()).map(|i| hidden_layer(state, refusal, i)).collect_view()}
            <div class="layer fixed">"dense_" {move || layer_count.get() + 1} " · 10 · softmax"</div>
            <button data-testid="add-layer" disabled=move || { layer_count.get() >= MAX_HIDDEN_LAYERS }
                on:click=move |_| edit(state, |d| d.hidden.push(HiddenLayer::relu(64)))>
                "+ " {move || t(Text::AddLayer)}
            </button>
        </div>
        <h2>{move || t(Text::Training)}</h2>
        <label class="field">
            <span title=move || state.tip(Text::Optimizer)>{move || t(Text::Optimizer)}</span>
            <select data-testid="field-optimizer"
                prop:value=move || optimizer.get().key()
                on:change=move |ev| {
                    if let Some(choice) = OptimizerChoice::from_key(&event_target_value(&ev)) {
                        edit(state, |d| d.optimizer = choice);
                    }
                }>
                <option value="sgd">{move || t(Text::Sgd)}</option>
                <option value="momentum">{move || t(Text::Momentum)}</option>
                <option value="adam">"Adam"</option>
                <option value="rmsprop">"RMSprop"</option>
            </select>
        </label>
        <div class="optimizer-params">{optimizer_fields}</div>
        {f(Text::LearningRate, "learning_rate", |d| d.learning_rate.clone(), |d, v| d.learning_rate = v)}
        <input type="range" class="log-slider" data-testid="learning-rate-slider"
            min=LOG_LR_RANGE.0 max=LOG_LR_RANGE.1 step="0.05"
            prop:value=move || slider.get()
            on:input=move |ev| {
                if let Ok(log) = event_target_value(&ev).parse::<f64>() {
                    edit(state, |d| d.learning_rate = learning_rate_from_log(log));
                }
            }/>
        {f(Text::BatchSize, "batch_size", |d| d.batch_size.clone(), |d, v| d.batch_size = v)}
        {f(Text::Epochs, "epochs", |d| d.epochs.clone(), |d, v| d.epochs = v)}
        {f(Text::L2, "l2", |d| d.l2.clone(), |d, v| d.l2 = v)}
        <label class="field">
            <span>{move || t(Text::Pixels)}</span>
            <select data-testid="field-pixels"
                prop:value=move || pixels.get()
                on:change=move |ev| {
                    let raw = event_target_value(&ev) == "raw";
                    edit(state, |d| d.pixels = if raw { PixelMode::Raw } else { PixelMode::Scaled });
                }>
                <option value="scaled">{move || t(Text::PixelsScaled)}</option>
                <option value="raw">{move || t(Text::PixelsRaw)}</option>
            </select>
        </label>
        {f(Text::TrainSubset, "train_subset", |d| d.train_subset.clone(), |d, v| d.train_subset = v)}
        {f(Text::Seed, "seed", |d| d.seed.clone(), |d, v| d.seed = v)}
        {move || refusal.with(|r| r.as_ref().filter(|r| r.control == "layers").map(|r| view! {
            <p class="error" data-testid="model-error-message">{r.message(state.lang.get())}</p>
        }))}
    }
}
