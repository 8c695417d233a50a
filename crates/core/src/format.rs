//! The formats Verdict reads, and detection from content.
//!
//! Each format module exports a [`FormatSpec`]: a `sniff` that decides from
//! the first bytes alone, and a constructor for its streaming decoder. The file
//! name only breaks ties between formats that both claim the content.

use serde::{Deserialize, Serialize};

use crate::error::IngestError;
use crate::formats;
use crate::formats::generic_csv::{self, CsvMapping};
use crate::run::Run;
use crate::time::DurationUnit;

/// Bytes of (decompressed) input a sniffer may look at.
pub const SNIFF_LOOKAHEAD: usize = 16 * 1024;

/// A format Verdict reads. The serde names are the stable names used by the
/// CLI's `--format` flag and in JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Format {
    /// k6 `--out json`: one JSON object per line (Metric declarations and Points).
    #[serde(rename = "k6-ndjson")]
    K6Ndjson,
    /// k6 `--out csv`.
    #[serde(rename = "k6-csv")]
    K6Csv,
    /// k6 `--summary-export` (legacy end-of-test summary).
    #[serde(rename = "k6-summary-export")]
    K6SummaryExport,
    /// The `data` object k6 passes to `handleSummary()`, saved as JSON.
    #[serde(rename = "k6-handle-summary")]
    K6HandleSummary,
    /// JMeter CSV results (JTL), with or without header.
    #[serde(rename = "jmeter-csv")]
    JmeterCsv,
    /// hey `-o csv`.
    #[serde(rename = "hey-csv")]
    HeyCsv,
    /// JMeter XML results (JTL).
    #[serde(rename = "jmeter-xml")]
    JmeterXml,
    /// Gatling `simulation.log`, text (tab-separated) format.
    #[serde(rename = "gatling-log")]
    GatlingLog,
    /// Gatling `simulation.log`, binary format (3.13+).
    #[serde(rename = "gatling-binary")]
    GatlingBinary,
    /// Vegeta results, `vegeta encode --to json`.
    #[serde(rename = "vegeta-json")]
    VegetaJson,
    /// Vegeta results, `vegeta encode --to csv`.
    #[serde(rename = "vegeta-csv")]
    VegetaCsv,
    /// Vegeta results, gob (`vegeta attack` default output).
    #[serde(rename = "vegeta-gob")]
    VegetaGob,
    /// ApacheBench `-g` gnuplot TSV.
    #[serde(rename = "ab-gnuplot")]
    AbGnuplot,
    /// HdrHistogram percentile distribution text (`.hgrm`).
    #[serde(rename = "hgrm")]
    Hgrm,
    /// HdrHistogram interval log (`.hlog`).
    #[serde(rename = "hlog")]
    Hlog,
    /// wrk / wrk2 console output.
    #[serde(rename = "wrk")]
    Wrk,
    /// hey's default text summary.
    #[serde(rename = "hey-text")]
    HeyText,
    /// k6's end-of-test summary text (console output).
    #[serde(rename = "k6-text")]
    K6Text,
    /// JMeter's summariser lines (console or jmeter.log).
    #[serde(rename = "jmeter-summariser")]
    JmeterSummariser,
    /// Artillery's console report ("Summary report @ …").
    #[serde(rename = "artillery-text")]
    ArtilleryText,
    /// Locust's console statistics tables.
    #[serde(rename = "locust-text")]
    LocustText,
    /// ApacheBench's console output.
    #[serde(rename = "ab-text")]
    AbText,
    /// oha `--output-format json`.
    #[serde(rename = "oha-json")]
    OhaJson,
    /// autocannon `--json`.
    #[serde(rename = "autocannon-json")]
    AutocannonJson,
    /// Any CSV read through a user-given column mapping.
    #[serde(rename = "generic-csv")]
    GenericCsv,
    /// Artillery `run --output report.json` (v2 metrics, or the 1.x legacy shape).
    #[serde(rename = "artillery-report")]
    ArtilleryReport,
    /// Locust `--csv` `<prefix>_stats.csv`: per-endpoint totals plus `Aggregated`.
    #[serde(rename = "locust-stats-csv")]
    LocustStatsCsv,
    /// Locust `--csv` `<prefix>_stats_history.csv`: one row per second (and endpoint).
    #[serde(rename = "locust-history-csv")]
    LocustHistoryCsv,
    /// Locust `--csv` `<prefix>_failures.csv`: failures grouped by endpoint and error.
    #[serde(rename = "locust-failures-csv")]
    LocustFailuresCsv,
    /// Locust `--csv` `<prefix>_exceptions.csv`: exceptions raised in user code.
    #[serde(rename = "locust-exceptions-csv")]
    LocustExceptionsCsv,
    /// Locust `--json` / `--json-file`: per-endpoint stats with response-time buckets.
    #[serde(rename = "locust-json")]
    LocustJson,
    /// Locust worker reports, one JSON object per line (as Taurus' Locust executor logs them).
    #[serde(rename = "locust-worker-ldjson")]
    LocustWorkerLdjson,
    /// A Verdict analysis file (`verdict save`): one run's histograms and counters.
    #[serde(rename = "verdict")]
    Verdict,
}

