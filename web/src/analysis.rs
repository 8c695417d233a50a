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
pub fn share(
    runs: &[HeldRun],
    comparison: Option<&Comparison>,
    sla: Option<&SlaShown>,
    redact: bool,
) -> Result<(Snapshot, String), String> {
    let mut s = Snapshot {
        runs: runs.iter().map(run_of).collect::<Result<_, _>>()?,
        comparison: comparison
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
    let text = snapshot::encode(&s).map_err(|e| e.to_string())?;
    Ok((s, text))
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

/// What a share link holds, in a sentence per item, for the preview.
pub fn preview(s: &Snapshot, chars: usize) -> Vec<String> {
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
    if s.comparison.is_some() {
        lines.push("the comparison of two runs, with its verdicts".into());
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
        let (s, text) = share(&[a.clone(), b], Some(&c), None, true).expect("shares");
        assert!(s.redacted);
        let url = link("https://example.org/verdict/#old", &text);
        assert!(url.starts_with("https://example.org/verdict/#s=vd2."));
        let opened = open(fragment_text("#s=x").map_or("", |_| &text)).expect("opens");
        assert_eq!(opened.runs.len(), 2);
        assert_eq!(
            comparison_of(&opened).map(|c| (c.verdict, c.rows_verdict)),
            Some((c.verdict, c.rows_verdict))
        );
        assert!(preview(&opened, text.len())
            .iter()
            .any(|l| l.contains("nothing is uploaded")));
        // A tool-reported run shares its summary only.
        let tool = HeldRun {
            summary: a.summary.clone(),
            analysis: None,
        };
        let (s, _) = share(&[tool], None, None, false).expect("shares");
        assert!(s.runs[0].overall.is_none());
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
        let (_, text) = share(&[held], None, Some(&shown), false).expect("shares");
        let opened = open(&text).expect("opens");
        assert_eq!(verdicts_of(&opened), Some(shown.verdicts.clone()));
        assert_eq!(rules_of(&opened), Some(shown.rules.clone()));
        assert!(preview(&opened, text.len())
            .iter()
            .any(|l| l.contains(&format!("{} SLA verdicts", shown.verdicts.len()))));
    }
}
