//! Drives the engine the way the page does: real k6 files split into
//! chunks, with the answers checked message by message.

mod common;

use common::{feed, fixture};
use serde_json::Value;
use verdict_core::{Format, IngestOptions, RunSummary, Session};
use verdict_rpc::{Engine, Request, Response, PROTOCOL_VERSION};

fn truth(rel: &str) -> Value {
    serde_json::from_slice(&fixture(rel)).expect("truth.json is JSON")
}

fn open(name: &str, bytes: &[u8]) -> Request {
    Request::Open {
        file_name: name.into(),
        size: bytes.len() as u64,
        options: IngestOptions::default(),
    }
}

/// Feeds `bytes` in `chunk`-sized slices, checking every answer, and returns
/// the summary from `Done`.
fn ingest(engine: &mut Engine, name: &str, bytes: &[u8], chunk: usize) -> Box<RunSummary> {
    assert_eq!(engine.handle(open(name, bytes)), vec![], "Open is silent");
    let mut detected = 0;
    let mut done = 0u64;
    for (seq, slice) in bytes.chunks(chunk).enumerate() {
        let seq = seq as u32;
        let answers = engine.handle(Request::Chunk {
            seq,
            bytes: slice.to_vec(),
        });
        done += slice.len() as u64;
        let (last, before) = answers.split_last().expect("every chunk is answered");
        assert_eq!(
            *last,
            Response::Ack {
                seq,
                bytes_done: done
            },
            "chunk {seq} of {name}"
        );
        for a in before {
            assert!(
                matches!(
                    a,
                    Response::Detected {
                        format: Format::K6Ndjson
                    }
                ),
                "{a:?}"
            );
            detected += 1;
        }
    }
    assert_eq!(done, bytes.len() as u64);
    let mut answers = engine.handle(Request::Finish);
    let summary = match answers.pop() {
        Some(Response::Done(summary)) => summary,
        other => panic!("expected Done for {name}, got {other:?}"),
    };
    // Before `Done`: the format once, the capacity levels, and for files
    // with samples the analysis the page keeps, any run let go for this one;
    // last, the held run's id.
    let mut levels = 0;
    assert!(
        matches!(answers.last(), Some(Response::Held { .. })),
        "{name}: Held comes right before Done"
    );
    for a in &answers {
        match a {
            Response::Detected { .. } => detected += 1,
            Response::Levels { .. } => levels += 1,
            Response::Held { .. } => {}
            // A fifth run in one worker lets the oldest go, as its file.
            Response::Released { bytes, .. } => assert!(bytes.is_ok(), "{bytes:?}"),
            Response::Kept(text) => {
                let kept = verdict_core::snapshot::decode(text).expect("the kept analysis decodes");
                assert_eq!(
                    kept.runs[0].summary, *summary,
                    "{name}: the kept analysis is the summary"
                );
            }
            other => panic!("unexpected {other:?} before Done"),
        }
    }
    assert_eq!(levels, 1, "{name}: Levels is sent exactly once");
    assert_eq!(detected, 1, "Detected is sent exactly once");
    assert!(!engine.is_busy());
    summary
}

fn direct(name: &str, bytes: &[u8]) -> RunSummary {
    Session::read_all(name, IngestOptions::default(), bytes)
        .expect("fixture reads")
        .summary()
}

#[test]
fn ready_announces_the_protocol_version_and_every_format() {
    let Response::Ready { protocol, formats } = Engine::ready() else {
        panic!("not Ready")
    };
    assert_eq!(protocol, PROTOCOL_VERSION);
    let names: Vec<&str> = formats.iter().map(|f| f.name.as_str()).collect();
    let all: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
    assert_eq!(names, all);
    assert!(formats.iter().all(|f| !f.description.is_empty()));
}

