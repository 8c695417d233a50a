//! Command-line parsing (by hand: the CLI is small, and its errors must name
//! exactly what was wrong).

use std::path::PathBuf;

pub const USAGE: &str = "\
verdict: load-test results to production-readiness evidence

USAGE:
    verdict summary FILE... [--merge] [--json] [--format NAME]
    verdict compare BASE CAND [--json | --markdown] [--fail-on-regression]
                    [--tolerance PCT] [--error-tolerance PCT] [--load-tolerance PCT]
                    [--alpha A] [--fdr] [--format NAME]
    verdict share FILE... [--redact] [--compare] [--format NAME]
    verdict share --decode TEXT|- [--json]
    verdict formats

COMMANDS:
    summary    per-endpoint latency percentiles, errors and throughput of each run
    compare    baseline against candidate: per-endpoint p50/p95/p99, errors and req/s,
               the change, its significance and interval, a verdict, and a load check
    share      the analysis as share-link text for the web page (summaries and histograms,
               never raw samples); --decode shows what a link holds
    formats    list the formats Verdict reads

OPTIONS:
    --merge          treat all files as one run (e.g. distributed load generators);
                     histograms are added, so the result is exact
    --json           print the stable JSON document instead of tables
    --format NAME    read every file as NAME instead of detecting it (see `verdict formats`)
    -h, --help       this text

COMPARE OPTIONS:
    --markdown             print a Markdown report (e.g. for a pull request)
    --fail-on-regression   exit 1 when a statistic significantly regressed
    --tolerance PCT        latency changes within ±PCT are practically equal (default 10)
    --error-tolerance PCT  error-rate differences within ±PCT points are equal (default 0.5)
    --load-tolerance PCT   concurrency (or req/s) difference that makes loads differ (default 10)
    --alpha A              significance level after adjustment (default 0.05)
    --fdr                  adjust for many tests by Benjamini–Hochberg instead of Holm

SHARE OPTIONS:
    --redact               replace endpoint names, sources and hosts by placeholders
    --compare              include the comparison of the first two files (BASE CAND)
    --decode TEXT|-        check a link: print what it holds (- reads standard input)

EXIT CODES:
    0 ok · 1 a regression (compare --fail-on-regression) · 64 usage error
    65 nothing usable in an input (or a damaged link) · 66 a file not found or unreadable
";

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Summary(SummaryArgs),
    Compare(crate::compare_cmd::CompareArgs),
    Share(crate::share_cmd::ShareArgs),
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
        "compare" => Ok(Command::Compare(crate::compare_cmd::parse(it)?)),
        "share" => Ok(Command::Share(crate::share_cmd::parse(it)?)),
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
