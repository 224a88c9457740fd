//! Facility profiles as JSON and TOML, evaluated over 2024-06 – 2026-12.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static calc::Engine {
    static E: OnceLock<calc::Engine> = OnceLock::new();
    E.get_or_init(|| calc::Engine::embedded().expect("embedded engine"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = calc::api::tier(engine(), "fuzz.json", text, "2024-06", "2026-12");
    let _ = calc::api::tier(engine(), "fuzz.toml", text, "2024-06", "2026-12");
});
