//! # verdict-web
//!
//! Verdict in the browser. Two Wasm binaries built by Trunk from this crate:
//!
//! ```text
//! app (page, Yew)                          worker (one per file, up to hardwareConcurrency)
//! ───────────────                          ───────────────────────────────────────────────
//! DropZone / Load demo
//!   └─▶ pool::Pool::add(File) ──Open──────▶ worker::run ─▶ verdict_rpc::Engine
//!       File.slice → ArrayBuffer ─Chunk──▶      (transferred bytes)     └─▶ verdict_core::Session
//!       ≤ 2 chunks un-acknowledged ◀──Ack──
//!       ──Finish──▶                 ◀──Done(RunSummary)
//!   state::Action::Pool(..) ─▶ reducer ─▶ components render what the core computed
//! ```
//!
//! The page never parses a file and never holds one whole: it moves slices
//! from `Blob::slice` to a worker and renders the [`verdict_core::RunSummary`]
//! that comes back. Messages are [`verdict_rpc`] types carried as plain JS
//! values ([`wire`]).

#![forbid(unsafe_code)]

pub mod analysis;
pub mod app;
pub mod boot;
pub mod capacity_view;
pub mod charts;
pub mod components;
pub mod display;
pub mod download;
pub mod mapping;
pub mod plain;
pub mod pool;
pub mod rules;
pub mod run_name;
pub mod state;
pub mod storage;
pub mod typed_prose;
pub mod wire;
pub mod worker;

pub use app::App;

/// Mounts the page on `<body>`, in place of the first screen `index.html`
/// draws before the Wasm arrives (`#boot`). Yew renders in a microtask of
/// this same task, so the browser never paints the page without either.
pub fn start_app() {
    boot::keep_demo_answer();
    yew::Renderer::<App>::new().render();
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}
