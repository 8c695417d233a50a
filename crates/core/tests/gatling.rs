//! Gatling simulation.log fixtures (text and binary) against numbers computed
//! here from the raw files, and Gatling's own expectations where it has some.

mod fixture_reading;

use fixture_reading::{check_reference, fixture, read_everywhere, text, Sample};
use verdict_core::Format;

/// Columns of a REQUEST/ACTION line in one file's layout.
struct Cols {
    group: Option<usize>,
    name: usize,
    start: usize,
    end: usize,
    status: usize,
}

const V3: Cols = Cols {
    group: Some(1),
    name: 2,
    start: 3,
    end: 4,
    status: 5,
};
const V30: Cols = Cols {
    group: Some(2),
    name: 3,
    start: 4,
    end: 5,
    status: 6,
};
const V1: Cols = Cols {
    group: None,
    name: 3,
    start: 4,
    end: 7,
    status: 8,
};

fn text_reference(rel: &str, cols: &Cols) -> Vec<Sample> {
    text(rel)
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[0] == "REQUEST" || f[0] == "ACTION")
        .map(|f| {
            let name = if f[cols.name].is_empty() {
                "(no name)"
            } else {
                f[cols.name]
            };
            let group = cols.group.map_or("", |g| f[g]);
            let ms: i64 = f[cols.end].parse::<i64>().expect("end")
                - f[cols.start].parse::<i64>().expect("start");
            Sample {
                name: if group.is_empty() {
                    name.to_string()
                } else {
                    format!("{} / {name}", group.replace(',', " / "))
                },
                ms: ms as f64,
                failed: f[cols.status] == "KO",
            }
        })
        .collect()
}

#[test]
fn text_logs_of_every_layout_match_their_records() {
    for (file, cols) in [
        ("gatling-1-000.simulation.log", V3),
        ("gatling-2-000.simulation.log", V3),
        ("gatling-3-000.simulation.log", V3),
        ("gatling-4-000.simulation.log", V3),
        ("gatling-5-000.simulation.log", V3),
        ("gatling-302-000.simulation.log", V30),
        ("gatling-331-000.simulation.log", V30),
        ("gatling-351-000.simulation.log", V3),
        ("gatling-6-000.simulation.log", V3),
        ("simulation_AdvancedExampleSimulation.log", V1),
        ("simulation_node1.log", V1),
        ("simulation_node2.log", V1),
        ("single_node_with_known_stats.simulation.log", V3),
    ] {
        let rel = format!("gatling/{file}");
        let s = read_everywhere(&rel, Format::GatlingLog);
        check_reference(&s, &text_reference(&rel, &cols));
        assert_eq!(s.skipped_lines, 0, "{rel}");
        assert!(s.warnings.is_empty(), "{rel}: {:?}", s.warnings);
    }
}

#[test]
fn users_give_concurrency() {
    // gatling-331-000: 10 users start before any ends (USER ... START lines).
    let s = read_everywhere("gatling/gatling-331-000.simulation.log", Format::GatlingLog);
    assert_eq!(s.peak_concurrency, Some(10.0));
}

/// A plain, non-streaming reading of the binary layout (the same spec,
/// written independently of the streaming decoder).
fn binary_reference(rel: &str) -> Vec<Sample> {
    let b = fixture(rel);
    let mut p = 0usize;
    let mut cache: std::collections::HashMap<i32, String> = Default::default();
    let i32_at = |p: &mut usize| {
        let v = i32::from_be_bytes(b[*p..*p + 4].try_into().expect("4 bytes"));
        *p += 4;
        v
    };
    let string = |p: &mut usize| {
        let len = i32_at(p) as usize;
        if len == 0 {
            return String::new();
        }
        let s: String = b[*p..*p + len].iter().map(|&c| c as char).collect();
        assert_eq!(b[*p + len], 0, "Latin-1 strings only in these fixtures");
        *p += len + 1;
        s
    };
    let mut cached = |p: &mut usize| {
        let i = i32_at(p);
        if i >= 0 {
            let s = string(p);
            cache.insert(i, s.clone());
            s
        } else {
            cache[&-i].clone()
        }
    };
    assert_eq!(b[p], 0);
    p += 1;
    string(&mut p);
    string(&mut p);
    p += 8;
    string(&mut p);
    for _ in 0..i32_at(&mut p) {
        string(&mut p);
    }
    for _ in 0..i32_at(&mut p) {
        let n = i32_at(&mut p) as usize;
        p += n;
    }
    let mut out = Vec::new();
    while p < b.len() {
        let kind = b[p];
        p += 1;
        match kind {
            1 => {
                let groups: Vec<String> = (0..i32_at(&mut p)).map(|_| cached(&mut p)).collect();
                let name = cached(&mut p);
                let (start, end) = (i32_at(&mut p), i32_at(&mut p));
                let ok = b[p] == 1;
                p += 1;
                cached(&mut p);
                let name = if groups.is_empty() {
                    name
                } else {
                    format!("{} / {name}", groups.join(" / "))
                };
                out.push(Sample {
                    name,
                    ms: f64::from(end - start),
                    failed: !ok,
                });
            }
            2 => p += 9,
            3 => {
                for _ in 0..i32_at(&mut p) {
                    cached(&mut p);
                }
                p += 13;
            }
            4 => {
                cached(&mut p);
                p += 4;
            }
            k => panic!("{rel}: record type {k} at {p}"),
        }
    }
    out
}

#[test]
fn binary_logs_match_their_records() {
    for file in [
        "gatling-6-314.simulation.log",
        "gatling-8-314.simulation.log",
        "known_stats.simulation.log",
    ] {
        let rel = format!("gatling/{file}");
        let s = read_everywhere(&rel, Format::GatlingBinary);
        check_reference(&s, &binary_reference(&rel));
        assert!(s.warnings.is_empty(), "{rel}: {:?}", s.warnings);
    }
}

#[test]
fn binary_known_stats_match_gatlings_own_spec() {
    // gatling-charts LogFileReaderSpec on this file: min 87 ms, max 368 ms,
    // p99 = p100 = 368 ms, one KO.
    let s = read_everywhere("gatling/known_stats.simulation.log", Format::GatlingBinary);
    assert_eq!(s.latency_ms.min, Some(87.0));
    assert_eq!(s.latency_ms.max, Some(368.0));
    assert_eq!(s.errors, Some(1));
    let p99 = s.latency_ms.p99.expect("p99");
    assert!((368.0..=368.0 * 1.001).contains(&p99), "{p99}");
}
