//! "How many VUs (or req/s, for open-model runs) keep p95 under 200 ms?" across the open runs, or from
//! numbers the user types: the target and what-if knobs, the answer with its
//! band, the USL fit, the levels table and a chart of the percentiles against
//! the fitted model. Everything recomputes on every input; the fit is cheap
//! and runs on the page from the levels the workers sent (the histograms stay
//! in the workers). Without an answer the panel folds to one line, so that
//! it does not push the runs down.

use verdict_core::capacity::{CapacityReport, CurvePoint, LoadUnit};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::capacity_view::{
    axis_choice, combine, compute, load_axis, optional_number, read_typed, readings_on,
    summary_line, LevelsFrom, Question, RunLevels, STATISTICS,
};
use crate::charts::{nice_max, nice_ticks, polyline, Linear};
use crate::components::typed_levels::TypedLevels;
use crate::display;

#[derive(Properties, PartialEq)]
pub struct CapacityPanelProps {
    /// The capacity readings of every finished run.
    pub runs: Vec<RunLevels>,
    /// Viewport width, for the chart.
    pub width: f64,
    /// Told the answer on screen whenever it changes, for share links.
    #[prop_or_default]
    pub on_answer: Callback<Option<crate::analysis::SharedCapacity>>,
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

#[component]
pub fn CapacityPanel(props: &CapacityPanelProps) -> Html {
    let question = use_state(Question::default);
    let think_text = use_state(String::new);
    let arrival_text = use_state(String::new);
    let input_error = use_state(|| None::<String>);
    let from = use_state(|| LevelsFrom::Runs);
    // `None`: the axis the runs suggest ([`load_axis`]); then the user's.
    let chosen_axis = use_state(|| None::<LoadUnit>);
    let typed_text = use_state(String::new);
    // `None`: folded or not by whether there is an answer; then the user's.
    let expanded = use_state(|| None::<bool>);

    let typed = read_typed(&typed_text);
    let axis = load_axis(&props.runs, *chosen_axis);
    let on_axis = {
        let chosen_axis = chosen_axis.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            chosen_axis.set(Some(if v == "req/s" {
                LoadUnit::RequestsPerSecond
            } else {
                LoadUnit::Vus
            }));
        })
    };
    let show_axis = *from == LevelsFrom::Runs && axis_choice(&props.runs);
    let set = match *from {
        LevelsFrom::Runs => Some(combine(&readings_on(&props.runs, axis))),
        LevelsFrom::Typed => typed.as_ref().ok().and_then(|s| s.clone()),
    };
    // Why the runs give no level on this axis, said when there is nothing else to show.
    let left_out: Vec<String> = set
        .as_ref()
        .filter(|s| s.levels.is_empty())
        .map(|s| s.notes.clone())
        .unwrap_or_default();
    let computed = set
        .filter(|s| !s.levels.is_empty())
        .map(|s| compute(s, &question));
    let has_answer = computed
        .as_ref()
        .is_some_and(|(r, _)| r.answer.value.is_some());
    {
        let shown = computed
            .as_ref()
            .filter(|(r, _)| r.answer.value.is_some())
            .map(|(r, _)| crate::analysis::SharedCapacity::of(r));
        let on_answer = props.on_answer.clone();
        use_effect_with(shown, move |shown| on_answer.emit(shown.clone()));
    }
    {
        // Unfold once an answer appears; a later knob that loses it does not fold.
        let expanded = expanded.clone();
        use_effect_with(has_answer, move |has| {
            if *has && expanded.is_none() {
                expanded.set(Some(true));
            }
        });
    }
    let open = *from == LevelsFrom::Typed || expanded.unwrap_or(has_answer);
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(Some(!open)))
    };
    let use_typed = {
        let (from, expanded) = (from.clone(), expanded.clone());
        Callback::from(move |_: MouseEvent| {
            from.set(LevelsFrom::Typed);
            expanded.set(Some(true));
        })
    };
    let use_runs = {
        let from = from.clone();
        Callback::from(move |()| from.set(LevelsFrom::Runs))
    };
    let on_typed = {
        let typed_text = typed_text.clone();
        Callback::from(move |text: String| typed_text.set(text))
    };
    let summary = summary_line(
        *from,
        computed.as_ref().map(|(r, _)| r),
        &question.options().target,
    );

    let on_stat = {
        let question = question.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(q) = v.parse::<f64>() {
                question.set(Question {
                    quantile: q,
                    ..*question
                });
            }
        })
    };
    let on_limit = {
        let question = question.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(v) = input_value(&e).trim().parse::<f64>() {
                if v.is_finite() && v > 0.0 {
                    question.set(Question {
                        limit_ms: v,
                        ..*question
                    });
                }
            }
        })
    };
    let on_instances = {
        let question = question.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(k) = input_value(&e).trim().parse::<u32>() {
                question.set(Question {
                    instances: k.clamp(1, 1000),
                    ..*question
                });
            }
        })
    };
    let on_think = {
        let (question, text, error) = (question.clone(), think_text.clone(), input_error.clone());
        Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            match optional_number(&v) {
                Ok(t) => {
                    question.set(Question {
                        think_time_s: t,
                        ..*question
                    });
                    error.set(None);
                }
                Err(why) => error.set(Some(format!("think time: {why}"))),
            }
            text.set(v);
        })
    };
    let on_arrival = {
        let (question, text, error) = (question.clone(), arrival_text.clone(), input_error.clone());
        Callback::from(move |e: InputEvent| {
            let v = input_value(&e);
            match optional_number(&v) {
                Ok(r) => {
                    question.set(Question {
                        arrival_rate: r.filter(|r| *r > 0.0),
                        ..*question
                    });
                    error.set(None);
                }
                Err(why) => error.set(Some(format!("arrival rate: {why}"))),
            }
            text.set(v);
        })
    };

    let slider_max = (question.limit_ms * 2.0).max(1000.0);
    let levels = computed.as_ref().map_or(0, |(r, _)| r.levels.len());
    let knobs = Knobs {
        on_stat,
        on_limit,
        on_instances,
        on_think,
        on_arrival,
        think_text: (*think_text).clone(),
        arrival_text: (*arrival_text).clone(),
        input_error: (*input_error).clone(),
        slider_max,
    };
    html! {
        <section class={classes!("capacity", (!open).then_some("folded"))} aria-labelledby="capacity-title"
            data-capacity-levels={levels.to_string()} data-capacity-from={from.as_str()}>
            <div class="capacity-head">
                <h2 id="capacity-title">{"Capacity"}
                    if *from == LevelsFrom::Typed {
                        <span class="badge typed">{"from typed numbers"}</span>
                    }
                </h2>
                if !open || computed.is_none() {
                    <p class="capacity-summary">{summary}</p>
                }
                if computed.is_none() && !left_out.is_empty() {
                    <ul class="capacity-notes">
                        for n in &left_out { <li>{n}</li> }
                    </ul>
                }
                <div class="capacity-head-actions">
                    if show_axis {
                        <label class="capacity-axis">{"Load axis "}
                            <select name="load-axis" onchange={on_axis}>
                                <option value="vus" selected={axis == LoadUnit::Vus}>{"VUs (closed model)"}</option>
                                <option value="req/s" selected={axis == LoadUnit::RequestsPerSecond}>{"req/s offered (arrival rate)"}</option>
                            </select>
                        </label>
                    }
                    if computed.is_some() && *from == LevelsFrom::Runs {
                        <button type="button" class="link" aria-expanded={open.to_string()} aria-controls="capacity-body" onclick={toggle}>
                            {if open { "Hide" } else { "Show levels and fit" }}
                        </button>
                    }
                    if *from == LevelsFrom::Runs {
                        <button type="button" class="link" onclick={use_typed}>{"Capacity from numbers…"}</button>
                    }
                </div>
            </div>
            if *from == LevelsFrom::Typed {
                <TypedLevels text={(*typed_text).clone()} result={typed.clone().map(|s| s.map_or(0, |s| s.levels.len()))}
                    on_input={on_typed} on_close={use_runs} />
            }
            if open {
                if let Some((report, points)) = &computed {
                    {details(props, report, points, &question, knobs)}
                }
            }
        </section>
    }
}

