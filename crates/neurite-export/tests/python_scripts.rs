//! The PyTorch and Keras scripts: the mapping each layer gets, the training settings they carry
//! over, the models they refuse, and for random models, scripts without unused functions. (The
//! scripts' numbers are checked by running them: `scripts/check_exports.sh`.)

mod support;

use neurite::{Config, OptimizerSpec, TrainConfig, Trainer};
use neurite_export::python::{ScriptNames, keras_script, pytorch_script};
use neurite_export::{ExportError, SourceModel};
use proptest::prelude::*;
use support::{image_model, source, spec};

fn names() -> ScriptNames {
    ScriptNames {
        model_file: "model.safetensors".to_owned(),
        script_file: "model.py".to_owned(),
    }
}

fn torch(model: &SourceModel) -> String {
    pytorch_script(model, &names()).expect("an MNIST model gets a script")
}

fn keras(model: &SourceModel) -> String {
    keras_script(model, &names()).expect("an MNIST model gets a script")
}

/// Checks that `needles` appear in `script` in this order.
#[track_caller]
fn assert_in_order(script: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        match script[from..].find(needle) {
            Some(at) => from += at + needle.len(),
            None => panic!("{needle:?} not found after byte {from} in:\n{script}"),
        }
    }
}

/// The names of the functions a script defines at its top level that it never calls.
fn unused_functions(script: &str) -> Vec<String> {
    script
        .lines()
        .filter_map(|line| line.strip_prefix("def "))
        .filter_map(|rest| rest.split_once('(').map(|(name, _)| name.to_owned()))
        .filter(|name| script.matches(&format!("{name}(")).count() < 2)
        .collect()
}

#[test]
fn the_seed_model_in_torch_is_linear_layers_of_transposed_kernels() {
    let script = torch(&source(&neurite::ModelSpec::seed_mlp()));
    assert_in_order(
        &script,
        &[
            "MODEL_FILE = \"model.safetensors\"",
            "BATCH_SIZE = 32\nLEARNING_RATE = 0.001\n",
            "nn.Flatten(),  # flatten_1",
            "nn.Linear(784, 128),  # dense_1",
            "nn.ReLU(),",
            "nn.Linear(128, 10),  # dense_2, its softmax in probabilities()",
            "\"1.weight\": tensors[\"dense_1.kernel\"].T,",
            "\"3.bias\": tensors[\"dense_2.bias\"],",
            "\"dense_1.kernel\": weights[\"1.weight\"].T,",
            "return torch.softmax(logits, dim=1)",
            "x = x @ weights[\"1.weight\"].T + weights[\"1.bias\"]\n    x = np.maximum(x, 0)\n",
            "return softmax(x, axis=1)",
            "return F.cross_entropy(outputs, labels)",
            "torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-7)",
        ],
    );
    // What a dense model does not use is not written.
    for absent in ["class Permute", "def conv2d", "def pad(", "penalty", "L2 ="] {
        assert!(!script.contains(absent), "{absent} in:\n{script}");
    }
    assert_eq!(unused_functions(&script), Vec::<String>::new());
}

#[test]
fn a_torch_convnet_turns_images_channels_first_and_flattens_them_channels_last() {
    let script = torch(&source(&neurite::ModelSpec::keras_convnet()));
    assert_in_order(
        &script,
        &[
            "class Permute(nn.Module):",
            "nn.Unflatten(1, (1, 28, 28)),",
            "nn.Conv2d(1, 32, kernel_size=(3, 3)),  # conv2d_1",
            "nn.MaxPool2d((2, 2)),  # max_pooling2d_1",
            "nn.Conv2d(32, 64, kernel_size=(3, 3)),  # conv2d_2",
            "Permute(0, 2, 3, 1),",
            "nn.Flatten(),  # flatten_1",
            "nn.Dropout(0.5),  # dropout_1",
            "nn.Linear(1600, 10),",
            "\"1.weight\": tensors[\"conv2d_1.kernel\"].transpose(3, 2, 0, 1),",
            "\"10.weight\": tensors[\"dense_1.kernel\"].T,",
            "\"conv2d_1.kernel\": weights[\"1.weight\"].transpose(2, 3, 1, 0),",
            "x = x.reshape(len(x), 1, 28, 28)",
            "x = conv2d(x, weights[\"1.weight\"], weights[\"1.bias\"], stride=(1, 1), padding=(0, 0))",
            "x = x.transpose(0, 2, 3, 1)\n    x = x.reshape(len(x), -1)\n    # dropout_1: the identity at inference\n",
        ],
    );
    assert!(!script.contains("AvgPool2dSame") && !script.contains("def avg_pool2d"));
    assert_eq!(unused_functions(&script), Vec::<String>::new());
}

