//! JMeter JTL fixtures: the real 2.13 run against its truth.json, and every
//! public JTL against numbers computed here from the raw file.

mod fixture_reading;

use fixture_reading::{
    check_reference, check_truth, csv_records, fixture_error_everywhere, read_everywhere, text,
    Sample,
};
use verdict_core::Format;

#[test]
fn real_jmeter_csv_matches_truth() {
    let s = read_everywhere("jmeter/real/results.jtl", Format::JmeterCsv);
    check_truth(&s, "jmeter/real/truth.json", |name| name.to_string());
    // 40 threads (command.txt: -Jthreads=40); allThreads reaches it.
    assert_eq!(s.peak_concurrency, Some(40.0));
    assert!(s
        .timeline
        .points
        .iter()
        .any(|p| p.concurrency == Some(40.0)));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

/// Label, elapsed and success of every row, read with the header.
fn csv_reference(rel: &str, sep: char) -> Vec<Sample> {
    let records = csv_records(&text(rel), sep);
    let header = &records[0];
    let col = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("{rel}: no {n}"))
    };
    let (label, elapsed, success) = (col("label"), col("elapsed"), col("success"));
    let message = header.iter().position(|h| h == "responseMessage");
    records[1..]
        .iter()
        // Transaction Controller samples are transactions, not requests.
        .filter(|r| message.is_none_or(|m| !r[m].starts_with("Number of samples in transaction")))
        .map(|r| Sample {
            name: if r[label].is_empty() {
                "(no label)".into()
            } else {
                r[label].clone()
            },
            ms: r[elapsed].parse().expect("elapsed"),
            failed: r[success] != "true",
        })
        .collect()
}

#[test]
fn public_csv_jtls_match_their_rows() {
    for (rel, sep) in [
        ("jmeter/public/500-success__kpi.jtl", ','),
        ("jmeter/public/doublequoting.jtl", ','),
        ("jmeter/public/kpi-pair1.jtl", ','),
        ("jmeter/public/kpi1.jtl", ','),
        ("jmeter/public/non-http__kpi.jtl", ','),
        ("jmeter/public/quote-guessing-crash.jtl", ','),
        ("jmeter/public/simple.kpi.jtl", ','),
        ("jmeter/public/slow-stdev.jtl", ','),
        ("jmeter/public/tabs.jtl", '\t'),
        ("jmeter/public/tranctl.jtl", ','),
        ("jmeter/public/unicode.jtl", ','),
        ("jmeter/public/HTMLReportFalseTestFile.csv", ','),
        ("jmeter/public/HTMLReportTestFile.csv", ','),
        ("locust/locust-kpi.jtl", ','),
    ] {
        let s = read_everywhere(rel, Format::JmeterCsv);
        let reference = csv_reference(rel, sep);
        if reference.is_empty() {
            // tranctl.jtl holds only Transaction Controller samples.
            assert_eq!(s.requests, Some(0), "{rel}");
            assert!(!s.transactions.is_empty(), "{rel}");
        } else {
            check_reference(&s, &reference);
        }
        assert_eq!(s.skipped_lines, 0, "{rel}");
    }
}

#[test]
fn http_500_marked_successful_is_not_an_error() {
    let s = read_everywhere("jmeter/public/500-success__kpi.jtl", Format::JmeterCsv);
    assert_eq!((s.requests, s.errors), (Some(1), Some(0)));
    assert_eq!(s.status_codes.get("500"), Some(&1));
}

#[test]
fn non_numeric_response_codes_are_kept_verbatim() {
    let s = read_everywhere("jmeter/public/non-http__kpi.jtl", Format::JmeterCsv);
    assert!(
        s.status_codes
            .contains_key("Non HTTP response code: java.net.UnknownHostException"),
        "{:?}",
        s.status_codes
    );
}

#[test]
fn csv_without_times_fails_clearly() {
    let e = fixture_error_everywhere("jmeter/public/Bug52968.csv");
    assert_eq!(e.code(), "corrupt");
    assert!(e.to_string().contains("no elapsed column"), "{e}");
}

