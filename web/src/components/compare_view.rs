//! "Compare two runs": pick a baseline and a candidate among the finished
//! files, or drop two files on the section (the first is the baseline), and
//! see the comparison (computed here from the analyses the workers kept,
//! exactly as `verdict compare` computes it).

use std::rc::Rc;

use verdict_core::compare::Comparison;
use verdict_core::RunSummary;
use wasm_bindgen::JsCast;
use web_sys::{File, HtmlSelectElement};
use yew::prelude::*;

use crate::analysis::{self, HeldRun};
use crate::components::comparison_report::ComparisonReport;
use crate::components::file_drop::{on_input_change, open_chooser, use_file_drop};
use crate::state::EntryId;

#[derive(Properties, PartialEq)]
pub struct CompareViewProps {
    /// Runs that can be compared: (entry id, file name, summary, analysis),
    /// newest first.
    pub runs: Vec<(EntryId, String, Rc<RunSummary>, Rc<String>)>,
    pub width: f64,
    /// The comparison now shown (for the share link), or `None`.
    pub on_result: Callback<Option<Rc<Comparison>>>,
    /// (baseline, candidate) the user chose, if any; otherwise the two newest,
    /// the one that started first as the baseline ([`default_pair`]).
    pub picked: Option<(EntryId, EntryId)>,
    pub on_pick: Callback<(EntryId, EntryId)>,
    /// Two files dropped or chosen here: read them, then compare them.
    pub on_files: Callback<Vec<File>>,
    /// Files picked for the comparison that are still being read.
    pub waiting_for: Vec<String>,
}

fn picker(
    id: &'static str,
    label: &'static str,
    runs: &[(EntryId, String, Rc<RunSummary>, Rc<String>)],
    selected: EntryId,
    on_change: Callback<EntryId>,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        if let Some(select) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        {
            if let Ok(id) = select.value().parse::<EntryId>() {
                on_change.emit(id);
            }
        }
    });
    html! {
        <label class="picker" for={id}>
            <span>{label}</span>
            <select id={id} {onchange}>
                for (entry, name, _, _) in runs.iter() {
                    <option value={entry.to_string()} selected={*entry == selected}>
                        {name.clone()}
                    </option>
                }
            </select>
        </label>
    }
}

/// Two files, or a message saying why not.
fn two_files(files: Vec<File>) -> Result<Vec<File>, String> {
    match files.len() {
        2 => Ok(files),
        n => Err(format!(
            "Compare takes two files, a baseline and a candidate; {n} {} given. To read several files, drop them on the area at the top.",
            if n == 1 { "was" } else { "were" }
        )),
    }
}

/// (baseline, candidate) until the user picks: the two newest files, the
/// run that started first as the baseline (the older file when a start time
/// is unknown). `runs` is (entry, start), newest file first.
pub fn default_pair(runs: &[(EntryId, Option<&str>)]) -> (EntryId, EntryId) {
    let (newest, before) = (runs.first(), runs.get(1));
    let id = |r: Option<&(EntryId, Option<&str>)>| r.map_or(0, |r| r.0);
    let started = |r: Option<&(EntryId, Option<&str>)>| {
        r.and_then(|r| r.1)
            .and_then(|t| verdict_core::time::parse_rfc3339(t.as_bytes()))
    };
    match (started(before), started(newest)) {
        (Some(b), Some(n)) if n < b => (id(newest), id(before)),
        _ => (id(before), id(newest)),
    }
}

