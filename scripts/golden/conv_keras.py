"""Golden reference values from real Keras/TensorFlow for conv and pooling layers.

Produces one JSON object on stdout with the Keras and TensorFlow versions and a
list of cases. Each case builds ONE Keras layer alone (float64, NHWC /
channels_last), feeds it a deterministic input, and records:

  * the layer config (type, kernel/pool size, strides and padding as resolved by
    ``layer.get_config()``, always 2-element lists, and activation for conv),
  * ``pads``: the zero padding [top, bottom, left, right] TensorFlow applies
    (derived with TF's "SAME" rule and cross-checked against a NumPy reference),
  * ``input``/``output`` (flat, row-major) with their shapes,
  * for conv: ``kernel`` (Keras layout [kh, kw, in, out]) and ``bias``,
  * ``upstream`` = dy, and the gradients of L = sum(y * dy) with respect to
    the input (``grad_input``) and, for conv, the kernel and bias.

No random generator is used: inputs, kernels, biases and dy come from sin/cos
of index ramps. Max-pooling cases assert that no window contains a tie, and
the relu case asserts no pre-activation is near zero, so gradients are
unambiguous. Every Keras result is also cross-checked against an independent
NumPy implementation before being written.

Run (from the repository root, in a venv with tensorflow(-cpu) and numpy):

    python scripts/golden/conv_keras.py > crates/neurite/tests/data/conv_golden.json

Floats are written with full float64 precision (Python repr), one case per line.
"""

import json
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

try:
    import keras  # Keras 3 (standalone package)
except ImportError:  # pragma: no cover - older TF bundles keras inside tf
    keras = tf.keras

keras.backend.set_floatx("float64")
keras.utils.set_random_seed(0)  # unused (all weights are set explicitly); belt and braces

DT = np.float64


def ramp_sin(n, a, b):
    return np.sin(a * np.arange(n, dtype=DT) + b)


def pair(v):
    if isinstance(v, (list, tuple)):
        assert len(v) == 2, v
        return [int(v[0]), int(v[1])]
    return [int(v), int(v)]


def resolve_pads(in_hw, k_hw, s_hw, padding):
    """TF padding rule: returns (out_hw, [top, bottom, left, right])."""
    out, pads = [], []
    for n, k, s in zip(in_hw, k_hw, s_hw):
        if padding == "valid":
            o = (n - k) // s + 1
            pads += [0, 0]
        else:
            o = math.ceil(n / s)
            total = max((o - 1) * s + k - n, 0)
            pads += [total // 2, total - total // 2]
        out.append(o)
    return out, pads


# ---------------------------------------------------------------- NumPy refs
def np_conv(x, w, b, strides, pads, relu):
    bsz, H, W, C = x.shape
    kh, kw, _, F = w.shape
    t, bo, l, r = pads
    xp = np.zeros((bsz, H + t + bo, W + l + r, C), DT)
    xp[:, t:t + H, l:l + W, :] = x
    oh = (H + t + bo - kh) // strides[0] + 1
    ow = (W + l + r - kw) // strides[1] + 1
    z = np.zeros((bsz, oh, ow, F), DT)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * strides[0]:i * strides[0] + kh, j * strides[1]:j * strides[1] + kw, :]
            z[:, i, j, :] = np.einsum("bhwc,hwcf->bf", patch, w) + b
    return (np.maximum(z, 0.0) if relu else z), z


def np_conv_grads(x, w, strides, pads, dz):
    bsz, H, W, C = x.shape
    kh, kw, _, F = w.shape
    t, bo, l, r = pads
    xp = np.zeros((bsz, H + t + bo, W + l + r, C), DT)
    xp[:, t:t + H, l:l + W, :] = x
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    _, oh, ow, _ = dz.shape
    for i in range(oh):
        for j in range(ow):
            hs, ws = i * strides[0], j * strides[1]
            patch = xp[:, hs:hs + kh, ws:ws + kw, :]
            dw += np.einsum("bhwc,bf->hwcf", patch, dz[:, i, j, :])
            dxp[:, hs:hs + kh, ws:ws + kw, :] += np.einsum("hwcf,bf->bhwc", w, dz[:, i, j, :])
    return dxp[:, t:t + H, l:l + W, :], dw, dz.sum(axis=(0, 1, 2))


