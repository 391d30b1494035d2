//! The `backprop` widget's labels and the sentences that walk a learner through one training
//! step, English beside 中文 (the primer's terms: 前向传播, 反向传播, 损失函数, 链式法则).

use super::Tr;

const fn tr(en: &'static str, zh: &'static str) -> Tr {
    Tr { en, zh }
}

/// The widget's title.
pub const TITLE: Tr = tr("Backpropagation, one step", "反向传播：一次训练");
/// The network shape menu.
pub const SHAPE: Tr = tr("Network", "网络结构");
/// The hidden layers' activation.
pub const HIDDEN_ACTIVATION: Tr = tr("Hidden activation", "隐藏层激活函数");
/// The output layer's activation.
pub const OUTPUT_ACTIVATION: Tr = tr("Output activation", "输出层激活函数");
/// The back button.
pub const BACK: Tr = tr("◀ Back", "◀ 上一步");
/// The next button.
pub const NEXT: Tr = tr("Next ▶", "下一步 ▶");
/// The stage counter's word.
pub const STAGE: Tr = tr("Stage", "阶段");
/// The gradient check toggle.
pub const CHECK: Tr = tr(
    "Check each gradient with finite differences",
    "用有限差分检验每个梯度",
);
/// What the check computes.
pub const CHECK_NOTE: Tr = tr(
    "numeric estimate (L(θ + h) − L(θ − h)) / 2h, h = 10⁻⁶",
    "数值估计 (L(θ + h) − L(θ − h)) / 2h，h = 10⁻⁶",
);
/// The diagram's caption.
pub const DIAGRAM: Tr = tr(
    "Blue weights are positive, orange negative; thicker is larger. The highlighted part is the current stage.",
    "蓝色权重为正，橙色为负，越粗绝对值越大。高亮部分是当前阶段。",
);

/// The parameter table's headings.
pub const PARAMETER: Tr = tr("parameter θ", "参数 θ");
/// Its value now.
pub const VALUE: Tr = tr("value", "当前值");
/// After the update.
pub const UPDATED: Tr = tr("after the update", "更新后");
/// The numeric column.
pub const NUMERIC: Tr = tr("numeric", "数值估计");

/// The phases, as headings of the stage's explanation.
pub const START_TITLE: Tr = tr("The example", "样本");
/// Forward.
pub const FORWARD_TITLE: Tr = tr("Forward pass", "前向传播");
/// The loss.
pub const LOSS_TITLE: Tr = tr("The loss", "计算损失");
/// Backward.
pub const BACKWARD_TITLE: Tr = tr("Backward pass", "反向传播");
/// The update.
pub const UPDATE_TITLE: Tr = tr("The update", "更新参数");

/// The first stage.
pub const START: Tr = tr(
    "The input x enters on the left; the target y is what the output should be. Each click runs one stage of a single training step: forward unit by unit, the loss, backward weight by weight, then the update.",
    "输入 x 从左侧进入；真实值 y 是输出应当达到的值。每点一次运行一次训练中的一个阶段：逐个神经元的前向传播、计算损失、逐个权重的反向传播，最后更新参数。",
);
/// A forward stage.
pub const FORWARD: Tr = tr(
    "The unit multiplies each input by its weight, adds them up with its bias to get z, and passes z through its activation to get a.",
    "该神经元把每个输入乘以对应的权重，加上偏置项得到 z，再把 z 送入激活函数得到 a。",
);
/// The loss stage.
pub const LOSS: Tr = tr(
    "The loss measures how far the output is from the target. Training makes it smaller.",
    "损失函数衡量输出与真实值相差多远，训练就是要让它变小。",
);
/// The δ of an output unit.
pub const DELTA_OUTPUT: Tr = tr(
    "Backward starts at the output: δ = ∂L/∂z says how fast the loss changes with this unit's z. It is the loss's slope at the output times the activation's slope f′(z). The bias's gradient is δ itself, since ∂z/∂b = 1.",
    "反向传播从输出开始：δ = ∂L/∂z 表示损失随该神经元的 z 变化的快慢，等于损失在输出处的斜率乘以激活函数的斜率 f′(z)。偏置项的梯度就是 δ 本身，因为 ∂z/∂b = 1。",
);
/// The δ of a softmax output unit.
pub const DELTA_SOFTMAX: Tr = tr(
    "With softmax every output depends on every z, so δⱼ sums over the outputs: Σₖ ∂L/∂aₖ · ∂aₖ/∂zⱼ. The bias's gradient is δ itself.",
    "使用 softmax 时每个输出都依赖所有的 z，所以 δⱼ 要对所有输出求和：Σₖ ∂L/∂aₖ · ∂aₖ/∂zⱼ。偏置项的梯度就是 δ 本身。",
);
/// The δ of a hidden unit.
pub const DELTA_HIDDEN: Tr = tr(
    "The chain rule: this unit's a reaches the loss through every unit it feeds, so ∂L/∂a is the sum of their δ, each times the weight between. Times f′(z), that is this unit's δ.",
    "链式法则：该神经元的 a 经由它连接的每个上层神经元影响损失，所以 ∂L/∂a 等于这些神经元的 δ 分别乘以相应权重后求和；再乘以 f′(z)，就得到该神经元的 δ。",
);
/// A weight's gradient.
pub const WEIGHT: Tr = tr(
    "A weight's gradient is the δ of the unit it feeds times the activation it carries in: ∂L/∂w = a · δ.",
    "一个权重的梯度等于它所连接的上层神经元的 δ 乘以它传入的激活值：∂L/∂w = a · δ。",
);
/// The update stage.
pub const UPDATE: Tr = tr(
    "Every weight and bias takes one step against its gradient, scaled by the learning rate η: θ ← θ − η · ∂L/∂θ. Run the step again from the new weights and the loss is lower.",
    "每个权重和偏置项都沿梯度的反方向走一步，步长由学习率 η 决定：θ ← θ − η · ∂L/∂θ。用新的权重再算一遍，损失就会变小。",
);
/// The loss after the update.
pub const LOSS_AFTER: Tr = tr("loss after the update", "更新后的损失");
/// Apply the update and start over.
pub const APPLY: Tr = tr(
    "Take the step: start again from the new weights",
    "采用新权重，从头再来一次",
);
