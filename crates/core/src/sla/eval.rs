//! Rules applied to runs.
//!
//! - Whole-run rules use exact counts and the full-precision histograms.
//!   Percentile and error-rate rules first check the run for dependence
//!   (statistics.md §4.3): the run is cut into about 20 time blocks, and if
//!   the share of slow (or failed) requests varies between blocks more than
//!   independent samples would (dispersion factor > 1.5), the bounds are
//!   computed for n / factor effective samples, and the verdict says so.
//! - Windowed rules ("every 1-minute window") judge each window at level
//!   1 − α/K for K windows (Bonferroni), so the verdict over all windows
//!   keeps the stated confidence: PASS needs every window to pass, one
//!   failing window is a FAIL. A last window shorter than half the length is
//!   folded into the one before (a 2-second tail cannot hold enough samples).
//! - Runs that hold only a tool's summary get point verdicts, labelled so.

use super::measure::{self, decide, point_outcome, Measured};
use super::model::{NameMatch, Op, Quantity, Rule, Sla, Statistic, Target};
use super::population::{
    effective_method, glob_regex, method_matches, select, Group, Population, Totals, OVERALL,
};
use super::verdict::{Basis, Outcome, Verdict, WindowVerdict};
use crate::run::{Run, ToolReport};
use crate::series::quantile_of_percent;
use crate::summary::{EndpointSummary, LatencyMs};
use crate::time::Micros;

/// The note that says a windowed rule's `needed_n` counts requests per window.
pub const NEEDED_PER_WINDOW: &str =
    "needed_n is per window: the undecided windows need about that many requests each";
/// Dispersion factor above which request outcomes count as dependent.
const VIF_THRESHOLD: f64 = 1.5;
/// Time blocks for the dependence check.
const DEPENDENCE_BLOCKS: i64 = 20;
/// Windows shown for a whole-run rule that did not pass.
const BREAKDOWN_WINDOWS: i64 = 30;

/// Every rule of `sla` on `run`: one verdict per rule and selected endpoint.
pub fn evaluate(sla: &Sla, run: &Run) -> Vec<Verdict> {
    sla.rules
        .iter()
        .enumerate()
        .flat_map(|(i, r)| evaluate_rule(r, i, run))
        .collect()
}

/// One rule on one run.
pub fn evaluate_rule(rule: &Rule, index: usize, run: &Run) -> Vec<Verdict> {
    let target_label = match &rule.target {
        Target::Overall => OVERALL.to_string(),
        t => t.to_string(),
    };
    let mut out = if let Statistic::Unsupported {
        metric,
        aggregation,
    } = &rule.statistic
    {
        vec![no_data(
            base(rule, index, run, &target_label),
            format!(
                "Verdict does not aggregate the k6 metric `{metric}` ({aggregation}); it reads http_req_duration, http_req_failed, http_reqs and checks"
            ),
        )]
    } else if !run.has_samples() {
        match &run.tool {
            Some(tool) => tool_verdicts(rule, index, run, tool),
            None => vec![no_data(
                base(rule, index, run, &target_label),
                "the run holds no requests".into(),
            )],
        }
    } else {
        match select(run, &rule.target) {
            Err(reason) => vec![no_data(base(rule, index, run, &target_label), reason)],
            Ok(pops) if pops.is_empty() && rule.optional => Vec::new(),
            Ok(pops) if pops.is_empty() => vec![no_data(
                base(rule, index, run, &target_label),
                format!("no endpoint of this run matches {}", rule.target),
            )],
            Ok(pops) => pops
                .iter()
                .map(|p| evaluate_population(rule, index, p))
                .collect(),
        }
    };
    if let Some(why) = run.partial_reason() {
        for v in &mut out {
            v.partial = true;
            v.partial_reason = Some(why.clone());
        }
    }
    if let Some(k6) = &rule.k6 {
        let recorded = run
            .thresholds
            .iter()
            .find(|t| t.metric == k6.metric && t.expression == k6.expression)
            .and_then(|t| t.passed);
        for v in &mut out {
            v.tool_verdict = recorded.map(|ok| if ok { Outcome::Pass } else { Outcome::Fail });
        }
    }
    out
}

