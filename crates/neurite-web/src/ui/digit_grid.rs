//! A grid of test digits, each a button that takes it apart in "show the math". Its figures
//! are slots that stay: when what it should show changes, a slot repaints its canvas (with the
//! 2D context it took once) instead of a new canvas being made, and a few slots change per task
//! ([`crate::state::paced`]), so that no task repaints or builds dozens of them. While slots
//! still show old digits the grid is `aria-busy`.

use leptos::html::Canvas;
use leptos::prelude::*;
use web_sys::CanvasRenderingContext2d;

use crate::dom;
use crate::dom::context_2d;
use crate::state::paced::{PER_TASK, next_slots};
use crate::ui::digit::{SIDE, put_gray};
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
    let next = wanted.with_untracked(|w| shown.with_untracked(|s| next_slots(w, s, PER_TASK)));
    let done = wanted.with_untracked(|w| *w == next);
    if shown.with_untracked(|s| *s != next) {
        shown.set(next);
    }
    if !done {
        dom::next_task(move || advance(wanted, shown, generation, mine));
    }
}

/// Slot `slot` of a grid: the digit `shown` holds there, painted into a canvas that stays.
fn slot_view(
    slot: usize,
    shown: RwSignal<Vec<GridDigit>>,
    tests: TestResults,
    pick: RwSignal<Option<usize>>,
    figure_testid: &'static str,
) -> impl IntoView {
    let digit = Memo::new(move |_| shown.with(|s| s.get(slot).cloned()));
    // A new caption for the same image (a new prediction) does not repaint it.
    let image = Memo::new(move |_| digit.with(|d| d.as_ref().map(|d| d.index)));
    let canvas = NodeRef::<Canvas>::new();
    let context = StoredValue::new_local(None::<CanvasRenderingContext2d>);
    Effect::new(move |_| {
        let Some(index) = image.get() else {
            return;
        };
        let Some(element) = canvas.get() else { return };
        if context.with_value(Option::is_none) {
            context.set_value(context_2d(&element));
        }
        tests.images.with_value(|images| {
            if index < images.len() {
                context.with_value(|c| {
                    if let Some(c) = c {
                        put_gray(c, SIDE, SIDE, images.image(index));
                    }
                });
            }
        });
    });
    let index = move || image.get().unwrap_or_default();
    view! {
        <button class="digit-pick" on:click=move |_| pick.set(Some(index()))>
            <figure class="digit" data-testid=figure_testid data-index=index>
                <canvas node_ref=canvas width=SIDE height=SIDE></canvas>
                <figcaption>{move || digit.with(|d| d.as_ref().map(|d| d.caption.clone()))}</figcaption>
            </figure>
        </button>
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
        // Read, not only tracked: a memo never read has no sources, and never changes.
        wanted.with(|_| ());
        let mine = generation.with_value(|g| g + 1);
        generation.set_value(mine);
        // Not in the task that changed `wanted` (a worker's reply, which has its own work).
        dom::next_task(move || advance(wanted, shown, generation, mine));
    });
    let slots = Memo::new(move |_| shown.with(Vec::len));
    let busy = move || wanted.with(|w| shown.with(|s| w != s)).to_string();
    view! {
        <div class="digits" data-testid=testid aria-busy=busy>
            <For each=move || 0..slots.get() key=|slot| *slot
                children=move |slot| slot_view(slot, shown, tests, pick, figure_testid)/>
        </div>
    }
}
