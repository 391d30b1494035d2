//! Target `widget_url`: a widget's URL query (`widget=neuron&w=1,-1&…`), read by
//! `neurite_web::widgets::options::WidgetUrl::parse` and applied, as `widget.html` applies it,
//! to the widget's default state with `WidgetState::patched_leniently`.
//!
//! The input is the query text (decoded pairs, `&`-separated, `key=value`). Every refusal is
//! worded in English and 中文; the state that comes out is valid, its outputs compute, and its
//! own URL sets it again. A URL that names no known widget is applied to every widget. (The
//! `state=` JSON is read in the browser by `JSON.parse` into JavaScript values, a wasm32-only
//! path; the checks it then goes through are these.)

use std::fmt::Debug;

use neurite_web::i18n::Lang;
use neurite_web::widgets::activation::ActivationPoint;
use neurite_web::widgets::backprop::Backprop;
use neurite_web::widgets::descent::GradientDescent;
use neurite_web::widgets::loss::LossExample;
use neurite_web::widgets::neuron::Neuron;
use neurite_web::widgets::options::{WidgetUrl, to_query};
use neurite_web::widgets::playground2d::Playground2d;
use neurite_web::widgets::{Patch, Refusal, WidgetName, WidgetState};

use crate::bound;

/// The query's decoded pairs, read.
fn parse(query: &str) -> (WidgetUrl, Vec<Refusal>) {
    let pairs = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")));
    WidgetUrl::parse(pairs)
}

/// Reads `data` as a widget's URL query and checks what came of it.
pub fn widget_url(data: &[u8]) {
    widgets_set(data);
}

/// [`widget_url`], returning each widget the URL was applied to with the number of values it
/// refused.
pub fn widgets_set(data: &[u8]) -> Vec<(WidgetName, usize)> {
    let query = String::from_utf8_lossy(data);
    let (url, refusals) = bound::timed("widget_url", || parse(&query));
    check_refusals(&refusals);
    let names = url.name.map_or(WidgetName::ALL.to_vec(), |name| vec![name]);
    names
        .into_iter()
        .map(|name| {
            let refused = bound::timed("widget_url", || match name {
                WidgetName::Neuron => check_state::<Neuron>(&url.patch),
                WidgetName::Activation => check_state::<ActivationPoint>(&url.patch),
                WidgetName::Loss => check_state::<LossExample>(&url.patch),
                WidgetName::GradientDescent => check_state::<GradientDescent>(&url.patch),
                WidgetName::Backprop => check_state::<Backprop>(&url.patch),
                WidgetName::Playground2d => check_state::<Playground2d>(&url.patch),
            });
            (name, refused)
        })
        .collect()
}

fn check_refusals(refusals: &[Refusal]) {
    for refusal in refusals {
        for lang in [Lang::En, Lang::Zh] {
            assert!(
                !refusal.message(lang).trim().is_empty(),
                "a refusal without its words: {refusal:?}"
            );
        }
    }
}

/// Applies `patch` to the default state of `S` and checks the state that comes out; returns
/// the number of values refused.
fn check_state<S: WidgetState + Debug>(patch: &Patch) -> usize {
    let (state, refusals) = S::default().patched_leniently(patch);
    check_refusals(&refusals);
    if let Err(refusal) = state.validate() {
        panic!("a state set from a URL is not valid ({refusal:?}): {state:?}");
    }
    let _outputs = state.outputs();
    let own_url = to_query(S::NAME, Lang::Zh, &state.fields());
    let (url, own_refusals) = parse(&own_url);
    assert!(
        own_refusals.is_empty(),
        "its own URL {own_url} is refused: {own_refusals:?}"
    );
    match S::default().patched(&url.patch) {
        Ok(again) if again == state => {}
        other => panic!("its own URL {own_url} does not set the state {state:?}: {other:?}"),
    }
    refusals.len()
}

/// The URL query of every widget's default state.
fn default_queries() -> Vec<(WidgetName, String)> {
    fn query<S: WidgetState>() -> (WidgetName, String) {
        (S::NAME, to_query(S::NAME, Lang::En, &S::default().fields()))
    }
    vec![
        query::<Neuron>(),
        query::<ActivationPoint>(),
        query::<LossExample>(),
        query::<GradientDescent>(),
        query::<Backprop>(),
        query::<Playground2d>(),
    ]
}

/// The seed corpus: every widget's default URL, and URLs with options, lists, nested lists and
/// refused values.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds: Vec<(String, Vec<u8>)> = default_queries()
        .into_iter()
        .map(|(name, query)| (format!("{}.url", name.key()), query.into_bytes()))
        .collect();
    let more = [
        "widget=neuron&lang=zh&controls=w,b&compact=1&w=0.5,-1&b=0.25&x=1,2&activation=tanh",
        "widget=loss&loss=categorical_crossentropy&y_true=0,1,0&y_pred=0.1,0.6,0.3",
        "widget=gradient_descent&surface=rosenbrock&optimizers=sgd,adam&steps=200&start=-1,1",
        "widget=playground2d&dataset=spiral&networkShape=8,8,8&x=true&sinX=true&seed=0.59876&classes=3&optimizer=adam&stopLoss=0.05",
        "widget=playground2d&networkShape=1000000&learningRate=NaN&seed=a b&x=false&y=false",
        "widget=backprop&sizes=2,3,1&kernels=[[[0.1,0.2,0.3],[0.4,0.5,0.6]],[[1],[2],[3]]]&x=1,2&y=1&stage=3&check=1",
        "widget=activation&activation=leaky_relu&x=-2.5&controls=none&state={\"x\":1}",
        "widget=mandelbrot&lang=klingon&controls=everything&w=NaN&b=inf&x=[1,[2]]",
    ];
    seeds.extend(
        more.iter()
            .enumerate()
            .map(|(i, query)| (format!("query{i}.url"), query.as_bytes().to_vec())),
    );
    seeds
}
