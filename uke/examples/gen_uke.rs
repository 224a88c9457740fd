//! A large synthetic UKE file of outpatient receipts, for throughput runs of the reader and
//! (later) the audit:
//!
//! ```sh
//! cargo run --release -p santei-uke --example gen_uke -- 100000 > /tmp/RECEIPTC.UKE
//! cargo run --release -p santei-uke --example gen_uke -- 100000 --shared DIR > …
//! ```
//!
//! Receipts of 診療年月 2024-09 (請求年月 2024-10) at one clinic, one to three visits each:
//! 初診料 or 再診料 (+ 外来管理加算), 特定疾患療養管理料, 検体検査 with their 判断料, 皮下注射 with a
//! drug, 内服 drugs with 調剤料, or a 処方箋料 with 一般名処方加算; 医保 alone or with one 公費.
//! Codes and points come from the R6 master `masters/ika/s_ALL20240531.csv` on 2024-09-01 and
//! drug prices from `masters/drugs/y_ALL20240531.csv` (the official files in `../shared`, or
//! `--shared DIR`). A drug line's points are the generator's own arithmetic of the 薬剤料 rule
//! (告示 第2章 第5部 F200 / 第6部 G100: 15円以下 1点, 15円を超える場合は10円又はその端数を増すごとに
//! 1点) — synthetic data, not an oracle. 傷病名 codes are those of the receiptisan sample whose
//! names its cost list prints (2500013 糖尿病, 8833421 高血圧症, 4659007 急性上気道炎, 5559001
//! クローン病). HO/KO 合計点数 are the sums of the lines, so every totals check agrees.
//! Deterministic (a fixed seed). Written with `uke::Writer`, so the file reads back without error.

use chrono::NaiveDate;
use masters::{Code, Schedule};
use rules::YearMonth;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::io::Write;
use std::path::{Path, PathBuf};
use uke::*;

