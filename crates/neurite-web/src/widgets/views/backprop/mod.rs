//! The `backprop` widget's view: the network diagram, the current stage's explanation with its
//! numbers, back / next / play through the stages, every parameter with its gradient (and the
//! gradient check's estimate) and its value after the update, and the controls for the network,
//! the example and the learning rate. Every number is the engine's
//! ([`neurite::explain::backprop_step`]).
//!
//! A change redraws only what it changes: the step, the stage shown and the network are each a
//! memo of the state (`Shared`), every part of the view follows only the memos it reads, and
//! the parameter table writes only the cells whose number moved — so that dragging through the
//! stages leaves the numbers alone and dragging an input leaves the controls alone.

mod diagram;

use std::sync::Arc;

use leptos::html::{Canvas, Td};
use leptos::prelude::*;
use neurite::explain::{BackpropStep, LayerGrads, Network};
use web_sys::{HtmlTableCellElement, Node};

use super::{WidgetCtx, slider};
use crate::i18n::{Tr, backprop as text, widgets as common};
use crate::widgets::backprop::story::{self, bias_name, num, weight_name};
use crate::widgets::backprop::{Backprop, Computed, OUTPUT_ACTIVATIONS, Stage};
use crate::widgets::loss::LOSSES;
use crate::widgets::value::as_patch;
use crate::widgets::{ELEMENTWISE, Patch, Value, WidgetState};

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

    // The accessors read with `get`: the table of the last shape, about to be replaced, may be
    // asked once more about a state of the new shape, and then reads nothing rather than out of
    // bounds.
    fn of(self, net: &Network) -> Option<f64> {
        match self {
            Param::Kernel(l, i, j) => net.kernels.get(l)?.get((i, j)).copied(),
            Param::Bias(l, j) => net.biases.get(l)?.get(j).copied(),
        }
    }

    fn grad_in(self, step: &BackpropStep) -> Option<f64> {
        self.grad_of_layer(&step.layers.get(self.layer())?.grads)
    }

    fn grad_of(self, grads: &[LayerGrads]) -> Option<f64> {
        self.grad_of_layer(grads.get(self.layer())?)
    }

    fn grad_of_layer(self, grads: &LayerGrads) -> Option<f64> {
        match self {
            Param::Kernel(_, i, j) => grads.kernel.get((i, j)).copied(),
            Param::Bias(_, j) => grads.bias.get(j).copied(),
        }
    }

    fn layer(self) -> usize {
        match self {
            Param::Kernel(l, ..) | Param::Bias(l, _) => l,
        }
    }
}

/// What every part of the view reads, each as a memo of the state, so that a part runs again
/// only when what it shows has changed.
#[derive(Clone, Copy)]
struct Shared {
    /// The step of the state's network and example (a change of stage keeps it).
    computed: Memo<Arc<Computed>>,
    /// The stage shown, an index.
    stage: Memo<usize>,
    /// The last stage's index.
    last: Memo<usize>,
    /// Whether the stage shown is the update (always the last).
    at_update: Memo<bool>,
}

impl Shared {
    fn new(ctx: WidgetCtx<Backprop>) -> Self {
        let stage = Memo::new(move |_| ctx.state.with(|s| s.stage));
        let last = Memo::new(move |_| ctx.state.with(|s| s.stages().len() - 1));
        Shared {
            computed: Memo::new_with_compare(
                move |_| ctx.state.with(Backprop::computed),
                |old, new| !matches!((old, new), (Some(old), Some(new)) if Arc::ptr_eq(old, new)),
            ),
            stage,
            last,
            at_update: Memo::new(move |_| stage.get() >= last.get()),
        }
    }
}

/// How many of a row's cells follow the state: the value, the gradient, the gradient check's
/// estimate (absent without the check) and the value after the update.
const CELLS: usize = 4;

/// One row of the parameter table.
struct Row {
    param: Param,
    /// Where the stage that makes its gradient known comes among the network's stages.
    known_at: Option<usize>,
    cells: [NodeRef<Td>; CELLS],
}

