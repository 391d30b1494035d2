//! Misclassified test digits after the latest epoch, with predicted and true labels.

use leptos::prelude::*;

use crate::i18n::Text;
use crate::test_set::indices_where;
use crate::ui::digit::Digit;
use crate::ui::state::Playground;

/// Digits shown.
const SHOWN: usize = 40;

/// The gallery.
#[component]
pub fn Gallery() -> impl IntoView {
    let state = expect_context::<Playground>();
    let t = move |text| state.t(text);
    let digits = move || {
        state.last_epoch.track();
        let lang = state.lang.get();
        state.test_images.with_value(|images| {
            state.predictions.with_value(|predictions| {
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
                        view! { <Digit pixels=images.image(i).to_vec() caption testid="misclassified"/> }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <h2>{move || t(Text::Misclassified)}</h2>
        {move || state.last_epoch.with(Option::is_none).then(|| view! { <p class="empty">{t(Text::NoEpochYet)}</p> })}
        <div class="digits" data-testid="gallery">{digits}</div>
    }
}
