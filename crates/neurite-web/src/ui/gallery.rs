//! Misclassified test digits after the latest epoch, with predicted and true labels.

use leptos::prelude::*;

use crate::i18n::{Lang, Text};
use crate::state::Run;
use crate::test_set::indices_where;
use crate::ui::digit::Digit;
use crate::ui::state::TestResults;

/// Digits shown.
const SHOWN: usize = 40;

/// The gallery; a click on a digit takes it apart in "show the math" (`pick`).
#[component]
pub fn Gallery(
    run: RwSignal<Run>,
    tests: TestResults,
    pick: RwSignal<Option<usize>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let last_epoch = Memo::new(move |_| run.with(|r| r.last_epoch.clone()));
    let digits = move || {
        last_epoch.track();
        let lang = lang.get();
        tests.images.with_value(|images| {
            tests.predictions.with_value(|predictions| {
                indices_where(images.labels(), predictions, |t, p| t != p)
                    .into_iter()
                    .take(SHOWN)
                    .map(|i| {
                        let caption = format!(
                            "{} {} · {} {}",
                            Text::PredictedLabel.in_lang(lang),
                            predictions[i],
                            Text::TrueLabel.in_lang(lang),
                            images.labels()[i]
                        );
                        view! {
                            <button class="digit-pick" on:click=move |_| pick.set(Some(i))>
                                <Digit pixels=images.image(i).to_vec() caption testid="misclassified"/>
                            </button>
                        }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <h2>{move || t(Text::Misclassified)}</h2>
        {move || last_epoch.with(Option::is_none).then(|| view! { <p class="empty">{t(Text::NoEpochYet)}</p> })}
        <div class="digits" data-testid="gallery">{digits}</div>
    }
}
