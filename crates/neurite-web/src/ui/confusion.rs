//! The test set's confusion matrix after each epoch, its rows and columns named as the run's
//! dataset names its classes; clicking a cell shows its images, and
//! clicking an image takes it apart in "show the math". The table is built once per number
//! of classes (as soon as the model is known); an epoch updates its cells' counts and colours
//! in place, a few rows per task, so that no task of the page changes a hundred cells.

use leptos::prelude::*;
use neurite::{DatasetKind, LayerSpec, ModelSpec};

use crate::dom::{self, Steps};
use crate::i18n::{Lang, Text, datasets};
use crate::state::sheet::SheetLayout;
use crate::state::{EpochResult, Run};
use crate::test_set::indices_where;
use crate::ui::digit_grid::{DigitGrid, GridDigit};
use crate::ui::state::TestResults;

/// Images shown for one cell.
const CELL_IMAGES: usize = 60;

/// A cell's count, and its background: green on the diagonal by the row's share, red off it
/// (eight times as strong, so that rare confusions show).
fn cell(result: &EpochResult, truth: usize, predicted: usize) -> (u32, String) {
    let m = &result.confusion;
    let total: u32 = (0..m.classes).map(|p| m.get(truth, p)).sum::<u32>().max(1);
    let count = m.get(truth, predicted);
    let share = f64::from(count) / f64::from(total);
    let background = if truth == predicted {
        format!("rgba(22, 163, 74, {share:.3})")
    } else {
        format!("rgba(220, 38, 38, {:.3})", (share * 8.0).min(1.0))
    };
    (count, background)
}

/// The model's classes: the units of its last dense layer.
fn output_units(model: &ModelSpec) -> Option<usize> {
    model.layers.iter().rev().find_map(|layer| match layer {
        // As the worker counts them (`output_features().max(2)`).
        LayerSpec::Dense { units, .. } => Some((*units).max(2)),
        _ => None,
    })
}

/// Rows of the table a task updates: a hundred cells in one task took 80 ms on a 4×-throttled
/// CPU; each task is also a frame to draw, so not one row per task either.
const ROWS_PER_TASK: usize = 5;

/// Shows `epoch` in the table's `rows`, [`ROWS_PER_TASK`] per task from the next one on
/// (until `steps` starts again for a newer epoch); when the last row shows it, the table's
/// epoch is set.
fn fill_rows(
    steps: Steps,
    rows: Vec<RwSignal<Option<EpochResult>>>,
    epoch: Option<EpochResult>,
    table_epoch: RwSignal<Option<usize>>,
) {
    let mut row = 0;
    steps.start(move || {
        let end = (row + ROWS_PER_TASK).min(rows.len());
        for signal in &rows[row..end] {
            if signal.try_set(epoch.clone()).is_some() {
                return false;
            }
        }
        row = end;
        if end == rows.len() {
            table_epoch.try_set(epoch.as_ref().map(|e| e.epoch));
        }
        end < rows.len()
    });
}

/// The matrix and the selected cell's images.
#[component]
pub fn Confusion(
    run: RwSignal<Run>,
    tests: TestResults,
    selected: RwSignal<Option<(u8, u8)>>,
    pick: RwSignal<Option<usize>>,
    lang: Signal<Lang>,
    dataset: Signal<DatasetKind>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let name = move |class: usize| datasets::class_name(dataset.get(), class, lang.get());
    let named = move || dataset.get() != DatasetKind::Mnist;
    // A task after the reply that brought it: a hundred cells change at each epoch.
    let last_epoch = dom::deferred(Memo::new(move |_| run.with(|r| r.last_epoch.clone())));
    // Known from the model before its first epoch, so that the table is built while the page
    // is idle, not in the task that shows the first epoch's results.
    let classes = Memo::new(move |_| {
        last_epoch
            .with(|r| r.as_ref().map(|r| r.confusion.classes))
            .or_else(|| run.with(|r| r.config.as_ref().and_then(|c| output_units(&c.model))))
    });
    let table = move || {
        let Some(classes) = classes.get() else {
            return ().into_any();
        };
        // The epoch each row shows, and the epoch every row shows.
        let row_epochs: Vec<_> = (0..classes)
            .map(|_| RwSignal::new(None::<EpochResult>))
            .collect();
        let table_epoch = RwSignal::new(None::<usize>);
        let steps = Steps::new();
        let rows_to_fill = row_epochs.clone();
        Effect::new(move |_| {
            fill_rows(steps, rows_to_fill.clone(), last_epoch.get(), table_epoch);
        });
        let rows = (0..classes).map(|truth| {
            let row_epoch = row_epochs[truth];
            let cells = (0..classes).map(|predicted| {
                let value = Memo::new(move |_| {
                    row_epoch.with(|r| r.as_ref().map(|r| cell(r, truth, predicted)))
                });
                let cell = (truth as u8, predicted as u8);
                // The colour goes through the CSSOM (not a style attribute), as the site's CSP
                // requires.
                view! {
                    <td style:background-color=move || value.with(|v| v.as_ref().map(|(_, c)| c.clone()))
                        data-testid=format!("confusion-cell-{truth}-{predicted}")
                        class:selected=move || selected.get() == Some(cell)
                        on:click=move |_| selected.set(Some(cell))>
                        {move || value.with(|v| v.as_ref().map(|(n, _)| *n))}
                    </td>
                }
            }).collect_view();
            view! { <tr><th data-testid=format!("confusion-row-{truth}")>{move || name(truth)}</th>{cells}</tr> }
        }).collect_view();
        view! {
            <table class="confusion" data-testid="confusion" class:named=named
                data-epoch=move || table_epoch.get()>
                <caption>{move || t(Text::TrueLabel)} " ↓ · " {move || t(Text::PredictedLabel)} " →"</caption>
                <thead><tr><th></th>{(0..classes).map(|p| view! { <th>{move || name(p)}</th> }).collect_view()}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    // The run's number too: another run at the same epoch has other images in each cell.
    let number = Memo::new(move |_| run.with(|r| r.number));
    let epoch = Memo::new(move |_| last_epoch.with(|r| r.as_ref().map(|r| r.epoch)));
    let cell_images = Memo::new(move |_| {
        // Read, not only tracked: a memo never read has no sources, and never changes.
        epoch.with(|_| ());
        number.with(|_| ());
        let Some((truth, predicted)) = selected.get() else {
            return Vec::new();
        };
        tests.images.with_value(|images| {
            tests.predictions.with_value(|predictions| {
                indices_where(images.labels(), predictions, |t, p| {
                    t == truth && p == predicted
                })
                .into_iter()
                .take(CELL_IMAGES)
                .map(|index| GridDigit {
                    index,
                    caption: format!("#{index}"),
                })
                .collect()
            })
        })
    });
    view! {
        <h2>{move || t(Text::ConfusionMatrix)}</h2>
        {move || last_epoch.with(Option::is_none).then(|| view! { <p class="empty">{t(Text::NoEpochYet)}</p> })}
        {table}
        {move || selected.get().map(|(truth, predicted)| view! {
            <h3>{t(Text::CellImages)} ": " {name(usize::from(truth))} " → " {name(usize::from(predicted))}</h3>
        })}
        <DigitGrid wanted=cell_images tests pick testid="cell-images" figure_testid="cell-image"
            layout=SheetLayout::ONE_LINE/>
    }
}
