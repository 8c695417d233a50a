//! Writes a large k6 NDJSON file for the benchmark, built from the lines of a
//! real k6 run: the run is repeated back to back, each copy shifted in time by
//! the run's span, so timestamps keep increasing as in a long test.
//!
//! usage: make_k6_ndjson SOURCE.json.gz OUT.ndjson TARGET_MB

use std::io::{BufWriter, Read, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, source, out, target_mb] = args.as_slice() else {
        return Err("usage: make_k6_ndjson SOURCE.json.gz OUT.ndjson TARGET_MB".into());
    };
    let target: u64 = target_mb.parse::<u64>()? << 20;
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(source)?).read_to_string(&mut text)?;
    let times: Vec<i64> = text
        .lines()
        .filter_map(|l| l.find("\"time\":\"").map(|i| &l[i + 8..]))
        .filter_map(|t| verdict_core::time::parse_rfc3339(&t.as_bytes()[..t.find('"')?]))
        .collect();
    let (first, last) = (
        times.iter().min().ok_or("no timestamps")?,
        times.iter().max().ok_or("no timestamps")?,
    );
    let span = last - first + 1_000_000;
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let mut written = 0u64;
    let mut copy = 0i64;
    while written < target {
        for line in text.lines() {
            let shifted = match line.find("\"time\":\"") {
                Some(i) => {
                    let start = i + 8;
                    let end = start + line[start..].find('"').ok_or("unterminated time")?;
                    let t = verdict_core::time::parse_rfc3339(&line.as_bytes()[start..end])
                        .ok_or("bad time")?;
                    let nanos = &line[start + 19..end];
                    let stamp = verdict_core::time::format_rfc3339(t + copy * span);
                    // Keep k6's 9-digit fraction: whole seconds from us, fraction from the source.
                    format!(
                        "{}{}{}{}",
                        &line[..start],
                        &stamp[..19],
                        nanos,
                        &line[end..]
                    )
                }
                None => line.to_string(),
            };
            w.write_all(shifted.as_bytes())?;
            w.write_all(b"\n")?;
            written += shifted.len() as u64 + 1;
        }
        copy += 1;
    }
    w.flush()?;
    eprintln!(
        "wrote {out}: {} MB, {copy} copies of {source}",
        written >> 20
    );
    Ok(())
}
