//! A reader for Go's `encoding/gob` streams, enough to pull the fields of
//! struct values by name (Vegeta writes its results this way).
//!
//! The format is self-describing (see the `encoding/gob` package docs): a
//! stream of messages, each `uint length` then `int type id` then payload.
//! A negative id defines type `-id` with a `wireType` value; a positive id is
//! a value of that type. Unsigned integers are one byte below 128, otherwise
//! a negated byte count and big-endian bytes; signed integers fold the sign
//! into bit 0; floats are byte-reversed IEEE bits; strings and byte slices
//! are length-prefixed; structs are (field-number delta, value) pairs ending
//! with a 0 delta, zero-valued fields left out.

use std::collections::HashMap;

/// Messages longer than this are treated as corruption.
pub const MAX_MESSAGE: usize = 64 << 20;

/// A decoded value. Scalars and byte strings borrow from the message.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Uint(u64),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Strings, byte slices and `GobEncoder`/`BinaryMarshaler` payloads.
    Bytes(&'a [u8]),
    /// Fields present (zero values are left out), by field index; see [`GobStream::field_index`].
    Struct(Vec<(usize, Value<'a>)>),
    /// Slices, arrays, maps, interfaces, complex numbers: read past, not kept.
    Skipped,
}

#[derive(Debug, Clone)]
enum Type {
    Struct(Vec<(String, i64)>),
    Slice(i64),
    Array(i64),
    Map(i64, i64),
    /// GobEncoder, BinaryMarshaler, TextMarshaler: opaque bytes.
    Opaque,
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum GobError {
    /// More bytes are needed.
    Incomplete,
    Corrupt(String),
}

type Res<T> = Result<T, GobError>;

/// Reads gob values from a byte slice.
struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn uint(&mut self) -> Res<u64> {
        let first = *self.b.get(self.pos).ok_or(GobError::Incomplete)?;
        self.pos += 1;
        if first < 0x80 {
            return Ok(u64::from(first));
        }
        let n = (!first).wrapping_add(1) as usize;
        if n == 0 || n > 8 {
            return Err(GobError::Corrupt(format!(
                "integer byte count {first:#04x}"
            )));
        }
        let bytes = self
            .b
            .get(self.pos..self.pos + n)
            .ok_or(GobError::Incomplete)?;
        self.pos += n;
        Ok(bytes.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
    }

    fn int(&mut self) -> Res<i64> {
        let u = self.uint()?;
        Ok(if u & 1 == 1 {
            !(u >> 1) as i64
        } else {
            (u >> 1) as i64
        })
    }

    fn bytes(&mut self) -> Res<&'a [u8]> {
        let n = usize::try_from(self.uint()?)
            .map_err(|_| GobError::Corrupt("length overflow".into()))?;
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| GobError::Corrupt("length overflow".into()))?;
        let out = self.b.get(self.pos..end).ok_or_else(|| {
            GobError::Corrupt(format!("byte string of {n} bytes runs past its message"))
        })?;
        self.pos = end;
        Ok(out)
    }

    fn string(&mut self) -> Res<&'a str> {
        std::str::from_utf8(self.bytes()?)
            .map_err(|_| GobError::Corrupt("field name is not UTF-8".into()))
    }
}

/// Decodes the messages of one gob stream; type definitions persist.
#[derive(Debug, Default)]
pub struct GobStream {
    types: HashMap<i64, Type>,
}

/// One message: its length in bytes and, for a value, the type id and value.
pub struct Message<'a> {
    pub len: usize,
    pub value: Option<(i64, Value<'a>)>,
}

const DEPTH_LIMIT: usize = 64;

impl GobStream {
    /// The index of field `name` in struct type `id`, once the type is defined.
    pub fn field_index(&self, id: i64, name: &str) -> Option<usize> {
        match self.types.get(&id)? {
            Type::Struct(fields) => fields.iter().position(|(n, _)| n == name),
            _ => None,
        }
    }

