//! Verdicts as text for people and CI servers: JUnit XML, Markdown (for a
//! pull-request comment), and the number formatting the CLI and the report
//! share. Pure: verdicts in, `String` out.

use std::fmt::Write;

use super::verdict::{Basis, Outcome, Verdict};
use crate::units::{millis, percent, Millis, Percent};

/// A value in the verdict's unit, for people: `141.4 ms`, `0.351%`, `75.9/s`.
pub fn value(unit: &str, x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    match unit {
        "ms" => millis(x, Millis::Verdict),
        "fraction" => percent(x, Percent::Verdict),
        "per_s" => format!("{x:.1}/s"),
        "count" => format!("{}", x.round() as i64),
        _ => format!("{x}"),
    }
}

/// The estimate, or `—`.
pub fn estimate(v: &Verdict) -> String {
    v.estimate.map_or_else(|| "—".into(), |x| value(&v.unit, x))
}

/// `[a, b]`, `≤ b`, `≥ a`, or `—`.
pub fn interval(v: &Verdict) -> String {
    match v.basis {
        Basis::Interval => match (v.ci_low, v.ci_high) {
            (Some(a), Some(b)) => format!("[{}, {}]", value(&v.unit, a), value(&v.unit, b)),
            (None, Some(b)) => format!("≤ {}", value(&v.unit, b)),
            (Some(a), None) => format!("≥ {} (no upper bound yet)", value(&v.unit, a)),
            (None, None) => "no bound yet".into(),
        },
        Basis::Observed => "observed".into(),
        Basis::ToolReported => "tool-reported (no interval)".into(),
        Basis::NoData => "—".into(),
    }
}

/// `< 200ms`
pub fn limit(v: &Verdict) -> String {
    format!("{} {}", v.op, v.limit_text)
}

/// One line on why, for INCONCLUSIVE and no-data verdicts.
pub fn why(v: &Verdict) -> Option<String> {
    if let Some(r) = &v.reason {
        return Some(r.clone());
    }
    if v.verdict != Outcome::Inconclusive {
        return None;
    }
    Some(match v.needed_n {
        Some(n) if needed_is_per_window(v) => {
            let undecided: Vec<u64> = v
                .windows
                .iter()
                .filter(|w| w.verdict == Outcome::Inconclusive)
                .map(|w| w.n)
                .collect();
            let most = undecided.iter().copied().max().unwrap_or(0);
            format!(
                "the interval straddles the limit in {} window{}; about {n} requests per window (the undecided ones hold at most {most}) would decide it if the observed rate of slow or failed requests holds",
                undecided.len(),
                if undecided.len() == 1 { "" } else { "s" }
            )
        }
        Some(n) => format!(
            "the interval straddles the limit; about {n} requests (now {}) would decide it if the observed rate of slow or failed requests holds",
            v.n.unwrap_or(0)
        ),
        None => "the interval straddles the limit, and the estimate sits on it: more requests will not decide it".into(),
    })
}

/// Whether `needed_n` counts requests per window (a windowed rule), not in
/// the whole run.
pub fn needed_is_per_window(v: &Verdict) -> bool {
    v.notes.iter().any(|n| n == super::eval::NEEDED_PER_WINDOW)
}

/// Whether a PASS must not be taken as one: the run was read from a cut or
/// damaged file. JUnit reports it as skipped and `verdict check` exits 2.
pub fn unproven_pass(v: &Verdict) -> bool {
    v.partial && v.verdict == Outcome::Pass
}

/// The distinct reasons for partial data among `verdicts`, with their runs.
pub fn partial_runs(verdicts: &[Verdict]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for v in verdicts.iter().filter(|v| v.partial) {
        let why = v.partial_reason.clone().unwrap_or_default();
        if !out.iter().any(|(r, w)| *r == v.run && *w == why) {
            out.push((v.run.clone(), why));
        }
    }
    out
}