fn unit_of(statistic: &Statistic) -> &'static str {
    match statistic.quantity() {
        Quantity::Time => "ms",
        Quantity::Fraction => "fraction",
        Quantity::Rate => "per_s",
        Quantity::Count => "count",
        Quantity::Other => "",
    }
}

fn base(rule: &Rule, index: usize, run: &Run, endpoint: &str) -> Verdict {
    let limit = rule.limit.value();
    let time = rule.statistic.quantity() == Quantity::Time;
    Verdict {
        rule: rule.to_string(),
        rule_name: rule.name.clone(),
        rule_index: index,
        run: run.source.clone(),
        endpoint: endpoint.to_string(),
        statistic: match &rule.statistic {
            Statistic::Unsupported { aggregation, .. } => aggregation.clone(),
            s => s.to_string(),
        },
        op: rule.op.as_str().to_string(),
        limit_ms: time.then_some(limit),
        limit: (!time).then_some(limit),
        limit_text: rule.limit.to_string(),
        unit: unit_of(&rule.statistic).to_string(),
        estimate: None,
        ci_low: None,
        ci_high: None,
        n: None,
        verdict: Outcome::Inconclusive,
        point_verdict: None,
        point_estimate: None,
        tool_verdict: None,
        needed_n: None,
        dependence_factor: None,
        confidence: rule.confidence,
        basis: Basis::NoData,
        method: String::new(),
        reason: None,
        notes: Vec::new(),
        windows: Vec::new(),
        partial: false,
        partial_reason: None,
    }
}

fn no_data(mut v: Verdict, reason: String) -> Verdict {
    v.verdict = Outcome::Inconclusive;
    v.basis = Basis::NoData;
    v.reason = Some(reason);
    v
}

fn align_down(t: Micros, g: i64) -> Micros {
    t.div_euclid(g.max(1)) * g.max(1)
}

fn align_up(t: Micros, g: i64) -> Micros {
    let g = g.max(1);
    -((-t).div_euclid(g) * g)
}

fn seconds(us: i64) -> String {
    super::model::Span(us).to_string()
}

/// The statistic on some requests; `span_s` is the time they cover.
fn measure_totals(
    rule: &Rule,
    t: &Totals,
    alpha: f64,
    vif: f64,
    span_s: Option<f64>,
) -> Result<Measured, String> {
    let limit = rule.limit.value();
    let none = || "no requests".to_string();
    match &rule.statistic {
        Statistic::Percentile(p) => {
            measure::percentile(t, quantile_of_percent(*p), alpha, vif, rule.op, limit)
                .ok_or_else(none)
        }
        Statistic::Mean => measure::mean(t, alpha, rule.op, limit).ok_or_else(none),
        s @ (Statistic::Min | Statistic::Max) => measure::extreme(t, s).ok_or_else(none),
        Statistic::ErrorRate => measure::proportion(
            t.errors,
            t.requests,
            alpha,
            vif,
            rule.op,
            limit,
            "the share of failed requests",
        )
        .ok_or_else(none),
        Statistic::Apdex { t_ms } => {
            measure::apdex(t, *t_ms, alpha, rule.op, limit).ok_or_else(none)
        }
        Statistic::Requests => Ok(measure::observed(
            t.requests as f64,
            t.requests,
            "the number of requests",
        )),
        Statistic::Throughput => match span_s {
            Some(d) if d > 0.0 => Ok(measure::observed(
                t.requests as f64 / d,
                t.requests,
                "requests per second",
            )),
            _ => Err("the run's duration is unknown, so there is no request rate".into()),
        },
        Statistic::CheckPassRate | Statistic::Unsupported { .. } => {
            Err("not a latency statistic".into())
        }
    }
}

