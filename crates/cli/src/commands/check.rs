//! `verdict check` and `verdict report`: SLA verdicts on result files.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use verdict_core::report::{self, ReportInput};
use verdict_core::sla::import::{from_run_thresholds, load_rules, Imported};
use verdict_core::sla::render::{self, counts};
use verdict_core::sla::{evaluate, preset, Outcome, Sla, Verdict, PRESETS};
use verdict_core::Run;

use crate::exit;
use crate::inputs::{self, ReadFlags};

/// Where the rules come from.
#[derive(Debug, PartialEq, Default)]
pub enum RulesFrom {
    /// The thresholds the runs recorded (k6).
    #[default]
    Recorded,
    File(PathBuf),
    Preset(String),
}

/// `verdict check` / `verdict report`.
#[derive(Debug, PartialEq, Default)]
pub struct CheckArgs {
    pub files: Vec<PathBuf>,
    pub rules: RulesFrom,
    pub json: bool,
    pub markdown: bool,
    pub junit: Option<PathBuf>,
    pub merge: bool,
    pub read: ReadFlags,
    /// `report`: where to write it (stdout when absent).
    pub out: Option<PathBuf>,
    /// `report`: environment notes, from files and from the command line.
    pub notes: Vec<String>,
    pub note_files: Vec<PathBuf>,
    pub title: Option<String>,
}

/// Parses the arguments after `check` or `report`.
pub fn parse(command: &str, it: &mut dyn Iterator<Item = String>) -> Result<CheckArgs, String> {
    let mut a = CheckArgs::default();
    let report = command == "report";
    let value = |flag: &str, it: &mut dyn Iterator<Item = String>| -> Result<String, String> {
        it.next().ok_or_else(|| format!("{flag} needs a value"))
    };
    while let Some(arg) = it.next() {
        if a.read.accept(&arg, it)? {
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let take = |it: &mut dyn Iterator<Item = String>| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => value(&flag, it),
            }
        };
        match flag.as_str() {
            "--sla" => a.rules = RulesFrom::File(PathBuf::from(take(it)?)),
            "--preset" => a.rules = RulesFrom::Preset(take(it)?),
            "--json" if !report => a.json = true,
            "--markdown" => a.markdown = true,
            "--junit" if !report => a.junit = Some(PathBuf::from(take(it)?)),
            "--merge" => a.merge = true,
            "--out" | "-o" if report => a.out = Some(PathBuf::from(take(it)?)),
            "--note" if report => a.notes.push(take(it)?),
            "--notes" if report => a.note_files.push(PathBuf::from(take(it)?)),
            "--title" if report => a.title = Some(take(it)?),
            s if s.starts_with('-') && s != "-" => {
                return Err(format!("{command}: unknown option {s}"))
            }
            _ => a.files.push(PathBuf::from(arg)),
        }
    }
    if a.files.is_empty() {
        return Err(format!("{command} needs at least one FILE"));
    }
    a.read.validate()?;
    if let RulesFrom::Preset(p) = &a.rules {
        if preset(p).is_none() {
            let known: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "unknown preset \"{p}\"; known: {}",
                known.join(", ")
            ));
        }
    }
    Ok(a)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Reads the runs; prints problems; returns the runs and the worst exit code so far.
fn read_runs(a: &CheckArgs) -> Result<(Vec<Run>, u8), u8> {
    let options = match a.read.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("verdict: {e}");
            return Err(exit::USAGE);
        }
    };
    // Validated with the other reading options.
    let threads = a.read.threads().unwrap_or(1);
    let (runs, code) = inputs::read_files(&a.files, &options, threads);
    let mut runs = inputs::combined(runs);
    if a.merge && runs.len() > 1 {
        match inputs::merge(runs) {
            Ok(m) => runs = vec![m],
            Err(msg) => {
                eprintln!("verdict: {msg}");
                return Err(exit::DATA);
            }
        }
    }
    if runs.is_empty() {
        return Err(if code == 0 { exit::DATA } else { code });
    }
    Ok((runs, code))
}

