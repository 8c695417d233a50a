//! One file's panel: its name, then progress, an error, or the analysis.

use std::rc::Rc;

use verdict_core::sla::Outcome;
use verdict_core::IngestOptions;
use verdict_rpc::FormatInfo;
use yew::prelude::*;

use crate::components::mapping_form::MappingForm;
use crate::components::read_as::ReadAs;
use crate::components::run_view::RunView;
use crate::components::sla_panel::SlaPanel;
use crate::display;
use crate::rules::Parsed;
use crate::state::{Entry, EntryId, Status};

#[derive(Properties, PartialEq)]
pub struct EntryCardProps {
    pub entry: Entry,
    /// The run's name on the page (derived, or given by the user).
    pub run_name: String,
    /// The user names the run (`None`: back to the derived name).
    pub on_rename: Callback<(EntryId, Option<String>)>,
    pub width: f64,
    /// The SLA rules every run is checked against.
    pub rules: Rc<Parsed>,
    pub on_cancel: Callback<EntryId>,
    pub on_close: Callback<EntryId>,
    /// What the workers read, for "Read as…".
    pub formats: Vec<FormatInfo>,
    /// Whether the page still holds the file (not for kept analyses).
    pub can_reread: bool,
    /// Read the file again with these options.
    pub on_reread: Callback<(EntryId, IngestOptions)>,
    /// Download the run as a `.verdict` analysis file; the reply is the
    /// sentence to show (its size against the file's, or why not).
    pub on_save: Callback<(EntryId, Callback<Result<String, String>>)>,
}

