//! One typical outpatient claim (about 10 lines with the DX add-ons) on the official data,
//! native, single thread; and the same with the co-payment block.
//! Reads ../shared (or $SANTEI_SHARED).

mod common;
use common::shared;

use calc::Engine;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

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
    let claim = api::parse::claim("bench.json", CLAIM).unwrap();
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
    let claim2 = api::parse::claim("bench.json", &with_copay.to_string()).unwrap();
    c.bench_function("calc one outpatient claim + copay (official data)", |b| {
        b.iter(|| engine.calc(black_box(&claim2)).unwrap())
    });
    // One inpatient month as one claim: 14 days of 急性期一般入院料１ and the usual daily items
    // (codes from s_ALL20240531.csv), then the month's co-payment receipt.
    let inpatient = serde_json::json!({
        "date": "2025-05-15", "setting": "inpatient",
        "patient": {"birth_date": "1950-06-01"},
        "facility": {"kind": "hospital", "standards": [{"code": "4035", "tier": 2, "from": "2025-04-01"}]},
        "items": [{"code": "190117710", "count": 14}, {"code": "190171910", "count": 7},
                  {"code": "190832010", "count": 1}, {"code": "160008010", "count": 4},
                  {"code": "170000410", "count": 2}],
    });
    let inpatient = api::parse::claim("inpatient.json", &inpatient.to_string()).unwrap();
    let receipt: calc::copay::Receipt = serde_json::from_str(
        r#"{"month": "2025-05", "setting": "inpatient",
            "patient": {"birth_date": "1970-06-15", "insurance": "kenpo", "income_category": "ウ",
                        "limit_certificate": true, "high_cost_count": 0, "specific_disease": false},
            "public_expense": [{"law": "54", "monthly_cap": 10000, "already_paid": 0}],
            "points": 36452, "meals": 0}"#,
    )
    .unwrap();
    c.bench_function("one inpatient month (claim + receipt)", |b| {
        b.iter(|| {
            let o = engine.calc(black_box(&inpatient)).unwrap();
            let r = calc::copay::compute(engine.copay_tables(), black_box(&receipt)).unwrap();
            (o.total_points, r.patient_pays)
        })
    });
    c.bench_function("parse + calc + render JSON", |b| {
        b.iter(|| api::calc(&engine, "b.json", black_box(CLAIM)).unwrap())
    });
    // The floor of the same run: the claim's JSON read and written with serde_json and no
    // engine, so a figure above can be stated as a ratio that holds across machines.
    c.bench_function(
        "floor: claim JSON in and out (serde_json, no engine)",
        |b| {
            b.iter(|| {
                let v: serde_json::Value = serde_json::from_str(black_box(CLAIM)).unwrap();
                serde_json::to_string(&v).unwrap()
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
