//! Command-line parsing (by hand: the CLI is small, and its errors must name
//! exactly what was wrong).

pub const USAGE: &str = "\
verdict: load-test results to production-readiness evidence

USAGE:
    verdict summary FILE... [--merge] [--json]
    verdict compare BASE CAND [--json | --markdown] [--fail-on-regression]
                    [--tolerance PCT] [--error-tolerance PCT] [--load-tolerance PCT]
                    [--alpha A] [--fdr]
    verdict trend FILE... [--json | --markdown] [--fail-on-regression] [--by LABEL | --in-order]
                  [the test options of compare]
    verdict share FILE... [--redact] [--compare]
    verdict share --decode TEXT|- [--json]
    verdict save FILE... -o NAME.verdict [--label KEY=VALUE]...
    verdict export FILE... --hlog OUT.hlog | --rows OUT.ndjson
    verdict capacity FILE... --target 'p95<200ms' [--json] [what-if options]
    verdict capacity --levels TABLE.csv --target 'p95<200ms' [--json]
    verdict check FILE... [--sla FILE | --preset NAME] [--json] [--junit FILE] [--markdown]
    verdict report FILE... [--sla FILE | --preset NAME] --out report.html [--markdown]
                   [--note TEXT] [--notes FILE] [--title TEXT]
    verdict formats
    Every command that reads FILEs also takes the READING OPTIONS below.

COMMANDS:
    summary    per-endpoint latency percentiles, errors and throughput of each run
    compare    baseline against candidate: per-endpoint p50/p95/p99, errors and req/s,
               the change, its significance and interval, a verdict, and a load check
    trend      runs of one service over time (start-time order, or --by a saved label):
               per endpoint p50/p95/p99, errors and req/s of each run, and each step from
               one run to the next tested as compare tests it, regressions flagged
    share      the analysis as share-link text for the web page (summaries and histograms,
               never raw samples); --decode shows what a link holds
    save       one run as an analysis file (.verdict: histograms, counters, time windows;
               never raw samples) that every command reads like a result file; several
               FILEs (generators of one test) are merged exactly first
    export     --hlog: an HdrHistogram interval log of one run (one tagged histogram per
               endpoint per time window, values in µs); --rows: one JSON line per run ×
               endpoint (*overall* for the whole run) for a warehouse, with the histogram
    capacity   most VUs (and req/s) that keep a percentile under a target, with a USL fit;
               FILEs are one run per load level, or one staged run cut into its plateaus;
               TABLE has a header naming its columns (vus, throughput, p95_ms, n, mean_ms, ...)
    check      SLA verdicts (PASS / FAIL / INCONCLUSIVE) with confidence intervals
    report     a self-contained readiness report (HTML, or Markdown with --markdown)
    formats    list the formats Verdict reads

OPTIONS:
    --merge          treat all files as one run (e.g. distributed load generators);
                     histograms are added, so the result is exact
    --json           print the stable JSON document instead of tables
    -h, --help       this text

READING OPTIONS (summary, check, report, compare, trend, share, save, export, capacity):
    --format NAME    read every file as NAME instead of detecting it (see `verdict formats`)
    --hdr-unit UNIT  the unit of the values in HdrHistogram files (.hlog, .hgrm), which
                     those files do not state: s, ms, us or ns (without it Verdict assumes
                     one and says which in a warning)
    --threads N      threads one plain file is read with (default: every core); files of
                     one record a line (k6 NDJSON, JMeter/hey/k6/Vegeta/generic CSV, ab TSV)
                     are split at line starts and merged exactly; gzip files, documents
                     (XML, JSON) and logs are read on one thread (a gzip stream cannot be
                     entered in the middle)

CHECK AND REPORT OPTIONS:
    --sla FILE       rules: a Verdict SLA (TOML/JSON), a k6 script or JSON config, a k6
                     summary, an Artillery script (ensure) or a Taurus config (passfail);
                     without --sla or --preset, the k6 thresholds recorded in the runs
    --preset NAME    tiered-api (list 200 / read 150 / write 250 / analytics 300 /
                     search 250 ms at p95, errors < 0.1%) or k6-defaults
    --junit FILE     also write JUnit XML (FAIL = failure, INCONCLUSIVE = skipped)
    --markdown       Markdown (for a pull-request comment, or the report)

