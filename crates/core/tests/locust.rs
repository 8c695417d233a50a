//! Locust readers against Locust's own end-of-run table (`run_stats.csv`)
//! and log (`stderr.txt`) of one real run, plus public Locust files.

mod fixture_reading;

use fixture_reading::fixture;
use serde_json::Value;
use verdict_core::group::combine;
use verdict_core::summary::{ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions, Run, Session};

fn read_chunked(name: &str, bytes: &[u8], chunk: usize) -> Run {
    let mut s = Session::new(name, IngestOptions::default());
    for c in bytes.chunks(chunk.max(1)) {
        s.feed(c).expect("feeds");
    }
    s.finish().expect("finishes")
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Reads a file under its real name and as "input", at chunk sizes 1, 7,
/// 4096 and whole; every reading must give the same summary.
fn read_every_way(rel: &str) -> RunSummary {
    let bytes = fixture(rel);
    let reference = read_chunked(file_name(rel), &bytes, bytes.len()).summary();
    for name in [file_name(rel), "input"] {
        for chunk in [1, 7, 4096, bytes.len()] {
            let mut s = read_chunked(name, &bytes, chunk).summary();
            s.source = reference.source.clone();
            assert_eq!(s, reference, "{rel} as {name}, chunk {chunk}");
        }
    }
    reference
}

/// One row of a `_stats.csv`.
struct StatsRow {
    kind: String,
    name: String,
    cells: Vec<String>,
}

/// Splits one line of Python's `csv.writer` output (no field of a stats
/// file spans lines): quoted fields, doubled quotes.
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().expect("a cell").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cells.last_mut().expect("a cell").push(c),
        }
    }
    cells
}

fn stats_rows(rel: &str) -> (Vec<String>, Vec<StatsRow>) {
    let text = String::from_utf8(fixture(rel)).expect("utf-8");
    let mut lines = text.lines();
    let header = csv_cells(lines.next().expect("header"));
    let rows = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let cells = csv_cells(l);
            StatsRow {
                kind: cells[0].clone(),
                name: cells[1].clone(),
                cells,
            }
        })
        .collect();
    (header, rows)
}

fn cell(header: &[String], row: &StatsRow, column: &str) -> Option<f64> {
    let i = header.iter().position(|h| h == column)?;
    row.cells[i].parse().ok()
}

fn assert_row(
    what: &str,
    header: &[String],
    row: &StatsRow,
    requests: Option<u64>,
    errors: Option<u64>,
    l: &verdict_core::summary::LatencyMs,
) {
    assert_eq!(
        requests,
        cell(header, row, "Request Count").map(|v| v as u64),
        "{what} requests"
    );
    assert_eq!(
        errors,
        cell(header, row, "Failure Count").map(|v| v as u64),
        "{what} failures"
    );
    for (column, got) in [
        ("50%", l.p50),
        ("90%", l.p90),
        ("95%", l.p95),
        ("99%", l.p99),
        ("99.9%", l.p999),
        ("Min Response Time", l.min),
        ("Average Response Time", l.mean),
        ("Max Response Time", l.max),
    ] {
        assert_eq!(got, cell(header, row, column), "{what} {column}");
    }
}

/// Locust's own percentile of its response-time buckets (`calculate_response_time_percentile`).
fn locust_percentile(buckets: &[(f64, u64)], total: u64, p: f64) -> f64 {
    let target = (total as f64 * p) as u64;
    let mut sorted = buckets.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut seen = 0;
    for (ms, n) in sorted {
        seen += n;
        if total - seen <= target {
            return ms;
        }
    }
    0.0
}

fn users_spawned(stderr: &str) -> f64 {
    let at = stderr
        .find("total users)")
        .expect("the spawn-complete log line");
    let before = stderr[..at].trim_end();
    let n = before.rsplit(['(', ' ']).next().expect("a number");
    n.parse().expect("users")
}

fn check_stats_table(rel: &str) {
    let s = read_every_way(rel);
    assert_eq!(s.format, Format::LocustStatsCsv);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    let (header, rows) = stats_rows(rel);
    let total = rows
        .iter()
        .find(|r| r.name == "Aggregated" && r.kind.is_empty())
        .expect("Aggregated row");
    assert_row(
        "Aggregated",
        &header,
        total,
        s.requests,
        s.errors,
        &s.latency_ms,
    );
    assert_eq!(s.rps, cell(&header, total, "Requests/s"));
    assert_eq!(s.endpoints.len(), rows.len() - 1);
    for row in rows.iter().filter(|r| r.name != "Aggregated") {
        let ep = s
            .endpoints
            .iter()
            .find(|e| e.name == row.name)
            .unwrap_or_else(|| panic!("{}", row.name));
        assert_eq!(ep.method.as_deref(), Some(row.kind.as_str()));
        assert_row(
            &row.name,
            &header,
            row,
            ep.requests,
            ep.errors,
            &ep.latency_ms,
        );
        assert_eq!(ep.rps, cell(&header, row, "Requests/s"));
    }
}

