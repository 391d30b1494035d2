//! The article's text, English beside 中文.
//!
//! Six [`Section`]s, in the order a beginner needs them: the neuron, activation functions,
//! the loss, gradient descent, backpropagation, and the MNIST program that puts them together.
//! Each is a list of [`Block`]s: paragraphs of static HTML with inline MathML, displayed
//! formulas, live widgets, code listings and the link to the playground. Terms of the field are
//! marked `<dfn data-term="KEY">`, `KEY` from [`crate::i18n::glossary::GLOSSARY`].
//!
//! Every number the prose quotes from a widget is what the engine computes for that widget's
//! starting state; the tests below check it.

use crate::i18n::Tr;

/// One section of the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The anchor of the section (`neuron`, `loss`, …), stable across languages.
    pub id: &'static str,
    /// The heading.
    pub title: Tr,
    /// The content, in reading order.
    pub blocks: &'static [Block],
}

/// A piece of a section, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// A paragraph of trusted, static HTML: text with inline `<em>`, `<strong>`, `<code>`, inline
    /// MathML (`<math>…</math>`), and `<dfn data-term="KEY">…</dfn>` for a glossary term (`KEY`
    /// from [`GLOSSARY`](crate::i18n::glossary::GLOSSARY)).
    Paragraph(Tr),
    /// A displayed formula: one MathML `<math display="block">…</math>` element (same in both
    /// languages).
    Formula(&'static str),
    /// A live widget: `name` is `neuron` | `activation` | `loss`; `state` a JSON object (partial
    /// state, may be `{}`); `controls` a comma list of control names or `all`; `caption` under it.
    Widget {
        /// Which widget: `neuron`, `activation` or `loss`.
        name: &'static str,
        /// Its starting state, a JSON object of that widget's keys.
        state: &'static str,
        /// The controls shown: a comma list of control names, or `all`.
        controls: &'static str,
        /// The caption under the widget.
        caption: Tr,
    },
    /// A code listing (language label, text), shown as is.
    Code {
        /// The language label (`python`, `json`).
        language: &'static str,
        /// The code.
        text: &'static str,
    },
    /// Two listings side by side: (title, language, text) each.
    Compare {
        /// The left listing: its title, language label and text.
        left: (Tr, &'static str, &'static str),
        /// The right listing: its title, language label and text.
        right: (Tr, &'static str, &'static str),
    },
    /// A link to the MNIST playground on the seed preset (`index.html?preset=seed`), with its text.
    PlaygroundLink(Tr),
}

/// The article's title.
pub const TITLE: Tr = Tr {
    en: "How a neural network learns",
    zh: "神经网络是怎样学习的",
};

/// The article's subtitle.
pub const SUBTITLE: Tr = Tr {
    en: "From a single neuron to a digit reader you can train in your browser",
    zh: "从一个神经元出发，到一个能在浏览器里亲手训练的手写数字识别器",
};

/// The Keras program the playground's seed preset reproduces.
const SEED_KERAS: &str = r#"model = keras.Sequential([
    keras.layers.Flatten(input_shape=(28, 28)),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)   # batch 32
model.evaluate(x_test, y_test)"#;

/// The same model and training in Neurite's JSON: the model specification, then the training
/// settings.
const SEED_NEURITE: &str = r#"// Model specification
{
  "input_shape": [28, 28],
  "layers": [
    { "type": "flatten" },
    { "type": "dense", "units": 128, "activation": "relu" },
    { "type": "dense", "units": 10, "activation": "softmax" }
  ]
}

// Training settings
{
  "optimizer": { "type": "adam" },
  "learning_rate": 0.001,
  "batch_size": 32,
  "epochs": 5,
  "loss": "sparse_categorical_crossentropy",
  "pixels": "scaled"
}"#;

/// The sections, in reading order.
pub const SECTIONS: &[Section] = &[
    Section {
        id: "neuron",
        title: Tr {
            en: "The neuron: weigh, add, decide",
            zh: "神经元：加权、求和、再拿主意",
        },
        blocks: NEURON,
    },
    Section {
        id: "activation",
        title: Tr {
            en: "Activation functions: the bend that matters",
            zh: "激活函数：关键的那一道弯",
        },
        blocks: ACTIVATION,
    },
    Section {
        id: "loss",
        title: Tr {
            en: "The loss: one number for how wrong",
            zh: "损失函数：用一个数说清错了多少",
        },
        blocks: LOSS,
    },
    Section {
        id: "gradient-descent",
        title: Tr {
            en: "Gradient descent: walking downhill",
            zh: "梯度下降：一步一步往山下走",
        },
        blocks: GRADIENT_DESCENT,
    },
    Section {
        id: "backpropagation",
        title: Tr {
            en: "Backpropagation: handing the error back",
            zh: "反向传播：把误差一层层传回去",
        },
        blocks: BACKPROPAGATION,
    },
    Section {
        id: "mnist",
        title: Tr {
            en: "All together: the MNIST program",
            zh: "合在一起：MNIST 手写数字程序",
        },
        blocks: MNIST,
    },
];

const NEURON: &[Block] = &[
    Block::Paragraph(Tr {
        en: r#"A <dfn data-term="neural-network">neural network</dfn> sounds grand, but it is built from one small part, repeated many times: the <dfn data-term="neuron">neuron</dfn>. A neuron takes in a few numbers and gives out one. Everything in this article, learning included, comes down to how each neuron turns its inputs into that one output."#,
        zh: r#"“<dfn data-term="neural-network">神经网络</dfn>”这个名字听着高深，其实它是用同一种小零件反复搭起来的，这个零件就是<dfn data-term="neuron">神经元</dfn>。一个神经元吃进几个数，吐出一个数。这篇文章讲的所有内容，包括“学习”本身，归根到底都在回答一个问题：每个神经元该怎样把输入变成那一个输出。"#,
    }),
    Block::Paragraph(Tr {
        en: r#"Each input <math><msub><mi>x</mi><mi>i</mi></msub></math> is multiplied by its own <dfn data-term="weight">weight</dfn> <math><msub><mi>w</mi><mi>i</mi></msub></math>, which says how much that input matters and whether it pushes the result up or down. The neuron adds up these products and then adds its <dfn data-term="bias">bias</dfn> <math><mi>b</mi></math>, a number of its own that shifts the total. Call the total <math><mi>z</mi></math>. Last, an <dfn data-term="activation-function">activation function</dfn> <math><mi>f</mi></math> turns <math><mi>z</mi></math> into the output <math><mi>y</mi></math>. With the weights and inputs written as vectors:"#,
        zh: r#"每个输入 <math><msub><mi>x</mi><mi>i</mi></msub></math> 都要乘上专属于它的<dfn data-term="weight">权重</dfn> <math><msub><mi>w</mi><mi>i</mi></msub></math>：权重的大小说明这个输入有多重要，正负说明它是把结果往上推还是往下拉。神经元把这些乘积加起来，再加上自己的<dfn data-term="bias">偏置项</dfn> <math><mi>b</mi></math>，让总和整体挪一挪。这个总和记作 <math><mi>z</mi></math>。最后，<dfn data-term="activation-function">激活函数</dfn> <math><mi>f</mi></math> 把 <math><mi>z</mi></math> 变成输出 <math><mi>y</mi></math>。把权重和输入写成向量，就是："#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>z</mi><mo>=</mo><msup><mi>𝐰</mi><mi mathvariant="normal">T</mi></msup><mi>𝐱</mi><mo>+</mo><mi>b</mi><mo>=</mo><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msub><mi>w</mi><mi>i</mi></msub><msub><mi>x</mi><mi>i</mi></msub><mo>+</mo><mi>b</mi></math>"#,
    ),
    Block::Formula(
        r#"<math display="block"><mi>y</mi><mo>=</mo><mi>f</mi><mo>(</mo><mi>z</mi><mo>)</mo><mo>=</mo><mi>f</mi><mo>(</mo><msup><mi>𝐰</mi><mi mathvariant="normal">T</mi></msup><mi>𝐱</mi><mo>+</mo><mi>b</mi><mo>)</mo></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"Start with one input and no activation at all (<em>linear</em>, which leaves <math><mi>z</mi></math> as it is), so that <math><mi>y</mi><mo>=</mo><mi>w</mi><mi>x</mi><mo>+</mo><mi>b</mi></math>: a straight line, with the weight as its slope and the bias as its height at <math><mi>x</mi><mo>=</mo><mn>0</mn></math>. Here <math><mi>w</mi><mo>=</mo><mn>2</mn></math>, <math><mi>b</mi><mo>=</mo><mrow><mo>−</mo><mn>1</mn></mrow></math> and <math><mi>x</mi><mo>=</mo><mn>1</mn></math>, so the output is 1. Drag <math><mi>w</mi></math> down to 1 and the output drops to 0. Make <math><mi>w</mi></math> negative and the same input now pulls the output down. Moving <math><mi>b</mi></math> shifts the output by the same amount, whatever the input."#,
        zh: r#"先从一个输入、不加激活开始（<em>linear</em>，即原样输出 <math><mi>z</mi></math>），这时 <math><mi>y</mi><mo>=</mo><mi>w</mi><mi>x</mi><mo>+</mo><mi>b</mi></math>，是一条直线：权重是它的斜率，偏置项是它在 <math><mi>x</mi><mo>=</mo><mn>0</mn></math> 处的高度。下面的初始值是 <math><mi>w</mi><mo>=</mo><mn>2</mn></math>、<math><mi>b</mi><mo>=</mo><mrow><mo>−</mo><mn>1</mn></mrow></math>、<math><mi>x</mi><mo>=</mo><mn>1</mn></math>，输出为 1。把 <math><mi>w</mi></math> 拖到 1，输出就降到 0；再把 <math><mi>w</mi></math> 调成负数，同一个输入反而把输出往下拉。至于 <math><mi>b</mi></math>，不管输入是多少，它都让输出平移同样的量。"#,
    }),
    Block::Widget {
        name: "neuron",
        state: r#"{"w": [2], "b": -1, "x": [1], "activation": "linear"}"#,
        controls: "w,b,x",
        caption: Tr {
            en: "One input, no activation: y = wx + b.",
            zh: "一个输入、不加激活：y = wx + b。",
        },
    },
    Block::Paragraph(Tr {
        en: r#"With two inputs it gets more interesting. The map colours every point <math><mo>(</mo><msub><mi>x</mi><mn>1</mn></msub><mo>,</mo><msub><mi>x</mi><mn>2</mn></msub><mo>)</mo></math> by the output <math><mi>y</mi></math>, here through a sigmoid, which squeezes <math><mi>z</mi></math> into the range 0 to 1 (the next section looks at it closely). The line is where <math><msup><mi>𝐰</mi><mi mathvariant="normal">T</mi></msup><mi>𝐱</mi><mo>+</mo><mi>b</mi><mo>=</mo><mn>0</mn></math>: on one side the neuron leans towards 1, on the other towards 0. Drag the point across the line and watch <math><mi>y</mi></math> pass 0.5. Then change <math><mi>b</mi></math>: the line slides without turning. Change <math><msub><mi>w</mi><mn>1</mn></msub></math> or <math><msub><mi>w</mi><mn>2</mn></msub></math>: the line turns, because the vector <math><mi>𝐰</mi></math> always points straight across it, towards the side where <math><mi>z</mi></math> grows."#,
        zh: r#"有两个输入时就更有意思了。下图按输出 <math><mi>y</mi></math> 给平面上每个点 <math><mo>(</mo><msub><mi>x</mi><mn>1</mn></msub><mo>,</mo><msub><mi>x</mi><mn>2</mn></msub><mo>)</mo></math> 上色，这里用的激活函数是 sigmoid，它把 <math><mi>z</mi></math> 压到 0 到 1 之间（下一节细说）。图中那条直线就是 <math><msup><mi>𝐰</mi><mi mathvariant="normal">T</mi></msup><mi>𝐱</mi><mo>+</mo><mi>b</mi><mo>=</mo><mn>0</mn></math>：直线一侧，神经元的输出偏向 1；另一侧偏向 0。把那个点拖过直线，看 <math><mi>y</mi></math> 怎样越过 0.5。接着改 <math><mi>b</mi></math>：直线只平移，不转动。再改 <math><msub><mi>w</mi><mn>1</mn></msub></math> 或 <math><msub><mi>w</mi><mn>2</mn></msub></math>：直线转起来了，因为向量 <math><mi>𝐰</mi></math> 始终垂直于这条直线，指向 <math><mi>z</mi></math> 增大的那一侧。"#,
    }),
    Block::Widget {
        name: "neuron",
        state: r#"{"w": [1, 1], "b": -1, "x": [0.8, 0.6], "activation": "sigmoid"}"#,
        controls: "all",
        caption: Tr {
            en: "Two inputs: the output over the whole (x₁, x₂) plane, split by the line wᵀx + b = 0.",
            zh: "两个输入：输出在整个 (x₁, x₂) 平面上的分布，直线 wᵀx + b = 0 把平面一分为二。",
        },
    },
    Block::Paragraph(Tr {
        en: r#"One neuron can only draw one straight line, so real networks use many. The model at the end of this article reads the handwritten digits of <dfn data-term="mnist">MNIST</dfn>, images of 28 × 28 pixels, so 784 inputs each. Its first <dfn data-term="dense-layer">dense layer</dfn> has 128 neurons exactly like the one above, each with 784 weights and a bias, each looking at every pixel. With the 10 output neurons, that makes 101,770 <dfn data-term="parameter">parameters</dfn>, and training means finding good values for all of them."#,
        zh: r#"一个神经元只能画一条直线，所以真正的网络要用很多个。本文最后的模型要认的是 <dfn data-term="mnist">MNIST</dfn> 里的手写数字，每张图 28 × 28 像素，也就是 784 个输入。它的第一个<dfn data-term="dense-layer">全连接层</dfn>有 128 个神经元，和上面那个一模一样，只不过每个都有 784 个权重和 1 个偏置项，每个都看着全部像素。再加上 10 个输出神经元，一共 101 770 个<dfn data-term="parameter">参数</dfn>。所谓训练，就是给这些参数统统找到合适的取值。"#,
    }),
];