/// The knobs of the capacity question, rendered above the answer.
struct Knobs {
    on_stat: Callback<Event>,
    on_limit: Callback<InputEvent>,
    on_instances: Callback<InputEvent>,
    on_think: Callback<InputEvent>,
    on_arrival: Callback<InputEvent>,
    think_text: String,
    arrival_text: String,
    input_error: Option<String>,
    slider_max: f64,
}

/// The unfolded panel: knobs, answer, what-ifs, USL fit, chart, levels.
fn details(
    props: &CapacityPanelProps,
    report: &CapacityReport,
    points: &[CurvePoint],
    question: &Question,
    knobs: Knobs,
) -> Html {
    let Knobs {
        on_stat,
        on_limit,
        on_instances,
        on_think,
        on_arrival,
        think_text,
        arrival_text,
        input_error,
        slider_max,
    } = knobs;
    html! {
        <div id="capacity-body">
            <form class="capacity-knobs" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>{"Target "}
                    <select name="statistic" onchange={on_stat}>
                        for (q, name) in STATISTICS {
                            <option value={q.to_string()} selected={(q - question.quantile).abs() < 1e-12}>{name}</option>
                        }
                    </select>
                </label>
                <label>{"≤ "}
                    <input type="number" name="limit" min="1" step="any" value={display::exact(question.limit_ms)} oninput={on_limit.clone()} />
                    {" ms"}
                </label>
                <input type="range" name="limit-slider" aria-label="Latency limit (ms)" min="1" max={slider_max.round().to_string()} step="1"
                    value={question.limit_ms.round().to_string()} oninput={on_limit} />
                <label>{"Think time "}
                    <input type="number" name="think-time" min="0" step="any" placeholder="as tested" value={think_text} oninput={on_think} />
                    {" s"}
                </label>
                <label>{"Instances "}
                    <input type="number" name="instances" min="1" step="1" value={question.instances.to_string()} oninput={on_instances} />
                </label>
                <label>{"Arrival rate "}
                    <input type="number" name="arrival-rate" min="0" step="any" placeholder="none" value={arrival_text} oninput={on_arrival} />
                    {" req/s"}
                </label>
            </form>
            if let Some(why) = &input_error {
                <p class="notice" role="alert">{why}</p>
            }
            {answer_view(report)}
            {what_if_view(report)}
            {chart(report, points, crate::components::chart_width(props.width))}
            {levels_table(report)}
            if !report.notes.is_empty() || !report.answer.notes.is_empty() {
                <ul class="capacity-notes">
                    for n in report.notes.iter().chain(&report.answer.notes) { <li>{n}</li> }
                </ul>
            }
            {model_details(report)}
        </div>
    }
}

