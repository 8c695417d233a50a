//! `verdict`: the command-line face of verdict-core. This file is glue:
//! read files in chunks, feed the core, print what it computed.

mod args;
mod capacity;
mod capacity_output;
mod check;
mod compare_cmd;
mod export_cmd;
mod inputs;
mod output;
mod save_cmd;
mod share_cmd;
mod trend_cmd;

use std::io::{self, Write};
use std::process::ExitCode;

use args::{Command, SummaryArgs, USAGE};
use verdict_core::format::listing;
use verdict_core::{Report, Run};

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
        Ok(Command::Trend(a)) => trend_cmd::run(&a),
        Ok(Command::Share(a)) => share_cmd::run(&a),
        Ok(Command::Save(a)) => save_cmd::run(&a),
        Ok(Command::Export(a)) => export_cmd::run(&a),
        Ok(Command::Capacity(a)) => capacity::run(&a),
        Ok(Command::Check(a)) => check::check(&a),
        Ok(Command::Report(a)) => check::report(&a),
    }
}

fn summary(a: &SummaryArgs) -> ExitCode {
    let options = match a.read.options() {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("verdict: {msg}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let (runs, mut code) = inputs::read_files(&a.files, &options);
    let mut runs = inputs::combined(runs);
    if a.merge && runs.len() > 1 {
        match inputs::merge(runs) {
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