    /// Reads the message at the start of `b`: `Incomplete` if `b` holds only part of it.
    pub fn message<'a>(&mut self, b: &'a [u8]) -> Res<Message<'a>> {
        let mut r = Reader { b, pos: 0 };
        let len =
            usize::try_from(r.uint()?).map_err(|_| GobError::Corrupt("length overflow".into()))?;
        if len == 0 || len > MAX_MESSAGE {
            return Err(GobError::Corrupt(format!("message length {len}")));
        }
        let end = r.pos + len;
        let body = b.get(..end).ok_or(GobError::Incomplete)?;
        let mut r = Reader {
            b: body,
            pos: r.pos,
        };
        let id = r.int().map_err(Self::inside)?;
        if id < 0 {
            let t = wire_type(&mut r).map_err(Self::inside)?;
            self.types.insert(-id, t);
            return Ok(Message {
                len: end,
                value: None,
            });
        }
        let value = self.value(&mut r, id, 0).map_err(Self::inside)?;
        Ok(Message {
            len: end,
            value: Some((id, value)),
        })
    }

    /// Inside a complete message, running out of bytes is corruption.
    fn inside(e: GobError) -> GobError {
        match e {
            GobError::Incomplete => {
                GobError::Corrupt("value runs past the end of its message".into())
            }
            c => c,
        }
    }

    fn value<'a>(&self, r: &mut Reader<'a>, id: i64, depth: usize) -> Res<Value<'a>> {
        if depth > DEPTH_LIMIT {
            return Err(GobError::Corrupt("values nested too deeply".into()));
        }
        Ok(match id {
            1 => Value::Bool(r.uint()? != 0),
            2 => Value::Int(r.int()?),
            3 => Value::Uint(r.uint()?),
            4 => Value::Float(f64::from_bits(r.uint()?.swap_bytes())),
            5 | 6 => Value::Bytes(r.bytes()?),
            7 => {
                r.uint()?;
                r.uint()?;
                Value::Skipped
            }
            8 => {
                // interface: concrete type name, then its id and the length-prefixed value
                if !r.string()?.is_empty() {
                    r.int()?;
                    r.bytes()?;
                }
                Value::Skipped
            }
            _ => match self.types.get(&id) {
                None => return Err(GobError::Corrupt(format!("value of undefined type {id}"))),
                Some(Type::Opaque) => Value::Bytes(r.bytes()?),
                Some(Type::Struct(fields)) => {
                    let mut out = Vec::new();
                    let mut field: i64 = -1;
                    loop {
                        let delta = r.uint()?;
                        if delta == 0 {
                            break;
                        }
                        field += i64::try_from(delta)
                            .map_err(|_| GobError::Corrupt("field delta overflow".into()))?;
                        let index = usize::try_from(field)
                            .ok()
                            .filter(|f| *f < fields.len())
                            .ok_or_else(|| {
                                GobError::Corrupt(format!(
                                    "field {field} of a {}-field struct",
                                    fields.len()
                                ))
                            })?;
                        let v = self.value(r, fields[index].1, depth + 1)?;
                        out.push((index, v));
                    }
                    Value::Struct(out)
                }
                Some(Type::Slice(elem)) | Some(Type::Array(elem)) => {
                    let elem = *elem;
                    for _ in 0..r.uint()? {
                        self.value(r, elem, depth + 1)?;
                    }
                    Value::Skipped
                }
                Some(Type::Map(k, v)) => {
                    let (k, v) = (*k, *v);
                    for _ in 0..r.uint()? {
                        self.value(r, k, depth + 1)?;
                        self.value(r, v, depth + 1)?;
                    }
                    Value::Skipped
                }
            },
        })
    }
}

/// Reads a `wireType` struct (fields: ArrayT, SliceT, StructT, MapT,
/// GobEncoderT, BinaryMarshalerT, TextMarshalerT).
fn wire_type(r: &mut Reader<'_>) -> Res<Type> {
    let mut field: i64 = -1;
    let mut out = None;
    loop {
        let delta = r.uint()?;
        if delta == 0 {
            break;
        }
        field += delta as i64;
        let t = match field {
            0 => {
                let f = struct_fields(r)?;
                Type::Array(f.get(1).copied().unwrap_or(0))
            }
            1 => Type::Slice(struct_fields(r)?.get(1).copied().unwrap_or(0)),
            2 => Type::Struct(struct_type(r)?),
            3 => {
                let f = struct_fields(r)?;
                Type::Map(
                    f.get(1).copied().unwrap_or(0),
                    f.get(2).copied().unwrap_or(0),
                )
            }
            4..=6 => {
                struct_fields(r)?;
                Type::Opaque
            }
            f => return Err(GobError::Corrupt(format!("wireType field {f}"))),
        };
        out = Some(t);
    }
    out.ok_or_else(|| GobError::Corrupt("empty type definition".into()))
}

