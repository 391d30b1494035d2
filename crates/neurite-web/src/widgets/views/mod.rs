//! The widgets' Leptos views and what they share: the handle a view edits its state through,
//! sliders, number formatting and canvas plotting.

pub mod activation;
pub mod backprop;
pub mod descent;
pub mod loss;
pub mod neuron;
pub mod playground2d;
pub mod plot;

use std::rc::Rc;

use leptos::prelude::*;

use super::options::Controls;
use super::{Patch, Value, WidgetState};
use crate::i18n::{Lang, Tr};

/// What a view gets: its state, the language, which controls to show, and the one way to
/// change the state (through the widget's check, like every other change).
pub struct WidgetCtx<S: WidgetState + Send + Sync> {
    /// The current (always valid) state.
    pub state: RwSignal<S>,
    /// The language.
    pub lang: Signal<Lang>,
    /// Which controls are shown.
    pub controls: StoredValue<Controls>,
    edit: StoredValue<Rc<dyn Fn(Patch)>, LocalStorage>,
}

impl<S: WidgetState + Send + Sync> Clone for WidgetCtx<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: WidgetState + Send + Sync> Copy for WidgetCtx<S> {}

impl<S: WidgetState + Send + Sync> WidgetCtx<S> {
    /// A handle whose edits go to `edit`.
    pub fn new(
        state: RwSignal<S>,
        lang: Signal<Lang>,
        controls: Controls,
        edit: Rc<dyn Fn(Patch)>,
    ) -> Self {
        WidgetCtx {
            state,
            lang,
            controls: StoredValue::new(controls),
            edit: StoredValue::new_local(edit),
        }
    }

    /// Asks for a change of state (a user's edit).
    pub fn edit(self, patch: Patch) {
        let edit = self.edit.get_value();
        edit(patch);
    }

    /// Asks for one key to change.
    pub fn set(self, key: &str, value: Value) {
        self.edit(vec![(key.to_string(), value)]);
    }

    /// `text` in the widget's language (reactive).
    pub fn t(self, text: Tr) -> &'static str {
        text.in_lang(self.lang.get())
    }

    /// Whether the control of `key` is shown.
    pub fn shows(self, key: &str) -> bool {
        self.controls.with_value(|c| c.shows(key))
    }
}

/// A number as a widget shows it: three decimals, a true minus sign.
pub fn fmt(v: f64) -> String {
    let text = if v.abs() >= 1e5 || (v != 0.0 && v.abs() < 1e-3) {
        format!("{v:.3e}")
    } else {
        format!("{v:.3}")
    };
    text.replace('-', "−")
}

/// A number as a factor in a written-out product: in parentheses when negative.
pub fn factor(v: f64) -> String {
    if v < 0.0 {
        format!("({})", fmt(v))
    } else {
        fmt(v)
    }
}

/// A labelled slider for one number. `id` names it for tests (`slider-{id}`); the readout
/// beside it shows the exact value, which may lie outside the slider's range.
pub fn slider(
    id: String,
    label: impl Fn() -> String + Send + Sync + 'static,
    range: (f64, f64, f64),
    value: impl Fn() -> f64 + Send + Sync + Copy + 'static,
    on_input: impl Fn(f64) + 'static,
) -> impl IntoView {
    let (min, max, step) = range;
    view! {
        <label class="nw-slider">
            <span class="nw-slider-label">{label}</span>
            <input type="range" min=min max=max step=step data-testid=format!("slider-{id}")
                prop:value=move || value().clamp(min, max).to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        on_input(v);
                    }
                }/>
            <output data-testid=format!("readout-{id}")>{move || fmt(value())}</output>
        </label>
    }
}

/// The menu of element-wise activations, for widgets whose state has an `activation` key
/// (`get` reads it); hidden unless that control is shown.
pub fn activation_select<S: WidgetState + Send + Sync>(
    ctx: WidgetCtx<S>,
    get: fn(&S) -> neurite::Activation,
) -> impl IntoView {
    ctx.shows("activation").then(|| {
        view! {
            <label class="nw-select">
                <span>{move || ctx.t(crate::i18n::widgets::ACTIVATION)}</span>
                <select data-testid="select-activation"
                    prop:value=move || ctx.state.with(|s| get(s).name())
                    on:change=move |ev| ctx.set("activation", Value::Text(event_target_value(&ev)))>
                    {super::ELEMENTWISE.iter().map(|name| view! { <option value=*name>{*name}</option> }).collect_view()}
                </select>
            </label>
        }
    })
}

/// A `<select>` over `choices` for `key`, labelled `label`, showing `current`; a pick becomes
/// the patch `on_pick` makes of it (a choice may reset other keys with it). Hidden unless the
/// control of `key` is shown.
pub fn choice_select<S: WidgetState + Send + Sync>(
    ctx: WidgetCtx<S>,
    key: &'static str,
    label: Tr,
    choices: &'static [&'static str],
    current: fn(&S) -> &'static str,
    on_pick: fn(&S, &str) -> Patch,
) -> impl IntoView {
    ctx.shows(key).then(|| {
        view! {
            <label class="nw-select">
                <span>{move || ctx.t(label)}</span>
                <select data-testid=format!("select-{key}")
                    prop:value=move || ctx.state.with(current)
                    on:change=move |ev| {
                        let picked = event_target_value(&ev);
                        let patch = ctx.state.with_untracked(|s| on_pick(s, &picked));
                        ctx.edit(patch);
                    }>
                    {choices.iter().map(|name| view! { <option value=*name>{*name}</option> }).collect_view()}
                </select>
            </label>
        }
    })
}

/// Calls `tick` every `every_ms` milliseconds while `playing` is true (play buttons).
pub fn ticker(playing: RwSignal<bool>, every_ms: u64, tick: impl Fn() + Clone + 'static) {
    Effect::new(move |handle: Option<Option<IntervalHandle>>| {
        if let Some(Some(handle)) = handle {
            handle.clear();
        }
        let tick = tick.clone();
        playing
            .get()
            .then(|| {
                set_interval_with_handle(tick, std::time::Duration::from_millis(every_ms)).ok()
            })
            .flatten()
    });
}

/// A static MathML fragment (trusted: written in this crate).
pub fn math(markup: &'static str) -> impl IntoView {
    view! { <span class="nw-math" inner_html=markup></span> }
}

/// A tick label: the shortest exact form, a true minus sign.
pub fn fmt_tick(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    format!("{rounded}").replace('-', "−")
}
