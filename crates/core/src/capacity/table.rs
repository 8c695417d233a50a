//! Load levels typed or pasted as a table, for numbers that exist only in a
//! report ("p95 69 ms at 200 VUs, 1083 req/s").
//!
//! ```text
//! vus,throughput,p95_ms,n,error_rate
//! 200,1083,69,65000,0.1%
//! ```
//!
//! The header names the columns (any order, case-insensitive): the load
//! (`vus`, `concurrency`, `users`, `threads`, `load`, `processors`) and
//! `throughput` (`rps`, `req/s`) are required; optional are `mean_ms`,
//! `pNN_ms` with `pNN_low_ms` / `pNN_high_ms` bounds, `n` (requests),
//! `errors` and `error_rate`. Latency cells may carry a unit (`200ms`,
//! `1.2s`); columns ending `_s` or `_us` are in that unit. Separators: comma,
//! semicolon, tab, or spaces. A table is short and typed by hand, so any
//! cell that cannot be read stops the whole table, naming line and column.

use std::borrow::Cow;

use super::level::{Level, LevelOrigin, LevelSet};
use super::quantile_interval::Percentile;
use super::target::{parse_duration_ms, parse_statistic, quantile_key};
use crate::formats::shared::csv::split_fields;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    Value,
    Low,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Concurrency,
    Throughput,
    Requests,
    Errors,
    ErrorRate,
    MeanMs(f64),
    /// Quantile, which value, and the column's unit factor to milliseconds.
    Percentile(f64, Bound, f64),
    Ignored,
}

/// Lowercase, with runs of anything but letters, digits and dots turned into `_`.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().trim_matches('"').to_lowercase().chars() {
        if c.is_alphanumeric() || c == '.' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Splits a trailing unit (`_ms`, `_s`, `_us`) off a column name.
fn unit_suffix(name: &str) -> (&str, f64) {
    for (suffix, factor) in [("_ms", 1.0), ("_us", 0.001), ("_s", 1000.0)] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return (stem, factor);
        }
    }
    (name, 1.0)
}

fn classify(raw: &str) -> Column {
    let name = normalise(raw);
    match name.as_str() {
        "vus" | "vu" | "concurrency" | "users" | "threads" | "load" | "processors" | "clients"
        | "connections" | "n_vus" => return Column::Concurrency,
        "throughput"
        | "rps"
        | "req_s"
        | "reqs_s"
        | "requests_s"
        | "requests_per_second"
        | "x"
        | "tps"
        | "qps" => return Column::Throughput,
        "n" | "requests" | "count" | "samples" => return Column::Requests,
        "errors" | "failures" | "failed" => return Column::Errors,
        "error_rate" | "errors_rate" | "fail_rate" | "failure_rate" => return Column::ErrorRate,
        _ => {}
    }
    let (stem, factor) = unit_suffix(&name);
    if matches!(stem, "mean" | "avg" | "average") {
        return Column::MeanMs(factor);
    }
    let (stem, bound) = if let Some(s) = stem.strip_suffix("_low").or(stem.strip_suffix("_lower")) {
        (s, Bound::Low)
    } else if let Some(s) = stem.strip_suffix("_high").or(stem.strip_suffix("_upper")) {
        (s, Bound::High)
    } else {
        (stem, Bound::Value)
    };
    match parse_statistic(stem) {
        Ok(q) => Column::Percentile(q, bound, factor),
        Err(_) => Column::Ignored,
    }
}

fn pick_separator(header: &str) -> Option<u8> {
    [b'\t', b';', b',']
        .into_iter()
        .find(|s| header.as_bytes().contains(s))
}

fn split<'a>(line: &'a str, sep: Option<u8>, out: &mut Vec<Cow<'a, str>>) -> Option<()> {
    match sep {
        Some(s) => split_fields(line, s, out),
        None => {
            out.clear();
            out.extend(line.split_whitespace().map(Cow::Borrowed));
            Some(())
        }
    }
}

