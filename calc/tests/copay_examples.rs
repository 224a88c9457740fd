//! Every example of copayment.md with its stated number, the age boundaries (day before / day of),
//! rounding and limit boundaries, and bad input.

use calc::copay::{compute, compute_visit, CopayOutput, CopayTables, MonthToDate, Receipt, Visit};
use chrono::NaiveDate;
use serde_json::{json, Value};

fn tables() -> &'static CopayTables {
    static T: std::sync::OnceLock<CopayTables> = std::sync::OnceLock::new();
    T.get_or_init(|| CopayTables::embedded().expect("embedded tables"))
}

/// A receipt read as the `api` crate reads one: the field path, then the message.
fn from_value(v: &Value) -> Result<Receipt, String> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." || path.is_empty() {
            inner
        } else {
            format!("{path}: {inner}")
        }
    })
}

fn from_toml(text: &str) -> Result<Receipt, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}

fn run(v: Value) -> Result<CopayOutput, String> {
    let r = from_value(&v)?;
    compute(tables(), &r).map_err(|e| e.to_string())
}

fn ok(v: Value) -> CopayOutput {
    let out = run(v).expect("computes");
    // every output keeps the sum invariant
    assert_eq!(
        out.patient_pays + out.insurer_pays + out.public_total() - out.rounding_difference,
        out.medical_cost + out.meal_charge
    );
    out
}

fn err(v: Value) -> String {
    run(v).expect_err("must fail").to_string()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A receipt with defaults; `patch` overrides top-level and patient fields.
fn receipt(month: &str, birth: &str, ins: &str, cat: &str, points: i64) -> Value {
    json!({
        "month": month, "setting": "outpatient",
        "patient": {"birth_date": birth, "insurance": ins, "income_category": cat,
                    "limit_certificate": true, "high_cost_count": 0, "specific_disease": false},
        "public_expense": [], "points": points, "meals": 0
    })
}

fn with(mut v: Value, path: &[&str], x: Value) -> Value {
    let mut cur = &mut v;
    for k in &path[..path.len() - 1] {
        cur = cur.get_mut(*k).unwrap();
    }
    cur[*path.last().unwrap()] = x;
    v
}

// ---- the issue's receipt ------------------------------------------------------------------

#[test]
fn issue_example_receipt() {
    let out = ok(json!({"month": "2025-05", "setting": "inpatient",
        "patient": {"birth_date": "1970-06-15", "insurance": "kenpo", "income_category": "ウ",
                    "limit_certificate": true, "high_cost_count": 0, "specific_disease": false},
        "public_expense": [{"law": "54", "monthly_cap": 10000, "already_paid": 0}],
        "points": 36452, "meals": 0}));
    assert_eq!(out.medical_cost, 364_520);
    assert_eq!(out.rate.to_string(), "0.3");
    // 80,100 + (364,520 − 267,000) × 1% = 80,100 + 975.20 → 81,075
    assert_eq!(out.limit, Some(81_075));
    assert_eq!(out.patient_pays, 10_000);
    assert_eq!(out.insurer_pays, 283_445);
    assert_eq!(out.public_pays[0].law, "54");
    assert_eq!(out.public_pays[0].amount, 71_075);
    assert!(out.trace.len() >= 5);
}

// ---- §3.1 ---------------------------------------------------------------------------------

#[test]
fn u_one_million_yen_gives_87430() {
    let out = ok(with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 100_000),
        &["setting"],
        json!("inpatient"),
    ));
    assert_eq!(out.medical_cost, 1_000_000);
    assert_eq!(out.limit, Some(87_430));
    assert_eq!(out.patient_pays, 87_430);
    assert_eq!(out.insurer_pays, 912_570);
}

#[test]
fn under70_tables_and_many_times() {
    let cases = [
        ("ア", 100_000, 252_600 + 1_580, 140_100),
        ("イ", 100_000, 167_400 + 4_420, 93_000),
        ("ウ", 100_000, 87_430, 44_400),
        ("エ", 100_000, 57_600, 44_400),
        ("オ", 100_000, 35_400, 24_600),
    ];
    for (cat, points, limit, many) in cases {
        let v = receipt("2025-05", "1970-06-15", "kokuho", cat, points);
        assert_eq!(ok(v.clone()).patient_pays, limit, "{cat}");
        let v2 = with(v.clone(), &["patient", "high_cost_count"], json!(2));
        assert_eq!(ok(v2).patient_pays, limit, "{cat} count 2");
        let v3 = with(v, &["patient", "high_cost_count"], json!(3));
        assert_eq!(ok(v3).patient_pays, many, "{cat} 多数回");
    }
}

#[test]
fn under70_without_certificate_pays_the_rate() {
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 100_000),
        &["patient", "limit_certificate"],
        json!(false),
    );
    let out = ok(v);
    assert_eq!(out.limit, None);
    assert_eq!(out.patient_pays, 300_000);
}

