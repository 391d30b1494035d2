//! Where MNIST is read from: `--data`, else `$NEURITE_MNIST_DIR`, else `data/mnist`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use neurite::data::MNIST_FILES;
use neurite::{Error, Mnist, Result};

/// The environment variable naming the MNIST directory when `--data` is not given.
pub const ENV_VAR: &str = "NEURITE_MNIST_DIR";

/// The MNIST directory used when neither `--data` nor [`ENV_VAR`] is given, relative to the
/// working directory.
pub const DEFAULT_DIR: &str = "data/mnist";

/// The directory to read: the flag, else a non-empty `env` value, else [`DEFAULT_DIR`].
pub fn choose(flag: Option<&Path>, env: Option<OsString>) -> PathBuf {
    match (flag, env) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Some(dir)) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(DEFAULT_DIR),
    }
}

/// Loads MNIST from the directory `--data` (or the environment) names.
pub fn load(flag: Option<&Path>) -> Result<Mnist> {
    let dir = choose(flag, std::env::var_os(ENV_VAR));
    neurite::load_mnist(&dir)
}

/// Advice for an error reading one of the MNIST files.
pub fn hint(err: &Error) -> Option<&'static str> {
    match err {
        Error::Io { path, .. } if MNIST_FILES.iter().any(|name| path.contains(name)) => Some(
            "point --data or NEURITE_MNIST_DIR at a directory holding the four MNIST files \
             (./scripts/run.sh fetches them into data/mnist)",
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
        assert_eq!(choose(Some(Path::new("/flag")), env()), Path::new("/flag"));
        assert_eq!(choose(None, env()), Path::new("/from/env"));
        assert_eq!(choose(None, Some(OsString::new())), Path::new(DEFAULT_DIR));
        assert_eq!(choose(None, None), Path::new(DEFAULT_DIR));
    }

    #[test]
    fn only_missing_mnist_files_get_a_hint() {
        let missing = neurite::load_mnist(Path::new("/nonexistent/mnist")).unwrap_err();
        assert!(hint(&missing).is_some_and(|h| h.contains("--data")));
        assert!(hint(&Error::Dataset(neurite::DatasetReason::EmptyTraining)).is_none());
    }
}