def pool_windows(H, W, pool, strides, pads):
    """Yields (i, j, rows, cols) with the window clipped to the real input."""
    t, bo, l, r = pads
    oh = (H + t + bo - pool[0]) // strides[0] + 1
    ow = (W + l + r - pool[1]) // strides[1] + 1
    for i in range(oh):
        for j in range(ow):
            h0 = i * strides[0] - t
            w0 = j * strides[1] - l
            rows = range(max(h0, 0), min(h0 + pool[0], H))
            cols = range(max(w0, 0), min(w0 + pool[1], W))
            yield i, j, rows, cols, oh, ow


def np_pool(x, kind, pool, strides, pads, dy):
    bsz, H, W, C = x.shape
    wins = list(pool_windows(H, W, pool, strides, pads))
    oh, ow = wins[0][4], wins[0][5]
    y = np.zeros((bsz, oh, ow, C), DT)
    dx = np.zeros_like(x)
    for i, j, rows, cols, _, _ in wins:
        for bi in range(bsz):
            for c in range(C):
                vals = x[bi, rows.start:rows.stop, cols.start:cols.stop, c]
                if kind == "max":
                    flat = vals.ravel()
                    m = flat.max()
                    assert np.sum(flat == m) == 1, "tie in max-pool window"
                    # also demand a clear margin, so no float ambiguity
                    if flat.size > 1:
                        assert m - np.sort(flat)[-2] > 1e-6, "near-tie in max-pool window"
                    a = int(np.argmax(vals))
                    ri, ci = divmod(a, vals.shape[1])
                    y[bi, i, j, c] = m
                    dx[bi, rows.start + ri, cols.start + ci, c] += dy[bi, i, j, c]
                else:
                    y[bi, i, j, c] = vals.mean()  # valid cells only
                    dx[bi, rows.start:rows.stop, cols.start:cols.stop, c] += dy[bi, i, j, c] / vals.size
    return y, dx


# ------------------------------------------------------------------- cases
def flat(a):
    return [float(v) for v in np.asarray(a, DT).ravel()]


def conv_case(name, filters, kernel_size, strides, padding, input_shape, activation="linear"):
    layer = keras.layers.Conv2D(
        filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
        activation=activation, data_format="channels_last", dtype="float64",
    )
    layer.build(tuple(input_shape))
    cfg = layer.get_config()
    k_hw, s_hw, pad = pair(cfg["kernel_size"]), pair(cfg["strides"]), cfg["padding"]
    assert pair(cfg["dilation_rate"]) == [1, 1]
    C = input_shape[-1]
    kshape = [k_hw[0], k_hw[1], C, filters]
    assert list(layer.kernel.shape) == kshape

    x = ramp_sin(int(np.prod(input_shape)), 0.37, 0.1).reshape(input_shape)
    w = (np.cos(0.53 * np.arange(int(np.prod(kshape)), dtype=DT) + 0.2) * 0.5).reshape(kshape)
    b = 0.1 * np.arange(filters, dtype=DT) - 0.05
    layer.set_weights([w, b])

    xt = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
        out_shape = list(y.shape)
        dy = ramp_sin(int(np.prod(out_shape)), 0.71, 0.3).reshape(out_shape)
        loss = tf.reduce_sum(y * tf.constant(dy, dtype=tf.float64))
    gx, gk, gb = tape.gradient(loss, [xt, layer.kernel, layer.bias])
    y, gx, gk, gb = y.numpy(), gx.numpy(), np.asarray(gk), np.asarray(gb)
    assert y.dtype == np.float64 and gx.dtype == np.float64

    # Cross-check with NumPy (also pins down the padding TF applied).
    out_hw, pads = resolve_pads(input_shape[1:3], k_hw, s_hw, pad)
    assert out_shape == [input_shape[0], out_hw[0], out_hw[1], filters], (out_shape, out_hw)
    relu = activation == "relu"
    ry, z = np_conv(x, w, b, s_hw, pads, relu)
    if relu:
        assert np.all(np.abs(z) > 1e-6), "relu pre-activation too close to 0"
        dz = dy * (z > 0)
    else:
        dz = dy
    rgx, rgk, rgb = np_conv_grads(x, w, s_hw, pads, dz)
    for got, ref in ((y, ry), (gx, rgx), (gk, rgk), (gb, rgb)):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)

    return {
        "name": name,
        "layer": {"type": "conv2d", "filters": filters, "kernel_size": k_hw, "strides": s_hw,
                  "padding": pad, "activation": cfg["activation"], "use_bias": cfg["use_bias"]},
        "pads": pads,
        "input_shape": list(input_shape), "input": flat(x),
        "kernel_shape": kshape, "kernel": flat(w), "bias": flat(b),
        "output_shape": out_shape, "output": flat(y),
        "upstream": flat(dy),
        "grad_input": flat(gx), "grad_kernel": flat(gk), "grad_bias": flat(gb),
    }


