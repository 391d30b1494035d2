//! What a change of the playground's controls does to the run in the worker, as a pure
//! function of the checked controls, the run the worker confirmed, its phase and whether its
//! model holds something to keep — so that the rule is tested natively and the page only
//! carries it out.
//!
//! Nothing trained is replaced without asking. The learning rate and the batch size apply to
//! the current run at once (mid-run too); other training settings (epochs, optimizer, L2,
//! seed, subset) apply to the current model, keeping its weights, once it has trained or when
//! it was loaded from a file or a stored run. A change of architecture, pixel mode or dataset
//! needs a new model: it is built at once only while there is nothing to lose, and otherwise waits for
//! Reset (whose replacement can be undone from the stored run).

use neurite::Config;

use crate::draft::Draft;
use crate::protocol::Phase;

/// What to do with the worker's run after the controls changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// The controls describe the run there is.
    Nothing,
    /// Build this model and run (nothing trained would be lost).
    Configure(Config),
    /// Keep the run and change these (each `Some` differs from the run's).
    Adjust {
        /// A new learning rate.
        learning_rate: Option<f64>,
        /// A new batch size.
        batch_size: Option<usize>,
    },
    /// Keep the model and its weights, and train it on under these settings.
    Retune(neurite::TrainConfig),
    /// The change needs a new model, and the current one holds something to keep: wait for
    /// Reset.
    NeedsReset,
}

/// `running` with the live hyperparameters (learning rate, batch size) of `wanted`.
fn with_live_settings(running: &Config, wanted: &Config) -> Config {
    let mut same_run = running.clone();
    same_run.training.learning_rate = wanted.training.learning_rate;
    same_run.training.batch_size = wanted.training.batch_size;
    same_run
}

/// Whether `wanted` describes `running`'s model: its architecture, the pixels it reads and the
/// dataset it learns (whose classes its outputs are).
fn describes_model(wanted: &Config, running: &Config) -> bool {
    running.model == wanted.model
        && running.training.pixels == wanted.training.pixels
        && running.training.dataset == wanted.training.dataset
}

/// The plan for controls that check as `wanted`, given the run the worker confirmed, its
/// phase, and whether its model came from a file or a stored run (`kept`).
pub fn plan(wanted: Config, running: Option<&Config>, phase: Phase, kept: bool) -> Plan {
    let Some(running) = running else {
        return Plan::Configure(wanted);
    };
    if *running == wanted {
        return Plan::Nothing;
    }
    let nothing_to_lose = phase == Phase::Idle && !kept;
    let same_model = describes_model(&wanted, running);
    if !same_model {
        return if nothing_to_lose {
            Plan::Configure(wanted)
        } else {
            Plan::NeedsReset
        };
    }
    let live = !matches!(phase, Phase::Finished | Phase::Diverged);
    if with_live_settings(running, &wanted) == wanted && live {
        let (now, next) = (&running.training, &wanted.training);
        Plan::Adjust {
            learning_rate: (now.learning_rate != next.learning_rate).then_some(next.learning_rate),
            batch_size: (now.batch_size != next.batch_size).then_some(next.batch_size),
        }
    } else if nothing_to_lose {
        // A fresh model is drawn again (its seed draws its weights).
        Plan::Configure(wanted)
    } else {
        Plan::Retune(wanted.training)
    }
}

/// Whether the controls describe a model that only Reset can build (the current one holds
/// something to keep).
pub fn needs_reset(wanted: &Config, running: Option<&Config>, phase: Phase, kept: bool) -> bool {
    plan(wanted.clone(), running, phase, kept) == Plan::NeedsReset
}

/// The controls after the worker built a model from `config`: unchanged when they describe
/// that model, else `config`'s own — all of it for a model loaded from a file or a stored run
/// (`kept`), whose configuration the form must show as it is.
pub fn draft_after_configured(draft: &Draft, config: &Config, kept: bool) -> Option<Draft> {
    let shown = draft.check().ok();
    let describes = shown.is_some_and(|checked| {
        if kept {
            *checked == *config
        } else {
            describes_model(&checked, config)
        }
    });
    (!describes).then(|| Draft::from_config(config))
}

