//! The network as a graph, as TensorFlow Playground draws it: a column of the nine input
//! features (a click feeds one to the network or takes it away), a column per hidden layer
//! (± neurons above it, ± layers above all), the output; every node shows its own output over
//! the plane, every edge its weight (orange negative, purple positive, thicker the larger).
//! Hovering a node shows its map large and reads its bias; hovering an edge reads its weight.

use leptos::html::Canvas;
use leptos::prelude::*;
use neurite::data::plane::Feature;
use neurite::explain::plane::grid_points;
use web_sys::{CanvasRenderingContext2d, PointerEvent};

use super::colours::unit_rgba;
use super::runner::{FrameData, Runner};
use crate::i18n::playground2d as text;
use crate::plane::protocol::{NODE_SIDE, Unit, WeightEdit, map_byte};
use crate::widgets::Value;
use crate::widgets::playground_link::{ACTIVATIONS, MAX_LAYERS, MAX_UNITS};
use crate::widgets::playground2d::Playground2d;
use crate::widgets::views::plot::{self, Frame, diverging};
use crate::widgets::views::{WidgetCtx, fmt};

/// A node's side in pixels.
const NODE: f64 = 34.0;
/// Distance between two rows of nodes.
const ROW: f64 = 42.0;
/// Distance between two columns.
const COLUMN: f64 = 100.0;
/// Room above the first row (the layers' ± buttons and activation).
const TOP: f64 = 52.0;
/// Room left of the features (their names).
const LEFT: f64 = 44.0;

/// Where the node `row` of column `column` is (its top-left corner).
fn node_at(column: usize, row: usize) -> (f64, f64) {
    (LEFT + column as f64 * COLUMN, TOP + row as f64 * ROW)
}

/// The row of each input of the network: the feature's place among all nine.
fn input_rows(features: &[Feature]) -> Vec<usize> {
    features
        .iter()
        .filter_map(|f| Feature::ALL.iter().position(|g| g == f))
        .collect()
}

/// An edge: from (column, row) to (column + 1, row), and its weight's place in the frame.
#[derive(Clone, Copy)]
struct Edge {
    column: usize,
    from_row: usize,
    to_row: usize,
    layer: usize,
    input: usize,
    unit: usize,
}

fn edges(state: &Playground2d, frame: &FrameData) -> Vec<(Edge, f32)> {
    let rows_in = input_rows(&state.link.features);
    let widths = &frame.frame.layout.widths;
    let mut out = Vec::new();
    for (layer, weights) in frame.frame.weights.iter().enumerate() {
        let (inputs, units) = (widths[layer], widths[layer + 1]);
        if weights.kernel.len() != inputs * units {
            continue;
        }
        for input in 0..inputs {
            for unit in 0..units {
                let from_row = if layer == 0 {
                    rows_in.get(input).copied().unwrap_or(input)
                } else {
                    input
                };
                let edge = Edge {
                    column: layer,
                    from_row,
                    to_row: unit,
                    layer,
                    input,
                    unit,
                };
                out.push((edge, weights.kernel[input * units + unit]));
            }
        }
    }
    out
}

fn edge_ends(edge: Edge) -> ((f64, f64), (f64, f64)) {
    let (x0, y0) = node_at(edge.column, edge.from_row);
    let (x1, y1) = node_at(edge.column + 1, edge.to_row);
    ((x0 + NODE, y0 + NODE / 2.0), (x1, y1 + NODE / 2.0))
}

fn paint_edges(ctx: &CanvasRenderingContext2d, size: (f64, f64), edges: &[(Edge, f32)]) {
    ctx.clear_rect(0.0, 0.0, size.0, size.1);
    for &(edge, w) in edges {
        let ((x0, y0), (x1, y1)) = edge_ends(edge);
        let [r, g, b] = diverging(f64::from(w.clamp(-1.0, 1.0)).signum());
        let strength = f64::from(w.abs()).min(3.0);
        ctx.set_stroke_style_str(&format!(
            "rgba({r},{g},{b},{})",
            (0.25 + strength / 3.0 * 0.75).min(1.0)
        ));
        ctx.set_line_width((strength * 1.8).clamp(0.5, 6.0));
        ctx.begin_path();
        ctx.move_to(x0, y0);
        let mid = (x0 + x1) / 2.0;
        ctx.bezier_curve_to(mid, y0, mid, y1, x1, y1);
        ctx.stroke();
    }
}

