//! Misclassified test images after the latest epoch, with predicted and true labels named as
//! the run's dataset names its classes.

use leptos::prelude::*;

use crate::dom;
use crate::i18n::{Lang, Text, datasets};
use crate::state::Run;
use crate::state::sheet::SheetLayout;
use crate::test_set::indices_where;
use crate::ui::digit_grid::{DigitGrid, GridDigit};
use crate::ui::state::TestResults;
use neurite::DatasetKind;

/// Digits shown.
const SHOWN: usize = 40;

/// The gallery; a click on a digit takes it apart in "show the math" (`pick`).
#[component]
pub fn Gallery(
    run: RwSignal<Run>,
    tests: TestResults,
    pick: RwSignal<Option<usize>>,
    lang: Signal<Lang>,
    dataset: Signal<DatasetKind>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    // A task after the reply that brought the epoch's predictions; the run's number too, so
    // that another run (continued from storage, say) at the same epoch is shown afresh.
    let last_epoch = dom::deferred(Memo::new(move |_| {
        run.with(|r| r.last_epoch.as_ref().map(|e| (r.number, e.epoch)))
    }));
    let wanted = Memo::new(move |_| {
        last_epoch.track();
        let lang = lang.get();
        let dataset = dataset.get();
        let name = |class: u8| datasets::class_name(dataset, usize::from(class), lang);
        tests.images.with_value(|images| {
            tests.predictions.with_value(|predictions| {
                indices_where(images.labels(), predictions, |t, p| t != p)
                    .into_iter()
                    .take(SHOWN)
                    .map(|index| GridDigit {
                        index,
                        caption: format!(
                            "{} {} · {} {}",
                            Text::PredictedLabel.in_lang(lang),
                            name(predictions[index]),
                            Text::TrueLabel.in_lang(lang),
                            name(images.labels()[index])
                        ),
                    })
                    .collect()
            })
        })
    });
    view! {
        <h2>{move || t(Text::Misclassified)}</h2>
        {move || last_epoch.with(Option::is_none).then(|| view! { <p class="empty">{t(Text::NoEpochYet)}</p> })}
        <DigitGrid wanted tests pick testid="gallery" figure_testid="misclassified"
            layout=SheetLayout::TWO_LINES reserve=SHOWN/>
    }
}
