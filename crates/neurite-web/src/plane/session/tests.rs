use neurite::data::plane::{Feature, PlaneShape, PlaneSpec};
use neurite::{Activation, OptimizerSpec};

use super::*;
use crate::plane::protocol::{NODE_SIDE, WeightEdit, map_value};
use crate::plane::setup::{Numerics, PlaneLoss, PlaneSource};

fn xor_setup() -> PlaneSetup {
    PlaneSetup {
        source: PlaneSource::Generated(PlaneSpec {
            shape: PlaneShape::Xor,
            ..PlaneSpec::default()
        }),
        train_percent: 50,
        features: vec![Feature::X1, Feature::X2, Feature::X1X2],
        hidden: vec![4],
        activation: Activation::Tanh,
        layer_activations: vec![],
        loss: PlaneLoss::CrossEntropy,
        optimizer: OptimizerSpec::adam(),
        learning_rate: 0.03,
        batch_size: 10,
        l1: 0.0,
        l2: 0.0,
        dropout: 0.0,
        init_zero: false,
        numerics: Numerics::Keras,
        seed: 5,
    }
}

/// A clock that moves 1 ms per reading.
fn ticking() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 1.0;
        t
    }
}

fn frames(out: &PlaneOutbox) -> Vec<(&PlaneFrame, &[u8])> {
    out.iter()
        .filter_map(|e| match &e.msg {
            FromPlane::Frame(f) => Some((f.as_ref(), e.payload.as_deref().unwrap())),
            _ => None,
        })
        .collect()
}

fn errors(out: &PlaneOutbox) -> Vec<&WorkerError> {
    out.iter()
        .filter_map(|e| match &e.msg {
            FromPlane::Error(err) => Some(err),
            _ => None,
        })
        .collect()
}

#[test]
fn a_setup_sends_its_points_and_a_first_frame_then_waits_until_it_is_drawn() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    assert!(
        matches!(&out[0].msg, FromPlane::Points { train, test } if train.len() == 250 && test.len() == 250)
    );
    let first = frames(&out);
    assert_eq!(first.len(), 1);
    let (frame, payload) = first[0];
    assert_eq!(frame.epoch, 0);
    assert_eq!(frame.layout.widths, vec![3, 4, 1]);
    assert_eq!(payload.len(), frame.layout.len());
    assert_eq!(frame.weights.len(), 2);
    assert_eq!(frame.weights[0].kernel.len(), 12);
    assert!(frame.train_accuracy.is_some() && !frame.playing);

    // Playing trains, but no frame goes until the page has drawn the first one.
    out.clear();
    session.handle(ToPlane::Play(StopRule::default()), 0.0, &mut out);
    session.work(&mut ticking(), 5.0, &mut out);
    assert!(frames(&out).is_empty());
    let trained = session.epoch().unwrap();
    assert!(trained >= 1);
    session.handle(ToPlane::Drawn, 10.0, &mut out);
    let sent = frames(&out);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0.epoch, trained);
    assert!(sent[0].0.playing && sent[0].0.samples_per_second > 0.0);
}

#[test]
fn xor_is_learned_and_the_output_map_shows_it() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    let before = frames(&out)[0].0.test_loss;
    session.handle(
        ToPlane::Play(StopRule {
            epochs: Some(40),
            test_loss: None,
        }),
        0.0,
        &mut out,
    );
    let mut clock = ticking();
    while session.is_playing() {
        session.work(&mut clock, 1e9, &mut out);
    }
    assert!(
        out.iter()
            .any(|e| e.msg == FromPlane::Stopped(Stopped::Epochs))
    );
    assert_eq!(session.epoch(), Some(40));
    out.clear();
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    let (frame, payload) = frames(&out)[0];
    assert!(
        frame.test_loss < before / 3.0,
        "{before} → {}",
        frame.test_loss
    );
    assert!(frame.test_accuracy.unwrap() > 0.95);
    // The output's map: the sigmoid's probability of class 1 (XOR's positive quadrants hold
    // class 1 in the Playground's labels: x₁x₂ ≥ 0). Top right and bottom left are on one
    // side, the other two corners on the other.
    let output = &payload[frame.layout.output(0).unwrap()];
    let side = FULL_SIDE;
    let at = |row: usize, col: usize| map_value(output[row * side + col]);
    let (top_left, top_right) = (at(5, 5), at(5, side - 5));
    let (bottom_left, bottom_right) = (at(side - 5, 5), at(side - 5, side - 5));
    assert!((top_right - bottom_left).abs() < 0.2);
    assert!((top_left - bottom_right).abs() < 0.2);
    assert!(
        (top_right - top_left).abs() > 0.6,
        "{top_right} vs {top_left}"
    );
}

