//! What the page does with kept analyses: compare two, build a share link,
//! open one. Pure functions over `verdict_core`, tested natively.

use std::rc::Rc;

use verdict_core::compare::{compare_snapshots, CompareOptions, Comparison};
use verdict_core::sla::Verdict;
use verdict_core::snapshot::{self, Snapshot, SnapshotError, SnapshotRun};
use verdict_core::RunSummary;

/// The fragment key of a share link: `…/verdict/#s=vd2.…`.
pub const FRAGMENT_KEY: &str = "#s=";

/// One finished run as the page holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldRun {
    pub summary: Rc<RunSummary>,
    /// The kept analysis text; `None` for tool-reported runs.
    pub analysis: Option<Rc<String>>,
}

fn run_of(held: &HeldRun) -> Result<SnapshotRun, String> {
    match &held.analysis {
        Some(text) => snapshot::decode(text)
            .map_err(|e| e.to_string())?
            .runs
            .into_iter()
            .next()
            .ok_or_else(|| "an analysis without a run".to_string()),
        None => Ok(SnapshotRun {
            summary: (*held.summary).clone(),
            overall: None,
            endpoints: Vec::new(),
            blocks: Vec::new(),
        }),
    }
}

/// Compares two kept analyses, as `verdict compare` does.
pub fn compare(baseline: &HeldRun, candidate: &HeldRun) -> Result<Comparison, String> {
    compare_snapshots(
        &run_of(baseline)?,
        &run_of(candidate)?,
        &CompareOptions::default(),
    )
    .map_err(|e| e.to_string())
}

/// SLA verdicts shown on the page, and the rules (SLA TOML) behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaShown {
    pub verdicts: Vec<Verdict>,
    pub rules: String,
}

/// A share link's snapshot and text: the runs' summaries (reduced to fit a
/// chat message where needed, [`snapshot::link`]), the comparison and SLA
/// verdicts if any, optionally redacted.
///
/// Each run is named as the page names it (`names`, in the order of `runs`),
/// and so are the comparison's two runs, found by their file name, start and
/// request count.
pub fn share(
    runs: &[HeldRun],
    names: &[String],
    comparison: Option<&Comparison>,
    sla: Option<&SlaShown>,
    capacity: Option<&serde_json::Value>,
    redact: bool,
) -> Result<(Snapshot, snapshot::Link), String> {
    let mut shared: Vec<SnapshotRun> = runs.iter().map(run_of).collect::<Result<_, _>>()?;
    let mut comparison = comparison.cloned();
    for (run, name) in shared.iter_mut().zip(names) {
        if let Some(c) = comparison.as_mut() {
            for side in [&mut c.baseline, &mut c.candidate] {
                let same = side.source == run.summary.source
                    && side.start == run.summary.start
                    && Some(side.requests) == run.summary.requests;
                if same {
                    side.source = name.clone();
                }
            }
        }
        run.summary.source = name.clone();
    }
    let mut s = Snapshot {
        runs: shared,
        capacity: capacity.cloned(),
        comparison: comparison
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| e.to_string())?,
        verdicts: sla
            .map(|s| serde_json::to_value(&s.verdicts))
            .transpose()
            .map_err(|e| e.to_string())?,
        sla_rules: sla.map(|s| serde_json::Value::String(s.rules.clone())),
        ..Snapshot::default()
    };
    if redact {
        s = s.redacted().map_err(|e| e.to_string())?;
    }
    let link = snapshot::encode_link(&s).map_err(|e| e.to_string())?;
    Ok((s, link))
}

/// The link for `text` on the page at `page_url` (its fragment replaced).
pub fn link(page_url: &str, text: &str) -> String {
    let base = page_url.split('#').next().unwrap_or(page_url);
    format!("{base}{FRAGMENT_KEY}{text}")
}

/// The snapshot text in a page's `location.hash`, if it is a share link.
pub fn fragment_text(hash: &str) -> Option<&str> {
    hash.strip_prefix(FRAGMENT_KEY)
}

