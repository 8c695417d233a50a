//! Console summaries copied from CI job logs, where every line carries the
//! CI system's prefix. The logs here are derived from the real console
//! fixtures by putting, before every line, the prefix each CI system writes
//! (GitHub Actions / Azure timestamps, GitLab runner timestamps and section
//! markers, Jenkins' timestamper in both of its layouts). Each must read to
//! exactly the summary of the file without prefixes: same format detected,
//! same numbers, same warnings (no line is added, so line numbers agree).

mod fixture_reading;

use fixture_reading::{fixture, summary_everywhere};
use verdict_core::IngestOptions;

/// Every real console fixture of every console-summary reader.
const CONSOLE_FIXTURES: &[&str] = &[
    "k6_text/v1_color_s/stdout.txt",
    "k6_text/v1_compact/stdout.txt",
    "k6_text/v1_full/stdout.txt",
    "k6_text/legacy/stdout.txt",
    "jmeter_text/stdout.txt",
    "jmeter_text/jmeter.log",
    "artillery/overload/stdout.txt",
    "artillery/real/stdout.txt",
    "locust_text/stderr.txt",
    "ab_text/stdout.txt",
    "hey_text/c10_text/stdout.txt",
    "hey_text/c50_text/stdout.txt",
    "wrk/c10_plain/stdout.txt",
    "wrk/c50_plain/stdout.txt",
    "oha/count/stdout.txt",
    "oha/duration/stdout.txt",
    "oha/refused/stdout.txt",
];

/// The prefix of line `i` (0-based) in each CI system's log.
fn prefix(style: &str, i: usize, last: bool) -> String {
    let (s, ms) = (i % 60, i % 1000);
    match style {
        "github" => format!("2024-05-01T10:00:{s:02}.{ms:03}4567Z "),
        "gitlab-timestamps" => format!("2024-05-01T10:00:{s:02}.{ms:03}456Z 00O "),
        // Raw GitLab log: the step's section opens on the first line and
        // closes on the last, each marker wrapped in ESC[0K as the runner writes it.
        "gitlab-sections" if i == 0 => {
            "\u{1b}[0Ksection_start:1714557600:step_script\r\u{1b}[0K".into()
        }
        "gitlab-sections" if last => {
            "\u{1b}[0Ksection_end:1714557660:step_script\r\u{1b}[0K".into()
        }
        "gitlab-sections" => String::new(),
        "jenkins-pipeline" => format!("[2024-05-01T10:00:{s:02}.{ms:03}Z] "),
        "jenkins-classic" => format!("10:00:{s:02} "),
        other => panic!("{other}"),
    }
}

fn with_prefixes(text: &str, style: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}{l}", prefix(style, i, i + 1 == lines.len())))
        .collect()
}

#[test]
fn console_summaries_read_the_same_with_ci_log_prefixes() {
    let options = IngestOptions::default();
    for file in CONSOLE_FIXTURES {
        let bytes = fixture(file);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let name = file.rsplit('/').next().unwrap_or(file);
        let plain = summary_everywhere(name, text.as_bytes(), &options);
        for style in [
            "github",
            "gitlab-timestamps",
            "gitlab-sections",
            "jenkins-pipeline",
            "jenkins-classic",
        ] {
            let log = with_prefixes(&text, style);
            let mut s = summary_everywhere(name, log.as_bytes(), &options);
            s.source.clone_from(&plain.source);
            assert_eq!(s.format, plain.format, "{file} with {style} prefixes");
            assert_eq!(s, plain, "{file} with {style} prefixes");
        }
    }
}
