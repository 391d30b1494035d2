use neurite::data::plane::{Feature, PlaneShape};

use super::*;
use crate::widgets::patch;

/// A link as TensorFlow Playground writes it (its spiral, three tanh layers of eight, the sin
/// features), copied from its address bar.
const SPIRAL_LINK: &str = "https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=spiral&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=8,8,8&seed=0.59876&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false&problem=classification&initZero=false&hideText=false";

#[test]
fn a_playground_link_gives_its_setup_and_the_run_it_asks_for() {
    let read = read_hash(SPIRAL_LINK);
    assert_eq!(read.refusals, vec![]);
    let state = read.state;
    assert_eq!(state.shape(), PlaneShape::Spiral);
    assert_eq!(state.link.network_shape, vec![8, 8, 8]);
    assert_eq!(
        state.link.features,
        vec![Feature::X1, Feature::X2, Feature::SinX1, Feature::SinX2]
    );
    assert_eq!(state.widths(), vec![4, 8, 8, 8, 1]);
    assert_eq!(state.parameters(), 5 * 8 + 9 * 8 + 9 * 8 + 9);
    let setup = state.setup();
    assert_eq!(setup.hidden, vec![8, 8, 8]);
    assert_eq!(setup.learning_rate, 0.03);
    assert_eq!(setup.seed, state.link.engine_seed());
    assert_ne!(setup.seed, 0);
    let run = setup.build().unwrap();
    assert_eq!(run.train.len(), 250);
}

#[test]
fn a_state_goes_through_its_link_and_back_unchanged() {
    let state = Playground2d::default()
        .patched(&patch(&[
            ("dataset", Value::Text("gauss".into())),
            ("classes", Value::Number(4.0)),
            ("networkShape", Value::List(vec![6.0, 3.0])),
            ("xTimesY", Value::Flag(true)),
            ("seed", Value::Text("my-seed_2.5".into())),
            ("optimizer", Value::Text("adam".into())),
            ("dropout", Value::Number(0.25)),
            ("stopLoss", Value::Number(0.05)),
            (
                "layerActivations",
                Value::Names(vec!["relu".into(), "sigmoid".into()]),
            ),
            ("learningRate", Value::Number(0.3)),
        ]))
        .unwrap();
    let hash = state.hash();
    assert!(
        hash.starts_with("problem=classification&dataset=gauss"),
        "{hash}"
    );
    assert!(hash.contains("networkShape=6,3"), "{hash}");
    assert!(hash.contains("seed=my-seed_2.5"), "{hash}");
    assert!(
        !hash.contains("stopEpochs"),
        "defaults of Neurite's keys stay out: {hash}"
    );
    let read = read_hash(&format!("#{hash}"));
    assert_eq!(read.refusals, vec![]);
    assert_eq!(read.state, state);
    assert_eq!(
        read_hash(&Playground2d::default().hash()).state,
        Playground2d::default()
    );
}

#[test]
fn json_values_and_url_text_mean_the_same() {
    let from_json = Playground2d::default()
        .patched(&patch(&[
            ("networkShape", Value::List(vec![8.0, 8.0, 8.0])),
            ("x", Value::Flag(false)),
            ("cosY", Value::Flag(true)),
            ("noise", Value::Number(25.0)),
        ]))
        .unwrap();
    let from_text = Playground2d::default()
        .patched(&patch(&[
            ("networkShape", Value::Text("8,8,8".into())),
            ("x", Value::Text("false".into())),
            ("cosY", Value::Text("true".into())),
            ("noise", Value::Text("25".into())),
        ]))
        .unwrap();
    assert_eq!(from_json, from_text);
    assert_eq!(from_json.link.features, vec![Feature::X2, Feature::CosX2]);
}

