//! Every input format, grouped by the tool that writes it. Each reader
//! exports a `SPEC` ([`FormatSpec`]) with a content sniffer and a streaming
//! decoder; [`REGISTRY`] lists them all, and [`detect`] picks one from the
//! first bytes of a file. The file name only breaks ties between formats that
//! both claim the content.
//!
//! One folder a tool family: [`k6`], [`jmeter`], [`locust`], [`gatling`],
//! [`vegeta`], [`hdrhistogram`], [`artillery`]. A family holds all of its
//! tool's formats, the console summary included (`k6::text`,
//! `jmeter::summariser`, `locust::text`, `artillery::text`). Tools of one or
//! two formats have no folder: the end-of-run summaries of the single-binary
//! HTTP benchmarkers (ab, hey, oha, wrk, autocannon; text or JSON) are in
//! [`console`], tables of one row per request that belong to no family (the
//! mapped generic CSV, ab's TSV, hey's CSV) in [`generic`]. Verdict's own
//! saved files are [`verdict_file`].
//!
//! A reader may use the decoder contract ([`crate::decoder`]), the run model,
//! the helpers in [`shared`] (row pipeline, CSV, XML, gob, JSON pieces,
//! decimals, console lines) and modules of its own family; a family uses
//! another only where one tool's output embeds the other's (wrk2's spectrum
//! is an `.hgrm`). [`shared`] names no format. Only this registry knows every
//! format.

use crate::decoder::SNIFF_LOOKAHEAD;
use crate::error::IngestError;
use crate::format::Format;

pub(crate) mod artillery;
pub(crate) mod console;
pub(crate) mod gatling;
pub(crate) mod generic;
pub(crate) mod hdrhistogram;
pub(crate) mod jmeter;
pub(crate) mod k6;
pub(crate) mod locust;
pub(crate) mod shared;
pub(crate) mod vegeta;
pub(crate) mod verdict_file;

pub use crate::decoder::FormatSpec;
pub use generic::ab_tsv::ENDPOINT as AB_ENDPOINT;
pub use generic::hey_csv::ENDPOINT as HEY_ENDPOINT;
pub use vegeta::result::NO_URL as VEGETA_NO_URL;

/// Every format Verdict reads.
pub static REGISTRY: &[FormatSpec] = &[
    k6::ndjson::SPEC,
    k6::csv::SPEC,
    k6::summary::EXPORT_SPEC,
    k6::summary::HANDLE_SUMMARY_SPEC,
    jmeter::csv::SPEC,
    generic::hey_csv::SPEC,
    jmeter::xml::SPEC,
    gatling::log::SPEC,
    gatling::binary::SPEC,
    vegeta::json::SPEC,
    vegeta::csv::SPEC,
    vegeta::gob::SPEC,
    generic::ab_tsv::SPEC,
    hdrhistogram::hgrm::SPEC,
    hdrhistogram::hlog::SPEC,
    console::wrk::SPEC,
    console::hey_text::SPEC,
    k6::text::SPEC,
    jmeter::summariser::SPEC,
    artillery::text::SPEC,
    locust::text::SPEC,
    console::ab_text::SPEC,
    console::oha_text::SPEC,
    console::oha_json::SPEC,
    console::autocannon_json::SPEC,
    generic::csv::SPEC,
    artillery::report::SPEC,
    locust::stats::SPEC,
    locust::history::SPEC,
    locust::failures::FAILURES_SPEC,
    locust::failures::EXCEPTIONS_SPEC,
    locust::json::SPEC,
    locust::workers::SPEC,
    verdict_file::SPEC,
];

impl Format {
    /// A human description, for listings and error messages.
    pub fn describe(self) -> &'static str {
        self.spec().description
    }

    /// The registry entry for this format.
    pub fn spec(self) -> &'static FormatSpec {
        // Every variant has exactly one spec; `registry_is_complete` checks it.
        REGISTRY
            .iter()
            .find(|s| s.format == self)
            .unwrap_or(&REGISTRY[0])
    }
}

/// Picks the format of a file from its first bytes (and, for ties, its name).
pub fn detect(name: &str, prefix: &[u8], eof: bool) -> Result<Format, IngestError> {
    let (prefix, eof) = if prefix.len() > SNIFF_LOOKAHEAD {
        (&prefix[..SNIFF_LOOKAHEAD], false)
    } else {
        (prefix, eof)
    };
    let lower = name.to_ascii_lowercase();
    let mut candidates: Vec<&FormatSpec> =
        REGISTRY.iter().filter(|s| (s.sniff)(prefix, eof)).collect();
    candidates.sort_by_key(|s| {
        let by_name = s.extensions.iter().any(|e| lower.ends_with(e));
        (!by_name, s.priority)
    });
    if let Some(spec) = candidates.first() {
        return Ok(spec.format);
    }
    if let Some(columns) = generic::csv::header_columns(prefix, eof) {
        return Err(generic::csv::unrecognised(name, columns));
    }
    Err(IngestError::UnknownFormat {
        source_name: name.to_string(),
        seen: describe_prefix(prefix),
        supported: REGISTRY
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

/// A listing of every format, for `verdict formats`.
pub fn listing() -> String {
    let mut s = String::from("FORMAT                 DATA      DESCRIPTION\n");
    for spec in REGISTRY {
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
        assert_eq!(REGISTRY.len(), Format::ALL.len());
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
