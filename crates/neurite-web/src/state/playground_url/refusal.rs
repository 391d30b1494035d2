//! Why a value of a link was not used ([`LinkReason`], worded by [`crate::i18n::links`]), and
//! the bounded list of one link's refusals.

use neurite::Error;

use crate::i18n::{Lang, links};
use crate::widgets::value::shorten;

/// Most refusals kept for one link (the others are counted).
pub const MAX_REFUSALS: usize = 20;

/// Why a link's value was not used.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkReason {
    /// The link has a key the playground does not know.
    UnknownKey {
        /// The key, shortened.
        got: String,
    },
    /// Not one of the names allowed.
    UnknownName {
        /// What was given, shortened.
        got: String,
        /// The names allowed.
        choices: &'static [&'static str],
    },
    /// Not a number.
    NotANumber {
        /// What was given, shortened.
        got: String,
    },
    /// Not a whole number (or one too large to read).
    NotAWholeNumber {
        /// What was given, shortened.
        got: String,
    },
    /// Neither `1`/`true` nor `0`/`false`.
    NotAFlag {
        /// What was given, shortened.
        got: String,
    },
    /// Not one to three whole numbers joined by `x`.
    NotSizes {
        /// What was given, shortened.
        got: String,
    },
    /// A constant of another optimizer than the link's.
    NotOfOptimizer {
        /// The link's optimizer.
        optimizer: &'static str,
    },
    /// A layer of a kind the engine does not have.
    UnknownLayer {
        /// Its place in the list, from 0.
        index: usize,
        /// What was written, shortened.
        got: String,
    },
    /// A layer written otherwise than its form.
    LayerForm {
        /// Its place in the list, from 0.
        index: usize,
        /// What was written, shortened.
        got: String,
        /// How that layer is written.
        form: &'static str,
    },
    /// The engine refused the value (a range), or the whole configuration.
    Engine(Error),
    /// The MNIST playground's images are 28×28: an input of another shape is refused.
    NotTheImages {
        /// The input shape given.
        got: Vec<usize>,
    },
    /// A model the playground's controls cannot show (a layer they do not build).
    ModelNotInControls,
    /// A setting the playground has no control for, not at its default.
    NoControl,
    /// The playground's controls refused the model (they offer narrower layers than the
    /// engine).
    Controls(crate::draft::Refusal),
}

/// A value of a link not used: its key (none for the link as a whole), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRefusal {
    /// The key as the link writes it (shortened), or `None` for the whole link.
    pub key: Option<String>,
    /// Why.
    pub reason: LinkReason,
}

impl LinkRefusal {
    /// A refusal of `key`'s value.
    pub fn at(key: &str, reason: LinkReason) -> Self {
        LinkRefusal {
            key: Some(shorten(key)),
            reason,
        }
    }

    /// The message a learner reads, in `lang`: `lr: must be a number above 0 …` /
    /// `lr（学习率）：…`.
    pub fn message(&self, lang: Lang) -> String {
        links::refusal(self, lang)
    }
}

/// Refusals, at most [`MAX_REFUSALS`] of them kept and the rest counted.
#[derive(Debug, Default)]
pub(crate) struct Refusals {
    kept: Vec<LinkRefusal>,
    more: usize,
}

impl Refusals {
    pub(crate) fn push(&mut self, refusal: LinkRefusal) {
        if self.kept.len() < MAX_REFUSALS {
            self.kept.push(refusal);
        } else {
            self.more += 1;
        }
    }

    /// Adds the refusals of an earlier list: `kept` in order, and `more` counted.
    pub(crate) fn extend(&mut self, kept: Vec<LinkRefusal>, more: usize) {
        for refusal in kept {
            self.push(refusal);
        }
        self.more += more;
    }

    pub(crate) fn into_parts(self) -> (Vec<LinkRefusal>, usize) {
        (self.kept, self.more)
    }
}
