//! Target `worker_messages`: what the page sends the training worker, decoded as the worker
//! decodes it (`serde_json` into `neurite_web::protocol::ToWorker`) and handed, message by
//! message, to a native `neurite_web::session::Session` that holds a small toy dataset.
//!
//! The input is a sequence of records, each ended by [`RECORD_END`]: a message's JSON text,
//! then, after a NUL byte, the bytes of its payload if it has one. After each message the
//! session works a few bounded slices, as the worker's loop does between two messages. Every
//! message is decoded or refused with a message; every reply is one the page can decode, and
//! every error reply is worded in both languages. The time bound holds for each message and
//! each slice alone, as the worker yields between them.

use neurite::{Config, Dataset, ModelSpec, Sequential, TrainConfig, Trainer, model_file};
use neurite_web::protocol::{Envelope, ExampleQuery, ExampleSource, FromWorker, ToWorker};
use neurite_web::session::{Outbox, Session};

use crate::bound;

/// Ends a record: `0xFF` never occurs in UTF-8 text, so a message's JSON cannot hold it.
pub const RECORD_END: &[u8] = b"\xff\n";
/// Separates a record's JSON text from its payload.
const PAYLOAD_START: u8 = 0;
/// Messages handled per input, at most: each costs one message's work, so a long input is
/// not a slow one.
const MAX_MESSAGES: usize = 32;
/// Slices of work after each message, at most.
const WORK_SLICES: usize = 6;
/// The budget of one slice, in the fake clock's milliseconds: two batches (or test slices).
const SLICE_MS: f64 = 10.0;
/// How far the fake clock moves at each reading, in milliseconds. The clock is fake so that
/// an input always takes the same path; the real worker's slices are bounded by real time.
const TICK_MS: f64 = 5.0;

/// Two classes of 4-pixel "images": sample `i` is of class `i % 2`, bright on the left half
/// for class 0 and on the right half for class 1, with a little noise.
fn toy_data(n: usize) -> Dataset {
    let pixels = (0..n)
        .flat_map(|i| {
            let noise = (i * 37 % 50) as u8;
            let mut row = [200, 200 - noise, noise, 0];
            if i % 2 == 1 {
                row.reverse();
            }
            row
        })
        .collect();
    let labels = (0..n).map(|i| (i % 2) as u8).collect();
    Dataset::new(vec![4], pixels, labels, 2).expect("the toy data is consistent")
}

/// A model the toy data fits: 4 inputs, 2 classes.
fn toy_config() -> Config {
    let spec = r#"{"input_shape":[4],"layers":[{"type":"dense","units":8,"activation":"relu"},{"type":"dense","units":2,"activation":"softmax"}]}"#;
    Config {
        model: serde_json::from_str::<ModelSpec>(spec).expect("the toy specification reads"),
        training: TrainConfig {
            epochs: 2,
            batch_size: 32,
            learning_rate: 0.01,
            ..Default::default()
        },
    }
}

/// Splits the input into records at each [`RECORD_END`].
fn split_records(mut data: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        if data.is_empty() {
            return None;
        }
        let end = data.windows(RECORD_END.len()).position(|w| w == RECORD_END);
        let (record, rest) = match end {
            Some(at) => (&data[..at], &data[at + RECORD_END.len()..]),
            None => (data, &[][..]),
        };
        data = rest;
        Some(record)
    })
}

/// Splits the input into its messages' text and payloads.
fn records(data: &[u8]) -> impl Iterator<Item = (String, Option<Vec<u8>>)> + '_ {
    split_records(data).take(MAX_MESSAGES).map(|record| {
        match record.iter().position(|&b| b == PAYLOAD_START) {
            Some(at) => (
                String::from_utf8_lossy(&record[..at]).into_owned(),
                Some(record[at + 1..].to_vec()),
            ),
            None => (String::from_utf8_lossy(record).into_owned(), None),
        }
    })
}

/// The input of a sequence of messages, each with its payload if it has one.
pub fn join(messages: &[(ToWorker, Option<Vec<u8>>)]) -> Vec<u8> {
    let mut data = Vec::new();
    for (msg, payload) in messages {
        data.extend_from_slice(
            serde_json::to_string(msg)
                .expect("a request encodes")
                .as_bytes(),
        );
        if let Some(payload) = payload {
            assert!(
                !payload.windows(RECORD_END.len()).any(|w| w == RECORD_END),
                "a seed's payload holds the record end"
            );
            data.push(PAYLOAD_START);
            data.extend_from_slice(payload);
        }
        data.extend_from_slice(RECORD_END);
    }
    data
}

/// Decodes each message of `data`, hands it to a session with toy data, lets the session work
/// a few slices, and checks every reply.
pub fn worker_messages(data: &[u8]) {
    replies(data);
}