/// Whether a model built from `config` answers an older request than the last configuration
/// the page sent (`last_sent`): the learner changed the controls since (while the worker was
/// busy loading data, say), a newer model is on its way, and the controls must not go back to
/// this one. A model loaded from a file or a stored run (`kept`) answers no such request.
pub fn answers_an_older_request(config: &Config, kept: bool, last_sent: Option<&Config>) -> bool {
    !kept && last_sent.is_some_and(|sent| sent != config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Config {
        Config::default()
    }

    fn with(change: impl FnOnce(&mut Config)) -> Config {
        let mut config = seed();
        change(&mut config);
        config
    }

    #[test]
    fn a_first_configuration_is_sent_and_an_unchanged_one_is_not() {
        assert_eq!(
            plan(seed(), None, Phase::Idle, false),
            Plan::Configure(seed())
        );
        assert_eq!(
            plan(seed(), Some(&seed()), Phase::Running, false),
            Plan::Nothing
        );
    }

    #[test]
    fn learning_rate_and_batch_size_apply_to_the_current_run() {
        let faster = with(|c| c.training.learning_rate = 0.01);
        for (phase, kept) in [
            (Phase::Idle, false),
            (Phase::Idle, true),
            (Phase::Running, false),
            (Phase::Paused, true),
        ] {
            assert_eq!(
                plan(faster.clone(), Some(&seed()), phase, kept),
                Plan::Adjust {
                    learning_rate: Some(0.01),
                    batch_size: None
                },
                "{phase:?}"
            );
        }
        let both = with(|c| {
            c.training.learning_rate = 0.01;
            c.training.batch_size = 128;
        });
        assert_eq!(
            plan(both.clone(), Some(&seed()), Phase::Running, false),
            Plan::Adjust {
                learning_rate: Some(0.01),
                batch_size: Some(128)
            }
        );
        assert!(!needs_reset(&both, Some(&seed()), Phase::Running, false));
    }

    #[test]
    fn training_settings_redraw_a_fresh_model_and_apply_to_one_worth_keeping() {
        let reseeded = with(|c| {
            c.training.seed = 7;
            c.training.epochs = 9;
        });
        assert_eq!(
            plan(reseeded.clone(), Some(&seed()), Phase::Idle, false),
            Plan::Configure(reseeded.clone())
        );
        // A loaded file, or any run that has trained, keeps its weights.
        for (phase, kept) in [
            (Phase::Idle, true),
            (Phase::Running, false),
            (Phase::Paused, false),
            (Phase::Finished, false),
            (Phase::Diverged, true),
        ] {
            assert_eq!(
                plan(reseeded.clone(), Some(&seed()), phase, kept),
                Plan::Retune(reseeded.training.clone()),
                "{phase:?} {kept}"
            );
            assert!(!needs_reset(&reseeded, Some(&seed()), phase, kept));
        }
        // A finished run takes a new learning rate as a retune (it may then go on).
        let faster = with(|c| c.training.learning_rate = 0.01);
        assert_eq!(
            plan(faster.clone(), Some(&seed()), Phase::Finished, false),
            Plan::Retune(faster.training)
        );
    }

    #[test]
    fn a_new_architecture_pixel_mode_or_dataset_waits_for_reset_when_there_is_something_to_keep() {
        let wider = with(|c| {
            if let neurite::LayerSpec::Dense { units, .. } = &mut c.model.layers[1] {
                *units = 256;
            }
        });
        let raw = with(|c| c.training.pixels = neurite::PixelMode::Raw);
        let fashion = with(|c| c.training.dataset = neurite::DatasetKind::FashionMnist);
        for changed in [wider, raw, fashion] {
            assert_eq!(
                plan(changed.clone(), Some(&seed()), Phase::Idle, false),
                Plan::Configure(changed.clone())
            );
            for (phase, kept) in [(Phase::Idle, true), (Phase::Paused, false)] {
                assert_eq!(
                    plan(changed.clone(), Some(&seed()), phase, kept),
                    Plan::NeedsReset
                );
                assert!(needs_reset(&changed, Some(&seed()), phase, kept));
            }
            assert!(!needs_reset(&changed, None, Phase::Idle, false));
        }
    }

    #[test]
    fn the_controls_follow_a_model_built_elsewhere_and_only_then() {
        let draft = Draft::seed_program();
        assert_eq!(draft_after_configured(&draft, &seed(), false), None);
        let mut loaded = seed();
        loaded.model = neurite::ModelSpec::from_json(
            r#"{"input_shape":[28,28],"layers":[{"type":"flatten"},{"type":"dense","units":32,"activation":"tanh","init":"he_uniform"},{"type":"dense","units":10,"activation":"softmax","init":"he_uniform"}]}"#,
        )
        .unwrap();
        loaded.training.pixels = neurite::PixelMode::Raw;
        loaded.training.epochs = 3;
        let shown =
            draft_after_configured(&draft, &loaded, true).expect("the form follows the file");
        assert_eq!(shown.hidden.len(), 1);
        assert_eq!(shown.hidden[0].units, "32");
        assert_eq!(shown.hidden[0].init, neurite::layers::Init::HeUniform);
        // Faithfully: the same configuration, initialisers and pixel mode included, so the
        // form does not ask for a reset of what it shows.
        assert_eq!(*shown.check().unwrap(), loaded);
        assert!(!needs_reset(
            &shown.check().unwrap(),
            Some(&loaded),
            Phase::Idle,
            true
        ));
        assert_eq!(draft_after_configured(&shown, &loaded, true), None);
    }

    #[test]
    fn a_model_asked_for_before_the_last_edit_does_not_take_the_controls_back() {
        let first = seed();
        let wider = with(|c| {
            c.model.layers[1] = neurite::LayerSpec::Dense {
                units: 256,
                activation: neurite::Activation::Relu,
                init: neurite::layers::Init::GlorotUniform,
            }
        });
        // Both sent while the worker was busy: the first answer is an older request's.
        assert!(answers_an_older_request(&first, false, Some(&wider)));
        assert!(!answers_an_older_request(&wider, false, Some(&wider)));
        assert!(!answers_an_older_request(&first, false, None));
        // A loaded model is followed whatever was sent before.
        assert!(!answers_an_older_request(&first, true, Some(&wider)));
        // And the controls would have gone back without the rule.
        let controls = Draft::from_config(&wider);
        assert!(draft_after_configured(&controls, &first, false).is_some());
    }
}