/// How the answer was modelled, folded: the fits' parameters (σ, κ, λ) and
/// why a model was not used are for the curious, not the first read.
fn model_details(report: &CapacityReport) -> Html {
    if report.usl.is_none() && report.usl_refusal.is_none() && report.model_refusal.is_none() {
        return html! {};
    }
    html! {
        <details class="capacity-model">
            <summary>{"Model details (throughput fit and server model)"}</summary>
            {usl_view(report)}
            <ul class="capacity-notes">
                if let Some(r) = &report.usl_refusal { <li>{format!("Throughput fit (USL): {r}")}</li> }
                if let Some(r) = &report.model_refusal { <li>{format!("Server model: {r}")}</li> }
            </ul>
        </details>
    }
}

/// The USL fit of throughput against load (σ contention, κ coherency, λ
/// throughput of one VU), with exact values for scraping.
fn usl_view(report: &CapacityReport) -> Html {
    let Some(u) = &report.usl else {
        return html! {};
    };
    let sig = display::significant;
    html! {
        <p class="capacity-usl" data-usl-sigma={display::exact(u.sigma)} data-usl-kappa={display::exact(u.kappa)} data-usl-lambda={display::exact(u.lambda)}>
            {format!("USL fit ({} levels): σ = {}, κ = {}, λ = {} req/s per {}", u.levels, sig(u.sigma), sig(u.kappa), display::per_second(u.lambda), singular(&u.load))}
            if let Some(n) = u.n_star {
                {format!("; throughput peaks near {} {}", display::concurrency(n), u.load)}
            }
        </p>
    }
}

