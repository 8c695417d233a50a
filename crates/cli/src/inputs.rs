//! Reading result files, for every command alike: the reading options
//! (`--format`, `--hdr-unit`, `--csv-*`) and the loop that streams each file
//! through a [`Session`] in chunks.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use verdict_core::options::{CsvColumn, CsvMapping, IngestOptions, TimestampMarks, TimestampUnit};
use verdict_core::split::{boundary, PartRun, SplitError, SplitPlan, PLAN_PREFIX};
use verdict_core::time::DurationUnit;
use verdict_core::{Format, IngestError, Run, Session};

use crate::exit;

/// Read size: large enough that syscalls do not show up in profiles.
const READ_CHUNK: usize = 256 * 1024;
/// Most threads one file is read with.
const MAX_THREADS: usize = 256;
/// Smallest part worth a thread of its own.
const MIN_PART: u64 = 4 << 20;

/// What to do about a CSV no format recognised, said after its columns.
pub const MAPPING_HELP: &str = "map its columns: --csv-latency COL --csv-latency-unit s|ms|us|ns, optionally --csv-timestamp COL [--csv-timestamp-unit s|ms|us|ns|rfc3339] --csv-label COL --csv-status COL --csv-success COL (COL is a header name or a 1-based column number; the app asks the same in its column mapping)";

/// The reading options, as given on the command line.
#[derive(Debug, PartialEq, Default)]
pub struct ReadFlags {
    pub format: Option<String>,
    pub hdr_unit: Option<String>,
    pub threads: Option<String>,
    pub csv: CsvFlags,
}

/// The `--csv-*` options, as given.
#[derive(Debug, PartialEq, Default)]
pub struct CsvFlags {
    pub latency: Option<String>,
    pub latency_unit: Option<String>,
    pub timestamp: Option<String>,
    pub timestamp_unit: Option<String>,
    pub timestamp_marks: Option<String>,
    pub label: Option<String>,
    pub status: Option<String>,
    pub success: Option<String>,
}

impl CsvFlags {
    fn any(&self) -> bool {
        [
            &self.latency,
            &self.latency_unit,
            &self.timestamp,
            &self.timestamp_unit,
            &self.timestamp_marks,
            &self.label,
            &self.status,
            &self.success,
        ]
        .iter()
        .any(|f| f.is_some())
    }
}

impl ReadFlags {
    /// Where the value of reading option `flag` goes; `None` when `flag` is
    /// not a reading option.
    fn slot(&mut self, flag: &str) -> Option<&mut Option<String>> {
        Some(match flag {
            "--format" => &mut self.format,
            "--hdr-unit" => &mut self.hdr_unit,
            "--threads" => &mut self.threads,
            "--csv-latency" => &mut self.csv.latency,
            "--csv-latency-unit" => &mut self.csv.latency_unit,
            "--csv-timestamp" => &mut self.csv.timestamp,
            "--csv-timestamp-unit" => &mut self.csv.timestamp_unit,
            "--csv-timestamp-marks" => &mut self.csv.timestamp_marks,
            "--csv-label" => &mut self.csv.label,
            "--csv-status" => &mut self.csv.status,
            "--csv-success" => &mut self.csv.success,
            _ => return None,
        })
    }

    /// Takes `arg` (`--flag VALUE` or `--flag=VALUE`) when it is a reading
    /// option, pulling its value from `rest` if needed. `Ok(false)`: not one.
    pub fn accept(
        &mut self,
        arg: &str,
        rest: &mut dyn Iterator<Item = String>,
    ) -> Result<bool, String> {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        let Some(slot) = self.slot(flag) else {
            return Ok(false);
        };
        let value = inline
            .or_else(|| rest.next())
            .ok_or_else(|| format!("{flag} needs a value"))?;
        *slot = Some(value);
        Ok(true)
    }

    /// Checks what can be checked before reading: a mapping needs its latency.
    pub fn validate(&self) -> Result<(), String> {
        if self.csv.any() && (self.csv.latency.is_none() || self.csv.latency_unit.is_none()) {
            return Err(
                "a CSV mapping needs at least --csv-latency COL and --csv-latency-unit s|ms|us|ns"
                    .into(),
            );
        }
        self.threads()?;
        self.options().map(|_| ())
    }

