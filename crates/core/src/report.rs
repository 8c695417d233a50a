//! The readiness report: one self-contained HTML page (inline CSS and SVG, no
//! scripts, opens from disk) or Markdown, built only from the evidence — the
//! runs, the notes the user typed, the verdicts with their intervals — with
//! every claim beside the numbers behind it. There is no overall "% ready"
//! score: a readiness claim is the list of rules and what the data says
//! about each.
//!
//! Pure: data in, `String` out (the caller supplies the date), so the CLI and
//! the web app produce the same report.

mod markup;
pub(crate) mod svg;

pub use markup::esc;

use std::fmt::Write;

use crate::sla::render::{self, counts, md_cell};
use crate::sla::{Basis, Outcome, Sla, Verdict};
use crate::summary::{ReportedBy, RunSummary};

/// Everything a report is made of.
pub struct ReportInput<'a> {
    /// The report's title.
    pub title: String,
    /// When the report was made (RFC 3339), supplied by the caller.
    pub generated: String,
    /// Environment notes as the user typed them (plain text).
    pub notes: String,
    /// The rules the verdicts were made by.
    pub sla: &'a Sla,
    /// The runs reported on.
    pub runs: &'a [RunSummary],
    /// The verdicts of the rules on the runs.
    pub verdicts: &'a [Verdict],
}

fn class_of(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Inconclusive => "inconclusive",
    }
}

fn confidence_text(verdicts: &[Verdict]) -> String {
    let mut levels: Vec<String> = verdicts
        .iter()
        .map(|v| crate::sla::measure::pct(v.confidence))
        .collect();
    levels.sort();
    levels.dedup();
    match levels.as_slice() {
        [] => "95%".into(),
        [one] => format!("{one}%"),
        many => format!("{}%", many.join("% / ")),
    }
}

/// Where a run's figures come from, for the runs table.
fn figures(r: &RunSummary) -> &'static str {
    match (r.reported_by, r.partial) {
        (ReportedBy::Samples, false) => "per-request samples",
        (ReportedBy::Samples, true) => "per-request samples, PARTIAL (file cut or damaged)",
        (ReportedBy::Tool, false) => "tool's summary",
        (ReportedBy::Tool, true) => "tool's summary, PARTIAL (file cut or damaged)",
    }
}

/// The one-paragraph conclusion: what the verdicts allow one to say.
pub fn bottom_line(verdicts: &[Verdict]) -> String {
    let line = whole_run_bottom_line(verdicts);
    match render::partial_line(verdicts) {
        // The conclusion itself says it rests on part of the file.
        Some(partial) if verdicts.iter().all(|v| v.verdict == Outcome::Pass) => format!(
            "Not shown: every rule check passes on the requests read, but the file was cut or damaged, so this is no evidence about the whole run. {partial}."
        ),
        Some(partial) => format!("On partial data: {line} {partial}."),
        None => line,
    }
}

fn whole_run_bottom_line(verdicts: &[Verdict]) -> String {
    let (pass, fail, inconclusive) = counts(verdicts);
    let conf = confidence_text(verdicts);
    let checks = |n: usize| if n == 1 { "check" } else { "checks" };
    if verdicts.is_empty() {
        "No rules were evaluated.".into()
    } else if fail > 0 {
        let mut s = format!(
            "Not ready on this evidence: {fail} rule {} fail{} at {conf} confidence",
            checks(fail),
            if fail == 1 { "s" } else { "" }
        );
        if inconclusive > 0 {
            let _ = write!(s, ", and {inconclusive} cannot be decided from this data");
        }
        s.push('.');
        s
    } else if inconclusive > 0 {
        format!(
            "Not shown yet: no rule fails, but {inconclusive} rule {} cannot be decided from this data ({pass} pass at {conf} confidence). More requests, or a longer run, are needed; the sample sizes are below.",
            checks(inconclusive)
        )
    } else {
        format!(
            "Every rule check passes at {conf} confidence ({pass} {}). This holds for the load, duration and environment described below, and no further.",
            checks(pass)
        )
    }
}

