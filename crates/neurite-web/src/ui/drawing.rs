//! The drawing pad: strokes from mouse, touch and pen (Pointer Events), the preprocessing of the
//! run's dataset (`neurite::preprocess::for_dataset`: MNIST's digits were centred by their mass
//! in a 20-pixel box, Fashion-MNIST's articles fill the field), the 28×28 image the model sees,
//! and the ten class probabilities, each named as the run's dataset names its classes. The
//! worker classifies the drawing after every stroke and again whenever the weights change, so
//! the bars move while the network learns.

use std::cell::Cell;
use std::rc::Rc;

use leptos::html::Canvas;
use leptos::prelude::*;
use neurite::preprocess::{self, GrayImage};
use web_sys::{HtmlCanvasElement, PointerEvent};

use crate::dom::context_2d;
use crate::i18n::{Lang, Text, datasets};
use crate::protocol::{Envelope, FromWorker, ToWorker};
use crate::ui::digit::{SIDE, paint_gray};
use crate::ui::link::Link;
use neurite::DatasetKind;

/// Side of the pad in canvas pixels (ten per MNIST pixel).
pub const PAD: u32 = 280;
/// Pen width in canvas pixels, about MNIST's stroke width once scaled down.
pub const PEN: f64 = 22.0;

/// The pad's pixels as a grayscale image (strokes are white on black, so red is the level).
pub fn read_pad(canvas: &HtmlCanvasElement) -> Option<GrayImage> {
    let (width, height) = (canvas.width(), canvas.height());
    let data = context_2d(canvas)?
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .ok()?
        .data();
    Some(GrayImage {
        width: width as usize,
        height: height as usize,
        pixels: data.iter().step_by(4).copied().collect(),
    })
}

/// Paints the pad black.
pub fn clear_pad(canvas: &HtmlCanvasElement) {
    if let Some(context) = context_2d(canvas) {
        context.set_fill_style_str("#000");
        context.fill_rect(
            0.0,
            0.0,
            f64::from(canvas.width()),
            f64::from(canvas.height()),
        );
    }
}

/// Draws a stroke segment from `from` to `to` in canvas pixels.
pub fn stroke(canvas: &HtmlCanvasElement, from: (f64, f64), to: (f64, f64)) {
    if let Some(context) = context_2d(canvas) {
        context.set_stroke_style_str("#fff");
        context.set_line_width(PEN);
        context.set_line_cap("round");
        context.set_line_join("round");
        context.begin_path();
        context.move_to(from.0, from.1);
        context.line_to(to.0, to.1);
        context.stroke();
    }
}

