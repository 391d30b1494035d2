//! Convolution and pooling layers against Keras: `tests/data/conv_golden.json` holds, for
//! each case, one Keras layer's output for a fixed input and the gradients of
//! `L = Σ y ⊙ dy` for a fixed `dy`, computed in `float64` by TensorFlow 2.21 / Keras 3 (the
//! script is `scripts/golden/conv_keras.py`; it need not run here). Neurite's layers, in
//! `f64`, must give the same numbers: `valid` and `same` padding (asymmetric when the stride
//! is 2), strides that differ per axis, overlapping pooling windows, and averages over the
//! image's cells only.

use ndarray::Array2;
use neurite::Activation;
use neurite::layers::window::{Image, Padding, Window};
use neurite::layers::{Conv2d, ForwardContext, GlobalAveragePool2d, Init, Layer, Pool2d, Reduce};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

const GOLDEN: &str = include_str!("data/conv_golden.json");

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("an array of numbers")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

fn sizes(value: &Value) -> Vec<usize> {
    numbers(value).into_iter().map(|v| v as usize).collect()
}

fn pair(value: &Value) -> [usize; 2] {
    let s = sizes(value);
    [s[0], s[1]]
}

fn padding(value: &Value) -> Padding {
    match value.as_str() {
        Some("valid") => Padding::Valid,
        Some("same") => Padding::Same,
        other => panic!("padding {other:?}"),
    }
}

/// The case's layer, with the case's kernel and bias for a convolution.
fn layer(case: &Value, input: Image) -> Box<dyn Layer<f64>> {
    let spec = &case["layer"];
    let window = |size: &str| {
        Window::new(
            input,
            pair(&spec[size]),
            pair(&spec["strides"]),
            padding(&spec["padding"]),
        )
        .expect("the case's window fits")
    };
    match spec["type"].as_str().unwrap() {
        "conv2d" => {
            let activation = match spec["activation"].as_str() {
                Some("linear") => Activation::Linear,
                Some("relu") => Activation::Relu,
                other => panic!("activation {other:?}"),
            };
            let mut rng = ChaCha8Rng::seed_from_u64(0);
            let mut conv = Conv2d::new(
                "conv2d_1",
                window("kernel_size"),
                spec["filters"].as_u64().unwrap() as usize,
                activation,
                Init::GlorotUniform,
                &mut rng,
            );
            for p in conv.params_mut() {
                let (key, shape_key) = match p.name {
                    "kernel" => ("kernel", Some("kernel_shape")),
                    _ => ("bias", None),
                };
                if let Some(shape_key) = shape_key {
                    assert_eq!(p.shape, sizes(&case[shape_key]), "{}", case["name"]);
                }
                p.value.copy_from_slice(&numbers(&case[key]));
            }
            Box::new(conv)
        }
        "max_pooling2d" => Box::new(Pool2d::new("pool", Reduce::Max, window("pool_size"))),
        "average_pooling2d" => Box::new(Pool2d::new("pool", Reduce::Average, window("pool_size"))),
        "global_average_pooling2d" => Box::new(GlobalAveragePool2d::new("gap", input)),
        other => panic!("layer type {other}"),
    }
}

fn assert_close(case: &str, what: &str, got: &[f64], expected: &[f64]) {
    assert_eq!(got.len(), expected.len(), "{case}: {what} length");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g - e).abs() <= 1e-10 * (1.0 + e.abs()),
            "{case}: {what}[{i}] is {g}, Keras {e}"
        );
    }
}

#[test]
fn convolution_and_pooling_match_keras_forward_and_backward() {
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let cases = golden["cases"].as_array().unwrap();
    assert!(cases.len() >= 11, "{} cases", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let shape = sizes(&case["input_shape"]);
        let (batch, input) = (
            shape[0],
            Image {
                height: shape[1],
                width: shape[2],
                channels: shape[3],
            },
        );
        let mut layer = layer(case, input);
        let out_shape = sizes(&case["output_shape"]);
        assert_eq!(out_shape[0], batch);
        assert_eq!(
            layer.output_features(),
            out_shape[1..].iter().product::<usize>(),
            "{name}: output shape {out_shape:?}"
        );
        if out_shape.len() == 4 {
            assert_eq!(layer.output_shape(), out_shape[1..], "{name}");
        }

        let x = Array2::from_shape_vec((batch, input.features()), numbers(&case["input"])).unwrap();
        let mut y = Array2::zeros((batch, layer.output_features()));
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let mut ctx = ForwardContext {
            training: true,
            rng: &mut rng,
        };
        layer.forward(x.view(), y.view_mut(), &mut ctx);
        assert_close(
            name,
            "output",
            y.as_slice().unwrap(),
            &numbers(&case["output"]),
        );

        let mut upstream = Array2::from_shape_vec(y.raw_dim(), numbers(&case["upstream"])).unwrap();
        let mut grad_x = Array2::from_elem(x.raw_dim(), f64::NAN);
        layer.backward(
            x.view(),
            y.view(),
            upstream.view_mut(),
            Some(grad_x.view_mut()),
        );
        assert_close(
            name,
            "∂L/∂x",
            grad_x.as_slice().unwrap(),
            &numbers(&case["grad_input"]),
        );
        for p in layer.params_mut() {
            let key = format!("grad_{}", p.name);
            assert_close(name, &key, p.grad, &numbers(&case[key.as_str()]));
        }
    }
}