/// A cheap point value for one window (no bounds).
fn point_only(rule: &Rule, t: &Totals, span_s: f64) -> Option<f64> {
    let h = &t.hist;
    if t.requests == 0 {
        return None;
    }
    let (min, max) = match t.exact {
        Some((_, lo, hi)) => (lo, hi),
        None => (
            h.lowest_equivalent(h.min()) as f64 / 1000.0,
            h.highest_equivalent(h.max()) as f64 / 1000.0,
        ),
    };
    Some(match &rule.statistic {
        Statistic::Percentile(p) => {
            crate::series::percentile_ms(h, quantile_of_percent(*p), min, max)?
        }
        Statistic::Mean => h.mean() / 1000.0,
        Statistic::Max => max,
        Statistic::Min => min,
        Statistic::ErrorRate => t.errors as f64 / t.requests as f64,
        Statistic::Throughput if span_s > 0.0 => t.requests as f64 / span_s,
        Statistic::Apdex { t_ms } => measure::apdex(t, *t_ms, 0.05, rule.op, 0.0)?.estimate,
        _ => return None,
    })
}

fn fill(v: &mut Verdict, rule: &Rule, m: &Measured) {
    let limit = rule.limit.value();
    v.estimate = Some(m.estimate);
    v.ci_low = m.low;
    v.ci_high = m.high;
    v.n = Some(m.n);
    v.basis = m.basis;
    v.method = m.method.clone();
    v.verdict = match m.basis {
        Basis::Interval => decide(rule.op, limit, m.low, m.high),
        _ => point_outcome(rule.op, m.estimate, limit),
    };
    v.point_estimate = Some(m.point);
    v.point_verdict = Some(point_outcome(rule.op, m.point, limit));
    if v.verdict == Outcome::Inconclusive {
        v.needed_n = m.needed;
    }
    if let Some((lo, hi)) = m.point_range {
        if lo <= limit && limit <= hi {
            v.notes.push(format!(
                "k6's own value lies between {lo:.3} and {hi:.3} ms (the histogram bucket), which contains the limit: k6 may decide either way"
            ));
        }
    }
}

fn evaluate_population(rule: &Rule, index: usize, pop: &Population<'_>) -> Verdict {
    let run = pop.run();
    let mut v = base(rule, index, run, &pop.label);
    v.notes.extend(pop.notes.iter().cloned());
    let alpha = 1.0 - rule.confidence;
    if rule.statistic == Statistic::CheckPassRate {
        if !pop.members().is_empty() {
            return no_data(
                v,
                "checks are counted for the whole run, not per endpoint".into(),
            );
        }
        if rule.window.is_some() || rule.warmup.is_some() {
            return no_data(
                v,
                "checks are counted for the whole run, with no times".into(),
            );
        }
        let c = run.checks;
        return match measure::proportion(
            c.passes,
            c.passes + c.fails,
            alpha,
            1.0,
            rule.op,
            rule.limit.value(),
            "the share of passed checks",
        ) {
            Some(m) => {
                fill(&mut v, rule, &m);
                v
            }
            None => no_data(v, "the run recorded no checks".into()),
        };
    }
    if rule.window.is_some() {
        return windowed(rule, pop, v);
    }
    whole(rule, pop, v)
}

