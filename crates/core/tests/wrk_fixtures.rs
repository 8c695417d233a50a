//! wrk runs (tests/fixtures/wrk, real wrk 4.1.0) and wrk2 outputs saved in
//! `.md` files (tests/fixtures/wrk2). Expected numbers are the ones the tool
//! printed in the file.

mod fixture_reading;

use fixture_reading::{error_everywhere, fixture, summary_everywhere};
use verdict_core::summary::{LatencyMs, ReportedBy, RunSummary};
use verdict_core::{Format, IngestOptions};

fn read(relative: &str) -> RunSummary {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    summary_everywhere(name, &fixture(relative), &IngestOptions::default())
}

/// What the tool printed for one run.
struct Printed<'a> {
    url: &'a str,
    requests: u64,
    errors: u64,
    rps: f64,
    duration_s: f64,
    connections: f64,
    latency: LatencyMs,
}

/// HTTP 500s the test server sent during a run (`server_stats.json`).
fn server_500s(run: &str) -> u64 {
    let json: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("wrk/{run}/server_stats.json"))).expect("json");
    json["responses_by_endpoint_status"]["list 500"]
        .as_u64()
        .unwrap_or(0)
}

fn ms(v: f64) -> Option<f64> {
    Some(v)
}

fn check_run(s: &RunSummary, p: &Printed<'_>) {
    assert_eq!(s.format, Format::Wrk);
    assert_eq!(s.reported_by, ReportedBy::Tool);
    assert_eq!(
        (s.requests, s.errors, s.rps, s.duration_s),
        (
            Some(p.requests),
            Some(p.errors),
            Some(p.rps),
            Some(p.duration_s)
        )
    );
    assert_eq!(s.error_rate, Some(p.errors as f64 / p.requests as f64));
    assert_eq!(s.peak_concurrency, Some(p.connections));
    assert_eq!(s.latency_ms, p.latency);
    assert_eq!(s.endpoints.len(), 1);
    assert_eq!(s.endpoints[0].name, p.url);
    assert_eq!(
        (s.endpoints[0].requests, s.endpoints[0].latency_ms),
        (Some(p.requests), p.latency)
    );
    assert_eq!(s.skipped_lines, 0, "{:?}", s.skipped_examples);
}

