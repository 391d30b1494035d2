//! Stored runs: [`SavedRun`], what the page keeps of a run beside its checkpoint file (name,
//! configuration, curves), and [`Autosave`], which stored run each of the worker's runs is
//! written to — a pure reducer of the worker's replies, so that the rule is tested natively.
//!
//! A run the learner starts gets a stored run of its own at its first checkpoint; a run
//! continued from a stored one ([`FromWorker::Configured`] with `resumed`) goes on writing to
//! it. When a run that has a checkpoint is replaced, [`Autosave::on_configured`] says so, so
//! the page can offer to bring it back.

use neurite::Config;
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::protocol::{FromWorker, Resumed};
use crate::state::run::Curves;

/// A stored run, without its checkpoint file (stored beside it under the same id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    /// The store's key.
    pub id: String,
    /// The learner's name for it.
    pub name: String,
    /// When it was last written, in milliseconds since 1970.
    pub saved_at_ms: f64,
    /// The configuration in force.
    pub config: Config,
    /// Optimizer steps taken.
    pub steps: u64,
    /// Epochs completed.
    pub epochs_done: usize,
    /// What the page drew of it.
    pub curves: Curves,
}

impl SavedRun {
    /// A name for a new run: its layer widths and optimizer, e.g. `784-128-10 adam`, after the
    /// dataset's name when it is not MNIST (`Fashion-MNIST 784-128-10 adam`).
    pub fn default_name(config: &Config) -> String {
        let mut widths = vec![config.model.input_shape.iter().product::<usize>()];
        widths.extend(config.model.layers.iter().filter_map(|l| match l {
            neurite::LayerSpec::Dense { units, .. } => Some(*units),
            _ => None,
        }));
        let widths: Vec<String> = widths.iter().map(usize::to_string).collect();
        let name = format!("{} {}", widths.join("-"), config.training.optimizer.name());
        match config.training.dataset {
            neurite::DatasetKind::Mnist => name,
            other => format!("{} {name}", other.title()),
        }
    }

    /// The latest test accuracy drawn, if an epoch has ended.
    pub fn test_accuracy(&self) -> Option<f64> {
        self.curves.last_epoch.as_ref().map(|e| e.test_accuracy)
    }
}

/// Why the store could not keep a run.
#[derive(Debug, Clone, PartialEq)]
pub enum StorageProblem {
    /// The browser offers no IndexedDB here (a private window, a sandboxed frame).
    Unavailable {
        /// The browser's message.
        detail: String,
    },
    /// The store is full: the run was not written, and its previous checkpoint is intact.
    Full,
    /// A read or a write failed.
    Failed {
        /// The browser's message.
        detail: String,
    },
    /// A stored run's record cannot be read (written by another version, or damaged).
    Unreadable {
        /// The stored run's id.
        id: String,
    },
}

impl StorageProblem {
    /// What the page says of it in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let pick = |en: String, zh: String| if lang == Lang::En { en } else { zh };
        match self {
            StorageProblem::Unavailable { detail } => pick(
                format!("runs cannot be saved in this browser ({detail}): download the model to keep it"),
                format!("此浏览器无法保存训练记录（{detail}）：请下载模型以保留它"),
            ),
            StorageProblem::Full => pick(
                "the browser's storage is full: this checkpoint was not saved (the previous one is intact); delete saved runs to make room".into(),
                "浏览器的存储空间已满：本次检查点未能保存（上一个检查点完好无损）；请删除一些已保存的训练记录以腾出空间".into(),
            ),
            StorageProblem::Failed { detail } => pick(
                format!("saving the run failed ({detail}); the previous checkpoint is intact"),
                format!("保存训练记录失败（{detail}）；上一个检查点完好无损"),
            ),
            StorageProblem::Unreadable { id } => pick(
                format!("the saved run {id} cannot be read"),
                format!("无法读取已保存的训练记录 {id}"),
            ),
        }
    }
}

/// Which stored run each of the worker's runs is written to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Autosave {
    /// (the worker's run number, the stored run's id), newest last.
    runs: Vec<(u64, String)>,
    /// The ids of stored runs that have a checkpoint.
    stored: Vec<String>,
    /// The stored run of the current run.
    current: Option<String>,
}

/// What a reply means for the store.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreAction {
    /// Nothing.
    None,
    /// Write the checkpoint in the reply's payload to this stored run (`fresh`: it has none
    /// yet, so it gets a new name).
    Write {
        /// The stored run's id.
        id: String,
        /// Whether the reply is about the page's current run (its curves go with it).
        current: bool,
    },
    /// A run with a checkpoint was replaced by another: it can be brought back.
    Replaced {
        /// The replaced run's id.
        id: String,
    },
}

impl Autosave {
    /// The stored run of the worker's current run.
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    /// Forgets the worker's run numbers (a new worker counts from 1 again); stored runs stay.
    pub fn worker_restarted(&mut self) {
        self.runs.clear();
    }

