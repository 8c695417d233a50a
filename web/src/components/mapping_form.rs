//! The inline column-mapping form of a CSV no reader recognised: which
//! column holds the latency (and its unit), the timestamp, the endpoint, the
//! status and the success flag. Submitting reads the file again with that
//! mapping, exactly as `verdict summary --csv-…` would.

use verdict_core::options::{CsvMapping, TimestampMarks, TimestampUnit};
use verdict_core::time::DurationUnit;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::mapping::{cli_flags, column_spec, timestamp_unit_name, MappingDraft};

#[derive(Properties, PartialEq)]
pub struct MappingFormProps {
    /// Unique per page, for element ids.
    pub id: String,
    /// The file's columns as the worker listed them (empty: unknown).
    pub columns: Vec<String>,
    /// The mapping used last, if any.
    pub current: Option<CsvMapping>,
    pub on_submit: Callback<CsvMapping>,
}

const LATENCY_UNITS: [(DurationUnit, &str); 4] = [
    (DurationUnit::Millis, "ms"),
    (DurationUnit::Seconds, "s"),
    (DurationUnit::Micros, "µs"),
    (DurationUnit::Nanos, "ns"),
];

const TIMESTAMP_UNITS: [(Option<TimestampUnit>, &str); 6] = [
    (None, "guess from values"),
    (Some(TimestampUnit::Seconds), "unix seconds"),
    (Some(TimestampUnit::Millis), "unix ms"),
    (Some(TimestampUnit::Micros), "unix µs"),
    (Some(TimestampUnit::Nanos), "unix ns"),
    (Some(TimestampUnit::Rfc3339), "RFC 3339 text"),
];

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// One column picker: a select over the listed columns, or a text box
/// (name or number) when the columns are not known.
fn column_field(
    form_id: &str,
    field: &'static str,
    label: &'static str,
    value: &str,
    columns: &[String],
    required: bool,
    set: Callback<String>,
) -> Html {
    let id = format!("{form_id}-{field}");
    let control = if columns.is_empty() {
        let oninput = Callback::from(move |e: InputEvent| {
            set.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        html! {
            <input id={id.clone()} name={field} type="text" value={value.to_string()} required={required}
                placeholder={if required { "name or number" } else { "none" }} {oninput} />
        }
    } else {
        let onchange = Callback::from(move |e: Event| set.emit(select_value(&e)));
        html! {
            <select id={id.clone()} name={field} {onchange}>
                if required {
                    <option value="" selected={value.is_empty()} disabled=true>{"choose…"}</option>
                } else {
                    <option value="" selected={value.is_empty()}>{"none"}</option>
                }
                for listed in columns.iter() {
                    <option value={column_spec(listed)} selected={column_spec(listed) == value}>{listed.clone()}</option>
                }
            </select>
        }
    };
    html! {
        <div class="field">
            <label for={id}>{label}</label>
            {control}
        </div>
    }
}

#[component]
pub fn MappingForm(props: &MappingFormProps) -> Html {
    let draft = {
        let (columns, current) = (props.columns.clone(), props.current.clone());
        use_state(move || match &current {
            Some(m) => MappingDraft::from_mapping(m),
            None => MappingDraft::guess(&columns),
        })
    };
    let error = use_state(|| None::<String>);
    let columns = &props.columns;
    let form_id = props.id.as_str();

    // A setter per field: each edits a copy of the draft.
    let edit = |apply: fn(&mut MappingDraft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut next = (*draft).clone();
            apply(&mut next, v);
            draft.set(next);
        })
    };
    let on_latency_unit = edit(|d, v| {
        if let Some((u, _)) = LATENCY_UNITS.iter().find(|(u, _)| u.as_str() == v) {
            d.latency_unit = *u;
        }
    });
    let on_timestamp_unit = edit(|d, v| {
        d.timestamp_unit = TimestampUnit::from_name(&v);
    });
    let on_marks = edit(|d, v| {
        d.timestamp_marks = if v == "end" {
            TimestampMarks::End
        } else {
            TimestampMarks::Start
        };
    });
    let onsubmit = {
        let (draft, error, columns, on_submit) = (
            draft.clone(),
            error.clone(),
            props.columns.clone(),
            props.on_submit.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match draft.mapping(&columns) {
                Ok(m) => {
                    error.set(None);
                    on_submit.emit(m);
                }
                Err(why) => error.set(Some(why.to_string())),
            }
        })
    };
    let preview = draft.mapping(columns).ok().map(|m| cli_flags(&m));
    let unit_id = format!("{form_id}-latency-unit");
    let ts_unit_id = format!("{form_id}-timestamp-unit");
    let marks_id = format!("{form_id}-timestamp-marks");

    html! {
        <form class="mapping" {onsubmit} aria-label="Column mapping">
            <p class="mapping-intro">{"Say which column holds what. Only the latency is needed; without a timestamp there is no timeline, without a status or success column nothing counts as failed."}</p>
            <div class="mapping-grid">
                {column_field(form_id, "latency", "Latency", &draft.latency, columns, true, edit(|d, v| d.latency = v))}
                <div class="field">
                    <label for={unit_id.clone()}>{"Latency unit"}</label>
                    <select id={unit_id} name="latency-unit" onchange={Callback::from(move |e: Event| on_latency_unit.emit(select_value(&e)))}>
                        for (u, name) in LATENCY_UNITS {
                            <option value={u.as_str()} selected={u == draft.latency_unit}>{name}</option>
                        }
                    </select>
                </div>
                {column_field(form_id, "timestamp", "Timestamp", &draft.timestamp, columns, false, edit(|d, v| d.timestamp = v))}
                <div class="field">
                    <label for={ts_unit_id.clone()}>{"Timestamp format"}</label>
                    <select id={ts_unit_id} name="timestamp-unit" disabled={draft.timestamp.is_empty()}
                        onchange={Callback::from(move |e: Event| on_timestamp_unit.emit(select_value(&e)))}>
                        for (u, name) in TIMESTAMP_UNITS {
                            <option value={u.map_or("", timestamp_unit_name)} selected={u == draft.timestamp_unit}>{name}</option>
                        }
                    </select>
                </div>
                <div class="field">
                    <label for={marks_id.clone()}>{"Timestamp marks"}</label>
                    <select id={marks_id} name="timestamp-marks" disabled={draft.timestamp.is_empty()}
                        onchange={Callback::from(move |e: Event| on_marks.emit(select_value(&e)))}>
                        <option value="start" selected={draft.timestamp_marks == TimestampMarks::Start}>{"request start"}</option>
                        <option value="end" selected={draft.timestamp_marks == TimestampMarks::End}>{"request end"}</option>
                    </select>
                </div>
                {column_field(form_id, "label", "Endpoint (label)", &draft.label, columns, false, edit(|d, v| d.label = v))}
                {column_field(form_id, "status", "Status", &draft.status, columns, false, edit(|d, v| d.status = v))}
                {column_field(form_id, "success", "Success (true/false)", &draft.success, columns, false, edit(|d, v| d.success = v))}
            </div>
            if let Some(why) = &*error {
                <p class="mapping-error" role="alert">{why}</p>
            }
            <div class="mapping-actions">
                <button type="submit" class="primary">{"Read with this mapping"}</button>
                if let Some(flags) = preview {
                    <p class="cli-equivalent">{"Same as "}<code>{format!("verdict summary FILE {flags}")}</code></p>
                }
            </div>
        </form>
    }
}
