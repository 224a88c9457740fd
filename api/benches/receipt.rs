//! A 20-line outpatient receipt in the receipt's shape (issue 20): three plain lines, four 剤
//! with drugs (内服 ×2, 外用, 静注) and a 検査 剤 whose 生化学的検査（Ⅰ） items make a まるめ
//! group (with 判断料 and 採血料), on the official files (医科, 医薬品, 特定器材), native, single
//! thread. The floor in the same run: parsing the claim and writing a result's JSON, no engine.
//! Reads ../shared (or $SANTEI_SHARED).

mod common;
use common::shared;

use calc::Engine;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const RECEIPT: &str = r#"{"date": "2025-02-12", "kind": "ika", "setting": "outpatient", "time": "10:40",
 "patient": {"birth_date": "1951-08-03", "mynumber_card": true},
 "facility": {"kind": "clinic"},
 "items": [
   {"code": "112007410"}, {"code": "113001810"}, {"code": "160095710"},
   {"section": "21", "count": 28, "lines": [{"code": "612170710", "quantity": 1}, {"code": "610406079", "quantity": 1}]},
   {"section": "21", "count": 14, "lines": [{"code": "620002857", "quantity": 2}]},
   {"section": "23", "count": 1, "lines": [{"code": "620000363", "quantity": 10}]},
   {"section": "32", "count": 1, "lines": [{"code": "130003510"}, {"code": "620007412", "quantity": 1}]},
   {"section": "60", "lines": [{"code": "160022510"}, {"code": "160022610"}, {"code": "160020410"},
                               {"code": "160020910"}, {"code": "160023410"}, {"code": "160017410"},
                               {"code": "160019010"}, {"code": "160019210"}, {"code": "160167250"},
                               {"code": "160061910"}]}],
 "history": [{"date": "2025-01-10", "code": "112007410"}, {"date": "2025-01-10", "code": "113001810"}]}"#;

fn bench(c: &mut Criterion) {
    let s = shared().join("masters");
    let (ds, _) =
        masters::pack::load_official_dirs(&[s.join("ika"), s.join("drugs"), s.join("devices")])
            .expect("../shared");
    let engine = Engine::with_data(ds).unwrap();
    let claim = api::parse::claim("bench.json", RECEIPT).unwrap();
    let out = engine.calc(&claim).unwrap();
    let lines: usize = claim
        .items
        .iter()
        .map(|it| it.lines.as_ref().map_or(1, |l| l.len()))
        .sum();
    eprintln!(
        "bench receipt: {lines} claim lines, {} result lines, {} points, {} errors, {} warnings",
        out.lines.len(),
        out.total_points,
        out.errors.len(),
        out.warnings.len()
    );
    c.bench_function("receipt 20 lines: calc (official data)", |b| {
        b.iter(|| engine.calc(black_box(&claim)).unwrap())
    });
    c.bench_function("receipt 20 lines: parse + calc + render JSON", |b| {
        b.iter(|| api::calc(&engine, "b.json", black_box(RECEIPT)).unwrap())
    });
    c.bench_function(
        "receipt 20 lines: floor (parse + render JSON, no engine)",
        |b| {
            b.iter(|| {
                let c = api::parse::claim("b.json", black_box(RECEIPT)).unwrap();
                (
                    c.items.len(),
                    api::render::calc_json(black_box(&out), false),
                )
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