    /// Threads one plain file is read with (`--threads N`, by default
    /// every core the machine offers).
    pub fn threads(&self) -> Result<usize, String> {
        match self.threads.as_deref() {
            None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
                _ => Err(format!(
                    "--threads {v}: expected a whole number from 1 to {MAX_THREADS}"
                )),
            },
        }
    }

    /// The core's reading options for these flags.
    pub fn options(&self) -> Result<IngestOptions, String> {
        let format = self
            .format
            .as_deref()
            .map(Format::from_name)
            .transpose()
            .map_err(|e| e.to_string())?;
        let unit = |flag: &str, v: &str| {
            DurationUnit::from_name(v)
                .ok_or_else(|| format!("{flag} {v}: expected s, ms, us or ns"))
        };
        let hdr_unit = self
            .hdr_unit
            .as_deref()
            .map(|v| unit("--hdr-unit", v))
            .transpose()?;
        let csv_mapping = match (&self.csv.latency, &self.csv.latency_unit) {
            (Some(latency), Some(latency_unit)) => {
                let c = &self.csv;
                let column = |s: &Option<String>| s.clone().map(CsvColumn::Name);
                Some(CsvMapping {
                    latency: CsvColumn::Name(latency.clone()),
                    latency_unit: unit("--csv-latency-unit", latency_unit)?,
                    timestamp: column(&c.timestamp),
                    timestamp_unit: c
                        .timestamp_unit
                        .as_deref()
                        .map(|v| {
                            TimestampUnit::from_name(v).ok_or_else(|| {
                                format!(
                                    "--csv-timestamp-unit {v}: expected s, ms, us, ns or rfc3339"
                                )
                            })
                        })
                        .transpose()?,
                    timestamp_marks: match c.timestamp_marks.as_deref() {
                        None | Some("start") => TimestampMarks::Start,
                        Some("end") => TimestampMarks::End,
                        Some(v) => {
                            return Err(format!("--csv-timestamp-marks {v}: expected start or end"))
                        }
                    },
                    label: column(&c.label),
                    status: column(&c.status),
                    success: column(&c.success),
                })
            }
            _ => None,
        };
        Ok(IngestOptions {
            format,
            hdr_unit,
            csv_mapping,
        })
    }
}

/// Why one input failed.
pub enum InputError {
    Io(String),
    Data(IngestError),
}

impl InputError {
    /// The exit code this failure calls for.
    pub fn exit_code(&self) -> u8 {
        match self {
            InputError::Io(_) => exit::NO_INPUT,
            InputError::Data(_) => exit::DATA,
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Io(msg) => f.write_str(msg),
            InputError::Data(e @ IngestError::UnrecognisedCsv { .. }) => {
                write!(f, "{e}. To read it, {MAPPING_HELP}")
            }
            InputError::Data(e) => write!(f, "{e}"),
        }
    }
}

/// Streams one file through the core: a plain file of a per-line format in
/// parts on up to `threads` threads (see [`verdict_core::split`]), anything
/// else (gzip, documents, logs) in one pass.
pub fn read_file(path: &Path, options: &IngestOptions, threads: usize) -> Result<Run, InputError> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let io_error = |e: io::Error| InputError::Io(format!("{}: {e}", path.display()));
    if threads > 1 {
        let mut file = File::open(path).map_err(io_error)?;
        let len = file.metadata().map_err(io_error)?.len();
        let parts = threads.min(usize::try_from(len / MIN_PART).unwrap_or(usize::MAX));
        if parts > 1 {
            let mut prefix = Vec::with_capacity(PLAN_PREFIX);
            (&mut file)
                .take(PLAN_PREFIX as u64)
                .read_to_end(&mut prefix)
                .map_err(io_error)?;
            let eof = (prefix.len() as u64) == len;
            if let Some(plan) = SplitPlan::new(&name, options, &prefix, eof) {
                match read_parts(path, &plan, len, parts) {
                    Ok(run) => return Ok(run),
                    Err(Parted::Io(e)) => return Err(InputError::Io(e)),
                    Err(Parted::Split(SplitError::Ingest(e))) => return Err(InputError::Data(e)),
                    // Exactness first: read it again in one pass.
                    Err(Parted::Split(_)) => {}
                }
            }
        }
    }
    let mut file = File::open(path).map_err(io_error)?;
    let mut session = Session::new(name, options.clone());
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(InputError::Io(format!(
                    "{}: read failed after {} bytes: {e}",
                    path.display(),
                    session.bytes_in()
                )))
            }
        };
        session.feed(&buf[..n]).map_err(InputError::Data)?;
    }
    session.finish().map_err(InputError::Data)
}

/// Why reading in parts did not give the run.
enum Parted {
    Io(String),
    Split(SplitError),
}