/// The edge nearest to `(x, y)` within a few pixels, sampled along its curve.
fn edge_near(edges: &[(Edge, f32)], (x, y): (f64, f64)) -> Option<(Edge, f32)> {
    let mut best: Option<((Edge, f32), f64)> = None;
    for &(edge, w) in edges {
        let ((x0, y0), (x1, y1)) = edge_ends(edge);
        if x < x0 - 4.0 || x > x1 + 4.0 {
            continue;
        }
        let mid = (x0 + x1) / 2.0;
        for i in 0..=24 {
            let t = f64::from(i) / 24.0;
            let u = 1.0 - t;
            let px =
                u * u * u * x0 + 3.0 * u * u * t * mid + 3.0 * u * t * t * mid + t * t * t * x1;
            let py = u * u * u * y0 + 3.0 * u * u * t * y0 + 3.0 * u * t * t * y1 + t * t * t * y1;
            let d = (px - x).hypot(py - y);
            if d < 5.0 && best.is_none_or(|(_, b)| d < b) {
                best = Some(((edge, w), d));
            }
        }
    }
    best.map(|(e, _)| e)
}

/// Paints `rgba` (`side × side`) onto a node's canvas.
fn paint_node(canvas: &web_sys::HtmlCanvasElement, side: usize, rgba: &[u8]) {
    let Some(ctx) = crate::dom::context_2d(canvas) else {
        return;
    };
    let frame = Frame {
        width: NODE,
        height: NODE,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
        margin: 0.0,
    };
    if rgba.len() == side * side * 4 {
        plot::paint(&ctx, &frame, side, rgba, true);
    } else {
        ctx.set_fill_style_str("#eee");
        ctx.fill_rect(0.0, 0.0, NODE, NODE);
    }
}

/// A feature's values over the plane as map bytes, scaled by their largest magnitude.
fn feature_map(feature: Feature) -> Vec<u8> {
    let points = grid_points(NODE_SIDE).expect("a valid side");
    let values: Vec<f32> = points.iter().map(|&p| feature.at(p)).collect();
    let top = values.iter().fold(0.0f32, |a, v| a.max(v.abs())).max(1e-6);
    values.iter().map(|v| map_byte(v / top)).collect()
}

/// What the hovered thing reads.
#[derive(Clone, Copy, PartialEq)]
enum Hovered {
    Unit(Unit),
    Edge(Edge, f32),
}

impl PartialEq for Edge {
    fn eq(&self, other: &Self) -> bool {
        (self.layer, self.input, self.unit) == (other.layer, other.input, other.unit)
    }
}

