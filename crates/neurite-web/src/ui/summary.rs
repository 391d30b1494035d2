//! The model's layer table with parameter counts.

use leptos::prelude::*;

use crate::i18n::{Lang, Text};
use crate::state::Run;

/// The summary table.
#[component]
pub fn ModelSummary(run: RwSignal<Run>, lang: Signal<Lang>) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let summary = Memo::new(move |_| run.with(|r| r.summary.clone()));
    let table = move || {
        summary.get().map(|summary| {
            let rows = summary
                .rows
                .iter()
                .map(|row| {
                    let kind = if row.detail.is_empty() {
                        row.kind.clone()
                    } else {
                        format!("{}, {}", row.kind, row.detail)
                    };
                    let dims: Vec<String> = if row.output_shape.is_empty() {
                        vec![row.output_features.to_string()]
                    } else {
                        row.output_shape.iter().map(usize::to_string).collect()
                    };
                    view! {
                        <tr>
                            <td>{row.name.clone()} " (" {kind} ")"</td>
                            <td>"(None, " {dims.join(", ")} ")"</td>
                            <td class="num">{row.params}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="summary" data-testid="summary">
                    <thead><tr>
                        <th>{t(Text::Layer)}</th><th>{t(Text::OutputShape)}</th><th>{t(Text::Params)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                    <tfoot><tr>
                        <td colspan="2">{t(Text::TotalParams)}</td>
                        <td class="num" data-testid="total-params">{summary.total_params}</td>
                    </tr></tfoot>
                </table>
            }
        })
    };
    view! {
        <h2>{move || t(Text::Summary)}</h2>
        {table}
    }
}
