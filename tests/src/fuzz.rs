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

/// UKE receipt files (CP932 and UTF-8): the reader yields items for any bytes; every receipt it
/// reads without an error is written back and reads back identically.
pub fn uke_file(data: &[u8]) {
    for encoding in [uke::Encoding::Cp932, uke::Encoding::Utf8] {
        let opts = uke::ReadOptions {
            file: Some("fuzz.UKE".into()),
            encoding,
        };
        for item in uke::read_bytes(data, opts) {
            let uke::Item::Receipt(r) = item else {
                continue;
            };
            let _ = serde_json::to_string(&uke::lines::ReceiptLine::new(&r));
            let (Some(ir), true) = (r.ir.as_deref(), r.errors.is_empty()) else {
                continue;
            };
            // The writer may refuse (a character CP932 cannot write exactly, a missing total);
            // what it writes must read back as the same receipt.
            if let Ok(bytes) = uke::write_file([(ir, &r.receipt)]) {
                let back: Vec<_> = uke::read_bytes(&bytes, Default::default())
                    .filter_map(|i| match i {
                        uke::Item::Receipt(b) => Some(b),
                        _ => None,
                    })
                    .collect();
                assert_eq!(back.len(), 1, "one receipt written, one read");
                assert!(back[0].errors.is_empty(), "{:?}", back[0].errors);
                assert_eq!(
                    back[0].receipt, r.receipt,
                    "write → read changed the receipt"
                );
            }
        }
    }
}

/// Every target, for an input found by any of them.
pub fn every_target(data: &[u8]) {
    master_csv(data);
    tensuhyo_tables(data);
    rule_language(data);
    claim_input(data);
    receipt_input(data);
    profile_input(data);
    uke_file(data);
}
