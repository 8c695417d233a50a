//! "Compare two runs": pick a baseline and a candidate among the finished
//! files, and see the comparison (computed here from the analyses the
//! workers kept, exactly as `verdict compare` computes it).

use std::rc::Rc;

use verdict_core::compare::Comparison;
use verdict_core::RunSummary;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::analysis::{self, HeldRun};
use crate::components::comparison_report::ComparisonReport;
use crate::state::EntryId;

#[derive(Properties, PartialEq)]
pub struct CompareViewProps {
    /// Runs that can be compared: (entry id, file name, summary, analysis),
    /// newest first.
    pub runs: Vec<(EntryId, String, Rc<RunSummary>, Rc<String>)>,
    pub width: f64,
    /// The comparison now shown (for the share link), or `None`.
    pub on_result: Callback<Option<Rc<Comparison>>>,
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
                        {format!("{name} (#{entry})")}
                    </option>
                }
            </select>
        </label>
    }
}

#[component]
pub fn CompareView(props: &CompareViewProps) -> Html {
    // Newest as candidate, the one before as baseline, until the user picks.
    let default = (
        props.runs.get(1).map_or(0, |r| r.0),
        props.runs.first().map_or(0, |r| r.0),
    );
    let picked = use_state(|| None::<(EntryId, EntryId)>);
    let known = |id: EntryId| props.runs.iter().any(|r| r.0 == id);
    let (baseline, candidate) = match *picked {
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
                (Some(a), Some(b)) => {
                    analysis::compare(&held(&a), &held(&b)).map(|c| (Rc::new(c), a.2, b.2))
                }
                _ => Err("pick two runs".to_string()),
            }
        })
    };
    {
        let (on_result, result) = (props.on_result.clone(), result.clone());
        use_effect_with(result, move |r| {
            on_result.emit(r.as_ref().as_ref().ok().map(|(c, _, _)| c.clone()));
        });
    }
    let set_baseline = {
        let picked = picked.clone();
        Callback::from(move |id| picked.set(Some((id, candidate))))
    };
    let set_candidate = {
        let picked = picked.clone();
        Callback::from(move |id| picked.set(Some((baseline, id))))
    };
    html! {
        <section class="comparison" aria-labelledby="comparison-title">
            <h2 id="comparison-title">{"Compare two runs"}</h2>
            <p class="muted">{"Is the candidate slower, faster, or the same as the baseline? Tests that allow for requests of the same seconds being alike, intervals for the size of each change, and a warning when the two runs were not driven at the same load."}</p>
            <div class="pickers">
                {picker("compare-baseline", "Baseline", &props.runs, baseline, set_baseline)}
                {picker("compare-candidate", "Candidate", &props.runs, candidate, set_candidate)}
            </div>
            {match &*result {
                Ok((c, a, b)) => html! {
                    <ComparisonReport comparison={c.clone()} runs={Some((a.clone(), b.clone()))} width={props.width} />
                },
                Err(e) => html! { <p class="error" role="alert">{format!("These runs cannot be compared: {e}")}</p> },
            }}
        </section>
    }
}
