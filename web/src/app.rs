//! The page: header, drop zone, one panel per file.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};
use yew::prelude::*;

use verdict_core::capacity::LevelSet;
use verdict_core::compare::Comparison;
use verdict_core::IngestOptions;

use crate::analysis::{self, HeldRun};
use crate::capacity_view::RunLevels;
use crate::components::answer::{Answer, AnswerRun};
use crate::components::capacity_panel::CapacityPanel;
use crate::components::compare_table::CompareTable;
use crate::components::compare_view::CompareView;
use crate::components::drop_zone::DropZone;
use crate::components::entry_card::EntryCard;
use crate::components::merge_view::MergeView;
use crate::components::share_panel::{SharePanel, SharedSla};
use crate::components::shared_view::SharedView;
use crate::components::sla_rules::SlaRules;
use crate::components::trend_view::TrendView;
use crate::pool::Pool;
use crate::rules::{self, Parsed};
use crate::state::{Action, AppState, EntryId, Status};
use crate::storage;

/// The bundled demo run, relative to the page (copied by Trunk from
/// `tests/fixtures/k6/ramping/`): a real k6 staged run, gzipped k6 CSV.
pub const DEMO_URL: &str = "demo/run.csv.gz";
/// The demo's real file name, shown like any other file.
pub const DEMO_NAME: &str = "run.csv.gz";
/// Set once the user closes the demo: it then no longer opens by itself.
const DEMO_CLOSED_KEY: &str = "verdict.demo-closed";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn demo_closed() -> bool {
    local_storage().is_some_and(|s| s.get_item(DEMO_CLOSED_KEY).ok().flatten().is_some())
}

fn remember_demo_closed() {
    if let Some(s) = local_storage() {
        // A full or disabled storage only brings the demo back on the next visit.
        let _ = s.set_item(DEMO_CLOSED_KEY, "1");
    }
}

/// A file (or the demo) on its way into the pool.
struct Incoming {
    blob: Blob,
    name: String,
    demo: bool,
    /// The folder it was picked in, when a folder was opened.
    folder: Option<String>,
}

/// The page's location: its URL without the fragment, and the fragment.
fn location() -> (String, String) {
    let location = web_sys::window().map(|w| w.location());
    let href = location
        .as_ref()
        .and_then(|l| l.href().ok())
        .unwrap_or_default();
    let hash = location
        .as_ref()
        .and_then(|l| l.hash().ok())
        .unwrap_or_default();
    (href.split('#').next().unwrap_or("").to_string(), hash)
}

/// The page: a shared analysis when the address carries one (`#s=…`),
/// otherwise the workbench where files are dropped.
#[component]
pub fn App() -> Html {
    let hash = use_state(|| location().1);
    {
        // Opening another link in the same tab only changes the fragment.
        let hash = hash.setter();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || hash.set(location().1));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let width = crate::components::use_viewport_width();
    match analysis::fragment_text(&hash) {
        Some(text) => {
            let opened = Rc::new(analysis::open(text));
            html! {
                <div class="page">
                    {masthead()}
                    <main class="wrap" id="main">
                        <SharedView opened={opened} width={width} home={location().0} />
                    </main>
                    {footer()}
                </div>
            }
        }
        None => html! { <Workbench /> },
    }
}

/// The page's title and what it is, at the top of every screen.
pub fn masthead() -> Html {
    html! {
        <header class="masthead">
            <div class="wrap">
                <h1><span class="logo" aria-hidden="true">{"▮▮▯"}</span>{"Verdict"}</h1>
                <p class="tagline">{"Load-test results, analysed in your browser: HDR-histogram percentiles per endpoint and over time."}</p>
            </div>
        </header>
    }
}

fn footer() -> Html {
    html! {
        <footer class="wrap footer">
            <p>{"Percentiles are nearest-rank values from HDR histograms (3 significant digits, microsecond resolution). Numbers a tool reports about itself are shown as the tool's, unchanged."}</p>
        </footer>
    }
}

