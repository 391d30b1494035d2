//! [`DataStatus`]: how far the dataset the run trains on has come, as the worker reports it.

use neurite::DatasetKind;

use crate::protocol::{ErrorKind, FromWorker, WorkerError};

/// How far the dataset has come.
#[derive(Debug, Clone, PartialEq)]
pub enum DataStatus {
    /// Being fetched by the worker.
    Loading(DatasetKind),
    /// Loaded in `millis`.
    Loaded {
        /// Which dataset.
        dataset: DatasetKind,
        /// Training samples.
        train: usize,
        /// Time to fetch and decompress.
        millis: f64,
    },
    /// Could not be loaded, for this reason.
    Failed(WorkerError),
}

impl Default for DataStatus {
    fn default() -> Self {
        DataStatus::Loading(DatasetKind::default())
    }
}

impl DataStatus {
    /// The status after `reply`, if `reply` is about the data.
    pub fn after(reply: &FromWorker) -> Option<DataStatus> {
        match reply {
            FromWorker::DataLoaded {
                dataset,
                train_samples,
                millis,
                ..
            } => Some(DataStatus::Loaded {
                dataset: *dataset,
                train: *train_samples,
                millis: *millis,
            }),
            FromWorker::Error(error) if error.kind == ErrorKind::Data => {
                Some(DataStatus::Failed(error.clone()))
            }
            _ => None,
        }
    }

    /// Whether training data is there.
    pub fn is_loaded(&self) -> bool {
        matches!(self, DataStatus::Loaded { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::WorkerProblem;

    #[test]
    fn loaded_and_failed_data_are_reported_and_other_replies_ignored() {
        let loaded = FromWorker::DataLoaded {
            dataset: DatasetKind::FashionMnist,
            train_samples: 60_000,
            test_samples: 10_000,
            millis: 480.0,
        };
        assert_eq!(
            DataStatus::after(&loaded),
            Some(DataStatus::Loaded {
                dataset: DatasetKind::FashionMnist,
                train: 60_000,
                millis: 480.0
            })
        );
        let status = WorkerError::worker(
            ErrorKind::Data,
            WorkerProblem::HttpStatus {
                url: "mnist/train-images-idx3-ubyte.gz".into(),
                status: 404,
            },
        );
        let failed = FromWorker::Error(status.clone());
        assert_eq!(DataStatus::after(&failed), Some(DataStatus::Failed(status)));
        let other = FromWorker::Error(WorkerError::worker(
            ErrorKind::State,
            WorkerProblem::DataLoading,
        ));
        assert_eq!(DataStatus::after(&other), None);
        assert_eq!(
            DataStatus::default(),
            DataStatus::Loading(DatasetKind::Mnist)
        );
    }
}
