//! The session's side of keeping a run safe: it sends checkpoints ([`FromWorker::Checkpoint`])
//! after every epoch, on pause, every [`CHECKPOINT_INTERVAL_MS`] of training and before a
//! trained model is replaced, and continues a run from one ([`ToWorker::Resume`]).
//!
//! [`ToWorker::Resume`]: crate::protocol::ToWorker::Resume
//! [`CHECKPOINT_INTERVAL_MS`]: crate::protocol::CHECKPOINT_INTERVAL_MS

use neurite::{Config, StepReport, Trainer, model_file};

use super::{Meter, Outbox, Session};
use crate::protocol::{
    CheckpointReason, Envelope, ErrorKind, FromWorker, Phase, Resumed, WorkerError, WorkerProblem,
};

/// Where a new run's model comes from.
pub(super) enum Origin {
    /// Freshly initialised.
    Fresh,
    /// A model file, by name.
    File(String),
    /// A stored run's checkpoint, by the page's name for it.
    Checkpoint(String),
}

impl Session {
    /// Queues a checkpoint of the run, unless it has not trained (nor been fine-tuned) or this
    /// state was sent.
    pub(super) fn push_checkpoint(&mut self, reason: CheckpointReason, now: f64, out: &mut Outbox) {
        let Some(trainer) = &self.trainer else {
            return;
        };
        let steps = trainer.steps();
        let sent = steps == 0 || self.checkpoint_steps == Some(steps);
        if (sent && !self.fine_tuned) || trainer.diverged() {
            return;
        }
        self.fine_tuned = false;
        self.checkpoint_steps = Some(steps);
        self.last_checkpoint_at = now;
        out.push(Envelope::with_payload(
            FromWorker::Checkpoint {
                run: self.run,
                reason,
                steps,
                epochs_done: trainer.epochs_done(),
            },
            trainer.checkpoint(),
        ));
    }

    /// Makes `trainer` the session's run: the last of a trained one goes out as a checkpoint
    /// first, then the new run is announced, paused where it stands.
    pub(super) fn install(&mut self, trainer: Trainer, origin: Origin, now: f64, out: &mut Outbox) {
        self.push_checkpoint(CheckpointReason::BeforeReplace, now, out);
        self.fine_tuned = false;
        self.run += 1;
        let position = trainer.position();
        out.push(Envelope::bare(FromWorker::Configured {
            summary: trainer.model().summary(),
            config: Config::clone(trainer.config()),
            run: self.run,
            resumed: match &origin {
                Origin::Checkpoint(record) => Some(Resumed {
                    record: record.clone(),
                    steps: trainer.steps(),
                    epochs_done: position.epochs_done,
                }),
                _ => None,
            },
            loaded: match origin {
                Origin::File(name) => Some(name),
                _ => None,
            },
        }));
        self.phase = if trainer.is_done() {
            Phase::Finished
        } else if trainer.steps() > 0 {
            Phase::Paused
        } else {
            Phase::Idle
        };
        self.checkpoint_steps = Some(trainer.steps());
        self.last_checkpoint_at = now;
        self.steps_left = 0;
        self.evaluation = None;
        self.meter = Meter {
            epoch_seen: position.seen,
            epoch_correct: position.correct as f64,
            ..Meter::default()
        };
        // The epoch's running means, as training had them, until the next batch.
        self.last_report = (position.seen > 0).then(|| StepReport {
            epoch: position.epochs_done + 1,
            batch: position.batch,
            batches_per_epoch: position
                .epoch_samples
                .div_ceil(trainer.config().training.batch_size),
            samples: 0,
            loss: position.loss_sum / position.seen as f64,
            accuracy: position.correct as f64 / position.seen as f64,
            last_batch_loss: f64::NAN,
            outcome: neurite::Outcome::Running,
        });
        self.trainer = Some(trainer);
        self.report_now(now, out);
    }

