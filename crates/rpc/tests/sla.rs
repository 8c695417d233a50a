//! SLA evaluation through the engine: the run a worker holds after reading
//! a real k6 file gives the same verdicts as `verdict_core::sla::evaluate`
//! (what `verdict check` prints), the held runs are bounded, and bad rule
//! text comes back with its line.

mod common;

use common::{feed, fixture};
use verdict_core::sla::{evaluate, load_sla, preset, save_toml, Outcome, Verdict};
use verdict_core::{IngestOptions, Run, Session};
use verdict_rpc::{Engine, EvaluateError, Request, Response, MAX_HELD_RUNS};

const THRESHOLDS_RUN: &str = "k6/thresholds/run.json.gz";

fn direct(rel: &str) -> Run {
    Session::read_all("run.json.gz", IngestOptions::default(), &fixture(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Reads a file through the engine as the page does; returns the held id.
fn read(engine: &mut Engine, rel: &str) -> u32 {
    let answers = feed(
        engine,
        "run.json.gz",
        &fixture(rel),
        IngestOptions::default(),
        64 << 10,
    );
    match &answers[answers.len().saturating_sub(2)..] {
        [Response::Held { run }, Response::Done(_)] => *run,
        other => panic!("expected Held then Done, got {other:?}"),
    }
}

fn evaluate_in(
    engine: &mut Engine,
    run: u32,
    ticket: u32,
    sla: &str,
) -> Result<Vec<Verdict>, EvaluateError> {
    let answers = engine.handle(Request::Evaluate {
        run,
        ticket,
        sla: sla.to_string(),
    });
    match answers.as_slice() {
        [Response::Verdicts {
            run: r,
            ticket: t,
            verdicts,
        }] if *r == run && *t == ticket => verdicts.clone(),
        other => panic!("expected one Verdicts answer, got {other:?}"),
    }
}

const TYPED_RULES: &str = r#"
title = "typed"

[[rules]]
rule = "p(95)<200"

[[rules]]
name = "search"
endpoint = "GET /api/search"
statistic = "p95"
op = "<"
limit = "45ms"

[[rules]]
rule = "endpoints \"*\" p99 < 300ms every 10s"

[[rules]]
rule = "error_rate < 0.1%"
"#;

#[test]
fn verdicts_from_the_engine_equal_the_core_on_the_same_file() {
    let mut engine = Engine::new();
    let id = read(&mut engine, THRESHOLDS_RUN);
    let run = direct(THRESHOLDS_RUN);
    let tiered = save_toml(&preset("tiered-api").expect("preset"));
    let k6 = save_toml(&preset("k6-defaults").expect("preset"));
    for (ticket, text) in [TYPED_RULES, &tiered, &k6].into_iter().enumerate() {
        let sla = load_sla("rules", text).expect("rules read");
        let expected = evaluate(&sla, &run);
        let got = evaluate_in(&mut engine, id, ticket as u32, text).expect("verdicts");
        assert!(!got.is_empty(), "rules {ticket} give verdicts");
        assert_eq!(got, expected, "rules {ticket}");
    }
    // The file's decisive numbers, as `verdict check` reports them.
    let typed = evaluate_in(&mut engine, id, 9, TYPED_RULES).expect("verdicts");
    let search = typed
        .iter()
        .find(|v| v.rule_name.as_deref() == Some("search"))
        .expect("search verdict");
    assert_eq!(search.verdict, Outcome::Fail);
    assert_eq!(search.endpoint, "GET /api/search");
    let overall = &typed[0];
    assert_eq!(overall.endpoint, "*overall*");
    assert_eq!(overall.n, Some(2281));
    // The windowed rule lists its windows.
    assert!(typed.iter().any(|v| v.windows.len() >= 2));
}

#[test]
fn verdicts_cross_the_json_wire_unchanged() {
    let mut engine = Engine::new();
    let id = read(&mut engine, THRESHOLDS_RUN);
    let answers = engine.handle(Request::Evaluate {
        run: id,
        ticket: 1,
        sla: TYPED_RULES.into(),
    });
    let text = serde_json::to_string(&answers[0]).expect("serializes");
    let back: Response = serde_json::from_str(&text).expect("reads back");
    let (
        Response::Verdicts {
            verdicts: Ok(a), ..
        },
        Response::Verdicts {
            verdicts: Ok(b), ..
        },
    ) = (&answers[0], &back)
    else {
        panic!("{text}");
    };
    assert_eq!(a.len(), b.len());
    for (a, b) in a.iter().zip(b) {
        assert_eq!((a.verdict, a.n, &a.rule), (b.verdict, b.n, &b.rule));
    }
}

#[test]
fn the_oldest_runs_are_forgotten_beyond_the_limit_and_on_request() {
    let mut engine = Engine::new();
    let ids: Vec<u32> = (0..MAX_HELD_RUNS + 1)
        .map(|_| read(&mut engine, "k6/constant_vus/vus_010/run.json.gz"))
        .collect();
    assert_eq!(engine.held_runs(), ids[1..].to_vec());
    assert_eq!(
        evaluate_in(&mut engine, ids[0], 1, TYPED_RULES),
        Err(EvaluateError::Forgotten { run: ids[0] })
    );
    let message = EvaluateError::Forgotten { run: ids[0] }.to_string();
    assert!(message.contains("re-open the file"), "{message}");
    assert!(evaluate_in(&mut engine, ids[1], 2, TYPED_RULES).is_ok());
    assert!(engine.handle(Request::Forget { run: ids[1] }).is_empty());
    assert_eq!(
        evaluate_in(&mut engine, ids[1], 3, TYPED_RULES),
        Err(EvaluateError::Forgotten { run: ids[1] })
    );
    // Cancel drops only the open file.
    engine.handle(Request::Cancel);
    assert_eq!(engine.held_runs(), ids[2..].to_vec());
}

#[test]
fn evaluation_is_allowed_while_another_file_is_read() {
    let mut engine = Engine::new();
    let id = read(&mut engine, THRESHOLDS_RUN);
    engine.handle(Request::Open {
        file_name: "next.json".into(),
        size: 10,
        options: IngestOptions::default(),
    });
    assert!(evaluate_in(&mut engine, id, 1, "[[rules]]\nrule = \"p(95)<200\"\n").is_ok());
    assert!(engine.is_busy(), "the open file stays open");
}

#[test]
fn bad_rule_text_says_where_and_what_was_expected() {
    let mut engine = Engine::new();
    let id = read(&mut engine, THRESHOLDS_RUN);
    let field = "title = \"t\"\n\n[[rules]]\nrule = \"p95 < 1s\"\n\n[[rules]]\nstatistic = \"p95\"\nop = \"<\"\nlimit = \"fast\"\n";
    match evaluate_in(&mut engine, id, 1, field) {
        Err(EvaluateError::Rules {
            line,
            position,
            message,
        }) => {
            assert_eq!(line, Some(9), "{position}: {message}");
            assert!(position.starts_with("rule 2"), "{position}");
            assert!(!message.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let syntax = "[[rules]]\nrule = \"p95 < 1s\"\nlimit = = 3\n";
    match evaluate_in(&mut engine, id, 2, syntax) {
        Err(EvaluateError::Rules { line, message, .. }) => {
            assert_eq!(line, Some(3), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let rule = "[[rules]]\nrule = \"p95 <\"\n";
    match evaluate_in(&mut engine, id, 3, rule) {
        Err(e @ EvaluateError::Rules { line, .. }) => {
            assert_eq!(line, Some(2));
            assert!(e.to_string().contains("expected"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

/// A real k6 run cut mid-line, read through the engine as the page reads it:
/// the summary the page shows is partial with the reason, and every verdict
/// on the run the worker holds says so; the same run whole is not partial.
#[test]
fn a_cut_file_read_by_the_worker_is_partial_in_its_summary_and_verdicts() {
    for (rel, partial) in [
        ("k6/constant_vus/vus_010/run.json.gz", false),
        ("k6/cut/mid_line.json.gz", true),
        ("k6/cut/truncated.json.gz", true),
    ] {
        let mut engine = Engine::new();
        let answers = feed(
            &mut engine,
            "run.json.gz",
            &fixture(rel),
            IngestOptions::default(),
            64 << 10,
        );
        let (id, summary) = match &answers[answers.len().saturating_sub(2)..] {
            [Response::Held { run }, Response::Done(s)] => (*run, s.clone()),
            other => panic!("{rel}: expected Held then Done, got {other:?}"),
        };
        assert_eq!(
            summary.partial, partial,
            "{rel}: {:?}",
            summary.partial_reason
        );
        assert_eq!(summary.partial_reason.is_some(), partial, "{rel}");
        let verdicts = evaluate_in(
            &mut engine,
            id,
            1,
            "[[rules]]\nrule = \"p95 < 10s\"\n\n[[rules]]\nrule = \"error_rate < 50%\"\n",
        )
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(!verdicts.is_empty(), "{rel}");
        for v in &verdicts {
            assert_eq!(v.verdict, Outcome::Pass, "{rel}: {v:?}");
            assert_eq!(v.partial, partial, "{rel}: {v:?}");
            assert_eq!(v.partial_reason, summary.partial_reason, "{rel}");
            assert_eq!(v.label().ends_with("on partial data"), partial, "{rel}");
        }
    }
}
