//! `verdict capacity`: how many VUs (or, for open-model runs, how many
//! requests per second) keep a percentile under a target, from runs at
//! several load levels, one staged run, or a table of numbers.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use verdict_core::capacity::parse_duration_ms;
use verdict_core::capacity::{
    analyse, levels_from_runs, levels_from_table, parse_target, CapacityOptions, LevelSet,
    LoadUnit, PlateauOptions, Scenario, Target,
};
use verdict_core::Run;

use crate::exit;
use crate::inputs::{self, ReadFlags};
use crate::render::capacity as capacity_output;

/// `verdict capacity`.
#[derive(Debug, PartialEq, Default)]
pub struct CapacityArgs {
    pub files: Vec<PathBuf>,
    pub levels: Option<PathBuf>,
    pub target: Option<Target>,
    pub json: bool,
    pub read: ReadFlags,
    pub think_time_s: Option<f64>,
    pub instances: u32,
    pub arrival_rate: Option<f64>,
    pub warmup_s: Option<f64>,
    /// `--load vus|req/s`: the load axis, when the file does not say.
    pub load: Option<LoadUnit>,
}

fn value(
    arg: &str,
    name: &str,
    it: &mut impl Iterator<Item = String>,
) -> Result<Option<String>, String> {
    if arg == name {
        return it
            .next()
            .map(Some)
            .ok_or_else(|| format!("{name} needs a value"));
    }
    Ok(arg
        .strip_prefix(name)
        .and_then(|r| r.strip_prefix('='))
        .map(String::from))
}

fn positive(text: &str, what: &str) -> Result<f64, String> {
    let t = text.trim();
    let t = ["req/s", "/s", "rps"]
        .iter()
        .find_map(|u| t.strip_suffix(u))
        .unwrap_or(t);
    match t.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("{what} must be a positive number, not \"{text}\"")),
    }
}

/// Parses the arguments after `capacity`.
pub fn parse_args(it: impl Iterator<Item = String>) -> Result<CapacityArgs, String> {
    let mut it = it;
    let mut a = CapacityArgs {
        instances: 1,
        ..CapacityArgs::default()
    };
    while let Some(arg) = it.next() {
        if a.read.accept(&arg, &mut it)? {
            continue;
        }
        if let Some(v) = value(&arg, "--target", &mut it)? {
            a.target = Some(parse_target(&v)?);
        } else if let Some(v) = value(&arg, "--levels", &mut it)? {
            a.levels = Some(PathBuf::from(v));
        } else if let Some(v) = value(&arg, "--think-time", &mut it)? {
            // Zero think time is a valid what-if (a closed loop with no pauses).
            a.think_time_s = Some(if v.trim() == "0" {
                0.0
            } else {
                parse_duration_ms(&v)? / 1000.0
            });
        } else if let Some(v) = value(&arg, "--instances", &mut it)? {
            a.instances = match v.trim().parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(format!(
                        "--instances must be a whole number ≥ 1, not \"{v}\""
                    ))
                }
            };
        } else if let Some(v) = value(&arg, "--arrival-rate", &mut it)? {
            a.arrival_rate = Some(positive(&v, "--arrival-rate")?);
        } else if let Some(v) = value(&arg, "--warmup", &mut it)? {
            a.warmup_s = Some(if v.trim() == "0" {
                0.0
            } else {
                parse_duration_ms(&v)? / 1000.0
            });
        } else if let Some(v) = value(&arg, "--load", &mut it)? {
            a.load = Some(match v.trim() {
                "vus" | "VUs" => LoadUnit::Vus,
                "req/s" | "rps" => LoadUnit::RequestsPerSecond,
                _ => return Err(format!("--load must be vus or req/s, not \"{v}\"")),
            });
        } else if arg == "--json" {
            a.json = true;
        } else if arg.starts_with('-') && arg != "-" {
            return Err(format!("unknown option {arg}"));
        } else {
            a.files.push(PathBuf::from(arg));
        }
    }
    a.read.validate()?;
    if a.target.is_none() {
        return Err("capacity needs --target, e.g. --target 'p95<200ms'".into());
    }
    match (a.files.is_empty(), a.levels.is_some()) {
        (true, false) => Err(
            "capacity needs result FILEs (one per load level, or one staged run) or --levels TABLE"
                .into(),
        ),
        (false, true) => Err("give either result FILEs or --levels TABLE, not both".into()),
        _ => Ok(a),
    }
}

