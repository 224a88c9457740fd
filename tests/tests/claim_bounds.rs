//! Issue 18, defect 3: the errors of one claim are bounded and linear. On main at b232bb0 each
//! conflicting (背反) pair added its own error: 4,000 items gave 126,746 errors, 16,000 items a
//! 184 MB result. Now a refused code gives one error (its partners capped, with a count of the
//! rest), and the result grows with the number of lines, not with the number of pairs.
//!
//! The claim is built from the official 03-2 and 03-3 背反 tables (rows still in force, 終了日
//! 99999999): every code of the first ~3,000 such rows valid on 2025-06-10, repeated to 4,000
//! items.

use calc::Engine;
use santei_tests::{official, tensuhyo_dir};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn conflict_codes() -> Vec<String> {
    let mut codes = Vec::new();
    let mut seen = BTreeSet::new();
    for f in ["03-3背反テーブル3.csv", "03-2背反テーブル2.csv"] {
        let bytes = std::fs::read(tensuhyo_dir().join(f)).unwrap();
        let (text, _, _) = encoding_rs::SHIFT_JIS.decode(&bytes);
        for line in text.lines() {
            let fields: Vec<&str> = line.split(',').map(|s| s.trim_matches('"')).collect();
            if fields.len() < 10 || fields[9] != "99999999" {
                continue;
            }
            for c in [fields[1], fields[3]] {
                if seen.insert(c.to_string()) {
                    codes.push(c.to_string());
                }
            }
            if codes.len() > 3000 {
                return codes;
            }
        }
    }
    codes
}

#[test]
fn conflicts_give_one_error_per_code_not_per_pair() {
    let on = santei_tests::date("2025-06-10");
    let codes: Vec<String> = conflict_codes()
        .into_iter()
        .filter(|c| {
            masters::Code::parse(c).is_ok_and(|code| official().schedule.lookup(code, on).is_ok())
        })
        .collect();
    assert!(codes.len() > 1000, "{} codes", codes.len());
    let n = 4000;
    let items: Vec<Value> = (0..n)
        .map(|i| json!({"code": codes[i % codes.len()]}))
        .collect();
    let claim = json!({
        "date": "2025-06-10", "kind": "ika", "setting": "outpatient",
        "patient": {"birth_date": "1960-01-01"}, "facility": {"kind": "hospital"},
        "items": items, "history": []
    });
    let engine = Engine::with_data(official().clone()).unwrap();
    let (has_errors, out) =
        api::calc_output(&engine, "big.json", &claim.to_string()).expect("computes");
    assert!(has_errors);
    let v: Value = serde_json::from_str(&out).unwrap();
    let errors = v["errors"].as_array().unwrap();
    let distinct: BTreeSet<&str> = codes.iter().map(|s| s.as_str()).collect();
    // At most one error per distinct code (plus a handful of claim-level ones).
    // Linear: a handful of errors per distinct code (its 背反 scopes, age, standard, limit), not
    // one per conflicting pair.
    assert!(
        errors.len() <= 3 * distinct.len(),
        "{} errors for {} distinct codes",
        errors.len(),
        distinct.len()
    );
    // One 背反 error per code and scope (同時, 同一月 …), whatever the number of partners.
    let mut seen = BTreeSet::new();
    for e in errors {
        let e = e.as_str().unwrap();
        if let Some(at) = e.find("背反 (") {
            let scope = &e[at..e[at..].find(')').map_or(e.len(), |i| at + i)];
            let code = &e[..9];
            assert!(
                seen.insert((code.to_string(), scope.to_string())),
                "twice: {e}"
            );
        }
    }
    assert!(seen.len() > 500, "{} 背反 errors", seen.len());
    // Each error is bounded (partners capped with a count of the rest).
    let longest = errors
        .iter()
        .map(|e| e.as_str().unwrap().len())
        .max()
        .unwrap();
    assert!(longest < 4000, "an error of {longest} bytes");
    // The whole result grows with the lines: well under 4 KB per item.
    assert!(out.len() < n * 4000, "{} bytes", out.len());
}
