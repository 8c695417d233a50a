//! HdrHistogram percentile distribution text (`.hgrm`), as written by
//! `outputPercentileDistribution` (Java), `hdr_percentiles_print` (C, used by
//! wrk2) and Vegeta's `report -type=hdrplot`:
//!
//! ```text
//!        Value   Percentile   TotalCount 1/(1-Percentile)
//!
//!        4.919     0.500000      1740028         2.00
//! #[Mean    =        4.881, StdDeviation   =        1.777]
//! #[Max     =       64.736, Total count    =      3477000]
//! ```
//!
//! Upstream: HdrHistogram/HdrHistogram `AbstractHistogram.outputPercentileDistribution`
//! (`"%12.{d}f %2.12f %10d %14.2f"`, last row without the 4th column or with
//! `inf`; a CSV variant with `"Value","Percentile",...` and `Infinity`).
//!
//! The file is the tool's summary of a histogram, not the histogram: each row
//! is the value below which that fraction of samples lie. We copy the rows
//! exactly (they become the run's distribution) and take p50, p90 and p95 from
//! the rows printed at exactly those percentiles. The spectrum never has a row
//! at exactly 99 % or 99.9 %, so those stay empty rather than approximated,
//! with a warning that names the nearest rows. Values carry no unit in the
//! file: milliseconds are assumed (the usual output scaling, and what wrk2
//! prints) unless `IngestOptions::hdr_unit` says otherwise.

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::error::IngestError;
use crate::format::Format;
use crate::formats::shared::decimal::parse_scaled;
use crate::formats::shared::rows::{NotUtf8, Records, Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::{Run, ToolReport};
use crate::summary::{LatencyMs, PercentilePoint};
use crate::time::DurationUnit;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::Hgrm,
    description:
        "HdrHistogram percentile distribution text (.hgrm; also Vegeta report -type=hdrplot)",
    raw_samples: false,
    sniff,
    priority: 40,
    extensions: &[".hgrm"],
    new_decoder,
};

/// Spectrum rows kept; real spectra have a few hundred.
const MAX_ROWS: usize = 100_000;

fn sniff(prefix: &[u8], eof: bool) -> bool {
    first_line(strip_bom(prefix), eof)
        .and_then(|l| std::str::from_utf8(l).ok())
        .is_some_and(is_header)
}

fn new_decoder(options: &IngestOptions) -> Box<dyn Decoder> {
    let unit = options.hdr_unit.unwrap_or(DurationUnit::Millis);
    Box::new(
        RowReader::new(Hgrm {
            spectrum: Spectrum::new(unit.pow10_to_ms()),
            unit,
            unit_given: options.hdr_unit.is_some(),
            header_seen: false,
        })
        .with_records(Records::Lines)
        .with_not_utf8(NotUtf8::Skip),
    )
}

/// `Value Percentile TotalCount 1/(1-Percentile)`, whitespace- or comma-separated,
/// names optionally quoted; `Value(ms)` (Vegeta) counts too.
pub fn is_header(line: &str) -> bool {
    let names: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_matches('"'))
        .filter(|t| !t.is_empty())
        .collect();
    matches!(names.as_slice(), [v, "Percentile", "TotalCount", "1/(1-Percentile)"] if v.starts_with("Value"))
}

/// One spectrum row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpectrumRow {
    /// The value, in milliseconds.
    pub value_ms: f64,
    /// 0..=1, as printed.
    pub fraction: f64,
    /// Samples at or below the value.
    pub total_count: u64,
}

/// What a line of a spectrum was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpectrumLine {
    Header,
    Row,
    Footer,
    Blank,
    /// Not part of a spectrum (the caller decides whether that is an error).
    Other,
}

/// The rows and `#[...]` footer of one percentile spectrum. Shared with the
/// wrk reader, whose wrk2 output embeds a spectrum.
#[derive(Debug, Clone, Default)]
pub struct Spectrum {
    pow10_to_ms: i32,
    pub rows: Vec<SpectrumRow>,
    pub dropped_rows: u64,
    pub mean_ms: Option<f64>,
    pub stddev_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub total_count: Option<u64>,
}

impl Spectrum {
    /// A spectrum whose values are multiplied by `10^pow10_to_ms` to get ms.
    pub fn new(pow10_to_ms: i32) -> Spectrum {
        Spectrum {
            pow10_to_ms,
            ..Spectrum::default()
        }
    }

