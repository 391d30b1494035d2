//! Links read back to the configuration they were written from; the controls open what they
//! can hold and refuse the rest; hostile links give refusals, in bounded number and work,
//! never a panic and never a configuration the engine refuses.

use neurite::layers::Init;
use neurite::layers::window::Padding;
use neurite::spec::Pair;
use neurite::{
    Activation, Config, DatasetKind, LayerSpec, Loss, ModelSpec, OptimizerSpec, PixelMode,
};

use super::*;
use crate::draft::{ConvBlock, Draft, HiddenLayer, OptimizerChoice, PoolChoice};
use crate::i18n::Lang;

/// The keys of refusals, `None` for the whole link.
fn keys(refusals: &[LinkRefusal]) -> Vec<Option<&str>> {
    refusals.iter().map(|r| r.key.as_deref()).collect()
}

#[test]
fn the_seed_programs_link_is_empty_and_an_empty_link_is_the_seed_program() {
    assert_eq!(write_link(&Config::default()), "");
    for link in [
        "",
        "#",
        "https://example.org/neurite/index.html?lang=zh#",
        "#&&",
    ] {
        let read = read_link(link);
        assert_eq!(read.refusals, [], "{link:?}");
        assert_eq!(*read.config, Config::default());
        assert_eq!(open_link(link).draft, Draft::seed_program());
    }
}

/// The documentation's (docs/links.md) table of defaults: a change of the engine's defaults
/// changes what old links mean, and must change the table too.
#[test]
fn the_documented_defaults_are_the_engines() {
    let d = Config::default();
    let t = &d.training;
    assert_eq!(d.model.input_shape, [28, 28]);
    assert_eq!(
        layers::write_layers(&d.model.layers),
        "flatten,dense(128,relu),dense(10,softmax)"
    );
    assert_eq!(t.dataset, DatasetKind::Mnist);
    assert_eq!(t.optimizer, OptimizerSpec::adam());
    assert_eq!(
        OptimizerSpec::adam(),
        OptimizerSpec::Adam {
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7
        }
    );
    assert_eq!(
        OptimizerSpec::rmsprop(),
        OptimizerSpec::Rmsprop {
            rho: 0.9,
            momentum: 0.0,
            epsilon: 1e-7
        }
    );
    assert_eq!(
        (t.learning_rate, t.batch_size, t.epochs, t.seed),
        (0.001, 32, 5, 42)
    );
    assert_eq!((t.l1, t.l2, t.validation_split), (0.0, 0.0, 0.0));
    assert_eq!(
        (t.loss, t.pixels, t.train_subset),
        (Loss::SparseCategoricalCrossentropy, PixelMode::Scaled, None)
    );
}

#[test]
fn every_key_has_one_name() {
    for key in Key::ALL {
        assert_eq!(Key::from_name(key.name()), Some(key));
    }
    assert_eq!(KEYS.len(), Key::ALL.len());
    assert_eq!(Key::from_name("learning_rate"), None);
}

#[test]
fn the_names_of_datasets_and_losses_are_the_engines() {
    let datasets: Vec<&str> = DatasetKind::ALL.iter().map(|d| d.name()).collect();
    assert_eq!(DATASETS, datasets);
    let losses: Vec<&str> = Loss::ALL.iter().map(|l| l.name()).collect();
    assert_eq!(LOSSES, losses);
}

/// The example of docs/links.md.
const KERAS_CONVNET_ON_FASHION: &str = "#dataset=fashion-mnist&input=28x28x1&layers=conv2d(32,3,relu),maxpool2d,conv2d(64,3,relu),maxpool2d,flatten,dropout(0.5),dense(10,softmax)&opt=sgd&momentum=0.9&nesterov=1&lr=0.01&batch=64&epochs=3&l2=0.0001&pixels=raw&subset=5000&seed=7";