/// Reads a struct of (CommonType, int, int…) and returns the ints by field
/// number (index 0 is the CommonType, returned as 0).
fn struct_fields(r: &mut Reader<'_>) -> Res<Vec<i64>> {
    let mut out = vec![0i64; 3];
    let mut field: i64 = -1;
    loop {
        let delta = r.uint()?;
        if delta == 0 {
            return Ok(out);
        }
        field += delta as i64;
        match field {
            0 => common_type(r)?,
            1 | 2 => out[field as usize] = r.int()?,
            f => return Err(GobError::Corrupt(format!("type field {f}"))),
        }
    }
}

/// CommonType { Name string; Id int }
fn common_type(r: &mut Reader<'_>) -> Res<()> {
    let mut field: i64 = -1;
    loop {
        let delta = r.uint()?;
        if delta == 0 {
            return Ok(());
        }
        field += delta as i64;
        match field {
            0 => {
                r.bytes()?;
            }
            1 => {
                r.int()?;
            }
            f => return Err(GobError::Corrupt(format!("CommonType field {f}"))),
        }
    }
}

/// structType { CommonType; Field []fieldType{ Name string; Id int } }
fn struct_type(r: &mut Reader<'_>) -> Res<Vec<(String, i64)>> {
    let mut fields = Vec::new();
    let mut field: i64 = -1;
    loop {
        let delta = r.uint()?;
        if delta == 0 {
            return Ok(fields);
        }
        field += delta as i64;
        match field {
            0 => common_type(r)?,
            1 => {
                for _ in 0..r.uint()? {
                    let (mut name, mut id, mut f) = (String::new(), 0i64, -1i64);
                    loop {
                        let d = r.uint()?;
                        if d == 0 {
                            break;
                        }
                        f += d as i64;
                        match f {
                            0 => name = r.string()?.to_string(),
                            1 => id = r.int()?,
                            x => return Err(GobError::Corrupt(format!("fieldType field {x}"))),
                        }
                    }
                    fields.push((name, id));
                }
            }
            f => return Err(GobError::Corrupt(format!("structType field {f}"))),
        }
    }
}

/// Whether `prefix` opens with a gob message defining a type (negative id),
/// as every gob stream does.
pub fn starts_with_type_definition(prefix: &[u8]) -> bool {
    let mut r = Reader { b: prefix, pos: 0 };
    matches!(r.uint(), Ok(len) if len > 0 && len as usize <= MAX_MESSAGE)
        && matches!(r.int(), Ok(id) if id < 0)
}

