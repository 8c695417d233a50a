//! `verdict compare` as text and Markdown (also used by `verdict share --compare`).

use verdict_core::compare::{Change, Comparison, RowComparison, SignificanceTest, Verdict};

use crate::render::numbers::{ms, ratio};
use verdict_core::units::{percent, Percent};

fn signed_percent(c: &Change) -> String {
    c.relative
        .map_or("-".into(), |r| format!("{:+.1}%", r * 100.0))
}

fn p_value(t: &Option<SignificanceTest>) -> String {
    match t {
        None => "-".into(),
        Some(t) if t.p_adjusted < 0.0001 => "<0.0001".into(),
        Some(t) => format!("{:.4}", t.p_adjusted),
    }
}

/// The cells of one row's statistics: name, stat, baseline, candidate,
/// change, interval, adjusted p, verdict.
fn cells(r: &RowComparison) -> Vec<[String; 8]> {
    let mut out = Vec::new();
    for (i, q) in r.latency.iter().enumerate() {
        out.push([
            if i == 0 {
                r.name.clone()
            } else {
                String::new()
            },
            format!("{} ms", q.statistic),
            ms(q.change.baseline),
            ms(q.change.candidate),
            signed_percent(&q.change),
            q.ratio_interval.map_or("-".into(), |iv| {
                format!("×{}–×{}", ratio(iv.low), ratio(iv.high))
            }),
            p_value(&q.test),
            q.verdict.as_str().into(),
        ]);
    }
    if let Some(e) = &r.error_rate {
        let iv = e.difference_interval;
        out.push([
            String::new(),
            "errors".into(),
            percent(e.change.baseline, Percent::Table),
            percent(e.change.candidate, Percent::Table),
            format!("{:+.2} pp", e.change.absolute * 100.0),
            format!("{:+.2}–{:+.2} pp", iv.low * 100.0, iv.high * 100.0),
            p_value(&Some(e.test)),
            e.verdict.as_str().into(),
        ]);
    }
    if let Some(rps) = &r.rps {
        out.push([
            String::new(),
            "req/s".into(),
            format!("{:.1}", rps.baseline),
            format!("{:.1}", rps.candidate),
            signed_percent(rps),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    out
}

const HEADER: [&str; 8] = [
    "endpoint",
    "statistic",
    "baseline",
    "candidate",
    "change",
    "interval",
    "p (adj.)",
    "verdict",
];

fn run_line(label: &str, r: &verdict_core::compare::RunInfo) -> String {
    let mut parts = vec![format!("{} requests", r.requests)];
    if let Some(x) = r.rps {
        parts.push(format!("{x:.1} req/s"));
    }
    if let Some(d) = r.duration_s {
        parts.push(format!("{d:.1} s"));
    }
    if let Some(c) = r.peak_concurrency {
        parts.push(format!("peak concurrency {c}"));
    }
    if r.partial {
        parts.push(format!(
            "PARTIAL: {}",
            r.partial_reason
                .as_deref()
                .unwrap_or("the file was cut or damaged")
        ));
    }
    format!("{label} {}: {}", r.source, parts.join(", "))
}

fn headline(c: &Comparison) -> String {
    format!(
        "verdict: {}{} ({}{} statistics regressed, {} improved; α = {}, tolerance ±{:.0}% latency, ±{:.2} pp errors)",
        if c.comparable {
            c.verdict.as_str().to_uppercase()
        } else {
            c.headline.replacen("not comparable", "NOT COMPARABLE", 1)
        },
        // A run read from a cut file: the verdict itself says so.
        if c.baseline.partial || c.candidate.partial {
            " on partial data"
        } else {
            ""
        },
        if c.comparable { "" } else { "in the rows below, " },
        c.regressions,
        c.improvements,
        c.options.alpha,
        c.options.latency_tolerance * 100.0,
        c.options.error_tolerance * 100.0
    )
}

fn footnotes(c: &Comparison) -> Vec<String> {
    let mut notes = vec![format!(
        "interval: of candidate/baseline (latency) or of the difference (errors), at the level its test was held to after the adjustment ({:.0}% before it), so a verdict never contradicts its interval",
        (1.0 - c.options.alpha) * 100.0
    )];
    notes.extend(c.notes.iter().cloned());
    if !c.only_in_baseline.is_empty() {
        notes.push(format!(
            "only in the baseline: {}",
            c.only_in_baseline.join(", ")
        ));
    }
    if !c.only_in_candidate.is_empty() {
        notes.push(format!(
            "only in the candidate: {}",
            c.only_in_candidate.join(", ")
        ));
    }
    notes
}

/// Plain-text tables for a terminal.
pub fn plain(c: &Comparison) -> String {
    let mut out = String::new();
    out.push_str(&run_line("baseline ", &c.baseline));
    out.push('\n');
    out.push_str(&run_line("candidate", &c.candidate));
    out.push('\n');
    for n in &c.load.notes {
        out.push_str(&format!(
            "{}: {n}\n",
            if c.load.same_load { "note" } else { "WARNING" }
        ));
    }
    out.push_str(&headline(c));
    out.push_str("\n\n");
    let mut rows: Vec<[String; 8]> = vec![HEADER.map(String::from)];
    for r in c.rows() {
        rows.extend(cells(r));
    }
    let widths: Vec<usize> = (0..8)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for (n, row) in rows.iter().enumerate() {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            if (2..=6).contains(&i) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if n == 0 {
            out.push_str(&format!(
                "  {}\n",
                "-".repeat(widths.iter().sum::<usize>() + 2 * 7)
            ));
        }
    }
    out.push('\n');
    for n in footnotes(c) {
        out.push_str(&format!("  {n}\n"));
    }
    out
}

/// Markdown cells must not break the table or inject markup.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// A Markdown report (e.g. for a pull-request comment).
pub fn markdown(c: &Comparison) -> String {
    let mut out = String::from("### Load-test comparison\n\n");
    out.push_str(&format!("**{}**\n\n", md_escape(&headline(c))));
    out.push_str(&format!(
        "- {}\n",
        md_escape(&run_line("baseline", &c.baseline))
    ));
    out.push_str(&format!(
        "- {}\n",
        md_escape(&run_line("candidate", &c.candidate))
    ));
    for n in &c.load.notes {
        let tag = if c.load.same_load {
            "Note"
        } else {
            "⚠️ Warning"
        };
        out.push_str(&format!("- {tag}: {}\n", md_escape(n)));
    }
    out.push_str(&format!("\n| {} |\n", HEADER.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(HEADER.len())));
    for r in c.rows() {
        for row in cells(r) {
            let mut row = row.map(|cell| md_escape(&cell));
            if row[7] == Verdict::Regression.as_str() {
                row[7] = format!("**{}**", row[7]);
            }
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
    }
    out.push('\n');
    for n in footnotes(c) {
        out.push_str(&format!("- {}\n", md_escape(&n)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_cannot_inject() {
        assert_eq!(md_escape("GET /a|<b>*"), "GET /a\\|\\<b\\>\\*");
    }
}
