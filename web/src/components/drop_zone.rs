//! The drop zone, with an "Open files" button (keyboard reachable) and "Load demo".

use verdict_core::Format;
use verdict_rpc::FormatInfo;
use web_sys::File;
use yew::prelude::*;

use crate::components::file_drop::{on_input_change, open_chooser, use_file_drop};

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    pub on_files: Callback<Vec<File>>,
    pub on_demo: Callback<()>,
    /// The formats Verdict reads (from the workers), for the hint line.
    pub formats: Vec<FormatInfo>,
}

/// The tools the page names before its workers have said which formats they
/// read (so the first screen need not wait for a worker). A test keeps it
/// equal to what [`tools`] makes of the workers' list.
const KNOWN_TOOLS: &str = "k6, JMeter, hey, Gatling, Vegeta, ApacheBench, HdrHistogram, wrk, Artillery, Locust, oha, autocannon, any per-request CSV, Verdict";

/// The tools behind the formats, once each, in registry order: the first
/// word of each description ("k6", "JMeter", ...).
fn tools(formats: &[FormatInfo]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for f in formats {
        let word = f.description.split_whitespace().next().unwrap_or("");
        // "any CSV with one row per request, ..." names no tool.
        let word = if word == "any" {
            "any per-request CSV"
        } else {
            word
        };
        if !word.is_empty() && !seen.contains(&word) {
            seen.push(word);
        }
    }
    seen.join(", ")
}

#[component]
pub fn DropZone(props: &DropZoneProps) -> Html {
    let drop = use_file_drop(props.on_files.clone());
    let input = use_node_ref();
    let on_open = open_chooser(input.clone());
    let on_change = on_input_change(props.on_files.clone());
    let on_demo = {
        let on_demo = props.on_demo.clone();
        Callback::from(move |_: MouseEvent| on_demo.emit(()))
    };

    html! {
        <section
            class={classes!("dropzone", drop.dragging.then_some("dragging"))}
            aria-labelledby="drop-title"
            ondragenter={drop.on_drag_over.clone()}
            ondragover={drop.on_drag_over}
            ondragleave={drop.on_drag_leave}
            ondrop={drop.on_drop}
        >
            <h2 id="drop-title">{"Drop load-test result files here"}</h2>
            <p class="hint">{"Several at once is fine, gzipped or not, of any size."}</p>
            <div class="actions">
                <button type="button" class="primary" onclick={on_open}>{"Open files…"}</button>
                <button type="button" onclick={on_demo}>{"Load demo"}</button>
            </div>
            <input
                ref={input}
                id="file-input"
                class="visually-hidden"
                type="file"
                multiple=true
                tabindex="-1"
                aria-hidden="true"
                onchange={on_change}
            />
            <details class="formats">
                <summary>
                    <span class="label">{"Reads: "}</span>
                    {if props.formats.is_empty() { KNOWN_TOOLS.to_string() } else { tools(&props.formats) }}
                    <span class="more">{format!(" · all {} formats", if props.formats.is_empty() { Format::ALL.len() } else { props.formats.len() })}</span>
                </summary>
                <ul>
                    if props.formats.is_empty() {
                        for f in Format::ALL.iter() { <li><code>{f.as_str()}</code></li> }
                    } else {
                        for f in props.formats.iter() {
                            <li><code>{f.name.clone()}</code>{" — "}{f.description.clone()}</li>
                        }
                    }
                </ul>
            </details>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_screen_names_the_tools_and_formats_the_workers_read() {
        let verdict_rpc::Response::Ready { formats, .. } = verdict_rpc::Engine::ready() else {
            panic!("a worker's greeting is Ready");
        };
        assert_eq!(tools(&formats), KNOWN_TOOLS);
        assert_eq!(formats.len(), Format::ALL.len());
    }
}
