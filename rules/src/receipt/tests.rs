use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A small valid file the error tests break one piece at a time (dates are strings in TOML
/// given at run time; the embedded files are converted to JSON by build.rs).
const BASE: &str = r#"
[[set]]
id = "seika"
name = "生化学的検査（Ⅰ）"
from = "2024-06-01"
bundled_test = [1]
source = "s"

[[set]]
id = "shoshin"
name = "初診料"
from = "2024-06-01"
codes = ["111000110"]
source = "s"

[[bundle]]
id = "marume"
name = "まるめ"
from = "2024-06-01"
members = "seika"
scope = "day"
steps = [{ min = 5, max = 7, points = "93" }, { min = 8, max = 9, points = "99" }, { min = 10, points = "103" }]
source = "告示"

[[conflicts]]
id = "c"
name = "c"
from = "2024-06-01"
a = "seika"
b = "shoshin"
scope = "day"
effect = "error"
source = "s"
"#;

fn load(text: &str) -> Result<ReceiptRules, ReceiptRuleError> {
    ReceiptRules::from_sources(&[("test.toml", text)])
}

fn err(text: &str) -> ReceiptRuleError {
    match load(text) {
        Ok(_) => panic!("loaded although it should not"),
        Err(e) => e,
    }
}

#[test]
fn base_loads() {
    let r = load(BASE).unwrap();
    assert_eq!(r.bundles.len(), 1);
    assert_eq!(r.conflicts.len(), 1);
}

#[test]
fn unknown_set_is_refused_with_file_rule_and_field() {
    let e = err(&BASE.replace("members = \"seika\"", "members = \"seika1\""));
    assert_eq!(e.file, "test.toml");
    assert_eq!(e.entry, "bundle marume");
    assert_eq!(e.field.as_deref(), Some("members"));
    assert!(e.message.contains("unknown set \"seika1\""), "{e}");
    let s = e.to_string();
    assert!(
        s.contains("test.toml") && s.contains("bundle marume") && s.contains("members"),
        "{s}"
    );
}

#[test]
fn missing_or_empty_source_is_refused() {
    let e = err(&BASE.replace("source = \"告示\"", "source = \"  \""));
    assert_eq!(
        (e.entry.as_str(), e.field.as_deref()),
        ("bundle marume", Some("source"))
    );
    // A missing field is a parse error naming the field.
    let e = err(&BASE.replace("source = \"告示\"\n", ""));
    assert!(e.message.contains("source"), "{e}");
}

#[test]
fn codes_must_have_9_digits() {
    let e = err(&BASE.replace("codes = [\"111000110\"]", "codes = [\"11100011\"]"));
    assert_eq!(
        (e.entry.as_str(), e.field.as_deref()),
        ("set shoshin", Some("codes"))
    );
    assert!(e.message.contains("\"11100011\""), "{e}");
    let e = err(&BASE.replace(
        "codes = [\"111000110\"]",
        "codes = [\"111000110\", \"111000110\"]",
    ));
    assert!(e.message.contains("listed twice"), "{e}");
}

#[test]
fn dates_must_be_valid_and_ordered() {
    let e = err(&BASE.replace(
        "members = \"seika\"",
        "to = \"2024-05-31\"\nmembers = \"seika\"",
    ));
    assert_eq!(e.field.as_deref(), Some("to"), "{e}");
    let e = err(&BASE.replace(
        "from = \"2024-06-01\"\nmembers",
        "from = \"2024-02-30\"\nmembers",
    ));
    assert!(e.to_string().contains("test.toml"), "{e}");
}

#[test]
fn steps_must_be_ordered_and_not_overlap() {
    let e = err(&BASE.replace("{ min = 8, max = 9", "{ min = 7, max = 9"));
    assert_eq!(e.field.as_deref(), Some("steps"));
    assert!(e.message.contains("not above the previous max 7"), "{e}");
    let e = err(&BASE.replace("{ min = 5, max = 7", "{ min = 5, max = 4"));
    assert!(e.message.contains("below min"), "{e}");
    let e = err(&BASE.replace(
        "{ min = 10, points = \"103\" }",
        "{ min = 10, points = \"103\" }, { min = 11, points = \"104\" }",
    ));
    assert!(e.message.contains("open-ended"), "{e}");
    let e = err(&BASE.replace("points = \"93\"", "points = \"0\""));
    assert!(e.message.contains("positive"), "{e}");
}

#[test]
fn unknown_fields_and_kinds_are_refused() {
    let e = err(&BASE.replace(
        "scope = \"day\"\nsteps",
        "scope = \"day\"\nstep = []\nsteps",
    ));
    assert!(e.message.contains("step"), "{e}");
    let e = err(&format!("{BASE}\n[[mystery]]\nid = \"x\"\n"));
    assert!(e.message.contains("mystery"), "{e}");
    let e = err(&BASE.replace("effect = \"error\"", "effect = \"maybe\""));
    assert!(e.message.contains("maybe"), "{e}");
}

#[test]
fn ids_are_unique_across_rule_kinds() {
    let e = err(&BASE.replace("id = \"c\"", "id = \"marume\""));
    assert!(e.message.contains("id used twice"), "{e}");
}

#[test]
fn a_set_must_cover_the_rule_period() {
    // The set ends before the rule does.
    let e = err(&BASE.replace(
        "codes = [\"111000110\"]",
        "to = \"2025-03-31\"\ncodes = [\"111000110\"]",
    ));
    assert_eq!(
        (e.entry.as_str(), e.field.as_deref()),
        ("conflicts c", Some("b"))
    );
    assert!(e.message.contains("not in force on 2025-04-01"), "{e}");
    // Two versions with no gap are fine; a gap is not.
    let two = BASE.replace(
        "codes = [\"111000110\"]",
        "to = \"2026-05-31\"\ncodes = [\"111000110\"]",
    ) + "\n[[set]]\nid = \"shoshin\"\nname = \"初診料 R8\"\nfrom = \"2026-06-01\"\ncodes = [\"111000110\"]\nunverified = true\nsource = \"s\"\n";
    let r = load(&two).unwrap();
    assert!(r.set_version("shoshin", d("2026-05-31")).is_some());
    let v8 = r.set_version("shoshin", d("2026-06-01")).unwrap();
    assert!(r.unverified_on(v8, d("2026-06-01")));
    let gap = two.replace("from = \"2026-06-01\"", "from = \"2026-06-02\"");
    let e = err(&gap);
    assert!(e.message.contains("not in force on 2026-06-01"), "{e}");
    let overlap = two.replace("from = \"2026-06-01\"", "from = \"2026-05-31\"");
    let e = err(&overlap);
    assert!(e.message.contains("overlap"), "{e}");
}

#[test]
fn set_references_must_not_loop() {
    let text = format!(
        "{BASE}\n[[set]]\nid = \"x\"\nname = \"x\"\nfrom = \"2024-06-01\"\nunion = [\"y\"]\nsource = \"s\"\n[[set]]\nid = \"y\"\nname = \"y\"\nfrom = \"2024-06-01\"\nunion = [\"x\"]\nsource = \"s\"\n"
    );
    let e = err(&text);
    assert!(e.message.contains("refers to itself"), "{e}");
}

#[test]
fn taper_modes_take_their_own_fields() {
    let taper = |extra: &str| {
        format!(
            "{BASE}\n[[taper]]\nid = \"t\"\nname = \"t\"\nfrom = \"2024-06-01\"\nmode = \"month_repeat\"\nmembers = \"seika\"\n{extra}\nsource = \"s\"\n"
        )
    };
    let ok = taper("rate = \"90/100\"\nrounding = \"half_up\"\ngroup_by = \"code\"\nfrom_nth = 2");
    assert!(load(&ok).is_ok());
    let e = err(&taper(
        "rate = \"90/100\"\nrounding = \"half_up\"\ngroup_by = \"code\"",
    ));
    assert_eq!(e.field.as_deref(), Some("from_nth"), "{e}");
    let e = err(&taper(
        "rate = \"90/100\"\nrounding = \"half_up\"\ngroup_by = \"code\"\nfrom_nth = 2\nthreshold = 7",
    ));
    assert!(e.message.contains("threshold is not used by mode"), "{e}");
    let e = err(&taper(
        "rate = \"110/100\"\nrounding = \"half_up\"\ngroup_by = \"code\"\nfrom_nth = 2",
    ));
    assert!(e.message.contains("110/100"), "{e}");
}

#[test]
fn kubun_patterns_are_checked() {
    let e = err(&BASE.replace("bundled_test = [1]", "kubun = [\"D7\"]"));
    assert_eq!(e.field.as_deref(), Some("kubun"));
}

#[test]
fn membership_by_fields_versions_and_composition() {
    let text = r#"
[[set]]
id = "d007_1_8"
name = "Ｄ００７ １〜８"
from = "2024-06-01"
kubun = ["D007:1-8"]
source = "s"

[[set]]
id = "tests_but_ast"
name = "検査（ＡＳＴを除く）"
from = "2024-06-01"
kubun = ["D"]
except = ["ast"]
source = "s"

[[set]]
id = "ast"
name = "ＡＳＴ"
from = "2024-06-01"
codes = ["160022510"]
source = "s"

[[set]]
id = "inj"
name = "注射の剤"
from = "2024-06-01"
sections = ["31", "32", "33"]
within = ["drugs"]
source = "s"

[[set]]
id = "drugs"
name = "医薬品"
from = "2024-06-01"
code_kinds = ["drug"]
source = "s"

[[set]]
id = "holiday_addons"
name = "休日加算"
from = "2024-06-01"
time_addition = [2, 3]
source = "s"
"#;
    let r = load(text).unwrap();
    let date = d("2025-02-12");
    let ast = LineFacts {
        code: 160022510,
        alpha: "D",
        section: 7,
        item: 3,
        bundled_test: 1,
        ..LineFacts::default()
    };
    assert!(r.contains("d007_1_8", &ast, date));
    assert!(r.contains("ast", &ast, date));
    assert!(!r.contains("tests_but_ast", &ast, date), "except");
    let alt = LineFacts {
        code: 160022610,
        ..ast
    };
    assert!(r.contains("tests_but_ast", &alt, date));
    let item9 = LineFacts { item: 9, ..alt };
    assert!(!r.contains("d007_1_8", &item9, date));
    let drug = LineFacts {
        code: 620007412,
        shikibetsu: Some("32"),
        ..LineFacts::default()
    };
    assert!(r.contains("inj", &drug, date));
    let internal = LineFacts {
        shikibetsu: Some("21"),
        ..drug
    };
    assert!(!r.contains("inj", &internal, date));
    let proc_in_inj = LineFacts {
        code: 130003510,
        shikibetsu: Some("32"),
        ..LineFacts::default()
    };
    assert!(!r.contains("inj", &proc_in_inj, date), "within drugs");
    // 時間加算区分 counts only on add-on items (告示等識別区分（２）= 7).
    let hol = LineFacts {
        code: 111000670,
        alpha: "A",
        time_addition: 3,
        notice_class2: 7,
        ..LineFacts::default()
    };
    assert!(r.contains("holiday_addons", &hol, date));
    let base = LineFacts {
        notice_class2: 1,
        ..hol
    };
    assert!(!r.contains("holiday_addons", &base, date));
    assert!(r.contains("holiday_addons", &hol, date));
    // Before the set's first date: no version.
    assert!(!r.contains("ast", &ast, d("2024-05-31")));
    let mut v = r.sets_of(&ast, date);
    v.sort();
    let ids: Vec<&str> = v.iter().map(|&i| r.sets[i].id.as_str()).collect();
    assert_eq!(ids, vec!["d007_1_8", "ast"]);
}

#[test]
fn rate_and_rounding() {
    let r: Rate = "50/100".to_string().try_into().unwrap();
    assert_eq!(r.apply(Decimal::from(85)), Decimal::new(425, 1));
    // 通知 第４部第１節 １ (９) (r6-2024/ika-ryuijiko-tsuchi.txt:17358-17366): 127.5 → 128,
    // 63.75 → 64; and 0.49 → 0, 102.5 → 103 (四捨五入, not banker's rounding).
    let h = Rounding::HalfUp;
    assert_eq!(h.round(Decimal::new(1275, 1)), Decimal::from(128));
    assert_eq!(h.round(Decimal::new(6375, 2)), Decimal::from(64));
    assert_eq!(h.round(Decimal::new(49, 2)), Decimal::ZERO);
    assert_eq!(h.round(Decimal::new(1025, 1)), Decimal::from(103));
    assert_eq!(h.round(Decimal::new(1245, 1)), Decimal::from(125));
    assert_eq!(h.round(Decimal::new(12449, 2)), Decimal::from(124));
    assert!(Rate::try_from("1/0".to_string()).is_err());
    assert!(Rate::try_from("90%".to_string()).is_err());
}

/// The embedded data: loads, and the numbers a receipt hits most are what the 告示 says.
#[test]
fn embedded_rules_load_with_the_notified_numbers() {
    let r = ReceiptRules::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert!(r.covers(d("2024-06-01")) && !r.covers(d("2024-05-31")));
    // 生化学的検査（Ⅰ）: 告示57 Ｄ００７ 注 (r6-2024/ika-tensuhyo-kokuji57.txt:8747-8752)
    // 5–7 items 93, 8–9 items 99, 10 or more 103; the same in 告示69 (r8-2026/…:9359-9365).
    let ast = LineFacts {
        code: 160022510,
        alpha: "D",
        section: 7,
        item: 3,
        bundled_test: 1,
        test_judgement: 1,
        test_judgement_group: 3,
        ..LineFacts::default()
    };
    for date in [d("2025-02-12"), d("2026-07-01")] {
        let rules = r.rules_of(&ast, date);
        let b = rules
            .iter()
            .find(|x| x.kind == RuleKind::Bundle && r.bundles[x.index].steps.len() == 3)
            .map(|x| &r.bundles[x.index])
            .expect("the まるめ of 生化学的検査（Ⅰ）");
        let steps: Vec<(u32, Option<u32>, Decimal)> =
            b.steps.iter().map(|s| (s.min, s.max, s.points)).collect();
        assert_eq!(
            steps,
            vec![
                (5, Some(7), Decimal::from(93)),
                (8, Some(9), Decimal::from(99)),
                (10, None, Decimal::from(103))
            ]
        );
        assert_eq!(
            b.addition.as_ref().map(|a| a.points),
            Some(Decimal::from(20))
        );
    }
    // 腫瘍マーカー: 告示57 Ｄ００９ 注２ (…kokuji57.txt:8873-8878) 2 → 230, 3 → 290, 4+ → 385.
    let cea = LineFacts {
        code: 160036510,
        alpha: "D",
        section: 9,
        item: 3,
        bundled_test: 5,
        ..LineFacts::default()
    };
    let b = r
        .rules_of(&cea, d("2025-02-12"))
        .into_iter()
        .filter(|x| x.kind == RuleKind::Bundle)
        .map(|x| &r.bundles[x.index])
        .find(|b| !b.steps.is_empty())
        .unwrap();
    assert_eq!(
        b.steps.iter().map(|s| s.points).collect::<Vec<_>>(),
        vec![Decimal::from(230), Decimal::from(290), Decimal::from(385)]
    );
    // 外来管理加算 (112011010, 外来管理加算区分 2): refused on a day with a procedure of
    // 外来管理加算区分 1, needs 再診料 (告示 Ａ００１ 注８, …kokuji57.txt:256-260).
    let kanri = LineFacts {
        code: 112011010,
        alpha: "A",
        section: 1,
        item: 7,
        outpatient_mgmt: 2,
        notice_class2: 7,
        ..LineFacts::default()
    };
    let ids: Vec<&str> = r
        .rules_of(&kanri, d("2025-02-12"))
        .into_iter()
        .map(|x| r.rule_info(x).0)
        .collect();
    for want in [
        "gairai_kanri_not_with_procedures",
        "gairai_kanri_needs_saishin",
        "gairai_kanri_not_with_shoshin",
    ] {
        assert!(ids.contains(&want), "{want} not in {ids:?}");
    }
    // Every explicit-code set is confirmed for R6 and unconfirmed for R8 (no R8 master).
    for (v, s) in r.sets.iter().enumerate() {
        if !s.codes.is_empty() && s.from <= d("2025-02-12") {
            assert!(!r.unverified_on(v, d("2025-02-12")), "{}", s.id);
            if s.to.is_none() {
                assert!(
                    r.unverified_on(v, d("2026-06-01")),
                    "{} must be flagged for R8",
                    s.id
                );
            }
        }
    }
}

/// The rule count per kind for each revision (printed for the report; at least one rule of
/// every kind in both).
#[test]
fn every_kind_is_used_in_both_revisions() {
    let r = ReceiptRules::embedded().unwrap();
    for (label, date) in [("R6", d("2025-02-12")), ("R8", d("2026-06-01"))] {
        let counts = r.count_on(date);
        println!("{label}: {counts:?}");
        for (kind, n) in counts {
            assert!(n > 0, "{label}: no rule of kind {kind:?}");
        }
    }
}

/// The periods of the rules: a set version starting on 2025-01-01 and ending 2025-12-31 cuts
/// the time line at 2025-01-01 and 2026-01-01; the dates of one period have the same versions
/// in force (`sets_stable`), dates of neighbouring periods do not.
#[test]
fn periods_cut_where_a_set_version_starts_or_ends() {
    let text = BASE.replace(
        "[[bundle]]",
        "[[set]]\nid = \"later\"\nname = \"l\"\nfrom = \"2025-01-01\"\nto = \"2025-12-31\"\ncodes = [\"111000110\"]\nsource = \"s\"\n\n[[bundle]]",
    );
    let r = load(&text).unwrap();
    // Cuts: 2024-06-01 (BASE's sets), 2025-01-01, 2026-01-01.
    assert_eq!(r.period_count(), 4);
    assert_eq!(r.period_of(d("2024-05-31")), 0);
    assert_eq!(r.period_of(d("2024-06-01")), 1);
    assert_eq!(r.period_of(d("2024-12-31")), 1);
    assert_eq!(r.period_of(d("2025-01-01")), 2);
    assert_eq!(r.period_of(d("2025-12-31")), 2);
    assert_eq!(r.period_of(d("2026-01-01")), 3);
    assert!(r.sets_stable(d("2025-01-01"), d("2025-12-31")));
    assert!(!r.sets_stable(d("2024-12-31"), d("2025-01-01")));
    assert!(!r.sets_stable(d("2025-12-31"), d("2026-01-01")));
    // The embedded rules: each period's first and last day have the same versions in force.
    let e = ReceiptRules::embedded().unwrap();
    let starts: Vec<NaiveDate> = (1..e.period_count())
        .map(|p| {
            (0..)
                .map(|k| d("2000-01-01") + chrono::Days::new(k))
                .find(|&x| e.period_of(x) == p)
                .unwrap()
        })
        .collect();
    for w in starts.windows(2) {
        let last = w[1].pred_opt().unwrap();
        assert!(e.sets_stable(w[0], last), "{} – {}", w[0], last);
        assert!(!e.sets_stable(last, w[1]), "{} | {}", last, w[1]);
    }
}

/// The shortcut of the unverified step agrees with `unverified_on` on every set version, on
/// both sides of the boundary the data states (`denwa_saishin`: `codes_confirmed_through =
/// 2026-05-31`, rules/data/receipt/conditions.toml:94; every such date in the data is that
/// day, and no receipt set is `unverified = true`).
#[test]
fn any_unverified_on_agrees_with_each_version() {
    let r = ReceiptRules::embedded().unwrap();
    for day in ["2024-06-01", "2026-05-31", "2026-06-01", "2027-01-01"] {
        let date = d(day);
        let some = (0..r.sets.len()).any(|v| r.unverified_on(v, date));
        assert_eq!(r.any_unverified_on(date), some, "{day}");
    }
    assert!(!r.any_unverified_on(d("2026-05-31")));
    assert!(r.any_unverified_on(d("2026-06-01")));
}

/// The per-period table of set versions (`Index::set_version_in`) answers as the dated lookup
/// (`set_version`) on every day around each period boundary of the embedded rules, and on
/// two-version data (the day a version ends and the day its successor starts).
#[test]
fn version_by_period_is_the_dated_version() {
    let two = BASE.replace(
        "codes = [\"111000110\"]",
        "to = \"2026-05-31\"\ncodes = [\"111000110\"]",
    ) + "\n[[set]]\nid = \"shoshin\"\nname = \"初診料 R8\"\nfrom = \"2026-06-01\"\ncodes = [\"111000110\"]\nunverified = true\nsource = \"s\"\n";
    let small = load(&two).unwrap();
    let v6 = small.set_version("shoshin", d("2026-05-31")).unwrap();
    let v8 = small.set_version("shoshin", d("2026-06-01")).unwrap();
    assert_ne!(v6, v8);
    let at =
        |r: &ReceiptRules, id: &str, day: NaiveDate| r.index.set_version_in(id, r.period_of(day));
    assert_eq!(at(&small, "shoshin", d("2026-05-31")), Some(v6));
    assert_eq!(at(&small, "shoshin", d("2026-06-01")), Some(v8));
    assert_eq!(at(&small, "shoshin", d("2024-05-31")), None);
    assert_eq!(at(&small, "no-such-set", d("2026-06-01")), None);
    let r = ReceiptRules::embedded().unwrap();
    let mut days: Vec<NaiveDate> = r
        .sets
        .iter()
        .flat_map(|s| [Some(s.from), s.to])
        .flatten()
        .collect();
    days.extend(days.clone().iter().filter_map(|x| x.pred_opt()));
    days.extend(days.clone().iter().filter_map(|x| x.succ_opt()));
    for s in &r.sets {
        for &day in &days {
            assert_eq!(
                at(&r, &s.id, day),
                r.set_version(&s.id, day),
                "{} on {day}",
                s.id
            );
        }
    }
}
