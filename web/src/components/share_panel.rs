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

use crate::analysis::{self, HeldRun};

/// The SLA verdicts shown for the shared runs, and their rules.
pub type SharedSla = analysis::SlaShown;
use crate::state::EntryId;

#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    /// Finished runs: (entry id, file name, run).
    pub runs: Vec<(EntryId, String, HeldRun)>,
    pub comparison: Option<Rc<Comparison>>,
    /// The SLA verdicts of the shared runs, when rules are set.
    #[prop_or_default]
    pub sla: Option<Rc<SharedSla>>,
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

#[component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let open = use_state(|| false);
    let redact = use_state(|| false);
    let with_comparison = use_state(|| true);
    let with_sla = use_state(|| true);
    let copied = use_state(|| false);
    let textarea = use_node_ref();

    let ids: Vec<EntryId> = props.runs.iter().map(|r| r.0).collect();
    let comparison = props.comparison.clone().filter(|_| *with_comparison);
    let sla = props.sla.clone().filter(|_| *with_sla);
    let result = {
        let runs: Vec<HeldRun> = props.runs.iter().map(|r| r.2.clone()).collect();
        use_memo(
            (*open, *redact, ids, comparison.clone(), sla),
            move |(open, redact, _, comparison, sla)| {
                if !*open || runs.is_empty() {
                    return None;
                }
                Some(
                    analysis::share(&runs, comparison.as_deref(), sla.as_deref(), *redact).map(
                        |(s, text)| {
                            let link = analysis::link(&page_url(), &text);
                            (analysis::preview(&s, link.len()), link)
                        },
                    ),
                )
            },
        )
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
                    </div>
                    {match result.as_ref() {
                        Some(Ok((preview, link))) => html! {
                            <>
                                <h3>{"The link holds"}</h3>
                                <ul class="share-preview">
                                    for line in preview.iter() { <li>{line.clone()}</li> }
                                </ul>
                                <label for="share-link" class="visually-hidden">{"Share link"}</label>
                                <textarea id="share-link" ref={textarea} readonly=true rows="3" value={link.clone()} data-length={link.len().to_string()} />
                                <div class="share-actions">
                                    <button type="button" onclick={copy}>{"Copy link"}</button>
                                    if *copied { <span class="muted" role="status">{"Copied."}</span> }
                                </div>
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
