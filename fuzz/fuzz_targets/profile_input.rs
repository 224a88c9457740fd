//! Facility profiles as JSON and TOML, evaluated over 2024-06 – 2026-12.
//! The body is `santei_tests::fuzz::profile_input`, which `cargo test` also runs on every saved
//! regression input (tests/tests/fuzz_regressions.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| santei_tests::fuzz::profile_input(data));
