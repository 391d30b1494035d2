//! The page's layout, and its start: the worker, MNIST, the seed model, the saved language.

use leptos::prelude::*;

use crate::dom;
use crate::i18n::{Lang, Text};
use crate::protocol::ToWorker;
use crate::ui::charts::Charts;
use crate::ui::confusion::Confusion;
use crate::ui::controls::Controls;
use crate::ui::drawing::DrawingPad;
use crate::ui::gallery::Gallery;
use crate::ui::link::WorkerLink;
use crate::ui::model_io::ModelFiles;
use crate::ui::state::{DataStatus, Playground};
use crate::ui::status::Status;
use crate::ui::summary::ModelSummary;
use crate::ui::weights::Weights;

/// The site's MNIST folder, relative to the worker's script.
const MNIST_URL: &str = "./mnist/";

/// The language to start in: `?lang=`, the saved choice, then the browser's.
fn start_lang() -> Lang {
    let from_url = dom::query_pairs()
        .into_iter()
        .find(|(key, _)| key == "lang")
        .map(|(_, code)| Lang::from_code(&code));
    dom::initial_lang(from_url)
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = Playground::new(start_lang());
    provide_context(state);
    match WorkerLink::spawn(state) {
        Ok(link) => state.link.set_value(Some(link)),
        Err(e) => state
            .notice
            .set(Some(format!("cannot start the training worker: {e:?}"))),
    }
    state.send(ToWorker::LoadData {
        base_url: MNIST_URL.into(),
    });
    state.apply_draft();

    // The start language is only remembered once the learner picks one.
    Effect::new(move |first: Option<()>| {
        let lang = state.lang.get();
        if first.is_some() {
            dom::save_lang(lang);
        } else {
            dom::set_document_lang(lang);
        }
    });

    let t = move |text| state.t(text);
    let data_status = move || match state.data.get() {
        DataStatus::Loading => t(Text::LoadingData).to_string(),
        DataStatus::Loaded { train, millis } => {
            format!("{} ({train}, {:.1} s)", t(Text::DataReady), millis / 1000.0)
        }
        DataStatus::Failed(message) => message,
    };

    view! {
        <header>
            <div>
                <h1>{move || t(Text::Title)}</h1>
                <p class="tagline">{move || t(Text::Tagline)}</p>
            </div>
            <div class="header-side">
                <a class="header-link" href="learn.html" data-testid="link-learn">{move || t(Text::Learn)}</a>
                <span class="data-status" data-testid="data-status"
                    class:ready=move || matches!(state.data.get(), DataStatus::Loaded { .. })>
                    {data_status}
                </span>
                <button data-testid="lang-toggle" title=move || t(Text::Language)
                    on:click=move |_| state.lang.update(|l| *l = l.other())>
                    {move || state.lang.get().other().name()}
                </button>
            </div>
        </header>
        {move || state.notice.get().map(|message| view! {
            <div class="notice" data-testid="notice" role="alert">
                <span>{message}</span>
                <button on:click=move |_| state.notice.set(None)>"×"</button>
            </div>
        })}
        <main>
            <section class="panel controls-panel">
                <Controls/>
                <ModelFiles/>
            </section>
            <section class="panel run-panel">
                <Status/>
                <Charts/>
            </section>
            <section class="panel draw-panel">
                <DrawingPad/>
            </section>
            <section class="panel">
                <Confusion/>
            </section>
            <section class="panel">
                <Gallery/>
            </section>
            <section class="panel">
                <Weights/>
            </section>
            <section class="panel">
                <ModelSummary/>
            </section>
        </main>
    }
}
