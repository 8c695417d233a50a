//! "Merge runs": tick the runs of one test that several load generators
//! wrote (or drop their files here) and get one run, merged exactly as
//! `verdict summary --merge` merges them. The merge happens in a worker,
//! from the runs' analysis files; the merged run gets its own panel.

use std::collections::BTreeSet;

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use crate::components::file_drop::{on_input_change, open_chooser, use_file_drop};
use crate::state::EntryId;

#[derive(Properties, PartialEq)]
pub struct MergeViewProps {
    /// Finished runs: (entry, name on the page, its analysis file at hand:
    /// held by a worker or kept by the page).
    pub runs: Vec<(EntryId, String, bool)>,
    /// Merge these runs, in this order.
    pub on_merge: Callback<Vec<EntryId>>,
    /// Files dropped or chosen here: read them, then merge them.
    pub on_files: Callback<Vec<File>>,
    /// Files dropped here that are still being read.
    pub waiting_for: Vec<String>,
}

#[component]
pub fn MergeView(props: &MergeViewProps) -> Html {
    let picked = use_state(BTreeSet::<EntryId>::new);
    // Only runs still on the page count.
    let chosen: Vec<EntryId> = props
        .runs
        .iter()
        .filter(|(id, _, held)| *held && picked.contains(id))
        .map(|(id, ..)| *id)
        .collect();
    let toggle = |id: EntryId| {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_dyn_into::<HtmlInputElement>()
                .is_some_and(|i| i.checked());
            let mut next = (*picked).clone();
            if on {
                next.insert(id);
            } else {
                next.remove(&id);
            }
            picked.set(next);
        })
    };
    let merge = {
        let (on_merge, chosen, picked) = (props.on_merge.clone(), chosen.clone(), picked.clone());
        Callback::from(move |_: MouseEvent| {
            on_merge.emit(chosen.clone());
            picked.set(BTreeSet::new());
        })
    };
    let refused = use_state(|| None::<String>);
    let take = {
        let (on_files, refused) = (props.on_files.clone(), refused.clone());
        Callback::from(move |files: Vec<File>| {
            if files.len() < 2 {
                refused.set(Some(format!(
                    "A merge takes the files of two or more generators; {} given.",
                    files.len()
                )));
            } else {
                refused.set(None);
                on_files.emit(files);
            }
        })
    };
    let drop = use_file_drop(take.clone());
    let input = use_node_ref();
    let on_choose = open_chooser(input.clone());
    let on_chosen = on_input_change(take);
    let n = chosen.len();

    html! {
        <section
            class={classes!("merge", drop.dragging.then_some("dragging"))}
            aria-labelledby="merge-title"
            ondragenter={drop.on_drag_over.clone()}
            ondragover={drop.on_drag_over}
            ondragleave={drop.on_drag_leave}
            ondrop={drop.on_drop}
        >
            <h2 id="merge-title">{"Merge runs"}</h2>
            <p class="muted">{"One test driven from several machines writes one file per load generator. Merged here they are one run: histograms and counts add up exactly, and concurrency is summed across generators over time, as "}<code>{"verdict summary --merge"}</code>{" does."}</p>
            <p class="merge-drop">
                {"Tick the runs below, or drop the generators' files here, or "}
                <button type="button" class="link" onclick={on_choose}>{"choose files…"}</button>
            </p>
            <input ref={input} class="visually-hidden" type="file" multiple=true tabindex="-1" aria-hidden="true" onchange={on_chosen} />
            if let Some(why) = &*refused {
                <p class="error" role="alert">{why.clone()}</p>
            }
            if !props.waiting_for.is_empty() {
                <p class="muted" role="status">{format!("Reading {} before merging…", props.waiting_for.join(", "))}</p>
            }
            <ul class="merge-runs">
                for (id, name, held) in props.runs.iter() {
                    <li key={*id}>
                        <label>
                            <input type="checkbox" data-entry={id.to_string()} checked={*held && picked.contains(id)}
                                disabled={!*held} onchange={toggle(*id)} />
                            {name.clone()}
                            if !*held { <span class="muted">{" — kept from an earlier visit: open the file again to merge it"}</span> }
                        </label>
                    </li>
                }
            </ul>
            <button type="button" class="merge-button" disabled={n < 2} onclick={merge}>
                {if n < 2 { "Merge (tick two or more runs)".to_string() } else { format!("Merge {n} runs") }}
            </button>
        </section>
    }
}
