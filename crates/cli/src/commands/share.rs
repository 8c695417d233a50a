//! `verdict share FILE...`: the analysis as share-link text (summaries and
//! histograms, never raw samples), and `verdict share --decode TEXT` to see
//! what a link holds.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use verdict_core::compare::{compare, CompareOptions, Comparison};
use verdict_core::snapshot::{self, Snapshot};
use verdict_core::summary::ReportedBy;
use verdict_core::Run;

use crate::exit;
use crate::inputs::{self, ReadFlags};

/// `verdict share`.
#[derive(Debug, PartialEq, Default)]
pub struct ShareArgs {
    pub files: Vec<PathBuf>,
    pub redact: bool,
    /// Include the comparison of the first two files (baseline, candidate).
    pub compare: bool,
    pub read: ReadFlags,
    /// Text to decode (`-` reads it from standard input).
    pub decode: Option<String>,
    pub json: bool,
}

/// Parses the arguments after `share`.
pub fn parse(args: impl Iterator<Item = String>) -> Result<ShareArgs, String> {
    let mut a = ShareArgs::default();
    let mut it = args;
    while let Some(arg) = it.next() {
        if a.read.accept(&arg, &mut it)? {
            continue;
        }
        match arg.as_str() {
            "--redact" => a.redact = true,
            "--compare" => a.compare = true,
            "--json" => a.json = true,
            "--decode" => a.decode = Some(it.next().ok_or("--decode needs the link text (or -)")?),
            s if s.starts_with("--decode=") => a.decode = Some(s["--decode=".len()..].into()),
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown option {s}")),
            _ => a.files.push(PathBuf::from(arg)),
        }
    }
    a.read.validate()?;
    match (&a.decode, a.files.is_empty()) {
        (Some(_), false) => Err("share --decode takes the link text, not files".into()),
        (Some(_), true) if a.redact || a.compare => {
            Err("--redact and --compare apply when making a link, not decoding one".into())
        }
        (None, true) => Err("share needs at least one FILE (or --decode TEXT)".into()),
        (None, false) if a.compare && a.files.len() < 2 => {
            Err("--compare needs two files: BASE and CAND".into())
        }
        _ => Ok(a),
    }
}

/// Runs `verdict share`.
pub fn run(a: &ShareArgs) -> ExitCode {
    match &a.decode {
        Some(text) => decode(text, a.json),
        None => make(a),
    }
}