/// What a share link holds, in a sentence per item, for the preview;
/// `made` says what making it gave up, when it was just made.
pub fn preview(s: &Snapshot, chars: usize, made: Option<&snapshot::Link>) -> Vec<String> {
    let mut lines: Vec<String> = s
        .runs
        .iter()
        .map(|r| {
            let what = if r.summary.reported_by == verdict_core::summary::ReportedBy::Samples {
                "every count and percentile of its summary"
            } else {
                "the tool's own summary"
            };
            format!(
                "{}: {} endpoints, {} requests — {what}",
                r.summary.source,
                r.summary.endpoints.len(),
                r.summary
                    .requests
                    .map_or("unknown".to_string(), |n| n.to_string())
            )
        })
        .collect();
    if let Some(link) = made {
        if link.thinned_distributions {
            lines.push(
                "percentile distributions at every other point, to fit a chat message".into(),
            );
        }
        if link.merged_timelines > 0 {
            lines.push(format!(
                "timelines in at most {} wider windows (merged exactly), to fit a chat message",
                link.timeline_windows
            ));
        }
    }
    if s.comparison.is_some() {
        lines.push("the comparison of two runs, with its verdicts".into());
    }
    if let Some(answer) = capacity_of(s) {
        lines.push(format!("the capacity answer: {}", answer.sentence));
    }
    if let Some(n) = verdicts_of(s).map(|v| v.len()) {
        lines.push(format!(
            "{n} SLA verdict{} and the rules behind them",
            if n == 1 { "" } else { "s" }
        ));
    }
    lines.push(if s.redacted {
        "endpoint names, file names and hosts are replaced by placeholders".into()
    } else {
        "endpoint and file names are included as they are".into()
    });
    lines.push(format!(
        "no raw samples; {chars} characters, all in the link itself: nothing is uploaded"
    ));
    lines
}

/// Opens a share link's text.
pub fn open(text: &str) -> Result<Snapshot, SnapshotError> {
    snapshot::decode(text)
}

/// A comparison carried by a link, if it reads as one.
pub fn comparison_of(s: &Snapshot) -> Option<Comparison> {
    s.comparison
        .clone()
        .and_then(|v| Comparison::from_json(v).ok())
}

/// The SLA verdicts a link carries, if they read as verdicts.
pub fn verdicts_of(s: &Snapshot) -> Option<Vec<Verdict>> {
    s.verdicts
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
}

/// The capacity answer a link carries, as the page showed it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SharedCapacity {
    /// The question, e.g. `p95 ≤ 200 ms`.
    pub target: String,
    /// `VUs` or `req/s`.
    pub load: String,
    pub value: Option<u64>,
    pub low: Option<u64>,
    pub high: Option<u64>,
    /// The answer in one plain sentence.
    pub sentence: String,
    /// How many load levels it rests on.
    pub levels: usize,
}

impl SharedCapacity {
    /// The answer of a capacity report, to put in a link.
    pub fn of(report: &verdict_core::capacity::CapacityReport) -> SharedCapacity {
        SharedCapacity {
            target: report.target.to_string(),
            load: report.load.label().to_string(),
            value: report.answer.value,
            low: report.answer.low,
            high: report.answer.high,
            sentence: report.answer.message.clone(),
            levels: report.levels.len(),
        }
    }
}

/// The capacity answer a link carries, if it reads as one.
pub fn capacity_of(s: &Snapshot) -> Option<SharedCapacity> {
    s.capacity
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
}

/// What a link holds as a readiness report file (self-contained HTML that
/// opens offline): for links too long for a chat message. The runs, the SLA
/// verdicts and rules, and the capacity answer and comparison headline as notes.
pub fn report_file(s: &Snapshot, generated: &str) -> String {
    let sla = rules_of(s)
        .and_then(|t| verdict_core::sla::load_sla("rules.toml", &t).ok())
        .unwrap_or_default();
    let verdicts = verdicts_of(s).unwrap_or_default();
    let mut notes = Vec::new();
    if let Some(c) = comparison_of(s) {
        notes.push(format!(
            "Comparison, {} against {}: {}",
            c.candidate.source, c.baseline.source, c.headline
        ));
    }
    if let Some(c) = capacity_of(s) {
        notes.push(format!(
            "Capacity ({} over {} levels): {}",
            c.target, c.levels, c.sentence
        ));
    }
    let runs: Vec<RunSummary> = s.runs.iter().map(|r| r.summary.clone()).collect();
    verdict_core::report::html(&verdict_core::report::ReportInput {
        title: sla
            .title
            .clone()
            .unwrap_or_else(|| "Shared analysis".into()),
        generated: generated.to_string(),
        notes: notes.join("\n"),
        sla: &sla,
        runs: &runs,
        verdicts: &verdicts,
    })
}

