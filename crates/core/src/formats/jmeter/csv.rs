//! JMeter CSV JTL (`jmeter -n -t plan.jmx -l results.jtl`, the default output):
//!
//! ```text
//! timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,grpThreads,allThreads,Latency,Connect
//! 1795311676454,135,GET /api/items,200,OK,users 1-2,text,true,,1433,4,4,135,88
//! ```
//!
//! Upstream encoder: apache/jmeter `CSVSaveService` (fields and order),
//! `SampleSaveConfiguration` (which fields are on, the delimiter). Columns are
//! found by header name in any order and subset; without a header
//! (`print_field_names=false`) the layout is inferred (see [`super::layout`]).
//! The delimiter is whatever the header uses (`default_delimiter`: `,`, tab,
//! `;`…). Values containing the delimiter are double-quoted.

use std::collections::HashMap;

use crate::decoder::{first_line, strip_bom, Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::jmeter::layout::{infer, Field, Layout};
use crate::formats::jmeter::sample::{
    self, parse_success, parse_timestamp, Sample, Stamp, LOCAL_TIME_WARNING,
};
use crate::formats::shared::csv::{split_fields, Fields};
use crate::formats::shared::delimited::is_integer;
use crate::formats::shared::rows::{Row, RowFormat, RowReader};
use crate::options::IngestOptions;
use crate::run::Run;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::JmeterCsv,
    description: "JMeter CSV results (-l results.jtl), with or without header",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".jtl", ".csv"],
    new_decoder,
};

/// Delimiters tried on headerless files.
const SEPARATORS: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Headerless rows looked at before choosing a layout.
const INFERENCE_ROWS: usize = 50;

fn sniff(prefix: &[u8], eof: bool) -> bool {
    let Some(line) = first_line(strip_bom(prefix), eof) else {
        return false;
    };
    let line = String::from_utf8_lossy(line);
    if let Some(sep) = header_separator(&line) {
        let known = line
            .split(sep as char)
            .filter(|f| Field::from_header(f).is_some_and(|k| k.header() == f.trim()))
            .count();
        if known >= 3 {
            return true;
        }
    }
    headerless_separator(&line).is_some()
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(JmeterCsvDecoder::default())
}

/// JMeter's own rule: the delimiter is the first non-word character of the
/// header; JMeter only allows printable ASCII or a tab there.
fn header_separator(line: &str) -> Option<u8> {
    line.bytes()
        .find(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'"'))
        .filter(|b| *b == b'\t' || (b.is_ascii_punctuation() || *b == b' '))
}

fn split(line: &str, sep: u8) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    split_fields(line, sep, &mut fields)?;
    Some(fields.into_iter().map(|f| f.into_owned()).collect())
}

fn is_bool(v: &str) -> bool {
    v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
}

/// The delimiter of a headerless JMeter row: the one that yields a start
/// time, an elapsed time and a success flag — or, for files saved without
/// times, a success flag and a JMeter thread name (`Group 1-1`).
fn headerless_separator(line: &str) -> Option<u8> {
    let rows: Vec<(u8, Vec<String>)> = SEPARATORS
        .iter()
        .filter_map(|&s| split(line, s).map(|f| (s, f)))
        .filter(|(_, f)| f.len() >= 4)
        .collect();
    let timed = rows.iter().find(|(_, f)| {
        let epoch_ms = f[0].len() >= 10 && f[0].len() <= 14 && is_integer(&f[0]);
        let dated = parse_timestamp(&f[0]).is_some_and(|(_, k)| k != Stamp::EpochMs);
        (epoch_ms || dated) && is_integer(&f[1]) && f.iter().any(|v| is_bool(v))
    });
    let untimed = || {
        rows.iter().find(|(_, f)| {
            f.iter().any(|v| is_bool(v))
                && f.iter().any(|v| {
                    v.rsplit_once(' ')
                        .and_then(|(_, t)| t.split_once('-'))
                        .is_some_and(|(a, b)| is_integer(a) && is_integer(b))
                })
        })
    };
    timed.or_else(untimed).map(|(s, _)| *s)
}

enum State {
    Start,
    /// Headerless: rows kept until the layout is inferred.
    Buffering {
        sep: u8,
        rows: Vec<(u64, Vec<String>)>,
    },
    Reading {
        sep: u8,
        layout: Layout,
    },
    Failed,
}

