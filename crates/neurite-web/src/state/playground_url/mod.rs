//! The MNIST playground's link: its whole configuration in the page's hash, read key by key into
//! the engine's configuration ([`neurite::Config`]) and checked by [`neurite::Config::check`],
//! and written back with every value that is not the seed program's.
//!
//! # Grammar
//!
//! ```text
//! hash   = "#" [ pair *( "&" pair ) ]
//! pair   = key "=" value            ; %XX escapes are decoded in keys and values
//! layers = layer *( "," layer )
//! layer  = name [ "(" [ arg *( "," arg ) ] ")" ]
//! arg    = value | name "=" value    ; positional arguments first
//! pair2  = whole [ "x" whole ]       ; 3 means 3×3
//! sizes  = whole *( "x" whole )      ; one to three sizes: 28x28x1
//! ```
//!
//! | key | value | default |
//! |---|---|---|
//! | `dataset` | `mnist`, `fashion-mnist` | `mnist` |
//! | `input` | the input's `sizes` | `28x28` |
//! | `layers` | the layers, input side first | `flatten,dense(128,relu),dense(10,softmax)` |
//! | `opt` | `sgd`, `adam`, `rmsprop` | `adam` |
//! | `momentum` | SGD's or RMSprop's μ | `0` |
//! | `nesterov` | SGD's Nesterov form: `1` or `0` (`true`, `false`) | `0` |
//! | `beta1`, `beta2` | Adam's β₁, β₂ | `0.9`, `0.999` |
//! | `rho` | RMSprop's ρ | `0.9` |
//! | `eps` | Adam's or RMSprop's ε | `1e-7` |
//! | `lr` | the learning rate | `0.001` |
//! | `batch` | samples per step | `32` |
//! | `epochs` | passes over the training set | `5` |
//! | `l1`, `l2` | the kernels' penalties | `0` |
//! | `loss` | a Keras loss name (`sparse_categorical_crossentropy`, …) | `sparse_categorical_crossentropy` |
//! | `val` | the share of the training set held out for validation | `0` |
//! | `pixels` | `scaled` (to `[0, 1]`) or `raw` (`0`–`255`) | `scaled` |
//! | `subset` | train on the first this-many samples | all |
//! | `seed` | the seed of the first weights, the shuffling and dropout | `42` |
//!
//! The layers (see [`layers`] for each one's arguments): `flatten`, `dense(UNITS[,ACTIVATION]
//! [,init=INIT])`, `activation(ACTIVATION)`, `dropout(RATE)`, `conv2d(FILTERS,KERNEL
//! [,ACTIVATION][,strides=S][,padding=same][,init=INIT])`, `maxpool2d` and `avgpool2d`
//! (`[(SIZE][,strides=S][,padding=same][)]`, 2×2 by default), `globalavgpool2d`,
//! `reshape(SIZES)`. Numbers are written exactly, plain from 0.0001 up (`0.001`) and in
//! scientific notation below (`1e-7`); a link may write them any way `f64` parses.
//!
//! # Reading
//!
//! [`read_link`] starts from the seed program ([`neurite::Config::default`]). A key without a
//! value (or without `=`) keeps its default, and the last of repeated keys counts. Each key is then
//! applied in the table's order (the model before the training, the optimizer before its
//! constants) and checked with the keys before it by the engine's check: a value that does not
//! parse, or that the engine refuses on the key's own field (and does not refuse without it),
//! is refused with a [`LinkRefusal`] and the key keeps its default; an unknown key is refused
//! too. What is left is checked as a whole: a configuration the engine still refuses (training
//! that would not fit in memory, say) is refused with the engine's message and the seed
//! program kept. At most [`MAX_REFUSALS`] refusals are kept (the others are counted), every
//! quoted text is shortened, and the work is linear in the link's length.
//!
//! What the MNIST playground's controls can show of a configuration read is [`controls`]'s
//! ([`open_link`]): the parser reads every configuration the engine has, the controls hold
//! fewer.
//!
//! # Writing
//!
//! [`write_link`] writes the keys in the table's order, leaving out every value equal to its
//! default: the seed program's link is empty, the page's address without a hash.

pub mod controls;
mod escape;
mod keys;
pub mod layers;
mod read;
mod refusal;
mod values;
mod write;

pub use controls::{OpenedLink, open_link};
pub use keys::{DATASETS, KEYS, Key, LOSSES, OPTIMIZERS, PIXELS};
pub use read::{ReadLink, read_link};
pub(crate) use refusal::Refusals;
pub use refusal::{LinkReason, LinkRefusal, MAX_REFUSALS};
pub use write::write_link;

#[cfg(test)]
mod tests;
