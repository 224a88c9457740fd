//! The same claims give identical results on the embedded data and on the official files in
//! ../shared (for the codes the embedded data covers): lines, points, totals, warnings and
//! errors. Only the `source` of a line (which file a record came from) and the trace's source
//! strings may differ, because the two data sets cite different files.

use calc::Engine;
use santei_tests::{ika_dir, tensuhyo_dir};
use serde_json::{json, Value};

fn strip(mut v: Value) -> Value {
    for l in v["lines"].as_array_mut().unwrap() {
        l.as_object_mut().unwrap().remove("source");
        l.as_object_mut().unwrap().remove("verified");
    }
    v.as_object_mut().unwrap().remove("trace");
    // Warnings that quote a data source differ in wording only by the cited file.
    v.as_object_mut().unwrap().remove("warnings");
    v.as_object_mut().unwrap().remove("warning_ids");
    v
}

#[test]
fn embedded_and_official_agree() {
    let embedded = Engine::embedded().unwrap();
    let mut ds = masters::Dataset::load_dirs(&[ika_dir(), tensuhyo_dir()]).unwrap();
    for (name, text) in masters::pack::EMBEDDED
        .iter()
        .filter(|(n, _)| *n == "r8-2026.toml")
    {
        masters::pack::overlay(&mut ds, name, text).unwrap();
    }
    let official = Engine::with_data(ds).unwrap();
    let cases: &[(&str, &[&str], &[(&str, Option<u8>)], bool, &[(&str, &str)])] = &[
        (
            "2022-04-01",
            &["111000110"],
            &[("online_shikaku", None)],
            true,
            &[],
        ),
        (
            "2022-10-01",
            &["111000110"],
            &[("jujitsu", None)],
            false,
            &[],
        ),
        (
            "2023-06-15",
            &["112007410"],
            &[("jujitsu", None)],
            false,
            &[],
        ),
        (
            "2024-06-01",
            &["111000110", "120002910"],
            &[("4035", None)],
            false,
            &[],
        ),
        (
            "2024-10-01",
            &["111000110"],
            &[("4035", Some(2))],
            true,
            &[],
        ),
        (
            "2024-11-30",
            &["112007410", "112011010"],
            &[("4035", Some(1))],
            false,
            &[],
        ),
        (
            "2025-04-10",
            &["111000110", "120002910", "120004270"],
            &[("4035", Some(1))],
            true,
            &[("2025-03-10", "111703870")],
        ),
        (
            "2025-04-20",
            &["111000110"],
            &[("4035", Some(1))],
            true,
            &[("2025-04-03", "111703670")],
        ),
        (
            "2025-04-10",
            &["112007410"],
            &[("4035", Some(3))],
            true,
            &[("2025-02-14", "112708970")],
        ),
        (
            "2025-05-10",
            &["112007410", "113001810"],
            &[("4035", Some(3))],
            true,
            &[("2025-02-14", "112708970")],
        ),
        (
            "2025-04-20",
            &["114001110"],
            &[("4100", None)],
            true,
            &[("2025-04-03", "111703670")],
        ),
        ("2025-06-20", &["114004510"], &[("4105", None)], true, &[]),
        ("2025-04-10", &["111000110", "111703670"], &[], true, &[]),
        (
            "2025-04-10",
            &["112011310"],
            &[("4035", Some(5))],
            false,
            &[],
        ),
        (
            "2026-06-01",
            &["111000110"],
            &[("denshi_renkei", Some(1))],
            true,
            &[],
        ),
        (
            "2026-06-10",
            &["112007410"],
            &[("denshi_renkei", Some(2))],
            true,
            &[],
        ),
    ];
    let mut n = 0;
    for (date, items, stds, my, hist) in cases {
        let claim = json!({
            "date": date,
            "patient": {"birth_date": "2021-02-03", "mynumber_card": my},
            "facility": {"kind": "clinic", "e_prescription_since": "2024-01-01",
                "standards": stds.iter().map(|(c, t)| json!({"code": c, "tier": t, "from": "2022-01-01"})).collect::<Vec<_>>()},
            "items": items.iter().map(|c| json!({"code": c})).collect::<Vec<_>>(),
            "history": hist.iter().map(|(d, c)| json!({"date": d, "code": c})).collect::<Vec<_>>(),
        });
        let c = api::parse::claim("c.json", &claim.to_string()).unwrap();
        let a = strip(serde_json::to_value(embedded.calc(&c).unwrap()).unwrap());
        let b = strip(serde_json::to_value(official.calc(&c).unwrap()).unwrap());
        assert_eq!(a, b, "{date} {items:?}");
        n += 1;
    }
    assert_eq!(n, cases.len());
}
