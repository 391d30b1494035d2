//! The playground's export buttons: the model as an ONNX graph, or as a PyTorch or Keras
//! script with the model file it reads. The trainer sends the model file
//! ([`ToWorker::ExportModel`]); the exporter worker ([`crate::exporter`], started on the first
//! request) makes the file; the page offers it as a download, with the model file beside a
//! script.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::exporter::{ExportFormat, MODEL_FILE, READY, Refused};
use crate::i18n::{Lang, Text};
use crate::protocol::ToWorker;
use crate::ui::link::Link;
use crate::ui::model_io::download;

/// The script Trunk generates to start the exporter's wasm.
const EXPORTER_SCRIPT: &str = "./exporter_loader.js";

/// An export on its way: the trainer was asked for the model file, or the exporter for the
/// export.
#[derive(Clone, Copy)]
pub struct PendingExport {
    /// The format asked for, until the trainer's model file arrives.
    asked: StoredValue<Option<ExportFormat>>,
    /// Whether the exporter is at work (the buttons wait).
    busy: RwSignal<bool>,
    /// The exporter's refusal of the last export.
    refused: RwSignal<Option<Refused>>,
    exporter: StoredValue<Option<Exporter>, LocalStorage>,
}

/// The export the exporter is making: its format and the model file it exports.
type InProgress = Rc<RefCell<Option<(ExportFormat, Vec<u8>)>>>;

/// The exporter worker, the export it is making, and the request waiting for it to be ready.
#[derive(Clone)]
struct Exporter {
    worker: Worker,
    model_file: InProgress,
    /// `None` once the worker has said it listens; until then, the request to post then.
    waiting: Rc<RefCell<Option<Option<Array>>>>,
}

impl Exporter {
    /// Posts `request` now, or once the worker listens.
    fn post(&self, request: Array) -> Result<(), JsValue> {
        match &mut *self.waiting.borrow_mut() {
            Some(queued) => {
                *queued = Some(request);
                Ok(())
            }
            None => self.worker.post_message(&request),
        }
    }
}

impl PendingExport {
    /// No export on its way.
    pub fn new() -> Self {
        PendingExport {
            asked: StoredValue::new(None),
            busy: RwSignal::new(false),
            refused: RwSignal::new(None),
            exporter: StoredValue::new_local(None),
        }
    }

    /// Asks the trainer for the model file, to export it to `format`.
    fn ask(self, format: ExportFormat, link: Link) {
        self.asked.set_value(Some(format));
        self.busy.set(true);
        self.refused.set(None);
        link.send(ToWorker::ExportModel);
    }

    /// The trainer's model file: exported if an export asked for it (then `true`), else left to
    /// the caller.
    pub fn take_model_file(self, bytes: &[u8]) -> bool {
        let Some(format) = self.asked.try_update_value(Option::take).flatten() else {
            return false;
        };
        match self.exporter() {
            Some(exporter) => {
                *exporter.model_file.borrow_mut() = Some((format, bytes.to_vec()));
                let request = Array::of2(&format.key().into(), &Uint8Array::from(bytes));
                if exporter.post(request).is_err() {
                    self.fail("the exporter could not be reached", "无法连接导出程序");
                }
            }
            None => self.fail("the exporter could not be started", "无法启动导出程序"),
        }
        true
    }

    /// Forgets an export whose model file will not come (the trainer was restarted).
    pub fn forget(self) {
        if self
            .asked
            .try_update_value(Option::take)
            .flatten()
            .is_some()
        {
            self.busy.set(false);
        }
    }

    fn fail(self, en: &str, zh: &str) {
        self.busy.set(false);
        self.refused.set(Some(Refused {
            en: en.into(),
            zh: zh.into(),
        }));
    }

    /// The exporter, started on first use.
    fn exporter(self) -> Option<Exporter> {
        if let Some(exporter) = self.exporter.get_value() {
            return Some(exporter);
        }
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(EXPORTER_SCRIPT, &options).ok()?;
        let model_file: InProgress = Rc::new(RefCell::new(None));
        let waiting = Rc::new(RefCell::new(Some(None::<Array>)));
        let made = Rc::clone(&model_file);
        let (queue, listener) = (Rc::clone(&waiting), worker.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if event.data().as_string().as_deref() == Some(READY) {
                if let Some(Some(request)) = queue.borrow_mut().take() {
                    listener.post_message(&request).ok();
                }
                return;
            }
            let answer: Array = event.data().unchecked_into();
            let asked = made.borrow_mut().take();
            match (answer.get(1).dyn_into::<Uint8Array>(), asked) {
                (Ok(bytes), Some((format, model))) => {
                    let name = answer.get(0).as_string().unwrap_or_default();
                    download(&bytes.to_vec(), &name);
                    if format.needs_model_file() {
                        download(&model, MODEL_FILE);
                    }
                    self.busy.set(false);
                }
                _ => {
                    let text = |i| answer.get(i).as_string().unwrap_or_default();
                    self.busy.set(false);
                    self.refused.set(Some(Refused {
                        en: text(0),
                        zh: text(1),
                    }));
                }
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        // A worker that does not load, or traps: the export fails and the next one starts a
        // fresh worker.
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                event.prevent_default();
                if let Some(exporter) = self.exporter.get_value() {
                    exporter.worker.terminate();
                }
                self.exporter.set_value(None);
                let detail = event.message();
                self.fail(
                    &format!("the exporter stopped ({detail}); try again"),
                    &format!("导出程序意外停止（{detail}）；请重试"),
                );
            });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        let exporter = Exporter {
            worker,
            model_file,
            waiting,
        };
        self.exporter.set_value(Some(exporter.clone()));
        Some(exporter)
    }
}

/// The buttons, and the last refusal.
#[component]
pub fn ExportButtons(
    link: Link,
    pending: PendingExport,
    no_model: Memo<bool>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let label = |format: ExportFormat| match format {
        ExportFormat::Onnx => Text::ExportOnnx,
        ExportFormat::PyTorch => Text::ExportPyTorch,
        ExportFormat::Keras => Text::ExportKeras,
    };
    view! {
        <div class="exports">
            <span title=move || t(Text::ExportHint)>{move || t(Text::ExportFor)}</span>
            {ExportFormat::ALL.map(|format| view! {
                <button data-testid=format!("export-{}", format.key())
                    disabled=move || no_model.get() || pending.busy.get()
                    on:click=move |_| pending.ask(format, link)>
                    {move || t(label(format))}
                </button>
            }).collect_view()}
        </div>
        {move || pending.refused.get().map(|refused| view! {
            <p class="error" data-testid="export-error" role="alert">
                {move || refused.message(lang.get()).to_string()}
            </p>
        })}
    }
}
