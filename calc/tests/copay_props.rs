//! Property tests of the four co-payment invariants (256 cases each), plus "no panic on any
//! input".

use calc::copay::rounding::window_share;
use calc::copay::{compute, CopayOutput, CopayTables, Receipt};
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn tables() -> &'static CopayTables {
    static T: OnceLock<CopayTables> = OnceLock::new();
    T.get_or_init(|| CopayTables::embedded().expect("embedded tables"))
}

const UNDER70: [&str; 5] = ["ア", "イ", "ウ", "エ", "オ"];
const OVER70: [&str; 6] = [
    "現役並みⅢ",
    "現役並みⅡ",
    "現役並みⅠ",
    "一般",
    "低所得Ⅱ",
    "低所得Ⅰ",
];
const KOUKI: [&str; 7] = [
    "現役並みⅢ",
    "現役並みⅡ",
    "現役並みⅠ",
    "一般",
    "一般Ⅱ",
    "低所得Ⅱ",
    "低所得Ⅰ",
];
const LAWS: [&str; 10] = ["54", "52", "21", "15", "10", "12", "18", "38", "51", "28"];

#[derive(Debug, Clone)]
struct Case {
    birth_days: i64,
    date_days: i64,
    cat_pick: usize,
    cert: bool,
    count: u32,
    inpatient: bool,
    specific: u8,
    publics: Vec<(usize, i64, i64)>,
    points: i64,
    meals: i64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0i64..(95 * 366),
        0i64..(365 * 7 + 300),
        0usize..7,
        any::<bool>(),
        0u32..6,
        any::<bool>(),
        0u8..8,
        prop::collection::vec((0usize..LAWS.len(), 0i64..40_000, 0i64..40_000), 0..3),
        0i64..200_000,
        0i64..90,
    )
        .prop_map(
            |(
                birth_days,
                date_days,
                cat_pick,
                cert,
                count,
                inpatient,
                specific,
                publics,
                points,
                meals,
            )| Case {
                birth_days,
                date_days,
                cat_pick,
                cert,
                count,
                inpatient,
                specific,
                publics,
                points,
                meals,
            },
        )
}

/// Builds a consistent receipt (insurance and category follow the age on the date).
fn build(c: &Case, points: i64) -> Value {
    // dates from 2018-08-01 to 2026-05-31 (inside the confirmed tables)
    let date = NaiveDate::from_ymd_opt(2018, 8, 1).unwrap() + Duration::days(c.date_days);
    let date = date.min(NaiveDate::from_ymd_opt(2026, 5, 31).unwrap());
    let birth = date - Duration::days(c.birth_days);
    let rules = &tables().ages[0];
    let f = calc::copay::age::facts(rules, birth, date).unwrap();
    let (ins, cat) = if date >= f.kouki_from {
        let k = KOUKI[c.cat_pick % KOUKI.len()];
        // 一般Ⅱ exists from 2022-10-01 only
        let k = if k == "一般Ⅱ" && date < NaiveDate::from_ymd_opt(2022, 10, 1).unwrap() {
            "一般"
        } else {
            k
        };
        ("kouki", k)
    } else if date >= f.elderly_from {
        ("kokuho", OVER70[c.cat_pick % OVER70.len()])
    } else {
        ("kenpo", UNDER70[c.cat_pick % UNDER70.len()])
    };
    let publics: Vec<Value> = c
        .publics
        .iter()
        .map(|(l, cap, paid)| json!({"law": LAWS[*l], "monthly_cap": cap, "already_paid": paid.min(cap)}))
        .collect();
    let specific = match c.specific {
        1 => json!("dialysis"),
        2 => json!("hemophilia"),
        _ => json!(false),
    };
    json!({
        "month": date.format("%Y-%m").to_string(),
        "date": date.format("%Y-%m-%d").to_string(),
        "setting": if c.inpatient { "inpatient" } else { "outpatient" },
        "patient": {"birth_date": birth.format("%Y-%m-%d").to_string(), "insurance": ins,
                    "income_category": cat, "limit_certificate": c.cert,
                    "high_cost_count": c.count, "specific_disease": specific},
        "public_expense": publics,
        "points": points,
        "meals": if c.inpatient && date >= NaiveDate::from_ymd_opt(2024, 6, 1).unwrap() { c.meals } else { 0 },
    })
}

fn run(v: &Value) -> Option<CopayOutput> {
    let r = serde_json::from_value::<Receipt>(v.clone()).ok()?;
    compute(tables(), &r).ok()
}