fn whole(rule: &Rule, pop: &Population<'_>, mut v: Verdict) -> Verdict {
    let run = pop.run();
    let alpha = 1.0 - rule.confidence;
    let g = pop.granularity_us();
    let (totals, span_s, from) = match rule.warmup {
        None => (
            pop.whole(),
            run.duration_s(),
            pop.span().map(|(s, _)| align_down(s, g)),
        ),
        Some(w) => {
            let Some((start, end)) = pop.span() else {
                return no_data(
                    v,
                    "the run has no timestamps, so no warm-up can be cut off".into(),
                );
            };
            let cut = align_up(start + w.0, g);
            let mut t = Totals::default();
            pop.for_each_group(cut, i64::MAX / 4, cut, |grp| {
                merge_totals(&mut t, grp.totals)
            });
            v.notes.push(format!(
                "warm-up: requests that ended in the first {:.1} s are left out (the data is kept in {} slices)",
                (cut - start) as f64 / 1e6,
                seconds(g)
            ));
            v.notes
                .extend(untimed_note(pop, pop.timed_requests(), false));
            (t, Some((end - cut) as f64 / 1e6), Some(cut))
        }
    };
    if totals.requests == 0 {
        return no_data(v, "no requests to judge".into());
    }
    let mut vif = 1.0;
    if let (Some(from), Some((_, end))) = (from, pop.span()) {
        if matches!(
            rule.statistic,
            Statistic::Percentile(_) | Statistic::ErrorRate
        ) {
            let (factor, note) = dependence(rule, pop, &totals, from, end);
            vif = factor.unwrap_or(1.0);
            v.dependence_factor = factor;
            v.notes.extend(note);
        }
    }
    match measure_totals(rule, &totals, alpha, vif, span_s) {
        Ok(m) => fill(&mut v, rule, &m),
        Err(reason) => return no_data(v, reason),
    }
    if v.verdict != Outcome::Pass || v.point_verdict != Some(Outcome::Pass) {
        v.windows = breakdown(rule, pop, from);
    }
    v
}

/// Some formats give latencies without a time per request (a tool's
/// histogram buckets, interval logs): those cannot be placed in a window.
fn untimed_note(pop: &Population<'_>, timed: u64, after_warmup: bool) -> Option<String> {
    let all = pop.whole().requests;
    if after_warmup {
        // The windows leave the warm-up out on purpose; compare what has times.
        let with_times = pop.timed_requests();
        return (with_times < all).then(|| untimed_text(all - with_times));
    }
    (timed < all).then(|| untimed_text(all - timed))
}

fn untimed_text(n: u64) -> String {
    format!("{n} requests have no time of their own in this file (histogram buckets or per-period figures) and are not in any window")
}

fn merge_totals(into: &mut Totals, t: Totals) {
    into.requests += t.requests;
    into.errors += t.errors;
    let _ = into.hist.add(&t.hist);
}

/// The dispersion of slow (or failed) requests across time blocks, as a
/// variance inflation factor: 1 when not detected, `None` when not checkable.
fn dependence(
    rule: &Rule,
    pop: &Population<'_>,
    totals: &Totals,
    from: Micros,
    end: Micros,
) -> (Option<f64>, Option<String>) {
    let g = pop.granularity_us();
    let width = align_up(((end - from) / DEPENDENCE_BLOCKS).max(g), g);
    let threshold_us = match &rule.statistic {
        Statistic::Percentile(p) => Some(totals.hist.value_at_quantile(quantile_of_percent(*p))),
        _ => None,
    };
    let mut blocks: Vec<(f64, f64)> = Vec::new();
    pop.for_each_group(from, width, from, |grp| {
        let m = grp.totals.requests as f64;
        let x = match threshold_us {
            Some(v) => grp
                .totals
                .hist
                .iter_recorded()
                .filter(|r| r.value_iterated_to() > v)
                .map(|r| r.count_at_value())
                .sum::<u64>() as f64,
            None => grp.totals.errors as f64,
        };
        blocks.push((m, x));
    });
    let (what, events) = match threshold_us {
        Some(_) => ("slow requests", "requests above the estimate"),
        None => ("failures", "failed requests"),
    };
    if blocks.len() < 8 {
        return (
            None,
            Some(format!(
                "dependence not checked: the data covers fewer than 8 time blocks of {}",
                seconds(width)
            )),
        );
    }
    let m_total: f64 = blocks.iter().map(|b| b.0).sum();
    let x_total: f64 = blocks.iter().map(|b| b.1).sum();
    if x_total < 20.0 || m_total - x_total < 20.0 {
        return (
            None,
            Some(format!("dependence not checked: fewer than 20 {events}")),
        );
    }
    let e = x_total / m_total;
    let chi2: f64 = blocks
        .iter()
        .map(|(m, x)| (x - m * e).powi(2) / (m * e * (1.0 - e)))
        .sum();
    let factor = chi2 / (blocks.len() - 1) as f64;
    if factor > VIF_THRESHOLD {
        (
            Some(factor),
            Some(format!(
                "dependence detected: {what} cluster in time ({} blocks of {}; their spread is {factor:.1}× what independent requests give), so the bounds use n / {factor:.1} effective samples",
                blocks.len(),
                seconds(width)
            )),
        )
    } else {
        (Some(1.0), None)
    }
}