/// Streaming decoder for JMeter CSV.
#[derive(Default)]
pub struct JmeterCsvDecoder {
    rows: RowReader<JmeterRows>,
}

/// The per-row part of the decoder.
struct JmeterRows {
    state: State,
    fatal: Option<IngestError>,
    samples: Samples,
}

impl Default for JmeterRows {
    fn default() -> Self {
        JmeterRows {
            state: State::Start,
            fatal: None,
            samples: Samples::default(),
        }
    }
}

/// What turns rows of a known layout into samples.
#[derive(Default)]
struct Samples {
    warned_local_time: bool,
    /// Line of the last record when it had no line end: JMeter ends every
    /// row with one, so such a record was cut mid-write (a killed run).
    unterminated: Option<u64>,
    sub_results: SubResults,
    /// Samples the transactions say they hold ("Number of samples in transaction : N").
    transaction_children: u64,
}

impl Decoder for JmeterCsvDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        self.rows.feed(bytes, run);
        self.rows.format.fatal.clone().map_or(Ok(()), Err)
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        self.rows.finish(run);
        let rows = &mut self.rows.format;
        if let State::Buffering { .. } = rows.state {
            rows.choose_layout(run);
        }
        let samples = &mut rows.samples;
        samples.sub_results.finish(run);
        if samples.transaction_children > run.overall.requests {
            run.warn(format!(
                "the transactions hold {} samples but the file has {} requests: a Transaction Controller with \"Generate parent sample\" writes only the transaction to a CSV JTL (save as XML to keep its requests)",
                samples.transaction_children, run.overall.requests
            ));
        }
        rows.fatal.clone().map_or(Ok(()), Err)
    }
}

impl RowFormat for JmeterRows {
    fn row(&mut self, run: &mut Run, mut row: Row<'_>) {
        if row.unterminated {
            self.samples.unterminated = Some(row.line);
        }
        let n = row.line;
        match &mut self.state {
            State::Failed => {}
            State::Start => self.first_record(run, n, row.text),
            State::Buffering { sep, rows } => {
                match split(row.text, *sep) {
                    Some(fields) => rows.push((n, fields)),
                    None => run.skip_line(n, "unbalanced quotes"),
                }
                if rows.len() >= INFERENCE_ROWS {
                    self.choose_layout(run);
                }
            }
            State::Reading { sep, layout } => match row.split(*sep) {
                Some(fields) => self.samples.sample(run, n, &fields, layout),
                None => run.skip_line(n, "unbalanced quotes"),
            },
        }
    }
}

impl JmeterRows {
    fn fail(&mut self, run: &Run, line: u64, reason: String) {
        self.state = State::Failed;
        self.fatal = Some(IngestError::Malformed {
            source_name: run.source.clone(),
            format: Format::JmeterCsv.as_str(),
            position: Position::Line { line },
            reason,
        });
    }

    fn first_record(&mut self, run: &mut Run, n: u64, text: &str) {
        if let Some(sep) = header_separator(text) {
            if let Some(layout) = split(text, sep).and_then(|f| {
                Layout::from_header(&f.iter().map(String::as_str).collect::<Vec<_>>())
            }) {
                if layout.elapsed.is_none() {
                    return self.fail(run, n, no_elapsed(&layout));
                }
                if layout.time_stamp.is_none() {
                    run.warn("no timeStamp column (timestamp_format=none): requests have no time, so there is no timeline");
                }
                self.state = State::Reading { sep, layout };
                return;
            }
        }
        match headerless_separator(text) {
            Some(sep) => {
                let mut rows = Vec::new();
                match split(text, sep) {
                    Some(fields) => rows.push((n, fields)),
                    None => run.skip_line(n, "unbalanced quotes"),
                }
                self.state = State::Buffering { sep, rows };
            }
            None => self.fail(
                run,
                n,
                "expected a JMeter CSV header (timeStamp,elapsed,label,…) or a JMeter result row"
                    .into(),
            ),
        }
    }

