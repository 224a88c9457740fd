//! Co-payment receipts as JSON and TOML.
//! The body is `santei_tests::fuzz::receipt_input`, which `cargo test` also runs on every saved
//! regression input (tests/tests/fuzz_regressions.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| santei_tests::fuzz::receipt_input(data));
