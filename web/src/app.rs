//! The page: header, drop zone, one panel per file.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};
use yew::prelude::*;

use crate::components::capacity_panel::CapacityPanel;
use crate::components::compare_table::CompareTable;
use crate::components::drop_zone::DropZone;
use crate::components::entry_card::EntryCard;
use crate::pool::Pool;
use crate::state::{Action, AppState, EntryId, Status};

/// The bundled demo run, relative to the page (copied by Trunk from
/// `tests/fixtures/k6/ramping/`): a real k6 staged run, gzipped k6 CSV.
pub const DEMO_URL: &str = "demo/run.csv.gz";
/// The demo's real file name, shown like any other file.
pub const DEMO_NAME: &str = "run.csv.gz";

/// A file (or the demo) on its way into the pool.
struct Incoming {
    blob: Blob,
    name: String,
    demo: bool,
}

#[component]
pub fn App() -> Html {
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

    let add = {
        let (pool, next_id, next_batch, dispatcher) = (
            pool.clone(),
            next_id.clone(),
            next_batch.clone(),
            state.dispatcher(),
        );
        Rc::new(move |incoming: Vec<Incoming>| {
            let batch = next_batch.get();
            next_batch.set(batch + 1);
            for Incoming { blob, name, demo } in incoming {
                let id = next_id.get();
                next_id.set(id + 1);
                dispatcher.dispatch(Action::Added {
                    id,
                    batch,
                    name: name.clone(),
                    size: blob.size() as u64,
                    demo,
                });
                pool.add(id, blob, name);
            }
        })
    };

    let on_files = {
        let add = add.clone();
        Callback::from(move |files: Vec<File>| {
            add(files
                .into_iter()
                .map(|f| Incoming {
                    name: f.name(),
                    blob: f.into(),
                    demo: false,
                })
                .collect());
        })
    };

    let on_demo = {
        let (add, dispatcher) = (add.clone(), state.dispatcher());
        Callback::from(move |()| {
            let (add, dispatcher) = (add.clone(), dispatcher.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_blob(DEMO_URL).await {
                    Ok(blob) => add(vec![Incoming {
                        blob,
                        name: DEMO_NAME.into(),
                        demo: true,
                    }]),
                    Err(e) => dispatcher
                        .dispatch(Action::Notice(format!("The demo could not be loaded: {e}"))),
                }
            });
        })
    };

    // The demo opens on first view, so the page shows what it does at once.
    {
        let on_demo = on_demo.clone();
        use_effect_with((), move |_| on_demo.emit(()));
    }

    let on_cancel = {
        let pool = pool.clone();
        Callback::from(move |id: EntryId| pool.cancel(id))
    };
    let on_close = {
        let (pool, dispatcher) = (pool.clone(), state.dispatcher());
        Callback::from(move |id: EntryId| {
            pool.cancel(id);
            dispatcher.dispatch(Action::Remove(id));
        })
    };

    // Newest files first, so a drop shows up without scrolling past the demo.
    let entries = state.in_display_order();
    let done: Vec<_> = entries
        .iter()
        .filter_map(|e| match &e.status {
            Status::Done { summary, .. } => Some((e.id, e.name.clone(), summary.clone())),
            _ => None,
        })
        .collect();
    // Capacity needs two load levels: two runs, or one staged run cut into plateaus.
    let with_levels: Vec<_> = entries
        .iter()
        .filter(|e| matches!(e.status, Status::Done { .. }))
        .filter_map(|e| e.levels.clone().map(|l| (e.name.clone(), l)))
        .collect();
    let show_capacity = with_levels.len() >= 2
        || with_levels
            .iter()
            .any(|(_, l)| l.as_ref().as_ref().is_ok_and(|s| s.levels.len() >= 2));

    let formats = state
        .formats
        .iter()
        .map(|f| f.description.as_str())
        .collect::<Vec<_>>()
        .join(" · ");
    let workers = pool.max_workers();

    html! {
        <div class="page" ondragover={prevent_page_drop()} ondrop={prevent_page_drop()}>
            <header class="masthead">
                <div class="wrap">
                    <h1><span class="logo" aria-hidden="true">{"▮▮▯"}</span>{"Verdict"}</h1>
                    <p class="tagline">{"Load-test results, analysed in your browser: HDR-histogram percentiles per endpoint and over time."}</p>
                </div>
            </header>
            <main class="wrap" id="main">
                <p class="privacy" id="privacy">
                    <strong>{"Your files never leave this browser."}</strong>
                    {format!(" They are read on this device by up to {workers} Web Workers running Verdict's Rust core as WebAssembly. The page sends nothing anywhere: its Content-Security-Policy forbids any connection beyond the site it was loaded from.")}
                </p>
                <DropZone on_files={on_files} on_demo={on_demo} formats={formats} />
                if let Some(notice) = &state.notice {
                    <p class="notice" role="alert">{notice}</p>
                }
                if done.len() >= 2 {
                    <CompareTable runs={done} />
                }
                if show_capacity {
                    <CapacityPanel runs={with_levels} width={width} />
                }
                <section class="entries" aria-label="Files">
                    for entry in entries {
                        <EntryCard
                            key={entry.id}
                            entry={entry.clone()}
                            width={width}
                            on_cancel={on_cancel.clone()}
                            on_close={on_close.clone()}
                        />
                    }
                </section>
            </main>
            <footer class="wrap footer">
                <p>{"Percentiles are nearest-rank values from HDR histograms (3 significant digits, microsecond resolution). Numbers a tool reports about itself are shown as the tool's, unchanged."}</p>
            </footer>
        </div>
    }
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