    fn choose_layout(&mut self, run: &mut Run) {
        let State::Buffering { sep, rows } = std::mem::replace(&mut self.state, State::Failed)
        else {
            return;
        };
        let Some((first_line, first)) = rows.first() else {
            self.state = State::Start;
            return;
        };
        let width = first.len();
        let same: Vec<Vec<String>> = rows
            .iter()
            .filter(|(_, r)| r.len() == width)
            .map(|(_, r)| r.clone())
            .collect();
        let Some((layout, preset)) = infer(&same) else {
            return self.fail(
                run,
                *first_line,
                format!("headerless rows of {width} fields do not match any JMeter column layout"),
            );
        };
        if layout.elapsed.is_none() {
            return self.fail(run, *first_line, no_elapsed(&layout));
        }
        if !preset {
            run.warn(format!(
                "no header line; columns inferred from the values as: {} (save with jmeter.save.saveservice.print_field_names=true to be sure)",
                layout.describe()
            ));
        }
        for (n, fields) in &rows {
            self.samples.sample(run, *n, fields.as_slice(), &layout);
        }
        self.state = State::Reading { sep, layout };
    }
}

/// A row's fields, kept (headerless rows waiting for their layout) or borrowed.
trait Cells {
    fn cell(&self, i: usize) -> Option<&str>;
    fn count(&self) -> usize;
}

impl Cells for [String] {
    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i).map(String::as_str)
    }
    fn count(&self) -> usize {
        self.len()
    }
}

impl Cells for Fields<'_> {
    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
    fn count(&self) -> usize {
        self.len()
    }
}

impl Samples {
    fn sample<C: Cells + ?Sized>(&mut self, run: &mut Run, n: u64, fields: &C, layout: &Layout) {
        if self.unterminated == Some(n) && fields.count() < layout.columns.len() {
            run.warn(format!(
                "the last row (line {n}) has {} of {} fields and no line end: it was cut while being written (the run was stopped?) and is not counted",
                fields.count(),
                layout.columns.len()
            ));
            return run.skip_line(n, "incomplete final row (cut mid-write)");
        }
        let get = |i: Option<usize>| i.and_then(|i| fields.cell(i));
        let Some(elapsed) = get(layout.elapsed) else {
            return run.skip_line(
                n,
                format!(
                    "expected {} fields, found {}",
                    layout.columns.len(),
                    fields.count()
                ),
            );
        };
        let Some(elapsed) = elapsed.trim().parse::<f64>().ok().filter(|e| e.is_finite()) else {
            return run.skip_line(n, "elapsed is not a number");
        };
        let start_us = match get(layout.time_stamp) {
            None if layout.time_stamp.is_some() => {
                return run.skip_line(n, "row has no timeStamp field")
            }
            None => None,
            Some(ts) => match parse_timestamp(ts) {
                Some((t, kind)) => {
                    if kind == Stamp::Local && !self.warned_local_time {
                        self.warned_local_time = true;
                        run.warn(LOCAL_TIME_WARNING);
                    }
                    Some(t)
                }
                None => {
                    return run.skip_line(n, "timeStamp is neither epoch milliseconds nor a date")
                }
            },
        };
        if let Some(n) = get(layout.response_message).and_then(transaction_children) {
            self.transaction_children = self.transaction_children.saturating_add(n);
        }
        let row = CsvRow {
            start_us,
            elapsed_ms: elapsed,
            label: get(layout.label).unwrap_or(""),
            code: get(layout.response_code).unwrap_or(""),
            success: get(layout.success).map(parse_success),
            all_threads: get(layout.all_threads).and_then(|v| v.trim().parse::<f64>().ok()),
            transaction: get(layout.response_message).is_some_and(sample::is_transaction),
        };
        self.sub_results.route(run, row, get(layout.thread_name));
    }
}

/// N of a transaction's "Number of samples in transaction : N, …".
fn transaction_children(message: &str) -> Option<u64> {
    if !sample::is_transaction(message) {
        return None;
    }
    let (_, rest) = message.split_once(':')?;
    rest.split(',').next()?.trim().parse().ok()
}

/// One CSV row: borrowed from the row as it is read (`CsvRow<&str>`), owned
/// (`CsvRow<String>`) when it must wait for its parent.
#[derive(Debug, Clone)]
struct CsvRow<S> {
    start_us: Option<crate::time::Micros>,
    elapsed_ms: f64,
    label: S,
    code: S,
    success: Option<bool>,
    all_threads: Option<f64>,
    transaction: bool,
}

