//! The `layers` value of a link: every [`LayerSpec`] the engine has, written as Keras names its
//! layers, with the arguments a learner varies first and the others named.
//!
//! | layer | form | the engine's layer |
//! |---|---|---|
//! | flatten | `flatten` | [`LayerSpec::Flatten`] |
//! | dense | `dense(UNITS[,ACTIVATION][,init=INIT])` | [`LayerSpec::Dense`] |
//! | activation | `activation(ACTIVATION)` | [`LayerSpec::Activation`] |
//! | dropout | `dropout(RATE)` | [`LayerSpec::Dropout`] |
//! | convolution | `conv2d(FILTERS,KERNEL[,ACTIVATION][,strides=S][,padding=same][,init=INIT])` | [`LayerSpec::Conv2d`] |
//! | max pooling | `maxpool2d[(SIZE][,strides=S][,padding=same][)]` | [`LayerSpec::MaxPooling2d`] |
//! | average pooling | `avgpool2d[(SIZE][,strides=S][,padding=same][)]` | [`LayerSpec::AveragePooling2d`] |
//! | global average pooling | `globalavgpool2d` | [`LayerSpec::GlobalAveragePooling2d`] |
//! | reshape | `reshape(SIZES)` | [`LayerSpec::Reshape`] |
//!
//! `ACTIVATION` is `linear` (the default), `relu`, `leaky_relu`, `sigmoid`, `tanh` or
//! `softmax`; `INIT` is `glorot_uniform` (the default), `he_uniform`, `zeros` or `playground`;
//! `KERNEL`, `SIZE` and `S` are one size (`3` for 3×3) or two (`3x5`); padding is `valid` (the
//! default) or `same`; a pooling's window is 2×2 and its strides its window's unless written.
//! A value at its default is left out when written.

use neurite::layers::Init;
use neurite::layers::window::Padding;
use neurite::spec::{MAX_LAYERS, Pair};
use neurite::{Activation, Error, LayerSpec, Reason, TargetShape};

use super::refusal::LinkReason;
use super::values::{number, number_text, pair, pair_text, shape, shape_text, whole};
use crate::widgets::value::shorten;

/// The layers' names in a link.
pub const LAYERS: &[&str] = &[
    "flatten",
    "dense",
    "activation",
    "dropout",
    "conv2d",
    "maxpool2d",
    "avgpool2d",
    "globalavgpool2d",
    "reshape",
];

/// The activations' names ([`Activation::name`]).
pub const ACTIVATIONS: &[&str] = &["linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"];

/// Every initialiser, with its name in a link (its name in a model file's JSON).
pub const INITS: [(Init, &str); 4] = [
    (Init::GlorotUniform, "glorot_uniform"),
    (Init::HeUniform, "he_uniform"),
    (Init::Zeros, "zeros"),
    (Init::Playground, "playground"),
];

/// How each layer is written, for the message that refuses one written otherwise.
fn form(name: &str) -> &'static str {
    match name {
        "dense" => "dense(UNITS[,ACTIVATION][,init=INIT])",
        "activation" => "activation(ACTIVATION)",
        "dropout" => "dropout(RATE)",
        "conv2d" => "conv2d(FILTERS,KERNEL[,ACTIVATION][,strides=S][,padding=same][,init=INIT])",
        // In the grammar's own notation, so that a message in either language reads it.
        "maxpool2d" => "maxpool2d[(SIZE[,strides=S][,padding=same])]",
        "avgpool2d" => "avgpool2d[(SIZE[,strides=S][,padding=same])]",
        "reshape" => "reshape(SIZES: 28x28x1)",
        "globalavgpool2d" => "globalavgpool2d",
        _ => "flatten",
    }
}

/// A layer's arguments: the positional ones in order, then the named ones.
struct Args<'a> {
    positional: Vec<&'a str>,
    named: Vec<(&'a str, &'a str)>,
}

impl<'a> Args<'a> {
    fn split(inner: &'a str) -> Self {
        let mut args = Args {
            positional: Vec::new(),
            named: Vec::new(),
        };
        if inner.trim().is_empty() {
            return args;
        }
        for arg in inner.split(',') {
            match arg.split_once('=') {
                Some((name, value)) => args.named.push((name.trim(), value.trim())),
                None => args.positional.push(arg.trim()),
            }
        }
        args
    }

