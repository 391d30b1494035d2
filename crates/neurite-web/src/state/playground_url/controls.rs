//! What the MNIST playground's controls show of a link: the checked configuration
//! [`super::read_link`] gives, as a [`Draft`] — and a refusal for each part the controls cannot
//! hold, which keeps its default.
//!
//! The controls hold a model of convolution blocks (each optionally pooled), a flatten layer
//! with optional dropout, hidden dense layers of up to [`crate::draft::MAX_HIDDEN_UNITS`] units
//! each with optional dropout, and the 10-way softmax output, on the 28×28 images; the
//! training settings but the L1 penalty, the loss and the validation split (the seed program's
//! are used). A configuration is held when the draft that shows it checks to that
//! configuration again, so that the link, the controls and the run agree.

use neurite::{Config, ModelSpec};

use super::{Key, LinkReason, LinkRefusal, Refusals, read_link};
use crate::draft::Draft;

/// The input shapes of the 28×28 images the playground trains on.
pub const IMAGE_INPUTS: [&[usize]; 2] = [&[28, 28], &[28, 28, 1]];

/// A link opened in the playground: the controls it sets, and what was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedLink {
    /// The controls: the seed program's, with every value of the link they can hold.
    pub draft: Draft,
    /// The first [`super::MAX_REFUSALS`] refusals: the link's, then the controls'.
    pub refusals: Vec<LinkRefusal>,
    /// Refusals past those.
    pub more_refusals: usize,
}

/// Opens a link (its hash, with or without `#`, or a whole address) in the playground's
/// controls.
pub fn open_link(link: &str) -> OpenedLink {
    let read = read_link(link);
    let mut refusals = Refusals::default();
    refusals.extend(read.refusals, read.more_refusals);
    let config = held(read.config.into_inner(), &mut refusals);
    let (refusals, more_refusals) = refusals.into_parts();
    OpenedLink {
        draft: Draft::from_config(&config),
        refusals,
        more_refusals,
    }
}

/// Whether the controls show `config` as it is.
pub fn holds(config: &Config) -> bool {
    Draft::from_config(config)
        .check()
        .is_ok_and(|shown| *shown == *config)
}

/// `config` with what the controls cannot hold at its default, each part refused.
fn held(mut config: Config, refusals: &mut Refusals) -> Config {
    let mut refuse = |key: Key, reason| refusals.push(LinkRefusal::at(key.name(), reason));
    let default = Config::default();
    let (t, d) = (&mut config.training, &default.training);
    let without_control = [
        (Key::L1, t.l1 != d.l1),
        (Key::Loss, t.loss != d.loss),
        (
            Key::ValidationSplit,
            t.validation_split != d.validation_split,
        ),
    ];
    for (key, _) in without_control.into_iter().filter(|(_, set)| *set) {
        refuse(key, LinkReason::NoControl);
    }
    (t.l1, t.loss, t.validation_split) = (d.l1, d.loss, d.validation_split);

    let input = &config.model.input_shape;
    if !IMAGE_INPUTS.contains(&input.as_slice()) {
        refuse(Key::Input, LinkReason::NotTheImages { got: input.clone() });
        config.model.input_shape = default.model.input_shape.clone();
    }
    match Draft::from_config(&config).check() {
        Ok(shown) if shown.model == config.model => {}
        Ok(_) => {
            refuse(Key::Layers, LinkReason::ModelNotInControls);
            config.model = ModelSpec::seed_mlp();
        }
        Err(refusal) => {
            refuse(Key::Layers, LinkReason::Controls(refusal));
            config.model = ModelSpec::seed_mlp();
        }
    }
    // The SGD entry of the controls has no momentum, and so no Nesterov form: what is left
    // that the draft can change.
    if let Ok(shown) = Draft::from_config(&config).check()
        && shown.training.optimizer != config.training.optimizer
    {
        refuse(Key::Nesterov, LinkReason::NoControl);
        config.training.optimizer = shown.training.optimizer;
    }
    match Draft::from_config(&config).check() {
        Ok(shown) if *shown == config => config,
        // Not met: every part the draft changes is put right above.
        Ok(_) => {
            refusals.push(LinkRefusal {
                key: None,
                reason: LinkReason::ModelNotInControls,
            });
            Config::default()
        }
        Err(refusal) => {
            refusals.push(LinkRefusal {
                key: None,
                reason: LinkReason::Controls(refusal),
            });
            Config::default()
        }
    }
}
