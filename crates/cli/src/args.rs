//! Command-line parsing (by hand: the CLI is small, and its errors must name
//! exactly what was wrong).

use std::path::PathBuf;

pub const USAGE: &str = "\
verdict: load-test results to production-readiness evidence

USAGE:
    verdict summary FILE... [--merge] [--json] [--format NAME]
    verdict check FILE... [--sla FILE | --preset NAME] [--json] [--junit FILE] [--markdown]
    verdict report FILE... [--sla FILE | --preset NAME] --out report.html [--markdown]
                   [--note TEXT] [--notes FILE] [--title TEXT]
    verdict formats

COMMANDS:
    summary    per-endpoint latency percentiles, errors and throughput of each run
    check      SLA verdicts (PASS / FAIL / INCONCLUSIVE) with confidence intervals
    report     a self-contained readiness report (HTML, or Markdown with --markdown)
    formats    list the formats Verdict reads

OPTIONS:
    --merge          treat all files as one run (e.g. distributed load generators);
                     histograms are added, so the result is exact
    --json           print the stable JSON document instead of tables
    --format NAME    read every file as NAME instead of detecting it (see `verdict formats`)
    -h, --help       this text

    --sla FILE       rules: a Verdict SLA (TOML/JSON), a k6 script or JSON config, a k6
                     summary, an Artillery script (ensure) or a Taurus config (passfail);
                     without --sla or --preset, the k6 thresholds recorded in the runs
    --preset NAME    tiered-api (list 200 / read 150 / write 250 / analytics 300 /
                     search 250 ms at p95, errors < 0.1%) or k6-defaults
    --junit FILE     also write JUnit XML (FAIL = failure, INCONCLUSIVE = skipped)
    --markdown       Markdown (for a pull-request comment, or the report)

EXIT CODES:
    0 ok · 64 usage error · 65 nothing usable in an input · 66 a file not found or unreadable
    check/report: 0 all PASS · 1 some FAIL · 2 no FAIL but some INCONCLUSIVE
";

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Summary(SummaryArgs),
    Check(crate::check::CheckArgs),
    Report(crate::check::CheckArgs),
    Formats,
    Help,
}

/// `verdict summary`.
#[derive(Debug, PartialEq, Default)]
pub struct SummaryArgs {
    pub files: Vec<PathBuf>,
    pub merge: bool,
    pub json: bool,
    pub format: Option<String>,
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut it = args.into_iter();
    let cmd = match it.next() {
        None => return Err("no command given".into()),
        Some(c) => c,
    };
    match cmd.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "formats" => Ok(Command::Formats),
        "check" => crate::check::parse("check", &mut it).map(Command::Check),
        "report" => crate::check::parse("report", &mut it).map(Command::Report),
        "summary" => {
            let mut a = SummaryArgs::default();
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "--merge" => a.merge = true,
                    "--json" => a.json = true,
                    "-h" | "--help" => return Ok(Command::Help),
                    "--format" => {
                        a.format = Some(it.next().ok_or("--format needs a format name")?);
                    }
                    s if s.starts_with("--format=") => {
                        a.format = Some(s["--format=".len()..].to_string())
                    }
                    s if s.starts_with('-') && s != "-" => {
                        return Err(format!("unknown option {s}"))
                    }
                    _ => a.files.push(PathBuf::from(arg)),
                }
            }
            if a.files.is_empty() {
                return Err("summary needs at least one FILE".into());
            }
            Ok(Command::Summary(a))
        }
        other => Err(format!("unknown command \"{other}\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Command, String> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_summary() {
        let Ok(Command::Summary(a)) = p("summary a.json b.json --merge --json --format k6-csv")
        else {
            panic!("expected summary");
        };
        assert_eq!(a.files.len(), 2);
        assert!(a.merge && a.json);
        assert_eq!(a.format.as_deref(), Some("k6-csv"));
    }

    #[test]
    fn rejects_bad_usage() {
        assert!(p("").is_err());
        assert!(p("summary").is_err());
        assert!(p("summary x --bogus").is_err());
        assert!(p("frobnicate").is_err());
        assert!(p("summary x --format").is_err());
    }
}
