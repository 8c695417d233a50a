//! The byte layer of a snapshot: LEB128 varints, and JSON values (as
//! `serde_json::Value`) in a compact binary form that keeps every `f64`
//! bit-exact, which JSON text does not (serde_json's default parser is off
//! by one unit in the last place for about a quarter of random doubles).
//!
//! Value tags: 0 null, 1 false, 2 true, 3 unsigned integer, 4 negative
//! integer (−1 − varint), 5 f64 (8 bytes little-endian), 6 f64 that is an
//! integer count of units (scale byte 0 = 1, 1 = 1e-3, 2 = 1e-6, then a
//! zigzag varint: latencies in µs-exact milliseconds take 2–4 bytes
//! instead of 9), 7 string, 8 array, 9 object, 10 table: an array of two
//! or more objects with the same keys in the same order, written column by
//! column (a row count, the keys, then each key's values in row order), so
//! that like numbers sit together and compress (written only when
//! [`Writer::tables`] is set; share links of format 2 and later).
//!
//! The reader trusts nothing: every length is checked against the bytes
//! left before anything is allocated, depth and node counts are bounded,
//! strings must be UTF-8 without control characters, numbers finite.

use serde_json::{Map, Number, Value};

/// Deepest nesting a value may have.
pub const MAX_DEPTH: usize = 48;
/// Most values (nodes) one document may hold.
pub const MAX_NODES: usize = 400_000;

const SCALES: [f64; 3] = [1.0, 1e3, 1e6];

/// Why bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError {
    pub offset: usize,
    pub reason: String,
}

/// Appends to a byte buffer.
#[derive(Debug, Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
    /// Write arrays of like objects as tables (tag 10), which readers of
    /// share-link format 1 do not know.
    pub tables: bool,
}

/// The keys shared by every row, when `items` is a table worth writing as one.
fn table_keys(items: &[Value]) -> Option<Vec<&String>> {
    let first = items.first()?.as_object()?;
    if items.len() < 2 || first.is_empty() {
        return None;
    }
    let keys: Vec<&String> = first.keys().collect();
    items
        .iter()
        .all(|row| {
            row.as_object()
                .is_some_and(|m| m.keys().eq(keys.iter().copied()))
        })
        .then_some(keys)
}

impl Writer {
    pub fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    pub fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    pub fn string(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    fn float(&mut self, x: f64) {
        for (i, scale) in SCALES.iter().enumerate() {
            let units = (x * scale).round();
            if units.abs() < 9.0e15 && units / scale == x && !(x == 0.0 && x.is_sign_negative()) {
                self.byte(6);
                self.byte(i as u8);
                let n = units as i64;
                self.varint(((n << 1) ^ (n >> 63)) as u64);
                return;
            }
        }
        self.byte(5);
        self.bytes.extend_from_slice(&x.to_le_bytes());
    }

    /// Writes a JSON value.
    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.byte(0),
            Value::Bool(false) => self.byte(1),
            Value::Bool(true) => self.byte(2),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.byte(3);
                    self.varint(u);
                } else if let Some(i) = n.as_i64() {
                    self.byte(4);
                    self.varint((-1 - i) as u64);
                } else {
                    self.float(n.as_f64().unwrap_or(0.0));
                }
            }
            Value::String(s) => {
                self.byte(7);
                self.string(s);
            }
            Value::Array(items) => match table_keys(items).filter(|_| self.tables) {
                Some(keys) => {
                    self.byte(10);
                    self.varint(items.len() as u64);
                    self.varint(keys.len() as u64);
                    for k in &keys {
                        self.string(k);
                    }
                    for k in keys {
                        for row in items {
                            self.value(&row[k.as_str()]);
                        }
                    }
                }
                None => {
                    self.byte(8);
                    self.varint(items.len() as u64);
                    for item in items {
                        self.value(item);
                    }
                }
            },
            Value::Object(map) => {
                self.byte(9);
                self.varint(map.len() as u64);
                for (k, item) in map {
                    self.string(k);
                    self.value(item);
                }
            }
        }
    }
}

