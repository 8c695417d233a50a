//! The names of the formats Verdict reads: [`Format`], as runs, summaries
//! and the CLI's `--format` flag name them. Only names; how each format is
//! recognised and read is in [`formats`](crate::formats).

use serde::{Deserialize, Serialize};

use crate::error::IngestError;

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
    /// oha's text summary.
    #[serde(rename = "oha-text")]
    OhaText,
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
        Format::OhaText,
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
            Format::OhaText => "oha-text",
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
