//! Gatling `simulation.log`, text format (Gatling 1.x to 3.12), tab-separated
//! (tabs shown as `\t`):
//!
//! ```text
//! RUN\tcomputerdatabase.BasicSimulation\tbasicsimulation\t1617110479263\t \t3.5.1
//! USER\tBasicSimulation\tSTART\t1617110480034
//! REQUEST\t\trequest_1\t1617110480075\t1617110480090\tOK
//! ```
//!
//! Upstream encoder: gatling/gatling `LogFileDataWriter.scala` (one
//! `DataWriterMessageSerializer` per record type). The columns moved between
//! versions: 1.x writes `ACTION scenario userId name start reqSent respStart
//! end status message`; 2.0 put `scenario userId` before the record type; 2.x
//! and 3.0–3.3 carry a user id (and 2.x a scenario) before the groups; 3.4+
//! write `REQUEST groups name start end status message`, sometimes followed by
//! extra info. The RUN header's version is unreliable (every 2.x wrote `2.0`),
//! so each record is read by content: the status (`OK`/`KO`) preceded by two
//! (or, in 1.x/2.0, four) epoch-millisecond timestamps anchors the line.
//! Response time is `end - start`, as in Gatling's reports; an endpoint is
//! `group / subgroup / name`, as Gatling's reports list them (3.x writes the
//! group path comma-separated). `USER`/`SCENARIO`
//! `START`/`END` records give the number of active users.

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::format::Format;
use crate::formats::shared::delimited::is_integer;
use crate::formats::shared::rows::{NotUtf8, Records, Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::{Request, Run};

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::GatlingLog,
    description: "Gatling simulation.log, text format (Gatling up to 3.12)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".log"],
    new_decoder,
};

const RECORD_TYPES: [&str; 8] = [
    "RUN",
    "ASSERTION",
    "REQUEST",
    "USER",
    "GROUP",
    "ERROR",
    "ACTION",
    "SCENARIO",
];

fn sniff(prefix: &[u8], eof: bool) -> bool {
    first_line(strip_bom(prefix), eof).is_some_and(|l| {
        let line = String::from_utf8_lossy(l);
        let fields: Vec<&str> = line.split('\t').collect();
        fields.len() >= 2 && record_type(&fields).is_some()
    })
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(
        RowReader::new(GatlingLog::default())
            .with_records(Records::Lines)
            .with_not_utf8(NotUtf8::Replace),
    )
}

/// Index and name of the record type among the first three fields.
fn record_type<'a>(fields: &[&'a str]) -> Option<(usize, &'a str)> {
    fields
        .iter()
        .take(3)
        .enumerate()
        .find(|(_, f)| RECORD_TYPES.contains(f))
        .map(|(i, f)| (i, *f))
}

/// Reads Gatling text logs.
#[derive(Debug, Default)]
pub struct GatlingLog {
    active_users: i64,
}

impl RowFormat for GatlingLog {
    fn row(&mut self, run: &mut Run, row: Row<'_>) {
        let (n, text) = (row.line, row.text);
        let fields: Vec<&str> = text.split('\t').collect();
        match record_type(&fields) {
            Some((i, "REQUEST" | "ACTION")) => self.request(run, n, &fields, i),
            Some((i, "USER" | "SCENARIO")) => self.user(run, n, &fields, i),
            Some(_) => {}
            None => run.skip_line(
                n,
                "not a Gatling record (RUN, USER, REQUEST, GROUP, ERROR, ASSERTION)",
            ),
        }
    }
}

/// Where the timing of a REQUEST/ACTION record sits.
#[derive(Debug, PartialEq)]
struct Timing {
    first_ts: usize,
    start: i64,
    end: i64,
    status: usize,
}

/// Finds the `OK`/`KO` status preceded by two or four timestamps.
fn timing(fields: &[&str], after: usize) -> Option<Timing> {
    let ms = |i: usize| fields[i].parse::<i64>().ok();
    (after + 3..fields.len()).find_map(|s| {
        if !matches!(fields[s], "OK" | "KO")
            || !is_integer(fields[s - 1])
            || !is_integer(fields[s - 2])
        {
            return None;
        }
        let four = s >= after + 5 && (s - 4..s).all(|i| is_integer(fields[i])) && {
            let v: Vec<i64> = (s - 4..s).filter_map(ms).collect();
            // reqStart <= reqEnd <= respStart <= respEnd, all within a day.
            v.len() == 4 && v.windows(2).all(|w| w[0] <= w[1]) && v[3] - v[0] < 86_400_000
        };
        let first_ts = if four { s - 4 } else { s - 2 };
        Some(Timing {
            first_ts,
            start: ms(first_ts)?,
            end: ms(s - 1)?,
            status: s,
        })
    })
}