const ACTIVATION: &[Block] = &[
    Block::Paragraph(Tr {
        en: r#"Why not drop <math><mi>f</mi></math> and let a neuron output <math><mi>z</mi></math> itself? Because linear neurons stacked on linear neurons are still linear: a line fed into a line gives a line, however many layers deep. The activation function is the small bend that lets layers build up curves, corners and, in the end, a digit reader. The MNIST model's hidden layer uses the simplest bend there is, <dfn data-term="relu">ReLU</dfn>: keep <math><mi>z</mi></math> if it is positive, output 0 if not."#,
        zh: r#"能不能干脆去掉 <math><mi>f</mi></math>，让神经元直接输出 <math><mi>z</mi></math>？不行。线性的神经元一层叠一层，结果还是线性的：直线套直线，叠多少层都还是直线。激活函数就是那一道小小的弯，有了它，一层层网络才能拼出曲线和折角，最终拼出认数字的本事。MNIST 模型的隐藏层用的是最简单的一种弯：<dfn data-term="relu">ReLU</dfn>。<math><mi>z</mi></math> 是正数就原样输出，否则输出 0。"#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>ReLU</mi><mo>(</mo><mi>z</mi><mo>)</mo><mo>=</mo><mi>max</mi><mo>(</mo><mn>0</mn><mo>,</mo><mi>z</mi><mo>)</mo></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"Two older choices are the <dfn data-term="sigmoid">sigmoid</dfn> <math><mi>σ</mi></math>, which squeezes any <math><mi>z</mi></math> into the range 0 to 1, and <dfn data-term="tanh">tanh</dfn>, the same S-shape stretched to run from −1 to 1. For learning, what matters is not only <math><mi>f</mi></math> but also its slope, the derivative <math><msup><mi>f</mi><mo>′</mo></msup><mo>(</mo><mi>z</mi><mo>)</mo></math>: how much the output moves when <math><mi>z</mi></math> moves a little. As the next sections show, every learning signal that travels back through a neuron is multiplied by that slope."#,
        zh: r#"更早流行的是另外两种：<dfn data-term="sigmoid">sigmoid</dfn> 函数 <math><mi>σ</mi></math> 把任何 <math><mi>z</mi></math> 压进 0 到 1 之间；<dfn data-term="tanh">tanh</dfn> 是同样的 S 形曲线，只是范围拉到了 −1 到 1。对学习来说，要紧的不只是 <math><mi>f</mi></math> 本身，还有它的斜率，也就是导数 <math><msup><mi>f</mi><mo>′</mo></msup><mo>(</mo><mi>z</mi><mo>)</mo></math>：<math><mi>z</mi></math> 稍微动一点，输出跟着动多少。后面几节会看到，学习信号每往回穿过一个神经元，都要乘上这个斜率。"#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>σ</mi><mo>(</mo><mi>z</mi><mo>)</mo><mo>=</mo><mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi><mrow><mo>−</mo><mi>z</mi></mrow></msup></mrow></mfrac><mo>,</mo><mspace width="2em"/><msup><mi>σ</mi><mo>′</mo></msup><mo>(</mo><mi>z</mi><mo>)</mo><mo>=</mo><mi>σ</mi><mo>(</mo><mi>z</mi><mo>)</mo><mo>(</mo><mn>1</mn><mo>−</mo><mi>σ</mi><mo>(</mo><mi>z</mi><mo>)</mo><mo>)</mo></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"The widget starts on the sigmoid at <math><mi>x</mi><mo>=</mo><mn>4</mn></math> (its input is called x here; inside a neuron it is z). The output is already 0.98 and the slope only 0.018: the curve has gone nearly flat. Push <math><mi>x</mi></math> to 6 and the slope falls to 0.0025. This is <dfn data-term="saturation">saturation</dfn>: deep in its flat tails, a sigmoid neuron hardly reacts to any change of its weights, so learning through it crawls. Across many layers these small factors multiply into a <dfn data-term="vanishing-gradient">vanishing gradient</dfn>. Now switch to tanh and compare the slopes at 0: tanh has 1, the sigmoid only 0.25."#,
        zh: r#"下面的组件一开始停在 sigmoid 的 <math><mi>x</mi><mo>=</mo><mn>4</mn></math> 处（这里把输入叫 x，放进神经元里它就是 z）。这时输出已经到了 0.98，斜率却只剩 0.018，曲线差不多躺平了。把 <math><mi>x</mi></math> 推到 6，斜率再掉到 0.0025。这就叫<dfn data-term="saturation">饱和</dfn>：落进两端平坦区的 sigmoid 神经元，权重怎么调它都几乎没反应，学习自然慢得像爬。层数一多，这些很小的因子一乘再乘，就成了<dfn data-term="vanishing-gradient">梯度消失</dfn>。再切换到 tanh，比一比两者在 0 处的斜率：tanh 是 1，sigmoid 只有 0.25。"#,
    }),
    Block::Widget {
        name: "activation",
        state: r#"{"activation": "sigmoid", "x": 4}"#,
        controls: "all",
        caption: Tr {
            en: "The sigmoid at x = 4: the output is close to 1 and the slope close to 0.",
            zh: "sigmoid 在 x = 4 处：输出接近 1，斜率接近 0。",
        },
    },
    Block::Paragraph(Tr {
        en: r#"ReLU never saturates on the positive side: its slope there is exactly 1, however large <math><mi>x</mi></math> gets, which is a big part of why deep networks train well with it. Its weak spot is the other half. This widget sits at <math><mi>x</mi><mo>=</mo><mrow><mo>−</mo><mn>2</mn></mrow></math>: output 0, slope 0. A neuron whose <math><mi>z</mi></math> is negative for every training example sends no signal back at all and stops learning, a <em>dead ReLU</em>. Switch to <dfn data-term="leaky-relu">leaky ReLU</dfn>, which keeps a slope of 0.2 for negative inputs (the Keras default), and the slope is back."#,
        zh: r#"ReLU 在正半轴上永远不会饱和：不管 <math><mi>x</mi></math> 多大，斜率都恰好是 1，深层网络用它好训练，这是很重要的一个原因。它的软肋在另一半。这个组件停在 <math><mi>x</mi><mo>=</mo><mrow><mo>−</mo><mn>2</mn></mrow></math>：输出是 0，斜率也是 0。如果一个神经元对所有训练样本算出的 <math><mi>z</mi></math> 都是负数，它就一丁点信号也传不回去，从此不再学习，这就是所谓的<em>死亡 ReLU</em>。切换到 <dfn data-term="leaky-relu">Leaky ReLU</dfn> 看看：它在负半轴保留了 0.2 的斜率（Keras 的默认值），斜率又回来了。"#,
    }),
    Block::Widget {
        name: "activation",
        state: r#"{"activation": "relu", "x": -2}"#,
        controls: "all",
        caption: Tr {
            en: "ReLU at x = −2: no output and no slope.",
            zh: "ReLU 在 x = −2 处：既没有输出，也没有斜率。",
        },
    },
    Block::Paragraph(Tr {
        en: r#"The MNIST model ends differently. Its 10 output neurons produce ten scores <math><msub><mi>z</mi><mn>0</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>z</mi><mn>9</mn></msub></math>, one per digit, called the <dfn data-term="logits">logits</dfn>. <dfn data-term="softmax">Softmax</dfn> turns them into probabilities: it raises <math><mi>e</mi></math> to each score, which makes them all positive, and divides by the total, which makes them add up to 1. The largest logit gets the largest probability, and that digit is the model's answer."#,
        zh: r#"MNIST 模型的最后一层不太一样。它的 10 个输出神经元给出 10 个得分 <math><msub><mi>z</mi><mn>0</mn></msub><mo>,</mo><mo>…</mo><mo>,</mo><msub><mi>z</mi><mn>9</mn></msub></math>，每个数字一个，叫作 <dfn data-term="logits">logits</dfn>。<dfn data-term="softmax">softmax</dfn> 负责把它们变成概率：先把每个得分都放到 <math><mi>e</mi></math> 的指数上，保证个个为正；再除以总和，保证加起来正好是 1。logit 最大的数字概率也最大，它就是模型给出的答案。"#,
    }),
    Block::Formula(
        r#"<math display="block"><msub><mi>p</mi><mi>k</mi></msub><mo>=</mo><mfrac><msup><mi>e</mi><msub><mi>z</mi><mi>k</mi></msub></msup><mrow><munderover><mo>∑</mo><mrow><mi>j</mi><mo>=</mo><mn>0</mn></mrow><mn>9</mn></munderover><msup><mi>e</mi><msub><mi>z</mi><mi>j</mi></msub></msup></mrow></mfrac></math>"#,
    ),
];

