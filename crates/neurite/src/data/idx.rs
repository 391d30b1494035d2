//! The IDX file format of MNIST (LeCun et al.), plain or gzip-compressed.
//!
//! Layout: two zero bytes, a type byte (`0x08` for unsigned bytes, the only type MNIST uses),
//! the number of dimensions, then each dimension as a big-endian `u32`, then the data,
//! row-major. Every size is checked before anything is allocated: a 16-byte file that claims
//! 2³² − 1 images is refused from its header alone.

#[cfg(feature = "gzip")]
use std::io::Read;

use crate::{Error, IdxReason, Result};

/// The most data bytes an IDX file may declare: 128 MiB, well above MNIST's largest (47 MB,
/// as Fashion-MNIST's), and low enough that a small gzip file claiming the most cannot make a
/// reader hold more than a browser tab can spare (it is inflated into one buffer of exactly the
/// size claimed, never grown past it).
pub const MAX_IDX_BYTES: usize = 128 << 20;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const TYPE_U8: u8 = 0x08;

/// The contents of an IDX file of unsigned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxArray {
    /// The dimensions, outermost first (`[60000, 28, 28]`).
    pub dims: Vec<usize>,
    /// The values, row-major.
    pub data: Vec<u8>,
}

/// Reads and checks the header; returns the dimensions, the header's length and the number of
/// data bytes the header promises.
fn parse_header(bytes: &[u8], source: &str) -> Result<(Vec<usize>, usize, usize)> {
    if bytes.len() < 4 {
        return Err(Error::idx(
            source,
            IdxReason::TooShort { bytes: bytes.len() },
        ));
    }
    if bytes[0] != 0 || bytes[1] != 0 {
        return Err(Error::idx(
            source,
            IdxReason::BadMagic {
                first: [bytes[0], bytes[1]],
            },
        ));
    }
    if bytes[2] != TYPE_U8 {
        return Err(Error::idx(
            source,
            IdxReason::UnsupportedType { code: bytes[2] },
        ));
    }
    let ndims = usize::from(bytes[3]);
    if !(1..=4).contains(&ndims) {
        return Err(Error::idx(source, IdxReason::DimensionCount { got: ndims }));
    }
    let header_len = 4 + 4 * ndims;
    if bytes.len() < header_len {
        return Err(Error::idx(
            source,
            IdxReason::HeaderTruncated {
                needs: header_len,
                dimensions: ndims,
                holds: bytes.len(),
            },
        ));
    }
    let dims: Vec<usize> = bytes[4..header_len]
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let total = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&t| t <= MAX_IDX_BYTES)
        .ok_or_else(|| {
            Error::idx(
                source,
                IdxReason::TooLarge {
                    dims: dims.clone(),
                    max: MAX_IDX_BYTES,
                },
            )
        })?;
    Ok((dims, header_len, total))
}

/// The dimensions an IDX file's header declares (plain or gzip), checked as [`parse_idx`] checks
/// them, without reading its data: a gzip file is inflated only as far as its header. Lets a
/// reader refuse a file by its shape before holding its data.
pub fn idx_dims(bytes: &[u8], source: &str) -> Result<Vec<usize>> {
    if bytes.starts_with(&GZIP_MAGIC) {
        return gzip_dims(bytes, source);
    }
    parse_header(bytes, source).map(|(dims, _, _)| dims)
}

/// Parses an IDX file held in memory, gunzipping it first when it starts with the gzip magic
/// (with the crate feature `gzip`; without it, a gzip file is refused with a message).
/// `source` names the file in errors (`train-images`).
pub fn parse_idx(bytes: &[u8], source: &str) -> Result<IdxArray> {
    if bytes.starts_with(&GZIP_MAGIC) {
        return parse_gzip(bytes, source);
    }
    let (dims, header_len, total) = parse_header(bytes, source)?;
    let body = &bytes[header_len..];
    if body.len() != total {
        return Err(Error::idx(
            source,
            IdxReason::WrongLength {
                dims,
                expected: total,
                holds: body.len(),
                gzip: false,
            },
        ));
    }
    Ok(IdxArray {
        dims,
        data: body.to_vec(),
    })
}

#[cfg(not(feature = "gzip"))]
fn parse_gzip(_: &[u8], source: &str) -> Result<IdxArray> {
    Err(Error::idx(source, IdxReason::GzipUnsupported))
}

#[cfg(not(feature = "gzip"))]
fn gzip_dims(_: &[u8], source: &str) -> Result<Vec<usize>> {
    Err(Error::idx(source, IdxReason::GzipUnsupported))
}

#[cfg(feature = "gzip")]
fn gzip_error(source: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| {
        Error::idx(
            source,
            IdxReason::GzipCorrupt {
                detail: e.to_string(),
            },
        )
    }
}

