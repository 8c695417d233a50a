//! The page a share link opens: read-only, verdicts first (the comparison
//! and any SLA verdicts the link carries), then the evidence (each run's
//! analysis). A link that cannot be opened says why, in plain text.

use std::rc::Rc;

use verdict_core::snapshot::{Snapshot, SnapshotError};
use yew::prelude::*;

use crate::analysis;
use crate::components::comparison_report::ComparisonReport;
use crate::components::run_view::RunView;
use crate::components::sla_table::SlaTable;

#[derive(Properties, PartialEq)]
pub struct SharedViewProps {
    pub opened: Rc<Result<Snapshot, SnapshotError>>,
    pub width: f64,
    /// The page without the link, to start an analysis of one's own.
    pub home: String,
}

fn help(e: &SnapshotError) -> &'static str {
    match e.code() {
        "too-new" => {
            "Open it with the newer Verdict it was made with, or ask for a link from this version."
        }
        "damaged" => {
            "Part of the link was lost or changed on the way. Ask for it again and copy it whole."
        }
        "too-large" => {
            "Links this large are refused to keep the page safe; ask for a smaller analysis."
        }
        "not-a-snapshot" => "The address does not hold a Verdict analysis after #s=.",
        _ => "The link does not hold an analysis this page can show.",
    }
}

/// `n FAIL · n INCONCLUSIVE · n PASS` as pills.
fn counts_line(verdicts: &[verdict_core::sla::Verdict]) -> Html {
    let (_, fail, inconclusive) = verdict_core::sla::render::counts(verdicts);
    html! {
        <p class="sla-counts">
            <span class="pill fail">{format!("{fail} FAIL")}</span>
            <span class="pill inconclusive">{format!("{inconclusive} INCONCLUSIVE")}</span>
            <span class="pill pass">{verdict_core::sla::render::pass_count(verdicts)}</span>
        </p>
    }
}

#[component]
pub fn SharedView(props: &SharedViewProps) -> Html {
    let home =
        html! { <a href={props.home.clone()}>{"Open Verdict to analyse your own files"}</a> };
    let s = match &*props.opened {
        Err(e) => {
            return html! {
                <section class="shared">
                    <div class="error" role="alert" data-code={e.code()}>
                        <p class="error-title">{"This shared analysis cannot be opened."}</p>
                        <p class="error-message">{e.to_string()}</p>
                        <p class="error-help">{help(e)}</p>
                    </div>
                    <p>{home}</p>
                </section>
            };
        }
        Ok(s) => s,
    };
    let comparison = analysis::comparison_of(s).map(Rc::new);
    // The comparison's two runs, when the link carries them, for its charts.
    let run_named = |name: &str| {
        s.runs
            .iter()
            .find(|r| r.summary.source == name)
            .map(|r| Rc::new(r.summary.clone()))
    };
    let compared = comparison.as_ref().and_then(|c| {
        Some((
            run_named(&c.baseline.source)?,
            run_named(&c.candidate.source)?,
        ))
    });
    let verdicts = analysis::verdicts_of(s).map(Rc::new);
    let rules = analysis::rules_of(s);
    html! {
        <section class="shared" data-redacted={s.redacted.to_string()}>
            <p class="shared-banner" role="note">
                <strong>{"A shared analysis, read-only."}</strong>
                {" Everything on this page came inside the link you opened; nothing was uploaded or fetched. "}
                if s.redacted { {"Names were replaced by placeholders before sharing. "} }
                {home}
            </p>
            if let Some(verdicts) = verdicts {
                <section class="sla-verdicts" aria-labelledby="shared-verdicts-title">
                    <h2 id="shared-verdicts-title">{"SLA verdicts"}</h2>
                    {counts_line(&verdicts)}
                    <p class="bottom-line">{verdict_core::report::bottom_line(&verdicts)}</p>
                    <div class="sla-table-wrap">
                        <SlaTable verdicts={verdicts.clone()} />
                    </div>
                    if let Some(text) = rules {
                        <details class="shared-rules">
                            <summary>{"The rules (SLA TOML)"}</summary>
                            <pre>{text}</pre>
                        </details>
                    }
                </section>
            }
            if let Some(c) = analysis::capacity_of(s) {
                <section class="capacity shared-capacity" aria-labelledby="shared-capacity-title"
                    data-capacity-load={c.load.clone()}
                    data-capacity-value={c.value.map(|v| v.to_string())}
                    data-capacity-low={c.low.map(|v| v.to_string())}
                    data-capacity-high={c.high.map(|v| v.to_string())}>
                    <h2 id="shared-capacity-title">{format!("Capacity: {}", c.target)}</h2>
                    <p class="bottom-line">{c.sentence.clone()}</p>
                    <p class="muted">{format!("From {} load levels, as the page that shared it computed.", c.levels)}</p>
                </section>
            }
            if let Some(c) = comparison {
                <section class="comparison" aria-labelledby="shared-comparison-title">
                    <h2 id="shared-comparison-title">{"Verdict: baseline against candidate"}</h2>
                    <ComparisonReport comparison={c} runs={compared} width={props.width} />
                </section>
            }
            <section class="entries" aria-label="Evidence">
                <h2 class="evidence-title">{"The evidence"}</h2>
                for (i, r) in s.runs.iter().enumerate() {
                    <article class="entry done" data-state="done" data-file={r.summary.source.clone()} data-run-name={r.summary.source.clone()} key={i}>
                        <header class="entry-head">
                            <div class="entry-title">
                                <h2>{r.summary.source.clone()}</h2>
                                <span class="meta"><span class="badge">{r.summary.format.as_str()}</span></span>
                            </div>
                        </header>
                        <RunView summary={Rc::new(r.summary.clone())} width={props.width} elapsed_ms={0.0} size={0} />
                    </article>
                }
            </section>
        </section>
    }
}
