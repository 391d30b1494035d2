//! Saving the trained model as the engine's `.safetensors` file, and loading one. The worker
//! reads an uploaded file; one that does not read, or is not a model for MNIST, is refused with
//! the engine's message and the current model stays. The exports to other tools start here too
//! (see [`crate::ui::exports`]).

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use crate::i18n::{Lang, Text};
use crate::protocol::{Envelope, ErrorKind, FromWorker, ToWorker};
use crate::state::{Notice, Run};
use crate::ui::exports::{ExportButtons, PendingExport};
use crate::ui::link::Link;

/// The downloaded file's name.
const FILE_NAME: &str = "neurite-mnist.safetensors";

/// Offers `bytes` as a file download called `file_name`.
pub fn download(bytes: &[u8], file_name: &str) {
    crate::dom::download(bytes, file_name, "application/octet-stream");
}

async fn upload(link: Link, error: RwSignal<Option<Notice>>, input: HtmlInputElement) {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    let name = file.name();
    // A file longer than any model file is refused before it is read into memory (and copied
    // into the worker's).
    if file.size() > neurite::model_file::MAX_FILE_BYTES as f64 {
        error.set(Some(Notice::FileTooLarge {
            file: name,
            bytes: file.size() as u64,
            max: neurite::model_file::MAX_FILE_BYTES,
        }));
        input.set_value("");
        return;
    }
    let bytes = match JsFuture::from(file.array_buffer()).await {
        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
        Err(e) => {
            error.set(Some(Notice::FileUnreadable {
                file: name,
                detail: e.as_string().unwrap_or_else(|| format!("{e:?}")),
            }));
            return;
        }
    };
    input.set_value("");
    error.set(None);
    link.send_envelope(Envelope::with_payload(
        ToWorker::LoadModel { file_name: name },
        bytes,
    ));
}

/// Save and load buttons, and the load error. The worker's model files are offered as
/// downloads; its model-file errors are shown here.
#[component]
pub fn ModelFiles(link: Link, run: RwSignal<Run>, lang: Signal<Lang>) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let model_error = RwSignal::new(None::<Notice>);
    let pending = PendingExport::new();
    // A restarted trainer does not answer the request of the one before.
    link.on_restart(move || pending.forget());
    link.subscribe(move |reply| match &reply.msg {
        // The model file asked for by an export goes to the exporter; any other is saved.
        FromWorker::ModelFile { .. } => {
            if let Some(bytes) = &reply.payload
                && !pending.take_model_file(bytes)
            {
                download(bytes, FILE_NAME);
            }
        }
        FromWorker::Error(error) if error.kind == ErrorKind::ModelFile => {
            model_error.set(Some(Notice::Worker(error.clone())))
        }
        _ => {}
    });
    let no_model = Memo::new(move |_| run.with(|r| r.summary.is_none()));
    view! {
        <div class="model-files">
            <button data-testid="save-model" disabled=move || no_model.get()
                on:click=move |_| link.send(ToWorker::ExportModel)>
                {move || t(Text::SaveModel)}
            </button>
            <label class="upload">
                {move || t(Text::LoadModel)}
                <input type="file" accept=".safetensors" data-testid="model-upload"
                    on:change=move |ev| {
                        let input: HtmlInputElement = event_target(&ev);
                        leptos::task::spawn_local(upload(link, model_error, input));
                    }/>
            </label>
        </div>
        <ExportButtons link=link pending=pending no_model=no_model lang=lang/>
        {move || model_error.get().map(|shown| view! {
            <p class="error" data-testid="model-file-error" role="alert">
                {move || shown.message(lang.get())}
            </p>
        })}
    }
}
