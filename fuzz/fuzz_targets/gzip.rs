#![no_main]
//! `cargo +nightly fuzz run gzip`: see fuzz/README.md.

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::gzip(data));
