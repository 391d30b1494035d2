//! Canvas plotting for the widgets: a [`Frame`] maps a rectangle of the plane onto a canvas;
//! curves, points, axes and heatmaps are drawn through it. Colours are from colour-blind-safe
//! palettes (Okabe–Ito for lines, ColorBrewer's PuOr for signed maps).

use std::cell::Cell;
use std::rc::Rc;

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, PointerEvent};

/// Okabe–Ito blue: the function.
pub const BLUE: &str = "#0072b2";
/// Okabe–Ito vermillion: its derivative or gradient.
pub const VERMILLION: &str = "#d55e00";
/// Okabe–Ito bluish green: targets.
pub const GREEN: &str = "#009e73";
/// Ink for axes and text.
pub const INK: &str = "#334";
/// Shading of regions where a gradient vanishes.
pub const SHADE: &str = "rgba(213, 94, 0, 0.10)";

/// A rectangle of the plane drawn onto a canvas, with a margin for tick labels.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Canvas width in pixels.
    pub width: f64,
    /// Canvas height in pixels.
    pub height: f64,
    /// Plane x range.
    pub x: (f64, f64),
    /// Plane y range.
    pub y: (f64, f64),
    /// Margin in pixels.
    pub margin: f64,
}

impl Frame {
    /// The plane point `(x, y)` in canvas pixels.
    pub fn px(&self, x: f64, y: f64) -> (f64, f64) {
        let w = self.width - 2.0 * self.margin;
        let h = self.height - 2.0 * self.margin;
        (
            self.margin + (x - self.x.0) / (self.x.1 - self.x.0) * w,
            self.margin + (self.y.1 - y) / (self.y.1 - self.y.0) * h,
        )
    }

    /// The plane point under canvas pixel `(px, py)`.
    pub fn plane(&self, px: f64, py: f64) -> (f64, f64) {
        let w = self.width - 2.0 * self.margin;
        let h = self.height - 2.0 * self.margin;
        (
            self.x.0 + (px - self.margin) / w * (self.x.1 - self.x.0),
            self.y.1 - (py - self.margin) / h * (self.y.1 - self.y.0),
        )
    }

    /// Clears the canvas.
    pub fn clear(&self, ctx: &CanvasRenderingContext2d) {
        ctx.clear_rect(0.0, 0.0, self.width, self.height);
    }

    /// Draws both axes (where they cross the frame), the border and the ranges' labels.
    pub fn axes(&self, ctx: &CanvasRenderingContext2d) {
        ctx.set_line_width(1.0);
        ctx.set_stroke_style_str("#ccd");
        let (x0, y0) = self.px(self.x.0, self.y.0);
        let (x1, y1) = self.px(self.x.1, self.y.1);
        ctx.stroke_rect(x0, y1, x1 - x0, y0 - y1);
        ctx.set_stroke_style_str("#99a");
        if self.y.0 <= 0.0 && self.y.1 >= 0.0 {
            self.segment(ctx, (self.x.0, 0.0), (self.x.1, 0.0));
        }
        if self.x.0 <= 0.0 && self.x.1 >= 0.0 {
            self.segment(ctx, (0.0, self.y.0), (0.0, self.y.1));
        }
        ctx.set_fill_style_str(INK);
        ctx.set_font("11px system-ui, sans-serif");
        for (value, anchor) in [(self.x.0, x0), (self.x.1, x1)] {
            ctx.set_text_align(if anchor == x0 { "left" } else { "right" });
            ctx.fill_text(&super::fmt_tick(value), anchor, y0 + 13.0)
                .ok();
        }
        ctx.set_text_align("right");
        for (value, anchor) in [(self.y.0, y0), (self.y.1, y1 + 9.0)] {
            ctx.fill_text(&super::fmt_tick(value), x0 - 3.0, anchor)
                .ok();
        }
    }

    /// A straight segment between two plane points, in the current stroke style.
    pub fn segment(&self, ctx: &CanvasRenderingContext2d, a: (f64, f64), b: (f64, f64)) {
        let (ax, ay) = self.px(a.0, a.1);
        let (bx, by) = self.px(b.0, b.1);
        ctx.begin_path();
        ctx.move_to(ax, ay);
        ctx.line_to(bx, by);
        ctx.stroke();
    }

    /// A polyline through `(xs[i], ys[i])`, clipped to the frame; non-finite points break it.
    pub fn curve(
        &self,
        ctx: &CanvasRenderingContext2d,
        xs: &[f64],
        ys: &[f64],
        colour: &str,
        dashed: bool,
    ) {
        ctx.save();
        ctx.begin_path();
        let (x0, y0) = self.px(self.x.0, self.y.0);
        let (x1, y1) = self.px(self.x.1, self.y.1);
        ctx.rect(x0, y1, x1 - x0, y0 - y1);
        ctx.clip();
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(2.0);
        if dashed {
            let dash = js_sys::Array::of2(&6.0.into(), &4.0.into());
            ctx.set_line_dash(&dash).ok();
        }
        ctx.begin_path();
        let mut pen_down = false;
        for (&x, &y) in xs.iter().zip(ys) {
            if !y.is_finite() {
                pen_down = false;
                continue;
            }
            let (px, py) = self.px(x, y.clamp(-1e6, 1e6));
            if pen_down {
                ctx.line_to(px, py);
            } else {
                ctx.move_to(px, py);
                pen_down = true;
            }
        }
        ctx.stroke();
        ctx.restore();
    }