/// One line naming each partial run: `PARTIAL DATA: run.json.gz: the file …`.
pub fn partial_line(verdicts: &[Verdict]) -> Option<String> {
    let runs = partial_runs(verdicts);
    (!runs.is_empty()).then(|| {
        format!(
            "PARTIAL DATA — these verdicts rest only on the requests read before the file was cut or damaged, not on the whole run: {}",
            runs.iter()
                .map(|(r, w)| format!("{r}: {w}"))
                .collect::<Vec<_>>()
                .join("; ")
        )
    })
}

/// `N PASS`, or `N PASS on partial data` when some of them rest on a cut or
/// damaged file: the count of passes says so wherever it is shown.
pub fn pass_count(verdicts: &[Verdict]) -> String {
    let (pass, _, _) = counts(verdicts);
    if verdicts.iter().any(unproven_pass) {
        format!("{pass} PASS on partial data")
    } else {
        format!("{pass} PASS")
    }
}

/// Counts of (pass, fail, inconclusive).
pub fn counts(verdicts: &[Verdict]) -> (usize, usize, usize) {
    let c = |o| verdicts.iter().filter(|v| v.verdict == o).count();
    (c(Outcome::Pass), c(Outcome::Fail), c(Outcome::Inconclusive))
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The details of one verdict, as plain text lines.
pub fn details(v: &Verdict) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "rule: {}", v.rule);
    let _ = writeln!(s, "endpoint: {}", v.endpoint);
    let _ = writeln!(s, "verdict: {}", v.label());
    if let Some(why) = v.partial_reason.as_deref().filter(|_| v.partial) {
        let _ = writeln!(s, "partial data: {why}");
    }
    let _ = writeln!(
        s,
        "estimate: {}  bounds: {}  limit: {}  n: {}",
        estimate(v),
        interval(v),
        limit(v),
        v.n.map_or("—".into(), |n| n.to_string())
    );
    if let Some(p) = v.point_verdict {
        let _ = writeln!(
            s,
            "k6-compatible point verdict: {} ({})",
            p.as_str(),
            v.point_estimate.map_or("—".into(), |x| value(&v.unit, x))
        );
    }
    if let Some(t) = v.tool_verdict {
        let _ = writeln!(s, "the tool's own verdict: {}", t.as_str());
    }
    if let Some(w) = why(v) {
        let _ = writeln!(s, "why: {w}");
    }
    if !v.method.is_empty() {
        let _ = writeln!(s, "method: {}", v.method);
    }
    for n in &v.notes {
        let _ = writeln!(s, "note: {n}");
    }
    let broke: Vec<String> = v
        .windows
        .iter()
        .filter(|w| w.verdict == Outcome::Fail)
        .map(|w| format!("{:.0}–{:.0} s", w.start_s, w.end_s))
        .collect();
    if !broke.is_empty() {
        let _ = writeln!(s, "windows beyond the limit: {}", broke.join(", "));
    }
    s
}