#[component]
pub fn EntryCard(props: &EntryCardProps) -> Html {
    let entry = &props.entry;
    let id = entry.id;
    let renaming = use_state(|| false);
    let on_rename_click = {
        let renaming = renaming.clone();
        Callback::from(move |_: MouseEvent| renaming.set(true))
    };
    // Enter or leaving the field keeps the name; Escape keeps the old one.
    let commit = {
        let (renaming, on_rename, current) = (
            renaming.clone(),
            props.on_rename.clone(),
            props.run_name.clone(),
        );
        Callback::from(move |value: Option<String>| {
            // An unchanged name is no rename (a blur follows Escape, too).
            if let Some(v) = value.filter(|v| *v != current) {
                on_rename.emit((id, Some(v)));
            }
            renaming.set(false);
        })
    };
    let on_name_key = {
        let commit = commit.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => commit.emit(input_value(&e)),
            "Escape" => commit.emit(None),
            _ => {}
        })
    };
    let on_name_blur = {
        let commit = commit.clone();
        Callback::from(move |e: FocusEvent| commit.emit(input_value(&e)))
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(id))
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(id))
    };
    let save_note = use_state(|| None::<Result<String, String>>);
    let save = {
        let (on_save, note) = (props.on_save.clone(), save_note.clone());
        Callback::from(move |_: MouseEvent| {
            let note = note.clone();
            on_save.emit((id, Callback::from(move |r| note.set(Some(r)))));
        })
    };
    let state = match entry.status {
        Status::Queued => "queued",
        Status::Reading { .. } => "reading",
        Status::Done { .. } => "done",
        Status::Failed(_) => "failed",
        Status::Cancelled => "cancelled",
    };
    let title_id = format!("entry-title-{id}");
    let reread = {
        let on_reread = props.on_reread.clone();
        Callback::from(move |options: IngestOptions| on_reread.emit((id, options)))
    };
    let remap = {
        let (reread, current) = (reread.clone(), entry.options.clone());
        Callback::from(move |mapping| {
            reread.emit(IngestOptions {
                csv_mapping: Some(mapping),
                ..current.clone()
            })
        })
    };
    // A CSV no reader knows gets the form open; a file not recognised at
    // all may still be a CSV, so it gets the form folded.
    let failed_code = match &entry.status {
        Status::Failed(e) => e.code.as_str(),
        _ => "",
    };
    let wants_mapping = failed_code == "csv-mapping";
    let unknown = failed_code == "fmt";
    let mapped = entry.options.csv_mapping.is_some();
    let tools = if !props.can_reread || entry.is_active() {
        html! {}
    } else {
        html! {
            <div class="entry-tools">
                if wants_mapping {
                    <MappingForm key={format!("map-{id}")} id={format!("map-{id}")} columns={entry.columns.clone()}
                        current={entry.options.csv_mapping.clone()} on_submit={remap.clone()} />
                } else if mapped || unknown {
                    <details class="remap">
                        <summary>{if mapped { "Column mapping…" } else { "A CSV? Map its columns…" }}</summary>
                        <MappingForm key={format!("map-{id}")} id={format!("map-{id}")} columns={entry.columns.clone()}
                            current={entry.options.csv_mapping.clone()} on_submit={remap} />
                    </details>
                }
                <ReadAs key={format!("as-{id}")} id={format!("as-{id}")} formats={props.formats.clone()}
                    current={entry.options.clone()} detected={entry.format} open={unknown} on_submit={reread} />
            </div>
        }
    };

    let body = match &entry.status {
        Status::Queued | Status::Reading { .. } if entry.merged > 0 => html! {
            <div class="progress-row">
                <p class="muted" role="status">{format!("Merging {} runs…", entry.merged)}</p>
                <button type="button" class="cancel" onclick={cancel}>{"Cancel"}</button>
            </div>
        },
        Status::Queued => html! {
            <div class="progress-row">
                <p class="muted">{"Waiting for a free worker…"}</p>
                <button type="button" class="cancel" onclick={cancel}>{"Cancel"}</button>
            </div>
        },
        Status::Reading { bytes_done, .. } => {
            let fraction = entry.fraction();
            let mut text = format!(
                "{:.0}% · {} of {}",
                fraction * 100.0,
                display::bytes(*bytes_done as f64),
                display::bytes(entry.size as f64)
            );
            if let Some(speed) = entry.mb_per_s() {
                text.push_str(&format!(" · {}", display::mb_per_s(speed)));
            }
            html! {
                <div class="progress-row">
                    <progress
                        max="1"
                        value={fraction.to_string()}
                        aria-labelledby={title_id.clone()}
                        data-bytes-done={bytes_done.to_string()}
                    />
                    <span class="progress-text" aria-live="polite">{text}</span>
                    <button type="button" class="cancel" onclick={cancel}>{"Cancel"}</button>
                </div>
            }
        }
        Status::Done {
            summary,
            elapsed_ms,
            ..
        } => html! {
            <>
                if entry.has_analysis_file() {
                    <div class="entry-actions">
                        <button type="button" class="save-analysis" onclick={save}
                            title="The run's histograms, counters and time windows, never a raw sample: what verdict save writes">
                            {"Save analysis"}
                        </button>
                        {match &*save_note {
                            Some(Ok(text)) => html! { <span class="muted saved-note" role="status">{text.clone()}</span> },
                            Some(Err(why)) => html! { <span class="error saved-note" role="alert">{why.clone()}</span> },
                            None => html! {},
                        }}
                    </div>
                }
                if summary.source != entry.name && entry.merged == 0 {
                    <p class="muted original-source">{format!("Saved from {}", summary.source)}</p>
                }
                <SlaPanel id={id} summary={summary.clone()} held={entry.held} sla={entry.sla.clone()} rules={props.rules.clone()} />
                <RunView summary={summary.clone()} width={props.width} elapsed_ms={*elapsed_ms} size={entry.size} broken={broken_windows(entry)} />
            </>
        },
        Status::Failed(error) => html! {
            <div class="error" role="alert" data-code={error.code.clone()}>
                <p class="error-title">{if entry.merged > 0 { "These runs could not be merged." } else { "This file could not be read." }}</p>
                <p class="error-message">{shown_message(&error.message)}</p>
                <p class="error-help">{error_help(&error.code)}</p>
            </div>
        },
        Status::Cancelled => html! {
            <p class="muted">{"Cancelled. Nothing from this file is kept; open it again to read it."}</p>
        },
    };

    html! {
        <article id={format!("entry-{id}")} class={classes!("entry", state)} data-state={state} data-file={entry.name.clone()} data-run-name={props.run_name.clone()} aria-labelledby={title_id.clone()}>
            <header class="entry-head">
                <div class="entry-title">
                    if *renaming {
                        <h2 id={title_id}>
                            <input type="text" class="rename" aria-label={format!("Name of {}", entry.name)}
                                value={props.run_name.clone()} onkeydown={on_name_key} onblur={on_name_blur} autofocus=true />
                        </h2>
                    } else {
                        <h2 id={title_id}>{props.run_name.clone()}</h2>
                    }
                    <span class="meta">
                        if entry.renamed.is_some() { <span class="file-name">{entry.name.clone()}</span> }
                        if entry.is_done() && !*renaming {
                            <button type="button" class="link rename" onclick={on_rename_click} aria-label={format!("Rename {}", props.run_name)}>{"rename"}</button>
                        }
                        if entry.demo { <span class="badge demo">{"demo"}</span> }
                        if entry.restored { <span class="badge restored" title="Kept in this browser from an earlier visit">{"kept"}</span> }
                        if entry.merged > 0 { <span class="badge merged">{format!("{} runs merged", entry.merged)}</span> }
                        if let Some(format) = entry.format { <span class="badge">{format.as_str()}</span> }
                        if entry.merged == 0 { <span class="size">{display::bytes(entry.size as f64)}</span> }
                    </span>
                </div>
                <button type="button" class="close" onclick={close} aria-label={format!("Close {}", entry.name)} title="Close">{"×"}</button>
            </header>
            {body}
            {tools}
        </article>
    }
}

