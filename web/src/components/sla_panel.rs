//! One run's "SLA verdicts": the rules above evaluated by the worker that
//! holds the run (exactly as `verdict check` does), the verdict table, and
//! the readiness report as HTML or Markdown, built by the same core code as
//! `verdict report`.

use std::rc::Rc;

use verdict_core::report::{self, ReportInput};
use verdict_core::sla::render::counts;
use verdict_core::sla::{Sla, Verdict};
use verdict_core::RunSummary;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::sla_table::SlaTable;
use crate::rules::Parsed;
use crate::state::{EntryId, SlaState};
use verdict_rpc::EvaluateError;

#[derive(Properties, PartialEq)]
pub struct SlaPanelProps {
    pub id: EntryId,
    pub summary: Rc<RunSummary>,
    /// A worker holds the run (restored analyses are not held).
    pub held: bool,
    pub sla: SlaState,
    pub rules: Rc<Parsed>,
}

/// Scrolls to an endpoint's row in this run's endpoint table and focuses it.
fn show_endpoint(id: EntryId, name: &str) {
    let Some(card) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("entry-{id}")))
    else {
        return;
    };
    let Ok(rows) = card.query_selector_all("table.endpoints tr[data-endpoint]") else {
        return;
    };
    for k in 0..rows.length() {
        let Some(row) = rows.item(k).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else {
            continue;
        };
        if row.get_attribute("data-endpoint").as_deref() == Some(name) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            row.scroll_into_view_with_scroll_into_view_options(&options);
            let _ = row.focus();
            return;
        }
    }
}

fn file_stem(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.split('.')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("run")
}

fn report_text(
    sla: &Sla,
    summary: &RunSummary,
    verdicts: &[Verdict],
    notes: &str,
    markdown: bool,
) -> String {
    let input = ReportInput {
        title: sla
            .title
            .clone()
            .unwrap_or_else(|| "Readiness report".into()),
        generated: String::from(js_sys::Date::new_0().to_iso_string()),
        notes: notes.to_string(),
        sla,
        runs: std::slice::from_ref(summary),
        verdicts,
    };
    if markdown {
        report::markdown(&input)
    } else {
        report::html(&input)
    }
}

#[component]
pub fn SlaPanel(props: &SlaPanelProps) -> Html {
    let notes = use_state(String::new);
    let download_error = use_state(|| None::<String>);
    let id = props.id;
    let current = props.sla.is_current();

    let body = match (&*props.rules, props.held, &props.sla.answer) {
        (Parsed::Empty, _, _) => html! {
            <p class="muted">{"No rules yet: choose a preset or type rules in “SLA rules” above to see verdicts here."}</p>
        },
        (Parsed::Invalid(_), _, _) => html! {
            <p class="muted">{"The rules above do not read yet; verdicts return once they do."}</p>
        },
        (_, _, Some(Err(e @ EvaluateError::Forgotten { .. }))) | (_, false, Some(Err(e))) => {
            html! {
                <p class="sla-unavailable" role="status">{format!("No verdicts: {e}.")}</p>
            }
        }
        (_, false, _) => html! {
            <p class="sla-unavailable" role="status">{"This analysis was kept from an earlier visit without the file's full data: re-open the file to evaluate SLA rules on it."}</p>
        },
        (_, true, None) => html! { <p class="muted" role="status">{"Evaluating…"}</p> },
        (_, true, Some(Err(e))) => html! { <p class="error" role="alert">{e.to_string()}</p> },
        (Parsed::Rules(sla), true, Some(Ok(verdicts))) => {
            let (pass, fail, inconclusive) = counts(verdicts);
            let endpoints = Rc::new(
                props
                    .summary
                    .endpoints
                    .iter()
                    .map(|e| e.name.clone())
                    .collect::<Vec<_>>(),
            );
            let on_endpoint = Callback::from(move |name: String| show_endpoint(id, &name));
            let download = |markdown: bool| {
                let (sla, summary, verdicts, notes, error) = (
                    sla.clone(),
                    props.summary.clone(),
                    verdicts.clone(),
                    notes.clone(),
                    download_error.clone(),
                );
                Callback::from(move |_: MouseEvent| {
                    let text = report_text(&sla, &summary, &verdicts, &notes, markdown);
                    let (ext, mime) = if markdown {
                        ("md", "text/markdown")
                    } else {
                        ("html", "text/html")
                    };
                    let name = format!("{}-readiness.{ext}", file_stem(&summary.source));
                    error.set(crate::download::offer(&name, mime, &text).err());
                })
            };
            let on_notes = {
                let notes = notes.clone();
                Callback::from(move |e: InputEvent| {
                    if let Some(area) = e
                        .target()
                        .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
                    {
                        notes.set(area.value());
                    }
                })
            };
            let notes_id = format!("report-notes-{id}");
            html! {
                <>
                    <p class="sla-counts" data-pass={pass.to_string()} data-fail={fail.to_string()} data-inconclusive={inconclusive.to_string()}>
                        <span class="pill fail">{format!("{fail} FAIL")}</span>
                        <span class="pill inconclusive">{format!("{inconclusive} INCONCLUSIVE")}</span>
                        <span class="pill pass">{verdict_core::sla::render::pass_count(verdicts)}</span>
                    </p>
                    <p class="bottom-line">{report::bottom_line(verdicts)}</p>
                    if verdicts.is_empty() {
                        <p class="muted">{"No rule applies to this run (optional rules whose endpoints it does not have give no verdict)."}</p>
                    } else {
                        <div class="sla-table-wrap">
                            <SlaTable verdicts={verdicts.clone()} on_endpoint={Some(on_endpoint)} endpoints={endpoints} />
                        </div>
                    }
                    <details class="report" hidden={!current}>
                        <summary>{"Readiness report…"}</summary>
                        <label for={notes_id.clone()}>{"Environment notes for the report (system version, hardware, data set, what else ran):"}</label>
                        <textarea id={notes_id} class="report-notes" rows="3" value={(*notes).clone()} oninput={on_notes} />
                        <div class="report-actions">
                            <button type="button" class="download-html" onclick={download(false)}>{"Download report (HTML)"}</button>
                            <button type="button" class="secondary download-md" onclick={download(true)}>{"Markdown"}</button>
                        </div>
                        if let Some(e) = &*download_error { <p class="error" role="alert">{format!("The download failed: {e}")}</p> }
                    </details>
                </>
            }
        }
    };

    // For tests and scrapers: which request the table answers, and whether it has.
    let state = match (&*props.rules, &props.sla.answer) {
        (Parsed::Empty, _) => "no-rules",
        (Parsed::Invalid(_), _) => "invalid-rules",
        (_, None) if props.held => "evaluating",
        (_, None) => "not-held",
        (_, Some(_)) if !current => "updating",
        (_, Some(Ok(_))) => "done",
        (_, Some(Err(_))) => "error",
    };
    html! {
        <section class={classes!("sla-panel", (state == "updating").then_some("updating"))} aria-labelledby={format!("sla-title-{id}")}
            data-held={props.held.to_string()} data-state={state} data-ticket={props.sla.ticket.to_string()} aria-busy={(state == "updating").to_string()}>
            <h3 id={format!("sla-title-{id}")}>{"SLA verdicts"}</h3>
            {body}
        </section>
    }
}