/// "VUs" → "VU", for "per VU".
fn singular(load: &str) -> &str {
    load.strip_suffix('s').unwrap_or(load)
}

fn opt_attr<T: ToString>(v: Option<T>) -> Option<AttrValue> {
    v.map(|v| AttrValue::from(v.to_string()))
}

/// `TooFewLevels` → `too_few_levels`, as the reason reads in `verdict capacity --json`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn answer_view(report: &CapacityReport) -> Html {
    let a = &report.answer;
    let reason = a.reason.map(|r| snake_case(&format!("{r:?}")));
    let extrapolated = a.extrapolated == Some(true);
    let unit = report.load.label();
    // On a req/s axis the answer is itself a rate: no second rate beside it.
    let rate = a.throughput.filter(|_| !report.load.is_open());
    html! {
        <div class="capacity-answer" role="status"
            data-capacity-load={unit}
            data-capacity-value={opt_attr(a.value)}
            data-capacity-low={opt_attr(a.low)}
            data-capacity-high={opt_attr(a.high)}
            data-capacity-reason={reason.map(AttrValue::from)}
            data-capacity-extrapolated={opt_attr(a.extrapolated)}
            data-capacity-throughput={opt_attr(a.throughput)}>
            if let Some(v) = a.value {
                <p class="big">
                    {"Up to "}<strong>{format!("{} {unit}", display::count(v))}</strong>
                    if let (Some(lo), Some(hi)) = (a.low, a.high) {
                        <span class="band">{format!(" (band {}–{})", display::count(lo), display::count(hi))}</span>
                    }
                    if let Some(x) = rate {
                        {" ≈ "}<strong>{format!("{} req/s", display::per_second(x))}</strong>
                    }
                    {format!(" keep {}", report.target)}
                    if extrapolated { <span class="tag extrapolated">{"extrapolated"}</span> }
                </p>
            } else {
                <p class="big refusal">{"Not enough evidence"}</p>
            }
            <p class="message">{&a.message}</p>
        </div>
    }
}

fn what_if_view(report: &CapacityReport) -> Html {
    if let Some(r) = &report.what_if_refusal {
        return html! { <p class="capacity-what-if">{format!("What-if: {r}")}</p> };
    }
    let Some(w) = &report.what_if else {
        return html! {};
    };
    let stat = report.statistic.as_str();
    html! {
        <div class="capacity-what-if" data-what-if-vus={opt_attr(w.max_vus.map(|m| m.value))}>
            <p>
                {format!("What-if (model, think time {} s, {} instance{}): ", format!("{:.2}", w.think_time_s), w.instances, if w.instances == 1 { "" } else { "s" })}
                if let Some(m) = w.max_vus {
                    <strong>{format!("up to {} VUs", display::count(m.value))}</strong>
                    if let (Some(lo), Some(hi)) = (m.low, m.high) {
                        {format!(" (band {}–{})", display::count(lo), display::count(hi))}
                    }
                    {format!(" ≈ {} req/s", display::per_second(m.throughput))}
                } else if let Some(why) = &w.max_vus_reason {
                    {why}
                }
            </p>
            if let Some(p) = w.arrival {
                <p data-arrival-outcome={format!("{:?}", p.outcome).to_lowercase()}>
                    {format!("At {} req/s: {stat} ≈ {}", display::per_second(p.rate), display::ms_unit(p.percentile_ms))}
                    if let (Some(lo), Some(hi)) = (p.low_ms, p.high_ms) {
                        {format!(" ({}–{})", display::ms(lo), display::ms(hi))}
                    }
                    {format!(", {} VUs needed — {:?}", display::plain(p.vus_needed.ceil()), p.outcome).to_lowercase()}
                </p>
            } else if let Some(why) = &w.arrival_reason {
                <p>{why}</p>
            }
            for n in &w.notes { <p class="note">{n}</p> }
        </div>
    }
}

