//! Browser tests of the widgets on a page's main thread: each widget mounted into an element,
//! set through JavaScript values as the embedding API sets it, its outputs against the engine's
//! functions and hand-computed values, its view updated, and hostile states refused.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use leptos::prelude::*;
use neurite::{Activation, Loss, explain};
use neurite_web::embed::messages::{Request, read_request};
use neurite_web::i18n::Lang;
use neurite_web::widgets::host::{BUNDLES, LiveWidget, Placement, every, mount};
use neurite_web::widgets::options::Controls;
use neurite_web::widgets::value::patch_from_js;
use neurite_web::widgets::{Out, Value, WidgetName};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON")
}

fn element() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

fn mounted(name: WidgetName, lang: Lang) -> (HtmlElement, Rc<dyn LiveWidget>) {
    let root = element();
    let live = mount(
        root.clone(),
        Placement {
            name,
            catalogue: every,
            lang: Signal::stored(lang),
            controls: Controls::All,
            compact: false,
            on_edit: Rc::new(|_| {}),
        },
    );
    (
        root,
        live.expect("every widget is in the catalogue `every`"),
    )
}

#[wasm_bindgen_test]
fn each_widget_is_in_exactly_one_bundle_and_a_bundle_refuses_the_others() {
    for name in WidgetName::ALL {
        let holders: Vec<&str> = BUNDLES
            .iter()
            .filter(|(_, catalogue)| catalogue(name).is_some())
            .map(|(bundle, _)| *bundle)
            .collect();
        assert_eq!(
            holders.len(),
            1,
            "{} in one bundle: {holders:?}",
            name.key()
        );
        let (_, other) = *BUNDLES.iter().find(|(b, _)| *b != holders[0]).unwrap();
        let placement = Placement {
            name,
            catalogue: other,
            lang: Signal::stored(Lang::En),
            controls: Controls::All,
            compact: false,
            on_edit: Rc::new(|_| {}),
        };
        let root = element();
        assert!(mount(root.clone(), placement).is_none());
        assert_eq!(root.child_element_count(), 0, "nothing mounted");
    }
}

fn set(live: &dyn LiveWidget, json: &str) -> Result<(), String> {
    let patch = patch_from_js(&js(json)).map_err(|r| r.message(Lang::En))?;
    live.set(&patch).map_err(|r| r.message(Lang::En))
}

