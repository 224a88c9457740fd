//! Inclusion (包括) and bundle (まるめ, limits).

use super::*;

fn bundle_points(f: &[Finding]) -> Vec<(Vec<usize>, Decimal)> {
    f.iter()
        .filter_map(|x| match x {
            Finding::Bundle {
                members, points, ..
            } => Some((members.clone(), *points)),
            _ => None,
        })
        .collect()
}

/// 告示 Ｄ００７ 注 (r6-2024/ika-tensuhyo-kokuji57.txt:8747-8752): 「５項目以上７項目以下 93点、
/// ８項目又は９項目 99点、10項目以上 103点」; four items keep their own points.
#[test]
fn marume_seika1_steps_at_every_boundary() {
    let r = rules();
    let v = visit("2025-02-12");
    for (n, expected) in [
        (4, None),
        (5, Some(93)),
        (7, Some(93)),
        (8, Some(99)),
        (9, Some(99)),
        (10, Some(103)),
        (12, Some(103)),
    ] {
        let lines = items(&SEIKA1[..n]);
        let f = run(&r, &v, &lines, &[]);
        match expected {
            None => assert!(f.is_empty(), "{n} items: {f:?}"),
            Some(p) => {
                assert_eq!(
                    bundle_points(&f),
                    vec![((0..n).collect(), Decimal::from(p))],
                    "{n} items"
                );
                let Finding::Bundle { how, .. } = &f[0] else {
                    unreachable!()
                };
                assert!(matches!(
                    how,
                    BundleHow::Step {
                        items,
                        with_addition: false,
                        ..
                    } if *items == n as u32
                ));
            }
        }
    }
}

/// 告示 Ｄ００７ 注の注 (kokuji57.txt:8753-8754): 入院中の患者 「入院時初回加算として…20点」 —
/// with the inpatient setting only.
#[test]
fn marume_inpatient_addition() {
    let r = rules();
    let mut v = visit("2025-02-12");
    v.setting = Setting::Inpatient;
    let f = run(&r, &v, &items(&SEIKA1[..5]), &[]);
    assert_eq!(
        bundle_points(&f),
        vec![((0..5).collect(), Decimal::from(113))]
    );
}

/// A code on two lines counts once (「項目数」), with a warning (README `bundle`): five lines of
/// four codes stay unbundled; `specimen` labels make two groups (「１回に採取した血液」).
#[test]
fn marume_counts_codes_and_specimens() {
    let r = rules();
    let v = visit("2025-02-12");
    let mut lines = items(&SEIKA1[..4]);
    lines.push(line(SEIKA1[0], 4));
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(ids(&f), vec!["warn:marume_seika1"]);
    assert!(
        matches!(&f[0], Finding::Warn { lines, why: Why::RepeatedCode { code: 160017010 }, .. } if lines == &vec![4])
    );

    // Ten items in two labelled specimens of five: two groups of 93.
    let mut lines = items(&SEIKA1[..10]);
    for (i, l) in lines.iter_mut().enumerate() {
        l.specimen = Some(if i < 5 { "am" } else { "pm" });
    }
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(
        bundle_points(&f),
        vec![
            ((0..5).collect(), Decimal::from(93)),
            ((5..10).collect(), Decimal::from(93))
        ]
    );
}

/// 通知 Ｄ００７ (２) (r6-2024/ika-ryuijiko-tsuchi.txt:13510-13511): カルシウム and イオン化カルシウム
/// together: one only (max_items = 1: the higher-priced イオン化カルシウム 26点 stays). The line
/// not charged does not count toward the まるめ: カルシウム + イオン化Ca + four other items = 5 items
/// on the claim, but 5 after the limit (4 + イオン化Ca) → 93; with only three others, 4 → none.
#[test]
fn main_item_limit_before_marume() {
    let r = rules();
    let v = visit("2025-02-12");
    let mut rows = vec![CA, ION_CA];
    rows.extend_from_slice(&SEIKA1[..3]);
    let f = run(&r, &v, &items(&rows), &[]);
    assert_eq!(ids(&f), vec!["zero:main_d007_ca"]);
    assert!(matches!(f[0], Finding::Zero { line: 0, .. }));

    rows.push(SEIKA1[3]);
    let f = run(&r, &v, &items(&rows), &[]);
    assert_eq!(ids(&f), vec!["zero:main_d007_ca", "bundle:marume_seika1"]);
    assert_eq!(
        bundle_points(&f)[0],
        (vec![1, 2, 3, 4, 5], Decimal::from(93))
    );
}

