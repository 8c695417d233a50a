//! The requests a rule is about, read out of a [`Run`]: the whole run or some
//! endpoints, over the whole time or cut into windows.
//!
//! Whole-run figures come from the exact per-endpoint [`Series`] (histogram,
//! counts, exact sum/min/max). Anything that needs time (a warm-up cut,
//! windows, the dependence check) comes from the run's timeline (all
//! requests) or the endpoints' windows ([`crate::windows`]): those have a
//! granularity, so a cut or a window edge falls on the nearest slice edge.

use hdrhistogram::{Counter, Histogram};
use regex_lite::Regex;

use super::model::{EndpointFilter, NameMatch, Target};
use crate::run::Run;
use crate::series::{new_histogram, Series};
use crate::time::Micros;
use crate::windows::EndpointWindows;

/// Label of the whole-run population.
pub const OVERALL: &str = "*overall*";

/// Counts and latencies of some requests.
#[derive(Debug, Clone)]
pub struct Totals {
    /// Durations in µs.
    pub hist: Histogram<u64>,
    pub requests: u64,
    pub errors: u64,
    /// Exact (sum, min, max) in ms: known for the whole run only.
    pub exact: Option<(f64, f64, f64)>,
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            hist: new_histogram(),
            requests: 0,
            errors: 0,
            exact: None,
        }
    }
}

/// Adds a histogram of another counter type (timeline buckets are `u32`).
pub fn add_hist<T: Counter>(into: &mut Histogram<u64>, from: &Histogram<T>) {
    for v in from.iter_recorded() {
        let n = v.count_at_value().as_u64();
        if into.record_n(v.value_iterated_to(), n).is_err() {
            into.saturating_record_n(v.value_iterated_to(), n);
        }
    }
}

impl Totals {
    fn from_series(s: &Series) -> Totals {
        Totals {
            hist: s.hist.clone(),
            requests: s.requests,
            errors: s.errors,
            exact: (!s.hist.is_empty()).then_some((s.sum_ns as f64 / 1e6, s.min_ms, s.max_ms)),
        }
    }
}

/// A time window of a population.
#[derive(Debug, Clone)]
pub struct Group {
    pub start_us: Micros,
    pub end_us: Micros,
    pub totals: Totals,
}

/// Some requests of one run.
pub struct Population<'r> {
    /// `*overall*`, an endpoint's display name, or the selector of a merged set.
    pub label: String,
    /// Endpoint indices; `None` is the whole run.
    members: Option<Vec<usize>>,
    run: &'r Run,
    /// Caveats about how the selection maps onto the data.
    pub notes: Vec<String>,
}

/// Names as the summary shows them: `METHOD name` when a name has several methods.
pub fn display_names(run: &Run) -> Vec<String> {
    run.endpoints
        .iter()
        .map(|ep| {
            let several = run.endpoints.iter().filter(|o| o.name == ep.name).count() > 1;
            if several && !ep.method.is_empty() {
                format!("{} {}", ep.method, ep.name)
            } else {
                ep.name.to_string()
            }
        })
        .collect()
}

/// `*` any run of characters, `?` one, `\x` a literal x.
pub fn glob_regex(glob: &str) -> Result<Regex, String> {
    let mut re = String::from("^");
    let mut chars = glob.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            '\\' => {
                if let Some(n) = chars.next() {
                    re.push_str(&regex_lite::escape(&n.to_string()));
                }
            }
            c => re.push_str(&regex_lite::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).map_err(|e| format!("bad glob `{glob}`: {e}"))
}

enum NameTest {
    Any,
    Exact(String),
    Re(Regex),
}

impl NameTest {
    fn matches(&self, raw: &str, shown: &str) -> bool {
        match self {
            NameTest::Any => true,
            NameTest::Exact(n) => n == raw || n == shown,
            NameTest::Re(r) => r.is_match(raw) || r.is_match(shown),
        }
    }
}

/// `want` may list alternatives: `POST|PUT`.
pub fn method_matches(want: &str, method: &str) -> bool {
    want.split('|')
        .any(|m| m.trim().eq_ignore_ascii_case(method))
}

