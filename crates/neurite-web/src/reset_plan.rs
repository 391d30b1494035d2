//! What a change of the playground's controls does to the run in the worker, as a pure
//! function of the checked controls, the run the worker confirmed and its phase — so that the
//! rule is tested natively and the page only carries it out.
//!
//! The learning rate and the batch size apply to the current run at once (mid-run too, and to
//! a loaded model); anything else makes a fresh model, which is only sent while nothing has
//! been trained, and otherwise waits for Reset.

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
    /// The change needs a new model, and the run has trained: wait for Reset.
    NeedsReset,
}

/// `running` with the live hyperparameters (learning rate, batch size) of `wanted`.
fn with_live_settings(running: &Config, wanted: &Config) -> Config {
    let mut same_run = running.clone();
    same_run.training.learning_rate = wanted.training.learning_rate;
    same_run.training.batch_size = wanted.training.batch_size;
    same_run
}

/// The plan for controls that check as `wanted`, given the run the worker confirmed.
pub fn plan(wanted: Config, running: Option<&Config>, phase: Phase) -> Plan {
    let Some(running) = running else {
        return Plan::Configure(wanted);
    };
    if *running == wanted {
        return Plan::Nothing;
    }
    let live = !matches!(phase, Phase::Finished | Phase::Diverged);
    if with_live_settings(running, &wanted) == wanted && live {
        let (now, next) = (&running.training, &wanted.training);
        Plan::Adjust {
            learning_rate: (now.learning_rate != next.learning_rate).then_some(next.learning_rate),
            batch_size: (now.batch_size != next.batch_size).then_some(next.batch_size),
        }
    } else if phase == Phase::Idle {
        Plan::Configure(wanted)
    } else {
        Plan::NeedsReset
    }
}

/// Whether the controls describe another model or run than the worker's, beyond what applies
/// mid-run (the learning rate and the batch size).
pub fn needs_reset(wanted: &Config, running: Option<&Config>) -> bool {
    running.is_some_and(|running| with_live_settings(running, wanted) != *wanted)
}

/// The controls after the worker built a model from `config`: unchanged when they describe that
/// model, else `config`'s own (a loaded model file, say, whose architecture the form must show).
pub fn draft_after_configured(draft: &Draft, config: &Config) -> Option<Draft> {
    let same_model = draft
        .check()
        .is_ok_and(|checked| checked.model == config.model);
    (!same_model).then(|| Draft::from_config(config))
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
        assert_eq!(plan(seed(), None, Phase::Idle), Plan::Configure(seed()));
        assert_eq!(plan(seed(), Some(&seed()), Phase::Running), Plan::Nothing);
    }

    #[test]
    fn learning_rate_and_batch_size_apply_to_the_current_run() {
        let faster = with(|c| c.training.learning_rate = 0.01);
        for phase in [Phase::Idle, Phase::Running, Phase::Paused] {
            assert_eq!(
                plan(faster.clone(), Some(&seed()), phase),
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
            plan(both.clone(), Some(&seed()), Phase::Running),
            Plan::Adjust {
                learning_rate: Some(0.01),
                batch_size: Some(128)
            }
        );
        assert!(!needs_reset(&both, Some(&seed())));
    }

    #[test]
    fn other_changes_rebuild_an_untrained_model_and_wait_for_reset_otherwise() {
        let wider = with(|c| c.training.seed = 7);
        assert_eq!(
            plan(wider.clone(), Some(&seed()), Phase::Idle),
            Plan::Configure(wider.clone())
        );
        for phase in [
            Phase::Running,
            Phase::Paused,
            Phase::Finished,
            Phase::Diverged,
        ] {
            assert_eq!(
                plan(wider.clone(), Some(&seed()), phase),
                Plan::NeedsReset,
                "{phase:?}"
            );
        }
        assert!(needs_reset(&wider, Some(&seed())));
        assert!(!needs_reset(&wider, None));
    }

    #[test]
    fn the_controls_follow_a_model_built_elsewhere_and_only_then() {
        let draft = Draft::seed_program();
        assert_eq!(draft_after_configured(&draft, &seed()), None);
        let mut loaded = seed();
        loaded.model = neurite::ModelSpec::from_json(
            r#"{"input_shape":[28,28],"layers":[{"type":"flatten"},{"type":"dense","units":32,"activation":"tanh"},{"type":"dense","units":10,"activation":"softmax"}]}"#,
        )
        .unwrap();
        let shown = draft_after_configured(&draft, &loaded).expect("the form follows the file");
        assert_eq!(shown.hidden.len(), 1);
        assert_eq!(shown.hidden[0].units, "32");
        assert_eq!(shown.check().unwrap().model, loaded.model);
    }

    #[test]
    fn a_finished_or_diverged_run_takes_no_live_change() {
        let faster = with(|c| c.training.learning_rate = 0.01);
        for phase in [Phase::Finished, Phase::Diverged] {
            assert_eq!(plan(faster.clone(), Some(&seed()), phase), Plan::NeedsReset);
        }
    }
}
