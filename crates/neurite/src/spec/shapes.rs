//! Shapes through a [`ModelSpec`]: what each layer receives and gives per sample, checked
//! layer by layer before anything is built, with Keras's rules — dense layers take flat
//! vectors, convolution and pooling layers take images (`[h, w]`, one channel implied, or
//! `[h, w, c]`), and a window must fit its image.

use super::{LayerSpec, ModelSpec, Pair, check_units};
use crate::layers::window::{Image, Padding, Window};
use crate::{Bound, Error, Quantity, Reason, Result};

/// The most kernels a convolution may have.
pub const MAX_FILTERS: usize = 1024;
/// The largest kernel or pooling window, and the longest stride, along either axis.
pub const MAX_WINDOW: usize = 32;

/// One layer of a specification with the shape of its samples in and out.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerShape {
    /// What it receives per sample (the model's input shape for the first layer).
    pub input: Vec<usize>,
    /// What it gives per sample: `[h, w, c]` for an image, `[features]` for a vector.
    pub output: Vec<usize>,
    /// Where a convolution's kernel or a pooling window lands.
    pub window: Option<Window>,
}

impl LayerShape {
    /// Numbers per output sample.
    pub fn output_features(&self) -> usize {
        self.output.iter().product()
    }
}

impl ModelSpec {
    /// Each layer's shapes, input to output, checking on the way every layer's ranges and
    /// that each receives what it takes. An error names the layer's field (`layers[2].units`).
    pub fn layer_shapes(&self) -> Result<Vec<LayerShape>> {
        self.check_input_shape()?;
        let mut shape = self.input_shape.clone();
        let mut shapes = Vec::with_capacity(self.layers.len());
        for (i, layer) in self.layers.iter().enumerate() {
            let field = |name: &str| format!("layers[{i}].{name}");
            let image = |shape: &[usize]| {
                Image::from_shape(shape).ok_or_else(|| {
                    Error::invalid(
                        format!("layers[{i}]"),
                        Reason::NeedsImage {
                            input_shape: shape.to_vec(),
                        },
                    )
                })
            };
            let window = |image: Image, size: Pair, strides: Pair, padding: Padding| {
                check_window(&field("kernel_size"), size)?;
                check_window(&field("strides"), strides)?;
                Window::new(image, size.0, strides.0, padding).ok_or_else(|| {
                    Error::invalid(
                        format!("layers[{i}]"),
                        Reason::WindowLargerThanImage {
                            window: size.0,
                            image: [image.height, image.width],
                        },
                    )
                })
            };
            let (output, window) = match *layer {
                LayerSpec::Flatten => (vec![shape.iter().product()], None),
                LayerSpec::Reshape { target_shape } => {
                    let numbers = target_shape
                        .sizes()
                        .iter()
                        .try_fold(1usize, |product, &size| product.checked_mul(size));
                    if numbers != Some(shape.iter().product()) {
                        return Err(Error::invalid(
                            field("target_shape"),
                            Reason::ReshapeSize {
                                input_shape: shape.clone(),
                                target_shape: target_shape.sizes().to_vec(),
                            },
                        ));
                    }
                    (target_shape.sizes().to_vec(), None)
                }
                LayerSpec::Dense { units, .. } => {
                    check_units(&field("units"), units, super::MAX_UNITS)?;
                    if shape.len() != 1 {
                        return Err(Error::invalid(
                            format!("layers[{i}]"),
                            Reason::FlattenFirst {
                                input_shape: shape.clone(),
                            },
                        ));
                    }
                    (vec![units], None)
                }
                LayerSpec::Activation { .. } => (shape.clone(), None),
                LayerSpec::Dropout { rate } => {
                    if !(rate.is_finite() && (0.0..1.0).contains(&rate)) {
                        return Err(Error::invalid(
                            field("rate"),
                            Reason::range(
                                Quantity::DropoutRate,
                                rate,
                                Some(Bound::inclusive(0.0)),
                                Some(Bound::exclusive(1.0)),
                            ),
                        ));
                    }
                    (shape.clone(), None)
                }
                LayerSpec::Conv2d {
                    filters,
                    kernel_size,
                    strides,
                    padding,
                    ..
                } => {
                    if !(1..=MAX_FILTERS).contains(&filters) {
                        return Err(Error::invalid(
                            field("filters"),
                            Reason::whole(Quantity::Whole, filters, 1, MAX_FILTERS),
                        ));
                    }
                    let image = image(&shape)?;
                    let w = window(image, kernel_size, strides, padding)?;
                    (vec![w.output[0], w.output[1], filters], Some(w))
                }
                LayerSpec::MaxPooling2d {
                    pool_size,
                    strides,
                    padding,
                }
                | LayerSpec::AveragePooling2d {
                    pool_size,
                    strides,
                    padding,
                } => {
                    let image = image(&shape)?;
                    let w = (|| {
                        check_window(&field("pool_size"), pool_size)?;
                        window(image, pool_size, strides.unwrap_or(pool_size), padding)
                    })()?;
                    (vec![w.output[0], w.output[1], image.channels], Some(w))
                }
                LayerSpec::GlobalAveragePooling2d => (vec![image(&shape)?.channels], None),
            };
            shapes.push(LayerShape {
                input: std::mem::replace(&mut shape, output.clone()),
                output,
                window,
            });
        }
        Ok(shapes)
    }

