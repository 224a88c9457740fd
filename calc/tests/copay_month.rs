//! The month form: visits in date order, the month's limit across 保険/公費 combinations, local
//! programme switches, 減免, insurer change, 自費 / 公費単独, and the properties (shares add up
//! to the cost; more points never lower the month's patient total). Every expected number is
//! worked in the comment from copayment.md (shared/domain) or the statute it names.

use calc::copay::month::{compute_month, Month, MonthOutput};
use calc::copay::CopayTables;
use proptest::prelude::*;

fn tables() -> &'static CopayTables {
    static T: std::sync::OnceLock<CopayTables> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        CopayTables::embedded()
            .and_then(|t| {
                t.with_local_programmes("local-example.toml", rules::copay::LOCAL_EXAMPLE)
            })
            .expect("tables")
    })
}

fn month(text: &str) -> Result<MonthOutput, String> {
    let m: Month = toml::from_str(text).map_err(|e| e.to_string())?;
    compute_month(tables(), &m).map_err(|e| e.to_string())
}

fn ok(text: &str) -> MonthOutput {
    let o = month(text).expect("computes");
    check_sums(&o);
    o
}

/// Per visit and per month: patient + insurer + Σ public − rounding difference = 医療費 + meals
/// (the insurer's part deducts the unrounded 一部負担金相当額, rules/data/copay/rounding.toml).
fn check_sums(o: &MonthOutput) {
    for v in &o.visits {
        let public: i64 = v.public_pays.iter().map(|p| p.amount).sum();
        assert_eq!(
            v.window_payment + v.insurer_pays + public - v.rounding_difference,
            v.medical_cost + v.meal_charge,
            "visit {}",
            v.date
        );
    }
    let t = &o.totals;
    let public: i64 = t.public_pays.iter().map(|p| p.amount).sum();
    assert_eq!(
        t.patient_pays + t.insurer_pays + public - t.rounding_difference,
        t.medical_cost + t.meal_charge
    );
    for s in &o.combinations {
        let public: i64 = s.public_pays.iter().map(|p| p.amount).sum();
        assert_eq!(
            s.patient_pays + s.insurer_pays + public - s.rounding_difference,
            s.medical_cost + s.meal_charge
        );
    }
}

/// A May 2025 month: the patient (birth date, insurer and further patient lines), then the
/// rest of the month (public_expense, insurer_change, visits) as TOML.
fn may(birth: &str, insurance: &str, patient: &str, rest: &str) -> String {
    format!(
        "month = \"2025-05\"\n[patient]\nbirth_date = \"{birth}\"\ninsurance = \"{insurance}\"\n{patient}\n{rest}"
    )
}

/// Each visit's window payment, in visit order.
fn window_payments(o: &MonthOutput) -> Vec<i64> {
    o.visits.iter().map(|v| v.window_payment).collect()
}

fn pays(v: &[calc::copay::PublicPay], law: &str) -> i64 {
    v.iter().filter(|p| p.law == law).map(|p| p.amount).sum()
}

const UNDER70_U: &str = r#"
month = "2025-05"
[patient]
birth_date = "1980-01-01"
insurance = "kokuho"
income_category = "ウ"
limit_certificate = true
"#;

/// 難病 (54) on some visits, not on others; its monthly cap shared across its visits.
/// copayment.md §4: 54 patient 2割 within the 受給者証's monthly cap; insurance 7割.
#[test]
fn nanbyo_on_some_visits_cap_across_visits() {
    let o = ok(&format!(
        r#"{UNDER70_U}
[[public_expense]]
law = "54"
monthly_cap = 5000
[[visits]]
date = "2025-05-02"
points = 3000
first_visit = true
[[visits]]
date = "2025-05-09"
points = 3000
public = ["54"]
[[visits]]
date = "2025-05-16"
points = 3000
public = ["54"]
paid = 1000
"#
    ));
    // Visit 1, 保険単独: 30,000 × 3割 = 9,000 (ウ limit 80,100 not reached).
    assert_eq!(o.visits[0].window_payment, 9_000);
    assert_eq!(o.visits[0].insurer_pays, 21_000);
    // Visit 2, 54: 一部負担金 9,000; 54's 2割 = 6,000, cap 5,000 → patient 5,000, 54 pays 4,000.
    assert_eq!(o.visits[1].copayment, 9_000);
    assert_eq!(o.visits[1].window_payment, 5_000);
    assert_eq!(pays(&o.visits[1].public_pays, "54"), 4_000);
    // Visit 3, 54: the cap is used up (5,000 paid) → patient 0, 54 pays the 9,000.
    assert_eq!(o.visits[2].window_payment, 0);
    assert_eq!(pays(&o.visits[2].public_pays, "54"), 9_000);
    assert_eq!(o.visits[2].balance, -1_000);
    // Settlement: 保険単独 (1 visit) and 保険+54 (2 visits).
    assert_eq!(o.combinations.len(), 2);
    assert_eq!(o.combinations[1].copayment, 18_000);
    assert_eq!(pays(&o.combinations[1].public_pays, "54"), 13_000);
    assert_eq!(o.totals.window_payments, 14_000);
    assert_eq!(o.totals.paid, 1_000);
    assert_eq!(o.totals.balance, 13_000);
}