const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// The endpoint's method, or, when the format records none (JMeter labels,
/// Artillery names), the HTTP verb its name starts with (`GET /api/items`).
pub fn effective_method<'a>(method: &'a str, name: &'a str) -> &'a str {
    if !method.is_empty() {
        return method;
    }
    let first = name.split_whitespace().next().unwrap_or("");
    HTTP_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(first))
        .map_or("", |_| first)
}

/// The endpoints of `run` that `filter` selects, by index, plus caveats.
pub fn matching_endpoints(
    run: &Run,
    filter: &EndpointFilter,
) -> Result<(Vec<usize>, Vec<String>), String> {
    if !filter.other_tags.is_empty() {
        let tags: Vec<String> = filter
            .other_tags
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect();
        return Err(format!(
            "Verdict keeps latencies per endpoint, method, group and scenario, not per {}: this selector cannot be evaluated",
            tags.join(", ")
        ));
    }
    let name = match &filter.name {
        NameMatch::Any => NameTest::Any,
        NameMatch::Exact(n) => NameTest::Exact(n.clone()),
        NameMatch::Glob(g) => NameTest::Re(glob_regex(g)?),
        NameMatch::Regex(r) => NameTest::Re(Regex::new(r).map_err(|e| format!("bad regex: {e}"))?),
    };
    let exclude = filter
        .exclude
        .as_deref()
        .map(Regex::new)
        .transpose()
        .map_err(|e| format!("bad regex: {e}"))?;
    let shown = display_names(run);
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (i, ep) in run.endpoints.iter().enumerate() {
        if !name.matches(&ep.name, &shown[i]) {
            continue;
        }
        if exclude
            .as_ref()
            .is_some_and(|x| x.is_match(&ep.name) || x.is_match(&shown[i]))
        {
            continue;
        }
        if filter
            .method
            .as_deref()
            .is_some_and(|m| !method_matches(m, effective_method(&ep.method, &ep.name)))
        {
            continue;
        }
        let tag_ok = |want: &Option<String>,
                      have: &[Box<str>],
                      what: &str,
                      notes: &mut Vec<String>| match want {
            None => true,
            Some(w) if have.iter().any(|h| &**h == w) => {
                if have.len() > 1 {
                    notes.push(format!(
                        "{} has requests in several {what}s; all of them are counted for {what} {w}",
                        shown[i]
                    ));
                }
                true
            }
            Some(_) => false,
        };
        if !tag_ok(&filter.group, &ep.groups, "group", &mut notes)
            || !tag_ok(&filter.scenario, &ep.scenarios, "scenario", &mut notes)
        {
            continue;
        }
        out.push(i);
    }
    Ok((out, notes))
}

/// The populations a target names in `run`: one for the whole run or a merged
/// selection, one per endpoint otherwise. `Err` when it cannot be evaluated.
pub fn select<'r>(run: &'r Run, target: &Target) -> Result<Vec<Population<'r>>, String> {
    match target {
        Target::Overall => Ok(vec![Population {
            label: OVERALL.into(),
            members: None,
            run,
            notes: Vec::new(),
        }]),
        Target::Endpoints { filter, merged } => {
            let (found, notes) = matching_endpoints(run, filter)?;
            if found.is_empty() {
                return Ok(Vec::new());
            }
            if *merged {
                let label = target.to_string();
                return Ok(vec![Population {
                    label,
                    members: Some(found),
                    run,
                    notes,
                }]);
            }
            let shown = display_names(run);
            Ok(found
                .into_iter()
                .map(|i| Population {
                    label: shown[i].clone(),
                    members: Some(vec![i]),
                    run,
                    notes: notes
                        .iter()
                        .filter(|n| n.starts_with(&shown[i]))
                        .cloned()
                        .collect(),
                })
                .collect())
        }
    }
}