/// Decodes Go's `time.Time` binary form (version 1 or 2) into µs since the epoch.
pub fn go_time_us(b: &[u8]) -> Option<i64> {
    // [version][seconds since year 1: i64][nanoseconds: i32][zone offset minutes: i16](version 2: [offset seconds: i8])
    if !matches!(b.first(), Some(1 | 2)) || b.len() < 15 {
        return None;
    }
    let secs = i64::from_be_bytes(b[1..9].try_into().ok()?);
    let nanos = i32::from_be_bytes(b[9..13].try_into().ok()?);
    const UNIX_FROM_YEAR_ONE: i64 = 62_135_596_800;
    (secs - UNIX_FROM_YEAR_ONE)
        .checked_mul(1_000_000)?
        .checked_add(i64::from(nanos) / 1000)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Gob encoding helpers for tests.
    pub fn uint(out: &mut Vec<u8>, v: u64) {
        if v < 0x80 {
            out.push(v as u8);
        } else {
            let bytes = v.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            out.push((-((8 - skip) as i8)) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
    }

    pub fn int(out: &mut Vec<u8>, v: i64) {
        uint(
            out,
            if v < 0 {
                (!(v as u64) << 1) | 1
            } else {
                (v as u64) << 1
            },
        );
    }

    pub fn bytes(out: &mut Vec<u8>, b: &[u8]) {
        uint(out, b.len() as u64);
        out.extend_from_slice(b);
    }

    pub fn message(out: &mut Vec<u8>, id: i64, body: &[u8]) {
        let mut m = Vec::new();
        int(&mut m, id);
        m.extend_from_slice(body);
        uint(out, m.len() as u64);
        out.extend_from_slice(&m);
    }

    /// Type definition of a struct with the given (name, type id) fields.
    pub fn struct_def(out: &mut Vec<u8>, id: i64, name: &str, fields: &[(&str, i64)]) {
        let mut b = vec![3, 1, 1];
        bytes(&mut b, name.as_bytes());
        b.push(1);
        int(&mut b, id);
        b.push(0);
        b.push(1);
        uint(&mut b, fields.len() as u64);
        for (n, t) in fields {
            b.push(1);
            bytes(&mut b, n.as_bytes());
            b.push(1);
            int(&mut b, *t);
            b.push(0);
        }
        b.extend_from_slice(&[0, 0]);
        message(out, -id, &b);
    }

    /// Type definition of a GobEncoder type.
    pub fn gob_encoder_def(out: &mut Vec<u8>, id: i64, name: &str) {
        let mut b = vec![5, 1, 1];
        bytes(&mut b, name.as_bytes());
        b.push(1);
        int(&mut b, id);
        b.extend_from_slice(&[0, 0, 0]);
        message(out, -id, &b);
    }

    #[test]
    fn integers() {
        let mut r = Reader {
            b: &[0x07, 0xff, 0xc8, 0xfe, 0x04, 0xee, 0x03],
            pos: 0,
        };
        assert_eq!(r.uint(), Ok(7));
        assert_eq!(r.uint(), Ok(200));
        assert_eq!(r.uint(), Ok(1262));
        assert_eq!(r.int(), Ok(-2));
        assert_eq!(r.uint(), Err(GobError::Incomplete));
        let mut b = Vec::new();
        int(&mut b, -65);
        int(&mut b, 1_234_567_890);
        let mut r = Reader { b: &b, pos: 0 };
        assert_eq!((r.int(), r.int()), (Ok(-65), Ok(1_234_567_890)));
    }

    #[test]
    fn types_then_struct_values() {
        let mut b = Vec::new();
        struct_def(
            &mut b,
            65,
            "R",
            &[("Name", 6), ("Code", 3), ("When", 66), ("Tags", 67)],
        );
        // Tags: []string, defined as a slice type
        let mut slice = vec![2, 1, 1];
        bytes(&mut slice, b"[]string");
        slice.push(1);
        int(&mut slice, 67);
        slice.push(0);
        slice.push(1);
        int(&mut slice, 6);
        slice.extend_from_slice(&[0, 0]);
        message(&mut b, -67, &slice);
        gob_encoder_def(&mut b, 66, "Time");
        let mut v = vec![2];
        uint(&mut v, 503);
        v.push(1);
        bytes(&mut v, &[1, 2, 3]);
        v.push(1);
        uint(&mut v, 2);
        bytes(&mut v, b"a");
        bytes(&mut v, b"b");
        v.push(0);
        message(&mut b, 65, &v);
        let mut s = GobStream::default();
        let mut pos = 0;
        let mut values = Vec::new();
        while pos < b.len() {
            assert!(matches!(
                s.message(&b[pos..b.len() - 1]),
                Ok(_) | Err(GobError::Incomplete)
            ));
            let m = s.message(&b[pos..]).expect("message");
            pos += m.len;
            values.extend(m.value);
        }
        assert_eq!(s.field_index(65, "When"), Some(2));
        assert_eq!(
            values,
            vec![(
                65,
                Value::Struct(vec![
                    (1, Value::Uint(503)),
                    (2, Value::Bytes(&[1, 2, 3])),
                    (3, Value::Skipped)
                ])
            )]
        );
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        let mut s = GobStream::default();
        assert!(matches!(
            s.message(&[0x05, 0x82, 1, 2, 3, 4]),
            Err(GobError::Corrupt(_))
        ));
        assert!(matches!(s.message(&[0x00]), Err(GobError::Corrupt(_))));
        assert!(matches!(
            s.message(&[0x03, 0xff, 0x81, 0x09]),
            Err(GobError::Corrupt(_))
        ));
    }

    #[test]
    fn go_times() {
        // From goenning/rendergun results.bin: 2018-12-06T17:05:44.105953924Z (zone -1 = UTC).
        let t = go_time_us(&[
            1, 0, 0, 0, 0x0e, 0xd3, 0x9b, 0x4d, 0xe8, 0x06, 0x50, 0xba, 0x84, 0xff, 0xff,
        ])
        .expect("time");
        assert_eq!(t, 1_544_115_944_105_953);
        assert_eq!(go_time_us(&[3, 0, 0]), None);
    }
}
