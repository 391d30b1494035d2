//! [`DatasetKind`]: the image datasets Neurite trains on — MNIST and Fashion-MNIST — with
//! their names, their class names and a line about each, so that the command line, the model
//! file and the playground name them alike.
//!
//! Both come as the same four IDX files (60 000 training and 10 000 test images of 28×28 `u8`
//! pixels, labels 0–9), read by [`crate::load_mnist`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One of the image datasets, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    /// MNIST: handwritten digits 0–9 (LeCun, Cortes and Burges, 1998).
    #[default]
    Mnist,
    /// Fashion-MNIST: Zalando's article images in ten classes (Xiao, Rasul and Vollgraf, 2017).
    FashionMnist,
}

/// MNIST's classes: the digits.
const MNIST_CLASSES: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Fashion-MNIST's classes, by label, as its authors name them
/// (<https://github.com/zalandoresearch/fashion-mnist#labels>).
const FASHION_CLASSES: [&str; 10] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];

impl DatasetKind {
    /// Every dataset, MNIST first.
    pub const ALL: [DatasetKind; 2] = [DatasetKind::Mnist, DatasetKind::FashionMnist];

    /// The name used on the command line, in model files and as the data folder's name:
    /// `mnist` or `fashion-mnist`.
    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Mnist => "mnist",
            DatasetKind::FashionMnist => "fashion-mnist",
        }
    }

    /// The dataset called `name` ([`DatasetKind::name`]), if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        DatasetKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
    }

    /// How its authors write its name: `MNIST`, `Fashion-MNIST`.
    pub fn title(self) -> &'static str {
        match self {
            DatasetKind::Mnist => "MNIST",
            DatasetKind::FashionMnist => "Fashion-MNIST",
        }
    }

    /// One line on what it holds.
    pub fn description(self) -> &'static str {
        match self {
            DatasetKind::Mnist => {
                "handwritten digits 0–9: 60 000 training and 10 000 test images, 28×28 grayscale"
            }
            DatasetKind::FashionMnist => {
                "Zalando's clothes, shoes and bags in 10 classes: 60 000 training and 10 000 \
                 test images, 28×28 grayscale"
            }
        }
    }

    /// The classes' names, by label.
    pub fn class_names(self) -> &'static [&'static str; 10] {
        match self {
            DatasetKind::Mnist => &MNIST_CLASSES,
            DatasetKind::FashionMnist => &FASHION_CLASSES,
        }
    }

    /// The name of class `class`, or its number if the dataset has no such class (a model
    /// with more outputs than classes).
    pub fn class_name(self, class: usize) -> String {
        self.class_names()
            .get(class)
            .map_or_else(|| class.to_string(), |name| (*name).to_owned())
    }
}

impl fmt::Display for DatasetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`DatasetKind::ALL`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDataset(pub String);

impl fmt::Display for UnknownDataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = DatasetKind::ALL
            .iter()
            .map(|kind| format!("{:?}", kind.name()))
            .collect();
        write!(
            f,
            "unknown dataset {:?}; expected {}",
            self.0,
            names.join(" or ")
        )
    }
}

impl std::error::Error for UnknownDataset {}

impl FromStr for DatasetKind {
    type Err = UnknownDataset;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        DatasetKind::from_name(name).ok_or_else(|| UnknownDataset(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for kind in DatasetKind::ALL {
            assert_eq!(kind.name().parse::<DatasetKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.name());
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<DatasetKind>(&json).unwrap(), kind);
        }
        assert_eq!(DatasetKind::default(), DatasetKind::Mnist);
        let err = "cifar-10".parse::<DatasetKind>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown dataset \"cifar-10\"; expected \"mnist\" or \"fashion-mnist\""
        );
        assert!(serde_json::from_str::<DatasetKind>("\"Fashion-MNIST\"").is_err());
    }

    #[test]
    fn each_dataset_names_its_ten_classes_by_label() {
        assert_eq!(DatasetKind::Mnist.class_name(7), "7");
        let fashion = DatasetKind::FashionMnist;
        assert_eq!(fashion.class_name(0), "T-shirt/top");
        assert_eq!(fashion.class_name(5), "Sandal");
        assert_eq!(fashion.class_name(9), "Ankle boot");
        // A model with more outputs than the dataset has classes gets numbers past them.
        assert_eq!(fashion.class_name(10), "10");
        for kind in DatasetKind::ALL {
            let names = kind.class_names();
            let mut unique = names.to_vec();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), 10, "{kind}");
            assert!(!kind.description().is_empty() && !kind.title().is_empty());
        }
    }
}
