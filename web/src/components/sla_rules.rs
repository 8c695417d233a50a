//! "SLA rules": the panel (folded by default) with the rules every run's
//! verdicts follow: a form that builds one rule from its parts, beside the
//! same rules as text (Verdict SLA TOML, or one k6 expression such as
//! `p(95)<200` per line), presets from the core, import of other tools'
//! pass/fail criteria, and download as TOML that reads back to the same rules.

use std::rc::Rc;

use verdict_core::sla::import::load_rules;
use verdict_core::sla::{save_toml, PRESETS};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::file_drop::on_input_change;
use crate::rules::{
    preset_label, preset_text, units_for, with_rule, without_rule, EndpointChoice, Parsed,
    RuleForm, FORM_STATISTICS,
};

#[derive(Properties, PartialEq)]
pub struct SlaRulesProps {
    pub text: String,
    pub parsed: Rc<Parsed>,
    pub on_change: Callback<String>,
    /// Endpoint names of the runs in view, for the form's endpoint list.
    #[prop_or_default]
    pub endpoints: Vec<String>,
}

/// What the last import said.
#[derive(Clone, PartialEq)]
enum ImportNote {
    Imported { file: String, warnings: Vec<String> },
    Failed(String),
}

const EXAMPLE: &str = "p(95)<200\nerror_rate < 1%\nendpoints \"GET /api/*\" p99 < 500ms every 1m";

