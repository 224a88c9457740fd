//! santei writes its results with its own JSON writer (`CalcOutput::to_json`,
//! `CopayOutput::to_json`) for speed; this checks that the bytes equal what `serde_json`
//! writes for the same value, compact and pretty, for every calc and copay case of the golden
//! corpus (the random claims of `engine_props` check it too).

use api::golden::Case;
use calc::Engine;
use std::path::{Path, PathBuf};

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            cases(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

#[test]
fn writer_bytes_equal_serde_json_for_the_corpus() {
    let engine = Engine::embedded().unwrap();
    let mut files = Vec::new();
    cases(&santei_tests::workspace_root().join("goldens"), &mut files);
    let (mut calcs, mut copays) = (0, 0);
    for f in &files {
        let case = Case::parse(
            &f.display().to_string(),
            &std::fs::read_to_string(f).unwrap(),
        )
        .unwrap();
        let input = case.input_json();
        match case.kind.as_str() {
            "calc" => {
                let Ok(claim) = api::parse::claim("case.json", &input) else {
                    continue;
                };
                let Ok(out) = engine.calc(&claim) else {
                    continue;
                };
                assert_eq!(
                    api::render::calc_json(&out, false),
                    serde_json::to_string(&out).unwrap(),
                    "{}",
                    f.display()
                );
                assert_eq!(
                    api::render::calc_json(&out, true),
                    serde_json::to_string_pretty(&out).unwrap(),
                    "{}",
                    f.display()
                );
                calcs += 1;
            }
            "copay" if case.local.is_none() => {
                let Ok(r) = api::receipt("case.json", &input) else {
                    continue;
                };
                let Ok(out) = calc::copay::compute(engine.copay_tables(), &r) else {
                    continue;
                };
                assert_eq!(
                    api::render::copay_json(&out, false),
                    serde_json::to_string(&out).unwrap(),
                    "{}",
                    f.display()
                );
                assert_eq!(
                    api::render::copay_json(&out, true),
                    serde_json::to_string_pretty(&out).unwrap(),
                    "{}",
                    f.display()
                );
                copays += 1;
            }
            _ => {}
        }
    }
    assert!(
        calcs >= 60 && copays >= 40,
        "{calcs} calc, {copays} copay cases"
    );
}
