//! ONNX export: the model as one ONNX file (IR version 8, opset 13) that onnxruntime, ONNX
//! Runtime Web and netron read.
//!
//! The graph takes `input`, `float[N, features]` — for an MNIST model, each row a 28 × 28
//! image's 784 pixels, row-major, made from `u8` as the model file's `pixels` says (`x / 255`
//! or as they are) — and gives `probabilities`, `float[N, outputs]`, what Neurite's `predict`
//! gives. The weights are initializers (little-endian `f32` raw data) named as in the model
//! file, a convolution's kernel transposed to ONNX's layout; `graph.rs` lists each layer's
//! operators. The model's metadata repeats the file's `pixels`, `dataset` and `model_spec`.

mod graph;
mod messages;
pub mod proto;

use protobuf::{Message, MessageField};

use self::messages::Dim;
use self::proto::{GraphProto, ModelProto, OperatorSetIdProto};
use crate::source::SourceModel;
use neurite::{Activation, PixelMode};

/// The ONNX opset the graph uses (every operator it writes is as opset 13 defines it).
pub const OPSET: i64 = 13;
/// The ONNX IR version written: 8, which every ONNX Runtime since 1.10 reads.
pub const IR_VERSION: i64 = 8;
/// The graph's input.
pub const INPUT: &str = "input";
/// The graph's output.
pub const OUTPUT: &str = "probabilities";
/// The name of the batch dimension of the input and the output.
pub const BATCH: &str = "N";

/// The model as the bytes of an `.onnx` file.
pub fn to_bytes(model: &SourceModel) -> Vec<u8> {
    model_proto(model)
        .write_to_bytes()
        .expect("an ONNX model with every field set encodes")
}

/// The model as an ONNX `ModelProto`.
pub fn model_proto(model: &SourceModel) -> ModelProto {
    let mut builder = graph::GraphBuilder::new(INPUT, &model.spec.input_shape);
    for layer in &model.layers {
        builder.layer(layer);
    }
    let (nodes, initializers) = builder.finish(OUTPUT);
    let graph = GraphProto {
        name: Some("neurite".to_owned()),
        node: nodes,
        initializer: initializers,
        input: vec![messages::float_value(
            INPUT,
            &[Dim::Named(BATCH), Dim::Fixed(model.input_features())],
            &input_doc(model),
        )],
        output: vec![messages::float_value(
            OUTPUT,
            &[Dim::Named(BATCH), Dim::Fixed(model.output_features())],
            &output_doc(model),
        )],
        ..GraphProto::new()
    };
    ModelProto {
        ir_version: Some(IR_VERSION),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(OPSET),
            ..OperatorSetIdProto::new()
        }],
        producer_name: Some("neurite".to_owned()),
        producer_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        doc_string: Some(format!(
            "A Neurite model ({} parameters) exported by neurite export --onnx",
            model.param_count()
        )),
        graph: MessageField::some(graph),
        metadata_props: vec![
            messages::entry("pixels", pixels_name(model.pixels)),
            messages::entry("dataset", model.dataset.name()),
            messages::entry("model_spec", &model.spec.to_json()),
        ],
        ..ModelProto::new()
    }
}

/// The model file's name of a pixel mode.
fn pixels_name(pixels: PixelMode) -> &'static str {
    match pixels {
        PixelMode::Scaled => "scaled",
        PixelMode::Raw => "raw",
    }
}

/// What a row of the input holds.
fn input_doc(model: &SourceModel) -> String {
    let made = match model.pixels {
        PixelMode::Scaled => "each u8 pixel x as x / 255 (pixels: scaled)",
        PixelMode::Raw => "each u8 pixel as it is, 0 to 255 (pixels: raw)",
    };
    format!(
        "One sample per row: the {} numbers of an input of shape {:?}, row-major; {made}",
        model.input_features(),
        model.spec.input_shape
    )
}

/// What a row of the output holds.
fn output_doc(model: &SourceModel) -> String {
    let outputs = model.output_features();
    match model.head() {
        Some(Activation::Softmax) => {
            format!("One sample per row: the probabilities of its {outputs} classes")
        }
        Some(_) => format!("One sample per row: {outputs} probabilities (a sigmoid each)"),
        None => format!("One sample per row: the last layer's {outputs} outputs"),
    }
}
