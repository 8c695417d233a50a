//! The drop zone, with an "Open files" button (keyboard reachable) and "Load demo".

use wasm_bindgen::JsCast;
use web_sys::{File, FileList, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    pub on_files: Callback<Vec<File>>,
    pub on_demo: Callback<()>,
    /// The formats Verdict reads, for the hint line.
    pub formats: AttrValue,
}

fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn DropZone(props: &DropZoneProps) -> Html {
    let dragging = use_state(|| false);
    let input = use_node_ref();

    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            e.stop_propagation();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let (dragging, on_files) = (dragging.clone(), props.on_files.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            e.stop_propagation();
            dragging.set(false);
            let files = files_of(e.data_transfer().and_then(|dt| dt.files()));
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let on_open = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_change = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let files = files_of(input.files());
            // Clear, so choosing the same file again fires `change` again.
            input.set_value("");
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let on_demo = {
        let on_demo = props.on_demo.clone();
        Callback::from(move |_: MouseEvent| on_demo.emit(()))
    };

    html! {
        <section
            class={classes!("dropzone", dragging.then_some("dragging"))}
            aria-labelledby="drop-title"
            ondragenter={on_drag_over.clone()}
            ondragover={on_drag_over}
            ondragleave={on_drag_leave}
            ondrop={on_drop}
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
                <p class="formats"><span class="label">{"Reads: "}</span>{props.formats.clone()}</p>
            }
        </section>
    }
}