    /// Classifies one line and keeps what it holds.
    pub fn line(&mut self, line: &str) -> SpectrumLine {
        let t = line.trim();
        if t.is_empty() {
            return SpectrumLine::Blank;
        }
        if is_header(t) {
            return SpectrumLine::Header;
        }
        if let Some(inner) = t.strip_prefix("#[").and_then(|r| r.strip_suffix(']')) {
            return if self.footer(inner) {
                SpectrumLine::Footer
            } else {
                SpectrumLine::Other
            };
        }
        match self.row(t) {
            Some(row) => {
                if self.rows.len() < MAX_ROWS {
                    self.rows.push(row);
                } else {
                    self.dropped_rows += 1;
                }
                SpectrumLine::Row
            }
            None => SpectrumLine::Other,
        }
    }

    fn row(&self, t: &str) -> Option<SpectrumRow> {
        let fields: Vec<&str> = if t.contains(',') {
            t.split(',').map(str::trim).collect()
        } else {
            t.split_whitespace().collect()
        };
        if !(3..=4).contains(&fields.len()) {
            return None;
        }
        let value_ms = parse_scaled(fields[0], self.pow10_to_ms)?;
        let fraction: f64 = fields[1].parse().ok()?;
        let total_count: u64 = fields[2].parse().ok()?;
        if let Some(inverse) = fields.get(3) {
            let ok = matches!(*inverse, "inf" | "Infinity") || inverse.parse::<f64>().is_ok();
            if !ok {
                return None;
            }
        }
        if !(0.0..=1.0).contains(&fraction) || !value_ms.is_finite() {
            return None;
        }
        Some(SpectrumRow {
            value_ms,
            fraction,
            total_count,
        })
    }

    /// `Mean = 4.881, StdDeviation = 1.777` and friends.
    fn footer(&mut self, inner: &str) -> bool {
        let mut known = false;
        for part in inner.split(',') {
            let Some((key, value)) = part.split_once('=') else {
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            let ms = || parse_scaled(value, self.pow10_to_ms);
            match key {
                "Mean" => self.mean_ms = ms(),
                "StdDeviation" => self.stddev_ms = ms(),
                "Max" => self.max_ms = ms(),
                "Total count" => self.total_count = value.parse().ok(),
                "Buckets" | "SubBuckets" => {}
                _ => continue,
            }
            known = true;
        }
        known
    }

    /// The value of the row printed at exactly `fraction`, if there is one.
    pub fn at(&self, fraction: f64) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| r.fraction == fraction)
            .map(|r| r.value_ms)
    }

    /// The first row at or above `fraction`.
    pub fn first_at_or_above(&self, fraction: f64) -> Option<&SpectrumRow> {
        self.rows.iter().find(|r| r.fraction >= fraction)
    }

    /// Samples in the histogram: the footer's count, else the last row's.
    pub fn count(&self) -> Option<u64> {
        self.total_count
            .or_else(|| self.rows.last().map(|r| r.total_count))
    }

    /// The rows as distribution points (percentile 0..100).
    pub fn points(&self) -> Vec<PercentilePoint> {
        self.rows
            .iter()
            .map(|r| PercentilePoint {
                percentile: r.fraction * 100.0,
                value_ms: r.value_ms,
                count: r.total_count,
            })
            .collect()
    }

    /// Latency figures the spectrum states exactly: the 0th-percentile row as
    /// min, footer mean and max (else the last row), rows at 50/90/95 %.
    pub fn latency(&self) -> LatencyMs {
        LatencyMs {
            min: self
                .rows
                .first()
                .filter(|r| r.fraction == 0.0)
                .map(|r| r.value_ms),
            mean: self.mean_ms,
            p50: self.at(0.5),
            p90: self.at(0.9),
            p95: self.at(0.95),
            p99: None,
            p999: None,
            max: self.max_ms.or_else(|| self.rows.last().map(|r| r.value_ms)),
        }
    }

    /// Explains the percentiles a spectrum cannot state exactly.
    pub fn missing_tail_note(&self, have: &LatencyMs) -> Option<String> {
        let mut parts = Vec::new();
        for (label, fraction, value) in [("99%", 0.99, have.p99), ("99.9%", 0.999, have.p999)] {
            if value.is_none() {
                if let Some(r) = self.first_at_or_above(fraction) {
                    parts.push(format!(
                        "{label} (nearest row above: {:.4}% = {} ms)",
                        r.fraction * 100.0,
                        r.value_ms
                    ));
                }
            }
        }
        (!parts.is_empty()).then(|| {
            format!(
                "the percentile spectrum has no row at exactly {}; those percentiles are left empty rather than estimated (the full spectrum is in the distribution)",
                parts.join(" or ")
            )
        })
    }
}

/// Reads `.hgrm` text.
pub struct Hgrm {
    spectrum: Spectrum,
    unit: DurationUnit,
    unit_given: bool,
    header_seen: bool,
}

