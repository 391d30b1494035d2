//! "My digits": the learner's own handwriting as data. A drawing on the pad is added with the
//! digit the learner says it is; the collection is shown as a grid (each digit relabelled or
//! deleted, with the model's prediction on it), kept in IndexedDB, downloaded as MNIST's two
//! IDX files and added to from such files; the worker mixes it into training at the share
//! asked for, fine-tunes on it alone, and evaluates the model on it (accuracy and confusion
//! matrix) whenever the weights change.

use leptos::html::Canvas;
use leptos::prelude::*;
use leptos::task::spawn_local;
use neurite::data::collection::{IMAGES_FILE, LABELS_FILE};
use neurite::{ConfusionMatrix, DatasetKind};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use crate::dom;
use crate::i18n::{Lang, Text};
use crate::protocol::{Envelope, FromWorker, MAX_FINE_TUNE_PASSES, MAX_MY_DIGITS_SHARE, ToWorker};
use crate::state::StorageProblem;
use crate::state::my_digits::{MAX_MY_DIGITS, MyDigits, MyDigitsProblem, PIXELS};
use crate::ui::digit::{SIDE, paint_gray};
use crate::ui::link::Link;
use crate::ui::storage::RunStore;

/// Where the browser keeps the share of each batch asked for.
const SHARE_KEY: &str = "neurite-my-digits-share";
/// The largest file an import reads: a full collection's images.
const MAX_IMPORT_BYTES: f64 = (16 + MAX_MY_DIGITS * PIXELS) as f64;

/// What the panel reports.
#[derive(Debug, Clone, PartialEq)]
enum PanelNotice {
    Digits(MyDigitsProblem),
    Storage(StorageProblem),
    /// A share typed that is not a number from 0 to the most allowed.
    Share(String),
    /// An import that is not two IDX files.
    NotTwoFiles,
    /// A file larger than a full collection's images, by name.
    FileTooLarge(String),
    FineTuned {
        passes: u32,
        before: f64,
        after: f64,
        test_accuracy: f64,
    },
}

impl PanelNotice {
    fn message(&self, lang: Lang) -> String {
        let pick = |en: String, zh: String| if lang == Lang::En { en } else { zh };
        let percent = |x: f64| format!("{:.1} %", x * 100.0);
        match self {
            PanelNotice::Digits(p) => p.message(lang),
            PanelNotice::Storage(p) => p.message(lang),
            PanelNotice::Share(text) => {
                let most = MAX_MY_DIGITS_SHARE * 100.0;
                pick(
                    format!("the share must be a number from 0 to {most}, not “{text}”"),
                    format!("比例必须是 0 到 {most} 之间的数，而不是“{text}”"),
                )
            }
            PanelNotice::FileTooLarge(name) => pick(
                format!(
                    "{name} is larger than a collection of {MAX_MY_DIGITS} digits: it was not read"
                ),
                format!("{name} 比 {MAX_MY_DIGITS} 个数字的手写集还大：未读取"),
            ),
            PanelNotice::NotTwoFiles => pick(
                "choose the two IDX files of a collection: its images and its labels".into(),
                "请选择手写集的两个 IDX 文件：图像文件和标签文件".into(),
            ),
            PanelNotice::FineTuned {
                passes,
                before,
                after,
                test_accuracy,
            } => {
                // The test set's part, when the worker holds it.
                let (test_en, test_zh) = if test_accuracy.is_finite() {
                    let shown = percent(*test_accuracy);
                    (format!("; test set {shown}"), format!("；测试集 {shown}"))
                } else {
                    Default::default()
                };
                pick(
                    format!(
                        "fine-tuned with {passes} passes: your digits {} → {}{test_en}",
                        percent(*before),
                        percent(*after)
                    ),
                    format!(
                        "已微调 {passes} 遍：你的手写数字 {} → {}{test_zh}",
                        percent(*before),
                        percent(*after)
                    ),
                )
            }
        }
    }
}

/// The share typed, in percent, as a fraction of a batch.
fn parse_share(text: &str) -> Option<f64> {
    let share = text.trim().parse::<f64>().ok()? / 100.0;
    (0.0..=MAX_MY_DIGITS_SHARE)
        .contains(&share)
        .then_some(share)
}

/// A file read: its name and bytes.
type NamedFile = (String, Vec<u8>);

