//! 术语 — the glossary of terms, English ↔ 中文, shared by the interface, the article and
//! tooltips.
//!
//! Each [`Term`] has a stable `key`, the word in both languages and a one-sentence definition.
//! The article marks a term with `<dfn data-term="KEY">`; [`term`] finds it again.

use super::{Lang, Text, Tr};

/// A term of the field in both languages, with a one-sentence definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// The stable key, lowercase words joined by `-` (`learning-rate`).
    pub key: &'static str,
    /// The term in English.
    pub en: &'static str,
    /// The term in 简体中文.
    pub zh: &'static str,
    /// What it means, in one sentence, in both languages.
    pub definition: Tr,
}

/// The term `neural-network`.
pub const NEURAL_NETWORK: Term = Term {
    key: "neural-network",
    en: "neural network",
    zh: "神经网络",
    definition: Tr {
        en: "A function built from many simple neurons connected in layers, whose weights are learned from examples.",
        zh: "由许多简单的神经元分层连接而成的函数，它的权重是从样本中学出来的。",
    },
};

/// The term `neuron`.
pub const NEURON: Term = Term {
    key: "neuron",
    en: "neuron",
    zh: "神经元",
    definition: Tr {
        en: "The basic unit of a network: it multiplies its inputs by weights, adds a bias and passes the sum through an activation function.",
        zh: "网络的基本单元：把各个输入乘上权重、加上偏置项，再把总和送进激活函数。",
    },
};

/// The term `weight`.
pub const WEIGHT: Term = Term {
    key: "weight",
    en: "weight",
    zh: "权重",
    definition: Tr {
        en: "A learned number that multiplies one input of a neuron, saying how much that input counts and in which direction.",
        zh: "神经元为某个输入学到的系数，决定这个输入起多大作用、是推高还是拉低输出。",
    },
};

/// The term `bias`.
pub const BIAS: Term = Term {
    key: "bias",
    en: "bias",
    zh: "偏置项",
    definition: Tr {
        en: "A learned number added to a neuron's weighted sum, which shifts its output whatever the inputs are.",
        zh: "加在神经元加权和上的一个可学习的数，不论输入是什么，都把输出整体平移。",
    },
};

/// The term `activation-function`.
pub const ACTIVATION_FUNCTION: Term = Term {
    key: "activation-function",
    en: "activation function",
    zh: "激活函数",
    definition: Tr {
        en: "The function a neuron applies to its weighted sum; its bend is what lets stacked layers describe more than straight lines.",
        zh: "神经元作用在加权和上的函数；正是它带来的弯折，让多层网络能描述直线以外的关系。",
    },
};

/// The term `mnist`.
pub const MNIST: Term = Term {
    key: "mnist",
    en: "MNIST",
    zh: "MNIST 数据集",
    definition: Tr {
        en: "A data set of 70,000 handwritten digits, each 28 × 28 grey pixels, split into 60,000 for training and 10,000 for testing.",
        zh: "一个手写数字数据集，共 70 000 张 28 × 28 的灰度图像，其中 60 000 张用于训练，10 000 张用于测试。",
    },
};

/// The term `dense-layer`.
pub const DENSE_LAYER: Term = Term {
    key: "dense-layer",
    en: "dense layer",
    zh: "全连接层",
    definition: Tr {
        en: "A layer in which every neuron is connected to every input of the layer (Keras's Dense).",
        zh: "每个神经元都与本层全部输入相连的一层，即 Keras 中的 Dense 层。",
    },
};

/// The term `parameter`.
pub const PARAMETER: Term = Term {
    key: "parameter",
    en: "parameter",
    zh: "参数",
    definition: Tr {
        en: "A number the model adjusts while it trains: one of its weights or biases.",
        zh: "模型在训练中不断调整的数值，也就是它的权重和偏置项。",
    },
};

