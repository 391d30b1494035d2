//! Nothing trained is lost: every checkpoint the worker sends is stored in IndexedDB with the
//! curves drawn so far ([`RunStore`]); the page offers to continue the newest stored run when it
//! opens, to bring back a trained model that was replaced, and to continue, rename, download or
//! delete any stored run, to download its curves as CSV or its record as JSON, and to pick
//! runs whose curves the charts draw beside the current run's (at most
//! [`OVERLAY_COLOURS`]`.len()`). When the worker crashes, the fresh one continues from the
//! current run's last checkpoint. Which stored run a checkpoint goes to is [`Autosave`]'s rule.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::dom;
use crate::i18n::{Lang, Text};
use crate::protocol::{Envelope, FromWorker, ToWorker};
use crate::state::curves_file;
use crate::state::{Autosave, Curves, SavedRun, StorageProblem, StoreAction};
use crate::ui::compared::OVERLAY_COLOURS;
use crate::ui::model_io::download;
use crate::ui::state::RunControl;
use crate::ui::storage::RunStore;

/// A new stored run's id: the time and a random suffix.
fn new_id() -> String {
    format!(
        "run-{}-{:06}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e6) as u64
    )
}

/// The store, once it is open.
#[derive(Clone, Copy)]
struct Store {
    db: StoredValue<Option<RunStore>, LocalStorage>,
    runs: RwSignal<Vec<SavedRun>>,
    problem: RwSignal<Option<StorageProblem>>,
}

impl Store {
    /// Runs `task` on the open store, in a task of its own (a checkpoint's write copies a
    /// megabyte or more: not in the task that handled the worker's reply).
    fn with_db(self, task: impl AsyncFnOnce(RunStore) -> Result<(), StorageProblem> + 'static) {
        let Some(db) = self.db.get_value() else {
            return;
        };
        let problem = self.problem;
        dom::next_task(move || {
            spawn_local(async move {
                // An operation that worked (a checkpoint that fits again, say) ends the
                // problem shown; one that failed shows its own.
                let outcome = task(db).await.err();
                if outcome.is_some() || problem.with_untracked(Option::is_some) {
                    problem.set(outcome);
                }
            })
        });
    }

    fn find(self, id: &str) -> Option<SavedRun> {
        self.runs
            .with_untracked(|runs| runs.iter().find(|r| r.id == id).cloned())
    }

    /// Shows `run` first in the list, in place of its older record.
    fn show(self, run: SavedRun) {
        self.runs.update(|runs| {
            runs.retain(|r| r.id != run.id);
            runs.insert(0, run);
        });
    }
}