// ---- §3.2 ---------------------------------------------------------------------------------

#[test]
fn seventy_plus_general_outpatient_then_household() {
    let v = receipt("2025-05", "1953-06-15", "kenpo", "一般", 50_000);
    let out = ok(v.clone());
    assert_eq!(out.rate.to_string(), "0.2");
    assert_eq!(out.limit, Some(18_000));
    assert_eq!(out.patient_pays, 18_000);
    // 外来 individual: no 多数回
    let out = ok(with(v.clone(), &["patient", "high_cost_count"], json!(5)));
    assert_eq!(out.patient_pays, 18_000);
    let inp = with(v, &["setting"], json!("inpatient"));
    assert_eq!(ok(inp.clone()).patient_pays, 57_600);
    assert_eq!(
        ok(with(inp.clone(), &["patient", "high_cost_count"], json!(3))).patient_pays,
        44_400
    );
    assert_eq!(
        ok(with(inp, &["patient", "high_cost_count"], json!(2))).patient_pays,
        57_600
    );
}

#[test]
fn seventy_plus_low_income_and_genekinami() {
    let v = receipt("2025-05", "1953-06-15", "kenpo", "低所得Ⅱ", 50_000);
    assert_eq!(ok(v.clone()).patient_pays, 8_000);
    let inp = with(v.clone(), &["setting"], json!("inpatient"));
    assert_eq!(ok(inp.clone()).patient_pays, 24_600);
    // without the certificate: 一般
    assert_eq!(
        ok(with(inp, &["patient", "limit_certificate"], json!(false))).patient_pays,
        57_600
    );
    let v1 = with(
        with(v, &["patient", "income_category"], json!("低所得Ⅰ")),
        &["setting"],
        json!("inpatient"),
    );
    assert_eq!(ok(v1).patient_pays, 15_000);

    // 現役並みⅡ 3割, 医療費 1,000,000: 167,400 + 4,420 = 171,820; without certificate Ⅲ formula
    let g = with(
        receipt("2025-05", "1953-06-15", "kenpo", "現役並みⅡ", 100_000),
        &["setting"],
        json!("inpatient"),
    );
    let out = ok(g.clone());
    assert_eq!(out.rate.to_string(), "0.3");
    assert_eq!(out.patient_pays, 171_820);
    let out = ok(with(g, &["patient", "limit_certificate"], json!(false)));
    assert_eq!(out.patient_pays, 252_600 + 1_580);
    // 現役並みⅠ 外来 = household formula
    let g1 = receipt("2025-05", "1953-06-15", "kenpo", "現役並みⅠ", 100_000);
    assert_eq!(ok(g1).patient_pays, 87_430);
}

// ---- §3.3 special cases -------------------------------------------------------------------

#[test]
fn birthday_month_75_halves_both_insurers() {
    // born 1950-04-15: kenpo until 04-14, kouki from 04-15.
    let kenpo = receipt("2025-04", "1950-04-15", "kenpo", "一般", 50_000);
    let out = ok(kenpo.clone());
    assert_eq!(out.rate.to_string(), "0.2");
    assert_eq!(out.limit, Some(9_000));
    let inp = with(kenpo, &["setting"], json!("inpatient"));
    assert_eq!(ok(inp).limit, Some(28_800));
    let kouki = receipt("2025-04", "1950-04-15", "kouki", "一般", 50_000);
    let out = ok(kouki);
    assert_eq!(out.rate.to_string(), "0.1");
    assert_eq!(out.limit, Some(9_000));
    assert_eq!(out.patient_pays, 9_000);
    // Ⅰ/ウ: 40,050 + (医療費 − 133,500) × 1%
    let g = with(
        receipt("2025-04", "1950-04-15", "kenpo", "現役並みⅠ", 100_000),
        &["setting"],
        json!("inpatient"),
    );
    assert_eq!(ok(g).limit, Some(40_050 + 8_665));
    // マル長 5,000
    let m = with(
        receipt("2025-04", "1950-04-15", "kouki", "一般", 50_000),
        &["patient", "specific_disease"],
        json!(true),
    );
    assert_eq!(ok(m).patient_pays, 5_000);
    // born on the 1st: no halving
    let first = receipt("2025-04", "1950-04-01", "kouki", "一般", 50_000);
    assert_eq!(ok(first).limit, Some(18_000));
    // already on 後期 by 障害認定 (from 65): no change of insurer in the month, no halving
    // (the 特例 splits the month between two insurers, copayment.md §3.3).
    let disabled = with(
        receipt("2025-04", "1950-04-15", "kouki", "一般", 50_000),
        &["patient", "kouki_by_disability"],
        json!(true),
    );
    assert_eq!(ok(disabled).limit, Some(18_000));
    let e = err(with(
        receipt("2025-04", "1950-04-15", "kenpo", "一般", 50_000),
        &["patient", "kouki_by_disability"],
        json!(true),
    ));
    assert!(
        e.contains("kouki_by_disability") && e.contains("kouki"),
        "{e}"
    );
}