#[component]
pub fn CompareView(props: &CompareViewProps) -> Html {
    let starts: Vec<(EntryId, Option<&str>)> = props
        .runs
        .iter()
        .map(|r| (r.0, r.2.start.as_deref()))
        .collect();
    let default = default_pair(&starts);
    let known = |id: EntryId| props.runs.iter().any(|r| r.0 == id);
    let (baseline, candidate) = match props.picked {
        Some((b, c)) if known(b) && known(c) => (b, c),
        _ => default,
    };
    let find = |id: EntryId| props.runs.iter().find(|r| r.0 == id).cloned();
    let result = {
        let (a, b) = (find(baseline), find(candidate));
        use_memo((baseline, candidate, a.is_some(), b.is_some()), move |_| {
            let held = |r: &(EntryId, String, Rc<RunSummary>, Rc<String>)| HeldRun {
                summary: r.2.clone(),
                analysis: Some(r.3.clone()),
            };
            match (a, b) {
                // One run alone is not compared with itself: that would spend
                // the page's time on a bootstrap nobody sees.
                (Some(a), Some(b)) if a.0 != b.0 => {
                    analysis::compare(&held(&a), &held(&b)).map(|c| (Rc::new(c), a.2, b.2))
                }
                _ => Err("pick two runs".to_string()),
            }
        })
    };
    let ready = props.runs.len() >= 2 && props.waiting_for.is_empty();
    {
        let (on_result, result) = (props.on_result.clone(), result.clone());
        use_effect_with((result, ready), move |(r, ready)| {
            let shown = r.as_ref().as_ref().ok().filter(|_| *ready);
            on_result.emit(shown.map(|(c, _, _)| c.clone()));
        });
    }
    let set_baseline = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |id| on_pick.emit((id, candidate)))
    };
    let set_candidate = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |id| on_pick.emit((baseline, id)))
    };
    let on_swap = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |_: MouseEvent| on_pick.emit((candidate, baseline)))
    };

    // Dropping (or choosing) two files here reads them and compares them.
    let refused = use_state(|| None::<String>);
    let take = {
        let (on_files, refused) = (props.on_files.clone(), refused.clone());
        Callback::from(move |files: Vec<File>| match two_files(files) {
            Ok(files) => {
                refused.set(None);
                on_files.emit(files);
            }
            Err(why) => refused.set(Some(why)),
        })
    };
    let drop = use_file_drop(take.clone());
    let input = use_node_ref();
    let on_choose = open_chooser(input.clone());
    let on_chosen = on_input_change(take);

    html! {
        <section
            class={classes!("comparison", drop.dragging.then_some("dragging"))}
            aria-labelledby="comparison-title"
            ondragenter={drop.on_drag_over.clone()}
            ondragover={drop.on_drag_over}
            ondragleave={drop.on_drag_leave}
            ondrop={drop.on_drop}
        >
            <h2 id="comparison-title">{"Compare two runs"}</h2>
            <p class="muted">{"Is the candidate slower, faster, or the same as the baseline? Tests that allow for requests of the same seconds being alike, intervals for the size of each change, and a warning when the two runs were not driven at the same load."}</p>
            <p class="compare-drop">
                {"Drop two files here, the baseline first, or "}
                <button type="button" class="link" onclick={on_choose}>{"choose two files…"}</button>
                {" (in a file chooser, the baseline is the first in name order; Swap turns them round)."}
            </p>
            <input ref={input} class="visually-hidden" type="file" multiple=true tabindex="-1" aria-hidden="true" onchange={on_chosen} />
            if let Some(why) = &*refused {
                <p class="error" role="alert">{why.clone()}</p>
            }
            if !props.waiting_for.is_empty() {
                <p class="muted" role="status">{format!("Reading {} before comparing…", props.waiting_for.join(" and "))}</p>
            } else if props.runs.len() >= 2 {
                <div class="pickers">
                    {picker("compare-baseline", "Baseline", &props.runs, baseline, set_baseline)}
                    <button type="button" class="swap" onclick={on_swap} aria-label="Swap baseline and candidate">{"⇄ Swap"}</button>
                    {picker("compare-candidate", "Candidate", &props.runs, candidate, set_candidate)}
                </div>
                {match &*result {
                    Ok((c, a, b)) => html! {
                        <ComparisonReport comparison={c.clone()} runs={Some((a.clone(), b.clone()))} width={props.width} />
                    },
                    Err(e) => html! { <p class="error" role="alert">{format!("These runs cannot be compared: {e}")}</p> },
                }}
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::default_pair;

    #[test]
    fn the_run_that_started_first_is_the_default_baseline() {
        let early = Some("2026-11-22T01:35:58.832031449Z");
        let late = Some("2026-11-22T01:37:30.856517139Z");
        // Newest file first: a later file holding an earlier run.
        assert_eq!(default_pair(&[(7, early), (3, late)]), (7, 3));
        assert_eq!(default_pair(&[(7, late), (3, early)]), (3, 7));
        // Start unknown: the older file is the baseline.
        assert_eq!(default_pair(&[(7, None), (3, early)]), (3, 7));
        assert_eq!(default_pair(&[(7, early)]), (0, 7));
    }
}
