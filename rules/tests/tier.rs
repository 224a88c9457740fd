//! Tier decisions against the acceptance list and the domain tables
//! (/work/shared/domain/medical-dx-addons.md §1 and §6; every number below is from there).

use rules::tier::facts::Fact;
use rules::tier::{FacilityKind, FacilityProfile, MonthResult, Status, TierRules, UsageRecord};
use rules::YearMonth;
use rust_decimal::Decimal;
use std::str::FromStr;

const EXAMPLE: &str = r#"kind = "clinic"                  # hospital | clinic | dental | pharmacy
e_prescription_since = "2025-02-01"
electronic_sharing_since = "2026-06-01"   # ヌ: 電磁的方法により診療情報を共有し活用する体制
pediatric_outpatient_fee = true  # bills 小児科外来診療料
under6_share_2024 = 0.34         # share of under-6 patients in calendar 2024
[[usage]]
month = "2025-01"
receipt_based = 0.47             # マイナ保険証利用人数 / レセプト件数
online_based = 0.52              # マイナ保険証利用件数 / オンライン資格確認件数 (optional)
"#;

fn rules() -> TierRules {
    TierRules::embedded().unwrap_or_else(|e| panic!("{e}"))
}
fn ym(s: &str) -> YearMonth {
    s.parse().unwrap()
}
fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn example() -> FacilityProfile {
    FacilityProfile::from_toml("example.toml", EXAMPLE).unwrap_or_else(|e| panic!("{e}"))
}
fn clinic() -> FacilityProfile {
    FacilityProfile {
        kind: FacilityKind::Clinic,
        e_prescription_since: None,
        electronic_sharing_since: None,
        facts: Default::default(),
        usage: Vec::new(),
    }
}
fn with_rate(
    mut p: FacilityProfile,
    month: &str,
    receipt: Option<&str>,
    online: Option<&str>,
) -> FacilityProfile {
    p.usage.push(UsageRecord {
        month: ym(month),
        receipt_based: receipt.map(d),
        online_based: online.map(d),
    });
    p
}
/// Set (or, with `None`, clear) a declared fact of a profile.
fn set(p: &mut FacilityProfile, name: &str, v: Option<Fact>) {
    match v {
        Some(v) => p.facts.insert(name.into(), v),
        None => p.facts.remove(name),
    };
}
fn eval(p: &FacilityProfile, m: &str) -> MonthResult {
    rules().evaluate_month(p, ym(m))
}
fn points(r: &MonthResult) -> (Option<u32>, Option<u32>, Option<u32>) {
    let p = r.points.unwrap_or_else(|| panic!("no points: {r:?}"));
    (p.ika, p.shika, p.chozai)
}

#[test]
fn example_profile_is_accepted_and_exact() {
    let p = example();
    assert_eq!(p.kind, FacilityKind::Clinic);
    assert_eq!(
        p.facts.get("under6_share_2024"),
        Some(&Fact::Num(d("0.34")))
    );
    assert_eq!(p.usage[0].receipt_based, Some(d("0.47")));
    assert_eq!(p.usage[0].online_based, Some(d("0.52")));
    assert_eq!(p.facts.get("usage_record_2026"), None);
}

#[test]
fn example_2025_04_is_tier_1() {
    let r = eval(&example(), "2025-04");
    assert_eq!(r.status, Status::Qualified);
    assert_eq!(r.family.as_deref(), Some("dx_suishin"));
    assert_eq!(r.tier, Some(1));
    assert_eq!(points(&r), (Some(12), Some(11), Some(10)));
    let used = r.rate_used.as_ref().unwrap();
    assert_eq!(used.month, ym("2025-01"));
    assert_eq!(used.value.0, d("0.47"));
    assert_eq!(r.threshold.unwrap().0, d("0.45"));
    assert!(!r.pediatric_exemption);
    assert!(r.unmet.is_empty());
}

