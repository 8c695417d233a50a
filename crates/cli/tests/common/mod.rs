//! Helpers the CLI test files share: where the fixtures are, running the
//! built `verdict`, and reading what it printed.
// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use std::process::{Command, Output};

use serde_json::Value;

/// A file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> String {
    format!("{}/../../tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// One of the real k6 constant-VU runs (`"010"` … `"200"`).
pub fn level(vus: &str) -> String {
    fixture(&format!("k6/constant_vus/vus_{vus}/run.json.gz"))
}

/// Runs the `verdict` binary of this build.
pub fn verdict(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(args)
        .output()
        .expect("runs verdict")
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard output as JSON; the panic shows both streams.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