impl RowFormat for Hgrm {
    fn row(&mut self, run: &mut Run, row: Row<'_>) {
        let (n, text) = (row.line, row.text);
        match self.spectrum.line(text) {
            SpectrumLine::Header => self.header_seen = true,
            SpectrumLine::Row if !self.header_seen => {
                run.skip_line(n, "percentile row before the \"Value Percentile TotalCount\" header")
            }
            SpectrumLine::Row | SpectrumLine::Footer | SpectrumLine::Blank => {}
            SpectrumLine::Other => run.skip_line(
                n,
                "expected a spectrum row (Value Percentile TotalCount 1/(1-Percentile)) or a #[...] footer",
            ),
        }
    }

    fn finish(&mut self, run: &mut Run, _lines: u64) -> Result<(), IngestError> {
        let s = &self.spectrum;
        if s.rows.is_empty() {
            return Err(IngestError::NothingUsable {
                source_name: run.source.clone(),
                format: run.format.as_str(),
                details: "the percentile table has no rows".into(),
            });
        }
        if s.rows
            .windows(2)
            .any(|w| w[1].total_count < w[0].total_count || w[1].fraction < w[0].fraction)
        {
            run.warn("the spectrum's TotalCount or Percentile column goes down somewhere; the file may be several spectra pasted together");
        }
        if s.dropped_rows > 0 {
            run.warn(format!(
                "{} spectrum rows beyond the first {MAX_ROWS} were ignored",
                s.dropped_rows
            ));
        }
        run.warn(if self.unit_given {
            format!("values read as {} (as requested)", self.unit.long_name())
        } else {
            "values read as milliseconds: a .hgrm file does not state its unit, and milliseconds is HdrHistogram's usual output scaling (if they are in another unit, say so: --hdr-unit s|ms|us|ns)".to_string()
        });
        let latency = s.latency();
        if let Some(note) = s.missing_tail_note(&latency) {
            run.warn(note);
        }
        run.tool = Some(ToolReport {
            requests: s.count(),
            latency_ms: latency,
            distribution: s.points(),
            ..ToolReport::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_every_writer() {
        assert!(is_header(
            "       Value   Percentile   TotalCount 1/(1-Percentile)"
        ));
        assert!(is_header(
            "\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\""
        ));
        assert!(is_header(
            "Value(ms) Percentile TotalCount 1/(1-Percentile)"
        ));
        assert!(!is_header("Value Percentile TotalCount"));
        assert!(!is_header("Latency Distribution"));
    }

    #[test]
    fn rows_footers_and_exact_percentiles() {
        let mut s = Spectrum::new(0);
        for line in [
            "       Value   Percentile   TotalCount 1/(1-Percentile)",
            "",
            "       0.072     0.000000            1         1.00",
            "       1.199     0.500000        50050         2.00",
            "       1.649     0.900000        89983        10.00",
            "       1.768     0.950000        94993        20.00",
            "       2.011     0.990625        99040       106.67",
            "      19.279     1.000000        99974          inf",
            "#[Mean    =        1.130, StdDeviation   =        0.480]",
            "#[Max     =       19.264, Total count    =        99974]",
            "#[Buckets =           27, SubBuckets     =         2048]",
        ] {
            assert_ne!(s.line(line), SpectrumLine::Other, "{line}");
        }
        let l = s.latency();
        assert_eq!(
            (l.min, l.p50, l.p90, l.p95),
            (Some(0.072), Some(1.199), Some(1.649), Some(1.768))
        );
        assert_eq!(
            (l.mean, l.max, s.count()),
            (Some(1.13), Some(19.264), Some(99974))
        );
        assert_eq!(l.p99, None);
        let note = s.missing_tail_note(&l).expect("p99 is missing");
        assert!(note.contains("99.0625% = 2.011 ms"), "{note}");
        assert_eq!(s.points().len(), 6);
    }

    #[test]
    fn csv_variant_and_units() {
        let mut s = Spectrum::new(-3);
        assert_eq!(
            s.line("\"Value\",\"Percentile\",\"TotalCount\",\"1/(1-Percentile)\""),
            SpectrumLine::Header
        );
        assert_eq!(s.line("1234.000,0.500000000000,10,2.00"), SpectrumLine::Row);
        assert_eq!(
            s.line("2000.000,1.000000000000,20,Infinity"),
            SpectrumLine::Row
        );
        assert_eq!(s.at(0.5), Some(1.234));
        assert_eq!(
            s.line("1.0 2.0 3"),
            SpectrumLine::Other,
            "percentile above 1"
        );
        assert_eq!(s.line("Requests/sec: 12"), SpectrumLine::Other);
    }
}
