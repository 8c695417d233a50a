//! The drop zone, with an "Open files" button (keyboard reachable) and "Load demo".

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
            if !props.formats.is_empty() {
                <details class="formats">
                    <summary>
                        <span class="label">{"Reads: "}</span>{tools(&props.formats)}
                        <span class="more">{format!(" · all {} formats", props.formats.len())}</span>
                    </summary>
                    <ul>
                        for f in props.formats.iter() {
                            <li><code>{f.name.clone()}</code>{" — "}{f.description.clone()}</li>
                        }
                    </ul>
                </details>
            }
        </section>
    }
}
