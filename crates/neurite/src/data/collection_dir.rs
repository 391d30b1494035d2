//! [`load_extra`]: a [`Collection`] read from a directory that holds its pair of IDX files —
//! an images file `…images-idx3-ubyte` and the labels file of the same start,
//! `…labels-idx1-ubyte`, each plain or `.gz`: the playground's [`IMAGES_FILE`] and
//! [`LABELS_FILE`], or a pair named as MNIST's (`train-images-idx3-ubyte`, …).
//!
//! The directory must hold exactly one such pair; other files are ignored. A file is read only
//! up to [`MAX_FILE_BYTES`], so a huge file is refused without being held.
//!
//! [`IMAGES_FILE`]: super::collection::IMAGES_FILE
//! [`LABELS_FILE`]: super::collection::LABELS_FILE

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::Collection;
use super::collection::{IMAGES_SUFFIX, LABELS_SUFFIX, MAX_FILE_BYTES};
use crate::{CollectionReason, Error, Result};

/// Reads the collection whose two files `dir` holds. Errors name the file (or the directory)
/// and what is wrong with it.
pub fn load_extra(dir: &Path) -> Result<Collection> {
    let (images, labels) = find_pair(dir)?;
    let (images_name, labels_name) = (display(&images), display(&labels));
    Collection::from_idx_bytes(
        &images_name,
        &read_at_most(&images)?,
        &labels_name,
        &read_at_most(&labels)?,
    )
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// The paths of the one images file in `dir` that has its labels file, and of that labels file.
fn find_pair(dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir.display(), &e))?;
    let mut files = BTreeSet::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir.display(), &e))?.path();
        if let (true, Some(name)) = (path.is_file(), path.file_name().and_then(|n| n.to_str())) {
            files.insert(name.to_owned());
        }
    }
    // Plain before gzip, as `load_mnist` reads them.
    let either = |name: String| {
        let gz = format!("{name}.gz");
        [name, gz].into_iter().find(|n| files.contains(n))
    };
    let starts: BTreeSet<&str> = files
        .iter()
        .filter_map(|name| {
            name.strip_suffix(".gz")
                .unwrap_or(name)
                .strip_suffix(IMAGES_SUFFIX)
        })
        .collect();
    let mut pairs = Vec::new();
    let mut unpaired = None;
    for start in starts {
        let Some(images) = either(format!("{start}{IMAGES_SUFFIX}")) else {
            continue;
        };
        match either(format!("{start}{LABELS_SUFFIX}")) {
            Some(labels) => pairs.push((images, labels)),
            None => {
                unpaired.get_or_insert((images, format!("{start}{LABELS_SUFFIX}")));
            }
        }
    }
    match (pairs.len(), unpaired) {
        (1, _) => {
            let (images, labels) = pairs.swap_remove(0);
            Ok((dir.join(images), dir.join(labels)))
        }
        (0, Some((images, expected))) => Err(Error::collection(
            display(&dir.join(images)),
            CollectionReason::NoLabels { expected },
        )),
        (0, None) => Err(Error::collection(display(dir), CollectionReason::NoPair)),
        _ => Err(Error::collection(
            display(dir),
            CollectionReason::SeveralPairs {
                images_files: pairs.into_iter().map(|(images, _)| images).collect(),
            },
        )),
    }
}

