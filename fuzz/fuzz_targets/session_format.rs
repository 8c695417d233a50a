#![no_main]
//! `cargo +nightly fuzz run session_format`: see fuzz/README.md.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::session_format(data));