    /// Whether there are `positional` arguments in number (a range) and named ones of
    /// `names` only.
    fn fit(&self, positional: std::ops::RangeInclusive<usize>, names: &[&str]) -> bool {
        positional.contains(&self.positional.len())
            && self.named.iter().all(|(name, _)| names.contains(name))
    }

    /// The last value named `name`.
    fn named(&self, name: &str) -> Option<&'a str> {
        self.named
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

/// Reads a link's layers: at most [`MAX_LAYERS`] of them (more are refused before any is
/// read), the first one written wrongly refusing the list.
pub fn read_layers(text: &str) -> Result<Vec<LayerSpec>, LinkReason> {
    let terms = split_terms(text);
    if terms.len() > MAX_LAYERS {
        return Err(LinkReason::Engine(Error::invalid(
            "layers",
            Reason::TooManyLayers {
                got: terms.len(),
                max: MAX_LAYERS,
            },
        )));
    }
    terms
        .iter()
        .enumerate()
        .map(|(index, term)| read_layer(index, term))
        .collect()
}

/// The list's terms: split at the commas outside parentheses (a comma inside separates a
/// layer's arguments).
fn split_terms(text: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, byte) in text.bytes().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                terms.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&text[start..]);
    terms
}

fn read_layer(index: usize, term: &str) -> Result<LayerSpec, LinkReason> {
    let term = term.trim();
    let (name, inner) = match term.split_once('(') {
        None => (term, None),
        Some((name, rest)) => (name.trim(), Some(rest)),
    };
    let Some(name) = LAYERS.iter().copied().find(|n| *n == name) else {
        return Err(LinkReason::UnknownLayer {
            index,
            got: shorten(term),
        });
    };
    let refused = || LinkReason::LayerForm {
        index,
        got: shorten(term),
        form: form(name),
    };
    let inner = match inner {
        None => "",
        // One pair of parentheses, closing the term.
        Some(rest) => rest
            .strip_suffix(')')
            .filter(|inner| !inner.contains(['(', ')']))
            .ok_or_else(refused)?,
    };
    read_arguments(name, &Args::split(inner)).ok_or_else(refused)
}

/// The layer `name` with `args`, if they are its own.
fn read_arguments(name: &str, args: &Args) -> Option<LayerSpec> {
    let p = &args.positional;
    let padding = |args: &Args| match args.named("padding") {
        None | Some("valid") => Some(Padding::Valid),
        Some("same") => Some(Padding::Same),
        Some(_) => None,
    };
    let init = |args: &Args| match args.named("init") {
        None => Some(Init::GlorotUniform),
        Some(name) => INITS.into_iter().find(|(_, n)| *n == name).map(|(i, _)| i),
    };
    let activation = |text: Option<&&str>| match text {
        None => Some(Activation::Linear),
        Some(name) => Activation::ALL.into_iter().find(|a| a.name() == *name),
    };
    Some(match name {
        "flatten" if args.fit(0..=0, &[]) => LayerSpec::Flatten,
        "globalavgpool2d" if args.fit(0..=0, &[]) => LayerSpec::GlobalAveragePooling2d,
        "dense" if args.fit(1..=2, &["init"]) => LayerSpec::Dense {
            units: whole(p[0]).ok()?,
            activation: activation(p.get(1))?,
            init: init(args)?,
        },
        "activation" if args.fit(1..=1, &[]) => LayerSpec::Activation {
            activation: activation(p.first())?,
        },
        "dropout" if args.fit(1..=1, &[]) => LayerSpec::Dropout {
            rate: number(p[0]).ok()?,
        },
        "conv2d" if args.fit(2..=3, &["strides", "padding", "init"]) => LayerSpec::Conv2d {
            filters: whole(p[0]).ok()?,
            kernel_size: pair(p[1])?,
            strides: args.named("strides").map_or(Some(Pair::square(1)), pair)?,
            padding: padding(args)?,
            activation: activation(p.get(2))?,
            init: init(args)?,
        },
        "maxpool2d" | "avgpool2d" if args.fit(0..=1, &["strides", "padding"]) => {
            let pool_size = p.first().map_or(Some(Pair::square(2)), |s| pair(s))?;
            let strides = match args.named("strides") {
                None => None,
                Some(text) => Some(pair(text)?),
            };
            let padding = padding(args)?;
            if name == "maxpool2d" {
                LayerSpec::MaxPooling2d {
                    pool_size,
                    strides,
                    padding,
                }
            } else {
                LayerSpec::AveragePooling2d {
                    pool_size,
                    strides,
                    padding,
                }
            }
        }
        "reshape" if args.fit(1..=1, &[]) => LayerSpec::Reshape {
            target_shape: TargetShape::new(&shape(p[0]).ok()?)?,
        },
        _ => return None,
    })
}