/// xorshift64*: a small deterministic generator (no dependency).
pub struct Rng(u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The data the receipts are built from.
pub struct Source {
    /// 診療行為 code → points on the service date.
    points: std::collections::HashMap<&'static str, u32>,
    /// (医薬品コード, 薬価) of 内用薬 and 注射薬.
    oral: Vec<(String, Decimal)>,
    injection: Vec<(String, Decimal)>,
}

const SERVICE_DAY: (i32, u32, u32) = (2024, 9, 1);

const CODES: &[&str] = &[
    "111000110", // 初診料
    "112007410", // 再診料
    "112011010", // 外来管理加算
    "113001810", // 特定疾患療養管理料（診療所）
    "120002910", // 処方箋料
    "120004270", // 一般名処方加算１
    "120000710", // 調剤料（内服薬）
    "130000510", // 皮内、皮下及び筋肉内注射
    "160000310", // 尿一般
    "160008010", // 末梢血液一般検査
    "160010010", // ＨｂＡ１ｃ
    "160061810", // 血液学的検査判断料
    "160095710", // Ｂ－Ｖ
];

impl Source {
    /// Load the R6 master and the drug master from `shared` (the `../shared` folder).
    pub fn load(shared: &Path) -> Source {
        let ika = shared.join("masters/ika/s_ALL20240531.csv");
        let bytes = std::fs::read(&ika).unwrap_or_else(|e| panic!("{}: {e}", ika.display()));
        let mut sched = Schedule::new();
        sched
            .apply_full("s_ALL20240531.csv", &bytes)
            .expect("R6 master");
        let day = NaiveDate::from_ymd_opt(SERVICE_DAY.0, SERVICE_DAY.1, SERVICE_DAY.2).unwrap();
        let mut points = std::collections::HashMap::new();
        for c in CODES {
            let e = sched
                .lookup(Code::parse(c).unwrap(), day)
                .unwrap_or_else(|e| panic!("{c}: {e}"));
            let rec = e.record();
            assert_eq!(rec.point_kind, masters::PointKind::Points, "{c}");
            points.insert(*c, rec.points.to_u32().expect("whole points"));
        }
        let y = shared.join("masters/drugs/y_ALL20240531.csv");
        let bytes = std::fs::read(&y).unwrap_or_else(|e| panic!("{}: {e}", y.display()));
        let drugs = masters::drugs::load_drugs("y_ALL20240531.csv", &bytes).expect("drug master");
        let mut all: Vec<_> = drugs
            .values()
            .filter(|d| d.price_kind == 1 && d.abolished_on.is_none_or(|a| a > day))
            .collect();
        all.sort_by_key(|d| d.code);
        let pick = |form: u8, max: i64| -> Vec<(String, Decimal)> {
            all.iter()
                .filter(|d| {
                    d.dosage_form == form && d.price > Decimal::ZERO && d.price < Decimal::from(max)
                })
                .step_by(37)
                .take(40)
                .map(|d| (d.code.to_string(), d.price))
                .collect()
        };
        let oral = pick(1, 200);
        let injection = pick(4, 3000);
        assert!(oral.len() >= 10 && injection.len() >= 10);
        Source {
            points,
            oral,
            injection,
        }
    }

    fn p(&self, code: &str) -> u32 {
        self.points[code]
    }
}

/// 薬剤料 in points of `yen` (the generator's arithmetic; see the module comment).
fn drug_points(yen: Decimal) -> u32 {
    let fifteen = Decimal::from(15);
    if yen <= fifteen {
        return 1;
    }
    let over = (yen - fifteen) / Decimal::TEN;
    1 + over.ceil().to_u32().unwrap_or(0)
}

/// One aggregated 摘要 unit: records that make one charge, on the days given.
struct Unit {
    category: &'static str,
    lines: Vec<Detail>,
    points: u32,
    per_day: u16,
    days: Vec<usize>,
}

const NAMES: &[&str] = &[
    "ヤマダ　タロウ",
    "サトウ　ハナコ",
    "スズキ　イチロウ",
    "タナカ　ミサキ",
    "タカハシ　ケン",
    "イトウ　ユイ",
    "ワタナベ　ショウ",
    "ナカムラ　アオイ",
];
const DISEASES: &[(&str, &str)] = &[
    ("2500013", ""),
    ("8833421", ""),
    ("4659007", "8002"),
    ("5559001", ""),
];

fn si(category: Option<&str>, payer_class: &str, code: &str, qty: Option<Decimal>) -> Detail {
    Detail::SI(Si {
        category: category.map(str::to_string),
        effective_category: None,
        payer_class: payer_class.into(),
        code: code.into(),
        quantity: qty,
        points: None,
        count: None,
        comments: Default::default(),
        days: [None; 31],
    })
}

fn iy(payer_class: &str, code: &str, qty: Decimal) -> Detail {
    Detail::IY(Iy {
        category: None,
        effective_category: None,
        payer_class: payer_class.into(),
        code: code.into(),
        quantity: Some(qty),
        points: None,
        count: None,
        comments: Default::default(),
        days: [None; 31],
    })
}

/// One receipt, numbered `number`.
pub fn receipt(src: &Source, rng: &mut Rng, number: u32) -> Receipt {
    let kohi = rng.chance(15);
    let payer_class = if kohi { "2" } else { "1" };
    let elderly = rng.chance(25);
    let child = !elderly && rng.chance(10);
    let birth_year = if elderly {
        1930 + rng.below(19) as i32
    } else if child {
        2019 + rng.below(4) as i32
    } else {
        1950 + rng.below(50) as i32
    };
    let birth_date = NaiveDate::from_ymd_opt(
        birth_year,
        1 + rng.below(12) as u32,
        1 + rng.below(28) as u32,
    )
    .unwrap();
    let receipt_type = match (elderly, child, kohi) {
        (true, _, false) => "1318",
        (true, _, true) => "1328",
        (_, true, false) => "1114",
        (_, true, true) => "1124",
        (_, _, false) if rng.chance(60) => "1112",
        (_, _, false) => "1116",
        (_, _, true) => "1122",
    };
    let visits = 1 + rng.below(3) as usize;
    let mut days: Vec<usize> = (0..visits).map(|_| rng.below(30) as usize).collect();
    days.sort_unstable();
    days.dedup();
    let first_visit = rng.chance(20);
    let mut units: Vec<Unit> = Vec::new();
    let add = |units: &mut Vec<Unit>,
               category: &'static str,
               lines: Vec<Detail>,
               points: u32,
               per_day: u16,
               day: usize| {
        if let Some(u) = units.iter_mut().find(|u| {
            u.category == category && u.lines == lines && u.points == points && u.per_day == per_day
        }) {
            u.days.push(day);
        } else {
            units.push(Unit {
                category,
                lines,
                points,
                per_day,
                days: vec![day],
            });
        }
    };
    let chronic = !child && rng.chance(50);
    // 判断料 once a month (告示 D026: 月1回), on the first day with tests.
    let mut judged = false;
    for (k, &day) in days.iter().enumerate() {
        if k == 0 && first_visit {
            add(
                &mut units,
                "11",
                vec![si(Some("11"), payer_class, "111000110", None)],
                src.p("111000110"),
                1,
                day,
            );
        } else {
            add(
                &mut units,
                "12",
                vec![si(Some("12"), payer_class, "112007410", None)],
                src.p("112007410"),
                1,
                day,
            );
            if rng.chance(70) {
                add(
                    &mut units,
                    "12",
                    vec![si(Some("12"), payer_class, "112011010", None)],
                    src.p("112011010"),
                    1,
                    day,
                );
            }
            if chronic && k == days.len() - 1 {
                add(
                    &mut units,
                    "13",
                    vec![si(Some("13"), payer_class, "113001810", None)],
                    src.p("113001810"),
                    1,
                    day,
                );
            }
        }
        if rng.chance(30) {
            for c in ["160000310", "160008010", "160010010"] {
                if rng.chance(60) {
                    add(
                        &mut units,
                        "60",
                        vec![si(Some("60"), payer_class, c, None)],
                        src.p(c),
                        1,
                        day,
                    );
                }
            }
            add(
                &mut units,
                "60",
                vec![si(Some("60"), payer_class, "160095710", None)],
                src.p("160095710"),
                1,
                day,
            );
            if !judged {
                add(
                    &mut units,
                    "60",
                    vec![si(Some("60"), payer_class, "160061810", None)],
                    src.p("160061810"),
                    1,
                    day,
                );
                judged = true;
            }
        }
        if rng.chance(10) {
            let (code, price) = &src.injection[rng.below(src.injection.len() as u64) as usize];
            add(
                &mut units,
                "31",
                vec![si(Some("31"), payer_class, "130000510", None)],
                src.p("130000510"),
                1,
                day,
            );
            add(
                &mut units,
                "31",
                vec![iy(payer_class, code, Decimal::ONE)],
                drug_points(*price),
                1,
                day,
            );
        }
        match rng.below(3) {
            0 => {
                add(
                    &mut units,
                    "80",
                    vec![si(Some("80"), payer_class, "120002910", None)],
                    src.p("120002910"),
                    1,
                    day,
                );
                if rng.chance(50) {
                    add(
                        &mut units,
                        "80",
                        vec![si(Some("80"), payer_class, "120004270", None)],
                        src.p("120004270"),
                        1,
                        day,
                    );
                }
            }
            1 => {
                let (code, price) = &src.oral[rng.below(src.oral.len() as u64) as usize];
                let qty = Decimal::from(1 + rng.below(3));
                let per_day = [7u16, 14, 28][rng.below(3) as usize];
                add(
                    &mut units,
                    "21",
                    vec![iy(payer_class, code, qty)],
                    drug_points(price * qty),
                    per_day,
                    day,
                );
                add(
                    &mut units,
                    "24",
                    vec![si(Some("24"), payer_class, "120000710", None)],
                    src.p("120000710"),
                    1,
                    day,
                );
            }
            _ => {}
        }
    }
    units.sort_by_key(|u| u.category);
    let mut details = Vec::new();
    let mut total: u64 = 0;
    let mut last = "";
    for u in units {
        let mut day_cols: Days = [None; 31];
        for d in &u.days {
            day_cols[*d] = Some(day_cols[*d].unwrap_or(0) + u.per_day);
        }
        let count: u32 = day_cols.iter().flatten().map(|&x| u32::from(x)).sum();
        total += u64::from(u.points) * u64::from(count);
        let n = u.lines.len();
        for (i, mut t) in u.lines.into_iter().enumerate() {
            let lastline = i + 1 == n;
            let drug = matches!(t, Detail::IY(_));
            let (category, points, cnt, days) = match &mut t {
                Detail::SI(x) => (&mut x.category, &mut x.points, &mut x.count, &mut x.days),
                Detail::IY(x) => (&mut x.category, &mut x.points, &mut x.count, &mut x.days),
                Detail::TO(x) => (&mut x.category, &mut x.points, &mut x.count, &mut x.days),
                Detail::CO(_) => unreachable!(),
            };
            // 診療識別 on the first record of each unit, as the receiptisan sample writes it
            // (`SI,12,…` then `SI,12,…`), except a drug continuing its 診療識別 (`SI,31,…` then
            // `IY,,…`).
            *category = (i == 0 && !(drug && u.category == last)).then(|| u.category.to_string());
            *points = lastline.then_some(u.points);
            *cnt = Some(count);
            *days = day_cols;
            details.push(t);
        }
        last = u.category;
    }
    let name = NAMES[rng.below(NAMES.len() as u64) as usize];
    let (dcode, modifier) = DISEASES[rng.below(DISEASES.len() as u64) as usize];
    let insurer = if elderly {
        "39136012".to_string()
    } else {
        format!("0{}130016", 1 + rng.below(9))
    };
    let mut r = Receipt::new(Re {
        number,
        receipt_type: receipt_type.into(),
        service_month: YearMonth::new(2024, 9).unwrap(),
        name: Some(name.into()),
        sex: if rng.chance(50) { "1" } else { "2" }.into(),
        birth_date,
        benefit_rate: None,
        admission_date: None,
        wards: vec![],
        copay_class: None,
        special_notes: if elderly {
            vec![]
        } else {
            vec![(26 + rng.below(5)).to_string()]
        },
        beds: None,
        chart_number: Some(format!("{:06}", number)),
        discount_unit_price: None,
        reserved_16: None,
        reserved_17: None,
        reserved_18: None,
        search_number: None,
        reserved_20: None,
        billing_info: None,
        departments: Default::default(),
        kana_name: Some(name.into()),
        patient_states: vec![],
    });
    r.ho = Some(Ho {
        insurer_number: Some(insurer),
        card_symbol: Some("１２３".into()),
        card_number: Some(format!("{}", 1 + rng.below(9999))),
        days: Some(days.len() as u32),
        total_points: Some(total),
        ..Default::default()
    });
    if kohi {
        r.ko.push(Ko {
            payer_number: Some("54136015".into()),
            recipient_number: Some(format!("{:07}", rng.below(10_000_000))),
            days: Some(days.len() as u32),
            total_points: Some(total),
            copay: Some(0),
            ..Default::default()
        });
    }
    r.sy.push(Sy {
        code: dcode.into(),
        start_date: NaiveDate::from_ymd_opt(
            2024,
            1 + rng.below(8) as u32,
            1 + rng.below(28) as u32,
        )
        .unwrap(),
        outcome: "1".into(),
        modifiers: if modifier.is_empty() {
            vec![]
        } else {
            vec![modifier.into()]
        },
        name: None,
        main: Some("01".into()),
        note: None,
    });
    r.details = details;
    r.carry_category();
    r
}

/// The clinic's IR.
pub fn ir() -> Ir {
    Ir {
        payer: "1".into(),
        prefecture: "13".into(),
        fee_table: "1".into(),
        facility_code: "1234567".into(),
        reserved: None,
        facility_name: Some("サンプル内科クリニック".into()),
        billing_month: YearMonth::new(2024, 10).unwrap(),
        volume: "00".into(),
        phone: Some("03-0000-0000".into()),
        date_style: DateStyle::Seireki,
    }
}

/// A file of `n` receipts, written into `out`.
pub fn generate<W: Write>(src: &Source, n: u32, out: W) -> W {
    let mut rng = Rng(0x5EED_2024_0901);
    let ir = ir();
    let mut w = Writer::new(out);
    for i in 1..=n {
        let r = receipt(src, &mut rng, i);
        w.write_receipt(&ir, &r)
            .unwrap_or_else(|e| panic!("receipt {i}: {e}"));
    }
    w.finish().expect("GO")
}

/// `../shared` beside the checkout.
pub fn default_shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

#[allow(dead_code)]
fn main() {
    let mut args = std::env::args().skip(1);
    let mut n: u32 = 1000;
    let mut shared = default_shared();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--shared" => shared = PathBuf::from(args.next().expect("--shared DIR")),
            x => n = x.parse().expect("N (a number of receipts)"),
        }
    }
    let src = Source::load(&shared);
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    generate(&src, n, out).flush().expect("write");
}
