"""Keras's MNIST convnet trained natively on one thread, as the reference for
`neurite train --model keras-convnet`'s speed on the same machine.

Not run by the test command: it needs TensorFlow (`pip install tensorflow-cpu`, in a virtual
environment). Usage:

    python scripts/bench_keras_native.py [--epochs 1] [--subset N]

Prints the samples per second of each epoch (training only, as Neurite's CLI reports them)
and the test accuracy. The model, optimizer, batch size and data are the preset's:
conv 32 3×3 relu → max-pool 2 → conv 64 3×3 relu → max-pool 2 → flatten → dropout 0.5 →
dense 10 softmax, Adam 1e-3, sparse categorical cross-entropy, batch 32, pixels / 255.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def idx(name):
    with open(os.path.join(ROOT, "data", "mnist", name), "rb") as f:
        data = f.read()
    if name.endswith("images-idx3-ubyte"):
        return np.frombuffer(data, np.uint8, offset=16).reshape(-1, 28, 28, 1)
    return np.frombuffer(data, np.uint8, offset=8)


class EpochSpeed(keras.callbacks.Callback):
    def __init__(self, samples):
        super().__init__()
        self.samples = samples

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self.start
        print(f"epoch {epoch + 1}: {seconds:.1f} s, {self.samples / seconds:.0f} samples/s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--subset", type=int, default=60000)
    args = parser.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    keras.utils.set_random_seed(42)
    x_train = idx("train-images-idx3-ubyte")[: args.subset].astype("float32") / 255
    y_train = idx("train-labels-idx1-ubyte")[: args.subset]
    x_test = idx("t10k-images-idx3-ubyte").astype("float32") / 255
    y_test = idx("t10k-labels-idx1-ubyte")
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            keras.layers.MaxPooling2D(pool_size=(2, 2)),
            keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            keras.layers.MaxPooling2D(pool_size=(2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(
        x_train,
        y_train,
        batch_size=32,
        epochs=args.epochs,
        verbose=0,
        callbacks=[EpochSpeed(len(x_train))],
    )
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
