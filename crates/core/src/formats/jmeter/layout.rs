//! Column layout of a JMeter CSV JTL: from its header, or — when
//! `jmeter.save.saveservice.print_field_names=false` left none — inferred
//! from the values.
//!
//! JMeter writes the enabled fields in one fixed order
//! (`CSVSaveService.resultToDelimitedString`), each switched on or off by a
//! `jmeter.save.saveservice.*` property, then the `sample_variables`. A
//! headerless file is therefore a subsequence of [`CANONICAL`]. We first try
//! the default sets of the JMeter versions seen in the wild, then, failing
//! those, the subsequence whose fields best fit the values of the first rows.

use crate::formats::jmeter::sample::parse_timestamp;
use crate::formats::shared::delimited::is_integer;

/// Declares [`Field`], [`CANONICAL`] and [`Field::header`] from one table,
/// so JMeter's order and the names it prints cannot drift apart.
macro_rules! fields {
    ($($field:ident => $header:literal,)*) => {
        /// A field JMeter can save in CSV.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Field {
            $($field,)*
        }

        /// Every field, in the order JMeter writes them.
        pub const CANONICAL: [Field; 22] = [$(Field::$field,)*];

        impl Field {
            /// The header name JMeter prints.
            pub fn header(self) -> &'static str {
                match self {
                    $(Field::$field => $header,)*
                }
            }
        }
    };
}

// In the order JMeter writes them, with the header name it prints.
fields! {
    TimeStamp => "timeStamp",
    Elapsed => "elapsed",
    Label => "label",
    ResponseCode => "responseCode",
    ResponseMessage => "responseMessage",
    ThreadName => "threadName",
    DataType => "dataType",
    Success => "success",
    FailureMessage => "failureMessage",
    Bytes => "bytes",
    SentBytes => "sentBytes",
    GrpThreads => "grpThreads",
    AllThreads => "allThreads",
    Url => "URL",
    Filename => "Filename",
    Latency => "Latency",
    Encoding => "Encoding",
    SampleCount => "SampleCount",
    ErrorCount => "ErrorCount",
    Hostname => "Hostname",
    IdleTime => "IdleTime",
    Connect => "Connect",
}

use Field::*;

impl Field {
    /// Looks up a header name (JMeter's spelling; other case accepted).
    pub fn from_header(name: &str) -> Option<Field> {
        let name = name.trim();
        CANONICAL
            .iter()
            .copied()
            .find(|f| f.header() == name)
            .or_else(|| {
                CANONICAL
                    .iter()
                    .copied()
                    .find(|f| f.header().eq_ignore_ascii_case(name))
            })
    }

    /// Whether `value` can be this field at all.
    fn admits(self, value: &str) -> bool {
        match self {
            TimeStamp => parse_timestamp(value).is_some(),
            Elapsed | Bytes | SentBytes | GrpThreads | AllThreads | Latency | SampleCount
            | ErrorCount | IdleTime | Connect => is_integer(value),
            DataType => matches!(value, "text" | "bin" | ""),
            Success => value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
            _ => true,
        }
    }

    /// How typical `value` is for this field (only used to rank layouts).
    fn fit(self, value: &str) -> f64 {
        match self {
            TimeStamp | Success => 3.0,
            ResponseCode if looks_like_code(value) => 1.0,
            ThreadName if looks_like_thread(value) => 1.0,
            Url if value == "null" || value.contains("://") => 1.0,
            ResponseCode | ResponseMessage | ThreadName | Url | Label | FailureMessage
            | Filename | Encoding | Hostname => 0.0,
            _ => 1.0,
        }
    }

    /// Ranking cost of leaving the field out: fields that every JMeter
    /// version saves by default cost more than optional ones.
    fn skip_cost(self) -> f64 {
        match self {
            TimeStamp | Elapsed | Label | ResponseCode | ResponseMessage | ThreadName
            | DataType | Success | Bytes | Latency => 0.02,
            FailureMessage | SentBytes | GrpThreads | AllThreads | Url | IdleTime | Connect => 0.01,
            _ => 0.0,
        }
    }
}

fn looks_like_code(v: &str) -> bool {
    (v.len() == 3 && v.bytes().all(|b| b.is_ascii_digit()))
        || v.starts_with("Non HTTP response code")
}