#[test]
fn wrk_c10_reproduces_its_printed_figures() {
    let s = read("wrk/c10_plain/stdout.txt");
    // Latency 27.86ms avg, 91.42ms max; 50/75/90/99% = 26.88/32.67/38.71/51.99ms;
    // "5398 requests in 15.04s"; "Non-2xx or 3xx responses: 24"; "Requests/sec: 358.99".
    let latency = LatencyMs {
        min: None,
        mean: ms(27.86),
        p50: ms(26.88),
        p90: ms(38.71),
        p95: None,
        p99: ms(51.99),
        p999: None,
        max: ms(91.42),
    };
    let printed = Printed {
        url: "http://127.0.0.1:8765/api/items",
        requests: 5398,
        errors: 24,
        rps: 358.99,
        duration_s: 15.04,
        connections: 10.0,
        latency,
    };
    check_run(&s, &printed);
    assert_eq!(
        s.errors,
        Some(server_500s("c10_plain")),
        "wrk's Non-2xx count is the server's 500s"
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert!(s.distribution.is_empty(), "plain wrk prints no spectrum");
}

#[test]
fn wrk_c50_reproduces_its_printed_figures() {
    let s = read("wrk/c50_plain/stdout.txt");
    let latency = LatencyMs {
        min: None,
        mean: ms(140.77),
        p50: ms(140.60),
        p90: ms(154.50),
        p95: None,
        p99: ms(170.11),
        p999: None,
        max: ms(214.60),
    };
    let printed = Printed {
        url: "http://127.0.0.1:8765/api/items",
        requests: 5320,
        errors: 26,
        rps: 353.39,
        duration_s: 15.05,
        connections: 50.0,
        latency,
    };
    check_run(&s, &printed);
    assert_eq!(s.errors, Some(server_500s("c50_plain")));
}

#[test]
fn wrk2_with_non_2xx_and_calibration() {
    let s = read("wrk2/polis-mail-ru__2020-highload-dht__allocGet2000_60s_20c_10t.md");
    // Spectrum footer: Mean 1.130, Max 19.264; rows 0.000000 → 0.072 and 0.950000 → 1.768;
    // HdrHistogram section: 50/90/99/99.9% = 1.20/1.65/2.00/4.74ms; "120004 requests in 1.00m".
    let latency = LatencyMs {
        min: ms(0.072),
        mean: ms(1.130),
        p50: ms(1.20),
        p90: ms(1.65),
        p95: ms(1.768),
        p99: ms(2.00),
        p999: ms(4.74),
        max: ms(19.264),
    };
    let printed = Printed {
        url: "http://localhost:8080",
        requests: 120_004,
        errors: 59_985,
        rps: 2000.04,
        duration_s: 60.0,
        connections: 20.0,
        latency,
    };
    check_run(&s, &printed);
    let last = s.distribution.last().expect("spectrum");
    assert_eq!(
        (last.percentile, last.value_ms, last.count),
        (100.0, 19.279, 99_974)
    );
    assert!(
        s.warnings.iter().any(|w| w.contains("99974 of the 120004")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn wrk2_with_mixed_units_and_notes_after_the_output() {
    let s = read("wrk2/polis-mail-ru__2020-highload-dht__allocGet80000_c64_t64_60s.md");
    let latency = LatencyMs {
        min: ms(0.031),
        mean: ms(0.924),
        p50: ms(0.92),
        p90: ms(1.35),
        p95: ms(1.404),
        p99: ms(1.56),
        p999: ms(3.92),
        max: ms(16.800),
    };
    let printed = Printed {
        url: "http://localhost:8080",
        requests: 4_798_249,
        errors: 0,
        rps: 80061.78,
        duration_s: 60.0,
        connections: 64.0,
        latency,
    };
    check_run(&s, &printed);
}

#[test]
fn wrk2_file_with_three_runs_gives_the_first_and_says_so() {
    let s = read("wrk2/polis-mail-ru__2020-highload-dht__allocGet.md");
    let latency = LatencyMs {
        min: ms(0.067),
        mean: ms(1.441),
        p50: ms(1.37),
        p90: ms(2.42),
        p95: ms(2.663),
        p99: ms(3.02),
        p999: ms(5.72),
        max: ms(12.920),
    };
    let printed = Printed {
        url: "http://localhost:8081",
        requests: 119_714,
        errors: 0,
        rps: 1995.22,
        duration_s: 60.0,
        connections: 64.0,
        latency,
    };
    check_run(&s, &printed);
    let w = s
        .warnings
        .iter()
        .find(|w| w.contains("3 wrk runs"))
        .expect("warned");
    assert!(w.contains("lines 116, 317"), "{w}");
}

/// Written with the format strings of wg/wrk `src/wrk.c` (`print_stats`,
/// `Socket errors: connect %d, read %d, write %d, timeout %d`) and the unit
/// steps of `src/units.c` (`s`, then `m` from 51 s on).
const WRK_WITHOUT_LATENCY_FLAG: &str = "\
Running 2m test @ http://example.com/
  4 threads and 400 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52s   612.37ms   2.00m    80.52%
    Req/Sec    60.21     35.52   242.00     68.78%
  15329 requests in 2.00m, 5.21MB read
  Socket errors: connect 155, read 2, write 0, timeout 120
  Non-2xx or 3xx responses: 7
Requests/sec:    127.70
Transfer/sec:     44.42KB
";

#[test]
fn wrk_socket_errors_minutes_and_no_latency_flag() {
    let s = summary_everywhere(
        "run.txt",
        WRK_WITHOUT_LATENCY_FLAG.as_bytes(),
        &IngestOptions::default(),
    );
    // The 7 non-2xx responses may be among the 2 + 120 read/timeout errors:
    // counted once (the larger), plus the 155 connect errors.
    assert_eq!(
        (s.requests, s.errors, s.duration_s),
        (Some(15_329), Some((2 + 120) + 155), Some(120.0))
    );
    assert!(
        s.warnings.iter().any(|w| w.contains("between 277 and 284")),
        "{:?}",
        s.warnings
    );
    assert_eq!(
        (s.latency_ms.mean, s.latency_ms.max, s.latency_ms.p50),
        (Some(1520.0), Some(120_000.0), None)
    );
    assert_eq!(s.peak_concurrency, Some(400.0));
    assert!(
        s.warnings.iter().any(|w| w.contains("--latency")),
        "{:?}",
        s.warnings
    );
}

/// wrk2 `-U` prints a second, uncorrected section (giltene/wrk2 `src/wrk.c`,
/// `print_hdr_latency(u_latency_histogram, "Uncorrected Latency (…)")`).
const WRK2_WITH_UNCORRECTED: &str = "\
Running 10s test @ http://localhost:8080
  1 threads and 1 connections
  Thread calibration: mean lat.: 0.512ms, rate sampling interval: 10ms
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   520.00us  100.00us   2.00ms   70.00%
    Req/Sec   105.00     20.00   200.00     80.00%
  Latency Distribution (HdrHistogram - Recorded Latency)
 50.000%  510.00us
 75.000%  580.00us
 90.000%  650.00us
 99.000%    1.10ms
 99.900%    1.90ms
 99.990%    2.00ms
 99.999%    2.00ms
100.000%    2.00ms

  Detailed Percentile spectrum:
       Value   Percentile   TotalCount 1/(1-Percentile)

       0.300     0.000000            1         1.00
       0.510     0.500000          400         2.00
       0.610     0.950000          760        20.00
       2.001     1.000000          800          inf
#[Mean    =        0.520, StdDeviation   =        0.100]
#[Max     =        2.000, Total count    =          800]
#[Buckets =           27, SubBuckets     =         2048]
----------------------------------------------------------

  Latency Distribution (HdrHistogram - Uncorrected Latency (measured without taking delayed starts into account))
 50.000%  400.00us
 75.000%  450.00us
 90.000%  500.00us
 99.000%  900.00us
 99.900%    1.50ms
 99.990%    1.60ms
 99.999%    1.60ms
100.000%    1.60ms

  Detailed Percentile spectrum:
       Value   Percentile   TotalCount 1/(1-Percentile)

       0.200     0.000000            1         1.00
       1.601     1.000000          800          inf
#[Mean    =        0.410, StdDeviation   =        0.090]
#[Max     =        1.600, Total count    =          800]
#[Buckets =           27, SubBuckets     =         2048]
----------------------------------------------------------
  1000 requests in 10.00s, 100.00KB read
Requests/sec:    100.00
Transfer/sec:     10.00KB
";

#[test]
fn wrk2_uncorrected_section_is_not_mixed_in() {
    let s = summary_everywhere(
        "u.txt",
        WRK2_WITH_UNCORRECTED.as_bytes(),
        &IngestOptions::default(),
    );
    let l = s.latency_ms;
    assert_eq!(
        (l.min, l.mean, l.p50, l.p95, l.p99, l.p999, l.max),
        (
            Some(0.3),
            Some(0.52),
            Some(0.51),
            Some(0.61),
            Some(1.1),
            Some(1.9),
            Some(2.0)
        )
    );
    assert_eq!(s.distribution.len(), 4, "only the corrected spectrum");
    assert!(s
        .warnings
        .iter()
        .any(|w| w.contains("without coordinated-omission correction")));
    assert!(s.warnings.iter().any(|w| w.contains("800 of the 1000")));
}

#[test]
fn cut_wrk_output_fails_clearly() {
    let cut = &WRK_WITHOUT_LATENCY_FLAG[..WRK_WITHOUT_LATENCY_FLAG.find("15329").unwrap_or(0)];
    let e = error_everywhere("cut.txt", cut.as_bytes(), &IngestOptions::default());
    assert_eq!(e.code(), "corrupt");
    assert!(e.to_string().contains("requests in"), "{e}");
}

#[test]
fn markdown_around_the_output_is_ignored() {
    let md = format!("# Load test\n\nResults of `wrk -c 400`:\n\n```\n{WRK_WITHOUT_LATENCY_FLAG}```\n\nLooks fine.\n");
    let s = summary_everywhere("results.md", md.as_bytes(), &IngestOptions::default());
    assert_eq!(s.requests, Some(15_329));
    assert_eq!(s.skipped_lines, 0);
}

/// The number after `key` in wrk's printed text (`Non-2xx or 3xx responses: 487`,
/// `read 487,`, `1937 requests in`).
fn printed_count(text: &str, key: &str) -> u64 {
    let after = |k: &str| {
        let i = text.find(k)? + k.len();
        text[i..]
            .trim_start_matches([' ', ':'])
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    if key == "read " {
        let line = text
            .lines()
            .find(|l| l.contains("Socket errors:"))
            .expect("socket line");
        let i = line.find("read ").expect("read") + 5;
        return line[i..]
            .split(',')
            .next()
            .and_then(|n| n.trim().parse().ok())
            .expect("read");
    }
    if key == "requests" {
        let line = text
            .lines()
            .find(|l| l.contains(" requests in "))
            .expect("requests line");
        return line
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .expect("count");
    }
    after(key).unwrap_or_else(|| panic!("no {key}"))
}

fn raw_counter(s: &RunSummary, message: &str) -> Option<u64> {
    s.failures
        .iter()
        .find(|f| f.message == message)
        .map(|f| f.count)
}

#[test]
fn wrk_errors_and_read_errors_of_the_same_responses_never_exceed_requests() {
    // overlap_server.py answers every /fail with a 500 and drops the
    // connection: wrk counts each exchange as a non-2xx response and a
    // read error (printed error rate: 200%).
    let text = String::from_utf8(fixture("wrk/overlap_fail/stdout.txt")).expect("utf-8");
    let s = read("wrk/overlap_fail/stdout.txt");
    let requests = printed_count(&text, "requests");
    let non2xx = printed_count(&text, "Non-2xx or 3xx responses");
    let read_errors = printed_count(&text, "read ");
    assert_eq!(
        non2xx + read_errors,
        2 * requests,
        "the fixture overlaps fully"
    );
    assert_eq!(s.requests, Some(requests));
    assert_eq!(s.errors, Some(requests));
    assert_eq!(s.error_rate, Some(1.0));
    assert_eq!(raw_counter(&s, "Non-2xx or 3xx responses"), Some(non2xx));
    assert_eq!(raw_counter(&s, "socket errors: read"), Some(read_errors));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("may be the same responses")),
        "{:?}",
        s.warnings
    );
}

#[test]
fn wrk_overlapping_counters_count_each_response_once() {
    // One /mixed request in four gets a 500 and a dropped connection.
    let text = String::from_utf8(fixture("wrk/overlap_mixed/stdout.txt")).expect("utf-8");
    let s = read("wrk/overlap_mixed/stdout.txt");
    let requests = printed_count(&text, "requests");
    let non2xx = printed_count(&text, "Non-2xx or 3xx responses");
    let read_errors = printed_count(&text, "read ");
    assert_eq!(s.requests, Some(requests));
    assert_eq!(s.errors, Some(non2xx.max(read_errors)));
    // The server fails one request in four.
    let rate = s.error_rate.expect("rate");
    assert!((rate - 0.25).abs() < 0.01, "{rate}");
    assert_eq!(raw_counter(&s, "socket errors: read"), Some(read_errors));
    assert_eq!(raw_counter(&s, "socket errors: connect"), None);
    let warning = s
        .warnings
        .iter()
        .find(|w| w.contains("may be the same responses"))
        .expect("overlap warning");
    assert!(
        warning.contains(&format!(
            "between {} and {}",
            non2xx.max(read_errors),
            non2xx + read_errors
        )),
        "{warning}"
    );
}