/// The graph.
pub fn view(ctx: WidgetCtx<Playground2d>, runner: Runner) -> impl IntoView {
    let hovered = RwSignal::new(None::<Hovered>);
    // The weight or bias being edited: the unit it goes into, and the input it comes from
    // (`None`: the bias).
    let editing = RwSignal::new(None::<(Unit, Option<usize>)>);
    let edges_canvas = NodeRef::<Canvas>::new();
    let shape = Memo::new(move |_| ctx.state.with(|s| s.widths()));
    // The network drawn: the worker's (a file of points may bring more classes than the state
    // names), else the state's.
    let drawn = Memo::new(move |_| {
        runner
            .frame
            .with(|f| f.as_ref().map(|f| f.frame.layout.widths.clone()))
            .unwrap_or_else(|| shape.get())
    });
    Effect::new(move |_| {
        drawn.track();
        editing.set(None);
    });
    let size = move || {
        let widths = drawn.get();
        let rows = widths
            .iter()
            .skip(1)
            .copied()
            .max()
            .unwrap_or(1)
            .max(Feature::ALL.len());
        (
            LEFT + (widths.len() - 1) as f64 * COLUMN + NODE + 8.0,
            TOP + rows as f64 * ROW,
        )
    };
    let current_edges = move || {
        let frame = runner.frame.get()?;
        Some(ctx.state.with_untracked(|s| edges(s, &frame)))
    };
    Effect::new(move |_| {
        let (Some(canvas), Some(list)) = (edges_canvas.get(), current_edges()) else {
            return;
        };
        let (w, h) = size();
        canvas.set_width(w as u32);
        canvas.set_height(h as u32);
        if let Some(context) = crate::dom::context_2d(&canvas) {
            paint_edges(&context, (w, h), &list);
        }
    });
    let on_move = move |ev: PointerEvent| {
        let Some(canvas) = edges_canvas.get_untracked() else {
            return;
        };
        let at = plot::pointer_position(&canvas, &ev);
        let near = runner.frame.with_untracked(|f| {
            f.as_ref()
                .and_then(|f| edge_near(&ctx.state.with_untracked(|s| edges(s, f)), at))
        });
        hovered.set(near.map(|(e, w)| Hovered::Edge(e, w)));
    };

    let features = move || ctx.state.with(|s| s.link.features.clone());
    let feature_nodes = Feature::ALL
        .iter()
        .enumerate()
        .map(|(row, &feature)| {
            let canvas = NodeRef::<Canvas>::new();
            let map = unit_rgba(&feature_map(feature), false);
            Effect::new(move |_| {
                if let Some(canvas) = canvas.get() {
                    paint_node(&canvas, NODE_SIDE, &map);
                }
            });
            let (x, y) = node_at(0, row);
            let active = move || features().contains(&feature);
            let input = move || {
                features()
                    .iter()
                    .position(|f| *f == feature)
                    .map(|unit| Unit { layer: 0, unit })
            };
            view! {
                <button class="nw-p2-node nw-p2-feature" class:nw-p2-off=move || !active()
                    style:left=format!("{}px", x - LEFT + 2.0) style:top=format!("{y}px")
                    data-testid=format!("feature-{}", feature.playground_key())
                    aria-pressed=move || active().to_string()
                    title=move || ctx.t(text::FEATURES_HINT)
                    disabled=move || !ctx.shows(feature.playground_key())
                    on:click=move |_| ctx.set(feature.playground_key(), Value::Flag(!active()))
                    on:pointerenter=move |_| {
                        if let Some(unit) = input() {
                            hovered.set(Some(Hovered::Unit(unit)));
                            runner.show(Some(unit));
                        }
                    }
                    on:pointerleave=move |_| { hovered.set(None); runner.show(None); }>
                    <span class="nw-p2-symbol">{feature.symbol()}</span>
                    <canvas node_ref=canvas width=NODE height=NODE></canvas>
                </button>
            }
        })
        .collect_view();

    let unit_nodes = move || {
        let widths = drawn.get();
        let last = widths.len() - 1;
        (1..widths.len())
            .flat_map(|layer| (0..widths[layer]).map(move |unit| (layer, unit)))
            .map(|(layer, unit)| {
                let canvas = NodeRef::<Canvas>::new();
                let here = Unit { layer, unit };
                Effect::new(move |_| {
                    let Some(canvas) = canvas.get() else {
                        return;
                    };
                    let discretize = ctx.state.with(|s| s.link.discretize) && layer == last;
                    runner.frame.with(|frame| {
                        let rgba = frame
                            .as_ref()
                            .and_then(|f| {
                                let range = f.frame.layout.node(here)?;
                                f.maps.get(range).map(|bytes| unit_rgba(bytes, discretize))
                            })
                            .unwrap_or_default();
                        paint_node(&canvas, NODE_SIDE, &rgba);
                    });
                });
                let (x, y) = node_at(layer, unit);
                view! {
                    <div class="nw-p2-node" class:nw-p2-output=layer == last
                        style:left=format!("{x}px") style:top=format!("{y}px")
                        data-testid=format!("node-{layer}-{unit}")
                        on:click=move |_| editing.set(Some((here, None)))
                        on:pointerenter=move |_| {
                            hovered.set(Some(Hovered::Unit(here)));
                            runner.show(Some(here));
                        }
                        on:pointerleave=move |_| { hovered.set(None); runner.show(None); }>
                        <canvas node_ref=canvas width=NODE height=NODE></canvas>
                    </div>
                }
            })
            .collect_view()
    };

    let layer_buttons = move || {
        let widths = shape.get();
        let hidden = widths.len().saturating_sub(2);
        (0..hidden)
            .map(|i| {
                let (x, _) = node_at(i + 1, 0);
                let units = widths[i + 1];
                let change = move |delta: isize| {
                    let mut shape = ctx.state.with_untracked(|s| s.link.network_shape.clone());
                    let next = (shape[i] as isize + delta).clamp(1, MAX_UNITS as isize) as usize;
                    shape[i] = next;
                    ctx.set("networkShape", Value::List(shape.iter().map(|&u| u as f64).collect()));
                };
                let layer_activation = move || {
                    ctx.state.with(|s| {
                        s.layer_activations
                            .get(i)
                            .copied()
                            .unwrap_or(s.link.activation)
                    })
                };
                let pick = move |name: String| {
                    let mut list = ctx.state.with_untracked(|s| {
                        let mut list: Vec<String> =
                            s.layer_activations.iter().map(|a| a.to_string()).collect();
                        while list.len() <= i {
                            list.push(s.link.activation.to_string());
                        }
                        list
                    });
                    list[i] = name;
                    ctx.set("layerActivations", Value::Names(list));
                };
                view! {
                    <select class="nw-p2-layer-activation" data-testid=format!("layer-activation-{i}")
                        style:left=format!("{}px", x - 14.0)
                        disabled=move || !ctx.shows("layerActivations")
                        title=move || ctx.t(text::ACTIVATION)
                        prop:value=layer_activation
                        on:change=move |ev| pick(event_target_value(&ev))>
                        {ACTIVATIONS.iter().map(|a| view! { <option value=*a>{*a}</option> }).collect_view()}
                    </select>
                    <div class="nw-p2-layer-buttons" style:left=format!("{}px", x - 10.0)>
                        <button data-testid=format!("add-neuron-{i}") title=move || ctx.t(text::ADD_NEURON)
                            disabled={units >= MAX_UNITS} on:click=move |_| change(1)>"+"</button>
                        <button data-testid=format!("remove-neuron-{i}") title=move || ctx.t(text::REMOVE_NEURON)
                            disabled={units <= 1} on:click=move |_| change(-1)>"−"</button>
                    </div>
                }
            })
            .collect_view()
    };

    let change_layers = move |delta: isize| {
        let mut shape = ctx.state.with_untracked(|s| s.link.network_shape.clone());
        if delta > 0 && shape.len() < MAX_LAYERS {
            shape.push(shape.last().copied().unwrap_or(2));
        } else if delta < 0 {
            shape.pop();
        }
        ctx.set(
            "networkShape",
            Value::List(shape.iter().map(|&u| u as f64).collect()),
        );
    };

    let reading = move || {
        let hovered = hovered.get()?;
        let lang = ctx.lang.get();
        Some(match hovered {
            Hovered::Edge(edge, w) => format!(
                "{} {}→{} · {} = {}",
                text::WEIGHT.in_lang(lang),
                edge_end_name(ctx, edge.layer, edge.input),
                edge_end_name(ctx, edge.layer + 1, edge.unit),
                "w",
                fmt(f64::from(w))
            ),
            Hovered::Unit(unit) if unit.layer == 0 => edge_end_name(ctx, 0, unit.unit),
            Hovered::Unit(unit) => {
                let bias = runner.frame.with(|f| {
                    f.as_ref()
                        .and_then(|f| f.frame.weights.get(unit.layer - 1))
                        .and_then(|w| w.bias.get(unit.unit).copied())
                });
                format!(
                    "{} · {} b = {}",
                    edge_end_name(ctx, unit.layer, unit.unit),
                    text::BIAS.in_lang(lang),
                    bias.map_or_else(|| "…".into(), |b| fmt(f64::from(b)))
                )
            }
        })
    };

    view! {
        <div class="nw-p2-network">
            <div class="nw-p2-layers-bar" data-testid="layers-bar">
                <button data-testid="add-layer" title=move || ctx.t(text::ADD_LAYER)
                    disabled=move || { !ctx.shows("networkShape") || shape.get().len() >= MAX_LAYERS + 2 }
                    on:click=move |_| change_layers(1)>"+"</button>
                <button data-testid="remove-layer" title=move || ctx.t(text::REMOVE_LAYER)
                    disabled=move || { !ctx.shows("networkShape") || shape.get().len() <= 2 }
                    on:click=move |_| change_layers(-1)>"−"</button>
                <span>{move || format!("{} {}", shape.get().len() - 2, ctx.t(text::HIDDEN_LAYERS))}</span>
                <span class="nw-p2-params" data-testid="parameters">
                    {move || format!("{} {}", ctx.state.with(|s| s.parameters()), ctx.t(text::PARAMETERS))}
                </span>
            </div>
            <div class="nw-p2-graph" style:width=move || format!("{}px", size().0) style:height=move || format!("{}px", size().1)>
                <canvas class="nw-p2-edges" node_ref=edges_canvas data-testid="edges"
                    on:pointermove=on_move on:pointerleave=move |_| hovered.set(None)
                    on:click=move |_| {
                        if let Some(Hovered::Edge(edge, _)) = hovered.get_untracked() {
                            editing.set(Some((
                                Unit { layer: edge.layer + 1, unit: edge.unit },
                                Some(edge.input),
                            )));
                        }
                    }></canvas>
                {layer_buttons}
                {feature_nodes}
                {unit_nodes}
            </div>
            <p class="nw-p2-reading" data-testid="graph-reading">{reading}</p>
            {move || editing.get().map(|(to, from)| edit_box(ctx, runner, editing, to, from))}
        </div>
    }
}

