#!/usr/bin/env python3
"""Checks the exports of `neurite export` against Neurite's own predictions.

Usage: check_exports.py [--data DIR] STEM...

Each STEM names the files scripts/check_exports.sh writes for one model: STEM.safetensors,
STEM.predictions.txt (`neurite eval --predictions`), STEM.onnx, STEM_torch.py and
STEM_keras.py. For each model:

- the ONNX file passes onnx.checker.check_model(full_check=True) and, run in onnxruntime on the
  10 000 test images (pixels made as its metadata says), predicts the class Neurite predicts;
- both scripts compile, and their --numpy forward passes (the framework's weight layouts and
  operators written in NumPy; no framework is installed here) predict the class Neurite predicts.

Prints each agreement and exits 1 if any is below 99.9 %.
"""
import argparse
import os
import py_compile
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime

AGREEMENT = 0.999


def test_images(directory, pixels):
    """The 10 000 test images as float32 rows of 784 inputs, made as the model's were."""
    images = np.fromfile(os.path.join(directory, "t10k-images-idx3-ubyte"), np.uint8, offset=16)
    x = images.reshape(-1, 784).astype(np.float32)
    return x / 255 if pixels == "scaled" else x


def onnx_predictions(path, data):
    """The ONNX model's classes for the test images, after the checker's full check."""
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    metadata = {entry.key: entry.value for entry in model.metadata_props}
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (probabilities,) = session.run(["probabilities"], {"input": test_images(data, metadata["pixels"])})
    return probabilities.argmax(axis=1)


def script_predictions(script, data, out):
    """The classes a generated script's --numpy path writes; its own report is printed."""
    py_compile.compile(script, doraise=True)
    command = [sys.executable, script, "--numpy", "--data", data, "--predictions", out]
    report = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    print(f"{os.path.basename(script)} --numpy: {report.strip()}")
    return np.loadtxt(out, dtype=np.int64)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data/mnist")
    parser.add_argument("stems", nargs="+")
    args = parser.parse_args()

    failed = False
    for stem in args.stems:
        name = os.path.basename(stem)
        neurite = np.loadtxt(f"{stem}.predictions.txt", dtype=np.int64)
        exports = {
            "onnxruntime": onnx_predictions(f"{stem}.onnx", args.data),
            "pytorch script --numpy": script_predictions(f"{stem}_torch.py", args.data, f"{stem}.torch.txt"),
            "keras script --numpy": script_predictions(f"{stem}_keras.py", args.data, f"{stem}.keras.txt"),
        }
        for export, predicted in exports.items():
            agreement = (predicted == neurite).mean()
            failed |= agreement < AGREEMENT
            verdict = "ok" if agreement >= AGREEMENT else f"FAILED (below {AGREEMENT:.1%})"
            print(f"{name}: {export} agrees with neurite on {agreement:.2%} of {len(neurite)} images: {verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
