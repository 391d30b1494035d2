#!/usr/bin/env python3
"""Runs a Neurite model file with NumPy on the MNIST test set, as docs/model-format.md shows.

Usage: numpy_forward.py MODEL.safetensors [MNIST_DIR] [--compare PREDICTIONS.txt]

Prints the test accuracy. With --compare, reads the classes `neurite eval --predictions`
wrote (one per line) and prints how many NumPy's forward pass agrees with; exits 1 below
99.9 % agreement.

Dense, flatten, reshape, activation and dropout layers, and the convolutional ones: conv2d,
max_pooling2d, average_pooling2d and global_average_pooling2d, with Keras's semantics
(images channels last, `[batch, height, width, channels]`; `same` padding as TensorFlow's).
It shares no code with the engine.
"""
import argparse
import functools
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.2 * z),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    # Over the last axis, as Keras: the units of a dense layer, the channels of an image.
    "softmax": lambda z: (e := np.exp(z - z.max(axis=-1, keepdims=True))) / e.sum(axis=-1, keepdims=True),
}


def load_neurite(path):
    """The architecture, the tensors and the pixel mode ("scaled" when the file predates it)."""
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata()
    return json.loads(metadata["model_spec"]), load_file(path), metadata.get("pixels", "scaled")


def pair(value, default):
    """A size or stride as `(rows, columns)`: one number stands for both; None is the default."""
    if value is None:
        value = default
    return (value, value) if isinstance(value, int) else tuple(value)


def as_image(x):
    """`[n, h, w]` (one channel implied) or `[n, h, w, c]` as `[n, h, w, c]`."""
    return x[..., np.newaxis] if x.ndim == 3 else x


def padding_amounts(n, k, s, padding):
    """Outputs, and cells padded before and after, along one axis of `n` cells."""
    if padding == "valid":
        return (n - k) // s + 1, 0, 0
    out = -(-n // s)  # ⌈n / s⌉
    total = max((out - 1) * s + k - n, 0)
    return out, total // 2, total - total // 2  # the odd cell after, as TensorFlow


def windows(x, size, strides, padding, fill):
    """Yields, for each offset (i, j) of the window, the `[n, out_h, out_w, c]` input cells it
    covers at every position, the border padded with `fill`."""
    (kh, kw), (sy, sx) = size, strides
    oh, top, bottom = padding_amounts(x.shape[1], kh, sy, padding)
    ow, left, right = padding_amounts(x.shape[2], kw, sx, padding)
    x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    for i in range(kh):
        for j in range(kw):
            yield i, j, x[:, i : i + (oh - 1) * sy + 1 : sy, j : j + (ow - 1) * sx + 1 : sx, :]


def conv2d(x, kernel, bias, strides, padding):
    """Keras's Conv2D: kernel `[kh, kw, in, out]`, zeros on the padding."""
    z = bias
    for i, j, cells in windows(as_image(x), kernel.shape[:2], strides, padding, 0.0):
        z = z + cells @ kernel[i, j]
    return z


def max_pooling2d(x, size, strides, padding):
    """The largest image cell under each window (padding never wins)."""
    return functools.reduce(np.maximum, (cells for _, _, cells in windows(as_image(x), size, strides, padding, -np.inf)))


def average_pooling2d(x, size, strides, padding):
    """The mean of the image cells under each window (padding is not counted)."""
    x = as_image(x)
    total = sum(cells for _, _, cells in windows(x, size, strides, padding, 0.0))
    ones = np.ones((1, *x.shape[1:3], 1), x.dtype)
    count = sum(cells for _, _, cells in windows(ones, size, strides, padding, 0.0))
    return total / count


def forward(spec, tensors, x):
    """x: `[n, features]` inputs; returns `[n, outputs]`."""
    x = x.reshape(len(x), *spec["input_shape"])
    counts = {}
    for layer in spec["layers"]:
        kind = layer["type"]
        counts[kind] = counts.get(kind, 0) + 1
        name = f"{kind}_{counts[kind]}"
        if kind == "flatten":
            x = x.reshape(len(x), -1)
        elif kind == "reshape":
            x = x.reshape(len(x), *layer["target_shape"])
        elif kind == "dense":
            x = x @ tensors[f"{name}.kernel"] + tensors[f"{name}.bias"]
            x = ACTIVATIONS[layer.get("activation", "linear")](x)
        elif kind == "activation":
            x = ACTIVATIONS[layer["activation"]](x)
        elif kind == "dropout":
            pass  # the identity at inference
        elif kind == "conv2d":
            kernel, bias = tensors[f"{name}.kernel"], tensors[f"{name}.bias"]
            assert kernel.shape[:2] == pair(layer["kernel_size"], None), f"{name}.kernel {kernel.shape}"
            x = conv2d(x, kernel, bias, pair(layer.get("strides"), 1), layer.get("padding", "valid"))
            x = ACTIVATIONS[layer.get("activation", "linear")](x)
        elif kind in ("max_pooling2d", "average_pooling2d"):
            size = pair(layer.get("pool_size"), 2)
            strides = pair(layer.get("strides"), size)
            pool = max_pooling2d if kind == "max_pooling2d" else average_pooling2d
            x = pool(x, size, strides, layer.get("padding", "valid"))
        elif kind == "global_average_pooling2d":
            x = as_image(x).mean(axis=(1, 2))
        else:
            sys.exit(f"{name}: layer type {kind!r} is not known to this script")
    return x


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("mnist_dir", nargs="?", default="data/mnist")
    parser.add_argument("--compare")
    args = parser.parse_args()

    spec, tensors, pixels = load_neurite(args.model)
    images = np.fromfile(f"{args.mnist_dir}/t10k-images-idx3-ubyte", np.uint8, offset=16).reshape(-1, 784)
    labels = np.fromfile(f"{args.mnist_dir}/t10k-labels-idx1-ubyte", np.uint8, offset=8)
    x = images.astype(np.float32) / (1.0 if pixels == "raw" else 255.0)
    # 500 images at a time: a convolution's outputs for all 10 000 would take gigabytes.
    predicted = np.concatenate([forward(spec, tensors, x[i : i + 500]).argmax(axis=1) for i in range(0, len(x), 500)])
    print(f"numpy test accuracy: {(predicted == labels).mean():.4f}")
    if args.compare:
        theirs = np.loadtxt(args.compare, dtype=np.int64)
        agree = (theirs == predicted).mean()
        print(f"agreement with neurite: {agree * 100:.2f} % of {len(labels)} images")
        if agree < 0.999:
            sys.exit(1)


if __name__ == "__main__":
    main()
