//! The 2-D playground's labels, English beside 中文 (the primer's terms: 神经元, 激活函数,
//! 损失函数, 学习率, 正则化).

use super::Tr;

const fn tr(en: &'static str, zh: &'static str) -> Tr {
    Tr { en, zh }
}

/// The widget's title.
pub const TITLE: Tr = tr("A network learns the plane", "神经网络学习平面上的点");
/// The data column.
pub const DATA: Tr = tr("Data", "数据");
/// Which data set.
pub const DATASET: Tr = tr("Data set", "数据集");
/// The problem menu.
pub const PROBLEM: Tr = tr("Problem", "问题类型");
/// A classification.
pub const CLASSIFICATION: Tr = tr("Classification", "分类");
/// A regression.
pub const REGRESSION: Tr = tr("Regression", "回归");
/// Number of classes.
pub const CLASSES: Tr = tr("Classes", "类别数");
/// Noise.
pub const NOISE: Tr = tr("Noise", "噪声");
/// Share of training points.
pub const TRAIN_SHARE: Tr = tr("Training share (%)", "训练数据比例（%）");
/// Points made.
pub const POINTS: Tr = tr("Points", "数据点数");
/// Points per batch.
pub const BATCH: Tr = tr("Batch size", "批量大小");
/// New points.
pub const REGENERATE: Tr = tr("New points", "重新生成");
/// The features column.
pub const FEATURES: Tr = tr("Features", "输入特征");
/// Click a feature.
pub const FEATURES_HINT: Tr = tr(
    "Click a feature to feed it to the network or take it away.",
    "点击一个特征，把它加入或移出网络的输入。",
);
/// Hidden layers.
pub const HIDDEN_LAYERS: Tr = tr("hidden layers", "个隐藏层");
/// Add a layer.
pub const ADD_LAYER: Tr = tr("Add a hidden layer", "增加一个隐藏层");
/// Remove a layer.
pub const REMOVE_LAYER: Tr = tr("Remove the last hidden layer", "去掉最后一个隐藏层");
/// Add a neuron.
pub const ADD_NEURON: Tr = tr("Add a neuron to this layer", "给这一层增加一个神经元");
/// Remove a neuron.
pub const REMOVE_NEURON: Tr = tr("Remove a neuron from this layer", "从这一层去掉一个神经元");
/// Neurons in a layer.
pub const NEURONS: Tr = tr("neurons", "个神经元");
/// The output column.
pub const OUTPUT: Tr = tr("Output", "输出");
/// The learning rate.
pub const LEARNING_RATE: Tr = tr("Learning rate", "学习率");
/// The activation.
pub const ACTIVATION: Tr = tr("Activation", "激活函数");
/// The regularization menu.
pub const REGULARIZATION: Tr = tr("Regularization", "正则化");
/// Its rate.
pub const REGULARIZATION_RATE: Tr = tr("Regularization rate", "正则化系数");
/// The optimizer menu.
pub const OPTIMIZER: Tr = tr("Optimizer", "优化器");
/// The loss menu.
pub const LOSS: Tr = tr("Loss", "损失函数");
/// Dropout.
pub const DROPOUT: Tr = tr("Dropout", "Dropout 比例");
/// Stop after epochs.
pub const STOP_EPOCHS: Tr = tr("Stop at epoch (0: never)", "在第几轮停止（0：不停）");
/// Stop at a test loss.
pub const STOP_LOSS: Tr = tr(
    "Stop at test loss (0: never)",
    "测试损失低于此值时停止（0：不停）",
);
/// Play.
pub const PLAY: Tr = tr("Play", "开始训练");
/// Pause.
pub const PAUSE: Tr = tr("Pause", "暂停");
/// One epoch.
pub const STEP: Tr = tr("One epoch", "训练一轮");
/// Reset.
pub const RESET: Tr = tr("Reset the network", "重置网络");
/// The epoch counter.
pub const EPOCH: Tr = tr("Epoch", "轮次");
/// Training loss.
pub const TRAIN_LOSS: Tr = tr("Training loss", "训练损失");
/// Test loss.
pub const TEST_LOSS: Tr = tr("Test loss", "测试损失");
/// Training accuracy.
pub const TRAIN_ACCURACY: Tr = tr("Training accuracy", "训练准确率");
/// Test accuracy.
pub const TEST_ACCURACY: Tr = tr("Test accuracy", "测试准确率");
/// Speed.
pub const SPEED: Tr = tr("points/s", "点/秒");
/// Show the test points.
pub const SHOW_TEST: Tr = tr("Show test data", "显示测试数据");
/// Discretize the output.
pub const DISCRETIZE: Tr = tr("Discretize output", "离散化输出");
/// Zero initial weights.
pub const INIT_ZERO: Tr = tr("Start every weight at 0", "所有权重从 0 开始");
/// The output map's caption.
pub const MAP_CAPTION: Tr = tr(
    "Colour: the network's output over the plane. Dots: training points; ringed: test points.",
    "颜色：网络在平面上各处的输出。圆点：训练数据；带环的圆点：测试数据。",
);
/// The map of a hovered neuron.
pub const NEURON_MAP: Tr = tr(
    "This neuron's output over the plane",
    "这个神经元在平面上的输出",
);
/// An edge's weight.
pub const WEIGHT: Tr = tr("Weight", "权重");
/// A bias.
pub const BIAS: Tr = tr("Bias", "偏置");
/// The worker is starting.
pub const STARTING: Tr = tr("Starting the trainer…", "正在启动训练器……");
/// The worker failed.
pub const WORKER_FAILED: Tr = tr(
    "The trainer stopped working; it has been started again from the current setup.",
    "训练器出错停止，已按当前设置重新启动。",
);
/// Stopped by the epoch rule.
pub const STOPPED_EPOCHS: Tr = tr(
    "Stopped: the epoch limit was reached.",
    "已停止：达到设定的轮次。",
);
/// Stopped by the loss rule.
pub const STOPPED_LOSS: Tr = tr(
    "Stopped: the test loss reached its target.",
    "已停止：测试损失已达到目标。",
);
/// Stopped by divergence.
pub const STOPPED_DIVERGED: Tr = tr(
    "Stopped: the loss is no longer a finite number. Try a smaller learning rate.",
    "已停止：损失不再是有限数。请尝试更小的学习率。",
);
/// Stopped at the engine's limit.
pub const STOPPED_LIMIT: Tr = tr(
    "Stopped: the most epochs a run may have.",
    "已停止：达到一次训练的最多轮次。",
);
/// None (regularization).
pub const NONE: Tr = tr("None", "无");
/// Parameters.
pub const PARAMETERS: Tr = tr("parameters", "个参数");
/// The pen's switch.
pub const DRAW_POINTS: Tr = tr("Draw your own points", "自己画数据点");
/// How to draw.
pub const DRAW_HINT: Tr = tr(
    "Click the map to add a point of the chosen class; shift-click or right-click removes the nearest.",
    "点击右侧图上添加所选类别的点；按住 Shift 点击或右键点击删除最近的点。",
);
/// Remove every point.
pub const CLEAR_POINTS: Tr = tr("Remove every point", "删除所有点");
/// Save the points.
pub const EXPORT_CSV: Tr = tr("Save the points (CSV)", "保存数据点（CSV）");
/// Read points.
pub const IMPORT_CSV: Tr = tr("Open points (CSV)", "打开数据点文件（CSV）");
/// Whose numbers the run follows.
pub const NUMERICS: Tr = tr("Numerics", "数值约定");
/// Save the network.
pub const SAVE_MODEL: Tr = tr("Save the network", "保存网络");
/// What the file holds.
pub const SAVE_MODEL_HINT: Tr = tr(
    "The engine's model file (.safetensors, Keras's layout); its inputs are the features in the file's name, in that order.",
    "引擎的模型文件（.safetensors，Keras 的布局）；它的输入是文件名中的特征，按该顺序排列。",
);
