//! The legend of the stored runs drawn beside the run on the loss and accuracy charts: each
//! run's colour, name, and what differs between its setup and the first run picked, the
//! reference (`lr 0.001 → 0.01`, from [`crate::state::compare`]); then the same for the run in
//! the worker (drawn in the charts' own train and test colours).

use leptos::prelude::*;

use crate::i18n::{Lang, Text};
use crate::state::compare::legend_text;
use crate::state::{Run, SavedRun};

/// The colours of compared runs, in the order they were picked; as many as may be picked at
/// once. (`www/style.css` gives `.swatch-0` … `.swatch-5` the same colours.)
pub const OVERLAY_COLOURS: [&str; 6] = [
    "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#a16207", "#db2777",
];

/// The legend, shown while runs are picked to compare.
#[component]
pub fn ComparedLegend(
    run: RwSignal<Run>,
    compared: Signal<Vec<SavedRun>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let lines = Memo::new(move |_| {
        let lang = lang.get();
        compared.with(|runs| {
            let Some(reference) = runs.first().map(|r| &r.config) else {
                return Vec::new();
            };
            let mut lines: Vec<(String, String, String)> = runs
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let against = (i > 0).then_some(reference);
                    let text = legend_text(against, &r.config, lang);
                    (format!("swatch swatch-{i}"), r.name.clone(), text)
                })
                .collect();
            if let Some(live) = run.with(|r| r.config.clone()) {
                lines.push((
                    "swatch swatch-live".into(),
                    Text::ThisRun.in_lang(lang).into(),
                    legend_text(Some(reference), &live, lang),
                ));
            }
            lines
        })
    });
    move || {
        (!lines.with(Vec::is_empty)).then(|| {
            view! {
                <div class="compared-legend" data-testid="compared-legend">
                    <p class="hint">{move || Text::ComparedRuns.in_lang(lang.get())}</p>
                    <ul>
                        {lines.get().into_iter().map(|(swatch, name, text)| view! {
                            <li data-testid="compared-run">
                                <span class=swatch aria-hidden="true"></span>
                                <b>{name}</b>" — "<span data-testid="compared-difference">{text}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