#[test]
fn a_link_sets_every_value_it_names() {
    let read = read_link(KERAS_CONVNET_ON_FASHION);
    assert_eq!(read.refusals, []);
    let mut expected = Config {
        model: ModelSpec::keras_convnet(),
        ..Config::default()
    };
    let t = &mut expected.training;
    t.dataset = DatasetKind::FashionMnist;
    t.optimizer = OptimizerSpec::Sgd {
        momentum: 0.9,
        nesterov: true,
    };
    (t.learning_rate, t.batch_size, t.epochs, t.l2) = (0.01, 64, 3, 1e-4);
    (t.pixels, t.train_subset, t.seed) = (PixelMode::Raw, Some(5000), 7);
    assert_eq!(*read.config, expected);
    assert_eq!(
        format!("#{}", write_link(&expected)),
        KERAS_CONVNET_ON_FASHION
    );
    // The controls show it all.
    let opened = open_link(KERAS_CONVNET_ON_FASHION);
    assert_eq!(opened.refusals, []);
    assert_eq!(opened.draft.optimizer, OptimizerChoice::Momentum);
    assert_eq!(opened.draft.conv.len(), 2);
    assert_eq!(opened.draft.check().unwrap().into_inner(), expected);
}

#[test]
fn keys_may_come_in_any_order_the_last_repeated_one_counts_and_empty_ones_keep_their_default() {
    let read = read_link("seed=1&momentum=0.5&opt=rmsprop&lr=0.1&lr=0.2&batch=&epochs&seed=2");
    assert_eq!(read.refusals, []);
    let t = &read.config.training;
    assert_eq!((t.learning_rate, t.seed), (0.2, 2));
    assert_eq!((t.batch_size, t.epochs), (32, 5));
    assert_eq!(
        t.optimizer,
        OptimizerSpec::Rmsprop {
            rho: 0.9,
            momentum: 0.5,
            epsilon: 1e-7
        }
    );
}

#[test]
fn escapes_and_spaces_a_browser_adds_are_read() {
    let read = read_link("#layers=flatten,%20dense(64,%20tanh),dense%2810%2Csoftmax%29&l%72=0.01");
    assert_eq!(read.refusals, []);
    assert_eq!(read.config.training.learning_rate, 0.01);
    assert_eq!(
        read.config.model.layers[1],
        LayerSpec::Dense {
            units: 64,
            activation: Activation::Tanh,
            init: Init::GlorotUniform
        }
    );
}

#[test]
fn hostile_values_are_refused_key_by_key_and_the_valid_ones_apply() {
    let read = read_link(
        "#lr=abc&colour=red&layers=flatten,dense(100000,relu),dense(10,softmax)&batch=0&epochs=2\
         &opt=adam&momentum=0.9&dataset=cifar&nesterov=maybe&seed=9007199254740992&pixels=raw",
    );
    assert_eq!(
        keys(&read.refusals),
        [
            None,
            Some("dataset"),
            Some("layers"),
            Some("momentum"),
            Some("nesterov"),
            Some("lr"),
            Some("batch"),
            Some("seed"),
        ]
    );
    let t = &read.config.training;
    assert_eq!(
        (t.epochs, t.pixels, t.optimizer),
        (2, PixelMode::Raw, OptimizerSpec::adam())
    );
    assert_eq!(read.config.model, ModelSpec::seed_mlp());
    assert_eq!((t.learning_rate, t.batch_size, t.seed), (0.001, 32, 42));
}

#[test]
fn refusals_read_in_both_languages_with_the_engines_reasons() {
    let message = |link: &str, lang| read_link(link).refusals[0].message(lang);
    assert_eq!(
        message("lr=abc", Lang::En),
        "lr: must be a number, got \"abc\""
    );
    assert_eq!(
        message("lr=abc", Lang::Zh),
        "lr（学习率）：应为一个数，收到的是 “abc”"
    );
    // A range is the engine's, without repeating the field the key names.
    let engine = neurite::config::check_learning_rate(0.0).unwrap_err();
    let neurite::Error::InvalidConfig { reason, .. } = &engine else {
        unreachable!()
    };
    assert_eq!(message("lr=0", Lang::En), format!("lr: {reason}"));
    assert_eq!(
        message("lr=0", Lang::Zh),
        format!(
            "lr（学习率）：{}",
            crate::i18n::engine_errors::reason(reason, Lang::Zh)
        )
    );
    assert_eq!(
        message(
            "layers=flatten,dense(5000,relu),dense(10,softmax)",
            Lang::En
        ),
        "layers: layers[1].units: a dense layer needs 1 to 4096 units, got 5000"
    );
    assert_eq!(
        message(
            "layers=flatten,dense(5000,relu),dense(10,softmax)",
            Lang::Zh
        ),
        "layers（网络层）：layers[1] 的神经元数：全连接层需要 1 到 4096 个神经元，收到的是 5000"
    );
    assert_eq!(
        message("colour=red", Lang::En),
        format!(
            "a link has no key \"colour\"; the keys are {}",
            KEYS.join(", ")
        )
    );
    assert!(message("colour=red", Lang::Zh).starts_with("链接中没有名为 “colour” 的项"));
    assert_eq!(
        message("layers=flatten,dense(10,swish)", Lang::En),
        "layers: layers[1] \"dense(10,swish)\" must be written dense(UNITS[,ACTIVATION][,init=INIT])"
    );
    assert_eq!(
        message("layers=flatten,dense(10,swish)", Lang::Zh),
        "layers（网络层）：layers[1] “dense(10,swish)” 应写作 dense(UNITS[,ACTIVATION][,init=INIT])"
    );
    assert_eq!(
        message("opt=adam&momentum=0.9", Lang::En),
        "momentum: the link's optimizer, adam, has no such constant"
    );
    assert_eq!(
        message("opt=adam&momentum=0.9", Lang::Zh),
        "momentum（动量 μ）：链接所用的优化器 adam 没有这个参数"
    );
    assert_eq!(
        message("pixels=grey", Lang::En),
        "pixels: must be one of scaled, raw; got \"grey\""
    );
    assert_eq!(
        message("pixels=grey", Lang::Zh),
        "pixels（像素）：应为 scaled、raw 之一，收到的是 “grey”"
    );
}