    /// A filled dot at a plane point, outlined in white so it reads on any background.
    pub fn dot(&self, ctx: &CanvasRenderingContext2d, x: f64, y: f64, colour: &str) {
        let (px, py) = self.px(x, y);
        ctx.begin_path();
        ctx.arc(px, py, 6.0, 0.0, std::f64::consts::TAU).ok();
        ctx.set_fill_style_str(colour);
        ctx.fill();
        ctx.set_line_width(2.0);
        ctx.set_stroke_style_str("#fff");
        ctx.stroke();
    }

    /// Shades the vertical band `x ∈ [a, b]`.
    pub fn band(&self, ctx: &CanvasRenderingContext2d, a: f64, b: f64) {
        let (pa, top) = self.px(a.max(self.x.0), self.y.1);
        let (pb, bottom) = self.px(b.min(self.x.1), self.y.0);
        ctx.set_fill_style_str(SHADE);
        ctx.fill_rect(pa, top, pb - pa, bottom - top);
    }
}

/// ColorBrewer PuOr, from orange (−1) through near-white (0) to purple (+1).
pub fn diverging(t: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 5] = [
        [230.0, 97.0, 1.0],
        [253.0, 184.0, 99.0],
        [247.0, 247.0, 247.0],
        [178.0, 171.0, 210.0],
        [94.0, 60.0, 153.0],
    ];
    let t = if t.is_finite() {
        t.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let pos = (t + 1.0) * 2.0;
    let i = (pos.floor() as usize).min(3);
    let f = pos - i as f64;
    let mut rgb = [0u8; 3];
    for (c, out) in rgb.iter_mut().enumerate() {
        *out = (STOPS[i][c] + f * (STOPS[i + 1][c] - STOPS[i][c])).round() as u8;
    }
    rgb
}

/// Paints `side × side` values (row 0 at the top), mapped to `[−1, 1]` by `to_unit`, onto the
/// frame's plotting area.
pub fn heatmap(
    ctx: &CanvasRenderingContext2d,
    frame: &Frame,
    side: usize,
    values: &[f64],
    to_unit: impl Fn(f64) -> f64,
) {
    let mut rgba = Vec::with_capacity(side * side * 4);
    for &v in values {
        let [r, g, b] = diverging(to_unit(v));
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    paint(ctx, frame, side, &rgba, true);
}

/// Puts `side × side` RGBA pixels onto the frame's plotting area, smoothed or as sharp cells.
pub fn paint(
    ctx: &CanvasRenderingContext2d,
    frame: &Frame,
    side: usize,
    rgba: &[u8],
    smooth: bool,
) {
    let Ok(image) =
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), side as u32, side as u32)
    else {
        return;
    };
    // Draw the grid at its own size on a scratch canvas, then scale it into the frame.
    let Some(scratch) = scratch_canvas(side as u32) else {
        return;
    };
    if let Some(scratch_ctx) = crate::dom::context_2d(&scratch) {
        scratch_ctx.put_image_data(&image, 0.0, 0.0).ok();
    }
    let (x0, y0) = frame.px(frame.x.0, frame.y.0);
    let (x1, y1) = frame.px(frame.x.1, frame.y.1);
    ctx.set_image_smoothing_enabled(smooth);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&scratch, x0, y1, x1 - x0, y0 - y1)
        .ok();
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Option<HtmlCanvasElement>> = const { std::cell::RefCell::new(None) };
}

fn scratch_canvas(side: u32) -> Option<HtmlCanvasElement> {
    SCRATCH.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let canvas = web_sys::window()?
                .document()?
                .create_element("canvas")
                .ok()?
                .dyn_into::<HtmlCanvasElement>()
                .ok()?;
            *cell = Some(canvas);
        }
        let canvas = cell.clone()?;
        if canvas.width() != side {
            canvas.set_width(side);
            canvas.set_height(side);
        }
        Some(canvas)
    })
}

/// The pointer's position in canvas pixels (the canvas may be scaled by CSS).
pub fn pointer_position(canvas: &HtmlCanvasElement, event: &PointerEvent) -> (f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    let sx = f64::from(canvas.width()) / rect.width().max(1.0);
    let sy = f64::from(canvas.height()) / rect.height().max(1.0);
    (
        (f64::from(event.client_x()) - rect.left()) * sx,
        (f64::from(event.client_y()) - rect.top()) * sy,
    )
}

