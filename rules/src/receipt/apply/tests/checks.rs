//! replaces, requires, conflicts, not_within, time.

use super::*;

/// 告示 Ａ０００ 注６ただし書 (r6-2024/ika-tensuhyo-kokuji57.txt:165-167): 乳幼児加算 is not
/// claimed with the 乳幼児 time add-ons (乳幼児深夜加算 695点 includes the 乳幼児 part). An automatic
/// 乳幼児加算 is dropped; a claimed one is an error.
#[test]
fn nyuyoji_replaced_by_nyuyoji_shinya() {
    let r = rules();
    let mut v = visit("2025-02-12");
    v.time = t("23:10");
    let mut lines = items(&[SHOSHIN, NYUYOJI_SHINYA_SHOSHIN, NYUYOJI_SHOSHIN]);
    lines[2].automatic = true;
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(ids(&f), vec!["drop_auto:nyuyoji_shoshin"]);
    assert!(matches!(
        &f[0],
        Finding::DropAuto {
            line: 2,
            why: Why::With(LineRef::Claim(1)),
            ..
        }
    ));
    lines[2].automatic = false;
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(ids(&f), vec!["refuse:nyuyoji_shoshin"]);
    // Without the time add-on the automatic 乳幼児加算 stays.
    let mut lines = items(&[SHOSHIN, NYUYOJI_SHOSHIN]);
    lines[1].automatic = true;
    assert!(run(&r, &v, &lines, &[]).is_empty());
}

/// 告示 Ｆ４００ 注６ (kokuji57.txt:10918-10923): 一般名処方加算 is an addition to 処方箋料.
#[test]
fn ippanmei_needs_shohosen() {
    let r = rules();
    let v = visit("2025-02-12");
    let f = run(&r, &v, &items(&[SAISHIN, IPPANMEI]), &[]);
    assert_eq!(ids(&f), vec!["refuse:ippanmei_needs_shohosen"]);
    assert!(
        matches!(&f[0], Finding::Refuse { lines, why: Why::Missing { needs }, .. } if lines == &vec![1] && needs == &vec!["shohosen".to_string()])
    );
    assert!(run(&r, &v, &items(&[SAISHIN, SHOHOSEN, IPPANMEI]), &[]).is_empty());
}

/// 告示 Ａ００１ 注８ (kokuji57.txt:256-260): 外来管理加算 is an addition to 再診料 — not on the day
/// of 初診 — and not with the procedures the master marks 外来管理加算区分 1 (創傷処置) that day.
#[test]
fn gairai_kanri_conditions() {
    let r = rules();
    let v = visit("2025-02-12");
    assert!(run(&r, &v, &items(&[SAISHIN, GAIRAI_KANRI]), &[]).is_empty());
    let f = run(&r, &v, &items(&[SHOSHIN, GAIRAI_KANRI]), &[]);
    assert_eq!(
        ids(&f),
        vec![
            "refuse:gairai_kanri_needs_saishin",
            "refuse:gairai_kanri_not_with_shoshin"
        ]
    );
    let f = run(&r, &v, &items(&[SAISHIN, GAIRAI_KANRI, SOSHO]), &[]);
    assert_eq!(ids(&f), vec!["refuse:gairai_kanri_not_with_procedures"]);
    assert!(
        matches!(&f[0], Finding::Refuse { lines, why: Why::With(LineRef::Claim(2)), .. } if lines == &vec![1, 2])
    );
    // The 処置 of an earlier claim the same day counts (scope day); of the day before, not.
    let f = run(
        &r,
        &v,
        &items(&[SAISHIN, GAIRAI_KANRI]),
        &[hist(SOSHO, "2025-02-12")],
    );
    assert_eq!(ids(&f), vec!["refuse:gairai_kanri_not_with_procedures"]);
    assert!(run(
        &r,
        &v,
        &items(&[SAISHIN, GAIRAI_KANRI]),
        &[hist(SOSHO, "2025-02-11")]
    )
    .is_empty());
}

