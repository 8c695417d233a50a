//! Human-readable tables for `verdict summary`.

use std::fmt::Write;

use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};

use crate::render::numbers::{
    opt_count as num, opt_ms as ms, opt_percent as pct, opt_rate as rate,
};

fn latency_cells(l: &LatencyMs) -> [String; 6] {
    [
        ms(l.p50),
        ms(l.p90),
        ms(l.p95),
        ms(l.p99),
        ms(l.p999),
        ms(l.max),
    ]
}

/// Renders one run as text.
pub fn run_table(r: &RunSummary) -> String {
    let mut out = String::new();
    let origin = match (r.reported_by, r.partial) {
        (ReportedBy::Samples, false) => "computed from per-request samples".to_string(),
        (ReportedBy::Tool, false) => "as reported by the tool (no per-request samples)".to_string(),
        (_, true) => r.provenance(),
    };
    let _ = writeln!(out, "{} [{}; {}]", r.source, r.format, origin);
    let mut head = vec![
        format!("requests {}", num(r.requests)),
        format!("errors {} ({})", num(r.errors), pct(r.error_rate)),
        format!("{} req/s", rate(r.rps)),
    ];
    if let Some(d) = r.duration_s {
        head.push(format!("duration {d:.1}s"));
    }
    if let Some(c) = r.peak_concurrency {
        head.push(format!("peak concurrency {c}"));
    }
    if let Some(s) = &r.start {
        head.push(format!("start {s}"));
    }
    let _ = writeln!(out, "  {}", head.join(" · "));
    let mut rows: Vec<[String; 10]> = Vec::new();
    rows.push(
        [
            "endpoint", "requests", "errors", "req/s", "p50", "p90", "p95", "p99", "p99.9", "max",
        ]
        .map(String::from),
    );
    for e in &r.endpoints {
        let [a, b, c, d, f, g] = latency_cells(&e.latency_ms);
        rows.push([
            e.name.clone(),
            num(e.requests),
            pct(e.error_rate),
            rate(e.rps),
            a,
            b,
            c,
            d,
            f,
            g,
        ]);
    }
    let [a, b, c, d, f, g] = latency_cells(&r.latency_ms);
    rows.push([
        "ALL".into(),
        num(r.requests),
        pct(r.error_rate),
        rate(r.rps),
        a,
        b,
        c,
        d,
        f,
        g,
    ]);
    let widths: Vec<usize> = (0..10)
        .map(|i| {
            rows.iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (n, row) in rows.iter().enumerate() {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(line, "{:<w$}", cell, w = widths[i]);
            } else {
                let _ = write!(line, "  {:>w$}", cell, w = widths[i]);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
        if n == 0 {
            let _ = writeln!(
                out,
                "  {}",
                "-".repeat(widths.iter().sum::<usize>() + 2 * 9)
            );
        }
    }
    let _ = writeln!(out, "  {}", match r.reported_by {
        ReportedBy::Samples => "latency in ms; pXX = nearest-rank percentile from an HDR histogram (3 significant digits)",
        ReportedBy::Tool => "latency in ms, copied from the tool's summary (its own percentile definition); - = not in the file",
    });
    if !r.transactions.is_empty() {
        let _ = writeln!(
            out,
            "  transactions (journeys over several requests; not counted as requests):"
        );
        for t in &r.transactions {
            let [a, b, c, d, f, g] = latency_cells(&t.latency_ms);
            let _ = writeln!(
                out,
                "    {}  count {}  failed {} ({})  p50 {a}  p90 {b}  p95 {c}  p99 {d}  p99.9 {f}  max {g}",
                t.name,
                num(t.requests),
                num(t.errors),
                pct(t.error_rate)
            );
        }
    }
    if let Some(c) = r.checks {
        let _ = writeln!(out, "  checks: {} passed, {} failed", c.passes, c.fails);
    }
    for t in &r.thresholds {
        let outcome = match t.passed {
            Some(true) => "passed",
            Some(false) => "FAILED",
            None => "declared",
        };
        let _ = writeln!(
            out,
            "  threshold {} {}: {} (tool's own outcome)",
            t.metric, t.expression, outcome
        );
    }
    write_failures(&mut out, r);
    for w in &r.warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    out
}

/// Failures the tool grouped by cause, largest first (at most a few lines).
fn write_failures(out: &mut String, r: &RunSummary) {
    const SHOWN: usize = 8;
    let mut failures: Vec<_> = r.failures.iter().collect();
    failures.sort_by_key(|f| std::cmp::Reverse(f.count));
    for f in failures.iter().take(SHOWN) {
        let place = match (&f.method, &f.endpoint) {
            (Some(m), Some(e)) if !e.starts_with(&format!("{m} ")) => format!("{m} {e}: "),
            (_, Some(e)) => format!("{e}: "),
            (Some(m), None) => format!("{m}: "),
            (None, None) => String::new(),
        };
        let message = f.message.split_whitespace().collect::<Vec<_>>().join(" ");
        let _ = writeln!(
            out,
            "  failure: {}x {place}{message} (as the tool reported it)",
            f.count
        );
    }
    if failures.len() > SHOWN {
        let _ = writeln!(
            out,
            "  failure: … and {} more kinds (see --json)",
            failures.len() - SHOWN
        );
    }
}