/// 告示 Ｄ０１５ 13 注 (kokuji57.txt:9115-9118): 特異的ＩｇＥ 110点 per antigen, at most 1,430点
/// for one collection: 13 antigens = 1,430 (no cap), 14 = 1,540 → 1,430.
#[test]
fn specific_ige_cap() {
    let r = rules();
    let v = visit("2025-02-12");
    let mut lines = items(&[IGE]);
    lines[0].count = 13;
    assert!(run(&r, &v, &lines, &[]).is_empty());
    lines[0].count = 14;
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(bundle_points(&f), vec![(vec![0], Decimal::from(1430))]);
    assert!(matches!(
        f[0],
        Finding::Bundle {
            how: BundleHow::MaxPoints,
            ..
        }
    ));
}

/// 告示 Ａ００２ 注６ イ (kokuji57.txt:360-372): 尿一般 (Ｄ０００) is included in 外来診療料: priced 0
/// the same day; with 再診料 it stays.
#[test]
fn gairai_shinryo_includes_urine_test() {
    let r = rules();
    let v = visit("2025-02-12");
    let f = run(&r, &v, &items(&[GAIRAI_SHINRYO, NYO_IPPAN]), &[]);
    assert_eq!(ids(&f), vec!["zero:a002_gairai_shinryo"]);
    assert!(matches!(f[0], Finding::Zero { line: 1, .. }));
    assert!(run(&r, &v, &items(&[SAISHIN, NYO_IPPAN]), &[]).is_empty());
    // The 外来診療料 of an earlier claim the same day includes it too (scope day).
    let h = [hist(GAIRAI_SHINRYO, "2025-02-12")];
    let f = run(&r, &v, &items(&[NYO_IPPAN]), &h);
    assert_eq!(ids(&f), vec!["zero:a002_gairai_shinryo"]);
    let h = [hist(GAIRAI_SHINRYO, "2025-02-11")];
    assert!(run(&r, &v, &items(&[NYO_IPPAN]), &h).is_empty());
}

/// 告示 Ｂ００１－３ 注２ (kokuji57.txt:5652-5658): 生活習慣病管理料（Ⅰ） includes 第１部 医学管理等
/// — 特定疾患療養管理料 is priced 0 — and the 検査 (so the まるめ of five Ｄ００７ items does not
/// apply: they are all 0), in the calendar month.
#[test]
fn seikatsu1_includes_tokutei_and_tests() {
    let r = rules();
    let v = visit("2025-02-12");
    let f = run(&r, &v, &items(&[SAISHIN, SEIKATSU1, TOKUTEI]), &[]);
    assert_eq!(ids(&f), vec!["zero:b001_3_seikatsu1"]);
    assert!(matches!(f[0], Finding::Zero { line: 2, .. }));

    let mut rows = vec![SAISHIN, SEIKATSU1];
    rows.extend_from_slice(&SEIKA1[..5]);
    let f = run(&r, &v, &items(&rows), &[]);
    assert_eq!(f.len(), 5);
    assert!(f
        .iter()
        .all(|x| matches!(x, Finding::Zero { rule, .. } if rule.id == "b001_3_seikatsu1")));

    // Claimed earlier in the month: included too; a test of an earlier claim is warned about.
    let h = [hist(SEIKATSU1, "2025-02-03")];
    let f = run(&r, &v, &items(&[SAISHIN, TOKUTEI]), &h);
    assert_eq!(ids(&f), vec!["zero:b001_3_seikatsu1"]);
    let h = [hist(SEIKA1[0], "2025-02-03")];
    let f = run(&r, &v, &items(&[SAISHIN, SEIKATSU1]), &h);
    assert_eq!(ids(&f), vec!["warn:b001_3_seikatsu1"]);
    assert!(
        matches!(&f[0], Finding::Warn { lines, why: Why::IncludedInHistory { history }, .. } if lines == &vec![1] && history == &vec![0])
    );
}

