//! The worker/protocol glue in a real browser (wasm-bindgen-test, headless
//! Chromium): the JS shape of every message, exact numbers across the
//! `postMessage` codec, the engine running as Wasm on a real k6 file, and
//! the run view's scrapeable attributes.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use js_sys::Uint8Array;
use verdict_core::{Format, IngestOptions, RunSummary, Session};
use verdict_rpc::{Engine, ErrorInfo, Request, Response, PROTOCOL_VERSION};
use verdict_web::components::run_view::{RunView, RunViewProps};
use verdict_web::{display, wire};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A real k6 run (k6 v1.1.0, `--out json`, gzipped); see tests/fixtures/k6/README.md.
const THRESHOLDS: &[u8] = include_bytes!("../../tests/fixtures/k6/thresholds/run.json.gz");

fn direct(bytes: &[u8]) -> RunSummary {
    Session::read_all("run.json.gz", IngestOptions::default(), bytes)
        .expect("fixture reads")
        .summary()
}

/// Sends every request through the JS codec, as the page and worker do.
fn through_the_wire(engine: &mut Engine, request: JsValueRequest) -> Vec<Response> {
    let value = match request {
        JsValueRequest::Plain(r) => wire::encode_request(&r).expect("encodes"),
        JsValueRequest::Chunk(seq, bytes) => {
            wire::chunk_message(seq, &Uint8Array::from(bytes)).expect("builds")
        }
    };
    let request = wire::decode_request(value).expect("decodes");
    engine
        .handle(request)
        .iter()
        .map(|r| {
            wire::decode_response(wire::encode_response(r).expect("encodes")).expect("decodes")
        })
        .collect()
}

enum JsValueRequest<'a> {
    Plain(Request),
    Chunk(u32, &'a [u8]),
}

#[wasm_bindgen_test]
fn hand_built_chunk_messages_decode_as_requests() {
    let bytes = [0u8, 1, 2, 254, 255];
    let message = wire::chunk_message(9, &Uint8Array::from(&bytes[..])).expect("builds");
    assert_eq!(
        wire::decode_request(message),
        Ok(Request::Chunk {
            seq: 9,
            bytes: bytes.to_vec()
        })
    );
    for r in [
        Request::Open {
            file_name: "a b.json".into(),
            size: 1 << 40,
            options: IngestOptions {
                format: Some(Format::K6Csv),
                ..IngestOptions::default()
            },
        },
        Request::Finish,
        Request::Cancel,
    ] {
        assert_eq!(
            wire::decode_request(wire::encode_request(&r).expect("encodes")),
            Ok(r)
        );
    }
    assert!(wire::decode_request(wasm_bindgen::JsValue::from_str("Explode")).is_err());
}

