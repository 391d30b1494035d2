//! The ONNX export, decoded back with the generated message types: the operators each model
//! gets, the initializers holding its (transposed) weights, and for random models a graph whose
//! shapes chain from `input` to `probabilities`.

mod support;

use std::collections::HashMap;

use neurite::{PixelMode, Sequential};
use neurite_export::SourceModel;
use neurite_export::onnx::proto::{ModelProto, NodeProto, TensorProto, tensor_proto::DataType};
use neurite_export::onnx::{self, INPUT, OUTPUT};
use proptest::prelude::*;
use protobuf::Message;
use support::{image_model, model_file, source, spec};

/// The exported bytes of `model`, decoded.
fn exported(model: &SourceModel) -> ModelProto {
    ModelProto::parse_from_bytes(&onnx::to_bytes(model)).expect("the export decodes")
}

fn op_types(model: &ModelProto) -> Vec<&str> {
    model.graph.node.iter().map(|node| node.op_type()).collect()
}

fn node<'a>(model: &'a ModelProto, name: &str) -> &'a NodeProto {
    model
        .graph
        .node
        .iter()
        .find(|node| node.name() == name)
        .unwrap_or_else(|| panic!("no node {name}"))
}

fn initializer<'a>(model: &'a ModelProto, name: &str) -> &'a TensorProto {
    model
        .graph
        .initializer
        .iter()
        .find(|tensor| tensor.name() == name)
        .unwrap_or_else(|| panic!("no initializer {name}"))
}

/// The `f32` values of an initializer.
fn floats(tensor: &TensorProto) -> Vec<f32> {
    assert_eq!(tensor.data_type(), DataType::FLOAT as i32);
    tensor
        .raw_data()
        .chunks_exact(4)
        .map(|bytes| f32::from_le_bytes(bytes.try_into().expect("four bytes")))
        .collect()
}

/// The integers of attribute `name` of `node`.
fn ints(node: &NodeProto, name: &str) -> Vec<i64> {
    let attribute = node.attribute.iter().find(|a| a.name() == name);
    attribute
        .unwrap_or_else(|| panic!("{} has no {name}", node.name()))
        .ints
        .clone()
}

fn int(node: &NodeProto, name: &str) -> i64 {
    let attribute = node.attribute.iter().find(|a| a.name() == name);
    attribute
        .unwrap_or_else(|| panic!("{} has no {name}", node.name()))
        .i()
}

/// The dimensions of a graph input or output (`-1` for the symbolic batch).
fn value_dims(model: &ModelProto, name: &str) -> Vec<i64> {
    let value = model
        .graph
        .input
        .iter()
        .chain(&model.graph.output)
        .find(|value| value.name() == name)
        .unwrap_or_else(|| panic!("no graph value {name}"));
    let shape = &value.type_.tensor_type().shape;
    shape
        .dim
        .iter()
        .map(|dim| {
            if dim.has_dim_param() {
                -1
            } else {
                dim.dim_value()
            }
        })
        .collect()
}

#[test]
fn the_seed_model_is_two_gemms_with_its_kernels_as_they_are() {
    let model = source(&neurite::ModelSpec::seed_mlp());
    let onnx = exported(&model);
    assert_eq!(onnx.ir_version(), 8);
    assert_eq!(onnx.producer_name(), "neurite");
    assert_eq!(onnx.opset_import.len(), 1);
    assert_eq!(
        (
            onnx.opset_import[0].domain(),
            onnx.opset_import[0].version()
        ),
        ("", 13)
    );
    assert_eq!(op_types(&onnx), ["Gemm", "Relu", "Gemm", "Softmax"]);
    assert_eq!(value_dims(&onnx, INPUT), [-1, 784]);
    assert_eq!(value_dims(&onnx, OUTPUT), [-1, 10]);
    assert_eq!(onnx.graph.node.last().unwrap().output, [OUTPUT]);
    assert_eq!(int(node(&onnx, "dense_2/softmax"), "axis"), 1);
    for layer in &model.layers[1..] {
        let weights = layer.weights.as_ref().unwrap();
        let kernel = initializer(&onnx, &format!("{}.kernel", layer.name));
        assert_eq!(
            kernel.dims,
            weights
                .kernel
                .shape
                .iter()
                .map(|&d| d as i64)
                .collect::<Vec<_>>()
        );
        assert_eq!(floats(kernel), weights.kernel.values);
        assert_eq!(
            floats(initializer(&onnx, &format!("{}.bias", layer.name))),
            weights.bias.values
        );
    }
    let gemm = node(&onnx, "dense_1");
    assert_eq!(gemm.input, [INPUT, "dense_1.kernel", "dense_1.bias"]);
    assert!(
        gemm.attribute.is_empty(),
        "Gemm's defaults: no transposition"
    );
}

