//! `verdict compare BASE CAND`: is the candidate run slower, faster, or the
//! same as the baseline? Text, Markdown (for a pull request) or JSON.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use verdict_core::compare::{
    compare, Adjustment, Change, CompareOptions, Comparison, RowComparison, SignificanceTest,
    Verdict,
};
use verdict_core::Run;

use crate::inputs::{self, ReadFlags};
use crate::{EXIT_DATA, EXIT_USAGE};

/// Exit status when `--fail-on-regression` finds one.
const EXIT_REGRESSION: u8 = 1;
/// Exit status under `--fail-on-regression` when the loads differ beyond
/// the tolerance: the gate can say neither "regressed" nor "passed".
const EXIT_NOT_COMPARABLE: u8 = 3;

/// `verdict compare`.
#[derive(Debug, PartialEq, Default)]
pub struct CompareArgs {
    pub baseline: PathBuf,
    pub candidate: PathBuf,
    pub json: bool,
    pub markdown: bool,
    pub fail_on_regression: bool,
    pub read: ReadFlags,
    pub options: CompareOptions,
}

fn percent_arg(name: &str, value: Option<String>) -> Result<f64, String> {
    let v = value.ok_or(format!("{name} needs a value"))?;
    let number = v.trim_end_matches('%');
    match number.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x / 100.0),
        _ => Err(format!("{name}: \"{v}\" is not a percentage ≥ 0")),
    }
}

/// Takes one of the test options (`--fdr`, `--tolerance`, `--error-tolerance`,
/// `--load-tolerance`, `--alpha`) that `compare` and `trend` share; false
/// when `flag` is none of them.
pub fn accept_option(
    options: &mut CompareOptions,
    flag: &str,
    value: &mut dyn FnMut() -> Option<String>,
) -> Result<bool, String> {
    match flag {
        "--fdr" => options.adjustment = Adjustment::BenjaminiHochberg,
        "--tolerance" => options.latency_tolerance = percent_arg(flag, value())?,
        "--error-tolerance" => options.error_tolerance = percent_arg(flag, value())?,
        "--load-tolerance" => options.load_tolerance = percent_arg(flag, value())?,
        "--alpha" => {
            let v = value().ok_or("--alpha needs a value")?;
            options.alpha = v
                .parse::<f64>()
                .ok()
                .filter(|x| *x > 0.0 && *x <= 0.5)
                .ok_or(format!("--alpha: \"{v}\" is not a level in (0, 0.5]"))?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// Parses the arguments after `compare`.
pub fn parse(args: impl Iterator<Item = String>) -> Result<CompareArgs, String> {
    let mut a = CompareArgs::default();
    let mut files = Vec::new();
    let mut it = args;
    while let Some(arg) = it.next() {
        if a.read.accept(&arg, &mut it)? {
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let value = |it: &mut dyn Iterator<Item = String>| inline.clone().or_else(|| it.next());
        match flag.as_str() {
            "--json" => a.json = true,
            "--markdown" => a.markdown = true,
            "--fail-on-regression" => a.fail_on_regression = true,
            f if accept_option(&mut a.options, f, &mut || value(&mut it))? => {}
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown option {s}")),
            _ => files.push(PathBuf::from(arg)),
        }
    }
    if a.json && a.markdown {
        return Err("--json and --markdown exclude each other".into());
    }
    a.read.validate()?;
    match <[PathBuf; 2]>::try_from(files) {
        Ok([baseline, candidate]) => {
            a.baseline = baseline;
            a.candidate = candidate;
            Ok(a)
        }
        Err(files) => Err(format!(
            "compare needs exactly two files, BASE and CAND ({} given)",
            files.len()
        )),
    }
}

/// Runs `verdict compare`.
pub fn run(a: &CompareArgs) -> ExitCode {
    let options = match a.read.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("verdict: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let files = [a.baseline.clone(), a.candidate.clone()];
    let (runs, code) = inputs::read_files(&files, &options);
    let runs: Vec<Run> = runs
        .into_iter()
        .map(|(path, mut run)| {
            // Both are often called run.json: name them by the path given.
            run.source = path.display().to_string();
            run
        })
        .collect();
    let [baseline, candidate] = match <[Run; 2]>::try_from(runs) {
        Ok(pair) => pair,
        Err(_) => return ExitCode::from(code),
    };
    let c = match compare(&baseline, &candidate, &a.options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("verdict: {e}");
            return ExitCode::from(EXIT_DATA);
        }
    };
    if c.baseline_started_later {
        // The order given is kept: the user may mean it.
        eprintln!(
            "verdict: warning: the baseline {} started after the candidate {}; the older run is usually the baseline (swap the files if that was not meant)",
            c.baseline.source, c.candidate.source
        );
    }
    let text = if a.json {
        match serde_json::to_string_pretty(&c) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("verdict: cannot encode the comparison: {e}");
                return ExitCode::from(1);
            }
        }
    } else if a.markdown {
        markdown(&c)
    } else {
        plain(&c)
    };
    if let Err(e) = io::stdout().lock().write_all(text.as_bytes()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("verdict: cannot write output: {e}");
            return ExitCode::from(1);
        }
    }
    if a.fail_on_regression {
        if !c.comparable {
            return ExitCode::from(EXIT_NOT_COMPARABLE);
        }
        if c.verdict == Verdict::Regression {
            return ExitCode::from(EXIT_REGRESSION);
        }
    }
    ExitCode::SUCCESS
}

pub(crate) fn ms(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v >= 1000.0 {
        format!("{:.2}s", v / 1000.0)
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A ratio with three significant digits, however small or large.
fn ratio(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v == 0.0 || (0.001..1000.0).contains(&v) {
        let decimals = if v >= 100.0 {
            0
        } else if v >= 10.0 {
            1
        } else if v >= 1.0 {
            2
        } else {
            (2 - v.log10().floor() as i32).clamp(2, 5) as usize
        };
        format!("{v:.decimals$}")
    } else {
        format!("{v:.2e}")
    }
}

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
            format!("{:.2}%", e.change.baseline * 100.0),
            format!("{:.2}%", e.change.candidate * 100.0),
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

    fn p(s: &str) -> Result<CompareArgs, String> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_compare() {
        let a = p("a.json b.json --markdown --fail-on-regression --tolerance 5% --fdr")
            .unwrap_or_default();
        assert_eq!(a.baseline, PathBuf::from("a.json"));
        assert_eq!(a.candidate, PathBuf::from("b.json"));
        assert!(a.markdown && a.fail_on_regression);
        assert!((a.options.latency_tolerance - 0.05).abs() < 1e-12);
        assert_eq!(a.options.adjustment, Adjustment::BenjaminiHochberg);
        let b = p("a b --alpha=0.01 --error-tolerance=1").unwrap_or_default();
        assert_eq!(b.options.alpha, 0.01);
        assert!((b.options.error_tolerance - 0.01).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_usage() {
        for bad in [
            "a",
            "a b c",
            "a b --json --markdown",
            "a b --alpha 2",
            "a b --tolerance x",
            "a b --bogus",
            "a b --tolerance",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ratios_keep_three_digits() {
        assert_eq!(ratio(1.2345), "1.23");
        assert_eq!(ratio(0.0123), "0.0123");
        assert_eq!(ratio(1606.8), "1.61e3");
        assert_eq!(ratio(0.00002), "2.00e-5");
        assert_eq!(ratio(15.04), "15.0");
    }

    #[test]
    fn markdown_cells_cannot_inject() {
        assert_eq!(md_escape("GET /a|<b>*"), "GET /a\\|\\<b\\>\\*");
    }
}
