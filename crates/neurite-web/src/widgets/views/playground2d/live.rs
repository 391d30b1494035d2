//! The `playground2d` widget's handle: its state like any widget's, and beside it the commands
//! `play`, `pause`, `step` and `reset`, and its run's outputs — `epoch`, `train_loss`,
//! `test_loss`, `train_accuracy`, `test_accuracy`, `samples_per_second` — which its host hears
//! of while it trains ([`UserEdit::Progressed`]), five times a second.

use std::rc::Rc;

use leptos::prelude::*;

use super::runner::Runner;
use crate::dom::now_ms;
use crate::widgets::host::{Live, LiveWidget, Placement, UserEdit, context, unknown_command};
use crate::widgets::playground2d::Playground2d;
use crate::widgets::{Fields, Out, Refusal, Value, WidgetName};

/// The commands.
pub const COMMANDS: &[&str] = &["play", "pause", "step", "reset"];
/// Least time between two reports of progress, in milliseconds.
const PROGRESS_EVERY_MS: f64 = 200.0;

struct LivePlayground {
    live: Live<Playground2d>,
    runner: Runner,
}

impl LiveWidget for LivePlayground {
    fn name(&self) -> WidgetName {
        WidgetName::Playground2d
    }

    fn set(&self, patch: &[(String, Value)]) -> Result<(), Refusal> {
        self.live.set(patch)
    }

    fn set_leniently(&self, patch: &[(String, Value)]) -> Vec<Refusal> {
        self.live.set_leniently(patch)
    }

    fn fields(&self) -> Fields {
        self.live.fields()
    }

    fn outputs(&self) -> Fields {
        let mut fields = self.live.outputs();
        self.runner.frame.with_untracked(|frame| {
            let Some(frame) = frame else {
                return;
            };
            let f = &frame.frame;
            let optional = |v: Option<f64>| v.map_or(Out::Number(f64::NAN), Out::Number);
            fields.extend([
                ("epoch", Out::Number(f.epoch as f64)),
                ("train_loss", Out::Number(f.train_loss)),
                ("test_loss", Out::Number(f.test_loss)),
                ("train_accuracy", optional(f.train_accuracy)),
                ("test_accuracy", optional(f.test_accuracy)),
                ("samples_per_second", Out::Number(f.samples_per_second)),
                ("playing", Out::Flag(f.playing)),
            ]);
        });
        fields
    }

    fn show_refusal(&self, refusal: Refusal) {
        self.live.show_refusal(refusal);
    }

    fn command(&self, name: &str) -> Result<(), Refusal> {
        let runner = self.runner;
        match name {
            "play" => runner.play(self.live.state.with_untracked(Playground2d::stop_rule)),
            "pause" => runner.pause(),
            "step" => runner.step(),
            "reset" => runner.reset(),
            _ => return Err(unknown_command(name, COMMANDS)),
        }
        Ok(())
    }
}

/// Builds the widget: its worker, its view and its handle.
pub fn build(
    placement: Placement,
    notice: RwSignal<Option<Refusal>>,
) -> (AnyView, Rc<dyn LiveWidget>) {
    let (ctx, live) = context::<Playground2d>(&placement, notice);
    let runner = Runner::start();
    let on_edit = placement.on_edit.clone();
    let last_report = StoredValue::new(f64::NEG_INFINITY);
    let was_playing = StoredValue::new(false);
    Effect::new(move |_| {
        let playing = runner.frame.with(|f| f.as_ref().map(|f| f.frame.playing));
        let Some(playing) = playing else {
            return;
        };
        let now = now_ms();
        let stopped = was_playing.get_value() && !playing;
        was_playing.set_value(playing);
        if stopped || now - last_report.get_value() >= PROGRESS_EVERY_MS {
            last_report.set_value(now);
            on_edit(UserEdit::Progressed);
        }
    });
    let view = super::view(ctx, runner);
    (view, Rc::new(LivePlayground { live, runner }))
}