impl<'r> Population<'r> {
    pub fn run(&self) -> &'r Run {
        self.run
    }

    /// Endpoint indices (empty for the whole run).
    pub fn members(&self) -> &[usize] {
        self.members.as_deref().unwrap_or(&[])
    }

    /// Every request, with exact sum/min/max.
    pub fn whole(&self) -> Totals {
        match &self.members {
            None => Totals::from_series(&self.run.overall),
            Some(m) if m.len() == 1 => Totals::from_series(&self.run.endpoints[m[0]].series),
            Some(m) => {
                let mut s = Series::default();
                for &i in m {
                    s.merge(&self.run.endpoints[i].series);
                }
                Totals::from_series(&s)
            }
        }
    }

    /// When the run started and ended (µs), if it has timestamps.
    pub fn span(&self) -> Option<(Micros, Micros)> {
        match (self.run.first_activity_us, self.run.last_end_us) {
            (Some(a), Some(b)) if b > a => Some((a, b)),
            _ => None,
        }
    }

    fn windows(&self) -> Vec<EndpointWindows> {
        let mut out: Vec<EndpointWindows> = self
            .members()
            .iter()
            .map(|&i| self.run.endpoints[i].windows.flushed())
            .collect();
        let width = out.iter().map(EndpointWindows::width_us).max().unwrap_or(0);
        for w in &mut out {
            w.widen_to(width);
        }
        out
    }

    /// Width of the finest time slice available.
    pub fn granularity_us(&self) -> i64 {
        match &self.members {
            None => self.run.timeline.width_us(),
            Some(m) => m
                .iter()
                .map(|&i| self.run.endpoints[i].windows.width_us())
                .max()
                .unwrap_or(0),
        }
    }

    /// Requests with a timestamp (the ones windows can see).
    pub fn timed_requests(&self) -> u64 {
        let mut n = 0;
        self.for_each_group(0, i64::MAX / 4, i64::MIN, |g| n += g.totals.requests);
        n
    }

    /// Calls `f` for each non-empty window `[origin + k·width, …)`, in time
    /// order, leaving out slices that start before `from_us`. A slice goes to
    /// the window holding its start, so window edges are only as fine as
    /// [`granularity_us`](Self::granularity_us).
    pub fn for_each_group(
        &self,
        origin_us: Micros,
        width_us: i64,
        from_us: Micros,
        mut f: impl FnMut(Group),
    ) {
        let width_us = width_us.max(1);
        let group_of = |start: Micros| (start - origin_us).div_euclid(width_us);
        match &self.members {
            None => {
                let tl = &self.run.timeline;
                let mut current: Option<(i64, Totals)> = None;
                for (i, b) in tl.buckets().enumerate() {
                    let start = tl.origin_us() + i as i64 * tl.width_us();
                    if b.requests == 0 || start < from_us {
                        continue;
                    }
                    let g = group_of(start);
                    if current.as_ref().is_some_and(|(cg, _)| *cg != g) {
                        if let Some((cg, t)) = current.take() {
                            f(group(origin_us, width_us, cg, t));
                        }
                    }
                    let (_, t) = current.get_or_insert_with(|| (g, Totals::default()));
                    t.requests += b.requests;
                    t.errors += b.errors;
                    add_hist(&mut t.hist, &b.hist);
                }
                if let Some((cg, t)) = current {
                    f(group(origin_us, width_us, cg, t));
                }
            }
            Some(_) => {
                let sources = self.windows();
                let mut slices: Vec<(i64, usize, usize)> = Vec::new();
                for (s, w) in sources.iter().enumerate() {
                    for i in 0..w.stored_windows() {
                        let start = w.origin_us() + i as i64 * w.width_us();
                        if start >= from_us {
                            slices.push((group_of(start), s, i));
                        }
                    }
                }
                slices.sort_unstable();
                let mut current: Option<(i64, Totals)> = None;
                for (g, s, i) in slices {
                    let Some(data) = sources[s].window(i) else {
                        continue;
                    };
                    if current.as_ref().is_some_and(|(cg, _)| *cg != g) {
                        if let Some((cg, t)) = current.take() {
                            f(group(origin_us, width_us, cg, t));
                        }
                    }
                    let (_, t) = current.get_or_insert_with(|| (g, Totals::default()));
                    t.requests += data.requests;
                    t.errors += data.errors;
                    add_hist(&mut t.hist, &data.hist);
                }
                if let Some((cg, t)) = current {
                    f(group(origin_us, width_us, cg, t));
                }
            }
        }
    }
}

fn group(origin_us: Micros, width_us: i64, g: i64, totals: Totals) -> Group {
    let start_us = origin_us.saturating_add(g.saturating_mul(width_us));
    Group {
        start_us,
        end_us: start_us.saturating_add(width_us),
        totals,
    }
}
