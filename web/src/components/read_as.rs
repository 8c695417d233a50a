//! "Read as…": read a file again as a chosen format (like `--format`), with
//! the value unit HdrHistogram files do not state (like `--hdr-unit`).

use verdict_core::time::DurationUnit;
use verdict_core::{Format, IngestOptions};
use verdict_rpc::FormatInfo;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReadAsProps {
    /// Unique per page, for element ids.
    pub id: String,
    /// What the workers read (their `Ready`).
    pub formats: Vec<FormatInfo>,
    /// How the file was read last.
    pub current: IngestOptions,
    /// The format the worker found, if any.
    pub detected: Option<Format>,
    /// Open from the start (a file that could not be read).
    #[prop_or_default]
    pub open: bool,
    pub on_submit: Callback<IngestOptions>,
}

const HDR_UNITS: [(Option<DurationUnit>, &str); 5] = [
    (None, "as documented (see warnings)"),
    (Some(DurationUnit::Millis), "ms"),
    (Some(DurationUnit::Seconds), "s"),
    (Some(DurationUnit::Micros), "µs"),
    (Some(DurationUnit::Nanos), "ns"),
];

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// The options for a new read: the mapping stays only where it applies.
pub fn options_for(
    current: &IngestOptions,
    format: Option<Format>,
    hdr_unit: Option<DurationUnit>,
) -> IngestOptions {
    let keeps_mapping = matches!(format, None | Some(Format::GenericCsv));
    IngestOptions {
        format,
        hdr_unit,
        csv_mapping: current.csv_mapping.clone().filter(|_| keeps_mapping),
    }
}

/// HdrHistogram files do not state their unit; only they take one.
fn uses_hdr_unit(format: Option<Format>) -> bool {
    matches!(format, Some(Format::Hgrm | Format::Hlog))
}

#[component]
pub fn ReadAs(props: &ReadAsProps) -> Html {
    let format = use_state(|| props.current.format);
    let hdr_unit = use_state(|| props.current.hdr_unit);
    let format_id = format!("{}-format", props.id);
    let unit_id = format!("{}-hdr-unit", props.id);

    let on_format = {
        let format = format.clone();
        Callback::from(move |e: Event| format.set(Format::from_name(&select_value(&e)).ok()))
    };
    let on_unit = {
        let hdr_unit = hdr_unit.clone();
        Callback::from(move |e: Event| hdr_unit.set(DurationUnit::from_name(&select_value(&e))))
    };
    let onsubmit = {
        let (format, hdr_unit, current, on_submit) = (
            format.clone(),
            hdr_unit.clone(),
            props.current.clone(),
            props.on_submit.clone(),
        );
        let detected = props.detected;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let unit = hdr_unit.filter(|_| uses_hdr_unit(format.or(detected)));
            on_submit.emit(options_for(&current, *format, unit));
        })
    };

    html! {
        <details class="read-as" open={props.open}>
            <summary>{"Read as…"}</summary>
            <form {onsubmit} aria-label="Read this file again">
                <div class="field">
                    <label for={format_id.clone()}>{"Format"}</label>
                    <select id={format_id} name="format" onchange={on_format}>
                        <option value="" selected={format.is_none()}>{"detect from content"}</option>
                        for f in props.formats.iter() {
                            <option value={f.name.clone()} selected={format.is_some_and(|x| x.as_str() == f.name)} title={f.description.clone()}>{f.name.clone()}</option>
                        }
                    </select>
                </div>
                if uses_hdr_unit(format.or(props.detected)) {
                <div class="field">
                    <label for={unit_id.clone()}>{"HdrHistogram value unit"}</label>
                    <select id={unit_id} name="hdr-unit" onchange={on_unit}>
                        for (u, name) in HDR_UNITS {
                            <option value={u.map_or("", DurationUnit::as_str)} selected={u == *hdr_unit}>{name}</option>
                        }
                    </select>
                </div>
                }
                <button type="submit">{"Read again"}</button>
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_core::options::{CsvColumn, CsvMapping, TimestampMarks};

    #[test]
    fn a_forced_format_drops_a_column_mapping_that_no_longer_applies() {
        let current = IngestOptions {
            csv_mapping: Some(CsvMapping {
                latency: CsvColumn::Position(2),
                latency_unit: DurationUnit::Millis,
                timestamp: None,
                timestamp_unit: None,
                timestamp_marks: TimestampMarks::Start,
                label: None,
                status: None,
                success: None,
            }),
            ..IngestOptions::default()
        };
        let hgrm = options_for(&current, Some(Format::Hgrm), Some(DurationUnit::Micros));
        assert_eq!(hgrm.csv_mapping, None);
        assert_eq!(hgrm.hdr_unit, Some(DurationUnit::Micros));
        assert!(options_for(&current, None, None).csv_mapping.is_some());
    }
}
