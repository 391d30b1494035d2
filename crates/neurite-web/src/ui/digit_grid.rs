//! A grid of test digits, each a button that takes it apart in "show the math". It reaches
//! what it should show a few figures per task ([`crate::state::paced`]), so that no task
//! builds and paints dozens of canvases; its figures are keyed by image and caption, so a digit
//! that stays keeps its canvas.

use leptos::prelude::*;

use crate::dom;
use crate::state::paced::{PER_TASK, next_shown};
use crate::ui::digit::Digit;
use crate::ui::state::TestResults;

/// One digit of a grid: a test image and the text under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GridDigit {
    /// Index in the test set.
    pub index: usize,
    /// Text under the image.
    pub caption: String,
}

/// Moves `shown` one task's worth towards `wanted`, and schedules the next step, unless a newer
/// `wanted` has started its own steps (`generation` moved on).
fn advance(
    wanted: Memo<Vec<GridDigit>>,
    shown: RwSignal<Vec<GridDigit>>,
    generation: StoredValue<u64>,
    mine: u64,
) {
    if generation.try_get_value() != Some(mine) {
        return;
    }
    let next = wanted.with_untracked(|w| shown.with_untracked(|s| next_shown(w, s, PER_TASK)));
    let done = wanted.with_untracked(|w| *w == next);
    if shown.with_untracked(|s| *s != next) {
        shown.set(next);
    }
    if !done {
        dom::next_task(move || advance(wanted, shown, generation, mine));
    }
}

/// The digits `wanted` says, in its order.
#[component]
pub fn DigitGrid(
    /// The digits to show.
    wanted: Memo<Vec<GridDigit>>,
    /// The test images.
    tests: TestResults,
    /// Set to a digit's index when it is clicked.
    pick: RwSignal<Option<usize>>,
    /// Test id of the grid.
    testid: &'static str,
    /// Test id of each figure.
    figure_testid: &'static str,
) -> impl IntoView {
    let shown = RwSignal::new(Vec::<GridDigit>::new());
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        wanted.track();
        let mine = generation.with_value(|g| g + 1);
        generation.set_value(mine);
        // Not in the task that changed `wanted` (a worker's reply, which has its own work).
        dom::next_task(move || advance(wanted, shown, generation, mine));
    });
    view! {
        <div class="digits" data-testid=testid>
            <For each=move || shown.get() key=GridDigit::clone children=move |digit| {
                let index = digit.index;
                let pixels = tests.images.with_value(|images| {
                    if index < images.len() {
                        images.image(index).to_vec()
                    } else {
                        Vec::new()
                    }
                });
                view! {
                    <button class="digit-pick" on:click=move |_| pick.set(Some(index))>
                        <Digit pixels caption=digit.caption testid=figure_testid/>
                    </button>
                }
            }/>
        </div>
    }
}