#[test]
fn a_convnet_goes_channels_first_for_its_convolutions_and_back_before_its_flatten() {
    let model = source(&neurite::ModelSpec::keras_convnet());
    let onnx = exported(&model);
    assert_eq!(
        op_types(&onnx),
        [
            "Reshape",
            "Transpose",
            "Conv",
            "Relu",
            "MaxPool",
            "Conv",
            "Relu",
            "MaxPool",
            "Transpose",
            "Flatten",
            "Gemm",
            "Softmax"
        ]
    );
    assert_eq!(
        ints(node(&onnx, "conv2d_1/channels_first"), "perm"),
        [0, 3, 1, 2]
    );
    assert_eq!(
        ints(node(&onnx, "flatten_1/channels_last"), "perm"),
        [0, 2, 3, 1]
    );
    let image_shape = floats_or_ints(initializer(&onnx, "conv2d_1/image/shape"));
    assert_eq!(image_shape, [-1, 28, 28, 1]);
    // The kernel [3, 3, 32, 64] as [64, 32, 3, 3]: element [o, i, y, x] is kernel[y, x, i, o].
    let weights = model.layers[2].weights.as_ref().unwrap();
    let oihw = initializer(&onnx, "conv2d_2.kernel");
    assert_eq!(oihw.dims, [64, 32, 3, 3]);
    let values = floats(oihw);
    for (o, i, y, x) in [(0, 0, 0, 0), (63, 31, 2, 2), (5, 17, 1, 2), (40, 3, 2, 0)] {
        let file = weights.kernel.values[((y * 3 + x) * 32 + i) * 64 + o];
        assert_eq!(
            values[((o * 32 + i) * 3 + y) * 3 + x],
            file,
            "[{o}, {i}, {y}, {x}]"
        );
    }
    let pool = node(&onnx, "max_pooling2d_1");
    assert_eq!(
        (ints(pool, "kernel_shape"), ints(pool, "strides")),
        (vec![2, 2], vec![2, 2])
    );
    assert_eq!(ints(pool, "pads"), [0, 0, 0, 0]);
}

/// An INT64 initializer's values.
fn floats_or_ints(tensor: &TensorProto) -> Vec<i64> {
    assert_eq!(tensor.data_type(), DataType::INT64 as i32);
    tensor
        .raw_data()
        .chunks_exact(8)
        .map(|bytes| i64::from_le_bytes(bytes.try_into().expect("eight bytes")))
        .collect()
}

#[test]
fn same_padding_is_explicit_with_the_odd_cell_after_and_average_pooling_skips_it() {
    // 28 cells, a 5-wide kernel moved by 2: 14 outputs, 3 cells of padding, 1 before, 2 after.
    // 14 cells, a 3-wide pool moved by 2: 7 outputs, 1 cell of padding, after.
    let model = source(&spec(
        r#"{"input_shape":[28,28],"layers":[
            {"type":"conv2d","filters":4,"kernel_size":5,"strides":2,"padding":"same","activation":"leaky_relu"},
            {"type":"average_pooling2d","pool_size":3,"strides":2,"padding":"same"},
            {"type":"conv2d","filters":3,"kernel_size":[3,1],"padding":"same","activation":"softmax"},
            {"type":"global_average_pooling2d"},
            {"type":"dense","units":10}]}"#,
    ));
    let onnx = exported(&model);
    assert_eq!(ints(node(&onnx, "conv2d_1"), "pads"), [1, 1, 2, 2]);
    assert_eq!(ints(node(&onnx, "conv2d_1"), "strides"), [2, 2]);
    let leaky = node(&onnx, "conv2d_1/leaky_relu");
    assert_eq!(leaky.attribute[0].f(), 0.2);
    let pool = node(&onnx, "average_pooling2d_1");
    assert_eq!(pool.op_type(), "AveragePool");
    assert_eq!(ints(pool, "pads"), [0, 0, 1, 1]);
    assert_eq!(int(pool, "count_include_pad"), 0);
    assert_eq!(ints(node(&onnx, "conv2d_2"), "pads"), [1, 0, 1, 0]);
    // A convolution's softmax runs over its channels: axis 1 of NCHW.
    assert_eq!(int(node(&onnx, "conv2d_2/softmax"), "axis"), 1);
    assert_eq!(
        op_types(&onnx)[5..],
        ["Conv", "Softmax", "GlobalAveragePool", "Flatten", "Gemm"]
    );
    assert_eq!(value_dims(&onnx, OUTPUT), [-1, 10]);
}