/// The current value of the weight into `to` from `from` (`None`: its bias).
fn weight_value(runner: Runner, to: Unit, from: Option<usize>) -> Option<f32> {
    runner.frame.with(|f| {
        let f = f.as_ref()?;
        let weights = f.frame.weights.get(to.layer.checked_sub(1)?)?;
        let units = *f.frame.layout.widths.get(to.layer)?;
        match from {
            Some(input) => weights.kernel.get(input * units + to.unit).copied(),
            None => weights.bias.get(to.unit).copied(),
        }
    })
}

/// The field that edits a weight or a bias (a click on an edge or a node opens it).
fn edit_box(
    ctx: WidgetCtx<Playground2d>,
    runner: Runner,
    editing: RwSignal<Option<(Unit, Option<usize>)>>,
    to: Unit,
    from: Option<usize>,
) -> impl IntoView {
    let name = match from {
        Some(input) => format!(
            "{} {}→{}",
            ctx.t(text::WEIGHT),
            edge_end_name(ctx, to.layer - 1, input),
            edge_end_name(ctx, to.layer, to.unit)
        ),
        None => format!(
            "{} {}",
            ctx.t(text::BIAS),
            edge_end_name(ctx, to.layer, to.unit)
        ),
    };
    let start = weight_value(runner, to, from).map_or(0.0, f64::from);
    view! {
        <label class="nw-p2-edit" data-testid="weight-edit">
            <span>{name}</span>
            <input type="number" step="0.1" data-testid="weight-value"
                prop:value=format!("{start:.3}")
                on:change=move |ev| {
                    let raw = event_target_value(&ev);
                    let value = raw.trim().parse::<f64>().unwrap_or(f64::NAN);
                    runner.set_weight(WeightEdit { to, from, value });
                }/>
            <button title="×" on:click=move |_| editing.set(None)>"×"</button>
        </label>
    }
}

/// A unit's name in a reading: a feature's symbol, or "layer l, neuron n".
fn edge_end_name(ctx: WidgetCtx<Playground2d>, layer: usize, unit: usize) -> String {
    if layer == 0 {
        return ctx.state.with_untracked(|s| {
            s.link
                .features
                .get(unit)
                .map_or_else(|| "?".into(), |f| f.symbol().to_string())
        });
    }
    let last = ctx.state.with_untracked(|s| s.widths().len() - 1);
    if layer == last {
        format!("{} {}", ctx.t(text::OUTPUT), unit + 1)
    } else {
        format!("h{layer}.{}", unit + 1)
    }
}