#[test]
fn chunked_ingest_matches_the_core_and_the_truth() {
    let bytes = fixture("k6/ramping/run.json.gz");
    let truth = truth("k6/ramping/truth.json");
    let expected = direct("run.json.gz", &bytes);
    assert_eq!(expected.requests, truth["overall"]["count"].as_u64());
    assert_eq!(expected.errors, truth["overall"]["errors"].as_u64());
    let mut engine = Engine::new();
    // 4 MiB is what the page sends; the odd sizes split gzip blocks and lines anywhere.
    for chunk in [4 << 20, 65_536, 4099, 997] {
        let got = ingest(&mut engine, "run.json.gz", &bytes, chunk);
        assert_eq!(*got, expected, "chunk size {chunk}");
    }
    // Detection does not depend on the name.
    let neutral = ingest(&mut engine, "input", &bytes, 1 << 20);
    assert_eq!(neutral.requests, expected.requests);
    assert_eq!(neutral.latency_ms, expected.latency_ms);
    assert_eq!(neutral.endpoints, expected.endpoints);
}

#[test]
fn tiny_file_in_one_byte_chunks_is_detected_at_finish() {
    let mut engine = Engine::new();
    let got = ingest(&mut engine, "input", TINY, 1);
    assert_eq!(got.requests, Some(1));
    assert_eq!(*got, direct("input", TINY));
}

#[test]
fn cancel_mid_stream_leaves_the_engine_reusable() {
    let big = fixture("k6/ramping/run.json.gz");
    let mut engine = Engine::new();
    engine.handle(open("run.json.gz", &big));
    for (seq, slice) in big.chunks(65_536).take(3).enumerate() {
        let answers = engine.handle(Request::Chunk {
            seq: seq as u32,
            bytes: slice.to_vec(),
        });
        assert!(matches!(answers.last(), Some(Response::Ack { .. })));
    }
    assert!(engine.is_busy());
    assert_eq!(engine.handle(Request::Cancel), vec![Response::Cancelled]);
    assert!(!engine.is_busy());
    // A chunk still in flight when Cancel was sent is refused, not mixed into the next file.
    let late = engine.handle(Request::Chunk {
        seq: 3,
        bytes: vec![b'{'],
    });
    assert!(
        matches!(&late[..], [Response::Error(e)] if e.code == "protocol"),
        "{late:?}"
    );

    let small = fixture("k6/thresholds/run.json.gz");
    let got = ingest(&mut engine, "run.json.gz", &small, 1 << 20);
    assert_eq!(*got, direct("run.json.gz", &small));
    assert_eq!(
        got.requests,
        truth("k6/thresholds/truth.json")["overall"]["count"].as_u64()
    );
    // Cancel when idle is harmless.
    assert_eq!(engine.handle(Request::Cancel), vec![Response::Cancelled]);
}

#[test]
fn unreadable_file_is_an_error_with_a_code_and_the_engine_stays_usable() {
    let mut engine = Engine::new();
    let text = b"this is a shopping list, not a load test\nmilk\neggs\n".repeat(1000);
    engine.handle(open("notes.txt", &text));
    let mut errors = Vec::new();
    for (seq, slice) in text.chunks(4096).enumerate() {
        let answers = engine.handle(Request::Chunk {
            seq: seq as u32,
            bytes: slice.to_vec(),
        });
        if let Some(Response::Error(e)) = answers.last() {
            errors.push(e.clone());
            break;
        }
    }
    if errors.is_empty() {
        match engine.handle(Request::Finish).pop() {
            Some(Response::Error(e)) => errors.push(e),
            other => panic!("expected an error, got {other:?}"),
        }
    }
    let e = &errors[0];
    assert_eq!(e.code, "fmt");
    assert!(
        e.message.contains("notes.txt") && e.message.contains("shopping list"),
        "{}",
        e.message
    );
    assert!(!engine.is_busy());

    let bytes = fixture("k6/thresholds/run.json.gz");
    assert_eq!(
        ingest(&mut engine, "run.json.gz", &bytes, 1 << 20).requests,
        direct("x", &bytes).requests
    );
}

#[test]
fn empty_file_is_an_error() {
    let mut engine = Engine::new();
    engine.handle(open("empty.json", b""));
    let answers = engine.handle(Request::Finish);
    assert!(
        matches!(&answers[..], [Response::Error(e)] if e.code == "fmt"),
        "{answers:?}"
    );
}

