//! What an SLA rule says: which requests, which statistic, which limit, over
//! which time span, at which confidence.
//!
//! Every type here prints in the rule-text syntax of [`super::text`], and
//! printing then parsing gives the same value back (the file format and the
//! editor rely on that).

use std::fmt;

/// A named set of rules.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sla {
    /// The SLA's title, when it has one.
    pub title: Option<String>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

/// The confidence level used when a rule does not give one.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// One requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// A label for people ("list endpoints"); the rule text is used when absent.
    pub name: Option<String>,
    /// Which requests the rule is about.
    pub target: Target,
    /// What is measured.
    pub statistic: Statistic,
    /// How the statistic is compared with the limit.
    pub op: Op,
    /// The limit.
    pub limit: Limit,
    /// `None`: the whole run. `Some(w)`: every window of length `w` must comply.
    pub window: Option<Span>,
    /// Time at the start of the run left out (warm-up).
    pub warmup: Option<Span>,
    /// Confidence level of the verdict, in (0.5, 1).
    pub confidence: f64,
    /// Where the rule came from, when it was imported from a k6 threshold:
    /// lets a verdict stand beside k6's own outcome.
    pub k6: Option<K6Source>,
    /// The rule applies only where its endpoints exist: when nothing
    /// matches, it gives no verdict instead of an INCONCLUSIVE one (presets
    /// use this for tiers an API may not have).
    pub optional: bool,
}

/// A k6 threshold as k6 wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K6Source {
    /// `http_req_duration{name:GET /api/search}`
    pub metric: String,
    /// `p(95)<45`
    pub expression: String,
}

/// Which requests a rule is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Every request of the run.
    Overall,
    /// The endpoints the filter selects: each one on its own, or (`merged`)
    /// all their requests as one population, as a k6 sub-metric does.
    Endpoints {
        /// Selects the endpoints.
        filter: EndpointFilter,
        /// Whether all their requests count as one population.
        merged: bool,
    },
}

/// Selects endpoints. All the given conditions must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EndpointFilter {
    /// How the endpoint name is matched.
    pub name: NameMatch,
    /// A regex on the name; matching endpoints are left out.
    pub exclude: Option<String>,
    /// HTTP method; alternatives separated by `|` (`POST|PUT|PATCH|DELETE`).
    pub method: Option<String>,
    /// k6 `group` tag, e.g. `::browse`.
    pub group: Option<String>,
    /// k6 `scenario` tag (or the tool's equivalent).
    pub scenario: Option<String>,
    /// Other k6 tags (`status`, `expected_response`, …): Verdict keeps no
    /// per-tag data for them, so rules using them cannot be evaluated.
    pub other_tags: Vec<(String, String)>,
}

/// How the endpoint name (for k6: the `name` tag, which defaults to the URL)
/// is matched.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum NameMatch {
    /// Any name.
    #[default]
    Any,
    /// Exactly this name.
    Exact(String),
    /// `*` any run of characters, `?` one character.
    Glob(String),
    /// A regex on the name.
    Regex(String),
}

/// What is measured.
#[derive(Debug, Clone, PartialEq)]
pub enum Statistic {
    /// Latency percentile, 0 < p < 100 (k6 `p(N)`, `med` = 50).
    Percentile(f64),
    /// Mean latency.
    Mean,
    /// Fastest request.
    Min,
    /// Slowest request.
    Max,
    /// Failed requests / requests (k6 `http_req_failed` rate).
    ErrorRate,
    /// Requests per second.
    Throughput,
    /// Number of requests.
    Requests,
    /// Apdex with satisfied threshold T (ms): (satisfied + tolerating/2) / n,
    /// tolerating = (T, 4T].
    Apdex {
        /// The satisfied threshold T, in milliseconds.
        t_ms: f64,
    },
    /// Passed checks / all checks (k6 `checks` rate).
    CheckPassRate,
    /// A k6 metric/aggregation Verdict does not aggregate (`iteration_duration`,
    /// custom metrics, gauges…): imported so it is seen, never silently dropped.
    Unsupported {
        /// The k6 metric's name.
        metric: String,
        /// The k6 aggregation (`avg`, `count`, `value`, …).
        aggregation: String,
    },
}

/// Comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Less than (`<`).
    Lt,
    /// At most (`<=`).
    Le,
    /// Greater than (`>`).
    Gt,
    /// At least (`>=`).
    Ge,
    /// Equal (`==`).
    Eq,
    /// Not equal (`!=`).
    Ne,
}

/// A limit and the unit it was written in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// The number as written, in `unit`.
    pub amount: f64,
    /// The unit the limit was written in.
    pub unit: Unit,
}

/// Units a limit can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Microseconds (`us`, `µs`).
    Micros,
    /// Milliseconds (`ms`).
    Millis,
    /// Seconds (`s`).
    Seconds,
    /// `0.1%`
    Percent,
    /// A plain number: a fraction for rates, a count for counts.
    Plain,
    /// Per second (`/s`, `rps`).
    PerSecond,
    /// Per minute (`/min`, `rpm`).
    PerMinute,
}

/// A length of time, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span(pub i64);

impl Span {
    /// The span in seconds.
    pub fn seconds(self) -> f64 {
        self.0 as f64 / 1e6
    }
}

/// What kind of quantity a statistic is; decides units and rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Milliseconds.
    Time,
    /// A fraction in [0, 1].
    Fraction,
    /// Per second.
    Rate,
    Count,
    /// Unknown scale (unsupported metrics).
    Other,
}

impl Statistic {
    /// What kind of quantity the statistic is.
    pub fn quantity(&self) -> Quantity {
        match self {
            Statistic::Percentile(_) | Statistic::Mean | Statistic::Min | Statistic::Max => {
                Quantity::Time
            }
            Statistic::ErrorRate | Statistic::Apdex { .. } | Statistic::CheckPassRate => {
                Quantity::Fraction
            }
            Statistic::Throughput => Quantity::Rate,
            Statistic::Requests => Quantity::Count,
            Statistic::Unsupported { .. } => Quantity::Other,
        }
    }
}

impl Limit {
    /// The limit in the statistic's canonical scale: ms, fraction, per second.
    pub fn value(&self) -> f64 {
        match self.unit {
            Unit::Micros => self.amount / 1000.0,
            Unit::Millis | Unit::Plain | Unit::PerSecond => self.amount,
            Unit::Seconds => self.amount * 1000.0,
            Unit::Percent => self.amount / 100.0,
            Unit::PerMinute => self.amount / 60.0,
        }
    }
}

impl Op {
    /// Whether `value op limit` holds.
    pub fn holds(self, value: f64, limit: f64) -> bool {
        match self {
            Op::Lt => value < limit,
            Op::Le => value <= limit,
            Op::Gt => value > limit,
            Op::Ge => value >= limit,
            Op::Eq => value == limit,
            Op::Ne => value != limit,
        }
    }

    /// The operator as written: `<`, `<=`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }

    /// The operator that states the opposite (used for "fail when" grammars).
    pub fn negate(self) -> Op {
        match self {
            Op::Lt => Op::Ge,
            Op::Le => Op::Gt,
            Op::Gt => Op::Le,
            Op::Ge => Op::Lt,
            Op::Eq => Op::Ne,
            Op::Ne => Op::Eq,
        }
    }
}

impl Rule {
    /// A rule on the whole run, with the default confidence and no window.
    pub fn new(target: Target, statistic: Statistic, op: Op, limit: Limit) -> Rule {
        Rule {
            name: None,
            target,
            statistic,
            op,
            limit,
            window: None,
            warmup: None,
            confidence: DEFAULT_CONFIDENCE,
            k6: None,
            optional: false,
        }
    }

    /// The label to show: the name, or the rule text.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.to_string())
    }
}

/// Shortest text that parses back to the same `f64`.
pub(crate) fn number(x: f64) -> String {
    format!("{x}")
}

