//! Runs the inpatient bench's month (30 days, 200 lines, `api/benches/inpatient.rs`) N times on
//! the official data, for profilers such as `valgrind --tool=callgrind` (instruction counts do
//! not depend on machine load).
//!
//! `cargo run --release -p santei-api --example inpatient_loop -- [N] [engine|santei|floor]`
//! (reads ../shared or $SANTEI_SHARED). `engine`: `Engine::calc_inpatient` of the parsed month;
//! `santei`: what `santei calc` does (parse, engine, pretty JSON); `floor`: the month's JSON
//! parsed and the result's JSON written with serde_json, no engine.

use calc::Engine;

#[path = "../benches/inpatient_month/mod.rs"]
mod inpatient_month;
use inpatient_month::month;
use std::path::PathBuf;

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
