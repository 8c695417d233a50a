//! The first screen, before the page's Wasm has arrived.
//!
//! On a phone the Wasm takes seconds to arrive and the demo more to be read,
//! so `make dist` draws the first screen into `index.html` (`#boot`) with
//! the demo's answer already in it: `boot-screen` (a native binary) reads the
//! demo file with the worker's own engine, checks it against the first
//! visit's rules, and renders [`BootScreen`] — the same components the page
//! renders — to HTML. It also writes that answer as JSON
//! (`#boot-demo-answer`): until the page has read the demo itself, it shows
//! this answer, marked precomputed, so its first render is the screen that is
//! already there and nothing moves or flashes when it takes over.
//!
//! ```text
//! make dist:  demo file ─▶ Engine (Open/Chunk/Finish, Evaluate) ─▶ DemoAnswer
//!                 ├─▶ ServerRenderer<BootScreen> ─▶ index.html #boot
//!                 └─▶ JSON ─▶ index.html #boot-demo-answer
//! page:       #boot-demo-answer ─▶ Answer (precomputed) ─▶ live demo answer
//! ```

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use verdict_core::sla::Verdict;
use verdict_core::RunSummary;
use yew::prelude::*;

use crate::components::answer::{Answer, AnswerRun};
use crate::components::drop_zone::DropZone;

/// The element of `index.html` that holds the [`DemoAnswer`] as JSON.
pub const DEMO_ANSWER_ELEMENT: &str = "boot-demo-answer";

/// The demo's answer as computed when the page was built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoAnswer {
    /// The name the page gives the demo file.
    pub file_name: String,
    /// The rule text the verdicts answer (the first visit's preset).
    pub rules: String,
    /// How many rules that text holds.
    pub rule_count: usize,
    /// The demo's summary, as the worker sends it.
    pub summary: RunSummary,
    /// The demo's verdicts under `rules`.
    pub verdicts: Vec<Verdict>,
}

impl DemoAnswer {
    /// The answer's row for the demo; `entry` is the demo's entry once the
    /// page has one (its row links there).
    pub fn answer_run(&self, entry: Option<u32>) -> AnswerRun {
        AnswerRun {
            id: entry.unwrap_or(crate::components::answer::NO_ENTRY),
            name: crate::run_name::derive(&self.file_name, None, Some(&self.summary)),
            summary: Rc::new(self.summary.clone()),
            verdicts: Some(Rc::new(self.verdicts.clone())),
            demo: true,
            precomputed: true,
        }
    }
}

thread_local! {
    static DEMO_ANSWER: std::cell::OnceCell<Option<DemoAnswer>> = const { std::cell::OnceCell::new() };
}

/// Reads the answer `make dist` wrote into the page, if it did (`make serve`
/// does not: its first screen waits for the demo to be read). Called before
/// the page mounts, which empties `<body>`.
pub fn keep_demo_answer() {
    let read = || -> Option<DemoAnswer> {
        let text = web_sys::window()?
            .document()?
            .get_element_by_id(DEMO_ANSWER_ELEMENT)?
            .text_content()?;
        serde_json::from_str(&text).ok()
    };
    DEMO_ANSWER.with(|kept| {
        let _ = kept.set(read());
    });
}

/// The answer [`keep_demo_answer`] kept.
pub fn demo_answer() -> Option<DemoAnswer> {
    DEMO_ANSWER.with(|kept| kept.get().cloned().flatten())
}

/// Props of [`BootScreen`].
#[derive(Properties, PartialEq)]
pub struct BootScreenProps {
    /// The demo's answer; `None` draws the pending answer.
    pub demo: Option<DemoAnswer>,
}

/// The top of the page as the Workbench first draws it on a first visit:
/// masthead, the answer, the drop zone.
#[component]
pub fn BootScreen(props: &BootScreenProps) -> Html {
    let (runs, rules) = match &props.demo {
        Some(d) => (vec![d.answer_run(None)], d.rule_count),
        None => (Vec::new(), 0),
    };
    html! {
        <>
            {crate::app::masthead()}
            <main class="wrap">
                <Answer runs={runs} reading={0} rules={rules} expecting={true} />
                <DropZone on_files={Callback::noop()} on_demo={Callback::noop()} formats={Vec::new()} />
            </main>
        </>
    }
}
