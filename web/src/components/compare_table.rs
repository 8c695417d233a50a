//! Several runs side by side: one row per finished run with its headline
//! figures; a row's name scrolls to that run's panel.

use std::rc::Rc;

use verdict_core::RunSummary;
use yew::prelude::*;

use crate::display;
use crate::state::EntryId;

#[derive(Properties, PartialEq)]
pub struct CompareTableProps {
    /// (entry id, file name, summary) in display order.
    pub runs: Vec<(EntryId, String, Rc<RunSummary>)>,
}

fn scroll_to(id: EntryId) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("entry-{id}")));
    if let Some(element) = element {
        element.scroll_into_view();
    }
}

#[component]
pub fn CompareTable(props: &CompareTableProps) -> Html {
    let opt = |v: Option<f64>, f: fn(f64) -> String| v.map_or("–".to_string(), f);
    html! {
        <section class="compare" aria-labelledby="compare-title">
            <h2 id="compare-title">{format!("{} runs side by side", props.runs.len())}</h2>
            <div class="table-wrap" role="region" aria-labelledby="compare-title" tabindex="0">
                <table class="endpoints">
                    <thead>
                        <tr>
                            <th scope="col">{"Run"}</th>
                            <th scope="col" class="num">{"Requests"}</th>
                            <th scope="col" class="num">{"Duration"}</th>
                            <th scope="col" class="num">{"Req/s"}</th>
                            <th scope="col" class="num">{"Error rate"}</th>
                            <th scope="col" class="num">{"p50"}</th>
                            <th scope="col" class="num">{"p95"}</th>
                            <th scope="col" class="num">{"p99"}</th>
                            <th scope="col" class="num">{"Peak VUs"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        for (id, name, s) in props.runs.iter().cloned() {
                            <tr>
                                <th scope="row">
                                    <button type="button" class="link" onclick={Callback::from(move |_: MouseEvent| scroll_to(id))}>{name}</button>
                                </th>
                                <td class="num">{s.requests.map_or("–".into(), display::count)}</td>
                                <td class="num">{opt(s.duration_s, display::duration)}</td>
                                <td class="num">{opt(s.rps, display::per_second)}</td>
                                <td class="num">{opt(s.error_rate, display::percent)}</td>
                                <td class="num">{opt(s.latency_ms.p50, display::ms)}</td>
                                <td class="num">{opt(s.latency_ms.p95, display::ms)}</td>
                                <td class="num">{opt(s.latency_ms.p99, display::ms)}</td>
                                <td class="num">{opt(s.peak_concurrency, display::concurrency)}</td>
                            </tr>
                        }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
