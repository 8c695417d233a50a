//! Gatling `simulation.log`, binary format (Gatling 3.13 and later):
//!
//! ```text
//! 00 | 00 00 00 06 "3.14.3" 00 | 00 00 00 22 "com.example.Simulation" 00 | start (i64 ms) | …
//! 01 | 00 00 00 00 (no groups) | 00 00 00 01 00 00 00 09 "request_0" 00 | start | end | 01 (OK) | …
//! ```
//!
//! Upstream encoder: gatling/gatling `LogFileDataWriter.scala`
//! (`BufferedFileChannelWriter`, the `*MessageSerializer`s) and reader
//! `gatling-charts/.../stats/LogFileReader.scala`. Big-endian integers. A
//! record starts with its type byte: 0 run, 1 request, 2 user, 3 group,
//! 4 error. Strings are `i32 length` then, if non-empty, the bytes of Java's
//! internal string value and its coder byte (0 = Latin-1, 1 = UTF-16 in the
//! JVM's byte order, little-endian on every platform Gatling runs on).
//! Repeated names are "cached": `i32 index` where a positive index is followed
//! by a new string and a negative one refers back to it. Times are i32
//! milliseconds since the run start written in the run record. There is no
//! HTTP status, only OK/KO.

use std::collections::HashMap;

use crate::decoder::{Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::shared::rows::Framing;
use crate::options::IngestOptions;
use crate::run::{Request, Run};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::GatlingBinary,
    description: "Gatling simulation.log, binary format (Gatling 3.13+)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".log"],
    new_decoder,
};

/// Strings longer than this mean the stream is not what we think it is.
const MAX_STRING: usize = 64 << 20;
const MAX_COUNT: i32 = 1 << 20;

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    // Run record: type 0, then the Gatling version as a Latin-1 string.
    let Some((&0, rest)) = prefix.split_first() else {
        return false;
    };
    let Some(len) = rest
        .get(..4)
        .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    else {
        return false;
    };
    let Ok(len) = usize::try_from(len) else {
        return false;
    };
    if !(1..=32).contains(&len) || rest.len() < 5 + len {
        return false;
    }
    let version = &rest[4..4 + len];
    version[0].is_ascii_digit()
        && version
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        && rest[4 + len] == 0
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(GatlingBinaryDecoder::default())
}

/// Why a record could not be read from the buffered bytes.
enum Stop {
    /// The record continues past the bytes we have.
    More,
    /// The bytes cannot be a record.
    Corrupt(String),
}

type Read<T> = Result<T, Stop>;

/// Reads big-endian values from the buffered bytes, tracking new cache entries.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    cache: &'a HashMap<usize, String>,
    new_entries: Vec<(usize, String)>,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Read<&[u8]> {
        let end = self.pos.checked_add(n).ok_or(Stop::More)?;
        let out = self.bytes.get(self.pos..end).ok_or(Stop::More)?;
        self.pos = end;
        Ok(out)
    }

    fn byte(&mut self) -> Read<u8> {
        Ok(self.take(1)?[0])
    }

    fn bool(&mut self) -> Read<bool> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(Stop::Corrupt(format!("boolean byte {b:#04x}"))),
        }
    }

    fn i32(&mut self) -> Read<i32> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i64(&mut self) -> Read<i64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_be_bytes(a))
    }

    fn count(&mut self, what: &str) -> Read<usize> {
        let n = self.i32()?;
        if !(0..=MAX_COUNT).contains(&n) {
            return Err(Stop::Corrupt(format!("{what} count {n}")));
        }
        Ok(n as usize)
    }

    fn string(&mut self) -> Read<String> {
        let len = self.i32()?;
        let len = usize::try_from(len)
            .ok()
            .filter(|l| *l <= MAX_STRING)
            .ok_or_else(|| Stop::Corrupt(format!("string length {len}")))?;
        if len == 0 {
            return Ok(String::new());
        }
        let value = self.take(len)?.to_vec();
        let s = match self.byte()? {
            0 => value.iter().map(|&b| b as char).collect(),
            1 => {
                let units: Vec<u16> = value
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            }
            c => return Err(Stop::Corrupt(format!("string coder byte {c:#04x}"))),
        };
        // Gatling's reader turns tabs and newlines into spaces.
        Ok(s.replace(['\n', '\r', '\t'], " "))
    }

    fn cached_string(&mut self) -> Read<String> {
        let index = self.i32()?;
        if index >= 0 {
            let s = self.string()?;
            self.new_entries.push((index as usize, s.clone()));
            return Ok(s);
        }
        let wanted = index.unsigned_abs() as usize;
        self.new_entries
            .iter()
            .rev()
            .find(|(i, _)| *i == wanted)
            .map(|(_, s)| s.clone())
            .or_else(|| self.cache.get(&wanted).cloned())
            .ok_or_else(|| Stop::Corrupt(format!("reference to unknown cached string {wanted}")))
    }

    fn groups(&mut self) -> Read<Vec<String>> {
        let n = self.count("group")?;
        (0..n).map(|_| self.cached_string()).collect()
    }
}