#[test]
fn specific_disease_limits() {
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 100_000),
        &["patient", "specific_disease"],
        json!(true),
    );
    assert_eq!(ok(v).patient_pays, 10_000);
    let a = receipt("2025-05", "1970-06-15", "kenpo", "ア", 100_000);
    let e = err(with(
        a.clone(),
        &["patient", "specific_disease"],
        json!(true),
    ));
    assert!(e.contains("patient.specific_disease"), "{e}");
    assert_eq!(
        ok(with(
            a.clone(),
            &["patient", "specific_disease"],
            json!("dialysis")
        ))
        .patient_pays,
        20_000
    );
    assert_eq!(
        ok(with(
            a,
            &["patient", "specific_disease"],
            json!("hemophilia")
        ))
        .patient_pays,
        10_000
    );
    // the 受療証 is the certificate: applies without limit_certificate
    let v = with(
        with(
            receipt("2025-05", "1970-06-15", "kenpo", "ウ", 100_000),
            &["patient", "specific_disease"],
            json!("dialysis"),
        ),
        &["patient", "limit_certificate"],
        json!(false),
    );
    assert_eq!(ok(v).patient_pays, 10_000);
}

#[test]
fn public_combined_income_independent_limit() {
    // 精神通院 (21) under 70 ア: ウ formula, 1割 capped by 5,000
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ア", 100_000),
        &["public_expense"],
        json!([{"law": "21", "monthly_cap": 5000}]),
    );
    let out = ok(v);
    assert_eq!(out.limit, Some(87_430));
    assert_eq!(out.patient_pays, 5_000);
    assert_eq!(out.public_pays[0].amount, 87_430 - 5_000);
    // 70+ 入院 57,600, 外来 18,000 whatever the 区分
    let v = with(
        with(
            receipt("2025-05", "1953-06-15", "kenpo", "現役並みⅢ", 100_000),
            &["public_expense"],
            json!([{"law": "21", "monthly_cap": 20000}]),
        ),
        &["setting"],
        json!("inpatient"),
    );
    assert_eq!(ok(v.clone()).limit, Some(57_600));
    assert_eq!(
        ok(with(v, &["setting"], json!("outpatient"))).limit,
        Some(18_000)
    );
}

#[test]
fn welfare_and_nanbyo_exceptions() {
    // 生活保護: under 70 オ 35,400; 70+ 15,000 / 8,000
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 100_000),
        &["public_expense"],
        json!([{"law": "12"}]),
    );
    let out = ok(v);
    assert_eq!(out.limit, Some(35_400));
    assert_eq!(out.patient_pays, 0);
    let v = with(
        receipt("2025-05", "1953-06-15", "kenpo", "一般", 100_000),
        &["public_expense"],
        json!([{"law": "12"}]),
    );
    assert_eq!(ok(v.clone()).limit, Some(8_000));
    assert_eq!(
        ok(with(v, &["setting"], json!("inpatient"))).limit,
        Some(15_000)
    );
    // 難病: the patient's own 区分 (ア), certificate not needed
    let v = with(
        with(
            receipt("2025-05", "1970-06-15", "kenpo", "ア", 100_000),
            &["public_expense"],
            json!([{"law": "54", "monthly_cap": 30000}]),
        ),
        &["patient", "limit_certificate"],
        json!(false),
    );
    let out = ok(v);
    assert_eq!(out.limit, Some(254_180));
    assert_eq!(out.patient_pays, 30_000);
}

// ---- §4 public programmes -----------------------------------------------------------------

#[test]
fn nanbyo_example_1() {
    // 3割, ウ, 外来, 難病 cap 10,000, 3,000点: insurance 21,000, patient 6,000, 難病 3,000
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 3_000),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 10000, "already_paid": 0}]),
    );
    let out = ok(v);
    assert_eq!(out.insurer_pays, 21_000);
    assert_eq!(out.patient_pays, 6_000);
    assert_eq!(out.public_pays[0].amount, 3_000);
}

#[test]
fn nanbyo_example_2() {
    // 3割, 難病 cap 2,500, 5,000点: insurance 35,000, 難病 12,500, patient 2,500
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 5_000),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 2500}]),
    );
    let out = ok(v);
    assert_eq!(out.insurer_pays, 35_000);
    assert_eq!(out.public_pays[0].amount, 12_500);
    assert_eq!(out.patient_pays, 2_500);
}