    /// Takes a reply; `new_id` names a stored run for a fresh run.
    pub fn apply(&mut self, reply: &FromWorker, new_id: impl FnOnce() -> String) -> StoreAction {
        match reply {
            FromWorker::Configured { run, resumed, .. } => {
                self.on_configured(*run, resumed.as_ref(), new_id)
            }
            FromWorker::Checkpoint { run, .. } => match self.runs.iter().find(|(r, _)| r == run) {
                Some((_, id)) => {
                    let id = id.clone();
                    if !self.stored.contains(&id) {
                        self.stored.push(id.clone());
                    }
                    StoreAction::Write {
                        current: self.current.as_ref() == Some(&id),
                        id,
                    }
                }
                None => StoreAction::None,
            },
            _ => StoreAction::None,
        }
    }

    /// A new run in the worker: continuing a stored run, or a fresh one with a new id.
    pub fn on_configured(
        &mut self,
        run: u64,
        resumed: Option<&Resumed>,
        new_id: impl FnOnce() -> String,
    ) -> StoreAction {
        let id = resumed.map_or_else(new_id, |r| r.record.clone());
        if resumed.is_some() && !self.stored.contains(&id) {
            self.stored.push(id.clone());
        }
        self.runs.push((run, id.clone()));
        let previous = self.current.replace(id.clone());
        match previous {
            Some(previous) if previous != id && self.stored.contains(&previous) => {
                StoreAction::Replaced { id: previous }
            }
            _ => StoreAction::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::CheckpointReason;

    fn configured(run: u64, resumed: Option<&str>) -> FromWorker {
        let config = Config::default();
        let model = neurite::Sequential::<f32>::from_spec(&config.model, 1).unwrap();
        FromWorker::Configured {
            summary: model.summary(),
            config,
            run,
            resumed: resumed.map(|record| Resumed {
                record: record.into(),
                steps: 10,
                epochs_done: 0,
            }),
            loaded: None,
        }
    }

    fn checkpoint(run: u64) -> FromWorker {
        FromWorker::Checkpoint {
            run,
            reason: CheckpointReason::EpochEnd,
            steps: 10,
            epochs_done: 1,
        }
    }

    #[test]
    fn each_run_writes_to_its_own_stored_run_and_a_replaced_one_can_come_back() {
        let mut ids = ["c", "b", "a"].map(String::from).to_vec();
        let mut next = move || ids.pop().unwrap();
        let mut save = Autosave::default();
        assert_eq!(
            save.apply(&configured(1, None), &mut next),
            StoreAction::None
        );
        assert_eq!(save.current(), Some("a"));
        let write_a = StoreAction::Write {
            id: "a".into(),
            current: true,
        };
        assert_eq!(save.apply(&checkpoint(1), &mut next), write_a);
        // Run 1's last checkpoint arrives before run 2 is announced, and still goes to "a".
        assert_eq!(save.apply(&checkpoint(1), &mut next), write_a);
        assert_eq!(
            save.apply(&configured(2, None), &mut next),
            StoreAction::Replaced { id: "a".into() }
        );
        assert_eq!(
            save.apply(&checkpoint(1), &mut next),
            StoreAction::Write {
                id: "a".into(),
                current: false
            }
        );
        // Run 2 trained nothing worth storing: replacing it offers nothing back.
        assert_eq!(
            save.apply(&configured(3, Some("a")), &mut next),
            StoreAction::None
        );
        assert_eq!(save.current(), Some("a"));
        assert_eq!(save.apply(&checkpoint(3), &mut next), write_a);
        // A checkpoint of a run the page never heard of (an old worker's) is not written.
        save.worker_restarted();
        assert_eq!(save.apply(&checkpoint(3), &mut next), StoreAction::None);
        assert_eq!(
            save.apply(&configured(1, Some("a")), &mut next),
            StoreAction::None
        );
        assert_eq!(save.apply(&checkpoint(1), &mut next), write_a);
    }

    #[test]
    fn a_default_name_says_the_widths_and_the_optimizer() {
        assert_eq!(
            SavedRun::default_name(&Config::default()),
            "784-128-10 adam"
        );
        let mut fashion = Config::default();
        fashion.training.dataset = neurite::DatasetKind::FashionMnist;
        assert_eq!(
            SavedRun::default_name(&fashion),
            "Fashion-MNIST 784-128-10 adam"
        );
    }

    #[test]
    fn a_run_stored_before_the_dataset_choice_reads_as_mnist() {
        // A stored run's record as an earlier version wrote it: no `dataset` in its config.
        let mut value = serde_json::to_value(SavedRun {
            id: "run-1".into(),
            name: "784-128-10 adam".into(),
            saved_at_ms: 0.0,
            config: Config::default(),
            steps: 10,
            epochs_done: 0,
            curves: Curves::default(),
        })
        .unwrap();
        let training = value["config"]["training"].as_object_mut().unwrap();
        assert!(training.remove("dataset").is_some());
        let old: SavedRun = serde_json::from_value(value).unwrap();
        assert_eq!(old.config.training.dataset, neurite::DatasetKind::Mnist);
    }

    #[test]
    fn storage_problems_read_in_both_languages() {
        for problem in [
            StorageProblem::Unavailable {
                detail: "SecurityError".into(),
            },
            StorageProblem::Full,
            StorageProblem::Failed {
                detail: "AbortError".into(),
            },
            StorageProblem::Unreadable { id: "run-1".into() },
        ] {
            let (en, zh) = (problem.message(Lang::En), problem.message(Lang::Zh));
            assert_ne!(en, zh);
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        }
    }
}
