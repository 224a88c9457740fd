//! Benchmark (issue 26): a month of 20 visits under 3 combinations (保険単独, 保険 + 54 + the
//! local 83, 保険 + the local 88) with 2 local programmes (83: 500 per visit; 88: ½ subsidy),
//! computed visit by visit with its settlement; and, in the same run, the floor: the same
//! month's JSON parsed and the result's JSON written by serde_json alone (no engine: neither
//! santei's reader of the month nor its computation).

#[global_allocator]
static ALLOC: mialloc::Mimalloc = mialloc::Mimalloc;

use calc::copay::month::{compute_month, Month};
use calc::copay::CopayTables;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const LOCAL: &str = r#"
[[programme]]
law = "83"
name = "bench (per visit 500)"
order = 1
per_visit_cap = 500
limit_without_certificate = true
from = "2018-04-01"
source = "benchmark"

[[programme]]
law = "88"
name = "bench (½ subsidy)"
order = 2
subsidy_percent = 50
from = "2018-04-01"
source = "benchmark"
"#;

fn month_json() -> String {
    let mut visits = Vec::new();
    for i in 0..20 {
        let public = match i % 3 {
            0 => "[]",
            1 => r#"["54", "83"]"#,
            _ => r#"["88"]"#,
        };
        visits.push(format!(
            r#"{{"date": "2025-05-{:02}", "points": {}, "public": {public}, "first_visit": {}}}"#,
            1 + i,
            800 + 350 * i,
            i == 0
        ));
    }
    format!(
        r#"{{"month": "2025-05", "setting": "outpatient",
 "patient": {{"birth_date": "1970-06-15", "insurance": "kokuho", "income_category": "ウ", "limit_certificate": true}},
 "public_expense": [{{"law": "54", "monthly_cap": 10000}}, {{"law": "83"}}, {{"law": "88"}}],
 "visits": [{}]}}"#,
        visits.join(", ")
    )
}

fn bench(c: &mut Criterion) {
    let tables = CopayTables::embedded()
        .and_then(|t| t.with_local_programmes("bench.toml", LOCAL))
        .expect("tables");
    let text = month_json();
    let month: Month = serde_json::from_str(&text).expect("month");
    let out = compute_month(&tables, &month).expect("computes");
    assert_eq!(out.visits.len(), 20);
    assert_eq!(out.combinations.len(), 3);
    c.bench_function("copay/month of 20 visits, 3 combinations: compute", |b| {
        b.iter(|| compute_month(black_box(&tables), black_box(&month)).expect("computes"))
    });
    c.bench_function(
        "copay/month of 20 visits: JSON in, compute, JSON out",
        |b| {
            b.iter(|| {
                let m: Month = serde_json::from_str(black_box(&text)).expect("month");
                let o = compute_month(&tables, &m).expect("computes");
                serde_json::to_string(&o).expect("json")
            })
        },
    );
    let value: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&out).unwrap()).unwrap();
    c.bench_function(
        "copay/month floor: the same JSON parsed and written by serde_json (no engine)",
        |b| {
            b.iter(|| {
                let m: serde_json::Value = serde_json::from_str(black_box(&text)).expect("json");
                black_box(m);
                serde_json::to_string(black_box(&value)).expect("json")
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