#[test]
fn hostile_links_are_refused_key_by_key_and_the_rest_is_kept() {
    let read = read_hash(
        "#networkShape=1000000&learningRate=NaN&activation=tanh&bogus=1&points=5&classes=9&x=false&y=false&batchSize=20",
    );
    let keys: Vec<&str> = read
        .refusals
        .iter()
        .filter_map(|r| r.key.as_deref())
        .collect();
    for key in ["networkShape", "learningRate", "points", "classes"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert!(
        read.refusals
            .iter()
            .any(|r| matches!(r.reason, Reason::UnknownKey { .. }))
    );
    // Switching both coordinates off would leave no input: the second is refused.
    assert!(keys.contains(&"y") || keys.contains(&"x"), "{keys:?}");
    assert!(!read.state.link.features.is_empty());
    assert_eq!(read.state.link.batch_size, 20);
    assert_eq!(read.state.link.network_shape, vec![4, 2]);

    let junk = "a=b&".repeat(25_000);
    let read = read_hash(&junk);
    assert_eq!(read.refusals.len(), MAX_REFUSALS_SHOWN);
    assert_eq!(read.more_refusals, 25_000 - MAX_REFUSALS_SHOWN);
    assert_eq!(read.state, Playground2d::default());
}

const MAX_REFUSALS_SHOWN: usize = crate::widgets::playground_link::MAX_REFUSALS;

#[test]
fn a_seed_is_one_seed_however_it_is_written_and_odd_characters_are_refused() {
    let seed = |value: Value| {
        Playground2d::default()
            .patched(&patch(&[("seed", value)]))
            .map(|s| s.link.seed)
    };
    assert_eq!(seed(Value::Text("1e2".into())), Ok(Some("100".into())));
    assert_eq!(seed(Value::Number(100.0)), Ok(Some("100".into())));
    assert_eq!(
        seed(Value::Text("0.59876".into())),
        Ok(Some("0.59876".into()))
    );
    let refused = seed(Value::Text("a&b=c".into())).unwrap_err();
    assert!(matches!(refused.reason, Reason::SeedCharacters { .. }));
}

#[test]
fn the_hide_flags_hide_controls() {
    let read = read_hash("#problem_hide=true&noise_hide=true&dataset=xor");
    assert_eq!(read.hidden_controls, vec!["problem", "noise"]);
    assert_eq!(read.state.shape(), PlaneShape::Xor);
}

#[test]
fn every_state_makes_a_run_the_worker_accepts() {
    for dataset in ["circle", "xor", "gauss", "spiral"] {
        for classes in [2.0, 5.0] {
            let state = Playground2d::default()
                .patched(&patch(&[
                    ("dataset", Value::Text(dataset.into())),
                    ("classes", Value::Number(classes)),
                    ("loss", Value::Text("mse".into())),
                ]))
                .unwrap();
            state.setup().build().unwrap();
        }
    }
    let regression = Playground2d::default()
        .patched(&patch(&[
            ("problem", Value::Text("regression".into())),
            ("regDataset", Value::Text("reg-gauss".into())),
            ("points", Value::Number(300.0)),
        ]))
        .unwrap();
    assert_eq!(regression.class_count(), 0);
    assert_eq!(regression.widths().last(), Some(&1));
    let run = regression.setup().build().unwrap();
    assert_eq!(run.train.len() + run.test.len(), 300);
}

#[cfg(not(target_arch = "wasm32"))]
proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_reads_to_a_state_that_runs_or_to_refusals(link in "(\\PC|&|=|#|,|%){0,300}") {
        let read = read_hash(&link);
        proptest::prop_assert!(read.refusals.len() <= MAX_REFUSALS_SHOWN);
        proptest::prop_assert!(read.state.validate().is_ok());
        // Whatever was kept is a setup the worker builds.
        proptest::prop_assert!(read.state.setup().build().is_ok());
    }

    #[test]
    fn links_of_known_keys_with_any_values_never_break(
        pairs in proptest::collection::vec(
            (proptest::sample::select(Playground2d::KEYS), "[ -~]{0,12}"),
            0..12,
        )
    ) {
        let link: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let read = read_hash(&link.join("&"));
        proptest::prop_assert!(read.state.setup().build().is_ok());
    }
}

#[test]
fn neurites_own_keys_are_those_the_playground_does_not_have() {
    assert_eq!(
        OWN_KEYS,
        &[
            "classes",
            "points",
            "layerActivations",
            "optimizer",
            "loss",
            "numerics",
            "dropout",
            "stopEpochs",
            "stopLoss"
        ]
    );
    for key in Playground2d::KEYS {
        let playgrounds = crate::widgets::playground_link::KEYS.contains(key);
        assert_ne!(playgrounds, OWN_KEYS.contains(key), "{key}");
    }
}