const LOSS: &[Block] = &[
    Block::Paragraph(Tr {
        en: r#"A fresh network's weights are random, and so are its answers. Before we can improve them we have to measure them. A <dfn data-term="loss-function">loss function</dfn> compares the prediction <math><mover accent="true"><mi>y</mi><mo>^</mo></mover></math> with the true answer <math><mi>y</mi></math> and returns one number: zero when they agree, and the larger the further apart they are. Training has a single aim: make the average loss over the examples small."#,
        zh: r#"刚建好的网络，权重是随机的，答案自然也是瞎猜。想让它变好，先得能量出它有多差。<dfn data-term="loss-function">损失函数</dfn>干的就是这件事：拿预测值 <math><mover accent="true"><mi>y</mi><mo>^</mo></mover></math> 和真实答案 <math><mi>y</mi></math> 作比较，给出一个数。两者一致时它是零，差得越远它越大。训练的目标只有一个：让所有样本上的平均损失尽可能小。"#,
    }),
    Block::Paragraph(Tr {
        en: r#"When the prediction is a plain number, the natural choice is the <dfn data-term="mean-squared-error">mean squared error</dfn>: square each difference, then take the average. Squaring makes every error count as positive and punishes a big miss far more than a small one. Its derivative is just as simple, <math><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>i</mi></msub></mrow></mfrac><mo>=</mo><mfrac><mn>2</mn><mi>n</mi></mfrac><mo>(</mo><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>i</mi></msub><mo>−</mo><msub><mi>y</mi><mi>i</mi></msub><mo>)</mo></math>, so the push on each prediction grows with its distance from the truth."#,
        zh: r#"如果要预测的是一个普通的数值，最自然的选择是<dfn data-term="mean-squared-error">均方误差</dfn>：把每个差值平方，再取平均。平方让每个误差都算作正数，而且大错罚得比小错重得多。它的导数也一样简单：<math><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>i</mi></msub></mrow></mfrac><mo>=</mo><mfrac><mn>2</mn><mi>n</mi></mfrac><mo>(</mo><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>i</mi></msub><mo>−</mo><msub><mi>y</mi><mi>i</mi></msub><mo>)</mo></math>。预测值离真实值越远，它受到的“推力”就越大。"#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>L</mi><mo>=</mo><mfrac><mn>1</mn><mi>n</mi></mfrac><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msup><mrow><mo>(</mo><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>i</mi></msub><mo>−</mo><msub><mi>y</mi><mi>i</mi></msub><mo>)</mo></mrow><mn>2</mn></msup></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"The widget holds one prediction, <math><mover accent="true"><mi>y</mi><mo>^</mo></mover><mo>=</mo><mn>2.5</mn></math>, for a true value of 3. The loss is <math><msup><mn>0.5</mn><mn>2</mn></msup><mo>=</mo><mn>0.25</mn></math> and the derivative −1; it is negative, which means “raise the prediction”. Drag the prediction to 3 and both reach zero; drag it past 3 and the derivative changes sign. The curve is a parabola: the further from the target, the steeper the slope."#,
        zh: r#"组件里只有一个预测值 <math><mover accent="true"><mi>y</mi><mo>^</mo></mover><mo>=</mo><mn>2.5</mn></math>，真实值是 3。损失是 <math><msup><mn>0.5</mn><mn>2</mn></msup><mo>=</mo><mn>0.25</mn></math>，导数是 −1。导数为负，意思是“把预测往上调”。把预测值拖到 3，两者一起归零；拖过 3，导数就变了号。这条曲线是抛物线：离目标越远，坡就越陡。"#,
    }),
    Block::Widget {
        name: "loss",
        state: r#"{"loss": "mse", "y_true": [3], "y_pred": [2.5]}"#,
        controls: "y_true,y_pred",
        caption: Tr {
            en: "Mean squared error of a single prediction.",
            zh: "单个预测值的均方误差。",
        },
    },
    Block::Paragraph(Tr {
        en: r#"A classifier outputs probabilities, and for those <dfn data-term="cross-entropy">cross-entropy</dfn> fits better. The true digit is written as a <dfn data-term="one-hot">one-hot</dfn> vector, a 1 at its class and 0 everywhere else, so only one term of the sum survives: the loss is <math><mo>−</mo><mi>ln</mi><mspace width="0.17em"/><mi>p</mi></math>, where <math><mi>p</mi></math> is the probability the model gave the right answer. A model that is sure and right (<math><mi>p</mi><mo>=</mo><mn>1</mn></math>) scores 0; one that spreads its bets evenly over ten digits scores <math><mi>ln</mi><mspace width="0.17em"/><mn>10</mn><mo>≈</mo><mn>2.30</mn></math>, about where an untrained MNIST model starts. The MNIST program's <code>sparse_categorical_crossentropy</code> is this same loss, with the label given as the digit itself (say 7) rather than as a one-hot vector."#,
        zh: r#"分类器输出的是概率，这时用<dfn data-term="cross-entropy">交叉熵</dfn>更合适。真实的数字用<dfn data-term="one-hot">独热编码</dfn>来写：所属类别的位置是 1，其余全是 0。这样求和里只剩下一项，损失就是 <math><mo>−</mo><mi>ln</mi><mspace width="0.17em"/><mi>p</mi></math>，其中 <math><mi>p</mi></math> 是模型给正确答案的概率。既有把握又答对了（<math><mi>p</mi><mo>=</mo><mn>1</mn></math>），损失为 0；十个数字平均押注，损失是 <math><mi>ln</mi><mspace width="0.17em"/><mn>10</mn><mo>≈</mo><mn>2.30</mn></math>，没训练过的 MNIST 模型大致就从这里起步。MNIST 程序里的 <code>sparse_categorical_crossentropy</code> 正是这个损失，只不过标签直接写成数字本身（比如 7），而不是独热向量。"#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>L</mi><mo>=</mo><mo>−</mo><munderover><mo>∑</mo><mrow><mi>k</mi><mo>=</mo><mn>1</mn></mrow><mi>K</mi></munderover><msub><mi>y</mi><mi>k</mi></msub><mspace width="0.17em"/><mi>ln</mi><mspace width="0.17em"/><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>k</mi></msub></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"The slope of <math><mo>−</mo><mi>ln</mi><mspace width="0.17em"/><mi>p</mi></math> is <math><mo>−</mo><mfrac><mn>1</mn><mi>p</mi></mfrac></math>. So when the model is confidently wrong, giving the true class only <math><mi>p</mi><mo>=</mo><mn>0.01</mn></math>, the loss is 4.6 and the derivative about −100, while squared error on a probability never gets steeper than 2. Cross-entropy shouts loudest exactly when the model is most sure of a mistake, and that strong signal is why classifiers learn fast with it."#,
        zh: r#"<math><mo>−</mo><mi>ln</mi><mspace width="0.17em"/><mi>p</mi></math> 的斜率是 <math><mo>−</mo><mfrac><mn>1</mn><mi>p</mi></mfrac></math>。所以当模型“自信地答错”，只给正确类别 <math><mi>p</mi><mo>=</mo><mn>0.01</mn></math> 的概率时，损失是 4.6，导数约为 −100；而对概率用均方误差，斜率再陡也不超过 2。模型越笃定地犯错，交叉熵喊得越响，分类器用它学得快，靠的就是这股强信号。"#,
    }),
    Block::Paragraph(Tr {
        en: r#"Now three classes, the middle one true: <math><mi>𝐲</mi><mo>=</mo><mo>(</mo><mn>0</mn><mo>,</mo><mn>1</mn><mo>,</mo><mn>0</mn><mo>)</mo></math> and <math><mover accent="true"><mi>𝐲</mi><mo>^</mo></mover><mo>=</mo><mo>(</mo><mn>0.2</mn><mo>,</mo><mn>0.7</mn><mo>,</mo><mn>0.1</mn><mo>)</mo></math>. The loss is <math><mo>−</mo><mi>ln</mi><mspace width="0.17em"/><mn>0.7</mn><mo>≈</mo><mn>0.36</mn></math>. Look at the derivatives: −0.43 for the true class, +1 for each of the others. Keras, and Neurite with it, first divides the prediction by its sum, so the gradient knows the probabilities must add up to 1; when they do, <math><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>j</mi></msub></mrow></mfrac><mo>=</mo><mn>1</mn><mo>−</mo><mfrac><msub><mi>y</mi><mi>j</mi></msub><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>j</mi></msub></mfrac></math>. A step against it raises the true class <em>and</em> lowers the others. Lower the true class's probability towards 0.01 and watch the loss and its slope shoot up."#,
        zh: r#"现在换成三个类别，中间那个是正确答案：<math><mi>𝐲</mi><mo>=</mo><mo>(</mo><mn>0</mn><mo>,</mo><mn>1</mn><mo>,</mo><mn>0</mn><mo>)</mo></math>，<math><mover accent="true"><mi>𝐲</mi><mo>^</mo></mover><mo>=</mo><mo>(</mo><mn>0.2</mn><mo>,</mo><mn>0.7</mn><mo>,</mo><mn>0.1</mn><mo>)</mo></math>。损失是 <math><mo>−</mo><mi>ln</mi><mspace width="0.17em"/><mn>0.7</mn><mo>≈</mo><mn>0.36</mn></math>。再看导数：正确类别是 −0.43，另外两类各是 +1。Keras（Neurite 也一样）会先把预测值除以它们的总和，所以梯度里已经算进了“概率之和必须为 1”这条约束；概率和为 1 时，<math><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>j</mi></msub></mrow></mfrac><mo>=</mo><mn>1</mn><mo>−</mo><mfrac><msub><mi>y</mi><mi>j</mi></msub><msub><mover accent="true"><mi>y</mi><mo>^</mo></mover><mi>j</mi></msub></mfrac></math>。逆着它走一步，正确类别的概率上升，<em>同时</em>其他类别的概率下降。把正确类别的概率往 0.01 调低，看看损失和斜率怎样一路飙升。"#,
    }),
    Block::Widget {
        name: "loss",
        state: r#"{"loss": "categorical_cross_entropy", "y_true": [0, 1, 0], "y_pred": [0.2, 0.7, 0.1]}"#,
        controls: "all",
        caption: Tr {
            en: "Categorical cross-entropy over three classes; the middle one is true.",
            zh: "三个类别的分类交叉熵，中间一类是正确答案。",
        },
    },
];

