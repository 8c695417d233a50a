//! Numbers written as sentences ("p95 69 ms at 200 VUs, 362 ms at 500 VUs")
//! turned into the table `verdict capacity --levels` reads, so the user can
//! check and complete it (a level without its throughput is named by the
//! table reader). Pure, tested natively.

use std::collections::BTreeMap;

/// One load level gathered from the sentences.
#[derive(Debug, Default, Clone, PartialEq)]
struct Row {
    load: f64,
    throughput: Option<f64>,
    /// Statistic name (`p95`) → milliseconds.
    latency_ms: BTreeMap<String, f64>,
}

fn number(word: &str) -> Option<f64> {
    let t = word.trim_matches(|c: char| !c.is_ascii_digit() && c != '.');
    t.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

fn latency_factor(unit: &str) -> Option<f64> {
    match unit {
        "ms" => Some(1.0),
        "s" | "sec" | "seconds" => Some(1000.0),
        "us" | "µs" => Some(0.001),
        _ => None,
    }
}

fn is_load(unit: &str) -> bool {
    matches!(
        unit,
        "vus" | "vu" | "users" | "threads" | "concurrency" | "clients" | "connections"
    )
}

fn is_throughput(unit: &str) -> bool {
    matches!(unit, "req/s" | "rps" | "requests/s" | "tps" | "qps" | "/s")
}

/// `p95`, `p99.9`, `median` → the statistic's column stem.
fn statistic(word: &str) -> Option<String> {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
    if w == "median" {
        return Some("p50".into());
    }
    let digits = w.strip_prefix('p')?;
    number(digits).filter(|v| *v > 0.0 && *v < 100.0)?;
    Some(format!("p{digits}"))
}

/// Splits a value glued to its unit (`69ms`, `200vus`).
fn split_glued(word: &str) -> (String, Option<String>) {
    let at = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(word.len());
    if at == 0 || at == word.len() {
        return (word.to_string(), None);
    }
    (word[..at].to_string(), Some(word[at..].to_string()))
}

/// Drops thousands separators ("1,083 req/s" → "1083 req/s"): a comma with a
/// digit before it and exactly three digits after. Commas that separate
/// clauses are followed by a space, so they stay.
fn without_thousands_separators(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let separator =
                c == ',' && i > 0 && digit(i - 1) && (1..=3).all(|k| digit(i + k)) && !digit(i + 4);
            !separator
        })
        .map(|(_, &c)| c)
        .collect()
}

/// The sentences as a table, or `None` when they hold no load level.
pub fn sentences_to_table(text: &str) -> Option<String> {
    let mut rows: Vec<Row> = Vec::new();
    let mut last_stat: Option<String> = None;
    let lower = without_thousands_separators(&text.to_lowercase());
    for clause in lower.split([',', ';', '\n']).flat_map(|c| c.split(" and ")) {
        let mut words: Vec<String> = Vec::new();
        for w in clause.split_whitespace() {
            let (value, unit) = split_glued(w.trim_end_matches([':', '.', ')']));
            words.push(value);
            words.extend(unit);
        }
        let (mut load, mut throughput) = (None, None);
        let mut latencies: Vec<(Option<String>, f64)> = Vec::new();
        let mut stat_here: Option<String> = None;
        for (i, w) in words.iter().enumerate() {
            if let Some(s) = statistic(w) {
                stat_here = Some(s);
                continue;
            }
            let (Some(v), Some(unit)) = (number(w), words.get(i + 1)) else {
                continue;
            };
            let unit = unit.trim_matches(|c: char| c == '(' || c == ')' || c == ',');
            if is_load(unit) {
                load = Some(v);
            } else if is_throughput(unit) {
                throughput = Some(v);
            } else if let Some(f) = latency_factor(unit) {
                latencies.push((stat_here.clone(), v * f));
            }
        }
        let row = match load {
            Some(l) => {
                if let Some(i) = rows.iter().position(|r| r.load == l) {
                    &mut rows[i]
                } else {
                    rows.push(Row {
                        load: l,
                        ..Row::default()
                    });
                    rows.last_mut()?
                }
            }
            None => match rows.last_mut() {
                Some(r) => r,
                // Numbers before any load: nowhere to put them.
                None => continue,
            },
        };
        if throughput.is_some() {
            row.throughput = throughput;
        }
        for (stat, ms) in latencies {
            // "362 ms at 500 VUs" after "p95 69 ms …" is another p95.
            let Some(stat) = stat.or_else(|| last_stat.clone()) else {
                continue;
            };
            last_stat = Some(stat.clone());
            row.latency_ms.insert(stat, ms);
        }
        if let Some(s) = stat_here {
            last_stat = Some(s);
        }
    }
    if rows.is_empty() {
        return None;
    }
    let mut stats: Vec<String> = rows
        .iter()
        .flat_map(|r| r.latency_ms.keys().cloned())
        .collect();
    stats.sort_by(|a, b| {
        let q = |s: &str| number(&s[1..]).unwrap_or(0.0);
        q(a).total_cmp(&q(b))
    });
    stats.dedup();
    let mut out = String::from("vus,throughput");
    for s in &stats {
        out.push_str(&format!(",{s}_ms"));
    }
    rows.sort_by(|a, b| a.load.total_cmp(&b.load));
    for r in &rows {
        out.push_str(&format!(
            "\n{},{}",
            r.load,
            r.throughput.map_or(String::new(), |x| x.to_string())
        ));
        for s in &stats {
            let cell = r.latency_ms.get(s).map_or(String::new(), |v| v.to_string());
            out.push_str(&format!(",{cell}"));
        }
    }
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict_core::capacity::levels_from_table;

    #[test]
    fn sentences_from_a_report_become_the_table() {
        let text = "p95 69 ms at 200 VUs (1083 req/s), 362 ms at 500 VUs, 1090 req/s";
        let table = sentences_to_table(text);
        assert_eq!(
            table.as_deref(),
            Some("vus,throughput,p95_ms\n200,1083,69\n500,1090,362\n")
        );
        let set = levels_from_table("typed numbers", &table.unwrap_or_default());
        assert!(set.is_ok_and(|s| s.levels.len() == 2));
    }

    #[test]
    fn thousands_separators_are_not_clause_breaks() {
        let text = "p95 69 ms at 200 VUs (1,083 req/s), 362 ms at 1,500 VUs, 12,090 req/s";
        assert_eq!(
            sentences_to_table(text).as_deref(),
            Some("vus,throughput,p95_ms\n200,1083,69\n1500,12090,362\n")
        );
    }

    #[test]
    fn load_first_units_glued_and_several_statistics() {
        let text = "200 VUs: 1083 req/s, p50 21ms, p99 1.2 s\n50 users: 300 rps and median 9 ms";
        assert_eq!(
            sentences_to_table(text).as_deref(),
            Some("vus,throughput,p50_ms,p99_ms\n50,300,9,\n200,1083,21,1200\n")
        );
    }

    #[test]
    fn a_missing_throughput_is_left_for_the_table_reader_to_name() {
        let table = sentences_to_table("p95 69 ms at 200 VUs").unwrap_or_default();
        assert_eq!(table, "vus,throughput,p95_ms\n200,,69\n");
        let err = levels_from_table("typed numbers", &table);
        assert!(err.is_err_and(|e| e.contains("line 2") && e.contains("throughput")));
        assert_eq!(sentences_to_table("no numbers here"), None);
        assert_eq!(sentences_to_table("p95 69 ms"), None);
    }
}