#[test]
fn a_new_learning_rate_keeps_the_trained_weights_and_a_new_shape_starts_again() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    for _ in 0..3 {
        session.handle(ToPlane::Step, 0.0, &mut out);
    }
    assert_eq!(session.epoch(), Some(3));
    out.clear();
    let faster = PlaneSetup {
        learning_rate: 0.1,
        ..xor_setup()
    };
    session.handle(ToPlane::Setup(Box::new(faster)), 0.0, &mut out);
    assert_eq!(session.epoch(), Some(3));
    assert!(
        !out.iter()
            .any(|e| matches!(e.msg, FromPlane::Points { .. }))
    );
    let wider = PlaneSetup {
        hidden: vec![6, 2],
        ..xor_setup()
    };
    session.handle(ToPlane::Setup(Box::new(wider)), 0.0, &mut out);
    assert_eq!(session.epoch(), Some(0));
    assert!(
        out.iter()
            .any(|e| matches!(e.msg, FromPlane::Points { .. }))
    );
}

#[test]
fn reset_starts_the_same_run_again_from_the_same_weights() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    let first = frames(&out)[0].0.weights.clone();
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    session.handle(ToPlane::Step, 0.0, &mut out);
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    out.clear();
    session.handle(ToPlane::Reset, 0.0, &mut out);
    let (frame, _) = frames(&out)[0];
    assert_eq!(frame.epoch, 0);
    assert_eq!(frame.weights, first);
}

#[test]
fn a_focused_unit_comes_at_full_size_and_a_missing_one_is_refused() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    out.clear();
    let unit = Unit { layer: 1, unit: 2 };
    session.handle(ToPlane::Focus(Some(unit)), 0.0, &mut out);
    let (frame, payload) = frames(&out)[0];
    let full = &payload[frame.layout.focused().unwrap()];
    let node = &payload[frame.layout.node(unit).unwrap()];
    // The node map's first cell is the mean of the full map's top-left block.
    let block = FULL_SIDE / NODE_SIDE;
    let mean: f32 = (0..block)
        .flat_map(|r| (0..block).map(move |c| r * FULL_SIDE + c))
        .map(|i| map_value(full[i]))
        .sum::<f32>()
        / (block * block) as f32;
    assert!((map_value(node[0]) - mean).abs() < 0.02);

    out.clear();
    session.handle(
        ToPlane::Focus(Some(Unit { layer: 9, unit: 0 })),
        0.0,
        &mut out,
    );
    assert_eq!(errors(&out).len(), 1);
    assert!(errors(&out)[0].en.contains("no unit 0 in layer 9"));
}

#[test]
fn requests_without_a_run_and_bad_setups_are_refused_and_keep_what_there_is() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    for request in [
        ToPlane::Play(StopRule::default()),
        ToPlane::Step,
        ToPlane::Reset,
    ] {
        session.handle(request, 0.0, &mut out);
    }
    assert_eq!(errors(&out).len(), 3);
    assert!(!session.has_work());

    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    session.handle(ToPlane::Step, 0.0, &mut out);
    out.clear();
    let hostile = PlaneSetup {
        hidden: vec![1_000_000],
        ..xor_setup()
    };
    session.handle(ToPlane::Setup(Box::new(hostile)), 0.0, &mut out);
    assert_eq!(errors(&out).len(), 1);
    assert_eq!(errors(&out)[0].field.as_deref(), Some("hidden[0]"));
    assert_eq!(session.epoch(), Some(1), "the run goes on");
}