/// Point values over time for a whole-run rule that did not pass: where it broke.
fn breakdown(rule: &Rule, pop: &Population<'_>, from: Option<Micros>) -> Vec<WindowVerdict> {
    let (Some(from), Some((start, end))) = (from, pop.span()) else {
        return Vec::new();
    };
    if matches!(
        rule.statistic,
        Statistic::Requests | Statistic::CheckPassRate
    ) {
        return Vec::new();
    }
    let g = pop.granularity_us();
    let width = align_up(((end - from) / BREAKDOWN_WINDOWS).max(g), g);
    let limit = rule.limit.value();
    let mut groups: Vec<Group> = Vec::new();
    pop.for_each_group(from, width, from, |grp| groups.push(grp));
    // A tail much shorter than a window would look dramatic on a few requests.
    if groups.len() >= 2
        && groups
            .last()
            .is_some_and(|g| g.end_us.min(end) - g.start_us < width / 2)
    {
        if let Some(tail) = groups.pop() {
            if let Some(prev) = groups.last_mut() {
                prev.end_us = tail.end_us;
                merge_totals(&mut prev.totals, tail.totals);
            }
        }
    }
    let mut out = Vec::new();
    for grp in groups {
        let (s, e) = (grp.start_us.max(start), grp.end_us.min(end));
        let span_s = (e - s) as f64 / 1e6;
        if let Some(x) = point_only(rule, &grp.totals, span_s) {
            out.push(WindowVerdict {
                start_s: (s - start) as f64 / 1e6,
                end_s: (e - start) as f64 / 1e6,
                n: grp.totals.requests,
                estimate: Some(x),
                ci_low: None,
                ci_high: None,
                verdict: point_outcome(rule.op, x, limit),
            });
        }
    }
    out
}