/// The term `relu`.
pub const RELU: Term = Term {
    key: "relu",
    en: "ReLU",
    zh: "ReLU（线性整流函数）",
    definition: Tr {
        en: "The activation max(0, z): it passes positive values through unchanged and turns negative ones into 0.",
        zh: "激活函数 max(0, z)：正数原样通过，负数一律变成 0。",
    },
};

/// The term `sigmoid`.
pub const SIGMOID: Term = Term {
    key: "sigmoid",
    en: "sigmoid",
    zh: "sigmoid 函数",
    definition: Tr {
        en: "The activation 1 / (1 + e⁻ᶻ), an S-shaped curve that squeezes any number into the range 0 to 1.",
        zh: "激活函数 1 / (1 + e⁻ᶻ)，一条 S 形曲线，把任意实数压到 0 到 1 之间。",
    },
};

/// The term `tanh`.
pub const TANH: Term = Term {
    key: "tanh",
    en: "tanh",
    zh: "tanh（双曲正切）",
    definition: Tr {
        en: "The hyperbolic tangent, an S-shaped activation with outputs between −1 and 1 and a slope of 1 at zero.",
        zh: "双曲正切函数，一种 S 形激活函数，输出在 −1 到 1 之间，在 0 处的斜率为 1。",
    },
};

/// The term `saturation`.
pub const SATURATION: Term = Term {
    key: "saturation",
    en: "saturation",
    zh: "饱和",
    definition: Tr {
        en: "The state of a sigmoid or tanh neuron whose input is so far from zero that its curve is flat and its derivative nearly zero.",
        zh: "sigmoid 或 tanh 神经元的输入离零太远、曲线几乎变平、导数接近零的状态。",
    },
};

/// The term `vanishing-gradient`.
pub const VANISHING_GRADIENT: Term = Term {
    key: "vanishing-gradient",
    en: "vanishing gradient",
    zh: "梯度消失",
    definition: Tr {
        en: "The fading of the learning signal as it is multiplied by many small derivatives on its way back through the layers.",
        zh: "学习信号在逐层往回传的途中不断乘上很小的导数，以致越传越弱的现象。",
    },
};

/// The term `leaky-relu`.
pub const LEAKY_RELU: Term = Term {
    key: "leaky-relu",
    en: "leaky ReLU",
    zh: "Leaky ReLU",
    definition: Tr {
        en: "A variant of ReLU that keeps a small slope for negative inputs (0.2 in Keras), so that its neurons never stop learning completely.",
        zh: "ReLU 的一种变体，在负半轴保留一个小斜率（Keras 中为 0.2），让神经元不会彻底停止学习。",
    },
};

/// The term `logits`.
pub const LOGITS: Term = Term {
    key: "logits",
    en: "logits",
    zh: "logits（原始得分）",
    definition: Tr {
        en: "The raw scores of a classifier's last layer, before softmax turns them into probabilities.",
        zh: "分类器最后一层给出的原始得分，还没有经过 softmax 变成概率。",
    },
};

/// The term `softmax`.
pub const SOFTMAX: Term = Term {
    key: "softmax",
    en: "softmax",
    zh: "softmax 函数",
    definition: Tr {
        en: "The function that turns a list of scores into probabilities by exponentiating each score and dividing by the sum.",
        zh: "把一组得分变成概率的函数：对每个得分取指数，再除以它们的总和。",
    },
};

/// The term `loss-function`.
pub const LOSS_FUNCTION: Term = Term {
    key: "loss-function",
    en: "loss function",
    zh: "损失函数",
    definition: Tr {
        en: "A function that scores with one number how far a prediction is from the true answer; training works to make it small.",
        zh: "用一个数衡量预测离真实答案有多远的函数，训练的目的就是让它变小。",
    },
};

/// The term `mean-squared-error`.
pub const MEAN_SQUARED_ERROR: Term = Term {
    key: "mean-squared-error",
    en: "mean squared error",
    zh: "均方误差",
    definition: Tr {
        en: "A loss that averages the squared differences between the predictions and the true values.",
        zh: "把预测值与真实值之差的平方取平均的损失函数。",
    },
};

