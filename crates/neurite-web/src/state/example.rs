//! "Show the math": the query the page has asked the worker ([`ExampleView::ask`]) and the
//! worker's latest report on it ([`ExampleView::apply`]), with the first layer's gradient
//! images decoded from the payload. Reports on older queries are ignored.

use crate::protocol::{Envelope, ExampleQuery, ExampleReport, FromWorker, ToWorker};

/// The example being taken apart and what the worker last said of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExampleView {
    /// The number of the latest query.
    pub number: u64,
    /// The latest query (`None`: the panel is closed).
    pub query: Option<ExampleQuery>,
    /// The worker's latest report on it.
    pub report: Option<ExampleReport>,
    /// The report's gradient images, one run of `report.inputs` values per unit of
    /// `report.units`.
    pub images: Vec<f32>,
}

impl ExampleView {
    /// Asks for `query` (or stops asking): the message for the worker. The last report stays
    /// shown until the answer replaces it.
    pub fn ask(&mut self, query: Option<ExampleQuery>) -> ToWorker {
        self.number += 1;
        self.query = query;
        if query.is_none() {
            self.report = None;
            self.images.clear();
        }
        ToWorker::Explain {
            query: self.number,
            example: query,
        }
    }

    /// Takes a reply: a report on the latest query replaces the shown one. Returns whether it
    /// did; a report whose payload does not hold its images is refused.
    pub fn apply(&mut self, reply: &Envelope<FromWorker>) -> bool {
        let FromWorker::Example(report) = &reply.msg else {
            return false;
        };
        if report.query != self.number || self.query.is_none() {
            return false;
        }
        let bytes = reply.payload.as_deref().unwrap_or_default();
        let expected = report
            .units
            .len()
            .checked_mul(report.inputs)
            .and_then(|n| n.checked_mul(4));
        if expected != Some(bytes.len()) {
            return false;
        }
        self.images = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        self.report = Some(report.clone());
        true
    }

    /// The gradient image of the `i`-th unit of the report.
    pub fn image(&self, i: usize) -> Option<&[f32]> {
        let inputs = self.report.as_ref()?.inputs;
        self.images.get(i * inputs..(i + 1) * inputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ExampleSource, samples};

    fn sample_report() -> ExampleReport {
        samples::replies()
            .into_iter()
            .find_map(|r| match r {
                FromWorker::Example(report) => Some(report),
                _ => None,
            })
            .expect("a sample report")
    }

    fn query() -> ExampleQuery {
        ExampleQuery {
            source: ExampleSource::Test { index: 3 },
            label: 1,
            weight: None,
        }
    }

    #[test]
    fn a_report_on_the_latest_query_is_shown_with_its_images() {
        let mut view = ExampleView::default();
        let msg = view.ask(Some(query()));
        assert_eq!(
            msg,
            ToWorker::Explain {
                query: 1,
                example: Some(query())
            }
        );
        let mut report = sample_report();
        report.query = 1;
        let payload: Vec<u8> = (0..784).flat_map(|i| (i as f32).to_le_bytes()).collect();
        let reply = Envelope::with_payload(FromWorker::Example(report.clone()), payload);
        assert!(view.apply(&reply));
        assert_eq!(view.report, Some(report));
        assert_eq!(view.image(0).unwrap()[783], 783.0);
        assert!(view.image(1).is_none());

        // An answer to an older query is ignored once a new one is asked.
        view.ask(Some(ExampleQuery {
            label: 2,
            ..query()
        }));
        assert!(!view.apply(&reply));
        assert!(
            view.report.is_some(),
            "the last report stays until replaced"
        );
        // Closing forgets it.
        view.ask(None);
        assert!(view.report.is_none() && view.images.is_empty());
    }

    #[test]
    fn a_report_whose_payload_does_not_hold_its_images_is_refused() {
        let mut view = ExampleView::default();
        view.ask(Some(query()));
        let mut report = sample_report();
        report.query = 1;
        for payload in [None, Some(vec![0; 784 * 4 - 1]), Some(vec![0; 785 * 4])] {
            let reply = Envelope {
                msg: FromWorker::Example(report.clone()),
                payload,
            };
            assert!(!view.apply(&reply));
        }
        assert!(view.report.is_none());
    }
}