/// Within the engine's bounds on parameters, but not on memory at the default batch size.
const WIDE_CONVOLUTIONS: &str = "layers=conv2d(256,3,relu,padding=same),conv2d(256,3,relu,padding=same),flatten,dense(10,softmax)";

#[test]
fn a_configuration_the_engine_refuses_as_a_whole_keeps_the_seed_program() {
    for link in [
        WIDE_CONVOLUTIONS.to_string(),
        format!("{WIDE_CONVOLUTIONS}&batch=32&lr=0.1"),
    ] {
        let read = read_link(&link);
        assert_eq!(keys(&read.refusals), [None], "{link}");
        assert_eq!(*read.config, Config::default());
        let en = read.refusals[0].message(Lang::En);
        assert!(
            en.starts_with(
                "the link's setup was refused as a whole and the seed program kept: batch_size: "
            ) && en.contains("at most 18 samples per batch"),
            "{en}"
        );
        let zh = read.refusals[0].message(Lang::Zh);
        assert!(
            zh.starts_with("链接中的设置整体上无法使用，已保留种子程序的设置：批大小："),
            "{zh}"
        );
    }
    // With a batch size that fits, the same model is taken.
    let read = read_link(&format!("{WIDE_CONVOLUTIONS}&batch=16"));
    assert_eq!(read.refusals, []);
    assert_eq!(read.config.training.batch_size, 16);
    // A batch size too large for a model that fits at the default is refused alone.
    let read = read_link("layers=flatten,dense(1024,relu),dense(10,softmax)&batch=65536&lr=0.1");
    assert_eq!(keys(&read.refusals), [Some("batch")]);
    assert!(
        read.refusals[0]
            .message(Lang::En)
            .contains("samples per batch")
    );
    assert_eq!(read.config.model.layers.len(), 3);
    assert_eq!(read.config.training.learning_rate, 0.1);
}

#[test]
fn megabytes_of_junk_are_read_in_linear_work_with_bounded_refusals() {
    let junk: String = (0..50_000).map(|i| format!("k{i}=%zz{i}&")).collect();
    let layers = vec!["dense(1)"; 200_000].join(",");
    let link = format!("#{junk}layers={layers}&lr={}&seed=%", "9".repeat(500_000));
    assert!(link.len() > 2_000_000);
    let read = read_link(&link);
    assert_eq!(read.refusals.len(), MAX_REFUSALS);
    // 50 000 keys, then layers, lr (a number too large for its range) and seed.
    assert_eq!(read.more_refusals, 50_000 + 3 - MAX_REFUSALS);
    assert_eq!(*read.config, Config::default());
    for refusal in &read.refusals {
        assert!(refusal.message(Lang::En).len() < 1_000);
    }
    let read = read_link(&format!("layers={layers}&lr={}", "9".repeat(500_000)));
    assert_eq!(keys(&read.refusals), [Some("layers"), Some("lr")]);
    assert!(
        read.refusals
            .iter()
            .all(|r| r.message(Lang::Zh).chars().count() < 1_000)
    );
}

