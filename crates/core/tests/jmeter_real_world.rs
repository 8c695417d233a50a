//! JMeter result files as people keep them: a run killed mid-write,
//! Transaction Controllers, several runs appended to one JTL. Real files
//! from JMeter 2.13 (`tests/fixtures/jmeter/real_tx/`, see the README there).

mod fixture_reading;

use fixture_reading::{csv_records, read_everywhere, text};
use verdict_core::{Format, IngestOptions, Session};

/// Complete data rows of a CSV JTL (header dropped; a last line without a
/// line end dropped too).
fn complete_rows(raw: &str) -> Vec<Vec<String>> {
    let complete = match raw.ends_with('\n') {
        true => raw,
        false => &raw[..raw.rfind('\n').map_or(0, |i| i + 1)],
    };
    csv_records(complete, ',').into_iter().skip(1).collect()
}

#[test]
fn killed_run_skips_the_row_cut_mid_write_and_says_so() {
    // JMeter killed with SIGKILL: the file ends inside a row, at the end of
    // a write buffer.
    let raw = text("jmeter/real_tx/killed.jtl.gz");
    assert!(!raw.ends_with('\n'), "fixture must end mid-row");
    let rows = complete_rows(&raw);
    let s = read_everywhere("jmeter/real_tx/killed.jtl.gz", Format::JmeterCsv);
    assert_eq!(s.skipped_lines, 1);
    let last_line = raw.lines().count() as u64;
    assert_eq!(s.skipped_examples[0].line, last_line);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("cut while being written")),
        "{:?}",
        s.warnings
    );
    // Rows without a code are transactions, which are not requests.
    assert!(!s.status_codes.contains_key("-"), "{:?}", s.status_codes);
    let (requests, transactions) = split_rows(&rows);
    assert_eq!(s.requests, Some(requests.len() as u64));
    let counted: u64 = s.transactions.iter().filter_map(|t| t.requests).sum();
    assert_eq!(counted, transactions.len() as u64);
}

#[test]
fn any_cut_inside_the_last_row_drops_only_that_row() {
    let raw = text("jmeter/real_tx/tx.jtl");
    let body = raw.trim_end_matches('\n');
    let last_start = body.rfind('\n').expect("rows") + 1;
    let whole = Session::read_all("tx.jtl", IngestOptions::default(), raw.as_bytes())
        .expect("reads")
        .summary();
    for cut in last_start + 1..body.len() {
        let piece = &raw.as_bytes()[..cut];
        let s = Session::read_all("tx.jtl", IngestOptions::default(), piece)
            .expect("reads")
            .summary();
        let fields = csv_records(&body[last_start..cut], ',')[0].len();
        if fields < 12 {
            assert_eq!(s.skipped_lines, 1, "cut at {cut}");
            assert_eq!(s.requests.map(|r| r + 1), whole.requests, "cut at {cut}");
        }
        assert_eq!(
            s.status_codes.get("-"),
            whole.status_codes.get("-"),
            "cut at {cut}"
        );
    }
}

/// Label, elapsed and whether it failed.
type Item = (String, f64, bool);

/// CSV rows, split into requests and transactions.
fn split_rows(rows: &[Vec<String>]) -> (Vec<Item>, Vec<Item>) {
    let mut requests = Vec::new();
    let mut transactions = Vec::new();
    for r in rows {
        let item = (r[2].clone(), r[1].parse().expect("elapsed"), r[7] != "true");
        if r[4].starts_with("Number of samples in transaction") {
            transactions.push(item);
        } else {
            requests.push(item);
        }
    }
    (requests, transactions)
}