#[test]
fn uneven_same_padding_is_padded_before_the_torch_layer_that_cannot_pad_it() {
    // 28 cells, 5 wide, moved by 2: 1 cell padded before, 2 after. Then 14 cells, pools of 3
    // moved by 2: none before, 1 after. Then 7 cells, 3 wide, moved by 1: 1 and 1.
    let script = torch(&source(&spec(
        r#"{"input_shape":[28,28],"layers":[
            {"type":"conv2d","filters":4,"kernel_size":5,"strides":2,"padding":"same","activation":"relu"},
            {"type":"max_pooling2d","pool_size":3,"strides":2,"padding":"same"},
            {"type":"conv2d","filters":3,"kernel_size":3,"padding":"same"},
            {"type":"average_pooling2d","pool_size":2,"padding":"same"},
            {"type":"average_pooling2d","pool_size":3,"strides":1,"padding":"same"},
            {"type":"flatten"},{"type":"dense","units":10,"activation":"softmax"}]}"#,
    )));
    assert_in_order(
        &script,
        &[
            "class AvgPool2dSame(nn.Module):",
            "nn.ZeroPad2d((1, 2, 1, 2)),",
            "nn.Conv2d(1, 4, kernel_size=(5, 5), stride=(2, 2)),  # conv2d_1",
            "nn.ConstantPad2d((0, 1, 0, 1), float(\"-inf\")),",
            "nn.MaxPool2d((3, 3), stride=(2, 2)),",
            "nn.Conv2d(4, 3, kernel_size=(3, 3), padding=(1, 1)),  # conv2d_2",
            "AvgPool2dSame((2, 2), (2, 2), (0, 1, 0, 1)),",
            "nn.AvgPool2d((3, 3), stride=(1, 1), padding=(1, 1), count_include_pad=False),",
            // The convolution after its ZeroPad2d is module 2, the second one module 6.
            "\"2.weight\": tensors[\"conv2d_1.kernel\"]",
            "\"6.weight\": tensors[\"conv2d_2.kernel\"]",
            "x = pad(x, (1, 2, 1, 2))\n    x = conv2d(x, weights[\"2.weight\"]",
            "x = pad(x, (0, 1, 0, 1), -np.inf)\n    x = max_pool2d(x, (3, 3), stride=(2, 2), padding=(0, 0))",
            "x = avg_pool2d(x, (2, 2), stride=(2, 2), padding=(0, 1, 0, 1))",
            "x = avg_pool2d(x, (3, 3), stride=(1, 1), padding=(1, 1, 1, 1))",
        ],
    );
}

