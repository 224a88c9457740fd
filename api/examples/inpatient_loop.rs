//! Runs the inpatient bench's month (30 days, 200 lines, `api/benches/inpatient.rs`) N times on
//! the official data, for profilers such as `valgrind --tool=callgrind` (instruction counts do
//! not depend on machine load).
//!
//! `cargo run --release -p santei-api --example inpatient_loop -- [N] [engine|santei|floor]`
//! (reads ../shared or $SANTEI_SHARED). `engine`: `Engine::calc_inpatient` of the parsed month;
//! `santei`: what `santei calc` does (parse, engine, pretty JSON); `floor`: the month's JSON
//! parsed and the result's JSON written with serde_json, no engine.

use calc::Engine;
use std::path::PathBuf;

/// The bench's month: 2024-07-01..30, admitted 07-01, 急性期一般入院料１; 140 listed lines (5 a
/// day on days 1–20, 4 on days 21–30) and the 60 santei adds (入院料, 入院期間加算).
fn month() -> String {
    let codes = [
        "160000310",
        "160008010",
        "160019010",
        "160022510",
        "160061810",
    ];
    let days: Vec<_> = (1..=30)
        .map(|d| {
            let n = if d <= 20 { 5 } else { 4 };
            let items: Vec<_> = codes
                .iter()
                .take(n)
                .map(|c| serde_json::json!({ "code": c }))
                .collect();
            serde_json::json!({"date": format!("2024-07-{d:02}"), "items": items, "meals": 3})
        })
        .collect();
    serde_json::json!({
        "setting": "inpatient", "kind": "ika", "month": "2024-07",
        "patient": {"birth_date": "1958-03-15", "insurance": "kenpo", "income_category": "ウ"},
        "facility": {"kind": "hospital", "standards": [{"code": "3525", "from": "2024-06-01"}]},
        "admission": {"date": "2024-07-01", "ward": {"code": "190117710"}},
        "days": days,
    })
    .to_string()
}

#[inline(never)]
fn engine_once(engine: &Engine, m: &calc::inpatient::InpatientMonth) -> usize {
    engine.calc_inpatient(m).map_or(0, |o| o.days.len())
}

#[inline(never)]
fn santei_once(engine: &Engine, text: &str) -> usize {
    api::calc_inpatient(engine, "month.json", text).map_or(0, |(_, s)| s.len())
}

#[inline(never)]
fn floor_once(text: &str, json: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(text).expect("month");
    let r: serde_json::Value = serde_json::from_str(json).expect("result");
    usize::from(v.is_object()) + serde_json::to_string_pretty(&r).map_or(0, |s| s.len())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let mode = args.next().unwrap_or_else(|| "engine".into());
    let shared = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let ds =
        masters::Dataset::load_dirs(&[shared.join("masters/ika"), shared.join("tensuhyo/ika")])
            .expect("the official files in ../shared");
    let engine = Engine::with_data(ds).expect("engine");
    let text = month();
    let m = api::parse::inpatient_month("month.json", &text).expect("month");
    let out = engine.calc_inpatient(&m).expect("calc");
    let json = serde_json::to_string(&out).expect("json");
    let started = std::time::Instant::now();
    let mut total = 0usize;
    for _ in 0..n {
        total += match mode.as_str() {
            "santei" => santei_once(&engine, &text),
            "floor" => floor_once(&text, &json),
            _ => engine_once(&engine, &m),
        };
    }
    let per = started.elapsed().as_secs_f64() / n as f64;
    eprintln!("{mode}: {n} runs, {:.1} µs each ({total})", per * 1e6);
}