#[test]
fn a_huge_step_is_reported_as_divergence_and_pauses() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    let wild = PlaneSetup {
        source: PlaneSource::Generated(PlaneSpec {
            shape: PlaneShape::RegPlane,
            ..PlaneSpec::default()
        }),
        optimizer: OptimizerSpec::sgd(),
        learning_rate: 10.0,
        loss: PlaneLoss::Mse,
        activation: Activation::Linear,
        hidden: vec![16, 16, 16, 16, 16, 16, 16, 16],
        features: Feature::ALL.to_vec(),
        ..xor_setup()
    };
    session.handle(ToPlane::Setup(Box::new(wild)), 0.0, &mut out);
    session.handle(ToPlane::Play(StopRule::default()), 0.0, &mut out);
    let mut clock = ticking();
    for _ in 0..100 {
        if !session.is_playing() {
            break;
        }
        session.work(&mut clock, 50.0, &mut out);
    }
    assert!(!session.is_playing());
    assert!(
        out.iter()
            .any(|e| e.msg == FromPlane::Stopped(Stopped::Diverged))
    );
}

#[test]
fn the_test_loss_rule_stops_once_it_is_reached() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    let rule = StopRule {
        epochs: Some(500),
        test_loss: Some(0.2),
    };
    session.handle(ToPlane::Play(rule), 0.0, &mut out);
    let mut clock = ticking();
    while session.is_playing() {
        session.work(&mut clock, 1e9, &mut out);
    }
    assert!(
        out.iter()
            .any(|e| e.msg == FromPlane::Stopped(Stopped::TestLoss))
    );
    let epoch = session.epoch().unwrap();
    assert!(epoch < 500);
    out.clear();
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    assert!(frames(&out)[0].0.test_loss <= 0.2);
}

#[test]
fn a_weight_or_a_bias_set_by_the_learner_is_the_networks_and_bad_ones_are_refused() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    out.clear();
    // The weight from x₁x₂ (input 2) into hidden unit 3, and the output's bias.
    let weight = WeightEdit {
        to: Unit { layer: 1, unit: 3 },
        from: Some(2),
        value: -2.5,
    };
    let bias = WeightEdit {
        to: Unit { layer: 2, unit: 0 },
        from: None,
        value: 0.75,
    };
    session.handle(ToPlane::SetWeight(weight), 0.0, &mut out);
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    session.handle(ToPlane::SetWeight(bias), 0.0, &mut out);
    let sent = frames(&out);
    let (frame, _) = sent.last().unwrap();
    assert_eq!(frame.weights[0].kernel[2 * 4 + 3], -2.5);
    assert_eq!(frame.weights[1].bias[0], 0.75);
    assert!(errors(&out).is_empty());

    out.clear();
    for bad in [
        WeightEdit {
            value: f64::NAN,
            ..weight
        },
        WeightEdit {
            value: 1e6,
            ..weight
        },
        WeightEdit {
            from: Some(3),
            ..weight
        },
        WeightEdit {
            to: Unit { layer: 0, unit: 0 },
            ..weight
        },
        WeightEdit {
            to: Unit { layer: 3, unit: 0 },
            ..weight
        },
        WeightEdit {
            to: Unit { layer: 1, unit: 4 },
            ..bias
        },
    ] {
        session.handle(ToPlane::SetWeight(bad), 0.0, &mut out);
    }
    assert_eq!(errors(&out).len(), 6);
    assert!(errors(&out)[0].en.contains("NaN"), "{}", errors(&out)[0].en);
}

#[test]
fn a_playground_link_under_the_playgrounds_numerics_learns_the_spiral_to_its_20_second_loss() {
    // TensorFlow Playground reaches a test loss of 0.017–0.021 on this link after 20 s
    // (≈ 720 epochs at its 36 frames a second).
    let link = "#activation=tanh&batchSize=10&dataset=spiral&learningRate=0.03&regularizationRate=0&noise=0&networkShape=8,8,8&seed=0.59876&percTrainData=50&x=true&y=true&sinX=true&sinY=true&problem=classification";
    let state = crate::widgets::playground2d::read_hash(link).state;
    assert_eq!(state.numerics, "playground");
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(state.setup())), 0.0, &mut out);
    let (first, _) = frames(&out)[0];
    assert!(first.layout.signed_output);
    // Its loss is the Playground's ½(o − t)²: about ½ for a tanh output near 0 against ±1.
    assert!((0.3..0.8).contains(&first.test_loss), "{}", first.test_loss);
    let rule = StopRule {
        epochs: Some(720),
        test_loss: Some(0.021),
    };
    session.handle(ToPlane::Play(rule), 0.0, &mut out);
    let mut clock = ticking();
    while session.is_playing() {
        session.work(&mut clock, 1e9, &mut out);
    }
    assert!(
        out.iter()
            .any(|e| e.msg == FromPlane::Stopped(Stopped::TestLoss)),
        "not at 0.021 by epoch 720"
    );
    out.clear();
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    let (frame, payload) = frames(&out)[0];
    assert!(frame.test_loss <= 0.021);
    assert!(
        frame.test_accuracy.unwrap() > 0.97,
        "{:?}",
        frame.test_accuracy
    );
    // The output map holds the tanh's values: both signs, nearly ±1 away from the border.
    let output = &payload[frame.layout.output(0).unwrap()];
    assert!(output.iter().any(|&b| map_value(b) < -0.9));
    assert!(output.iter().any(|&b| map_value(b) > 0.9));
}