#[test]
fn keras_takes_the_layers_by_name_and_an_image_where_neurite_implies_one_channel() {
    let script = keras(&source(&spec(
        r#"{"input_shape":[28,28],"layers":[
            {"type":"conv2d","filters":4,"kernel_size":5,"strides":2,"padding":"same","activation":"leaky_relu"},
            {"type":"average_pooling2d","pool_size":3,"strides":2,"padding":"same"},
            {"type":"global_average_pooling2d"},
            {"type":"dense","units":10,"activation":"softmax"}]}"#,
    )));
    assert_in_order(
        &script,
        &[
            "keras.Input((784,)),",
            "keras.layers.Reshape((28, 28, 1), name=\"to_conv2d_1\"),",
            "keras.layers.Conv2D(4, (5, 5), strides=(2, 2), padding=\"same\", activation=\"leaky_relu\", name=\"conv2d_1\"),",
            "keras.layers.AveragePooling2D((3, 3), strides=(2, 2), padding=\"same\", name=\"average_pooling2d_1\"),",
            "keras.layers.GlobalAveragePooling2D(name=\"global_average_pooling2d_1\"),",
            "keras.layers.Dense(10, activation=\"softmax\", name=\"dense_1\"),",
            "layer.set_weights([tensors[f\"{layer.name}.kernel\"], tensors[f\"{layer.name}.bias\"]])",
            "keras.optimizers.Adam(learning_rate=LEARNING_RATE, beta_1=0.9, beta_2=0.999, epsilon=1e-7)",
            "loss=\"sparse_categorical_crossentropy\", metrics=[\"sparse_categorical_accuracy\"]",
            "x = x.reshape(len(x), 28, 28, 1)",
            "x = conv2d(x, tensors[\"conv2d_1.kernel\"], tensors[\"conv2d_1.bias\"], strides=(2, 2), padding=\"same\")",
            "x = np.where(x > 0, x, 0.2 * x)",
            "x = average_pooling2d(x, (3, 3), strides=(2, 2), padding=\"same\")",
            "x = x.mean(axis=(1, 2))",
            "x = softmax(x, axis=-1)\n    return x\n",
        ],
    );
    assert!(!script.contains("def max_pooling2d"));
    assert_eq!(unused_functions(&script), Vec::<String>::new());
}

/// A checkpoint of `spec` trained with `training` (no step taken: the file records the
/// configuration all the same).
fn checkpoint(json: &str, training: TrainConfig) -> SourceModel {
    let config = Config {
        model: spec(json),
        training,
    };
    let trainer = Trainer::new(config.check().expect("a valid configuration")).unwrap();
    SourceModel::from_bytes(&trainer.checkpoint()).expect("a checkpoint reads")
}

#[test]
fn a_checkpoint_s_optimizer_loss_and_penalties_carry_over() {
    let model = checkpoint(
        r#"{"input_shape":[28,28],"layers":[{"type":"flatten"},{"type":"dense","units":10,"activation":"sigmoid"}]}"#,
        TrainConfig {
            learning_rate: 0.005,
            batch_size: 64,
            optimizer: OptimizerSpec::Rmsprop {
                rho: 0.8,
                momentum: 0.5,
                epsilon: 1e-6,
            },
            loss: neurite::Loss::BinaryCrossentropy,
            l2: 0.001,
            ..TrainConfig::default()
        },
    );
    let torch = torch(&model);
    assert_in_order(
        &torch,
        &[
            "# Training settings: the checkpoint's configuration.\nBATCH_SIZE = 64\nLEARNING_RATE = 0.005\nL2 = 0.001\n",
            "nn.Linear(784, 10),  # dense_1, its sigmoid in probabilities()",
            "return torch.sigmoid(logits)",
            "return F.binary_cross_entropy_with_logits(outputs, F.one_hot(labels, 10).float())",
            "return L2 * sum(kernel.square().sum() for kernel in kernels)",
            "torch.optim.RMSprop(model.parameters(), lr=LEARNING_RATE, alpha=0.8, eps=1e-6, momentum=0.5)",
            "loss = loss_function(network(inputs), targets) + penalty(model)",
        ],
    );
    assert!(!torch.contains("L1"), "{torch}");
    let keras = keras(&model);
    assert_in_order(
        &keras,
        &[
            "L2 = 0.001\n",
            "penalty = keras.regularizers.L2(L2)",
            "keras.layers.Dense(10, activation=\"sigmoid\", kernel_regularizer=penalty, name=\"dense_1\"),",
            "keras.optimizers.RMSprop(learning_rate=LEARNING_RATE, rho=0.8, momentum=0.5, epsilon=1e-6)",
            "loss=\"binary_crossentropy\", metrics=[\"categorical_accuracy\"]",
            "keras.utils.to_categorical(labels, 10)",
        ],
    );
}