#[test]
fn nanbyo_already_paid_and_one_割_insurance() {
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 5_000),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 10000, "already_paid": 9999}]),
    );
    assert_eq!(ok(v).patient_pays, 1);
    // kouki 1割: 難病 stays 1割
    let v = with(
        receipt("2025-05", "1945-06-15", "kouki", "一般", 3_000),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 10000}]),
    );
    let out = ok(v);
    assert_eq!(out.patient_pays, 3_000);
    assert_eq!(out.public_pays[0].amount, 0);
}

#[test]
fn tuberculosis_five_percent_and_before_insurance() {
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 1_000),
        &["public_expense"],
        json!([{"law": "10"}]),
    );
    let out = ok(v);
    assert_eq!(out.patient_pays, 500);
    assert_eq!(out.insurer_pays, 7_000);
    assert_eq!(out.public_pays[0].amount, 2_500);
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 1_000),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 10000}, {"law": "18"}]),
    );
    let out = ok(v);
    assert_eq!(out.insurer_pays, 0);
    assert_eq!(out.patient_pays, 0);
    assert_eq!(out.public_pays[0].law, "18");
    assert_eq!(out.public_pays[0].amount, 10_000);
    assert_eq!(out.limit, None);
}

#[test]
fn two_programmes_in_priority_order() {
    // given 54 then 21: 21 (精神通院) comes first in the national order.
    let v = with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 10_000),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 2500}, {"law": "21", "monthly_cap": 5000}]),
    );
    let out = ok(v);
    assert_eq!(out.public_pays[0].law, "21");
    assert_eq!(out.public_pays[0].amount, 30_000 - 5_000);
    assert_eq!(out.public_pays[1].law, "54");
    assert_eq!(out.public_pays[1].amount, 2_500);
    assert_eq!(out.patient_pays, 2_500);
}

#[test]
fn local_programme_from_data_file() {
    let t = tables()
        .clone()
        .with_local_programmes("local-example.toml", rules::copay::LOCAL_EXAMPLE)
        .unwrap();
    let v = with(
        with(
            receipt("2025-05", "2015-06-15", "kokuho", "ウ", 1_000),
            &["public_expense"],
            json!([{"law": "88"}]),
        ),
        &["visits"],
        json!(2),
    );
    let r = from_value(&v).unwrap();
    let out = compute(&t, &r).unwrap();
    // 3割 = 3,000; 1割 = 1,000; per-visit 500 × 2 visits = 1,000
    assert_eq!(out.patient_pays, 1_000);
    assert_eq!(out.public_pays[0].amount, 2_000);
    // missing visits: clear error
    let r = from_value(&with(v.clone(), &["visits"], Value::Null)).unwrap();
    let e = compute(&t, &r).unwrap_err().to_string();
    assert!(e.starts_with("visits:"), "{e}");
    // over the age range: not applied
    let old = with(v, &["patient", "birth_date"], json!("2005-06-15"));
    let out = compute(&t, &from_value(&old).unwrap()).unwrap();
    assert_eq!(out.patient_pays, 3_000);
    // the same receipt without the local file: error
    let e = err(with(
        receipt("2025-05", "2015-06-15", "kokuho", "ウ", 1_000),
        &["public_expense"],
        json!([{"law": "88"}]),
    ));
    assert!(
        e.contains("public_expense[0].law") && e.contains("local"),
        "{e}"
    );
}

// ---- §1 後期 2割 配慮措置 ------------------------------------------------------------------

#[test]
fn kouki_transition_example_50000_gives_8000() {
    let v = receipt("2025-05", "1945-06-15", "kouki", "一般Ⅱ", 5_000);
    let out = ok(v.clone());
    assert_eq!(out.rate.to_string(), "0.2");
    assert_eq!(out.patient_pays, 8_000);
    assert_eq!(out.limit, Some(8_000));
    // last day / first day after
    let last = with(v.clone(), &["date"], json!("2025-09-30"));
    let last = with(last, &["month"], json!("2025-09"));
    assert_eq!(ok(last).patient_pays, 8_000);
    let after = with(
        with(v.clone(), &["month"], json!("2025-10")),
        &["date"],
        json!("2025-10-01"),
    );
    let out = ok(after);
    assert_eq!(out.patient_pays, 10_000);
    assert_eq!(out.limit, Some(18_000));
    // first day: 2022-10-01; the day before 一般Ⅱ does not exist
    let first = with(
        with(v.clone(), &["month"], json!("2022-10")),
        &["date"],
        json!("2022-10-01"),
    );
    assert_eq!(ok(first).patient_pays, 8_000);
    let before = with(
        with(v.clone(), &["month"], json!("2022-09")),
        &["date"],
        json!("2022-09-30"),
    );
    assert!(err(before).contains("no confirmed rate table"));
    // below 30,000: plain 2割
    assert_eq!(
        ok(with(v.clone(), &["points"], json!(2_999))).patient_pays,
        6_000
    );
    assert_eq!(
        ok(with(v.clone(), &["points"], json!(3_000))).patient_pays,
        6_000
    );
    // large: 18,000
    assert_eq!(
        ok(with(v.clone(), &["points"], json!(20_000))).patient_pays,
        18_000
    );
    // 入院 and 公費併用 are not eased
    let inp = with(v.clone(), &["setting"], json!("inpatient"));
    assert_eq!(ok(inp).patient_pays, 10_000);
}

