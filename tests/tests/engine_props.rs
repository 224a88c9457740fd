//! Property tests of the engine over random valid claims: codes drawn from the embedded
//! schedule (valid on the date), dates across 2022-04 – 2026-12, random filings, マイナ保険証
//! use and histories. Properties: never panics (an input error is a value); deterministic;
//! independent of the order of `items`; total = sum of subtotals; every auto line names its rule.

use calc::Engine;
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::embedded().unwrap())
}

fn codes() -> &'static Vec<masters::Code> {
    static C: OnceLock<Vec<masters::Code>> = OnceLock::new();
    C.get_or_init(|| engine().data().schedule.codes())
}

const STANDARDS: &[&str] = &[
    "4035",
    "4100",
    "4105",
    "online_shikaku",
    "jujitsu",
    "iryo_joho",
    "denshi_renkei",
];

#[derive(Debug, Clone)]
struct Input {
    day: u64,
    items: Vec<(usize, i64)>,
    standards: Vec<(usize, Option<u8>)>,
    mynumber: bool,
    erx: bool,
    birth_years: u64,
    history: Vec<(u64, usize)>,
}

fn input() -> impl Strategy<Value = Input> {
    (
        0u64..1735,
        prop::collection::vec((0usize..10_000, 1i64..3), 1..10),
        prop::collection::vec((0usize..STANDARDS.len(), prop::option::of(1u8..7)), 0..4),
        any::<bool>(),
        any::<bool>(),
        0u64..95,
        prop::collection::vec((1u64..200, 0usize..10_000), 0..6),
    )
        .prop_map(
            |(day, items, standards, mynumber, erx, birth_years, history)| Input {
                day,
                items,
                standards,
                mynumber,
                erx,
                birth_years,
                history,
            },
        )
}

fn build(i: &Input) -> Option<Value> {
    let start = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap();
    let date = start.checked_add_days(Days::new(i.day)).unwrap();
    let s = &engine().data().schedule;
    let valid: Vec<String> = i
        .items
        .iter()
        .map(|(k, _)| codes()[k % codes().len()])
        .filter(|c| s.lookup(*c, date).is_ok())
        .map(|c| c.to_string())
        .collect();
    if valid.is_empty() {
        return None;
    }
    let birth = date
        .checked_sub_days(Days::new(i.birth_years * 365 + 3))
        .unwrap();
    Some(json!({
        "date": date.to_string(),
        "patient": {"birth_date": birth.to_string(), "mynumber_card": i.mynumber},
        "facility": {"kind": "clinic",
            "e_prescription_since": if i.erx { json!("2022-01-01") } else { Value::Null },
            "standards": i.standards.iter().map(|(k, t)| json!({"code": STANDARDS[*k], "tier": t})).collect::<Vec<_>>()},
        "items": valid.iter().zip(&i.items).map(|(c, (_, n))| json!({"code": c, "count": n})).collect::<Vec<_>>(),
        "history": i.history.iter().map(|(back, k)| json!({
            "date": date.checked_sub_days(Days::new(*back)).unwrap().to_string(),
            "code": codes()[k % codes().len()].to_string()})).collect::<Vec<_>>(),
    }))
}

fn run(v: &Value) -> Result<Value, String> {
    let claim = api::parse::claim("p.json", &v.to_string()).map_err(|e| e.to_string())?;
    engine()
        .calc(&claim)
        .map(|o| {
            // santei's own JSON writer writes the bytes serde_json would.
            assert_eq!(
                api::render::calc_json(&o, false),
                serde_json::to_string(&o).unwrap()
            );
            serde_json::to_value(o).unwrap()
        })
        .map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn deterministic_total_and_order_free(i in input(), seed in any::<u64>()) {
        let Some(v) = build(&i) else { return Ok(()) };
        let a = run(&v);
        let b = run(&v);
        prop_assert_eq!(&a, &b);
        let Ok(out) = a else { return Ok(()) };
        // total = sum of subtotals
        let sum: rust_decimal::Decimal = out["lines"].as_array().unwrap().iter()
            .map(|l| l["subtotal"].to_string().parse::<rust_decimal::Decimal>().unwrap()).sum();
        prop_assert_eq!(out["total_points"].to_string().parse::<rust_decimal::Decimal>().unwrap(), sum);
        for l in out["lines"].as_array().unwrap() {
            if l["origin"] == "auto" {
                prop_assert!(!l["rule"].as_str().unwrap().is_empty());
            }
        }
        // Shuffle the items: same result.
        let mut w = v.clone();
        let items = w["items"].as_array_mut().unwrap();
        let n = items.len();
        let mut x = seed;
        for k in (1..n).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            items.swap(k, (x >> 33) as usize % (k + 1));
        }
        let c = run(&w).unwrap();
        // Messages cite the caller's item index; compare everything else.
        let strip = |mut o: Value| {
            o.as_object_mut().unwrap().remove("trace");
            for key in ["warnings", "errors"] {
                if let Some(a) = o[key].as_array_mut() {
                    for m in a.iter_mut() {
                        if let Some(t) = m.as_str() {
                            *m = Value::String(without_item_index(t));
                        }
                    }
                }
            }
            o
        };
        prop_assert_eq!(strip(out), strip(c));
    }
}

/// A message with every `items[N]` written `items[_]` (the index of the caller's item is the
/// one thing a shuffle may change in a message).
fn without_item_index(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find("items[") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && rest[digits..].starts_with(']') {
            out.push('_');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}