#[test]
fn a_frame_made_ahead_goes_at_once_and_a_pause_replaces_it() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    session.handle(ToPlane::Play(StopRule::default()), 0.0, &mut out);
    let mut clock = ticking();
    session.work(&mut clock, 3.0, &mut out);
    let made_at = session.epoch().unwrap();
    session.work(&mut clock, 3.0, &mut out);
    assert!(session.epoch().unwrap() > made_at);
    out.clear();
    // The frame made after the first slice goes as soon as the page asks: one frame behind.
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    assert_eq!(frames(&out)[0].0.epoch, made_at);
    session.work(&mut clock, 3.0, &mut out);
    session.handle(ToPlane::Pause, 0.0, &mut out);
    out.clear();
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    let (frame, _) = frames(&out)[0];
    assert!(!frame.playing);
    assert_eq!(frame.epoch, session.epoch().unwrap());
}

#[test]
fn the_network_saves_as_a_model_file_the_engine_reads_back() {
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::SaveModel, 0.0, &mut out);
    assert_eq!(errors(&out).len(), 1, "nothing to save yet");
    session.handle(ToPlane::Setup(Box::new(xor_setup())), 0.0, &mut out);
    session.handle(ToPlane::Step, 0.0, &mut out);
    out.clear();
    session.handle(ToPlane::SaveModel, 0.0, &mut out);
    let file = out
        .iter()
        .find(|e| e.msg == FromPlane::ModelFile)
        .and_then(|e| e.payload.clone())
        .unwrap();
    let model = neurite::model_file::from_bytes(&file).unwrap();
    assert_eq!(model.input_features(), 3);
    assert_eq!(model.param_count(), 3 * 4 + 4 + 4 + 1);
    let active = session.active.as_ref().unwrap();
    let trained = active.run.trainer.model().named_params();
    let loaded = model.named_params();
    for ((name, a), (_, b)) in trained.iter().zip(&loaded) {
        assert_eq!(a.value, b.value, "{name}");
    }
}

/// Trains `link` under its stop rule and returns the last frame and why it stopped.
fn train_link(link: &str) -> (PlaneFrame, Option<Stopped>) {
    let state = crate::widgets::playground2d::read_hash(link).state;
    let mut session = PlaneSession::new();
    let mut out = PlaneOutbox::new();
    session.handle(ToPlane::Setup(Box::new(state.setup())), 0.0, &mut out);
    session.handle(ToPlane::Play(state.stop_rule()), 0.0, &mut out);
    let mut clock = ticking();
    while session.is_playing() {
        session.work(&mut clock, 1e9, &mut out);
    }
    let stopped = out.iter().find_map(|e| match e.msg {
        FromPlane::Stopped(reason) => Some(reason),
        _ => None,
    });
    out.clear();
    session.handle(ToPlane::Drawn, 0.0, &mut out);
    (frames(&out)[0].0.clone(), stopped)
}