#[test]
fn kouki_transition_birthday_month() {
    // born 1950-04-15, kouki receipt of April 2025: cap 9,000, increase cap 3,000 not halved
    let v = receipt("2025-04", "1950-04-15", "kouki", "一般Ⅱ", 5_000);
    let out = ok(v.clone());
    assert_eq!(out.patient_pays, 8_000);
    let out = ok(with(v, &["points"], json!(10_000)));
    assert_eq!(out.limit, Some(9_000));
    assert_eq!(out.patient_pays, 9_000);
}

// ---- §1 rates and age boundaries ----------------------------------------------------------

fn rate_on(birth: &str, date: &str, ins: &str, cat: &str) -> String {
    let month = &date[..7];
    let v = with(receipt(month, birth, ins, cat, 100), &["date"], json!(date));
    // no certificate: the rate alone (no limit table needed for later dates)
    let v = with(v, &["patient", "limit_certificate"], json!(false));
    ok(v).rate.to_string()
}

#[test]
fn seventy_boundaries() {
    // born 1953-01-10: reaches 70 on 2023-01-09 → 2割 from 2023-02-01
    assert_eq!(rate_on("1953-01-10", "2023-01-31", "kenpo", "ウ"), "0.3");
    assert_eq!(rate_on("1953-01-10", "2023-02-01", "kenpo", "一般"), "0.2");
    // born 1953-01-01: reaches 70 on 2022-12-31 → 2割 from 2023-01-01
    assert_eq!(rate_on("1953-01-01", "2022-12-31", "kenpo", "ウ"), "0.3");
    assert_eq!(rate_on("1953-01-01", "2023-01-01", "kenpo", "一般"), "0.2");
    // wrong category on the wrong side of the switch
    let v = with(
        receipt("2023-02", "1953-01-10", "kenpo", "ウ", 100),
        &["date"],
        json!("2023-02-01"),
    );
    assert!(err(v).contains("patient.income_category"));
}

#[test]
fn preschool_boundaries() {
    // copayment.md's examples (born 2000) predate the 未就学 2割 rule (2008-04); the same
    // shapes twenty years later:
    assert_eq!(rate_on("2020-02-02", "2026-03-31", "kenpo", "ウ"), "0.2");
    assert_eq!(rate_on("2020-02-02", "2026-04-01", "kenpo", "ウ"), "0.3");
    assert_eq!(rate_on("2020-06-02", "2027-03-31", "kenpo", "ウ"), "0.2");
    assert_eq!(rate_on("2020-06-02", "2027-04-01", "kenpo", "ウ"), "0.3");
    assert_eq!(rate_on("2020-04-01", "2026-03-31", "kenpo", "ウ"), "0.2");
    assert_eq!(rate_on("2020-04-01", "2026-04-01", "kenpo", "ウ"), "0.3");
    // 未就学 children use the under-70 limits
    let v = with(
        receipt("2025-05", "2020-06-02", "kenpo", "ウ", 100_000),
        &["setting"],
        json!("inpatient"),
    );
    assert_eq!(ok(v).patient_pays, 87_430);
}

#[test]
fn kouki_from_the_75th_birthday() {
    assert_eq!(rate_on("1950-04-15", "2025-04-14", "kenpo", "一般"), "0.2");
    assert_eq!(rate_on("1950-04-15", "2025-04-15", "kouki", "一般"), "0.1");
    let v = with(
        receipt("2025-04", "1950-04-15", "kenpo", "一般", 100),
        &["date"],
        json!("2025-04-15"),
    );
    let e = err(v);
    assert!(
        e.contains("patient.insurance") && e.contains("2025-04-15"),
        "{e}"
    );
    assert_eq!(
        rate_on("1950-04-15", "2025-05-01", "kouki", "現役並みⅢ"),
        "0.3"
    );
    assert_eq!(rate_on("1950-04-15", "2025-05-01", "kouki", "一般Ⅱ"), "0.2");
}

#[test]
fn born_before_1944_04_02_kept_one_割_until_75() {
    assert_eq!(rate_on("1944-04-01", "2018-09-01", "kenpo", "一般"), "0.1");
    assert_eq!(rate_on("1944-04-02", "2018-09-01", "kenpo", "一般"), "0.2");
}

