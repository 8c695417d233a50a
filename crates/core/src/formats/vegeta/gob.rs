//! Vegeta's default output (`vegeta attack … > results.bin`): Go `gob`
//! encoded `vegeta.Result` values, one after another:
//!
//! ```text
//! 77 ff 81 03 01 01 06 "Result" 01 ff 82 00 01 09 01 06 "Attack" 01 0c 00 …   (type of Result)
//! fe 05 14 ff 82 03 ff c8 01 0f 01 00 00 00 0e d3 9b 4d e8 …                 (one Result)
//! ```
//!
//! Upstream encoder: tsenart/vegeta `lib/results.go` (`NewEncoder`:
//! `gob.NewEncoder(w).Encode(r)`); the format is Go's `encoding/gob` (see
//! `gob`). Fields are found by name in the stream's own type definition, so
//! both the 9-field Result of Vegeta < 12.8 and the 12-field one of later
//! versions (Method, URL, Headers) read; concatenated files restart their
//! type definitions, which is fine. `Timestamp` is a `time.Time` (its binary
//! form), `Latency` a `time.Duration` in nanoseconds.

use crate::decoder::{Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::gob::{
    go_time_us, starts_with_type_definition, GobError, GobStream, Value,
};
use crate::formats::shared::rows::Framing;
use crate::formats::vegeta::result::{record, VegetaResult};
use crate::options::IngestOptions;
use crate::run::Run;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::VegetaGob,
    description: "Vegeta attack results, binary gob (vegeta attack > results.bin)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".bin", ".gob"],
    new_decoder,
};

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    // The stream opens with the definition of the Result struct type.
    let head = &prefix[..prefix.len().min(256)];
    let defines_type = starts_with_type_definition(head);
    defines_type
        && memchr::memmem::find(head, b"\x06Result").is_some()
        && memchr::memmem::find(head, b"\x07Latency").is_some()
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(VegetaGobDecoder::default())
}

/// Streaming decoder for Vegeta gob results.
#[derive(Debug, Default)]
pub struct VegetaGobDecoder {
    stream: GobStream,
    buf: Vec<u8>,
    offset: u64,
    messages: u64,
    stopped: bool,
}

/// How this stream's breaks are worded.
const FRAMING: Framing = Framing {
    whole: "file",
    unit: "gob message",
    kept: "results",
    advice: "",
};

impl Decoder for VegetaGobDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        if self.stopped {
            return Ok(());
        }
        self.buf.extend_from_slice(bytes);
        let mut pos = 0;
        while pos < self.buf.len() {
            match self.stream.message(&self.buf[pos..]) {
                Ok(m) => {
                    if let Some((id, Value::Struct(fields))) = &m.value {
                        result(run, &self.stream, *id, fields, self.messages + 1);
                    }
                    pos += m.len;
                    self.offset += m.len as u64;
                    self.messages += 1;
                }
                Err(GobError::Incomplete) => break,
                Err(GobError::Corrupt(reason)) => {
                    if self.messages == 0 {
                        return Err(IngestError::Malformed {
                            source_name: run.source.clone(),
                            format: Format::VegetaGob.as_str(),
                            position: Position::Offset { offset: 0 },
                            reason: format!("not a gob stream of Vegeta results ({reason}); convert it with `vegeta encode --to json`"),
                        });
                    }
                    FRAMING.corrupt(run, self.messages + 1, self.offset, &reason);
                    self.stopped = true;
                    self.buf = Vec::new();
                    return Ok(());
                }
            }
        }
        self.buf.drain(..pos);
        Ok(())
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        if !self.stopped && !self.buf.is_empty() {
            FRAMING.ended_inside(run, self.messages + 1, self.offset);
        }
        Ok(())
    }
}