/// One limit for the receipt month across combinations: a 自立支援 (21) visit after a large
/// 保険単独 visit. copayment.md §3.1 ウ = 80,100 + (医療費 − 267,000) × 1%, §3.3 (公費併用: the ウ
/// formula on the combination; per facility per month), §6.
#[test]
fn high_cost_limit_across_combinations() {
    let o = ok(&format!(
        r#"{UNDER70_U}
[[public_expense]]
law = "21"
monthly_cap = 5000
[[visits]]
date = "2025-05-07"
points = 25000
[[visits]]
date = "2025-05-20"
points = 10000
public = ["21"]
"#
    ));
    // Visit 1: 250,000 × 3割 = 75,000; limit 80,100 (250,000 < 267,000) → 75,000.
    assert_eq!(o.visits[0].window_payment, 75_000);
    // Visit 2: 100,000 × 3割 = 30,000. The combination's limit (ウ formula on 100,000) is
    // 80,100; the month's: 80,100 + (350,000 − 267,000) × 1% = 80,930, less 75,000 → 5,930.
    assert_eq!(o.visits[1].copayment, 5_930);
    assert_eq!(o.visits[1].insurer_pays, 94_070);
    // 21: 1割 = 10,000, cap 5,000 → patient 5,000; 21 pays 930.
    assert_eq!(o.visits[1].window_payment, 5_000);
    assert_eq!(pays(&o.visits[1].public_pays, "21"), 930);
    // 高額療養費 in kind on the 21 combination: 30,000 − 5,930.
    assert_eq!(o.combinations[1].high_cost, 24_070);
}

/// マル長 across combinations: one 10,000 limit per facility per month (copayment.md §3.3).
#[test]
fn marucho_across_combinations() {
    let o = ok(&may(
        "1960-01-01",
        "kenpo",
        r#"income_category = "ウ"
limit_certificate = true
specific_disease = "dialysis""#,
        r#"
[[public_expense]]
law = "15"
monthly_cap = 20000
[[visits]]
date = "2025-05-01"
points = 2000
[[visits]]
date = "2025-05-08"
points = 2000
public = ["15"]
"#,
    ));
    // Visit 1: 20,000 × 3割 = 6,000 < 10,000.
    assert_eq!(o.visits[0].window_payment, 6_000);
    // Visit 2: 6,000, but the month's マル長 10,000 leaves 4,000; 15 (1割 = 2,000, cap 20,000)
    // → patient 2,000, 15 pays 2,000.
    assert_eq!(o.visits[1].copayment, 4_000);
    assert_eq!(o.visits[1].window_payment, 2_000);
}

