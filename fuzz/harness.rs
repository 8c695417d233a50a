//! What each fuzz target does with its input, shared by the libFuzzer
//! targets (`fuzz/fuzz_targets/`, nightly) and by the regression test that
//! replays the saved inputs on stable (`crates/core/tests/fuzz_regressions.rs`).
//! Every function must return normally, whatever the bytes: an error is a
//! result, a panic is a bug.

use std::io::Write;

use base64::Engine;
use verdict_core::formats::REGISTRY;
use verdict_core::{IngestOptions, Run, Session};

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// The targets, by name (the folder names under `fuzz/regressions/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("session_detect", session_detect),
    ("session_format", session_format),
    ("gzip", gzip),
    ("share_link", share_link),
    ("analysis_file", analysis_file),
    ("sla_rules", sla_rules),
    ("rule_text", rule_text),
    ("import_yaml_js", import_yaml_js),
    ("levels_table", levels_table),
];

/// Feeds `data` in chunks whose sizes come from the first byte, so chunk
/// boundaries land everywhere.
fn feed(name: &str, options: IngestOptions, data: &[u8]) -> Option<Run> {
    let (first, rest) = data.split_first()?;
    let chunk = usize::from(*first % 64) + 1;
    let mut s = Session::new(name, options);
    for piece in rest.chunks(chunk) {
        if s.feed(piece).is_err() {
            return None;
        }
    }
    s.finish().ok()
}

/// Whatever a run read from fuzzed bytes holds must summarise.
fn use_run(run: Option<Run>) {
    if let Some(run) = run {
        let s = run.summary();
        let _ = serde_json::to_string(&s);
    }
}

/// Auto-detection over every format.
pub fn session_detect(data: &[u8]) {
    use_run(feed("input", IngestOptions::default(), data));
}

/// One format forced (picked by the second byte), as `--format NAME` does.
pub fn session_format(data: &[u8]) {
    let Some((pick, rest)) = data.split_first() else {
        return;
    };
    let spec = &REGISTRY[usize::from(*pick) % REGISTRY.len()];
    let options = IngestOptions {
        format: Some(spec.format),
        ..IngestOptions::default()
    };
    use_run(feed("input", options, rest));
}

/// The gzip layer: the bytes behind a gzip header, so the inflater sees them.
pub fn gzip(data: &[u8]) {
    let mut framed = vec![
        data.first().copied().unwrap_or(1),
        0x1f,
        0x8b,
        0x08,
        0,
        0,
        0,
        0,
        0,
        0,
        0xff,
    ];
    framed.extend_from_slice(data);
    use_run(feed("input.gz", IngestOptions::default(), &framed));
}

/// Share-link text (`vd1.` + base64url of zlib).
pub fn share_link(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = verdict_core::snapshot::decode(&text) {
        let _ = verdict_core::snapshot::describe(&s);
    }
    let _ = verdict_core::snapshot::decode(&format!("vd1.{text}"));
    // Past the base64 and zlib layers: the bytes as the link's payload.
    let link = format!(
        "vd1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(zlib(data))
    );
    if let Ok(s) = verdict_core::snapshot::decode(&link) {
        let _ = verdict_core::snapshot::describe(&s);
    }
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}

/// `.verdict` analysis files, with and without their magic.
pub fn analysis_file(data: &[u8]) {
    if let Ok((run, _)) = verdict_core::saved::load(data) {
        use_run(Some(run));
    }
    // Past the magic and the zlib layer: the bytes as the analysis itself.
    let mut framed = verdict_core::saved::MAGIC.to_vec();
    framed.push(verdict_core::saved::VERSION);
    framed.extend_from_slice(&zlib(data));
    if let Ok((run, _)) = verdict_core::saved::load(&framed) {
        use_run(Some(run));
    }
}

/// SLA files (TOML, JSON) and anything `--sla` takes, by its content.
pub fn sla_rules(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = verdict_core::sla::import::load_rules("rules", &text);
    let _ = verdict_core::sla::load_sla("rules.toml", &text);
    let _ = verdict_core::sla::load_sla("rules.json", &text);
}

/// One rule as typed (`p95 < 200ms`, k6 expressions).
pub fn rule_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = verdict_core::sla::parse_rule(&text);
    let _ = verdict_core::capacity::parse_target(&text);
    if let Some((metric, expr)) = text.split_once('\n') {
        let _ = verdict_core::sla::import::k6_rule(metric, expr);
    }
}

/// k6 scripts and configs, Artillery and Taurus YAML (rules imported from them).
pub fn import_yaml_js(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = verdict_core::sla::import::from_k6_script("script.js", &text);
    let _ = verdict_core::sla::import::from_artillery("test.yml", &text);
    let _ = verdict_core::sla::import::from_taurus("taurus.yml", &text);
    if let Ok(doc) = serde_json::from_str(&text) {
        let _ = verdict_core::sla::import::from_k6_json("options.json", &doc);
    }
}

/// Capacity levels tables (`verdict capacity --levels`), analysed; a first
/// line that reads as a target (`p99<1s`) is the target.
pub fn levels_table(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let (target, table) = match verdict_core::capacity::parse_target(first) {
        Ok(t) => (t, rest),
        Err(_) => match verdict_core::capacity::parse_target("p95<200ms") {
            Ok(t) => (t, &*text),
            Err(_) => return,
        },
    };
    if let Ok(set) = verdict_core::capacity::levels_from_table("levels.csv", table) {
        let options = verdict_core::capacity::CapacityOptions {
            target,
            scenario: verdict_core::capacity::Scenario::default(),
        };
        let report = verdict_core::capacity::analyse(set, &options);
        let _ = serde_json::to_string(&report);
    }
}
