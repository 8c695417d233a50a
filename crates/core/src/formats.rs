//! One module per input format. Each exports a `SPEC` ([`FormatSpec`]) with
//! a content sniffer and a streaming decoder; [`REGISTRY`] lists them all.

use crate::format::FormatSpec;

pub mod autocannon_json;
pub mod csv;
pub mod decimal;
pub mod document;
pub mod generic_csv;
pub mod hdr_payload;
pub mod hey_text;
pub mod hgrm;
pub mod hlog;
pub mod k6_csv;
pub mod k6_ndjson;
pub mod k6_summary;
pub mod oha_json;
pub mod wrk;

/// Every format Verdict reads.
pub static REGISTRY: &[FormatSpec] = &[
    k6_ndjson::SPEC,
    k6_csv::SPEC,
    k6_summary::EXPORT_SPEC,
    k6_summary::HANDLE_SUMMARY_SPEC,
    hgrm::SPEC,
    hlog::SPEC,
    wrk::SPEC,
    hey_text::SPEC,
    oha_json::SPEC,
    autocannon_json::SPEC,
    generic_csv::SPEC,
];