impl GatlingLog {
    fn request(&mut self, run: &mut Run, n: u64, fields: &[&str], type_at: usize) {
        let Some(t) = timing(fields, type_at) else {
            return run.skip_line(n, "REQUEST record without start, end and OK/KO status");
        };
        let name = fields[t.first_ts - 1];
        let is_action = fields[type_at] == "ACTION";
        // 1.x ACTION: type, scenario, user id, name. REQUEST: the field before the name holds the groups.
        let group = if !is_action && t.first_ts >= type_at + 3 {
            fields[t.first_ts - 2]
        } else {
            ""
        };
        let scenario = if is_action || t.first_ts >= type_at + 5 {
            fields[type_at + 1]
        } else {
            ""
        };
        let ko = fields[t.status] == "KO";
        let name = if name.trim().is_empty() {
            "(no name)"
        } else {
            name
        };
        // Gatling's reports key requests by group path and name.
        let path;
        let name = if group.trim().is_empty() {
            name
        } else {
            path = format!("{} / {name}", group.replace(',', " / "));
            &path
        };
        run.request(&Request {
            end_us: t.end.checked_mul(1000),
            duration_ms: t.end.saturating_sub(t.start) as f64,
            failed: ko,
            status: fields[t.status],
            name,
            method: "",
            group,
            scenario,
        });
    }

    fn user(&mut self, run: &mut Run, n: u64, fields: &[&str], type_at: usize) {
        // Some Taurus-written logs glue the scenario to the event: "Scenario START".
        let event = fields
            .iter()
            .enumerate()
            .skip(type_at + 1)
            .find_map(|(i, f)| {
                let last = f.rsplit(' ').next().unwrap_or(f);
                matches!(last, "START" | "END").then_some((i, last == "START"))
            });
        let Some((at, start)) = event else {
            return run.skip_line(n, "USER record without START or END");
        };
        let stamps: Vec<i64> = fields[at + 1..]
            .iter()
            .filter_map(|f| f.parse::<i64>().ok())
            .collect();
        // START carries the start; END carries start and end (2.x, 3.0-3.3) or just the end.
        let stamp = if start { stamps.first() } else { stamps.last() };
        let Some(t) = stamp.and_then(|ms| ms.checked_mul(1000)) else {
            return run.skip_line(n, "USER record without a timestamp");
        };
        if start {
            self.active_users += 1;
            run.activity_start(t);
        } else {
            self.active_users = (self.active_users - 1).max(0);
        }
        run.concurrency(Some(t), self.active_users as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn split(s: &str) -> Vec<&str> {
        s.split('\t').collect()
    }

    #[test]
    fn every_request_layout() {
        let cases = [
            // 3.4+ with and without message, 2.x Taurus without message
            ("REQUEST\tg1,g2\tname\t1000\t1250\tOK\t ", "name", "g1,g2", 250),
            ("REQUEST\t\tping\t1509787167394\t1509787167845\tOK", "ping", "", 451),
            // 3.0-3.3: user id before the groups
            ("REQUEST\t9\t\trequest_1\t1617204668272\t1617204668508\tOK", "request_1", "", 236),
            // 2.x (2016): scenario, user id, groups; message and extra info after the status
            ("REQUEST\tScn\t3\tgrp\tname\t1000\t1100\tKO\tboom\textra\tOK", "name", "grp", 100),
            // 2.0: scenario and user id before the type, four timestamps
            ("Scn\t1\tREQUEST\t\tname\t1000\t1010\t1050\t1090\tOK\t ", "name", "", 90),
            // 1.x ACTION with four timestamps
            ("ACTION\tScn\t1\tRequest request_1\t1339093685804\t1339093686175\t1339093686360\t1339093686361\tOK\tdone", "Request request_1", "", 557),
            // a numeric name is not taken for a timestamp
            ("REQUEST\t\t404\t1000\t1007\tKO\tstatus", "404", "", 7),
        ];
        for (line, name, group, ms) in cases {
            let f = split(line);
            let (at, _) = record_type(&f).expect("type");
            let t = timing(&f, at).expect(line);
            assert_eq!(f[t.first_ts - 1], name, "{line}");
            assert_eq!(t.end - t.start, ms, "{line}");
            let g = if f[at] == "REQUEST" && t.first_ts >= at + 3 {
                f[t.first_ts - 2]
            } else {
                ""
            };
            assert_eq!(g, group, "{line}");
        }
    }

    #[test]
    fn sniff() {
        assert!(super::sniff(
            b"RUN\tsim\tid\t1617110479263\t \t3.5.1\n",
            false
        ));
        assert!(super::sniff(b"ASSERTION\tAAMDAAMDAAAAAAAAwFhA\n", false));
        assert!(!super::sniff(b"timeStamp\telapsed\tlabel\n", false));
        assert!(!super::sniff(b"RUN this command\n", false));
    }

    #[test]
    fn users_give_concurrency_and_ko_is_an_error() {
        let text = "RUN\tS\tid\t1000\t \t3.5.1\nUSER\tS\tSTART\t1000\nUSER\tS\tSTART\t1001\n\
                    REQUEST\t\ta\t1002\t1010\tOK\t \nREQUEST\t\ta\t1003\t1020\tKO\tstatus 500\nUSER\tS\tEND\t1030\nGARBAGE\n";
        let run =
            Session::read_all("input", IngestOptions::default(), text.as_bytes()).expect("reads");
        let s = run.summary();
        assert_eq!(
            (s.requests, s.errors, s.peak_concurrency),
            (Some(2), Some(1), Some(2.0))
        );
        assert_eq!((s.skipped_lines, s.duration_s), (1, Some(0.02)));
    }
}