    /// The input cells that output cell `(row, column)` of layer `index` depends on — its
    /// receptive field — as `[rows, columns]` of the input image, padding left out: each
    /// window below it widens the field by its size and multiplies it by its stride. `None`
    /// when the layer's output is no image (after a flatten) or the cell is outside it.
    pub fn receptive_field(
        &self,
        index: usize,
        row: usize,
        column: usize,
    ) -> Option<[std::ops::Range<usize>; 2]> {
        let shapes = self.layer_shapes().ok()?;
        let output = Image::from_shape(&shapes.get(index)?.output)?;
        if row >= output.height || column >= output.width {
            return None;
        }
        let (mut rows, mut columns) = (row..row + 1, column..column + 1);
        for shape in shapes[..=index].iter().rev() {
            Image::from_shape(&shape.input)?;
            if let Some(w) = &shape.window {
                rows = w.input_rows(rows.start).start..w.input_rows(rows.end - 1).end;
                columns =
                    w.input_columns(columns.start).start..w.input_columns(columns.end - 1).end;
            }
        }
        Some([rows, columns])
    }

    /// Checks the input shape: no dimension 0, at most [`super::MAX_INPUT_FEATURES`] numbers.
    pub(super) fn check_input_shape(&self) -> Result<()> {
        if self.input_shape.is_empty() || self.input_shape.contains(&0) {
            return Err(Error::invalid(
                "input_shape",
                Reason::ZeroDimension {
                    input_shape: self.input_shape.clone(),
                },
            ));
        }
        let features = self
            .input_shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .filter(|&f| f <= super::MAX_INPUT_FEATURES);
        if features.is_none() {
            return Err(Error::invalid(
                "input_shape",
                Reason::TooManyFeatures {
                    input_shape: self.input_shape.clone(),
                    max: super::MAX_INPUT_FEATURES,
                },
            ));
        }
        Ok(())
    }
}

