//! The latency target of a capacity question: `p95<200ms`, `p(99) <= 1.5s`,
//! `median<80` (milliseconds when no unit is given, as in k6 thresholds).

use std::fmt;

use serde::{Deserialize, Serialize};

/// "pXX of the latency must stay at or below `limit_ms`".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The quantile, in (0, 1): 0.95 for p95.
    pub quantile: f64,
    /// The latency limit in milliseconds.
    pub limit_ms: f64,
}

impl Target {
    /// The statistic's name: `p95`, `p99.9`.
    pub fn statistic(&self) -> String {
        quantile_key(self.quantile)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ≤ {} ms",
            self.statistic(),
            trim_number(self.limit_ms)
        )
    }
}

/// `p95`, `p99.9`, `p50` for a quantile in (0, 1).
pub fn quantile_key(q: f64) -> String {
    format!("p{}", trim_number((q * 100.0 * 1e6).round() / 1e6))
}

fn trim_number(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Parses a duration in milliseconds: `200`, `200ms`, `1.5s`, `800us`, `800µs`.
pub fn parse_duration_ms(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let split = t.find(|c: char| {
        !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')
    });
    // "1e3ms" is fine; but a bare unit starting with 'e' is not a thing, so this split is safe.
    let (num, unit) = split.map_or((t, ""), |i| (&t[..i], t[i..].trim()));
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("\"{text}\" is not a duration (e.g. 200ms, 1.5s)"))?;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "" | "ms" => 1.0,
        "s" | "sec" => 1000.0,
        "us" | "µs" | "μs" => 0.001,
        "m" | "min" => 60_000.0,
        other => {
            return Err(format!(
                "unknown time unit \"{other}\" in \"{text}\" (use ms, s or us)"
            ))
        }
    };
    let ms = v * factor;
    if !(ms.is_finite() && ms > 0.0) {
        return Err(format!("\"{text}\" must be a positive duration"));
    }
    Ok(ms)
}

/// Parses the statistic name: `p95`, `p(95)`, `p99.9`, `median`.
pub fn parse_statistic(text: &str) -> Result<f64, String> {
    let s = text.trim().to_ascii_lowercase();
    if s == "median" || s == "med" {
        return Ok(0.5);
    }
    let digits = s
        .strip_prefix("p(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| s.strip_prefix('p'))
        .ok_or_else(|| {
            format!("\"{text}\" is not a percentile (use p95, p(99), p99.9 or median)")
        })?;
    let pct: f64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("\"{text}\" is not a percentile (use p95, p(99), p99.9 or median)"))?;
    if !(pct > 0.0 && pct < 100.0) {
        return Err(format!(
            "\"{text}\": the percentile must be between 0 and 100 (exclusive)"
        ));
    }
    Ok(pct / 100.0)
}

/// Parses `p95<200ms` (also `<=`, `≤`, spaces, `p(95)`, `median`).
pub fn parse_target(text: &str) -> Result<Target, String> {
    let (stat, limit) = ["<=", "≤", "<"]
        .iter()
        .find_map(|op| text.split_once(op))
        .ok_or_else(|| format!("\"{text}\" is not a target; write it like p95<200ms"))?;
    Ok(Target {
        quantile: parse_statistic(stat)?,
        limit_ms: parse_duration_ms(limit)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() -> Result<(), String> {
        assert_eq!(
            parse_target("p95<200ms")?,
            Target {
                quantile: 0.95,
                limit_ms: 200.0
            }
        );
        assert_eq!(
            parse_target("p(99) <= 1.5s")?,
            Target {
                quantile: 0.99,
                limit_ms: 1500.0
            }
        );
        assert_eq!(
            parse_target("median<80")?,
            Target {
                quantile: 0.5,
                limit_ms: 80.0
            }
        );
        let t = parse_target("p99.9 ≤ 800us")?;
        assert!((t.quantile - 0.999).abs() < 1e-12 && (t.limit_ms - 0.8).abs() < 1e-12);
        assert_eq!(t.statistic(), "p99.9");
        assert_eq!(parse_target("p95<200ms")?.to_string(), "p95 ≤ 200 ms");
        for bad in [
            "p95",
            "p95<",
            "q95<200",
            "p95<200 parsecs",
            "p100<1",
            "p95<-3ms",
        ] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
        Ok(())
    }
}