/// 国保 一部負担金の減免 (国民健康保険法44条; the receipt's 減免区分 1 減額 2 免除 3 猶予).
#[test]
fn kokuho_reduction_exemption_deferral() {
    let base = |kind: &str| {
        format!(
            r#"
month = "2025-05"
[patient]
birth_date = "1980-01-01"
insurance = "kokuho"
income_category = "ウ"
reduction = {kind}
[[visits]]
date = "2025-05-02"
points = 1234
"#
        )
    };
    // 1,234点 3割 = 3,702 → 3,700 (copayment.md §2); 減額 half → 1,850.
    let o = ok(&base(r#"{ kind = "reduction", rate = 0.5 }"#));
    assert_eq!(o.visits[0].window_payment, 1_850);
    assert_eq!(o.visits[0].reduction.as_ref().unwrap().amount, 1_850);
    // 減額 30% → 3,700 × 7割 = 2,590.
    let o = ok(&base(r#"{ kind = "reduction", rate = 0.3 }"#));
    assert_eq!(o.visits[0].window_payment, 2_590);
    let o = ok(&base(r#"{ kind = "exemption" }"#));
    assert_eq!(o.visits[0].window_payment, 0);
    // The insurer: 医療費 less the unrounded 一部負担金 3,702 (rules/data/copay/rounding.toml
    // insurer_part_deducts, 健保法76条) plus the 3,700 exempted at the window; the facility's
    // rounding difference 3,700 − 3,702 = −2.
    assert_eq!(o.visits[0].insurer_pays, 12_340 - 3_702 + 3_700);
    assert_eq!(o.visits[0].rounding_difference, -2);
    let o = ok(&base(r#"{ kind = "deferral" }"#));
    assert_eq!(o.visits[0].window_payment, 0);
    assert_eq!(o.totals.deferred, 3_700);
    let e = month(&base(r#"{ kind = "exemption", rate = 0.5 }"#)).unwrap_err();
    assert!(e.contains("reduction.rate"), "{e}");
}

/// 自費 and 生活保護 alone (no insurance).
#[test]
fn no_insurance_and_welfare_alone() {
    // 自費: 1,234点 × 10円 = 12,340 (no 一部負担金 rounding: 健保法75条 applies to 一部負担金).
    let o = ok(&may(
        "1980-01-01",
        "none",
        "",
        r#"
[[visits]]
date = "2025-05-02"
points = 1234
"#,
    ));
    assert_eq!(o.visits[0].window_payment, 12_340);
    assert_eq!(o.visits[0].insurer_pays, 0);
    // 生活保護 単独: 12 pays 医療費 in full (patient share 0, copayment.md §4).
    let o = ok(&may(
        "1980-01-01",
        "none",
        "",
        r#"
[[public_expense]]
law = "12"
[[visits]]
date = "2025-05-02"
points = 1234
public = ["12"]
"#,
    ));
    assert_eq!(o.visits[0].window_payment, 0);
    assert_eq!(pays(&o.visits[0].public_pays, "12"), 12_340);
}

/// An insurer change in mid-month: two receipts, each with its own limit (健保 → 国保 on the
/// 16th). ウ: 80,100 each (copayment.md §3.1), so 3割 of 200,000 = 60,000 on each side.
#[test]
fn insurer_change_mid_month() {
    let o = ok(&may(
        "1980-01-01",
        "kenpo",
        r#"income_category = "ウ"
limit_certificate = true"#,
        r#"
[[insurer_change]]
from = "2025-05-16"
insurance = "kokuho"
income_category = "ウ"
limit_certificate = true
[[visits]]
date = "2025-05-02"
points = 20000
[[visits]]
date = "2025-05-20"
points = 20000
[[visits]]
date = "2025-05-27"
points = 10000
"#,
    ));
    assert_eq!(o.visits[0].insurance, "kenpo");
    assert_eq!(o.visits[0].window_payment, 60_000);
    // The 国保 receipt starts at 0: 60,000 (not capped by the 健保 month).
    assert_eq!(o.visits[1].insurance, "kokuho");
    assert_eq!(o.visits[1].window_payment, 60_000);
    // 国保: cumulative 300,000 → 80,100 + 330 = 80,430, less 60,000 → 20,430 (< 30,000).
    assert_eq!(o.visits[2].window_payment, 20_430);
    assert_eq!(o.combinations.len(), 2);
}

/// Local switches (rules/data/copay/local-example.toml): by insurer, first visit only, per-
/// visit cap with a day's second visit, count limit with visits elsewhere.
#[test]
fn local_programme_switches() {
    // 83 for a 国保 patient: 500 per visit; limit_without_certificate.
    let k = ok(&may(
        "1990-01-01",
        "kokuho",
        r#"income_category = "ウ""#,
        r#"
[[public_expense]]
law = "83"
[[visits]]
date = "2025-05-02"
points = 300
public = ["83"]
first_visit = true
[[visits]]
date = "2025-05-09"
points = 100
public = ["83"]
[[visits]]
date = "2025-05-09"
points = 300
public = ["83"]
counts_as_day = false
"#,
    ));
    // 3,000 × 3割 = 900 → 500 (the visit's cap).
    assert_eq!(k.visits[0].window_payment, 500);
    // 1,000 × 3割 = 300: stays under the 500 cap.
    assert_eq!(k.visits[1].window_payment, 300);
    // Same day, not a day of its own: the day's cap leaves 500 − 300 = 200.
    assert_eq!(k.visits[2].window_payment, 200);
    // 83 for a 社保 patient: first visit only.
    let s = ok(&may(
        "1990-01-01",
        "kenpo",
        r#"income_category = "ウ""#,
        r#"
[[public_expense]]
law = "83"
[[visits]]
date = "2025-05-02"
points = 300
public = ["83"]
first_visit = true
[[visits]]
date = "2025-05-09"
points = 300
public = ["83"]
"#,
    ));
    assert_eq!(s.visits[0].window_payment, 500);
    assert_eq!(s.visits[1].window_payment, 0);
    // 88: 10% within 500 per visit, at most 4 charged visits; 3 counted elsewhere.
    let c = ok(&may(
        "2015-06-01",
        "kenpo",
        r#"income_category = "ウ""#,
        r#"
[[public_expense]]
law = "88"
visits_elsewhere = 3
[[visits]]
date = "2025-05-02"
points = 1000
public = ["88"]
[[visits]]
date = "2025-05-09"
points = 1000
public = ["88"]
"#,
    ));
    // 10,000 × 10% = 1,000 → 500 (the 4th charged visit); the 5th is free.
    assert_eq!(c.visits[0].window_payment, 500);
    assert_eq!(c.visits[1].window_payment, 0);
}

/// ½ subsidy, refund above a threshold, free until an age.
#[test]
fn half_subsidy_refund_and_free_until_age() {
    let o = ok(&may(
        "1980-01-01",
        "kokuho",
        r#"income_category = "ウ""#,
        r#"
[[public_expense]]
law = "84"
[[visits]]
date = "2025-05-02"
points = 1234
[[visits]]
date = "2025-05-03"
points = 1234
public = ["84"]
[[visits]]
date = "2025-05-10"
points = 15000
public = ["84"]
"#,
    ));
    // 3,700 (1,234点 3割), half subsidised: 1,850.
    assert_eq!(o.visits[1].window_payment, 1_850);
    // 150,000 × 3割 = 45,000, half: 22,500. Month under 84: 24,350 > 20,000 → refunded.
    assert_eq!(o.visits[2].window_payment, 22_500);
    assert_eq!(o.combinations[1].refunds[0].amount, 24_350);
    assert_eq!(o.combinations[1].patient_pays, 0);
    assert_eq!(o.totals.patient_pays, 3_700);
    // 85: free below 3, then 200 per visit (child born 2023-06-01: 1 on the date; 2020-06-01: 4).
    let visit = |birth: &str| {
        format!(
            r#"
month = "2025-05"
[patient]
birth_date = "{birth}"
insurance = "kenpo"
income_category = "ウ"
[[public_expense]]
law = "85"
[[visits]]
date = "2025-05-02"
points = 1000
public = ["85"]
"#
        )
    };
    assert_eq!(ok(&visit("2023-06-01")).visits[0].window_payment, 0);
    // 4 years old: 未就学 2割 = 2,000 → 200.
    assert_eq!(ok(&visit("2020-06-01")).visits[0].window_payment, 200);
}

/// Bad input names the field and the value.
#[test]
fn bad_month_input() {
    let e = month(&format!(
        "{UNDER70_U}\n[[visits]]\ndate = \"2025-06-02\"\npoints = 10\n"
    ))
    .unwrap_err();
    assert!(
        e.contains("visits[0].date") && e.contains("2025-06-02"),
        "{e}"
    );
    let e = month(&format!(
        "{UNDER70_U}\n[[visits]]\ndate = \"2025-05-02\"\npoints = 10\npublic = [\"54\"]\n"
    ))
    .unwrap_err();
    assert!(e.contains("visits[0].public[0]") && e.contains("54"), "{e}");
    let e = month(&format!("{UNDER70_U}\nvisits = []\n")).unwrap_err();
    assert!(e.contains("visits"), "{e}");
}

/// Under 70 a 公費 part counts toward the month's 合算 what the patient paid under it
/// (健康保険法施行令41条1項: 1号 the 保険単独 part, 2号 the 特定給付対象療養 apart; the 2号
/// measure — the patient's payment after the 公費 — is the vendor's GuidBook reading, its text
/// not retrieved: see copay-vectors-explained.toml). A 54 visit paid wholly by 54 (cap 0) counts
/// nothing, so more points on it leave the 保険単独 visit's limit alone: 257,920 × 3割 = 77,376
/// → 77,380 (10円, 5円 up; copayment.md §2), under its own ウ limit 80,100 (医療費 < 267,000;
/// §3.1). This was the first counterexample of the patient-total property (the 公費-paid
/// 一部負担金 counted): it no longer is one.
#[test]
fn mixed_month_public_part_counts_what_the_patient_paid() {
    let a = ok(&prop_month(&[0, 0, 25792], &[true, false, false], 0));
    assert_eq!(a.totals.patient_pays, 77_380);
    let b = ok(&prop_month(&[909, 0, 25792], &[true, false, false], 0));
    assert_eq!(b.visits[0].window_payment, 0);
    assert_eq!(b.visits[2].window_payment, 77_380);
    assert_eq!(b.totals.patient_pays, 77_380);
}

/// An オ patient with three 公費 (54, 21, 15, each cap 5,000) then a 保険単独 visit.
fn o_three_public(last_points: i64) -> String {
    format!(
        r#"month = "2025-05"
setting = "outpatient"
patient = {{ birth_date = "1980-01-01", insurance = "kenpo", income_category = "オ", limit_certificate = true }}
public_expense = [{{ law = "54", monthly_cap = 5000 }}, {{ law = "21", monthly_cap = 5000 }}, {{ law = "15", monthly_cap = 5000 }}]
[[visits]]
date = "2025-05-01"
points = 10000
public = ["54"]
[[visits]]
date = "2025-05-02"
points = 10000
public = ["21"]
[[visits]]
date = "2025-05-07"
points = 10000
public = ["15"]
[[visits]]
date = "2025-05-08"
points = {last_points}
"#
    )
}

/// The patient total is not monotone by the law itself: under 70 the 保険単独 part joins the
/// month's 合算 only from 21,000円 (健康保険法施行令41条1項1号, "二万千円以上のものに限る";
/// https://ja.wikibooks.org/wiki/健康保険法施行令第41条), and joined, the オ limit 35,400
/// (copayment.md §3.1) less the 15,000 the patient paid under 54, 21 and 15 (5,000 each: 2割 /
/// 1割 of 100,000 within each cap, §4) leaves 20,400. 6,997点: 69,970 × 3割 = 20,991 → 20,990
/// (10円, 5円 up, §2), under 21,000 → its own limit 35,400 → 20,990; month 35,990. 7,004点:
/// 70,040 × 3割 = 21,012 → 21,010 ≥ 21,000 → 20,400; month 35,400 — 590 less for more points.
/// Also goldens/copay/month-gassan-21000-{below,crossing}.toml.
#[test]
fn the_21000_threshold_can_lower_the_patient_total() {
    let a = ok(&o_three_public(6997));
    let b = ok(&o_three_public(7004));
    assert_eq!(window_payments(&a), [5_000, 5_000, 5_000, 20_990]);
    assert_eq!(window_payments(&b), [5_000, 5_000, 5_000, 20_400]);
    assert_eq!(a.totals.patient_pays, 35_990);
    assert_eq!(b.totals.patient_pays, 35_400);
}

fn prop_month(points: &[i64], public: &[bool], cap: i64) -> String {
    prop_month_with(points, public, cap, true, None)
}

/// `certificate`: the patient's 限度額適用認定証; `only`: every visit under this combination
/// (0 = 保険単独, 1 = 54, 2 = 83, 3 = 54 + 83) instead of the mix by `public`.
fn prop_month_with(
    points: &[i64],
    public: &[bool],
    cap: i64,
    certificate: bool,
    only: Option<usize>,
) -> String {
    let mut s = format!(
        "{}\n[[public_expense]]\nlaw = \"54\"\nmonthly_cap = {cap}\n[[public_expense]]\nlaw = \"83\"\n",
        UNDER70_U.replace("limit_certificate = true", &format!("limit_certificate = {certificate}"))
    );
    for (i, (p, pubx)) in points.iter().zip(public).enumerate() {
        let day = 1 + (i % 28);
        let pick = match only {
            Some(0) => (false, 0),
            Some(k) => (true, k - 1),
            None => (*pubx, i % 3),
        };
        let laws = match pick {
            (false, _) => "",
            (true, 0) => "public = [\"54\"]",
            (true, 1) => "public = [\"83\"]",
            (true, _) => "public = [\"54\", \"83\"]",
        };
        s.push_str(&format!(
            "[[visits]]\ndate = \"2025-05-{day:02}\"\npoints = {p}\n{laws}\n"
        ));
    }
    s
}

/// Σ 一部負担金 of the month (each visit's `copayment`: the insurance share within the
/// 高額療養費 limit, before any 公費 takes part of it).
/// Every part (combination) of the month below 21,000 of 一部負担金 (健康保険法施行令41条1項1号).
fn below_21000(o: &MonthOutput) -> bool {
    o.combinations.iter().all(|c| c.copayment < 21_000)
}

fn copayment_total(o: &MonthOutput) -> i64 {
    o.visits.iter().map(|v| v.copayment).sum()
}

/// The second counterexample of the patient-total property: under 83's per-visit cap
/// (local-example.toml: 500 per visit) after the ウ limit applies at the window, each visit's
/// 一部負担金 is the limit on the month's cumulative 医療費 less what the month already counted
/// (copayment.md §3.3, §6 step 3), and the limit's 1% term is rounded to 1円 on each cumulative
/// 医療費 (50銭 up, 健保法施行令42条; copayment.md §2). Points [17284, 51796, 21521, 1724]:
/// visit 1: 172,840 × 3割 = 51,852 → 51,850; visit 2: L(690,800) = 80,100 + 4,238 = 84,338,
/// − 51,850 = 32,488; visit 3: L(906,010) = 80,100 + 6,390 (6,390.1) = 86,490, − 84,338 =
/// 2,152; visit 4: L(923,250) = 80,100 + 6,563 (6,562.5 → up) = 86,663, − 86,490 = 173. Each
/// capped at 500: 500 + 500 + 500 + 173 = 1,673. With 4 more points on visit 1 (172,880 →
/// 51,864 → 51,860): L(690,840) = 84,338 (4,238.4); L(906,050) = 86,491 (6,390.5 → up), so
/// visit 3 takes 2,153 and visit 4 only 86,663 − 86,491 = 172: 1,672 — one yen less, by the
/// official rounding alone. The month's 一部負担金 is L(923,250) = L(923,290) = 86,663 both
/// times: it does not fall.
#[test]
fn per_visit_cap_after_the_limit_follows_the_cumulative_rounding() {
    let text = |p: &[i64]| prop_month_with(p, &[false; 12], 0, true, Some(2));
    let a = ok(&text(&[17284, 51796, 21521, 1724]));
    let b = ok(&text(&[17288, 51796, 21521, 1724]));
    let shares = |o: &MonthOutput| o.visits.iter().map(|v| v.copayment).collect::<Vec<_>>();
    assert_eq!(shares(&a), [51_850, 32_488, 2_152, 173]);
    assert_eq!(shares(&b), [51_860, 32_478, 2_153, 172]);
    assert_eq!(a.totals.patient_pays, 1_673);
    assert_eq!(b.totals.patient_pays, 1_672);
    assert_eq!(copayment_total(&a), 86_663);
    assert_eq!(copayment_total(&b), 86_663);
}

/// The third counterexample of the patient-total property, with no limit at the window: 54's
/// monthly cap is one cap for every visit 54 takes part in (copayment.md §4: the 自己負担上限額
/// counts 54's 2割 share of each 54 visit, whichever 公費 pays part of it afterwards), and 83
/// then caps each visit it takes part in at 500 (local-example.toml, law 83, per_visit_cap).
/// Cap 2,500; visit 4 under 54 alone, 253点: 2,530 × 2割 = 506 → 510 (10円, 5円 up) — the
/// patient's whole month: 510. With 1,248点 on visit 3 (54 + 83): 12,480 × 2割 = 2,496 →
/// 2,500, the whole cap; 83 leaves the patient 500 of it; visit 4 then finds the cap used up:
/// 0. The month: 500 — ten yen less for more points, by the caps as the rules give them.
#[test]
fn a_shared_monthly_cap_then_a_per_visit_cap_can_lower_the_patient_total() {
    let public = [false, false, true, true];
    let a = ok(&prop_month_with(
        &[0, 0, 0, 253],
        &public,
        2500,
        false,
        None,
    ));
    let b = ok(&prop_month_with(
        &[0, 0, 1248, 253],
        &public,
        2500,
        false,
        None,
    ));
    assert_eq!(window_payments(&a), [0, 0, 0, 510]);
    assert_eq!(window_payments(&b), [0, 0, 500, 0]);
    assert_eq!(a.totals.patient_pays, 510);
    assert_eq!(b.totals.patient_pays, 500);
}

const OVER70_IPPAN: &str = r#"
month = "2025-05"
[patient]
birth_date = "1952-01-01"
insurance = "kokuho"
income_category = "一般"
"#;

/// A 70+ 一般 month (73 in May 2025: 2割; the 外来 limit 18,000, copayment.md §3.2) of
/// 保険単独 and 54 visits: `public[i]` puts visit i under 54 (cap `cap`); `only` puts every
/// visit under 保険単独 (Some(false)) or 54 (Some(true)).
fn over70_month(points: &[i64], public: &[bool], cap: i64, only: Option<bool>) -> String {
    let mut s = format!("{OVER70_IPPAN}\n[[public_expense]]\nlaw = \"54\"\nmonthly_cap = {cap}\n");
    for (i, p) in points.iter().enumerate() {
        let day = 1 + (i % 28);
        let laws = if only.unwrap_or_else(|| public[i]) {
            "public = [\"54\"]"
        } else {
            ""
        };
        s.push_str(&format!(
            "[[visits]]\ndate = \"2025-05-{day:02}\"\npoints = {p}\n{laws}\n"
        ));
    }
    s
}

/// 70 and over every part joins the month's one limit (no 21,000円 threshold: copayment.md §3.2,
/// 健康保険法施行令41条1項), the 保険単独 part with its 一部負担金 and a 54 part with what the
/// patient paid under it (rules/data/copay/high_cost.toml public_part_counts_paid_70plus, as the
/// 計算事例 高齢受給者 平成30年8月 事例45 works it: 5,000 + 13,000 = 18,000). 70+ 一般 (2割,
/// 外来 18,000), visit 1 under 54, 4,500点: 45,000 × 2割 = 9,000 一部負担金. With cap 0, 54 pays
/// it all; visit 2 保険単独 7,500点: 15,000, the limit 18,000 less the 0 paid → 15,000. With cap
/// 5,000 the patient pays 5,000 under 54; visit 2: 18,000 − 5,000 = 13,000. More points under 54
/// (9,000点: 一部負担金 18,000, paid 0 with cap 0) leave visit 2 at 15,000.
#[test]
fn over_70_a_public_part_counts_what_the_patient_paid() {
    let a = ok(&over70_month(&[4500, 7500], &[true, false], 0, None));
    let b = ok(&over70_month(&[9000, 7500], &[true, false], 0, None));
    let c = ok(&over70_month(&[4500, 7500], &[true, false], 5000, None));
    assert_eq!(window_payments(&a), [0, 15_000]);
    assert_eq!(window_payments(&b), [0, 15_000]);
    assert_eq!(window_payments(&c), [5_000, 13_000]);
    assert_eq!(copayment_total(&a), 24_000);
    assert_eq!(copayment_total(&b), 33_000);
    assert_eq!(c.totals.patient_pays, 18_000);
}

/// 70 and over, a 公費 part joining after the month's limit is reached: the part keeps its own
/// 公費併用 limit on its 一部負担金 and its 公費 pays its share; the month's limit bounds what the
/// patient bears after the 公費 (健康保険法施行令41条1項, the 2号 amount as the 計算事例 高齢受給者
/// 平成30年8月 事例45 counts it; tests/data/copay-vectors-explained.toml, the counting note: the
/// vendor's T007_05_Over70_10per_k4_2daySum_kok2hei, here with 2割). 70+ 低所得Ⅱ with its
/// 限度額適用認定証 (2割, 外来 8,000 at the window, copayment.md §1, §3.2). Visit 1 保険単独 10,000点: 100,000 × 2割 = 20,000 → 8,000, insurer
/// 92,000. Visit 2 under 21 (1割, cap 5,000; its 公費併用 limit income-independent: 一般 18,000,
/// copayment.md §3.3) 10,000点: 20,000 → 18,000; 21 leaves the patient min(10,000, 5,000) =
/// 5,000 and pays 13,000; the month's 8,000 is reached, so the 高額療養費 takes those 5,000:
/// insurer 82,000 + 5,000 = 87,000, window 0 (the month: 8,000 + 5,000 − 8,000 = 5,000 more).
#[test]
fn over_70_a_public_part_after_the_limit_keeps_its_public_share() {
    let o = ok(r#"
month = "2025-05"
[patient]
birth_date = "1952-01-01"
insurance = "kokuho"
income_category = "低所得Ⅱ"
limit_certificate = true
[[public_expense]]
law = "21"
monthly_cap = 5000
[[visits]]
date = "2025-05-01"
points = 10000
[[visits]]
date = "2025-05-02"
points = 10000
public = ["21"]
"#);
    assert_eq!(window_payments(&o), [8_000, 0]);
    assert_eq!(o.visits[0].insurer_pays, 92_000);
    assert_eq!(o.visits[1].insurer_pays, 87_000);
    assert_eq!(o.visits[1].public_pays[0].amount, 13_000);
}

proptest! {
    // 200 cases in CI; PROPTEST_CASES raises it locally (e.g. 20000), the generator unchanged.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200)
    ))]

    /// Each visit's payment and the month's shares add up to the cost.
    #[test]
    fn shares_add_up(points in prop::collection::vec(0i64..60_000, 1..12),
                     public in prop::collection::vec(any::<bool>(), 12),
                     cap in prop::sample::select(vec![0i64, 2500, 5000, 10000])) {
        let o = month(&prop_month(&points, &public, cap)).unwrap();
        check_sums(&o);
    }

    /// The monotone quantity over its domain: raising one visit's points never lowers the
    /// month's 一部負担金 (Σ copayment) in a one-layer month (保険単独, 54, 83 or 54 + 83 alone,
    /// with or without the limit at the window), nor in a mixed month where no part reaches
    /// 21,000 (each part then held to its own limit, 健康保険法施行令41条1項1号). Why: a visit's
    /// rate share rounded to 10円 (5円 up, 健保法75条 / 国保法42条の2) and the limit with its 1%
    /// term rounded to 1円 (50銭 up, 健保法施行令42条) are both nondecreasing in 医療費, and a
    /// part so far is min(so far + the visit's share, the limit on its cumulative 医療費)
    /// (copayment.md §2, §3.3, §6). Outside that domain the law itself breaks it: a part that
    /// reaches 21,000 joins the month's 合算 and lowers the others' limit
    /// (`the_21000_threshold_can_lower_the_patient_total`).
    #[test]
    fn more_points_never_lower_the_months_copayment(
                     points in prop::collection::vec(0i64..60_000, 1..12),
                     public in prop::collection::vec(any::<bool>(), 12),
                     cap in prop::sample::select(vec![0i64, 2500, 5000, 10000]),
                     only in prop::sample::select(vec![None, Some(0usize), Some(1), Some(2), Some(3)]),
                     certificate in any::<bool>(),
                     which in any::<prop::sample::Index>(), extra in 1i64..20_000) {
        // Mixed months with small points, so that most stay below 21,000 per part.
        let points: Vec<i64> = if only.is_none() { points.iter().map(|p| p % 1_500).collect() } else { points };
        let a = month(&prop_month_with(&points, &public, cap, certificate, only)).unwrap();
        let mut more = points.clone();
        let i = which.index(more.len());
        more[i] += if only.is_none() { extra % 1_500 + 1 } else { extra };
        let b = month(&prop_month_with(&more, &public, cap, certificate, only)).unwrap();
        if only.is_none() {
            prop_assume!(below_21000(&a) && below_21000(&b));
        }
        prop_assert!(copayment_total(&b) >= copayment_total(&a),
            "{} → {}: {:?} {:?}", copayment_total(&a), copayment_total(&b), points, more);
    }

    /// The patient total over a mixed month of 保険単独 and 54 visits where no part reaches
    /// 21,000 (41条1項1号: each part alone; 54's monthly cap is one min over the month).
    #[test]
    fn more_points_never_lower_the_patient_total_in_a_mixed_month_below_21000(
                     points in prop::collection::vec(0i64..1_500, 1..12),
                     public in prop::collection::vec(any::<bool>(), 12),
                     cap in prop::sample::select(vec![0i64, 2500, 5000, 10000]),
                     certificate in any::<bool>(),
                     which in any::<prop::sample::Index>(), extra in 1i64..1_500) {
        let text = |p: &[i64]| prop_month_with(p, &public, cap, certificate, None)
            .replace("public = [\"83\"]", "public = [\"54\"]")
            .replace("public = [\"54\", \"83\"]", "public = [\"54\"]");
        let a = month(&text(&points)).unwrap();
        let mut more = points.clone();
        let i = which.index(more.len());
        more[i] += extra;
        let b = month(&text(&more)).unwrap();
        prop_assume!(below_21000(&a) && below_21000(&b));
        prop_assert!(b.totals.patient_pays >= a.totals.patient_pays,
            "{} → {}: {:?} {:?}", a.totals.patient_pays, b.totals.patient_pays, points, more);
    }

    /// The patient's month total (what the window collects, after 公費) is not monotone in
    /// general, by the rules themselves: (1) under 70 a part that reaches 21,000 joins the
    /// month's 合算 (健康保険法施行令41条1項1号) and the limit less what the other parts count
    /// can then be below what it paid alone (`the_21000_threshold_can_lower_the_patient_total`);
    /// (2) a per-visit cap on each visit's increment of the limit follows the limit's 1円
    /// rounding on the cumulative 医療費
    /// (`per_visit_cap_after_the_limit_follows_the_cumulative_rounding`); (3) a monthly cap
    /// shared by visits of which some carry a second 公費 with a per-visit cap
    /// (`a_shared_monthly_cap_then_a_per_visit_cap_can_lower_the_patient_total`). Where none
    /// can occur it holds: every visit of the month under one layer — 保険単独 or 54 alone with
    /// the limit at the window (the month so far is min(so far + share, limit or cap), each
    /// term nondecreasing), or 83 alone without it (each visit its own 10円-rounded share,
    /// then the per-visit cap) — and mixed 保険単独 / 54 months below 21,000 (the test above).
    #[test]
    fn more_points_never_lower_the_patient_total_in_a_one_layer_month(
                     points in prop::collection::vec(0i64..60_000, 1..12),
                     public in prop::collection::vec(any::<bool>(), 12),
                     cap in prop::sample::select(vec![0i64, 2500, 5000, 10000]),
                     only in prop::sample::select(vec![0usize, 1, 2]),
                     which in any::<prop::sample::Index>(), extra in 1i64..20_000) {
        // 0 = 保険単独, 1 = 54 (each with the limit at the window), 2 = 83 (without it).
        let certificate = only != 2;
        let only = Some(only);
        let a = month(&prop_month_with(&points, &public, cap, certificate, only)).unwrap();
        let mut more = points.clone();
        let i = which.index(more.len());
        more[i] += extra;
        let b = month(&prop_month_with(&more, &public, cap, certificate, only)).unwrap();
        prop_assert!(b.totals.patient_pays >= a.totals.patient_pays,
            "{} → {}: {:?} {:?}", a.totals.patient_pays, b.totals.patient_pays, points, more);
    }

    /// 70 and over, any mix of 保険単独 and 54 visits: the patient's month never falls for more
    /// points. The month's one limit counts the 保険単独 part's 一部負担金 and what the patient
    /// paid under 54 (rules/data/copay/high_cost.toml public_part_counts_paid_70plus: the
    /// 計算事例 高齢受給者 平成30年8月), so the patient's payments are held to the flat 一般 外来
    /// limit together, and each visit's share is nondecreasing in its 医療費. (The month's
    /// Σ 一部負担金 is not monotone under that counting: a 保険単独 part that grows leaves less
    /// of the limit to a later 54 part's 一部負担金, which the patient did not pay.)
    #[test]
    fn over_70_more_points_never_lower_the_patient_month(
                     points in prop::collection::vec(0i64..20_000, 1..12),
                     public in prop::collection::vec(any::<bool>(), 12),
                     cap in prop::sample::select(vec![0i64, 2500, 5000, 10000]),
                     which in any::<prop::sample::Index>(), extra in 1i64..20_000) {
        let a = month(&over70_month(&points, &public, cap, None)).unwrap();
        let mut more = points.clone();
        let i = which.index(more.len());
        more[i] += extra;
        let b = month(&over70_month(&more, &public, cap, None)).unwrap();
        check_sums(&b);
        prop_assert!(b.totals.patient_pays >= a.totals.patient_pays,
            "{} → {}: {:?} {:?}", a.totals.patient_pays, b.totals.patient_pays, points, more);
    }

    /// 70 and over, every visit under one layer (保険単独, or 54 alone): the patient's month
    /// never falls (the month so far is min(so far + share, the limit or the cap), each term
    /// nondecreasing); for a mix see `over_70_more_points_never_lower_the_patient_month`.
    #[test]
    fn over_70_more_points_never_lower_the_patient_total_in_a_one_layer_month(
                     points in prop::collection::vec(0i64..20_000, 1..12),
                     cap in prop::sample::select(vec![0i64, 2500, 5000, 10000]),
                     under54 in any::<bool>(),
                     which in any::<prop::sample::Index>(), extra in 1i64..20_000) {
        let only = Some(under54);
        let a = month(&over70_month(&points, &[], cap, only)).unwrap();
        let mut more = points.clone();
        let i = which.index(more.len());
        more[i] += extra;
        let b = month(&over70_month(&more, &[], cap, only)).unwrap();
        prop_assert!(b.totals.patient_pays >= a.totals.patient_pays,
            "{} → {}: {:?} {:?}", a.totals.patient_pays, b.totals.patient_pays, points, more);
    }
}