/// The term `cross-entropy`.
pub const CROSS_ENTROPY: Term = Term {
    key: "cross-entropy",
    en: "cross-entropy",
    zh: "交叉熵",
    definition: Tr {
        en: "A loss for predicted probabilities, −Σ y ln ŷ, which for a single true class is minus the logarithm of the probability given to it.",
        zh: "用于概率输出的损失函数 −Σ y ln ŷ；当真实类别只有一个时，它就是该类别所得概率的负对数。",
    },
};

/// The term `one-hot`.
pub const ONE_HOT: Term = Term {
    key: "one-hot",
    en: "one-hot encoding",
    zh: "独热编码",
    definition: Tr {
        en: "A way of writing a class as a vector of zeros with a single 1 at that class's position.",
        zh: "把类别写成向量的一种方式：该类别的位置是 1，其余位置全是 0。",
    },
};

/// The term `gradient`.
pub const GRADIENT: Term = Term {
    key: "gradient",
    en: "gradient",
    zh: "梯度",
    definition: Tr {
        en: "The vector of the loss's partial derivatives with respect to every parameter, pointing where the loss grows fastest.",
        zh: "损失对每个参数的偏导数所组成的向量，指向损失增长最快的方向。",
    },
};

/// The term `gradient-descent`.
pub const GRADIENT_DESCENT: Term = Term {
    key: "gradient-descent",
    en: "gradient descent",
    zh: "梯度下降",
    definition: Tr {
        en: "The method of improving the parameters by taking small steps against the gradient, again and again.",
        zh: "反复沿梯度的反方向迈一小步、逐步改进参数的方法。",
    },
};

/// The term `learning-rate`.
pub const LEARNING_RATE: Term = Term {
    key: "learning-rate",
    en: "learning rate",
    zh: "学习率",
    definition: Tr {
        en: "The step size η of gradient descent, which sets how far each update moves the parameters.",
        zh: "梯度下降的步长 η，决定每次更新让参数挪动多远。",
    },
};

/// The term `mini-batch`.
pub const MINI_BATCH: Term = Term {
    key: "mini-batch",
    en: "mini-batch",
    zh: "小批量",
    definition: Tr {
        en: "The small group of training examples (32 in the seed program) whose average gradient drives one update.",
        zh: "每次更新所用的一小组训练样本（种子程序中是 32 个），更新方向取它们的平均梯度。",
    },
};

/// The term `sgd`.
pub const SGD: Term = Term {
    key: "sgd",
    en: "stochastic gradient descent (SGD)",
    zh: "随机梯度下降（SGD）",
    definition: Tr {
        en: "Gradient descent in which each step follows the gradient of one example or one mini-batch instead of the whole training set.",
        zh: "每一步只按一个样本或一个小批量的梯度、而不是整个训练集的梯度来更新的梯度下降。",
    },
};

/// The term `epoch`.
pub const EPOCH: Term = Term {
    key: "epoch",
    en: "epoch",
    zh: "轮次",
    definition: Tr {
        en: "One complete pass of training through every example of the training set.",
        zh: "把训练集里的每个样本都完整训练一遍，称为一轮。",
    },
};

/// The term `optimizer`.
pub const OPTIMIZER: Term = Term {
    key: "optimizer",
    en: "optimizer",
    zh: "优化器",
    definition: Tr {
        en: "The rule that turns gradients into updates of the parameters, such as SGD, RMSprop or Adam.",
        zh: "把梯度转化为参数更新的规则，例如 SGD、RMSprop 和 Adam。",
    },
};

