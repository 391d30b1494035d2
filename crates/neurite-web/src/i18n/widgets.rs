//! The widgets' labels and explanations, English beside 中文.

use super::Tr;

/// Shorthand for a pair.
const fn tr(en: &'static str, zh: &'static str) -> Tr {
    Tr { en, zh }
}

/// The neuron widget's title.
pub const NEURON: Tr = tr("A neuron", "一个神经元");
/// A weight.
pub const WEIGHT: Tr = tr("weight", "权重");
/// An input.
pub const INPUT: Tr = tr("input", "输入");
/// The bias.
pub const BIAS: Tr = tr("bias b", "偏置项 b");
/// The activation menu.
pub const ACTIVATION: Tr = tr("Activation f", "激活函数 f");
/// Add an input.
pub const ADD_INPUT: Tr = tr("+ input", "+ 输入");
/// Remove an input.
pub const REMOVE_INPUT: Tr = tr("− input", "− 输入");
/// The heatmap's caption.
pub const HEATMAP: Tr = tr(
    "Output y over the (x₁, x₂) plane; the dashed line is wᵀx + b = 0. Drag the point to move the input.",
    "输出 y 在 (x₁, x₂) 平面上的分布；虚线是 wᵀx + b = 0。拖动圆点可改变输入。",
);
/// The one-input curve's caption.
pub const NEURON_CURVE: Tr = tr(
    "Output y as the input x₁ varies. Drag the point to move the input.",
    "输入 x₁ 变化时的输出 y。拖动圆点可改变输入。",
);
/// With three inputs there is no picture.
pub const THREE_INPUTS: Tr = tr(
    "With three inputs the output lives in four dimensions: remove an input to see it drawn.",
    "有三个输入时，输出位于四维空间：去掉一个输入即可看到图像。",
);

/// The activation widget's title.
pub const ACTIVATION_TITLE: Tr = tr("An activation function", "激活函数");
/// The function's legend.
pub const FUNCTION: Tr = tr("f(x)", "f(x)");
/// The derivative's legend.
pub const DERIVATIVE: Tr = tr("f′(x), its slope", "f′(x)，即斜率");
/// The shaded band's legend.
pub const VANISHING: Tr = tr(
    "slope below 0.05: little gradient flows back",
    "斜率低于 0.05：几乎没有梯度回传",
);
/// Saturated sigmoid or tanh.
pub const SATURATED: Tr = tr(
    "Saturated: the curve is almost flat here, so almost no gradient flows back through this unit and the weights feeding it barely learn.",
    "饱和：这里的曲线几乎是平的，几乎没有梯度能穿过这个神经元回传，给它输入的权重也就几乎学不动。",
);
/// Dead ReLU.
pub const DEAD_RELU: Tr = tr(
    "Dead ReLU: for x ≤ 0 the slope is exactly 0, so no gradient flows back; a unit whose input stays negative stops learning.",
    "“死亡” ReLU：x ≤ 0 时斜率恰好为 0，梯度无法回传；输入一直为负的神经元会停止学习。",
);
/// Active ReLU.
pub const ACTIVE_RELU: Tr = tr(
    "Active: the slope is 1, so the gradient passes through unchanged.",
    "激活状态：斜率为 1，梯度原样通过。",
);
/// Leaky ReLU.
pub const LEAKY: Tr = tr(
    "Leaky ReLU keeps a slope of 0.2 for negative x, so a unit never stops learning entirely.",
    "Leaky ReLU 在 x 为负时仍保留 0.2 的斜率，因此神经元不会完全停止学习。",
);
/// Sigmoid near its centre.
pub const SIGMOID_CENTRE: Tr = tr(
    "Near 0 the sigmoid is steepest, with a slope of at most 0.25: it squashes any number into (0, 1).",
    "sigmoid 在 0 附近最陡，斜率最大为 0.25：它把任何数压缩到 (0, 1) 之间。",
);
/// Tanh near its centre.
pub const TANH_CENTRE: Tr = tr(
    "Near 0 tanh is steepest, with a slope of up to 1; its outputs lie in (−1, 1), centred on zero.",
    "tanh 在 0 附近最陡，斜率最大为 1；它的输出位于 (−1, 1)，以 0 为中心。",
);
/// Linear.
pub const LINEAR: Tr = tr(
    "Linear: the slope is always 1. A stack of linear layers is still one linear map, which is why networks need a non-linear activation.",
    "线性：斜率恒为 1。多层线性变换叠加起来仍是一个线性变换，所以神经网络需要非线性的激活函数。",
);

