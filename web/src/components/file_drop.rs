//! Files dropped on an element or chosen in a file input: the event plumbing
//! the drop zone and "Compare" share.

use wasm_bindgen::JsCast;
use web_sys::{File, FileList, HtmlInputElement};
use yew::prelude::*;

/// The files of a drop or a file input, in the order the browser lists them.
pub fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Handlers for an element that takes dropped files.
pub struct FileDrop {
    /// A drag is over the element (for a highlight).
    pub dragging: bool,
    pub on_drag_over: Callback<DragEvent>,
    pub on_drag_leave: Callback<DragEvent>,
    pub on_drop: Callback<DragEvent>,
}

#[hook]
pub fn use_file_drop(on_files: Callback<Vec<File>>) -> FileDrop {
    let dragging = use_state(|| false);
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Without this the browser would open the file instead.
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
        let dragging = dragging.clone();
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
    FileDrop {
        dragging: *dragging,
        on_drag_over,
        on_drag_leave,
        on_drop,
    }
}

/// `change` handler of a hidden `<input type=file>`: hands on its files.
pub fn on_input_change(on_files: Callback<Vec<File>>) -> Callback<Event> {
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
}

/// `click` handler of a button that opens the file chooser of `input`.
pub fn open_chooser(input: NodeRef) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        if let Some(input) = input.cast::<HtmlInputElement>() {
            input.click();
        }
    })
}
