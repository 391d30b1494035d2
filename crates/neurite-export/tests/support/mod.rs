//! What the export tests share: model files made from specifications, and random valid ones.

use neurite::layers::window::Padding;
use neurite::spec::Pair;
use neurite::{Activation, LayerSpec, ModelSpec, PixelMode, Sequential, TargetShape};
use neurite_export::SourceModel;
use proptest::prelude::*;

/// The bytes of a model file of `spec`, its weights initialised from `seed`.
pub fn model_file(spec: &ModelSpec, seed: u64, pixels: PixelMode) -> Vec<u8> {
    let mut model = Sequential::<f32>::from_spec(spec, seed).expect("a valid specification");
    model.set_pixels(pixels);
    neurite::model_file::to_bytes(&model)
}

/// A [`SourceModel`] of `spec`.
pub fn source(spec: &ModelSpec) -> SourceModel {
    SourceModel::from_bytes(&model_file(spec, 7, PixelMode::Scaled)).expect("a file Neurite wrote")
}

/// A specification from JSON.
pub fn spec(json: &str) -> ModelSpec {
    ModelSpec::from_json(json).expect("a well-formed specification")
}

/// Any activation.
fn activation() -> impl Strategy<Value = Activation> {
    proptest::sample::select(Activation::ALL.to_vec())
}

/// A small window or stride.
fn pair() -> impl Strategy<Value = Pair> {
    (1usize..5, 1usize..5).prop_map(|(a, b)| Pair([a, b]))
}

fn padding() -> impl Strategy<Value = Padding> {
    prop_oneof![Just(Padding::Valid), Just(Padding::Same)]
}

/// A layer that takes an image and gives one: a convolution, a pooling layer, an activation,
/// a dropout.
fn image_layer() -> impl Strategy<Value = LayerSpec> {
    prop_oneof![
        (1usize..5, pair(), pair(), padding(), activation()).prop_map(
            |(filters, kernel_size, strides, padding, activation)| LayerSpec::Conv2d {
                filters,
                kernel_size,
                strides,
                padding,
                activation,
                init: Default::default(),
            }
        ),
        (pair(), proptest::option::of(pair()), padding()).prop_map(
            |(pool_size, strides, padding)| LayerSpec::MaxPooling2d {
                pool_size,
                strides,
                padding,
            }
        ),
        (pair(), proptest::option::of(pair()), padding()).prop_map(
            |(pool_size, strides, padding)| LayerSpec::AveragePooling2d {
                pool_size,
                strides,
                padding,
            }
        ),
        activation().prop_map(|activation| LayerSpec::Activation { activation }),
        Just(LayerSpec::Dropout { rate: 0.25 }),
    ]
}

/// A layer that takes a vector and gives one.
fn vector_layer() -> impl Strategy<Value = LayerSpec> {
    prop_oneof![
        (1usize..12, activation()).prop_map(|(units, activation)| LayerSpec::Dense {
            units,
            activation,
            init: Default::default(),
        }),
        activation().prop_map(|activation| LayerSpec::Activation { activation }),
        Just(LayerSpec::Dropout { rate: 0.5 }),
    ]
}

/// Specifications of 28 × 28 inputs (`[28, 28]`, `[28, 28, 1]`, `[14, 28, 2]`, or `[784]`
/// reshaped): image layers, a flatten or a global pooling, vector layers, and mostly a dense
/// layer of 10 outputs at the end. Some are not valid (a window larger than its image, no
/// weights): a test skips those, as the engine refuses them.
pub fn image_model() -> impl Strategy<Value = ModelSpec> {
    let inputs = vec![vec![28, 28], vec![28, 28, 1], vec![14, 28, 2], vec![784]];
    let to_vector = prop_oneof![
        Just(LayerSpec::Flatten),
        Just(LayerSpec::GlobalAveragePooling2d)
    ];
    (
        proptest::sample::select(inputs),
        proptest::collection::vec(image_layer(), 0..5),
        to_vector,
        proptest::collection::vec(vector_layer(), 0..3),
        proptest::option::weighted(0.8, activation()),
    )
        .prop_map(
            |(input_shape, image_layers, to_vector, vector_layers, last)| {
                let mut layers = Vec::new();
                if input_shape == [784] {
                    let image = TargetShape::new(&[28, 28, 1]).expect("three sizes");
                    layers.push(LayerSpec::Reshape {
                        target_shape: image,
                    });
                }
                layers.extend(image_layers);
                layers.push(to_vector);
                layers.extend(vector_layers);
                layers.extend(last.map(|activation| LayerSpec::Dense {
                    units: 10,
                    activation,
                    init: Default::default(),
                }));
                ModelSpec {
                    input_shape,
                    layers,
                }
            },
        )
}
