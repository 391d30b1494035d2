//! The NumPy functions a script's `numpy_forward` calls, each written into the script only when
//! its forward pass uses it: torch's operators on `[N, C, H, W]` images for the PyTorch script,
//! Keras's on `[N, H, W, C]` images for the Keras script.

use std::collections::BTreeSet;

/// One helper function. The order of the variants is the order they appear in a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Helper {
    /// `pad(x, (left, right, top, bottom), value)` on NCHW images.
    Pad,
    /// `windows(x, kernel_size, stride)` over NCHW images.
    Windows,
    /// `conv2d`, as `nn.Conv2d`.
    Conv2d,
    /// `max_pool2d`, as `nn.MaxPool2d`.
    MaxPool2d,
    /// `avg_pool2d`, as `nn.AvgPool2d(count_include_pad=False)`.
    AvgPool2d,
    /// `windows(x, size, strides, padding, fill)` over NHWC images, TensorFlow's padding.
    KerasWindows,
    /// `conv2d`, as `keras.layers.Conv2D`.
    KerasConv2d,
    /// `max_pooling2d`, as `keras.layers.MaxPooling2D`.
    KerasMaxPooling2d,
    /// `average_pooling2d`, as `keras.layers.AveragePooling2D`.
    KerasAveragePooling2d,
    /// `sigmoid(x)`.
    Sigmoid,
    /// `softmax(x, axis)`.
    Softmax,
}

impl Helper {
    /// The helpers this one calls.
    fn needs(self) -> &'static [Helper] {
        match self {
            Helper::Windows
            | Helper::Pad
            | Helper::KerasWindows
            | Helper::Sigmoid
            | Helper::Softmax => &[],
            Helper::Conv2d | Helper::MaxPool2d | Helper::AvgPool2d => {
                &[Helper::Pad, Helper::Windows]
            }
            Helper::KerasConv2d | Helper::KerasMaxPooling2d | Helper::KerasAveragePooling2d => {
                &[Helper::KerasWindows]
            }
        }
    }

    /// The function's source.
    fn source(self) -> &'static str {
        match self {
            Helper::Pad => PAD,
            Helper::Windows => WINDOWS,
            Helper::Conv2d => CONV2D,
            Helper::MaxPool2d => MAX_POOL2D,
            Helper::AvgPool2d => AVG_POOL2D,
            Helper::KerasWindows => KERAS_WINDOWS,
            Helper::KerasConv2d => KERAS_CONV2D,
            Helper::KerasMaxPooling2d => KERAS_MAX_POOLING2D,
            Helper::KerasAveragePooling2d => KERAS_AVERAGE_POOLING2D,
            Helper::Sigmoid => SIGMOID,
            Helper::Softmax => SOFTMAX,
        }
    }
}

/// The source of `helpers` and of every helper they call, in a fixed order, each preceded by
/// two blank lines; empty when there are none.
pub fn source(helpers: &BTreeSet<Helper>) -> String {
    let mut all = helpers.clone();
    for helper in helpers {
        all.extend(helper.needs());
    }
    all.iter()
        .map(|helper| format!("\n\n{}", helper.source()))
        .collect()
}

const PAD: &str = r#"def pad(x, padding, value=0.0):
    """torch.nn.functional.pad of [N, C, H, W] images: padding = (left, right, top, bottom)."""
    left, right, top, bottom = padding
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=value)
"#;

const WINDOWS: &str = r#"def windows(x, kernel_size, stride):
    """For each offset (i, j) in the window, the [N, C, out_h, out_w] cells it covers."""
    (kh, kw), (sh, sw) = kernel_size, stride
    out_h, out_w = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    for i in range(kh):
        for j in range(kw):
            yield i, j, x[:, :, i : i + (out_h - 1) * sh + 1 : sh, j : j + (out_w - 1) * sw + 1 : sw]
"#;

const CONV2D: &str = r#"def conv2d(x, weight, bias, stride, padding):
    """nn.Conv2d: weight [out, in, kh, kw]; padding = (rows, columns) of zeros on both sides."""
    x = pad(x, (padding[1], padding[1], padding[0], padding[0]))
    cells = windows(x, weight.shape[2:], stride)
    # Each offset's cells, channels last, times its [in, out] slice of the weight.
    z = sum(patch.transpose(0, 2, 3, 1) @ weight[:, :, i, j].T for i, j, patch in cells)
    return z.transpose(0, 3, 1, 2) + bias[:, None, None]
"#;

const MAX_POOL2D: &str = r#"def max_pool2d(x, kernel_size, stride, padding):
    """nn.MaxPool2d: padding = (rows, columns) on both sides, which never wins."""
    x = pad(x, (padding[1], padding[1], padding[0], padding[0]), -np.inf)
    return np.max([cells for _, _, cells in windows(x, kernel_size, stride)], axis=0)
"#;

const AVG_POOL2D: &str = r#"def avg_pool2d(x, kernel_size, stride, padding):
    """The mean of the image cells under each window, padding not counted (nn.AvgPool2d with
    count_include_pad=False, and AvgPool2dSame): padding = (left, right, top, bottom)."""
    total = sum(cells for _, _, cells in windows(pad(x, padding), kernel_size, stride))
    ones = pad(np.ones_like(x[:1, :1]), padding)
    return total / sum(cells for _, _, cells in windows(ones, kernel_size, stride))
"#;

const KERAS_WINDOWS: &str = r#"def windows(x, size, strides, padding, fill):
    """For each offset (i, j) in the window, the [N, out_h, out_w, C] cells it covers, the
    border padded with `fill` by TensorFlow's rule (`same`: the odd cell after)."""

    def axis(n, k, s):  # outputs, cells padded before, cells padded after
        if padding == "valid":
            return (n - k) // s + 1, 0, 0
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        return out, total // 2, total - total // 2

    (kh, kw), (sh, sw) = size, strides
    out_h, top, bottom = axis(x.shape[1], kh, sh)
    out_w, left, right = axis(x.shape[2], kw, sw)
    x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    for i in range(kh):
        for j in range(kw):
            yield i, j, x[:, i : i + (out_h - 1) * sh + 1 : sh, j : j + (out_w - 1) * sw + 1 : sw, :]
"#;

const KERAS_CONV2D: &str = r#"def conv2d(x, kernel, bias, strides, padding):
    """keras.layers.Conv2D: kernel [kh, kw, in, out], zeros on the padding."""
    cells = windows(x, kernel.shape[:2], strides, padding, 0.0)
    return sum(patch @ kernel[i, j] for i, j, patch in cells) + bias
"#;

const KERAS_MAX_POOLING2D: &str = r#"def max_pooling2d(x, size, strides, padding):
    """keras.layers.MaxPooling2D: padded cells never win."""
    return np.max([cells for _, _, cells in windows(x, size, strides, padding, -np.inf)], axis=0)
"#;

const KERAS_AVERAGE_POOLING2D: &str = r#"def average_pooling2d(x, size, strides, padding):
    """keras.layers.AveragePooling2D: the mean of the image cells under each window."""
    total = sum(cells for _, _, cells in windows(x, size, strides, padding, 0.0))
    ones = np.ones_like(x[:1, :, :, :1])
    return total / sum(cells for _, _, cells in windows(ones, size, strides, padding, 0.0))
"#;

const SIGMOID: &str = r#"def sigmoid(x):
    """1 / (1 + e^-x), written with tanh so that no exponential overflows."""
    return 0.5 * (1 + np.tanh(0.5 * x))
"#;

const SOFTMAX: &str = r#"def softmax(x, axis):
    """The softmax along `axis`, less the maximum first so that no exponential overflows."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"#;
