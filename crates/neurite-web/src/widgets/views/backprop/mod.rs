//! The `backprop` widget's view: the network diagram, the current stage's explanation with its
//! numbers, back / next / play through the stages, every parameter with its gradient (and the
//! gradient check's estimate) and its value after the update, and the controls for the network,
//! the example and the learning rate. Every number is the engine's
//! ([`neurite::explain::backprop_step`]).

mod diagram;

use leptos::html::Canvas;
use leptos::prelude::*;
use neurite::explain::{BackpropStep, LayerGrads, Network};

use super::{WidgetCtx, choice_select, slider};
use crate::i18n::{backprop as text, widgets as common};
use crate::widgets::backprop::story::{self, bias_name, num, weight_name};
use crate::widgets::backprop::{Backprop, Computed, OUTPUT_ACTIVATIONS, Stage};
use crate::widgets::loss::LOSSES;
use crate::widgets::value::as_patch;
use crate::widgets::{ELEMENTWISE, Value, WidgetState};

/// The network shapes the menu offers (a state may set any other).
const SHAPES: &[&str] = &[
    "2,2,1", "1,1,1", "2,3,1", "2,2,2", "3,3,2", "2,3,2,1", "2,4,4,3",
];
/// Time between stages while playing.
const PLAY_MS: u64 = 1100;

fn shape_key(state: &Backprop) -> String {
    let sizes: Vec<String> = state.net.sizes().iter().map(usize::to_string).collect();
    sizes.join(",")
}

/// One parameter of the network: a kernel entry or a bias.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Param {
    /// Layer, row (unit below), column (unit fed).
    Kernel(usize, usize, usize),
    /// Layer, unit.
    Bias(usize, usize),
}

impl Param {
    /// Every parameter of a network with `sizes`, layer by layer, kernel then bias.
    fn all(sizes: &[usize]) -> Vec<Param> {
        let mut all = Vec::new();
        for layer in 0..sizes.len() - 1 {
            for from in 0..sizes[layer] {
                all.extend((0..sizes[layer + 1]).map(|to| Param::Kernel(layer, from, to)));
            }
            all.extend((0..sizes[layer + 1]).map(|unit| Param::Bias(layer, unit)));
        }
        all
    }

    fn name(self, sizes: &[usize]) -> String {
        match self {
            Param::Kernel(l, i, j) => weight_name(sizes, l, i, j),
            Param::Bias(l, j) => bias_name(sizes, l, j),
        }
    }

    /// The stage at which its gradient is known.
    fn known_at(self) -> Stage {
        match self {
            Param::Kernel(layer, from, to) => Stage::Weight { layer, from, to },
            Param::Bias(layer, unit) => Stage::Delta { layer, unit },
        }
    }

    fn of(self, net: &Network) -> f64 {
        match self {
            Param::Kernel(l, i, j) => net.kernels[l][[i, j]],
            Param::Bias(l, j) => net.biases[l][j],
        }
    }

    fn grad_in(self, step: &BackpropStep) -> f64 {
        match self {
            Param::Kernel(l, i, j) => step.layers[l].grads.kernel[[i, j]],
            Param::Bias(l, j) => step.layers[l].grads.bias[j],
        }
    }

    fn grad_of(self, grads: &[LayerGrads]) -> f64 {
        match self {
            Param::Kernel(l, i, j) => grads[l].kernel[[i, j]],
            Param::Bias(l, j) => grads[l].bias[j],
        }
    }
}