#[test]
fn out_of_order_messages_are_protocol_errors() {
    let mut engine = Engine::new();
    let finish = engine.handle(Request::Finish);
    assert!(matches!(&finish[..], [Response::Error(e)] if e.code == "protocol"));

    engine.handle(open("a.json", b"{}"));
    let skipped = engine.handle(Request::Chunk {
        seq: 1,
        bytes: b"{}".to_vec(),
    });
    assert!(
        matches!(&skipped[..], [Response::Error(e)] if e.code == "protocol" && e.message.contains("expected chunk 0")),
        "{skipped:?}"
    );
    assert!(!engine.is_busy(), "a broken sequence closes the file");

    engine.handle(open("a.json", b"{}"));
    let twice = engine.handle(open("b.json", b"{}"));
    assert!(matches!(&twice[..], [Response::Error(e)] if e.code == "protocol"));
    assert!(!engine.is_busy());
}

const TINY: &[u8] = br#"{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-22T01:35:58.832031449Z","value":9.12,"tags":{"name":"GET /x","method":"GET","status":"200","expected_response":"true"}}}
"#;

#[test]
fn messages_round_trip_through_serde() {
    let requests = [
        open("run.json", b"abc"),
        Request::Chunk {
            seq: 7,
            bytes: vec![0, 1, 255],
        },
        Request::Finish,
        Request::Cancel,
        Request::Save { run: 2, ticket: 5 },
        Request::Merge {
            runs: vec![serde_bytes::ByteBuf::from(vec![0x89, 1])],
        },
        Request::Trend {
            ticket: 6,
            runs: vec![("a".into(), serde_bytes::ByteBuf::from(vec![2]))],
        },
    ];
    for r in requests {
        let json = serde_json::to_string(&r).expect("serializes");
        assert_eq!(
            serde_json::from_str::<Request>(&json).expect("deserializes"),
            r,
            "{json}"
        );
    }
    // The page builds chunk messages by hand (to transfer the bytes), in this shape.
    let chunk: Request =
        serde_json::from_str(r#"{"Chunk":{"seq":2,"bytes":[104,105]}}"#).expect("shape");
    assert_eq!(
        chunk,
        Request::Chunk {
            seq: 2,
            bytes: b"hi".to_vec()
        }
    );
    let responses = [
        Engine::ready(),
        Response::Detected {
            format: Format::K6Csv,
        },
        Response::Ack {
            seq: 3,
            bytes_done: 1 << 40,
        },
        Response::Cancelled,
        Response::Saved {
            run: 2,
            ticket: 5,
            bytes: Ok(serde_bytes::ByteBuf::from(vec![0x89, 0])),
        },
        Response::Saved {
            run: 2,
            ticket: 5,
            bytes: Err(verdict_rpc::HeldError::Forgotten { run: 2 }),
        },
        Response::Released {
            run: 1,
            bytes: Ok(serde_bytes::ByteBuf::from(vec![0x89, 1])),
        },
        Response::Trend {
            ticket: 6,
            trend: Err("a trend needs at least two runs (1 given)".into()),
        },
        Response::Error(verdict_rpc::ErrorInfo::new("fmt", "x.txt: not a format")),
        Response::Error(verdict_rpc::ErrorInfo {
            code: "csv-mapping".into(),
            message: "x.csv: map its columns".into(),
            columns: vec!["ts".into(), "elapsed".into()],
        }),
    ];
    for r in responses {
        let json = serde_json::to_string(&r).expect("serializes");
        assert_eq!(
            serde_json::from_str::<Response>(&json).expect("deserializes"),
            r,
            "{json}"
        );
    }
    // serde_json's default float parsing may land one ulp off, so `Done` is
    // compared field by field here; the browser codec is checked exactly by
    // the wasm tests in verdict-web.
    let summary = direct("run.json.gz", &fixture("k6/thresholds/run.json.gz"));
    let json =
        serde_json::to_string(&Response::Done(Box::new(summary.clone()))).expect("serializes");
    match serde_json::from_str::<Response>(&json).expect("deserializes") {
        Response::Done(back) => {
            assert_eq!(back.requests, summary.requests);
            assert_eq!(back.status_codes, summary.status_codes);
            assert_eq!(back.timeline.points.len(), summary.timeline.points.len());
            let names = |s: &RunSummary| {
                s.endpoints
                    .iter()
                    .map(|e| e.name.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(names(&back), names(&summary));
        }
        other => panic!("{other:?}"),
    }
}

type Sent = Option<Box<verdict_core::capacity::LevelSet>>;

/// The levels the engine sends for a file read whole (`run.json.gz`): on the
/// run's own axis and on the request-rate axis, each only without a refusal.
fn levels_sent(engine: &mut Engine, bytes: &[u8]) -> (Sent, Sent) {
    let answers = feed(
        engine,
        "run.json.gz",
        bytes,
        IngestOptions::default(),
        65_536,
    );
    answers
        .into_iter()
        .find_map(|a| match a {
            Response::Levels {
                levels,
                refusal,
                by_rate,
                by_rate_refusal,
            } => Some((
                levels.filter(|_| refusal.is_none()),
                by_rate.filter(|_| by_rate_refusal.is_none()),
            )),
            _ => None,
        })
        .unwrap_or((None, None))
}

/// The levels each worker sends, combined in the page, answer exactly as the
/// core does on the runs themselves (what `verdict capacity` prints).
#[test]
fn levels_from_five_constant_vu_runs_give_the_core_answer() {
    use verdict_core::capacity::{
        analyse, levels_from_runs, parse_target, CapacityOptions, LevelSet, PlateauOptions,
        Scenario,
    };
    let dirs = ["vus_010", "vus_025", "vus_050", "vus_100", "vus_200"];
    let mut engine = Engine::new();
    let mut combined = LevelSet::default();
    let mut runs = Vec::new();
    for dir in dirs {
        let bytes = fixture(&format!("k6/constant_vus/{dir}/run.json.gz"));
        runs.push(
            Session::read_all("run.json.gz", IngestOptions::default(), &bytes)
                .expect("fixture reads"),
        );
        let (set, _) = levels_sent(&mut engine, &bytes);
        let set = set.unwrap_or_else(|| panic!("{dir}: no levels"));
        assert_eq!(set.levels.len(), 1, "{dir} is one constant-VU level");
        combined.levels.extend(set.levels);
    }
    let options = CapacityOptions {
        target: parse_target("p95<200ms").expect("target"),
        scenario: Scenario::default(),
    };
    let direct = levels_from_runs(&runs, &PlateauOptions::default(), &[0.95]).expect("levels");
    let expected = analyse(direct, &options);
    let got = analyse(combined, &options);
    assert!(
        expected.answer.value.is_some(),
        "{}",
        expected.answer.message
    );
    assert_eq!(got.answer, expected.answer);
    assert_eq!(got.usl, expected.usl);
    // Survives the trip as JSON.
    let back: Response = serde_json::from_str(
        &serde_json::to_string(&Response::Levels {
            levels: Some(Box::new(LevelSet {
                levels: got.levels.clone(),
                ..LevelSet::default()
            })),
            refusal: None,
            by_rate: None,
            by_rate_refusal: None,
        })
        .expect("serializes"),
    )
    .expect("parses");
    assert!(matches!(back, Response::Levels { levels: Some(s), .. } if s.levels.len() == 5));
}

/// The real JMeter CSV with neutral column names, so no reader recognises it:
/// what a user of a tool Verdict has no reader for would drop.
fn neutral_csv() -> (Vec<u8>, Vec<String>) {
    let jtl = fixture("generic_csv/jmeter/results.jtl");
    let text = String::from_utf8(jtl).expect("the fixture is UTF-8");
    let (_, rows) = text.split_once('\n').expect("a header line");
    let header =
        "started_ms,took_ms,route,code,message,worker,kind,passed,why,size,g,a,ttfb,connect";
    let columns = header.split(',').map(String::from).collect();
    (format!("{header}\n{rows}").into_bytes(), columns)
}

#[test]
fn an_unrecognised_csv_error_lists_its_columns_and_a_mapping_reads_it() {
    use verdict_core::options::{CsvColumn, CsvMapping, TimestampMarks};
    use verdict_core::time::DurationUnit;
    let (bytes, header) = neutral_csv();
    let mut engine = Engine::new();
    engine.handle(open("export.csv", &bytes));
    let mut answers = Vec::new();
    for (seq, slice) in bytes.chunks(50_000).enumerate() {
        answers = engine.handle(Request::Chunk {
            seq: seq as u32,
            bytes: slice.to_vec(),
        });
        if matches!(answers.last(), Some(Response::Error(_))) {
            break;
        }
    }
    if !matches!(answers.last(), Some(Response::Error(_))) {
        answers = engine.handle(Request::Finish);
    }
    let Some(Response::Error(error)) = answers.last() else {
        panic!("expected an error, got {answers:?}");
    };
    assert_eq!(error.code, "csv-mapping");
    assert_eq!(error.columns, header, "the columns the mapping form offers");
    assert!(error.message.contains("export.csv"), "{}", error.message);

    // The same file again with the mapping the form builds from those columns.
    let name = |i: usize| Some(CsvColumn::Name(header[i].clone()));
    let options = IngestOptions {
        csv_mapping: Some(CsvMapping {
            latency: CsvColumn::Name(header[1].clone()),
            latency_unit: DurationUnit::Millis,
            timestamp: name(0),
            timestamp_unit: None,
            timestamp_marks: TimestampMarks::Start,
            label: name(2),
            status: name(3),
            success: name(7),
        }),
        ..IngestOptions::default()
    };
    let done = feed(&mut engine, "export.csv", &bytes, options.clone(), 50_000);
    let Some(Response::Done(summary)) = done.last() else {
        panic!("expected Done, got {done:?}");
    };
    let direct = Session::read_all("export.csv", options, &bytes)
        .expect("reads")
        .summary();
    assert_eq!(summary.format, Format::GenericCsv);
    assert_eq!(summary.requests, direct.requests);
    assert_eq!(summary.errors, direct.errors);
    assert_eq!(summary.latency_ms, direct.latency_ms);
    // The same numbers as the original JMeter file read by its own reader.
    let jmeter = Session::read_all(
        "results.jtl",
        IngestOptions::default(),
        &fixture("generic_csv/jmeter/results.jtl"),
    )
    .expect("reads")
    .summary();
    assert_eq!(summary.requests, jmeter.requests);
    assert_eq!(summary.latency_ms, jmeter.latency_ms);
    // truth.json, counted from every row.
    assert_eq!((summary.requests, summary.errors), (Some(4249), Some(13)));
}

#[test]
fn an_error_from_a_worker_without_columns_still_reads() {
    // What a worker from before the `columns` field sends.
    let old = r#"{"Error":{"code":"fmt","message":"x.txt: not a format"}}"#;
    let parsed: Response = serde_json::from_str(old).expect("parses");
    assert_eq!(
        parsed,
        Response::Error(verdict_rpc::ErrorInfo::new("fmt", "x.txt: not a format"))
    );
    // And a new error without columns is written the old way.
    let json = serde_json::to_string(&parsed).expect("serializes");
    assert_eq!(json, old);
}

/// A k6 arrival-rate run does not name its executor: the worker sends its
/// levels on the request-rate axis beside its own (VU) reading, equal to
/// what `verdict capacity --load req/s` cuts from the run itself.
#[test]
fn an_arrival_rate_run_is_also_sent_on_the_request_rate_axis() {
    use verdict_core::capacity::{levels_from_runs, LoadUnit, PlateauOptions};
    let bytes = fixture("k6/arrival_rate/ramping/run.json.gz");
    let run =
        Session::read_all("run.json.gz", IngestOptions::default(), &bytes).expect("fixture reads");
    let by_rate_options = PlateauOptions {
        load: Some(LoadUnit::RequestsPerSecond),
        ..PlateauOptions::default()
    };
    let direct = levels_from_runs(
        std::slice::from_ref(&run),
        &by_rate_options,
        &verdict_rpc::EXTRA_LEVEL_QUANTILES,
    )
    .expect("the staged run holds several rates");
    let (_, sent) = levels_sent(&mut Engine::new(), &bytes);
    let sent = sent.expect("levels on the request-rate axis");
    assert_eq!(sent.load, LoadUnit::RequestsPerSecond);
    assert_eq!(*sent, direct);
    assert!(sent.levels.len() >= 2, "{} levels", sent.levels.len());
}
