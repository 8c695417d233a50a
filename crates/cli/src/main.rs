//! `verdict`: the command-line face of verdict-core. This file is glue:
//! read files in chunks, feed the core, print what it computed.

mod args;
mod capacity;
mod capacity_output;
mod check;
mod compare_cmd;
mod output;
mod share_cmd;

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use args::{Command, SummaryArgs, USAGE};
use verdict_core::format::{listing, IngestOptions};
use verdict_core::{IngestError, Report, Run, Session};

/// Read size: large enough that syscalls do not show up in profiles.
const READ_CHUNK: usize = 256 * 1024;

const EXIT_USAGE: u8 = 64;
const EXIT_DATA: u8 = 65;
const EXIT_NO_INPUT: u8 = 66;

fn main() -> ExitCode {
    match args::parse(std::env::args().skip(1)) {
        Err(msg) => {
            eprintln!("verdict: {msg}\n\n{USAGE}");
            ExitCode::from(EXIT_USAGE)
        }
        Ok(Command::Help) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Formats) => {
            print!("{}", listing());
            ExitCode::SUCCESS
        }
        Ok(Command::Summary(a)) => summary(&a),
        Ok(Command::Compare(a)) => compare_cmd::run(&a),
        Ok(Command::Share(a)) => share_cmd::run(&a),
        Ok(Command::Capacity(a)) => capacity::run(&a),
        Ok(Command::Check(a)) => check::check(&a),
        Ok(Command::Report(a)) => check::report(&a),
    }
}

/// Why one input failed.
enum InputError {
    Io(String),
    Data(IngestError),
}

fn read_file(path: &Path, options: &IngestOptions) -> Result<Run, InputError> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut file =
        File::open(path).map_err(|e| InputError::Io(format!("{}: {e}", path.display())))?;
    let mut session = Session::new(name, options.clone());
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(InputError::Io(format!(
                    "{}: read failed after {} bytes: {e}",
                    path.display(),
                    session.bytes_in()
                )))
            }
        };
        session.feed(&buf[..n]).map_err(InputError::Data)?;
    }
    session.finish().map_err(InputError::Data)
}

fn summary(a: &SummaryArgs) -> ExitCode {
    let options = match args::ingest_options(a) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("verdict: {msg}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut runs: Vec<Run> = Vec::new();
    let mut code = 0u8;
    for path in &a.files {
        match read_file(path, &options) {
            Ok(run) => runs.push(run),
            Err(InputError::Io(msg)) => {
                eprintln!("verdict: {msg}");
                code = code.max(EXIT_NO_INPUT);
            }
            Err(InputError::Data(e)) => {
                eprintln!("verdict: {e}");
                code = code.max(EXIT_DATA);
            }
        }
    }
    // Files one tool wrote for one run (Locust's PREFIX_stats.csv, _stats_history.csv, …) become one run.
    let mut runs = verdict_core::group::combine(runs);
    if a.merge && runs.len() > 1 {
        match merge(runs) {
            Ok(merged) => runs = vec![merged],
            Err(msg) => {
                eprintln!("verdict: {msg}");
                return ExitCode::from(EXIT_DATA);
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
            .try_for_each(|r| writeln!(out, "{}", output::run_table(r)))
    };
    if let Err(e) = written {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("verdict: cannot write output: {e}");
            return ExitCode::from(1);
        }
    }
    if report.runs.is_empty() && code == 0 {
        code = EXIT_DATA;
    }
    ExitCode::from(code)
}

/// Merges runs exactly; refuses tool-reported aggregates, which cannot be merged.
fn merge(runs: Vec<Run>) -> Result<Run, String> {
    if let Some(r) = runs.iter().find(|r| !r.has_samples()) {
        return Err(format!(
            "--merge: {} ({}) holds only the tool's aggregates; percentiles of separate runs cannot be merged exactly. Use per-request outputs (e.g. k6 --out json).",
            r.source, r.format
        ));
    }
    let mut it = runs.into_iter();
    let mut first = it.next().ok_or("--merge: no runs")?;
    for r in it {
        first.merge(&r);
    }
    Ok(first)
}