/// `"…"` with `\` and `"` escaped.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        for (size, unit) in [(3_600_000_000i64, "h"), (60_000_000, "m"), (1_000_000, "s")] {
            if us != 0 && us % size == 0 {
                return write!(f, "{}{unit}", us / size);
            }
        }
        if us >= 1_000_000 && us % 1000 == 0 {
            return write!(f, "{}s", number(us as f64 / 1e6));
        }
        write!(f, "{}ms", number(us as f64 / 1000.0))
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = number(self.amount);
        match self.unit {
            Unit::Micros => write!(f, "{n}us"),
            Unit::Millis => write!(f, "{n}ms"),
            Unit::Seconds => write!(f, "{n}s"),
            Unit::Percent => write!(f, "{n}%"),
            Unit::Plain => write!(f, "{n}"),
            Unit::PerSecond => write!(f, "{n}/s"),
            Unit::PerMinute => write!(f, "{n}/min"),
        }
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statistic::Percentile(p) => write!(f, "p{}", number(*p)),
            Statistic::Mean => f.write_str("mean"),
            Statistic::Min => f.write_str("min"),
            Statistic::Max => f.write_str("max"),
            Statistic::ErrorRate => f.write_str("error_rate"),
            Statistic::Throughput => f.write_str("rps"),
            Statistic::Requests => f.write_str("requests"),
            Statistic::Apdex { t_ms } => write!(
                f,
                "apdex({})",
                Limit {
                    amount: *t_ms,
                    unit: Unit::Millis
                }
            ),
            Statistic::CheckPassRate => f.write_str("checks"),
            Statistic::Unsupported {
                metric,
                aggregation,
            } => write!(f, "{metric} {aggregation}"),
        }
    }
}

impl EndpointFilter {
    /// The tag filters as a k6-style `{k:v,…}` selector (empty if none).
    fn tags_text(&self, with_name: bool) -> String {
        let mut tags: Vec<String> = Vec::new();
        if with_name {
            if let NameMatch::Exact(n) = &self.name {
                tags.push(format!("name:{n}"));
            }
        }
        for (k, v) in [
            ("method", &self.method),
            ("group", &self.group),
            ("scenario", &self.scenario),
        ] {
            if let Some(v) = v {
                tags.push(format!("{k}:{v}"));
            }
        }
        for (k, v) in &self.other_tags {
            tags.push(format!("{k}:{v}"));
        }
        if tags.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", tags.join(","))
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Overall => f.write_str("overall"),
            Target::Endpoints { filter, merged } => {
                let plain_tags = filter.exclude.is_none();
                match (&filter.name, merged) {
                    // k6 sub-metric form: one population selected by exact tags.
                    (NameMatch::Exact(_) | NameMatch::Any, true) if plain_tags => {
                        return f.write_str(&filter.tags_text(true));
                    }
                    (NameMatch::Exact(n), false)
                        if plain_tags && filter.tags_text(false).is_empty() =>
                    {
                        return write!(f, "endpoint {}", quoted(n));
                    }
                    _ => {}
                }
                f.write_str("endpoints ")?;
                match &filter.name {
                    NameMatch::Any => f.write_str("\"*\"")?,
                    NameMatch::Exact(n) => write!(f, "{}", quoted(&glob_escape(n)))?,
                    NameMatch::Glob(g) => f.write_str(&quoted(g))?,
                    NameMatch::Regex(r) => write!(f, "/{}/", r.replace('/', "\\/"))?,
                }
                let tags = filter.tags_text(false);
                if !tags.is_empty() {
                    write!(f, " {tags}")?;
                }
                if let Some(x) = &filter.exclude {
                    write!(f, " except /{}/", x.replace('/', "\\/"))?;
                }
                if *merged {
                    f.write_str(" merged")?;
                }
                Ok(())
            }
        }
    }
}

/// A glob that matches exactly `s`: `*`, `?` and `\` escaped.
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.target != Target::Overall {
            write!(f, "{} ", self.target)?;
        }
        write!(f, "{} {} {}", self.statistic, self.op.as_str(), self.limit)?;
        if let Some(w) = self.window {
            write!(f, " every {w}")?;
        }
        if let Some(w) = self.warmup {
            write!(f, " warm-up {w}")?;
        }
        if self.confidence != DEFAULT_CONFIDENCE {
            write!(
                f,
                " at {}% confidence",
                number((self.confidence * 1e6).round() / 1e4)
            )?;
        }
        if self.optional {
            f.write_str(" optional")?;
        }
        Ok(())
    }
}