fn windowed(rule: &Rule, pop: &Population<'_>, mut v: Verdict) -> Verdict {
    let Some((start, end)) = pop.span() else {
        return no_data(
            v,
            "the run has no timestamps, so it cannot be cut into windows".into(),
        );
    };
    let Some(w) = rule.window else { return v };
    let g = pop.granularity_us();
    let width = if w.0 < g {
        v.notes.push(format!(
            "windows widened from {w} to {}: the finest time slices kept for this data",
            seconds(g)
        ));
        g
    } else {
        if w.0 % g != 0 {
            v.notes.push(format!(
                "window edges fall on the {} time slices of the data",
                seconds(g)
            ));
        }
        w.0
    };
    let origin = match rule.warmup {
        Some(wu) => {
            let cut = align_up(start + wu.0, g);
            v.notes.push(format!(
                "warm-up: the first {:.1} s are left out",
                (cut - start) as f64 / 1e6
            ));
            cut
        }
        None => align_down(start, g),
    };
    // Pass 1: which windows exist, and whether the last is a short tail to fold.
    let mut starts: Vec<(Micros, Micros)> = Vec::new();
    pop.for_each_group(origin, width, origin, |grp| {
        starts.push((grp.start_us, grp.end_us))
    });
    let fold_last = starts.len() >= 2
        && starts
            .last()
            .is_some_and(|(s, e)| (*e).min(end) - s < width / 2);
    let k = starts.len() - usize::from(fold_last);
    if k == 0 {
        return no_data(v, "no requests in any window".into());
    }
    let alpha = 1.0 - rule.confidence;
    let alpha_w = alpha / k as f64;
    let limit = rule.limit.value();
    // Pass 2: judge each window, one histogram in memory at a time.
    let mut results: Vec<(WindowVerdict, Measured)> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut held: Option<Group> = None;
    let mut idx = 0usize;
    let mut judge = |grp: Group, results: &mut Vec<(WindowVerdict, Measured)>| {
        let (s, e) = (grp.start_us.max(start), grp.end_us.min(end));
        match measure_totals(rule, &grp.totals, alpha_w, 1.0, Some((e - s) as f64 / 1e6)) {
            Ok(m) => {
                let verdict = match m.basis {
                    Basis::Interval => decide(rule.op, limit, m.low, m.high),
                    _ => point_outcome(rule.op, m.estimate, limit),
                };
                results.push((
                    WindowVerdict {
                        start_s: (s - start) as f64 / 1e6,
                        end_s: (e - start) as f64 / 1e6,
                        n: grp.totals.requests,
                        estimate: Some(m.estimate),
                        ci_low: m.low,
                        ci_high: m.high,
                        verdict,
                    },
                    m,
                ));
            }
            Err(reason) => errors.push(reason),
        }
    };
    pop.for_each_group(origin, width, origin, |grp| {
        let i = idx;
        idx += 1;
        if fold_last && i + 2 == starts.len() {
            held = Some(grp);
            return;
        }
        if fold_last && i + 1 == starts.len() {
            if let Some(mut h) = held.take() {
                h.end_us = grp.end_us;
                merge_totals(&mut h.totals, grp.totals);
                judge(h, &mut results);
            }
            return;
        }
        judge(grp, &mut results);
    });
    if let Some(reason) = errors.into_iter().next() {
        return no_data(v, reason);
    }
    if results.is_empty() {
        return no_data(v, "no requests in any window".into());
    }
    let worst = results
        .iter()
        .max_by(|a, b| {
            let (x, y) = (a.1.estimate, b.1.estimate);
            match rule.op {
                Op::Gt | Op::Ge => y.total_cmp(&x),
                _ => x.total_cmp(&y),
            }
        })
        .map(|(_, m)| m.clone());
    let outcomes: Vec<Outcome> = results.iter().map(|(w, _)| w.verdict).collect();
    v.verdict = if outcomes.contains(&Outcome::Fail) {
        Outcome::Fail
    } else if outcomes.iter().all(|o| *o == Outcome::Pass) {
        Outcome::Pass
    } else {
        Outcome::Inconclusive
    };
    let all_points_ok = results
        .iter()
        .all(|(_, m)| point_outcome(rule.op, m.point, limit) == Outcome::Pass);
    v.point_verdict = Some(if all_points_ok {
        Outcome::Pass
    } else {
        Outcome::Fail
    });
    if let Some(m) = worst {
        v.estimate = Some(m.estimate);
        v.ci_low = m.low;
        v.ci_high = m.high;
        v.point_estimate = Some(m.point);
        v.basis = m.basis;
        v.method = format!(
            "{}; each of {k} windows of {} judged at {}% (Bonferroni), so the verdict over all windows holds at {}%; estimate and bounds shown are the worst window's",
            m.method,
            seconds(width),
            measure::pct(1.0 - alpha_w),
            measure::pct(rule.confidence)
        );
    }
    v.n = Some(results.iter().map(|(w, _)| w.n).sum());
    v.notes
        .extend(untimed_note(pop, v.n.unwrap_or(0), rule.warmup.is_some()));
    if v.verdict == Outcome::Inconclusive {
        v.needed_n = results
            .iter()
            .filter(|(w, _)| w.verdict == Outcome::Inconclusive)
            .filter_map(|(_, m)| m.needed)
            .max();
        if v.needed_n.is_some() {
            v.notes.push(NEEDED_PER_WINDOW.into());
        }
    }
    v.windows = results.into_iter().map(|(w, _)| w).collect();
    v
}

