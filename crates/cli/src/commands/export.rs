//! `verdict export`: runs written for other tools. `--hlog OUT.hlog` is an
//! HdrHistogram interval log (one tagged histogram per endpoint per time
//! window) of one run (several files are generators' parts, merged exactly);
//! `--rows OUT.ndjson` is one JSON line per run × endpoint for a warehouse.

use std::path::PathBuf;
use std::process::ExitCode;

use verdict_core::export;

use crate::exit;
use crate::inputs::{self, ReadFlags};

/// `verdict export`.
#[derive(Debug, PartialEq, Default)]
pub struct ExportArgs {
    pub files: Vec<PathBuf>,
    pub hlog: Option<PathBuf>,
    pub rows: Option<PathBuf>,
    pub read: ReadFlags,
}

/// Parses the arguments after `export`.
pub fn parse(args: impl Iterator<Item = String>) -> Result<ExportArgs, String> {
    let mut a = ExportArgs::default();
    let mut it = args;
    while let Some(arg) = it.next() {
        if a.read.accept(&arg, &mut it)? {
            continue;
        }
        match arg.as_str() {
            "--hlog" => a.hlog = Some(it.next().ok_or("--hlog needs a file name")?.into()),
            s if s.starts_with("--hlog=") => a.hlog = Some(s["--hlog=".len()..].into()),
            "--rows" => a.rows = Some(it.next().ok_or("--rows needs a file name")?.into()),
            s if s.starts_with("--rows=") => a.rows = Some(s["--rows=".len()..].into()),
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown option {s}")),
            _ => a.files.push(PathBuf::from(arg)),
        }
    }
    a.read.validate()?;
    if a.files.is_empty() {
        return Err("export needs at least one FILE".into());
    }
    match (&a.hlog, &a.rows) {
        (None, None) => Err("export needs --hlog OUT.hlog or --rows OUT.ndjson".into()),
        (Some(_), Some(_)) => Err("export writes one of --hlog or --rows at a time".into()),
        _ => Ok(a),
    }
}

fn write(out: &PathBuf, text: &str) -> Result<(), ExitCode> {
    std::fs::write(out, text).map_err(|e| {
        eprintln!("verdict: cannot write {}: {e}", out.display());
        ExitCode::from(exit::OUTPUT)
    })
}

/// Runs `verdict export`.
pub fn run(a: &ExportArgs) -> ExitCode {
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
    let mut runs = inputs::combined(runs);
    if let Some(out) = &a.hlog {
        let run = match runs.len() {
            1 => runs.pop().ok_or_else(|| "no run".to_string()),
            _ => inputs::merge(std::mem::take(&mut runs)),
        };
        let text = match run
            .map_err(|msg| msg.to_string())
            .and_then(|r| export::hlog(&r).map_err(|e| e.to_string()))
        {
            Ok(text) => text,
            Err(msg) => {
                eprintln!("verdict: {msg}");
                return ExitCode::from(exit::DATA);
            }
        };
        if let Err(code) = write(out, &text) {
            return code;
        }
        let lines = text.lines().filter(|l| l.starts_with("Tag=")).count();
        eprintln!(
            "wrote {}: {lines} interval histograms (values in microseconds)",
            out.display()
        );
    }
    if let Some(out) = &a.rows {
        let mut text = String::new();
        let mut n = 0;
        for run in &runs {
            match export::rows(run) {
                Ok(rows) => {
                    for r in rows {
                        text.push_str(&r.to_string());
                        text.push('\n');
                        n += 1;
                    }
                }
                Err(e) => {
                    eprintln!("verdict: {e}");
                    return ExitCode::from(exit::DATA);
                }
            }
        }
        if let Err(code) = write(out, &text) {
            return code;
        }
        eprintln!(
            "wrote {}: {n} rows ({} runs × endpoints and {:?})",
            out.display(),
            runs.len(),
            export::OVERALL
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<ExportArgs, String> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_export() {
        let a = p("a.json --hlog out.hlog").unwrap_or_default();
        assert_eq!(a.hlog, Some(PathBuf::from("out.hlog")));
        let a = p("a.verdict b.verdict --rows=rows.ndjson").unwrap_or_default();
        assert_eq!(
            (a.files.len(), a.rows),
            (2, Some(PathBuf::from("rows.ndjson")))
        );
    }

    #[test]
    fn rejects_bad_usage() {
        for bad in [
            "",
            "a.json",
            "--hlog x",
            "a --hlog",
            "a --hlog x --rows y",
            "a --rows y --what",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
