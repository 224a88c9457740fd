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

/// An indicative timing of the benchmark's month (30 days, 200 lines, meals, co-payment) in the
/// test profile (opt-level 1 for santei's crates): `cargo test -p santei-tests --test
/// inpatient_tables -- --ignored --nocapture`. The figure to quote is the criterion bench
/// (`cargo bench -p santei-api --bench inpatient`).
#[test]
#[ignore]
fn timing_of_a_30_day_month() {
    let mut days = Vec::new();
    let codes = [
        "160000310",
        "160008010",
        "160019010",
        "160022510",
        "160061810",
    ];
    for d in 1..=30 {
        let n = if d <= 20 { 5 } else { 4 };
        let items: Vec<_> = codes
            .iter()
            .take(n)
            .map(|c| serde_json::json!({ "code": c }))
            .collect();
        days.push(
            serde_json::json!({"date": format!("2024-07-{d:02}"), "items": items, "meals": 3}),
        );
    }
    let text = serde_json::json!({
        "setting": "inpatient", "kind": "ika", "month": "2024-07",
        "patient": {"birth_date": "1958-03-15", "insurance": "kenpo", "income_category": "ウ"},
        "facility": {"kind": "hospital", "standards": [{"code": "3525", "from": "2024-06-01"}]},
        "admission": {"date": "2024-07-01", "ward": {"code": "190117710"}},
        "days": days,
    })
    .to_string();
    let engine = Engine::with_data(santei_tests::official().clone()).unwrap();
    let m = api::parse::inpatient_month("t.json", &text).unwrap();
    let out = engine.calc_inpatient(&m).unwrap();
    let lines: usize = out.days.iter().map(|d| d.result.lines.len()).sum();
    let n = 200;
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(engine.calc_inpatient(std::hint::black_box(&m)).unwrap());
    }
    let per = t.elapsed() / n;
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(api::calc_inpatient(&engine, "t.json", &text).unwrap());
    }
    let per_json = t.elapsed() / n;
    eprintln!(
        "inpatient month: {} days, {lines} lines, {} points; engine {per:?}, JSON in + engine + JSON out {per_json:?}",
        out.days.len(),
        out.total_points
    );
}
