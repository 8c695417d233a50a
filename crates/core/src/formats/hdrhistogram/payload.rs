//! Decoding one base64 histogram of an HdrHistogram interval log, in every
//! encoding the Java reference has written: V0 (`HISTiQ…`, 2014), V1
//! (`HISTIg…`, `HISTgg…`) and V2 (`HISTFA…`), compressed or not.
//!
//! Upstream: HdrHistogram/HdrHistogram `AbstractHistogram.decodeFromByteBuffer`
//! and `fillCountsArrayFromSourceBuffer`. The cookie's low nibble is a version,
//! bits 4–7 the counts' word size: V0 and V1 store one big-endian word (2, 4
//! or 8 bytes) per counts-array slot, V2 a ZigZag LEB128 number per slot with
//! negative numbers for runs of empty slots. V0's header lacks V1's payload
//! length, normalizing offset and integer-to-double ratio.
//!
//! The `hdrhistogram` crate reads V2 only, so V0 and V1 counts are re-encoded
//! as V2 (same header values, same slots) and handed to its `Deserializer`,
//! which therefore does all index-to-value arithmetic. We inflate compressed
//! payloads ourselves, with a size limit, so a hostile header cannot make us
//! allocate gigabytes.

use std::io::Read;

use base64::Engine as _;
use hdrhistogram::serialization::Deserializer;
use hdrhistogram::Histogram;

const V0_COOKIE_BASE: u32 = 0x1c84_9308;
const V0_COMPRESSED_COOKIE_BASE: u32 = 0x1c84_9309;
const V1_COOKIE_BASE: u32 = 0x1c84_9301;
const V1_COMPRESSED_COOKIE_BASE: u32 = 0x1c84_9302;
const V2_COOKIE_BASE: u32 = 0x1c84_9303;
const V2_COMPRESSED_COOKIE_BASE: u32 = 0x1c84_9304;
/// What the crate expects: the V2 base with the word-size nibble Java writes.
const V2_COOKIE: u32 = V2_COOKIE_BASE | 0x10;

/// Largest decompressed histogram we accept.
const MAX_PAYLOAD: usize = 16 << 20;
/// Largest counts array we let a header ask for (16 MiB of u64): every
/// 3-digit histogram fits many times over; only 5-digit histograms spanning
/// a wide range are refused.
const MAX_COUNTS: u64 = 1 << 21;

const V2_HEADER: usize = 40;
const V0_HEADER: usize = 32;

/// Base64 as Java writes it, tolerant of missing padding.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// Decodes the base64 text of one interval histogram (values in the unit the
/// writer recorded).
pub fn decode_base64(text: &str) -> Result<Histogram<u64>, String> {
    let bytes = BASE64
        .decode(text.trim())
        .map_err(|e| format!("histogram is not valid base64 ({e})"))?;
    decode(&bytes, true)
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

const TRUNCATED: &str = "histogram bytes end inside the header";

fn decode(bytes: &[u8], allow_compressed: bool) -> Result<Histogram<u64>, String> {
    let cookie = be_u32(bytes, 0).ok_or(TRUNCATED)?;
    let base = cookie & !0xf0;
    let word_size = ((cookie & 0xf0) >> 4) & 0xe;
    match base {
        V0_COMPRESSED_COOKIE_BASE | V1_COMPRESSED_COOKIE_BASE | V2_COMPRESSED_COOKIE_BASE
            if allow_compressed =>
        {
            let inner = inflate(bytes)?;
            let inner_base = be_u32(&inner, 0).ok_or(TRUNCATED)? & !0xf0;
            if inner_base + 1 != base {
                return Err(format!(
                    "compressed histogram holds an unexpected cookie {inner_base:#x}"
                ));
            }
            decode(&inner, false)
        }
        V2_COOKIE_BASE => decode_v2(bytes),
        V1_COOKIE_BASE => {
            let payload_len = be_u32(bytes, 4).ok_or(TRUNCATED)? as usize;
            let header = Header::v1(bytes)?;
            let payload = bytes
                .get(V2_HEADER..V2_HEADER + payload_len)
                .ok_or("histogram bytes end before the payload length its header states")?;
            header.with_counts(payload, word_size)
        }
        V0_COOKIE_BASE => {
            let header = Header::v0(bytes)?;
            header.with_counts(&bytes[V0_HEADER..], word_size)
        }
        _ => Err(format!(
            "unknown histogram encoding (cookie {cookie:#010x})"
        )),
    }
}

/// Inflates `cookie, length, zlib data` with a size limit.
fn inflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let len = be_u32(bytes, 4).ok_or(TRUNCATED)? as usize;
    let data = bytes
        .get(8..8 + len)
        .ok_or("compressed histogram is shorter than its stated length")?;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(MAX_PAYLOAD as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("compressed histogram does not inflate ({e})"))?;
    if out.len() > MAX_PAYLOAD {
        return Err(format!(
            "histogram inflates to more than {} MiB",
            MAX_PAYLOAD >> 20
        ));
    }
    Ok(out)
}