#[test]
fn the_controls_refuse_what_they_cannot_show_and_keep_the_rest() {
    let opened = open_link(
        "#input=784&layers=reshape(28x28x1),conv2d(8,3),globalavgpool2d,dense(10,softmax)\
         &l1=0.001&loss=mean_squared_error&val=0.1&opt=sgd&nesterov=1&lr=0.05&seed=3",
    );
    assert_eq!(
        keys(&opened.refusals),
        [
            Some("l1"),
            Some("loss"),
            Some("val"),
            Some("input"),
            Some("layers"),
            Some("nesterov")
        ]
    );
    assert_eq!(
        opened.refusals[0].message(Lang::En),
        "l1: the playground has no control for this setting; its default was kept"
    );
    assert_eq!(
        opened.refusals[0].message(Lang::Zh),
        "l1（L1 正则化）：实验场没有这项设置的控件，已保留默认值"
    );
    assert_eq!(
        opened.refusals[3].message(Lang::En),
        "input: the images are 28×28: the input must be 28x28 or 28x28x1, got 784"
    );
    assert!(
        opened.refusals[4]
            .message(Lang::En)
            .starts_with("layers: the playground's controls cannot show this model")
    );
    assert!(
        opened.refusals[4]
            .message(Lang::Zh)
            .starts_with("layers（网络层）：实验场的控件无法显示这个模型")
    );
    // The rest applied.
    let config = opened.draft.check().unwrap().into_inner();
    assert_eq!(config.model, ModelSpec::seed_mlp());
    assert_eq!(config.training.optimizer, OptimizerSpec::sgd());
    assert_eq!(
        (config.training.learning_rate, config.training.seed),
        (0.05, 3)
    );
    assert_eq!(opened.draft.optimizer, OptimizerChoice::Sgd);

    // The controls offer narrower dense layers than the engine: their refusal, with their words.
    let opened = open_link("layers=flatten,dense(2000,relu),dense(10,softmax)&epochs=1");
    assert_eq!(keys(&opened.refusals), [Some("layers")]);
    assert_eq!(
        opened.refusals[0].message(Lang::En),
        "layers: hidden[0].units: a dense layer needs 1 to 1024 units, got 2000"
    );
    assert_eq!(
        opened.refusals[0].message(Lang::Zh),
        "layers（网络层）：dense_1 的神经元数：全连接层需要 1 到 1024 个神经元，收到的是 2000"
    );
    assert_eq!(opened.draft.hidden, [HiddenLayer::relu(128)]);
    assert_eq!(opened.draft.epochs, "1");
}