/// JUnit XML: one suite per run, one test case per verdict; FAIL is a
/// `<failure>`, INCONCLUSIVE a `<skipped>` (CI servers count it apart).
pub fn junit(verdicts: &[Verdict]) -> String {
    let mut runs: Vec<&str> = Vec::new();
    for v in verdicts {
        if !runs.contains(&v.run.as_str()) {
            runs.push(&v.run);
        }
    }
    let (_, fail, inconclusive) = counts(verdicts);
    let inconclusive = inconclusive + verdicts.iter().filter(|v| unproven_pass(v)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"verdict\" tests=\"{}\" failures=\"{fail}\" errors=\"0\" skipped=\"{inconclusive}\">",
        verdicts.len()
    );
    for run in runs {
        let mine: Vec<&Verdict> = verdicts.iter().filter(|v| v.run == run).collect();
        let f = mine.iter().filter(|v| v.verdict == Outcome::Fail).count();
        let s = mine
            .iter()
            .filter(|v| v.verdict == Outcome::Inconclusive || unproven_pass(v))
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"{s}\">",
            xml(run),
            mine.len()
        );
        for v in mine {
            let name = format!(
                "{} [{}]",
                v.rule_name.clone().unwrap_or_else(|| v.rule.clone()),
                v.endpoint
            );
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\">",
                xml(run),
                xml(&name)
            );
            let summary = format!(
                "{}: {} {} (bounds {}, n {})",
                v.label(),
                v.statistic,
                estimate(v),
                interval(v),
                v.n.unwrap_or(0)
            );
            match v.verdict {
                Outcome::Fail => {
                    let _ = writeln!(
                        out,
                        "      <failure type=\"sla\" message=\"{}\">{}</failure>",
                        xml(&summary),
                        xml(&details(v))
                    );
                }
                Outcome::Inconclusive => {
                    let msg = format!("{summary}: {}", why(v).unwrap_or_default());
                    let _ = writeln!(out, "      <skipped message=\"{}\"/>", xml(&msg));
                }
                Outcome::Pass if v.partial => {
                    let msg = format!(
                        "{summary}: {}",
                        v.partial_reason.clone().unwrap_or_default()
                    );
                    let _ = writeln!(out, "      <skipped message=\"{}\"/>", xml(&msg));
                }
                Outcome::Pass => {}
            }
            let _ = writeln!(out, "      <system-out>{}</system-out>", xml(&details(v)));
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// `|` and line breaks cannot appear inside a Markdown table cell.
pub fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn icon(v: &Verdict) -> String {
    let icon = match v.verdict {
        // A PASS on partial data is not a green tick.
        Outcome::Pass if v.partial => "⚠️",
        Outcome::Pass => "✅",
        Outcome::Fail => "❌",
        Outcome::Inconclusive => "⚠️",
    };
    format!("{icon} {}", v.label())
}

/// A Markdown summary for a pull-request comment.
pub fn markdown(title: Option<&str>, verdicts: &[Verdict]) -> String {
    let (_, fail, inconclusive) = counts(verdicts);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### {}: {fail} FAIL · {inconclusive} INCONCLUSIVE · {}\n",
        md_cell(title.unwrap_or("SLA verdicts")),
        pass_count(verdicts)
    );
    if let Some(line) = partial_line(verdicts) {
        let _ = writeln!(out, "**{}**\n", md_cell(&line));
    }
    out.push_str("| Verdict | Rule | Endpoint | Estimate | Bounds | Limit | n | k6 point |\n");
    out.push_str("|---|---|---|---|---|---|---:|---|\n");
    let mut sorted: Vec<&Verdict> = verdicts.iter().collect();
    sorted.sort_by_key(|v| std::cmp::Reverse(v.verdict));
    for v in &sorted {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            icon(v),
            md_cell(
                &v.rule_name
                    .clone()
                    .map_or_else(|| v.rule.clone(), |n| format!("{n}: {}", v.rule))
            ),
            md_cell(&v.endpoint),
            md_cell(&estimate(v)),
            md_cell(&interval(v)),
            md_cell(&limit(v)),
            v.n.map_or("—".into(), |n| n.to_string()),
            v.point_verdict.map_or("—", Outcome::as_str),
        );
    }
    let explained: Vec<&&Verdict> = sorted
        .iter()
        .filter(|v| v.verdict != Outcome::Pass || v.partial || !v.notes.is_empty())
        .collect();
    if !explained.is_empty() {
        out.push('\n');
        for v in explained {
            let _ = write!(
                out,
                "- **{}** `{}` on {}",
                v.label(),
                md_cell(&v.rule),
                md_cell(&v.endpoint)
            );
            if let Some(w) = why(v) {
                let _ = write!(out, ": {}", md_cell(&w));
            }
            out.push('\n');
            for n in &v.notes {
                let _ = writeln!(out, "  - {}", md_cell(n));
            }
        }
    }
    let confidence = verdicts.first().map_or(95.0, |v| v.confidence * 100.0);
    let _ = writeln!(
        out,
        "\n<sub>PASS only when the whole {confidence}% interval is inside the limit, FAIL when it is beyond, INCONCLUSIVE otherwise. Percentile bounds are distribution-free order statistics read off HDR histograms; error-rate bounds are Wilson or Clopper–Pearson. \"k6 point\" compares k6's own estimate with the limit, with no interval.</sub>"
    );
    out
}
