//! The page's layout, and its start: the worker, the dataset (MNIST, or the one the run trains
//! on), the setup of the page's link (the seed program without one), the saved language.

use leptos::prelude::*;

use neurite::DatasetKind;
use neurite::kernels::KernelSet;

use crate::dom;
use crate::i18n::{Lang, Text, datasets};
use crate::protocol::{Envelope, ErrorKind, FromWorker, ToWorker};
use crate::reset_plan;
use crate::state::{DataStatus, Notice, Run, SavedRun};
use crate::test_set::TestImages;
use crate::ui::address::{self, LinkRefusals};
use crate::ui::charts::Charts;
use crate::ui::confusion::Confusion;
use crate::ui::controls::Controls;
use crate::ui::copy_link::CopyLink;
use crate::ui::drawing::DrawingPad;
use crate::ui::example_math::ShowTheMath;
use crate::ui::feature_maps::FeatureMaps;
use crate::ui::gallery::Gallery;
use crate::ui::link::Link;
use crate::ui::model_io::ModelFiles;
use crate::ui::my_digits::MyDigitsPanel;
use crate::ui::saved_runs::SavedRuns;
use crate::ui::state::{RunControl, TestResults};
use crate::ui::status::Status;
use crate::ui::summary::ModelSummary;
use crate::ui::weights::Weights;

/// The site's folder of a dataset's files, relative to the worker's script: `./mnist/`,
/// `./fashion-mnist/` (copied there by Trunk.toml's hook).
fn data_url(dataset: DatasetKind) -> String {
    format!("./{}/", dataset.name())
}

/// The data the worker holds follows the run: the page asks for the dataset of each model the
/// worker builds (a new configuration, a loaded file, a continued run) when it differs from the
/// one last asked for, and ignores data other than that one.
#[derive(Clone, Copy)]
struct DataSource {
    link: Link,
    status: RwSignal<DataStatus>,
    /// The dataset last asked for.
    requested: StoredValue<Option<DatasetKind>>,
}

impl DataSource {
    /// Asks the worker for `dataset`.
    fn load(self, dataset: DatasetKind) {
        self.requested.set_value(Some(dataset));
        self.status.set(DataStatus::Loading(dataset));
        self.link.send(ToWorker::LoadData {
            base_url: data_url(dataset),
            dataset,
        });
    }

    /// Asks for `dataset` unless it was the last asked for; whether it asked.
    fn follow(self, dataset: DatasetKind) -> bool {
        let other = self.requested.get_value() != Some(dataset);
        if other {
            self.load(dataset);
        }
        other
    }

    /// Whether `dataset` is the one asked for (data of another arrived late and is ignored).
    fn wants(self, dataset: DatasetKind) -> bool {
        self.requested.get_value() == Some(dataset)
    }
}

/// The language to start in: `?lang=`, the saved choice, then the browser's.
fn start_lang() -> Lang {
    let from_url = dom::query_pairs()
        .into_iter()
        .find(|(key, _)| key == "lang")
        .map(|(_, code)| Lang::from_code(&code));
    dom::initial_lang(from_url)
}