/// The header fields the V2 encoding needs.
struct Header {
    sigfig: u32,
    low: u64,
    high: u64,
}

impl Header {
    /// V1/V2: cookie, payload length, normalizing offset, digits, low, high, ratio.
    fn v1(b: &[u8]) -> Result<Header, String> {
        let offset = be_u32(b, 8).ok_or(TRUNCATED)?;
        let header = Header {
            sigfig: be_u32(b, 12).ok_or(TRUNCATED)?,
            low: be_u64(b, 16).ok_or(TRUNCATED)?,
            high: be_u64(b, 24).ok_or(TRUNCATED)?,
        };
        let ratio = f64::from_bits(be_u64(b, 32).ok_or(TRUNCATED)?);
        if ratio != 1.0 {
            return Err(
                "DoubleHistogram payloads (integer-to-double ratio other than 1) are not supported"
                    .into(),
            );
        }
        if offset != 0 {
            return Err("histograms with a normalizing index offset are not supported".into());
        }
        header.check()
    }

    /// V0: cookie, digits, low, high, total count.
    fn v0(b: &[u8]) -> Result<Header, String> {
        if b.len() < V0_HEADER {
            return Err(TRUNCATED.into());
        }
        Header {
            sigfig: be_u32(b, 4).ok_or(TRUNCATED)?,
            low: be_u64(b, 8).ok_or(TRUNCATED)?,
            high: be_u64(b, 16).ok_or(TRUNCATED)?,
        }
        .check()
    }

    /// Refuses headers that are invalid or would need a huge counts array.
    fn check(self) -> Result<Header, String> {
        if self.sigfig > 5 || self.low == 0 || self.high < self.low.saturating_mul(2) {
            return Err(format!(
                "invalid histogram header (digits {}, lowest {}, highest {})",
                self.sigfig, self.low, self.high
            ));
        }
        // Java's counts-array length: (buckets + 1) × sub-bucket count / 2.
        let sub_buckets = (2 * 10u64.pow(self.sigfig)).next_power_of_two();
        let unit_magnitude = 63 - self.low.leading_zeros();
        let mut smallest_untrackable = u128::from(sub_buckets) << unit_magnitude;
        let mut buckets = 1u64;
        while smallest_untrackable <= u128::from(self.high) {
            smallest_untrackable <<= 1;
            buckets += 1;
        }
        if (buckets + 1) * (sub_buckets / 2) > MAX_COUNTS {
            return Err(format!(
                "histogram header asks for more than {MAX_COUNTS} counters (digits {}, range {}..{})",
                self.sigfig, self.low, self.high
            ));
        }
        Ok(self)
    }

    /// Re-encodes fixed-width counts as V2 and decodes that.
    fn with_counts(self, payload: &[u8], word_size: u32) -> Result<Histogram<u64>, String> {
        let ws = match word_size {
            2 | 4 | 8 => word_size as usize,
            other => {
                return Err(format!(
                    "histogram word size {other} is not 2, 4 or 8 bytes"
                ))
            }
        };
        let mut v2 = Vec::with_capacity(V2_HEADER + payload.len() / ws + 16);
        v2.extend_from_slice(&V2_COOKIE.to_be_bytes());
        v2.extend_from_slice(&[0; 4]); // payload length, patched below
        v2.extend_from_slice(&0u32.to_be_bytes());
        v2.extend_from_slice(&self.sigfig.to_be_bytes());
        v2.extend_from_slice(&self.low.to_be_bytes());
        v2.extend_from_slice(&self.high.to_be_bytes());
        v2.extend_from_slice(&1.0f64.to_be_bytes());
        let mut zeros: i64 = 0;
        for word in payload.chunks_exact(ws) {
            let count = match ws {
                2 => i64::from(i16::from_be_bytes([word[0], word[1]])),
                4 => i64::from(i32::from_be_bytes([word[0], word[1], word[2], word[3]])),
                _ => i64::from_be_bytes(word.try_into().map_err(|_| TRUNCATED)?),
            };
            if count < 0 {
                return Err(format!("histogram holds a negative count ({count})"));
            }
            if count == 0 {
                zeros += 1;
                continue;
            }
            if zeros > 0 {
                push_zigzag(&mut v2, -zeros);
                zeros = 0;
            }
            push_zigzag(&mut v2, count);
        }
        // Trailing empty slots are simply not written, as V2 writers do.
        let payload_len = u32::try_from(v2.len() - V2_HEADER).map_err(|_| "histogram too large")?;
        v2[4..8].copy_from_slice(&payload_len.to_be_bytes());
        deserialize(&v2)
    }
}

