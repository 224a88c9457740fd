//! UKE receipt files: read any bytes; what reads cleanly writes back and reads back identically.
//! The body is `santei_tests::fuzz::uke_file`, which `cargo test` also runs on every saved
//! regression input (tests/tests/fuzz_regressions.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| santei_tests::fuzz::uke_file(data));
