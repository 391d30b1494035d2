//! A 28×28 grayscale digit drawn on a small canvas, scaled up with crisp pixels by CSS.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::dom::context_2d;

/// Side of an MNIST image.
pub const SIDE: u32 = 28;

/// Paints `width × height` gray levels (`0` black) onto `canvas` at its origin.
pub fn paint_gray(canvas: &HtmlCanvasElement, width: u32, height: u32, levels: &[u8]) {
    if let Some(context) = context_2d(canvas) {
        put_gray(&context, width, height, levels);
    }
}

/// A signed value in `[−1, 1]` as a colour: red for positive, blue for negative, white at 0.
pub fn diverging(v: f32) -> [u8; 3] {
    let fade = (255.0 * (1.0 - v.abs().min(1.0))) as u8;
    if v >= 0.0 {
        [255, fade, fade]
    } else {
        [fade, fade, 255]
    }
}

/// Paints `width × height` RGBA pixels onto `canvas` at its origin.
pub fn paint_rgba(canvas: &HtmlCanvasElement, width: u32, height: u32, rgba: &[u8]) {
    if let Some(context) = context_2d(canvas) {
        put_rgba(&context, width, height, rgba);
    }
}

/// Puts `width × height` RGBA pixels into `context` at its origin.
pub fn put_rgba(context: &CanvasRenderingContext2d, width: u32, height: u32, rgba: &[u8]) {
    if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height) {
        context.put_image_data(&image, 0.0, 0.0).ok();
    }
}

/// Puts RGBA pixels, `width` to a row, into `context` with their top-left corner at `at`.
pub fn put_rgba_at(context: &CanvasRenderingContext2d, width: u32, rgba: &[u8], at: (f64, f64)) {
    if let Ok(image) = ImageData::new_with_u8_clamped_array(Clamped(rgba), width) {
        context.put_image_data(&image, at.0, at.1).ok();
    }
}

/// Puts `width × height` gray levels (`0` black) into `context` at its origin.
pub fn put_gray(context: &CanvasRenderingContext2d, width: u32, height: u32, levels: &[u8]) {
    let rgba: Vec<u8> = levels.iter().flat_map(|&v| [v, v, v, 255]).collect();
    put_rgba(context, width, height, &rgba);
}

/// One digit with a caption under it.
#[component]
pub fn Digit(
    /// The 784 pixels.
    pixels: Vec<u8>,
    /// Text under the image.
    caption: String,
    /// Test id of the figure.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        if let Some(element) = canvas.get() {
            paint_gray(&element, SIDE, SIDE, &pixels);
        }
    });
    view! {
        <figure class="digit" data-testid=testid>
            <canvas node_ref=canvas width=SIDE height=SIDE></canvas>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}
