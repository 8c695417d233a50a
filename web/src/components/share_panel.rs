//! "Share": the analysis of the finished files (and the comparison shown)
//! as a link whose `#fragment` carries everything, so the page reopens it
//! anywhere with no server and nothing sent. Before copying it, the panel
//! says exactly what the link holds, and can replace endpoint names, file
//! names and hosts by placeholders.

use std::rc::Rc;

use js_sys::{Function, Reflect};
use verdict_core::compare::Comparison;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::analysis::{self, HeldRun, SharedCapacity};

/// The SLA verdicts shown for the shared runs, and their rules.
pub type SharedSla = analysis::SlaShown;
use crate::state::EntryId;

#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    /// Finished runs: (entry id, run name, run).
    pub runs: Vec<(EntryId, String, HeldRun)>,
    pub comparison: Option<Rc<Comparison>>,
    /// The SLA verdicts of the shared runs, when rules are set.
    #[prop_or_default]
    pub sla: Option<Rc<SharedSla>>,
    /// The capacity answer shown, when there is one.
    #[prop_or_default]
    pub capacity: Option<Rc<SharedCapacity>>,
}

fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// `navigator.clipboard.writeText(text)`, when the browser allows it.
fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = Reflect::get(&window.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined());
    let Some(clipboard) = clipboard else {
        return false;
    };
    Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .is_some_and(|f| f.call1(&clipboard, &JsValue::from_str(text)).is_ok())
}

fn checkbox(id: &'static str, label: &'static str, checked: bool, on: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        if let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        {
            on.emit(input.checked());
        }
    });
    html! {
        <label class="check" for={id}>
            <input type="checkbox" id={id} {checked} {onchange} />
            {label}
        </label>
    }
}

/// Offers what the link holds as a self-contained report file.
fn download_report(
    shared: Rc<verdict_core::snapshot::Snapshot>,
    error: UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let generated = String::from(js_sys::Date::new_0().to_iso_string());
        let html = analysis::report_file(&shared, &generated);
        error.set(
            crate::download::offer("verdict-shared-analysis.html", "text/html", &html)
                .err()
                .map(|e| format!("The report file could not be offered: {e}")),
        );
    })
}

#[component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let open = use_state(|| false);
    let redact = use_state(|| false);
    let with_comparison = use_state(|| true);
    let with_sla = use_state(|| true);
    let copied = use_state(|| false);
    let report_error = use_state(|| None::<String>);
    let textarea = use_node_ref();

    let ids: Vec<EntryId> = props.runs.iter().map(|r| r.0).collect();
    let comparison = props.comparison.clone().filter(|_| *with_comparison);
    let sla = props.sla.clone().filter(|_| *with_sla);
    let with_capacity = use_state(|| true);
    let capacity = props.capacity.clone().filter(|_| *with_capacity);
    let result = {
        let runs: Vec<HeldRun> = props.runs.iter().map(|r| r.2.clone()).collect();
        let names: Vec<String> = props.runs.iter().map(|r| r.1.clone()).collect();
        use_memo(
            (
                *open,
                *redact,
                ids,
                names,
                comparison.clone(),
                sla,
                capacity,
            ),
            move |(open, redact, _, names, comparison, sla, capacity)| {
                if !*open || runs.is_empty() {
                    return None;
                }
                let capacity = capacity
                    .as_deref()
                    .and_then(|c| serde_json::to_value(c).ok());
                Some(
                    analysis::share(
                        &runs,
                        names,
                        comparison.as_deref(),
                        sla.as_deref(),
                        capacity.as_ref(),
                        *redact,
                    )
                    .map(|(s, made)| {
                        let link = analysis::link(&page_url(), &made.text);
                        let preview = analysis::preview(&s, link.len(), Some(&made));
                        (preview, link, made.within_budget, Rc::new(s))
                    }),
                )
            },
        )
    };
    let set_capacity = {
        let (with_capacity, copied) = (with_capacity.clone(), copied.clone());
        Callback::from(move |v| {
            with_capacity.set(v);
            copied.set(false);
        })
    };

    let toggle = {
        let (open, copied) = (open.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(!*open);
            copied.set(false);
        })
    };
    let set_redact = {
        let (redact, copied) = (redact.clone(), copied.clone());
        Callback::from(move |v| {
            redact.set(v);
            copied.set(false);
        })
    };
    let set_comparison = {
        let (with_comparison, copied) = (with_comparison.clone(), copied.clone());
        Callback::from(move |v| {
            with_comparison.set(v);
            copied.set(false);
        })
    };
    let set_sla = {
        let (with_sla, copied) = (with_sla.clone(), copied.clone());
        Callback::from(move |v| {
            with_sla.set(v);
            copied.set(false);
        })
    };
    let copy = {
        let (textarea, copied) = (textarea.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = textarea.cast::<HtmlTextAreaElement>() {
                area.select();
                copied.set(copy_to_clipboard(&area.value()));
            }
        })
    };

    html! {
        <section class="share" aria-labelledby="share-title">
            <div class="share-head">
                <h2 id="share-title">{"Share this analysis"}</h2>
                <button type="button" class="secondary" aria-expanded={open.to_string()} aria-controls="share-body" onclick={toggle}>
                    {if *open { "Hide" } else { "Share…" }}
                </button>
            </div>
            if *open {
                <div id="share-body" class="share-body">
                    <p class="muted">{"The link itself carries the numbers: whoever opens it sees this analysis read-only, and nothing is uploaded anywhere, by you or by them."}</p>
                    <div class="options">
                        {checkbox("share-redact", "Replace endpoint names, file names and hosts by placeholders", *redact, set_redact)}
                        if props.comparison.is_some() {
                            {checkbox("share-comparison", "Include the comparison shown above", *with_comparison, set_comparison)}
                        }
                        if props.sla.is_some() {
                            {checkbox("share-sla", "Include the SLA verdicts and their rules", *with_sla, set_sla)}
                        }
                        if props.capacity.is_some() {
                            {checkbox("share-capacity", "Include the capacity answer", *with_capacity, set_capacity)}
                        }
                    </div>
                    {match result.as_ref() {
                        Some(Ok((preview, link, within_budget, shared))) => html! {
                            <>
                                <h3>{"The link holds"}</h3>
                                <ul class="share-preview">
                                    for line in preview.iter() { <li>{line.clone()}</li> }
                                </ul>
                                <label for="share-link" class="visually-hidden">{"Share link"}</label>
                                <textarea id="share-link" ref={textarea} readonly=true rows="3" value={link.clone()} data-length={link.len().to_string()} />
                                if !*within_budget {
                                    <p class="notice" role="note">{format!(
                                        "This link is {} characters: chat tools and mail clients may cut links over {}. Leave out the comparison or some runs, or send the readiness report file below, which opens offline.",
                                        link.len(), verdict_core::snapshot::LINK_BUDGET
                                    )}</p>
                                }
                                <div class="share-actions">
                                    <button type="button" onclick={copy}>{"Copy link"}</button>
                                    <button type="button" class="secondary" onclick={download_report(shared.clone(), report_error.clone())}>{"Download as a report file (HTML)"}</button>
                                    if *copied { <span class="muted" role="status">{"Copied."}</span> }
                                </div>
                                if let Some(e) = &*report_error { <p class="error" role="alert">{e.clone()}</p> }
                            </>
                        },
                        Some(Err(e)) => html! { <p class="error" role="alert">{format!("No link could be made: {e}")}</p> },
                        None => html! {},
                    }}
                </div>
            }
        </section>
    }
}