const GRADIENT_DESCENT: &[Block] = &[
    Block::Paragraph(Tr {
        en: r#"Now we can score a network, but how do we make it better? Picture the loss as a landscape: every choice of the parameters is a place on the map, and the loss is the height of the ground there. The <dfn data-term="gradient">gradient</dfn> <math><mi>∇</mi><mi>L</mi></math> gathers the partial derivatives of the loss with respect to every parameter, and points the way the ground rises most steeply. So we step the other way."#,
        zh: r#"网络的好坏能打分了，可怎样让它变好呢？不妨把损失想象成一片起伏的地形：参数的每一种取值都是地图上的一个位置，那里的地面高度就是损失。<dfn data-term="gradient">梯度</dfn> <math><mi>∇</mi><mi>L</mi></math> 把损失对每个参数的偏导数收拢在一起，指向地面上升最陡的方向。那我们就朝反方向走。"#,
    }),
    Block::Paragraph(Tr {
        en: r#"That is the whole of <dfn data-term="gradient-descent">gradient descent</dfn>: work out the gradient, take a small step against it, and repeat. For all the parameters <math><mi>θ</mi></math> at once:"#,
        zh: r#"这就是<dfn data-term="gradient-descent">梯度下降</dfn>的全部内容：算出梯度，逆着它迈一小步，然后不断重复。对全部参数 <math><mi>θ</mi></math> 一起写出来就是："#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>θ</mi><mo>←</mo><mi>θ</mi><mo>−</mo><mi>η</mi><msub><mi>∇</mi><mi>θ</mi></msub><mi>L</mi></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"The step size <math><mi>η</mi></math> is the <dfn data-term="learning-rate">learning rate</dfn>, the most important knob in training. Too small, and the loss creeps down so slowly that training ends long before the bottom. Too large, and each step overshoots the valley floor and lands higher up the far side; the loss jumps about or grows without limit, and the playground reports that training has diverged. For plain gradient descent, values from about 0.01 to 0.1 often work. Try a few in the playground and watch the loss curve."#,
        zh: r#"步长 <math><mi>η</mi></math> 叫作<dfn data-term="learning-rate">学习率</dfn>，是训练中最要紧的一个旋钮。太小了，损失降得慢吞吞，训练都结束了还没走到谷底；太大了，每一步都冲过谷底，落到对面更高的坡上，损失上蹿下跳，甚至一路涨上去，这时实验场会提示训练“发散”。对普通的梯度下降来说，0.01 到 0.1 左右的取值往往就不错。不妨在实验场里多试几个，看看损失曲线怎么变。"#,
    }),
    Block::Paragraph(Tr {
        en: r#"A real network's landscape has a hundred thousand directions; this one has two, so you can see all of it. The loss is <math><mi>f</mi><mo>=</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mn>5</mn><msup><mi>y</mi><mn>2</mn></msup></math>, a valley ten times steeper across than along. Each step of plain gradient descent multiplies <math><mi>x</mi></math> by <math><mn>1</mn><mo>−</mo><mi>η</mi></math> and <math><mi>y</mi></math> by <math><mn>1</mn><mo>−</mo><mn>10</mn><mi>η</mi></math>. With <math><mi>η</mi><mo>=</mo><mn>0.15</mn></math> the second factor is <math><mn>−0.5</mn></math>: the path zig-zags across the valley while it crawls along it. Press play, then raise the learning rate past 0.2, where <math><mo>|</mo><mn>1</mn><mo>−</mo><mn>10</mn><mi>η</mi><mo>|</mo></math> passes 1 and every step lands higher than the last."#,
        zh: r#"真实网络的地形有十万个方向，这里只有两个，于是可以一览无余。损失是 <math><mi>f</mi><mo>=</mo><mfrac><mn>1</mn><mn>2</mn></mfrac><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mn>5</mn><msup><mi>y</mi><mn>2</mn></msup></math>，一道横向比纵向陡十倍的山谷。普通梯度下降每走一步，<math><mi>x</mi></math> 乘以 <math><mn>1</mn><mo>−</mo><mi>η</mi></math>，<math><mi>y</mi></math> 乘以 <math><mn>1</mn><mo>−</mo><mn>10</mn><mi>η</mi></math>。<math><mi>η</mi><mo>=</mo><mn>0.15</mn></math> 时后一个系数是 <math><mn>−0.5</mn></math>：路径一边在谷中来回折返，一边沿着谷底慢慢前进。按下播放，再把学习率调过 0.2：这时 <math><mo>|</mo><mn>1</mn><mo>−</mo><mn>10</mn><mi>η</mi><mo>|</mo></math> 超过 1，每一步都落得比上一步更高。"#,
    }),
    Block::Widget {
        name: "gradient_descent",
        state: r#"{"surface": "bowl", "optimizer": "sgd", "learning_rate": 0.15, "start": [-3.5, 1.5], "steps": 0}"#,
        controls: "learning_rate,steps,start",
        caption: Tr {
            en: "Plain gradient descent on a narrow valley. Click the plot to start from elsewhere.",
            zh: "在一道窄谷上做普通梯度下降。点击图中任意位置可换一个起点。",
        },
    },
    Block::Paragraph(Tr {
        en: r#"Strictly, the loss is an average over all 60,000 training images, and computing its exact gradient for every step would be slow. Instead each step takes a <dfn data-term="mini-batch">mini-batch</dfn> of <math><mi>B</mi></math> examples, 32 in the seed program, and averages their gradients: a noisy estimate, but a cheap one. Taken to the extreme of one example per step this is <dfn data-term="sgd">stochastic gradient descent</dfn>, and the name, SGD, now covers the mini-batch version too. One pass through the whole training set is an <dfn data-term="epoch">epoch</dfn>; with batches of 32, an epoch of MNIST is 1,875 steps."#,
        zh: r#"严格说来，损失是全部 60 000 张训练图像的平均，每走一步都精确求一次它的梯度，实在太慢。实际的做法是每一步只取一个<dfn data-term="mini-batch">小批量</dfn>，共 <math><mi>B</mi></math> 个样本（种子程序里是 32 个），把它们的梯度平均一下：有噪声，但便宜得多。推到极端，每步只用一个样本，就是<dfn data-term="sgd">随机梯度下降</dfn>；如今 SGD 这个名字也把小批量的做法包括在内。把整个训练集完整过一遍叫作一个<dfn data-term="epoch">轮次</dfn>：批大小为 32 时，MNIST 的一轮是 1 875 步。"#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>𝐠</mi><mo>=</mo><mfrac><mn>1</mn><mi>B</mi></mfrac><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>B</mi></munderover><msub><mi>∇</mi><mi>θ</mi></msub><msub><mi>L</mi><mi>i</mi></msub></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"Plain gradient descent gives every parameter the same learning rate. An <dfn data-term="optimizer">optimizer</dfn> is the rule that turns gradients into updates; the seed program chooses <dfn data-term="adam">Adam</dfn>, and the playground also offers SGD, with or without momentum, and RMSprop. For each parameter, with gradient <math><mi>g</mi></math>, Adam keeps two running averages: <math><mi>m</mi></math> of its recent gradients, a sense of direction much like momentum, and <math><mi>v</mi></math> of their squares, a sense of scale. By Keras's defaults, <math><msub><mi>β</mi><mn>1</mn></msub><mo>=</mo><mn>0.9</mn></math> and <math><msub><mi>β</mi><mn>2</mn></msub><mo>=</mo><mn>0.999</mn></math>, both close to 1, so the averages forget slowly:"#,
        zh: r#"普通梯度下降给所有参数用同一个学习率。把梯度变成参数更新的规则叫作<dfn data-term="optimizer">优化器</dfn>；种子程序选的是 <dfn data-term="adam">Adam</dfn>，实验场里还可以换成 SGD（带或不带动量）和 RMSprop。对每个梯度为 <math><mi>g</mi></math> 的参数，Adam 都维护两个滑动平均：<math><mi>m</mi></math> 是近期梯度的平均，记住“往哪儿走”，作用和动量相仿；<math><mi>v</mi></math> 是梯度平方的平均，记住“梯度通常有多大”。按 Keras 的默认值，<math><msub><mi>β</mi><mn>1</mn></msub><mo>=</mo><mn>0.9</mn></math>，<math><msub><mi>β</mi><mn>2</mn></msub><mo>=</mo><mn>0.999</mn></math>，两者都接近 1，所以这两个平均“忘”得很慢："#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>m</mi><mo>←</mo><msub><mi>β</mi><mn>1</mn></msub><mi>m</mi><mo>+</mo><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>β</mi><mn>1</mn></msub><mo>)</mo><mi>g</mi><mo>,</mo><mspace width="2em"/><mi>v</mi><mo>←</mo><msub><mi>β</mi><mn>2</mn></msub><mi>v</mi><mo>+</mo><mo>(</mo><mn>1</mn><mo>−</mo><msub><mi>β</mi><mn>2</mn></msub><mo>)</mo><msup><mi>g</mi><mn>2</mn></msup></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"Adam then steps along <math><mi>m</mi></math> divided by <math><msqrt><mi>v</mi></msqrt></math>, so every parameter moves by roughly <math><mi>η</mi></math> per step, <math><mn>0.001</mn></math> in the seed program, whether its gradients are large or tiny; <math><mi>ε</mi><mo>=</mo><msup><mn>10</mn><mrow><mo>−</mo><mn>7</mn></mrow></msup></math> only guards against dividing by zero. At step <math><mi>t</mi></math>, the factor with <math><mi>t</mi></math> makes up for <math><mi>m</mi></math> and <math><mi>v</mi></math> starting at zero, which would otherwise make the first steps too timid:"#,
        zh: r#"接着，Adam 沿着 <math><mi>m</mi></math> 除以 <math><msqrt><mi>v</mi></msqrt></math> 的方向迈步，于是不论梯度是大是小，每个参数每步挪动的幅度都在 <math><mi>η</mi></math> 上下，种子程序里是 <math><mn>0.001</mn></math>；<math><mi>ε</mi><mo>=</mo><msup><mn>10</mn><mrow><mo>−</mo><mn>7</mn></mrow></msup></math> 只是为了防止除以零。在第 <math><mi>t</mi></math> 步，含 <math><mi>t</mi></math> 的系数用来弥补 <math><mi>m</mi></math> 和 <math><mi>v</mi></math> 从零起步带来的偏差，不然最初几步会迈得太小："#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>θ</mi><mo>←</mo><mi>θ</mi><mo>−</mo><mi>η</mi><mfrac><msqrt><mn>1</mn><mo>−</mo><msubsup><mi>β</mi><mn>2</mn><mi>t</mi></msubsup></msqrt><mrow><mn>1</mn><mo>−</mo><msubsup><mi>β</mi><mn>1</mn><mi>t</mi></msubsup></mrow></mfrac><mfrac><mi>m</mi><mrow><msqrt><mi>v</mi></msqrt><mo>+</mo><mi>ε</mi></mrow></mfrac></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"Here four optimizers race down Rosenbrock's banana-shaped valley towards its minimum at <math><mo>(</mo><mn>1</mn><mo>,</mo><mn>1</mn><mo>)</mo></math>, from one start and with one learning rate, 0.002. SGD and momentum step in proportion to the gradient: far on the steep walls, hardly at all on the flat floor, where momentum's gathered speed carries it to the minimum first. Adam and RMSprop divide each coordinate's step by the size of its recent gradients, so each moves about <math><mi>η</mi></math> per step whatever the slope, and at 0.002 that is slow. Now raise the learning rate to 0.003: SGD and momentum overshoot the steep wall and diverge, while Adam and RMSprop just go faster; near 0.05 Adam reaches the minimum. The readout of step ÷ gradient shows the learning rate each coordinate really got."#,
        zh: r#"下面四个优化器从同一个起点、用同一个学习率 0.002，沿 Rosenbrock 的香蕉形山谷奔向位于 <math><mo>(</mo><mn>1</mn><mo>,</mo><mn>1</mn><mo>)</mo></math> 的最小值。SGD 和动量的步长与梯度成正比：在陡峭的谷壁上一步迈得很远，在平坦的谷底几乎挪不动，动量靠积攒的速度最先到达最小值。Adam 和 RMSprop 把每个坐标的步长除以它近期梯度的大小，所以不管坡陡还是坡缓，每步都只走 <math><mi>η</mi></math> 左右，学习率为 0.002 时就走得很慢。现在把学习率调到 0.003：SGD 和动量冲过陡壁，发散了；Adam 和 RMSprop 只是走得更快。学习率到 0.05 附近时，Adam 就能到达最小值。读数里的“步长 ÷ 梯度”显示的是每个坐标实际得到的学习率。"#,
    }),
    Block::Widget {
        name: "gradient_descent",
        state: r#"{"surface": "rosenbrock", "optimizer": "adam", "learning_rate": 0.002, "start": [-1.5, 2], "steps": 500, "optimizers": ["sgd", "momentum", "rmsprop"]}"#,
        controls: "all",
        caption: Tr {
            en: "Four optimizers, one learning rate, from one start. Try the other surfaces: the saddle, where SGD lingers on the ridge, and Himmelblau's four minima.",
            zh: "四个优化器，同一个学习率，同一个起点。也试试其他曲面：在鞍点曲面上 SGD 会在山脊上徘徊；Himmelblau 函数有四个最小值。",
        },
    },
];

