//! `--threads N`: a big plain file read in parts gives exactly what one
//! thread gives, messages name the file's own line numbers, and a quoted
//! field across lines at a split point is read in one pass.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use common::{fixture, json, verdict};

/// A file of at least 17 MB (four parts of the CLI's smallest part size)
/// made of `body`'s rows repeated after `header`.
fn big(header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = header.to_vec();
    while out.len() < 17 << 20 {
        out.extend_from_slice(body);
    }
    out
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verdict-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn jmeter_rows() -> (Vec<u8>, Vec<u8>) {
    let real = std::fs::read(fixture("jmeter/real/results.jtl")).expect("fixture");
    let nl = memchr_pos(&real);
    (real[..nl].to_vec(), real[nl..].to_vec())
}

fn memchr_pos(b: &[u8]) -> usize {
    b.iter().position(|&c| c == b'\n').expect("a header line") + 1
}

fn summary(path: &Path, threads: &str) -> serde_json::Value {
    let p = path.to_string_lossy();
    let out = verdict(&["summary", "--json", "--threads", threads, &p]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}

#[test]
fn jmeter_csv_on_four_threads_equals_one() {
    let (header, body) = jmeter_rows();
    let path = write("big.jtl", &big(&header, &body));
    let one = summary(&path, "1");
    assert!(
        one["runs"][0]["requests"].as_u64().unwrap_or(0) > 50_000,
        "{one}"
    );
    assert_eq!(summary(&path, "4"), one);
    assert_eq!(summary(&path, "2"), one);
}

#[test]
fn k6_ndjson_on_four_threads_equals_one() {
    let mut ndjson = Vec::new();
    flate2::read::MultiGzDecoder::new(
        std::fs::File::open(fixture("k6/constant_vus/vus_010/run.json.gz")).expect("fixture"),
    )
    .read_to_end(&mut ndjson)
    .expect("gzip");
    let path = write("big.json", &big(b"", &ndjson));
    let one = summary(&path, "1");
    assert_eq!(summary(&path, "4"), one);
}

/// A row three quarters into the file cannot be read: with four threads it
/// lies in the last part, and the message names its line in the file.
#[test]
fn a_bad_row_in_a_later_part_names_its_line() {
    let (header, body) = jmeter_rows();
    let bytes = big(&header, &body);
    let mut lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let at = lines.len() * 3 / 4;
    let bad =
        b"1795311676454,not-a-number,GET /api/items,200,OK,users 1-2,text,true,,1433,4,4,135,88\n";
    lines[at] = bad;
    let path = write("bad.jtl", &lines.concat());
    let four = summary(&path, "4");
    let line = (at + 1) as u64;
    assert_eq!(four["runs"][0]["skipped_lines"], 1);
    assert_eq!(
        four["runs"][0]["skipped_examples"][0]["line"], line,
        "{}",
        four["runs"][0]["skipped_examples"]
    );
    assert_eq!(four, summary(&path, "1"));
}

/// A quoted label holding a newline, placed so that the split point of two
/// threads falls inside it: the file is read in one pass and stays right.
#[test]
fn a_quoted_field_across_the_split_point_stays_right() {
    let (header, body) = jmeter_rows();
    let bytes = big(&header, &body);
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let record: &[u8] = b"1795311676454,135,\"GET /api/items\nsecond line of the label\",200,OK,users 1-2,text,true,,1433,4,4,135,88\n";
    let first_len = record.iter().position(|&b| b == b'\n').unwrap_or(0) + 1;
    // Replace row m so that the target offset len/2 lies in the record's
    // first line: its inner newline is then the split point.
    let mut offset = 0usize;
    let mut file = None;
    for (m, l) in lines.iter().enumerate().skip(1) {
        let len = bytes.len() - l.len() + record.len();
        let target = len / 2;
        if offset <= target && target < offset + first_len - 1 {
            let mut v = lines.clone();
            v[m] = record;
            file = Some(v.concat());
            break;
        }
        offset += l.len();
    }
    let path = write("quoted.jtl", &file.expect("a place for the record"));
    let one = summary(&path, "1");
    let names: Vec<&str> = one["runs"][0]["endpoints"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(names.iter().any(|n| n.contains('\n')), "{names:?}");
    assert_eq!(summary(&path, "2"), one);
}

#[test]
fn gzip_and_bad_thread_counts() {
    let gz = PathBuf::from(fixture("k6/constant_vus/vus_010/run.json.gz"));
    assert_eq!(summary(&gz, "4"), summary(&gz, "1"));
    let out = verdict(&["summary", "--threads", "0", &gz.to_string_lossy()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads 0"));
}