#[test]
fn csv_transactions_are_reported_apart_never_as_requests() {
    let rows = complete_rows(&text("jmeter/real_tx/tx.jtl"));
    let (requests, transactions) = split_rows(&rows);
    assert!(!transactions.is_empty());
    let s = read_everywhere("jmeter/real_tx/tx.jtl", Format::JmeterCsv);
    assert_eq!(s.requests, Some(requests.len() as u64));
    assert_eq!(
        s.errors,
        Some(requests.iter().filter(|r| r.2).count() as u64)
    );
    assert!(s.endpoints.iter().all(|e| !e.name.starts_with("TX ")));
    let max = requests.iter().map(|r| r.1).fold(0.0, f64::max);
    assert_eq!(s.latency_ms.max, Some(max));
    for name in ["TX browse", "TX checkout"] {
        let mine: Vec<_> = transactions.iter().filter(|t| t.0 == name).collect();
        let t = s
            .transactions
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name}: {:?}", s.transactions));
        assert_eq!(t.requests, Some(mine.len() as u64), "{name}");
        assert_eq!(
            t.errors,
            Some(mine.iter().filter(|x| x.2).count() as u64),
            "{name}"
        );
        assert_eq!(
            t.latency_ms.max,
            Some(mine.iter().map(|x| x.1).fold(0.0, f64::max))
        );
    }
    // TX browse generates a parent sample: JMeter 2.13 writes only it to CSV.
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("Generate parent sample")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn xml_transactions_apart_and_their_children_are_the_requests() {
    let xml = text("jmeter/real_tx/tx.xml");
    let s = read_everywhere("jmeter/real_tx/tx.xml", Format::JmeterXml);
    // Reference by scanning lines: JMeter indents two spaces per level.
    let (mut requests, mut tx, mut in_tx) = (0u64, 0u64, false);
    for line in xml.lines() {
        let top = line.starts_with('<') && !line.starts_with("</");
        if top {
            in_tx = false;
        }
        if top && line.contains("rm=\"Number of samples in transaction") {
            tx += 1;
            in_tx = !line.ends_with("/>");
        } else {
            let child = in_tx && line.starts_with("  <") && !line.starts_with("   ");
            if (top || child) && line.contains(" t=\"") {
                requests += 1;
            }
        }
    }
    assert_eq!(s.requests, Some(requests));
    let counted: u64 = s.transactions.iter().filter_map(|t| t.requests).sum();
    assert_eq!(counted, tx);
    // The requests inside "TX browse" are in the XML, so they are counted.
    assert!(s.endpoints.iter().any(|e| e.name == "GET /api/items"));
    // Redirect hops (nested in their sampler) are not requests.
    assert!(s.endpoints.iter().all(|e| !e.name.starts_with("http://")));
}

/// Value of attribute `name` in one XML line (JMeter escapes `"` inside values).
fn attr<'a>(line: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    line.find(&key)
        .map(|i| &line[i + key.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
}

/// One XML sample with its nested samples.
struct Node<'a> {
    line: &'a str,
    children: Vec<Node<'a>>,
}

/// Sample tree of a JMeter XML JTL (JMeter indents two spaces per level).
fn sample_tree(xml: &str) -> Vec<Node<'_>> {
    let mut stack: Vec<Node<'_>> = Vec::new();
    let mut top = Vec::new();
    for line in xml.lines() {
        let tag = line.trim_start();
        if tag.starts_with("</httpSample") || tag.starts_with("</sample") {
            if let Some(node) = stack.pop() {
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => top.push(node),
                }
            }
        } else if tag.starts_with("<httpSample ") || tag.starts_with("<sample ") {
            let node = Node {
                line,
                children: Vec::new(),
            };
            if !tag.ends_with("/>") {
                stack.push(node);
            } else {
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => top.push(node),
                }
            }
        }
    }
    top
}

/// The XML run written as JMeter 5 writes a CSV JTL with sub-results
/// (`jmeter.save.saveservice.subresults=true`): every sample a row,
/// sub-results relabelled `<parent label>-<n>` (JMeter's renaming), a
/// transaction's children keeping their labels. `before`: sub-result rows
/// come before their parent's row.
fn xml_as_jmeter5_csv(xml: &str, before: bool) -> String {
    fn emit(node: &Node<'_>, label: &str, before: bool, out: &mut String) {
        let line = node.line;
        let own = format!(
            "{},{},{label},{},\"{}\",{},{},{},{},{},{},{}\n",
            attr(line, "ts"),
            attr(line, "t"),
            attr(line, "rc"),
            attr(line, "rm"),
            attr(line, "tn"),
            attr(line, "dt"),
            attr(line, "s"),
            attr(line, "by"),
            attr(line, "ng"),
            attr(line, "na"),
            attr(line, "lt"),
        );
        let tx = attr(line, "rm").starts_with("Number of samples in transaction");
        if !before {
            out.push_str(&own);
        }
        for (i, c) in node.children.iter().enumerate() {
            let child_label = match tx {
                true => attr(c.line, "lb").to_string(),
                false => format!("{label}-{i}"),
            };
            emit(c, &child_label, before, out);
        }
        if before {
            out.push_str(&own);
        }
    }
    let mut out = String::from(
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,bytes,grpThreads,allThreads,Latency\n",
    );
    for node in sample_tree(xml) {
        emit(&node, attr(node.line, "lb"), before, &mut out);
    }
    out
}