impl<S: AsRef<str>> CsvRow<S> {
    fn record(&self, run: &mut Run) {
        sample::record(
            run,
            &Sample {
                start_us: self.start_us,
                elapsed_ms: self.elapsed_ms,
                label: self.label.as_ref(),
                code: self.code.as_ref(),
                success: self.success,
                all_threads: self.all_threads,
                transaction: self.transaction,
            },
        );
    }

    fn end_us(&self) -> Option<crate::time::Micros> {
        self.start_us
            .map(|t| t.saturating_add((self.elapsed_ms * 1000.0).round() as i64))
    }

    /// `P` when the label is `P-<digits>`: how JMeter names sub-results.
    fn parent_label(&self) -> Option<&str> {
        let (base, n) = self.label.as_ref().rsplit_once('-')?;
        (!base.is_empty() && is_integer(n) && !n.starts_with('-')).then_some(base)
    }

    /// Whether `self` lies inside `parent`'s time span on its thread.
    fn inside<T: AsRef<str>>(&self, parent: &CsvRow<T>) -> bool {
        match (
            self.start_us,
            self.end_us(),
            parent.start_us,
            parent.end_us(),
        ) {
            // 1 ms slack: JMeter rounds each elapsed to whole ms.
            (Some(s), Some(e), Some(ps), Some(pe)) => s >= ps && e <= pe + 1000,
            _ => false,
        }
    }
}

impl CsvRow<&str> {
    fn to_owned_row(&self) -> CsvRow<String> {
        let mut owned = CsvRow {
            start_us: None,
            elapsed_ms: 0.0,
            label: String::new(),
            code: String::new(),
            success: None,
            all_threads: None,
            transaction: false,
        };
        self.copy_into(&mut owned);
        owned
    }

    /// Overwrites `into`, reusing its strings.
    fn copy_into(&self, into: &mut CsvRow<String>) {
        into.start_us = self.start_us;
        into.elapsed_ms = self.elapsed_ms;
        into.label.clear();
        into.label.push_str(self.label);
        into.code.clear();
        into.code.push_str(self.code);
        into.success = self.success;
        into.all_threads = self.all_threads;
        into.transaction = self.transaction;
    }
}

/// Sub-results written as rows (JMeter 5's CSV: redirect hops and embedded
/// resources as `label-0`, `label-1`… on the parent's thread, inside its
/// span) are part of their parent sample, as XML nests them: not counted.
/// They may come before their parent or after it, so candidates wait until
/// the thread's next row.
#[derive(Debug, Default)]
struct SubResults {
    threads: HashMap<String, ThreadRows>,
    folded: u64,
}

#[derive(Debug, Default)]
struct ThreadRows {
    last: Option<CsvRow<String>>,
    pending: Vec<CsvRow<String>>,
}

/// Candidates kept per thread before they are counted as they are.
const MAX_PENDING: usize = 64;
/// Threads tracked; beyond this, rows are counted as they come.
const MAX_THREADS: usize = 100_000;

impl SubResults {
    fn route(&mut self, run: &mut Run, row: CsvRow<&str>, thread: Option<&str>) {
        let Some(thread) = thread.filter(|_| row.start_us.is_some()) else {
            return row.record(run);
        };
        if !self.threads.contains_key(thread) {
            if self.threads.len() >= MAX_THREADS {
                return row.record(run);
            }
            self.threads
                .insert(thread.to_string(), ThreadRows::default());
        }
        let Some(rows) = self.threads.get_mut(thread) else {
            return row.record(run);
        };
        if let Some(base) = row.parent_label() {
            if let Some(last) = &rows.last {
                // A transaction's children are its requests, never folded.
                if last.label == base && !last.transaction && row.inside(last) {
                    self.folded += 1;
                    return;
                }
            }
            if rows.pending.len() >= MAX_PENDING {
                rows.pending.remove(0).record(run);
            }
            rows.pending.push(row.to_owned_row());
            return;
        }
        for p in rows.pending.drain(..) {
            if !row.transaction && p.parent_label() == Some(row.label) && p.inside(&row) {
                self.folded += 1;
            } else {
                p.record(run);
            }
        }
        row.record(run);
        match &mut rows.last {
            Some(last) => row.copy_into(last),
            None => rows.last = Some(row.to_owned_row()),
        }
    }