#[test]
fn headerless_copy_of_the_real_run_reads_the_same() {
    // The real run's rows without their header line: JMeter 2.13's layout
    // with thread counts, failure message and connect time.
    let full = text("jmeter/real/results.jtl");
    let body = full.split_once('\n').expect("header").1;
    let with_header = read_everywhere("jmeter/real/results.jtl", Format::JmeterCsv);
    let run = verdict_core::Session::read_all("input", Default::default(), body.as_bytes())
        .expect("headerless");
    let mut s = run.summary();
    s.source = with_header.source.clone();
    assert_eq!(s, with_header);
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn xml_attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(xml_unescape(&tag[at..at + len]))
}

/// Direct children of `<testResults>` with a `t` attribute, found by a plain
/// scan of `<…>` (JMeter escapes `<` and `>` inside values); a Transaction
/// Controller sample is replaced by its direct children.
fn xml_reference(rel: &str) -> Vec<Sample> {
    let text = text(rel);
    let mut depth = 0usize;
    let mut in_transaction = false;
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(lt) = rest.find('<') {
        let gt = lt + rest[lt..].find('>').expect("tag closes");
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if tag.starts_with('/') {
            depth -= 1;
            if depth == 1 {
                in_transaction = false;
            }
            continue;
        }
        let transaction =
            xml_attr(tag, "rm").is_some_and(|m| m.starts_with("Number of samples in transaction"));
        if depth == 1 && transaction && !tag.ends_with('/') {
            in_transaction = true;
        }
        if (depth == 1 && !transaction) || (depth == 2 && in_transaction) {
            if let Some(t) = xml_attr(tag, "t") {
                let label = xml_attr(tag, "lb").unwrap_or_default();
                out.push(Sample {
                    name: if label.is_empty() {
                        "(no label)".into()
                    } else {
                        label
                    },
                    ms: t.parse().expect("t"),
                    failed: xml_attr(tag, "s").as_deref() != Some("true"),
                });
            }
        }
        if !tag.ends_with('/') {
            depth += 1;
        }
    }
    out
}

#[test]
fn public_xml_jtls_match_their_top_level_samples() {
    for rel in [
        "jmeter/public/cookies.jtl",
        "jmeter/public/error-bug1.jtl.gz",
        "jmeter/public/resource-errors-child-no-assert.jtl",
        "jmeter/public/resource_tc.jtl",
        "jmeter/public/simple.error.jtl",
        "jmeter/public/standard-errors.jtl.gz",
        "jmeter/public/trace.jtl",
        "jmeter/public/sample_log1c.jtl.gz",
        "jmeter/public/sample_log2.jtl.gz",
        "jmeter/public/BatchTestLocal.jtl",
    ] {
        let s = read_everywhere(rel, Format::JmeterXml);
        let reference = xml_reference(rel);
        assert!(!reference.is_empty(), "{rel}");
        check_reference(&s, &reference);
        assert_eq!(s.skipped_lines, 0, "{rel}");
    }
}

#[test]
fn cut_xml_files_say_so() {
    // error-bug1 and standard-errors end without </testResults>.
    for rel in [
        "jmeter/public/error-bug1.jtl.gz",
        "jmeter/public/standard-errors.jtl.gz",
    ] {
        let s = read_everywhere(rel, Format::JmeterXml);
        assert!(
            s.warnings.iter().any(|w| w.contains("</testResults>")),
            "{rel}: {:?}",
            s.warnings
        );
    }
    let s = read_everywhere("jmeter/public/cookies.jtl", Format::JmeterXml);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn xstream_class_elements_are_read() {
    // Three WebDriver samples: label http://unknown.host/, code 500,
    // success false, elapsedTime 0, startTime set, timeStamp 0.
    let s = read_everywhere("jmeter/public/nonstandard-unicode.jtl", Format::JmeterXml);
    assert_eq!((s.requests, s.errors), (Some(3), Some(3)));
    assert_eq!(s.endpoints[0].name, "http://unknown.host/");
    assert_eq!(s.status_codes.get("500"), Some(&3));
    assert_eq!(s.start.as_deref(), Some("2015-05-13T08:36:42.173Z"));
}

#[test]
fn xml_without_times_fails_clearly() {
    let e = fixture_error_everywhere("jmeter/public/BatchTestLocal.xml");
    assert_eq!(e.code(), "empty");
    assert!(e.to_string().contains("no t (elapsed) attribute"), "{e}");
}
