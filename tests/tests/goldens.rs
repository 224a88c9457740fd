//! The golden corpus under goldens/ runs in `cargo test`: every case must pass (its expected
//! fields match), and each case's actual result is kept as an `insta` snapshot so any change in
//! the engine's output shows up as a reviewable diff. Folders starting with `_` are skipped.

use api::golden::Case;
use calc::Engine;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() && !name.starts_with('_') {
            cases(&p, out);
        } else if name.ends_with(".toml") {
            out.push(p);
        }
    }
}

/// The parts of a result worth reviewing in a snapshot (the trace is long and is covered by
/// the engine's own tests).
fn compact(kind: &str, v: &Value) -> Value {
    match kind {
        "calc" if v.get("lines").is_some() => json!({
            "total_points": v["total_points"],
            "lines": v["lines"].as_array().unwrap().iter().map(|l| json!([l["code"], l["points"], l["count"], l["origin"], l["rule"], l["verified"]])).collect::<Vec<_>>(),
            "warnings": v["warnings"],
            "errors": v["errors"],
        }),
        // An inpatient month: the totals and each day's lines (the traces are long).
        "calc" if v.get("days").is_some() => json!({
            "total_points": v["total_points"],
            "medical_cost": v["medical_cost"],
            "meals": v["meals"],
            "days": v["days"].as_array().unwrap().iter().map(|d| json!([d["date"], d["day_of_stay"], d["total_points"], d["meal_fee_yen"], d["result"]["lines"].as_array().unwrap().iter().map(|l| json!([l["code"], l["points"], l["count"], l["origin"]])).collect::<Vec<_>>()])).collect::<Vec<_>>(),
            "warnings": v["warnings"],
            "errors": v["errors"],
            "copay": v.get("copay").map(|c| json!([c["medical_cost"], c["limit"], c["patient_pays"], c["meal_charge"]])),
        }),
        "copay" if v.get("trace").is_some() => {
            let mut c = v.clone();
            c.as_object_mut().unwrap().remove("trace");
            c
        }
        _ => v.clone(),
    }
}

#[test]
fn golden_corpus() {
    let root = santei_tests::workspace_root().join("goldens");
    let mut files = Vec::new();
    cases(&root, &mut files);
    assert!(files.len() >= 120, "the corpus has {} cases", files.len());
    let engine = Engine::embedded().unwrap();
    // Cases with `data = "official"` run on the official files (loaded once, when a case asks).
    let official = std::cell::OnceCell::new();
    let official_engine = || {
        official.get_or_init(|| {
            let s = santei_tests::shared().join("masters");
            let dirs = [s.join("ika"), s.join("drugs"), s.join("devices")];
            let (ds, _) = masters::pack::load_official_dirs(&dirs).expect("official files load");
            Engine::with_data(ds).unwrap()
        })
    };
    let mut failures = Vec::new();
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace(['/', '\\'], "__")
            .trim_end_matches(".toml")
            .to_string();
        let case = Case::parse(
            &f.display().to_string(),
            &std::fs::read_to_string(f).unwrap(),
        )
        .unwrap();
        let o = if case.official() {
            case.check(official_engine())
        } else {
            case.check(&engine)
        };
        if !o.passed {
            failures.push(format!("{}: {:?}", f.display(), o.mismatches));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots/goldens");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(format!("{} — source: {}", case.title, case.source));
        let text = serde_json::to_string_pretty(&compact(&case.kind, &o.actual)).unwrap();
        settings.bind(|| insta::assert_snapshot!(rel, text));
    }
    assert!(
        failures.is_empty(),
        "{} golden case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