def pool_case(name, kind, input_shape, **kw):
    if kind == "max":
        layer = keras.layers.MaxPooling2D(data_format="channels_last", dtype="float64", **kw)
        ltype = "max_pooling2d"
    elif kind == "avg":
        layer = keras.layers.AveragePooling2D(data_format="channels_last", dtype="float64", **kw)
        ltype = "average_pooling2d"
    else:
        layer = keras.layers.GlobalAveragePooling2D(data_format="channels_last", dtype="float64", **kw)
        ltype = "global_average_pooling2d"

    x = ramp_sin(int(np.prod(input_shape)), 0.37, 0.1).reshape(input_shape)
    xt = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
        out_shape = list(y.shape)
        dy = ramp_sin(int(np.prod(out_shape)), 0.71, 0.3).reshape(out_shape)
        loss = tf.reduce_sum(y * tf.constant(dy, dtype=tf.float64))
    gx = tape.gradient(loss, xt).numpy()
    y = y.numpy()
    assert y.dtype == np.float64 and gx.dtype == np.float64
    cfg = layer.get_config()

    case = {"name": name}
    if kind == "gap":
        assert not cfg.get("keepdims", False)
        case["layer"] = {"type": ltype}
        bsz, H, W, C = input_shape
        ry = x.mean(axis=(1, 2))
        rgx = np.broadcast_to(dy[:, None, None, :] / (H * W), x.shape)
    else:
        p_hw, s_hw, pad = pair(cfg["pool_size"]), pair(cfg["strides"]), cfg["padding"]
        out_hw, pads = resolve_pads(input_shape[1:3], p_hw, s_hw, pad)
        assert out_shape == [input_shape[0], out_hw[0], out_hw[1], input_shape[3]], out_shape
        case["layer"] = {"type": ltype, "pool_size": p_hw, "strides": s_hw, "padding": pad}
        case["pads"] = pads
        ry, rgx = np_pool(x, kind, p_hw, s_hw, pads, dy)  # asserts no ties for max
    np.testing.assert_allclose(y, ry, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gx, rgx, rtol=1e-12, atol=1e-12)

    case.update({
        "input_shape": list(input_shape), "input": flat(x),
        "output_shape": out_shape, "output": flat(y),
        "upstream": flat(dy),
        "grad_input": flat(gx),
    })
    return case


def main():
    cases = [
        conv_case("conv_valid_3x3", 3, 3, 1, "valid", [2, 5, 6, 2]),
        conv_case("conv_same_3x3", 2, 3, 1, "same", [1, 5, 5, 3]),
        conv_case("conv_same_3x2_stride2", 2, (3, 2), 2, "same", [2, 6, 7, 1]),
        conv_case("conv_valid_2x2_stride2x1_relu", 4, 2, (2, 1), "valid", [1, 5, 4, 2], activation="relu"),
        pool_case("maxpool_2_odd", "max", [2, 5, 5, 2], pool_size=2),
        pool_case("maxpool_3_stride2_overlap", "max", [1, 7, 7, 1], pool_size=3, strides=2),
        pool_case("avgpool_2", "avg", [1, 4, 6, 3], pool_size=2),
        pool_case("avgpool_2x3_stride1x2", "avg", [1, 4, 7, 1], pool_size=(2, 3), strides=(1, 2)),
        pool_case("global_avgpool", "gap", [2, 3, 4, 2]),
        pool_case("maxpool_2_same", "max", [1, 5, 5, 1], pool_size=2, padding="same"),
        pool_case("avgpool_2_same", "avg", [1, 5, 5, 1], pool_size=2, padding="same"),
    ]
    header = {"keras_version": keras.__version__, "tensorflow_version": tf.__version__,
              "numpy_version": np.__version__}
    out = sys.stdout
    out.write("{" + json.dumps(header, indent=None)[1:-1] + ',\n"cases": [\n')
    out.write(",\n".join(json.dumps(c, indent=None) for c in cases))
    out.write("\n]}\n")


if __name__ == "__main__":
    main()
