//! JMeter XML JTL (`jmeter.save.saveservice.output_format=xml`):
//!
//! ```text
//! <testResults version="1.2">
//! <httpSample t="161" lt="161" ts="1490691403962" s="true" lb="GET /hello" rc="200" rm="OK" tn="TG 1-1" na="1" ng="1"/>
//! ```
//!
//! Upstream encoder: apache/jmeter `SaveService` / `SampleResultConverter`
//! (XStream): `t` elapsed ms, `ts` start ms, `s` success, `lb` label, `rc`
//! code, `na` active threads. Elements are `<httpSample>`, `<sample>`, or an
//! XStream class name whose fields are child elements (`<label>`,
//! `<elapsedTime>`, `<startTime>`…) as some plugins write.
//!
//! Only the direct children of `<testResults>` count. Nested samples are the
//! parent's sub-results (redirects, embedded resources, a transaction
//! controller's children) and are already inside the parent's time: JMeter's
//! own listeners count only the top level when they load an XML JTL, and the
//! CSV output of the same run has one row per top-level sample.

use crate::decoder::{strip_bom, Decoder, FormatSpec};
use crate::error::{IngestError, Position};
use crate::format::Format;
use crate::formats::jmeter::sample::{self, parse_success, Sample};
use crate::formats::shared::xml::{unescape, Event, Tokenizer};
use crate::options::IngestOptions;
use crate::run::Run;

/// Registry entry.
pub const SPEC: FormatSpec = FormatSpec {
    format: Format::JmeterXml,
    description: "JMeter XML results (-l results.jtl with output_format=xml)",
    raw_samples: true,
    sniff,
    priority: 20,
    extensions: &[".jtl", ".xml"],
    new_decoder,
};

fn sniff(prefix: &[u8], _eof: bool) -> bool {
    let p = strip_bom(prefix);
    let start = p
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(p.len());
    p[start..].starts_with(b"<") && memchr::memmem::find(p, b"<testResults").is_some()
}

fn new_decoder(_: &IngestOptions) -> Box<dyn Decoder> {
    Box::new(JmeterXmlDecoder::default())
}

/// Child elements read from XStream-style samples (values capped in length).
const CHILD_FIELDS: [&str; 8] = [
    "label",
    "responseCode",
    "success",
    "elapsedTime",
    "time",
    "startTime",
    "timeStamp",
    "allThreads",
];
const MAX_CHILD_TEXT: usize = 4096;

/// A top-level sample written as child elements, being collected.
#[derive(Debug, Default)]
struct ChildSample {
    line: u64,
    /// Index into [`CHILD_FIELDS`] of the child being read.
    reading: Option<usize>,
    values: [String; 8],
}

/// Streaming decoder for JMeter XML.
#[derive(Debug, Default)]
pub struct JmeterXmlDecoder {
    tokens: Tokenizer,
    depth: usize,
    root_seen: bool,
    child: Option<ChildSample>,
    /// Inside a Transaction Controller's parent sample: its direct children
    /// are the requests.
    in_transaction: bool,
    fatal: Option<IngestError>,
}

impl Decoder for JmeterXmlDecoder {
    fn feed(&mut self, bytes: &[u8], run: &mut Run) -> Result<(), IngestError> {
        if self.fatal.is_none() {
            let mut tokens = std::mem::take(&mut self.tokens);
            tokens.feed(bytes, &mut |line, ev| self.event(run, line, ev));
            self.tokens = tokens;
        }
        self.fatal.clone().map_or(Ok(()), Err)
    }

