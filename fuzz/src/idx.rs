//! Target `idx`: an IDX image file and an IDX label file (each plain or gzip), read by
//! `neurite::data::parse_idx`, `neurite::Dataset::from_idx_bytes` and, as a learner's own
//! collection, `neurite::Collection::from_idx_bytes`.
//!
//! The input is the images' length as a big-endian `u16`, the images' bytes, then the labels'
//! bytes. Each file is either refused with a message or read as an array whose data fills its
//! dimensions and which reads back the same once written plainly; the two together are either
//! refused or make a dataset of one label, below its classes, per image.

use std::io::Write;

use neurite::data::{IdxArray, idx::encode_idx, parse_idx};

use crate::bound;

/// Splits the input into the images' bytes and the labels' bytes.
pub fn split(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((head, rest)) = data.split_first_chunk::<2>() else {
        return (&[], data);
    };
    rest.split_at(usize::from(u16::from_be_bytes(*head)).min(rest.len()))
}

/// The input as the target reads it: `images`' length, `images`, `labels`.
pub fn join(images: &[u8], labels: &[u8]) -> Vec<u8> {
    let length = u16::try_from(images.len()).expect("a seed's images fit a u16 length");
    let mut data = length.to_be_bytes().to_vec();
    data.extend_from_slice(images);
    data.extend_from_slice(labels);
    data
}

/// Reads `data` as two IDX files and checks what came of them.
pub fn idx(data: &[u8]) {
    let (images, labels) = split(data);
    for file in [images, labels] {
        match bound::timed("idx", || parse_idx(file, "fuzz")) {
            Ok(array) => check_array(&array),
            Err(e) => assert!(
                !e.to_string().trim().is_empty(),
                "a refusal without a message"
            ),
        }
    }
    match bound::timed("idx", || {
        neurite::Dataset::from_idx_bytes("fuzz", images, labels)
    }) {
        Ok(dataset) => {
            assert_eq!(dataset.sample_shape().len(), 2, "an image is not 2-D");
            let features: usize = dataset.sample_shape().iter().product();
            assert_eq!(dataset.features(), features);
            for i in 0..dataset.len() {
                assert_eq!(dataset.image(i).len(), features);
            }
            assert!(
                dataset
                    .labels()
                    .iter()
                    .all(|&l| usize::from(l) < dataset.classes())
            );
        }
        Err(e) => assert!(
            !e.to_string().trim().is_empty(),
            "a refusal without a message"
        ),
    }
    check_collection(images, labels);
}

/// Reads the two files as a learner's collection: refused with a message, or 1 to
/// `MAX_IMAGES` images of 28×28 labelled 0–9 that write back as the files read (once plain).
fn check_collection(images: &[u8], labels: &[u8]) {
    use neurite::data::collection::{IMAGE_BYTES, MAX_IMAGES};
    match bound::timed("idx", || {
        neurite::Collection::from_idx_bytes("fuzz-images", images, "fuzz-labels", labels)
    }) {
        Ok(collection) => {
            assert!((1..=MAX_IMAGES).contains(&collection.len()));
            assert!(collection.labels().iter().all(|&l| l < 10));
            let (images_again, labels_again) = collection.to_idx();
            assert_eq!(images_again.len(), 16 + collection.len() * IMAGE_BYTES);
            let again = neurite::Collection::from_idx_bytes("", &images_again, "", &labels_again)
                .unwrap_or_else(|e| panic!("a collection read does not read back: {e}"));
            assert_eq!(again, collection);
        }
        Err(e) => assert!(
            !e.to_string().trim().is_empty(),
            "a refusal without a message"
        ),
    }
}

/// An array read from a file fills its dimensions and reads back the same once written.
fn check_array(array: &IdxArray) {
    assert!((1..=4).contains(&array.dims.len()), "dims {:?}", array.dims);
    let total: usize = array.dims.iter().product();
    assert_eq!(array.data.len(), total, "dims {:?}", array.dims);
    let again = parse_idx(&encode_idx(&array.dims, &array.data), "fuzz")
        .unwrap_or_else(|e| panic!("an array read from a file does not read back: {e}"));
    assert_eq!(&again, array);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("writes to memory");
    encoder.finish().expect("writes to memory")
}

/// The seed corpus: small image and label files that make a dataset, plain and gzip, and a
/// few files of other shapes.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    let pixels: Vec<u8> = (0..3 * 4 * 5).map(|i| (i * 37 % 256) as u8).collect();
    let images = encode_idx(&[3, 4, 5], &pixels);
    let labels = encode_idx(&[3], &[7, 0, 9]);
    let cube = encode_idx(&[2, 2, 2, 2], &[1; 16]);
    let vector = encode_idx(&[5], &[1, 2, 3, 4, 5]);
    vec![
        ("plain.idx2".into(), join(&images, &labels)),
        ("gzip.idx2".into(), join(&gzip(&images), &gzip(&labels))),
        ("mixed.idx2".into(), join(&gzip(&images), &labels)),
        (
            "empty_set.idx2".into(),
            join(&encode_idx(&[0, 28, 28], &[]), &encode_idx(&[0], &[])),
        ),
        ("other_shapes.idx2".into(), join(&cube, &gzip(&vector))),
    ]
}
