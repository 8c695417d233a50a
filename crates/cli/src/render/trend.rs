//! `verdict trend` as text and Markdown.

use std::collections::BTreeSet;

use verdict_core::compare::Verdict;
use verdict_core::export::OVERALL;
use verdict_core::trend::{Trend, TrendChange, TrendOrder, TrendRow};

use crate::render::numbers::{opt_ms as millis, opt_percent as percent, opt_rate as rate};

fn order_text(t: &Trend) -> String {
    match &t.order {
        TrendOrder::Start => "in start-time order".into(),
        TrendOrder::Label(key) => format!("ordered by label {key}"),
        TrendOrder::Given => "in the order given".into(),
    }
}

/// Endpoints in the order they first appear, the whole run first.
fn endpoints(t: &Trend) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in &t.runs {
        for row in &r.rows {
            if seen.insert(row.endpoint.as_str()) {
                out.push(row.endpoint.as_str());
            }
        }
    }
    out
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One bar per run, scaled from the smallest to the largest value (· where unknown).
fn sparkline(values: &[Option<f64>]) -> String {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => '·',
            Some(_) if hi <= lo => SPARKS[0],
            Some(x) => SPARKS[(((x - lo) / (hi - lo)) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// What changed from the previous run, for one endpoint: the statistics
/// judged a regression or an improvement, with their change and interval.
fn against_previous(t: &Trend, to: usize, endpoint: &str) -> String {
    if to == 0 {
        return String::new();
    }
    let changes: Vec<&TrendChange> = t
        .changes
        .iter()
        .filter(|c| c.to == to && c.endpoint == endpoint)
        .collect();
    if changes.is_empty() {
        return "not in both runs".into();
    }
    let notable: Vec<String> = changes
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Regression | Verdict::Improvement))
        .map(|c| {
            let word = if c.verdict == Verdict::Regression {
                "REGRESSION"
            } else {
                "improvement"
            };
            format!("{word} {}", change_text(c))
        })
        .collect();
    let mut text = if !notable.is_empty() {
        notable.join("; ")
    } else if changes
        .iter()
        .all(|c| c.verdict == Verdict::InsufficientData)
    {
        Verdict::InsufficientData.as_str().to_string()
    } else if changes
        .iter()
        .all(|c| matches!(c.verdict, Verdict::Equivalent | Verdict::InsufficientData))
    {
        Verdict::Equivalent.as_str().to_string()
    } else {
        Verdict::NoSignificantChange.as_str().to_string()
    };
    if t.steps.get(to - 1).is_some_and(|s| !s.same_load) {
        text.push_str(" (load differs)");
    }
    text
}

fn change_text(c: &TrendChange) -> String {
    let rel = c
        .relative
        .map_or(String::new(), |r| format!(" {:+.0}%", r * 100.0));
    let iv = match (c.statistic.as_str(), c.interval) {
        ("error_rate", Some(iv)) => format!(" ({:+.2}–{:+.2} pp)", iv.low * 100.0, iv.high * 100.0),
        (_, Some(iv)) => format!(" (×{:.2}–×{:.2})", iv.low, iv.high),
        (_, None) => String::new(),
    };
    let name = if c.statistic == "error_rate" {
        "errors"
    } else {
        c.statistic.as_str()
    };
    format!("{name}{rel}{iv}")
}

/// Sources without the directories all of them share (`vus_010/run.json.gz`).
fn short_names(t: &Trend) -> Vec<String> {
    let sources: Vec<&str> = t.runs.iter().map(|r| r.source.as_str()).collect();
    let mut shared = sources.first().map_or(0, |s| s.len());
    for s in &sources[1.min(sources.len())..] {
        shared = shared.min(
            sources[0]
                .bytes()
                .zip(s.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    // Cut at the last '/' inside the shared part, so names stay whole.
    let cut = sources
        .first()
        .and_then(|s| s.get(..shared))
        .and_then(|p| p.rfind('/'))
        .map_or(0, |i| i + 1);
    sources
        .iter()
        .map(|s| s.get(cut..).unwrap_or(s).to_string())
        .collect()
}

fn cells(t: &Trend, endpoint: &str) -> Vec<[String; 8]> {
    let names = short_names(t);
    t.runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let row: &TrendRow = r.rows.iter().find(|row| row.endpoint == endpoint)?;
            Some([
                (i + 1).to_string(),
                r.label.clone().unwrap_or_else(|| names[i].clone()),
                millis(row.p50_ms),
                millis(row.p95_ms),
                millis(row.p99_ms),
                percent(row.error_rate),
                rate(row.rps),
                against_previous(t, i, endpoint),
            ])
        })
        .collect()
}

const HEADER: [&str; 8] = [
    "run",
    "source",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "req/s",
    "against the run before",
];

/// Reads one statistic off a run's row.
type Pick = fn(&TrendRow) -> Option<f64>;

fn column(t: &Trend, endpoint: &str, pick: Pick) -> Vec<Option<f64>> {
    t.runs
        .iter()
        .map(|r| {
            r.rows
                .iter()
                .find(|row| row.endpoint == endpoint)
                .and_then(pick)
        })
        .collect()
}

fn sparklines(t: &Trend, endpoint: &str) -> String {
    let picks: [(&str, Pick); 5] = [
        ("p50", |r| r.p50_ms),
        ("p95", |r| r.p95_ms),
        ("p99", |r| r.p99_ms),
        ("errors", |r| r.error_rate),
        ("req/s", |r| r.rps),
    ];
    picks
        .iter()
        .map(|(name, pick)| format!("{name} {}", sparkline(&column(t, endpoint, *pick))))
        .collect::<Vec<_>>()
        .join("   ")
}

fn headline(t: &Trend) -> String {
    let steps = t.steps.len();
    let regressed: Vec<String> = t
        .steps
        .iter()
        .filter(|s| s.regressions > 0)
        .map(|s| format!("{} → {}", s.from + 1, s.to + 1))
        .collect();
    let verdict = if regressed.is_empty() {
        "no regression".to_string()
    } else {
        format!(
            "{} regression{} in step{} {}",
            t.regressions,
            if t.regressions == 1 { "" } else { "s" },
            if regressed.len() == 1 { "" } else { "s" },
            regressed.join(", ")
        )
    };
    format!(
        "{} runs {}, {steps} step{} tested: {verdict}",
        t.runs.len(),
        order_text(t),
        if steps == 1 { "" } else { "s" }
    )
}

/// The trend as text tables, one per endpoint.
pub fn plain(t: &Trend) -> String {
    let mut out = format!("trend: {}\n", headline(t));
    for endpoint in endpoints(t) {
        out.push_str(&format!("\n{endpoint}    {}\n", sparklines(t, endpoint)));
        let rows = cells(t, endpoint);
        let mut widths: Vec<usize> = HEADER.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::from(" ");
            for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
                let pad = w.saturating_sub(c.chars().count());
                // Numbers right-aligned, names and verdicts left.
                if (2..=6).contains(&i) {
                    s.push_str(&format!(" {}{c}", " ".repeat(pad)));
                } else {
                    s.push_str(&format!(" {c}{}", " ".repeat(pad)));
                }
            }
            s.trim_end().to_string() + "\n"
        };
        out.push_str(&line(&HEADER.map(String::from)));
        for r in &rows {
            out.push_str(&line(r));
        }
    }
    out.push('\n');
    for n in &t.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

/// The trend as Markdown (a CI job summary).
pub fn markdown(t: &Trend) -> String {
    let mut out = format!("### Trend: {}\n", headline(t));
    for endpoint in endpoints(t) {
        let name = if endpoint == OVERALL {
            "All requests".to_string()
        } else {
            format!("`{endpoint}`")
        };
        out.push_str(&format!("\n**{name}** — {}\n\n", sparklines(t, endpoint)));
        out.push_str(&format!("| {} |\n", HEADER.join(" | ")));
        out.push_str("|---|---|--:|--:|--:|--:|--:|---|\n");
        for r in cells(t, endpoint) {
            let escaped: Vec<String> = r.iter().map(|c| c.replace('|', "\\|")).collect();
            out.push_str(&format!("| {} |\n", escaped.join(" | ")));
        }
    }
    out.push('\n');
    for n in &t.notes {
        out.push_str(&format!("- {n}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_spans_the_smallest_to_the_largest_value() {
        assert_eq!(sparkline(&[Some(1.0), Some(8.0), None]), "▁█·");
        assert_eq!(sparkline(&[Some(3.0), Some(3.0)]), "▁▁");
    }

    #[test]
    fn names_lose_only_the_directories_they_share() {
        let run = |source: &str| verdict_core::trend::TrendRun {
            source: source.into(),
            start: None,
            label: None,
            peak_concurrency: None,
            rows: Vec::new(),
        };
        let t = Trend {
            order: TrendOrder::Given,
            runs: vec![run("runs/v1_a/run.json"), run("runs/v1_b/run.json")],
            steps: Vec::new(),
            changes: Vec::new(),
            regressions: 0,
            notes: Vec::new(),
        };
        assert_eq!(short_names(&t), ["v1_a/run.json", "v1_b/run.json"]);
    }
}