/// [`worker_messages`], returning the kind of every reply in order (`configured`,
/// `progress`, …).
pub fn replies(data: &[u8]) -> Vec<String> {
    let mut session = Session::new();
    let mut out = Outbox::new();
    let mut kinds = Vec::new();
    let mut now = 0.0;
    let mut clock = move || {
        now += TICK_MS;
        now
    };
    session.set_data(
        neurite::DatasetKind::Mnist,
        toy_data(256),
        toy_data(64),
        1.0,
        &mut out,
    );
    check_replies(&mut out, &mut kinds);
    for (text, payload) in records(data) {
        let msg = match serde_json::from_str::<ToWorker>(&text) {
            // `crash` panics on purpose (the page's recovery is tested with it): skipped, so
            // that the fuzzer looks past it.
            Ok(ToWorker::Crash) => continue,
            Ok(msg) => msg,
            Err(e) => {
                assert!(
                    !e.to_string().trim().is_empty(),
                    "a refusal without a message"
                );
                continue;
            }
        };
        // The worker yields between a message and each slice of work: each is bounded alone.
        bound::timed("worker_messages", || {
            session.handle(Envelope { msg, payload }, &mut clock, &mut out);
        });
        for _ in 0..WORK_SLICES {
            if !session.has_work() {
                break;
            }
            bound::timed("worker_messages", || {
                session.work(&mut clock, SLICE_MS, &mut out);
            });
        }
        check_replies(&mut out, &mut kinds);
    }
    kinds
}

/// Every reply travels as JSON text that the page decodes; an error is worded in English and
/// 中文. Empties the outbox into `kinds`, the replies' kinds.
fn check_replies(out: &mut Outbox, kinds: &mut Vec<String>) {
    for reply in out.drain(..) {
        let text = serde_json::to_string(&reply.msg)
            .unwrap_or_else(|e| panic!("a reply does not encode ({e}): {:?}", reply.msg));
        let json: serde_json::Value =
            serde_json::from_str(&text).expect("serde_json reads its own");
        if let Err(e) = serde_json::from_str::<FromWorker>(&text) {
            panic!("a reply does not decode ({e}): {text}");
        }
        if let FromWorker::Error(error) = &reply.msg {
            assert!(
                !error.en.trim().is_empty() && !error.zh.trim().is_empty(),
                "an error without its words: {error:?}"
            );
        }
        let kind = match json {
            serde_json::Value::Object(fields) => fields.keys().next().cloned(),
            serde_json::Value::String(kind) => Some(kind),
            _ => None,
        };
        kinds.push(kind.unwrap_or_default());
    }
}

/// The seed corpus: every request alone, and sessions that configure the toy model, train,
/// classify, explain, export and load a model file.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    let model = Sequential::<f32>::from_spec(&toy_config().model, 3).expect("the toy model builds");
    let file = model_file::to_bytes(&model);
    let checked = toy_config().check().expect("the toy configuration checks");
    let checkpoint = Trainer::new(checked)
        .expect("the toy trainer builds")
        .checkpoint();
    let payload_of = |msg: &ToWorker| match msg {
        ToWorker::LoadModel { .. } => Some(file.clone()),
        ToWorker::Resume { .. } => Some(checkpoint.clone()),
        ToWorker::Classify { .. } => Some(vec![0, 90, 180, 255]),
        _ => None,
    };
    let mut seeds: Vec<(String, Vec<u8>)> = neurite_web::protocol::samples::requests()
        .into_iter()
        .enumerate()
        .map(|(i, msg)| {
            let payload = payload_of(&msg);
            (format!("request{i:02}.msgs"), join(&[(msg, payload)]))
        })
        .collect();
    let configure = ToWorker::Configure {
        config: toy_config(),
    };
    let explain = |source, weight| ToWorker::Explain {
        query: 1,
        example: Some(ExampleQuery {
            source,
            label: 1,
            weight,
        }),
    };
    let session: Vec<(ToWorker, Option<Vec<u8>>)> = vec![
        (configure.clone(), None),
        (
            ToWorker::Classify { drawing: 1 },
            Some(vec![200, 150, 10, 0]),
        ),
        (explain(ExampleSource::Test { index: 5 }, None), None),
        (ToWorker::Start, None),
        (ToWorker::Pause, None),
        (ToWorker::SetLearningRate { learning_rate: 0.5 }, None),
        (ToWorker::SetBatchSize { batch_size: 64 }, None),
        (ToWorker::Step { batches: 40 }, None),
        (explain(ExampleSource::Drawing, None), None),
        (ToWorker::ExportModel, None),
        (ToWorker::Reset, None),
        (
            ToWorker::LoadModel {
                file_name: "toy.safetensors".into(),
            },
            Some(file.clone()),
        ),
        (ToWorker::Start, None),
    ];
    seeds.push(("toy_session.msgs".into(), join(&session)));
    seeds.push((
        "toy_run_to_the_end.msgs".into(),
        join(&[
            (configure, None),
            (ToWorker::Step { batches: 100 }, None),
            (ToWorker::Start, None),
            (ToWorker::Start, None),
        ]),
    ));
    seeds
}
