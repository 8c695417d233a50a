//! One module per input format. Each exports a `SPEC` ([`FormatSpec`]) with
//! a content sniffer and a streaming decoder; [`REGISTRY`] lists them all.

use crate::format::FormatSpec;

pub mod ab_tsv;
pub mod csv;
pub mod delimited;
pub mod document;
pub mod gatling_binary;
pub mod gatling_log;
pub mod gob;
pub mod hey_csv;
pub mod jmeter;
pub mod jmeter_csv;
pub mod jmeter_layout;
pub mod jmeter_xml;
pub mod k6_csv;
pub mod k6_ndjson;
pub mod k6_summary;
pub mod vegeta;
pub mod vegeta_csv;
pub mod vegeta_gob;
pub mod vegeta_json;
pub mod xml;

/// Every format Verdict reads.
pub static REGISTRY: &[FormatSpec] = &[
    k6_ndjson::SPEC,
    k6_csv::SPEC,
    k6_summary::EXPORT_SPEC,
    k6_summary::HANDLE_SUMMARY_SPEC,
    jmeter_csv::SPEC,
    hey_csv::SPEC,
    jmeter_xml::SPEC,
    gatling_log::SPEC,
    gatling_binary::SPEC,
    vegeta_json::SPEC,
    vegeta_csv::SPEC,
    vegeta_gob::SPEC,
    ab_tsv::SPEC,
];