/// The stored runs, and the offers to continue one. The runs picked to compare are written to
/// `compared` (in the order picked, kept up to date as their runs train on).
#[component]
pub fn SavedRuns(
    control: RunControl,
    compared: RwSignal<Vec<SavedRun>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let link = control.link;
    let store = Store {
        db: StoredValue::new_local(None),
        runs: RwSignal::new(Vec::new()),
        problem: RwSignal::new(None),
    };
    let autosave = StoredValue::new(Autosave::default());
    let offer = RwSignal::new(None::<SavedRun>);
    let replaced = RwSignal::new(None::<SavedRun>);
    // The current run's last checkpoint, for a worker that crashed; and the curves and file of
    // runs asked to continue, until the worker confirms.
    let latest = StoredValue::new(None::<(String, Vec<u8>)>);
    let resuming = StoredValue::new(Vec::<(String, Curves, Vec<u8>)>::new());
    // The ids of the runs picked to compare, in the order picked.
    let picked = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let runs = picked.with(|ids| {
            store.runs.with(|runs| {
                ids.iter()
                    .filter_map(|id| runs.iter().find(|r| &r.id == id).cloned())
                    .collect::<Vec<_>>()
            })
        });
        compared.set(runs);
    });
    let pick = move |id: String, on: bool| {
        picked.update(|ids| {
            ids.retain(|i| *i != id);
            if on && ids.len() < OVERLAY_COLOURS.len() {
                ids.push(id);
            }
        })
    };

    spawn_local(async move {
        match RunStore::open().await {
            Ok(db) => {
                store.db.set_value(Some(db.clone()));
                match db.list().await {
                    Ok(runs) => {
                        offer.set(runs.first().cloned());
                        store.runs.set(runs);
                    }
                    Err(p) => store.problem.set(Some(p)),
                }
            }
            Err(p) => store.problem.set(Some(p)),
        }
    });

    let resume = move |run: SavedRun| {
        store.with_db(async move |db| {
            let bytes = db.file(&run.id).await?;
            resuming.update_value(|r| r.push((run.id.clone(), run.curves.clone(), bytes.clone())));
            link.send_envelope(Envelope::with_payload(
                ToWorker::Resume { record: run.id },
                bytes,
            ));
            Ok(())
        });
    };

    link.subscribe(move |reply| {
        let action = autosave
            .try_update_value(|a| a.apply(&reply.msg, new_id))
            .unwrap_or(StoreAction::None);
        match (&reply.msg, action) {
            (
                FromWorker::Checkpoint {
                    steps, epochs_done, ..
                },
                StoreAction::Write { id, current },
            ) => {
                let Some(bytes) = reply.payload.clone() else {
                    return;
                };
                let existing = store.find(&id);
                let drawn = control
                    .run
                    .with_untracked(|r| (r.config.clone(), r.curves()));
                let (config, curves) = match (current, drawn, &existing) {
                    (true, (Some(config), curves), _) => (config, curves),
                    (_, _, Some(old)) => (old.config.clone(), old.curves.clone()),
                    _ => return,
                };
                let record = SavedRun {
                    name: existing
                        .map(|r| r.name)
                        .unwrap_or_else(|| SavedRun::default_name(&config)),
                    id: id.clone(),
                    saved_at_ms: js_sys::Date::now(),
                    config,
                    steps: *steps,
                    epochs_done: *epochs_done,
                    curves,
                };
                if current {
                    latest.set_value(Some((id, bytes.clone())));
                    offer.set(None);
                }
                store.show(record.clone());
                store.with_db(async move |db| db.save(&record, &bytes).await);
            }
            (_, StoreAction::Replaced { id }) => replaced.set(store.find(&id)),
            _ => {}
        }
        if let FromWorker::Configured { resumed, .. } = &reply.msg {
            if resumed.is_some() {
                offer.set(None);
            }
            let continued = resumed.as_ref().and_then(|r| {
                resuming.try_update_value(|pending| {
                    let at = pending.iter().position(|(id, ..)| *id == r.record)?;
                    Some(pending.remove(at))
                })?
            });
            match continued {
                Some((id, curves, bytes)) => {
                    control.run.update(|run| run.restore_curves(curves));
                    latest.set_value(Some((id, bytes)));
                }
                None => latest.set_value(None),
            }
        }
    });

    // A fresh worker continues the current run from its last checkpoint.
    link.on_restart(move || {
        autosave.update_value(Autosave::worker_restarted);
        if let Some((id, bytes)) = latest.get_value() {
            let curves = store.find(&id).map(|r| r.curves).unwrap_or_default();
            resuming.update_value(|r| r.push((id.clone(), curves, bytes.clone())));
            link.send_envelope(Envelope::with_payload(
                ToWorker::Resume { record: id },
                bytes,
            ));
        }
    });

    let rename = move |run: SavedRun, name: String| {
        let record = SavedRun { name, ..run };
        store.show(record.clone());
        store.with_db(async move |db| db.save_record(&record).await);
    };
    let delete = move |id: String| {
        picked.update(|ids| ids.retain(|i| *i != id));
        store.runs.update(|runs| runs.retain(|r| r.id != id));
        store.with_db(async move |db| db.delete(&id).await);
    };
    let offer_download = move |run: SavedRun| {
        store.with_db(async move |db| {
            download(
                &db.file(&run.id).await?,
                &format!("{}.safetensors", run.name),
            );
            Ok(())
        });
    };
    let offer_curves = move |run: SavedRun, csv: bool| {
        let (text, file, mime) = if csv {
            (
                curves_file::csv(&run),
                curves_file::file_name(&run, "csv"),
                "text/csv",
            )
        } else {
            (
                curves_file::json(&run),
                curves_file::file_name(&run, "json"),
                "application/json",
            )
        };
        dom::download(text.as_bytes(), &file, mime);
    };
    let summary = move |run: &SavedRun| {
        let accuracy = run
            .test_accuracy()
            .map(|a| format!(" · {:.2} %", a * 100.0))
            .unwrap_or_default();
        format!(
            "{} {} · {} {}{accuracy}",
            run.epochs_done,
            t(Text::EpochsDone),
            run.steps,
            t(Text::StepsDone)
        )
    };

    view! {
        <div class="saved-runs" data-testid="saved-runs">
            {move || store.problem.get().map(|p| view! {
                <p class="error" data-testid="storage-problem" role="alert">
                    {move || p.message(lang.get())}
                </p>
            })}
            {move || offer.get().map(|run| {
                let shown = run.clone();
                view! {
                    <div class="offer" data-testid="continue-offer">
                        <span>{move || t(Text::ContinueOffer)}" "<b>{shown.name.clone()}</b>" — "{summary(&shown)}</span>
                        <button data-testid="continue-run" on:click=move |_| resume(run.clone())>
                            {move || t(Text::ContinueRun)}
                        </button>
                        <button on:click=move |_| offer.set(None)>{move || t(Text::Dismiss)}</button>
                    </div>
                }
            })}
            {move || replaced.get().map(|run| {
                let name = run.name.clone();
                view! {
                    <div class="offer" data-testid="replaced-offer">
                        <span>{move || t(Text::ReplacedRun)}" "<b>{name.clone()}</b></span>
                        <button data-testid="undo-replace" on:click=move |_| {
                            replaced.set(None);
                            resume(run.clone());
                        }>
                            {move || t(Text::Undo)}
                        </button>
                        <button on:click=move |_| replaced.set(None)>{move || t(Text::Dismiss)}</button>
                    </div>
                }
            })}
            <details>
                <summary>{move || t(Text::SavedRuns)}" ("{move || store.runs.with(Vec::len)}")"</summary>
                <p class="hint">{move || t(Text::SavedRunsHint)}" "{move || t(Text::CompareHint)}</p>
                {move || (picked.with(Vec::len) >= OVERLAY_COLOURS.len()).then(|| view! {
                    <p class="hint" data-testid="compare-full">{move || t(Text::CompareFull)}</p>
                })}
                <ul class="run-list">
                    // Keyed by id, each line reading its record: a new checkpoint of a run
                    // updates its line's text, it does not build the line again.
                    <For each=move || store.runs.with(|runs| runs.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
                        key=String::clone let:id>
                        {
                            // The name apart from the summary line: a checkpoint changes the
                            // line, and must not reset a name being typed.
                            let name = {
                                let id = id.clone();
                                Memo::new(move |_| store.runs.with(|runs| {
                                    runs.iter().find(|r| r.id == id).map(|r| r.name.clone())
                                }))
                            };
                            let line = {
                                let id = id.clone();
                                Memo::new(move |_| store.runs.with(|runs| {
                                    runs.iter().find(|r| r.id == id).map(summary)
                                }))
                            };
                            let record = move |id: &str| store.find(id);
                            let (for_rename, for_resume, for_download) = (id.clone(), id.clone(), id.clone());
                            let (for_csv, for_json) = (id.clone(), id.clone());
                            let is_picked = {
                                let id = id.clone();
                                Memo::new(move |_| picked.with(|ids| ids.contains(&id)))
                            };
                            let for_pick = id.clone();
                            view! {
                                <li data-testid="saved-run">
                                    <label class="run-compare">
                                        <input type="checkbox" data-testid="run-compare"
                                            prop:checked=move || is_picked.get()
                                            prop:disabled=move || {
                                                !is_picked.get() && picked.with(Vec::len) >= OVERLAY_COLOURS.len()
                                            }
                                            on:change=move |ev| pick(for_pick.clone(), event_target_checked(&ev))/>
                                        {move || t(Text::CompareRun)}
                                    </label>
                                    <input class="run-name" data-testid="run-name" aria-label=move || t(Text::RunName)
                                        prop:value=move || name.get()
                                        on:change=move |ev| if let Some(run) = record(&for_rename) {
                                            rename(run, event_target_value(&ev));
                                        }/>
                                    <span class="run-line">{move || line.get()}</span>
                                    <button data-testid="run-continue" on:click=move |_| if let Some(run) = record(&for_resume) {
                                        resume(run);
                                    }>
                                        {move || t(Text::ContinueRun)}
                                    </button>
                                    <button data-testid="run-download" on:click=move |_| if let Some(run) = record(&for_download) {
                                        offer_download(run);
                                    }>
                                        {move || t(Text::Download)}
                                    </button>
                                    <button data-testid="run-csv" on:click=move |_| if let Some(run) = record(&for_csv) {
                                        offer_curves(run, true);
                                    }>
                                        {move || t(Text::CurvesCsv)}
                                    </button>
                                    <button data-testid="run-json" on:click=move |_| if let Some(run) = record(&for_json) {
                                        offer_curves(run, false);
                                    }>
                                        {move || t(Text::RunJson)}
                                    </button>
                                    <button data-testid="run-delete" on:click=move |_| delete(id.clone())>
                                        {move || t(Text::Delete)}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </details>
        </div>
    }
}