impl Format {
    /// Every format, in detection order.
    pub const ALL: &'static [Format] = &[
        Format::K6Ndjson,
        Format::K6Csv,
        Format::K6SummaryExport,
        Format::K6HandleSummary,
        Format::JmeterCsv,
        Format::HeyCsv,
        Format::JmeterXml,
        Format::GatlingLog,
        Format::GatlingBinary,
        Format::VegetaJson,
        Format::VegetaCsv,
        Format::VegetaGob,
        Format::AbGnuplot,
        Format::Hgrm,
        Format::Hlog,
        Format::Wrk,
        Format::HeyText,
        Format::K6Text,
        Format::JmeterSummariser,
        Format::ArtilleryText,
        Format::LocustText,
        Format::AbText,
        Format::OhaJson,
        Format::AutocannonJson,
        Format::GenericCsv,
        Format::ArtilleryReport,
        Format::LocustStatsCsv,
        Format::LocustHistoryCsv,
        Format::LocustFailuresCsv,
        Format::LocustExceptionsCsv,
        Format::LocustJson,
        Format::LocustWorkerLdjson,
        Format::Verdict,
    ];

    /// The stable name (`k6-ndjson`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::K6Ndjson => "k6-ndjson",
            Format::K6Csv => "k6-csv",
            Format::K6SummaryExport => "k6-summary-export",
            Format::K6HandleSummary => "k6-handle-summary",
            Format::JmeterCsv => "jmeter-csv",
            Format::HeyCsv => "hey-csv",
            Format::JmeterXml => "jmeter-xml",
            Format::GatlingLog => "gatling-log",
            Format::GatlingBinary => "gatling-binary",
            Format::VegetaJson => "vegeta-json",
            Format::VegetaCsv => "vegeta-csv",
            Format::VegetaGob => "vegeta-gob",
            Format::AbGnuplot => "ab-gnuplot",
            Format::Hgrm => "hgrm",
            Format::Hlog => "hlog",
            Format::Wrk => "wrk",
            Format::HeyText => "hey-text",
            Format::K6Text => "k6-text",
            Format::JmeterSummariser => "jmeter-summariser",
            Format::ArtilleryText => "artillery-text",
            Format::LocustText => "locust-text",
            Format::AbText => "ab-text",
            Format::OhaJson => "oha-json",
            Format::AutocannonJson => "autocannon-json",
            Format::GenericCsv => "generic-csv",
            Format::ArtilleryReport => "artillery-report",
            Format::LocustStatsCsv => "locust-stats-csv",
            Format::LocustHistoryCsv => "locust-history-csv",
            Format::LocustFailuresCsv => "locust-failures-csv",
            Format::LocustExceptionsCsv => "locust-exceptions-csv",
            Format::LocustJson => "locust-json",
            Format::LocustWorkerLdjson => "locust-worker-ldjson",
            Format::Verdict => "verdict",
        }
    }

    /// A human description, for listings and error messages.
    pub fn describe(self) -> &'static str {
        self.spec().description
    }

    /// Looks up a format by its stable name.
    pub fn from_name(name: &str) -> Result<Format, IngestError> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| IngestError::UnknownFormatName {
                name: name.to_string(),
                known: known_names(),
            })
    }

    /// The registry entry for this format.
    pub fn spec(self) -> &'static FormatSpec {
        // Every variant has exactly one spec; `registry_is_complete` checks it.
        formats::REGISTRY
            .iter()
            .find(|s| s.format == self)
            .unwrap_or(&formats::REGISTRY[0])
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn known_names() -> String {
    Format::ALL
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Options that change how a file is read. Every field may be left out of
/// the JSON the app sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngestOptions {
    /// Skip detection and read the file as this format.
    pub format: Option<Format>,
    /// The unit of latency values in HdrHistogram files (`.hlog` recorded
    /// values, `.hgrm` printed values), which those files do not state.
    /// `None`: the assumption documented in `docs/formats/hdrhistogram.md`,
    /// which the run's warnings repeat.
    pub hdr_unit: Option<DurationUnit>,
    /// How to read a CSV that no format recognises. Given (and `format` not
    /// set), the file is read as `generic-csv`.
    pub csv_mapping: Option<CsvMapping>,
}