fn rate_percent(out: &CopayOutput) -> u32 {
    let p = out.rate * rust_decimal::Decimal::ONE_HUNDRED;
    rust_decimal::prelude::ToPrimitive::to_u32(&p).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn payers_sum_to_the_cost(c in case()) {
        let v = build(&c, c.points);
        if let Some(out) = run(&v) {
            prop_assert_eq!(
                out.patient_pays + out.insurer_pays + out.public_total() - out.rounding_difference,
                out.medical_cost + out.meal_charge
            );
            prop_assert!(out.patient_pays >= 0 && out.insurer_pays >= 0);
            // The rounding difference is the window's 10円 rounding (rules/data/copay/rounding.toml
            // window_unit_yen): at most half a unit either way; 0 when a limit set the 一部負担金.
            let unit = tables().rounding[0].window_unit_yen;
            prop_assert!(2 * out.rounding_difference.abs() <= unit);
            if out.limit.is_some_and(|l| out.patient_medical() == l) {
                prop_assert_eq!(out.rounding_difference, 0);
            }
            prop_assert!(out.public_pays.iter().all(|p| p.amount >= 0));
        }
    }

    #[test]
    fn patient_never_pays_more_than_the_rate(c in case()) {
        let v = build(&c, c.points);
        if let Some(out) = run(&v) {
            let cap = window_share(out.medical_cost, rate_percent(&out), 10);
            prop_assert!(out.patient_medical() <= cap, "{} > {}", out.patient_medical(), cap);
        }
    }

    #[test]
    fn more_points_never_lower_the_charge(c in case(), extra in 0i64..50_000) {
        let a = run(&build(&c, c.points));
        let b = run(&build(&c, c.points + extra));
        if let (Some(a), Some(b)) = (a, b) {
            prop_assert!(b.patient_pays >= a.patient_pays, "{} then {}", a.patient_pays, b.patient_pays);
        }
    }

    #[test]
    fn charge_is_a_multiple_of_ten_unless_a_limit_or_cap_set_it(c in case()) {
        let v = build(&c, c.points);
        if let Some(out) = run(&v) {
            let m = out.patient_medical();
            let by_limit = out.limit == Some(m);
            let by_cap = c.publics.iter().any(|(_, cap, paid)| m == cap - paid.min(cap));
            prop_assert!(m % 10 == 0 || by_limit || by_cap, "{m}");
        }
    }

    #[test]
    fn most_generated_cases_compute(c in case()) {
        // guards the other properties against vacuity: a plain receipt without 公費 computes
        let mut c = c;
        c.publics.clear();
        c.specific = 0;
        let v = build(&c, c.points);
        prop_assert!(run(&v).is_some(), "{v}");
    }

    #[test]
    fn no_panic_on_odd_input(
        month in prop::sample::select(vec![json!("2025-05"), json!("2025-5"), json!(202505), json!(null), json!("x")]),
        cat in prop::sample::select(vec![json!("ウ"), json!("カ"), json!(3), json!(null), json!("一般")]),
        birth in prop::sample::select(vec![json!("1970-06-15"), json!("2030-01-01"), json!("1970-02-30"), json!(true)]),
        cap in prop::sample::select(vec![json!(10000), json!("abc"), json!(-5), json!(1.5), json!(1e300), json!(null)]),
        law in prop::sample::select(vec![json!("54"), json!("99"), json!(54), json!("5"), json!("abc"), json!(null)]),
        points in prop::sample::select(vec![json!(0), json!(-1), json!(i64::MAX), json!(1e20), json!("10")]),
        rate in prop::sample::select(vec![json!(null), json!(0.3), json!("3割"), json!(2), json!(-0.1), json!("x")]),
    ) {
        let v = json!({"month": month, "setting": "inpatient",
            "patient": {"birth_date": birth, "insurance": "kenpo", "income_category": cat,
                        "limit_certificate": true},
            "public_expense": [{"law": law, "monthly_cap": cap}],
            "points": points, "rate": rate, "meals": 3});
        let _ = run(&v);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The visit function keeps the sum invariant and never charges beyond the limit headroom.
    #[test]
    fn visit_payers_sum_and_respect_the_month(c in case(), mtd_cost in 0i64..2_000_000, mtd_share in 0i64..300_000) {
        let v = build(&c, c.points);
        let Ok(r) = serde_json::from_value::<Receipt>(v.clone()) else { return Ok(()) };
        let visit = calc::copay::Visit {
            patient: r.patient.clone(),
            date: r.date.unwrap(),
            setting: r.setting,
            points: r.points,
            public_expense: r.public_expense.clone(),
            meals: r.meals,
            rate_percent: None,
            month_to_date: Some(calc::copay::MonthToDate { medical_cost: mtd_cost, patient_share: mtd_share }),
        };
        if let Ok(out) = calc::copay::compute_visit(tables(), &visit) {
            prop_assert_eq!(
                out.patient_pays + out.insurer_pays + out.public_total() - out.rounding_difference,
                out.medical_cost + out.meal_charge
            );
            if let Some(l) = out.limit {
                prop_assert!(out.patient_medical() <= (l - mtd_share).max(0));
            }
        }
    }
}
