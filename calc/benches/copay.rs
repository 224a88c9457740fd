//! Benchmark: the co-payment of one receipt (the issue's example: 入院, ウ, 難病 54 cap 10,000).

/// The allocator the `santei` binary ships with (see cli/src/main.rs).
#[global_allocator]
static ALLOC: mialloc::Mimalloc = mialloc::Mimalloc;

use calc::copay::{compute, CopayTables, Receipt};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const EXAMPLE: &str = r#"{"month": "2025-05", "setting": "inpatient",
 "patient": {"birth_date": "1970-06-15", "insurance": "kenpo", "income_category": "ウ",
             "limit_certificate": true, "high_cost_count": 0, "specific_disease": false},
 "public_expense": [{"law": "54", "monthly_cap": 10000, "already_paid": 0}],
 "points": 36452, "meals": 0}"#;

fn bench(c: &mut Criterion) {
    let tables = CopayTables::embedded().expect("tables");
    let receipt = serde_json::from_str::<Receipt>(EXAMPLE).expect("receipt");
    c.bench_function("copay/compute one receipt", |b| {
        b.iter(|| compute(black_box(&tables), black_box(&receipt)).expect("computes"))
    });
    c.bench_function("copay/parse + compute one receipt", |b| {
        b.iter(|| {
            let r = serde_json::from_str::<Receipt>(black_box(EXAMPLE)).expect("receipt");
            compute(&tables, &r).expect("computes")
        })
    });
    c.bench_function("copay/load embedded tables", |b| {
        b.iter(|| CopayTables::embedded().expect("tables"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
