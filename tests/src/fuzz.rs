//! The fuzz targets' bodies (fuzz/fuzz_targets/*.rs call these), so that `cargo test` can
//! replay every input a fuzzer found through the same parsers
//! (`tests/tests/fuzz_regressions.rs`). Each must return a value or an error for any input,
//! never panic.

use masters::{TableKind, Tables};
use std::sync::OnceLock;

fn engine() -> &'static calc::Engine {
    static E: OnceLock<calc::Engine> = OnceLock::new();
    E.get_or_init(|| calc::Engine::embedded().expect("embedded engine"))
}

/// 医科診療行為マスター loaders (full file, then the same bytes as an update file), 医薬品 and
/// 特定器材 loaders.
pub fn master_csv(data: &[u8]) {
    let mut s = masters::Schedule::new();
    let _ = s.apply_full("s_ALL20240531.csv", data);
    let _ = s.apply_update("s_20250307.csv", data);
    let _ = masters::drugs::load_drugs("y_ALL20240531.csv", data);
    let _ = masters::drugs::load_devices("t_ALL20240315.csv", data);
}

/// 医科電子点数表 table loaders (every table kind).
pub fn tensuhyo_tables(data: &[u8]) {
    let mut t = Tables::default();
    for k in [
        TableKind::Auxiliary,
        TableKind::Bundle,
        TableKind::ExclusionSameDay,
        TableKind::ExclusionSameMonth,
        TableKind::ExclusionSameTime,
        TableKind::ExclusionWeek,
        TableKind::InpatientBasic,
        TableKind::Frequency,
    ] {
        let _ = t.load(k, "table.csv", data);
    }
}

/// The condition language and the rule files: tier rules, add-on rules, santei packs, local
/// programmes and co-payment tables.
pub fn rule_language(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = rules::tier::TierRules::from_sources(&[("fuzz.rules", text)]);
    let _ = rules::addons::AddonRules::from_sources(&[("fuzz.toml", text)]);
    let _ = masters::pack::load_packs(&[("fuzz-pack.toml", text)]);
    let tables = engine().copay_tables();
    let _ = tables.clone().with_local_programmes("local.toml", text);
    let _ = tables.clone().with_tables("tables.toml", text);
}

/// Claims as JSON and TOML, through the API the CLI uses (parse + compute + render).
pub fn claim_input(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = api::calc(engine(), "fuzz.json", text);
    let _ = api::calc(engine(), "fuzz.toml", text);
}

/// Co-payment receipts as JSON and TOML.
pub fn receipt_input(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = api::copay(engine(), "fuzz.json", text);
    let _ = api::copay(engine(), "fuzz.toml", text);
}

/// Facility profiles as JSON and TOML, evaluated over 2024-06 – 2026-12.
pub fn profile_input(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = api::tier(engine(), "fuzz.json", text, "2024-06", "2026-12");
    let _ = api::tier(engine(), "fuzz.toml", text, "2024-06", "2026-12");
}

/// Every target, for an input found by any of them.
pub fn every_target(data: &[u8]) {
    master_csv(data);
    tensuhyo_tables(data);
    rule_language(data);
    claim_input(data);
    receipt_input(data);
    profile_input(data);
}
