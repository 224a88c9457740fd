//! An inpatient month on the official data, native, single thread: 30 days of
//! 急性期一般入院料１ with 200 lines in all (the ward's 入院料 and 入院期間加算 santei adds, and daily
//! tests), meals, the month's co-payment; and, in the same run, the floor: the same month's
//! JSON read and the result's JSON written with serde_json, no engine.
//! Reads ../shared (or $SANTEI_SHARED).

mod common;
mod inpatient_month;
use common::shared;
use inpatient_month::month;

use calc::Engine;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let s = shared();
    let ds = masters::Dataset::load_dirs(&[s.join("masters/ika"), s.join("tensuhyo/ika")])
        .expect("../shared");
    let engine = Engine::with_data(ds).unwrap();
    let text = month();
    let m = api::parse::inpatient_month("bench.json", &text).unwrap();
    let out = engine.calc_inpatient(&m).unwrap();
    let lines: usize = out.days.iter().map(|d| d.result.lines.len()).sum();
    eprintln!(
        "bench inpatient month: {} days, {lines} lines, {} points, {} errors",
        out.days.len(),
        out.total_points,
        out.errors.len()
    );
    let json = serde_json::to_string(&out).unwrap();
    c.bench_function(
        "calc one inpatient month, 30 days, 200 lines (official data)",
        |b| b.iter(|| engine.calc_inpatient(black_box(&m)).unwrap()),
    );
    c.bench_function(
        "santei calc of the inpatient month: JSON in, engine, JSON out",
        |b| b.iter(|| api::calc_inpatient(&engine, "bench.json", black_box(&text)).unwrap()),
    );
    // The floor: the same month's JSON read and the result's JSON (as large) written, no engine.
    c.bench_function("floor: inpatient month JSON in and out, no engine", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_str(black_box(&text)).unwrap();
            let r: serde_json::Value = serde_json::from_str(black_box(&json)).unwrap();
            (v, serde_json::to_string_pretty(&r).unwrap())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
