//! The Keras script's training: `model.compile` with the file's optimizer and loss, and
//! `model.fit`. Keras's update rules and loss numerics are the ones Neurite reproduces, so the
//! settings carry over as they are.

use neurite::{Loss, OptimizerSpec};

use crate::python::common::Training;
use crate::python::literal::{boolean, docstring, float};

/// `compiled_model(tensors)`: the loaded model compiled with the configuration's settings.
pub fn compiled_model_function(training: &Training) -> String {
    let config = &training.config;
    let optimizer = match config.optimizer {
        OptimizerSpec::Adam {
            beta_1,
            beta_2,
            epsilon,
        } => format!(
            "keras.optimizers.Adam(learning_rate=LEARNING_RATE, beta_1={}, beta_2={}, epsilon={})",
            float(beta_1),
            float(beta_2),
            float(epsilon)
        ),
        OptimizerSpec::Sgd { momentum, nesterov } => format!(
            "keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum={}, nesterov={})",
            float(momentum),
            boolean(nesterov)
        ),
        OptimizerSpec::Rmsprop {
            rho,
            momentum,
            epsilon,
        } => format!(
            "keras.optimizers.RMSprop(learning_rate=LEARNING_RATE, rho={}, momentum={}, epsilon={})",
            float(rho),
            float(momentum),
            float(epsilon)
        ),
    };
    let doc = format!(
        "loaded_model() compiled with the training settings ({}). Keras's update rules and \
         losses are those Neurite reproduces, so the settings carry over as they are.",
        training.origin()
    );
    // Neurite's accuracy: the class of the largest output against the label.
    let accuracy = match config.loss {
        Loss::SparseCategoricalCrossentropy => "sparse_categorical_accuracy",
        _ => "categorical_accuracy",
    };
    format!(
        r#"

def compiled_model(tensors):
{doc}    import keras

    model = loaded_model(tensors)
    optimizer = {optimizer}
    model.compile(optimizer=optimizer, loss="{loss}", metrics=["{accuracy}"])
    return model
"#,
        doc = docstring(&doc, 4),
        loss = config.loss.name()
    )
}

/// `train(args, metadata, tensors)`: `model.fit`, then the model saved.
pub fn train_function(training: &Training, classes: usize) -> String {
    // Only the sparse loss takes the labels themselves; the others take them one-hot, as
    // Neurite gives them to a model of several outputs.
    let (import, train_targets, test_targets) = match training.config.loss {
        Loss::SparseCategoricalCrossentropy => {
            (String::new(), "labels".to_owned(), "labels_test".to_owned())
        }
        _ => (
            "    import keras\n\n".to_owned(),
            format!("keras.utils.to_categorical(labels, {classes})"),
            format!("keras.utils.to_categorical(labels_test, {classes})"),
        ),
    };
    TRAIN
        .replace("@IMPORT@", &import)
        .replace("@TRAIN_TARGETS@", &train_targets)
        .replace("@TEST_TARGETS@", &test_targets)
}

const TRAIN: &str = r#"

def train(args, metadata, tensors):
    """Trains further with model.fit, then saves the model: a .keras file, or with an --out
    ending in .safetensors a Neurite model file. On several devices or machines, build and
    compile the model under a tf.distribute strategy's scope() (docs/export.md)."""
@IMPORT@    model = compiled_model(tensors)
    x, labels = read_split(args.data, "train", args.pixels)
    if args.train_subset:
        x, labels = x[: args.train_subset], labels[: args.train_subset]
    x_test, labels_test = read_split(args.data, "t10k", args.pixels)
    model.fit(
        x,
        @TRAIN_TARGETS@,
        batch_size=args.batch_size,
        epochs=args.epochs,
        validation_data=(x_test, @TEST_TARGETS@),
    )
    if args.out.endswith(".safetensors"):
        tensors = {}
        for layer in model.layers:
            if layer.weights:
                kernel, bias = layer.get_weights()
                tensors[f"{layer.name}.kernel"], tensors[f"{layer.name}.bias"] = kernel, bias
        write_safetensors(args.out, model_metadata(metadata), tensors)
    else:
        model.save(args.out)
    print(f"saved {args.out}")
"#;
