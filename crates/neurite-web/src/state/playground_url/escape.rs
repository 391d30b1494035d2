//! Percent escapes in a link's keys and values: decoded on the way in (a browser escapes what
//! it must when a link is pasted), written only where a character could not stand in a hash
//! pair.

/// `text` with its `%XX` escapes decoded. A `%` not followed by two hexadecimal digits stays
/// as it is; bytes that are not UTF-8 become U+FFFD. Linear in the text's length.
pub(super) fn decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        let escaped = (bytes[i] == b'%')
            .then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?)))
            .flatten();
        match escaped {
            Some((high, low)) => {
                // Two hexadecimal digits make one byte.
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with every character but letters, digits and `-_.~,()=` escaped: what a written
/// link's values hold stays readable (`dense(128,relu)`, `init=he_uniform`), and `&`, `#`,
/// `%`, spaces and other characters cannot end a pair or the hash.
pub(super) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~,()=".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_including_at_the_very_end_and_bad_ones_stay() {
        assert_eq!(decode("dense%28128%2Crelu%29"), "dense(128,relu)");
        assert_eq!(decode("a%41"), "aA");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%E4%B8%AD"), "中");
        assert_eq!(decode("%FF"), "\u{fffd}");
    }

    #[test]
    fn what_is_encoded_decodes_to_itself() {
        for text in ["dense(128,relu)", "a&b#c%d e", "中文", "1e-7", ""] {
            let encoded = encode(text);
            assert!(!encoded.contains(['&', '#', ' ']), "{encoded}");
            assert_eq!(decode(&encoded), text);
        }
        assert_eq!(encode("conv2d(8,3,strides=2)"), "conv2d(8,3,strides=2)");
    }
}
