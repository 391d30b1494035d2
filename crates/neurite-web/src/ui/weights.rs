//! The first dense layer's weights, one 28×28 tile per unit: red positive, blue negative,
//! each tile scaled to its own largest magnitude.

use leptos::html::Canvas;
use leptos::prelude::*;
use ndarray::ArrayView2;

use crate::i18n::Text;
use crate::ui::digit::paint_rgba;
use crate::ui::state::Playground;

/// Tiles drawn at most (the first units of a wider layer).
const MAX_TILES: usize = 256;
const TILE: usize = 28;
const GAP: usize = 1;

/// RGBA pixels of the tile grid for `kernel` (`[784, units]`), and the grid's size.
fn tile_grid(kernel: ArrayView2<'_, f32>) -> (Vec<u8>, usize, usize) {
    let units = kernel.ncols().min(MAX_TILES);
    let columns = (units as f64).sqrt().ceil().max(1.0) as usize;
    let rows = units.div_ceil(columns);
    let width = columns * (TILE + GAP) - GAP;
    let height = rows * (TILE + GAP) - GAP;
    let mut rgba = vec![255u8; width * height * 4];
    for unit in 0..units {
        let weights = kernel.column(unit);
        let scale = weights.iter().fold(1e-12f32, |m, w| m.max(w.abs()));
        let (x0, y0) = (
            (unit % columns) * (TILE + GAP),
            (unit / columns) * (TILE + GAP),
        );
        for (i, &w) in weights.iter().enumerate().take(TILE * TILE) {
            let v = w / scale;
            let fade = |v: f32| (255.0 * (1.0 - v.abs())) as u8;
            let colour = if v >= 0.0 {
                [255, fade(v), fade(v)]
            } else {
                [fade(v), fade(v), 255]
            };
            let at = ((y0 + i / TILE) * width + x0 + i % TILE) * 4;
            rgba[at..at + 3].copy_from_slice(&colour);
        }
    }
    (rgba, width, height)
}

/// The weight tiles, redrawn at every snapshot.
#[component]
pub fn Weights() -> impl IntoView {
    let state = expect_context::<Playground>();
    let canvas = NodeRef::<Canvas>::new();
    let units = RwSignal::new(0usize);
    Effect::new(move |_| {
        state.model_version.track();
        let Some(element) = canvas.get() else { return };
        state.model.with_value(|model| {
            let Some(kernel) = model.as_ref().and_then(|m| m.first_dense_kernel()) else {
                return;
            };
            if kernel.nrows() != TILE * TILE {
                return;
            }
            let (rgba, width, height) = tile_grid(kernel);
            if element.width() as usize != width || element.height() as usize != height {
                element.set_width(width as u32);
                element.set_height(height as u32);
            }
            paint_rgba(&element, width as u32, height as u32, &rgba);
            units.set(kernel.ncols());
        });
    });
    view! {
        <h2>{move || state.t(Text::FirstLayer)}
            <span class="note">{move || {
                let n = units.get();
                if n > MAX_TILES { format!(" ({MAX_TILES} / {n})") } else { format!(" ({n})") }
            }}</span>
        </h2>
        <canvas node_ref=canvas class="weights" data-testid="weights" width="1" height="1"></canvas>
    }
}