/// The name of `init` in a link.
fn init_name(init: Init) -> &'static str {
    match init {
        Init::GlorotUniform => "glorot_uniform",
        Init::HeUniform => "he_uniform",
        Init::Zeros => "zeros",
        Init::Playground => "playground",
    }
}

/// Writes layers as [`read_layers`] reads them, each value at its default left out.
pub fn write_layers(layers: &[LayerSpec]) -> String {
    layers.iter().map(write_layer).collect::<Vec<_>>().join(",")
}

fn write_layer(layer: &LayerSpec) -> String {
    let mut args: Vec<String> = Vec::new();
    let activation = |args: &mut Vec<String>, activation: Activation| {
        if activation != Activation::Linear {
            args.push(activation.name().into());
        }
    };
    let named = |args: &mut Vec<String>, name: &str, value: String| {
        args.push(format!("{name}={value}"));
    };
    let padded = |args: &mut Vec<String>, padding: Padding| {
        if padding == Padding::Same {
            args.push("padding=same".into());
        }
    };
    let initialised = |args: &mut Vec<String>, init: Init| {
        if init != Init::GlorotUniform {
            named(args, "init", init_name(init).into());
        }
    };
    let name = match *layer {
        LayerSpec::Flatten => "flatten",
        LayerSpec::GlobalAveragePooling2d => "globalavgpool2d",
        LayerSpec::Dense {
            units,
            activation: f,
            init,
        } => {
            args.push(units.to_string());
            activation(&mut args, f);
            initialised(&mut args, init);
            "dense"
        }
        LayerSpec::Activation { activation } => {
            args.push(activation.name().into());
            "activation"
        }
        LayerSpec::Dropout { rate } => {
            args.push(number_text(rate));
            "dropout"
        }
        LayerSpec::Conv2d {
            filters,
            kernel_size,
            strides,
            padding,
            activation: f,
            init,
        } => {
            args.push(filters.to_string());
            args.push(pair_text(kernel_size));
            activation(&mut args, f);
            if strides != Pair::square(1) {
                named(&mut args, "strides", pair_text(strides));
            }
            padded(&mut args, padding);
            initialised(&mut args, init);
            "conv2d"
        }
        LayerSpec::MaxPooling2d {
            pool_size,
            strides,
            padding,
        }
        | LayerSpec::AveragePooling2d {
            pool_size,
            strides,
            padding,
        } => {
            if pool_size != Pair::square(2) || strides.is_some() || padding != Padding::Valid {
                args.push(pair_text(pool_size));
            }
            if let Some(strides) = strides {
                named(&mut args, "strides", pair_text(strides));
            }
            padded(&mut args, padding);
            if matches!(layer, LayerSpec::MaxPooling2d { .. }) {
                "maxpool2d"
            } else {
                "avgpool2d"
            }
        }
        LayerSpec::Reshape { target_shape } => {
            args.push(shape_text(target_shape.sizes()));
            "reshape"
        }
    };
    if args.is_empty() {
        name.into()
    } else {
        format!("{name}({})", args.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neurite::ModelSpec;

    #[test]
    fn the_presets_read_as_keras_writes_them() {
        assert_eq!(
            write_layers(&ModelSpec::seed_mlp().layers),
            "flatten,dense(128,relu),dense(10,softmax)"
        );
        assert_eq!(
            write_layers(&ModelSpec::keras_convnet().layers),
            "conv2d(32,3,relu),maxpool2d,conv2d(64,3,relu),maxpool2d,flatten,dropout(0.5),dense(10,softmax)"
        );
        for model in [
            ModelSpec::seed_mlp(),
            ModelSpec::keras_convnet(),
            ModelSpec::lenet(),
        ] {
            assert_eq!(read_layers(&write_layers(&model.layers)), Ok(model.layers));
        }
    }

    #[test]
    fn every_argument_is_read_named_or_in_its_place() {
        let layers = read_layers(
            " conv2d( 8 , 3x5 , tanh , padding=same , strides=2x1 , init=he_uniform ) ,\
             avgpool2d(3,strides=1),maxpool2d(),globalavgpool2d,reshape(4x2),activation(sigmoid),\
             dropout(1e-1),dense(7,init=zeros)",
        )
        .unwrap();
        assert_eq!(
            layers,
            [
                LayerSpec::Conv2d {
                    filters: 8,
                    kernel_size: Pair([3, 5]),
                    strides: Pair([2, 1]),
                    padding: Padding::Same,
                    activation: Activation::Tanh,
                    init: Init::HeUniform,
                },
                LayerSpec::AveragePooling2d {
                    pool_size: Pair([3, 3]),
                    strides: Some(Pair([1, 1])),
                    padding: Padding::Valid,
                },
                LayerSpec::MaxPooling2d {
                    pool_size: Pair([2, 2]),
                    strides: None,
                    padding: Padding::Valid,
                },
                LayerSpec::GlobalAveragePooling2d,
                LayerSpec::Reshape {
                    target_shape: TargetShape::new(&[4, 2]).unwrap(),
                },
                LayerSpec::Activation {
                    activation: Activation::Sigmoid,
                },
                LayerSpec::Dropout { rate: 0.1 },
                LayerSpec::Dense {
                    units: 7,
                    activation: Activation::Linear,
                    init: Init::Zeros,
                },
            ]
        );
        assert_eq!(read_layers(&write_layers(&layers)), Ok(layers));
    }

    #[test]
    fn a_layer_written_wrongly_is_refused_with_its_place_and_its_form() {
        let refused = |text: &str| read_layers(text).unwrap_err();
        assert_eq!(
            refused("flatten,conv2d(32,foo),dense(10)"),
            LinkReason::LayerForm {
                index: 1,
                got: "conv2d(32,foo)".into(),
                form: form("conv2d"),
            }
        );
        assert_eq!(
            refused("flatten,lstm(64)"),
            LinkReason::UnknownLayer {
                index: 1,
                got: "lstm(64)".into(),
            }
        );
        for bad in [
            "dense",
            "dense()",
            "dense(10,relu,tanh)",
            "dense(10,swish)",
            "dense(10,init=he)",
            "dense(-1)",
            "dense(1.5)",
            "dense(10",
            "dense(10))",
            "dense((10))",
            "flatten(1)",
            "dropout(x)",
            "conv2d(8)",
            "conv2d(8,3,padding=full)",
            "conv2d(8,3,stride=2)",
            "maxpool2d(2,init=zeros)",
            "reshape(1x2x3x4)",
            "reshape()",
            "activation()",
        ] {
            assert!(
                matches!(
                    read_layers(bad),
                    Err(LinkReason::LayerForm { index: 0, .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn more_layers_than_the_engine_allows_are_refused_before_any_is_read() {
        let text = vec!["junk(("; MAX_LAYERS + 1].join(",");
        // The parentheses never close: one term, refused for its form.
        assert!(matches!(
            read_layers(&text),
            Err(LinkReason::UnknownLayer { .. })
        ));
        let text = vec!["nonsense"; 100_000].join(",");
        assert_eq!(
            read_layers(&text),
            Err(LinkReason::Engine(Error::invalid(
                "layers",
                Reason::TooManyLayers {
                    got: 100_000,
                    max: MAX_LAYERS
                }
            )))
        );
    }

    #[test]
    fn initialiser_and_activation_names_are_the_model_files() {
        for (init, name) in INITS {
            assert_eq!(init_name(init), name);
            assert_eq!(serde_json::to_string(&init).unwrap(), format!("\"{name}\""));
        }
        let names: Vec<&str> = Activation::ALL.iter().map(|a| a.name()).collect();
        for name in ACTIVATIONS {
            assert!(names.contains(name), "{name}");
        }
        assert_eq!(names.len(), ACTIVATIONS.len());
    }
}
