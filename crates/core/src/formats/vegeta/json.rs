//! Vegeta `vegeta encode --to json`: one JSON result per line:
//!
//! ```text
//! {"attack":"","seq":0,"code":200,"timestamp":"2021-03-06T09:37:04.507076698+02:00","latency":435643128,"bytes_out":0,"bytes_in":2945,"error":"","body":"PCFk…","method":"GET","url":"http://x/","headers":{…}}
//! ```
//!
//! Upstream encoder: tsenart/vegeta `lib/results_easyjson.go` (`jsonResult`).
//! `timestamp` is RFC 3339 with nanoseconds; `latency` is NANOSECONDS.

use serde::Deserialize;

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::format::Format;
use crate::formats::shared::rows::{Blank, NotUtf8, Records, Row, RowFormat, RowReader};
use crate::formats::vegeta::result::{record, VegetaResult};
use crate::options::IngestOptions;
use crate::run::Run;
use crate::time::parse_rfc3339;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::VegetaJson,
    description: "Vegeta results as JSON lines (vegeta encode --to json)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".json", ".jsonl", ".ndjson"],
    new_decoder,
};

fn sniff(prefix: &[u8], eof: bool) -> bool {
    first_line(strip_bom(prefix), eof).is_some_and(|l| {
        l.starts_with(b"{")
            && [
                &b"\"latency\":"[..],
                b"\"timestamp\":",
                b"\"code\":",
                b"\"bytes_in\":",
            ]
            .iter()
            .all(|k| memchr::memmem::find(l, k).is_some())
    })
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(
        RowReader::new(VegetaJson)
            .with_records(Records::Lines)
            .with_not_utf8(NotUtf8::Replace)
            .with_blank(Blank::OnlyEmpty),
    )
}

/// The fields we use; the base64 body and headers are skipped unparsed.
#[derive(Deserialize)]
struct JsonResult<'a> {
    #[serde(borrow)]
    timestamp: std::borrow::Cow<'a, str>,
    latency: i64,
    code: u16,
    #[serde(default, borrow)]
    error: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    method: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    url: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    attack: std::borrow::Cow<'a, str>,
}

/// Reads Vegeta JSON lines.
#[derive(Debug, Default)]
pub struct VegetaJson;

impl RowFormat for VegetaJson {
    fn row(&mut self, run: &mut Run, row: Row<'_>) {
        read_line(row.line, row.bytes, run);
    }
}

fn read_line(n: u64, text: &[u8], run: &mut Run) {
    if text.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    let r: JsonResult<'_> = match serde_json::from_slice(text) {
        Ok(r) => r,
        Err(e) => return run.skip_line(n, format!("not a Vegeta JSON result ({e})")),
    };
    let Some(start_us) = parse_rfc3339(r.timestamp.as_bytes()) else {
        return run.skip_line(n, format!("timestamp \"{}\" is not RFC 3339", r.timestamp));
    };
    record(
        run,
        &VegetaResult {
            start_us,
            latency_ns: r.latency,
            code: r.code,
            error: &r.error,
            method: &r.method,
            url: &r.url,
            attack: &r.attack,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    const LINE: &str = r#"{"attack":"a","seq":0,"code":200,"timestamp":"2021-03-06T09:37:04.507076698+02:00","latency":435643128,"bytes_out":0,"bytes_in":2945,"error":"","body":"PCFk","method":"GET","url":"http://x/","headers":{"A":["b"]}}"#;

    #[test]
    fn sniff_wants_result_keys() {
        assert!(sniff(LINE.as_bytes(), true));
        assert!(!sniff(
            br#"{"metric":"http_req_duration","type":"Point"}"#,
            true
        ));
        assert!(!sniff(b"timeStamp,elapsed\n", true));
    }

    #[test]
    fn nanoseconds_and_offsets() {
        let text = format!(
            "{LINE}\n{}\nnot json\n",
            LINE.replace("\"code\":200", "\"code\":0")
                .replace("\"error\":\"\"", "\"error\":\"dial tcp: i/o timeout\"")
        );
        let run =
            Session::read_all("input", IngestOptions::default(), text.as_bytes()).expect("reads");
        let s = run.summary();
        assert_eq!(
            (s.requests, s.errors, s.skipped_lines),
            (Some(2), Some(1), 1)
        );
        assert_eq!(s.latency_ms.max, Some(435.643128));
        assert_eq!(s.start.as_deref(), Some("2021-03-06T07:37:04.507Z"));
        assert_eq!(s.endpoints[0].name, "http://x/");
    }
}