// ---- Property tests (native only: proptest does not build for wasm32). ----

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;
    use crate::state::playground_url::layers::{ACTIVATIONS, INITS, LAYERS};

    fn activation() -> impl Strategy<Value = Activation> {
        select(Activation::ALL.to_vec())
    }

    fn init() -> impl Strategy<Value = Init> {
        select(INITS.map(|(init, _)| init).to_vec())
    }

    fn padding() -> impl Strategy<Value = Padding> {
        prop_oneof![Just(Padding::Valid), Just(Padding::Same)]
    }

    fn pair(max: usize) -> impl Strategy<Value = Pair> {
        (1..=max, 1..=max).prop_map(|(rows, columns)| Pair([rows, columns]))
    }

    /// A real number in `range`, or exactly 0.
    fn zero_or(range: std::ops::Range<f64>) -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), range]
    }

    fn pooling() -> impl Strategy<Value = LayerSpec> {
        (
            any::<bool>(),
            pair(2),
            proptest::option::of(pair(2)),
            padding(),
        )
            .prop_map(|(max, pool_size, strides, padding)| {
                if max {
                    LayerSpec::MaxPooling2d {
                        pool_size,
                        strides,
                        padding,
                    }
                } else {
                    LayerSpec::AveragePooling2d {
                        pool_size,
                        strides,
                        padding,
                    }
                }
            })
    }

    fn convolution() -> impl Strategy<Value = Vec<LayerSpec>> {
        (
            1..=8usize,
            pair(3),
            pair(2),
            padding(),
            activation(),
            init(),
            proptest::option::of(pooling()),
        )
            .prop_map(
                |(filters, kernel_size, strides, padding, activation, init, pool)| {
                    let mut layers = vec![LayerSpec::Conv2d {
                        filters,
                        kernel_size,
                        strides,
                        padding,
                        activation,
                        init,
                    }];
                    layers.extend(pool);
                    layers
                },
            )
    }

    fn hidden() -> impl Strategy<Value = Vec<LayerSpec>> {
        let after = prop_oneof![
            Just(None),
            (0.0..0.9f64).prop_map(|rate| Some(LayerSpec::Dropout { rate })),
            activation().prop_map(|activation| Some(LayerSpec::Activation { activation })),
        ];
        (1..=64usize, activation(), init(), after).prop_map(|(units, activation, init, after)| {
            let mut layers = vec![LayerSpec::Dense {
                units,
                activation,
                init,
            }];
            layers.extend(after);
            layers
        })
    }

    /// Models of every layer the engine has, most of which check.
    fn model() -> impl Strategy<Value = ModelSpec> {
        let input = select(vec![vec![28, 28], vec![28, 28, 1], vec![784]]);
        (
            input,
            proptest::collection::vec(convolution(), 0..=2),
            any::<bool>(),
            proptest::collection::vec(hidden(), 0..=3),
            (1..=10usize, activation(), init()),
        )
            .prop_map(
                |(input_shape, convolutions, global, hidden, (units, activation, init))| {
                    let mut layers = Vec::new();
                    let image = !convolutions.is_empty();
                    if image && input_shape == [784] {
                        layers.push(LayerSpec::Reshape {
                            target_shape: neurite::TargetShape::new(&[28, 28, 1]).unwrap(),
                        });
                    }
                    layers.extend(convolutions.into_iter().flatten());
                    if image && global {
                        layers.push(LayerSpec::GlobalAveragePooling2d);
                    } else if input_shape != [784] || image {
                        layers.push(LayerSpec::Flatten);
                    }
                    layers.extend(hidden.into_iter().flatten());
                    layers.push(LayerSpec::Dense {
                        units,
                        activation,
                        init,
                    });
                    ModelSpec {
                        input_shape,
                        layers,
                    }
                },
            )
    }

    fn optimizer() -> impl Strategy<Value = OptimizerSpec> {
        prop_oneof![
            (zero_or(0.0..0.99), any::<bool>())
                .prop_map(|(momentum, nesterov)| OptimizerSpec::Sgd { momentum, nesterov }),
            (0.0..0.999f64, 0.0..0.9999f64, 1e-9..1e-3f64).prop_map(|(beta_1, beta_2, epsilon)| {
                OptimizerSpec::Adam {
                    beta_1,
                    beta_2,
                    epsilon,
                }
            }),
            (0.0..0.99f64, zero_or(0.0..0.99), 1e-9..1e-3f64).prop_map(
                |(rho, momentum, epsilon)| OptimizerSpec::Rmsprop {
                    rho,
                    momentum,
                    epsilon
                }
            ),
            Just(OptimizerSpec::adam()),
        ]
    }

    fn training() -> impl Strategy<Value = neurite::TrainConfig> {
        (
            (1e-5..10.0f64, 1..=256usize, 1..=50usize, optimizer()),
            (
                zero_or(1e-6..0.1),
                zero_or(1e-6..0.1),
                select(Loss::ALL.to_vec()),
            ),
            (
                zero_or(0.0..0.9),
                any::<bool>(),
                select(DatasetKind::ALL.to_vec()),
            ),
            (
                proptest::option::of(1..=60_000usize),
                0..=neurite::config::MAX_SAFE_INTEGER,
            ),
        )
            .prop_map(
                |(
                    (learning_rate, batch_size, epochs, optimizer),
                    (l1, l2, loss),
                    (validation_split, raw, dataset),
                    (train_subset, seed),
                )| neurite::TrainConfig {
                    learning_rate,
                    batch_size,
                    epochs,
                    optimizer,
                    loss,
                    l1,
                    l2,
                    seed,
                    pixels: if raw {
                        PixelMode::Raw
                    } else {
                        PixelMode::Scaled
                    },
                    dataset,
                    validation_split,
                    train_subset,
                },
            )
    }

    fn config() -> impl Strategy<Value = Config> {
        (model(), training())
            .prop_map(|(model, training)| Config { model, training })
            .prop_filter("the engine checks it", |c| c.clone().check().is_ok())
    }

    /// A number's text as the controls hold it.
    fn text(value: impl ToString) -> String {
        value.to_string()
    }

    fn conv_block() -> impl Strategy<Value = ConvBlock> {
        (
            (1..=8usize, pair(3), padding(), activation()),
            select(PoolChoice::ALL.to_vec()),
            (
                pair(2),
                init(),
                pair(2),
                proptest::option::of(pair(2)),
                padding(),
            ),
        )
            .prop_map(
                |(
                    (filters, Pair([kh, kw]), padding, activation),
                    pool,
                    (strides, init, pool_size, pool_strides, pool_padding),
                )| {
                    let mut block = ConvBlock {
                        filters: text(filters),
                        kernel: if kh == kw {
                            text(kh)
                        } else {
                            format!("{kh}×{kw}")
                        },
                        padding,
                        activation,
                        pool,
                        strides,
                        init,
                        pool_size,
                        pool_strides,
                        pool_padding,
                    };
                    // Without pooling, the pooling's kept values are a new block's.
                    if pool == PoolChoice::None {
                        let fresh = ConvBlock::relu(1);
                        (block.pool_size, block.pool_strides, block.pool_padding) =
                            (fresh.pool_size, fresh.pool_strides, fresh.pool_padding);
                    }
                    block
                },
            )
    }

    fn rate_text() -> impl Strategy<Value = String> {
        zero_or(0.0..0.9).prop_map(text)
    }

    fn hidden_layer() -> impl Strategy<Value = HiddenLayer> {
        (1..=1024usize, activation(), rate_text(), init()).prop_map(
            |(units, activation, dropout, init)| HiddenLayer {
                units: text(units),
                activation,
                dropout,
                init,
            },
        )
    }

    /// The controls' values as a learner leaves them, each as the controls write it.
    fn draft() -> impl Strategy<Value = Draft> {
        (
            (
                select(DatasetKind::ALL.to_vec()),
                any::<bool>(),
                proptest::collection::vec(conv_block(), 0..=2),
                rate_text(),
                proptest::collection::vec(hidden_layer(), 0..=3),
            ),
            (
                select(OptimizerChoice::ALL.to_vec()),
                0.01..0.99f64,
                any::<bool>(),
                (0.0..0.999f64, 0.0..0.9999f64, 0.0..0.99f64, 1e-9..1e-3f64),
            ),
            (
                1e-5..10.0f64,
                1..=512usize,
                1..=100usize,
                zero_or(1e-6..0.1),
            ),
            (
                any::<bool>(),
                proptest::option::of(1..=60_000usize),
                0..=neurite::config::MAX_SAFE_INTEGER,
                init(),
            ),
        )
            .prop_map(
                |(
                    (dataset, channel, conv, flatten_dropout, hidden),
                    (optimizer, momentum, nesterov, (beta_1, beta_2, rho, epsilon)),
                    (learning_rate, batch_size, epochs, l2),
                    (raw, subset, seed, output_init),
                )| {
                    let seed_program = Draft::seed_program();
                    let mut draft = Draft {
                        dataset,
                        input_shape: if channel {
                            vec![28, 28, 1]
                        } else {
                            vec![28, 28]
                        },
                        conv,
                        flatten_dropout,
                        hidden,
                        optimizer,
                        learning_rate: text(learning_rate),
                        batch_size: text(batch_size),
                        epochs: text(epochs),
                        l2: text(l2),
                        pixels: if raw {
                            PixelMode::Raw
                        } else {
                            PixelMode::Scaled
                        },
                        train_subset: subset.map(text).unwrap_or_default(),
                        seed: text(seed),
                        output_init,
                        ..seed_program.clone()
                    };
                    // The optimizer's fields that the chosen entry shows; the others as a
                    // draft from a configuration has them.
                    match optimizer {
                        OptimizerChoice::Sgd => {}
                        OptimizerChoice::Momentum => {
                            (draft.momentum, draft.nesterov) = (text(momentum), nesterov);
                        }
                        OptimizerChoice::Adam => {
                            (draft.beta_1, draft.beta_2, draft.epsilon) =
                                (text(beta_1), text(beta_2), text(epsilon));
                        }
                        OptimizerChoice::Rmsprop => {
                            (draft.rho, draft.momentum, draft.epsilon) =
                                (text(rho), text(momentum), text(epsilon));
                        }
                    }
                    draft
                },
            )
            .prop_filter("the engine checks it", |d| d.check().is_ok())
    }

    /// What the controls show of `draft`: its optimizer's fields only of the optimizer's.
    fn shown(draft: &Draft) -> Draft {
        let mut shown = draft.clone();
        let (momentum, nesterov, adam, rho, epsilon) = match draft.optimizer {
            OptimizerChoice::Sgd => (false, false, false, false, false),
            OptimizerChoice::Momentum => (true, true, false, false, false),
            OptimizerChoice::Adam => (false, false, true, false, true),
            OptimizerChoice::Rmsprop => (true, false, false, true, true),
        };
        let hide = |shows: bool, text: &mut String| {
            if !shows {
                text.clear();
            }
        };
        hide(momentum, &mut shown.momentum);
        hide(adam, &mut shown.beta_1);
        hide(adam, &mut shown.beta_2);
        hide(rho, &mut shown.rho);
        hide(epsilon, &mut shown.epsilon);
        shown.nesterov &= nesterov;
        shown
    }

    /// Texts built of what links hold, and of what they should not.
    fn hostile() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            select(KEYS).prop_map(String::from),
            select(LAYERS).prop_map(String::from),
            select(ACTIVATIONS).prop_map(String::from),
            select(vec![
                "=",
                "&",
                "#",
                ",",
                "(",
                ")",
                "x",
                "%",
                "%2",
                "%26",
                "%3D",
                "%28",
                "%E4%B8%AD",
                "%FF",
                "NaN",
                "inf",
                "-",
                "e",
                "=same",
                "init=",
                "strides=",
                "sgd",
                "raw",
                "fashion-mnist",
                " ",
            ])
            .prop_map(String::from),
            "[0-9]{1,25}",
            "-?[0-9]{0,3}\\.?[0-9]{0,4}(e-?[0-9]{1,3})?",
            "\\PC{1,6}",
        ];
        proptest::collection::vec(token, 0..120).prop_map(|tokens| tokens.concat())
    }

    proptest! {
        #[test]
        fn every_configuration_reads_back_from_its_link(config in config()) {
            let link = write_link(&config);
            let read = read_link(&link);
            prop_assert_eq!(&read.refusals, &Vec::<LinkRefusal>::new(), "{}", link);
            prop_assert_eq!(read.config.into_inner(), config);
        }

        #[test]
        fn every_setup_of_the_controls_opens_as_it_was(draft in draft()) {
            let config = draft.check().unwrap().into_inner();
            let link = write_link(&config);
            let opened = open_link(&link);
            prop_assert_eq!(&opened.refusals, &Vec::<LinkRefusal>::new(), "{}", link);
            // The controls show what the learner left, and check to the same configuration.
            prop_assert_eq!(shown(&opened.draft), shown(&draft));
            prop_assert_eq!(opened.draft.check().unwrap().into_inner(), config);
            // The page writes the same link again: the address does not move.
            prop_assert_eq!(write_link(&opened.draft.check().unwrap()), link);
        }

        #[test]
        fn any_text_gives_a_configuration_and_bounded_refusals(text in hostile()) {
            check_hostile(&text)?;
        }

        #[test]
        fn any_text_repeated_gives_a_configuration_and_bounded_refusals(
            text in hostile(), times in 1..3_000usize,
        ) {
            check_hostile(&text.repeat(times))?;
        }

        #[test]
        fn any_unicode_gives_a_configuration_and_bounded_refusals(text in "\\PC{0,400}") {
            check_hostile(&text)?;
        }
    }

    /// Reading `text` gives a configuration the engine and the controls take, refusals within
    /// the bound and worded in both languages, and a link of its own that reads back as it.
    fn check_hostile(text: &str) -> Result<(), TestCaseError> {
        let read = read_link(text);
        prop_assert!(read.refusals.len() <= MAX_REFUSALS);
        prop_assert!(read.more_refusals == 0 || read.refusals.len() == MAX_REFUSALS);
        for refusal in &read.refusals {
            for lang in [Lang::En, Lang::Zh] {
                let message = refusal.message(lang);
                prop_assert!(
                    !message.is_empty() && message.chars().count() < 2_000,
                    "{}",
                    message
                );
            }
        }
        let link = write_link(&read.config);
        let again = read_link(&link);
        prop_assert_eq!(&again.refusals, &Vec::<LinkRefusal>::new(), "{}", link);
        prop_assert_eq!(&again.config, &read.config);
        let opened = open_link(text);
        prop_assert!(opened.refusals.len() <= MAX_REFUSALS);
        prop_assert!(opened.draft.check().is_ok());
        Ok(())
    }
}
