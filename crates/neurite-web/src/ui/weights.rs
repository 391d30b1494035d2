//! The first layer's weights as images, one tile per unit: a dense layer's 28×28 templates,
//! or a convolution's filters (3×3, 5×5, … enlarged to about the same size); red positive,
//! blue negative, each tile scaled to its own largest magnitude.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::dom::Redraw;
use crate::i18n::{Lang, Text};
use crate::protocol::FromWorker;
use crate::ui::digit::{diverging, paint_rgba};
use crate::ui::link::Link;

/// The side, in canvas pixels, a tile is enlarged to (at most).
const TILE: usize = 28;
const GAP: usize = 1;

/// The first dense layer's weights as a snapshot carries them.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstLayer {
    /// Inputs per unit.
    pub inputs: usize,
    /// `[rows, columns]` of the image a unit's inputs form.
    pub tile: [usize; 2],
    /// Units in the layer (`weights` may hold fewer).
    pub layer_units: usize,
    /// The first units' weights, unit by unit.
    pub weights: Vec<f32>,
}

impl FirstLayer {
    /// Reads a snapshot's payload of `units × inputs` little-endian `f32`s; `None` if its
    /// length does not match.
    pub fn decode(
        inputs: usize,
        tile: [usize; 2],
        units: usize,
        layer_units: usize,
        bytes: &[u8],
    ) -> Option<Self> {
        if units > layer_units
            || tile[0].checked_mul(tile[1]) != Some(inputs)
            || Some(bytes.len()) != inputs.checked_mul(units)?.checked_mul(4)
        {
            return None;
        }
        let weights = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Some(FirstLayer {
            inputs,
            tile,
            layer_units,
            weights,
        })
    }

    /// The units whose weights are here.
    pub fn units(&self) -> impl Iterator<Item = &[f32]> {
        self.weights.chunks_exact(self.inputs.max(1))
    }
}

/// Whether `layer`'s units form images worth drawing: 2×2 to 28×28.
fn drawable(layer: &FirstLayer) -> bool {
    layer.tile.iter().all(|side| (2..=TILE).contains(side))
}

/// RGBA pixels of the tile grid for `layer`, each weight a square of `TILE / side` canvas
/// pixels, and the grid's size.
fn tile_grid(layer: &FirstLayer) -> (Vec<u8>, usize, usize) {
    let [tile_rows, tile_columns] = layer.tile;
    let zoom = (TILE / tile_rows.max(tile_columns)).max(1);
    let (tile_height, tile_width) = (tile_rows * zoom, tile_columns * zoom);
    let units = layer.units().count();
    let columns = (units as f64).sqrt().ceil().max(1.0) as usize;
    let rows = units.div_ceil(columns).max(1);
    let width = columns * (tile_width + GAP) - GAP;
    let height = rows * (tile_height + GAP) - GAP;
    let mut rgba = vec![255u8; width * height * 4];
    for (unit, weights) in layer.units().enumerate() {
        let scale = weights.iter().fold(1e-12f32, |m, w| m.max(w.abs()));
        let (x0, y0) = (
            (unit % columns) * (tile_width + GAP),
            (unit / columns) * (tile_height + GAP),
        );
        for y in 0..tile_height {
            for x in 0..tile_width {
                let w = weights[(y / zoom) * tile_columns + x / zoom];
                let at = ((y0 + y) * width + x0 + x) * 4;
                rgba[at..at + 3].copy_from_slice(&diverging(w / scale));
            }
        }
    }
    (rgba, width, height)
}

/// The weight tiles, redrawn at every snapshot the worker sends.
#[component]
pub fn Weights(
    /// The worker, whose snapshots carry the weights.
    link: Link,
    /// The page's language.
    lang: Signal<Lang>,
) -> impl IntoView {
    let weights = RwSignal::new(None::<FirstLayer>);
    let problem = RwSignal::new(None::<String>);
    link.subscribe(move |reply| {
        if let FromWorker::Snapshot {
            inputs,
            tile,
            units,
            layer_units,
            ..
        } = reply.msg
        {
            let payload = reply.payload.as_deref().unwrap_or_default();
            match FirstLayer::decode(inputs, tile, units, layer_units, payload) {
                Some(layer) => weights.set(Some(layer)),
                None => problem.set(Some(format!(
                    "a weight snapshot of {units} × {inputs} weights arrived with the wrong length"
                ))),
            }
        }
    });
    let canvas = NodeRef::<Canvas>::new();
    let shown = RwSignal::new((0usize, 0usize));
    let redraw = Redraw::new();
    // Painted in a task of its own, not in the one that decoded the snapshot.
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        weights.track();
        redraw.request(move || {
            weights.with_untracked(|layer| {
                let Some(layer) = layer.as_ref().filter(|l| drawable(l)) else {
                    return;
                };
                let (rgba, width, height) = tile_grid(layer);
                if element.width() as usize != width || element.height() as usize != height {
                    element.set_width(width as u32);
                    element.set_height(height as u32);
                }
                paint_rgba(&element, width as u32, height as u32, &rgba);
                shown.set((layer.units().count(), layer.layer_units));
            })
        });
    });
    view! {
        <h2>{move || Text::FirstLayer.in_lang(lang.get())}
            <span class="note">{move || {
                let (tiles, units) = shown.get();
                if tiles < units { format!(" ({tiles} / {units})") } else { format!(" ({units})") }
            }}</span>
        </h2>
        <canvas node_ref=canvas class="weights" data-testid="weights" width="1" height="1"></canvas>
        {move || problem.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
    }
}