    /// Continues the run of a checkpoint file, or refuses it and keeps the current one.
    pub(super) fn resume(
        &mut self,
        record: String,
        bytes: Option<&[u8]>,
        now: f64,
        out: &mut Outbox,
    ) {
        let Some(bytes) = bytes else {
            return out.push(Envelope::bare(FromWorker::Error(WorkerError::worker(
                ErrorKind::Protocol,
                WorkerProblem::NoFile,
            ))));
        };
        let refuse = |e: neurite::Error, out: &mut Outbox| {
            let mut e = WorkerError::from(e).in_file(&record);
            e.kind = ErrorKind::ModelFile;
            out.push(Envelope::bare(FromWorker::Error(e)));
        };
        let file = match model_file::read(bytes) {
            Ok(file) => file,
            Err(e) => return refuse(e, out),
        };
        let Some(training) = file.training else {
            return out.push(Envelope::bare(FromWorker::Error(WorkerError::worker(
                ErrorKind::ModelFile,
                WorkerProblem::NotACheckpoint { name: record },
            ))));
        };
        if let Some(data) = &self.data
            && let Err(e) = file.model.check_fits(&data.train)
        {
            return refuse(e, out);
        }
        match Trainer::resume(file.model, training) {
            Ok(trainer) => self.install(trainer, Origin::Checkpoint(record), now, out),
            Err(e) => refuse(e, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{only_error, replies, session, ticking};
    use super::*;
    use crate::protocol::ToWorker;

    fn send(session: &mut Session, msg: ToWorker, out: &mut Outbox) {
        session.handle(Envelope::bare(msg), &mut ticking(), out);
    }

    /// Runs queued work until the session is idle.
    fn work_until_idle(session: &mut Session, out: &mut Outbox) {
        let mut clock = ticking();
        while session.has_work() {
            session.work(&mut clock, 5.0, out);
        }
    }

    fn checkpoints(out: &Outbox) -> Vec<(u64, CheckpointReason, u64, &[u8])> {
        out.iter()
            .filter_map(|e| match e.msg {
                FromWorker::Checkpoint {
                    run, reason, steps, ..
                } => Some((run, reason, steps, e.payload.as_deref().unwrap())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_step_an_epoch_and_a_replacement_each_send_a_checkpoint_once() {
        let (mut s, mut out) = session();
        out.clear();
        send(&mut s, ToWorker::Step { batches: 3 }, &mut out);
        work_until_idle(&mut s, &mut out);
        let after_step: Vec<_> = checkpoints(&out).iter().map(|c| (c.0, c.1, c.2)).collect();
        assert_eq!(after_step, [(1, CheckpointReason::Paused, 3)]);
        // Nothing new to store: a pause sends nothing.
        out.clear();
        send(&mut s, ToWorker::Pause, &mut out);
        assert!(checkpoints(&out).is_empty());
        // The rest of the epoch (256 samples in batches of 8): one checkpoint when it ends.
        send(&mut s, ToWorker::Start, &mut out);
        let mut clock = ticking();
        while s.trainer().unwrap().epochs_done() == 0 || s.evaluation.is_some() {
            s.work(&mut clock, 1.0, &mut out);
        }
        let reasons: Vec<_> = checkpoints(&out).iter().map(|c| (c.1, c.2)).collect();
        assert_eq!(reasons, [(CheckpointReason::EpochEnd, 32)]);
        // Reset while training replaces a trained model: its last state goes out first.
        s.work(&mut clock, 1.0, &mut out);
        let trained = s.trainer().unwrap().steps();
        assert!(trained > 32);
        out.clear();
        send(&mut s, ToWorker::Reset, &mut out);
        match &replies(&out)[..2] {
            [
                FromWorker::Checkpoint {
                    run: 1,
                    reason: CheckpointReason::BeforeReplace,
                    steps,
                    epochs_done: 1,
                },
                FromWorker::Configured {
                    run: 2,
                    resumed: None,
                    ..
                },
            ] => assert_eq!(*steps, trained),
            other => panic!("{other:?}"),
        }
        // A fresh run has nothing to lose: replacing it sends no checkpoint.
        out.clear();
        send(&mut s, ToWorker::Reset, &mut out);
        assert!(checkpoints(&out).is_empty());
    }

    #[test]
    fn a_resumed_run_continues_from_its_checkpoint_and_says_where_it_came_from() {
        let (mut s, mut out) = session();
        send(&mut s, ToWorker::Step { batches: 5 }, &mut out);
        work_until_idle(&mut s, &mut out);
        let (_, _, steps, file) = checkpoints(&out)[0];
        let file = file.to_vec();
        assert_eq!(steps, 5);
        // Another run replaces it; the checkpoint brings it back, paused at step 5.
        send(&mut s, ToWorker::Reset, &mut out);
        out.clear();
        s.handle(
            Envelope::with_payload(
                ToWorker::Resume {
                    record: "run-a".into(),
                },
                file,
            ),
            &mut ticking(),
            &mut out,
        );
        match replies(&out)[0] {
            FromWorker::Configured {
                run: 3,
                resumed: Some(resumed),
                ..
            } => {
                assert_eq!(resumed.record, "run-a");
                assert_eq!((resumed.steps, resumed.epochs_done), (5, 0));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.phase(), Phase::Paused);
        let progress = out.iter().find_map(|e| match &e.msg {
            FromWorker::Progress(p) => Some(p.clone()),
            _ => None,
        });
        let progress = progress.unwrap();
        assert_eq!((progress.batch, progress.epoch), (5, 1));
        assert!(
            progress.loss.is_finite(),
            "the epoch's running loss came back"
        );
        assert!((progress.position - 40.0 / 256.0).abs() < 1e-12);
        out.clear();
        send(&mut s, ToWorker::Step { batches: 1 }, &mut out);
        work_until_idle(&mut s, &mut out);
        assert_eq!(s.trainer().unwrap().steps(), 6);
        assert_eq!(
            checkpoints(&out)[0].0,
            3,
            "checkpoints carry the new run's number"
        );
    }

    #[test]
    fn a_file_that_cannot_continue_is_refused_and_the_run_kept() {
        let (mut s, mut out) = session();
        send(&mut s, ToWorker::Step { batches: 2 }, &mut out);
        work_until_idle(&mut s, &mut out);
        let plain = model_file::to_bytes(s.trainer().unwrap().model());
        for (bytes, expect) in [
            (plain, "holds a model but not its run"),
            (b"not a checkpoint".to_vec(), "too short"),
        ] {
            out.clear();
            s.handle(
                Envelope::with_payload(
                    ToWorker::Resume {
                        record: "run-b".into(),
                    },
                    bytes,
                ),
                &mut ticking(),
                &mut out,
            );
            let e = only_error(&out);
            assert_eq!(e.kind, ErrorKind::ModelFile);
            assert!(e.en.contains(expect) || e.en.contains("run-b"), "{}", e.en);
            assert_eq!(s.trainer().unwrap().steps(), 2);
        }
        // A checkpoint of a model for other data is refused before it replaces anything.
        let mut other = super::super::tests::toy_config();
        other.model.input_shape = vec![5];
        let trainer = Trainer::new(other.check().unwrap()).unwrap();
        out.clear();
        s.handle(
            Envelope::with_payload(
                ToWorker::Resume {
                    record: "run-c".into(),
                },
                trainer.checkpoint(),
            ),
            &mut ticking(),
            &mut out,
        );
        assert_eq!(only_error(&out).kind, ErrorKind::ModelFile);
        assert_eq!(s.trainer().unwrap().steps(), 2);
    }

    #[test]
    fn training_sends_a_checkpoint_every_interval() {
        let (mut s, mut out) = session();
        send(&mut s, ToWorker::Start, &mut out);
        out.clear();
        // A clock of 1 s per reading: a slice reads it three times.
        let mut t = 0.0;
        let mut slow = || {
            t += 1_000.0;
            t
        };
        for _ in 0..12 {
            s.work(&mut slow, 1.0, &mut out);
        }
        let reasons: Vec<_> = checkpoints(&out).iter().map(|c| c.1).collect();
        assert!(
            reasons.iter().all(|r| *r == CheckpointReason::Interval),
            "{reasons:?}"
        );
        // 36 s of training: one checkpoint per 10 s, not one per slice.
        assert!((2..=4).contains(&reasons.len()), "{reasons:?}");
    }

    #[test]
    fn ping_is_answered_with_its_beat() {
        let (mut s, mut out) = session();
        out.clear();
        send(&mut s, ToWorker::Ping { beat: 41 }, &mut out);
        assert_eq!(replies(&out), [&FromWorker::Pong { beat: 41 }]);
    }

    #[test]
    fn new_training_settings_keep_the_weights_and_let_a_finished_run_go_on() {
        let (mut s, mut out) = session();
        let file = model_file::to_bytes(s.trainer().unwrap().model());
        s.handle(
            Envelope::with_payload(
                ToWorker::LoadModel {
                    file_name: "m.safetensors".into(),
                },
                file,
            ),
            &mut ticking(),
            &mut out,
        );
        assert!(out.iter().any(|e| matches!(
            &e.msg,
            FromWorker::Configured { loaded: Some(name), .. } if name == "m.safetensors"
        )));
        send(&mut s, ToWorker::Start, &mut out);
        work_until_idle(&mut s, &mut out);
        assert_eq!(s.phase(), Phase::Finished);
        let weights = |s: &Session| -> Vec<f32> {
            let model = s.trainer().unwrap().model();
            model
                .named_params()
                .into_iter()
                .flat_map(|(_, p)| p.value.to_vec())
                .collect()
        };
        let trained = weights(&s);
        let mut training = s.trainer().unwrap().config().training.clone();
        training.epochs = 3;
        training.l2 = 1e-4;
        out.clear();
        send(&mut s, ToWorker::SetTraining { training }, &mut out);
        assert_eq!(s.phase(), Phase::Paused, "one more epoch to go");
        assert_eq!(weights(&s), trained);
        assert!(matches!(
            replies(&out)[0],
            FromWorker::Progress(p) if p.epochs == 3
        ));
        send(&mut s, ToWorker::Start, &mut out);
        work_until_idle(&mut s, &mut out);
        assert_eq!(s.trainer().unwrap().epochs_done(), 3);
        // A setting the engine refuses changes nothing.
        let mut bad = s.trainer().unwrap().config().training.clone();
        bad.epochs = 0;
        out.clear();
        send(&mut s, ToWorker::SetTraining { training: bad }, &mut out);
        assert_eq!(only_error(&out).field.as_deref(), Some("epochs"));
        assert_eq!(s.trainer().unwrap().config().training.epochs, 3);
    }
}