fn parse_number(cell: &str, what: &str) -> Result<f64, String> {
    let t = cell.trim();
    let t = ["req/s", "/s", "rps"]
        .iter()
        .find_map(|u| t.strip_suffix(u))
        .unwrap_or(t)
        .trim();
    let v: f64 = t
        .replace('_', "")
        .parse()
        .map_err(|_| format!("\"{cell}\" is not a number ({what})"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("\"{cell}\" must be a non-negative number ({what})"));
    }
    Ok(v)
}

fn parse_latency(cell: &str, factor: f64) -> Result<f64, String> {
    let t = cell.trim();
    if t.ends_with(|c: char| c.is_ascii_alphabetic()) {
        return parse_duration_ms(t);
    }
    Ok(parse_number(t, "a latency")? * factor)
}

fn parse_rate(cell: &str) -> Result<f64, String> {
    let t = cell.trim();
    if let Some(p) = t.strip_suffix('%') {
        return Ok(parse_number(p, "an error rate")? / 100.0);
    }
    let v = parse_number(t, "an error rate")?;
    if v > 1.0 {
        return Err(format!(
            "error rate \"{cell}\" is above 1: write a fraction (0.012) or a percentage (1.2%)"
        ));
    }
    Ok(v)
}

/// Reads a table of levels. `source` names it in messages.
pub fn levels_from_table(source: &str, text: &str) -> Result<LevelSet, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let (header_no, header) = lines.next().ok_or_else(|| format!("{source}: empty table; the first line must name the columns (vus,throughput,p95_ms,...)"))?;
    let sep = pick_separator(header);
    let mut cells = Vec::new();
    split(header, sep, &mut cells).ok_or_else(|| {
        format!(
            "{source} line {}: unterminated quote in the header",
            header_no + 1
        )
    })?;
    let names: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
    let columns: Vec<Column> = names.iter().map(|n| classify(n)).collect();
    let mut set = LevelSet::default();
    let find = |want: Column| columns.iter().position(|c| *c == want);
    if find(Column::Concurrency).is_none() {
        return Err(format!(
            "{source} line {}: no load column; name one of vus, concurrency, users, threads, load (header: {})",
            header_no + 1,
            names.join(", ")
        ));
    }
    if find(Column::Throughput).is_none() {
        return Err(format!(
            "{source} line {}: no throughput column; name it throughput (or rps, req/s) (header: {})",
            header_no + 1,
            names.join(", ")
        ));
    }
    let ignored: Vec<&str> = names
        .iter()
        .zip(&columns)
        .filter(|(_, c)| **c == Column::Ignored)
        .map(|(n, _)| n.as_str())
        .collect();
    if !ignored.is_empty() {
        set.notes.push(format!(
            "{source}: columns not used: {}",
            ignored.join(", ")
        ));
    }
    for (no, line) in lines {
        let line_no = no + 1;
        split(line, sep, &mut cells)
            .ok_or_else(|| format!("{source} line {line_no}: unterminated quote"))?;
        let at =
            |i: usize, msg: String| format!("{source} line {line_no}, column {}: {msg}", names[i]);
        let mut concurrency = None;
        let mut throughput = None;
        let (mut requests, mut errors, mut rate, mut mean) = (None, None, None, None);
        let mut percentiles: Vec<(f64, Bound, f64)> = Vec::new();
        if cells.len() > names.len() {
            return Err(format!(
                "{source} line {line_no}: {} cells but the header names {}",
                cells.len(),
                names.len()
            ));
        }
        for (i, cell) in cells.iter().enumerate() {
            if cell.trim().is_empty() || cell.trim() == "-" {
                continue;
            }
            match columns[i] {
                Column::Concurrency => {
                    concurrency = Some(parse_number(cell, "a load").map_err(|e| at(i, e))?)
                }
                Column::Throughput => {
                    throughput = Some(parse_number(cell, "a throughput").map_err(|e| at(i, e))?)
                }
                Column::Requests => {
                    requests = Some(parse_number(cell, "a request count").map_err(|e| at(i, e))?)
                }
                Column::Errors => {
                    errors = Some(parse_number(cell, "an error count").map_err(|e| at(i, e))?)
                }
                Column::ErrorRate => rate = Some(parse_rate(cell).map_err(|e| at(i, e))?),
                Column::MeanMs(f) => mean = Some(parse_latency(cell, f).map_err(|e| at(i, e))?),
                Column::Percentile(q, b, f) => {
                    percentiles.push((q, b, parse_latency(cell, f).map_err(|e| at(i, e))?))
                }
                Column::Ignored => {}
            }
        }
        let c = concurrency.filter(|c| *c > 0.0).ok_or_else(|| {
            format!("{source} line {line_no}: the load must be a positive number")
        })?;
        let x = throughput.filter(|x| *x > 0.0).ok_or_else(|| {
            format!("{source} line {line_no}: the throughput must be a positive number")
        })?;
        let mut level = Level::new(format!("{source} line {line_no}"), LevelOrigin::Table, c, x);
        if let Some(n) = requests {
            let n = n.round() as u64;
            let e = errors
                .map(|e| e.round() as u64)
                .or(rate.map(|r| (r * n as f64).round() as u64));
            level.set_counts(n, e);
        } else if let Some(r) = rate {
            level.error_rate = Some(r);
        }
        level.mean_ms = mean;
        for &(q, _, _) in &percentiles {
            let key = quantile_key(q);
            if level.percentiles.contains_key(&key) {
                continue;
            }
            let get = |b: Bound| {
                percentiles
                    .iter()
                    .find(|p| quantile_key(p.0) == key && p.1 == b)
                    .map(|p| p.2)
            };
            let Some(value_ms) = get(Bound::Value) else {
                return Err(format!(
                    "{source} line {line_no}: a bound for {key} is given without {key} itself"
                ));
            };
            let (lower_ms, upper_ms) = (get(Bound::Low), get(Bound::High));
            level.percentiles.insert(
                key,
                Percentile {
                    value_ms,
                    lower_ms,
                    upper_ms,
                },
            );
        }
        level.update_think_time();
        set.levels.push(level);
    }
    if set.levels.is_empty() {
        return Err(format!("{source}: the table has a header but no rows"));
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_report_table() -> Result<(), String> {
        let t = "# from the vendor's PDF\nVUs; req/s; p95 (ms); error rate\n200; 1083; 69 ms; 0.1%\n500; 1090; 362; \n";
        let set = levels_from_table("report.csv", t)?;
        assert_eq!(set.levels.len(), 2);
        let l = &set.levels[0];
        assert_eq!((l.concurrency, l.throughput), (200.0, 1083.0));
        assert_eq!(l.percentile(0.95).map(|p| p.value_ms), Some(69.0));
        assert_eq!(l.error_rate, Some(0.001));
        assert_eq!(set.levels[1].error_rate, None);
        assert_eq!(l.label, "report.csv line 3");
        Ok(())
    }

    #[test]
    fn reads_bounds_units_and_whitespace() -> Result<(), String> {
        let t = "concurrency throughput mean_s p95_ms p95_low_ms p95_high_ms n\n10 18.18 0.04992 110.62 104.23 116.21 1091\n";
        let set = levels_from_table("t", t)?;
        let l = &set.levels[0];
        assert!((l.mean_ms.unwrap_or(0.0) - 49.92).abs() < 1e-9);
        let p = l.percentile(0.95).ok_or("no p95")?;
        assert_eq!((p.lower_ms, p.upper_ms), (Some(104.23), Some(116.21)));
        assert_eq!(l.requests, Some(1091));
        Ok(())
    }

    #[test]
    fn refuses_with_line_and_column() {
        let no_load = levels_from_table("t.csv", "throughput,p95_ms\n1,2\n");
        assert!(no_load.is_err_and(|e| e.contains("no load column")));
        let bad = levels_from_table("t.csv", "vus,rps,p95_ms\n10,5,abc\n");
        assert!(bad.is_err_and(|e| e.contains("t.csv line 2, column p95_ms") && e.contains("abc")));
        let rate = levels_from_table("t.csv", "vus,rps,error_rate\n10,5,3\n");
        assert!(rate.is_err_and(|e| e.contains("percentage")));
        assert!(levels_from_table("t.csv", "vus,rps\n").is_err());
        assert!(levels_from_table("t.csv", "").is_err());
    }
}