#[test]
fn example_without_e_prescription_is_tier_4() {
    let mut p = example();
    p.e_prescription_since = None;
    let r = eval(&p, "2025-04");
    assert_eq!(r.tier, Some(4));
    assert_eq!(points(&r), (Some(10), Some(9), None));
    // The unmet list explains why tiers 1–3 were not chosen, each with its rule id.
    let ids: Vec<&str> = r.unmet.iter().map(|u| u.rule.as_str()).collect();
    assert!(ids.contains(&"dx_r7_04.t1.erx"), "{ids:?}");
    assert!(r.reason.contains("加算1は"), "{}", r.reason);
}

#[test]
fn capability_counts_from_the_first_day_of_the_month() {
    let mut p = with_rate(clinic(), "2025-01", Some("0.47"), None);
    p.e_prescription_since = Some(chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap());
    assert_eq!(eval(&p, "2025-04").tier, Some(1));
    p.e_prescription_since = Some(chrono::NaiveDate::from_ymd_opt(2025, 4, 2).unwrap());
    assert_eq!(eval(&p, "2025-04").tier, Some(4));
}

fn pediatric(erx: bool) -> FacilityProfile {
    let mut p = clinic();
    set(&mut p, "pediatric_outpatient_fee", Some(Fact::Bool(true)));
    set(&mut p, "under6_share_2024", Some(Fact::Num(d("0.30"))));
    if erx {
        p.e_prescription_since = Some(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    }
    p
}

#[test]
fn pediatric_exemption_2025_04() {
    let p = with_rate(pediatric(true), "2025-01", Some("0.13"), None);
    let r = eval(&p, "2025-04");
    assert_eq!(r.tier, Some(3));
    assert_eq!(points(&r), (Some(10), Some(8), Some(6)));
    assert_eq!(r.threshold.unwrap().0, d("0.12"));
    assert!(r.pediatric_exemption);

    let p = with_rate(pediatric(false), "2025-01", Some("0.13"), None);
    let r = eval(&p, "2025-04");
    assert_eq!(r.tier, Some(6));
    assert_eq!(points(&r), (Some(8), Some(6), None));
    assert!(r.pediatric_exemption);

    // Without the 特例 facts: 13% < 15% → no tier.
    let mut p = with_rate(clinic(), "2025-01", Some("0.13"), None);
    p.e_prescription_since = Some(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    let r = eval(&p, "2025-04");
    assert_eq!(r.status, Status::NoTier);
    assert_eq!(r.tier, None);
    assert_eq!(r.threshold.unwrap().0, d("0.15"));
    assert!(!r.pediatric_exemption);

    // Under-6 share below 30% or no 小児科外来診療料: no 特例.
    let mut p = with_rate(pediatric(true), "2025-01", Some("0.13"), None);
    set(&mut p, "under6_share_2024", Some(Fact::Num(d("0.2999"))));
    assert_eq!(eval(&p, "2025-04").tier, None);
    let mut p = with_rate(pediatric(true), "2025-01", Some("0.13"), None);
    set(&mut p, "pediatric_outpatient_fee", Some(Fact::Bool(false)));
    assert_eq!(eval(&p, "2025-04").tier, None);
}

#[test]
fn pediatric_thresholds_later_periods() {
    // 2025-10 – 2026-02: 22% (else 25%); 2026-03 – 2026-05: 27% (else 30%).
    let p = with_rate(pediatric(true), "2025-07", Some("0.22"), None);
    let r = eval(&p, "2025-10");
    assert_eq!((r.tier, r.threshold.unwrap().0), (Some(3), d("0.22")));
    let p = with_rate(pediatric(true), "2025-07", Some("0.2199"), None);
    assert_eq!(eval(&p, "2025-10").tier, None);
    let p = with_rate(pediatric(true), "2025-12", Some("0.27"), None);
    let r = eval(&p, "2026-03");
    assert_eq!((r.tier, r.threshold.unwrap().0), (Some(3), d("0.27")));
    assert!(r.pediatric_exemption);
}

#[test]
fn online_basis_allowed_until_2025_01_only() {
    let p = with_rate(clinic(), "2024-08", None, Some("0.16"));
    let r = eval(&p, "2024-10");
    assert_eq!(r.tier, Some(1));
    assert_eq!(points(&r), (Some(11), Some(9), Some(7)));
    assert_eq!(r.threshold.unwrap().0, d("0.15"));
    let used = r.rate_used.as_ref().unwrap();
    assert_eq!(serde_json::to_value(used.basis).unwrap(), "online");
    assert_eq!(used.month, ym("2024-08"));

    // 2025-01 still allows online (M-2 = 2024-11).
    let p = with_rate(clinic(), "2024-11", None, Some("0.31"));
    assert_eq!(eval(&p, "2025-01").tier, Some(1));

    // 2025-02: only receipt-based counts.
    let p = with_rate(clinic(), "2024-12", None, Some("0.16"));
    let r = eval(&p, "2025-02");
    assert_eq!(r.status, Status::MissingRate);
    assert_eq!(r.tier, None);
    assert!(r.reason.contains("2024-11の利用率なし"), "{}", r.reason);
    assert!(
        r.reason
            .contains("2024-12のオンライン資格確認件数ベースの利用率16%はこの月には使えません"),
        "the refused online rate is named: {}",
        r.reason
    );
}

#[test]
fn best_of_three_receipt_months() {
    let p = with_rate(clinic(), "2025-01", Some("0.20"), None);
    let mut p = with_rate(p, "2024-11", Some("0.46"), None);
    p.e_prescription_since = Some(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    let r = eval(&p, "2025-04");
    assert_eq!(r.tier, Some(1));
    let used = r.rate_used.as_ref().unwrap();
    assert_eq!(used.month, ym("2024-11"));
    assert_eq!(used.value.0, d("0.46"));
    assert!(r.reason.contains("2024-11"), "{}", r.reason);
    // M-6 is not allowed.
    let mut p = with_rate(clinic(), "2024-10", Some("0.46"), None);
    p.e_prescription_since = Some(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    assert_eq!(eval(&p, "2025-04").status, Status::MissingRate);
}

#[test]
fn single_tier_2024_06_to_09_and_before() {
    for m in ["2024-06", "2024-07", "2024-08", "2024-09"] {
        let r = eval(&clinic(), m);
        assert_eq!(r.status, Status::Qualified, "{m}");
        assert_eq!(points(&r), (Some(8), Some(6), Some(4)));
        assert!(r.rate_used.is_none() && r.threshold.is_none());
    }
    let r = eval(&clinic(), "2024-05");
    assert_eq!(r.status, Status::NotInForce);
    assert_eq!(r.tier, None);
    assert!(r.reason.contains("まだ存在しません"), "{}", r.reason);
}

#[test]
fn missing_rate_is_not_tier_zero() {
    let r = eval(&clinic(), "2025-04");
    assert_eq!(r.status, Status::MissingRate);
    assert_eq!(r.tier, None);
    assert!(r.points.is_none());
    assert!(r.reason.contains("2025-01の利用率なし"), "{}", r.reason);
}

#[test]
fn exact_decimal_thresholds() {
    let text = "kind = \"clinic\"\ne_prescription_since = 2024-01-01\n[[usage]]\nmonth = \"2025-01\"\nreceipt_based = 0.45\n";
    let p = FacilityProfile::from_toml("p.toml", text).unwrap();
    assert_eq!(eval(&p, "2025-04").tier, Some(1));
    let p = FacilityProfile::from_json(
        "p.json",
        r#"{"kind":"clinic","e_prescription_since":"2024-01-01","usage":[{"month":"2025-01","receipt_based":0.45}]}"#,
    )
    .unwrap();
    assert_eq!(eval(&p, "2025-04").tier, Some(1));
    let p = FacilityProfile::from_json(
        "p.json",
        r#"{"kind":"clinic","e_prescription_since":"2024-01-01","usage":[{"month":"2025-01","receipt_based":0.44999999999999999}]}"#,
    )
    .unwrap();
    assert_eq!(
        eval(&p, "2025-04").tier,
        Some(2),
        "0.44999999999999999 must not round up to 45%"
    );
    // Strings and percentages are accepted too.
    let p = FacilityProfile::from_toml(
        "p.toml",
        "kind = \"clinic\"\n[[usage]]\nmonth = \"2025-01\"\nreceipt_based = \"45%\"\n",
    )
    .unwrap();
    assert_eq!(p.usage[0].receipt_based, Some(d("0.45")));
}

/// Domain §1 table: points per period and tier (医科/歯科/調剤), and thresholds.
#[test]
fn domain_tables_r6_r7() {
    let erx = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    // (month, rate month, rates per tier 1..3 as thresholds, points per tier)
    type Case<'a> = (&'a str, &'a str, [&'a str; 3], [(u32, u32, Option<u32>); 3]);
    let cases: &[Case] = &[
        (
            "2024-10",
            "2024-07",
            ["0.15", "0.10", "0.05"],
            [(11, 9, Some(7)), (10, 8, Some(6)), (8, 6, Some(4))],
        ),
        (
            "2025-01",
            "2024-10",
            ["0.30", "0.20", "0.10"],
            [(11, 9, Some(7)), (10, 8, Some(6)), (8, 6, Some(4))],
        ),
        (
            "2025-04",
            "2025-01",
            ["0.45", "0.30", "0.15"],
            [(12, 11, Some(10)), (11, 10, Some(8)), (10, 8, Some(6))],
        ),
        (
            "2025-10",
            "2025-07",
            ["0.60", "0.40", "0.25"],
            [(12, 11, Some(10)), (11, 10, Some(8)), (10, 8, Some(6))],
        ),
        (
            "2026-02",
            "2025-11",
            ["0.60", "0.40", "0.25"],
            [(12, 11, Some(10)), (11, 10, Some(8)), (10, 8, Some(6))],
        ),
        (
            "2026-03",
            "2025-12",
            ["0.70", "0.50", "0.30"],
            [(12, 11, Some(10)), (11, 10, Some(8)), (10, 8, Some(6))],
        ),
        (
            "2026-05",
            "2026-02",
            ["0.70", "0.50", "0.30"],
            [(12, 11, Some(10)), (11, 10, Some(8)), (10, 8, Some(6))],
        ),
    ];
    for (m, rm, ths, pts) in cases {
        for t in 0..3 {
            let mut p = with_rate(clinic(), rm, Some(ths[t]), None);
            p.e_prescription_since = Some(erx);
            let r = eval(&p, m);
            assert_eq!(r.tier, Some(t as u32 + 1), "{m} at {}", ths[t]);
            assert_eq!(r.threshold.unwrap().0, d(ths[t]), "{m}");
            let (i, s, c) = pts[t];
            assert_eq!(points(&r), (Some(i), Some(s), c), "{m} tier {}", t + 1);
            // Just below the threshold: the next tier (or none).
            let below = d(ths[t]) - d("0.0001");
            let mut p = with_rate(clinic(), rm, Some(&below.to_string()), None);
            p.e_prescription_since = Some(erx);
            let want = if t == 2 { None } else { Some(t as u32 + 2) };
            assert_eq!(eval(&p, m).tier, want, "{m} below {}", ths[t]);
        }
    }
    // Tiers 4–6 (2025-04 –) without e-prescription: 医科 10/9/8, 歯科 9/8/6, 調剤 none.
    for (rate, tier, i, s) in [("0.45", 4, 10, 9), ("0.30", 5, 9, 8), ("0.15", 6, 8, 6)] {
        let r = eval(&with_rate(clinic(), "2025-01", Some(rate), None), "2025-04");
        assert_eq!(r.tier, Some(tier));
        assert_eq!(points(&r), (Some(i), Some(s), None));
    }
    // Before 2025-04 the e-prescription requirement is deemed met (経過措置).
    let r = eval(
        &with_rate(clinic(), "2024-12", Some("0.30"), None),
        "2025-03",
    );
    assert_eq!(r.tier, Some(1));
}

#[test]
fn kinds_dental_and_pharmacy() {
    // Pharmacy from 2025-04: tiers 1–3 only.
    let mut p = with_rate(clinic(), "2025-01", Some("0.47"), None);
    p.kind = FacilityKind::Pharmacy;
    let r = eval(&p, "2025-04");
    assert_eq!(r.status, Status::NoTier, "{r:?}");
    p.e_prescription_since = Some(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    let r = eval(&p, "2025-04");
    assert_eq!(r.tier, Some(1));
    assert_eq!(points(&r), (Some(12), Some(11), Some(10)));
    // Dental uses the 歯科 column; tier 4 (9) beats tier 5 (8) etc.
    let mut p = with_rate(clinic(), "2025-01", Some("0.47"), None);
    p.kind = FacilityKind::Dental;
    assert_eq!(eval(&p, "2025-04").tier, Some(4));
}

fn r8(erx: bool, share: bool, record: Option<bool>) -> FacilityProfile {
    let mut p = clinic();
    if erx {
        p.e_prescription_since = Some(chrono::NaiveDate::from_ymd_opt(2025, 2, 1).unwrap());
    }
    if share {
        p.electronic_sharing_since = Some(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
    }
    set(&mut p, "usage_record_2026", record.map(Fact::Bool));
    p
}

#[test]
fn r8_2026_denshi_renkei() {
    let r = eval(&r8(true, true, Some(true)), "2026-06");
    assert_eq!(r.family.as_deref(), Some("denshi_renkei"));
    assert_eq!(r.status, Status::Qualified);
    assert_eq!(r.tier, Some(1));
    assert_eq!(points(&r), (Some(15), Some(9), Some(8)));
    assert!(r.rate_used.is_none());
    for (erx, share) in [(true, false), (false, true)] {
        let r = eval(&r8(erx, share, Some(true)), "2026-06");
        assert_eq!(r.tier, Some(2));
        assert_eq!(points(&r), (Some(9), Some(9), None));
    }
    let r = eval(&r8(false, false, Some(true)), "2026-06");
    assert_eq!(r.tier, Some(3));
    assert_eq!(points(&r), (Some(4), Some(4), None));
    // The usage record stated as not met: no tier at all (ホ is part of イ–チ).
    assert_eq!(
        eval(&r8(true, true, Some(false)), "2026-06").status,
        Status::NoTier
    );
    // Not stated: unknown, naming the missing notice — no guess from the 2025 rule.
    let r = eval(&r8(true, true, None), "2026-06");
    assert_eq!(r.status, Status::UnknownRequirement);
    assert_eq!(r.tier, None);
    assert_eq!(r.provisional_tier, Some(1));
    assert!(r.reason.contains("保医発0305第7号"), "{}", r.reason);
    assert!(r.unknown.iter().any(|u| u.rule == "dn_r8_06.t1.ho"));
    // Example profile: sharing starts 2026-06-01 → counts in 2026-06.
    let mut p = example();
    set(&mut p, "usage_record_2026", Some(Fact::Bool(true)));
    assert_eq!(eval(&p, "2026-06").tier, Some(1));
    // 2026-05 is still the old add-on; 2026-06 the new one.
    assert_eq!(eval(&p, "2026-05").family.as_deref(), Some("dx_suishin"));
}

#[test]
fn r8_dental_and_pharmacy() {
    // 歯科: 加算1 (9) for 医科 tier 1–2 requirements, 加算2 (4) for tier 3's.
    let mut p = r8(true, true, Some(true));
    p.kind = FacilityKind::Dental;
    let r = eval(&p, "2026-06");
    assert_eq!(r.tier, Some(1));
    assert!(r.reason.contains("同点"), "tie explained: {}", r.reason);
    // Named as the 歯科 告示 names them (歯科 A000 注15 イ 加算1 9点 / ロ 加算2 4点), whatever the
    // 医科 number of the facility's tier.
    assert_eq!(
        r.name.as_deref(),
        Some("電子的歯科診療情報連携体制整備加算１")
    );
    let mut p = r8(true, false, Some(true));
    p.kind = FacilityKind::Dental;
    let r = eval(&p, "2026-06");
    assert_eq!((r.tier, points(&r).1), (Some(2), Some(9)));
    assert_eq!(
        r.name.as_deref(),
        Some("電子的歯科診療情報連携体制整備加算１")
    );
    let mut p = r8(false, false, Some(true));
    p.kind = FacilityKind::Dental;
    let r = eval(&p, "2026-06");
    assert_eq!(points(&r).1, Some(4));
    assert_eq!(
        r.name.as_deref(),
        Some("電子的歯科診療情報連携体制整備加算２")
    );
    // 調剤: single add-on (8) requiring both (調剤 注14: 電子的調剤情報連携体制整備加算).
    let mut p = r8(true, true, Some(true));
    p.kind = FacilityKind::Pharmacy;
    let r = eval(&p, "2026-06");
    assert_eq!(points(&r).2, Some(8));
    assert_eq!(r.name.as_deref(), Some("電子的調剤情報連携体制整備加算"));
    let mut p = r8(true, false, Some(true));
    p.kind = FacilityKind::Pharmacy;
    assert_eq!(eval(&p, "2026-06").status, Status::NoTier);
}

#[test]
fn evaluate_range_is_month_by_month() {
    let rs = rules().evaluate_range(&example(), ym("2024-05"), ym("2026-06"));
    assert_eq!(rs.len(), 26);
    assert_eq!(rs[0].month, ym("2024-05"));
    assert_eq!(rs[25].month, ym("2026-06"));
    assert!(rules()
        .evaluate_range(&example(), ym("2025-05"), ym("2025-04"))
        .is_empty());
}

#[test]
fn json_contract_fields() {
    let v = serde_json::to_value(eval(&example(), "2025-04")).unwrap();
    for k in [
        "month",
        "family",
        "status",
        "tier",
        "points",
        "rate_used",
        "threshold",
        "pediatric_exemption",
        "unmet",
        "reason",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["month"], "2025-04");
    assert_eq!(v["status"], "qualified");
    assert_eq!(v["points"]["ika"], 12);
    assert_eq!(v["rate_used"]["basis"], "receipt");
    assert_eq!(v["rate_used"]["month"], "2025-01");
    assert_eq!(v["rate_used"]["value"], 0.47);
    assert_eq!(v["threshold"], 0.45);
}

#[test]
fn profile_errors_name_file_line_column() {
    let cases: &[(&str, &str, usize, usize, &str)] = &[
        ("a.toml", "kind = \"clinic\"\nunder6_share_2024 = 0.3.4\n", 2, 24, "expected"),
        ("b.toml", "kind = \"clinik\"\n", 1, 8, "`kind` must be one of"),
        ("c.toml", "kind = \"clinic\"\n[[usage]]\nmonth = \"2025-13\"\n", 3, 9, "invalid month"),
        ("d.toml", "kind = \"clinic\"\n[[usage]]\nmonth = \"2025-01\"\nreceipt_based = 47\n", 4, 17, "between 0 and 1"),
        ("e.toml", "kind = \"clinic\"\ne_prescripton_since = \"2025-01-01\"\n", 2, 0, "unknown field `e_prescripton_since`"),
        ("f.json", "{\"kind\": \"clinic\",\n \"usage\": [ {\"month\": \"2025-01\", \"receipt_based\": true} ]}", 2, 0, "`receipt_based` must be"),
        ("g.json", "{\"kind\": \"clinic\",\n \"usage\": [ ", 2, 0, "EOF"),
        ("h.toml", "e_prescription_since = \"2025-02-30\"\nkind = \"clinic\"\n", 1, 24, "invalid date"),
        ("i.toml", "pediatric_outpatient_fee = true\n", 1, 1, "missing field `kind`"),
    ];
    for (name, text, line, col, needle) in cases {
        let r = if name.ends_with(".json") {
            FacilityProfile::from_json(name, text)
        } else {
            FacilityProfile::from_toml(name, text)
        };
        let e = r.expect_err(name);
        let dg = e.diagnostic();
        assert_eq!(&dg.file, name);
        assert_eq!(dg.line, *line, "{e}");
        if *col > 0 {
            assert_eq!(dg.column, *col, "{e}");
        }
        assert!(dg.message.contains(needle), "{e}");
        assert!(e.to_string().contains(&format!("{name}:{line}:")), "{e}");
    }
}

#[test]
fn malformed_profiles_never_panic() {
    for text in [
        "",
        "{",
        "[",
        "kind = ",
        "kind = 1",
        "[[usage]]\nmonth = 1",
        "usage = 3",
        "usage = [1, 2]",
        "kind=\"clinic\"\nunder6_share_2024 = 1e999",
        "{\"usage\": {}}",
        "{\"kind\": \"clinic\", \"usage\": [[]]}",
        "\u{feff}kind = \"clinic\"",
        "kind = \"日本\"",
        "kind = \"clinic\"\nunder6_share_2024 = \"abc%\"",
        "[usage]\nmonth = \"2025-01\"",
        "kind = \"clinic\"\nunder6_share_2024 = nan",
        "kind = \"clinic\"\nunder6_share_2024 = -0.1",
    ] {
        let _ = FacilityProfile::from_toml("x.toml", text);
        let _ = FacilityProfile::from_json("x.json", text);
    }
}

/// A rule file error names the real cause at its place: a token left after an expression,
/// a percentage written twice, a threshold that is not a share.
#[test]
fn rule_file_errors_name_the_token_found() {
    let text = rules::tier::EMBEDDED
        .iter()
        .find(|(n, _)| n.ends_with("dx_suishin_r6.rules"))
        .map(|(_, t)| *t)
        .unwrap();
    for (from, to, found, expected) in [
        ("threshold 15%", "threshold 15%%", "`%`", "`source`"),
        (
            "threshold 15%",
            "threshold 145%",
            "`145%`",
            "a percentage from 0% to 100%",
        ),
        (
            "require dx_r6_10.t1.erx: M <= 2025-03 or e_prescription_since <= start(M)",
            "require dx_r6_10.t1.erx: M <= 2025-03 or e_prescription_since <= start(M) xyz",
            "`xyz`",
            "`source`",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        let e = TierRules::from_sources(&[("bad.rules", bad.as_str())])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("found {found}"))
                && e.contains(expected)
                && e.contains("bad.rules:"),
            "{to}: {e}"
        );
    }
}

#[test]
fn embedded_periods_are_contiguous_and_cited() {
    let r = rules();
    let ps = r.periods();
    assert_eq!(ps.first().map(|p| p.from), Some(ym("2024-06")));
    for w in ps.windows(2) {
        assert_eq!(
            w[0].to.map(|t| t.add_months(1)),
            Some(w[1].from),
            "gap after {}",
            w[0].id
        );
    }
    // The last period runs to the end of what the rule files describe (before the next
    // revision, as the add-on rules' [coverage] `to`).
    assert_eq!(
        ps.last().map(|p| (p.from, p.to)),
        Some((ym("2026-06"), Some(ym("2028-05"))))
    );
    for p in ps {
        assert!(!p.source.is_empty());
        for t in &p.tiers {
            assert!(!t.source.is_empty());
            assert!(t
                .requires
                .iter()
                .all(|q| !q.source.is_empty() && q.id.starts_with(&p.id)));
        }
    }
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn random_text_never_panics(s in "\\PC{0,200}") {
            let _ = FacilityProfile::from_toml("f.toml", &s);
            let _ = FacilityProfile::from_json("f.json", &s);
            let _ = TierRules::from_sources(&[("f.rules", s.as_str())]);
        }
        #[test]
        fn mutated_embedded_rules_never_panic(cut in 0usize..20_000, insert in "[ -~]{0,3}") {
            let (name, text) = rules::tier::EMBEDDED[1];
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) { at -= 1; }
            let mutated = format!("{}{}{}", &text[..at], insert, &text[at..]);
            if let Err(e) = TierRules::from_sources(&[(name, mutated.as_str())]) {
                prop_assert!(e.to_string().contains(name));
            }
        }
    }
}