#[component]
fn Workbench() -> Html {
    let state = use_reducer(AppState::default);
    let next_id = use_memo((), |_| Cell::new(0 as EntryId));
    let next_batch = use_memo((), |_| Cell::new(0u32));
    let pool = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            Pool::new(Callback::from(move |action| dispatcher.dispatch(action)))
        })
    };
    let width = crate::components::use_viewport_width();
    // The files themselves (handles, not bytes), so a file can be read again
    // with other options. Outside the state: a `Blob` is not page data.
    let blobs = use_mut_ref(HashMap::<EntryId, (Blob, String)>::new);

    let add = {
        let (pool, next_id, next_batch, dispatcher, blobs) = (
            pool.clone(),
            next_id.clone(),
            next_batch.clone(),
            state.dispatcher(),
            blobs.clone(),
        );
        Rc::new(move |incoming: Vec<Incoming>| -> Vec<EntryId> {
            let batch = next_batch.get();
            next_batch.set(batch + 1);
            let mut ids = Vec::with_capacity(incoming.len());
            for Incoming {
                blob,
                name,
                demo,
                folder,
            } in incoming
            {
                let id = next_id.get();
                next_id.set(id + 1);
                ids.push(id);
                dispatcher.dispatch(Action::Added {
                    id,
                    batch,
                    name: name.clone(),
                    folder,
                    size: blob.size() as u64,
                    demo,
                });
                blobs.borrow_mut().insert(id, (blob.clone(), name.clone()));
                pool.add(id, blob, name, IngestOptions::default());
            }
            ids
        })
    };

    let on_files = {
        let add = add.clone();
        Callback::from(move |files: Vec<File>| {
            add(incoming_files(files));
        })
    };

    // Two files dropped on "Compare": read them, then compare them.
    let compare_pick = use_state(|| None::<(EntryId, EntryId)>);
    let on_compare_files = {
        let (add, pick) = (add.clone(), compare_pick.setter());
        Callback::from(move |files: Vec<File>| {
            if let [baseline, candidate] = add(incoming_files(files))[..] {
                pick.set(Some((baseline, candidate)));
            }
        })
    };
    let on_compare_pick = {
        let pick = compare_pick.setter();
        Callback::from(move |p: (EntryId, EntryId)| pick.set(Some(p)))
    };

    // Until the first visit's files are known (kept analyses, or the demo on
    // its way), the answer keeps its place: the page does not jump when they come.
    let expecting = use_state(|| true);
    let boot_demo = use_memo((), |_| {
        crate::boot::demo_answer().filter(|_| !demo_closed())
    });
    let on_demo = {
        let (add, dispatcher, expecting) = (add.clone(), state.dispatcher(), expecting.setter());
        Callback::from(move |()| {
            let (add, dispatcher, expecting) = (add.clone(), dispatcher.clone(), expecting.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // The demo's entry first, then the end of waiting for it: the
                // answer never sees neither.
                match fetch_blob(DEMO_URL).await {
                    Ok(blob) => {
                        add(vec![Incoming {
                            blob,
                            name: DEMO_NAME.into(),
                            demo: true,
                            folder: None,
                        }]);
                    }
                    Err(e) => dispatcher
                        .dispatch(Action::Notice(format!("The demo could not be loaded: {e}"))),
                }
                expecting.set(false);
            });
        })
    };

    let on_cancel = {
        let pool = pool.clone();
        Callback::from(move |id: EntryId| pool.cancel(id))
    };

    // "Save analysis": the worker holding the run writes the `.verdict` bytes.
    let on_save = {
        let (pool, state) = (pool.clone(), state.clone());
        Callback::from(
            move |(id, reply): (EntryId, Callback<Result<String, String>>)| {
                let Some(entry) = state.entries.iter().find(|e| e.id == id) else {
                    return;
                };
                let file_name = if entry.merged > 0 {
                    format!("merged{}", verdict_core::saved::EXTENSION)
                } else {
                    crate::download::analysis_name(&entry.name)
                };
                let raw = (entry.merged == 0).then_some(entry.size);
                pool.analysis_files(
                    &[(id, entry.name.clone())],
                    Callback::from(move |files: Result<Vec<Vec<u8>>, String>| {
                        let result = files.and_then(|files| {
                            let bytes = files
                                .into_iter()
                                .next()
                                .ok_or("no analysis file came back")?;
                            crate::download::offer_bytes(
                                &file_name,
                                "application/octet-stream",
                                &bytes,
                            )?;
                            Ok(saved_sentence(&file_name, bytes.len(), raw))
                        });
                        reply.emit(result);
                    }),
                );
            },
        )
    };

    // "Merge runs": the held runs' analysis files go to one worker, which
    // merges them into a new run with its own panel.
    let on_merge = {
        let (pool, state, next_id, next_batch) = (
            pool.clone(),
            state.clone(),
            next_id.clone(),
            next_batch.clone(),
        );
        Callback::from(move |ids: Vec<EntryId>| {
            let runs: Vec<(EntryId, String)> = ids
                .iter()
                .filter_map(|id| state.entries.iter().find(|e| e.id == *id))
                .map(|e| (e.id, e.name.clone()))
                .collect();
            if runs.len() < 2 {
                return;
            }
            let (id, batch) = (next_id.get(), next_batch.get());
            next_id.set(id + 1);
            next_batch.set(batch + 1);
            let name = runs
                .iter()
                .map(|r| r.1.as_str())
                .collect::<Vec<_>>()
                .join(" + ");
            state.dispatch(Action::Merging {
                id,
                batch,
                name: name.clone(),
                runs: runs.len(),
            });
            let (merge_pool, dispatcher) = (pool.clone(), state.dispatcher());
            pool.analysis_files(
                &runs,
                Callback::from(move |files: Result<Vec<Vec<u8>>, String>| {
                    if let Err(e) = files.and_then(|f| merge_pool.merge(id, name.clone(), f)) {
                        dispatcher.dispatch(Action::Pool(crate::state::PoolEvent::Failed {
                            id,
                            error: verdict_rpc::ErrorInfo::new("merge", e),
                        }));
                    }
                }),
            );
        })
    };
    // Generators' files dropped on "Merge runs": read them, then merge them.
    let merge_waiting = use_state(|| None::<Vec<EntryId>>);
    let on_merge_files = {
        let (add, waiting) = (add.clone(), merge_waiting.setter());
        Callback::from(move |files: Vec<File>| {
            waiting.set(Some(add(incoming_files(files))));
        })
    };
    {
        let (waiting, on_merge) = (merge_waiting.clone(), on_merge.clone());
        let states: Vec<(bool, bool)> = merge_waiting
            .iter()
            .flatten()
            .filter_map(|id| state.entries.iter().find(|e| e.id == *id))
            .map(|e| (e.is_active(), e.is_done() && e.has_analysis_file()))
            .collect();
        use_effect_with(states, move |states| {
            if let Some(ids) = &*waiting {
                if states.len() < ids.len() || !states.iter().any(|s| s.0) {
                    // All read (or some closed or failed, which their panels say).
                    if states.len() == ids.len() && states.iter().all(|s| s.1) {
                        on_merge.emit(ids.clone());
                    }
                    waiting.set(None);
                }
            }
        });
    }
    let on_reread = {
        let (pool, state, next_id, blobs) =
            (pool.clone(), state.clone(), next_id.clone(), blobs.clone());
        Callback::from(move |(old, options): (EntryId, IngestOptions)| {
            let Some((blob, name)) = blobs.borrow_mut().remove(&old) else {
                return;
            };
            pool.cancel(old);
            pool.forget(old);
            forget_kept(&state, old);
            let id = next_id.get();
            next_id.set(id + 1);
            state.dispatch(Action::Reread {
                old,
                id,
                options: options.clone(),
            });
            blobs.borrow_mut().insert(id, (blob.clone(), name.clone()));
            pool.add(id, blob, name, options);
        })
    };
    // The SLA rules, kept across reloads; every held run is evaluated on
    // them in its worker whenever they change (and once when it is read).
    let rules_text = use_state(rules::load);
    let parsed = use_memo((*rules_text).clone(), |text| rules::parse(text));
    // What the workers are sent: the rules as TOML, however they were typed.
    let canonical = rules::canonical(&parsed).unwrap_or_default();
    let on_rules = {
        let rules_text = rules_text.setter();
        Callback::from(move |text: String| {
            rules::save(&text);
            rules_text.set(text);
        })
    };
    {
        let (pool, dispatcher, parsed) = (pool.clone(), state.dispatcher(), parsed.clone());
        let sent = use_mut_ref(HashMap::<EntryId, String>::new);
        let ticket = use_mut_ref(|| 0u32);
        let held: Vec<EntryId> = state
            .entries
            .iter()
            .filter(|e| e.held && matches!(e.status, Status::Done { .. }))
            .map(|e| e.id)
            .collect();
        use_effect_with((canonical.clone(), held), move |(text, held)| {
            if !matches!(&*parsed, Parsed::Rules(_)) {
                // Rules that come back after a gap are evaluated afresh.
                sent.borrow_mut().clear();
            } else {
                for &id in held {
                    if sent.borrow().get(&id) == Some(text) {
                        continue;
                    }
                    sent.borrow_mut().insert(id, text.clone());
                    let next = {
                        let mut t = ticket.borrow_mut();
                        *t = t.wrapping_add(1);
                        *t
                    };
                    dispatcher.dispatch(Action::Evaluating { id, ticket: next });
                    pool.evaluate(id, next, text.clone());
                }
            }
        });
    }

    let on_rename = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(id, name): (EntryId, Option<String>)| {
            dispatcher.dispatch(Action::Rename { id, name })
        })
    };
    let remove = {
        let (pool, state, blobs) = (pool.clone(), state.clone(), blobs.clone());
        Rc::new(move |id: EntryId| {
            pool.cancel(id);
            blobs.borrow_mut().remove(&id);
            pool.forget(id);
            // A closed panel is not brought back by the next reload.
            forget_kept(&state, id);
            state.dispatch(Action::Remove(id));
        })
    };
    let on_close = {
        let (remove, state) = (remove.clone(), state.clone());
        Callback::from(move |id: EntryId| {
            if state.entries.iter().any(|e| e.id == id && e.demo) {
                remember_demo_closed();
            }
            remove(id);
        })
    };
    // The demo is for a first look: it leaves once a file of the user's is read.
    {
        let leaving = state.demos_to_leave();
        use_effect_with(leaving, move |leaving| {
            for &id in leaving {
                remove(id);
            }
        });
    }

    // Analyses kept in this browser come back when the page opens…
    {
        let (dispatcher, next_id, next_batch, on_demo, expecting) = (
            state.dispatcher(),
            next_id.clone(),
            next_batch.clone(),
            on_demo.clone(),
            expecting.setter(),
        );
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                // With nothing of the user's, the demo opens, so a first
                // visit shows at once what the page does — unless closed before.
                let mut restored = 0;
                match storage::load().await {
                    Ok(saved) if !saved.is_empty() => {
                        let batch = next_batch.get();
                        next_batch.set(batch + 1);
                        for kept in saved {
                            // A kept analysis that no longer reads is dropped quietly.
                            let Ok(mut snapshot) = analysis::open(&kept.analysis) else {
                                continue;
                            };
                            let Some(run) = snapshot.runs.pop() else {
                                continue;
                            };
                            let id = next_id.get();
                            next_id.set(id + 1);
                            dispatcher.dispatch(Action::Restored {
                                id,
                                batch,
                                name: kept.name,
                                size: kept.size,
                                summary: Box::new(run.summary),
                                analysis: kept.analysis,
                                key: kept.key,
                            });
                            restored += 1;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => dispatcher.dispatch(Action::Notice(format!(
                        "Earlier analyses could not be read from this browser's storage: {e}"
                    ))),
                }
                if restored == 0 && !demo_closed() {
                    on_demo.emit(());
                } else {
                    expecting.set(false);
                }
            });
        });
    }
    // …and each new one is kept as soon as it is done (the demo excepted).
    {
        let saving = use_mut_ref(HashSet::<EntryId>::new);
        let to_save: Vec<(EntryId, String, u64, Rc<String>)> = state
            .entries
            .iter()
            .filter(|e| !e.demo && !e.restored && e.saved.is_none())
            .filter_map(|e| match &e.status {
                Status::Done {
                    analysis: Some(a), ..
                } => Some((e.id, e.name.clone(), e.size, a.clone())),
                _ => None,
            })
            .collect();
        let dispatcher = state.dispatcher();
        use_effect_with(to_save, move |to_save| {
            for (id, name, size, text) in to_save.iter().cloned() {
                if !saving.borrow_mut().insert(id) {
                    continue;
                }
                let dispatcher = dispatcher.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match storage::save(&name, size, &text).await {
                        Ok(key) => dispatcher.dispatch(Action::Saved { id, key }),
                        Err(e) => dispatcher.dispatch(Action::Notice(format!(
                            "{name}: the analysis could not be kept in this browser: {e}"
                        ))),
                    }
                });
            }
        });
    }
    let on_clear_kept = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match storage::clear().await {
                    Ok(()) => dispatcher.dispatch(Action::StorageCleared),
                    Err(e) => dispatcher.dispatch(Action::Notice(format!(
                        "The kept analyses could not be cleared: {e}"
                    ))),
                }
            });
        })
    };

    // The comparison shown, for the share link.
    let shown_comparison = use_state(|| None::<Rc<Comparison>>);
    // The capacity answer on screen, for share links.
    let shared_capacity = use_state(|| None::<Rc<crate::analysis::SharedCapacity>>);
    let on_capacity_answer = {
        let setter = shared_capacity.setter();
        Callback::from(move |a: Option<crate::analysis::SharedCapacity>| setter.set(a.map(Rc::new)))
    };
    let on_comparison = {
        let shown = shown_comparison.setter();
        Callback::from(move |c: Option<Rc<Comparison>>| shown.set(c))
    };

    // Newest files first, so a drop shows up without scrolling past the demo.
    let entries = state.in_display_order();
    // The demo is compared, shared or fitted only when it is all there is.
    let own_files = state.has_own_runs();
    let run_names = state.run_names();
    let run_name = |e: &crate::state::Entry| {
        run_names
            .get(&e.id)
            .cloned()
            .unwrap_or_else(|| e.name.clone())
    };
    let done: Vec<_> = entries
        .iter()
        .filter(|e| !(own_files && e.demo))
        .filter_map(|e| match &e.status {
            Status::Done { summary, .. } => Some((e.id, run_name(e), summary.clone())),
            _ => None,
        })
        .collect();
    // Load levels for the capacity panel: several runs, or one staged run cut into plateaus.
    let with_levels: Vec<_> = entries
        .iter()
        .filter(|e| matches!(e.status, Status::Done { .. }) && !(own_files && e.demo))
        .filter_map(|e| {
            let name = run_name(e);
            let named = |l: &Rc<Result<LevelSet, String>>| match l.as_ref() {
                Ok(set) => Rc::new(Ok(crate::capacity_view::relabel(set, &e.name, &name))),
                Err(_) => l.clone(),
            };
            e.levels.as_ref().map(|own| RunLevels {
                own: named(own),
                by_rate: e.levels_by_rate.as_ref().map(named),
                name: name.clone(),
            })
        })
        .collect();

    let comparable: Vec<_> = state
        .analyses()
        .into_iter()
        .filter(|(id, ..)| !(own_files && entries.iter().any(|e| e.id == *id && e.demo)))
        .map(|(id, name, summary, analysis)| {
            (
                id,
                run_names.get(&id).cloned().unwrap_or(name),
                summary,
                analysis,
            )
        })
        .collect();
    let any_done = !done.is_empty();
    // Runs that can be merged or followed over time: finished, a worker
    // holding them; the demo only when it is all there is.
    let mergeable: Vec<(EntryId, String, bool)> = entries
        .iter()
        .filter(|e| e.is_done() && !(own_files && e.demo))
        .map(|e| (e.id, run_name(e), e.has_analysis_file()))
        .collect();
    // A tool's own aggregates have nothing to test a step on.
    let trend_runs: Vec<(EntryId, String)> = entries
        .iter()
        .filter(|e| e.has_analysis_file() && !(own_files && e.demo))
        .filter(|e| {
            matches!(
                &e.status,
                Status::Done {
                    analysis: Some(_),
                    ..
                }
            )
        })
        .map(|e| (e.id, run_name(e)))
        .collect();
    let merge_waiting_names: Vec<String> = merge_waiting
        .iter()
        .flatten()
        .filter_map(|id| state.entries.iter().find(|e| e.id == *id))
        .filter(|e| e.is_active())
        .map(|e| e.name.clone())
        .collect();
    // Files dropped on "Compare" that are still being read.
    let compare_waiting: Vec<String> = compare_pick
        .map(|(a, b)| {
            state
                .entries
                .iter()
                .filter(|e| (e.id == a || e.id == b) && e.is_active())
                .map(|e| e.name.clone())
                .collect()
        })
        .unwrap_or_default();
    // The demo is shared only when it is all there is.
    let shareable: Vec<(EntryId, String, HeldRun)> = entries
        .iter()
        .filter(|e| !(own_files && e.demo))
        .filter_map(|e| match &e.status {
            Status::Done {
                summary, analysis, ..
            } => Some((
                e.id,
                run_name(e),
                HeldRun {
                    summary: summary.clone(),
                    analysis: analysis.clone(),
                },
            )),
            _ => None,
        })
        .collect();
    let kept = state.entries.iter().filter(|e| e.saved.is_some()).count();
    // The verdicts shown for the runs shared, and their rules, for the link.
    let shared_sla = match &*parsed {
        Parsed::Rules(sla) => {
            let verdicts: Vec<_> = shareable
                .iter()
                .filter_map(|(id, _, _)| state.entries.iter().find(|e| e.id == *id))
                .filter_map(|e| match &e.sla.answer {
                    Some(Ok(v)) => Some(v.iter().cloned()),
                    _ => None,
                })
                .flatten()
                .collect();
            (!verdicts.is_empty()).then(|| {
                Rc::new(SharedSla {
                    verdicts,
                    rules: verdict_core::sla::save_toml(sla),
                })
            })
        }
        _ => None,
    };

    let formats = state.formats.clone();
    let workers = pool.max_workers();

    // The answer: the runs in view, the demo only when it is all there is.
    let answer_runs: Vec<AnswerRun> = entries
        .iter()
        .filter(|e| !(own_files && e.demo))
        .filter_map(|e| match &e.status {
            Status::Done { summary, .. } => Some(AnswerRun {
                id: e.id,
                name: run_name(e),
                summary: summary.clone(),
                verdicts: match &e.sla.answer {
                    Some(Ok(v)) if matches!(&*parsed, Parsed::Rules(_)) => Some(v.clone()),
                    _ => None,
                },
                demo: e.demo,
                precomputed: false,
            }),
            _ => None,
        })
        .collect();
    let reading = entries.iter().filter(|e| e.is_active()).count();
    // On a first visit, the demo's answer as computed when the page was built
    // stands in until the page has read and checked the demo itself (same
    // engine, same file, same rules: the same answer, without the wait).
    let demo_entry = entries.iter().find(|e| e.demo).map(|e| e.id);
    let answer_runs = match &*boot_demo {
        Some(d)
            if !state.entries.iter().any(|e| !e.demo)
                && (*expecting || demo_entry.is_some())
                && answer_runs.iter().all(|r| r.verdicts.is_none())
                && *rules_text == d.rules =>
        {
            vec![d.answer_run(demo_entry)]
        }
        _ => answer_runs,
    };
    // For screen readers: the latest of the user's files to finish.
    let announcement = entries
        .iter()
        .filter(|e| !e.demo && !e.restored)
        .filter_map(|e| match &e.status {
            Status::Done { summary, .. } => Some((e.id, e, summary)),
            _ => None,
        })
        .max_by_key(|(id, ..)| *id)
        .map(|(_, e, s)| {
            let mut text = format!("{} is read", run_name(e));
            if let Some(p95) = s.latency_ms.p95 {
                text.push_str(&format!(": p95 {}", crate::display::ms_unit(p95)));
            }
            if let Some(Ok(v)) = &e.sla.answer {
                let (pass, fail, inconclusive) = verdict_core::sla::render::counts(v);
                text.push_str(&format!(
                    "; {fail} FAIL, {inconclusive} INCONCLUSIVE, {pass} PASS"
                ));
            }
            text.push('.');
            text
        })
        .unwrap_or_default();
    // A dropped file's result comes into view once it is read.
    {
        let finished: Vec<EntryId> = entries
            .iter()
            .filter(|e| !e.demo && !e.restored && matches!(e.status, Status::Done { .. }))
            .map(|e| e.id)
            .collect();
        let seen = use_mut_ref(HashSet::<EntryId>::new);
        use_effect_with(finished, move |finished| {
            let new = finished.iter().any(|id| !seen.borrow().contains(id));
            seen.borrow_mut().extend(finished.iter().copied());
            if new {
                scroll_to("answer");
            }
        });
    }
    let rule_endpoints: Vec<String> = {
        let mut names: Vec<String> = answer_runs
            .iter()
            .flat_map(|r| r.summary.endpoints.iter().map(|e| e.name.clone()))
            .collect();
        names.sort();
        names.dedup();
        names
    };

    html! {
        <div class="page" ondragover={prevent_page_drop()} ondrop={prevent_page_drop()}>
            <a class="skip-link" href="#answer">{"Skip to the answer"}</a>
            {masthead()}
            <main class="wrap" id="main">
                <Answer runs={answer_runs} reading={reading} rules={parsed.rule_count()} expecting={*expecting} />
                <p class="visually-hidden" aria-live="polite" id="announce">{announcement}</p>
                <DropZone on_files={on_files} on_demo={on_demo} formats={formats.clone()} />
                if let Some(notice) = &state.notice {
                    <p class="notice" role="alert">{notice}</p>
                }
                <SlaRules text={(*rules_text).clone()} parsed={parsed.clone()} on_change={on_rules} endpoints={rule_endpoints} />
                // The runs first: panels across runs follow them.
                <section class="entries" aria-label="Files">
                    for entry in entries {
                        <EntryCard
                            key={entry.order}
                            run_name={run_name(entry)}
                            on_rename={on_rename.clone()}
                            entry={entry.clone()}
                            width={width}
                            rules={parsed.clone()}
                            on_cancel={on_cancel.clone()}
                            on_close={on_close.clone()}
                            formats={formats.clone()}
                            can_reread={blobs.borrow().contains_key(&entry.id)}
                            on_reread={on_reread.clone()}
                            on_save={on_save.clone()}
                        />
                    }
                </section>
                if done.len() >= 2 {
                    <CompareTable runs={done} />
                }
                if any_done || !compare_waiting.is_empty() {
                    <CompareView
                        runs={comparable.clone()}
                        width={width}
                        on_result={on_comparison}
                        picked={*compare_pick}
                        on_pick={on_compare_pick}
                        on_files={on_compare_files}
                        waiting_for={compare_waiting}
                    />
                }
                if mergeable.len() >= 2 || merge_waiting.is_some() {
                    <MergeView runs={mergeable} on_merge={on_merge} on_files={on_merge_files} waiting_for={merge_waiting_names} />
                }
                <TrendView runs={trend_runs} pool={(*pool).clone()} width={width} />
                <CapacityPanel runs={with_levels} width={width} on_answer={on_capacity_answer} />
                if !shareable.is_empty() {
                    <SharePanel runs={shareable} sla={shared_sla} capacity={(*shared_capacity).clone()} comparison={(comparable.len() >= 2).then(|| (*shown_comparison).clone()).flatten()} />
                }
                <p class="privacy" id="privacy">
                    <strong>{"Your files never leave this browser."}</strong>
                    {format!(" They are read on this device by up to {workers} Web Workers running Verdict's Rust core as WebAssembly. The page sends nothing anywhere: its Content-Security-Policy forbids any connection beyond the site it was loaded from.")}
                </p>
                <p class="kept" data-kept={kept.to_string()}>
                    {format!("Analyses of your files (never the files) are kept in this browser so that a reload loses nothing: {kept} kept. ")}
                    <button type="button" class="link" onclick={on_clear_kept}>{"Clear kept analyses"}</button>
                </p>
            </main>
            {footer()}
        </div>
    }
}

