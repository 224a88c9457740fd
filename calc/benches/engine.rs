//! One typical outpatient claim (about 10 lines with the DX add-ons) on the official data,
//! native, single thread; and the same with the co-payment block.
//! Reads ../shared (or $SANTEI_SHARED).

use calc::{Claim, Engine};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::path::PathBuf;

fn shared() -> PathBuf {
    std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

const CLAIM: &str = r#"{"date": "2025-04-10", "kind": "ika", "setting": "outpatient",
 "patient": {"birth_date": "1990-05-01", "mynumber_card": true},
 "facility": {"kind": "clinic", "standards": [{"code": "4035", "tier": 1, "from": "2025-04-01"}],
              "e_prescription_since": "2025-01-15"},
 "items": [{"code": "111000110"}, {"code": "111000570"}, {"code": "113001810"}, {"code": "120002910"},
           {"code": "120004270"}, {"code": "120005710"}, {"code": "112011010"}],
 "history": [{"date": "2025-03-10", "code": "111703870"}, {"date": "2025-01-10", "code": "112708970"},
             {"date": "2025-02-10", "code": "113001810"}, {"date": "2025-03-10", "code": "113001810"}]}"#;

fn bench(c: &mut Criterion) {
    let s = shared();
    let ds = masters::Dataset::load_dirs(&[s.join("masters/ika"), s.join("tensuhyo/ika")])
        .expect("../shared");
    let engine = Engine::with_data(ds).unwrap();
    let claim = Claim::parse("bench.json", CLAIM).unwrap();
    let out = engine.calc(&claim).unwrap();
    eprintln!(
        "bench claim: {} lines, {} points, {} errors",
        out.lines.len(),
        out.total_points,
        out.errors.len()
    );
    c.bench_function("calc one outpatient claim (official data)", |b| {
        b.iter(|| engine.calc(black_box(&claim)).unwrap())
    });
    let mut with_copay: serde_json::Value = serde_json::from_str(CLAIM).unwrap();
    with_copay["patient"]["insurance"] = "kenpo".into();
    with_copay["patient"]["income_category"] = "ウ".into();
    let claim2 = Claim::parse("bench.json", &with_copay.to_string()).unwrap();
    c.bench_function("calc one outpatient claim + copay (official data)", |b| {
        b.iter(|| engine.calc(black_box(&claim2)).unwrap())
    });
    c.bench_function("parse + calc + render JSON", |b| {
        b.iter(|| calc::api::calc(&engine, "b.json", black_box(CLAIM)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
