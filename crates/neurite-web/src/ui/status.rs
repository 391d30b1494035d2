//! Play / Pause / Step / Reset and the status line: epoch, batch, elapsed time, samples/s and
//! the instruction set the trainer's kernels run on.

use leptos::prelude::*;
use neurite::kernels::KernelSet;

use crate::i18n::{Lang, Text};
use crate::protocol::{Phase, ToWorker};
use crate::reset_plan;
use crate::state::DataStatus;
use crate::ui::state::RunControl;

/// Batches one press of Step trains.
pub const STEP_BATCHES: u32 = 10;

fn clock(millis: f64) -> String {
    let seconds = (millis / 1000.0).max(0.0) as u64;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The run's buttons and status line.
#[component]
pub fn Status(
    control: RunControl,
    data: RwSignal<DataStatus>,
    kernels: RwSignal<Option<KernelSet>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let run = control.run;
    let phase = Memo::new(move |_| run.with(|r| r.phase));
    let data_ready = move || data.with(DataStatus::is_loaded);
    let configured = move || run.with(|r| r.config.is_some());
    // Checked once per edit of the controls, not at every reply about the run.
    let checked = control.checked;
    let valid = move || checked.with(Result::is_ok);
    let running = Memo::new(move |_| run.with(|r| (r.config.clone(), r.phase, r.kept)));
    let needs_reset = Memo::new(move |_| {
        checked.with(|wanted| {
            running.with(|(config, phase, kept)| {
                wanted.as_ref().is_ok_and(|wanted| {
                    reset_plan::needs_reset(wanted, config.as_ref(), *phase, *kept)
                })
            })
        })
    });
    let link = control.link;
    // A fresh run starts only from controls that check; a paused one resumes as it is.
    let can_play = move || {
        data_ready()
            && configured()
            && match phase.get() {
                Phase::Idle => valid(),
                Phase::Paused => true,
                Phase::Running | Phase::Finished | Phase::Diverged => false,
            }
    };

    let reset = move |_| control.configure();
    let phase_text = move || match phase.get() {
        Phase::Idle => t(Text::Idle),
        Phase::Running => t(Text::Running),
        Phase::Paused => t(Text::Paused),
        Phase::Finished => t(Text::Finished),
        Phase::Diverged => t(Text::Diverged),
    };
    let progress = move |f: fn(&crate::protocol::Progress) -> String| {
        run.with(|r| r.progress.as_ref().map_or_else(|| "–".to_string(), f))
    };
    let last_epoch = Memo::new(move |_| run.with(|r| r.last_epoch.clone()));

    view! {
        <div class="buttons">
            <button data-testid="play" class="primary" disabled=move || !can_play()
                on:click=move |_| link.send(ToWorker::Start)>
                "▶ " {move || t(Text::Play)}
            </button>
            <button data-testid="pause" disabled=move || phase.get() != Phase::Running
                on:click=move |_| link.send(ToWorker::Pause)>
                {move || t(Text::Pause)}
            </button>
            <button data-testid="step" disabled=move || !can_play()
                on:click=move |_| link.send(ToWorker::Step { batches: STEP_BATCHES })>
                {move || t(Text::Step)} " ×" {STEP_BATCHES}
            </button>
            <button data-testid="reset" disabled=move || !valid() on:click=reset>
                {move || t(Text::Reset)}
            </button>
        </div>
        <p class="status" data-testid="status" data-phase=move || format!("{:?}", phase.get()).to_lowercase()>
            <span data-testid="status-phase" class="phase">{phase_text}</span>
            <span>{move || t(Text::Epoch)} " "
                <b data-testid="status-epoch">{move || progress(|p| format!("{}/{}", p.epoch, p.epochs))}</b>
            </span>
            <span>{move || t(Text::Batch)} " "
                <b data-testid="status-batch">{move || progress(|p| format!("{}/{}", p.batch, p.batches_per_epoch))}</b>
            </span>
            <span>{move || t(Text::Elapsed)} " "
                <b data-testid="status-elapsed">{move || progress(|p| clock(p.elapsed_ms))}</b>
            </span>
            <span>
                <b data-testid="status-rate">{move || progress(|p| format!("{:.0}", p.samples_per_second))}</b>
                " " {move || t(Text::SamplesPerSecond)}
            </span>
            <span title=move || t(Text::Kernels)>
                <b data-testid="status-kernels"
                    data-value=move || kernels.get().map(KernelSet::id)
                    class:simd=move || kernels.get().is_some_and(KernelSet::is_simd)>
                    {move || kernels.get().map(|k| if k.is_simd() { k.label() } else { t(Text::NoSimd) })}
                </b>
            </span>
        </p>
        <p class="accuracy">
            {move || t(Text::TestAccuracy)} ": "
            <b data-testid="test-accuracy"
                data-value=move || last_epoch.with(|e| e.as_ref().map(|e| e.test_accuracy.to_string()))
                data-epoch=move || last_epoch.with(|e| e.as_ref().map(|e| e.epoch.to_string()))>
                {move || last_epoch.with(|e| e.as_ref().map_or_else(
                    || "–".to_string(),
                    |e| format!("{:.2} % ({} {})", e.test_accuracy * 100.0, t(Text::Epoch), e.epoch),
                ))}
            </b>
        </p>
        {move || needs_reset.get().then(|| view! {
            <p class="hint" data-testid="needs-reset">{t(Text::ChangesNeedReset)}</p>
        })}
    }
}
