//! 逓減.

use super::*;

fn xray(films: i64) -> Vec<ReceiptLine<'static>> {
    let mut lines = vec![line(SHASHIN_SHINDAN, 0), line(SATSUEI_DIGITAL, 0)];
    for l in &mut lines {
        l.section = Some(70);
        l.quantity = Some(Decimal::from(films));
    }
    lines
}

fn tapers(f: &[Finding]) -> Vec<(usize, Decimal, RoundAt)> {
    f.iter()
        .filter_map(|x| match x {
            Finding::Taper {
                line,
                points,
                round,
                ..
            } => Some((*line, *points, *round)),
            _ => None,
        })
        .collect()
}

/// 告示 第４部 通則３ (r6-2024/ika-tensuhyo-kokuji57.txt:10419-10426) and 通知 (９)
/// (r6-2024/ika-ryuijiko-tsuchi.txt:17318-17366): 2枚目から5枚目 100分の50, 6枚目以後は算定しない,
/// 端数 at the end. 頭部単純デジタル２枚: 診断 85 + 42.5 = 127.5, 撮影 68 + 34 = 102 (the 剤 229.5
/// is rounded once, by the engine, to 230).
#[test]
fn films_second_and_sixth() {
    let r = rules();
    let v = visit("2025-02-12");
    assert!(run(&r, &v, &xray(1), &[]).is_empty());
    let g = RoundAt::Group(Rounding::HalfUp);
    let f = run(&r, &v, &xray(2), &[]);
    assert_eq!(
        tapers(&f),
        vec![(0, "127.5".parse().unwrap(), g), (1, Decimal::from(102), g)]
    );
    assert_eq!(
        Rounding::HalfUp.round("229.5".parse().unwrap()),
        Decimal::from(230)
    );
    // 5 films: 85 + 4 × 42.5 = 255; 6 films: the same (the 6th is not charged).
    for films in [5, 6] {
        let f = run(&r, &v, &xray(films), &[]);
        assert_eq!(tapers(&f)[0].1, Decimal::from(255), "{films} films");
    }
}

/// 告示 第４部 通則２ (kokuji57.txt:10416-10418): 同一部位・同時の２以上の撮影 → 第２の診断以後の
/// 写真診断は100分の50; another part, or a second 撮影 not 「同時」 (通知 (３) ただし書,
/// ika-ryuijiko-tsuchi.txt:17318-17331), in full; without `part` it cannot be checked.
#[test]
fn same_part_second_diagnosis() {
    let r = rules();
    let v = visit("2025-02-12");
    let mut lines = vec![line(SHASHIN_SHINDAN, 0), line(SHASHIN_SHINDAN, 0)];
    for l in &mut lines {
        l.section = Some(70);
        l.part = Some("胸部");
    }
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(
        tapers(&f),
        vec![(1, "42.5".parse().unwrap(), RoundAt::Group(Rounding::HalfUp))]
    );
    lines[1].part = Some("腹部");
    assert!(run(&r, &v, &lines, &[]).is_empty());
    lines[1].part = Some("胸部");
    lines[1].not_same_time = true;
    assert!(run(&r, &v, &lines, &[]).is_empty());
    lines[1].not_same_time = false;
    lines[0].part = None;
    lines[1].part = None;
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(ids(&f), vec!["cannot_decide:xray_same_part"]);
}

/// 告示 第３節 通則１ (kokuji57.txt:9427-9431): 同一月の同一検査２回目以降 100分の90, 「同一検査」 =
/// 包括逓減区分 34 (ＥＣＧ１２ and ＥＣＧ（６誘導以上）). ＥＣＧ１２ 130 × 0.9 = 117.
#[test]
fn month_repeat_ecg() {
    let r = rules();
    let v = visit("2025-02-12");
    assert!(run(&r, &v, &items(&[ECG12]), &[]).is_empty());
    let h = [hist(ECG6, "2025-02-03")];
    let f = run(&r, &v, &items(&[ECG12]), &h);
    assert_eq!(tapers(&f), vec![(0, Decimal::from(117), RoundAt::Line)]);
    assert!(matches!(
        f[0],
        Finding::Taper {
            marker: Some(160000190),
            ..
        }
    ));
    // Last month's does not count.
    let h = [hist(ECG6, "2025-01-31")];
    assert!(run(&r, &v, &items(&[ECG12]), &h).is_empty());
    // ＥＣＧ（６誘導以上） twice on one line: 90 + 81 = 171.
    let mut lines = items(&[ECG6]);
    lines[0].count = 2;
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(tapers(&f), vec![(0, Decimal::from(171), RoundAt::Line)]);
}

