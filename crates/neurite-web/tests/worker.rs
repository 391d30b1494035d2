//! Browser tests inside a dedicated Web Worker, where the trainer runs: every protocol message
//! survives `postMessage` with its payload transferred, written by one side's codec and read
//! by the other's, and a short real training run on MNIST lowers the loss.
#![cfg(target_arch = "wasm32")]

use js_sys::{ArrayBuffer, Promise, Reflect};
use neurite::{Config, Dataset};
use neurite_web::protocol::{Envelope, FromWorker, Phase, ToWorker, samples};
use neurite_web::session::{Outbox, Session};
use neurite_web::transport::{self, BrowserJson, Codec, EngineJson};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{MessageChannel, MessageEvent};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

mod support;
use support::{IMAGES, LABELS};

/// Posts `envelope` through a real `MessageChannel`, written with codec `W`, and decodes what
/// arrives with codec `R`.
async fn through_channel<W: Codec, R: Codec, M>(envelope: &Envelope<M>) -> Envelope<M>
where
    M: Serialize + DeserializeOwned,
{
    let channel = MessageChannel::new().unwrap();
    let received = Promise::new(&mut |resolve, _reject| {
        let on_message = Closure::once_into_js(move |event: MessageEvent| {
            resolve.call1(&JsValue::NULL, &event.data()).unwrap();
        });
        channel
            .port2()
            .set_onmessage(Some(on_message.unchecked_ref()));
    });
    let outgoing = transport::encode::<W, M>(envelope).unwrap();
    let sent_buffer = Reflect::get(&outgoing.value, &"payload".into()).unwrap();
    channel
        .port1()
        .post_message_with_transferable(&outgoing.value, &outgoing.transfer)
        .unwrap();
    if let Ok(buffer) = sent_buffer.dyn_into::<ArrayBuffer>() {
        assert_eq!(
            buffer.byte_length(),
            0,
            "the payload was copied, not transferred"
        );
    }
    let data = JsFuture::from(received).await.unwrap();
    transport::decode::<R, M>(&data).unwrap()
}

#[wasm_bindgen_test]
async fn every_request_the_page_writes_reaches_the_worker() {
    for msg in samples::requests() {
        let sent = Envelope::with_payload(msg, vec![1, 2, 3]);
        assert_eq!(
            through_channel::<BrowserJson, EngineJson, _>(&sent).await,
            sent
        );
        let bare = Envelope::bare(sent.msg);
        assert_eq!(
            through_channel::<BrowserJson, EngineJson, _>(&bare).await,
            bare
        );
    }
}

#[wasm_bindgen_test]
async fn every_reply_the_worker_writes_reaches_the_page_with_its_payload_transferred() {
    for msg in samples::replies() {
        let sent = Envelope::with_payload(msg, (0..=255).collect());
        assert_eq!(
            through_channel::<EngineJson, BrowserJson, _>(&sent).await,
            sent
        );
    }
    let bare = Envelope::bare(FromWorker::Ready {
        kernels: neurite::kernels::active(),
    });
    assert_eq!(
        through_channel::<EngineJson, BrowserJson, _>(&bare).await,
        bare
    );
}

#[wasm_bindgen_test]
fn a_message_that_is_not_json_or_not_a_request_is_an_error() {
    let envelope = |text: &str| {
        let value = js_sys::Object::new();
        Reflect::set(&value, &"msg".into(), &text.into()).unwrap();
        JsValue::from(value)
    };
    for text in ["{", r#""launch_rockets""#, r#"{"step":{"batches":-1}}"#] {
        assert!(
            transport::decode::<EngineJson, ToWorker>(&envelope(text)).is_err(),
            "{text}"
        );
        assert!(
            transport::decode::<BrowserJson, ToWorker>(&envelope(text)).is_err(),
            "{text}"
        );
    }
    assert!(transport::decode::<EngineJson, ToWorker>(&JsValue::from(3)).is_err());
}

#[wasm_bindgen_test]
fn a_short_real_training_run_in_the_worker_lowers_the_loss() {
    let data = Dataset::from_idx_bytes("t10k", IMAGES, LABELS).unwrap();
    let (train, test) = (data.slice(0..8_000), data.slice(8_000..10_000));
    let mut config = Config::default();
    config.training.epochs = 1;
    config.training.train_subset = Some(3_200);

    let performance = js_sys::global()
        .unchecked_into::<web_sys::WorkerGlobalScope>()
        .performance()
        .unwrap();
    let mut clock = move || performance.now();
    let mut session = Session::new();
    let mut out = Outbox::new();
    session.set_data(neurite::DatasetKind::Mnist, train, test, 0.0, &mut out);
    session.handle(
        Envelope::bare(ToWorker::Configure { config }),
        &mut clock,
        &mut out,
    );
    session.handle(
        Envelope::bare(ToWorker::Step { batches: 5 }),
        &mut clock,
        &mut out,
    );
    while session.has_work() {
        session.work(&mut clock, 15.0, &mut out);
    }
    let loss_after = |out: &Outbox| {
        out.iter()
            .rev()
            .find_map(|e| match &e.msg {
                FromWorker::Progress(p) if p.loss.is_finite() => Some(p.loss),
                _ => None,
            })
            .unwrap()
    };
    let early_loss = loss_after(&out);
    session.handle(Envelope::bare(ToWorker::Start), &mut clock, &mut out);
    while session.has_work() {
        session.work(&mut clock, 15.0, &mut out);
    }
    assert_eq!(session.phase(), Phase::Finished);
    let epoch_end = out.iter().find_map(|e| match &e.msg {
        FromWorker::EpochEnd {
            train_loss,
            test_loss,
            test_accuracy,
            ..
        } => Some((*train_loss, *test_loss, *test_accuracy)),
        _ => None,
    });
    let (train_loss, test_loss, test_accuracy) = epoch_end.unwrap();
    assert!(
        train_loss < early_loss && test_loss < early_loss,
        "loss after 5 batches {early_loss}, after the epoch {train_loss} (test {test_loss})"
    );
    assert!(test_accuracy > 0.8, "test accuracy {test_accuracy}");
}
