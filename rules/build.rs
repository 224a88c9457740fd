//! The rule files with data in TOML (rules/data/addons/*.toml, rules/data/copay/*.toml,
//! rules/data/receipt/*.toml, rules/data/calendar/holidays.toml:
//! readable, reviewable) are embedded as JSON, converted here: the engine then reads them with
//! the JSON reader every front end has anyway, and the WebAssembly build needs no TOML parser.
//! The conversion is generic (TOML value → JSON value; dates become strings), so the JSON
//! holds exactly what the TOML says. The tier rules (`.rules`, santei's condition language)
//! are embedded as they are.

use std::path::Path;

#[path = "../masters/toml_json.rs"]
mod toml_json;
use toml_json::{embed_kind, embed_raw, manifest};

fn main() {
    println!("cargo:rerun-if-changed=../masters/toml_json.rs");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    let files = manifest();
    for f in &files {
        assert!(
            matches!(
                f.kind.as_str(),
                "addons"
                    | "copay"
                    | "tier"
                    | "tier_facts"
                    | "receipt"
                    | "calendar"
                    | "pricing"
                    | "inpatient"
            ),
            "data/manifest.toml: {}: kind {:?} is not addons, copay, tier, tier_facts, receipt, calendar, pricing or inpatient",
            f.path,
            f.kind
        );
    }
    for (list_name, kind) in [
        ("embedded_addons.rs", "addons"),
        ("embedded_copay.rs", "copay"),
        ("embedded_tier_facts.rs", "tier_facts"),
        ("embedded_receipt.rs", "receipt"),
        ("embedded_calendar.rs", "calendar"),
        ("embedded_pricing.rs", "pricing"),
        ("embedded_inpatient.rs", "inpatient"),
    ] {
        let list = embed_kind(&out, "the rule file", &files, kind);
        std::fs::write(Path::new(&out).join(list_name), list).expect("write the list");
    }
    std::fs::write(
        Path::new(&out).join("embedded_tier.rs"),
        embed_raw(&files, "tier"),
    )
    .expect("write the list");
}