/// Point verdicts from a tool's own summary numbers.
fn tool_verdicts(rule: &Rule, index: usize, run: &Run, tool: &ToolReport) -> Vec<Verdict> {
    let label = match &rule.target {
        Target::Overall => OVERALL.to_string(),
        t => t.to_string(),
    };
    if rule.window.is_some() || rule.warmup.is_some() {
        return vec![no_data(
            base(rule, index, run, &label),
            "the file holds only the tool's summary, with no per-request times: windows and warm-ups cannot be applied".into(),
        )];
    }
    struct Row<'a> {
        label: String,
        latency: &'a LatencyMs,
        requests: Option<u64>,
        errors: Option<u64>,
        rps: Option<f64>,
        overall: bool,
    }
    let rows: Vec<Row<'_>> = match &rule.target {
        Target::Overall => vec![Row {
            label: OVERALL.into(),
            latency: &tool.latency_ms,
            requests: tool.requests,
            errors: tool.errors,
            rps: tool.rps,
            overall: true,
        }],
        Target::Endpoints { filter, merged } => {
            if !filter.other_tags.is_empty() || filter.group.is_some() || filter.scenario.is_some()
            {
                return vec![no_data(
                    base(rule, index, run, &label),
                    "the tool's summary has no per-tag figures for this selector".into(),
                )];
            }
            let matches = |e: &EndpointSummary| -> bool {
                let name_ok = match &filter.name {
                    NameMatch::Any => true,
                    NameMatch::Exact(n) => &e.name == n,
                    NameMatch::Glob(gl) => glob_regex(gl).is_ok_and(|r| r.is_match(&e.name)),
                    NameMatch::Regex(re) => {
                        regex_lite::Regex::new(re).is_ok_and(|r| r.is_match(&e.name))
                    }
                };
                let excluded = filter
                    .exclude
                    .as_deref()
                    .is_some_and(|x| regex_lite::Regex::new(x).is_ok_and(|r| r.is_match(&e.name)));
                let method_ok = filter.method.as_deref().is_none_or(|m| {
                    method_matches(
                        m,
                        effective_method(e.method.as_deref().unwrap_or(""), &e.name),
                    )
                });
                name_ok && !excluded && method_ok
            };
            let found: Vec<&EndpointSummary> =
                tool.endpoints.iter().filter(|e| matches(e)).collect();
            if found.is_empty() && rule.optional {
                return Vec::new();
            }
            if found.is_empty() {
                return vec![no_data(
                    base(rule, index, run, &label),
                    format!("the tool's summary has no figures for {}", rule.target),
                )];
            }
            if *merged && found.len() > 1 {
                return vec![no_data(
                    base(rule, index, run, &label),
                    "the tool reported these endpoints separately, and percentiles of several endpoints cannot be combined from summaries".into(),
                )];
            }
            found
                .into_iter()
                .map(|e| Row {
                    label: if *merged {
                        label.clone()
                    } else {
                        e.name.clone()
                    },
                    latency: &e.latency_ms,
                    requests: e.requests,
                    errors: e.errors,
                    rps: e.rps,
                    overall: false,
                })
                .collect()
        }
    };
    let alpha = 1.0 - rule.confidence;
    let limit = rule.limit.value();
    rows.into_iter()
        .map(|row| {
            let mut v = base(rule, index, run, &row.label);
            let l = row.latency;
            let value = match &rule.statistic {
                Statistic::Percentile(p) => [(50.0, l.p50), (90.0, l.p90), (95.0, l.p95), (99.0, l.p99), (99.9, l.p999)]
                    .iter()
                    .find(|(q, _)| q == p)
                    .and_then(|(_, v)| *v),
                Statistic::Mean => l.mean,
                Statistic::Min => l.min,
                Statistic::Max => l.max,
                Statistic::Throughput => row.rps,
                Statistic::Requests => row.requests.map(|r| r as f64),
                Statistic::ErrorRate => {
                    if let (Some(e), Some(n)) = (row.errors, row.requests) {
                        if let Some(m) =
                            measure::proportion(e, n, alpha, 1.0, rule.op, limit, "the tool's counts of failed requests")
                        {
                            fill(&mut v, rule, &m);
                            return v;
                        }
                    }
                    None
                }
                Statistic::CheckPassRate => {
                    if let (true, Some(c)) = (row.overall, tool.checks) {
                        if let Some(m) = measure::proportion(
                            c.passes,
                            c.passes + c.fails,
                            alpha,
                            1.0,
                            rule.op,
                            limit,
                            "the tool's counts of passed checks",
                        ) {
                            fill(&mut v, rule, &m);
                            return v;
                        }
                    }
                    None
                }
                Statistic::Apdex { .. } | Statistic::Unsupported { .. } => None,
            };
            let Some(x) = value else {
                return no_data(v, format!("the tool's summary holds no {} for {}", rule.statistic, row.label));
            };
            v.estimate = Some(x);
            v.point_estimate = Some(x);
            v.n = row.requests;
            v.basis = Basis::ToolReported;
            v.method = "the tool's own summary number (its own definition); without per-request samples there is no interval, so this is a point verdict".into();
            v.verdict = point_outcome(rule.op, x, limit);
            v.point_verdict = Some(v.verdict);
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::run::Request;
    use crate::sla::text::parse_rule;

    /// A deterministic pseudo-random stream in [0, 1) (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// 10 minutes at 50 req/s; latencies log-normal, either independent or
    /// with slow periods of 20 s every 2 minutes (a GC pause, a queue).
    fn run(clustered: bool) -> Run {
        let mut r = Run::new("synthetic", Format::K6Ndjson);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let t0 = 1_790_000_000_000_000i64;
        for i in 0..30_000i64 {
            let end = t0 + i * 20_000;
            let slow = clustered && (i * 20_000 / 1_000_000) % 120 < 20;
            let z = (-2.0 * rng.next().max(1e-12).ln()).sqrt()
                * (std::f64::consts::TAU * rng.next()).cos();
            let ms = (3.5 + 0.5 * z).exp() * if slow { 3.0 } else { 1.0 };
            r.request(&Request {
                end_us: Some(end),
                duration_ms: ms,
                failed: false,
                status: "200",
                name: "GET /x",
                method: "GET",
                group: "",
                scenario: "",
            });
        }
        r
    }

    fn verdict(run: &Run, rule: &str) -> Verdict {
        let rule = parse_rule(rule).expect("valid rule");
        evaluate_rule(&rule, 0, run).remove(0)
    }

    #[test]
    fn independent_requests_show_no_dependence() {
        let v = verdict(&run(false), "p95 < 1s");
        assert_eq!(v.dependence_factor, Some(1.0), "{:?}", v.notes);
        let v = verdict(&run(false), "endpoint \"GET /x\" p95 < 1s");
        assert_eq!(v.dependence_factor, Some(1.0), "{:?}", v.notes);
    }

    #[test]
    fn clustered_slowness_widens_the_interval() {
        let iid = verdict(&run(true), "p95 < 1s");
        let factor = iid.dependence_factor.unwrap_or(0.0);
        assert!(factor > VIF_THRESHOLD, "{factor}");
        assert!(iid
            .notes
            .iter()
            .any(|n| n.starts_with("dependence detected")));
        assert!(iid.method.contains("effective n"));
    }

    #[test]
    fn windows_split_the_run_and_keep_every_request() {
        let r = run(true);
        let v = verdict(&r, "p95 < 100ms every 1m");
        assert_eq!(v.windows.len(), 10);
        assert_eq!(v.n, Some(30_000));
        // The slow periods are the first 20 s of every other minute.
        assert_eq!(v.verdict, Outcome::Fail);
        let e = verdict(&r, "endpoint \"GET /x\" p95 < 100ms every 1m warm-up 1m");
        assert_eq!(e.windows.len(), 9);
        // The cut falls on the next 7.5-s slice edge after one minute.
        let n = e.n.unwrap_or(0);
        assert!((27_000 - 375..=27_000).contains(&n), "{n}");
        assert!(
            e.notes
                .iter()
                .any(|x| x.starts_with("warm-up: the first 6")),
            "{:?}",
            e.notes
        );
    }
}
