//! [`TrainingData`]: what [`crate::Trainer`] trains on — a dataset, and how many of its samples
//! an epoch visits under the run's `train_subset`.
//!
//! A plain [`Dataset`] is cut to the first `train_subset` samples. A [`super::Mix`] has already
//! applied the subset to its base set, so an epoch visits all of it; the run's configuration
//! (which the playground shows and stores) stays as the learner set it.

use super::Dataset;

/// Data a [`crate::Trainer`] can train on.
pub trait TrainingData {
    /// The samples.
    fn dataset(&self) -> &Dataset;

    /// How many of the first samples of [`TrainingData::dataset`] an epoch visits, for a run
    /// whose `train_subset` is `train_subset`.
    fn samples_per_epoch(&self, train_subset: Option<usize>) -> usize;
}

impl TrainingData for Dataset {
    fn dataset(&self) -> &Dataset {
        self
    }

    /// The first `train_subset` samples, or all of them.
    fn samples_per_epoch(&self, train_subset: Option<usize>) -> usize {
        train_subset.map_or(self.len(), |n| n.min(self.len()))
    }
}
