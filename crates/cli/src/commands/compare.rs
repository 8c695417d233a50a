//! `verdict compare BASE CAND`: is the candidate run slower, faster, or the
//! same as the baseline? Text, Markdown (for a pull request) or JSON.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use verdict_core::compare::{compare, Adjustment, CompareOptions, Conclusion};
use verdict_core::Run;

use crate::exit;
use crate::inputs::{self, ReadFlags};
use crate::render::comparison::{markdown, plain};

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
            return ExitCode::from(exit::USAGE);
        }
    };
    let files = [a.baseline.clone(), a.candidate.clone()];
    // Validated with the other reading options.
    let threads = a.read.threads().unwrap_or(1);
    let (runs, code) = inputs::read_files(&files, &options, threads);
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
            return ExitCode::from(exit::DATA);
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
                return ExitCode::from(exit::OUTPUT);
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
            return ExitCode::from(exit::OUTPUT);
        }
    }
    if a.fail_on_regression {
        if !c.comparable {
            return ExitCode::from(exit::NOT_COMPARABLE);
        }
        if c.verdict == Conclusion::Regression {
            return ExitCode::from(exit::REGRESSION);
        }
    }
    ExitCode::SUCCESS
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
}
