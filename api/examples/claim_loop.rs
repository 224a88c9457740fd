//! Runs the benchmark's outpatient claim N times on the official data (for profilers such as
//! `valgrind --tool=callgrind`, whose instruction counts do not depend on machine load).
//!
//! `cargo run --release -p santei-api --example claim_loop -- [N] [calc|copay|render|batch|parse|json|write|serde]`
//! (`write`: the result's compact JSON by api's writer only; `serde`: the same bytes by
//! `serde_json::to_string` of the result, for comparing the two)
//! (reads ../shared or $SANTEI_SHARED).

use calc::Engine;
use std::path::PathBuf;

const CLAIM: &str = r#"{"date": "2025-04-10", "kind": "ika", "setting": "outpatient",
 "patient": {"birth_date": "1990-05-01", "mynumber_card": true},
 "facility": {"kind": "clinic", "standards": [{"code": "4035", "tier": 1, "from": "2025-04-01"}],
              "e_prescription_since": "2025-01-15"},
 "items": [{"code": "111000110"}, {"code": "111000570"}, {"code": "113001810"}, {"code": "120002910"},
           {"code": "120004270"}, {"code": "120005710"}, {"code": "112011010"}],
 "history": [{"date": "2025-03-10", "code": "111703870"}, {"date": "2025-01-10", "code": "112708970"},
             {"date": "2025-02-10", "code": "113001810"}, {"date": "2025-03-10", "code": "113001810"}]}"#;

/// What `santei calc` prints: parse, compute, pretty JSON.
#[inline(never)]
fn render(engine: &Engine, text: &str) -> usize {
    api::calc(engine, "claim.json", text).map_or(0, |s| s.len())
}

/// What `santei batch` does with a line: parse, compute, one compact JSON line.
#[inline(never)]
fn batch_line(engine: &Engine, text: &str) -> usize {
    let c = api::parse::claim("line", text).expect("claim");
    let out = engine.calc(&c).expect("calc");
    api::render::calc_json(&out, false).len()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mode = args.next().unwrap_or_else(|| "calc".into());
    let shared = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let ds =
        masters::Dataset::load_dirs(&[shared.join("masters/ika"), shared.join("tensuhyo/ika")])
            .expect("the official files in ../shared");
    let engine = Engine::with_data(ds).expect("engine");
    let text = if mode == "copay" {
        CLAIM.replace(
            r#""mynumber_card": true"#,
            r#""mynumber_card": true, "insurance": "kenpo", "income_category": "ウ""#,
        )
    } else {
        CLAIM.to_string()
    };
    let claim = api::parse::claim("claim.json", &text).expect("claim");
    let out = engine.calc(&claim).expect("calc");
    let started = std::time::Instant::now();
    let mut total = 0usize;
    for _ in 0..n {
        if mode == "write" {
            total += api::render::calc_json(std::hint::black_box(&out), false).len();
        } else if mode == "serde" {
            total += serde_json::to_string(std::hint::black_box(&out)).map_or(0, |s| s.len());
        } else if mode == "render" {
            total += render(&engine, &text);
        } else if mode == "batch" {
            total += batch_line(&engine, &text);
        } else if mode == "parse" {
            total += api::parse::claim("line", &text).map_or(0, |c| c.items.len());
        } else if mode == "json" {
            let out = engine.calc(&claim).expect("calc");
            total += api::render::calc_json(&out, false).len();
        } else {
            total += engine.calc(&claim).map_or(0, |o| o.lines.len());
        }
    }
    let per = started.elapsed().as_secs_f64() / n as f64;
    eprintln!("{mode}: {n} runs, {:.3} µs each ({total})", per * 1e6);
}
