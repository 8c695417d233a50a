//! "SLA rules": the rule editor every run's verdicts follow. Verdict SLA
//! TOML (a `rule = "p(95)<200"` line takes k6 expressions as they are),
//! presets from the core, import of other tools' pass/fail criteria, and
//! download as TOML that reads back to the same rules.

use std::rc::Rc;

use verdict_core::sla::import::load_rules;
use verdict_core::sla::{save_toml, PRESETS};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::file_drop::on_input_change;
use crate::rules::{preset_label, preset_text, Parsed};

#[derive(Properties, PartialEq)]
pub struct SlaRulesProps {
    pub text: String,
    pub parsed: Rc<Parsed>,
    pub on_change: Callback<String>,
}

/// What the last import said.
#[derive(Clone, PartialEq)]
enum ImportNote {
    Imported { file: String, warnings: Vec<String> },
    Failed(String),
}

const EXAMPLE: &str = "[[rules]]\nrule = \"p(95)<200\"\n\n[[rules]]\nrule = \"endpoints \\\"GET /api/*\\\" p99 < 500ms every 1m\"";

#[component]
pub fn SlaRules(props: &SlaRulesProps) -> Html {
    let import_note = use_state(|| None::<ImportNote>);

    let on_input = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                on_change.emit(area.value());
            }
        })
    };
    let preset_button = |name: &'static str, description: &'static str| {
        let (on_change, note) = (props.on_change.clone(), import_note.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(text) = preset_text(name) {
                note.set(None);
                on_change.emit(text);
            }
        });
        html! {
            <button type="button" class="secondary preset" data-preset={name} title={description} {onclick}>
                {preset_label(name)}
            </button>
        }
    };
    let on_import = {
        let (on_change, note) = (props.on_change.clone(), import_note.clone());
        // The input is cleared, so the same file can be picked again after an edit.
        on_input_change(Callback::from(move |files: Vec<File>| {
            let Some(file) = files.into_iter().next() else {
                return;
            };
            let (on_change, note) = (on_change.clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string());
                let Some(text) = text else {
                    note.set(Some(ImportNote::Failed(format!(
                        "{name}: the browser could not read the file"
                    ))));
                    return;
                };
                match load_rules(&name, &text) {
                    Ok(imported) if imported.sla.rules.is_empty() => note.set(Some(
                        ImportNote::Failed(format!("{name}: no rules found in it")),
                    )),
                    Ok(imported) => {
                        on_change.emit(save_toml(&imported.sla));
                        note.set(Some(ImportNote::Imported {
                            file: name,
                            warnings: imported.warnings,
                        }));
                    }
                    Err(e) => note.set(Some(ImportNote::Failed(e.to_string()))),
                }
            });
        }))
    };
    let on_download = {
        let parsed = props.parsed.clone();
        Callback::from(move |_: MouseEvent| {
            if let Parsed::Rules(sla) = &*parsed {
                if let Err(e) =
                    crate::download::offer("sla.toml", "application/toml", &save_toml(sla))
                {
                    web_sys::console::error_1(&e.into());
                }
            }
        })
    };

    let status = match &*props.parsed {
        Parsed::Empty => html! {
            <p class="rules-status empty" data-status="empty">
                {"No rules yet. Start from a preset above, import your load tool's thresholds, or type a rule — k6 expressions work as they are, e.g. "}
                <code>{"rule = \"p(95)<200\""}</code>{"."}
            </p>
        },
        Parsed::Invalid(e) => html! {
            <p class="rules-status invalid" role="alert" data-status="invalid">
                {format!("{}: {}", e.position, e.message)}
            </p>
        },
        Parsed::Rules(sla) => html! {
            <p class="rules-status ok" data-status="ok" data-rules={sla.rules.len().to_string()}>
                {format!(
                    "{} rule{}{} — every run below is checked against {}.",
                    sla.rules.len(),
                    if sla.rules.len() == 1 { "" } else { "s" },
                    sla.title.as_ref().map_or(String::new(), |t| format!(" (“{t}”)")),
                    if sla.rules.len() == 1 { "it" } else { "them" },
                )}
            </p>
        },
    };
    let can_download = matches!(&*props.parsed, Parsed::Rules(_));

    html! {
        <section class="sla-rules" aria-labelledby="sla-rules-title">
            <div class="sla-rules-head">
                <h2 id="sla-rules-title">{"SLA rules"}</h2>
                <div class="sla-rules-actions">
                    for (name, description) in PRESETS.iter() { {preset_button(name, description)} }
                    <label class="button secondary import" for="rules-import">{"Import rules…"}</label>
                    <input type="file" id="rules-import" class="visually-hidden"
                        accept=".toml,.json,.js,.mjs,.cjs,.ts,.yml,.yaml"
                        onchange={on_import} />
                    <button type="button" class="secondary download-toml" disabled={!can_download} onclick={on_download}>{"Download TOML"}</button>
                </div>
            </div>
            <p class="muted rules-help">
                {"Verdict SLA TOML, as "}<code>{"verdict check --sla"}</code>{" reads it. Import takes a Verdict SLA (TOML/JSON), a k6 script or config's thresholds, an Artillery "}<code>{"ensure"}</code>{" or a Taurus "}<code>{"passfail"}</code>{". PASS and FAIL need the whole confidence interval on one side of the limit; otherwise the verdict is INCONCLUSIVE."}
            </p>
            <label for="rules-text" class="visually-hidden">{"SLA rules (TOML)"}</label>
            <textarea id="rules-text" class="rules-text" rows="10" spellcheck="false"
                placeholder={EXAMPLE} value={props.text.clone()} oninput={on_input}
                aria-describedby="rules-status" />
            <div id="rules-status">{status}</div>
            {match &*import_note {
                Some(ImportNote::Imported { file, warnings }) => html! {
                    <div class="import-note" role="status" data-warnings={warnings.len().to_string()}>
                        <p>{format!("Imported from {file}.")}</p>
                        if !warnings.is_empty() {
                            <ul class="import-warnings">
                                for w in warnings.iter() { <li class="warning">{w.clone()}</li> }
                            </ul>
                        }
                    </div>
                },
                Some(ImportNote::Failed(e)) => html! {
                    <p class="error import-note" role="alert">{format!("Nothing imported: {e}")}</p>
                },
                None => html! {},
            }}
        </section>
    }
}