#[test]
fn the_model_file_s_pixel_mode_and_dataset_travel_in_the_metadata() {
    let spec = neurite::ModelSpec::seed_mlp();
    let model = SourceModel::from_bytes(&model_file(&spec, 1, PixelMode::Raw)).unwrap();
    let onnx = exported(&model);
    let metadata: HashMap<&str, &str> = onnx
        .metadata_props
        .iter()
        .map(|entry| (entry.key(), entry.value()))
        .collect();
    assert_eq!(metadata["pixels"], "raw");
    assert_eq!(metadata["dataset"], "mnist");
    assert_eq!(
        neurite::ModelSpec::from_json(metadata["model_spec"]).unwrap(),
        spec
    );
    let input = &onnx.graph.input[0];
    assert!(
        input.doc_string().contains("0 to 255"),
        "{}",
        input.doc_string()
    );
}

#[test]
fn a_file_that_is_no_model_is_refused_with_the_engine_s_message() {
    let error = SourceModel::from_bytes(b"not a model").unwrap_err();
    assert!(error.to_string().contains("model file"), "{error}");
}

/// The shapes of a graph's values, inferred node by node for a batch of 3 (the rules of the
/// operators the export writes); panics where an operator's inputs do not fit it, or a value
/// is read before it is written.
fn infer_shapes(model: &ModelProto, input_features: i64) -> HashMap<String, Vec<i64>> {
    const BATCH: i64 = 3;
    let mut shapes: HashMap<String, Vec<i64>> =
        HashMap::from([(INPUT.to_owned(), vec![BATCH, input_features])]);
    let mut constants: HashMap<&str, Vec<i64>> = HashMap::new();
    for tensor in &model.graph.initializer {
        shapes.insert(tensor.name().to_owned(), tensor.dims.clone());
        if tensor.data_type() == DataType::INT64 as i32 {
            constants.insert(tensor.name(), floats_or_ints(tensor));
        }
    }
    let windowed = |node: &NodeProto, input: &[i64], kernel: &[i64]| -> Vec<i64> {
        let (strides, pads) = (ints(node, "strides"), ints(node, "pads"));
        assert_eq!(ints(node, "kernel_shape"), kernel, "{}", node.name());
        (0..2)
            .map(|axis| {
                let padded = input[axis] + pads[axis] + pads[axis + 2];
                assert!(
                    padded >= kernel[axis],
                    "{}: the window does not fit",
                    node.name()
                );
                assert!(
                    pads[axis] < kernel[axis] && pads[axis + 2] < kernel[axis],
                    "{}: pads",
                    node.name()
                );
                (padded - kernel[axis]) / strides[axis] + 1
            })
            .collect()
    };
    for node in &model.graph.node {
        let inputs: Vec<&Vec<i64>> = node
            .input
            .iter()
            .map(|name| {
                shapes
                    .get(name)
                    .unwrap_or_else(|| panic!("{} reads {name} before it is written", node.name()))
            })
            .collect();
        let x = inputs[0].clone();
        let out = match node.op_type() {
            "Reshape" => {
                let target = &constants[node.input[1].as_str()];
                let known: i64 = target.iter().filter(|&&d| d != -1).product();
                let total: i64 = x.iter().product();
                assert_eq!(total % known, 0, "{}: {x:?} to {target:?}", node.name());
                target
                    .iter()
                    .map(|&d| if d == -1 { total / known } else { d })
                    .collect()
            }
            "Transpose" => ints(node, "perm")
                .iter()
                .map(|&axis| x[axis as usize])
                .collect(),
            "Flatten" => {
                assert_eq!(int(node, "axis"), 1);
                vec![x[0], x[1..].iter().product()]
            }
            "Conv" => {
                let (w, b) = (inputs[1], inputs[2]);
                assert_eq!(x.len(), 4, "{}: NCHW", node.name());
                assert_eq!(w[1], x[1], "{}: the kernel's input channels", node.name());
                assert_eq!(b, &vec![w[0]]);
                let hw = windowed(node, &x[2..], &w[2..]);
                vec![x[0], w[0], hw[0], hw[1]]
            }
            "MaxPool" | "AveragePool" => {
                assert_eq!(x.len(), 4, "{}: NCHW", node.name());
                let kernel = ints(node, "kernel_shape");
                let hw = windowed(node, &x[2..], &kernel);
                vec![x[0], x[1], hw[0], hw[1]]
            }
            "GlobalAveragePool" => vec![x[0], x[1], 1, 1],
            "Gemm" => {
                let (w, b) = (inputs[1], inputs[2]);
                assert_eq!(x.len(), 2, "{}: rows", node.name());
                assert_eq!(
                    x[1],
                    w[0],
                    "{}: inputs against the kernel's rows",
                    node.name()
                );
                assert_eq!(b, &vec![w[1]]);
                vec![x[0], w[1]]
            }
            "Softmax" => {
                let axis = int(node, "axis");
                assert!(
                    (1..x.len() as i64).contains(&axis),
                    "{}: axis {axis} of {x:?}",
                    node.name()
                );
                x
            }
            "Relu" | "LeakyRelu" | "Sigmoid" | "Tanh" => x,
            other => panic!("unexpected operator {other}"),
        };
        assert_eq!(node.output.len(), 1);
        let fresh = shapes.insert(node.output[0].clone(), out).is_none();
        assert!(fresh, "{} is written twice", node.output[0]);
    }
    shapes
}

