//! MNIST's test set for the wasm tests, embedded at build time (`scripts/lib.sh` fetches it
//! before the tests build).

/// The test images, gzip IDX.
pub const IMAGES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/mnist/t10k-images-idx3-ubyte.gz"
));

/// The test labels, gzip IDX.
pub const LABELS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/mnist/t10k-labels-idx1-ubyte.gz"
));
