//! Names that tell runs apart: five files all called `run.json.gz` from five
//! folders read "vus_010/run.json.gz · 10 VUs · 01:35" and so on, not
//! "run.json.gz (#1)…(#5)". Built from what is known of a run: the folder it
//! came from, its peak concurrency and its start time.

use verdict_core::RunSummary;

/// The folder part of a path a browser gives for a file picked in a folder
/// (`webkitRelativePath`, "results/vus_010/run.json.gz"): its nearest
/// folder, "vus_010". `None` for a file picked on its own.
pub fn folder_of(relative_path: &str) -> Option<String> {
    let mut parts = relative_path.rsplit('/');
    parts.next()?;
    parts.next().filter(|f| !f.is_empty()).map(str::to_string)
}

/// "HH:MM" of an RFC 3339 start ("2026-11-22T01:35:58.820Z" → "01:35"), as
/// the tool wrote it.
fn clock(start: &str) -> Option<&str> {
    let b = start.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b[i].is_ascii_digit());
    (b.len() >= 16 && b[10] == b'T' && b[13] == b':' && digits(11..13) && digits(14..16))
        .then(|| &start[11..16])
}

/// One run's name: the file (under its folder when known), then its peak
/// concurrency and start time when the file says them.
pub fn derive(file: &str, folder: Option<&str>, summary: Option<&RunSummary>) -> String {
    let mut name = match folder {
        Some(f) => format!("{f}/{file}"),
        None => file.to_string(),
    };
    if let Some(s) = summary {
        if let Some(vus) = s.peak_concurrency.filter(|v| v.is_finite() && *v > 0.0) {
            name.push_str(&format!(
                " · {} VUs",
                crate::display::count(vus.round() as u64)
            ));
        }
        if let Some(at) = s.start.as_deref().and_then(clock) {
            name.push_str(&format!(" · {at}"));
        }
    }
    name
}

/// Makes names that are still the same distinct, in order: the second
/// "run.json.gz" becomes "run.json.gz (2)".
pub fn make_distinct(names: &mut [String]) {
    let mut seen = std::collections::HashMap::<String, u32>::new();
    for i in 0..names.len() {
        let n = seen.entry(names[i].clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            let mut k = *n;
            // The suffixed name may itself be taken ("a (2)" dropped as a file).
            while names.iter().any(|m| *m == format!("{} ({k})", names[i])) {
                k += 1;
            }
            names[i] = format!("{} ({k})", names[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use verdict_core::{IngestOptions, Session};

    fn summary(rel: &str) -> RunSummary {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures")
            .join(rel);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut s = Session::new("run.json.gz", IngestOptions::default());
        s.feed(&bytes).unwrap_or_else(|e| panic!("{e}"));
        s.finish().unwrap_or_else(|e| panic!("{e}")).summary()
    }

    #[test]
    fn five_files_of_one_name_from_five_folders_get_five_names() {
        let dirs = ["vus_010", "vus_025", "vus_050", "vus_100", "vus_200"];
        let mut names: Vec<String> = dirs
            .iter()
            .map(|d| {
                let s = summary(&format!("k6/constant_vus/{d}/run.json.gz"));
                let folder = folder_of(&format!("constant_vus/{d}/run.json.gz"));
                derive("run.json.gz", folder.as_deref(), Some(&s))
            })
            .collect();
        make_distinct(&mut names);
        for (d, n) in dirs.iter().zip(&names) {
            assert!(n.starts_with(&format!("{d}/run.json.gz · ")), "{n}");
            assert!(n.contains(" VUs · "), "{n}");
        }
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 5, "{names:?}");
    }

    #[test]
    fn peak_vus_and_start_come_from_the_run() {
        let s = summary("k6/constant_vus/vus_010/run.json.gz");
        let start = s.start.clone().unwrap_or_default();
        let name = derive("run.json.gz", None, Some(&s));
        let vus = s
            .peak_concurrency
            .map(|v| v.round() as u64)
            .unwrap_or_default();
        assert_eq!(
            name,
            format!("run.json.gz · {vus} VUs · {}", &start[11..16])
        );
    }

    #[test]
    fn what_is_unknown_is_left_out_and_same_names_are_numbered() {
        assert_eq!(derive("a.csv", None, None), "a.csv");
        assert_eq!(folder_of("run.json.gz"), None);
        assert_eq!(
            folder_of("top/vus_010/run.json.gz").as_deref(),
            Some("vus_010")
        );
        assert_eq!(clock("garbage"), None);
        assert_eq!(clock("2026-11-22T01:35:58Z"), Some("01:35"));
        let mut names = vec!["a".to_string(), "a".into(), "a (2)".into()];
        make_distinct(&mut names);
        assert_eq!(names, ["a", "a (3)", "a (2)"]);
    }
}