/// A streaming decoder for one format. It receives the decompressed bytes in
/// chunks split anywhere, and records what it reads into a [`Run`].
pub trait Decoder {
    /// Consumes the next piece of input.
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError>;
    /// End of input: flush what is buffered.
    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError>;
}

/// The registry entry of one format.
pub struct FormatSpec {
    pub format: Format,
    /// One line for users: the tool and the option that writes this format.
    pub description: &'static str,
    /// Whether the file holds one record per request (`true`) or the tool's aggregates.
    pub raw_samples: bool,
    /// Decides from the first bytes (at most [`SNIFF_LOOKAHEAD`]) whether the
    /// content is this format. `eof` tells whether the prefix is the whole file.
    pub sniff: fn(prefix: &[u8], eof: bool) -> bool,
    /// Lower is tried first when several formats claim the same content.
    pub priority: u8,
    /// File name endings that break ties (never authoritative).
    pub extensions: &'static [&'static str],
    /// Makes a fresh decoder.
    pub new_decoder: fn(&IngestOptions) -> Box<dyn Decoder>,
}

/// Picks the format of a file from its first bytes (and, for ties, its name).
pub fn detect(name: &str, prefix: &[u8], eof: bool) -> Result<Format, IngestError> {
    let (prefix, eof) = if prefix.len() > SNIFF_LOOKAHEAD {
        (&prefix[..SNIFF_LOOKAHEAD], false)
    } else {
        (prefix, eof)
    };
    let lower = name.to_ascii_lowercase();
    let mut candidates: Vec<&FormatSpec> = formats::REGISTRY
        .iter()
        .filter(|s| (s.sniff)(prefix, eof))
        .collect();
    candidates.sort_by_key(|s| {
        let by_name = s.extensions.iter().any(|e| lower.ends_with(e));
        (!by_name, s.priority)
    });
    if let Some(spec) = candidates.first() {
        return Ok(spec.format);
    }
    if let Some(columns) = generic_csv::header_columns(prefix, eof) {
        return Err(generic_csv::unrecognised(name, columns));
    }
    Err(IngestError::UnknownFormat {
        source_name: name.to_string(),
        seen: describe_prefix(prefix),
        supported: formats::REGISTRY
            .iter()
            .map(|s| format!("{} ({})", s.format.as_str(), s.description))
            .collect::<Vec<_>>()
            .join("; "),
    })
}

/// A short, printable description of the first bytes of a file.
pub fn describe_prefix(prefix: &[u8]) -> String {
    if prefix.is_empty() {
        return "an empty file".to_string();
    }
    let printable = prefix
        .iter()
        .take(256)
        .all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80);
    if !printable {
        let hex: Vec<String> = prefix.iter().take(8).map(|b| format!("{b:02x}")).collect();
        return format!("binary data starting {}", hex.join(" "));
    }
    let text = String::from_utf8_lossy(prefix);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut shown: String = first.chars().take(80).collect();
    if first.chars().count() > 80 {
        shown.push('…');
    }
    format!("first line \"{shown}\"")
}

/// The first non-blank line of a prefix, if it is complete (or the file ended).
pub fn first_line(prefix: &[u8], eof: bool) -> Option<&[u8]> {
    let start = prefix.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &prefix[start..];
    match memchr::memchr(b'\n', rest) {
        Some(end) => Some(trim_ascii(&rest[..end])),
        None if eof || rest.len() >= SNIFF_LOOKAHEAD => Some(trim_ascii(rest)),
        None => None,
    }
}

/// `prefix` without a UTF-8 byte-order mark.
pub fn strip_bom(prefix: &[u8]) -> &[u8] {
    prefix
        .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
        .unwrap_or(prefix)
}

/// Trims ASCII whitespace at both ends.
pub fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// A listing of every format, for `verdict formats`.
pub fn listing() -> String {
    let mut s = String::from("FORMAT                 DATA      DESCRIPTION\n");
    for spec in formats::REGISTRY {
        s.push_str(&format!(
            "{:<22} {:<9} {}\n",
            spec.format.as_str(),
            if spec.raw_samples {
                "samples"
            } else {
                "summary"
            },
            spec.description
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_complete() {
        for f in Format::ALL {
            assert_eq!(f.spec().format, *f, "{f} has no registry entry");
            assert_eq!(Format::from_name(f.as_str()), Ok(*f));
        }
        assert_eq!(formats::REGISTRY.len(), Format::ALL.len());
    }

    #[test]
    fn unknown_content_names_what_was_seen() {
        let err = detect("notes.txt", b"Hello world\nmore", true).expect_err("not a format");
        let msg = err.to_string();
        assert!(msg.contains("Hello world"), "{msg}");
        assert!(msg.contains("k6-ndjson"), "{msg}");
        assert_eq!(err.code(), "fmt");
        assert!(detect("x", b"", true).is_err());
    }
}