COMPARE OPTIONS:
    --markdown             print a Markdown report (e.g. for a pull request)
    --fail-on-regression   exit 1 when a statistic significantly regressed at the same load,
                           3 when the loads differ (verdict not-comparable in --json)
    --tolerance PCT        latency changes within ±PCT are practically equal (default 10)
    --error-tolerance PCT  error-rate differences within ±PCT points are equal (default 0.5)
    --load-tolerance PCT   concurrency (or req/s) difference that makes loads differ (default 10)
    --alpha A              significance level after adjustment (default 0.05)
    --fdr                  adjust for many tests by Benjamini–Hochberg instead of Holm

SHARE OPTIONS:
    --redact               replace endpoint names, sources and hosts by placeholders
    --compare              include the comparison of the first two files (BASE CAND)
    --decode TEXT|-        check a link: print what it holds (- reads standard input)

CSV MAPPING (for a CSV no format recognises; Verdict lists its columns when it meets one):
    --csv-latency COL                 the request duration (required)
    --csv-latency-unit UNIT           its unit: s, ms, us or ns (required)
    --csv-timestamp COL               when each request started (or ended, see below)
    --csv-timestamp-unit UNIT         s, ms, us, ns (unix time) or rfc3339; guessed if left out
    --csv-timestamp-marks start|end   which moment the timestamp is (default: start)
    --csv-label COL                   the endpoint of each request
    --csv-status COL                  its status: 0, >= 400 or not a number = failed
    --csv-success COL                 true/false, 1/0, ok/ko, yes/no; decides failure when given
    COL is a header name or a 1-based column number. A mapping reads every FILE as
    generic-csv. Each option also takes the form --option=VALUE.

CAPACITY OPTIONS:
    --target STAT<LIMIT   e.g. p95<200ms, p(99)<=1s, median<80
    --think-time DUR      what-if: think time per request (default: the measured one)
    --instances N         what-if: N identical instances behind a balancer
    --arrival-rate R      what-if: requests per second arriving regardless of latency
    --warmup DUR          seconds dropped after each change in a staged run (default:
                          a quarter of the hold, at most 30 s)
    --load vus|req/s      the load axis: req/s reads runs by the request rate they held
                          (k6 constant-/ramping-arrival-rate); Artillery reports are
                          req/s already, other runs VUs

EXIT CODES:
    0 ok · 1 a regression (compare or trend --fail-on-regression) · 64 usage error
    3 not comparable: the loads differ (compare --fail-on-regression)
    65 nothing usable in an input (or a damaged link) · 66 a file not found or unreadable
    capacity: 2 = the analysis ran but there is not enough evidence for an answer
    check/report: 0 all PASS · 1 some FAIL · 2 no FAIL but some INCONCLUSIVE
";

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Summary(Box<crate::commands::summary::SummaryArgs>),
    Compare(Box<crate::commands::compare::CompareArgs>),
    Trend(Box<crate::commands::trend::TrendArgs>),
    Share(crate::commands::share::ShareArgs),
    Save(crate::commands::save::SaveArgs),
    Export(crate::commands::export::ExportArgs),
    Capacity(crate::commands::capacity::CapacityArgs),
    Check(crate::commands::check::CheckArgs),
    Report(crate::commands::check::CheckArgs),
    Formats,
    Help,
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
        "compare" => Ok(Command::Compare(Box::new(crate::commands::compare::parse(
            it,
        )?))),
        "trend" => Ok(Command::Trend(Box::new(crate::commands::trend::parse(it)?))),
        "share" => Ok(Command::Share(crate::commands::share::parse(it)?)),
        "save" => Ok(Command::Save(crate::commands::save::parse(it)?)),
        "export" => Ok(Command::Export(crate::commands::export::parse(it)?)),
        "capacity" => crate::commands::capacity::parse_args(it).map(Command::Capacity),
        "check" => crate::commands::check::parse("check", &mut it).map(Command::Check),
        "report" => crate::commands::check::parse("report", &mut it).map(Command::Report),
        "summary" => Ok(match crate::commands::summary::parse(it)? {
            Some(args) => Command::Summary(Box::new(args)),
            None => Command::Help,
        }),
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
        assert_eq!(a.read.format.as_deref(), Some("k6-csv"));
    }

    #[test]
    fn reading_options_are_parsed_and_checked() {
        let Ok(Command::Summary(a)) =
            p("summary x.csv --csv-latency elapsed --csv-latency-unit=ms")
        else {
            panic!("expected summary");
        };
        assert_eq!(a.read.csv.latency.as_deref(), Some("elapsed"));
        assert!(p("summary x.csv --csv-label name").is_err());
        assert!(p("summary x.hlog --hdr-unit lightyears").is_err());
        assert!(p("summary x --json=yes").is_err());
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