/// Records a value if it is a Vegeta Result (a struct with a Latency field).
fn result(run: &mut Run, stream: &GobStream, id: i64, fields: &[(usize, Value<'_>)], message: u64) {
    let Some(latency_at) = stream.field_index(id, "Latency") else {
        return;
    };
    let get = |name: &str| {
        stream
            .field_index(id, name)
            .and_then(|i| fields.iter().find(|(f, _)| *f == i))
            .map(|(_, v)| v)
    };
    let text = |name: &str| match get(name) {
        Some(Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    };
    // Zero values are not sent: a missing field is 0 / "".
    let latency_ns = match fields
        .iter()
        .find(|(f, _)| *f == latency_at)
        .map(|(_, v)| v)
    {
        None => 0,
        Some(Value::Int(ns)) => *ns,
        Some(_) => return run.skip_line(message, "Latency is not an integer"),
    };
    let code = match get("Code") {
        None => 0,
        Some(Value::Uint(c)) => u16::try_from(*c).unwrap_or(u16::MAX),
        Some(_) => return run.skip_line(message, "Code is not an unsigned integer"),
    };
    let Some(start_us) = (match get("Timestamp") {
        Some(Value::Bytes(b)) => go_time_us(b),
        _ => None,
    }) else {
        return run.skip_line(message, "Timestamp is missing or not a Go time");
    };
    record(
        run,
        &VegetaResult {
            start_us,
            latency_ns,
            code,
            error: &text("Error"),
            method: &text("Method"),
            url: &text("URL"),
            attack: &text("Attack"),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::shared::gob::tests::{
        bytes, gob_encoder_def, int, message, struct_def, uint,
    };
    use crate::session::Session;

    fn stream(results: &[(u64, i64, &str)]) -> Vec<u8> {
        let mut b = Vec::new();
        struct_def(
            &mut b,
            65,
            "Result",
            &[
                ("Attack", 6),
                ("Seq", 3),
                ("Code", 3),
                ("Timestamp", 66),
                ("Latency", 2),
                ("BytesOut", 3),
                ("BytesIn", 3),
                ("Error", 6),
                ("Body", 5),
            ],
        );
        gob_encoder_def(&mut b, 66, "Time");
        for (code, latency, error) in results {
            let mut v = Vec::new();
            if *code != 0 {
                v.push(3);
                uint(&mut v, *code);
                v.push(1);
            } else {
                v.push(4);
            }
            bytes(
                &mut v,
                &[
                    1, 0, 0, 0, 0x0e, 0xd3, 0x9b, 0x4d, 0xe8, 0x06, 0x50, 0xba, 0x84, 0xff, 0xff,
                ],
            );
            v.push(1);
            int(&mut v, *latency);
            if !error.is_empty() {
                v.push(3);
                bytes(&mut v, error.as_bytes());
            }
            v.push(0);
            message(&mut b, 65, &v);
        }
        b
    }

    #[test]
    fn sniffs_the_result_type() {
        assert!(sniff(&stream(&[(200, 5, "")]), false));
        assert!(!sniff(b"{\"latency\":1}", false));
    }

    #[test]
    fn results_at_any_split() {
        let data = stream(&[
            (200, 5_000_000, ""),
            (0, 30_000_000_000, "timeout"),
            (500, 7_000_000, "500 Internal Server Error"),
        ]);
        let whole = Session::read_all("input", IngestOptions::default(), &data)
            .expect("reads")
            .summary();
        assert_eq!((whole.requests, whole.errors), (Some(3), Some(2)));
        assert_eq!(whole.latency_ms.max, Some(30_000.0));
        assert_eq!(whole.start.as_deref(), Some("2018-12-06T17:05:44.105Z"));
        let mut s = Session::new("input", IngestOptions::default());
        for c in data.chunks(1) {
            s.feed(c).expect("feed");
        }
        assert_eq!(s.finish().expect("reads").summary(), whole);
        let cut = Session::read_all("input", IngestOptions::default(), &data[..data.len() - 4])
            .expect("partial");
        assert_eq!(cut.overall.requests, 2);
        assert!(cut.diagnostics.warnings[0].contains("cut off"));
    }
}
