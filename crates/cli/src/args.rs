//! Command-line parsing (by hand: the CLI is small, and its errors must name
//! exactly what was wrong).

use std::path::PathBuf;

pub const USAGE: &str = "\
verdict: load-test results to production-readiness evidence

USAGE:
    verdict summary FILE... [--merge] [--json] [--format NAME]
    verdict capacity FILE... --target 'p95<200ms' [--json] [what-if options]
    verdict capacity --levels TABLE.csv --target 'p95<200ms' [--json]
    verdict formats

COMMANDS:
    summary    per-endpoint latency percentiles, errors and throughput of each run
    capacity   most VUs (and req/s) that keep a percentile under a target, with a USL fit;
               FILEs are one run per load level, or one staged run cut into its plateaus;
               TABLE has a header naming its columns (vus, throughput, p95_ms, n, mean_ms, ...)
    formats    list the formats Verdict reads

OPTIONS:
    --merge          treat all files as one run (e.g. distributed load generators);
                     histograms are added, so the result is exact
    --json           print the stable JSON document instead of tables
    --format NAME    read every file as NAME instead of detecting it (see `verdict formats`)
    -h, --help       this text

CAPACITY OPTIONS:
    --target STAT<LIMIT   e.g. p95<200ms, p(99)<=1s, median<80
    --think-time DUR      what-if: think time per request (default: the measured one)
    --instances N         what-if: N identical instances behind a balancer
    --arrival-rate R      what-if: requests per second arriving regardless of latency
    --warmup DUR          seconds dropped after each change in a staged run (default:
                          a quarter of the hold, at most 30 s)

EXIT CODES:
    0 ok · 64 usage error · 65 nothing usable in an input · 66 a file not found or unreadable
    capacity: 2 = the analysis ran but there is not enough evidence for an answer
";

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Summary(SummaryArgs),
    Capacity(crate::capacity::CapacityArgs),
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
        "capacity" => crate::capacity::parse_args(it).map(Command::Capacity),
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