/// 告示 Ｆ２００ 注３ (kokuji57.txt:10857-10861), 通知 Ｆ２００ (６) (ika-ryuijiko-tsuchi.txt:
/// 18225-18242): ７種類以上 → 100分の90; a 剤 of 205円 or less a day counts as one kind; 臨時の
/// 投薬 of 14 days or less is not counted; the 処方料 must be the 7種類 one.
#[test]
fn drug_kinds_seven() {
    let r = rules();
    let v = visit("2025-02-12");
    // Drug codes of y_ALL20240531.csv (lines 50, 100, …, 350); only the code is read (the
    // day's price, 薬価 × quantity, is the input `price_yen`). Six kinds over 205円 each in six
    // 剤 of 28 days + 処方料（その他）: no taper.
    let codes = [
        610407332, 610408071, 610408121, 610408277, 610408333, 610408396, 610408446,
    ];
    let mut lines: Vec<ReceiptLine> = (0..6).map(|k| drug(codes[k], k, 21, "300", 28)).collect();
    lines.push(line(SHOHORYO, 9));
    assert!(run(&r, &v, &lines, &[]).is_empty());
    // A seventh kind (300円): every 内服 剤 at 90/100, and 処方料（その他） is the wrong fee.
    lines.push(drug(codes[6], 6, 21, "300", 28));
    let f = run(&r, &v, &lines, &[]);
    assert_eq!(
        ids(&f),
        [
            vec!["taper_drugs:f200_7_kinds"; 7],
            vec!["refuse:f200_7_kinds"]
        ]
        .concat()
    );
    assert!(
        matches!(&f[7], Finding::Refuse { lines, why: Why::WrongFee { expected, kinds: 7 }, .. } if lines == &vec![6] && expected == "fee_for_7_kinds")
    );
    // The seventh at 205円 a day, in one 剤 with the sixth (150 + 55 = 205): one kind → 6.
    let last = lines.len() - 1;
    lines[last].group = 5;
    lines[last].price_yen = Some(Decimal::from(55));
    lines[5].price_yen = Some(Decimal::from(150));
    assert!(run(&r, &v, &lines, &[]).is_empty());
    // 206円: two kinds → 7 (six 剤 reduced, the fee refused).
    lines[last].price_yen = Some(Decimal::from(56));
    assert_eq!(run(&r, &v, &lines, &[]).len(), 7);
    // With 処方箋料（７種類以上） instead: no error.
    lines[6] = line(SHOHOSEN_7, 9);
    assert_eq!(
        ids(&run(&r, &v, &lines, &[])),
        vec!["taper_drugs:f200_7_kinds"; 6]
    );
    lines[6] = line(SHOHORYO, 9);
    // A 臨時 剤 of 14 days is not counted; of 15 days it is.
    lines[last].group = 6;
    for (days, n) in [(14, 0), (15, 8)] {
        lines[last].temporary = true;
        lines[last].count = days;
        assert_eq!(run(&r, &v, &lines, &[]).len(), n, "{days} days");
    }
}

/// 告示 Ａ００１ 注３ (r6-2024/ika-tensuhyo-kokuji57.txt:231-234): the second department's 再診料 is
/// its own code (再診料（同一日複数科受診時の２科目）); an item marked `second_department` without
/// it, or a 2科目 fee without a first one that day, is an error; 外来管理加算 (注８) is not claimed
/// for it.
#[test]
fn second_department() {
    let r = rules();
    let v = visit("2025-02-12");
    let second: Row = (112015810, 38, "A", 1, 0, 2, [0, 0, 0, 1, 0, 0, 0, 0]);
    let mut lines = items(&[SAISHIN, second]);
    lines[1].second_department = true;
    assert!(run(&r, &v, &lines, &[]).is_empty());
    let f = run(&r, &v, &lines[1..], &[]);
    assert_eq!(ids(&f), vec!["refuse:second_department"]);
    lines[1] = line(SAISHIN, 1);
    lines[1].second_department = true;
    let f = run(&r, &v, &lines, &[]);
    assert!(
        matches!(&f[0], Finding::Refuse { why: Why::SecondDepartment { expected }, .. } if expected == "visit_second_department")
    );
    let mut lines = items(&[SAISHIN, second, GAIRAI_KANRI]);
    lines[1].second_department = true;
    lines[2].second_department = true;
    lines[2].group = 1;
    let f = run(&r, &v, &lines, &[]);
    assert!(f.iter().any(|x| matches!(x, Finding::Refuse { lines, why: Why::NotForSecond { .. }, .. } if lines == &vec![2])), "{f:?}");
}