#[test]
fn playground_links_of_xor_and_the_circle_are_learned_from_the_features_that_make_them_easy() {
    // XOR from x₁x₂ alone, the circle from x₁² and x₂², no hidden layer: TensorFlow
    // Playground's own lessons, each to a test loss of 0.01 (its ½(o − t)²) within 300 epochs.
    let common = "activation=tanh&batchSize=10&learningRate=0.03&regularizationRate=0&noise=0&seed=0.3&percTrainData=50&problem=classification&networkShape=&stopEpochs=300&stopLoss=0.01";
    for link in [
        format!("#{common}&dataset=xor&x=false&y=false&xTimesY=true"),
        format!("#{common}&dataset=circle&x=false&y=false&xSquared=true&ySquared=true"),
    ] {
        let (frame, stopped) = train_link(&link);
        assert_eq!(stopped, Some(Stopped::TestLoss), "{link}: {frame:?}");
        assert!(
            frame.test_accuracy.unwrap() >= 0.99,
            "{link}: {:?}",
            frame.test_accuracy
        );
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod hostile {
    use proptest::prelude::*;

    use super::*;

    /// Any number, the odd ones included.
    fn any_number() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e3..1e3f64,
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            Just(1e300),
            Just(1e-300),
        ]
    }

    /// Mostly a value in range, sometimes anything.
    fn mostly(valid: std::ops::Range<f64>) -> impl Strategy<Value = f64> {
        prop_oneof![4 => valid, 1 => any_number()]
    }

    fn mostly_whole(
        valid: std::ops::Range<usize>,
        any: std::ops::Range<usize>,
    ) -> impl Strategy<Value = usize> {
        prop_oneof![4 => valid, 1 => any]
    }

    fn setups() -> impl Strategy<Value = PlaneSetup> {
        (
            prop_oneof![
                4 => proptest::collection::vec(1usize..9, 0..4),
                1 => proptest::collection::vec(0usize..40, 0..10)
            ],
            mostly(1e-3..1.0),
            mostly_whole(1..50, 0..2000),
            mostly(0.0..0.01),
            mostly(0.0..0.5),
            mostly_whole(10..91, 0..120),
            mostly_whole(20..400, 0..12_000),
            mostly(0.0..0.5),
            any::<bool>(),
        )
            .prop_map(
                |(hidden, lr, batch, l1, dropout, percent, points, noise, playground)| PlaneSetup {
                    source: PlaneSource::Generated(PlaneSpec {
                        shape: PlaneShape::Spiral,
                        classes: 3,
                        points,
                        noise,
                        seed: 1,
                    }),
                    train_percent: percent,
                    hidden,
                    learning_rate: lr,
                    batch_size: batch,
                    l1,
                    dropout,
                    numerics: if playground {
                        Numerics::Playground
                    } else {
                        Numerics::Keras
                    },
                    ..xor_setup()
                },
            )
    }

    fn requests() -> impl Strategy<Value = ToPlane> {
        prop_oneof![
            3 => setups().prop_map(|s| ToPlane::Setup(Box::new(s))),
            2 => (proptest::option::of(0usize..1000), proptest::option::of(any_number()))
                .prop_map(|(epochs, test_loss)| ToPlane::Play(StopRule { epochs, test_loss })),
            1 => Just(ToPlane::Pause),
            1 => Just(ToPlane::Step),
            1 => Just(ToPlane::Reset),
            3 => Just(ToPlane::Drawn),
            1 => Just(ToPlane::SaveModel),
            1 => proptest::option::of((0usize..12, 0usize..40))
                .prop_map(|u| ToPlane::Focus(u.map(|(layer, unit)| Unit { layer, unit }))),
            1 => (0usize..12, 0usize..40, proptest::option::of(0usize..40), any_number()).prop_map(
                |(layer, unit, from, value)| ToPlane::SetWeight(WeightEdit {
                    to: Unit { layer, unit },
                    from,
                    value,
                })
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the page sends, in any order: no panic, every reply one the page reads,
        /// every error worded in both languages, every frame's payload as long as its layout.
        #[test]
        fn any_requests_are_answered_or_refused_without_a_panic(
            list in proptest::collection::vec(requests(), 1..12)
        ) {
            let mut session = PlaneSession::new();
            let mut clock = ticking();
            for request in list {
                let mut out = PlaneOutbox::new();
                session.handle(request, clock(), &mut out);
                for _ in 0..3 {
                    if session.has_work() {
                        session.work(&mut clock, 4.0, &mut out);
                    }
                }
                for envelope in &out {
                    let text = serde_json::to_string(&envelope.msg).unwrap();
                    prop_assert!(serde_json::from_str::<FromPlane>(&text).is_ok(), "{}", text);
                    match &envelope.msg {
                        FromPlane::Frame(frame) => {
                            prop_assert_eq!(envelope.payload.as_ref().map(Vec::len), Some(frame.layout.len()));
                        }
                        FromPlane::Error(e) => {
                            prop_assert!(!e.en.is_empty() && !e.zh.is_empty());
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}
