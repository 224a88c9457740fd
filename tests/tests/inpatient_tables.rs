//! The inpatient golden cases that need the official 電子点数表 tables (goldens/_inpatient-tables:
//! 入院初日 of the 05算定回数テーブル, 加算識別 of the 04入院基本料テーブル), run on the official
//! master and tables; and the rest of goldens/inpatient on the same data (the tables change
//! none of them).

use api::golden::Case;
use calc::Engine;

fn run(dir: &str, engine: &Engine) -> usize {
    let root = santei_tests::workspace_root().join("goldens").join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for f in &files {
        let case = Case::parse(
            &f.display().to_string(),
            &std::fs::read_to_string(f).unwrap(),
        )
        .unwrap();
        let o = case.check(engine);
        if !o.passed {
            failures.push(format!("{}: {:?}", f.display(), o.mismatches));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    files.len()
}

#[test]
fn inpatient_cases_on_the_official_master_and_tables() {
    let ds = santei_tests::official().clone();
    let engine = Engine::with_data(ds).unwrap();
    assert_eq!(run("_inpatient-tables", &engine), 5);
    assert!(run("inpatient", &engine) >= 20);
}