fn number(fields: &[(&'static str, Out)], key: &str) -> f64 {
    match fields.iter().find(|(k, _)| *k == key) {
        Some((_, Out::Number(v))) => *v,
        other => panic!("{key}: {other:?}"),
    }
}

fn list(fields: &[(&'static str, Out)], key: &str) -> Vec<f64> {
    match fields.iter().find(|(k, _)| *k == key) {
        Some((_, Out::List(v))) => v.clone(),
        other => panic!("{key}: {other:?}"),
    }
}

/// Lets the reactive system run its effects (the view's text and canvas).
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn text(root: &HtmlElement, testid: &str) -> String {
    root.query_selector(&format!("[data-testid={testid}]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no {testid}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn javascript_values_become_typed_values() {
    let patch = patch_from_js(&js(
        r#"{"b": 0.5, "w": [1, -2], "activation": "tanh", "x": {"a": 1}, "z": [1, "a"]}"#,
    ))
    .unwrap();
    assert_eq!(patch[0], ("b".into(), Value::Number(0.5)));
    assert_eq!(patch[1], ("w".into(), Value::List(vec![1.0, -2.0])));
    assert_eq!(patch[2], ("activation".into(), Value::Text("tanh".into())));
    assert!(matches!(patch[3].1, Value::Other(_)));
    assert!(matches!(patch[4].1, Value::Other(_)));
    // 1e400 parses to Infinity in JavaScript: read as a number, refused where it is checked.
    assert_eq!(
        patch_from_js(&js(r#"{"b": 1e400}"#)).unwrap()[0].1,
        Value::Number(f64::INFINITY)
    );
    for not_a_state in ["42", "\"b=1\"", "[1, 2]", "null"] {
        assert!(patch_from_js(&js(not_a_state)).is_err(), "{not_a_state}");
    }
}

#[wasm_bindgen_test]
async fn the_neuron_reports_the_engines_outputs_and_shows_them() {
    let (root, live) = mounted(WidgetName::Neuron, Lang::En);
    set(
        live.as_ref(),
        r#"{"w": [0.5, -1], "b": 0.25, "x": [2, 1], "activation": "relu"}"#,
    )
    .unwrap();
    // z = 0.5·2 + (−1)·1 + 0.25 = 0.25; relu keeps it.
    let outputs = live.outputs();
    assert_eq!((number(&outputs, "z"), number(&outputs, "y")), (0.25, 0.25));
    assert_eq!(
        (number(&outputs, "z"), number(&outputs, "y")),
        explain::neuron(&[0.5, -1.0], 0.25, Activation::Relu, &[2.0, 1.0])
    );
    settle().await;
    assert_eq!(text(&root, "output-z"), "0.250");
    // Three inputs: the picture gives way to a sentence, the outputs stay the engine's.
    set(
        live.as_ref(),
        r#"{"w": [1, 2, 3], "x": [0.5, -1, 2], "activation": "sigmoid"}"#,
    )
    .unwrap();
    let (z, y) = explain::neuron(
        &[1.0, 2.0, 3.0],
        0.25,
        Activation::Sigmoid,
        &[0.5, -1.0, 2.0],
    );
    assert_eq!(number(&live.outputs(), "y"), y);
    settle().await;
    assert_eq!(text(&root, "output-z"), format!("{z:.3}"));
}

#[wasm_bindgen_test]
async fn the_activation_reports_f_and_its_slope_in_chinese_too() {
    let (root, live) = mounted(WidgetName::Activation, Lang::Zh);
    set(live.as_ref(), r#"{"activation": "sigmoid", "x": 4}"#).unwrap();
    // σ(4) = 0.9820137900379085, σ′(4) = 0.017662706213291107 (Python: 1/(1+math.exp(-4))).
    let outputs = live.outputs();
    assert!((number(&outputs, "y") - 0.982_013_790_037_908_5).abs() < 1e-12);
    assert!((number(&outputs, "dy") - 0.017_662_706_213_291_107).abs() < 1e-12);
    settle().await;
    assert!(text(&root, "explanation").contains("饱和"));
    set(live.as_ref(), r#"{"activation": "relu", "x": -2}"#).unwrap();
    assert_eq!(
        live.outputs(),
        vec![("y", Out::Number(0.0)), ("dy", Out::Number(0.0))]
    );
}

#[wasm_bindgen_test]
fn the_loss_reports_the_engines_loss_and_gradient() {
    let (_, live) = mounted(WidgetName::Loss, Lang::En);
    set(
        live.as_ref(),
        r#"{"loss": "mse", "y_true": [0, 4], "y_pred": [1, 2]}"#,
    )
    .unwrap();
    // ((1 − 0)² + (2 − 4)²)/2 = 2.5; gradient 2(p − y)/2 = [1, −2].
    assert_eq!(number(&live.outputs(), "loss"), 2.5);
    assert_eq!(list(&live.outputs(), "gradient"), vec![1.0, -2.0]);
    set(
        live.as_ref(),
        r#"{"loss": "categorical_cross_entropy", "y_true": [0, 0, 1], "y_pred": [0.25, 0.25, 0.5]}"#,
    )
    .unwrap();
    let (loss, gradient) = explain::loss(
        Loss::CategoricalCrossentropy,
        &[0.0, 0.0, 1.0],
        &[0.25, 0.25, 0.5],
    );
    assert_eq!(number(&live.outputs(), "loss"), loss);
    assert!((loss - 2f64.ln()).abs() < 1e-12);
    assert_eq!(list(&live.outputs(), "gradient"), gradient);
}

#[wasm_bindgen_test]
async fn hostile_states_are_refused_with_a_message_and_change_nothing() {
    let (root, live) = mounted(WidgetName::Neuron, Lang::Zh);
    let before = live.fields();
    for hostile in [
        r#"{"w": [1e400, 1]}"#,
        r#"{"b": "0.5"}"#,
        r#"{"w": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1], "x": [1]}"#,
        r#"{"__proto__": {"b": 1}}"#,
        r#"{"activation": {"name": "relu"}}"#,
        r#"{"b": 2, "x": [1, 2, 3]}"#,
    ] {
        let patch = patch_from_js(&js(hostile)).unwrap();
        let refusal = live.set(&patch).unwrap_err();
        assert!(!refusal.message(Lang::Zh).is_empty(), "{hostile}");
        live.show_refusal(refusal);
        assert_eq!(live.fields(), before, "{hostile}");
    }
    settle().await;
    assert!(
        text(&root, "widget-refusal").contains("已拒绝"),
        "the refusal shows in 中文"
    );
    set(live.as_ref(), r#"{"b": -1}"#).unwrap();
    assert_eq!(number(&live.fields(), "b"), -1.0);
}

#[wasm_bindgen_test]
fn only_version_1_set_and_command_messages_are_read() {
    assert!(matches!(
        read_request(&js(
            r#"{"neurite": 1, "type": "set", "state": {"b": 1}, "request": 3}"#
        )),
        Some((Request::Set(_), Some(_)))
    ));
    assert!(matches!(
        read_request(&js(r#"{"neurite": 1, "type": "command", "command": "play"}"#)),
        Some((Request::Command(Ok(name)), None)) if name == "play"
    ));
    assert!(matches!(
        read_request(&js(r#"{"neurite": 1, "type": "command", "command": 7}"#)),
        Some((Request::Command(Err(_)), None))
    ));
    for junk in [
        r#""set""#,
        "42",
        "null",
        r#"{"type": "set", "state": {}}"#,
        r#"{"neurite": 2, "type": "set", "state": {}}"#,
        r#"{"neurite": 1, "type": "eval", "code": "alert(1)"}"#,
    ] {
        assert!(read_request(&js(junk)).is_none(), "{junk}");
    }
    // A request that is not a finite number is not echoed.
    let (_, request) = read_request(&js(
        r#"{"neurite": 1, "type": "set", "state": {}, "request": "x"}"#,
    ))
    .unwrap();
    assert!(request.is_none());
}