fn load_levels(a: &CapacityArgs) -> Result<LevelSet, (u8, String)> {
    if let Some(path) = &a.levels {
        let text = std::fs::read_to_string(path)
            .map_err(|e| (exit::NO_INPUT, format!("{}: {e}", path.display())))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        return levels_from_table(&name, &text).map_err(|e| (exit::DATA, e));
    }
    let options = a.read.options().map_err(|e| (exit::USAGE, e))?;
    // Validated with the other reading options.
    let threads = a.read.threads().unwrap_or(1);
    let (runs, code) = inputs::read_files(&a.files, &options, threads);
    if code != 0 {
        return Err((code, "no capacity analysis without every level".into()));
    }
    let runs: Vec<Run> = runs
        .into_iter()
        .map(|(path, mut run)| {
            // Several runs can share a file name (vus_010/run.json, vus_025/run.json).
            run.source = path.display().to_string();
            run
        })
        .collect();
    // Files one tool wrote for one run (Locust's PREFIX_stats.csv, _stats_history.csv, …) are one level.
    let runs = verdict_core::group::combine(runs);
    let plateaus = PlateauOptions {
        warmup_s: a.warmup_s,
        load: a.load,
    };
    let extra: Vec<f64> = a.target.iter().map(|t| t.quantile).collect();
    levels_from_runs(&runs, &plateaus, &extra).map_err(|e| (exit::DATA, e))
}

/// Runs `verdict capacity`.
pub fn run(a: &CapacityArgs) -> ExitCode {
    let Some(target) = a.target else {
        eprintln!("verdict: capacity needs --target");
        return ExitCode::from(exit::USAGE);
    };
    let set = match load_levels(a) {
        Ok(s) => s,
        Err((code, msg)) => {
            eprintln!("verdict: {msg}");
            return ExitCode::from(code);
        }
    };
    let options = CapacityOptions {
        target,
        scenario: Scenario {
            think_time_s: a.think_time_s,
            instances: a.instances,
            arrival_rate: a.arrival_rate,
        },
    };
    let report = analyse(set, &options);
    let mut out = io::stdout().lock();
    let written = if a.json {
        serde_json::to_string_pretty(&report)
            .map_err(io::Error::other)
            .and_then(|s| writeln!(out, "{s}"))
    } else {
        write!(out, "{}", capacity_output::render(&report))
    };
    if let Err(e) = written {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("verdict: cannot write output: {e}");
            return ExitCode::from(exit::OUTPUT);
        }
    }
    if report.answer.value.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit::NO_ANSWER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<CapacityArgs, String> {
        parse_args(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_capacity() -> Result<(), String> {
        let a = p("a.json b.json --target p95<200ms --json --think-time 1s --instances 2 --arrival-rate 300/s --warmup=10s")?;
        assert_eq!(a.files.len(), 2);
        assert!(a.json);
        assert_eq!(a.target.map(|t| t.limit_ms), Some(200.0));
        assert_eq!(a.think_time_s, Some(1.0));
        assert_eq!(a.instances, 2);
        assert_eq!(a.arrival_rate, Some(300.0));
        assert_eq!(a.warmup_s, Some(10.0));
        let o = p("a.json --target p95<200ms --load req/s")?;
        assert_eq!(o.load, Some(LoadUnit::RequestsPerSecond));
        let t = p("--levels l.csv --target=p99<1s")?;
        assert_eq!(t.levels, Some(PathBuf::from("l.csv")));
        Ok(())
    }

    #[test]
    fn rejects_bad_usage() {
        for bad in [
            "a.json",
            "--target p95<200ms",
            "a.json --levels l.csv --target p95<200ms",
            "a.json --target p95",
            "a.json --target p95<200ms --instances 0",
            "a.json --target p95<200ms --arrival-rate -3",
            "a.json --target p95<200ms --bogus",
            "a.json --target p95<200ms --load users",
            "a.json --target",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