/// 告示 Ｄ０２６ 注１ (kokuji57.txt:9314-9316): a 判断料 needs a test of its 区分 (判断グループ 3) in
/// the month.
#[test]
fn judgement_needs_test_of_its_group_in_the_month() {
    let r = rules();
    let v = visit("2025-02-12");
    let f = run(&r, &v, &items(&[SAISHIN, HANDAN_SEIKA1]), &[]);
    assert_eq!(ids(&f), vec!["refuse:judgement_needs_test"]);
    assert!(run(&r, &v, &items(&[SAISHIN, SEIKA1[9], HANDAN_SEIKA1]), &[]).is_empty());
    assert!(run(
        &r,
        &v,
        &items(&[HANDAN_SEIKA1]),
        &[hist(SEIKA1[9], "2025-02-01")]
    )
    .is_empty());
    let f = run(
        &r,
        &v,
        &items(&[HANDAN_SEIKA1]),
        &[hist(SEIKA1[9], "2025-01-31")],
    );
    assert_eq!(ids(&f), vec!["refuse:judgement_needs_test"]);
    // A test in a まるめ still counts.
    let mut rows = SEIKA1[..5].to_vec();
    rows.push(HANDAN_SEIKA1);
    assert_eq!(
        ids(&run(&r, &v, &items(&rows), &[])),
        vec!["bundle:marume_seika1"]
    );
}

/// 告示 Ｂ０００ 注２ (kokuji57.txt:4677-4678) and 通知 Ｂ０００ (３)
/// (r6-2024/ika-ryuijiko-tsuchi.txt:5797-5803): 特定疾患療養管理料 within one month of 初診 is
/// included in 初診料 (priced 0): 初診 2025-01-15 → 2/14 within, 2/15 allowed.
#[test]
fn tokutei_one_month_after_shoshin() {
    let r = rules();
    let h = [hist(SHOSHIN, "2025-01-15")];
    let f = run(&r, &visit("2025-02-14"), &items(&[SAISHIN, TOKUTEI]), &h);
    assert_eq!(ids(&f), vec!["zero:b000_after_shoshin"]);
    assert!(matches!(f[0], Finding::Zero { line: 1, .. }));
    assert!(run(&r, &visit("2025-02-15"), &items(&[SAISHIN, TOKUTEI]), &h).is_empty());
    // The same day as 初診.
    let f = run(&r, &visit("2025-01-15"), &items(&[SHOSHIN, TOKUTEI]), &[]);
    assert_eq!(ids(&f), vec!["zero:b000_after_shoshin"]);
    // 通知 (３) ただし書 (ika-ryuijiko-tsuchi.txt:5799-5803): 初診 2025-01-16 → 2/16 is a Sunday:
    // Saturday 2/15 is allowed, 2/14 is not.
    let h = [hist(SHOSHIN, "2025-01-16")];
    assert!(run(&r, &visit("2025-02-15"), &items(&[SAISHIN, TOKUTEI]), &h).is_empty());
    assert_eq!(
        ids(&run(
            &r,
            &visit("2025-02-14"),
            &items(&[SAISHIN, TOKUTEI]),
            &h
        )),
        vec!["zero:b000_after_shoshin"]
    );
    // A discharge (also_after) later than the 初診 starts the period.
    let mut v = visit("2025-03-10");
    v.discharge_date = Some(d("2025-02-20"));
    let f = run(&r, &v, &items(&[SAISHIN, TOKUTEI]), &h);
    assert!(matches!(&f[0], Finding::Zero { line: 1, .. }));
}

/// 告示 Ａ０００ 注７ (kokuji57.txt:168-176), 通知 Ａ０００ (19) ア (ika-ryuijiko-tsuchi.txt:288-290):
/// 休日加算 on 休日 only — Sunday, 祝日法 第３条 休日 (2025-02-11 建国記念の日), 12/29–1/3
/// (rules/data/calendar/holidays.toml); on a working Wednesday it is an error.
#[test]
fn holiday_addition_on_holidays_only() {
    let r = rules();
    for (date, ok) in [
        ("2025-02-12", false),
        ("2025-02-11", true),
        ("2025-02-16", true),
        ("2024-12-30", true),
        ("2024-12-27", false),
    ] {
        let mut v = visit(date);
        v.time = t("10:00");
        let f = run(&r, &v, &items(&[SHOSHIN, KYUJITSU_SHOSHIN]), &[]);
        if ok {
            assert!(f.is_empty(), "{date}: {f:?}");
        } else {
            assert_eq!(ids(&f), vec!["refuse:holiday_visit"], "{date}");
            assert!(matches!(
                &f[0],
                Finding::Refuse {
                    why: Why::Time(TimeCheck::Fails(_)),
                    ..
                }
            ));
        }
    }
}