#[test]
fn rate_override() {
    let v = with(
        receipt("2025-05", "1953-06-15", "kenpo", "現役並みⅠ", 1_000),
        &["rate"],
        json!(0.2),
    );
    assert_eq!(ok(v.clone()).patient_pays, 2_000);
    assert_eq!(
        ok(with(v.clone(), &["rate"], json!("2割"))).patient_pays,
        2_000
    );
    assert!(err(with(v, &["rate"], json!(0.333))).starts_with("rate:"));
}

// ---- §2 rounding through receipts ---------------------------------------------------------

#[test]
fn rounding_examples() {
    let r = |cat: &str, birth: &str, ins: &str, points: i64| {
        let mut v = receipt("2025-05", birth, ins, cat, points);
        v["patient"]["limit_certificate"] = json!(false);
        ok(v).patient_pays
    };
    assert_eq!(r("ウ", "1970-06-15", "kenpo", 1_234), 3_700);
    assert_eq!(r("ウ", "2021-06-15", "kenpo", 1_234), 2_470);
    assert_eq!(r("一般", "1945-06-15", "kouki", 1_235), 1_240);
    // …4/…5 at 1割: 1,234 → 1,230
    assert_eq!(r("一般", "1945-06-15", "kouki", 1_234), 1_230);
}

// ---- limits at one yen below and above ----------------------------------------------------

fn visit(points: i64, mtd: MonthToDate) -> CopayOutput {
    let p = from_value(&receipt("2025-05", "1970-06-15", "kenpo", "エ", 0))
        .unwrap()
        .patient;
    compute_visit(
        tables(),
        &Visit {
            patient: p,
            date: d("2025-05-20"),
            setting: calc::copay::Setting::Outpatient,
            points,
            public_expense: vec![],
            meals: 0,
            rate_percent: None,
            month_to_date: Some(mtd),
        },
    )
    .unwrap()
}

#[test]
fn limit_one_yen_below_and_above() {
    // エ 57,600: already charged 57,599 → this visit pays 1; 57,600 → 0
    let a = visit(
        1_000,
        MonthToDate {
            medical_cost: 192_000,
            patient_share: 57_599,
        },
    );
    assert_eq!(a.patient_pays, 1);
    assert_eq!(a.insurer_pays, 10_000 - 1);
    let b = visit(
        1_000,
        MonthToDate {
            medical_cost: 192_000,
            patient_share: 57_600,
        },
    );
    assert_eq!(b.patient_pays, 0);
    // share exactly at the limit, and one step above
    let at = visit(0, MonthToDate::default());
    assert_eq!(at.patient_pays, 0);
    let v = receipt("2025-05", "1970-06-15", "kenpo", "エ", 19_200); // 57,600
    assert_eq!(ok(v.clone()).patient_pays, 57_600);
    let below = ok(with(v.clone(), &["points"], json!(19_199))); // 57,597 → 57,600 (not limited)
    assert_eq!(below.patient_pays, 57_600);
    let below2 = ok(with(v.clone(), &["points"], json!(19_198))); // 57,594 → 57,590
    assert_eq!(below2.patient_pays, 57_590);
    let above = ok(with(v, &["points"], json!(19_202))); // 57,606 → 57,610 > limit
    assert_eq!(above.patient_pays, 57_600);
}

#[test]
fn one_percent_term_at_49_and_50_sen() {
    // ウ via month-to-date cost: threshold 267,000 + 49 yen → +0.49 → 0; + 50 → +1
    let p = from_value(&receipt("2025-05", "1970-06-15", "kenpo", "ウ", 0))
        .unwrap()
        .patient;
    let lim = |extra: i64| {
        compute_visit(
            tables(),
            &Visit {
                patient: p.clone(),
                date: d("2025-05-20"),
                setting: calc::copay::Setting::Inpatient,
                points: 0,
                public_expense: vec![],
                meals: 0,
                rate_percent: None,
                month_to_date: Some(MonthToDate {
                    medical_cost: 267_000 + extra,
                    patient_share: 0,
                }),
            },
        )
        .unwrap()
        .limit
    };
    assert_eq!(lim(49), Some(80_100));
    assert_eq!(lim(50), Some(80_101));
    assert_eq!(lim(149), Some(80_101));
    assert_eq!(lim(150), Some(80_102));
}

#[test]
fn visits_accumulate_to_the_limit() {
    let t = tables();
    let p = from_value(&receipt("2025-05", "1970-06-15", "kenpo", "ウ", 0))
        .unwrap()
        .patient;
    let mut mtd = MonthToDate::default();
    let mut paid = 0;
    for _ in 0..10 {
        let out = compute_visit(
            &t,
            &Visit {
                patient: p.clone(),
                date: d("2025-05-10"),
                setting: calc::copay::Setting::Inpatient,
                points: 10_000,
                public_expense: vec![],
                meals: 0,
                rate_percent: None,
                month_to_date: Some(mtd),
            },
        )
        .unwrap();
        paid += out.patient_pays;
        mtd.medical_cost += out.medical_cost;
        mtd.patient_share += out.patient_pays;
    }
    // the month equals the one-receipt answer: 87,430
    assert_eq!(paid, 87_430);
}