/// Inflates a gzip IDX file's header and checks it: its dimensions, its length and the data
/// bytes it promises.
#[cfg(feature = "gzip")]
fn gzip_header(decoder: &mut impl Read, source: &str) -> Result<(Vec<usize>, usize, usize)> {
    let mut head = [0u8; 4];
    decoder.read_exact(&mut head).map_err(gzip_error(source))?;
    let ndims = usize::from(head[3]).min(4);
    let mut header = head.to_vec();
    header.resize(4 + 4 * ndims, 0);
    decoder
        .read_exact(&mut header[4..])
        .map_err(gzip_error(source))?;
    parse_header(&header, source)
}

#[cfg(feature = "gzip")]
fn gzip_dims(bytes: &[u8], source: &str) -> Result<Vec<usize>> {
    let mut decoder = flate2::read::GzDecoder::new(bytes);
    gzip_header(&mut decoder, source).map(|(dims, _, _)| dims)
}

#[cfg(feature = "gzip")]
fn parse_gzip(bytes: &[u8], source: &str) -> Result<IdxArray> {
    let mut decoder = flate2::read::GzDecoder::new(bytes);
    let (dims, _, total) = gzip_header(&mut decoder, source)?;
    // Read at most one byte past what the header promises, so a lying header cannot make us
    // inflate (or allocate) more than that: one buffer of that size, which never doubles.
    let mut data = Vec::with_capacity(total + 1);
    (&mut decoder)
        .take(total as u64 + 1)
        .read_to_end(&mut data)
        .map_err(gzip_error(source))?;
    if data.len() != total {
        return Err(Error::idx(
            source,
            IdxReason::WrongLength {
                dims,
                expected: total,
                holds: data.len(),
                gzip: true,
            },
        ));
    }
    Ok(IdxArray { dims, data })
}

/// Builds an IDX file of unsigned bytes (for tests and tools).
pub fn encode_idx(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, TYPE_U8, dims.len() as u8];
    for &d in dims {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn reads_plain_and_gzipped_files_alike() {
        let file = encode_idx(&[2, 2, 3], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        let plain = parse_idx(&file, "images").unwrap();
        assert_eq!(plain.dims, [2, 2, 3]);
        assert_eq!(plain.data[11], 12);
        assert_eq!(parse_idx(&gzip(&file), "images").unwrap(), plain);
    }

    #[test]
    fn every_malformed_file_gets_its_own_message() {
        let mut huge = encode_idx(&[u32::MAX as usize, 28, 28], &[]);
        huge.truncate(16);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (vec![0, 0], "too short"),
            (vec![1, 2, 8, 1, 0, 0, 0, 0], "not an IDX file"),
            (
                vec![0, 0, 0x0D, 1, 0, 0, 0, 0],
                "0x0d (float) is not supported",
            ),
            (vec![0, 0, 8, 0], "0 dimensions"),
            (vec![0, 0, 8, 3, 0, 0], "header needs 16 bytes"),
            (huge.clone(), "more than the"),
            (
                encode_idx(&[3, 2, 2], &[0; 5]),
                "header claims 3 images of 2×2 (12 data bytes) but the file holds 5",
            ),
            (encode_idx(&[2], &[0; 3]), "header claims 2 labels"),
        ];
        #[cfg(feature = "gzip")]
        let cases = [cases, gzip_cases(&huge)].concat();
        for (bytes, expected) in cases {
            let err = parse_idx(&bytes, "train-images").unwrap_err().to_string();
            assert!(err.starts_with("train-images: "), "{err}");
            assert!(err.contains(expected), "expected {expected:?} in {err:?}");
        }
    }

    #[cfg(feature = "gzip")]
    fn gzip_cases(huge: &[u8]) -> Vec<(Vec<u8>, &'static str)> {
        vec![
            (gzip(huge), "more than the"),
            (
                gzip(&encode_idx(&[3], &[0; 2])),
                "gzip stream holds 2 data bytes",
            ),
            (
                gzip(&encode_idx(&[3], &[0; 4])),
                "gzip stream holds more than 3",
            ),
            (vec![0x1f, 0x8b, 8, 0, 0, 0], "gzip stream is corrupt"),
        ]
    }

    #[test]
    fn the_dimensions_are_read_from_the_header_alone() {
        // A header promising 70 000 images, and no data: its dimensions are read all the same.
        let header = encode_idx(&[70_000, 28, 28], &[]);
        assert_eq!(idx_dims(&header, "images").unwrap(), [70_000, 28, 28]);
        #[cfg(feature = "gzip")]
        assert_eq!(
            idx_dims(&gzip(&header), "images").unwrap(),
            [70_000, 28, 28]
        );
        let err = idx_dims(&[0, 0, 8, 3, 0], "images")
            .unwrap_err()
            .to_string();
        assert!(err.contains("header needs 16 bytes"), "{err}");
        assert!(parse_idx(&header, "images").is_err());
    }

    #[cfg(not(feature = "gzip"))]
    #[test]
    fn without_the_gzip_feature_a_gzip_file_is_refused_with_a_message() {
        let file = gzip(&encode_idx(&[2], &[1, 2]));
        let err = parse_idx(&file, "train-labels").unwrap_err().to_string();
        assert!(err.starts_with("train-labels: "), "{err}");
        assert!(err.contains("gzip-compressed"), "{err}");
    }
}
