//! The site's text in English and 简体中文, from one source.
//!
//! Every label of the playground is a [`Text`]; [`Text::in_lang`] gives it in a [`Lang`].
//! Longer text (the article, the glossary, the widgets) is written as [`Tr`] pairs, each
//! string beside its translation.

pub mod backprop;
pub mod datasets;
pub mod engine_errors;
pub mod file_errors;
pub mod glossary;
pub mod links;
pub mod playground2d;
pub mod widgets;
pub mod worker_errors;

/// A language of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// The code stored in `localStorage` and set as `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language with this code; English for anything else.
    pub fn from_code(code: &str) -> Self {
        if code.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Self {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }
}

/// One string in both languages, side by side where it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    /// English.
    pub en: &'static str,
    /// 简体中文.
    pub zh: &'static str,
}

impl Tr {
    /// The string in `lang`.
    pub fn in_lang(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        /// A piece of the page's text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Text {
            $($key,)*
        }

        impl Text {
            /// Every text, for the completeness test.
            pub const ALL: &'static [Text] = &[$(Text::$key,)*];

            /// The text in `lang`.
            pub fn in_lang(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Text::$key, Lang::En) => $en,
                      (Text::$key, Lang::Zh) => $zh,)*
                }
            }
        }
    };
}

texts! {
    Title => "Neurite playground", "Neurite 神经网络实验场";
    Tagline => "A neural network — dense or convolutional — learns MNIST's digits or Fashion-MNIST's clothes in your browser, in a background worker.",
        "一个神经网络（全连接或卷积）在你的浏览器里（后台 Worker 中）学习 MNIST 手写数字或 Fashion-MNIST 服装图像。";
    Dataset => "Dataset", "数据集";
    Model => "Model", "模型";
    Training => "Training", "训练";
    Preset => "Preset", "预设";
    SeedPreset => "Seed program (Keras MNIST)", "种子程序（Keras MNIST）";
    KerasConvnetPreset => "Keras convnet", "Keras 卷积网络";
    LenetPreset => "LeNet-5", "LeNet-5";
    Convolutions => "Convolutions", "卷积层";
    AddConvolution => "Add convolution", "添加卷积层";
    Filters => "Filters", "卷积核数";
    Kernel => "Kernel", "卷积核大小";
    Padding => "Padding", "填充";
    Pooling => "Pooling", "池化";
    PoolNone => "none", "无";
    PoolMax => "max 2×2", "最大 2×2";
    PoolAverage => "average 2×2", "平均 2×2";
    FlattenDropout => "Dropout after flatten", "展平后的 Dropout 比率";
    FeatureMaps => "Feature maps of your drawing", "你所画图像的特征图";
    FeatureMapsNote => "What each convolution and pooling layer sees in what you drew, one image per channel, redrawn as the model learns. Point at a cell to outline the pixels it looks at.",
        "每个卷积层和池化层从你画的图里看到了什么：每个通道一张图，随着模型的学习不断更新。把指针移到某个格子上，会在输入图像上框出它所看的像素（感受野）。";
    ReceptiveField => "Receptive field: input rows × columns", "感受野：输入的行 × 列";
    HiddenLayers => "Hidden layers", "隐藏层";
    AddLayer => "Add layer", "添加层";
    Remove => "Remove", "删除";
    Units => "Units", "神经元数";
    Activation => "Activation", "激活函数";
    Dropout => "Dropout", "Dropout 比率";
    Optimizer => "Optimizer", "优化器";
    Sgd => "SGD", "SGD（随机梯度下降）";
    Momentum => "SGD with momentum", "带动量的 SGD";
    Nesterov => "Nesterov", "Nesterov 动量";
    MomentumMu => "Momentum μ", "动量 μ";
    Beta1 => "β₁ (first-moment decay)", "β₁（一阶矩衰减率）";
    Beta2 => "β₂ (second-moment decay)", "β₂（二阶矩衰减率）";
    Rho => "ρ (decay)", "ρ（衰减率）";
    Epsilon => "ε", "ε（数值稳定项）";
    LearningRate => "Learning rate", "学习率";
    BatchSize => "Batch size", "批大小";
    Epochs => "Epochs", "训练轮数";
    L2 => "L2 penalty", "L2 正则化";
    Pixels => "Pixels", "像素";
    PixelsScaled => "scaled to [0, 1]", "缩放到 [0, 1]";
    PixelsRaw => "raw 0–255", "原始 0–255";
    TrainSubset => "Training samples (empty: all 60 000)", "训练样本数（留空：全部 60 000）";
    Seed => "Seed", "随机种子";
    Play => "Play", "开始";
    Pause => "Pause", "暂停";
    Step => "Step", "单步";
    Reset => "Reset", "重置";
    Epoch => "Epoch", "轮次";
    Batch => "Batch", "批次";
    Elapsed => "Elapsed", "用时";
    SamplesPerSecond => "samples/s", "样本/秒";
    Kernels => "Kernels", "计算内核";
    NoSimd => "no SIMD", "未用 SIMD";
    Idle => "ready", "就绪";
    Running => "training", "训练中";
    Paused => "paused", "已暂停";
    Finished => "finished", "已完成";
    Diverged => "diverged: the loss is no longer finite, reset to try again",
        "发散：损失不再是有限值，请重置后重试";
    TestAccuracy => "Test accuracy", "测试准确率";
    Loss => "Loss", "损失";
    Accuracy => "Accuracy", "准确率";
    Train => "train", "训练";
    Test => "test", "测试";
    ConfusionMatrix => "Confusion matrix (test set)", "混淆矩阵（测试集）";
    TrueLabel => "true", "真实";
    PredictedLabel => "predicted", "预测";
    CellImages => "Test images in this cell", "该单元格中的测试图像";
    Misclassified => "Misclassified test images", "被误分类的测试图像";
    FirstLayer => "First-layer weights", "第一层权重";
    Summary => "Model summary", "模型概要";
    Layer => "Layer", "层";
    OutputShape => "Output shape", "输出形状";
    Params => "Parameters", "参数量";
    TotalParams => "Total parameters", "参数总数";
    Draw => "Draw a digit", "手写一个数字";
    DrawFashion => "Draw a garment, a shoe or a bag", "画一件衣服、一只鞋或一个包";
    DrawHint => "Draw with a mouse, a finger or a pen.", "用鼠标、手指或触控笔书写。";
    Clear => "Clear", "清除";
    ModelSees => "What the model sees (28×28)", "模型看到的图像（28×28）";
    Probabilities => "Class probabilities", "各类别概率";
    SaveModel => "Save model", "保存模型";
    LoadModel => "Load model", "加载模型";
    ModelLoaded => "Model loaded", "模型已加载";
    Init => "Initialiser", "初始化方法";
    SavedRuns => "Saved runs", "已保存的训练";
    SavedRunsHint => "Each run is saved in this browser after every epoch, on pause and before it is replaced.",
        "每轮训练结束、暂停时以及被替换之前，训练记录都会自动保存在此浏览器中。";
    ContinueOffer => "Continue where you left off:", "从上次中断处继续：";
    ContinueRun => "Continue", "继续训练";
    Dismiss => "Dismiss", "关闭";
    ReplacedRun => "The trained model was replaced; it is saved as", "训练好的模型已被替换；它已保存为";
    Undo => "Undo", "撤销";
    Download => "Download", "下载";
    Delete => "Delete", "删除";
    RunName => "Name", "名称";
    CompareRun => "Compare", "对比";
    CompareHint => "Tick runs to draw their curves beside this run's.", "勾选训练记录，即可把它们的曲线与当前训练画在一起。";
    ComparedRuns => "Drawn beside this run", "与当前训练对比";
    SameSetup => "same setup", "设置相同";
    ThisRun => "This run", "当前训练";
    ReferenceRun => "reference for the differences", "作为比较的基准";
    CompareFull => "At most six runs are drawn at once.", "最多同时对比六个训练记录。";
    CurvesCsv => "Curves (CSV)", "曲线（CSV）";
    RunJson => "Run (JSON)", "记录（JSON）";
    ExportFor => "Export for", "导出到";
    ExportHint => "The model as an ONNX graph (onnxruntime, ONNX Runtime Web, netron), or as a PyTorch or Keras script that rebuilds it, evaluates it and trains it further (downloaded with the model file it reads).",
        "将模型导出为 ONNX 计算图（可用于 onnxruntime、ONNX Runtime Web、netron），或导出为 PyTorch、Keras 脚本：脚本会重建模型、评估它并继续训练（与它读取的模型文件一起下载）。";
    ExportOnnx => "ONNX", "ONNX";
    ExportPyTorch => "PyTorch", "PyTorch";
    ExportKeras => "Keras", "Keras";
    MyDigits => "My digits", "我的手写数字";
    MyDigitsHint => "Teach the model your own handwriting: give a drawing its digit to add it, mix your digits into training or fine-tune on them alone, and see how the model does on them.",
        "用你自己的笔迹训练模型：为手写图选出它的数字即可加入；可以把它们混入训练，或只用它们微调，并查看模型在它们上的表现。";
    AddAs => "Add this drawing as", "将这幅手写图加入为";
    MyDigitsEmpty => "No digits yet: draw one on the pad and add it with its digit.", "还没有手写数字：在画板上写一个，并选出它的数字加入。";
    MyDigitsAccuracy => "The model on your digits", "模型在你的手写数字上的准确率";
    MyDigitsOnlyMnist => "Your digits are used with MNIST; the current dataset's classes are not digits.", "手写数字只与 MNIST 一起使用；当前数据集的类别不是数字。";
    MixShare => "Share of each batch from my digits (%)", "每批中我的手写数字所占比例（%）";
    FineTune => "Fine-tune on my digits", "只用我的手写数字微调";
    Passes => "Passes", "遍数";
    ExportIdx => "Download (IDX)", "下载（IDX）";
    ImportIdx => "Add from IDX files", "从 IDX 文件导入";
    DigitLabel => "Digit", "数字";
    Predicted => "predicted", "预测";
    EpochsDone => "epochs", "轮";
    StepsDone => "steps", "步";
    Language => "Language", "语言";
    Learn => "Learn: how a network learns", "学习：神经网络如何学习";
    NoEpochYet => "Shown after the first epoch.", "第一轮训练结束后显示。";
    ChangesNeedReset => "Model and dataset changes apply on Reset.", "模型结构和数据集的修改在重置后生效。";
    ShowMath => "Show the math", "展示计算过程";
    ShowMathOpen => "Take an example apart", "拆解一个样本";
    ShowMathClose => "Close", "收起";
    ShowMathHint => "One image through the current model and back: every number comes from the engine in the worker, and follows the model as it trains.",
        "让一张图像走一遍当前模型再反向传回：每个数字都来自 Worker 中的引擎，并随模型的训练实时更新。";
    TestImage => "Test image", "测试图像";
    MyDrawing => "My drawing", "我的手写图";
    Previous => "Previous", "上一张";
    Next => "Next", "下一张";
    LossLabel => "Label for the loss", "计算损失所用的标签";
    MathLogits => "1 · Logits, softmax and the gradient of the loss", "1 · logits、softmax 与损失的梯度";
    Class => "Class", "类别";
    Logit => "logit z", "logit z";
    Probability => "probability p", "概率 p";
    MathLoss => "2 · Cross-entropy loss of this example", "2 · 这个样本的交叉熵损失";
    MathLossOther => "2 · Loss of this example", "2 · 这个样本的损失";
    MathPenalty => "plus the weight penalty", "另加权重惩罚项";
    MathFirstLayer => "3 · The first layer's gradient for this example", "3 · 这个样本在第一层产生的梯度";
    MathFirstLayerHint => "Each image is one unit's 784 weight gradients ∂L/∂wᵢⱼ = xᵢ·δⱼ, the units with the largest first: red means the loss grows if the weight grows, blue that it falls; blank pixels of the image give exactly zero. Click a pixel to follow its weight.",
        "每张图是一个单元的 784 个权重梯度 ∂L/∂wᵢⱼ = xᵢ·δⱼ，梯度最大的单元排在前面：红色表示增大该权重会使损失上升，蓝色表示会使损失下降；图像中空白的像素梯度恰好为零。点击某个像素，即可跟踪它对应的权重。";
    Unit => "unit", "单元";
    MathUpdate => "4 · What the optimizer would do to this weight", "4 · 优化器会怎样更新这个权重";
    MathUpdateHint => "If this example were the whole batch, with the optimizer's state as training left it.",
        "假设这个样本就是整个小批量，并沿用训练到此刻的优化器状态。";
    Weight => "weight", "权重";
    Pixel => "pixel", "像素";
    UpdateNumber => "update t", "第 t 次更新";
    AfterUpdates => "weights after this many updates", "权重已更新的次数";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_both_languages_and_differs_where_it_should() {
        for &text in Text::ALL {
            assert!(!text.in_lang(Lang::En).is_empty(), "{text:?}");
            assert!(!text.in_lang(Lang::Zh).is_empty(), "{text:?}");
        }
        assert_ne!(Text::Play.in_lang(Lang::En), Text::Play.in_lang(Lang::Zh));
    }

    #[test]
    fn language_codes_round_trip() {
        for lang in [Lang::En, Lang::Zh] {
            assert_eq!(Lang::from_code(lang.code()), lang);
            assert_eq!(lang.other().other(), lang);
        }
        assert_eq!(Lang::from_code("fr"), Lang::En);
    }
}
