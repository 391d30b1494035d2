//! A grid of test digits, each a button that takes it apart in "show the math". The buttons
//! (an empty image box and a caption each) lie over one canvas that holds every image
//! ([`crate::state::sheet`]). The buttons are slots that stay: when what the grid should show
//! changes, a few slots change per task ([`crate::state::paced`]) and only their images are
//! repainted. While slots still show old digits the grid is `aria-busy`.

use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CanvasRenderingContext2d, HtmlDivElement, ResizeObserver};

use crate::dom::{self, Steps};
use crate::state::paced::{PER_TASK, next_slots};
use crate::state::sheet::{IMAGE, SheetLayout, cells_to_size, upscaled_rgba};
use crate::ui::digit::{SIDE, put_rgba_at};
use crate::ui::state::TestResults;

/// One digit of a grid: a test image and the text under it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GridDigit {
    /// Index in the test set.
    pub index: usize,
    /// Text under the image.
    pub caption: String,
}

/// Moves `shown` towards `wanted` a task's worth ([`PER_TASK`]) at a time, from the next task
/// on, until it shows what `wanted` holds (or `steps` starts again for a newer `wanted`).
fn advance(steps: Steps, wanted: Memo<Vec<GridDigit>>, shown: RwSignal<Vec<GridDigit>>) {
    steps.start(move || {
        let next = wanted.with_untracked(|w| shown.with_untracked(|s| next_slots(w, s, PER_TASK)));
        let done = wanted.with_untracked(|w| *w == next);
        if shown.with_untracked(|s| *s != next) {
            shown.set(next);
        }
        !done
    });
}

/// Slot `slot` of a grid: a button with an empty box where the sheet shows its image, and
/// the caption of the digit `shown` holds there.
fn slot_view(
    slot: usize,
    shown: RwSignal<Vec<GridDigit>>,
    pick: RwSignal<Option<usize>>,
    figure_testid: &'static str,
) -> impl IntoView {
    let digit = Memo::new(move |_| shown.with(|s| s.get(slot).cloned()));
    let index = move || digit.with(|d| d.as_ref().map_or(0, |d| d.index));
    view! {
        <button class="digit-pick" on:click=move |_| pick.set(Some(index()))>
            <figure class="digit" data-testid=figure_testid data-index=index>
                <span class="digit-image"></span>
                <figcaption>{move || digit.with(|d| d.as_ref().map(|d| d.caption.clone()))}</figcaption>
            </figure>
        </button>
    }
}

/// What the sheet shows: its columns, the cells it is sized for and its size, and the image
/// painted in each cell.
#[derive(Default)]
struct Painted {
    columns: usize,
    cells: usize,
    size: (usize, usize),
    images: Vec<Option<usize>>,
}

/// Brings the sheet to `shown` in `columns` columns, on its way to `wanted` cells: resized
/// (which clears it) when its size changes ([`cells_to_size`]), then each cell whose image
/// differs from the one painted there repainted, and the cells past the end cleared.
fn paint_sheet(
    context: &CanvasRenderingContext2d,
    painted: &mut Painted,
    shown: &[GridDigit],
    wanted: usize,
    layout: SheetLayout,
    columns: usize,
    tests: TestResults,
) {
    let cells = cells_to_size(shown.len(), wanted, painted.cells);
    let size = layout.size(cells, columns);
    if columns != painted.columns || size != painted.size {
        let Some(canvas) = context.canvas() else {
            return;
        };
        canvas.set_width(size.0 as u32);
        canvas.set_height(size.1 as u32);
        // A resized canvas is cleared: every image is to be painted again.
        painted.columns = columns;
        painted.size = size;
        painted.images.clear();
    }
    painted.cells = cells;
    let images = &mut painted.images;
    images.resize(images.len().max(shown.len()), None);
    for (cell, digit) in shown.iter().enumerate() {
        if images[cell] == Some(digit.index) {
            continue;
        }
        let (x, y) = layout.image_origin(cell, columns);
        tests.images.with_value(|all| {
            if digit.index < all.len() {
                let rgba = upscaled_rgba(all.image(digit.index), SIDE as usize);
                put_rgba_at(context, IMAGE as u32, &rgba, (x as f64, y as f64));
            }
        });
        images[cell] = Some(digit.index);
    }
    for cell in shown.len()..images.len() {
        let (x, y) = layout.image_origin(cell, columns);
        context.clear_rect(x as f64, y as f64, IMAGE as f64, IMAGE as f64);
    }
    images.truncate(shown.len());
}

