//! Reading a PNG as an 8-bit grayscale image, whatever its colour type and bit depth.
//!
//! The decoder expands palettes, low bit depths and transparency chunks and strips 16-bit
//! samples to 8 bits; colour becomes luminance (ITU-R BT.601, as PIL's `L` mode). A transparent
//! image is composited over a background that contrasts with its ink, so a digit drawn on a
//! transparent canvas survives in either colour.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek};
use std::path::Path;

use neurite::preprocess::GrayImage;
use neurite::{Error, Result};
use png::{BitDepth, ColorType, Decoder, Transformations};

/// Reads the PNG at `path`.
pub fn read(path: &Path) -> Result<GrayImage> {
    let file = File::open(path).map_err(|e| Error::io(path.display(), &e))?;
    decode(BufReader::new(file))
        .map_err(|e| Error::Image(format!("{}: {}", path.display(), image_reason(e))))
}

fn image_reason(err: Error) -> String {
    match err {
        Error::Image(reason) => reason,
        other => other.to_string(),
    }
}

/// Decodes a PNG stream into grayscale.
pub fn decode<R: BufRead + Seek>(reader: R) -> Result<GrayImage> {
    let bad = |e: png::DecodingError| Error::Image(format!("not a readable PNG: {e}"));
    let mut decoder = Decoder::new(reader);
    decoder.set_transformations(Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| Error::Image("the image is too large".into()))?;
    let mut buffer = vec![0; size];
    let info = reader.next_frame(&mut buffer).map_err(bad)?;
    if info.bit_depth != BitDepth::Eight {
        return Err(Error::Image(format!(
            "unsupported bit depth {:?} after decoding",
            info.bit_depth
        )));
    }
    let (width, height) = (info.width as usize, info.height as usize);
    let mut pixels = Vec::with_capacity(width * height);
    for row in buffer.chunks(info.line_size).take(height) {
        let channels = info.color_type.samples();
        pixels.extend(
            row.chunks_exact(channels)
                .take(width)
                .map(|px| to_luma_alpha(info.color_type, px)),
        );
    }
    let pixels = if pixels.iter().all(|&(_, alpha)| alpha == u8::MAX) {
        pixels.into_iter().map(|(luma, _)| luma).collect()
    } else {
        flatten_alpha(&pixels)
    };
    Ok(GrayImage {
        width,
        height,
        pixels,
    })
}

/// One decoded 8-bit pixel as (luminance, alpha).
fn to_luma_alpha(color: ColorType, px: &[u8]) -> (u8, u8) {
    match color {
        ColorType::Grayscale => (px[0], u8::MAX),
        ColorType::GrayscaleAlpha => (px[0], px[1]),
        ColorType::Rgb => (luma(px[0], px[1], px[2]), u8::MAX),
        ColorType::Rgba => (luma(px[0], px[1], px[2]), px[3]),
        // Palettes are expanded to RGB or RGBA by the decoder; a raw index has no brightness.
        ColorType::Indexed => (px[0], u8::MAX),
    }
}

/// BT.601 luminance, rounded.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let weighted = 299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b);
    ((weighted + 500) / 1000) as u8
}

/// Composites (luminance, alpha) pixels over black if their ink is light, white if it is dark.
fn flatten_alpha(pixels: &[(u8, u8)]) -> Vec<u8> {
    let (ink, weight) = pixels.iter().fold((0u64, 0u64), |(ink, weight), &(l, a)| {
        (ink + u64::from(l) * u64::from(a), weight + u64::from(a))
    });
    let background: u32 = if weight > 0 && ink / weight >= 128 {
        0
    } else {
        255
    };
    pixels
        .iter()
        .map(|&(l, a)| {
            let (l, a) = (u32::from(l), u32::from(a));
            ((l * a + background * (255 - a) + 127) / 255) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn encode(width: u32, height: u32, color: ColorType, depth: BitDepth, data: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(color);
        encoder.set_depth(depth);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(data).unwrap();
        writer.finish().unwrap();
        bytes
    }

    fn decoded(png: Vec<u8>) -> GrayImage {
        decode(Cursor::new(png)).unwrap()
    }

    #[test]
    fn grayscale_8_and_16_bit_decode_to_the_same_pixels() {
        let eight = decoded(encode(
            2,
            1,
            ColorType::Grayscale,
            BitDepth::Eight,
            &[0, 200],
        ));
        assert_eq!((eight.width, eight.height), (2, 1));
        assert_eq!(eight.pixels, [0, 200]);
        let sixteen = decoded(encode(
            2,
            1,
            ColorType::Grayscale,
            BitDepth::Sixteen,
            &[0, 0, 200, 0],
        ));
        assert_eq!(sixteen.pixels, [0, 200]);
    }

    #[test]
    fn colour_becomes_luminance() {
        let rgb = decoded(encode(
            3,
            1,
            ColorType::Rgb,
            BitDepth::Eight,
            &[255, 0, 0, 0, 255, 0, 255, 255, 255],
        ));
        assert_eq!(rgb.pixels, [76, 150, 255]);
    }

    #[test]
    fn transparent_canvases_keep_their_digit_in_either_ink() {
        // Black ink on a transparent background: composited over white.
        let dark = decoded(encode(
            2,
            1,
            ColorType::Rgba,
            BitDepth::Eight,
            &[0, 0, 0, 255, 0, 0, 0, 0],
        ));
        assert_eq!(dark.pixels, [0, 255]);
        // White ink on a transparent background: composited over black.
        let light = decoded(encode(
            2,
            1,
            ColorType::GrayscaleAlpha,
            BitDepth::Eight,
            &[255, 255, 255, 0],
        ));
        assert_eq!(light.pixels, [255, 0]);
    }

    #[test]
    fn garbage_is_an_image_error() {
        let err = decode(Cursor::new(b"not a png".to_vec())).unwrap_err();
        assert!(matches!(err, Error::Image(_)), "{err}");
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_it() {
        let err = read(Path::new("/nonexistent/digit.png")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/digit.png"), "{err}");
    }
}