/// The pointer's position in canvas pixels (the canvas may be scaled by CSS).
fn position(canvas: &HtmlCanvasElement, event: &PointerEvent) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    let sx = f64::from(canvas.width()) / rect.width().max(1.0);
    let sy = f64::from(canvas.height()) / rect.height().max(1.0);
    (
        (f64::from(event.client_x()) - rect.left()) * sx,
        (f64::from(event.client_y()) - rect.top()) * sy,
    )
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The pad, the preview and the bars.
#[component]
pub fn DrawingPad(
    /// The worker, which classifies each drawing.
    link: Link,
    /// The page's language.
    lang: Signal<Lang>,
    /// The dataset whose classes the model's outputs are.
    dataset: Signal<DatasetKind>,
    /// Set to the drawing as the model sees it (28×28) after each stroke, `None` when cleared.
    drawn: RwSignal<Option<Vec<u8>>>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let name = move |class: usize| datasets::class_name(dataset.get(), class, lang.get());
    let named = move || dataset.get() != DatasetKind::Mnist;
    // The worker's latest class probabilities for a drawing: its number and the probabilities.
    let prediction = RwSignal::new(None::<(u64, Vec<f32>)>);
    link.subscribe(move |reply| {
        if let FromWorker::Prediction {
            drawing,
            probabilities,
            ..
        } = &reply.msg
        {
            prediction.set(Some((*drawing, probabilities.clone())));
        }
    });
    let pad = NodeRef::<Canvas>::new();
    let preview = NodeRef::<Canvas>::new();
    let probabilities = RwSignal::new(None::<Vec<f32>>);
    let classified = RwSignal::new(0u64);
    let latency = RwSignal::new(None::<f64>);
    let last = Rc::new(Cell::new(None::<(f64, f64)>));
    // The number of the latest drawing sent to the worker; of the latest drawing answered (or
    // that needs no answer: an empty pad); of the first drawing after the last clear; and of
    // the drawing whose probabilities are shown. And when the latest was drawn.
    let drawing = RwSignal::new(0u64);
    let answered = RwSignal::new(0u64);
    let first_since_clear = StoredValue::new(1u64);
    let shown = StoredValue::new(0u64);
    let drawn_at = StoredValue::new(None::<f64>);

    // Preprocesses the pad, shows what the model sees, and sends it to be classified.
    let update = move |started: Option<f64>| {
        let Some(canvas) = pad.get_untracked() else {
            return;
        };
        let made_as = dataset.get_untracked();
        let image =
            read_pad(&canvas).and_then(|image| preprocess::for_dataset(&image, made_as).ok());
        if let (Some(pixels), Some(preview)) = (&image, preview.get_untracked()) {
            paint_gray(&preview, SIDE, SIDE, pixels);
        }
        let number = drawing.get_untracked() + 1;
        drawing.set(number);
        drawn_at.set_value(started);
        if image.is_none() {
            probabilities.set(None);
            answered.set(number);
        }
        drawn.set(image.clone());
        link.send_envelope(Envelope {
            msg: ToWorker::Classify { drawing: number },
            payload: image,
        });
    };
    // The worker's answers: for this drawing, or one drawn since the last clear and newer
    // than the one shown (while a stroke goes on, the answer may be a few events behind).
    Effect::new(move |_| {
        let Some((number, p)) = prediction.get() else {
            return;
        };
        if number < first_since_clear.get_value() || number < shown.get_value() {
            return;
        }
        shown.set_value(number);
        probabilities.set(Some(p));
        classified.update(|n| *n += 1);
        if number == drawing.get_untracked() {
            answered.set(number);
            if let Some(started) = drawn_at.get_value() {
                latency.set(Some(now() - started));
                drawn_at.set_value(None);
            }
        }
    });
    Effect::new(move |_| {
        if let Some(canvas) = pad.get() {
            clear_pad(&canvas);
        }
    });

    let down_last = Rc::clone(&last);
    let on_down = move |event: PointerEvent| {
        let Some(canvas) = pad.get_untracked() else {
            return;
        };
        event.prevent_default();
        canvas.set_pointer_capture(event.pointer_id()).ok();
        let at = position(&canvas, &event);
        stroke(&canvas, at, at);
        down_last.set(Some(at));
        update(Some(event.time_stamp()));
    };
    let move_last = Rc::clone(&last);
    let on_move = move |event: PointerEvent| {
        let (Some(canvas), Some(from)) = (pad.get_untracked(), move_last.get()) else {
            return;
        };
        let to = position(&canvas, &event);
        stroke(&canvas, from, to);
        move_last.set(Some(to));
        update(Some(event.time_stamp()));
    };
    let up_last = Rc::clone(&last);
    let on_up = move |_: PointerEvent| up_last.set(None);
    let cancel_last = Rc::clone(&last);
    let on_cancel = move |_: PointerEvent| cancel_last.set(None);
    let clear = move |_| {
        if let Some(canvas) = pad.get_untracked() {
            clear_pad(&canvas);
        }
        if let Some(preview) = preview.get_untracked() {
            paint_gray(&preview, SIDE, SIDE, &[0; (SIDE * SIDE) as usize]);
        }
        let number = drawing.get_untracked() + 1;
        drawing.set(number);
        answered.set(number);
        first_since_clear.set_value(number + 1);
        link.send(ToWorker::Classify { drawing: number });
        probabilities.set(None);
        drawn.set(None);
    };

    let best = move || {
        probabilities.with(|p| {
            p.as_ref()
                .and_then(|p| (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])))
        })
    };
    let bars = move || {
        (0..10)
            .map(|digit| {
                let value = move || probabilities.with(|p| p.as_ref().and_then(|p| p.get(digit).copied()).unwrap_or(0.0));
                view! {
                    <div class="bar" class:best=move || best() == Some(digit)
                        data-testid=format!("bar-{digit}") data-value=move || value().to_string()>
                        <span class="bar-label" title=move || name(digit)>{move || name(digit)}</span>
                        <span class="bar-track">
                            <span class="bar-fill" style:width=move || format!("{:.1}%", value() * 100.0)></span>
                        </span>
                        <span class="bar-value">{move || format!("{:.1}%", value() * 100.0)}</span>
                    </div>
                }
            })
            .collect_view()
    };

    view! {
        <h2>{move || t(if named() { Text::DrawFashion } else { Text::Draw })}</h2>
        <p class="hint">{move || t(Text::DrawHint)}</p>
        <div class="pad-row">
            <canvas node_ref=pad class="pad" data-testid="pad" width=PAD height=PAD
                on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                on:pointercancel=on_cancel></canvas>
            <div class="seen">
                <span>{move || t(Text::ModelSees)}</span>
                <canvas node_ref=preview class="preview" data-testid="preview" width=SIDE height=SIDE></canvas>
                <button data-testid="clear" on:click=clear>{move || t(Text::Clear)}</button>
            </div>
        </div>
        <h3>{move || t(Text::Probabilities)}
            " · " <b data-testid="prediction" data-class=move || best().map(|d| d.to_string())>
                {move || best().map(name).unwrap_or_else(|| "–".into())}
            </b>
        </h3>
        <div class="bars" data-testid="bars" class:named=named
            data-classified=move || classified.get().to_string()
            data-drawing=move || drawing.get().to_string()
            data-answered=move || answered.get().to_string()
            data-latency-ms=move || latency.get().map(|l| format!("{l:.1}"))>
            {bars}
        </div>
    }
}