#[test]
fn the_shape_inference_catches_a_kernel_that_does_not_fit() {
    // The check below is only worth what this test shows: a wrong kernel layout fails it.
    let model = source(&neurite::ModelSpec::lenet());
    let mut onnx = exported(&model);
    let graph = onnx.graph.as_mut().expect("a graph");
    let kernel = graph
        .initializer
        .iter_mut()
        .find(|t| t.name() == "conv2d_2.kernel")
        .unwrap();
    kernel.dims = vec![5, 5, 6, 16]; // the file's [kh, kw, in, out], untransposed
    let result = std::panic::catch_unwind(|| infer_shapes(&onnx, 784));
    assert!(result.is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every valid model exports without panicking to a graph whose shapes chain from the
    /// input to an output of the model's width, with each weight as an initializer.
    #[test]
    fn any_valid_model_exports_to_a_graph_whose_shapes_chain(spec in image_model(), seed in any::<u64>()) {
        if spec.validate().is_err() {
            return Ok(());
        }
        let model = SourceModel::from_bytes(&model_file(&spec, seed, PixelMode::Scaled)).unwrap();
        let onnx = exported(&model);
        let shapes = infer_shapes(&onnx, 784);
        let outputs = Sequential::<f32>::from_spec(&spec, 0).unwrap().output_features() as i64;
        prop_assert_eq!(&shapes[OUTPUT], &vec![3, outputs]);
        prop_assert_eq!(value_dims(&onnx, OUTPUT), vec![-1, outputs]);
        let weights = onnx.graph.initializer.iter().filter(|t| t.data_type() == DataType::FLOAT as i32).count();
        prop_assert_eq!(weights, spec.param_shapes().len());
        for tensor in &onnx.graph.initializer {
            let used = onnx.graph.node.iter().any(|node| node.input.iter().any(|input| input == tensor.name()));
            prop_assert!(used, "{} is never read", tensor.name());
        }
    }
}