/// Reads from a byte slice, refusing anything malformed.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    nodes: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            bytes,
            pos: 0,
            nodes: 0,
        }
    }

    pub fn error(&self, reason: impl Into<String>) -> WireError {
        WireError {
            offset: self.pos,
            reason: reason.into(),
        }
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.remaining() {
            return Err(self.error(format!("needs {n} more bytes, {} left", self.remaining())));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn byte(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }

    pub fn varint(&mut self) -> Result<u64, WireError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(self.error("number too large"));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.error("number too long"))
    }

    /// A count of items, each at least `min_bytes` long: never more than
    /// the bytes left could hold.
    pub fn count(&mut self, min_bytes: usize) -> Result<usize, WireError> {
        let n = self.varint()?;
        if n > (self.remaining() / min_bytes.max(1)) as u64 {
            return Err(self.error(format!(
                "claims {n} items, more than the {} bytes left can hold",
                self.remaining()
            )));
        }
        Ok(n as usize)
    }

    pub fn string(&mut self) -> Result<String, WireError> {
        let n = self.count(1)?;
        let start = self.pos;
        let raw = self.take(n)?;
        let s = std::str::from_utf8(raw).map_err(|_| WireError {
            offset: start,
            reason: "text is not UTF-8".into(),
        })?;
        if let Some(c) = s.chars().find(|c| is_forbidden_char(*c)) {
            return Err(WireError {
                offset: start,
                reason: format!("text holds a control character (U+{:04X})", c as u32),
            });
        }
        Ok(s.to_string())
    }

    fn float(&mut self, tag: u8) -> Result<f64, WireError> {
        let x = if tag == 5 {
            let raw = self.take(8)?;
            let mut b = [0u8; 8];
            b.copy_from_slice(raw);
            f64::from_le_bytes(b)
        } else {
            let scale = *SCALES
                .get(usize::from(self.byte()?))
                .ok_or_else(|| self.error("unknown number scale"))?;
            let z = self.varint()?;
            let n = ((z >> 1) as i64) ^ -((z & 1) as i64);
            n as f64 / scale
        };
        if !x.is_finite() {
            return Err(self.error("a number is not finite"));
        }
        Ok(x)
    }

    /// Reads one JSON value.
    pub fn value(&mut self) -> Result<Value, WireError> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> Result<Value, WireError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nested deeper than {MAX_DEPTH}")));
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.error(format!("more than {MAX_NODES} values")));
        }
        let tag = self.byte()?;
        Ok(match tag {
            0 => Value::Null,
            1 => Value::Bool(false),
            2 => Value::Bool(true),
            3 => Value::Number(Number::from(self.varint()?)),
            4 => {
                let v = self.varint()?;
                if v > i64::MAX as u64 {
                    return Err(self.error("negative number out of range"));
                }
                Value::Number(Number::from(-1 - v as i64))
            }
            5 | 6 => {
                let x = self.float(tag)?;
                Value::Number(Number::from_f64(x).ok_or_else(|| self.error("bad number"))?)
            }
            7 => Value::String(self.string()?),
            8 => {
                let n = self.count(1)?;
                let mut items = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    items.push(self.value_at(depth + 1)?);
                }
                Value::Array(items)
            }
            9 => {
                let n = self.count(2)?;
                let mut map = Map::new();
                for _ in 0..n {
                    let k = self.string()?;
                    let v = self.value_at(depth + 1)?;
                    if map.insert(k, v).is_some() {
                        return Err(self.error("a key appears twice"));
                    }
                }
                Value::Object(map)
            }
            10 => self.table(depth)?,
            other => return Err(self.error(format!("unknown value tag {other}"))),
        })
    }

    /// A table (tag 10) back as the array of objects it was written from.
    fn table(&mut self, depth: usize) -> Result<Value, WireError> {
        let rows = self.count(1)?;
        let columns = self.count(1)?;
        if rows < 2 || columns == 0 {
            return Err(self.error("a table needs two rows and a column"));
        }
        // Every cell takes at least a byte: the bytes left bound the cells.
        if rows.saturating_mul(columns) > self.remaining() {
            return Err(self.error("a table larger than the bytes left can hold"));
        }
        let mut keys = Vec::with_capacity(columns);
        for _ in 0..columns {
            let k = self.string()?;
            if keys.contains(&k) {
                return Err(self.error("a key appears twice"));
            }
            keys.push(k);
        }
        let mut out: Vec<Map<String, Value>> = vec![Map::new(); rows];
        for k in &keys {
            for row in &mut out {
                row.insert(k.clone(), self.value_at(depth + 2)?);
            }
        }
        Ok(Value::Array(out.into_iter().map(Value::Object).collect()))
    }
}

