//! One module per input format. Each exports a `SPEC` ([`FormatSpec`]) with
//! a content sniffer and a streaming decoder; [`REGISTRY`] lists them all.

use crate::format::FormatSpec;

pub mod ab_text;
pub mod ab_tsv;
pub mod artillery;
pub mod artillery_text;
pub mod artillery_v1;
pub mod autocannon_json;
pub mod console;
pub mod csv;
pub mod decimal;
pub mod delimited;
pub mod document;
pub mod gatling_binary;
pub mod gatling_log;
pub mod generic_csv;
pub mod gob;
pub mod hdr_payload;
pub mod hey_csv;
pub mod hey_text;
pub mod hgrm;
pub mod hlog;
pub mod jmeter;
pub mod jmeter_csv;
pub mod jmeter_layout;
pub mod jmeter_summariser;
pub mod jmeter_xml;
pub mod json_pieces;
pub mod k6_csv;
pub mod k6_ndjson;
pub mod k6_summary;
pub mod k6_text;
pub mod locust_csv;
pub mod locust_failures;
pub mod locust_history;
pub mod locust_json;
pub mod locust_stats;
pub mod locust_text;
pub mod locust_workers;
pub mod oha_json;
pub mod tool_timeline;
pub mod vegeta;
pub mod vegeta_csv;
pub mod vegeta_gob;
pub mod vegeta_json;
pub mod verdict_file;
pub mod wrk;
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
    hgrm::SPEC,
    hlog::SPEC,
    wrk::SPEC,
    hey_text::SPEC,
    k6_text::SPEC,
    jmeter_summariser::SPEC,
    artillery_text::SPEC,
    locust_text::SPEC,
    ab_text::SPEC,
    oha_json::SPEC,
    autocannon_json::SPEC,
    generic_csv::SPEC,
    artillery::SPEC,
    locust_stats::SPEC,
    locust_history::SPEC,
    locust_failures::FAILURES_SPEC,
    locust_failures::EXCEPTIONS_SPEC,
    locust_json::SPEC,
    locust_workers::SPEC,
    verdict_file::SPEC,
];