/// What "Save analysis" says once the file is offered: its size, against
/// the file it was read from when there is one.
fn saved_sentence(file_name: &str, bytes: usize, raw: Option<u64>) -> String {
    let size = crate::display::bytes(bytes as f64);
    match raw {
        Some(raw) if raw > 0 => format!(
            "Saved {file_name}: {size} (the file read: {}); no raw samples.",
            crate::display::bytes(raw as f64)
        ),
        _ => format!("Saved {file_name}: {size}; no raw samples."),
    }
}

fn incoming_files(files: Vec<File>) -> Vec<Incoming> {
    files
        .into_iter()
        .map(|f| {
            // Set by the browser for a file picked inside an opened folder.
            let path = js_sys::Reflect::get(&f, &JsValue::from_str("webkitRelativePath"))
                .ok()
                .and_then(|p| p.as_string())
                .unwrap_or_default();
            Incoming {
                name: f.name(),
                folder: crate::run_name::folder_of(&path),
                blob: f.into(),
                demo: false,
            }
        })
        .collect()
}

/// Drops a file's kept analysis from the browser's store, if it has one.
fn forget_kept(state: &UseReducerHandle<AppState>, id: EntryId) {
    if let Some(key) = state
        .entries
        .iter()
        .find(|e| e.id == id)
        .and_then(|e| e.saved)
    {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = storage::remove(key).await;
        });
    }
}

/// Brings an element to the top of the view (at once: no motion to turn off).
fn scroll_to(id: &str) {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Start);
    el.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Dropping a file outside the drop zone would make the browser navigate
/// to it; the page swallows such drops (the zone handles its own).
fn prevent_page_drop() -> Callback<DragEvent> {
    Callback::from(|e: DragEvent| e.prevent_default())
}

async fn fetch_blob(url: &str) -> Result<Blob, String> {
    let window = web_sys::window().ok_or("no window")?;
    let describe = |e: JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(describe)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let blob = JsFuture::from(response.blob().map_err(describe)?)
        .await
        .map_err(describe)?;
    Ok(blob.unchecked_into())
}