    fn finish(&mut self, run: &mut Run) {
        for rows in self.threads.values_mut() {
            for p in std::mem::take(&mut rows.pending) {
                p.record(run);
            }
        }
        if self.folded > 0 {
            run.warn(format!(
                "{} rows are sub-results (label-N: redirect hops or embedded resources inside their parent sample's time, on its thread); they are part of their parent and not counted as requests",
                self.folded
            ));
        }
    }
}

fn no_elapsed(layout: &Layout) -> String {
    format!(
        "this JTL has no elapsed column (columns: {}); it was saved with jmeter.save.saveservice.time=false, so it holds no response times to analyse",
        layout.describe()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn read(text: &str) -> Result<Run, IngestError> {
        Session::read_all("input", IngestOptions::default(), text.as_bytes())
    }

    #[test]
    fn sniffs_headers_and_headerless_rows() {
        assert!(sniff(b"timeStamp,elapsed,label,responseCode\n", false));
        assert!(sniff(b"timeStamp\telapsed\tlabel\tsuccess\n", false));
        assert!(sniff(b"timeStamp;elapsed;label;success\n", false));
        assert!(sniff(
            b"1795311676454,135,GET /x,200,OK,users 1-2,text,true,,1433,4,4,135,88\n",
            false
        ));
        assert!(sniff(
            b"2017/03/02 16:50:13.202;135;GET /x;200;OK;users 1-2;text;false;1433;135\n",
            false
        ));
        assert!(sniff(
            b"TNP1-JR0-0,200,,TG0-SNL 1-1,text,true,1,1,1,0\n",
            false
        ));
        assert!(!sniff(b"metric_name,timestamp,metric_value,check\n", false));
        assert!(!sniff(
            b"response-time,DNS+dialup,DNS,Request-write\n",
            false
        ));
        assert!(!sniff(
            b"1615016224507076698,200,435643128,0,2945,,\n",
            false
        ));
        assert!(!sniff(b"timeStamp,elapsed", false), "incomplete first line");
    }

    #[test]
    fn header_in_any_order_with_quoted_labels() {
        let run = read("label,elapsed,success,timeStamp,responseCode\n\"a, b\",10,false,1000,200\nc,20,true,1000,Non HTTP response code: java.net.SocketTimeoutException\n").expect("reads");
        let s = run.summary();
        assert_eq!((s.requests, s.errors), (Some(2), Some(1)));
        assert!(s.endpoints.iter().any(|e| e.name == "a, b"));
        assert_eq!(
            s.status_codes
                .get("Non HTTP response code: java.net.SocketTimeoutException"),
            Some(&1)
        );
        assert_eq!(s.duration_s, Some(0.02));
    }

    #[test]
    fn bad_rows_are_counted_not_fatal() {
        let run =
            read("timeStamp,elapsed,label\n1000,x,a\n1000,5,a\n1000\nnope,5,a\n").expect("reads");
        assert_eq!(run.overall.requests, 1);
        assert_eq!(run.diagnostics.skipped_lines, 3);
    }

    #[test]
    fn missing_elapsed_is_a_clear_error() {
        let err = read("timeStamp,label,success\n1000,a,true\n").expect_err("no times");
        assert!(err.to_string().contains("no elapsed column"), "{err}");
        let err = read("TNP1-JR0-0,200,,TG0-SNL 1-1,text,true,1,1,1,0\n").expect_err("no times");
        assert!(
            err.to_string()
                .contains("jmeter.save.saveservice.time=false"),
            "{err}"
        );
    }

    #[test]
    fn headerless_default_layout() {
        let mut text = String::new();
        for i in 0..60 {
            text.push_str(&format!(
                "{},{},lbl,200,OK,g 1-1,text,{},,10,1,{},5,1\n",
                1_700_000_000_000u64 + i,
                10 + i,
                i % 2 == 0,
                i % 7
            ));
        }
        let run = read(&text).expect("reads");
        assert_eq!((run.overall.requests, run.overall.errors), (60, 30));
        assert_eq!(run.peak_concurrency, Some(6.0));
        assert!(
            run.diagnostics.warnings.is_empty(),
            "{:?}",
            run.diagnostics.warnings
        );
    }
}
