#!/usr/bin/env bash
# Checks `neurite export` against the engine itself: trains a small MLP (raw pixels), Keras's
# convnet and a small convnet of the other layer kinds (`same` padding with the odd cell after,
# strides, average pooling, leaky ReLU) with the command line, has `neurite eval` write each model's
# predictions on the 10 000 test images, exports both to ONNX, PyTorch and Keras, and runs
# scripts/check_exports.py on the results: the ONNX graph in onnxruntime, and each script's
# NumPy forward pass, must agree with Neurite on at least 99.9 % of the images.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_mnist
ensure_python_venv

cargo build --quiet -p neurite-cli
neurite="${CARGO_TARGET_DIR:-$ROOT/target}/debug/neurite"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/convnet.json" <<'SPEC'
{"input_shape":[28,28],"layers":[
  {"type":"conv2d","filters":8,"kernel_size":5,"strides":2,"padding":"same","activation":"relu"},
  {"type":"max_pooling2d","pool_size":3,"strides":2,"padding":"same"},
  {"type":"conv2d","filters":16,"kernel_size":3,"padding":"same","activation":"leaky_relu"},
  {"type":"average_pooling2d","pool_size":2,"padding":"same"},
  {"type":"flatten"},
  {"type":"dropout","rate":0.25},
  {"type":"dense","units":10,"activation":"softmax"}]}
SPEC

# One epoch of each on part of the training images: models past 87 % (few near ties between
# their two likeliest classes), in a few seconds each.
train() { # NAME MODEL SAMPLES [FLAGS…]
  local name="$1" model="$2" samples="$3"
  shift 3
  "$neurite" train --data data/mnist --model "$model" --epochs 1 --train-subset "$samples" \
    --out "$work/$name.safetensors" --json "$@"
  "$neurite" eval --data data/mnist --model "$work/$name.safetensors" \
    --predictions "$work/$name.predictions.txt"
  "$neurite" export --model "$work/$name.safetensors" --onnx "$work/$name.onnx" \
    --pytorch "$work/${name}_torch.py" --keras "$work/${name}_keras.py"
}
train mlp seed-mlp 30000 --pixels raw
train keras-convnet keras-convnet 10000
train convnet "$work/convnet.json" 30000

"$ROOT/.venv/bin/python" scripts/check_exports.py --data data/mnist \
  "$work/mlp" "$work/keras-convnet" "$work/convnet"