/// One decoded record.
enum Record {
    Run {
        start_ms: i64,
        scenarios: Vec<String>,
    },
    Request {
        groups: Vec<String>,
        name: String,
        start: i32,
        end: i32,
        ok: bool,
    },
    User {
        scenario: i32,
        start: bool,
        at: i32,
    },
    Other,
}

/// How this log's breaks are worded.
const FRAMING: Framing = Framing {
    whole: "log",
    unit: "record",
    kept: "records",
    advice: ". Gatling's binary layout changes between versions: re-run Gatling's own report, or export with a matching version",
};

/// Streaming decoder for binary Gatling logs.
#[derive(Debug, Default)]
pub struct GatlingBinaryDecoder {
    buf: Vec<u8>,
    /// Bytes of the stream consumed before `buf[0]`.
    offset: u64,
    records: u64,
    cache: HashMap<usize, String>,
    run_start_ms: Option<i64>,
    scenarios: Vec<String>,
    active_users: i64,
    /// Set when the stream stopped making sense; later bytes are ignored.
    stopped: bool,
}

impl Decoder for GatlingBinaryDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        if self.stopped {
            return Ok(());
        }
        self.buf.extend_from_slice(bytes);
        self.drain(run)
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        if !self.stopped && !self.buf.is_empty() {
            FRAMING.ended_inside(run, self.records + 1, self.offset);
        }
        Ok(())
    }
}

impl GatlingBinaryDecoder {
    fn drain(&mut self, run: &mut Run) -> Result<(), IngestError> {
        let mut pos = 0;
        loop {
            let mut c = Cursor {
                bytes: &self.buf[pos..],
                pos: 0,
                cache: &self.cache,
                new_entries: Vec::new(),
            };
            match read_record(&mut c, self.records == 0) {
                Ok(record) => {
                    let (used, entries) = (c.pos, c.new_entries);
                    for (i, s) in entries {
                        self.cache.insert(i, s);
                    }
                    pos += used;
                    self.offset += used as u64;
                    self.records += 1;
                    self.apply(run, record)?;
                }
                Err(Stop::More) => break,
                Err(Stop::Corrupt(reason)) => {
                    if self.records == 0 {
                        return Err(self.malformed(run, reason));
                    }
                    FRAMING.corrupt(run, self.records + 1, self.offset, &reason);
                    self.stopped = true;
                    self.buf = Vec::new();
                    return Ok(());
                }
            }
        }
        self.buf.drain(..pos);
        Ok(())
    }

    fn malformed(&self, run: &Run, reason: String) -> IngestError {
        IngestError::Malformed {
            source_name: run.source.clone(),
            format: Format::GatlingBinary.as_str(),
            position: Position::Offset {
                offset: self.offset,
            },
            reason: format!("not a Gatling binary log run record ({reason})"),
        }
    }

    fn apply(&mut self, run: &mut Run, record: Record) -> Result<(), IngestError> {
        match record {
            Record::Run {
                start_ms,
                scenarios,
            } => {
                self.run_start_ms = Some(start_ms);
                self.scenarios = scenarios;
            }
            Record::Request {
                groups,
                name,
                start,
                end,
                ok,
            } => {
                let base = self.run_start_ms.unwrap_or(0);
                let name = if name.trim().is_empty() {
                    "(no name)".to_string()
                } else {
                    name
                };
                let (display, group) = if groups.is_empty() {
                    (name, String::new())
                } else {
                    (format!("{} / {name}", groups.join(" / ")), groups.join(","))
                };
                run.request(&Request {
                    end_us: base
                        .checked_add(i64::from(end))
                        .and_then(|t| t.checked_mul(1000)),
                    duration_ms: f64::from(end) - f64::from(start),
                    failed: !ok,
                    status: if ok { "OK" } else { "KO" },
                    name: &display,
                    method: "",
                    group: &group,
                    scenario: "",
                });
            }
            Record::User {
                scenario,
                start,
                at,
            } => {
                let t = self
                    .run_start_ms
                    .unwrap_or(0)
                    .checked_add(i64::from(at))
                    .and_then(|t| t.checked_mul(1000));
                if usize::try_from(scenario).map_or(true, |s| s >= self.scenarios.len())
                    && !self.scenarios.is_empty()
                {
                    run.warn(format!(
                        "user record names scenario {scenario}, but the run declares {}",
                        self.scenarios.len()
                    ));
                }
                if start {
                    self.active_users += 1;
                    if let Some(t) = t {
                        run.activity_start(t);
                    }
                } else {
                    self.active_users = (self.active_users - 1).max(0);
                }
                run.concurrency(t, self.active_users as f64);
            }
            Record::Other => {}
        }
        Ok(())
    }
}