/// Checks a window's size or strides: 1 to [`MAX_WINDOW`] along each axis.
fn check_window(field: &str, pair: Pair) -> Result<()> {
    match pair.0.into_iter().find(|n| !(1..=MAX_WINDOW).contains(n)) {
        Some(bad) => Err(Error::invalid(
            field,
            Reason::whole(Quantity::Whole, bad, 1, MAX_WINDOW),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Activation;
    use crate::layers::Init;
    use crate::spec::TargetShape;

    fn conv(filters: usize, size: usize, padding: Padding) -> LayerSpec {
        LayerSpec::Conv2d {
            filters,
            kernel_size: Pair::square(size),
            strides: Pair::square(1),
            padding,
            activation: Activation::Relu,
            init: Init::GlorotUniform,
        }
    }

    fn max_pool(size: usize) -> LayerSpec {
        LayerSpec::MaxPooling2d {
            pool_size: Pair::square(size),
            strides: None,
            padding: Padding::Valid,
        }
    }

    fn dense(units: usize) -> LayerSpec {
        LayerSpec::Dense {
            units,
            activation: Activation::Softmax,
            init: Init::GlorotUniform,
        }
    }

    #[test]
    fn kerass_convnet_has_kerass_shapes() {
        let spec = ModelSpec::keras_convnet();
        let outputs: Vec<Vec<usize>> = spec
            .layer_shapes()
            .unwrap()
            .into_iter()
            .map(|s| s.output)
            .collect();
        assert_eq!(
            outputs,
            [
                vec![26, 26, 32],
                vec![13, 13, 32],
                vec![11, 11, 64],
                vec![5, 5, 64],
                vec![1600],
                vec![1600],
                vec![10],
            ]
        );
    }

    #[test]
    fn shapes_that_do_not_chain_are_refused_with_the_layer_named() {
        let refused = |input_shape: Vec<usize>, layers: Vec<LayerSpec>| {
            ModelSpec {
                input_shape,
                layers,
            }
            .layer_shapes()
            .unwrap_err()
        };
        // A convolution after flatten: no image left.
        match refused(
            vec![28, 28],
            vec![LayerSpec::Flatten, conv(4, 3, Padding::Valid), dense(10)],
        ) {
            Error::InvalidConfig {
                field,
                reason: Reason::NeedsImage { input_shape },
            } => assert_eq!((field.as_str(), input_shape), ("layers[1]", vec![784])),
            other => panic!("{other:?}"),
        }
        // A window larger than its image.
        match refused(
            vec![28, 28],
            vec![
                max_pool(2),
                max_pool(2),
                max_pool(2),
                conv(4, 5, Padding::Valid),
            ],
        ) {
            Error::InvalidConfig {
                field,
                reason: Reason::WindowLargerThanImage { window, image },
            } => assert_eq!(
                (field.as_str(), window, image),
                ("layers[3]", [5, 5], [3, 3])
            ),
            other => panic!("{other:?}"),
        }
        // A dense layer on an image.
        assert!(matches!(
            refused(vec![28, 28], vec![conv(4, 3, Padding::Same), dense(10)]),
            Error::InvalidConfig {
                reason: Reason::FlattenFirst { .. },
                ..
            }
        ));
        for (layer, field) in [
            (conv(0, 3, Padding::Valid), "layers[0].filters"),
            (
                conv(MAX_FILTERS + 1, 3, Padding::Valid),
                "layers[0].filters",
            ),
            (conv(2, 0, Padding::Same), "layers[0].kernel_size"),
            (
                conv(2, MAX_WINDOW + 1, Padding::Same),
                "layers[0].kernel_size",
            ),
            (max_pool(0), "layers[0].pool_size"),
            (
                LayerSpec::AveragePooling2d {
                    pool_size: Pair::square(2),
                    strides: Some(Pair([1, 0])),
                    padding: Padding::Valid,
                },
                "layers[0].strides",
            ),
        ] {
            match refused(vec![8, 8, 2], vec![layer]) {
                Error::InvalidConfig { field: f, .. } => assert_eq!(f, field, "{layer:?}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn receptive_fields_grow_through_each_window() {
        let spec = ModelSpec::keras_convnet();
        // conv 3×3: a 3×3 field; then pool 2: 4×4; conv 3×3 on the pooled image: 8×8;
        // pool 2: 10×10.
        assert_eq!(spec.receptive_field(0, 0, 0), Some([0..3, 0..3]));
        assert_eq!(spec.receptive_field(0, 25, 25), Some([25..28, 25..28]));
        assert_eq!(spec.receptive_field(1, 1, 2), Some([2..6, 4..8]));
        assert_eq!(spec.receptive_field(2, 0, 0), Some([0..8, 0..8]));
        assert_eq!(spec.receptive_field(3, 4, 4), Some([16..26, 16..26]));
        assert_eq!(spec.receptive_field(3, 5, 0), None, "outside the 5×5 map");
        assert_eq!(
            spec.receptive_field(4, 0, 0),
            None,
            "flatten's output is no image"
        );
        // same padding: the field is clipped to the image.
        let lenet = ModelSpec::lenet();
        assert_eq!(lenet.receptive_field(0, 0, 0), Some([0..3, 0..3]));
        assert_eq!(lenet.receptive_field(0, 27, 10), Some([25..28, 8..13]));
    }

    #[test]
    fn a_flat_input_refuses_a_convolution_and_a_three_d_one_takes_it() {
        assert!(
            ModelSpec {
                input_shape: vec![784],
                layers: vec![conv(2, 3, Padding::Valid)],
            }
            .layer_shapes()
            .is_err()
        );
        let shapes = ModelSpec {
            input_shape: vec![6, 5, 3],
            layers: vec![conv(2, 3, Padding::Same), LayerSpec::GlobalAveragePooling2d],
        }
        .layer_shapes()
        .unwrap();
        assert_eq!(shapes[0].output, [6, 5, 2]);
        assert_eq!(shapes[1].output, [2]);
    }

    #[test]
    fn a_reshape_keeps_the_numbers_or_is_refused_naming_both_shapes() {
        let reshape = |sizes: &[usize]| LayerSpec::Reshape {
            target_shape: TargetShape::new(sizes).unwrap(),
        };
        // A flat input made an image again: a convolution takes it.
        let shapes = ModelSpec {
            input_shape: vec![784],
            layers: vec![reshape(&[28, 28, 1]), conv(2, 3, Padding::Valid)],
        }
        .layer_shapes()
        .unwrap();
        assert_eq!(shapes[0].output, [28, 28, 1]);
        assert_eq!(shapes[1].output, [26, 26, 2]);
        let error = ModelSpec {
            input_shape: vec![28, 28],
            layers: vec![reshape(&[28, 27])],
        }
        .layer_shapes()
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "layers[0].target_shape: a reshape to [28, 27] must hold the 784 numbers of its \
             input [28, 28]"
        );
        // Sizes whose product overflows are refused, not wrapped around.
        let huge = ModelSpec {
            input_shape: vec![4],
            layers: vec![reshape(&[1 << 32, 1 << 32, 4])],
        };
        assert!(huge.layer_shapes().is_err());
        assert!(TargetShape::new(&[]).is_none() && TargetShape::new(&[1, 2, 3, 4]).is_none());
        let json = r#"{"type":"reshape","target_shape":[28,28,1]}"#;
        let parsed: LayerSpec = serde_json::from_str(json).unwrap();
        assert_eq!(parsed, reshape(&[28, 28, 1]));
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        let four: Result<LayerSpec, _> =
            serde_json::from_str(r#"{"type":"reshape","target_shape":[1,2,3,4]}"#);
        assert!(four.unwrap_err().to_string().contains("one to three sizes"));
    }

    fn any_layer() -> impl proptest::strategy::Strategy<Value = LayerSpec> {
        use proptest::prelude::*;
        let pair = || (0usize..6, 0usize..6).prop_map(|(a, b)| Pair([a, b]));
        let padding = || prop_oneof![Just(Padding::Valid), Just(Padding::Same)];
        prop_oneof![
            Just(LayerSpec::Flatten),
            Just(LayerSpec::GlobalAveragePooling2d),
            (0usize..6).prop_map(|units| LayerSpec::Dense {
                units,
                activation: Activation::Relu,
                init: Init::GlorotUniform,
            }),
            (0usize..5, pair(), pair(), padding()).prop_map(
                |(filters, kernel_size, strides, padding)| {
                    LayerSpec::Conv2d {
                        filters,
                        kernel_size,
                        strides,
                        padding,
                        activation: Activation::Tanh,
                        init: Init::GlorotUniform,
                    }
                }
            ),
            (pair(), proptest::option::of(pair()), padding()).prop_map(
                |(pool_size, strides, padding)| {
                    LayerSpec::MaxPooling2d {
                        pool_size,
                        strides,
                        padding,
                    }
                }
            ),
            (pair(), proptest::option::of(pair()), padding()).prop_map(
                |(pool_size, strides, padding)| {
                    LayerSpec::AveragePooling2d {
                        pool_size,
                        strides,
                        padding,
                    }
                }
            ),
            Just(LayerSpec::Activation {
                activation: Activation::Softmax
            }),
            Just(LayerSpec::Dropout { rate: 0.25 }),
            proptest::collection::vec(0usize..30, 1..=3).prop_map(|sizes| LayerSpec::Reshape {
                target_shape: TargetShape::new(&sizes).unwrap(),
            }),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        /// Any specification validates with shapes that chain through the built model, or is
        /// refused with an error; nothing panics. (About one in eight of these validates.)
        #[test]
        fn any_spec_is_refused_or_builds_with_the_shapes_it_states(
            input_shape in proptest::collection::vec(0usize..10, 1..4),
            mut layers in proptest::collection::vec(any_layer(), 0..7),
            finish in proptest::bool::ANY,
        ) {
            // Half of them end as classifiers do, so that many validate.
            if finish {
                layers.extend([LayerSpec::Flatten, dense(3)]);
            }
            let spec = ModelSpec { input_shape, layers };
            let shapes = spec.layer_shapes();
            let Ok(()) = spec.validate() else { return Ok(()); };
            let shapes = shapes.expect("a valid specification has shapes");
            let mut model = crate::Sequential::<f64>::from_spec(&spec, 1).unwrap();
            proptest::prop_assert_eq!(model.layers().len(), shapes.len());
            for (layer, shape) in model.layers().iter().zip(&shapes) {
                proptest::prop_assert_eq!(layer.output_features(), shape.output_features());
            }
            let x = ndarray::Array2::from_shape_fn((2, spec.input_features()), |(i, j)| ((i + j) % 5) as f64 * 0.3);
            let out = model.forward(x.view(), true);
            proptest::prop_assert!(out.iter().all(|v| v.is_finite()));

        }
    }
}
