//! "Show the math": one test image or the learner's drawing taken apart under the current model
//! — logits → softmax → cross-entropy against a label the learner picks → `∂L/∂logits` → the
//! first layer's gradient images → what the optimizer would do to one weight. The worker's
//! engine computes every number ([`ToWorker::Explain`]); this panel asks and writes them down,
//! again at every snapshot of the weights while training runs.

use leptos::html::Canvas;
use leptos::prelude::*;
use web_sys::MouseEvent;

use crate::formulas::{self, Working};
use crate::i18n::{Lang, Text, datasets};
use crate::protocol::{ExampleQuery, ExampleReport, ExampleSource, WeightAt};
use crate::state::{ExampleView, Run};
use crate::ui::digit::{Digit, SIDE, diverging, paint_rgba};
use crate::ui::link::Link;
use crate::ui::state::TestResults;
use crate::widgets::backprop::story::num;
use neurite::DatasetKind;

/// A number as a cell shows it, with its full value in `data-value` for tests and tooltips.
fn cell(value: f64, testid: String) -> impl IntoView {
    view! { <td data-testid=testid data-value=value.to_string() title=value.to_string()>{num(value)}</td> }
}

/// One line of working: the rule, the numbers, the result.
fn working(line: Working, testid: String) -> impl IntoView {
    view! {
        <div class="working" data-testid=testid>
            <span class="rule">{line.rule}</span>
            <span class="numbers">" = " {line.numbers}</span>
            <b class="result">" = " {line.result}</b>
        </div>
    }
}