/// Keeps `columns` on the column count of the grid `element` as it is laid out now, and
/// whenever its width changes. (The grids live as long as the page: the observer is kept.)
fn follow_columns(element: HtmlDivElement, layout: SheetLayout, columns: RwSignal<usize>) {
    let measured = element.clone();
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        // The fractional width CSS lays the grid out in (`clientWidth` is rounded).
        let count = layout.columns(measured.get_bounding_client_rect().width());
        if columns.try_get_untracked() != Some(count) {
            columns.try_set(count);
        }
    });
    if let Ok(observer) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
        observer.observe(&element);
    }
    on_resize.forget();
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
    /// The cells' size.
    layout: SheetLayout,
    /// Digits the grid keeps room for before it shows them (the most it will show), so that
    /// the page does not move when they come.
    #[prop(optional)]
    reserve: usize,
) -> impl IntoView {
    let shown = RwSignal::new(Vec::<GridDigit>::new());
    let steps = Steps::new();
    Effect::new(move |_| {
        // Read, not only tracked: a memo never read has no sources, and never changes.
        wanted.with(|_| ());
        // Not in the task that changed `wanted` (a worker's reply, which has its own work).
        advance(steps, wanted, shown);
    });
    let grid = NodeRef::<Div>::new();
    let sheet = NodeRef::<Canvas>::new();
    let columns = RwSignal::new(0usize);
    Effect::new(move |_| {
        if let Some(element) = grid.get() {
            follow_columns(element, layout, columns);
        }
    });
    let painted = StoredValue::new_local(Painted::default());
    let context = StoredValue::new_local(None::<CanvasRenderingContext2d>);
    // The sheet's height, which the grid keeps as its least height: the grid takes the room of
    // its digits when it starts on its way to them, and the panels below it move once, not at
    // every step that starts a row.
    let sheet_height = RwSignal::new(0usize);
    Effect::new(move |_| {
        let columns = columns.get();
        let Some(canvas) = sheet.get() else { return };
        if columns == 0 {
            return;
        }
        if context.with_value(Option::is_none) {
            context.set_value(dom::context_2d(&canvas));
        }
        // Untracked: the sheet is painted when the shown digits change, a task after `wanted`.
        let wanted = wanted.with_untracked(Vec::len);
        shown.with(|shown| {
            context.with_value(|c| {
                if let Some(c) = c {
                    let height = painted.try_update_value(|p| {
                        paint_sheet(c, p, shown, wanted, layout, columns, tests);
                        p.size.1
                    });
                    if let Some(height) = height.filter(|h| *h != sheet_height.get_untracked()) {
                        sheet_height.set(height);
                    }
                }
            })
        });
    });
    // The room kept for `reserve` digits, once the columns are known.
    let reserved = Memo::new(move |_| match columns.get() {
        0 => 0,
        columns => layout.size(reserve, columns).1,
    });
    let least_height = move || reserved.get().max(sheet_height.get());
    let slots = Memo::new(move |_| shown.with(Vec::len));
    let busy = move || wanted.with(|w| shown.with(|s| w != s)).to_string();
    view! {
        <div class="digits" data-testid=testid aria-busy=busy node_ref=grid
            style:grid-template-columns=layout.css_columns()
            style:grid-auto-rows=layout.css_rows()
            style:gap=layout.css_gap()
            style:min-height=move || format!("{}px", least_height())>
            <For each=move || 0..slots.get() key=|slot| *slot
                children=move |slot| slot_view(slot, shown, pick, figure_testid)/>
            <canvas class="digit-sheet" node_ref=sheet width="0" height="0"></canvas>
        </div>
    }
}