#[test]
fn csv_sub_results_follow_the_same_rule_as_xml() {
    let xml = text("jmeter/real_tx/tx.xml");
    let from_xml = read_everywhere("jmeter/real_tx/tx.xml", Format::JmeterXml);
    // The real run has redirect hops nested in their samplers.
    assert!(xml.contains("  <httpSample t=\"") && xml.contains("rc=\"302\""));
    for before in [false, true] {
        let csv = xml_as_jmeter5_csv(&xml, before);
        assert!(csv.contains(",GET /redirect-0,"), "{csv}");
        let s = Session::read_all("tx.jtl", IngestOptions::default(), csv.as_bytes())
            .expect("read")
            .summary();
        assert_eq!(s.format, Format::JmeterCsv);
        assert_eq!(s.requests, from_xml.requests, "before={before}");
        assert_eq!(s.errors, from_xml.errors, "before={before}");
        assert_eq!(s.latency_ms, from_xml.latency_ms, "before={before}");
        let names = |r: &verdict_core::summary::RunSummary| {
            r.endpoints
                .iter()
                .map(|e| (e.name.clone(), e.requests))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&s), names(&from_xml), "before={before}");
        assert_eq!(s.transactions, from_xml.transactions, "before={before}");
        assert!(
            s.warnings.iter().any(|w| w.contains("sub-results")),
            "{:?}",
            s.warnings
        );
    }
}

/// Seconds requests were in flight, and how many stretches, from
/// (start ms, elapsed ms) pairs: idle gaps over a minute are not counted.
fn active_seconds(mut spans: Vec<(i64, i64)>) -> (f64, usize) {
    spans.sort();
    let (mut active, mut runs) = (0i64, 0usize);
    let mut current: Option<(i64, i64)> = None;
    for (ts, t) in spans {
        match current {
            Some((s, e)) if ts <= e + 60_000 => current = Some((s, e.max(ts + t))),
            _ => {
                if let Some((s, e)) = current {
                    active += e - s;
                }
                runs += 1;
                current = Some((ts, ts + t));
            }
        }
    }
    if let Some((s, e)) = current {
        active += e - s;
    }
    (active as f64 / 1000.0, runs)
}

fn check_appended(s: &verdict_core::summary::RunSummary, spans: Vec<(i64, i64)>) {
    let (active, runs) = active_seconds(spans);
    assert_eq!(runs, 2);
    let d = s.duration_s.expect("duration");
    assert!((d - active).abs() < 1e-9, "{d} vs {active}");
    let rps = s.rps.expect("rps");
    let n = s.requests.expect("requests") as f64;
    assert!((rps - n / active).abs() < 1e-9);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("2 runs appended") && w.contains("active")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn two_runs_appended_to_one_csv_use_active_time() {
    // JMeter run twice with the same -l, 90 s apart (run.sh): it appends
    // rows without a second header.
    let raw = text("jmeter/real_appended/appended.jtl");
    let rows = complete_rows(&raw);
    let s = read_everywhere("jmeter/real_appended/appended.jtl", Format::JmeterCsv);
    let spans = rows
        .iter()
        .filter(|r| !r[4].starts_with("Number of samples in transaction"))
        .map(|r| (r[0].parse().expect("ts"), r[1].parse().expect("t")))
        .collect();
    check_appended(&s, spans);
}

#[test]
fn two_runs_appended_to_one_xml_use_active_time() {
    // In XML, JMeter reopens the file before `</testResults>`.
    let xml = text("jmeter/real_appended/appended_xml.jtl.gz");
    let s = read_everywhere(
        "jmeter/real_appended/appended_xml.jtl.gz",
        Format::JmeterXml,
    );
    let spans = xml
        .lines()
        .filter(|l| l.starts_with("<httpSample ") || l.starts_with("  <httpSample "))
        .filter(|l| l.starts_with('<') || !l.contains("lb=\"http://"))
        .map(|l| {
            (
                attr(l, "ts").parse().expect("ts"),
                attr(l, "t").parse().expect("t"),
            )
        })
        .collect();
    check_appended(&s, spans);
}

#[test]
fn one_run_has_no_split_warning() {
    let s = read_everywhere("jmeter/real_tx/tx.jtl", Format::JmeterCsv);
    assert!(!s.warnings.iter().any(|w| w.contains("runs appended")));
}
