//! The drawing's feature maps: for a model with convolutions, what each convolution and
//! pooling layer made of the drawn digit, one small image per channel (red positive, blue
//! negative, each channel scaled to its largest magnitude), redrawn with every prediction
//! while the model trains. Pointing at a cell of a map outlines, on the drawing, the input
//! pixels that cell depends on: its receptive field.

use std::ops::Range;

use leptos::html::Canvas;
use leptos::prelude::*;
use neurite::ModelSpec;

use crate::i18n::{Lang, Text};
use crate::protocol::{FeatureMapLayer, FromWorker};
use crate::ui::digit::{diverging, paint_rgba};
use crate::ui::link::Link;

/// About how many canvas pixels a channel's map is enlarged to.
const MAP_SIDE: usize = 56;
const GAP: usize = 2;
/// The most channels drawn per layer.
const MAX_CHANNELS: usize = 64;

/// One layer's maps as the worker sent them.
#[derive(Debug, Clone, PartialEq)]
pub struct Maps {
    /// The layer's name and place in the model.
    pub layer: FeatureMapLayer,
    /// Channel after channel, `height × width` values in `[-1, 1]`.
    pub values: Vec<f32>,
}

impl Maps {
    /// How many canvas pixels each cell takes.
    fn zoom(&self) -> usize {
        let [height, width, _] = self.layer.shape;
        (MAP_SIDE / height.max(width).max(1)).max(1)
    }

    /// Channels drawn, and the grid's columns.
    fn grid(&self) -> (usize, usize) {
        let channels = self.layer.shape[2].min(MAX_CHANNELS);
        let columns = if channels <= 8 {
            channels
        } else {
            16.min(channels)
        };
        (channels, columns.max(1))
    }

    /// The canvas's size.
    fn size(&self) -> (usize, usize) {
        let [height, width, _] = self.layer.shape;
        let (channels, columns) = self.grid();
        let rows = channels.div_ceil(columns).max(1);
        let zoom = self.zoom();
        (
            columns * (width * zoom + GAP) - GAP,
            rows * (height * zoom + GAP) - GAP,
        )
    }

    /// RGBA pixels of every channel's map, with `outline` (rows and columns of the first
    /// channel's cells) drawn round.
    fn rgba(&self, outline: Option<&[Range<usize>; 2]>) -> Vec<u8> {
        let [height, width, _] = self.layer.shape;
        let (canvas_width, canvas_height) = self.size();
        let (channels, columns) = self.grid();
        let zoom = self.zoom();
        let mut rgba = vec![255u8; canvas_width * canvas_height * 4];
        for c in 0..channels {
            let (x0, y0) = (
                (c % columns) * (width * zoom + GAP),
                (c / columns) * (height * zoom + GAP),
            );
            let map = &self.values[c * height * width..(c + 1) * height * width];
            for y in 0..height * zoom {
                for x in 0..width * zoom {
                    let at = ((y0 + y) * canvas_width + x0 + x) * 4;
                    let (cy, cx) = (y / zoom, x / zoom);
                    let edge = outline.is_some_and(|[rows, cols]| {
                        let inside = rows.contains(&cy) && cols.contains(&cx);
                        let border = y % zoom == 0 && cy == rows.start
                            || (y + 1) % zoom == 0 && cy + 1 == rows.end
                            || x % zoom == 0 && cx == cols.start
                            || (x + 1) % zoom == 0 && cx + 1 == cols.end;
                        inside && border
                    });
                    let colour = if edge {
                        [0, 160, 60]
                    } else {
                        diverging(map[cy * width + cx])
                    };
                    rgba[at..at + 3].copy_from_slice(&colour);
                }
            }
        }
        rgba
    }

    /// The channel and cell under canvas pixel `(x, y)`, if any.
    fn cell_at(&self, x: usize, y: usize) -> Option<(usize, usize, usize)> {
        let [height, width, _] = self.layer.shape;
        let (channels, columns) = self.grid();
        let zoom = self.zoom();
        let (tile_x, tile_y) = (x / (width * zoom + GAP), y / (height * zoom + GAP));
        let (in_x, in_y) = (x % (width * zoom + GAP), y % (height * zoom + GAP));
        let channel = tile_y * columns + tile_x;
        (tile_x < columns && channel < channels && in_x < width * zoom && in_y < height * zoom)
            .then(|| (channel, in_y / zoom, in_x / zoom))
    }
}

/// Reads a [`FromWorker::FeatureMaps`] payload: each layer's `height × width × channels`
/// signed bytes in turn. `None` if its length does not match the layers.
pub fn decode(layers: &[FeatureMapLayer], payload: &[u8]) -> Option<Vec<Maps>> {
    let mut at = 0usize;
    let mut maps = Vec::with_capacity(layers.len());
    for layer in layers {
        let count = layer
            .shape
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(d))?;
        let bytes = payload.get(at..at.checked_add(count)?)?;
        at += count;
        maps.push(Maps {
            layer: layer.clone(),
            values: bytes.iter().map(|&b| f32::from(b as i8) / 127.0).collect(),
        });
    }
    (at == payload.len()).then_some(maps)
}

