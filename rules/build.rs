//! The rule files with data in TOML (rules/data/addons/*.toml, rules/data/copay/*.toml,
//! rules/data/receipt/*.toml, rules/data/calendar/holidays.toml:
//! readable, reviewable) are embedded as JSON, converted here: the engine then reads them with
//! the JSON reader every front end has anyway, and the WebAssembly build needs no TOML parser.
//! The conversion is generic (TOML value → JSON value; dates become strings), so the JSON
//! holds exactly what the TOML says. The tier rules (`.rules`, santei's condition language)
//! are embedded as they are.

use std::path::Path;

/// (list name, [(name in messages and reports, file under data/)]).
const LISTS: &[(&str, &[(&str, &str)])] = &[
    (
        "embedded_addons.rs",
        &[
            ("addons/medical_dx.toml", "addons/medical_dx.toml"),
            ("addons/bukka_r8.toml", "addons/bukka_r8.toml"),
        ],
    ),
    (
        "embedded_copay.rs",
        &[
            ("rates.toml", "copay/rates.toml"),
            ("rounding.toml", "copay/rounding.toml"),
            ("high_cost.toml", "copay/high_cost.toml"),
            ("kouki_transition.toml", "copay/kouki_transition.toml"),
            ("meals.toml", "copay/meals.toml"),
            ("public_expense.toml", "copay/public_expense.toml"),
        ],
    ),
    (
        "embedded_receipt.rs",
        &[
            ("receipt/sets.toml", "receipt/sets.toml"),
            ("receipt/marume.toml", "receipt/marume.toml"),
            ("receipt/inclusion.toml", "receipt/inclusion.toml"),
            ("receipt/taper.toml", "receipt/taper.toml"),
            ("receipt/conditions.toml", "receipt/conditions.toml"),
            ("receipt/time.toml", "receipt/time.toml"),
        ],
    ),
    (
        "embedded_calendar.rs",
        &[("calendar/holidays.toml", "calendar/holidays.toml")],
    ),
];

#[path = "../masters/toml_json.rs"]
mod toml_json;
use toml_json::embed;

fn main() {
    println!("cargo:rerun-if-changed=../masters/toml_json.rs");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    for (list_name, files) in LISTS {
        let list = embed(&out, "the rule file", files);
        std::fs::write(Path::new(&out).join(list_name), list).expect("write the list");
    }
}