/// The SLA rules (TOML) a link carries.
pub fn rules_of(s: &Snapshot) -> Option<String> {
    s.sla_rules
        .as_ref()
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_core::{IngestOptions, Session};

    fn held(rel: &str) -> HeldRun {
        let path = format!("{}/../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let run =
            Session::read_all("run.json.gz", IngestOptions::default(), &bytes).expect("reads");
        let kept = snapshot::encode_with(
            &Snapshot::of_runs([&run]).expect("snapshot"),
            snapshot::EncodeOptions { time_blocks: true },
        )
        .expect("encodes");
        HeldRun {
            summary: Rc::new(run.summary()),
            analysis: Some(Rc::new(kept)),
        }
    }

    #[test]
    fn kept_analyses_compare_and_share() {
        let (a, b) = (
            held("k6/constant_vus/vus_100/run.json.gz"),
            held("k6/constant_vus/vus_200/run.json.gz"),
        );
        let c = compare(&a, &b).expect("compares");
        // 100 against 200 VUs: the loads differ, the rows keep their verdicts.
        assert_eq!(c.verdict, verdict_core::compare::Conclusion::NotComparable);
        assert_eq!(c.rows_verdict, verdict_core::compare::Verdict::Regression);
        let names = ["before".to_string(), "after".to_string()];
        let (s, made) =
            share(&[a.clone(), b.clone()], &names, Some(&c), None, None, false).expect("shares");
        // The page's run names travel, the comparison's runs named alike.
        let opened = open(&made.text).expect("opens");
        assert_eq!(opened.runs[1].summary.source, "after");
        let shared_c = comparison_of(&opened).expect("comparison");
        assert_eq!(
            (
                shared_c.baseline.source.as_str(),
                shared_c.candidate.source.as_str()
            ),
            ("before", "after")
        );
        assert!(!s.redacted);
        // Two runs alone fit a chat message.
        let (_, alone) =
            share(&[a.clone(), b.clone()], &names, None, None, None, false).expect("shares");
        assert!(alone.within_budget, "{} characters", alone.text.len());
        let (s, made) = share(&[a.clone(), b], &names, Some(&c), None, None, true).expect("shares");
        let text = made.text;
        assert!(s.redacted);
        let url = link("https://example.org/verdict/#old", &text);
        assert!(url.starts_with("https://example.org/verdict/#s=vd2."));
        let opened = open(fragment_text("#s=x").map_or("", |_| &text)).expect("opens");
        assert_eq!(opened.runs.len(), 2);
        assert_eq!(
            comparison_of(&opened).map(|c| (c.verdict, c.rows_verdict)),
            Some((c.verdict, c.rows_verdict))
        );
        assert!(preview(&opened, text.len(), None)
            .iter()
            .any(|l| l.contains("nothing is uploaded")));
        // A tool-reported run shares its summary only.
        let tool = HeldRun {
            summary: a.summary.clone(),
            analysis: None,
        };
        let (s, _) = share(&[tool], &[], None, None, None, false).expect("shares");
        assert!(s.runs[0].overall.is_none());
    }

    #[test]
    fn a_link_becomes_a_report_file_with_its_runs_and_answers() {
        let (a, b) = (
            held("k6/constant_vus/vus_100/run.json.gz"),
            held("k6/constant_vus/vus_200/run.json.gz"),
        );
        let c = compare(&a, &b).expect("compares");
        let capacity = SharedCapacity {
            target: "p95 ≤ 200 ms".into(),
            load: "VUs".into(),
            value: Some(134),
            low: Some(100),
            high: Some(199),
            sentence: "about 134 VUs keep p95 ≤ 200 ms".into(),
            levels: 5,
        };
        let value = serde_json::to_value(&capacity).expect("serialises");
        let names = ["before".to_string(), "after".to_string()];
        let (s, made) =
            share(&[a, b], &names, Some(&c), None, Some(&value), false).expect("shares");
        assert_eq!(
            capacity_of(&open(&made.text).expect("opens")),
            Some(capacity.clone())
        );
        let html = report_file(&s, "2026-12-07T15:00:00Z");
        assert!(html.starts_with("<!doctype html>"));
        for want in [
            "before",
            "after",
            capacity.sentence.as_str(),
            "not comparable",
        ] {
            assert!(html.contains(want), "the report lacks {want}");
        }
    }

    #[test]
    fn sla_verdicts_travel_in_the_link_and_come_back_equal() {
        let path = format!(
            "{}/../tests/fixtures/k6/thresholds/run.json.gz",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let run =
            Session::read_all("run.json.gz", IngestOptions::default(), &bytes).expect("reads");
        let sla = verdict_core::sla::preset("tiered-api").expect("preset");
        let shown = SlaShown {
            verdicts: verdict_core::sla::evaluate(&sla, &run),
            rules: verdict_core::sla::save_toml(&sla),
        };
        let held = held("k6/thresholds/run.json.gz");
        let (_, made) = share(&[held], &[], None, Some(&shown), None, false).expect("shares");
        let text = made.text;
        let opened = open(&text).expect("opens");
        assert_eq!(verdicts_of(&opened), Some(shown.verdicts.clone()));
        assert_eq!(rules_of(&opened), Some(shown.rules.clone()));
        assert!(preview(&opened, text.len(), None)
            .iter()
            .any(|l| l.contains(&format!("{} SLA verdicts", shown.verdicts.len()))));
    }
}
