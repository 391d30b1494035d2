//! Real Playground links give their setups; hostile ones are refused key by key, in bounded
//! work, and leave the defaults.

use super::*;
use crate::i18n::Lang;

/// The Playground's first page, as its address bar shows it.
const FIRST_PAGE: &str = "https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.41379&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false";

/// The spiral with three layers of eight and the sines.
const SPIRAL: &str = "#activation=tanh&batchSize=10&dataset=spiral&regDataset=reg-plane&learningRate=0.03&regularizationRate=0&noise=0&networkShape=8,8,8&seed=0.86437&showTestData=false&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false&problem=classification&initZero=false&hideText=false";

#[test]
fn the_first_page_link_gives_the_playgrounds_defaults_and_its_seed() {
    let read = read_playground_link(FIRST_PAGE);
    assert_eq!(read.refusals, []);
    assert_eq!(
        read.link,
        PlaygroundLink {
            seed: Some("0.41379".into()),
            ..PlaygroundLink::default()
        }
    );
    assert_eq!(read.link.shape(), PlaneShape::Circle);
}

#[test]
fn a_spiral_link_gives_its_network_features_and_data() {
    let read = read_playground_link(SPIRAL);
    assert_eq!(read.refusals, []);
    let link = read.link;
    assert_eq!(link.shape(), PlaneShape::Spiral);
    assert_eq!(link.network_shape, [8, 8, 8]);
    assert_eq!(
        link.features,
        [Feature::X1, Feature::X2, Feature::SinX1, Feature::SinX2]
    );
}

#[test]
fn every_key_is_read_with_its_playground_meaning() {
    let read = read_playground_link(
        "activation=relu&regularization=L2&regularizationRate=0.003&learningRate=0.1&batchSize=30&problem=regression&regDataset=reg-gauss&dataset=xor&noise=35&percTrainData=70&networkShape=&x=false&xTimesY=true&xSquared=yes&showTestData=true&discretize=1&initZero=true&hideText=true&problem_hide=true&noise_hide=false",
    );
    assert_eq!(read.refusals, []);
    let link = read.link;
    assert_eq!(
        (link.activation, link.regularization, link.problem),
        ("relu", "L2", "regression")
    );
    assert_eq!((link.regularization_rate, link.learning_rate), (0.003, 0.1));
    assert_eq!((link.batch_size, link.train_percent), (30, 70));
    assert_eq!(
        (link.shape(), link.dataset),
        (PlaneShape::RegGauss, PlaneShape::Xor)
    );
    assert_eq!((link.noise_percent, link.noise()), (35.0, 0.35));
    // An empty shape is no hidden layers; any flag value but `false` is on.
    assert_eq!(link.network_shape, Vec::<usize>::new());
    assert_eq!(
        link.features,
        [Feature::X2, Feature::X1Squared, Feature::X1X2]
    );
    assert!(link.show_test_data && link.discretize && link.init_zero && link.hide_text);
    assert_eq!(link.hidden_controls, ["problem"]);
}

#[test]
fn keys_without_values_keep_their_defaults_and_the_last_of_repeated_keys_counts() {
    let read = read_playground_link("#learningRate=&batchSize&noise=5&noise=10&&x");
    assert_eq!(read.refusals, []);
    assert_eq!(read.link.learning_rate, 0.03);
    assert_eq!(read.link.batch_size, 10);
    assert_eq!(read.link.noise_percent, 10.0);
    assert_eq!(read.link.features, [Feature::X1, Feature::X2]);
}

#[test]
fn hostile_values_are_refused_key_by_key_and_leave_the_defaults() {
    let read = read_playground_link(
        &("networkShape=1000000&learningRate=NaN&batchSize=0.5&noise=80&dataset=reg-maximum&activation=swish&percTrainData=95&networkShape=4,4,4,4,4,4,4,4,4&seed=".to_owned()
            + &"9".repeat(65)
            + "&evil=1&x_hide=true"),
    );
    let keys: Vec<Option<&str>> = read.refusals.iter().map(|r| r.key.as_deref()).collect();
    assert_eq!(
        keys,
        [
            Some("networkShape"),
            Some("learningRate"),
            Some("batchSize"),
            Some("noise"),
            Some("dataset"),
            Some("activation"),
            Some("percTrainData"),
            Some("networkShape"),
            Some("seed"),
            None,
        ]
    );
    assert_eq!(
        read.link,
        PlaygroundLink {
            hidden_controls: vec!["x".into()],
            ..PlaygroundLink::default()
        }
    );
    let message = read.refusals[1].message(Lang::En);
    assert!(message.starts_with("learningRate: "), "{message}");
    assert!(!read.refusals[9].message(Lang::Zh).is_empty());
}

#[test]
fn a_hundred_kilobytes_of_junk_keeps_a_bounded_list_of_refusals() {
    let junk: String = (0..10_000).map(|i| format!("k{i}=v&")).collect();
    let read = read_playground_link(&format!("#{junk}{}", "z".repeat(50_000)));
    assert_eq!(read.refusals.len(), MAX_REFUSALS);
    assert_eq!(read.more_refusals, 10_001 - MAX_REFUSALS);
    assert_eq!(read.link, PlaygroundLink::default());
    // A refused key is quoted shortened, not whole.
    assert!(read.refusals[0].message(Lang::En).len() < 1_000);
}

#[test]
fn the_seed_text_gives_the_same_engine_seed_and_another_text_another() {
    let seed = |text: &str| {
        read_playground_link(&format!("seed={text}"))
            .link
            .engine_seed()
    };
    assert_eq!(seed("0.41379"), seed("0.41379"));
    assert_ne!(seed("0.41379"), seed("0.41378"));
    assert!(seed("0.41379") < 1 << 53);
    assert_eq!(PlaygroundLink::default().engine_seed(), 0);
}

#[cfg(not(target_arch = "wasm32"))]
proptest::proptest! {
    #[test]
    fn any_text_is_read_without_a_panic_within_the_bounds(text in "(\\PC|&|=|#|,){0,300}") {
        let read = read_playground_link(&text);
        proptest::prop_assert!(read.refusals.len() <= MAX_REFUSALS);
        let link = read.link;
        proptest::prop_assert!(link.network_shape.len() <= MAX_LAYERS);
        proptest::prop_assert!(link.network_shape.iter().all(|&u| (1..=MAX_UNITS).contains(&u)));
        proptest::prop_assert!(link.learning_rate.is_finite() && link.noise() <= MAX_NOISE);
        proptest::prop_assert!(link.hidden_controls.len() <= MAX_HIDDEN);
    }
}