/// JMeter thread names end in `<group number>-<thread number>`.
fn looks_like_thread(v: &str) -> bool {
    let Some((_, tail)) = v.rsplit_once(' ') else {
        return false;
    };
    let Some((a, b)) = tail.split_once('-') else {
        return false;
    };
    is_integer(a) && is_integer(b)
}

/// Fields no JMeter version saves by default.
const NEVER_DEFAULT: &[Field] = &[Filename, Encoding, SampleCount, ErrorCount, Hostname];

/// Default field sets of JMeter versions, most recent first. Each older set
/// is the one before it less the fields listed (cumulatively), the first is
/// [`CANONICAL`] less [`NEVER_DEFAULT`]; every set keeps JMeter's order.
const PRESET_DROPS: &[&[Field]] = &[
    // 5.x defaults (jmeter.properties, SampleSaveConfiguration)
    &[],
    // 3.1 - 4.x (URL off)
    &[Url],
    // 3.0 (no sentBytes yet)
    &[SentBytes],
    // 2.13 with thread counts, failure message and connect time
    &[IdleTime],
    // 2.x with thread counts and failure message
    &[Connect],
    // 2.x with thread counts
    &[FailureMessage],
    // 2.x defaults
    &[GrpThreads, AllThreads],
];

/// The default field sets, most recent first (see [`PRESET_DROPS`]).
fn presets() -> impl Iterator<Item = Vec<Field>> {
    let mut dropped = NEVER_DEFAULT.to_vec();
    PRESET_DROPS.iter().map(move |drops| {
        dropped.extend_from_slice(drops);
        CANONICAL
            .iter()
            .copied()
            .filter(|f| !dropped.contains(f))
            .collect()
    })
}

/// Where each field we use sits in a record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub time_stamp: Option<usize>,
    pub elapsed: Option<usize>,
    pub label: Option<usize>,
    pub response_code: Option<usize>,
    pub response_message: Option<usize>,
    pub thread_name: Option<usize>,
    pub success: Option<usize>,
    pub all_threads: Option<usize>,
    /// Field per column (`None` = a sample variable), for messages.
    pub columns: Vec<Option<Field>>,
}

impl Layout {
    /// A layout from the fields of each column.
    pub fn from_columns(columns: Vec<Option<Field>>) -> Layout {
        let find = |f: Field| columns.iter().position(|c| *c == Some(f));
        Layout {
            time_stamp: find(TimeStamp),
            elapsed: find(Elapsed),
            label: find(Label),
            response_code: find(ResponseCode),
            response_message: find(ResponseMessage),
            thread_name: find(ThreadName),
            success: find(Success),
            all_threads: find(AllThreads),
            columns,
        }
    }

    /// The layout of a header record, if it is one: at least two known names.
    pub fn from_header(fields: &[&str]) -> Option<Layout> {
        let columns: Vec<Option<Field>> = fields.iter().map(|f| Field::from_header(f)).collect();
        (columns.iter().flatten().count() >= 2).then(|| Layout::from_columns(columns))
    }

