//! `verdict summary FILE...`: per-endpoint latency percentiles, errors and
//! throughput of each run (or of all files merged), as tables or JSON.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use verdict_core::{Report, Run};

use crate::exit;
use crate::inputs::{self, ReadFlags};
use crate::render;

/// `verdict summary`.
#[derive(Debug, PartialEq, Default)]
pub struct SummaryArgs {
    pub files: Vec<PathBuf>,
    pub merge: bool,
    pub json: bool,
    pub read: ReadFlags,
}

/// Parses the arguments after `summary`; `None` when help was asked for.
pub fn parse(mut it: impl Iterator<Item = String>) -> Result<Option<SummaryArgs>, String> {
    let mut a = SummaryArgs::default();
    while let Some(arg) = it.next() {
        if a.read.accept(&arg, &mut it)? {
            continue;
        }
        match arg.as_str() {
            "--merge" => a.merge = true,
            "--json" => a.json = true,
            "-h" | "--help" => return Ok(None),
            s if s.starts_with('-') && s != "-" => {
                return Err(match s.split_once('=') {
                    Some((flag, _)) if ["--merge", "--json"].contains(&flag) => {
                        format!("{flag} takes no value")
                    }
                    _ => format!("unknown option {s}"),
                })
            }
            _ => a.files.push(PathBuf::from(arg)),
        }
    }
    if a.files.is_empty() {
        return Err("summary needs at least one FILE".into());
    }
    a.read.validate()?;
    Ok(Some(a))
}

/// Runs `verdict summary`.
pub fn run(a: &SummaryArgs) -> ExitCode {
    let options = match a.read.options() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("verdict: {msg}");
            return ExitCode::from(exit::USAGE);
        }
    };
    // Validated with the other reading options.
    let threads = a.read.threads().unwrap_or(1);
    let (runs, mut code) = inputs::read_files(&a.files, &options, threads);
    let mut runs = inputs::combined(runs);
    if a.merge && runs.len() > 1 {
        match inputs::merge(runs) {
            Ok(merged) => runs = vec![merged],
            Err(msg) => {
                eprintln!("verdict: {msg}");
                return ExitCode::from(exit::DATA);
            }
        }
    }
    let report = Report {
        runs: runs.iter().map(Run::summary).collect(),
    };
    let mut out = io::stdout().lock();
    let written = if a.json {
        serde_json::to_string_pretty(&report)
            .map_err(io::Error::other)
            .and_then(|s| writeln!(out, "{s}"))
    } else {
        report
            .runs
            .iter()
            .try_for_each(|r| writeln!(out, "{}", render::summary::run_table(r)))
    };
    if let Err(e) = written {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("verdict: cannot write output: {e}");
            return ExitCode::from(exit::OUTPUT);
        }
    }
    if report.runs.is_empty() && code == 0 {
        code = exit::DATA;
    }
    ExitCode::from(code)
}