impl Row {
    /// The numbers its cells show in a state at stage `stage`, of network `net`, whose step
    /// is `computed`; `None` for an empty cell.
    fn numbers(
        &self,
        net: &Network,
        computed: &Computed,
        stage: usize,
        last: usize,
    ) -> [Option<f64>; CELLS] {
        let param = self.param;
        let known = self.known_at.is_some_and(|at| at <= stage);
        [
            param.of(net),
            known.then(|| param.grad_in(&computed.step)).flatten(),
            known
                .then(|| param.grad_of(computed.numeric.as_deref()?))
                .flatten(),
            (stage >= last)
                .then(|| param.of(&computed.step.updated))
                .flatten(),
        ]
    }
}

/// The text node of `cell` that the table writes into: its text child (a cell may be kept
/// from the table of the last shape, with its text), or a new one.
fn text_of(cell: &HtmlTableCellElement) -> Option<Node> {
    let children = cell.child_nodes();
    let existing = (0..children.length())
        .filter_map(|i| children.item(i))
        .find(|node| node.node_type() == Node::TEXT_NODE);
    match existing {
        Some(text) => Some(text),
        None => {
            let text = cell.owner_document()?.create_text_node("");
            cell.append_child(&text).ok()
        }
    }
}

/// What the table's effect has written into one row: its numbers and the text nodes that show
/// them.
struct Written {
    numbers: [Option<f64>; CELLS],
    texts: [Option<Node>; CELLS],
}