/// The panel. `pick` is set by the panels that list test images (the gallery, the confusion
/// matrix's cells) to take one of them apart.
#[component]
pub fn ShowTheMath(
    link: Link,
    run: RwSignal<Run>,
    tests: TestResults,
    pick: RwSignal<Option<usize>>,
    lang: Signal<Lang>,
    dataset: Signal<DatasetKind>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let name = move |class: usize| datasets::class_name(dataset.get(), class, lang.get());
    let state = RwSignal::new(ExampleView::default());
    link.subscribe(move |reply| {
        state.maybe_update(|view| view.apply(reply));
    });
    let open = RwSignal::new(false);
    let source = RwSignal::new(ExampleSource::Test { index: 0 });
    let label = RwSignal::new(0u8);
    let weight = RwSignal::new(None::<WeightAt>);
    let true_label = move |index: usize| {
        tests
            .images
            .with_value(|images| images.labels().get(index).copied())
    };
    let test_count = move || tests.images.with_value(|images| images.len());
    // A test image is measured against its true label until the learner picks another.
    let show_test = move |index: usize| {
        source.set(ExampleSource::Test { index });
        label.set(true_label(index).unwrap_or(0));
        weight.set(None);
    };
    Effect::new(move |_| {
        if let Some(index) = pick.get() {
            open.set(true);
            show_test(index);
        }
    });
    // Every change of the query is sent; the worker answers at once and at every snapshot.
    Effect::new(move |_| {
        let query = open.get().then(|| ExampleQuery {
            source: source.get(),
            label: label.get(),
            weight: weight.get(),
        });
        let msg = state
            .try_update(|view| view.ask(query))
            .expect("the panel's state lives as long as the panel");
        link.send(msg);
    });

    let report = Memo::new(move |_| state.with(|s| s.report.clone()));
    let with_report =
        move |f: &dyn Fn(&ExampleReport) -> AnyView| report.with(|r| r.as_ref().map(f));

    let source_row = move || {
        let index = match source.get() {
            ExampleSource::Test { index } => Some(index),
            ExampleSource::Drawing => None,
        };
        let count = test_count();
        let step = move |delta: i64| {
            let now = index.unwrap_or(0) as i64;
            let next = (now + delta).rem_euclid(count.max(1) as i64) as usize;
            show_test(next);
        };
        let on_index = move |event: web_sys::Event| {
            if let Ok(i) = event_target_value(&event).trim().parse::<usize>()
                && i < count
            {
                show_test(i);
            }
        };
        let digit = index.and_then(|i| {
            tests.images.with_value(|images| {
                (i < images.len()).then(|| {
                    let truth = name(usize::from(images.labels()[i]));
                    let caption = format!("#{i} · {} {truth}", t(Text::TrueLabel));
                    view! { <Digit pixels=images.image(i).to_vec() caption testid="math-digit"/> }
                })
            })
        });
        view! {
            <div class="math-source">
                <label class="check">
                    <input type="radio" name="math-source" data-testid="math-source-test"
                        prop:checked=index.is_some() on:change=move |_| show_test(index.unwrap_or(0))/>
                    {t(Text::TestImage)}
                </label>
                <input type="number" min="0" max=count.saturating_sub(1) data-testid="math-index"
                    prop:value=index.unwrap_or(0).to_string() on:change=on_index/>
                <button data-testid="math-prev" title=t(Text::Previous) on:click=move |_| step(-1)>"‹"</button>
                <button data-testid="math-next" title=t(Text::Next) on:click=move |_| step(1)>"›"</button>
                <label class="check">
                    <input type="radio" name="math-source" data-testid="math-source-drawing"
                        prop:checked=index.is_none()
                        on:change=move |_| { source.set(ExampleSource::Drawing); weight.set(None); }/>
                    {t(Text::MyDrawing)}
                </label>
            </div>
            {digit}
        }
    };

    let label_row = move || {
        let classes = report.with(|r| r.as_ref().map_or(10, |r| r.probabilities.len().max(2)));
        let buttons = (0..classes.min(256))
            .map(|k| {
                let k = k as u8;
                view! {
                    <button class="label-pick" class:primary=move || label.get() == k
                        data-testid=format!("math-label-{k}") on:click=move |_| label.set(k)>{move || name(usize::from(k))}</button>
                }
            })
            .collect_view();
        view! {
            <div class="math-labels"><span>{t(Text::LossLabel)} ": "</span>{buttons}</div>
        }
    };

    let logits = move || {
        with_report(&|r| {
            let rows = (0..r.logits.len())
                .map(|k| {
                    let p = r.probabilities.get(k).copied().unwrap_or(0.0);
                    view! {
                        <tr class:target=k == usize::from(r.example.label)>
                            <th>{name(k)}</th>
                            {cell(r.logits[k], format!("math-logit-{k}"))}
                            {cell(p, format!("math-prob-{k}"))}
                            <td class="math-bar"><span style:width=format!("{:.1}%", p * 100.0)></span></td>
                            {cell(r.logit_grads.get(k).copied().unwrap_or(0.0), format!("math-grad-{k}"))}
                        </tr>
                    }
                })
                .collect_view();
            let fused = r.head == neurite::Activation::Softmax;
            view! {
                <h3>{t(Text::MathLogits)}</h3>
                <p class="formula">{if fused {
                    "p = softmax(z), pₖ = e^zₖ / Σⱼ e^zⱼ · ∂L/∂z = p − onehot(y)"
                } else {
                    "p = head(z) · ∂L/∂z"
                }}</p>
                <table class="math-table" data-testid="math-logits">
                    <thead><tr>
                        <th>{t(Text::Class)}</th><th>{t(Text::Logit)}</th><th>{t(Text::Probability)}</th>
                        <th></th><th>"∂L/∂z"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        })
    };

    let loss = move || {
        with_report(&|r| {
            let y = usize::from(r.example.label);
            let cross_entropy = r.head == neurite::Activation::Softmax
                && matches!(
                    r.loss_function,
                    neurite::Loss::SparseCategoricalCrossentropy
                        | neurite::Loss::CategoricalCrossentropy
                );
            let written = if cross_entropy {
                let p = r.probabilities.get(y).copied().unwrap_or(0.0);
                format!(
                    "L = −ln p{} = −ln {} = ",
                    formulas::subscript(y as u64),
                    num(p)
                )
            } else {
                "L = ".to_string()
            };
            let penalty = (r.penalty > 0.0).then(|| {
                view! { <span class="note">" (" {t(Text::MathPenalty)} " " {num(r.penalty)} ")"</span> }
            });
            view! {
                <h3>{t(if cross_entropy { Text::MathLoss } else { Text::MathLossOther })}</h3>
                <p class="formula">{written}
                    <b data-testid="math-loss" data-value=r.loss.to_string()>{num(r.loss)}</b>
                    {penalty}
                </p>
            }
            .into_any()
        })
    };

    let units = move || {
        with_report(&|r| {
            let tiles = r
                .units
                .iter()
                .enumerate()
                .map(|(i, unit)| {
                    view! {
                        <UnitImage state i unit=unit.unit delta=unit.delta weight lang/>
                    }
                })
                .collect_view();
            view! {
                <h3>{t(Text::MathFirstLayer)}</h3>
                <p class="hint">{t(Text::MathFirstLayerHint)}</p>
                <div class="math-units" data-testid="math-units">{tiles}</div>
            }
            .into_any()
        })
    };

    // A memo: the run changes at every progress reply, its optimizer only with a new model.
    let optimizer =
        Memo::new(move |_| run.with(|r| r.config.as_ref().map(|c| c.training.optimizer)));
    let update = move || {
        let spec = optimizer.get()?;
        with_report(&|r| {
            let Some(w) = &r.weight else {
                return ().into_any();
            };
            let (row, column) = (w.at.input / SIDE as usize, w.at.input % SIDE as usize);
            let lines = formulas::update_lines(&spec, &w.step).unwrap_or_default();
            let gradient = formulas::weight_gradient(w.input, w.delta, w.step.grad);
            let lines = std::iter::once(gradient)
                .chain(lines)
                .enumerate()
                .map(|(i, line)| working(line, format!("math-line-{i}")))
                .collect_view();
            view! {
                <h3>{t(Text::MathUpdate)}</h3>
                <p class="hint">{t(Text::MathUpdateHint)}</p>
                <p data-testid="math-weight" data-input=w.at.input data-unit=w.at.unit
                    data-value=w.step.value.to_string() data-grad=w.step.grad.to_string()
                    data-updated=w.step.updated.to_string() data-t=w.step.t
                    data-before=format!("{:?}", w.step.before) data-after=format!("{:?}", w.step.after)
                    data-step-size=w.step.adam_step_size.map(|a| a.to_string())>
                    {t(Text::Weight)} " w(" {t(Text::Pixel)} " (" {row} ", " {column} ") → "
                    {t(Text::Unit)} " " {w.at.unit} ") · " {t(Text::UpdateNumber)} " = " {w.step.t}
                </p>
                <div class="workings">{lines}</div>
            }
            .into_any()
        })
    };

    view! {
        <h2>{move || t(Text::ShowMath)}
            <button class="header-button" data-testid="show-math" on:click=move |_| {
                let opening = !open.get_untracked();
                if let (true, ExampleSource::Test { index }) = (opening, source.get_untracked()) {
                    show_test(index);
                }
                open.set(opening);
            }>
                {move || t(if open.get() { Text::ShowMathClose } else { Text::ShowMathOpen })}
            </button>
        </h2>
        {move || open.get().then(|| view! {
            <p class="hint">{t(Text::ShowMathHint)}</p>
            {source_row}
            {label_row}
            <div class="math" data-testid="math"
                data-query=move || state.with(|s| s.number.to_string())
                data-answered=move || report.with(|r| r.as_ref().map(|r| r.query.to_string()))
                data-steps=move || report.with(|r| r.as_ref().map(|r| r.steps.to_string()))>
                <p class="note">{move || report.with(|r| r.as_ref().map(|r| format!("{}: {}", t(Text::AfterUpdates), r.steps)))}</p>
                {logits}
                {loss}
                {units}
                {update}
            </div>
        })}
    }
}

/// One unit's gradient image, red positive and blue negative, each scaled to its own largest
/// magnitude; the followed weight's pixel is marked. A click follows the weight under it.
#[component]
fn UnitImage(
    state: RwSignal<ExampleView>,
    i: usize,
    unit: usize,
    delta: f64,
    weight: RwSignal<Option<WeightAt>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let followed = move || {
        state.with(|s| {
            s.report
                .as_ref()
                .and_then(|r| r.weight.as_ref())
                .filter(|w| w.at.unit == unit)
                .map(|w| w.at.input)
        })
    };
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let marked = followed();
        state.with(|s| {
            let Some(image) = s.image(i).filter(|im| im.len() == (SIDE * SIDE) as usize) else {
                return;
            };
            let scale = image.iter().fold(1e-30f32, |m, g| m.max(g.abs()));
            let mut rgba = Vec::with_capacity(image.len() * 4);
            for (p, &g) in image.iter().enumerate() {
                let colour = if Some(p) == marked {
                    [16, 185, 129]
                } else {
                    diverging(g / scale)
                };
                rgba.extend_from_slice(&colour);
                rgba.push(255);
            }
            paint_rgba(&element, SIDE, SIDE, &rgba);
        });
    });
    let on_click = move |event: MouseEvent| {
        let Some(element) = canvas.get_untracked() else {
            return;
        };
        let rect = element.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return;
        }
        let side = f64::from(SIDE);
        let x = ((f64::from(event.client_x()) - rect.left()) / rect.width() * side).floor();
        let y = ((f64::from(event.client_y()) - rect.top()) / rect.height() * side).floor();
        if (0.0..side).contains(&x) && (0.0..side).contains(&y) {
            weight.set(Some(WeightAt {
                input: (y * side + x) as usize,
                unit,
            }));
        }
    };
    view! {
        <figure class="digit unit-grad" data-testid=format!("math-unit-{i}") data-unit=unit
            data-delta=delta.to_string()>
            <canvas node_ref=canvas width=SIDE height=SIDE on:click=on_click></canvas>
            <figcaption>{move || Text::Unit.in_lang(lang.get())} " " {unit} " · δ = " {num(delta)}</figcaption>
        </figure>
    }
}