fn decode_v2(bytes: &[u8]) -> Result<Histogram<u64>, String> {
    Header::v1(bytes)?;
    let payload_len = be_u32(bytes, 4).ok_or(TRUNCATED)? as usize;
    let end = V2_HEADER + payload_len;
    if bytes.len() < end {
        return Err("histogram bytes end before the payload length its header states".into());
    }
    let mut v2 = bytes[..end].to_vec();
    // Writers differ in the word-size nibble; the crate wants Java's.
    v2[0..4].copy_from_slice(&V2_COOKIE.to_be_bytes());
    deserialize(&v2)
}

fn deserialize(v2: &[u8]) -> Result<Histogram<u64>, String> {
    Deserializer::new()
        .deserialize(&mut &v2[..])
        .map_err(|e| format!("histogram does not decode ({e})"))
}

/// ZigZag then LEB128-64b9B (the 9th byte carries 8 bits), as V2 writes counts.
fn push_zigzag(out: &mut Vec<u8>, value: i64) {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    for _ in 0..8 {
        if v < 0x80 {
            out.push(v as u8);
            return;
        }
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::serialization::{Serializer, V2DeflateSerializer, V2Serializer};

    fn sample() -> Histogram<u64> {
        let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3).expect("valid");
        for v in [1u64, 2, 2, 900, 1_000, 45_000, 45_001, 3_000_000] {
            h.record(v).expect("in range");
        }
        // Counts needing 6 and all 9 bytes of LEB128-64b9B.
        h.record_n(77, 1 << 40).expect("in range");
        h.record_n(5, 1 << 60).expect("in range");
        h
    }

    /// A V1 payload, laid out as Java's encoder wrote it: raw big-endian words.
    fn v1_bytes(h: &Histogram<u64>) -> Vec<u8> {
        let mut counts: Vec<u64> = h
            .iter_all()
            .map(|v| v.count_since_last_iteration())
            .collect();
        while counts.last() == Some(&0) {
            counts.pop();
        }
        let mut b = Vec::new();
        b.extend_from_slice(&(V1_COOKIE_BASE | 0x80).to_be_bytes());
        b.extend_from_slice(&((counts.len() * 8) as u32).to_be_bytes());
        b.extend_from_slice(&0u32.to_be_bytes());
        b.extend_from_slice(&3u32.to_be_bytes());
        b.extend_from_slice(&1u64.to_be_bytes());
        b.extend_from_slice(&3_600_000_000u64.to_be_bytes());
        b.extend_from_slice(&1.0f64.to_be_bytes());
        for c in counts {
            b.extend_from_slice(&c.to_be_bytes());
        }
        b
    }

    #[test]
    fn v2_plain_and_compressed_round_trip() {
        let h = sample();
        let mut plain = Vec::new();
        V2Serializer::new()
            .serialize(&h, &mut plain)
            .expect("serializes");
        let mut deflated = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&h, &mut deflated)
            .expect("serializes");
        for bytes in [plain, deflated] {
            let text = BASE64.encode(&bytes);
            assert_eq!(decode_base64(&text).expect("decodes"), h);
        }
    }

    #[test]
    fn v1_words_become_the_same_histogram() {
        let h = sample();
        assert_eq!(decode(&v1_bytes(&h), true).expect("decodes"), h);
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        assert!(decode_base64("not base64 !!").is_err());
        assert!(decode_base64("HIST").is_err());
        assert!(decode(&[0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 50, 1, 2], true).is_err());
        let mut huge = v1_bytes(&sample());
        huge[12..16].copy_from_slice(&5u32.to_be_bytes());
        huge[24..32].copy_from_slice(&(u64::MAX / 4).to_be_bytes());
        let err = decode(&huge, true).err().unwrap_or_default();
        assert!(err.contains("counters"), "{err}");
        for cut in 0..40 {
            assert!(decode(&v1_bytes(&sample())[..cut], true).is_err());
        }
    }
}