#[test]
fn stats_csv_is_locusts_table_exactly() {
    check_stats_table("locust/real/run_stats.csv");
    // Quoted names with commas, quotes and non-ASCII; 100% failures on one endpoint.
    check_stats_table("locust/overload/overload_stats.csv");
}

#[test]
fn history_gives_the_timeline_and_the_user_count() {
    let s = read_every_way("locust/real/run_stats_history.csv");
    assert_eq!(s.format, Format::LocustHistoryCsv);
    let (header, rows) = stats_rows("locust/real/run_stats.csv");
    let total = rows
        .iter()
        .find(|r| r.name == "Aggregated")
        .expect("Aggregated row");
    // The last history row is written with the final stats: same totals.
    assert_eq!(
        s.requests,
        cell(&header, total, "Request Count").map(|v| v as u64)
    );
    assert_eq!(
        s.errors,
        cell(&header, total, "Failure Count").map(|v| v as u64)
    );
    assert_eq!(
        s.timeline.points.iter().map(|p| p.requests).sum::<u64>(),
        s.requests.expect("requests")
    );
    assert_eq!(
        s.timeline.points.iter().map(|p| p.errors).sum::<u64>(),
        s.errors.expect("errors")
    );
    assert_eq!(s.timeline.bucket_s, 1.0);
    let stderr = String::from_utf8(fixture("locust/real/stderr.txt")).expect("utf-8");
    assert_eq!(s.peak_concurrency, Some(users_spawned(&stderr)));
    // Users ramp at 2/s: the user count never falls while spawning.
    let users: Vec<f64> = s
        .timeline
        .points
        .iter()
        .filter_map(|p| p.concurrency)
        .collect();
    assert!(users.windows(2).take(40).all(|w| w[0] <= w[1]), "{users:?}");
    assert!(
        s.timeline.points.iter().any(|p| p.p95_ms.is_some()),
        "full history: rolling percentiles per window"
    );
}

#[test]
fn failures_and_exceptions_files() {
    let failures = read_every_way("locust/real/run_failures.csv");
    assert_eq!(failures.format, Format::LocustFailuresCsv);
    let (header, rows) = stats_rows("locust/real/run_stats.csv");
    let total = rows
        .iter()
        .find(|r| r.name == "Aggregated")
        .expect("Aggregated row");
    let failed = cell(&header, total, "Failure Count").map(|v| v as u64);
    assert_eq!(failures.errors, failed);
    assert_eq!(
        Some(failures.failures.iter().map(|f| f.count).sum::<u64>()),
        failed
    );
    assert!(failures
        .failures
        .iter()
        .all(|f| f.message.starts_with("HTTPError('500")));
    let exceptions = read_every_way("locust/real/run_exceptions.csv");
    assert_eq!(exceptions.format, Format::LocustExceptionsCsv);
    assert!(exceptions.warnings.is_empty());
}

#[test]
fn one_run_from_the_csv_files_of_one_prefix() {
    let names = [
        "run_stats.csv",
        "run_stats_history.csv",
        "run_failures.csv",
        "run_exceptions.csv",
    ];
    for chunk in [7, 4096] {
        let runs: Vec<Run> = names
            .iter()
            .map(|n| read_chunked(n, &fixture(&format!("locust/real/{n}")), chunk))
            .collect();
        let combined = combine(runs);
        assert_eq!(combined.len(), 1);
        let s = combined[0].summary();
        let alone = read_chunked(
            "run_stats.csv",
            &fixture("locust/real/run_stats.csv"),
            chunk,
        )
        .summary();
        let history = read_chunked(
            "run_stats_history.csv",
            &fixture("locust/real/run_stats_history.csv"),
            chunk,
        )
        .summary();
        assert_eq!(s.source, names.join(" + "));
        assert_eq!(
            (s.requests, s.errors, s.rps, s.latency_ms),
            (alone.requests, alone.errors, alone.rps, alone.latency_ms)
        );
        assert_eq!(s.endpoints, alone.endpoints);
        assert_eq!(s.timeline, history.timeline);
        assert_eq!(s.peak_concurrency, history.peak_concurrency);
        assert_eq!(
            s.failures.iter().map(|f| f.count).sum::<u64>(),
            alone.errors.expect("errors")
        );
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }
    // Without their names, files cannot be told to belong together.
    let runs: Vec<Run> = names
        .iter()
        .map(|n| read_chunked("input", &fixture(&format!("locust/real/{n}")), 4096))
        .collect();
    assert_eq!(combine(runs).len(), names.len());
}

