//! `verdict trend FILES...`: runs of one service over time, per endpoint,
//! with each step from one run to the next tested as `compare` tests it.
//! Text, Markdown (for a CI summary) or JSON.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use verdict_core::compare::CompareOptions;
use verdict_core::trend::{trend, TrendOrder};
use verdict_core::Run;

use crate::commands::compare::accept_option;
use crate::exit;
use crate::inputs::{self, ReadFlags};
use crate::render::trend::{markdown, plain};

/// `verdict trend`.
#[derive(Debug, PartialEq, Default)]
pub struct TrendArgs {
    pub files: Vec<PathBuf>,
    pub json: bool,
    pub markdown: bool,
    pub fail_on_regression: bool,
    pub order: TrendOrder,
    pub read: ReadFlags,
    pub options: CompareOptions,
}

/// Parses the arguments after `trend`.
pub fn parse(args: impl Iterator<Item = String>) -> Result<TrendArgs, String> {
    let mut a = TrendArgs::default();
    let mut it = args;
    while let Some(arg) = it.next() {
        if a.read.accept(&arg, &mut it)? {
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next());
        match flag.as_str() {
            "--json" => a.json = true,
            "--markdown" => a.markdown = true,
            "--fail-on-regression" => a.fail_on_regression = true,
            "--in-order" => a.order = TrendOrder::Given,
            "--by" => {
                let key = value()
                    .filter(|k| !k.is_empty())
                    .ok_or("--by needs a label name")?;
                a.order = TrendOrder::Label(key);
            }
            f if accept_option(&mut a.options, f, &mut value)? => {}
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown option {s}")),
            _ => a.files.push(PathBuf::from(arg)),
        }
    }
    if a.json && a.markdown {
        return Err("--json and --markdown exclude each other".into());
    }
    if a.files.len() < 2 {
        return Err(format!(
            "trend needs at least two FILEs, one per run ({} given)",
            a.files.len()
        ));
    }
    a.read.validate()?;
    Ok(a)
}

/// Runs `verdict trend`.
pub fn run(a: &TrendArgs) -> ExitCode {
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
    let runs: Vec<Run> = runs
        .into_iter()
        .map(|(path, mut run)| {
            // Nightly runs are often all called run.json: name them by the path given.
            run.source = path.display().to_string();
            run
        })
        .collect();
    let t = match trend(&runs, &a.order, &a.options) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("verdict: {e}");
            return ExitCode::from(exit::DATA);
        }
    };
    let text = if a.json {
        match serde_json::to_string_pretty(&t) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("verdict: cannot encode the trend: {e}");
                return ExitCode::from(exit::OUTPUT);
            }
        }
    } else if a.markdown {
        markdown(&t)
    } else {
        plain(&t)
    };
    if let Err(e) = io::stdout().lock().write_all(text.as_bytes()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("verdict: cannot write output: {e}");
            return ExitCode::from(exit::OUTPUT);
        }
    }
    if a.fail_on_regression && t.regressions > 0 {
        return ExitCode::from(exit::REGRESSION);
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_needs_two_files_and_one_output_form() {
        let args = |v: &[&str]| parse(v.iter().map(|s| s.to_string()));
        assert!(args(&["a.json"]).is_err());
        assert!(args(&["a", "b", "--json", "--markdown"]).is_err());
        assert!(args(&["a", "b", "--by"]).is_err());
        let a = args(&["a", "b", "--by=build", "--tolerance", "5"]).expect("parses");
        assert_eq!(a.order, TrendOrder::Label("build".into()));
        assert!((a.options.latency_tolerance - 0.05).abs() < 1e-12);
    }
}