/// The whole page: its slices of state, the worker's replies routed to them, and the panels,
/// each given the slices it reads.
#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(start_lang());
    let notice = RwSignal::new(None::<Notice>);
    let data = RwSignal::new(DataStatus::default());
    let kernels = RwSignal::new(None::<KernelSet>);
    let selected_cell = RwSignal::new(None::<(u8, u8)>);
    let picked_test_image = RwSignal::new(None::<usize>);
    let tests = TestResults::new();
    // The stored runs the charts draw beside the current run.
    let compared = RwSignal::new(Vec::<SavedRun>::new());
    // The pad's drawing as the model sees it, for "my digits".
    let drawn = RwSignal::new(None::<Vec<u8>>);
    let link = Link::spawn(move |failure| notice.set(Some(Notice::Link(failure))));
    // The page's link sets the controls; a stored run is still offered (see SavedRuns).
    let opened = address::open_address();
    let link_refusals = RwSignal::new(Some((opened.refusals, opened.more_refusals)));
    let control = RunControl::new(opened.draft, Run::default(), link);
    let source = DataSource {
        link,
        status: data,
        requested: StoredValue::new(None),
    };
    link.subscribe(move |reply| {
        route(
            reply,
            control,
            source,
            kernels,
            tests,
            selected_cell,
            notice,
        )
    });
    source.load(control.draft.with_untracked(|d| d.dataset));
    control.apply_draft();
    // A fresh worker after a crash: the dataset and the controls' model first; the stored run's
    // checkpoint follows (see SavedRuns).
    link.on_restart(move || {
        control.run.set(Run::default());
        source.load(control.draft.with_untracked(|d| d.dataset));
        control.apply_draft();
    });
    address::follow_controls(control);
    address::follow_address(control, link_refusals);
    expose_test_hooks(link);

    dom::follow_lang(lang.into());

    let t = move |text: Text| text.in_lang(lang.get());
    let data_status = move || match data.get() {
        DataStatus::Loading(dataset) => datasets::loading(dataset, lang.get()),
        DataStatus::Loaded {
            dataset,
            train,
            millis,
        } => datasets::loaded(dataset, train, millis, lang.get()),
        DataStatus::Failed(error) => error.message(lang.get()).to_string(),
    };
    let choice = lang;
    let lang: Signal<Lang> = lang.into();
    let run = control.run;
    // Whose class names the views show: the run's dataset, else the controls'.
    let dataset: Signal<DatasetKind> = Memo::new(move |_| {
        run.with(|r| r.config.as_ref().map(|c| c.training.dataset))
            .unwrap_or_else(|| control.draft.with(|d| d.dataset))
    })
    .into();

    view! {
        <header>
            <div>
                <h1>{move || t(Text::Title)}</h1>
                <p class="tagline">{move || t(Text::Tagline)}</p>
            </div>
            <div class="header-side">
                <a class="header-link" href="learn.html" data-testid="link-learn">{move || t(Text::Learn)}</a>
                <span class="data-status" data-testid="data-status"
                    class:ready=move || data.with(DataStatus::is_loaded)>
                    {data_status}
                </span>
                <button data-testid="lang-toggle" title=move || t(Text::Language)
                    on:click=move |_| choice.update(|l| *l = l.other())>
                    {move || lang.get().other().name()}
                </button>
            </div>
        </header>
        {move || notice.get().map(|shown| view! {
            <div class="notice" data-testid="notice" role="alert">
                <span>{move || shown.message(lang.get())}</span>
                <button on:click=move |_| notice.set(None)>"×"</button>
            </div>
        })}
        <LinkRefusals shown=link_refusals lang=lang/>
        <main>
            <section class="panel controls-panel">
                <Controls control=control lang=lang/>
                <ModelFiles link=link run=run lang=lang/>
                <SavedRuns control=control compared=compared lang=lang/>
            </section>
            <section class="panel run-panel">
                <Status control=control data=data kernels=kernels lang=lang/>
                <CopyLink setup=control.checked lang=lang/>
                <Charts run=run compared=compared.into() lang=lang/>
            </section>
            <section class="panel draw-panel">
                <DrawingPad link=link lang=lang dataset=dataset drawn=drawn/>
                <MyDigitsPanel link=link drawn=drawn.into() dataset=dataset lang=lang/>
            </section>
            <FeatureMaps link=link lang=lang/>
            <section class="panel math-panel">
                <ShowTheMath link=link run=run tests=tests pick=picked_test_image lang=lang dataset=dataset/>
            </section>
            <section class="panel">
                <Confusion run=run tests=tests selected=selected_cell pick=picked_test_image lang=lang dataset=dataset/>
            </section>
            <section class="panel">
                <Gallery run=run tests=tests pick=picked_test_image lang=lang dataset=dataset/>
            </section>
            <section class="panel">
                <Weights link=link lang=lang/>
            </section>
            <section class="panel">
                <ModelSummary run=run lang=lang/>
            </section>
        </main>
    }
}

/// With `?test-hooks` in the address, `window.neuriteCrashWorker()` makes the worker trap, for
/// the end-to-end test of crash recovery.
fn expose_test_hooks(link: Link) {
    use wasm_bindgen::prelude::*;
    if !dom::query_pairs()
        .iter()
        .any(|(key, _)| key == "test-hooks")
    {
        return;
    }
    let crash = Closure::<dyn Fn()>::new(move || link.send(ToWorker::Crash));
    if let Some(window) = web_sys::window() {
        js_sys::Reflect::set(&window, &"neuriteCrashWorker".into(), crash.as_ref()).ok();
    }
    crash.forget();
}

/// Routes one reply to the page-wide slices (panels with a slice of their own subscribe
/// themselves: the weights, the drawing pad, the model files).
fn route(
    reply: &Envelope<FromWorker>,
    control: RunControl,
    source: DataSource,
    kernels: RwSignal<Option<KernelSet>>,
    tests: TestResults,
    selected_cell: RwSignal<Option<(u8, u8)>>,
    notice: RwSignal<Option<Notice>>,
) {
    let msg = &reply.msg;
    // Data of a dataset asked for before the one the run needs, arriving late: not shown.
    let stale = matches!(msg, FromWorker::DataLoaded { dataset, .. } if !source.wants(*dataset));
    if let Some(status) = DataStatus::after(msg).filter(|_| !stale) {
        source.status.set(status);
    }
    match msg {
        FromWorker::Ready { kernels: set } => kernels.set(Some(*set)),
        FromWorker::DataLoaded { test_samples, .. } if !stale => {
            if let Some(images) = reply
                .payload
                .clone()
                .and_then(|p| TestImages::decode(*test_samples, p))
            {
                tests.images.set_value(images);
            }
        }
        FromWorker::Configured {
            config,
            resumed,
            loaded,
            ..
        } => {
            tests.predictions.set_value(Vec::new());
            selected_cell.set(None);
            if source.follow(config.training.dataset) {
                // The old dataset's images would be shown with the new one's class names.
                tests.images.set_value(TestImages::default());
            }
            let kept = resumed.is_some() || loaded.is_some();
            let older = control.last_configured.with_value(|sent| {
                reset_plan::answers_an_older_request(config, kept, sent.as_ref())
            });
            if let Some(draft) = control
                .draft
                .with_untracked(|d| reset_plan::draft_after_configured(d, config, kept))
                .filter(|_| !older)
            {
                control.draft.set(draft);
            }
        }
        FromWorker::EpochEnd { .. } => {
            tests
                .predictions
                .set_value(reply.payload.clone().unwrap_or_default());
        }
        FromWorker::Error(error)
            if matches!(
                error.kind,
                ErrorKind::Config | ErrorKind::State | ErrorKind::Protocol
            ) =>
        {
            notice.set(Some(Notice::Worker(error.clone())))
        }
        _ => {}
    }
    // Last, so that panels reading the run see the predictions of the epoch it reports; only
    // replies about the run notify its readers.
    control.take(msg);
}