/// The table of parameters: built once per network shape. Its numbers are written like the
/// diagram is drawn, by one effect that follows the step, the stage and the network and writes
/// only the cells whose number changed (an input's drag changes some 140 cells at once, which
/// one reactive node per cell made the larger part of a redraw).
fn table(ctx: WidgetCtx<Backprop>, shared: Shared) -> impl IntoView {
    let shape = Memo::new(move |_| ctx.state.with(|s| (s.net.sizes(), s.check)));
    move || {
        let (sizes, check) = shape.get();
        let stages = ctx.state.with_untracked(Backprop::stages);
        let rows: Vec<Row> = Param::all(&sizes)
            .into_iter()
            .map(|param| Row {
                param,
                known_at: stages.iter().position(|s| *s == param.known_at()),
                cells: std::array::from_fn(|_| NodeRef::new()),
            })
            .collect();
        let body = rows
            .iter()
            .map(|row| {
                // The highlighted row: a change of stage touches the rows it leaves and enters.
                let at = row.known_at;
                let lit = Memo::new(move |_| at == Some(shared.stage.get()));
                let [value, grad, numeric, updated] = row.cells;
                let name = row.param.name(&sizes);
                view! {
                    <tr data-testid="bp-param" data-name=name.clone()
                        class:nw-current=lit>
                        <td>{name.clone()}</td>
                        <td node_ref=value></td>
                        <td data-testid="bp-grad" node_ref=grad></td>
                        {check.then(|| view! { <td data-testid="bp-numeric" node_ref=numeric></td> })}
                        <td data-testid="bp-updated" node_ref=updated></td>
                    </tr>
                }
            })
            .collect_view();
        Effect::new(move |written: Option<Vec<Written>>| {
            let (computed, last) = (shared.computed.get(), shared.last.get());
            // The first run writes every cell.
            let first = written.is_none();
            let mut written = written.unwrap_or_else(|| {
                let cells = rows.iter().map(|row| Written {
                    numbers: [None; CELLS],
                    texts: row.cells.map(|cell| text_of(&cell.get_untracked()?)),
                });
                cells.collect()
            });
            ctx.state.with(|state| {
                for (row, written) in rows.iter().zip(&mut written) {
                    let numbers = row.numbers(&state.net, &computed, state.stage, last);
                    let cells = numbers.iter().zip(&written.numbers).zip(&written.texts);
                    for ((number, before), text) in cells {
                        // Compared by their bits: a number is written again only if it moved.
                        if (first || number.map(f64::to_bits) != before.map(f64::to_bits))
                            && let Some(text) = text
                        {
                            text.set_node_value(Some(&number.map(num).unwrap_or_default()));
                        }
                    }
                    written.numbers = numbers;
                }
            });
            written
        });
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

/// What the explanation shows of a stage.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    stage: usize,
    count: usize,
    title: Tr,
    sentence: Tr,
    /// The formula's lines, one text.
    lines: String,
}

/// The current stage's explanation: its parts are set in place, so that a new stage or new
/// numbers change their text and nothing else.
fn explanation(ctx: WidgetCtx<Backprop>, shared: Shared) -> impl IntoView {
    let shown = Memo::new(move |_| {
        let computed = shared.computed.get();
        let count = shared.last.get() + 1;
        ctx.state.with(|state| {
            let story = story::story(state, &computed.step, computed.numeric.as_deref());
            Shown {
                stage: state.stage,
                count,
                title: story.title,
                sentence: story.sentence,
                lines: story.lines.join("\n"),
            }
        })
    });
    let has_lines = Memo::new(move |_| shown.with(|s| !s.lines.is_empty()));
    view! {
        <div class="nw-stage" data-testid="bp-explain" data-stage=move || shown.with(|s| s.stage)>
            <p class="nw-stage-head">
                <strong>{move || ctx.t(shown.with(|s| s.title))}</strong>
                <span data-testid="bp-stage">{move || {
                    let (stage, count) = shown.with(|s| (s.stage, s.count));
                    format!(" · {} {} / {}", ctx.t(text::STAGE), stage + 1, count)
                }}</span>
            </p>
            <p class="nw-explain">{move || ctx.t(shown.with(|s| s.sentence))}</p>
            {move || has_lines.get().then(|| view! {
                <pre class="nw-formula" data-testid="bp-formula">{move || shown.with(|s| s.lines.clone())}</pre>
            })}
        </div>
    }
}

/// One slider per entry of the list `key` (the input or the target), `slider-{key}-{i}`, for a
/// list of `n`; each follows its own entry.
fn list_sliders(
    ctx: WidgetCtx<Backprop>,
    key: &'static str,
    range: (f64, f64, f64),
    list: fn(&Backprop) -> &Vec<f64>,
    n: usize,
) -> impl IntoView {
    (0..n)
        .map(|i| {
            let value =
                Memo::new(move |_| ctx.state.with(|s| list(s).get(i).copied().unwrap_or(0.0)));
            slider(
                format!("{key}-{i}"),
                move || format!("{key}{}", ["₁", "₂", "₃", "₄"][i]),
                range,
                move || value.get(),
                move |v| {
                    let mut values = ctx.state.with_untracked(|s| list(s).clone());
                    values[i] = v;
                    ctx.set(key, Value::List(values));
                },
            )
        })
        .collect_view()
}

/// A menu of `choices` for the key `key`, as the widgets' `choice_select` writes it, but with
/// its value a memo of `current`, set only when it changes: a select given its value again
/// makes the browser lay the whole page out in a task of its own, which at every step of a drag
/// (each a change of the state) took about a third of the redraw.
fn menu(
    ctx: WidgetCtx<Backprop>,
    key: &'static str,
    label: Tr,
    choices: &'static [&'static str],
    current: fn(&Backprop) -> &'static str,
    on_pick: fn(&Backprop, &str) -> Patch,
) -> impl IntoView {
    ctx.shows(key).then(|| {
        let value = Memo::new(move |_| ctx.state.with(current));
        view! {
            <label class="nw-select">
                <span>{move || ctx.t(label)}</span>
                <select data-testid=format!("select-{key}")
                    prop:value=move || value.get()
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

/// The view.
pub fn view(ctx: WidgetCtx<Backprop>) -> AnyView {
    let shared = Shared::new(ctx);
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let computed = shared.computed.get();
        if let Some(canvas) = canvas.get() {
            ctx.state
                .with(|state| diagram::draw(&canvas, state, &computed.step));
        }
    });
    let last_stage = move || shared.last.get();
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

    // The controls follow only their own values: a slider list is rebuilt when its length
    // changes, the shape menu when the shape does.
    let shape = Memo::new(move |_| ctx.state.with(shape_key));
    let learning_rate = Memo::new(move |_| ctx.state.with(|s| s.learning_rate));
    let check = Memo::new(move |_| ctx.state.with(|s| s.check));
    let inputs = Memo::new(move |_| ctx.state.with(|s| s.x.len()));
    let outputs = Memo::new(move |_| ctx.state.with(|s| s.y.len()));

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
                {explanation(ctx, shared)}
                {ctx.shows("stage").then(|| view! {
                    <div class="nw-buttons">
                        <button data-testid="bp-back" disabled=move || shared.stage.get() == 0
                            on:click=move |_| {
                                playing.set(false);
                                let stage = ctx.state.with_untracked(|s| s.stage);
                                go(stage.saturating_sub(1));
                            }>{move || ctx.t(text::BACK)}</button>
                        <button data-testid="bp-next" disabled=move || { shared.stage.get() >= last_stage() }
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
                        prop:value=move || shared.stage.get().to_string()
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                playing.set(false);
                                go(v);
                            }
                        }/>
                })}
                {move || shared.at_update.get().then(|| view! {
                    <button data-testid="bp-apply" on:click=apply>{move || ctx.t(text::APPLY)}</button>
                })}
                {ctx.shows("check").then(|| view! {
                    <label class="nw-check" title=move || ctx.t(text::CHECK_NOTE)>
                        <input type="checkbox" data-testid="bp-check"
                            prop:checked=move || check.get()
                            on:change=move |ev| ctx.set("check", Value::Flag(event_target_checked(&ev)))/>
                        <span>{move || ctx.t(text::CHECK)}</span>
                    </label>
                })}
            </div>
        </div>
        {table(ctx, shared)}
        <div class="nw-body nw-bp-settings">
            <div class="nw-controls">
                {ctx.shows("sizes").then(|| view! {
                    <label class="nw-select">
                        <span>{move || ctx.t(text::SHAPE)}</span>
                        <select data-testid="select-sizes"
                            prop:value=move || shape.get()
                            on:change=move |ev| {
                                let sizes = Value::from_url(&event_target_value(&ev));
                                ctx.edit(vec![("sizes".into(), sizes), ("stage".into(), Value::Number(0.0))]);
                            }>
                            {move || {
                                let current = shape.get();
                                let extra = (!SHAPES.contains(&current.as_str())).then(|| current.clone());
                                extra.into_iter().chain(SHAPES.iter().map(|s| s.to_string()))
                                    .map(|s| view! { <option value=s.clone()>{s.replace(',', "–")}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                })}
                {menu(ctx, "activation", text::HIDDEN_ACTIVATION, ELEMENTWISE, |s| s.net.hidden.name(), |_, picked| {
                    vec![("activation".into(), Value::Text(picked.into()))]
                })}
                {menu(ctx, "output_activation", text::OUTPUT_ACTIVATION, OUTPUT_ACTIVATIONS, |s| s.net.output.name(), |_, picked| {
                    vec![("output_activation".into(), Value::Text(picked.into()))]
                })}
                {menu(ctx, "loss", common::LOSS, LOSSES, |s| crate::widgets::backprop::loss_name(s.net.loss), |s, picked| {
                    // Cross-entropy takes targets in [0, 1]: bring the targets into range with it.
                    let y: Vec<f64> = s.y.iter().map(|v| v.clamp(0.0, 1.0)).collect();
                    vec![("loss".into(), Value::Text(picked.into())), ("y".into(), Value::List(y))]
                })}
                {ctx.shows("learning_rate").then(|| slider(
                    "learning_rate".into(),
                    move || ctx.t(common::LEARNING_RATE).to_string(),
                    (0.01, 5.0, 0.01),
                    move || learning_rate.get(),
                    move |v| ctx.set("learning_rate", Value::Number(v)),
                ))}
            </div>
            <div class="nw-controls">
                {move || ctx.shows("x").then(|| list_sliders(ctx, "x", (-3.0, 3.0, 0.05), |s| &s.x, inputs.get()))}
                {move || ctx.shows("y").then(|| list_sliders(ctx, "y", (0.0, 1.0, 0.01), |s| &s.y, outputs.get()))}
            </div>
        </div>
    }
    .into_any()
}