fn read_record(c: &mut Cursor<'_>, first: bool) -> Read<Record> {
    let kind = c.byte()?;
    if first != (kind == 0) {
        return Err(Stop::Corrupt(format!(
            "record type {kind} where {} expected",
            if first {
                "the run record"
            } else {
                "a request, user, group or error record"
            }
        )));
    }
    match kind {
        0 => {
            let _version = c.string()?;
            let _simulation = c.string()?;
            let start_ms = c.i64()?;
            let _description = c.string()?;
            let n = c.count("scenario")?;
            let scenarios = (0..n).map(|_| c.string()).collect::<Read<Vec<_>>>()?;
            let assertions = c.count("assertion")?;
            for _ in 0..assertions {
                let len = c.count("assertion byte")?;
                c.take(len)?;
            }
            Ok(Record::Run {
                start_ms,
                scenarios,
            })
        }
        1 => {
            let groups = c.groups()?;
            let name = c.cached_string()?;
            let start = c.i32()?;
            let end = c.i32()?;
            let ok = c.bool()?;
            let _message = c.cached_string()?;
            Ok(Record::Request {
                groups,
                name,
                start,
                end,
                ok,
            })
        }
        2 => Ok(Record::User {
            scenario: c.i32()?,
            start: c.bool()?,
            at: c.i32()?,
        }),
        3 => {
            c.groups()?;
            c.take(12)?;
            c.bool()?;
            Ok(Record::Other)
        }
        4 => {
            c.cached_string()?;
            c.i32()?;
            Ok(Record::Other)
        }
        k => Err(Stop::Corrupt(format!("unknown record type {k}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn string(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as i32).to_be_bytes());
        if !s.is_empty() {
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        }
    }

    fn log() -> Vec<u8> {
        let mut b = vec![0];
        string(&mut b, "3.14.3");
        string(&mut b, "sim.Example");
        b.extend_from_slice(&1_700_000_000_000i64.to_be_bytes());
        string(&mut b, "");
        b.extend_from_slice(&1i32.to_be_bytes());
        string(&mut b, "Users");
        b.extend_from_slice(&0i32.to_be_bytes());
        // user start at +5 ms
        b.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0, 0, 0, 5]);
        // request in group "G", name "home" (new cache entries 1 and 2), 10..35 ms, OK, message "" (entry 3)
        b.push(1);
        b.extend_from_slice(&1i32.to_be_bytes());
        b.extend_from_slice(&1i32.to_be_bytes());
        string(&mut b, "G");
        b.extend_from_slice(&2i32.to_be_bytes());
        string(&mut b, "home");
        b.extend_from_slice(&10i32.to_be_bytes());
        b.extend_from_slice(&35i32.to_be_bytes());
        b.push(1);
        b.extend_from_slice(&3i32.to_be_bytes());
        string(&mut b, "");
        // same request by cache reference, KO
        b.push(1);
        b.extend_from_slice(&1i32.to_be_bytes());
        b.extend_from_slice(&(-1i32).to_be_bytes());
        b.extend_from_slice(&(-2i32).to_be_bytes());
        b.extend_from_slice(&20i32.to_be_bytes());
        b.extend_from_slice(&120i32.to_be_bytes());
        b.push(0);
        b.extend_from_slice(&(-3i32).to_be_bytes());
        b
    }

    #[test]
    fn sniffs_the_run_record() {
        assert!(sniff(&log(), false));
        assert!(!sniff(b"RUN\tx\t", false));
        assert!(!sniff(
            &[0, 0, 0, 0, 6, b'x', b'.', b'1', b'4', b'.', b'3', 0],
            false
        ));
    }

    #[test]
    fn decodes_requests_users_and_the_string_cache_at_any_split() {
        let data = log();
        let whole = Session::read_all("input", IngestOptions::default(), &data)
            .expect("reads")
            .summary();
        assert_eq!((whole.requests, whole.errors), (Some(2), Some(1)));
        assert_eq!(whole.endpoints[0].name, "G / home");
        assert_eq!(whole.latency_ms.max, Some(100.0));
        assert_eq!(whole.peak_concurrency, Some(1.0));
        assert_eq!(whole.start.as_deref(), Some("2023-11-14T22:13:20.005Z"));
        assert!(whole.warnings.is_empty(), "{:?}", whole.warnings);
        let mut s = Session::new("input", IngestOptions::default());
        for b in data.chunks(1) {
            s.feed(b).expect("feed");
        }
        assert_eq!(s.finish().expect("reads").summary(), whole);
    }

    #[test]
    fn a_cut_log_keeps_the_records_before_the_cut() {
        let data = log();
        let run = Session::read_all("input", IngestOptions::default(), &data[..data.len() - 3])
            .expect("partial");
        assert_eq!(run.overall.requests, 1);
        assert!(
            run.diagnostics.warnings[0].contains("cut off"),
            "{:?}",
            run.diagnostics.warnings
        );
    }
}