const BACKPROPAGATION: &[Block] = &[
    Block::Paragraph(Tr {
        en: r#"Gradient descent needs the gradient: one partial derivative for each of the 101,770 parameters, at every step. Nudging each weight in turn to see what the loss does would cost 101,770 extra runs of the network per step. <dfn data-term="backpropagation">Backpropagation</dfn> finds them all in a single backward pass, for about the price of the forward one."#,
        zh: r#"梯度下降离不开梯度：每一步都要求出 101 770 个参数各自的偏导数。要是挨个把权重拨一下、看看损失怎么变，每一步就得把网络多跑 101 770 遍。<dfn data-term="backpropagation">反向传播</dfn>只要反向计算一遍，就能把它们全部求出来，代价和一次前向计算差不多。"#,
    }),
    Block::Paragraph(Tr {
        en: r#"It rests on the <dfn data-term="chain-rule">chain rule</dfn>: when one quantity affects another through a chain of steps, the rates of change multiply. A weight <math><mi>w</mi></math> changes its neuron's <math><mi>z</mi></math>, which changes the neuron's output <math><mi>a</mi></math>, which changes the loss:"#,
        zh: r#"它的基础是<dfn data-term="chain-rule">链式法则</dfn>：一个量经过一连串环节影响另一个量时，各环节的变化率相乘。权重 <math><mi>w</mi></math> 影响所在神经元的 <math><mi>z</mi></math>，进而影响这个神经元的输出 <math><mi>a</mi></math>，最终影响损失："#,
    }),
    Block::Formula(
        r#"<math display="block"><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><mi>w</mi></mrow></mfrac><mo>=</mo><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><mi>a</mi></mrow></mfrac><mo>·</mo><mfrac><mrow><mi>∂</mi><mi>a</mi></mrow><mrow><mi>∂</mi><mi>z</mi></mrow></mfrac><mo>·</mo><mfrac><mrow><mi>∂</mi><mi>z</mi></mrow><mrow><mi>∂</mi><mi>w</mi></mrow></mfrac></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"The quantity to track is each neuron's <dfn data-term="delta">error term</dfn> <math><mi>δ</mi><mo>=</mo><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><mi>z</mi></mrow></mfrac></math>: how much the loss would change if that neuron's <math><mi>z</mi></math> moved a little. Once a neuron knows its <math><mi>δ</mi></math>, the gradient of each of its weights is <math><mi>δ</mi></math> times the input that weight multiplies, and the gradient of its bias is <math><mi>δ</mi></math> itself. A hidden neuron gets its <math><mi>δ</mi></math> from the layer above: the δs of the neurons it feeds, weighted by the weights that connect them, times its own slope <math><msup><mi>f</mi><mo>′</mo></msup><mo>(</mo><mi>z</mi><mo>)</mo></math>. Here is the signal the activation section warned about: a saturated or dead neuron multiplies it by almost nothing. At the MNIST output, softmax and cross-entropy together give the tidiest δ of all: the predicted probabilities minus the one-hot answer."#,
        zh: r#"真正要跟踪的，是每个神经元的<dfn data-term="delta">误差项</dfn> <math><mi>δ</mi><mo>=</mo><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><mi>z</mi></mrow></mfrac></math>，即这个神经元的 <math><mi>z</mi></math> 稍微动一下，损失会跟着变多少。神经元一旦知道了自己的 <math><mi>δ</mi></math>，它每个权重的梯度就是 <math><mi>δ</mi></math> 乘以这个权重所乘的那个输入，偏置项的梯度则正好是 <math><mi>δ</mi></math> 本身。隐藏层神经元的 <math><mi>δ</mi></math> 来自上一层：把它所连接的那些神经元的 δ 按连接权重加权求和，再乘上它自己的斜率 <math><msup><mi>f</mi><mo>′</mo></msup><mo>(</mo><mi>z</mi><mo>)</mo></math>。激活函数一节提醒过的正是这个信号：饱和的或“死亡”的神经元会把它乘得几乎为零。在 MNIST 模型的输出端，softmax 和交叉熵搭配起来，δ 简单得不能再简单：预测的概率减去独热编码的答案。"#,
    }),
    Block::Formula(
        r#"<math display="block"><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mi>w</mi><mrow><mi>j</mi><mi>k</mi></mrow></msub></mrow></mfrac><mo>=</mo><msub><mi>δ</mi><mi>j</mi></msub><msub><mi>a</mi><mi>k</mi></msub><mo>,</mo><mspace width="2em"/><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mi>b</mi><mi>j</mi></msub></mrow></mfrac><mo>=</mo><msub><mi>δ</mi><mi>j</mi></msub></math>"#,
    ),
    Block::Formula(
        r#"<math display="block"><msub><mi>δ</mi><mi>j</mi></msub><mo>=</mo><msup><mi>f</mi><mo>′</mo></msup><mo>(</mo><msub><mi>z</mi><mi>j</mi></msub><mo>)</mo><munder><mo>∑</mo><mi>i</mi></munder><msub><mi>w</mi><mrow><mi>i</mi><mi>j</mi></mrow></msub><msub><mi>δ</mi><mi>i</mi></msub></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"Let us run it once by hand on a tiny network: two inputs, two ReLU hidden neurons, one linear output and the loss <math><mi>L</mi><mo>=</mo><msup><mrow><mo>(</mo><mover accent="true"><mi>y</mi><mo>^</mo></mover><mo>−</mo><mi>y</mi><mo>)</mo></mrow><mn>2</mn></msup></math>, with every bias starting at 0. The input is <math><mi>𝐱</mi><mo>=</mo><mo>(</mo><mn>1</mn><mo>,</mo><mn>2</mn><mo>)</mo></math> and the target <math><mi>y</mi><mo>=</mo><mn>1</mn></math>. The hidden neurons have weights <math><msub><mi>𝐰</mi><mn>1</mn></msub><mo>=</mo><mo>(</mo><mn>0.5</mn><mo>,</mo><mn>0.25</mn><mo>)</mo></math> and <math><msub><mi>𝐰</mi><mn>2</mn></msub><mo>=</mo><mo>(</mo><mn>1</mn><mo>,</mo><mrow><mo>−</mo><mn>0.25</mn></mrow><mo>)</mo></math>, the output neuron <math><mi>𝐯</mi><mo>=</mo><mo>(</mo><mn>2</mn><mo>,</mo><mrow><mo>−</mo><mn>1</mn></mrow><mo>)</mo></math>. Forward, both hidden neurons come out positive, so ReLU passes them on unchanged:"#,
        zh: r#"我们拿一个迷你网络亲手算一遍：两个输入，两个 ReLU 隐藏神经元，一个线性输出，损失取 <math><mi>L</mi><mo>=</mo><msup><mrow><mo>(</mo><mover accent="true"><mi>y</mi><mo>^</mo></mover><mo>−</mo><mi>y</mi><mo>)</mo></mrow><mn>2</mn></msup></math>，所有偏置项初始为 0。输入是 <math><mi>𝐱</mi><mo>=</mo><mo>(</mo><mn>1</mn><mo>,</mo><mn>2</mn><mo>)</mo></math>，目标是 <math><mi>y</mi><mo>=</mo><mn>1</mn></math>。两个隐藏神经元的权重是 <math><msub><mi>𝐰</mi><mn>1</mn></msub><mo>=</mo><mo>(</mo><mn>0.5</mn><mo>,</mo><mn>0.25</mn><mo>)</mo></math> 和 <math><msub><mi>𝐰</mi><mn>2</mn></msub><mo>=</mo><mo>(</mo><mn>1</mn><mo>,</mo><mrow><mo>−</mo><mn>0.25</mn></mrow><mo>)</mo></math>，输出神经元的权重是 <math><mi>𝐯</mi><mo>=</mo><mo>(</mo><mn>2</mn><mo>,</mo><mrow><mo>−</mo><mn>1</mn></mrow><mo>)</mo></math>。先做前向计算，两个隐藏神经元的结果都是正数，ReLU 原样放行："#,
    }),
    Block::Formula(
        r#"<math display="block"><msub><mi>a</mi><mn>1</mn></msub><mo>=</mo><msub><mi>z</mi><mn>1</mn></msub><mo>=</mo><mn>0.5</mn><mo>·</mo><mn>1</mn><mo>+</mo><mn>0.25</mn><mo>·</mo><mn>2</mn><mo>=</mo><mn>1</mn><mo>,</mo><mspace width="2em"/><msub><mi>a</mi><mn>2</mn></msub><mo>=</mo><msub><mi>z</mi><mn>2</mn></msub><mo>=</mo><mn>1</mn><mo>·</mo><mn>1</mn><mo>−</mo><mn>0.25</mn><mo>·</mo><mn>2</mn><mo>=</mo><mn>0.5</mn></math>"#,
    ),
    Block::Formula(
        r#"<math display="block"><mover accent="true"><mi>y</mi><mo>^</mo></mover><mo>=</mo><mn>2</mn><mo>·</mo><mn>1</mn><mo>−</mo><mn>1</mn><mo>·</mo><mn>0.5</mn><mo>=</mo><mn>1.5</mn><mo>,</mo><mspace width="2em"/><mi>L</mi><mo>=</mo><msup><mrow><mo>(</mo><mn>1.5</mn><mo>−</mo><mn>1</mn><mo>)</mo></mrow><mn>2</mn></msup><mo>=</mo><mn>0.25</mn></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"Now backward. The output's δ is <math><mn>2</mn><mo>(</mo><mn>1.5</mn><mo>−</mo><mn>1</mn><mo>)</mo><mo>=</mo><mn>1</mn></math>, so the output weights get the gradients <math><mn>1</mn><mo>·</mo><msub><mi>a</mi><mn>1</mn></msub><mo>=</mo><mn>1</mn></math> and <math><mn>1</mn><mo>·</mo><msub><mi>a</mi><mn>2</mn></msub><mo>=</mo><mn>0.5</mn></math>. Both hidden neurons are active, so their slope is 1, and the output's δ flows back through the weights 2 and −1: <math><msub><mi>δ</mi><mn>1</mn></msub><mo>=</mo><mn>2</mn></math> and <math><msub><mi>δ</mi><mn>2</mn></msub><mo>=</mo><mrow><mo>−</mo><mn>1</mn></mrow></math>. Multiplying by the inputs 1 and 2 gives the hidden weights' gradients:"#,
        zh: r#"再做反向计算。输出神经元的 δ 是 <math><mn>2</mn><mo>(</mo><mn>1.5</mn><mo>−</mo><mn>1</mn><mo>)</mo><mo>=</mo><mn>1</mn></math>，所以输出层两个权重的梯度分别是 <math><mn>1</mn><mo>·</mo><msub><mi>a</mi><mn>1</mn></msub><mo>=</mo><mn>1</mn></math> 和 <math><mn>1</mn><mo>·</mo><msub><mi>a</mi><mn>2</mn></msub><mo>=</mo><mn>0.5</mn></math>。两个隐藏神经元都处于激活状态，斜率为 1，输出的 δ 经由权重 2 和 −1 传回来，得到 <math><msub><mi>δ</mi><mn>1</mn></msub><mo>=</mo><mn>2</mn></math>、<math><msub><mi>δ</mi><mn>2</mn></msub><mo>=</mo><mrow><mo>−</mo><mn>1</mn></mrow></math>。再分别乘上输入 1 和 2，就是隐藏层权重的梯度："#,
    }),
    Block::Formula(
        r#"<math display="block"><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mi>𝐰</mi><mn>1</mn></msub></mrow></mfrac><mo>=</mo><msub><mi>δ</mi><mn>1</mn></msub><mi>𝐱</mi><mo>=</mo><mo>(</mo><mn>2</mn><mo>,</mo><mn>4</mn><mo>)</mo><mo>,</mo><mspace width="2em"/><mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mi>𝐰</mi><mn>2</mn></msub></mrow></mfrac><mo>=</mo><msub><mi>δ</mi><mn>2</mn></msub><mi>𝐱</mi><mo>=</mo><mo>(</mo><mrow><mo>−</mo><mn>1</mn></mrow><mo>,</mo><mrow><mo>−</mo><mn>2</mn></mrow><mo>)</mo></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"One gradient descent step with <math><mi>η</mi><mo>=</mo><mn>0.01</mn></math> on all nine parameters (six weights and three biases) moves the prediction from 1.5 to 1.18 and cuts the loss from 0.25 to 0.03. Training on MNIST is this very computation with bigger matrices, repeated 9,375 times: five epochs of 1,875 steps."#,
        zh: r#"以 <math><mi>η</mi><mo>=</mo><mn>0.01</mn></math> 对全部九个参数（六个权重、三个偏置项）做一步梯度下降，预测值就从 1.5 变成 1.18，损失从 0.25 降到 0.03。在 MNIST 上训练，做的就是同样的计算，只是矩阵大得多，而且要重复 9 375 次：5 轮，每轮 1 875 步。"#,
    }),
    Block::Widget {
        name: "backprop",
        state: r#"{"sizes": [2, 2, 1], "activation": "relu", "output_activation": "linear", "loss": "mse", "kernels": [[[0.5, 1], [0.25, -0.25]], [[2], [-1]]], "biases": [[0, 0], [0]], "x": [1, 2], "y": [1], "learning_rate": 0.01}"#,
        controls: "all",
        caption: Tr {
            en: "The same network, one stage per click: forward neuron by neuron, the loss, then backward neuron by neuron and weight by weight, and the update. Turn on the check to see each gradient estimated by finite differences beside it.",
            zh: "同一个网络，每点一次走一个阶段：逐个神经元做前向计算，算出损失，再逐个神经元、逐个权重地反向计算，最后更新参数。打开检验，就能在每个梯度旁看到用有限差分估计出的值。",
        },
    },
    Block::Paragraph(Tr {
        en: r#"The numbers in this paragraph come from the widget and follow it. Right now the prediction is <output data-key="output.0">1.5</output>, the loss <output data-key="loss">0.25</output>, the first hidden weight's gradient <output data-key="grads.kernels.0.0.0">2</output>, and one step later the loss is <output data-key="loss_after">0.03</output>. Drag the first input below zero: the first hidden neuron's <math><mi>z</mi></math> turns negative, ReLU shuts it, and its δ and every gradient behind it become exactly 0. That neuron learns nothing from this example, which is the dead ReLU of the activation section seen from the inside."#,
        zh: r#"这一段里的数字来自上面的组件，并会随它变化。此刻的预测值是 <output data-key="output.0">1.5</output>，损失是 <output data-key="loss">0.25</output>，第一个隐藏层权重的梯度是 <output data-key="grads.kernels.0.0.0">2</output>，更新一步之后损失变为 <output data-key="loss_after">0.03</output>。把第一个输入拖到 0 以下：第一个隐藏神经元的 <math><mi>z</mi></math> 变成负数，ReLU 把它关掉，它的 δ 和它后面的所有梯度都恰好变成 0。这个神经元从这个样本中什么也学不到，这正是激活函数一节说的“死亡” ReLU，只不过这次是从内部看到的。"#,
    }),
];