/// 告示 Ｄ２８７ 注１ (r6-2024/ika-tensuhyo-kokuji57.txt:10046): 内分泌負荷試験 「１月に3,600点を
/// 限度」. 下垂体後葉負荷試験 1,200点 (s_ALL20240531.csv:5623), 甲状腺負荷試験 1,200点 (:5624),
/// 下垂体前葉負荷試験（ＬＨ及びＦＳＨ） 1,600点 (:5813), 包括対象検査 8. Earlier in the month
/// 1,200 + 1,200 = 2,400 used; today's 1,600 gets 1,200.
#[test]
fn endocrine_load_month_cap() {
    let r = rules();
    let v = visit("2025-02-12");
    let kouyou: Row = (160086710, 1200, "D", 287, 0, 2, [8, 1, 0, 1, 0, 0, 0, 0]);
    let koujousen: Row = (160086810, 1200, "D", 287, 0, 3, [8, 1, 0, 1, 0, 0, 0, 0]);
    let lh_fsh: Row = (160119810, 1600, "D", 287, 0, 1, [8, 1, 0, 1, 0, 0, 0, 0]);
    let h = [hist(kouyou, "2025-02-03")];
    assert!(
        run(&r, &v, &items(&[lh_fsh]), &h).is_empty(),
        "1,200 + 1,600 ≤ 3,600"
    );
    let h = [hist(kouyou, "2025-02-03"), hist(koujousen, "2025-02-05")];
    let f = run(&r, &v, &items(&[lh_fsh]), &h);
    assert_eq!(bundle_points(&f), vec![(vec![0], Decimal::from(1200))]);
    // Last month's do not count.
    let h = [hist(kouyou, "2025-01-03"), hist(koujousen, "2025-01-05")];
    assert!(run(&r, &v, &items(&[lh_fsh]), &h).is_empty());
}

/// 告示 Ｂ００１－２－９ 注２ (r6-2024/ika-tensuhyo-kokuji57.txt:5491-5502): 地域包括診療料 includes
/// the month's fees; 「急性増悪時に実施した…所定点数が550点未満のものに限り」: a line of 550 points
/// or more marked `acute` stays billable; unmarked, it is included and cannot be checked.
/// 下垂体前葉負荷試験（ＬＨ及びＦＳＨ） 1,600点 (s_ALL20240531.csv:5813); 尿一般 26点.
#[test]
fn chiiki_houkatsu_acute_550() {
    /// 地域包括診療料１ 1,660点, Ｂ００１－２ 項番12 (s_ALL20240531.csv:350).
    const CHIIKI: Row = (113024810, 1660, "B", 1, 2, 12, [0, 0, 1, 1, 0, 0, 0, 0]);
    let r = rules();
    let v = visit("2025-02-12");
    let lh_fsh: Row = (160119810, 1600, "D", 287, 0, 1, [8, 1, 0, 1, 0, 0, 0, 0]);
    let fee = line(CHIIKI, 0);
    let mut lines = vec![fee, line(NYO_IPPAN, 1), line(lh_fsh, 2)];
    let f = run(&r, &v, &lines, &[]);
    let rid = "b001_2_9_chiiki_houkatsu_r6";
    assert_eq!(
        ids(&f),
        vec![
            format!("zero:{rid}"),
            format!("cannot_decide:{rid}"),
            format!("zero:{rid}")
        ]
    );
    lines[2].acute = true;
    lines[1].acute = true;
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(ids(&f), vec![format!("zero:{rid}")]);
    assert!(matches!(f[0], Finding::Zero { line: 1, .. }));
}