    fn finish(&mut self, run: &mut Run) -> Result<(), IngestError> {
        if let Some(e) = self.fatal.clone() {
            return Err(e);
        }
        let inside_tag = self.tokens.finish();
        if inside_tag || self.depth > 0 {
            run.cut(format!(
                "the XML ends at line {} before </testResults>: JMeter was probably stopped before it closed the file; samples up to the cut are counted",
                self.tokens.line()
            ));
        }
        if let Some(c) = self.child.take() {
            run.skip_line(c.line, "sample cut off by the end of the file");
        }
        Ok(())
    }
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

impl JmeterXmlDecoder {
    fn event(&mut self, run: &mut Run, line: u64, ev: Event<'_>) {
        match ev {
            Event::Bad(reason) => run.skip_line(line, reason),
            Event::Text(t) => {
                if let Some(ChildSample {
                    reading: Some(i),
                    values,
                    ..
                }) = &mut self.child
                {
                    let v = &mut values[*i];
                    if v.len() < MAX_CHILD_TEXT {
                        v.push_str(&String::from_utf8_lossy(t));
                    }
                }
            }
            Event::Start { name, attrs, empty } => {
                if !self.root_seen {
                    self.root_seen = true;
                    if name != "testResults" {
                        self.fatal = Some(IngestError::Malformed {
                            source_name: run.source.clone(),
                            format: Format::JmeterXml.as_str(),
                            position: Position::Line { line },
                            reason: format!("expected the <testResults> root element of a JMeter JTL, found <{name}>"),
                        });
                        return;
                    }
                } else if self.depth == 1 {
                    self.top_level(run, line, name, attrs, empty);
                } else if self.depth == 2 && self.in_transaction {
                    // Samples only (responseData and the like are not).
                    if attr(attrs, "t").is_some() || attr(attrs, "lb").is_some() {
                        attribute_sample(run, line, name, attrs);
                    }
                } else if self.depth == 2 {
                    if let Some(c) = &mut self.child {
                        c.reading = CHILD_FIELDS
                            .iter()
                            .position(|f| *f == name)
                            .filter(|_| !empty);
                    }
                }
                if !empty {
                    self.depth += 1;
                }
            }
            Event::End { .. } => {
                self.depth = self.depth.saturating_sub(1);
                match self.depth {
                    2 => {
                        if let Some(c) = &mut self.child {
                            c.reading = None;
                        }
                    }
                    1 => {
                        self.in_transaction = false;
                        if let Some(c) = self.child.take() {
                            child_sample(run, &c);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn top_level(
        &mut self,
        run: &mut Run,
        line: u64,
        name: &str,
        attrs: &[(String, String)],
        empty: bool,
    ) {
        let has_attributes = ["t", "ts", "lb", "s"]
            .iter()
            .any(|a| attr(attrs, a).is_some());
        if !has_attributes && !empty {
            self.child = Some(ChildSample {
                line,
                ..ChildSample::default()
            });
            return;
        }
        if attribute_sample(run, line, name, attrs) && !empty {
            self.in_transaction = true;
        }
    }
}

/// Records a sample written as attributes; returns whether it was a
/// Transaction Controller sample.
fn attribute_sample(run: &mut Run, line: u64, name: &str, attrs: &[(String, String)]) -> bool {
    let Some(elapsed) = attr(attrs, "t") else {
        run.skip_line(
                line,
                format!("<{name}> has no t (elapsed) attribute: the file was saved with jmeter.save.saveservice.time=false, so it holds no response times"),
            );
        return false;
    };
    let Some(elapsed_ms) = number(elapsed) else {
        run.skip_line(line, format!("<{name}> t=\"{elapsed}\" is not a number"));
        return false;
    };
    let start_us = match attr(attrs, "ts") {
        None => None,
        Some(ts) => match ts
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|ms| ms.checked_mul(1000))
        {
            Some(t) => Some(t),
            None => {
                run.skip_line(
                    line,
                    format!("<{name}> ts=\"{ts}\" is not epoch milliseconds"),
                );
                return false;
            }
        },
    };
    let transaction = attr(attrs, "rm").is_some_and(sample::is_transaction);
    sample::record(
        run,
        &Sample {
            start_us,
            elapsed_ms,
            label: attr(attrs, "lb").unwrap_or(""),
            code: attr(attrs, "rc").unwrap_or(""),
            success: attr(attrs, "s").map(parse_success),
            all_threads: attr(attrs, "na").and_then(number),
            transaction,
        },
    );
    transaction
}

/// Records a sample written as child elements (`<elapsedTime>12</elapsedTime>`…).
fn child_sample(run: &mut Run, c: &ChildSample) {
    let value = |name: &str| {
        let i = CHILD_FIELDS.iter().position(|f| *f == name)?;
        let v = c.values[i].trim();
        (!v.is_empty()).then(|| unescape(v).into_owned())
    };
    let Some(elapsed_ms) = value("elapsedTime")
        .or_else(|| value("time"))
        .as_deref()
        .and_then(number)
    else {
        return run.skip_line(
            c.line,
            "sample has no <elapsedTime>: no response time to read",
        );
    };
    // XStream samples carry the start in <startTime>; <timeStamp> may be 0.
    let start_ms = value("startTime")
        .or_else(|| value("timeStamp"))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|ms| *ms > 0);
    let (label, code) = (
        value("label").unwrap_or_default(),
        value("responseCode").unwrap_or_default(),
    );
    sample::record(
        run,
        &Sample {
            start_us: start_ms.and_then(|ms| ms.checked_mul(1000)),
            elapsed_ms,
            label: &label,
            code: &code,
            success: value("success").as_deref().map(parse_success),
            all_threads: value("allThreads").as_deref().and_then(number),
            transaction: false,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    fn read(text: &str) -> Result<Run, IngestError> {
        Session::read_all("input", IngestOptions::default(), text.as_bytes())
    }

    #[test]
    fn sniff_needs_test_results() {
        assert!(sniff(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n",
            false
        ));
        assert!(!sniff(b"<?xml version=\"1.0\"?>\n<html>", false));
        assert!(!sniff(b"timeStamp,elapsed,label <testResults", false));
    }

    #[test]
    fn nested_sub_results_are_not_counted_twice() {
        let run = read(
            "<?xml version=\"1.0\"?>\n<testResults version=\"1.2\">\n\
             <sample t=\"300\" ts=\"1000\" s=\"false\" lb=\"tc &amp; co\" rc=\"200\" na=\"3\">\n\
               <httpSample t=\"100\" ts=\"1000\" s=\"true\" lb=\"child\" rc=\"200\"/>\n\
               <httpSample t=\"200\" ts=\"1100\" s=\"false\" lb=\"child\" rc=\"404\"><responseData>&lt;x&gt;</responseData></httpSample>\n\
             </sample>\n<httpSample t=\"5\" ts=\"2000\" s=\"true\" lb=\"b\" rc=\"Non HTTP response code: java.net.SocketTimeoutException\"/>\n</testResults>\n",
        )
        .expect("reads");
        let s = run.summary();
        assert_eq!((s.requests, s.errors), (Some(2), Some(1)));
        assert!(s.endpoints.iter().any(|e| e.name == "tc & co"));
        assert_eq!(s.peak_concurrency, Some(3.0));
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn xstream_child_elements() {
        let run = read(
            "<testResults>\n<com.example.Result>\n<label>L</label><responseCode>500</responseCode>\n\
             <timeStamp>0</timeStamp><startTime>1431506202173</startTime><success>false</success>\n\
             <elapsedTime>42</elapsedTime><allThreads>2</allThreads><subResults><label>no</label></subResults>\n\
             </com.example.Result>\n</testResults>",
        )
        .expect("reads");
        let s = run.summary();
        assert_eq!(
            (s.requests, s.errors, s.latency_ms.max),
            (Some(1), Some(1), Some(42.0))
        );
        assert_eq!(s.endpoints[0].name, "L");
        assert_eq!(s.start.as_deref(), Some("2015-05-13T08:36:42.173Z"));
    }

    #[test]
    fn samples_without_times_fail_clearly() {
        let err = read("<testResults>\n<sample s=\"true\" lb=\"a\" rc=\"200\"/>\n</testResults>")
            .expect_err("no times");
        assert!(
            err.to_string()
                .contains("jmeter.save.saveservice.time=false"),
            "{err}"
        );
    }

    #[test]
    fn truncated_file_keeps_what_was_read() {
        let run = read("<testResults>\n<httpSample t=\"5\" ts=\"2000\" s=\"true\" lb=\"b\"/>\n<httpSample t=\"6\" ts=")
            .expect("partial");
        assert_eq!(run.overall.requests, 1);
        assert!(
            run.diagnostics.warnings[0].contains("</testResults>"),
            "{:?}",
            run.diagnostics.warnings
        );
    }
}