/// The term `adam`.
pub const ADAM: Term = Term {
    key: "adam",
    en: "Adam",
    zh: "Adam 优化器",
    definition: Tr {
        en: "An optimizer that scales each parameter's step using running averages of its gradients and of their squares.",
        zh: "一种优化器，借助梯度及梯度平方的滑动平均，为每个参数单独调整步长。",
    },
};

/// The term `backpropagation`.
pub const BACKPROPAGATION: Term = Term {
    key: "backpropagation",
    en: "backpropagation",
    zh: "反向传播",
    definition: Tr {
        en: "The algorithm that computes the gradient of every parameter in one backward pass through the network, by the chain rule.",
        zh: "利用链式法则，沿网络反向计算一遍就求出全部参数梯度的算法。",
    },
};

/// The term `chain-rule`.
pub const CHAIN_RULE: Term = Term {
    key: "chain-rule",
    en: "chain rule",
    zh: "链式法则",
    definition: Tr {
        en: "The rule of calculus that the derivative through a chain of functions is the product of the derivatives of its links.",
        zh: "微积分中的法则：复合函数的导数等于各个环节导数的乘积。",
    },
};

/// The term `delta`.
pub const DELTA: Term = Term {
    key: "delta",
    en: "error term δ",
    zh: "误差项 δ",
    definition: Tr {
        en: "A neuron's δ = ∂L/∂z, how much the loss changes when that neuron's weighted sum changes.",
        zh: "神经元的 δ = ∂L/∂z，表示它的加权和变动时损失随之变动多少。",
    },
};

/// The term `training-set`.
pub const TRAINING_SET: Term = Term {
    key: "training-set",
    en: "training set",
    zh: "训练集",
    definition: Tr {
        en: "The examples a model learns from (60,000 images for MNIST).",
        zh: "模型用来学习的样本（MNIST 中是 60 000 张图像）。",
    },
};

/// The term `test-set`.
pub const TEST_SET: Term = Term {
    key: "test-set",
    en: "test set",
    zh: "测试集",
    definition: Tr {
        en: "Examples kept out of training and used only to measure how well the model does on data it has never seen.",
        zh: "不参与训练、只用来检验模型在没见过的数据上表现如何的样本。",
    },
};

/// The term `accuracy`.
pub const ACCURACY: Term = Term {
    key: "accuracy",
    en: "accuracy",
    zh: "准确率",
    definition: Tr {
        en: "The fraction of examples whose predicted class is the true one.",
        zh: "预测类别与真实类别相同的样本所占的比例。",
    },
};

/// The term `overfitting`.
pub const OVERFITTING: Term = Term {
    key: "overfitting",
    en: "overfitting",
    zh: "过拟合",
    definition: Tr {
        en: "Learning the training examples so closely, noise included, that the model does worse on new data.",
        zh: "把训练样本连同其中的噪声都学得过细，反而在新数据上表现变差。",
    },
};

/// Every term, in the article's order of first use.
pub const GLOSSARY: &[Term] = &[
    NEURAL_NETWORK,
    NEURON,
    WEIGHT,
    BIAS,
    ACTIVATION_FUNCTION,
    MNIST,
    DENSE_LAYER,
    PARAMETER,
    RELU,
    SIGMOID,
    TANH,
    SATURATION,
    VANISHING_GRADIENT,
    LEAKY_RELU,
    LOGITS,
    SOFTMAX,
    LOSS_FUNCTION,
    MEAN_SQUARED_ERROR,
    CROSS_ENTROPY,
    ONE_HOT,
    GRADIENT,
    GRADIENT_DESCENT,
    LEARNING_RATE,
    MINI_BATCH,
    SGD,
    EPOCH,
    OPTIMIZER,
    ADAM,
    BACKPROPAGATION,
    CHAIN_RULE,
    DELTA,
    TRAINING_SET,
    TEST_SET,
    ACCURACY,
    OVERFITTING,
];

/// The term with this key.
pub fn term(key: &str) -> Option<&'static Term> {
    GLOSSARY.iter().find(|t| t.key == key)
}