fn write_out(text: &str) -> ExitCode {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("verdict: cannot write output: {e}");
            ExitCode::from(exit::OUTPUT)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn make(a: &ShareArgs) -> ExitCode {
    let options = match a.read.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("verdict: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    // Validated with the other reading options.
    let threads = a.read.threads().unwrap_or(1);
    let (runs, code) = inputs::read_files(&a.files, &options, threads);
    if code != 0 {
        return ExitCode::from(code);
    }
    let mut runs: Vec<Run> = runs.into_iter().map(|(_, run)| run).collect();
    // Runs are named by file name; when two share one (run.json…), by the path given.
    let names: Vec<String> = runs.iter().map(|r| r.source.clone()).collect();
    for (run, path) in runs.iter_mut().zip(&a.files) {
        if names.iter().filter(|n| **n == run.source).count() > 1 {
            run.source = path.display().to_string();
        }
    }
    let built = Snapshot::of_runs(&runs).and_then(|mut s| {
        if a.compare {
            let c = compare(&runs[0], &runs[1], &CompareOptions::default())
                .map_err(|e| snapshot::SnapshotError::Invalid(e.to_string()))?;
            s.comparison = serde_json::to_value(&c).ok();
        }
        if a.redact {
            s = s.redacted()?;
        }
        let link = snapshot::encode_link(&s)?;
        Ok((s, link))
    });
    let (s, link) = match built {
        Ok(x) => x,
        Err(e) => {
            eprintln!("verdict: {e}");
            return ExitCode::from(exit::DATA);
        }
    };
    // What the link holds goes to stderr, so stdout stays the bare text.
    eprintln!("{}", preview(&s, link.text.len(), Some(&link)));
    if !link.within_budget {
        eprintln!(
            "note: links over {} characters may be cut by chat tools or mail clients",
            snapshot::LINK_BUDGET
        );
    }
    write_out(&(link.text + "\n"))
}

/// One paragraph saying what a link holds.
/// `made`: what making the link reduced, when it was just made.
fn preview(s: &Snapshot, chars: usize, made: Option<&snapshot::Link>) -> String {
    let mut parts: Vec<String> = s
        .runs
        .iter()
        .map(|r| {
            format!(
                "{} ({} endpoints, {} requests{})",
                r.summary.source,
                r.summary.endpoints.len(),
                r.summary
                    .requests
                    .map_or("unknown".into(), |n| n.to_string()),
                if r.summary.reported_by == ReportedBy::Samples {
                    ", percentiles from every request"
                } else {
                    ", the tool's own numbers"
                }
            )
        })
        .collect();
    if let Some(link) = made {
        if link.thinned_distributions {
            parts.push("percentile distributions at every other point".into());
        }
        if link.merged_timelines > 0 {
            parts.push(format!(
                "timelines of {} run(s) in at most {} wider windows",
                link.merged_timelines, link.timeline_windows
            ));
        }
    }
    for (name, slot) in [
        ("a comparison", &s.comparison),
        ("SLA verdicts", &s.verdicts),
        ("SLA rules", &s.sla_rules),
        ("capacity inputs", &s.capacity),
    ] {
        if slot.is_some() {
            parts.push(name.into());
        }
    }
    format!(
        "share link ({chars} characters, format {}): {}; {}; no raw samples",
        snapshot::VERSION,
        parts.join(", "),
        if s.redacted {
            "endpoint names, sources and hosts redacted"
        } else {
            "names NOT redacted (use --redact)"
        }
    )
}

fn decode(text: &str, json: bool) -> ExitCode {
    let text = if text == "-" {
        let mut buf = String::new();
        // Read one byte past the limit, so that an over-long input is refused by decode.
        let limit = snapshot::MAX_TEXT_BYTES as u64 + 2;
        if let Err(e) = io::stdin().lock().take(limit).read_to_string(&mut buf) {
            eprintln!("verdict: cannot read the link text from standard input: {e}");
            return ExitCode::from(exit::DATA);
        }
        buf
    } else {
        text.to_string()
    };
    let s = match snapshot::decode(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("verdict: {e}");
            return ExitCode::from(exit::DATA);
        }
    };
    if json {
        let doc = snapshot::describe(&s);
        return match serde_json::to_string_pretty(&doc) {
            Ok(out) => write_out(&(out + "\n")),
            Err(e) => {
                eprintln!("verdict: {e}");
                ExitCode::from(exit::OUTPUT)
            }
        };
    }
    let mut out = preview(&s, text.trim().len(), None) + "\n\n";
    for r in &s.runs {
        out.push_str(&crate::render::summary::run_table(&r.summary));
        out.push('\n');
    }
    if let Some(c) = s
        .comparison
        .clone()
        .and_then(|v| Comparison::from_json(v).ok())
    {
        out.push_str(&crate::render::comparison::plain(&c));
    }
    write_out(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<ShareArgs, String> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_share() {
        let a = p("a.json b.json --redact --compare").unwrap_or_default();
        assert_eq!(a.files.len(), 2);
        assert!(a.redact && a.compare);
        let d = p("--decode vd1.abc --json").unwrap_or_default();
        assert_eq!(d.decode.as_deref(), Some("vd1.abc"));
        assert!(d.json);
    }

    #[test]
    fn rejects_bad_usage() {
        for bad in [
            "",
            "--redact",
            "a --compare",
            "--decode",
            "--decode x a.json",
            "--decode x --redact",
            "a --bogus",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