/// The files of an import, images first: the one with one dimension is the labels (IDX's
/// fourth byte is the number of dimensions); with neither, the parser names what is wrong.
fn images_and_labels(files: Vec<NamedFile>) -> Option<(NamedFile, NamedFile)> {
    let [a, b]: [NamedFile; 2] = files.try_into().ok()?;
    Some(if a.1.get(3) == Some(&1) {
        (b, a)
    } else {
        (a, b)
    })
}

/// The panel.
#[component]
pub fn MyDigitsPanel(
    link: Link,
    /// The pad's drawing as the model sees it (28×28), if there is one.
    drawn: Signal<Option<Vec<u8>>>,
    dataset: Signal<DatasetKind>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let t = move |text: Text| text.in_lang(lang.get());
    let digits = RwSignal::new(MyDigits::default());
    let db = StoredValue::new_local(None::<RunStore>);
    // The share asked for last time (kept in the browser), else none.
    let share_text = RwSignal::new(
        dom::storage()
            .and_then(|s| s.get_item(SHARE_KEY).ok().flatten())
            .filter(|text| parse_share(text).is_some())
            .unwrap_or_else(|| "0".to_string()),
    );
    let passes_text = RwSignal::new("20".to_string());
    let notice = RwSignal::new(None::<PanelNotice>);
    // The worker's latest evaluation: each digit's prediction and the confusion matrix.
    let evaluated = RwSignal::new(None::<(Vec<u8>, ConfusionMatrix)>);

    let share = move || parse_share(&share_text.get_untracked()).unwrap_or(0.0);
    let send = move || {
        let payload = digits.with_untracked(MyDigits::payload);
        link.send_envelope(Envelope::with_payload(
            ToWorker::SetMyDigits {
                count: digits.with_untracked(MyDigits::len),
                share: share(),
            },
            payload,
        ));
    };
    // After an edit: stored, and sent to the worker (whose evaluation of the old collection no
    // longer lines up with it).
    let edited = move || {
        evaluated.set(None);
        send();
        let (images, labels) = digits.with_untracked(MyDigits::to_idx);
        if let Some(store) = db.get_value() {
            spawn_local(async move {
                if let Err(p) = store.save_my_digits(&images, &labels).await {
                    notice.set(Some(PanelNotice::Storage(p)));
                }
            });
        }
    };
    spawn_local(async move {
        let opened = match RunStore::open().await {
            Ok(store) => store,
            Err(p) => return notice.set(Some(PanelNotice::Storage(p))),
        };
        db.set_value(Some(opened.clone()));
        match opened.my_digits().await {
            Ok(Some((images, labels))) => match MyDigits::from_stored(&images, &labels) {
                Ok(mut stored) => {
                    // Digits added before the store answered come after the stored ones (if
                    // they fit: the stored collection is never what gives way).
                    let added = digits.get_untracked();
                    let appended = stored.append(&added);
                    digits.set(stored);
                    match appended {
                        Ok(()) if !added.is_empty() => edited(),
                        Ok(()) => send(),
                        Err(p) => {
                            notice.set(Some(PanelNotice::Digits(p)));
                            send();
                        }
                    }
                }
                Err(p) => notice.set(Some(PanelNotice::Digits(p))),
            },
            // Nothing stored yet: digits added meanwhile are stored now.
            Ok(None) if !digits.with_untracked(MyDigits::is_empty) => edited(),
            Ok(None) => {}
            Err(p) => notice.set(Some(PanelNotice::Storage(p))),
        }
    });
    link.on_restart(move || {
        if digits.with_untracked(|d| !d.is_empty()) {
            send();
        }
    });
    link.subscribe(move |reply| match &reply.msg {
        // An answer about another collection (sent before the last edit) is dropped.
        FromWorker::MyDigitsEvaluated {
            predictions,
            confusion,
            ..
        } if predictions.len() == digits.with_untracked(MyDigits::len) => {
            evaluated.set(Some((predictions.clone(), confusion.clone())));
        }
        FromWorker::FineTuned {
            passes,
            before,
            after,
            test_accuracy,
        } => notice.set(Some(PanelNotice::FineTuned {
            passes: *passes,
            before: *before,
            after: *after,
            test_accuracy: *test_accuracy,
        })),
        _ => {}
    });

    let add = move |label: u8| {
        let Some(image) = drawn.get_untracked() else {
            return notice.set(Some(PanelNotice::Digits(MyDigitsProblem::NotAnImage {
                pixels: 0,
            })));
        };
        match digits.try_update(|d| d.add(&image, label)) {
            Some(Ok(())) => {
                notice.set(None);
                edited();
            }
            Some(Err(p)) => notice.set(Some(PanelNotice::Digits(p))),
            None => {}
        }
    };
    let relabel = move |index: usize, label: u8| {
        if let Some(Ok(())) = digits.try_update(|d| d.relabel(index, label)) {
            edited();
        }
    };
    let delete = move |index: usize| {
        digits.update(|d| d.delete(index));
        edited();
    };
    let set_share = move |text: String| {
        share_text.set(text.clone());
        match parse_share(&text) {
            Some(_) => {
                if let Some(storage) = dom::storage() {
                    storage.set_item(SHARE_KEY, text.trim()).ok();
                }
                notice.update(|n| {
                    if matches!(n, Some(PanelNotice::Share(_))) {
                        *n = None;
                    }
                });
                send();
            }
            None => notice.set(Some(PanelNotice::Share(text))),
        }
    };
    let fine_tune = move |_| {
        let passes = passes_text
            .get_untracked()
            .trim()
            .parse::<u32>()
            .unwrap_or(0);
        link.send(ToWorker::FineTune { passes });
    };
    let export = move |_| {
        let (images, labels) = digits.with_untracked(MyDigits::to_idx);
        dom::download(&images, IMAGES_FILE, "application/octet-stream");
        dom::download(&labels, LABELS_FILE, "application/octet-stream");
    };
    let import = move |input: HtmlInputElement| {
        spawn_local(async move {
            let mut files = Vec::new();
            if let Some(list) = input.files() {
                for i in 0..list.length() {
                    let Some(file) = list.get(i) else { continue };
                    if list.length() != 2 {
                        continue;
                    }
                    if file.size() > MAX_IMPORT_BYTES {
                        input.set_value("");
                        return notice.set(Some(PanelNotice::FileTooLarge(file.name())));
                    }
                    if let Ok(buffer) = JsFuture::from(file.array_buffer()).await {
                        files.push((file.name(), js_sys::Uint8Array::new(&buffer).to_vec()));
                    }
                }
            }
            input.set_value("");
            let Some((images, labels)) = images_and_labels(files) else {
                return notice.set(Some(PanelNotice::NotTwoFiles));
            };
            let imported = match MyDigits::from_idx((&images.0, &images.1), (&labels.0, &labels.1))
            {
                Ok(imported) => imported,
                Err(p) => return notice.set(Some(PanelNotice::Digits(p))),
            };
            // All of them, or none.
            match digits.try_update(|d| d.append(&imported)) {
                Some(Ok(())) => {
                    notice.set(None);
                    edited();
                }
                Some(Err(p)) => notice.set(Some(PanelNotice::Digits(p))),
                None => {}
            }
        });
    };

    let mnist = move || dataset.get() == DatasetKind::Mnist;
    let no_drawing = move || drawn.with(Option::is_none) || !mnist();
    // Right and in all, from the worker's confusion matrix (its diagonal).
    let accuracy = Memo::new(move |_| {
        evaluated.with(|e| {
            e.as_ref()
                .map(|(_, matrix)| (matrix.correct() as usize, matrix.total() as usize))
        })
    });
    let grid = move || {
        let count = digits.with(MyDigits::len);
        (0..count)
            .map(|index| {
                let canvas = NodeRef::<Canvas>::new();
                let label = digits.with_untracked(|d| d.labels()[index]);
                Effect::new(move |_| {
                    if let Some(canvas) = canvas.get() {
                        digits.with_untracked(|d| {
                            if index < d.len() {
                                paint_gray(&canvas, SIDE, SIDE, d.image(index));
                            }
                        });
                    }
                });
                let predicted = move || {
                    evaluated.with(|e| e.as_ref().and_then(|(p, _)| p.get(index).copied()))
                };
                let wrong = move || predicted().is_some_and(|p| p != label);
                view! {
                    <figure class="my-digit" data-testid="my-digit" class:wrong=wrong>
                        <canvas node_ref=canvas class="my-digit-image" width=SIDE height=SIDE></canvas>
                        <figcaption>
                            <select data-testid="my-digit-label" aria-label=move || t(Text::DigitLabel)
                                prop:value=label.to_string()
                                on:change=move |ev| {
                                    if let Ok(label) = event_target_value(&ev).parse::<u8>() {
                                        relabel(index, label);
                                    }
                                }>
                                {(0..10u8).map(|d| view! {
                                    <option value=d.to_string() selected={d == label}>{d.to_string()}</option>
                                }).collect_view()}
                            </select>
                            <span class="predicted" data-testid="my-digit-predicted"
                                data-class=move || predicted().map(|p| p.to_string())>
                                {move || predicted().map(|p| format!("{} {p}", t(Text::Predicted))).unwrap_or_default()}
                            </span>
                            <button class="remove" data-testid="my-digit-delete" title=move || t(Text::Delete)
                                on:click=move |_| delete(index)>"×"</button>
                        </figcaption>
                    </figure>
                }
            })
            .collect_view()
    };
    let confusion = move || {
        evaluated.with(|e| {
            let (_, matrix) = e.as_ref()?;
            let rows = (0..10)
                .filter(|&r| (0..10).any(|c| matrix.get(r, c) > 0))
                .map(|r| {
                    let cells = (0..10)
                        .map(|c| {
                            let n = matrix.get(r, c);
                            view! {
                                <td class:hit={n > 0 && r == c} class:miss={n > 0 && r != c}>
                                    {(n > 0).then(|| n.to_string())}
                                </td>
                            }
                        })
                        .collect_view();
                    view! { <tr><th>{r.to_string()}</th>{cells}</tr> }
                })
                .collect_view();
            Some(view! {
                <table class="my-confusion" data-testid="my-digits-confusion">
                    <tr><th></th>{(0..10).map(|c| view! { <th>{c.to_string()}</th> }).collect_view()}</tr>
                    {rows}
                </table>
            })
        })
    };

    view! {
        <div class="my-digits" data-testid="my-digits">
            <h2>{move || t(Text::MyDigits)}" ("<span data-testid="my-digits-count">{move || digits.with(MyDigits::len)}</span>")"</h2>
            <p class="hint">{move || t(if mnist() { Text::MyDigitsHint } else { Text::MyDigitsOnlyMnist })}</p>
            <div class="add-as">
                <span>{move || t(Text::AddAs)}</span>
                {(0..10u8).map(|d| view! {
                    <button data-testid=format!("add-digit-{d}") disabled=no_drawing on:click=move |_| add(d)>
                        {d.to_string()}
                    </button>
                }).collect_view()}
            </div>
            {move || notice.get().map(|n| view! {
                <p class="note" data-testid="my-digits-notice" role="status">{move || n.message(lang.get())}</p>
            })}
            {move || accuracy.get().map(|(correct, total)| view! {
                <p data-testid="my-digits-accuracy" data-value=format!("{}", correct as f64 / total.max(1) as f64)>
                    {move || t(Text::MyDigitsAccuracy)}": "
                    <b>{format!("{correct}/{total} ({:.1} %)", 100.0 * correct as f64 / total.max(1) as f64)}</b>
                </p>
            })}
            {move || digits.with(MyDigits::is_empty).then(|| view! {
                <p class="empty">{move || t(Text::MyDigitsEmpty)}</p>
            })}
            <div class="my-digit-grid">{grid}</div>
            {confusion}
            <div class="my-digits-training">
                <label class="field">
                    <span>{move || t(Text::MixShare)}</span>
                    <input type="text" inputmode="decimal" data-testid="my-digits-share"
                        prop:value=move || share_text.get()
                        on:change=move |ev| set_share(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>{move || t(Text::Passes)}</span>
                    <input type="text" inputmode="numeric" data-testid="fine-tune-passes"
                        title=format!("1–{MAX_FINE_TUNE_PASSES}")
                        prop:value=move || passes_text.get()
                        on:input=move |ev| passes_text.set(event_target_value(&ev))/>
                </label>
                <button data-testid="fine-tune" disabled=move || digits.with(MyDigits::is_empty) || !mnist()
                    on:click=fine_tune>
                    {move || t(Text::FineTune)}
                </button>
            </div>
            <div class="buttons">
                <button data-testid="my-digits-export" disabled=move || digits.with(MyDigits::is_empty)
                    on:click=export>
                    {move || t(Text::ExportIdx)}
                </button>
                <label class="upload">
                    <span>{move || t(Text::ImportIdx)}</span>
                    <input type="file" multiple data-testid="my-digits-import"
                        on:change=move |ev| import(event_target::<HtmlInputElement>(&ev))/>
                </label>
            </div>
        </div>
    }
}
