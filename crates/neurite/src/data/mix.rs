//! [`Mix`]: a training set with the learner's own images ([`Collection`]) mixed in at a share.
//!
//! The share `s` is the expected fraction of each batch's samples that come from the
//! collection. A mix holds the first `n` samples of the base set (its `train_subset`, as a
//! plain run would train on) followed by `k` whole copies of the collection's `m` images, with
//! `k = round(s·n / ((1 − s)·m))`, at least 1 when `s > 0`: the copies are then `k·m / (n + k·m)
//! ≈ s` of the samples, and as the trainer shuffles all of them each epoch (from the run's seed),
//! about `s` of every batch. `s = 0` is the base set alone; `s = 1` is the collection alone,
//! once per epoch (fine-tuning on it).
//!
//! The copies hold at most [`MAX_MIX_EXTRA_SAMPLES`] samples, so a mix takes at most
//! `(n + 60 000) × 784` bytes: with all of MNIST's 60 000 training images, 94 MB, and then the
//! largest share reached is ½ ([`Mix::share`] says what share a mix has). The base samples are
//! copied too, so a mix costs its base's `n × 784` bytes again.
//!
//! ```
//! use neurite::data::{Collection, Mix, TrainingData};
//! use neurite::Dataset;
//!
//! let mnist_like = Dataset::new(vec![28, 28], vec![0; 900 * 784], vec![1; 900], 10)?;
//! let mine = Collection::new(vec![255; 10 * 784], vec![7; 10])?;
//! let mix = Mix::new(&mnist_like, None, &mine, 0.1)?;
//! // 900 base images and 10 copies of the 10 images: 100 of 1 000 samples, a share of 0.1.
//! assert_eq!((mix.base_samples(), mix.copies(), mix.len()), (900, 10, 1_000));
//! // An epoch visits all of it, whatever the run's `train_subset`.
//! assert_eq!(mix.samples_per_epoch(Some(500)), 1_000);
//! # Ok::<(), neurite::Error>(())
//! ```

use super::collection::{CLASSES, IMAGE_SIDE};
use super::{Collection, Dataset, TrainingData};
use crate::{Bound, DatasetReason, Error, Quantity, Reason, Result};

/// The most samples the copies of a collection may hold in a mix: as many as MNIST's training
/// set (47 MB of pixels).
pub const MAX_MIX_EXTRA_SAMPLES: usize = 60_000;

/// The share the CLI's `--extra-share` defaults to: one sample in ten from the collection. With
/// 30 images and 6 000 base samples that is 22 copies, each image seen 22 times an epoch —
/// enough for the seed model to learn digits MNIST lacks (30/30, from 6/30) while its MNIST
/// test accuracy moves by less than half a point (`tests/my_digits_training.rs`).
pub const DEFAULT_SHARE: f64 = 0.1;

/// The field a refused share is named by, as the CLI's `--extra-share`.
pub const SHARE_FIELD: &str = "extra_share";

/// A base training set with copies of a collection after it: what a run trains on when the
/// learner's own images are mixed in.
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    data: Dataset,
    base_samples: usize,
    copies: usize,
}

impl Mix {
    /// The first samples of `base` — `train_subset` of them, or all — followed by copies of
    /// `extra`, so that they are about `share` of the samples.
    ///
    /// # Errors
    /// A `share` that is not in [0, 1] ([`SHARE_FIELD`]); a `base` that is not labelled images
    /// of the collection's shape and classes ([`DatasetReason::MixNotImages`],
    /// [`DatasetReason::MixShape`], [`DatasetReason::MixClasses`]).
    pub fn new(
        base: &Dataset,
        train_subset: Option<usize>,
        extra: &Collection,
        share: f64,
    ) -> Result<Self> {
        let (Some(base_pixels), None) = (base.pixels(), base.values()) else {
            return Err(Error::Dataset(DatasetReason::MixNotImages));
        };
        if base.sample_shape() != [IMAGE_SIDE, IMAGE_SIDE] {
            return Err(Error::Dataset(DatasetReason::MixShape {
                base: base.sample_shape().to_vec(),
                extra: vec![IMAGE_SIDE, IMAGE_SIDE],
            }));
        }
        if base.classes() != CLASSES {
            return Err(Error::Dataset(DatasetReason::MixClasses {
                base: base.classes(),
                extra: CLASSES,
            }));
        }
        let base_samples = if share == 1.0 {
            0
        } else {
            base.samples_per_epoch(train_subset)
        };
        let copies = Mix::copies_for(base_samples, extra.len(), share)?;
        let extra = extra.dataset();
        let extra_pixels = extra.pixels().unwrap_or_default();
        let features = base.features();
        let samples = base_samples + copies * extra.len();
        let mut pixels = Vec::with_capacity(samples * features);
        let mut labels = Vec::with_capacity(samples);
        pixels.extend_from_slice(&base_pixels[..base_samples * features]);
        labels.extend_from_slice(&base.labels()[..base_samples]);
        for _ in 0..copies {
            pixels.extend_from_slice(extra_pixels);
            labels.extend_from_slice(extra.labels());
        }
        Ok(Mix {
            data: Dataset::new(base.sample_shape().to_vec(), pixels, labels, CLASSES)?,
            base_samples,
            copies,
        })
    }