/// 告示 Ａ０００ 注７ (kokuji57.txt:168-170): 深夜 = 午後10時から午前６時まで.
#[test]
fn night_addition_boundaries() {
    let r = rules();
    for (time, ok) in [
        ("21:59", false),
        ("22:00", true),
        ("05:59", true),
        ("06:00", false),
    ] {
        let mut v = visit("2025-02-12");
        v.time = t(time);
        let f = run(&r, &v, &items(&[SHOSHIN, SHINYA_SHOSHIN]), &[]);
        assert_eq!(f.is_empty(), ok, "{time}: {f:?}");
    }
    // Without the time: cannot decide (a warning), not a guess.
    let f = run(
        &r,
        &visit("2025-02-12"),
        &items(&[SHOSHIN, SHINYA_SHOSHIN]),
        &[],
    );
    assert_eq!(ids(&f), vec!["cannot_decide:night_visit"]);
}

/// The explicit codes of the sets are confirmed by the R6 master through 2026-05-31
/// (`codes_confirmed_through`, rules/data/receipt/README.md): a finding resting on them on
/// 2026-06-01 (R8, no master at hand) says so.
#[test]
fn unverified_after_the_confirmed_date() {
    let r = rules();
    let f = run(&r, &visit("2026-05-29"), &items(&[SAISHIN, IPPANMEI]), &[]);
    assert_eq!(ids(&f), vec!["refuse:ippanmei_needs_shohosen"]);
    let f = run(&r, &visit("2026-06-01"), &items(&[SAISHIN, IPPANMEI]), &[]);
    assert_eq!(
        ids(&f),
        vec![
            "refuse:ippanmei_needs_shohosen",
            "unverified:ippanmei_needs_shohosen"
        ]
    );
    assert!(
        matches!(&f[1], Finding::Unverified { sets, .. } if sets == &vec!["ippanmei_kasan".to_string(), "shohosen".to_string()])
    );
}

/// 告示 Ａ００１ 注７ (r6-2024/ika-tensuhyo-kokuji57.txt:251-255, 「診療所に限る」 by Ａ０００ 注９:
/// 182-187): the rule `evening_early` has `facility_kind = "clinic"`: at a hospital the line
/// is an error, without the kind it cannot be decided. 夜間・早朝等加算（再診） 50点
/// (s_ALL20240531.csv:75).
#[test]
fn evening_early_clinic_only() {
    let r = rules();
    let yakan: Row = (112015570, 50, "A", 1, 0, 6, [0, 0, 6, 7, 0, 0, 0, 0]);
    let lines = items(&[SAISHIN, yakan]);
    let mut v = visit("2025-02-12");
    v.time = t("19:00");
    let f = run(&r, &v, &lines, &[]);
    assert!(matches!(
        &f[0],
        Finding::CannotDecide {
            why: Why::FacilityKind { given: None, .. },
            ..
        }
    ));
    v.facility_kind = Some(FacilityKind::Hospital);
    assert_eq!(ids(&run(&r, &v, &lines, &[])), vec!["refuse:evening_early"]);
    // At a clinic, 19:00 on a Wednesday inside its displayed hours (to 19:30): holds.
    let iv = (t("09:00").unwrap(), t("19:30").unwrap());
    let hours = FacilityHours {
        wed: vec![iv],
        ..FacilityHours::default()
    };
    v.facility_kind = Some(FacilityKind::Clinic);
    v.hours = Some(&hours);
    assert!(run(&r, &v, &lines, &[]).is_empty());
    v.time = t("17:59");
    assert_eq!(ids(&run(&r, &v, &lines, &[])), vec!["refuse:evening_early"]);
}