#[test]
fn a_loss_that_does_not_fuse_with_the_output_is_taken_from_probabilities() {
    let model = checkpoint(
        r#"{"input_shape":[28,28],"layers":[{"type":"flatten"},{"type":"dense","units":10,"activation":"softmax"}]}"#,
        TrainConfig {
            optimizer: OptimizerSpec::Sgd {
                momentum: 0.9,
                nesterov: true,
            },
            learning_rate: 0.01,
            loss: neurite::Loss::MeanSquaredError,
            l1: 0.0001,
            ..TrainConfig::default()
        },
    );
    let torch = torch(&model);
    assert_in_order(
        &torch,
        &[
            "L1 = 0.0001\n",
            "return F.mse_loss(probabilities(outputs), F.one_hot(labels, 10).float())",
            "return L1 * sum(kernel.abs().sum() for kernel in kernels)",
            "torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=0.9, nesterov=True)",
        ],
    );
    assert!(keras(&model).contains(
        "keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum=0.9, nesterov=True)"
    ));
}

#[test]
fn a_model_that_does_not_read_mnist_images_gets_no_script() {
    // The 2-D playground's kind of model: 2 inputs, 3 classes. ONNX takes it; the scripts,
    // which read MNIST, refuse it.
    let model = source(&spec(
        r#"{"input_shape":[2],"layers":[{"type":"dense","units":8,"activation":"tanh"},{"type":"dense","units":3,"activation":"softmax"}]}"#,
    ));
    assert!(!neurite_export::onnx::to_bytes(&model).is_empty());
    for (framework, result) in [
        ("PyTorch", pytorch_script(&model, &names())),
        ("Keras", keras_script(&model, &names())),
    ] {
        let error = result.unwrap_err();
        assert_eq!(
            error,
            ExportError::NotAnImageClassifier {
                framework,
                inputs: 2,
                outputs: 3
            }
        );
        let message = error.to_string();
        assert!(
            message.contains("2 inputs") && message.contains("ONNX"),
            "{message}"
        );
    }
}

#[test]
fn a_model_path_with_quotes_is_a_valid_python_string() {
    let model = source(&neurite::ModelSpec::seed_mlp());
    let names = ScriptNames {
        model_file: r#"/runs/it's a "quoted" \ path.safetensors"#.to_owned(),
        script_file: "m.py".to_owned(),
    };
    let script = pytorch_script(&model, &names).unwrap();
    assert!(
        script.contains(r#"MODEL_FILE = "/runs/it's a \"quoted\" \\ path.safetensors""#),
        "{script}"
    );
    // The docstring names the file without what would end it or start an escape.
    let docstring = &script[..script.find("import argparse").unwrap()];
    assert!(
        !docstring.contains("quoted") && !docstring.contains('\\'),
        "{docstring}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every valid MNIST model gets both scripts, without panicking, each weight mapped both
    /// ways and no function written that the script does not call.
    #[test]
    fn any_valid_model_gets_scripts_without_unused_functions(spec in image_model()) {
        if spec.validate().is_err() || neurite::Sequential::<f32>::from_spec(&spec, 0).unwrap().output_features() < 10 {
            return Ok(());
        }
        let model = source(&spec);
        let torch = torch(&model);
        let keras = keras(&model);
        prop_assert_eq!(unused_functions(&torch), Vec::<String>::new());
        prop_assert_eq!(unused_functions(&keras), Vec::<String>::new());
        for layer in model.layers.iter().filter(|layer| layer.weights.is_some()) {
            let kernel = format!("tensors[\"{}.kernel\"]", layer.name);
            prop_assert!(torch.matches(&kernel).count() == 1, "{} in torch_weights", layer.name);
            let inverse = format!("\"{}.kernel\": weights[", layer.name);
            prop_assert!(torch.contains(&inverse), "{} in file_tensors", layer.name);
            let keras_layer = format!("name=\"{}\"", layer.name);
            prop_assert!(keras.contains(&keras_layer), "{} in build_model", layer.name);
            prop_assert!(keras.contains(&kernel), "{} in numpy_forward", layer.name);
        }
    }
}
