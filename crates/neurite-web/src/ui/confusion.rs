//! The test set's confusion matrix after each epoch; clicking a cell shows its images, and
//! clicking an image takes it apart in "show the math".

use leptos::prelude::*;

use crate::i18n::{Lang, Text};
use crate::state::Run;
use crate::test_set::indices_where;
use crate::ui::digit::Digit;
use crate::ui::state::TestResults;

/// Images shown for one cell.
const CELL_IMAGES: usize = 60;

/// The matrix and the selected cell's images.
#[component]
pub fn Confusion(
    run: RwSignal<Run>,
    tests: TestResults,
    selected: RwSignal<Option<(u8, u8)>>,
    pick: RwSignal<Option<usize>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let last_epoch = Memo::new(move |_| run.with(|r| r.last_epoch.clone()));
    let table = move || {
        last_epoch.with(|result| {
            let Some(result) = result else {
                return view! { <p class="empty">{t(Text::NoEpochYet)}</p> }.into_any();
            };
            let m = &result.confusion;
            let classes = m.classes;
            let rows = (0..classes).map(|truth| {
                let total: u32 = (0..classes).map(|p| m.get(truth, p)).sum::<u32>().max(1);
                let cells = (0..classes).map(|predicted| {
                    let count = m.get(truth, predicted);
                    let share = f64::from(count) / f64::from(total);
                    // Set through the CSSOM (not a style attribute), as the site's CSP requires.
                    let background = if truth == predicted {
                        format!("rgba(22, 163, 74, {:.3})", share)
                    } else {
                        format!("rgba(220, 38, 38, {:.3})", (share * 8.0).min(1.0))
                    };
                    let cell = (truth as u8, predicted as u8);
                    view! {
                        <td style:background-color=background data-testid=format!("confusion-cell-{truth}-{predicted}")
                            class:selected=move || selected.get() == Some(cell)
                            on:click=move |_| selected.set(Some(cell))>
                            {count}
                        </td>
                    }
                }).collect_view();
                view! { <tr><th>{truth}</th>{cells}</tr> }
            }).collect_view();
            view! {
                <table class="confusion" data-testid="confusion">
                    <caption>{t(Text::TrueLabel)} " ↓ · " {t(Text::PredictedLabel)} " →"</caption>
                    <thead><tr><th></th>{(0..classes).map(|p| view! { <th>{p}</th> }).collect_view()}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        })
    };
    let cell_images = move || {
        let (truth, predicted) = selected.get()?;
        last_epoch.track();
        let views = tests.images.with_value(|images| {
            tests.predictions.with_value(|predictions| {
                indices_where(images.labels(), predictions, |t, p| t == truth && p == predicted)
                    .into_iter()
                    .take(CELL_IMAGES)
                    .map(|i| view! {
                        <button class="digit-pick" on:click=move |_| pick.set(Some(i))>
                            <Digit pixels=images.image(i).to_vec() caption=format!("#{i}") testid="cell-image"/>
                        </button>
                    })
                    .collect_view()
            })
        });
        Some(view! {
            <h3>{t(Text::CellImages)} ": " {truth} " → " {predicted}</h3>
            <div class="digits" data-testid="cell-images">{views}</div>
        })
    };
    view! {
        <h2>{move || t(Text::ConfusionMatrix)}</h2>
        {table}
        {cell_images}
    }
}
