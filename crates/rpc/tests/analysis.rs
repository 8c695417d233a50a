//! Save, Merge and Trend: the page's analysis files, merges and trends come
//! out of the engine exactly as `verdict save`, `summary --merge` and
//! `trend` make them from the same real k6 files.

mod common;

use common::{feed, fixture};
use serde_bytes::ByteBuf;
use verdict_core::compare::CompareOptions;
use verdict_core::trend::{trend, TrendOrder};
use verdict_core::{saved, IngestOptions, Run, Session};
use verdict_rpc::{Engine, HeldError, Request, Response};

const LEVELS: [&str; 3] = ["vus_010", "vus_025", "vus_050"];

fn level(dir: &str) -> Vec<u8> {
    fixture(&format!("k6/constant_vus/{dir}/run.json.gz"))
}

fn direct(name: &str, bytes: &[u8]) -> Run {
    Session::read_all(name, IngestOptions::default(), bytes).expect("fixture reads")
}

/// Reads a file through the engine and returns the id it holds the run under.
fn hold(engine: &mut Engine, name: &str, bytes: &[u8]) -> u32 {
    let answers = feed(engine, name, bytes, IngestOptions::default(), 1 << 20);
    answers
        .iter()
        .find_map(|a| match a {
            Response::Held { run } => Some(*run),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{name} is held: {answers:?}"))
}

fn save(engine: &mut Engine, run: u32) -> Vec<u8> {
    match &engine.handle(Request::Save { run, ticket: 9 })[..] {
        [Response::Saved {
            run: r,
            ticket: 9,
            bytes: Ok(bytes),
        }] if *r == run => bytes.to_vec(),
        other => panic!("Save answered {other:?}"),
    }
}

#[test]
fn save_gives_the_bytes_verdict_save_writes() {
    let mut engine = Engine::new();
    let bytes = level("vus_010");
    let run = hold(&mut engine, "run.json.gz", &bytes);
    let file = save(&mut engine, run);
    assert_eq!(
        file,
        saved::save(&direct("run.json.gz", &bytes)).expect("saves")
    );
    // The file reads back through the engine as its run, under its own name.
    let mut again = Engine::new();
    let answers = feed(
        &mut again,
        "a.verdict",
        &file,
        IngestOptions::default(),
        4096,
    );
    match answers.last() {
        Some(Response::Done(s)) => {
            assert_eq!(**s, direct("run.json.gz", &bytes).summary());
            assert_eq!(s.source, "run.json.gz");
        }
        other => panic!("{other:?}"),
    }
    // A run let go of is said to be gone, not saved empty.
    engine.handle(Request::Forget { run });
    assert_eq!(
        engine.handle(Request::Save { run, ticket: 1 }),
        vec![Response::Saved {
            run,
            ticket: 1,
            bytes: Err(HeldError::Forgotten { run })
        }]
    );
}

#[test]
fn merge_equals_the_cli_merge_and_refuses_tool_aggregates() {
    // Runs held by different workers travel as analysis files to one.
    let files: Vec<ByteBuf> = LEVELS
        .iter()
        .map(|dir| {
            let mut worker = Engine::new();
            let run = hold(&mut worker, &format!("{dir}.json.gz"), &level(dir));
            ByteBuf::from(save(&mut worker, run))
        })
        .collect();
    let mut engine = Engine::new();
    let mut answers = engine.handle(Request::Merge { runs: files });
    let Some(Response::Done(merged)) = answers.pop() else {
        panic!("Merge ends in Done: {answers:?}");
    };
    assert!(matches!(answers.last(), Some(Response::Held { .. })));
    let want = verdict_core::run::merge_runs(
        LEVELS
            .iter()
            .map(|dir| direct(&format!("{dir}.json.gz"), &level(dir)))
            .collect(),
    )
    .expect("merges")
    .summary();
    assert_eq!(*merged, want);
    assert_eq!(
        merged.source,
        "vus_010.json.gz + vus_025.json.gz + vus_050.json.gz"
    );

    // A tool's end-of-test summary cannot be merged: the CLI's sentence.
    let mut worker = Engine::new();
    let tool = hold(
        &mut worker,
        "summary.json",
        &fixture("k6/ramping/summary.json"),
    );
    let raw = hold(&mut worker, "vus_010.json.gz", &level("vus_010"));
    let runs = vec![
        ByteBuf::from(save(&mut worker, raw)),
        ByteBuf::from(save(&mut worker, tool)),
    ];
    match &engine.handle(Request::Merge { runs })[..] {
        [Response::Error(e)] => {
            assert_eq!(e.code, "merge");
            assert!(
                e.message.starts_with(
                    "summary.json (k6-summary-export) holds only the tool's aggregates"
                ),
                "{}",
                e.message
            );
        }
        other => panic!("{other:?}"),
    }
    // Bytes that are not an analysis file say which run they were.
    match &engine.handle(Request::Merge {
        runs: vec![ByteBuf::from(b"not an analysis".to_vec())],
    })[..]
    {
        [Response::Error(e)] => assert!(e.message.starts_with("run 1: not a Verdict"), "{e:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn trend_equals_the_core_trend_of_the_files() {
    // Given out of order; the trend puts them in start order.
    let names = ["vus_050", "vus_010", "vus_025"];
    let mut worker = Engine::new();
    let runs: Vec<(String, ByteBuf)> = names
        .iter()
        .map(|dir| {
            let run = hold(&mut worker, "run.json.gz", &level(dir));
            (dir.to_string(), ByteBuf::from(save(&mut worker, run)))
        })
        .collect();
    let answers = Engine::new().handle(Request::Trend { ticket: 4, runs });
    let [Response::Trend {
        ticket: 4,
        trend: Ok(got),
    }] = &answers[..]
    else {
        panic!("{answers:?}");
    };
    let direct_runs: Vec<Run> = names
        .iter()
        .map(|dir| {
            let mut r = direct("run.json.gz", &level(dir));
            r.source = dir.to_string();
            r
        })
        .collect();
    let want =
        trend(&direct_runs, &TrendOrder::Start, &CompareOptions::default()).expect("a trend");
    assert_eq!(**got, want);
    let order: Vec<&str> = got.runs.iter().map(|r| r.source.as_str()).collect();
    assert_eq!(order, ["vus_010", "vus_025", "vus_050"]);
    // One run is no trend; the core's sentence comes back.
    let one = vec![("a".to_string(), ByteBuf::from(save(&mut worker, 3)))];
    match &Engine::new().handle(Request::Trend {
        ticket: 5,
        runs: one,
    })[..]
    {
        [Response::Trend {
            ticket: 5,
            trend: Err(why),
        }] => assert!(why.contains("at least two runs"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_run_let_go_for_a_newer_one_comes_back_as_its_analysis_file() {
    // Five real runs through one worker, which holds four: reading the fifth
    // lets go of the first, and the page gets its `.verdict` bytes unasked.
    let names = ["vus_010", "vus_025", "vus_050", "vus_100", "vus_200"];
    let mut engine = Engine::new();
    let mut ids = Vec::new();
    for dir in &names[..4] {
        ids.push(hold(&mut engine, &format!("{dir}.json.gz"), &level(dir)));
    }
    let first = save(&mut engine, ids[0]);
    let answers = feed(
        &mut engine,
        "vus_200.json.gz",
        &level("vus_200"),
        IngestOptions::default(),
        1 << 20,
    );
    let released: Vec<_> = answers
        .iter()
        .filter_map(|a| match a {
            Response::Released { run, bytes } => Some((*run, bytes.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(released.len(), 1, "{answers:?}");
    let (run, bytes) = &released[0];
    assert_eq!(*run, ids[0]);
    let bytes = bytes.as_ref().expect("the released run saves").to_vec();
    assert_eq!(bytes, first);
    assert_eq!(
        bytes,
        saved::save(&direct("vus_010.json.gz", &level("vus_010"))).expect("saves")
    );
    // It comes before the new run's Held, and the run is gone from the worker.
    let at = |f: fn(&Response) -> bool| answers.iter().position(f);
    assert!(
        at(|a| matches!(a, Response::Released { .. })) < at(|a| matches!(a, Response::Held { .. }))
    );
    assert_eq!(
        engine.handle(Request::Save {
            run: ids[0],
            ticket: 2
        }),
        vec![Response::Saved {
            run: ids[0],
            ticket: 2,
            bytes: Err(HeldError::Forgotten { run: ids[0] })
        }]
    );
    // The others are still held; nothing else was let go.
    for id in &ids[1..] {
        assert!(!save(&mut engine, *id).is_empty());
    }
}