const CSS: &str = r#"
:root{--fg:#1c2430;--muted:#5b6573;--line:#d9dee5;--bg:#fff;--soft:#f5f7fa;--pass:#1f7a3f;--pass-bg:#e6f4ea;--fail:#b3261e;--fail-bg:#fce8e6;--inc:#8a5a00;--inc-bg:#fff4d6;--p50:#6b8fd6;--p95:#1b4fb8;--p99:#7a2fb0;--conc:#8a8f98}
*{box-sizing:border-box}
body{margin:0;background:var(--soft);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1060px;margin:0 auto;padding:28px 28px 60px;background:var(--bg);min-height:100vh}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:16px;margin:22px 0 8px}
.meta,.muted{color:var(--muted);font-size:13px}
.bottom{margin:18px 0 8px;padding:14px 16px;border-radius:8px;border:1px solid var(--line);background:var(--soft);font-size:16px}
.bottom.fail{border-color:#f1b8b3;background:var(--fail-bg)}.bottom.inconclusive{border-color:#f0d48a;background:var(--inc-bg)}.bottom.pass{border-color:#a8d5b5;background:var(--pass-bg)}
.pills{margin:8px 0 0}.pill{display:inline-block;padding:2px 10px;margin-right:6px;border-radius:999px;font-weight:600;font-size:13px}
.pill.pass,.tag.pass{background:var(--pass-bg);color:var(--pass)}.pill.fail,.tag.fail{background:var(--fail-bg);color:var(--fail)}.pill.inconclusive,.tag.inconclusive{background:var(--inc-bg);color:var(--inc)}
.tag{display:inline-block;padding:1px 7px;border-radius:4px;font-weight:700;font-size:12px;letter-spacing:.02em}
table{border-collapse:collapse;width:100%;font-size:13.5px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12.5px;background:var(--soft)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td code,p code,li code{font-size:12.5px;background:var(--soft);padding:1px 4px;border-radius:3px;word-break:break-word}
tr.detail td{border-bottom:1px solid var(--line);background:#fbfcfd;padding-top:0}
details summary{cursor:pointer;color:var(--muted);font-size:12.5px;padding:4px 0}details p,details ul{margin:4px 0 8px;font-size:13px}
pre.notes{white-space:pre-wrap;background:var(--soft);padding:12px;border-radius:6px;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:8px 0 12px}
.fact{background:var(--soft);border-radius:6px;padding:8px 10px}.fact b{display:block;font-size:18px;font-variant-numeric:tabular-nums}.fact span{font-size:12px;color:var(--muted)}
svg.chart{width:100%;height:auto;display:block;margin:6px 0 4px;background:#fff}
svg .grid{stroke:#eceff3;stroke-width:1}svg .tick,svg .legend{font-size:11px;fill:var(--muted)}svg .axis{font-size:11px;fill:var(--muted)}
svg .line{fill:none;stroke-width:1.8}svg .p50{stroke:var(--p50)}svg .p95{stroke:var(--p95)}svg .p99{stroke:var(--p99)}
svg .conc{fill:none;stroke:var(--conc);stroke-width:1.4;stroke-dasharray:4 3}svg .conc-tick{fill:var(--conc)}
svg .key.p50{fill:var(--p50)}svg .key.p95{fill:var(--p95)}svg .key.p99{fill:var(--p99)}svg .key.conc{fill:var(--conc)}svg .key.errbar,svg .errbar{fill:var(--fail);opacity:.75}
svg .limit{stroke:var(--fail);stroke-width:1.4;stroke-dasharray:5 3}svg .limit-label{font-size:11px;fill:var(--fail);paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg.strip{display:block;margin-top:3px}svg .strip-axis{stroke:var(--line)}svg .bar.pass{fill:#8fcfa4}svg .bar.fail{fill:#ec9a93}svg .bar.inconclusive{fill:#f2cf73}
svg .arrow.pass{fill:#8fcfa4}svg .arrow.fail{fill:#ec9a93}svg .arrow.inconclusive{fill:#f2cf73}svg .est{fill:var(--fg)}
svg .wbar.pass{fill:#8fcfa4}svg .wbar.fail{fill:#ec9a93}svg .wbar.inconclusive{fill:#f2cf73}
.legend-row{font-size:12.5px;color:var(--muted);margin:4px 0 0}
.warn{color:var(--inc)}
@media print{body{background:#fff}main{padding:0}details{display:block}details>summary{display:none}}
@media (max-width:700px){main{padding:16px}th,td{padding:5px 4px}.hide-narrow{display:none}}
"#;

fn fmt_opt(unit: &str, v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| render::value(unit, x))
}

fn fact(out: &mut String, label: &str, value: String) {
    let _ = write!(
        out,
        "<div class=\"fact\"><b>{}</b><span>{}</span></div>",
        esc(&value),
        esc(label)
    );
}

fn verdict_rows(out: &mut String, verdicts: &[Verdict], several_runs: bool) {
    out.push_str("<table class=\"verdicts\"><thead><tr><th>Verdict</th><th>Rule</th><th>Endpoint</th><th class=\"num\">Estimate</th><th>Bounds vs limit</th><th class=\"num\">n</th><th class=\"hide-narrow\">k6 point</th></tr></thead><tbody>");
    let mut sorted: Vec<&Verdict> = verdicts.iter().collect();
    sorted.sort_by_key(|v| (std::cmp::Reverse(v.verdict), v.rule_index));
    for v in sorted {
        let c = class_of(v.verdict);
        let rule = match &v.rule_name {
            Some(n) => format!("{}<br><code>{}</code>", esc(n), esc(&v.rule)),
            None => format!("<code>{}</code>", esc(&v.rule)),
        };
        let endpoint = if several_runs {
            format!(
                "{}<br><span class=\"muted\">{}</span>",
                esc(&v.endpoint),
                esc(&v.run)
            )
        } else {
            esc(&v.endpoint)
        };
        let limit = v.limit_ms.or(v.limit).unwrap_or(0.0);
        let strip = if v.basis == Basis::Interval
            || v.basis == Basis::ToolReported
            || v.basis == Basis::Observed
        {
            svg::interval_strip(v.ci_low, v.ci_high, v.estimate, limit, c, v.unit == "ms")
        } else {
            String::new()
        };
        let point = match (v.point_verdict, v.tool_verdict) {
            (Some(p), Some(t)) => format!(
                "{} <span class=\"muted\">(k6 said {})</span>",
                p.as_str(),
                t.as_str()
            ),
            (Some(p), None) => p.as_str().to_string(),
            (None, Some(t)) => format!("— <span class=\"muted\">(k6 said {})</span>", t.as_str()),
            (None, None) => "—".into(),
        };
        let _ = write!(
            out,
            "<tr class=\"{c}\"><td><span class=\"tag {c}\">{}</span></td><td>{rule}</td><td>{endpoint}</td><td class=\"num\">{}</td><td>{} <span class=\"muted\">limit {}</span>{strip}</td><td class=\"num\">{}</td><td class=\"hide-narrow\">{point}</td></tr>",
            esc(&v.label()),
            esc(&render::estimate(v)),
            esc(&render::interval(v)),
            esc(&render::limit(v)),
            v.n.map_or("—".into(), |n| n.to_string()),
        );
        // The evidence behind the verdict, folded (no script needed).
        let mut detail = String::new();
        if let Some(w) = render::why(v) {
            let _ = write!(detail, "<p><b>Why:</b> {}</p>", esc(&w));
        }
        if !v.method.is_empty() {
            let _ = write!(detail, "<p><b>Method:</b> {}</p>", esc(&v.method));
        }
        if let Some(f) = v.dependence_factor {
            if f > 1.0 {
                let _ = write!(detail, "<p><b>Dependence factor:</b> {f:.2}</p>");
            }
        }
        if !v.notes.is_empty() {
            detail.push_str("<ul>");
            for n in &v.notes {
                let _ = write!(detail, "<li>{}</li>", esc(n));
            }
            detail.push_str("</ul>");
        }
        if !v.windows.is_empty() {
            let scale = if v.unit == "fraction" { 100.0 } else { 1.0 };
            let bars: Vec<(f64, f64, f64, &str)> = v
                .windows
                .iter()
                .filter_map(|w| {
                    w.estimate
                        .map(|e| (w.start_s, w.end_s, e * scale, class_of(w.verdict)))
                })
                .collect();
            let broke = v
                .windows
                .iter()
                .filter(|w| w.verdict == Outcome::Fail)
                .count();
            let unit_label = match v.unit.as_str() {
                "fraction" => "%",
                "per_s" => "req/s",
                u => u,
            };
            let _ = write!(
                detail,
                "<p><b>Over time</b> ({} windows, {broke} beyond the limit; dashed line = limit):</p>{}",
                v.windows.len(),
                svg::windows_chart(&format!("{} per window ({unit_label})", v.statistic), &bars, limit * scale, unit_label)
            );
        }
        if !detail.is_empty() {
            let _ = write!(out, "<tr class=\"detail\"><td></td><td colspan=\"6\"><details><summary>evidence</summary>{detail}</details></td></tr>");
        }
    }
    out.push_str("</tbody></table><p class=\"legend-row\">Bar = the bounds (one-sided at the stated confidence each), dot = estimate, dashed line = limit; an arrow means no bound exists yet at this sample size.</p>");
}

fn run_section(out: &mut String, r: &RunSummary, verdicts: &[Verdict]) {
    let _ = write!(out, "<h2>Evidence: {}</h2>", esc(&r.source));
    let origin = match (r.reported_by, r.partial) {
        (ReportedBy::Samples, false) => {
            "computed here from every request, through HDR histograms (3 significant digits)"
                .to_string()
        }
        (ReportedBy::Tool, false) => {
            "as reported by the tool in its summary (its own definitions; no per-request samples)"
                .to_string()
        }
        (_, true) => r.provenance(),
    };
    let _ = write!(
        out,
        "<p class=\"muted\">Format {}; figures {}.</p>",
        esc(r.format.as_str()),
        esc(&origin)
    );
    out.push_str("<div class=\"facts\">");
    fact(
        out,
        "requests",
        r.requests.map_or("—".into(), |n| n.to_string()),
    );
    fact(
        out,
        "duration",
        r.duration_s.map_or("—".into(), |d| format!("{d:.1} s")),
    );
    fact(
        out,
        "requests/s",
        r.rps.map_or("—".into(), |x| format!("{x:.1}")),
    );
    fact(out, "error rate", fmt_opt("fraction", r.error_rate));
    fact(out, "p50", fmt_opt("ms", r.latency_ms.p50));
    fact(out, "p95", fmt_opt("ms", r.latency_ms.p95));
    fact(out, "p99", fmt_opt("ms", r.latency_ms.p99));
    fact(
        out,
        "peak concurrency",
        r.peak_concurrency.map_or("—".into(), |c| format!("{c}")),
    );
    out.push_str("</div>");
    if let Some(s) = &r.start {
        let _ = write!(out, "<p class=\"muted\">Started {}.</p>", esc(s));
    }
    // The whole-run latency limit most worth drawing: p95, else p99, else p50.
    let limit = ["p95", "p99", "p50"].iter().find_map(|stat| {
        verdicts
            .iter()
            .find(|v| {
                v.run == r.source
                    && v.endpoint == crate::sla::population::OVERALL
                    && v.statistic == *stat
            })
            .and_then(|v| {
                v.limit_ms
                    .map(|l| (l, format!("{stat} limit {}", render::value("ms", l))))
            })
    });
    if !r.timeline.points.is_empty() && r.timeline.points.iter().any(|p| p.p95_ms.is_some()) {
        let pts = |f: fn(&crate::summary::TimelinePoint) -> Option<f64>| -> Vec<(f64, f64)> {
            r.timeline
                .points
                .iter()
                .map(|p| (p.t_s, f(p).unwrap_or(f64::NAN)))
                .collect()
        };
        let conc: Vec<(f64, f64)> = r
            .timeline
            .points
            .iter()
            .filter_map(|p| p.concurrency.map(|c| (p.t_s, c)))
            .collect();
        let errors: Vec<(f64, f64)> = r
            .timeline
            .points
            .iter()
            .map(|p| (p.t_s, p.errors as f64))
            .collect();
        let chart = svg::TimeChart {
            title: "Latency percentiles over time",
            y_label: "latency (ms)",
            lines: vec![
                svg::Line {
                    label: "p50",
                    class: "p50",
                    points: pts(|p| p.p50_ms),
                },
                svg::Line {
                    label: "p95",
                    class: "p95",
                    points: pts(|p| p.p95_ms),
                },
                svg::Line {
                    label: "p99",
                    class: "p99",
                    points: pts(|p| p.p99_ms),
                },
            ],
            right: (!conc.is_empty()).then_some(("concurrency", conc)),
            bars: Some(("errors", errors)),
            limit: limit.clone(),
        };
        let _ = write!(
            out,
            "<h3>Latency over time</h3>{}<p class=\"legend-row\">Percentiles of requests that ended in each {} window; dashed grey = concurrency (right axis); red bars = failed requests.</p>",
            svg::time_chart(&chart),
            esc(&format!("{} s", r.timeline.bucket_s))
        );
    }
    if r.distribution.len() > 2 {
        let pts: Vec<(f64, f64)> = r
            .distribution
            .iter()
            .map(|p| (p.percentile, p.value_ms))
            .collect();
        let _ = write!(
            out,
            "<h3>Latency distribution</h3>{}<p class=\"legend-row\">Every request of the run; the x axis stretches the tail (90%, 99%, 99.9%…) as in HdrHistogram's plotter.</p>",
            svg::distribution_chart("Latency by percentile", &pts, limit)
        );
    }
    if !r.endpoints.is_empty() {
        out.push_str("<h3>Endpoints</h3><table><thead><tr><th>Endpoint</th><th class=\"num\">requests</th><th class=\"num\">errors</th><th class=\"num\">req/s</th><th class=\"num\">p50</th><th class=\"num\">p95</th><th class=\"num\">p99</th><th class=\"num\">max</th></tr></thead><tbody>");
        for e in &r.endpoints {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&e.name),
                e.requests.map_or("—".into(), |n| n.to_string()),
                fmt_opt("fraction", e.error_rate),
                e.rps.map_or("—".into(), |x| format!("{x:.1}")),
                fmt_opt("ms", e.latency_ms.p50),
                fmt_opt("ms", e.latency_ms.p95),
                fmt_opt("ms", e.latency_ms.p99),
                fmt_opt("ms", e.latency_ms.max),
            );
        }
        out.push_str("</tbody></table>");
    }
    if !r.warnings.is_empty() {
        out.push_str("<h3>Warnings about this file</h3><ul>");
        for w in &r.warnings {
            let _ = write!(out, "<li class=\"warn\">{}</li>", esc(w));
        }
        out.push_str("</ul>");
    }
}

const METHOD: &[&str] = &[
    "<b>PASS</b> only when the whole interval lies inside the limit, <b>FAIL</b> when it lies beyond it, <b>INCONCLUSIVE</b> otherwise — including when the data cannot answer the rule at all (the reason is given).",
    "Percentile bounds are distribution-free: the order statistics whose binomial ranks cover the percentile, read off the HDR histogram at the bucket edge that keeps them conservative (at most 0.1% wider). Error-rate bounds are Wilson score intervals, or Clopper–Pearson (exact) with fewer than 10 failures or successes. Means and Apdex use a normal approximation.",
    "Each bound is one-sided at the stated confidence, so a PASS or a FAIL is each a claim that is wrong with probability at most 1 − confidence; together the two bounds form a two-sided interval at 2 × confidence − 1.",
    "Requests are not independent in a load test (queues, pauses). Before trusting an interval, the run is cut into about 20 time blocks; if slow or failed requests cluster in time more than chance allows (a dispersion factor above 1.5), the bounds are computed for proportionally fewer effective samples, and the verdict says so.",
    "Rules over windows (\"every 1 minute\") judge each window at the confidence divided by the number of windows (Bonferroni), so the verdict over all windows keeps the stated confidence.",
    "\"k6 point\" compares the statistic as k6 computes it (for p(N), linear interpolation between the two closest samples, reproduced from the histogram to within one bucket) with the limit, with no interval: the verdict k6's own thresholds would give.",
    "Figures a tool reported in a summary (no per-request samples) get point verdicts, labelled as such. Maximum, minimum, counts and request rates are facts of the run and have no sampling interval.",
    "The run shows how the system behaved under this load, on this environment, for this long. It says nothing about other loads, and the report gives no overall score: each rule stands with its own evidence.",
];

/// The report as one self-contained HTML page.
pub fn html(input: &ReportInput<'_>) -> String {
    let verdicts = input.verdicts;
    let (_, fail, inconclusive) = counts(verdicts);
    let overall = if fail > 0 {
        "fail"
    } else if inconclusive > 0 || verdicts.is_empty() || verdicts.iter().any(|v| v.partial) {
        "inconclusive"
    } else {
        "pass"
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"><title>{}</title><style>{CSS}</style></head><body><main>",
        esc(&input.title)
    );
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"meta\">Generated {} by Verdict from {} run{} and {} rule{}{}.</p></header>",
        esc(&input.title),
        esc(&input.generated),
        input.runs.len(),
        if input.runs.len() == 1 { "" } else { "s" },
        input.sla.rules.len(),
        if input.sla.rules.len() == 1 { "" } else { "s" },
        input.sla.title.as_deref().map_or(String::new(), |t| format!(" ({})", esc(t)))
    );
    let _ = write!(
        out,
        "<section class=\"bottom {overall}\"><div>{}</div><div class=\"pills\"><span class=\"pill fail\">{fail} FAIL</span><span class=\"pill inconclusive\">{inconclusive} INCONCLUSIVE</span><span class=\"pill pass\">{}</span></div></section>",
        esc(&bottom_line(verdicts)),
        render::pass_count(verdicts)
    );
    out.push_str("<h2>Environment and notes</h2>");
    if input.notes.trim().is_empty() {
        out.push_str("<p class=\"muted\">No notes were given (system version, hardware, data set, what else ran).</p>");
    } else {
        let _ = write!(
            out,
            "<pre class=\"notes\">{}</pre>",
            esc(input.notes.trim())
        );
    }
    out.push_str("<table><thead><tr><th>Run</th><th>Format</th><th>Figures</th><th>Start</th><th class=\"num\">Duration</th><th class=\"num\">Requests</th><th class=\"num\">Peak concurrency</th></tr></thead><tbody>");
    for r in input.runs {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.source),
            esc(r.format.as_str()),
            figures(r),
            esc(r.start.as_deref().unwrap_or("—")),
            r.duration_s.map_or("—".into(), |d| format!("{d:.1} s")),
            r.requests.map_or("—".into(), |n| n.to_string()),
            r.peak_concurrency.map_or("—".into(), |c| format!("{c}")),
        );
    }
    out.push_str("</tbody></table>");
    out.push_str("<h2>Verdicts</h2>");
    if verdicts.is_empty() {
        out.push_str("<p>No verdicts.</p>");
    } else {
        verdict_rows(&mut out, verdicts, input.runs.len() > 1);
    }
    for r in input.runs {
        run_section(&mut out, r, verdicts);
    }
    out.push_str("<h2>How to read this report</h2><ul>");
    for m in METHOD {
        let _ = write!(out, "<li>{m}</li>");
    }
    out.push_str("</ul><p class=\"muted\">Made with Verdict. Everything in this page was computed from the files named above; nothing was sent anywhere.</p></main></body></html>\n");
    out
}

/// The report as Markdown.
pub fn markdown(input: &ReportInput<'_>) -> String {
    let verdicts = input.verdicts;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md_cell(&input.title));
    let _ = writeln!(
        out,
        "_Generated {} by Verdict from {} run(s) and {} rule(s)._\n",
        md_cell(&input.generated),
        input.runs.len(),
        input.sla.rules.len()
    );
    let (_, fail, inconclusive) = counts(verdicts);
    let _ = writeln!(
        out,
        "**{}**\n\n{fail} FAIL · {inconclusive} INCONCLUSIVE · {}\n",
        bottom_line(verdicts),
        render::pass_count(verdicts)
    );
    out.push_str("## Environment and notes\n\n");
    if input.notes.trim().is_empty() {
        out.push_str("_No notes were given._\n\n");
    } else {
        // Indented, so nothing the user typed becomes Markdown structure.
        for line in input.notes.trim().lines() {
            let _ = writeln!(out, "    {line}");
        }
        out.push('\n');
    }
    out.push_str("| Run | Format | Figures | Duration | Requests | Peak concurrency |\n|---|---|---|---:|---:|---:|\n");
    for r in input.runs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            md_cell(&r.source),
            r.format.as_str(),
            figures(r),
            r.duration_s.map_or("—".into(), |d| format!("{d:.1} s")),
            r.requests.map_or("—".into(), |n| n.to_string()),
            r.peak_concurrency.map_or("—".into(), |c| format!("{c}"))
        );
    }
    out.push_str("\n## Verdicts\n\n");
    out.push_str(&render::markdown(input.sla.title.as_deref(), verdicts));
    for r in input.runs {
        let _ = writeln!(out, "\n## Evidence: {}\n", md_cell(&r.source));
        let _ = writeln!(
            out,
            "requests {} · duration {} · {} req/s · error rate {} · p50 {} · p95 {} · p99 {}\n",
            r.requests.map_or("—".into(), |n| n.to_string()),
            r.duration_s.map_or("—".into(), |d| format!("{d:.1} s")),
            r.rps.map_or("—".into(), |x| format!("{x:.1}")),
            fmt_opt("fraction", r.error_rate),
            fmt_opt("ms", r.latency_ms.p50),
            fmt_opt("ms", r.latency_ms.p95),
            fmt_opt("ms", r.latency_ms.p99)
        );
        if !r.endpoints.is_empty() {
            out.push_str("| Endpoint | requests | errors | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for e in &r.endpoints {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    md_cell(&e.name),
                    e.requests.map_or("—".into(), |n| n.to_string()),
                    fmt_opt("fraction", e.error_rate),
                    fmt_opt("ms", e.latency_ms.p50),
                    fmt_opt("ms", e.latency_ms.p95),
                    fmt_opt("ms", e.latency_ms.p99),
                    fmt_opt("ms", e.latency_ms.max)
                );
            }
        }
    }
    out.push_str("\n## How to read this report\n\n");
    for m in METHOD {
        let plain = m.replace("<b>", "**").replace("</b>", "**");
        let _ = writeln!(out, "- {plain}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_could_become_markup() {
        assert_eq!(
            esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn bottom_line_never_scores() {
        assert_eq!(bottom_line(&[]), "No rules were evaluated.");
    }
}