    /// Header-style description (`timeStamp,elapsed,label,…`).
    pub fn describe(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.map_or("<variable>", |f| f.header()))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The layout of headerless rows (all of one length), and whether it is one
/// of JMeter's default field sets.
pub fn infer(rows: &[Vec<String>]) -> Option<(Layout, bool)> {
    let n = rows.first()?.len();
    let fits = |fields: &[Field]| {
        rows.iter()
            .all(|r| r.len() == fields.len() && fields.iter().zip(r).all(|(f, v)| f.admits(v)))
    };
    if let Some(preset) = presets().find(|p| p.len() == n && fits(p)) {
        return Some((
            Layout::from_columns(preset.iter().map(|f| Some(*f)).collect()),
            true,
        ));
    }
    best_subsequence(rows, n).map(|l| (l, false))
}

/// Dynamic programming over (canonical fields × columns): each column gets
/// the next unused canonical field that admits all its values, or is a
/// trailing sample variable; the assignment with the best fit wins.
fn best_subsequence(rows: &[Vec<String>], n: usize) -> Option<Layout> {
    const NONE: f64 = f64::NEG_INFINITY;
    const VARIABLE_COST: f64 = 0.5;
    let k = CANONICAL.len();
    let weight = rows.len() as f64;
    let score = |f: Field, col: usize| -> f64 {
        let mut total = 0.0;
        for r in rows {
            let v = r.get(col).map_or("", |s| s.as_str());
            if !f.admits(v) {
                return NONE;
            }
            total += f.fit(v);
        }
        total
    };
    // best[i][j]: best score with the first i fields placed in the first j columns.
    let mut best = vec![vec![NONE; n + 1]; k + 1];
    let mut took = vec![vec![false; n + 1]; k + 1];
    best[0][0] = 0.0;
    for i in 0..k {
        for j in 0..=n {
            if best[i][j] == NONE {
                continue;
            }
            let skip = best[i][j] - CANONICAL[i].skip_cost() * weight;
            if skip > best[i + 1][j] {
                best[i + 1][j] = skip;
                took[i + 1][j] = false;
            }
            if j < n {
                let s = score(CANONICAL[i], j);
                if s != NONE && best[i][j] + s > best[i + 1][j + 1] {
                    best[i + 1][j + 1] = best[i][j] + s;
                    took[i + 1][j + 1] = true;
                }
            }
        }
    }
    let (mut j, total) = (0..=n)
        .map(|j| (j, best[k][j] - VARIABLE_COST * weight * (n - j) as f64))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    if total == NONE {
        return None;
    }
    let mut columns = vec![None; n];
    for i in (1..=k).rev() {
        if took[i][j] {
            j -= 1;
            columns[j] = Some(CANONICAL[i - 1]);
        }
    }
    Some(Layout::from_columns(columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str], sep: char) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.split(sep).map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn header_names() {
        let l = Layout::from_header(&[
            "timeStamp",
            "elapsed",
            "label",
            "\"SessionName\"",
            "allThreads",
        ])
        .expect("header");
        assert_eq!(
            (l.time_stamp, l.elapsed, l.label, l.all_threads, l.success),
            (Some(0), Some(1), Some(2), Some(4), None)
        );
        assert!(Layout::from_header(&["1795311676454", "135", "GET /x"]).is_none());
    }

    #[test]
    fn jmeter_2_13_row_with_thread_counts_is_a_preset() {
        let r = rows(
            &["1795311676454,135,GET /api/items,200,OK,users 1-2,text,true,,1433,4,4,135,88"],
            ',',
        );
        let (l, preset) = infer(&r).expect("layout");
        assert!(preset);
        assert_eq!(l.all_threads, Some(11));
        assert_eq!(l.describe(), "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,grpThreads,allThreads,Latency,Connect");
    }

    #[test]
    fn modern_default_row() {
        let r = rows(&["1551783627191,351,JR-OK,200,Good request,Thread Group 1-1,text,true,,18,8,1,1,null,0,0,0"], ',');
        let (l, preset) = infer(&r).expect("layout");
        assert!(preset);
        assert_eq!((l.success, l.all_threads), (Some(7), Some(12)));
    }

    #[test]
    fn taurus_layout_without_data_type_is_inferred() {
        // timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,bytes,grpThreads,allThreads,Latency,Hostname
        let r = rows(&[
            "1488473413202\t1008\thttp://localhost:8080\t200\tOK\tThreadGroup 1-1\ttrue\t1228181\t1\t1\t132\tundera-laptop",
            "1488473414911\t268\thttp://localhost:8080\t200\tOK\tThreadGroup 1-1\ttrue\t1228180\t1\t1\t88\tundera-laptop",
        ], '\t');
        let (l, preset) = infer(&r).expect("layout");
        assert!(!preset);
        assert_eq!(
            (l.time_stamp, l.elapsed, l.label, l.response_code, l.success),
            (Some(0), Some(1), Some(2), Some(3), Some(6))
        );
    }

    #[test]
    fn rows_without_times_have_no_elapsed() {
        let r = rows(&["TNP1-JR0-0,200,,TG0-SNL 1-1,text,true,1,1,1,0"], ',');
        let (l, _) = infer(&r).expect("layout");
        assert_eq!((l.elapsed, l.success), (None, Some(5)));
    }
}
