//! Where a dataset is read from: `--data`, else its environment variable
//! (`$NEURITE_MNIST_DIR`, `$NEURITE_FASHION_MNIST_DIR`), else `data/<name>` (`data/mnist`,
//! `data/fashion-mnist`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use neurite::data::MNIST_FILES;
use neurite::{DatasetKind, Error, Mnist, Result};

/// The environment variable naming the directory of `dataset` when `--data` is not given.
pub fn env_var(dataset: DatasetKind) -> &'static str {
    match dataset {
        DatasetKind::Mnist => "NEURITE_MNIST_DIR",
        DatasetKind::FashionMnist => "NEURITE_FASHION_MNIST_DIR",
    }
}

/// The directory of `dataset` used when neither `--data` nor its [`env_var`] is given,
/// relative to the working directory: `data/` and the dataset's name.
pub fn default_dir(dataset: DatasetKind) -> PathBuf {
    Path::new("data").join(dataset.name())
}

/// The directory to read: the flag, else a non-empty `env` value, else `dataset`'s
/// [`default_dir`].
pub fn choose(flag: Option<&Path>, env: Option<OsString>, dataset: DatasetKind) -> PathBuf {
    match (flag, env) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Some(dir)) if !dir.is_empty() => PathBuf::from(dir),
        _ => default_dir(dataset),
    }
}

/// Loads `dataset` from the directory `--data` (or the environment) names.
pub fn load(flag: Option<&Path>, dataset: DatasetKind) -> Result<Mnist> {
    let dir = choose(flag, std::env::var_os(env_var(dataset)), dataset);
    neurite::load_mnist(&dir)
}

/// Advice for an error reading one of the dataset's files.
pub fn hint(err: &Error) -> Option<&'static str> {
    match err {
        Error::Io { path, .. } if MNIST_FILES.iter().any(|name| path.contains(name)) => Some(
            "point --data (or NEURITE_MNIST_DIR, or NEURITE_FASHION_MNIST_DIR with --dataset \
             fashion-mnist) at a directory holding the dataset's four files (./scripts/run.sh \
             fetches them into data/mnist and data/fashion-mnist)",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_then_the_environment_then_the_default() {
        let env = || Some(OsString::from("/from/env"));
        for dataset in DatasetKind::ALL {
            let flag = choose(Some(Path::new("/flag")), env(), dataset);
            assert_eq!(flag, Path::new("/flag"));
            assert_eq!(choose(None, env(), dataset), Path::new("/from/env"));
            let empty = choose(None, Some(OsString::new()), dataset);
            assert_eq!(empty, default_dir(dataset));
            assert_eq!(choose(None, None, dataset), default_dir(dataset));
        }
    }

    #[test]
    fn each_dataset_has_its_own_directory_and_variable() {
        assert_eq!(default_dir(DatasetKind::Mnist), Path::new("data/mnist"));
        assert_eq!(
            default_dir(DatasetKind::FashionMnist),
            Path::new("data/fashion-mnist")
        );
        assert_eq!(env_var(DatasetKind::Mnist), "NEURITE_MNIST_DIR");
        assert_eq!(
            env_var(DatasetKind::FashionMnist),
            "NEURITE_FASHION_MNIST_DIR"
        );
    }

    #[test]
    fn only_missing_dataset_files_get_a_hint() {
        let missing = neurite::load_mnist(Path::new("/nonexistent/mnist")).unwrap_err();
        assert!(hint(&missing).is_some_and(|h| h.contains("--data") && h.contains("fashion")));
        assert!(hint(&Error::Dataset(neurite::DatasetReason::EmptyTraining)).is_none());
    }
}
