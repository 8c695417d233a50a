//! `verdict save FILE... -o NAME.verdict`: one run reduced to an analysis
//! file (histograms, counters, time windows; never a raw sample), small
//! enough to travel from the machine where the results lie.

use std::path::PathBuf;
use std::process::ExitCode;

use verdict_core::saved;

use crate::exit;
use crate::inputs::{self, ReadFlags};

/// `verdict save`.
#[derive(Debug, PartialEq, Default)]
pub struct SaveArgs {
    pub files: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub labels: Vec<(String, String)>,
    pub read: ReadFlags,
}

fn label(v: &str) -> Result<(String, String), String> {
    match v.split_once('=') {
        Some((k, val)) if !k.trim().is_empty() => Ok((k.trim().to_string(), val.to_string())),
        _ => Err(format!("--label {v}: expected key=value")),
    }
}

/// Parses the arguments after `save`.
pub fn parse(args: impl Iterator<Item = String>) -> Result<SaveArgs, String> {
    let mut a = SaveArgs::default();
    let mut it = args;
    while let Some(arg) = it.next() {
        if a.read.accept(&arg, &mut it)? {
            continue;
        }
        match arg.as_str() {
            "-o" | "--out" => {
                a.out = Some(PathBuf::from(
                    it.next().ok_or("-o needs a file name (NAME.verdict)")?,
                ))
            }
            s if s.starts_with("--out=") => a.out = Some(PathBuf::from(&s["--out=".len()..])),
            "--label" => a
                .labels
                .push(label(&it.next().ok_or("--label needs key=value")?)?),
            s if s.starts_with("--label=") => a.labels.push(label(&s["--label=".len()..])?),
            s if s.starts_with('-') && s != "-" => return Err(format!("unknown option {s}")),
            _ => a.files.push(PathBuf::from(arg)),
        }
    }
    a.read.validate()?;
    if a.files.is_empty() {
        return Err("save needs at least one FILE".into());
    }
    if a.out.is_none() {
        return Err("save needs -o NAME.verdict".into());
    }
    Ok(a)
}

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 10 << 20 => format!("{} MB", b >> 20),
        b if b >= 10 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Runs `verdict save`.
pub fn run(a: &SaveArgs) -> ExitCode {
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
    // The files given are one run (one generator's output, or several
    // generators' merged exactly).
    let merged = match runs.len() {
        1 => runs.pop().ok_or_else(|| "no run".to_string()),
        _ => inputs::merge(runs),
    };
    let mut run = match merged {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("verdict: {msg}");
            return ExitCode::from(exit::DATA);
        }
    };
    for (k, v) in &a.labels {
        run.meta.labels.insert(k.clone(), v.clone());
    }
    let bytes = match saved::save(&run) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("verdict: cannot save {}: {e}", run.source);
            return ExitCode::from(exit::DATA);
        }
    };
    let Some(out) = &a.out else {
        return ExitCode::from(exit::USAGE);
    };
    if let Err(e) = std::fs::write(out, &bytes) {
        eprintln!("verdict: cannot write {}: {e}", out.display());
        return ExitCode::from(exit::OUTPUT);
    }
    let raw: u64 = a
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "saved {}: {} requests, {} endpoint{}, {} (the input: {}); no raw samples",
        out.display(),
        run.overall.requests,
        run.endpoints.len(),
        if run.endpoints.len() == 1 { "" } else { "s" },
        human(bytes.len() as u64),
        human(raw)
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<SaveArgs, String> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_save() {
        let a = p("a.json b.json -o run.verdict --label branch=main --label=build=42")
            .unwrap_or_default();
        assert_eq!(a.files.len(), 2);
        assert_eq!(a.out, Some(PathBuf::from("run.verdict")));
        assert_eq!(
            a.labels,
            vec![
                ("branch".to_string(), "main".to_string()),
                ("build".to_string(), "42".to_string())
            ]
        );
    }

    #[test]
    fn rejects_bad_usage() {
        for bad in [
            "",
            "a.json",
            "-o x.verdict",
            "a -o",
            "a -o x --label nokey",
            "a -o x --bogus",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
