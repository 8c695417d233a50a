//! One module per input format. Each exports a `SPEC` ([`FormatSpec`]) with
//! a content sniffer and a streaming decoder; [`REGISTRY`] lists them all.

use crate::format::FormatSpec;

pub mod csv;
pub mod document;
pub mod k6_csv;
pub mod k6_ndjson;
pub mod k6_summary;

/// Every format Verdict reads.
pub static REGISTRY: &[FormatSpec] = &[
    k6_ndjson::SPEC,
    k6_csv::SPEC,
    k6_summary::EXPORT_SPEC,
    k6_summary::HANDLE_SUMMARY_SPEC,
];