/// A canvas of `size` that reports where the pointer presses and drags on it, in canvas pixels.
pub fn drag_canvas(
    canvas: NodeRef<Canvas>,
    size: (f64, f64),
    testid: &'static str,
    on_point: impl Fn((f64, f64)) + 'static,
) -> impl IntoView {
    let dragging = Rc::new(Cell::new(false));
    let on_point = Rc::new(on_point);
    let at = move |event: &PointerEvent| {
        if let Some(element) = canvas.get_untracked() {
            on_point(pointer_position(&element, event));
        }
    };
    let (down, moving, up) = (dragging.clone(), dragging.clone(), dragging);
    let (at_down, at_move) = (at.clone(), at);
    view! {
        <canvas node_ref=canvas width=size.0 height=size.1 data-testid=testid
            on:pointerdown=move |ev: PointerEvent| {
                if let Some(element) = canvas.get_untracked() {
                    element.set_pointer_capture(ev.pointer_id()).ok();
                }
                down.set(true);
                at_down(&ev);
            }
            on:pointermove=move |ev: PointerEvent| if moving.get() { at_move(&ev) }
            on:pointerup=move |_| up.set(false)
            on:pointercancel=move |_| {}></canvas>
    }
}

/// A sequential palette (viridis' ends and middle), from dark (0) to light (1).
pub fn sequential(t: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 5] = [
        [68.0, 1.0, 84.0],
        [59.0, 82.0, 139.0],
        [33.0, 145.0, 140.0],
        [94.0, 201.0, 98.0],
        [253.0, 231.0, 37.0],
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let pos = t * 4.0;
    let i = (pos.floor() as usize).min(3);
    let f = pos - i as f64;
    let mut rgb = [0u8; 3];
    for (c, out) in rgb.iter_mut().enumerate() {
        *out = (STOPS[i][c] + f * (STOPS[i + 1][c] - STOPS[i][c])).round() as u8;
    }
    rgb
}

/// Paints `side × side` values (row 0 at the top) as contour bands: each value's height in
/// `[0, 1]` (by `to_unit`) is cut into `bands` steps of the sequential palette, dark for low.
pub fn banded_heatmap(
    ctx: &CanvasRenderingContext2d,
    frame: &Frame,
    side: usize,
    values: &[f64],
    bands: f64,
    to_unit: impl Fn(f64) -> f64,
) {
    let mut rgba = Vec::with_capacity(side * side * 4);
    for &v in values {
        let band = (to_unit(v) * bands).floor() / bands;
        let [r, g, b] = sequential(band);
        rgba.extend_from_slice(&[r, g, b, 255]);
    }
    paint(ctx, frame, side, &rgba, false);
}

impl Frame {
    /// A small cross at a plane point (a minimum).
    pub fn cross(&self, ctx: &CanvasRenderingContext2d, x: f64, y: f64) {
        let (px, py) = self.px(x, y);
        ctx.set_stroke_style_str("#fff");
        ctx.set_line_width(2.0);
        ctx.begin_path();
        ctx.move_to(px - 5.0, py - 5.0);
        ctx.line_to(px + 5.0, py + 5.0);
        ctx.move_to(px + 5.0, py - 5.0);
        ctx.line_to(px - 5.0, py + 5.0);
        ctx.stroke();
    }

    /// An open ring at a plane point (a start).
    pub fn ring(&self, ctx: &CanvasRenderingContext2d, x: f64, y: f64, colour: &str) {
        let (px, py) = self.px(x, y);
        ctx.begin_path();
        ctx.arc(px, py, 5.0, 0.0, std::f64::consts::TAU).ok();
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(2.0);
        ctx.stroke();
    }

    /// An arrow of `length` pixels from the plane point `from` in the plane direction `along`
    /// (nothing for a zero or non-finite direction).
    pub fn arrow(
        &self,
        ctx: &CanvasRenderingContext2d,
        from: (f64, f64),
        along: (f64, f64),
        length: f64,
        colour: &str,
    ) {
        let (ax, ay) = self.px(from.0, from.1);
        // The direction in pixels (the plane's y grows upwards, and its axes scale apart).
        let (tx, ty) = self.px(from.0 + along.0, from.1 + along.1);
        let (dx, dy) = (tx - ax, ty - ay);
        let norm = dx.hypot(dy);
        if !norm.is_finite() || norm == 0.0 || !ax.is_finite() || !ay.is_finite() {
            return;
        }
        let (ux, uy) = (dx / norm, dy / norm);
        let (bx, by) = (ax + ux * length, ay + uy * length);
        ctx.set_stroke_style_str(colour);
        ctx.set_fill_style_str(colour);
        ctx.set_line_width(2.0);
        ctx.begin_path();
        ctx.move_to(ax, ay);
        ctx.line_to(bx, by);
        ctx.stroke();
        ctx.begin_path();
        ctx.move_to(bx, by);
        ctx.line_to(bx - ux * 8.0 - uy * 4.0, by - uy * 8.0 + ux * 4.0);
        ctx.line_to(bx - ux * 8.0 + uy * 4.0, by - uy * 8.0 - ux * 4.0);
        ctx.fill();
    }
}