/// Reads `path` (`len` bytes) as `parts` parts cut after a newline, each
/// on its own thread streaming its range in [`READ_CHUNK`]s, so memory does
/// not grow with the file.
fn read_parts(path: &Path, plan: &SplitPlan, len: u64, parts: usize) -> Result<Run, Parted> {
    let io = |e: io::Error| Parted::Io(format!("{}: {e}", path.display()));
    let mut file = File::open(path).map_err(io)?;
    let mut starts = vec![0u64];
    let mut window = vec![0u8; 64 * 1024];
    for i in 1..parts {
        let target = (len / parts as u64 * i as u64).max(starts[starts.len() - 1]);
        let mut at = target;
        // The first newline at or after the target, read a window at a time.
        let start = loop {
            file.seek(SeekFrom::Start(at)).map_err(io)?;
            let n = read_full(&mut file, &mut window).map_err(io)?;
            if n == 0 {
                break None;
            }
            match boundary(&window[..n]) {
                Some(b) => break Some(at + b as u64),
                None => at += n as u64,
            }
        };
        match start {
            Some(s) if s < len && s > starts[starts.len() - 1] => starts.push(s),
            _ => break,
        }
    }
    let ranges: Vec<(u64, u64)> = starts
        .iter()
        .zip(starts.iter().skip(1).chain(std::iter::once(&len)))
        .map(|(a, b)| (*a, *b))
        .collect();
    // glibc raises its trim threshold once a large block is freed (one pass
    // does so when its sniff buffer goes); without that, the parts' heaps
    // are trimmed and faulted in again (thirty times the page faults).
    drop(std::hint::black_box(vec![0u8; 2 * READ_CHUNK]));
    let results: Vec<Result<PartRun, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(from, to)| s.spawn(move || read_range(path, plan, from, to)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(format!("{}: a reading thread failed", path.display())))
            })
            .collect()
    });
    let parts = results
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(Parted::Io)?;
    plan.merge(parts).map_err(Parted::Split)
}

/// Streams bytes `[from, to)` of `path` into one part.
fn read_range(path: &Path, plan: &SplitPlan, from: u64, to: u64) -> Result<PartRun, String> {
    let err = |e: io::Error| format!("{}: read failed at byte {from}: {e}", path.display());
    let mut file = File::open(path).map_err(err)?;
    file.seek(SeekFrom::Start(from)).map_err(err)?;
    let mut part = plan.part(from == 0);
    let mut buf = vec![0u8; READ_CHUNK];
    let mut left = to - from;
    while left > 0 {
        let want = usize::try_from(left).map_or(buf.len(), |l| l.min(buf.len()));
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(err(e)),
        };
        part.feed(&buf[..n]);
        left -= n as u64;
    }
    Ok(part.finish())
}

/// Reads until `buf` is full or the file ends; the bytes read.
fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads every file, printing each failure. Returns the runs read, in order,
/// each with the path it came from, and the worst exit code the failures
/// call for (0 when every file was read).
pub fn read_files(
    files: &[PathBuf],
    options: &IngestOptions,
    threads: usize,
) -> (Vec<(PathBuf, Run)>, u8) {
    let mut runs = Vec::with_capacity(files.len());
    let mut code = 0u8;
    for path in files {
        match read_file(path, options, threads) {
            Ok(run) => runs.push((path.clone(), run)),
            Err(e) => {
                eprintln!("verdict: {e}");
                code = code.max(e.exit_code());
            }
        }
    }
    (runs, code)
}

/// The runs alone, with files one tool wrote for one run (Locust's
/// `PREFIX_stats.csv`, `_stats_history.csv`, …) combined into one.
pub fn combined(runs: Vec<(PathBuf, Run)>) -> Vec<Run> {
    verdict_core::group::combine(runs.into_iter().map(|(_, r)| r).collect())
}

/// Merges runs exactly; refuses tool-reported aggregates, which cannot be merged.
pub fn merge(runs: Vec<Run>) -> Result<Run, String> {
    verdict_core::run::merge_runs(runs).map_err(|e| format!("--merge: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(args: &str) -> Result<ReadFlags, String> {
        let mut f = ReadFlags::default();
        let mut it = args.split_whitespace().map(String::from);
        while let Some(arg) = it.next() {
            if !f.accept(&arg, &mut it)? {
                return Err(format!("not a reading option: {arg}"));
            }
        }
        f.validate()?;
        Ok(f)
    }

    #[test]
    fn a_csv_mapping_and_hdr_unit() -> Result<(), String> {
        let f = flags(
            "--csv-latency elapsed --csv-latency-unit=ms --csv-timestamp 1 --csv-timestamp-unit rfc3339 --csv-success ok --hdr-unit us",
        )?;
        let o = f.options()?;
        let m = o.csv_mapping.ok_or("no mapping")?;
        assert_eq!(m.latency, CsvColumn::Name("elapsed".into()));
        assert_eq!(m.latency_unit, DurationUnit::Millis);
        assert_eq!(m.timestamp, Some(CsvColumn::Name("1".into())));
        assert_eq!(m.timestamp_unit, Some(TimestampUnit::Rfc3339));
        assert_eq!(m.success, Some(CsvColumn::Name("ok".into())));
        assert_eq!(o.hdr_unit, Some(DurationUnit::Micros));
        Ok(())
    }

    #[test]
    fn incomplete_or_wrong_options_are_refused() {
        assert!(flags("--csv-label name").is_err());
        assert!(flags("--csv-latency t").is_err());
        assert!(flags("--csv-latency t --csv-latency-unit minutes").is_err());
        assert!(flags("--hdr-unit lightyears").is_err());
        assert!(flags("--format").is_err());
        assert!(flags("--format no-such-format").is_err());
        assert!(flags("--json").is_err());
    }
}