/// The maps of the drawing, redrawn at every prediction of a convolutional model.
#[component]
pub fn FeatureMaps(
    /// The worker, whose predictions carry the maps.
    link: Link,
    /// The page's language.
    lang: Signal<Lang>,
) -> impl IntoView {
    let maps = RwSignal::new(None::<(ModelSpec, Vec<Maps>)>);
    // The pointed cell: (layer in the list, channel, row, column).
    let pointed = RwSignal::new(None::<(usize, usize, usize, usize)>);
    link.subscribe(move |reply| match &reply.msg {
        FromWorker::FeatureMaps { model, layers, .. } => {
            let payload = reply.payload.as_deref().unwrap_or_default();
            maps.set(decode(layers, payload).map(|m| (model.clone(), m)));
        }
        // A model without convolutions sends none: its maps are gone.
        FromWorker::Configured { .. } => maps.set(None),
        _ => {}
    });
    let field = Memo::new(move |_| {
        let (layer, _, row, column) = pointed.get()?;
        maps.with(|m| {
            let (spec, layers) = m.as_ref()?;
            let index = layers.get(layer)?.layer.index?;
            spec.receptive_field(index, row, column)
        })
    });
    let count = Memo::new(move |_| maps.with(|m| m.as_ref().map_or(0, |(_, l)| l.len())));
    let t = move |text: Text| text.in_lang(lang.get());
    view! {
        <Show when=move || maps.with(Option::is_some)>
            <section class="panel maps-panel">
            <h2>{move || t(Text::FeatureMaps)}</h2>
            <p class="note">{move || t(Text::FeatureMapsNote)}</p>
            <div class="feature-maps" data-testid="feature-maps">
                // Rebuilt only when the number of layers changes, not at every prediction: each
                // canvas repaints itself.
                {move || (0..count.get()).map(|i| layer_view(maps, pointed, field, i)).collect_view()}
            </div>
            <p class="note" data-testid="receptive-field">{move || field.get().map(|[rows, columns]| {
                format!(
                    "{} {}–{} × {}–{}",
                    t(Text::ReceptiveField),
                    rows.start, rows.end - 1, columns.start, columns.end - 1
                )
            })}</p>
            </section>
        </Show>
    }
}

fn layer_view(
    maps: RwSignal<Option<(ModelSpec, Vec<Maps>)>>,
    pointed: RwSignal<Option<(usize, usize, usize, usize)>>,
    field: Memo<Option<[Range<usize>; 2]>>,
    i: usize,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let name = Memo::new(move |_| {
        maps.with(|m| {
            m.as_ref()
                .and_then(|(_, l)| l.get(i))
                .map(|l| {
                    let [h, w, c] = l.layer.shape;
                    format!("{} · {h}×{w}×{c}", l.layer.name)
                })
                .unwrap_or_default()
        })
    });
    Effect::new(move |_| {
        let Some(element) = canvas.get() else { return };
        let outline = field.get();
        let pointed_here = pointed.get().is_some_and(|(layer, ..)| layer == i);
        maps.with(|m| {
            let Some(layer) = m.as_ref().and_then(|(_, l)| l.get(i)) else {
                return;
            };
            // The field is outlined on the drawing; the pointed cell on its own map.
            let outline = if layer.layer.index.is_none() {
                outline
            } else if pointed_here {
                pointed
                    .get()
                    .map(|(_, _, row, column)| [row..row + 1, column..column + 1])
            } else {
                None
            };
            let (width, height) = layer.size();
            if element.width() as usize != width || element.height() as usize != height {
                element.set_width(width as u32);
                element.set_height(height as u32);
            }
            paint_rgba(
                &element,
                width as u32,
                height as u32,
                &layer.rgba(outline.as_ref()),
            );
        });
    });
    let on_move = move |ev: leptos::ev::MouseEvent| {
        let Some(element) = canvas.get_untracked() else {
            return;
        };
        let rect = element.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return;
        }
        let x =
            (f64::from(ev.client_x()) - rect.left()) * f64::from(element.width()) / rect.width();
        let y =
            (f64::from(ev.client_y()) - rect.top()) * f64::from(element.height()) / rect.height();
        let cell = maps.with_untracked(|m| {
            let layer = m.as_ref()?.1.get(i)?;
            layer.layer.index?;
            layer.cell_at(x.max(0.0) as usize, y.max(0.0) as usize)
        });
        pointed.set(cell.map(|(channel, row, column)| (i, channel, row, column)));
    };
    view! {
        <figure class="maps">
            <figcaption>{move || name.get()}</figcaption>
            <canvas node_ref=canvas data-testid=format!("maps-{i}") width="1" height="1"
                on:mousemove=on_move on:mouseleave=move |_| pointed.set(None)></canvas>
        </figure>
    }
}