fn levels_table(report: &CapacityReport) -> Html {
    let q = report.target.quantile;
    let stat = report.statistic.clone();
    html! {
        <div class="table-wrap" role="region" aria-label="Load levels" tabindex="0">
            <table class="endpoints capacity-levels">
                <thead>
                    <tr>
                        if report.load.is_open() {
                            <th scope="col" class="num">{"Offered (req/s)"}</th>
                            <th scope="col" class="num">{"Done (req/s)"}</th>
                        } else {
                            <th scope="col" class="num">{"N (VUs)"}</th>
                            <th scope="col" class="num">{"X (req/s)"}</th>
                        }
                        <th scope="col" class="num">{stat.clone()}</th>
                        <th scope="col" class="num">{format!("{stat} 90% interval")}</th>
                        <th scope="col" class="num">{"Errors"}</th>
                        <th scope="col">{"Generator"}</th>
                        <th scope="col">{"Level"}</th>
                    </tr>
                </thead>
                <tbody>
                    for l in &report.levels {
                        <tr data-level={display::exact(l.concurrency)} data-level-vus={display::exact(l.concurrency)}>
                            <td class="num">{display::concurrency(l.concurrency)}</td>
                            <td class="num" data-value={display::exact(l.throughput)}>{display::per_second(l.throughput)}</td>
                            { match l.percentile(q) {
                                Some(p) => html! {
                                    <>
                                    <td class="num" data-value={display::exact(p.value_ms)}>{display::ms(p.value_ms)}</td>
                                    <td class="num">{match (p.lower_ms, p.upper_ms) {
                                        (Some(lo), Some(hi)) => format!("{}–{}", display::ms(lo), display::ms(hi)),
                                        _ => "–".to_string(),
                                    }}</td>
                                    </>
                                },
                                None => html! { <><td class="num">{"–"}</td><td class="num">{"–"}</td></> },
                            } }
                            <td class="num">{l.error_rate.map_or("–".to_string(), display::percent)}</td>
                            <td>{match l.generator_kept_up { _ if l.saturated => "saturated (left out)", Some(true) => "kept up", Some(false) => "fell behind", None => "–" }}</td>
                            <td class="label" title={l.notes.join("\n")}>{&l.label}</td>
                        </tr>
                    }
                </tbody>
            </table>
            if !report.excluded.is_empty() {
                // Ramps and warm-ups can be dozens of stretches: listed on demand.
                <details class="capacity-excluded">
                    <summary>{format!("{} stretches left out (ramps, warm-ups, plateau edges)", report.excluded.len())}</summary>
                    <ul>
                        for x in &report.excluded {
                            <li>{format!(
                                "{}: {} {}–{} s, {} requests{}",
                                x.source,
                                format!("{:?}", x.reason).to_lowercase(),
                                display::plain(x.start_s),
                                display::plain(x.end_s),
                                display::count(x.requests),
                                x.concurrency.map_or(String::new(), |c| format!(", {} {}", display::concurrency(c), report.load.label())),
                            )}</li>
                        }
                    </ul>
                </details>
            }
        </div>
    }
}

