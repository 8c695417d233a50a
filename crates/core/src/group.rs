//! Companion files: some tools write one run as several files, e.g. Locust's
//! `--csv run` → `run_stats.csv`, `run_stats_history.csv`, `run_failures.csv`,
//! `run_exceptions.csv`. [`combine`] turns the runs read from such files back
//! into one run per test, so that dropping a whole folder gives one answer.
//!
//! Files belong together when they are of the same format family and their
//! names share the prefix in front of the tool's fixed suffix. A name without
//! that suffix (e.g. a file read as `input`) is never grouped: the prefix is
//! the only evidence that two files come from one run. A group holding two
//! files of the same kind (two `run_stats.csv` from different folders) is
//! left alone, with a warning, rather than guessed at.
//!
//! Locust: the `_stats.csv` numbers are authoritative (Locust's own totals,
//! percentiles, rps and duration); the history adds the timeline, the peak
//! user count and the start time; failures add the failure list; exceptions
//! add their warning. Any disagreement between the files is reported.

use crate::format::Format;
use crate::run::{Run, ToolReport};

/// The part a file plays in its family (Locust CSV is the only family so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Stats,
    History,
    Failures,
    Exceptions,
}

/// Family and role of a format that has companions, and the suffixes its files carry.
fn role(format: Format) -> Option<(Role, &'static [&'static str])> {
    Some(match format {
        Format::LocustStatsCsv => (Role::Stats, &["_stats.csv", "_stats.csv.gz"]),
        Format::LocustHistoryCsv => (
            Role::History,
            &["_stats_history.csv", "_stats_history.csv.gz"],
        ),
        Format::LocustFailuresCsv => (Role::Failures, &["_failures.csv", "_failures.csv.gz"]),
        Format::LocustExceptionsCsv => {
            (Role::Exceptions, &["_exceptions.csv", "_exceptions.csv.gz"])
        }
        _ => return None,
    })
}

/// The companion key of a run: its role and the prefix of its file name.
fn companion(run: &Run) -> Option<(Role, String)> {
    let (role, suffixes) = role(run.format)?;
    let lower = run.source.to_ascii_lowercase();
    let suffix = suffixes.iter().find(|s| lower.ends_with(*s))?;
    Some((
        role,
        run.source[..run.source.len() - suffix.len()].to_string(),
    ))
}

/// Combines companion files into one run each; other runs pass through in order.
pub fn combine(runs: Vec<Run>) -> Vec<Run> {
    // Group indexes by prefix, in order of first appearance.
    let keys: Vec<Option<(Role, String)>> = runs.iter().map(companion).collect();
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some((_, prefix)) = k {
            match groups.iter_mut().find(|(p, _)| p == prefix) {
                Some((_, members)) => members.push(i),
                None => groups.push((prefix.clone(), vec![i])),
            }
        }
    }
    let mut slots: Vec<Option<Run>> = runs.into_iter().map(Some).collect();
    let mut out_at: Vec<Option<Run>> = (0..slots.len()).map(|_| None).collect();
    for (prefix, members) in &groups {
        let mut roles: Vec<Role> = members
            .iter()
            .filter_map(|&i| keys[i].as_ref().map(|(r, _)| *r))
            .collect();
        roles.sort();
        let duplicated = roles.windows(2).any(|w| w[0] == w[1]);
        if members.len() < 2 {
            continue;
        }
        if duplicated {
            for &i in members {
                if let Some(r) = slots[i].as_mut() {
                    r.warn(format!(
                        "several files of the same kind share the prefix \"{prefix}\"; they were not combined into one run"
                    ));
                }
            }
            continue;
        }
        let mut parts: Vec<(Role, Run)> = members
            .iter()
            .filter_map(|&i| Some((keys[i].as_ref()?.0, slots[i].take()?)))
            .collect();
        parts.sort_by_key(|(r, _)| *r);
        out_at[members[0]] = Some(combine_locust(parts));
    }
    let mut out = Vec::new();
    for (slot, combined) in slots.into_iter().zip(out_at) {
        if let Some(r) = combined.or(slot) {
            out.push(r);
        }
    }
    out
}

/// Locust's files of one run, sorted by role (stats first).
fn combine_locust(parts: Vec<(Role, Run)>) -> Run {
    let mut it = parts.into_iter();
    let Some((_, mut base)) = it.next() else {
        return Run::new("", Format::LocustStatsCsv);
    };
    let mut tool = base.tool.take().unwrap_or_default();
    let has_stats = base.format == Format::LocustStatsCsv;
    for (role, part) in it {
        base.source = format!("{} + {}", base.source, part.source);
        let other = part.tool.clone().unwrap_or_default();
        match role {
            Role::History => add_history(&mut tool, &other, &part.source, &mut base),
            Role::Failures => {
                let listed: u64 = part.failures.iter().map(|f| f.count).sum();
                if tool.errors.is_some_and(|e| e != listed) && has_stats {
                    base.warn(format!(
                        "{} lists {listed} failures but the stats count {}: the stats figure is used",
                        part.source,
                        tool.errors.unwrap_or(0)
                    ));
                }
                if tool.errors.is_none() {
                    tool.errors = Some(listed);
                }
            }
            Role::Stats | Role::Exceptions => {}
        }
        base.failures.extend(part.failures.iter().cloned());
        base.diagnostics.skipped_lines += part.diagnostics.skipped_lines;
        // A cut member file makes the combined run partial too.
        for c in &part.diagnostics.cut {
            let c = format!("{}: {c}", part.source);
            if !base.diagnostics.cut.contains(&c) {
                base.diagnostics.cut.push(c);
            }
        }
        for ex in &part.diagnostics.examples {
            if base.diagnostics.examples.len() < crate::run::MAX_SKIPPED_EXAMPLES {
                base.diagnostics.examples.push(ex.clone());
            }
        }
        for w in &part.diagnostics.warnings {
            base.warn(format!("{}: {w}", part.source));
        }
    }
    base.tool = Some(tool);
    base
}