/// The bytes of the file at `path`, refused if it holds more than [`MAX_FILE_BYTES`] (which
/// are never read past).
fn read_at_most(path: &Path) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| Error::io(path.display(), &e);
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::collection(
            display(path),
            CollectionReason::FileTooLarge {
                max: MAX_FILE_BYTES,
            },
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::collection::{IMAGE_BYTES, IMAGES_FILE, LABELS_FILE};
    use crate::data::idx::encode_idx;

    /// A fresh directory in the temp directory, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let dir = std::env::temp_dir().join(format!(
                "neurite-extra-{}-{nanos}-{name}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn with(name: &str, files: &[(&str, &[u8])]) -> Self {
            let dir = TempDir::new(name);
            for (file, bytes) in files {
                std::fs::write(dir.0.join(file), bytes).unwrap();
            }
            dir
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn two_digits() -> (Vec<u8>, Vec<u8>) {
        Collection::new(vec![7; 2 * IMAGE_BYTES], vec![4, 2])
            .unwrap()
            .to_idx()
    }

    fn refusal(dir: &TempDir) -> (String, String) {
        let err = load_extra(&dir.0).unwrap_err();
        let Error::Collection { source_name, .. } = &err else {
            panic!("expected a collection error, got {err:?}");
        };
        (source_name.clone(), err.to_string())
    }

    #[test]
    fn the_playground_s_pair_or_an_mnist_named_one_is_read_beside_other_files() {
        let (images, labels) = two_digits();
        for (images_name, labels_name) in [
            (IMAGES_FILE, LABELS_FILE),
            ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
            ("images-idx3-ubyte", "labels-idx1-ubyte"),
        ] {
            let dir = TempDir::with(
                "pair",
                &[
                    (images_name, &images),
                    (labels_name, &labels),
                    ("notes.txt", b"my digits"),
                ],
            );
            let read = load_extra(&dir.0).unwrap();
            assert_eq!(read.labels(), [4, 2], "{images_name}");
        }
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn gzipped_files_are_read_and_a_plain_file_wins_over_its_gzip() {
        use std::io::Write;
        let (images, labels) = two_digits();
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&images).unwrap();
        let gz = encoder.finish().unwrap();
        let dir = TempDir::with(
            "gz",
            &[
                ("a-images-idx3-ubyte.gz", &gz),
                ("a-labels-idx1-ubyte", &labels),
            ],
        );
        assert_eq!(load_extra(&dir.0).unwrap().len(), 2);
        std::fs::write(dir.0.join("a-images-idx3-ubyte"), b"broken").unwrap();
        let (source, err) = refusal_or_idx(&dir);
        assert!(source.ends_with("a-images-idx3-ubyte"), "{err}");
    }

    /// The file an error names, for a collection's or an IDX file's error.
    #[cfg(feature = "gzip")]
    fn refusal_or_idx(dir: &TempDir) -> (String, String) {
        let err = load_extra(&dir.0).unwrap_err();
        match &err {
            Error::Collection { source_name, .. } | Error::Idx { source_name, .. } => {
                (source_name.clone(), err.to_string())
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_directory_without_exactly_one_pair_is_refused_saying_why() {
        let (images, labels) = two_digits();
        let empty = TempDir::new("empty");
        let (source, err) = refusal(&empty);
        assert_eq!(source, display(&empty.0));
        assert!(
            err.contains("no collection here: expected an images file named *images-idx3-ubyte"),
            "{err}"
        );

        let lonely = TempDir::with("lonely", &[(IMAGES_FILE, &images)]);
        let (source, err) = refusal(&lonely);
        assert!(source.ends_with(IMAGES_FILE), "{source}");
        assert!(
            err.contains("its labels file is missing: expected my-digits-labels-idx1-ubyte"),
            "{err}"
        );

        let mnist_like = TempDir::with(
            "two",
            &[
                ("train-images-idx3-ubyte", &images),
                ("train-labels-idx1-ubyte", &labels),
                ("t10k-images-idx3-ubyte", &images),
                ("t10k-labels-idx1-ubyte", &labels),
            ],
        );
        let (_, err) = refusal(&mnist_like);
        assert!(
            err.contains("holds 2 collections (t10k-images-idx3-ubyte, train-images-idx3-ubyte)"),
            "{err}"
        );

        let missing = load_extra(Path::new("/nonexistent/my-digits")).unwrap_err();
        assert!(matches!(&missing, Error::Io { path, .. } if path == "/nonexistent/my-digits"));
    }

    #[test]
    fn bad_contents_name_the_file() {
        let (images, _) = two_digits();
        let dir = TempDir::with(
            "bad",
            &[
                (IMAGES_FILE, &images),
                (LABELS_FILE, &encode_idx(&[2], &[3, 11])),
            ],
        );
        let (source, err) = refusal(&dir);
        assert_eq!(source, display(&dir.0.join(LABELS_FILE)));
        assert!(
            err.ends_with("label 11 at index 1 is not one of the classes 0–9"),
            "{err}"
        );
    }

    #[test]
    fn a_file_past_the_bound_is_refused_unread() {
        let dir = TempDir::new("huge");
        let path = dir.0.join(IMAGES_FILE);
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: a file this long costs the disk nothing.
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        let err = read_at_most(&path).unwrap_err().to_string();
        assert!(err.contains("larger than 50331648 bytes"), "{err}");
    }
}