/// Measured pXX with intervals, the model's pXX curve with its band, the
/// target line and the answer's band; throughput (measured and USL) below.
fn chart(report: &CapacityReport, points: &[CurvePoint], width: f64) -> Html {
    if report.levels.is_empty() {
        return html! {};
    }
    let q = report.target.quantile;
    let limit = report.target.limit_ms;
    let (w, h, pad_l, pad_r, pad_t, pad_b) = (width, 240.0, 56.0, 16.0, 12.0, 34.0);
    let max_n = report
        .levels
        .iter()
        .map(|l| l.concurrency)
        .fold(0.0, f64::max);
    let x_max = nice_max(2.0 * max_n);
    let measured_max = report
        .levels
        .iter()
        .filter_map(|l| l.percentile(q))
        .map(|p| p.upper_ms.unwrap_or(p.value_ms).max(p.value_ms))
        .fold(0.0, f64::max);
    let y_max = nice_max((measured_max.max(limit) * 1.3).max(1.0));
    let x = Linear::new(0.0, x_max, pad_l, w - pad_r);
    let y = Linear::new(0.0, y_max, h - pad_b, pad_t);
    let clip = |v: Option<f64>| v.filter(|v| *v <= y_max * 1.5);
    let curve_path = polyline(
        points
            .iter()
            .map(|p| (x.map(p.vus), clip(p.model_percentile_ms).map(|v| y.map(v)))),
    );
    let band: Vec<(f64, f64, f64)> = points
        .iter()
        .filter_map(|p| {
            Some((
                p.vus,
                clip(p.model_percentile_low_ms)?,
                clip(p.model_percentile_high_ms)?,
            ))
        })
        .collect();
    let band_path = if band.len() >= 2 {
        let upper = band
            .iter()
            .map(|(n, _, hi)| format!("{:.1},{:.1}", x.map(*n), y.map(hi.min(y_max))));
        let lower = band
            .iter()
            .rev()
            .map(|(n, lo, _)| format!("{:.1},{:.1}", x.map(*n), y.map(lo.min(y_max))));
        format!("M{}Z", upper.chain(lower).collect::<Vec<_>>().join("L"))
    } else {
        String::new()
    };
    let a = &report.answer;
    let answer_band = a
        .low
        .zip(a.high)
        .map(|(lo, hi)| (x.map(lo as f64), x.map(hi as f64)));

    // Throughput chart.
    let th = 160.0;
    let x_obs_max = report
        .levels
        .iter()
        .map(|l| l.throughput)
        .fold(0.0, f64::max);
    let usl_max = points
        .iter()
        .filter_map(|p| p.usl_throughput)
        .fold(0.0, f64::max);
    let ty_max = nice_max((x_obs_max.max(usl_max) * 1.1).max(1.0));
    let ty = Linear::new(0.0, ty_max, th - pad_b, pad_t);
    let usl_path = polyline(points.iter().map(|p| {
        (
            x.map(p.vus),
            p.usl_throughput.filter(|v| *v <= ty_max).map(|v| ty.map(v)),
        )
    }));
    let model_x_path = polyline(points.iter().map(|p| {
        (
            x.map(p.vus),
            p.model_throughput
                .filter(|v| *v <= ty_max)
                .map(|v| ty.map(v)),
        )
    }));
    let stat = report.statistic.clone();
    let unit = report.load.label();
    let x_ticks = nice_ticks(0.0, x_max, 8);
    html! {
        <figure class="capacity-chart">
            <svg viewBox={format!("0 0 {w} {h}")} width={w.to_string()} height={h.to_string()} role="img"
                aria-label={format!("{stat} against {unit}: measured levels with 90% intervals, the model's curve and band, and the target")}>
                for t in nice_ticks(0.0, y_max, 5) {
                    <g class="tick">
                        <line x1={pad_l.to_string()} x2={(w - pad_r).to_string()} y1={y.map(t).to_string()} y2={y.map(t).to_string()} class="grid" />
                        <text x={(pad_l - 6.0).to_string()} y={(y.map(t) + 4.0).to_string()} text-anchor="end">{display::axis_ms(t)}</text>
                    </g>
                }
                for t in x_ticks.iter().copied() {
                    <text class="tick" x={x.map(t).to_string()} y={(h - pad_b + 16.0).to_string()} text-anchor="middle">{display::plain(t)}</text>
                }
                <text class="axis-title" x={(w - pad_r).to_string()} y={(h - 4.0).to_string()} text-anchor="end">{unit}</text>
                <text class="axis-title" x={pad_l.to_string()} y={(pad_t - 2.0).max(10.0).to_string()} text-anchor="start">{format!("  {stat} (ms)")}</text>
                if let Some((x0, x1)) = answer_band {
                    <rect class="answer-band" x={x0.to_string()} width={(x1 - x0).max(1.0).to_string()} y={pad_t.to_string()} height={(h - pad_b - pad_t).to_string()} />
                }
                if let Some(v) = a.value {
                    <line class="answer-line" x1={x.map(v as f64).to_string()} x2={x.map(v as f64).to_string()} y1={pad_t.to_string()} y2={(h - pad_b).to_string()} />
                }
                if !band_path.is_empty() { <path class="model-band" d={band_path} /> }
                <path class="model-curve" d={curve_path} />
                <line class="sla-line" x1={pad_l.to_string()} x2={(w - pad_r).to_string()} y1={y.map(limit).to_string()} y2={y.map(limit).to_string()} />
                <text class="sla-label" x={(w - pad_r - 4.0).to_string()} y={(y.map(limit) - 5.0).to_string()} text-anchor="end">{format!("target {}", report.target)}</text>
                for l in &report.levels {
                    if let Some(p) = l.percentile(q) {
                        <g class="level">
                            if let (Some(lo), Some(hi)) = (p.lower_ms, p.upper_ms) {
                                <line class="interval" x1={x.map(l.concurrency).to_string()} x2={x.map(l.concurrency).to_string()}
                                    y1={y.map(lo.min(y_max)).to_string()} y2={y.map(hi.min(y_max)).to_string()} />
                            }
                            <circle cx={x.map(l.concurrency).to_string()} cy={y.map(p.value_ms.min(y_max)).to_string()} r="4">
                                <title>{format!("{} {unit}: {stat} {}", display::concurrency(l.concurrency), display::ms_unit(p.value_ms))}</title>
                            </circle>
                        </g>
                    }
                }
            </svg>
            <svg viewBox={format!("0 0 {w} {th}")} width={w.to_string()} height={th.to_string()} role="img"
                aria-label={format!("Throughput against {unit}: measured levels, the USL fit and the server model")}>
                for t in nice_ticks(0.0, ty_max, 4) {
                    <g class="tick">
                        <line x1={pad_l.to_string()} x2={(w - pad_r).to_string()} y1={ty.map(t).to_string()} y2={ty.map(t).to_string()} class="grid" />
                        <text x={(pad_l - 6.0).to_string()} y={(ty.map(t) + 4.0).to_string()} text-anchor="end">{display::plain(t)}</text>
                    </g>
                }
                for t in x_ticks.iter().copied() {
                    <text class="tick" x={x.map(t).to_string()} y={(th - pad_b + 16.0).to_string()} text-anchor="middle">{display::plain(t)}</text>
                }
                <text class="axis-title" x={pad_l.to_string()} y={(pad_t - 2.0).max(10.0).to_string()} text-anchor="start">{"  req/s"}</text>
                <path class="usl-curve" d={usl_path} />
                <path class="model-x-curve" d={model_x_path} />
                for l in &report.levels {
                    <circle cx={x.map(l.concurrency).to_string()} cy={ty.map(l.throughput).to_string()} r="3.5">
                        <title>{format!("{} {unit}: {} req/s", display::concurrency(l.concurrency), display::per_second(l.throughput))}</title>
                    </circle>
                }
            </svg>
            <figcaption>
                {format!("Dots: {stat} per level, with its 90% interval (one-sided 95% bounds) where one is known. Line: the server model's {stat} (band: from the interval at one level). Red: the target. Shaded: the answer's band. Below: throughput, USL fit (solid) and server model (dashed).")}
            </figcaption>
        </figure>
    }
}