/// The rules to apply, with import warnings printed.
fn load(a: &CheckArgs, runs: &[Run]) -> Result<Sla, u8> {
    let imported: Imported = match &a.rules {
        RulesFrom::Preset(p) => Imported {
            sla: preset(p).unwrap_or_default(),
            warnings: Vec::new(),
        },
        RulesFrom::File(path) => {
            let text = match std::fs::read(path) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(e) => {
                    eprintln!("verdict: {}: {e}", path.display());
                    return Err(exit::NO_INPUT);
                }
            };
            match load_rules(&file_name(path), &text) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("verdict: {e}");
                    return Err(exit::DATA);
                }
            }
        }
        RulesFrom::Recorded => {
            let all: Vec<_> = runs
                .iter()
                .flat_map(|r| r.thresholds.iter().cloned())
                .collect();
            if all.is_empty() {
                eprintln!("verdict: no rules: give --sla FILE or --preset NAME (the runs record no k6 thresholds)");
                return Err(exit::USAGE);
            }
            from_run_thresholds(&all)
        }
    };
    for w in &imported.warnings {
        eprintln!("verdict: warning: {w}");
    }
    if imported.sla.rules.is_empty() {
        eprintln!("verdict: the rules file holds no rules");
        return Err(exit::DATA);
    }
    Ok(imported.sla)
}

fn exit_for(verdicts: &[Verdict], runs: &[Run], input_code: u8) -> ExitCode {
    if input_code != 0 {
        return ExitCode::from(input_code);
    }
    let (_, fail, inconclusive) = counts(verdicts);
    // A PASS on a cut or damaged file is not a pass: never exit 0 on it,
    // not even when no rule applied to the part that was read.
    let partial =
        verdicts.iter().any(|v| v.partial) || runs.iter().any(|r| r.partial_reason().is_some());
    ExitCode::from(if fail > 0 {
        exit::FAIL
    } else if inconclusive > 0 || partial {
        exit::INCONCLUSIVE
    } else {
        0
    })
}

#[derive(Serialize)]
struct CheckJson<'a> {
    sla: Option<&'a str>,
    pass: usize,
    fail: usize,
    inconclusive: usize,
    /// Some run was read from a cut or damaged file (and so every verdict on it).
    partial: bool,
    verdicts: &'a [Verdict],
}

fn write_out(text: &str) -> Result<(), u8> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("verdict: cannot write output: {e}");
            Err(1)
        }
    }
}

/// `verdict check`.
pub fn check(a: &CheckArgs) -> ExitCode {
    let (runs, input_code) = match read_runs(a) {
        Ok(x) => x,
        Err(code) => return ExitCode::from(code),
    };
    let sla = match load(a, &runs) {
        Ok(s) => s,
        Err(code) => return ExitCode::from(code),
    };
    let verdicts: Vec<Verdict> = runs.iter().flat_map(|r| evaluate(&sla, r)).collect();
    if let Some(path) = &a.junit {
        if let Err(e) = std::fs::write(path, render::junit(&verdicts)) {
            eprintln!("verdict: {}: {e}", path.display());
            return ExitCode::from(exit::NO_INPUT);
        }
    }
    let text = if a.json {
        let (pass, fail, inconclusive) = counts(&verdicts);
        let doc = CheckJson {
            sla: sla.title.as_deref(),
            pass,
            fail,
            inconclusive,
            partial: verdicts.iter().any(|v| v.partial)
                || runs.iter().any(|r| r.partial_reason().is_some()),
            verdicts: &verdicts,
        };
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    } else if a.markdown {
        render::markdown(sla.title.as_deref(), &verdicts)
    } else {
        table(sla.title.as_deref(), &verdicts)
    };
    if let Err(code) = write_out(&text) {
        return ExitCode::from(code);
    }
    exit_for(&verdicts, &runs, input_code)
}