const MNIST: &[Block] = &[
    Block::Paragraph(Tr {
        en: r#"Everything is now in place for the program this site is built around. Each image becomes a column <math><mi>𝐱</mi></math> of 784 pixels; <math><msub><mi>𝐖</mi><mn>1</mn></msub></math>, 128 rows of 784 weights, and <math><msub><mi>𝐛</mi><mn>1</mn></msub></math> make the hidden layer; <math><msub><mi>𝐖</mi><mn>2</mn></msub></math>, 10 rows of 128, and <math><msub><mi>𝐛</mi><mn>2</mn></msub></math> make the output. The whole model is one line:"#,
        zh: r#"到这里，零件已经齐了，可以拼出本站的主角：MNIST 程序。每张图像展开成 784 个像素组成的一列 <math><mi>𝐱</mi></math>；<math><msub><mi>𝐖</mi><mn>1</mn></msub></math>（128 行、每行 784 个权重）和 <math><msub><mi>𝐛</mi><mn>1</mn></msub></math> 构成隐藏层；<math><msub><mi>𝐖</mi><mn>2</mn></msub></math>（10 行、每行 128 个权重）和 <math><msub><mi>𝐛</mi><mn>2</mn></msub></math> 构成输出层。整个模型只需一行："#,
    }),
    Block::Formula(
        r#"<math display="block"><mi>𝐩</mi><mo>=</mo><mi>softmax</mi><mo>(</mo><msub><mi>𝐖</mi><mn>2</mn></msub><mspace width="0.17em"/><mi>ReLU</mi><mo>(</mo><msub><mi>𝐖</mi><mn>1</mn></msub><mi>𝐱</mi><mo>+</mo><msub><mi>𝐛</mi><mn>1</mn></msub><mo>)</mo><mo>+</mo><msub><mi>𝐛</mi><mn>2</mn></msub><mo>)</mo></math>"#,
    ),
    Block::Paragraph(Tr {
        en: r#"On the left is the classic Keras program; on the right, the same model and training as Neurite writes them. Read them side by side: a Flatten layer unrolls each 28 × 28 image into 784 inputs, a dense layer of 128 ReLU neurons follows, then a dense layer of 10 softmax outputs. Training uses Adam with a learning rate of 0.001, mini-batches of 32 and 5 epochs, on the sparse categorical cross-entropy."#,
        zh: r#"左边是经典的 Keras 程序，右边是 Neurite 对同一个模型、同一套训练的写法。对照着读：Flatten 层把每张 28 × 28 的图像展开成 784 个输入，接着是 128 个 ReLU 神经元组成的全连接层，最后是 10 个 softmax 输出组成的全连接层。训练用 Adam 优化器，学习率 0.001，批大小 32，训练轮数 5，损失函数是稀疏分类交叉熵。"#,
    }),
    Block::Compare {
        left: (
            Tr {
                en: "The seed program, in Keras",
                zh: "种子程序（Keras 写法）",
            },
            "python",
            SEED_KERAS,
        ),
        right: (
            Tr {
                en: "The same, in Neurite",
                zh: "同一个程序（Neurite 写法）",
            },
            "json",
            SEED_NEURITE,
        ),
    },
    Block::Paragraph(Tr {
        en: r#"MNIST's 70,000 images come in two parts. The model learns from the 60,000 of the <dfn data-term="training-set">training set</dfn>; the other 10,000, the <dfn data-term="test-set">test set</dfn>, never take part in training and serve only to check it. One difference from the listing on the left: the playground divides every pixel by 255 first, so the inputs lie between 0 and 1 rather than 0 and 255, which gives the first layer gentler numbers to start from. The Pixels control switches it back."#,
        zh: r#"MNIST 的 70 000 张图像分成两部分。模型从<dfn data-term="training-set">训练集</dfn>的 60 000 张里学习；剩下的 10 000 张是<dfn data-term="test-set">测试集</dfn>，完全不参与训练，只用来检验效果。和左边的代码相比有一处不同：实验场会先把每个像素除以 255，让输入落在 0 到 1 之间，而不是 0 到 255，第一层起步时面对的数值温和得多。用“像素”那个选项可以改回原始值。"#,
    }),
    Block::Paragraph(Tr {
        en: r#"After five epochs the model's <dfn data-term="accuracy">accuracy</dfn> on the test set is about 97.5 %: of 10,000 digits it has never seen, it reads some 9,750 correctly and misses about 250, many of them digits a person would hesitate over too. The playground's confusion matrix shows which pairs it mixes up. Accuracy on the training set comes out a little higher. When that gap grows wide, the model is memorising its examples instead of learning what digits look like, which is <dfn data-term="overfitting">overfitting</dfn>; the test number is the honest one."#,
        zh: r#"训练 5 轮之后，模型在测试集上的<dfn data-term="accuracy">准确率</dfn>约为 97.5%：在 10 000 个从没见过的数字里，它能认对大约 9 750 个，认错 250 个左右，其中不少连人看了也要犹豫一下。实验场里的混淆矩阵会告诉你它最容易把哪两个数字搞混。训练集上的准确率会略高一些。如果两者的差距越拉越大，说明模型是在死记训练样本，而不是学会数字长什么样，这就是<dfn data-term="overfitting">过拟合</dfn>。测试集上的数字才是实打实的成绩。"#,
    }),
    Block::Paragraph(Tr {
        en: r#"Now train it yourself. Press Play, watch the loss fall and the accuracy climb, then draw a digit and see the ten probabilities the softmax gives it. Change one thing at a time, the learning rate, the size of the hidden layer, its activation, and every idea of this article will show up on the curves."#,
        zh: r#"现在轮到你亲手训练了。点“开始”，看损失一路下降、准确率一路上升；训练好之后手写一个数字，看看 softmax 给出的十个概率。每次只改一样东西，比如学习率、隐藏层的大小或它的激活函数，这篇文章里讲过的每个道理都会在曲线上显现出来。"#,
    }),
    Block::PlaygroundLink(Tr {
        en: "Train it yourself in the playground",
        zh: "去实验场亲手训练它",
    }),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use neurite::{Activation, Loss, ModelSpec, TrainConfig, explain};

    use super::*;
    use crate::i18n::glossary::{GLOSSARY, term};

    const IDS: [&str; 6] = [
        "neuron",
        "activation",
        "loss",
        "gradient-descent",
        "backpropagation",
        "mnist",
    ];

    fn blocks() -> impl Iterator<Item = &'static Block> {
        SECTIONS.iter().flat_map(|s| s.blocks.iter())
    }

    fn paragraphs() -> impl Iterator<Item = Tr> {
        blocks().filter_map(|b| match b {
            Block::Paragraph(tr) => Some(*tr),
            _ => None,
        })
    }

    fn formulas() -> impl Iterator<Item = &'static str> {
        blocks().filter_map(|b| match b {
            Block::Formula(f) => Some(*f),
            _ => None,
        })
    }

    /// Every `Tr` of the article: title, subtitle, headings, paragraphs, captions, listing
    /// titles and the link.
    fn all_trs() -> Vec<Tr> {
        let mut trs = vec![TITLE, SUBTITLE];
        for section in SECTIONS {
            trs.push(section.title);
            for block in section.blocks {
                match *block {
                    Block::Paragraph(tr) | Block::PlaygroundLink(tr) => trs.push(tr),
                    Block::Widget { caption, .. } => trs.push(caption),
                    Block::Compare { left, right } => trs.extend([left.0, right.0]),
                    Block::Formula(_) | Block::Code { .. } => {}
                }
            }
        }
        trs
    }

    /// The `data-term` keys of `html`, in order.
    fn term_keys(html: &str) -> Vec<&str> {
        html.split("data-term=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').expect("closing quote")])
            .collect()
    }

    /// Checks that the tags of `html` nest properly, that every `<` opens a tag and every `&`
    /// an entity.
    fn check_markup(html: &str) -> Result<(), String> {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let end = after
                .find('>')
                .ok_or_else(|| format!("unclosed tag in {html}"))?;
            let tag = &after[..end];
            rest = &after[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(open) if open == name => {}
                    open => return Err(format!("</{name}> closes {open:?} in {html}")),
                }
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or("");
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(format!("bad tag <{tag}> in {html}"));
                }
                stack.push(name);
            }
        }
        if !stack.is_empty() {
            return Err(format!("unclosed {stack:?} in {html}"));
        }
        for (i, _) in html.match_indices('&') {
            let entity = &html[i..];
            if !["&amp;", "&lt;", "&gt;", "&quot;", "&#"]
                .iter()
                .any(|e| entity.starts_with(e))
            {
                return Err(format!("bare & in {html}"));
            }
        }
        if html.contains('>') && html.matches('>').count() != html.matches('<').count() {
            return Err(format!("stray > in {html}"));
        }
        Ok(())
    }

    #[test]
    fn section_ids_are_unique_and_in_the_articles_order() {
        let ids: Vec<&str> = SECTIONS.iter().map(|s| s.id).collect();
        assert_eq!(ids, IDS);
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn every_text_exists_in_both_languages_and_differs() {
        for tr in all_trs() {
            assert!(!tr.en.trim().is_empty(), "{tr:?}");
            assert!(!tr.zh.trim().is_empty(), "{tr:?}");
            assert_ne!(tr.en, tr.zh, "{tr:?}");
            // The Chinese side is written in Chinese.
            assert!(
                tr.zh
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{tr:?}"
            );
        }
    }

    #[test]
    fn each_section_has_three_to_eight_paragraphs_and_a_formula() {
        for section in SECTIONS {
            let paragraphs = section
                .blocks
                .iter()
                .filter(|b| matches!(b, Block::Paragraph(_)))
                .count();
            assert!(
                (3..=8).contains(&paragraphs),
                "{}: {paragraphs}",
                section.id
            );
            assert!(
                section
                    .blocks
                    .iter()
                    .any(|b| matches!(b, Block::Formula(_))),
                "{}",
                section.id
            );
            assert!(
                matches!(section.blocks.first(), Some(Block::Paragraph(_))),
                "{} opens with prose",
                section.id
            );
        }
    }

    #[test]
    fn every_widget_follows_a_paragraph_that_says_what_to_try() {
        for section in SECTIONS {
            for (i, block) in section.blocks.iter().enumerate() {
                if matches!(block, Block::Widget { .. }) {
                    assert!(
                        i > 0 && matches!(section.blocks[i - 1], Block::Paragraph(_)),
                        "{}: widget {i}",
                        section.id
                    );
                }
            }
        }
    }

    #[test]
    fn paragraphs_name_glossary_terms_alike_in_both_languages() {
        for tr in paragraphs() {
            let en: HashSet<&str> = term_keys(tr.en).into_iter().collect();
            let zh: HashSet<&str> = term_keys(tr.zh).into_iter().collect();
            assert_eq!(en, zh, "{}", tr.en);
            for key in &en {
                assert!(term(key).is_some(), "unknown term {key}");
            }
            for text in [tr.en, tr.zh] {
                assert_eq!(
                    text.matches("<dfn").count(),
                    text.matches("data-term=").count(),
                    "every dfn names its term: {text}"
                );
            }
            assert_eq!(
                tr.en.matches("<math").count(),
                tr.zh.matches("<math").count(),
                "{}",
                tr.en
            );
            assert_eq!(
                tr.en.matches("<code>").count(),
                tr.zh.matches("<code>").count(),
                "{}",
                tr.en
            );
        }
    }

    #[test]
    fn the_glossary_follows_the_articles_order_of_first_use() {
        let mut first_use: Vec<&str> = Vec::new();
        for tr in paragraphs() {
            for key in term_keys(tr.en) {
                if !first_use.contains(&key) {
                    first_use.push(key);
                }
            }
        }
        let glossary: Vec<&str> = GLOSSARY.iter().map(|t| t.key).collect();
        assert_eq!(first_use, glossary);
    }

    #[test]
    fn formulas_are_single_block_math_elements() {
        for f in formulas() {
            assert!(f.starts_with(r#"<math display="block">"#), "{f}");
            assert!(f.ends_with("</math>"), "{f}");
            assert_eq!(f.matches("<math").count(), 1, "{f}");
        }
    }

    #[test]
    fn paragraphs_use_inline_math_only() {
        for tr in paragraphs() {
            for text in [tr.en, tr.zh] {
                assert!(!text.contains("display=\"block\""), "{text}");
            }
        }
    }

    #[test]
    fn markup_is_balanced_and_escaped() {
        for tr in paragraphs() {
            for text in [tr.en, tr.zh] {
                check_markup(text).unwrap();
            }
        }
        for f in formulas() {
            check_markup(f).unwrap();
        }
        assert!(check_markup("<em>a</strong>").is_err());
        assert!(check_markup("<em>a").is_err());
        assert!(check_markup("a & b").is_err());
        assert!(check_markup(r#"<mspace width="1em"/><mi>x</mi>"#).is_ok());
    }

    #[test]
    fn plain_texts_carry_no_markup() {
        let mut plain = vec![TITLE, SUBTITLE];
        for section in SECTIONS {
            plain.push(section.title);
            for block in section.blocks {
                match *block {
                    Block::Widget { caption, .. } => plain.push(caption),
                    Block::Compare { left, right } => plain.extend([left.0, right.0]),
                    Block::PlaygroundLink(tr) => plain.push(tr),
                    _ => {}
                }
            }
        }
        for tr in plain {
            for text in [tr.en, tr.zh] {
                assert!(!text.contains(['<', '>', '&']), "{text}");
            }
        }
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn the_numbers_the_prose_quotes_are_the_engines() {
        // Neuron, one input: 2·1 − 1 = 1; at w = 1 the output is 0.
        assert_eq!(
            explain::neuron(&[2.0], -1.0, Activation::Linear, &[1.0]).1,
            1.0
        );
        assert_eq!(
            explain::neuron(&[1.0], -1.0, Activation::Linear, &[1.0]).1,
            0.0
        );
        // Sigmoid at 4 and 6, and the slopes at 0.
        let (y, d) = explain::activation(Activation::Sigmoid, 4.0);
        assert!(close(y, 0.98, 0.005) && close(d, 0.018, 0.0005), "{y} {d}");
        let (_, d) = explain::activation(Activation::Sigmoid, 6.0);
        assert!(close(d, 0.0025, 0.00005), "{d}");
        assert!(close(
            explain::activation(Activation::Sigmoid, 0.0).1,
            0.25,
            1e-12
        ));
        assert!(close(
            explain::activation(Activation::Tanh, 0.0).1,
            1.0,
            1e-12
        ));
        // ReLU at −2 is dead; leaky ReLU keeps a slope of 0.2.
        assert_eq!(explain::activation(Activation::Relu, -2.0), (0.0, 0.0));
        assert!(close(
            explain::activation(Activation::LeakyRelu, -2.0).1,
            0.2,
            1e-12
        ));
        // MSE of 2.5 against 3.
        let (l, g) = explain::loss(Loss::MeanSquaredError, &[3.0], &[2.5]);
        assert!(
            close(l, 0.25, 1e-12) && close(g[0], -1.0, 1e-12),
            "{l} {g:?}"
        );
        // Categorical cross-entropy of (0.2, 0.7, 0.1) against (0, 1, 0).
        let (l, g) = explain::loss(
            Loss::CategoricalCrossentropy,
            &[0.0, 1.0, 0.0],
            &[0.2, 0.7, 0.1],
        );
        assert!(close(l, 0.36, 0.005), "{l}");
        assert!(close(g[0], 1.0, 1e-9) && close(g[2], 1.0, 1e-9), "{g:?}");
        assert!(close(g[1], -0.43, 0.005), "{g:?}");
        // Confidently wrong: p = 0.01 for the true class.
        let (l, g) = explain::loss(
            Loss::CategoricalCrossentropy,
            &[0.0, 1.0, 0.0],
            &[0.5, 0.01, 0.49],
        );
        assert!(close(l, 4.6, 0.01) && close(g[1], -99.0, 1e-6), "{l} {g:?}");
        // Uniform guessing over ten digits.
        let (l, _) = explain::loss(Loss::CategoricalCrossentropy, &[0.1; 10], &[0.1; 10]);
        let (l_one, _) = explain::loss(
            Loss::CategoricalCrossentropy,
            &[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            &[0.1; 10],
        );
        assert!(
            close(l, 2.30, 0.005) && close(l_one, 2.30, 0.005),
            "{l} {l_one}"
        );
    }

    #[test]
    fn the_worked_backpropagation_example_adds_up() {
        let x = [1.0, 2.0];
        let target = 1.0;
        let forward = |w: [[f64; 2]; 2], b: [f64; 2], v: [f64; 2], c: f64| {
            let z = [0, 1].map(|j| w[j][0] * x[0] + w[j][1] * x[1] + b[j]);
            let a = z.map(|z| z.max(0.0));
            let y = v[0] * a[0] + v[1] * a[1] + c;
            (z, a, y, (y - target) * (y - target))
        };
        let (w, b, v, c) = ([[0.5, 0.25], [1.0, -0.25]], [0.0, 0.0], [2.0, -1.0], 0.0);
        let (z, a, y, loss) = forward(w, b, v, c);
        assert_eq!((z, a, y, loss), ([1.0, 0.5], [1.0, 0.5], 1.5, 0.25));
        let delta_out = 2.0 * (y - target);
        assert_eq!(delta_out, 1.0);
        let grad_v = a.map(|a| delta_out * a);
        assert_eq!(grad_v, [1.0, 0.5]);
        let delta = [0, 1].map(|j| if z[j] > 0.0 { v[j] * delta_out } else { 0.0 });
        assert_eq!(delta, [2.0, -1.0]);
        let grad_w = delta.map(|d| x.map(|x| d * x));
        assert_eq!(grad_w, [[2.0, 4.0], [-1.0, -2.0]]);
        let eta = 0.01;
        let w2 = [0, 1].map(|j| [0, 1].map(|k| w[j][k] - eta * grad_w[j][k]));
        let b2 = [0, 1].map(|j| b[j] - eta * delta[j]);
        let v2 = [0, 1].map(|j| v[j] - eta * grad_v[j]);
        let (_, _, y2, loss2) = forward(w2, b2, v2, c - eta * delta_out);
        assert!(
            close(y2, 1.18, 0.005) && close(loss2, 0.03, 0.005),
            "{y2} {loss2}"
        );
        // The MNIST model's size and steps, as quoted.
        assert_eq!(784 * 128 + 128 + 128 * 10 + 10, 101_770);
        assert_eq!(60_000 / 32 * 5, 9_375);
    }

    #[test]
    fn the_compared_listings_are_the_seed_program() {
        let compares: Vec<_> = blocks()
            .filter_map(|b| match *b {
                Block::Compare { left, right } => Some((left, right)),
                _ => None,
            })
            .collect();
        assert_eq!(compares.len(), 1);
        let (left, right) = compares[0];
        assert_eq!((left.1, left.2), ("python", SEED_KERAS));
        assert!(SEED_KERAS.contains(r#"keras.layers.Dense(128, activation="relu")"#));
        assert_eq!(right.1, "json");
        // The right side is two JSON documents, each under a comment line.
        let documents: Vec<String> = right
            .2
            .split("\n\n")
            .map(|part| {
                part.lines()
                    .filter(|line| !line.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        assert_eq!(documents.len(), 2);
        assert_eq!(
            ModelSpec::from_json(&documents[0]).unwrap(),
            ModelSpec::seed_mlp()
        );
        let training: TrainConfig = serde_json::from_str(&documents[1]).unwrap();
        assert_eq!(training, TrainConfig::default());
    }

    #[test]
    fn the_article_ends_with_the_playground_link() {
        let links: Vec<_> = blocks()
            .filter(|b| matches!(b, Block::PlaygroundLink(_)))
            .collect();
        assert_eq!(links.len(), 1);
        let mnist = SECTIONS.last().unwrap();
        assert!(matches!(
            mnist.blocks.last(),
            Some(Block::PlaygroundLink(_))
        ));
    }
}