#[test]
fn json_buckets_give_locusts_percentiles() {
    let s = check_json("locust/real/run.json");
    // Overall, the buckets give the percentiles Locust printed in run_stats.csv.
    let (header, rows) = stats_rows("locust/real/run_stats.csv");
    let total = rows
        .iter()
        .find(|r| r.name == "Aggregated")
        .expect("Aggregated row");
    for (column, got) in [
        ("50%", s.latency_ms.p50),
        ("90%", s.latency_ms.p90),
        ("95%", s.latency_ms.p95),
        ("99%", s.latency_ms.p99),
        ("99.9%", s.latency_ms.p999),
    ] {
        let printed = cell(&header, total, column).expect(column);
        let got = got.expect("percentile");
        assert!(
            printed <= got && got <= printed * 1.001,
            "{column}: {got} vs Locust's {printed}"
        );
    }
    check_json("locust/overload/overload.json");
}

fn check_json(rel: &str) -> RunSummary {
    let s = read_every_way(rel);
    assert_eq!(s.format, Format::LocustJson);
    assert_eq!(s.reported_by, ReportedBy::Samples);
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("Locust's response_times buckets")));
    let doc: Value = serde_json::from_slice(&fixture(rel)).expect("json");
    let entries = doc.as_array().expect("a list");
    let sum = |k: &str| entries.iter().map(|e| e[k].as_u64().expect(k)).sum::<u64>();
    assert_eq!(s.requests, Some(sum("num_requests")));
    assert_eq!(s.errors, Some(sum("num_failures")));
    let mut all: Vec<(f64, u64)> = Vec::new();
    for e in entries {
        let name = e["name"].as_str().expect("name");
        let ep = s
            .endpoints
            .iter()
            .find(|x| x.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        let buckets: Vec<(f64, u64)> = e["response_times"]
            .as_object()
            .expect("buckets")
            .iter()
            .map(|(k, v)| (k.parse().expect("ms"), v.as_u64().expect("count")))
            .collect();
        all.extend(&buckets);
        let n = e["num_requests"].as_u64().expect("n");
        assert_eq!(ep.requests, Some(n));
        assert_eq!(ep.latency_ms.min, e["min_response_time"].as_f64());
        assert_eq!(ep.latency_ms.max, e["max_response_time"].as_f64());
        let mean = e["total_response_time"].as_f64().expect("total") / n as f64;
        assert!(
            (ep.latency_ms.mean.expect("mean") - mean).abs() < 1e-9,
            "{name} mean"
        );
        for (p, got) in [
            (0.5, ep.latency_ms.p50),
            (0.95, ep.latency_ms.p95),
            (0.99, ep.latency_ms.p99),
        ] {
            let locust = locust_percentile(&buckets, n, p);
            let got = got.expect("percentile");
            // HDR reports the top of its bucket: at most 0.1% above Locust's value.
            assert!(
                locust <= got && got <= locust * 1.001 + 1e-9,
                "{name} p{p}: {got} vs Locust's {locust}"
            );
        }
    }
    let n: u64 = all.iter().map(|(_, c)| c).sum();
    assert_eq!(Some(n), s.requests);
    assert_eq!(s.timeline.points.iter().map(|p| p.requests).sum::<u64>(), n);
    s
}

#[test]
fn taurus_worker_reports_add_up() {
    for rel in [
        "locust/public/Blazemeter__taurus__locust-workers.ldjson",
        "locust/public/Blazemeter__taurus__locust-workers2.ldjson",
    ] {
        let s = read_every_way(rel);
        assert_eq!(s.format, Format::LocustWorkerLdjson, "{rel}");
        let text = String::from_utf8(fixture(rel)).expect("utf-8");
        let (mut ok, mut failed, mut peak) = (0u64, 0u64, 0.0f64);
        let mut users = std::collections::BTreeMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let report: Value = serde_json::from_str(line).expect("json line");
            for e in report["stats"].as_array().expect("stats") {
                ok += e["num_requests"].as_u64().expect("n");
                failed += e["num_failures"].as_u64().expect("f");
            }
            users.insert(
                report["client_id"].as_str().expect("id").to_string(),
                report["user_count"].as_f64().expect("users"),
            );
            peak = peak.max(users.values().sum());
        }
        // These Locust versions (< 0.9) count failures apart from requests.
        assert_eq!(s.requests, Some(ok + failed), "{rel}");
        assert_eq!(s.errors, Some(failed), "{rel}");
        assert_eq!(s.peak_concurrency, Some(peak), "{rel}");
        assert!(!s.failures.is_empty(), "{rel}");
        assert_eq!(
            s.timeline.points.iter().map(|p| p.requests).sum::<u64>(),
            ok + failed,
            "{rel}"
        );
    }
}