    /// How many copies of a collection of `extra_images` images a mix with `base_samples` base
    /// samples holds for `share`: `round(share · base_samples / ((1 − share) · extra_images))`,
    /// at least 1 when `share > 0` and at most what [`MAX_MIX_EXTRA_SAMPLES`] allows; 0 for a
    /// share of 0 and 1 for a share of 1 (the collection alone: [`Mix::new`] then takes no base
    /// samples).
    ///
    /// # Errors
    /// If `share` is not a number in [0, 1].
    pub fn copies_for(base_samples: usize, extra_images: usize, share: f64) -> Result<usize> {
        check_share(share)?;
        if share == 0.0 || extra_images == 0 {
            return Ok(0);
        }
        let most = (MAX_MIX_EXTRA_SAMPLES / extra_images).max(1);
        if share == 1.0 {
            return Ok(1);
        }
        let wanted = (share * base_samples as f64 / ((1.0 - share) * extra_images as f64)).round();
        // `wanted` is finite (share < 1) and non-negative; compared as a float before the cast.
        Ok(if wanted >= most as f64 {
            most
        } else {
            (wanted as usize).max(1)
        })
    }

    /// The samples: the base samples, then the copies.
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }

    /// How many samples come from the base set (its first ones).
    pub fn base_samples(&self) -> usize {
        self.base_samples
    }

    /// How many whole copies of the collection follow them.
    pub fn copies(&self) -> usize {
        self.copies
    }

    /// How many samples the copies hold.
    pub fn extra_samples(&self) -> usize {
        self.data.len() - self.base_samples
    }

    /// How many samples the mix holds.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the mix holds no samples (a base set of none with a share of 0).
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The fraction of the samples that come from the collection: the share asked for, as
    /// near as whole copies and [`MAX_MIX_EXTRA_SAMPLES`] allow.
    pub fn share(&self) -> f64 {
        self.extra_samples() as f64 / self.len().max(1) as f64
    }
}

/// Refuses a share that is not a number in [0, 1], naming it [`SHARE_FIELD`] (so that a caller
/// can check it before reading any data).
pub fn check_share(share: f64) -> Result<()> {
    if (0.0..=1.0).contains(&share) {
        return Ok(());
    }
    Err(Error::invalid(
        SHARE_FIELD,
        Reason::range(
            Quantity::Number,
            share,
            Some(Bound::inclusive(0.0)),
            Some(Bound::inclusive(1.0)),
        ),
    ))
}

impl TrainingData for Mix {
    fn dataset(&self) -> &Dataset {
        &self.data
    }

