//! Browser tests on the page's main thread: the drawing pad's preprocessing, and reading the
//! first layer's weights from a snapshot.
#![cfg(target_arch = "wasm32")]

use neurite::preprocess::to_mnist;
use neurite_web::ui::drawing::{PAD, clear_pad, read_pad, stroke};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

fn pad() -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().unchecked_into();
    canvas.set_width(PAD);
    canvas.set_height(PAD);
    clear_pad(&canvas);
    canvas
}

/// Rows and columns holding ink (level above 32) in a 28×28 image.
fn ink_extent(image: &[u8]) -> ((usize, usize), (usize, usize)) {
    let inked = |i: usize| image[i] > 32;
    let rows: Vec<usize> = (0..784).filter(|&i| inked(i)).map(|i| i / 28).collect();
    let cols: Vec<usize> = (0..784).filter(|&i| inked(i)).map(|i| i % 28).collect();
    (
        (*rows.iter().min().unwrap(), *rows.iter().max().unwrap()),
        (*cols.iter().min().unwrap(), *cols.iter().max().unwrap()),
    )
}

#[wasm_bindgen_test]
fn a_vertical_stroke_becomes_a_centred_20_pixel_bar_like_an_mnist_one() {
    let canvas = pad();
    // A "1" drawn off-centre, near the top left of the pad.
    stroke(&canvas, (60.0, 30.0), (60.0, 190.0));
    let image = to_mnist(&read_pad(&canvas).unwrap()).unwrap();
    assert_eq!(image.len(), 784);
    let ((top, bottom), (left, right)) = ink_extent(&image);
    // MNIST's recipe: the longer side scaled to 20 pixels, centred by mass at (14, 14).
    assert!(
        (3..=5).contains(&top) && (22..=24).contains(&bottom),
        "rows {top}–{bottom}"
    );
    assert!(left >= 11 && right <= 17, "columns {left}–{right}");
    assert_eq!(*image.iter().max().unwrap(), 255);
    let (mut mass, mut x_sum) = (0.0, 0.0);
    for (i, &v) in image.iter().enumerate() {
        mass += f64::from(v);
        x_sum += f64::from(v) * (i % 28) as f64;
    }
    assert!(
        (x_sum / mass - 14.0).abs() < 1.0,
        "centre column {}",
        x_sum / mass
    );
}

#[wasm_bindgen_test]
fn an_empty_pad_is_refused_not_classified() {
    let canvas = pad();
    assert!(to_mnist(&read_pad(&canvas).unwrap()).is_err());
}

#[wasm_bindgen_test]
fn a_horizontal_stroke_is_scaled_along_its_longer_side() {
    let canvas = pad();
    stroke(&canvas, (40.0, 200.0), (250.0, 200.0));
    let image = to_mnist(&read_pad(&canvas).unwrap()).unwrap();
    let ((top, bottom), (left, right)) = ink_extent(&image);
    assert!(
        (3..=5).contains(&left) && (22..=24).contains(&right),
        "columns {left}–{right}"
    );
    assert!(top >= 10 && bottom <= 18, "rows {top}–{bottom}");
}

#[wasm_bindgen_test]
fn a_weight_snapshot_is_read_unit_by_unit_and_a_wrong_length_is_refused() {
    use neurite_web::ui::weights::FirstLayer;
    let weights: Vec<f32> = (0..6).map(|i| i as f32 - 2.5).collect();
    let bytes: Vec<u8> = weights.iter().flat_map(|w| w.to_le_bytes()).collect();
    let layer = FirstLayer::decode(3, [1, 3], 2, 5, &bytes).unwrap();
    assert_eq!(layer.layer_units, 5);
    let units: Vec<&[f32]> = layer.units().collect();
    assert_eq!(units, [&weights[..3], &weights[3..]]);
    assert_eq!(FirstLayer::decode(3, [1, 3], 2, 5, &bytes[..20]), None);
    assert_eq!(
        FirstLayer::decode(3, [3, 3], 2, 5, &bytes),
        None,
        "a tile of another size than the units' inputs"
    );
    assert_eq!(
        FirstLayer::decode(3, [1, 3], 6, 5, &[0; 72]),
        None,
        "more units than the layer"
    );
    assert_eq!(
        FirstLayer::decode(usize::MAX, [1, usize::MAX], 2, 5, &bytes),
        None,
        "an overflowing size"
    );
}
