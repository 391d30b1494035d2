#!/usr/bin/env python3
"""Runs a Neurite model file with NumPy on the MNIST test set, as docs/model-format.md shows.

Usage: numpy_forward.py MODEL.safetensors [MNIST_DIR] [--compare PREDICTIONS.txt]

Prints the test accuracy. With --compare, reads the classes `neurite eval --predictions`
wrote (one per line) and prints how many NumPy's forward pass agrees with; exits 1 below
99.9 % agreement.
"""
import argparse
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
    "softmax": lambda z: (e := np.exp(z - z.max(axis=1, keepdims=True))) / e.sum(axis=1, keepdims=True),
}


def load_neurite(path):
    """The architecture, the tensors and the pixel mode ("scaled" when the file predates it)."""
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata()
    return json.loads(metadata["model_spec"]), load_file(path), metadata.get("pixels", "scaled")


def forward(spec, tensors, x):
    counts = {}
    for layer in spec["layers"]:
        kind = layer["type"]
        counts[kind] = counts.get(kind, 0) + 1
        name = f"{kind}_{counts[kind]}"
        if kind == "dense":
            x = x @ tensors[f"{name}.kernel"] + tensors[f"{name}.bias"]
            x = ACTIVATIONS[layer.get("activation", "linear")](x)
        elif kind == "activation":
            x = ACTIVATIONS[layer["activation"]](x)
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
    predicted = forward(spec, tensors, x).argmax(axis=1)
    print(f"numpy test accuracy: {(predicted == labels).mean():.4f}")
    if args.compare:
        theirs = np.loadtxt(args.compare, dtype=np.int64)
        agree = (theirs == predicted).mean()
        print(f"agreement with neurite: {agree * 100:.2f} % of {len(labels)} images")
        if agree < 0.999:
            sys.exit(1)


if __name__ == "__main__":
    main()