impl Term {
    /// Its tooltip in `lang`: the definition, then the term in the other language.
    pub fn tooltip(&self, lang: Lang) -> String {
        let other = match lang {
            Lang::En => self.zh,
            Lang::Zh => self.en,
        };
        format!("{} ({other})", self.definition.in_lang(lang))
    }
}

/// The tooltip of the term called `key`, in `lang`.
pub fn tooltip(key: &str, lang: Lang) -> Option<String> {
    term(key).map(|term| term.tooltip(lang))
}

/// The glossary term a label of the playground names, for its tooltip. (A match on the terms
/// themselves, not a search by key, so that the playground's page carries only these.)
pub fn term_of_label(text: Text) -> Option<&'static Term> {
    Some(match text {
        Text::LearningRate => &LEARNING_RATE,
        Text::BatchSize => &MINI_BATCH,
        Text::Epochs => &EPOCH,
        Text::Optimizer => &OPTIMIZER,
        Text::Activation => &ACTIVATION_FUNCTION,
        Text::HiddenLayers => &DENSE_LAYER,
        Text::Units => &NEURON,
        Text::Loss => &LOSS_FUNCTION,
        Text::Accuracy | Text::TestAccuracy => &ACCURACY,
        Text::FirstLayer => &WEIGHT,
        _ => return None,
    })
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn labels_with_a_term_get_its_tooltip_in_both_languages() {
        for &text in Text::ALL {
            if let Some(term) = term_of_label(text) {
                assert!(GLOSSARY.contains(term), "{text:?}");
                let (en, zh) = (term.tooltip(Lang::En), term.tooltip(Lang::Zh));
                assert!(en != zh && !en.is_empty(), "{text:?}");
            }
        }
        assert!(
            tooltip("learning-rate", Lang::En)
                .unwrap()
                .contains("学习率")
        );
        assert_eq!(tooltip("no-such-term", Lang::En), None);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn there_are_between_twenty_and_thirty_five_terms() {
        assert!((20..=35).contains(&GLOSSARY.len()), "{}", GLOSSARY.len());
    }

    #[test]
    fn keys_are_unique_lowercase_and_found_by_term() {
        let mut seen = HashSet::new();
        for t in GLOSSARY {
            assert!(seen.insert(t.key), "duplicate key {}", t.key);
            assert!(
                !t.key.is_empty()
                    && t.key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "key {:?}",
                t.key
            );
            assert_eq!(term(t.key), Some(t));
        }
        assert_eq!(term("no-such-term"), None);
    }

    #[test]
    fn every_term_and_definition_is_written_in_both_languages() {
        for t in GLOSSARY {
            assert!(
                !t.en.trim().is_empty() && !t.zh.trim().is_empty(),
                "{}",
                t.key
            );
            let Tr { en, zh } = t.definition;
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{}", t.key);
            assert_ne!(en, zh, "{}", t.key);
        }
    }

    #[test]
    fn each_definition_is_one_plain_sentence() {
        for t in GLOSSARY {
            let Tr { en, zh } = t.definition;
            assert!(en.ends_with('.'), "{}: {en}", t.key);
            assert!(zh.ends_with('。'), "{}: {zh}", t.key);
            // One sentence: no full stop before the last character.
            assert!(!en[..en.len() - 1].contains(". "), "{}: {en}", t.key);
            assert!(!zh.trim_end_matches('。').contains('。'), "{}: {zh}", t.key);
            // Plain text, not HTML: tooltips show it as is.
            for text in [en, zh, t.en, t.zh] {
                assert!(!text.contains(['<', '>', '&']), "{}: {text}", t.key);
            }
        }
    }

    #[test]
    fn chinese_definitions_are_written_in_chinese() {
        for t in GLOSSARY {
            let han = t
                .definition
                .zh
                .chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count();
            assert!(han >= 8, "{}: {}", t.key, t.definition.zh);
        }
    }
}