#[test]
fn public_locust_2_csv_files() {
    let rel = "locust/public/Nikita-Filonov__load-testing-hub__locust_stats.csv";
    let s = read_every_way(rel);
    let (header, rows) = stats_rows(rel);
    let total = rows
        .iter()
        .find(|r| r.name == "Aggregated")
        .expect("Aggregated row");
    assert_eq!(
        s.requests,
        cell(&header, total, "Request Count").map(|v| v as u64)
    );
    assert_eq!(s.latency_ms.p50, cell(&header, total, "50%"));
    assert_eq!(s.latency_ms.p99, cell(&header, total, "99%"));
    assert_eq!(s.latency_ms.p999, None, "no 99.9% column in this file");
    assert_eq!(s.endpoints[0].method.as_deref(), Some("grpc"));

    let h =
        read_every_way("locust/public/Nikita-Filonov__load-testing-hub__locust_stats_history.csv");
    assert_eq!(h.requests, s.requests);
    assert_eq!(h.timeline.bucket_s, 5.0);
    assert_eq!(
        h.timeline.points.iter().map(|p| p.requests).sum::<u64>(),
        h.requests.expect("requests")
    );
    let combined = combine(vec![
        read_chunked("locust_stats.csv", &fixture(rel), 4096),
        read_chunked(
            "locust_stats_history.csv",
            &fixture("locust/public/Nikita-Filonov__load-testing-hub__locust_stats_history.csv"),
            4096,
        ),
    ]);
    assert_eq!(combined.len(), 1);
    assert_eq!(combined[0].summary().peak_concurrency, h.peak_concurrency);
}

#[test]
fn overload_run_from_its_four_csv_files() {
    let names = [
        "overload_stats.csv",
        "overload_stats_history.csv",
        "overload_failures.csv",
        "overload_exceptions.csv",
    ];
    for n in names {
        read_every_way(&format!("locust/overload/{n}"));
    }
    let runs: Vec<Run> = names
        .iter()
        .map(|n| read_chunked(n, &fixture(&format!("locust/overload/{n}")), 7))
        .collect();
    let combined = combine(runs);
    assert_eq!(combined.len(), 1);
    let s = combined[0].summary();
    let (header, rows) = stats_rows("locust/overload/overload_stats.csv");
    let total = rows
        .iter()
        .find(|r| r.name == "Aggregated")
        .expect("Aggregated row");
    assert_row(
        "Aggregated",
        &header,
        total,
        s.requests,
        s.errors,
        &s.latency_ms,
    );
    // Every failure Locust listed adds up to its failure count.
    assert_eq!(
        Some(s.failures.iter().map(|f| f.count).sum::<u64>()),
        s.errors
    );
    assert!(s
        .failures
        .iter()
        .any(|f| f.message.starts_with("ConnectionRefusedError")));
    let sum = |f: fn(&verdict_core::summary::TimelinePoint) -> u64| {
        s.timeline.points.iter().map(f).sum::<u64>()
    };
    assert_eq!(Some(sum(|p| p.requests)), s.requests);
    assert_eq!(Some(sum(|p| p.errors)), s.errors);
    // Without --csv-full-history the history's percentiles are cumulative: none per window.
    assert!(s.timeline.points.iter().all(|p| p.p95_ms.is_none()));
    // The exceptions file: its first record's count, in a one-line warning.
    let exceptions =
        String::from_utf8(fixture("locust/overload/overload_exceptions.csv")).expect("utf-8");
    let first = exceptions.lines().nth(1).expect("a record");
    let count = first.split(',').next().expect("Count");
    let warning = s
        .warnings
        .iter()
        .find(|w| w.contains("exception(s) in the test script"))
        .expect("exceptions warning");
    assert!(
        warning.contains(&format!("{count} exception(s)")),
        "{warning}"
    );
    assert!(!warning.contains('\n'), "{warning}");
}