/// The loss widget's title.
pub const LOSS_TITLE: Tr = tr("A loss for one example", "单个样本的损失");
/// The loss menu.
pub const LOSS: Tr = tr("Loss", "损失函数");
/// MSE.
pub const MSE: Tr = tr("Mean squared error", "均方误差");
/// Binary cross-entropy.
pub const BCE: Tr = tr("Binary cross-entropy", "二元交叉熵");
/// Categorical cross-entropy.
pub const CCE: Tr = tr("Categorical cross-entropy", "多类交叉熵");
/// A target.
pub const TARGET: Tr = tr("target y", "真实值 y");
/// A prediction.
pub const PREDICTION: Tr = tr("prediction ŷ", "预测值 ŷ");
/// A class.
pub const CLASS: Tr = tr("class", "类别");
/// The true class.
pub const TRUE_CLASS: Tr = tr("true class", "真实类别");
/// The gradient.
pub const GRADIENT: Tr = tr("gradient ∂L/∂ŷ", "梯度 ∂L/∂ŷ");
/// The loss curve's caption.
pub const LOSS_CURVE: Tr = tr(
    "The loss as the first prediction varies (for cross-entropy, the true class's probability, the others scaled to keep the sum 1).",
    "损失随第一个预测值变化的曲线（对交叉熵，是真实类别的概率变化，其余概率按比例缩放以保持总和为 1）。",
);
/// Keras's categorical gradient.
pub const CCE_GRADIENT: Tr = tr(
    "Keras divides ŷ by its sum before taking the logarithm, so this gradient raises the true class's probability and lowers all the others.",
    "Keras 在取对数之前先把 ŷ 除以它的总和，因此这个梯度会提高真实类别的概率，同时降低其他所有类别的概率。",
);
/// A confidently wrong prediction.
pub const CONFIDENT_WRONG: Tr = tr(
    "Confidently wrong: the loss and its gradient grow without bound as the true class's probability goes to 0 (clipped at 10⁻⁷, as in Keras).",
    "自信地犯错：当真实类别的概率趋近于 0 时，损失和梯度会无限增大（与 Keras 一样在 10⁻⁷ 处截断）。",
);

/// The page of an unknown widget.
pub const UNKNOWN_WIDGET: Tr = tr(
    "This address names no Neurite widget. The widgets are:",
    "这个地址没有指向任何 Neurite 组件。可用的组件有：",
);
/// A refused value, shown in the widget.
pub const REFUSED: Tr = tr("Refused", "已拒绝");
/// Dismiss a message.
pub const DISMISS: Tr = tr("Dismiss", "关闭");

/// The gradient-descent widget's title.
pub const DESCENT: Tr = tr("Gradient descent", "梯度下降");
/// The surface menu.
pub const SURFACE: Tr = tr("Loss surface", "损失曲面");
/// The optimizer menu.
pub const OPTIMIZER: Tr = tr("Optimizer", "优化器");
/// The racers' checkboxes.
pub const RACE: Tr = tr("Race against", "一起比较");
/// The learning-rate slider.
pub const LEARNING_RATE: Tr = tr("learning rate η", "学习率 η");
/// The steps slider.
pub const STEPS: Tr = tr("steps", "步数");
/// Play.
pub const PLAY: Tr = tr("▶ Play", "▶ 播放");
/// Pause.
pub const PAUSE: Tr = tr("❚❚ Pause", "❚❚ 暂停");
/// One step.
pub const ONE_STEP: Tr = tr("+1 step", "+1 步");
/// Back to no steps.
pub const RESET_STEPS: Tr = tr("↺ Reset", "↺ 重置");
/// The contour's caption.
pub const CONTOUR: Tr = tr(
    "Contours of the loss (darker is lower). Click or drag to set the start; the arrow is −∇f, the way down.",
    "损失的等高线（颜色越深损失越低）。点击或拖动可设置起点；箭头是 −∇f，即下降的方向。",
);
/// The loss curves' caption.
pub const LOSS_BY_STEP: Tr = tr("Loss after each step", "每一步之后的损失");
/// The point reached.
pub const POINT: Tr = tr("point", "位置");
/// The gradient there.
pub const SURFACE_GRADIENT: Tr = tr("gradient ∇f", "梯度 ∇f");
/// The per-coordinate step of the last update.
pub const EFFECTIVE_RATE: Tr = tr("step ÷ gradient, per coordinate", "每个坐标上的步长 ÷ 梯度");
/// What the effective rate shows.
pub const EFFECTIVE_RATE_NOTE: Tr = tr(
    "Plain SGD divides nothing: both coordinates move η times their gradient. Adam and RMSprop divide by a running size of each coordinate's gradient, so a steep coordinate takes smaller steps than a flat one.",
    "普通 SGD 在两个坐标上都移动 η 乘以梯度；Adam 和 RMSprop 会除以每个坐标梯度的滑动平均大小，所以陡的方向步子小、平的方向步子大。",
);
/// A path that left the plane.
pub const DIVERGED: Tr = tr(
    "Diverged: the steps grew until the point left the plane. The learning rate is too large for this surface.",
    "发散：步子越来越大，点已离开平面。对这个曲面来说学习率太大了。",
);
/// Beside a racer that diverged.
pub const DIVERGED_SHORT: Tr = tr("diverged", "发散");
/// A path on the saddle that ran off.
pub const SADDLE_ESCAPE: Tr = tr(
    "On a saddle there is no minimum: once the path leaves the ridge, the loss falls without end.",
    "鞍点曲面没有最小值：路径一旦离开山脊，损失就会无限下降。",
);
/// The steps and the loss reached, after the count.
pub const STEPS_TAKEN: Tr = tr("steps taken", "已走步数");