/// The table of parameters: built once per network shape, its cells following the state.
fn table(ctx: WidgetCtx<Backprop>) -> impl IntoView {
    let shape = Memo::new(move |_| ctx.state.with(|s| (s.net.sizes(), s.check)));
    move || {
        let (sizes, check) = shape.get();
        // Each cell is a memo: a change of stage or state touches only the cells it changes.
        let cell = move |param: Param, what: fn(&Backprop, &Computed, Param) -> Option<f64>| {
            let text =
                Memo::new(move |_| ctx.state.with(|s| what(s, &s.computed(), param).map(num)));
            move || text.get()
        };
        let body = Param::all(&sizes)
            .into_iter()
            .map(|param| {
                let lit = Memo::new(move |_| ctx.state.with(|s| s.current_stage() == param.known_at()));
                view! {
                    <tr data-testid="bp-param" data-name=param.name(&sizes) class:nw-current=lit>
                        <td>{param.name(&sizes)}</td>
                        <td>{cell(param, |s, _, p| Some(p.of(&s.net)))}</td>
                        <td data-testid="bp-grad">{cell(param, |s, c, p| s.reached(p.known_at()).then(|| p.grad_in(&c.step)))}</td>
                        {check.then(|| view! {
                            <td data-testid="bp-numeric">{cell(param, |s, c, p| {
                                let numeric = c.numeric.as_ref()?;
                                s.reached(p.known_at()).then(|| p.grad_of(numeric))
                            })}</td>
                        })}
                        <td data-testid="bp-updated">{cell(param, |s, c, p| s.reached(Stage::Update).then(|| p.of(&c.step.updated)))}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="nw-params">
                <thead><tr>
                    <th>{move || ctx.t(text::PARAMETER)}</th>
                    <th>{move || ctx.t(text::VALUE)}</th>
                    <th>"∂L/∂θ"</th>
                    {check.then(|| view! { <th title=move || ctx.t(text::CHECK_NOTE)>{move || ctx.t(text::NUMERIC)}</th> })}
                    <th>{move || ctx.t(text::UPDATED)}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
    }
}

fn explanation(ctx: WidgetCtx<Backprop>) -> impl IntoView {
    move || {
        let state = ctx.state.get();
        let computed = state.computed();
        let story = story::story(&state, &computed.step, computed.numeric.as_deref());
        let count = state.stages().len();
        view! {
            <div class="nw-stage" data-testid="bp-explain" data-stage=state.stage>
                <p class="nw-stage-head">
                    <strong>{ctx.t(story.title)}</strong>
                    <span data-testid="bp-stage">{format!(" · {} {} / {}", ctx.t(text::STAGE), state.stage + 1, count)}</span>
                </p>
                <p class="nw-explain">{ctx.t(story.sentence)}</p>
                {(!story.lines.is_empty()).then(|| view! {
                    <pre class="nw-formula" data-testid="bp-formula">{story.lines.join("\n")}</pre>
                })}
            </div>
        }
    }
}

/// One slider per entry of the list `key` (the input or the target), `slider-{key}-{i}`.
fn list_sliders(
    ctx: WidgetCtx<Backprop>,
    key: &'static str,
    range: (f64, f64, f64),
    list: fn(&Backprop) -> &Vec<f64>,
) -> impl IntoView {
    let n = ctx.state.with(|s| list(s).len());
    (0..n)
        .map(|i| {
            slider(
                format!("{key}-{i}"),
                move || format!("{key}{}", ["₁", "₂", "₃", "₄"][i]),
                range,
                move || ctx.state.with(|s| list(s).get(i).copied().unwrap_or(0.0)),
                move |v| {
                    let mut values = ctx.state.with_untracked(|s| list(s).clone());
                    values[i] = v;
                    ctx.set(key, Value::List(values));
                },
            )
        })
        .collect_view()
}

/// The view.
pub fn view(ctx: WidgetCtx<Backprop>) -> AnyView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let state = ctx.state.get();
        if let Some(canvas) = canvas.get() {
            diagram::draw(&canvas, &state, &state.computed().step);
        }
    });
    let last_stage = move || ctx.state.with(|s| s.stages().len() - 1);
    let go = move |stage: usize| ctx.set("stage", Value::Number(stage as f64));

    // Play: one stage per tick until the update.
    let playing = RwSignal::new(false);
    let advance = move || {
        let (stage, last) = ctx
            .state
            .with_untracked(|s| (s.stage, s.stages().len() - 1));
        if stage >= last {
            playing.set(false);
        } else {
            go(stage + 1);
        }
    };
    super::ticker(playing, PLAY_MS, advance);
    let apply = move |_| {
        playing.set(false);
        let next = ctx.state.with_untracked(|s| Backprop {
            net: s.computed().step.updated.clone(),
            stage: 0,
            ..s.clone()
        });
        ctx.edit(as_patch(next.fields()));
    };

    view! {
        <div class="nw-head">
            <h3>{move || ctx.t(text::TITLE)}</h3>
        </div>
        <div class="nw-body">
            <figure class="nw-figure">
                <canvas node_ref=canvas width=diagram::SIZE.0 height=diagram::SIZE.1 data-testid="bp-canvas"></canvas>
                <figcaption>{move || ctx.t(text::DIAGRAM)}</figcaption>
            </figure>
            <div class="nw-controls">
                {explanation(ctx)}
                {ctx.shows("stage").then(|| view! {
                    <div class="nw-buttons">
                        <button data-testid="bp-back" disabled=move || ctx.state.with(|s| s.stage == 0)
                            on:click=move |_| {
                                playing.set(false);
                                let stage = ctx.state.with_untracked(|s| s.stage);
                                go(stage.saturating_sub(1));
                            }>{move || ctx.t(text::BACK)}</button>
                        <button data-testid="bp-next" disabled=move || { ctx.state.with(|s| s.stage) >= last_stage() }
                            on:click=move |_| {
                                playing.set(false);
                                let stage = ctx.state.with_untracked(|s| s.stage);
                                go(stage + 1);
                            }>{move || ctx.t(text::NEXT)}</button>
                        <button data-testid="play" on:click=move |_| {
                            if ctx.state.with_untracked(|s| s.stage) >= last_stage() {
                                go(0);
                            }
                            playing.update(|p| *p = !*p);
                        }>
                            {move || ctx.t(if playing.get() { common::PAUSE } else { common::PLAY })}
                        </button>
                    </div>
                    <input type="range" class="nw-stages" min=0 step=1 max=last_stage data-testid="slider-stage"
                        prop:value=move || ctx.state.with(|s| s.stage.to_string())
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                playing.set(false);
                                go(v);
                            }
                        }/>
                })}
                {move || ctx.state.with(|s| s.reached(Stage::Update)).then(|| view! {
                    <button data-testid="bp-apply" on:click=apply>{move || ctx.t(text::APPLY)}</button>
                })}
                {ctx.shows("check").then(|| view! {
                    <label class="nw-check" title=move || ctx.t(text::CHECK_NOTE)>
                        <input type="checkbox" data-testid="bp-check"
                            prop:checked=move || ctx.state.with(|s| s.check)
                            on:change=move |ev| ctx.set("check", Value::Flag(event_target_checked(&ev)))/>
                        <span>{move || ctx.t(text::CHECK)}</span>
                    </label>
                })}
            </div>
        </div>
        {table(ctx)}
        <div class="nw-body nw-bp-settings">
            <div class="nw-controls">
                {ctx.shows("sizes").then(|| view! {
                    <label class="nw-select">
                        <span>{move || ctx.t(text::SHAPE)}</span>
                        <select data-testid="select-sizes"
                            prop:value=move || ctx.state.with(shape_key)
                            on:change=move |ev| {
                                let sizes = Value::from_url(&event_target_value(&ev));
                                ctx.edit(vec![("sizes".into(), sizes), ("stage".into(), Value::Number(0.0))]);
                            }>
                            {move || {
                                let current = ctx.state.with(shape_key);
                                let extra = (!SHAPES.contains(&current.as_str())).then(|| current.clone());
                                extra.into_iter().chain(SHAPES.iter().map(|s| s.to_string()))
                                    .map(|s| view! { <option value=s.clone()>{s.replace(',', "–")}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                })}
                {choice_select(ctx, "activation", text::HIDDEN_ACTIVATION, ELEMENTWISE, |s| s.net.hidden.name(), |_, picked| {
                    vec![("activation".into(), Value::Text(picked.into()))]
                })}
                {choice_select(ctx, "output_activation", text::OUTPUT_ACTIVATION, OUTPUT_ACTIVATIONS, |s| s.net.output.name(), |_, picked| {
                    vec![("output_activation".into(), Value::Text(picked.into()))]
                })}
                {choice_select(ctx, "loss", common::LOSS, LOSSES, |s| crate::widgets::backprop::loss_name(s.net.loss), |s, picked| {
                    // Cross-entropy takes targets in [0, 1]: bring the targets into range with it.
                    let y: Vec<f64> = s.y.iter().map(|v| v.clamp(0.0, 1.0)).collect();
                    vec![("loss".into(), Value::Text(picked.into())), ("y".into(), Value::List(y))]
                })}
                {ctx.shows("learning_rate").then(|| slider(
                    "learning_rate".into(),
                    move || ctx.t(common::LEARNING_RATE).to_string(),
                    (0.01, 5.0, 0.01),
                    move || ctx.state.with(|s| s.learning_rate),
                    move |v| ctx.set("learning_rate", Value::Number(v)),
                ))}
            </div>
            <div class="nw-controls">
                {move || ctx.shows("x").then(|| list_sliders(ctx, "x", (-3.0, 3.0, 0.05), |s| &s.x))}
                {move || ctx.shows("y").then(|| list_sliders(ctx, "y", (0.0, 1.0, 0.01), |s| &s.y))}
            </div>
        </div>
    }
    .into_any()
}