/// The verdicts as a plain-text table.
fn table(title: Option<&str>, verdicts: &[Verdict]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let (_, fail, inconclusive) = counts(verdicts);
    let _ = writeln!(
        out,
        "{}: {fail} FAIL, {inconclusive} INCONCLUSIVE, {}",
        title.unwrap_or("SLA verdicts"),
        render::pass_count(verdicts)
    );
    if let Some(line) = render::partial_line(verdicts) {
        let _ = writeln!(out, "  {line}");
    }
    let mut rows: Vec<[String; 8]> = vec![[
        "verdict", "rule", "endpoint", "estimate", "bounds", "limit", "n", "k6 point",
    ]
    .map(String::from)];
    for v in verdicts {
        rows.push([
            v.label(),
            v.rule_name.clone().unwrap_or_else(|| v.rule.clone()),
            v.endpoint.clone(),
            render::estimate(v),
            render::interval(v),
            render::limit(v),
            v.n.map_or("-".into(), |n| n.to_string()),
            v.point_verdict.map_or("-", Outcome::as_str).to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..8)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for (k, row) in rows.iter().enumerate() {
        let mut line = String::from(" ");
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(line, " {:<w$}", cell, w = widths[i]);
        }
        let _ = writeln!(out, "{}", line.trim_end());
        if k == 0 {
            let _ = writeln!(out, "  {}", "-".repeat(widths.iter().sum::<usize>() + 7));
        }
    }
    let mut runs: Vec<&str> = verdicts.iter().map(|v| v.run.as_str()).collect();
    runs.dedup();
    for v in verdicts
        .iter()
        .filter(|v| v.verdict != Outcome::Pass || v.partial)
    {
        let _ = writeln!(
            out,
            "\n  {} {} [{}{}]",
            v.label(),
            v.rule,
            v.endpoint,
            if runs.len() > 1 {
                format!(", {}", v.run)
            } else {
                String::new()
            }
        );
        if let Some(w) = render::why(v) {
            let _ = writeln!(out, "    {w}");
        }
        for n in &v.notes {
            let _ = writeln!(out, "    note: {n}");
        }
    }
    let _ = writeln!(
        out,
        "\n  bounds: one-sided {}% each (order statistics on HDR histograms for percentiles; Wilson/Clopper-Pearson for rates).\n  PASS = whole interval inside the limit; FAIL = beyond it; k6 point = k6's estimate against the limit, no interval.",
        verdicts.first().map_or(95.0, |v| v.confidence * 100.0)
    );
    out
}

/// `verdict report`.
pub fn report(a: &CheckArgs) -> ExitCode {
    let (runs, input_code) = match read_runs(a) {
        Ok(x) => x,
        Err(code) => return ExitCode::from(code),
    };
    let sla = match load(a, &runs) {
        Ok(s) => s,
        Err(code) => return ExitCode::from(code),
    };
    let mut notes = Vec::new();
    for path in &a.note_files {
        match std::fs::read(path) {
            Ok(b) => notes.push(String::from_utf8_lossy(&b).into_owned()),
            Err(e) => {
                eprintln!("verdict: {}: {e}", path.display());
                return ExitCode::from(exit::NO_INPUT);
            }
        }
    }
    notes.extend(a.notes.iter().cloned());
    let verdicts: Vec<Verdict> = runs.iter().flat_map(|r| evaluate(&sla, r)).collect();
    let summaries: Vec<_> = runs.iter().map(Run::summary).collect();
    let input = ReportInput {
        title: a
            .title
            .clone()
            .or_else(|| sla.title.clone())
            .unwrap_or_else(|| "Readiness report".into()),
        generated: now_rfc3339(),
        notes: notes.join("\n\n"),
        sla: &sla,
        runs: &summaries,
        verdicts: &verdicts,
    };
    let text = if a.markdown {
        report::markdown(&input)
    } else {
        report::html(&input)
    };
    match &a.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("verdict: {}: {e}", path.display());
                return ExitCode::from(exit::NO_INPUT);
            }
            eprintln!("verdict: wrote {}", path.display());
        }
        None => {
            if let Err(code) = write_out(&text) {
                return ExitCode::from(code);
            }
        }
    }
    exit_for(&verdicts, &runs, input_code)
}

fn now_rfc3339() -> String {
    let us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    verdict_core::time::format_rfc3339(us)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(cmd: &str, s: &str) -> Result<CheckArgs, String> {
        parse(cmd, &mut s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_check_and_report() {
        let a = p(
            "check",
            "a.json b.json --sla sla.toml --json --junit out.xml",
        )
        .expect("valid");
        assert_eq!(a.files.len(), 2);
        assert_eq!(a.rules, RulesFrom::File("sla.toml".into()));
        assert!(a.json);
        assert_eq!(a.junit, Some("out.xml".into()));
        let a = p(
            "report",
            "a.json --preset=tiered-api --out r.html --note staging",
        )
        .expect("valid");
        assert_eq!(a.rules, RulesFrom::Preset("tiered-api".into()));
        assert_eq!(a.out, Some("r.html".into()));
        assert_eq!(a.notes, vec!["staging".to_string()]);
    }

    #[test]
    fn rejects_bad_usage() {
        assert!(p("check", "--sla x").is_err());
        assert!(p("check", "a --sla").is_err());
        assert!(p("check", "a --preset nope").is_err());
        assert!(p("check", "a --out x").is_err());
        assert!(p("report", "a --junit x").is_err());
    }
}