// ---- §3.4 2026-08 -------------------------------------------------------------------------

#[test]
fn august_2026_confirmed_and_unconfirmed() {
    let e = err(receipt("2026-08", "1970-06-15", "kenpo", "ウ", 100_000));
    assert!(
        e.contains("no confirmed high-cost table for 2026-08"),
        "{e}"
    );
    assert!(e.contains("区分ウ") && e.contains("X unconfirmed"), "{e}");
    let e = err(receipt("2026-08", "1970-06-15", "kenpo", "ア", 100_000));
    assert!(e.contains("区分ア"), "{e}");
    // no certificate → no limit needed → computes
    let v = with(
        receipt("2026-08", "1970-06-15", "kenpo", "ウ", 1_000),
        &["patient", "limit_certificate"],
        json!(false),
    );
    assert_eq!(ok(v).patient_pays, 3_000);
    // 70+ 外来 一般 22,000, 低所得Ⅱ 11,000, 低所得Ⅰ 8,000
    let v = receipt("2026-08", "1953-06-15", "kenpo", "一般", 50_000);
    assert_eq!(ok(v.clone()).patient_pays, 22_000);
    assert_eq!(
        ok(with(
            v.clone(),
            &["patient", "income_category"],
            json!("低所得Ⅱ")
        ))
        .patient_pays,
        11_000
    );
    assert_eq!(
        ok(with(
            v.clone(),
            &["patient", "income_category"],
            json!("低所得Ⅰ")
        ))
        .patient_pays,
        8_000
    );
    // the last day before: 18,000
    let jul = with(
        with(v.clone(), &["month"], json!("2026-07")),
        &["date"],
        json!("2026-07-31"),
    );
    assert_eq!(ok(jul).patient_pays, 18_000);
    let e = err(with(v.clone(), &["setting"], json!("inpatient")));
    assert!(
        e.contains("no confirmed high-cost table for 2026-08 70+ 区分一般"),
        "{e}"
    );
    // 多数回 unchanged (§3.4): a 多数回 month is known though the formula is not — ウ 44,400
    // (§3.1), 70+ 一般 世帯 44,400 (§3.2).
    let many = with(
        receipt("2026-08", "1970-06-15", "kenpo", "ウ", 100_000),
        &["patient", "high_cost_count"],
        json!(3),
    );
    assert_eq!(ok(many).limit, Some(44_400));
    let many = with(
        with(v, &["setting"], json!("inpatient")),
        &["patient", "high_cost_count"],
        json!(3),
    );
    assert_eq!(ok(many).limit, Some(44_400));
}

// ---- §5 meals -----------------------------------------------------------------------------

#[test]
fn meal_charges() {
    let v = with(
        with(
            receipt("2025-05", "1970-06-15", "kenpo", "ウ", 10_000),
            &["setting"],
            json!("inpatient"),
        ),
        &["meals"],
        json!(30),
    );
    let out = ok(v.clone());
    assert_eq!(out.meal_charge, 15_300);
    assert_eq!(out.patient_pays, 30_000 + 15_300);
    let may24 = with(
        with(v.clone(), &["month"], json!("2024-06")),
        &["date"],
        json!("2024-06-01"),
    );
    assert_eq!(ok(may24).meal_charge, 30 * 490);
    let o = with(v.clone(), &["patient", "income_category"], json!("オ"));
    assert_eq!(ok(o.clone()).meal_charge, 30 * 240);
    assert_eq!(
        ok(with(o.clone(), &["patient", "meal_long_stay"], json!(true))).meal_charge,
        30 * 190
    );
    assert_eq!(
        ok(with(o, &["patient", "limit_certificate"], json!(false))).meal_charge,
        30 * 510
    );
    let nb = with(
        v.clone(),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 10000}]),
    );
    assert_eq!(ok(nb).meal_charge, 30 * 300);
    let t1 = with(
        with(v.clone(), &["patient", "birth_date"], json!("1945-06-15")),
        &["patient", "insurance"],
        json!("kouki"),
    );
    let t1 = with(t1, &["patient", "income_category"], json!("低所得Ⅰ"));
    assert_eq!(ok(t1).meal_charge, 30 * 110);
    let e = err(with(
        with(v.clone(), &["month"], json!("2026-06")),
        &["patient", "limit_certificate"],
        json!(false),
    ));
    assert!(
        e.contains("no confirmed meal") && e.contains("2026-06"),
        "{e}"
    );
    let e = err(with(v, &["setting"], json!("outpatient")));
    assert!(e.starts_with("meals:"), "{e}");
}

// ---- bad input ----------------------------------------------------------------------------