#[wasm_bindgen_test]
fn a_real_run_crosses_the_wire_exactly() {
    let mut engine = Engine::new();
    let size = THRESHOLDS.len() as u64;
    assert!(through_the_wire(
        &mut engine,
        JsValueRequest::Plain(Request::Open {
            file_name: "run.json.gz".into(),
            size,
            options: IngestOptions::default()
        })
    )
    .is_empty());
    let mut acked = Vec::new();
    for (seq, slice) in THRESHOLDS.chunks(64 * 1024).enumerate() {
        for r in through_the_wire(&mut engine, JsValueRequest::Chunk(seq as u32, slice)) {
            match r {
                Response::Ack { seq, bytes_done } => acked.push((seq, bytes_done)),
                Response::Detected { format } => assert_eq!(format, Format::K6Ndjson),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(acked.len(), THRESHOLDS.chunks(64 * 1024).count());
    assert_eq!(acked.last().map(|a| a.1), Some(size));
    let mut done = through_the_wire(&mut engine, JsValueRequest::Plain(Request::Finish));
    // serde-wasm-bindgen carries f64s as JS numbers: bit-for-bit equal.
    assert_eq!(
        done.pop(),
        Some(Response::Done(Box::new(direct(THRESHOLDS))))
    );
    // Before it, the run's capacity levels, then the analysis the page keeps,
    // which decodes to the same summary.
    let run = match done.as_slice() {
        [Response::Levels { .. }, Response::Kept(text), Response::Held { run }] => {
            let kept = verdict_core::snapshot::decode(text).expect("decodes");
            assert_eq!(kept.runs[0].summary, direct(THRESHOLDS));
            *run
        }
        other => panic!("expected the levels, the kept analysis and Held, got {other:?}"),
    };
    // SLA verdicts on the held run cross the codec bit for bit, equal to
    // the core's on the same file (what `verdict check --json` prints).
    let rules =
        verdict_core::sla::save_toml(&verdict_core::sla::preset("tiered-api").expect("preset"));
    let answer = through_the_wire(
        &mut engine,
        JsValueRequest::Plain(Request::Evaluate {
            run,
            ticket: 7,
            sla: rules.clone(),
        }),
    );
    let sla = verdict_core::sla::load_sla("rules", &rules).expect("reads");
    let core_run = Session::read_all("run.json.gz", IngestOptions::default(), THRESHOLDS)
        .expect("fixture reads");
    let expected = verdict_core::sla::evaluate(&sla, &core_run);
    assert!(!expected.is_empty());
    assert_eq!(
        answer,
        vec![Response::Verdicts {
            run,
            ticket: 7,
            verdicts: Ok(expected)
        }]
    );
    // A run let go of says so, through the codec too.
    assert!(
        through_the_wire(&mut engine, JsValueRequest::Plain(Request::Forget { run })).is_empty()
    );
    let answer = through_the_wire(
        &mut engine,
        JsValueRequest::Plain(Request::Evaluate {
            run,
            ticket: 8,
            sla: rules,
        }),
    );
    assert_eq!(
        answer,
        vec![Response::Verdicts {
            run,
            ticket: 8,
            verdicts: Err(verdict_rpc::EvaluateError::Forgotten { run })
        }]
    );
}

#[wasm_bindgen_test]
fn other_responses_cross_the_wire() {
    for r in [
        Engine::ready(),
        Response::Ready {
            protocol: PROTOCOL_VERSION + 1,
            formats: Vec::new(),
        },
        Response::Cancelled,
        Response::Error(ErrorInfo::new("fmt", "notes.txt: not a format")),
        Response::Held { run: 3 },
        Response::Verdicts {
            run: 3,
            ticket: 4,
            verdicts: Err(verdict_rpc::EvaluateError::Rules {
                line: Some(2),
                position: "line 2, column 9".into(),
                message: "expected a value".into(),
            }),
        },
        Response::Error(ErrorInfo {
            code: "csv-mapping".into(),
            message: "export.csv: map its columns".into(),
            columns: vec!["ts".into(), "took (µs)".into(), "route".into()],
        }),
    ] {
        assert_eq!(
            wire::decode_response(wire::encode_response(&r).expect("encodes")),
            Ok(r)
        );
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("window");
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("timer");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("timer fires");
}

#[wasm_bindgen_test]
async fn run_view_carries_exact_values_for_scraping() {
    let summary = direct(THRESHOLDS);
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let root = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    let props = RunViewProps {
        summary: Rc::new(summary.clone()),
        width: 1200.0,
        elapsed_ms: 500.0,
        size: 1000,
        broken: Vec::new(),
    };
    yew::Renderer::<RunView>::with_root_and_props(root.clone(), props).render();
    sleep(20).await;

    let value = |selector: &str| {
        root.query_selector(selector)
            .expect("valid selector")
            .unwrap_or_else(|| panic!("{selector} not rendered"))
            .get_attribute("data-value")
    };
    let overall = r#"dl[data-endpoint="*overall*"]"#;
    assert_eq!(
        value(&format!(r#"{overall} [data-metric="p95"]"#)),
        summary.latency_ms.p95.map(display::exact)
    );
    assert_eq!(
        value(&format!(r#"{overall} [data-metric="rps"]"#)),
        summary.rps.map(display::exact)
    );
    assert_eq!(
        value(&format!(r#"{overall} [data-metric="requests"]"#)),
        summary.requests.map(|n| n.to_string())
    );
    for e in &summary.endpoints {
        let row = format!(r#"tr[data-endpoint="{}"]"#, e.name);
        assert_eq!(
            value(&format!(r#"{row} [data-metric="p99"]"#)),
            e.latency_ms.p99.map(display::exact),
            "{}",
            e.name
        );
        assert_eq!(
            value(&format!(r#"{row} [data-metric="error_rate"]"#)),
            e.error_rate.map(display::exact)
        );
    }
    let rows = root.query_selector_all("tbody tr").expect("rows").length();
    assert_eq!(rows as usize, summary.endpoints.len());
    // Charts are drawn, each with an accessible description.
    for chart in ["timeline", "distribution", "status"] {
        let svg = root
            .query_selector(&format!("figure.{chart} svg"))
            .expect("selector")
            .expect(chart);
        let label = svg.get_attribute("aria-label").unwrap_or_default();
        assert!(!label.is_empty(), "{chart} has no aria-label");
        assert!(svg.dyn_ref::<web_sys::Element>().is_some());
    }
}