#[component]
pub fn SlaRules(props: &SlaRulesProps) -> Html {
    let import_note = use_state(|| None::<ImportNote>);
    // The rule the form is changing (else the form adds one).
    let editing = use_state(|| None::<usize>);

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
                {"No rules yet. Add one with the form, start from a preset, import your load tool's thresholds, or type a rule — k6 expressions work as they are, e.g. "}
                <code>{"p(95)<200"}</code>{"."}
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
                    "{} rule{}{} — every run is checked against {}.",
                    sla.rules.len(),
                    if sla.rules.len() == 1 { "" } else { "s" },
                    sla.title.as_ref().map_or(String::new(), |t| format!(" (“{t}”)")),
                    if sla.rules.len() == 1 { "it" } else { "them" },
                )}
            </p>
        },
    };
    let can_download = matches!(&*props.parsed, Parsed::Rules(_));
    let summary_text = match &*props.parsed {
        Parsed::Empty => "none yet".to_string(),
        Parsed::Invalid(_) => "the text does not read yet".to_string(),
        Parsed::Rules(sla) => format!(
            "{} rule{}{}",
            sla.rules.len(),
            if sla.rules.len() == 1 { "" } else { "s" },
            sla.title
                .as_ref()
                .map_or(String::new(), |t| format!(" · {t}"))
        ),
    };
    let sla = match &*props.parsed {
        Parsed::Rules(sla) => Some(sla.clone()),
        _ => None,
    };
    let rule_list = sla.as_ref().map(|sla| {
        let remove = |index: usize| {
            let (on_change, sla) = (props.on_change.clone(), sla.clone());
            Callback::from(move |_: MouseEvent| on_change.emit(without_rule(&sla, index)))
        };
        let edit = |index: usize| {
            let editing = editing.clone();
            Callback::from(move |_: MouseEvent| editing.set(Some(index)))
        };
        html! {
            <ol class="rule-list">
                for (i, r) in sla.rules.iter().enumerate() {
                    <li data-rule-index={i.to_string()}>
                        if let Some(name) = &r.name { <strong class="rule-name">{format!("{name}: ")}</strong> }
                        <code class="rule-label">{r.to_string()}</code>
                        if RuleForm::from_rule(r).is_some() {
                            <button type="button" class="link edit-rule" onclick={edit(i)} aria-label={format!("Edit rule {}", i + 1)}>{"Edit"}</button>
                        } else {
                            <span class="muted text-only" title="This rule uses parts the form does not show; edit it as text.">{"text only"}</span>
                        }
                        <button type="button" class="link remove-rule" onclick={remove(i)} aria-label={format!("Remove rule {}", i + 1)}>{"Remove"}</button>
                    </li>
                }
            </ol>
        }
    });
    let form_index = (*editing)
        .filter(|i| sla.as_ref().is_some_and(|s| *i < s.rules.len()))
        .unwrap_or(sla.as_ref().map_or(0, |s| s.rules.len()));
    let form_start = (*editing)
        .and_then(|i| sla.as_ref().and_then(|s| s.rules.get(i)))
        .and_then(RuleForm::from_rule)
        .unwrap_or_default();
    let on_form = {
        let (on_change, sla, editing) = (props.on_change.clone(), sla.clone(), editing.clone());
        Callback::from(move |rule| {
            on_change.emit(with_rule(sla.as_deref(), form_index, rule));
            editing.set(None);
        })
    };
    let on_form_cancel = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(None))
    };

    html! {
        <details class="sla-rules" id="sla-rules">
            <summary>
                <h2 id="sla-rules-title">{"SLA rules"}</h2>
                <span class="rules-summary" data-rules={props.parsed.rule_count().to_string()}>{summary_text}</span>
                <span class="rules-open muted">{"change"}</span>
            </summary>
            <div class="sla-rules-actions">
                for (name, description) in PRESETS.iter() { {preset_button(name, description)} }
                <input type="file" id="rules-import" class="visually-hidden"
                    accept=".toml,.json,.js,.mjs,.cjs,.ts,.yml,.yaml"
                    onchange={on_import} />
                <label class="button secondary import" for="rules-import">{"Import rules…"}</label>
                <button type="button" class="secondary download-toml" disabled={!can_download} onclick={on_download}>{"Download TOML"}</button>
            </div>
            <div id="rules-status">{status}</div>
            <div class="rules-editors">
                <div class="rules-form-side">
                    <h3>{"Rules"}</h3>
                    {rule_list.unwrap_or_default()}
                    <RuleBuilder key={format!("form-{form_index}-{}", (*editing).is_some())} start={form_start}
                        editing={(*editing).is_some()} endpoints={props.endpoints.clone()}
                        on_submit={on_form} on_cancel={on_form_cancel} />
                </div>
                <div class="rules-text-side">
                    <label for="rules-text"><h3>{"Edit as text"}</h3></label>
                    <p class="muted rules-help">
                        {"Verdict SLA TOML, as "}<code>{"verdict check --sla"}</code>{" reads it, or one rule per line as k6 writes it ("}<code>{"p(95)<200"}</code>{"). The form and the text are the same rules."}
                    </p>
                    <textarea id="rules-text" class="rules-text" rows="10" spellcheck="false"
                        placeholder={EXAMPLE} value={props.text.clone()} oninput={on_input}
                        aria-describedby="rules-status" />
                </div>
            </div>
            <p class="muted rules-help">
                {"Import takes a Verdict SLA (TOML/JSON), a k6 script or config's thresholds, an Artillery "}<code>{"ensure"}</code>{" or a Taurus "}<code>{"passfail"}</code>{". PASS and FAIL need the whole confidence interval on one side of the limit; otherwise the verdict is INCONCLUSIVE."}
            </p>
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
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct RuleBuilderProps {
    start: RuleForm,
    /// Changing an existing rule (else adding one).
    editing: bool,
    endpoints: Vec<String>,
    on_submit: Callback<verdict_core::sla::Rule>,
    on_cancel: Callback<()>,
}

/// Which endpoint the select shows for a choice.
fn endpoint_key(choice: &EndpointChoice) -> String {
    match choice {
        EndpointChoice::Overall => "*overall*".into(),
        EndpointChoice::Each => "*each*".into(),
        EndpointChoice::Pattern(_) => "*pattern*".into(),
        EndpointChoice::Exact(n) => n.clone(),
    }
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn input_value(e: &InputEvent) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// One rule from its parts: statistic, comparison, limit with unit, which
/// requests, window.
#[component]
fn RuleBuilder(props: &RuleBuilderProps) -> Html {
    let form = use_state(|| props.start.clone());
    let error = use_state(|| None::<String>);
    let f = (*form).clone();
    let set = |change: fn(&mut RuleForm, String)| {
        let form = form.clone();
        move |value: String| {
            let mut next = (*form).clone();
            change(&mut next, value);
            form.set(next);
        }
    };
    let on_statistic = {
        let set = set(|f, v| {
            if !units_for(&v).contains(&f.unit.as_str()) {
                f.unit = units_for(&v)[0].to_string();
            }
            f.statistic = v;
        });
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_op = {
        let set = set(|f, v| f.op = v);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_amount = {
        let set = set(|f, v| f.amount = v);
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let on_unit = {
        let set = set(|f, v| f.unit = v);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_endpoint = {
        let set = set(|f, v| {
            f.endpoint = match v.as_str() {
                "*overall*" => EndpointChoice::Overall,
                "*each*" => EndpointChoice::Each,
                "*pattern*" => EndpointChoice::Pattern(match &f.endpoint {
                    EndpointChoice::Exact(n) => n.clone(),
                    _ => String::new(),
                }),
                name => EndpointChoice::Exact(name.to_string()),
            }
        });
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_pattern = {
        let set = set(|f, v| f.endpoint = EndpointChoice::Pattern(v));
        Callback::from(move |e: InputEvent| set(input_value(&e)))
    };
    let on_window = {
        let set = set(|f, v| f.window = v);
        Callback::from(move |e: Event| set(select_value(&e)))
    };
    let on_submit = {
        let (form, error, on_submit) = (form.clone(), error.clone(), props.on_submit.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.to_rule() {
                Ok(rule) => {
                    error.set(None);
                    on_submit.emit(rule);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let on_cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };
    let mut endpoints = props.endpoints.clone();
    if let EndpointChoice::Exact(n) = &f.endpoint {
        if !endpoints.contains(n) {
            endpoints.insert(0, n.clone());
        }
    }
    let picked = endpoint_key(&f.endpoint);
    let mut windows: Vec<&str> = vec!["", "10s", "30s", "1m", "5m"];
    if !windows.contains(&f.window.as_str()) {
        windows.push(&f.window);
    }
    let preview = form.to_rule().map(|r| r.to_string());
    html! {
        <form class="rule-form" onsubmit={on_submit} aria-label={if props.editing { "Change the rule" } else { "Add a rule" }}>
            <div class="rule-fields">
                <label>{"Statistic"}
                    <select name="statistic" onchange={on_statistic}>
                        for (value, label) in FORM_STATISTICS.iter() {
                            <option value={*value} selected={f.statistic == *value}>{*label}</option>
                        }
                    </select>
                </label>
                <label>{"is"}
                    <select name="op" onchange={on_op}>
                        for (value, label) in [("<", "below"), ("<=", "at most"), (">", "above"), (">=", "at least")] {
                            <option value={value} selected={f.op == value}>{label}</option>
                        }
                    </select>
                </label>
                <label>{"Limit"}
                    <span class="limit-input">
                        <input name="amount" type="text" inputmode="decimal" size="6" value={f.amount.clone()} oninput={on_amount} />
                        <select name="unit" onchange={on_unit} aria-label="Unit">
                            for u in units_for(&f.statistic).iter() {
                                <option value={*u} selected={f.unit == *u}>{if u.is_empty() { "(number)" } else { *u }}</option>
                            }
                        </select>
                    </span>
                </label>
                <label>{"Requests"}
                    <select name="endpoint" onchange={on_endpoint}>
                        <option value="*overall*" selected={picked == "*overall*"}>{"all requests together"}</option>
                        <option value="*each*" selected={picked == "*each*"}>{"each endpoint on its own"}</option>
                        <option value="*pattern*" selected={picked == "*pattern*"}>{"endpoints matching a pattern…"}</option>
                        if !endpoints.is_empty() {
                            <optgroup label="One endpoint">
                                for n in endpoints.iter() {
                                    <option value={n.clone()} selected={picked == *n}>{n.clone()}</option>
                                }
                            </optgroup>
                        }
                    </select>
                </label>
                if let EndpointChoice::Pattern(g) = &f.endpoint {
                    <label>{"Pattern (* any text, ? one character)"}
                        <input name="pattern" type="text" value={g.clone()} placeholder="GET /api/*" oninput={on_pattern} />
                    </label>
                }
                <label>{"Window"}
                    <select name="window" onchange={on_window}>
                        for w in windows {
                            <option value={w.to_string()} selected={f.window == w}>{if w.is_empty() { "the whole run".to_string() } else { format!("every {w}") }}</option>
                        }
                    </select>
                </label>
            </div>
            <p class="rule-preview muted" aria-live="polite">
                {match &preview { Ok(text) => html! { <>{"Rule: "}<code>{text.clone()}</code></> }, Err(e) => html! { <span class="error">{e.clone()}</span> } }}
            </p>
            if let Some(e) = &*error { <p class="error" role="alert">{e.clone()}</p> }
            <div class="rule-form-actions">
                <button type="submit" class="primary add-rule">{if props.editing { "Save rule" } else { "Add rule" }}</button>
                if props.editing { <button type="button" class="secondary" onclick={on_cancel}>{"Cancel"}</button> }
            </div>
        </form>
    }
}
