//! UTF-16 text with a byte-order mark (what Windows PowerShell's `>` and
//! `Out-File` write) turned into UTF-8 as a stream, before format detection,
//! so every reader sees the same text as from a UTF-8 file.

/// Streaming UTF-16 → UTF-8 transcoder; chunks may split anywhere (inside a
/// code unit or a surrogate pair). Unpaired surrogates become U+FFFD.
#[derive(Debug)]
pub struct Utf16 {
    little_endian: bool,
    /// An odd byte left from the last chunk.
    odd: Option<u8>,
    /// A high surrogate waiting for its pair.
    high: Option<u16>,
}

impl Utf16 {
    /// The transcoder and the BOM's length, when `prefix` starts with a UTF-16 BOM.
    pub fn detect(prefix: &[u8]) -> Option<Utf16> {
        let little_endian = match prefix {
            [0xFF, 0xFE, ..] => true,
            [0xFE, 0xFF, ..] => false,
            _ => return None,
        };
        Some(Utf16 {
            little_endian,
            odd: None,
            high: None,
        })
    }

    /// UTF-8 for the next bytes (after the BOM).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        let mut units = Vec::with_capacity(bytes.len() / 2 + 2);
        units.extend(self.high.take());
        let mut rest = bytes;
        if let Some(first) = self.odd.take() {
            match rest.split_first() {
                Some((&second, tail)) => {
                    units.push(self.unit(first, second));
                    rest = tail;
                }
                None => self.odd = Some(first),
            }
        }
        let mut pairs = rest.chunks_exact(2);
        for p in &mut pairs {
            units.push(self.unit(p[0], p[1]));
        }
        if let [b] = pairs.remainder() {
            self.odd = Some(*b);
        }
        // A high surrogate at the end may pair with the next chunk's first unit.
        if let Some(&last) = units.last() {
            if (0xD800..0xDC00).contains(&last) {
                self.high = units.pop();
            }
        }
        let text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        text.into_bytes()
    }

    /// UTF-8 for whatever is left at the end of input.
    pub fn finish(&mut self) -> Vec<u8> {
        let mut out = String::new();
        if self.high.take().is_some() || self.odd.take().is_some() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
        out.into_bytes()
    }

    fn unit(&self, a: u8, b: u8) -> u16 {
        match self.little_endian {
            true => u16::from_le_bytes([a, b]),
            false => u16::from_be_bytes([a, b]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_split_gives_the_same_text() {
        let text = "a,é,😀\r\nz";
        for le in [true, false] {
            let mut bytes: Vec<u8> = if le {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            for u in text.encode_utf16() {
                bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            for cut in 2..bytes.len() {
                let mut t = Utf16::detect(&bytes).expect("bom");
                let mut out = t.feed(&bytes[2..cut]);
                out.extend(t.feed(&bytes[cut..]));
                out.extend(t.finish());
                assert_eq!(String::from_utf8(out).expect("utf-8"), text, "cut {cut}");
            }
        }
    }

    #[test]
    fn no_bom_no_transcoding() {
        assert!(Utf16::detect(b"timeStamp,elapsed").is_none());
        assert!(Utf16::detect(&[0xEF, 0xBB, 0xBF, b'a']).is_none());
    }
}