/// The error as the core wrote it, minus the list of every supported format
/// that "unknown format" errors end with (the page lists them above). How to
/// map an unrecognised CSV's columns is the form's to say, not the message's.
fn shown_message(message: &str) -> &str {
    message
        .split_once(". Supported: ")
        .map_or(message, |(head, _)| head)
}

/// What a user can do about an error, by its stable code.
fn error_help(code: &str) -> &'static str {
    match code {
        "fmt" => "Verdict did not recognise the content. If it is a CSV with one row per request, map its columns below; or pick its format under “Read as…”.",
        "csv-mapping" => "This CSV matches no tool's layout. Map its columns below and it is read as a generic CSV.",
        "corrupt" => "The file is in a known format but broken at the position above.",
        "empty" => "The file was read to the end but holds no request records.",
        "too-large" => "This format has to be read whole and the file is too large for that.",
        "read" => "The browser could not read the file from disk; try opening it again.",
        "worker" | "internal" => "The analysis worker failed. Reloading the page usually helps; please report the message above.",
        "protocol" => "The page and its worker disagree; reload the page.",
        _ => "",
    }
}

/// The time windows in which a rule failed, per the verdicts shown, each once.
fn broken_windows(entry: &Entry) -> Vec<(f64, f64)> {
    let Some(Ok(verdicts)) = &entry.sla.answer else {
        return Vec::new();
    };
    let mut out: Vec<(f64, f64)> = verdicts
        .iter()
        .filter(|v| v.verdict == Outcome::Fail)
        .flat_map(|v| v.windows.iter())
        .filter(|w| w.verdict == Outcome::Fail)
        .map(|w| (w.start_s, w.end_s))
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    out.dedup();
    out
}

/// The text of the input an event came from.
fn input_value<E: AsRef<web_sys::Event>>(e: &E) -> Option<String> {
    use wasm_bindgen::JsCast;
    e.as_ref()
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
}