/// The history's contribution: timeline, peak users, start; its totals only
/// where the stats file is absent, and a warning where the two disagree.
fn add_history(tool: &mut ToolReport, history: &ToolReport, source: &str, base: &mut Run) {
    let stats_present = base.format == Format::LocustStatsCsv;
    if stats_present {
        if let (Some(a), Some(b)) = (tool.requests, history.requests) {
            if a != b {
                base.warn(format!(
                    "{source} ends at {b} requests but the stats count {a}; are they from the same run? The stats figures are used"
                ));
            }
        }
    } else {
        let errors = tool.errors;
        *tool = history.clone();
        tool.errors = history.errors.or(errors);
        return;
    }
    tool.timeline = history.timeline.clone();
    tool.peak_concurrency = history.peak_concurrency.or(tool.peak_concurrency);
    tool.start_us = history.start_us.or(tool.start_us);
    tool.duration_s = tool.duration_s.or(history.duration_s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::IngestOptions;
    use crate::session::Session;

    const STATS: &str = "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,99%\n\
        GET,/a,10,2,5,5,1,9,0,2,0.4,5,8,9\n,Aggregated,10,2,5,5,1,9,0,2,0.4,5,8,9\n";
    const HISTORY: &str = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,95%,99%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\n\
        100,0,,Aggregated,0,0,N/A,N/A,N/A,0,0,0,0,0,0,0\n101,3,,Aggregated,0,0,5,8,9,4,1,5,5,1,9,0\n102,5,,Aggregated,0,0,5,8,9,10,2,5,5,1,9,0\n";
    const FAILURES: &str = "Method,Name,Error,Occurrences\nGET,/a,HTTPError('500'),2\n";
    const EXCEPTIONS: &str = "Count,Message,Traceback,Nodes\n1,KeyError('x'),tb,local\n";

    fn read(name: &str, text: &str) -> Run {
        Session::read_all(name, IngestOptions::default(), text.as_bytes()).expect("reads")
    }

    #[test]
    fn one_locust_run_from_four_files() {
        let runs = vec![
            read("run_failures.csv", FAILURES),
            read("other.json_like_stats.csv", STATS),
            read("run_stats_history.csv", HISTORY),
            read("run_stats.csv", STATS),
            read("run_exceptions.csv", EXCEPTIONS),
        ];
        let out = combine(runs);
        assert_eq!(out.len(), 2);
        let s = out[0].summary();
        assert_eq!(
            s.source,
            "run_stats.csv + run_stats_history.csv + run_failures.csv + run_exceptions.csv"
        );
        assert_eq!(s.format, Format::LocustStatsCsv);
        assert_eq!((s.requests, s.errors), (Some(10), Some(2)));
        assert_eq!(s.latency_ms.p95, Some(8.0));
        assert_eq!(s.peak_concurrency, Some(5.0));
        assert_eq!(s.timeline.points.len(), 2);
        assert_eq!(s.failures.len(), 1);
        assert!(
            s.warnings.iter().any(|w| w.contains("KeyError")),
            "{:?}",
            s.warnings
        );
        assert!(s.start.is_some());
        assert_eq!(out[1].source, "other.json_like_stats.csv");
    }

    #[test]
    fn history_alone_or_disagreeing_or_duplicated() {
        let out = combine(vec![
            read("a_stats_history.csv", HISTORY),
            read("a_failures.csv", FAILURES),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].summary().requests, Some(10));
        let other = STATS.replace(",Aggregated,10,", ",Aggregated,11,");
        let out = combine(vec![
            read("b_stats.csv", &other),
            read("b_stats_history.csv", HISTORY),
        ]);
        assert!(out[0]
            .summary()
            .warnings
            .iter()
            .any(|w| w.contains("same run")));
        let out = combine(vec![
            read("c_stats.csv", STATS),
            read("c_stats.csv", STATS),
            read("c_failures.csv", FAILURES),
        ]);
        assert_eq!(out.len(), 3);
        assert!(out[0]
            .summary()
            .warnings
            .iter()
            .any(|w| w.contains("not combined")));
    }

    #[test]
    fn neutral_names_and_other_formats_pass_through() {
        let out = combine(vec![read("input", STATS), read("input", HISTORY)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].format, Format::LocustStatsCsv);
        assert_eq!(out[1].format, Format::LocustHistoryCsv);
    }
}