#[test]
fn bad_input_errors_name_field_and_value() {
    let base = receipt("2025-05", "1970-06-15", "kenpo", "ウ", 1_000);
    let e = err(with(
        base.clone(),
        &["patient", "income_category"],
        json!("カ"),
    ));
    assert!(
        e.starts_with("patient.income_category: unknown value \"カ\" (expected one of ア, イ"),
        "{e}"
    );
    let e = err(with(
        base.clone(),
        &["patient", "birth_date"],
        json!("2025-06-01"),
    ));
    assert!(
        e.starts_with("patient.birth_date: 2025-06-01 is after"),
        "{e}"
    );
    let e = err(with(
        base.clone(),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": "abc"}]),
    ));
    assert!(
        e.starts_with("public_expense[0].monthly_cap: expected a whole number, got \"abc\""),
        "{e}"
    );
    let e = err(with(
        base.clone(),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 10.5}]),
    ));
    assert!(e.starts_with("public_expense[0].monthly_cap"), "{e}");
    let e = err(with(
        base.clone(),
        &["public_expense"],
        json!([{"law": "99"}]),
    ));
    assert!(e.contains("unknown 法別番号 \"99\""), "{e}");
    let e = err(with(
        base.clone(),
        &["public_expense"],
        json!([{"law": "77"}]),
    ));
    assert!(e.contains("unknown 法別番号 \"77\""), "{e}");
    let e = err(with(
        base.clone(),
        &["public_expense"],
        json!([{"law": "54"}]),
    ));
    assert!(
        e.starts_with("public_expense[0].monthly_cap: required"),
        "{e}"
    );
    let e = err(with(
        base.clone(),
        &["patient", "insurance"],
        json!("shaho"),
    ));
    assert!(
        e.starts_with("patient.insurance: unknown value \"shaho\""),
        "{e}"
    );
    let e = err(with(base.clone(), &["points"], json!(-1)));
    assert!(e.starts_with("points:"), "{e}");
    let e = err(with(base.clone(), &["month"], json!("2025-13")));
    assert!(e.starts_with("month:"), "{e}");
    let e = err(with(base.clone(), &["date"], json!("2025-06-01")));
    assert!(e.starts_with("date:"), "{e}");
    let e = err(with(base.clone(), &["setting"], json!("home")));
    assert!(e.starts_with("setting:"), "{e}");
    let e = err(with(base.clone(), &["monthy_cap"], json!(1)));
    assert!(e.starts_with("monthy_cap: unknown field"), "{e}");
    let e = run(json!([1, 2])).unwrap_err().to_string();
    assert!(!e.is_empty());
}

#[test]
fn toml_receipt_is_accepted() {
    let text = r#"
month = "2025-05"
setting = "inpatient"
points = 36452
meals = 0
[patient]
birth_date = 1970-06-15
insurance = "kenpo"
income_category = "ウ"
limit_certificate = true
high_cost_count = 0
specific_disease = false
[[public_expense]]
law = "54"
monthly_cap = 10000
already_paid = 0
"#;
    let r = from_toml(text).unwrap();
    let out = compute(tables(), &r).unwrap();
    assert_eq!(out.patient_pays, 10_000);
}

#[test]
fn visit_with_per_visit_local_cap_and_nanbyo_monthly_cap() {
    let t = tables()
        .clone()
        .with_local_programmes("local-example.toml", rules::copay::LOCAL_EXAMPLE)
        .unwrap();
    let p = from_value(&receipt("2025-05", "2015-06-15", "kokuho", "ウ", 0))
        .unwrap()
        .patient;
    let mk = |paid: i64| Visit {
        patient: p.clone(),
        date: d("2025-05-12"),
        setting: calc::copay::Setting::Outpatient,
        points: 1_000,
        public_expense: vec![calc::copay::PublicExpenseClaim {
            law: "88".into(),
            monthly_cap: None,
            already_paid: paid,
            rate_percent: None,
        }],
        meals: 0,
        rate_percent: None,
        month_to_date: None,
    };
    // 1割 = 1,000 > 500 per visit
    assert_eq!(compute_visit(&t, &mk(0)).unwrap().patient_pays, 500);
    // fourth charged visit: 1,500 paid → 500; fifth: 2,000 paid (= 4 × 500) → 0
    assert_eq!(compute_visit(&t, &mk(1_500)).unwrap().patient_pays, 500);
    assert_eq!(compute_visit(&t, &mk(2_000)).unwrap().patient_pays, 0);
}

#[test]
fn the_same_law_twice_is_an_error() {
    let e = err(with(
        receipt("2025-05", "1970-06-15", "kenpo", "ウ", 1_000),
        &["public_expense"],
        json!([{"law": "54", "monthly_cap": 1}, {"law": "54", "monthly_cap": 2}]),
    ));
    assert!(e.starts_with("public_expense[1].law"), "{e}");
}