/// Control characters (other than tab and line breaks) have no business in
/// a shared analysis, and could drive a terminal when printed.
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Replaces forbidden characters so that what is written can be read back.
pub fn clean_text(s: &str) -> String {
    s.chars()
        .map(|c| if is_forbidden_char(c) { '\u{fffd}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(v: &Value) -> Result<Value, WireError> {
        let mut w = Writer::default();
        w.value(v);
        let mut r = Reader::new(&w.bytes);
        let out = r.value()?;
        assert!(r.at_end());
        Ok(out)
    }

    #[test]
    fn values_round_trip_bit_exact() -> Result<(), WireError> {
        let v = json!({
            "a": [0, 1, u64::MAX, -1, i64::MIN, 0.1, 81.727, 1e-300, -0.0, 12.5e6, f64::MAX],
            "s": "GET /api/items/{id} — ünïcode",
            "nested": {"x": null, "t": true, "f": false},
        });
        let back = round_trip(&v)?;
        assert_eq!(back, v);
        for (x, y) in v["a"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(back["a"].as_array().into_iter().flatten())
        {
            if let (Some(a), Some(b)) = (x.as_f64(), y.as_f64()) {
                assert_eq!(a.to_bits(), b.to_bits(), "{a}");
            }
        }
        Ok(())
    }

    #[test]
    fn tables_round_trip_to_the_same_values() -> Result<(), WireError> {
        let v = json!({
            "points": [
                {"t_s": 0.5, "requests": 10, "p95_ms": 81.727, "c": null},
                {"t_s": 1.5, "requests": 12, "p95_ms": 90.1, "c": 10.0},
                {"t_s": 2.5, "requests": 0, "p95_ms": null, "c": 10.0},
            ],
            "mixed": [{"a": 1}, {"b": 2}],
            "one": [{"a": 1}],
        });
        let mut w = Writer {
            tables: true,
            ..Writer::default()
        };
        w.value(&v);
        let mut plain = Writer::default();
        plain.value(&v);
        assert!(w.bytes.contains(&10) && w.bytes.len() < plain.bytes.len());
        let mut r = Reader::new(&w.bytes);
        assert_eq!(r.value()?, v);
        assert!(r.at_end());
        // A table claiming more cells than bytes is refused before allocating.
        assert!(Reader::new(&[10, 0xff, 0xff, 0x03, 0xff, 0xff, 0x03])
            .value()
            .is_err());
        Ok(())
    }

    #[test]
    fn hostile_bytes_are_refused() {
        let cases: [&[u8]; 7] = [
            &[8, 0xff, 0xff, 0xff, 0xff, 0x0f], // a huge array
            &[7, 5, b'a'],                      // a string longer than the bytes
            &[7, 1, 0x1b],                      // ESC in a string
            &[5, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f], // +inf
            &[42],                              // unknown tag
            &[
                3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02,
            ], // overflow
            &[9, 2, 1, b'k', 0, 1, b'k', 0],    // duplicate key
        ];
        for bytes in cases {
            assert!(Reader::new(bytes).value().is_err(), "{bytes:?}");
        }
        // Deep nesting stops at the limit instead of the stack.
        let deep = [8u8, 1].repeat(10_000);
        assert!(Reader::new(&deep).value().is_err());
    }
}