    /// All of it: the base set's subset is already applied.
    fn samples_per_epoch(&self, _train_subset: Option<usize>) -> usize {
        self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::collection::IMAGE_BYTES;

    /// `n` images, image `i` all of value `i % 200` and labelled `i % 10`.
    fn base(n: usize) -> Dataset {
        let pixels = (0..n)
            .flat_map(|i| [(i % 200) as u8; IMAGE_BYTES])
            .collect();
        let labels = (0..n).map(|i| (i % 10) as u8).collect();
        Dataset::new(vec![28, 28], pixels, labels, 10).unwrap()
    }

    /// `m` images of value 250 + `i % 5`, labelled 9 − `i % 10`.
    fn mine(m: usize) -> Collection {
        let pixels = (0..m)
            .flat_map(|i| [250 + (i % 5) as u8; IMAGE_BYTES])
            .collect();
        let labels = (0..m).map(|i| 9 - (i % 10) as u8).collect();
        Collection::new(pixels, labels).unwrap()
    }

    #[test]
    fn the_base_subset_comes_first_then_whole_copies_of_the_collection() {
        let mix = Mix::new(&base(1_000), Some(600), &mine(20), 0.25).unwrap();
        // round(0.25 · 600 / (0.75 · 20)) = 10 copies: 200 of 800 samples.
        assert_eq!((mix.base_samples(), mix.copies()), (600, 10));
        assert_eq!(
            (mix.extra_samples(), mix.len(), mix.share()),
            (200, 800, 0.25)
        );
        let data = mix.dataset();
        let (base, mine) = (base(1_000), mine(20));
        for i in [0, 1, 599] {
            assert_eq!(data.image(i), base.image(i));
            assert_eq!(data.labels()[i], base.labels()[i]);
        }
        for copy in 0..10 {
            for j in [0, 7, 19] {
                assert_eq!(data.image(600 + copy * 20 + j), mine.image(j));
                assert_eq!(data.labels()[600 + copy * 20 + j], mine.labels()[j]);
            }
        }
        assert_eq!(mix.samples_per_epoch(Some(600)), 800);
        assert_eq!(
            mix.samples_per_epoch(Some(10)),
            800,
            "the subset is already applied"
        );
    }

    #[test]
    fn a_share_of_0_is_the_base_set_and_1_the_collection_alone() {
        let none = Mix::new(&base(300), Some(100), &mine(7), 0.0).unwrap();
        assert_eq!(
            (none.base_samples(), none.copies(), none.len()),
            (100, 0, 100)
        );
        assert_eq!(*none.dataset(), base(300).slice(0..100));
        assert_eq!(none.share(), 0.0);
        let alone = Mix::new(&base(300), Some(100), &mine(7), 1.0).unwrap();
        assert_eq!(
            (alone.base_samples(), alone.copies(), alone.len()),
            (0, 1, 7)
        );
        assert_eq!(alone.dataset(), mine(7).dataset());
        assert_eq!(alone.share(), 1.0);
        // Without a subset, all the base set.
        assert_eq!(
            Mix::new(&base(300), None, &mine(7), 0.0).unwrap().len(),
            300
        );
        assert_eq!(
            Mix::new(&base(300), Some(900), &mine(7), 0.0)
                .unwrap()
                .len(),
            300
        );
    }

    #[test]
    fn copies_follow_the_share_with_at_least_one_and_at_most_the_cap() {
        let copies = |n, m, s| Mix::copies_for(n, m, s).unwrap();
        assert_eq!(copies(6_000, 30, 0.1), 22); // 666.7 / 30 = 22.2
        assert_eq!(copies(6_000, 30, 0.5), 200);
        assert_eq!(copies(60_000, 10, 0.001), 6);
        // A tiny share still mixes the collection in once.
        assert_eq!(copies(60_000, 100, 1e-9), 1);
        assert_eq!(copies(0, 100, 0.3), 1);
        // Past the cap, as many whole copies as fit in it: the share is then lower.
        assert_eq!(copies(60_000, 30, 0.9), 2_000);
        assert_eq!(copies(60_000, 30, 0.999_999_9), 2_000);
        assert_eq!(copies(100, 60_000, 0.5), 1);
        assert_eq!((copies(100, 30, 0.0), copies(100, 30, 1.0)), (0, 1));
        let capped = Mix::new(&base(2_000), None, &mine(500), 0.99).unwrap();
        assert_eq!(capped.extra_samples(), MAX_MIX_EXTRA_SAMPLES);
        assert!(
            (capped.share() - 60.0 / 62.0).abs() < 1e-12,
            "{}",
            capped.share()
        );
    }

    #[test]
    fn the_trainer_visits_all_of_a_mix_whatever_the_run_s_subset() {
        let mut config = crate::Config {
            model: crate::ModelSpec::from_json(
                r#"{"input_shape":[28,28],"layers":[{"type":"flatten"},{"type":"dense","units":10,"activation":"softmax"}]}"#,
            )
            .unwrap(),
            ..crate::Config::default()
        };
        config.training.batch_size = 10;
        config.training.train_subset = Some(30);
        let config = config.check().unwrap();
        let base = base(100);
        // round(0.25 · 30 / (0.75 · 5)) = 2 copies: 40 samples, 4 batches.
        let mix = Mix::new(&base, config.training.train_subset, &mine(5), 0.25).unwrap();
        let mut trainer = crate::Trainer::new(config.clone()).unwrap();
        let report = trainer.run_epoch(&mix).unwrap();
        assert_eq!((report.batches_per_epoch, report.samples), (4, 40));
        // The plain base set is cut to the subset, as before.
        let mut plain = crate::Trainer::new(config).unwrap();
        assert_eq!(plain.run_epoch(&base).unwrap().samples, 30);
    }

    #[test]
    fn a_share_outside_0_to_1_is_refused_by_name() {
        for share in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
            let err = Mix::new(&base(10), None, &mine(3), share).unwrap_err();
            let Error::InvalidConfig { field, .. } = &err else {
                panic!("{err:?}");
            };
            assert_eq!(field, SHARE_FIELD);
            assert!(err.to_string().starts_with("extra_share: must be"), "{err}");
        }
    }

    #[test]
    fn a_base_set_of_another_shape_or_classes_or_of_numbers_is_refused() {
        let small = Dataset::new(vec![2, 2], vec![0; 8], vec![0, 1], 10).unwrap();
        let fewer = Dataset::new(vec![28, 28], vec![0; 784], vec![1], 3).unwrap();
        let numbers = Dataset::of_numbers(vec![28, 28], vec![0.0; 784], vec![1], 10).unwrap();
        let cases = [
            (
                small,
                "the collection's images have shape [28, 28] but the training set's [2, 2]",
            ),
            (
                fewer,
                "the collection has 10 classes but the training set 3",
            ),
            (numbers, "the training set is not labelled images"),
        ];
        for (base, expected) in cases {
            let err = Mix::new(&base, None, &mine(3), 0.5).unwrap_err();
            assert!(matches!(err, Error::Dataset(_)), "{err:?}");
            assert!(err.to_string().contains(expected), "{expected:?} in {err}");
        }
    }
}
