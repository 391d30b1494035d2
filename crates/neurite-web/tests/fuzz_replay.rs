//! The playground's fuzz targets (`fuzz/`), replayed natively as regression tests: the worker's
//! message decoder driving a session, and widget URLs, with the same target bodies under the
//! same bounds (512 MiB of live heap, 10 s an input), on their seeds, on the seed corpus and on
//! every crash or hang the fuzzer found (`fuzz/regressions/`).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../../fuzz/src/bound.rs"]
mod bound;
#[path = "../../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../../fuzz/src/widget_url.rs"]
mod widget_url;
#[path = "../../../fuzz/src/worker_messages.rs"]
mod worker_messages;

#[test]
fn worker_message_sequences_get_replies_the_page_decodes_within_the_bounds() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "worker_messages",
        worker_messages::worker_messages,
        worker_messages::seeds,
    );
}

#[test]
fn widget_urls_set_valid_states_that_survive_their_own_url_within_the_bounds() {
    replay::replay(
        env!("CARGO_MANIFEST_DIR"),
        "widget_url",
        widget_url::widget_url,
        widget_url::seeds,
    );
}

#[test]
fn a_session_of_seeds_reaches_training_prediction_explanation_and_model_files() {
    let (_, session) = worker_messages::seeds()
        .into_iter()
        .find(|(name, _)| name == "toy_session.msgs")
        .expect("the toy session is a seed");
    let (kinds, peak) = bound::peak_during(|| worker_messages::replies(&session));
    assert!(peak < 64 << 20, "a toy session held {peak} bytes at once");
    for kind in [
        "data_loaded",
        "configured",
        "progress",
        "snapshot",
        "prediction",
        "example",
        "model_file",
        "epoch_end",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} in {kinds:?}");
    }
    // A message that does not decode is refused, and the session goes on with the next.
    let kinds =
        worker_messages::replies(b"{\"step\":{\"batches\":-1}}\xff\n\"export_model\"\xff\n");
    assert_eq!(kinds, ["data_loaded", "error"]);
}

#[test]
fn a_url_sets_its_widget_and_one_without_a_known_widget_is_tried_on_every_widget() {
    use neurite_web::widgets::WidgetName;
    assert_eq!(
        widget_url::widgets_set(b"widget=neuron&w=0.5,-1&b=1e9&activation=tanh"),
        [(WidgetName::Neuron, 1)]
    );
    let every = widget_url::widgets_set(b"widget=mandelbrot&x=1");
    assert_eq!(every.len(), WidgetName::ALL.len(), "{every:?}");
}

/// The fuzzer tries queries up to 4 KiB (`scripts/fuzz.sh`); a longer one costs in proportion
/// to its length: 128 KiB of repeated keys, refused values and junk is read for every widget
/// within the bounds, each of its thousands of refusals worded.
#[test]
fn a_query_of_128_kib_is_read_for_every_widget_within_the_bounds() {
    use neurite_web::widgets::WidgetName;
    let unit = "x=1,2&b=0.25&w=pr&\u{fffd}o=1&y=.5,-1-1&controls=w,w,w&steps=1e12&=&&";
    let query = unit.repeat((128 << 10) / unit.len());
    let (every, peak) = bound::peak_during(|| widget_url::widgets_set(query.as_bytes()));
    assert_eq!(every.len(), WidgetName::ALL.len(), "{every:?}");
    assert!(
        every.iter().all(|&(_, refused)| refused > 1000),
        "the junk is refused value by value: {every:?}"
    );
    assert!(peak < 64 << 20, "a 128 KiB query held {peak} bytes at once");
}
