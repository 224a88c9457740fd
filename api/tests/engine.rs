//! Engine acceptance tests on the embedded data. Every expected number is from
//! ../shared/domain/medical-dx-addons.md (cited per test) and the official master rows
//! (初診料 288 → 291 from 2024-06-01; 再診料 73 → 75 from 2024-06-01, 76 from 2026-06-01 by 告示69).

use calc::Engine;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::embedded().expect("embedded engine"))
}

struct C {
    v: Value,
}

fn claim(date: &str, items: &[&str]) -> C {
    C {
        v: json!({
            "date": date, "kind": "ika", "setting": "outpatient",
            "patient": {"birth_date": "1980-05-01", "mynumber_card": true},
            "facility": {"kind": "clinic", "standards": [], "e_prescription_since": "2023-01-01"},
            "items": items.iter().map(|c| json!({"code": c, "count": 1})).collect::<Vec<_>>(),
            "history": []
        }),
    }
}

impl C {
    fn std(mut self, code: &str, tier: Option<u8>, from: &str) -> C {
        let mut s = json!({"code": code, "from": from});
        if let Some(t) = tier {
            s["tier"] = json!(t);
        }
        self.v["facility"]["standards"]
            .as_array_mut()
            .unwrap()
            .push(s);
        self
    }
    fn std_to(mut self, code: &str, tier: u8, from: &str, to: &str) -> C {
        self.v["facility"]["standards"]
            .as_array_mut()
            .unwrap()
            .push(json!({"code": code, "tier": tier, "from": from, "to": to}));
        self
    }
    fn mynumber(mut self, b: bool) -> C {
        self.v["patient"]["mynumber_card"] = json!(b);
        self
    }
    fn hist(mut self, date: &str, code: &str) -> C {
        self.v["history"]
            .as_array_mut()
            .unwrap()
            .push(json!({"date": date, "code": code, "count": 1}));
        self
    }
    fn hospital(mut self) -> C {
        self.v["facility"]["kind"] = json!("hospital");
        self
    }
    fn no_erx(mut self) -> C {
        self.v["facility"]
            .as_object_mut()
            .unwrap()
            .remove("e_prescription_since");
        self
    }
    fn run(&self) -> Out {
        let claim = api::parse::claim("t.json", &self.v.to_string()).expect("claim parses");
        let out = engine().calc(&claim).expect("claim computes");
        Out(serde_json::to_value(&out).unwrap())
    }
    fn run_err(&self) -> String {
        match api::parse::claim("t.json", &self.v.to_string()) {
            Err(e) => e.to_string(),
            Ok(c) => engine()
                .calc(&c)
                .err()
                .map(|e| e.to_string())
                .expect("an error"),
        }
    }
}

#[derive(Debug)]
struct Out(Value);

impl Out {
    fn total(&self) -> i64 {
        self.0["total_points"].as_i64().unwrap()
    }
    fn codes(&self) -> Vec<String> {
        self.0["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["code"].as_str().unwrap_or("-").to_string())
            .collect()
    }
    fn line(&self, code: &str) -> &Value {
        self.0["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["code"] == code)
            .unwrap_or_else(|| panic!("no line {code} in {:?}", self.codes()))
    }
    fn auto(&self) -> Vec<(String, i64)> {
        self.0["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["origin"] == "auto")
            // O100 物価対応料 (2026) is asserted on its own (`bukka`).
            .filter(|l| !l["rule"].as_str().unwrap_or("").starts_with("bukka."))
            .map(|l| {
                (
                    l["code"].as_str().unwrap_or("-").to_string(),
                    l["points"].as_i64().unwrap(),
                )
            })
            .collect()
    }
    /// Points of the O100 外来・在宅物価対応料 lines santei added.
    fn bukka(&self) -> Vec<i64> {
        self.0["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["rule"].as_str().unwrap_or("").starts_with("bukka."))
            .map(|l| l["points"].as_i64().unwrap())
            .collect()
    }
    fn warnings(&self) -> String {
        self.0["warnings"].to_string()
    }
    fn errors(&self) -> Vec<String> {
        self.0["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect()
    }
}

fn a(v: &[(&str, i64)]) -> Vec<(String, i64)> {
    v.iter().map(|(c, p)| (c.to_string(), *p)).collect()
}

#[test]
fn the_issue_example_is_304() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/claim.json"
    ))
    .unwrap();
    let out: Value =
        serde_json::from_str(&api::calc(engine(), "claim.json", &text).unwrap()).unwrap();
    assert_eq!(out["total_points"], 304);
    let l = |c: &str| {
        out["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["code"] == c)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            l("111000110")["points"].as_i64(),
            l("111000110")["origin"].as_str()
        ),
        (Some(291), Some("input"))
    );
    assert_eq!(
        (
            l("111703670")["points"].as_i64(),
            l("111703670")["origin"].as_str()
        ),
        (Some(12), Some("auto"))
    );
    assert_eq!(l("111703670")["rule"], "dx_suishin.r7_04.shoshin");
    assert_eq!(
        (
            l("111703270")["points"].as_i64(),
            l("111703270")["origin"].as_str()
        ),
        (Some(1), Some("auto"))
    );
    assert_eq!(l("111703270")["rule"], "iryo_joho.shoshin.r6_12");
    assert!(out["errors"].as_array().unwrap().is_empty());
    assert!(!out["trace"].as_array().unwrap().is_empty());
}

// ── 2022-04-01: 電子的保健医療情報活用加算 starts (domain §3) ──
#[test]
fn boundary_2022_04_01() {
    let e = claim("2022-03-31", &["111000110"])
        .std("online_shikaku", None, "2022-01-01")
        .run_err();
    assert!(e.contains("2022-03-31 is before 2022-04-01"), "{e}");
    let o = claim("2022-04-01", &["111000110"])
        .std("online_shikaku", None, "2022-01-01")
        .run();
    assert_eq!(o.auto(), a(&[("111015170", 7)]));
    assert_eq!(o.total(), 288 + 7);
    let o = claim("2022-04-01", &["111000110"])
        .std("online_shikaku", None, "2022-01-01")
        .mynumber(false)
        .run();
    assert_eq!(o.auto(), a(&[("111015270", 3)]));
    let o = claim("2022-04-01", &["112007410"])
        .std("online_shikaku", None, "2022-01-01")
        .run();
    assert_eq!(o.auto(), a(&[("112024610", 4)]));
    assert_eq!(o.total(), 73 + 4);
}

// ── 2022-10-01: 医療情報・システム基盤整備体制充実加算 replaces it (domain §3) ──
#[test]
fn boundary_2022_10_01() {
    let s = |d: &str, my: bool| {
        claim(d, &["111000110"])
            .std("online_shikaku", None, "2022-01-01")
            .std("jujitsu", None, "2022-10-01")
            .mynumber(my)
            .run()
    };
    assert_eq!(s("2022-09-30", true).auto(), a(&[("111015170", 7)]));
    assert_eq!(s("2022-10-01", true).auto(), a(&[("111016070", 2)]));
    assert_eq!(s("2022-10-01", false).auto(), a(&[("111015970", 4)]));
}

// ── 2023-04-01: 特例 (加算1 6, 再診 加算3 2) ──
#[test]
fn boundary_2023_04_01() {
    let s = |d: &str, code: &str| {
        claim(d, &[code])
            .std("jujitsu", None, "2022-10-01")
            .mynumber(false)
            .run()
    };
    assert_eq!(s("2023-03-31", "111000110").auto(), a(&[("111015970", 4)]));
    assert_eq!(s("2023-04-01", "111000110").auto(), a(&[("111015970", 6)]));
    assert_eq!(s("2023-03-31", "112007410").auto(), a(&[]));
    assert_eq!(s("2023-04-01", "112007410").auto(), a(&[("112026570", 2)]));
    let o = claim("2023-04-01", &["112011310"])
        .hospital()
        .std("jujitsu", None, "2022-10-01")
        .mynumber(false)
        .run();
    assert_eq!(o.auto(), a(&[("112026670", 2)]));
}

// ── 2024-01-01: 特例 ends (加算1 back to 4, no 再診 add-on) ──
#[test]
fn boundary_2024_01_01() {
    let s = |d: &str, code: &str| {
        claim(d, &[code])
            .std("jujitsu", None, "2022-10-01")
            .mynumber(false)
            .run()
    };
    assert_eq!(s("2023-12-31", "111000110").auto(), a(&[("111015970", 6)]));
    assert_eq!(s("2024-01-01", "111000110").auto(), a(&[("111015970", 4)]));
    assert_eq!(s("2023-12-31", "112007410").auto(), a(&[("112026570", 2)]));
    assert_eq!(s("2024-01-01", "112007410").auto(), a(&[]));
}

// ── 2024-06-01: 医療ＤＸ推進体制整備加算 8 and 医療情報取得加算 (domain §1, §2) ──
#[test]
fn boundary_2024_06_01() {
    let s = |d: &str, my: bool| {
        claim(d, &["111000110"])
            .std("jujitsu", None, "2022-10-01")
            .std("4035", None, "2024-06-01")
            .mynumber(my)
            .run()
    };
    assert_eq!(s("2024-05-31", false).auto(), a(&[("111015970", 4)]));
    assert_eq!(s("2024-05-31", false).total(), 288 + 4);
    let o = s("2024-06-01", false);
    assert_eq!(o.auto(), a(&[("111703170", 3), ("111703370", 8)]));
    assert_eq!(o.total(), 291 + 3 + 8);
    assert_eq!(
        s("2024-06-01", true).auto(),
        a(&[("111703270", 1), ("111703370", 8)])
    );
}

// ── 2024-10-01: tiers 1–3 ──
#[test]
fn boundary_2024_10_01() {
    let s = |d: &str, t: u8| {
        claim(d, &["111000110"])
            .std("4035", Some(t), "2024-06-01")
            .run()
    };
    assert_eq!(
        s("2024-09-30", 1).auto(),
        a(&[("111703270", 1), ("111703370", 8)])
    );
    assert_eq!(
        s("2024-10-01", 1).auto(),
        a(&[("111703270", 1), ("111703470", 11)])
    );
    assert_eq!(
        s("2024-10-01", 2).auto(),
        a(&[("111703270", 1), ("111703570", 10)])
    );
    assert_eq!(
        s("2024-10-01", 3).auto(),
        a(&[("111703270", 1), ("111703370", 8)])
    );
}

// ── 2024-12-01: 医療情報取得加算 simplified (domain §2) ──
#[test]
fn boundary_2024_12_01() {
    let s = |d: &str, code: &str, my: bool| {
        claim(d, &[code])
            .std("iryo_joho", None, "2024-06-01")
            .mynumber(my)
            .run()
    };
    assert_eq!(
        s("2024-11-30", "111000110", false).auto(),
        a(&[("111703170", 3)])
    );
    assert_eq!(
        s("2024-12-01", "111000110", false).auto(),
        a(&[("111703270", 1)])
    );
    assert_eq!(
        s("2024-11-30", "112007410", false).auto(),
        a(&[("112708870", 2)])
    );
    assert_eq!(
        s("2024-11-30", "112007410", true).auto(),
        a(&[("112708970", 1)])
    );
    assert_eq!(
        s("2024-12-01", "112007410", false).auto(),
        a(&[("112708970", 1)])
    );
    assert_eq!(
        s("2024-12-01", "112011310", false).auto(),
        a(&[("112709270", 1)])
    );
}

// ── 2025-04-01: tiers 1–6 (domain §1) ──
#[test]
fn boundary_2025_04_01() {
    let s = |d: &str, t: u8| {
        claim(d, &["111000110"])
            .std("4035", Some(t), "2024-06-01")
            .run()
    };
    assert_eq!(
        s("2025-03-31", 1).auto(),
        a(&[("111703270", 1), ("111703470", 11)])
    );
    let want = [
        (1, "111703670", 12),
        (2, "111703770", 11),
        (3, "111703870", 10),
        (4, "111703470", 10),
        (5, "111703570", 9),
        (6, "111703370", 8),
    ];
    for (t, code, p) in want {
        assert_eq!(
            s("2025-04-01", t).auto(),
            a(&[("111703270", 1), (code, p)]),
            "tier {t}"
        );
    }
}

// ── 2026-06-01: 電子的診療情報連携体制整備加算 (domain §6) ──
#[test]
fn boundary_2026_06_01() {
    let o = claim("2026-05-31", &["111000110"])
        .std("4035", Some(1), "2025-04-01")
        .std("denshi_renkei", Some(1), "2026-06-01")
        .run();
    assert_eq!(o.auto(), a(&[("111703270", 1), ("111703670", 12)]));
    let o = claim("2026-06-01", &["111000110"])
        .std("4035", Some(1), "2025-04-01")
        .std("denshi_renkei", Some(1), "2026-06-01")
        .run();
    assert_eq!(o.auto(), a(&[("111704070", 15)]));
    // and O100 外来・在宅物価対応料 初診時 2 (告示69 Ｏ１００ １イ) under 180819910.
    assert_eq!(o.bukka(), vec![2]);
    assert_eq!(o.line("180819910")["verified"], false);
    assert_eq!(o.total(), 291 + 15 + 2);
    assert_eq!(
        o.line("111704070")["verified"],
        false,
        "2026 codes are unverified"
    );
    assert!(o.warnings().contains("unverified"), "{}", o.warnings());
    // 4035 alone does not carry over (疑義解釈その1: file anew).
    let o = claim("2026-06-01", &["111000110"])
        .std("4035", Some(1), "2025-04-01")
        .run();
    assert_eq!(o.auto(), a(&[]));
    // 再診料 76 and its add-on 2, once a month.
    assert_eq!(claim("2026-05-31", &["112007410"]).run().total(), 75);
    let o = claim("2026-06-10", &["112007410"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .run();
    assert_eq!(o.auto(), a(&[("112709570", 2)]));
    assert_eq!(o.bukka(), vec![2], "再診時等 2 (告示69 Ｏ１００ １ロ)");
    assert_eq!(o.total(), 76 + 2 + 2);
    let o = claim("2026-06-20", &["112007410"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .hist("2026-06-10", "112709570")
        .run();
    assert_eq!(o.auto(), a(&[]), "once a month");
    // Never both 初診 and 再診 add-ons in one month (疑義解釈その4 問4).
    let o = claim("2026-06-20", &["112007410"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .hist("2026-06-03", "111704070")
        .run();
    assert_eq!(o.auto(), a(&[]));
    assert!(o.warnings().contains("same month"), "{}", o.warnings());
    let o = claim("2026-06-20", &["111000110"])
        .std("denshi_renkei", Some(2), "2026-06-01")
        .hist("2026-06-03", "112709570")
        .run();
    assert_eq!(o.auto(), a(&[]));
    // Never with 明細書発行体制等加算 (A001 注11).
    let o = claim("2026-06-10", &["112007410", "112015770"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .run();
    assert_eq!(o.auto(), a(&[]));
    assert!(o.warnings().contains("112015770"), "{}", o.warnings());
    // 外来診療料 77 and its codeless add-on 2.
    let o = claim("2026-06-10", &["112011310"])
        .hospital()
        .std("denshi_renkei", Some(1), "2026-06-01")
        .run();
    assert_eq!(o.total(), 77 + 2 + 2);
    assert_eq!(o.0["lines"][1]["code"], Value::Null);
    // Before 2026-06-01 there is no 物価対応料; from 2027-06-01 it doubles (注5: 100分の200).
    assert_eq!(
        claim("2026-05-31", &["112007410"]).run().bukka(),
        Vec::<i64>::new()
    );
    assert_eq!(claim("2027-06-01", &["112007410"]).run().bukka(), vec![4]);
}

/// Ｏ１００ 外来・在宅物価対応料 under its codes (santei's unverified 2026 entries: 180819910 初診時,
/// 180820010 再診時等, 180820110 訪問診療時) for every base item 通知 Ｏ１００ (2)–(4) lists
/// (../shared/specs/r8-2026/ika-ryuijiko-tsuchi.txt l.30022–30037); points from 告示69 Ｏ１００ １
/// イ/ロ/ハ (l.20214–20216: 2, 2, 3), twice from 2027-06 (注5, l.20700).
#[test]
fn bukka_under_its_codes_for_every_listed_base_item() {
    let cases: &[(&str, &str, i64)] = &[
        ("111000110", "180819910", 2), // Ａ０００ 初診料
        ("113003510", "180819910", 2), // Ｂ００１－２ １イ
        ("113037210", "180819910", 2), // Ｂ００１－２－11 １イ(1)
        ("113037810", "180819910", 2), // Ｂ００１－２－11 ２ロ(1)
        ("112007410", "180820010", 2), // Ａ００１ 再診料
        ("112024210", "180820010", 2), // Ａ００１ 再診料（情報通信機器）
        ("113003610", "180820010", 2), // Ｂ００１－２ １ロ
        ("113037310", "180820010", 2), // Ｂ００１－２－11 １イ(2)
        ("113024810", "180820010", 2), // Ｂ００１－２－９ 地域包括診療料
        ("113013910", "180820010", 2), // Ｂ００１－２－７ 外来リハビリテーション診療料
        ("113014110", "180820010", 2), // Ｂ００１－２－８ 外来放射線照射診療料
        // (Ｂ００１－２－12 外来腫瘍化学療法診療料 is in the official files only: tests/tests/r8_overlay.rs.)
        ("114001110", "180820110", 3), // Ｃ００１ 在宅患者訪問診療料（Ⅰ）
        ("114042810", "180820110", 3), // Ｃ００１－２ （Ⅱ）
        ("114007610", "180820110", 3), // Ｃ００３ 在宅がん医療総合診療料
    ];
    for &(base, code, points) in cases {
        let o = claim("2026-07-01", &[base]).run();
        let l = o.line(code);
        assert_eq!(
            (
                l["points"].as_i64(),
                l["origin"].as_str(),
                l["verified"].as_bool()
            ),
            (Some(points), Some("auto"), Some(false)),
            "{base}"
        );
        assert_eq!(o.bukka(), vec![points], "{base}: one 物価対応料 line");
        let o = claim("2027-07-01", &[base]).run();
        assert_eq!(o.line(code)["points"].as_i64(), Some(points * 2), "{base}");
        assert!(
            claim("2026-05-31", &[base]).run().bukka().is_empty(),
            "{base}: none before the revision"
        );
    }
    // 初診料 with 小児科外来診療料 初診: one 初診時 line (the same family).
    let o = claim("2026-07-01", &["111000110", "113003510"]).run();
    assert_eq!(o.bukka(), vec![2]);
    // Not a listed base item: 電話等再診 (undecided) adds none.
    assert!(claim("2026-07-01", &["112007950"]).run().bukka().is_empty());
}

// Add-on codes listed by hand are held to the same rules as the ones santei adds (domain §6,
// 告示69 A000 注16 / A001 注19, 疑義解釈その4 問4; domain §1, §2).
#[test]
fn hand_listed_addons_follow_the_addon_rules() {
    let has = |o: &Out, words: &[&str]| {
        assert!(
            o.errors()
                .iter()
                .any(|e| words.iter().all(|w| e.contains(w))),
            "no error with {words:?}: {:?}",
            o.errors()
        )
    };
    // Never with 明細書発行体制等加算.
    let o = claim("2026-06-10", &["112007410", "112015770", "112709570"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .run();
    has(&o, &["112709570", "not claimed together with 112015770"]);
    // Never 初診 and 再診 add-ons in one month, either way.
    let o = claim("2026-06-20", &["112007410", "112709570"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .hist("2026-06-10", "111704070")
        .run();
    has(&o, &["112709570", "same month", "111704070"]);
    let o = claim("2026-06-20", &["111000110", "111704070"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .hist("2026-06-05", "112709570")
        .run();
    has(&o, &["111704070", "same month", "112709570"]);
    // Once a month (the rule's own limit: no 算定回数 row confirms the 2026 codes).
    let o = claim("2026-06-20", &["112007410", "112709570"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .hist("2026-06-10", "112709570")
        .run();
    has(&o, &["112709570", "limit 1 per 月"]);
    assert_eq!(
        o.errors().len(),
        1,
        "one error per broken limit: {:?}",
        o.errors()
    );
    // An add-on needs its base item.
    let o = claim("2026-06-10", &["112709570"])
        .std("denshi_renkei", Some(1), "2026-06-01")
        .run();
    has(&o, &["112709570", "an add-on to 再診料"]);
    // The code of another tier than the one filed.
    let o = claim("2025-04-10", &["111000110", "111703670"])
        .std("4035", Some(3), "2025-04-01")
        .run();
    has(&o, &["111703670", "tier-1 code", "4035 tier 3"]);
    assert!(
        !o.codes().contains(&"111703870".to_string()),
        "{:?}",
        o.codes()
    );
    // 加算2 listed for a patient without マイナ保険証 use (it may come from another facility):
    // santei does not add 加算1 beside it (same 注加算 通番: they exclude each other).
    let o = claim("2024-07-20", &["111000110", "111703270"])
        .std("iryo_joho", None, "2024-06-01")
        .mynumber(false)
        .run();
    assert_eq!(o.total(), 291 + 1);
    assert_eq!(o.errors(), Vec::<String>::new());
    // The 初診 add-on is 月1回 whichever of 加算1 / 加算2 (domain §2).
    let o = claim("2024-07-20", &["111000110"])
        .std("iryo_joho", None, "2024-06-01")
        .hist("2024-07-03", "111703170")
        .run();
    assert_eq!(o.auto(), a(&[]));
    // 外来診療料 is a hospitals' item (病院・診療所区分 1).
    let o = claim("2025-04-10", &["112011310"]).run();
    has(&o, &["112011310", "hospitals only"]);
}

#[test]
fn second_shoshin_in_a_month_gets_no_second_dx_addon() {
    let o = claim("2025-04-20", &["111000110"])
        .std("4035", Some(1), "2025-04-01")
        .hist("2025-04-03", "111703670")
        .hist("2025-04-03", "111703270")
        .run();
    assert_eq!(o.auto(), a(&[]));
    assert_eq!(o.total(), 291);
    // Next month it is added again.
    let o = claim("2025-05-01", &["111000110"])
        .std("4035", Some(1), "2025-04-01")
        .hist("2025-04-03", "111703670")
        .run();
    assert!(o.codes().contains(&"111703670".to_string()));
}

#[test]
fn iryo_joho_saishin_once_in_three_months() {
    // 05算定回数テーブル: 112708970 ３月 1. Reading: the month of the last claim is month 1;
    // the next claim is allowed from month 4.
    let base = |d: &str| {
        claim(d, &["112007410"])
            .std("iryo_joho", None, "2024-06-01")
            .hist("2025-02-14", "112708970")
    };
    let o = base("2025-04-10").run();
    assert_eq!(o.auto(), a(&[]));
    assert!(o.warnings().contains("３月"), "{}", o.warnings());
    let o = base("2025-05-01").run();
    assert_eq!(o.auto(), a(&[("112708970", 1)]));
    // 加算3 and 加算4 share one allowance (2024-06 – 2024-11).
    let o = claim("2024-08-01", &["112007410"])
        .std("iryo_joho", None, "2024-06-01")
        .mynumber(false)
        .hist("2024-07-01", "112708970")
        .run();
    assert_eq!(o.auto(), a(&[]));
}

#[test]
fn zaitaku_dx_refused_in_a_month_with_dx_suishin() {
    let o = claim("2025-04-20", &["114001110"])
        .std("4100", None, "2024-06-01")
        .hist("2025-04-03", "111703670")
        .run();
    assert_eq!(o.auto(), a(&[]));
    let w = o.warnings();
    assert!(
        w.contains("在宅医療ＤＸ情報活用加算 refused") && w.contains("111703670"),
        "{w}"
    );
    // Without it: 加算1 11 (e-prescription capability) — domain §4.
    let o = claim("2025-04-20", &["114001110"])
        .std("4100", None, "2024-06-01")
        .run();
    assert_eq!(o.auto(), a(&[("114746310", 11)]));
    let o = claim("2025-04-20", &["114001110"])
        .std("4100", None, "2024-06-01")
        .no_erx()
        .run();
    assert_eq!(o.auto(), a(&[("114706510", 9)]));
    let o = claim("2024-07-20", &["114001110"])
        .std("4100", None, "2024-06-01")
        .run();
    assert_eq!(o.auto(), a(&[("114706510", 10)]));
}

#[test]
fn gating_by_facility_standard() {
    let o = claim("2025-04-10", &["111000110"]).run();
    assert_eq!(o.auto(), a(&[]));
    let o = claim("2025-04-10", &["111000110", "111703670"]).run();
    let e = o.errors();
    assert!(
        e.iter()
            .any(|e| e.contains("111703670") && e.contains("4035")),
        "{e:?}"
    );
    // A tier filed for dates outside its from/to is not used.
    let o = claim("2025-04-10", &["111000110"])
        .std_to("4035", 1, "2024-10-01", "2025-03-31")
        .run();
    assert!(
        !o.codes().iter().any(|c| c.starts_with("111703")),
        "{:?}",
        o.codes()
    );
    let o = claim("2025-04-10", &["111000110"])
        .std_to("4035", 1, "2024-10-01", "2025-03-31")
        .std("4035", Some(3), "2025-04-01")
        .run();
    assert_eq!(o.auto(), a(&[("111703270", 1), ("111703870", 10)]));
}

#[test]
fn age_addon_for_under_six() {
    // 初診料 年齢加算①: 上限 06 → 111000370 乳幼児加算（初診） 75 (master).
    let mut c = claim("2025-04-10", &["111000110"]);
    c.v["patient"]["birth_date"] = json!("2020-01-01");
    let o = c.run();
    assert_eq!(o.auto(), a(&[("111000370", 75)]));
    c.v["patient"]["birth_date"] = json!("2019-04-10");
    assert_eq!(c.run().auto(), a(&[]), "six on the sixth birthday");
}

#[test]
fn bad_input_is_a_clear_error() {
    let e = claim("2025-04-10", &["199999999"]).run_err();
    assert!(
        e.contains("items[0].code") && e.contains("unknown code 199999999"),
        "{e}"
    );
    let e = claim("2025-04-10", &["111015970"]).run_err();
    assert!(
        e.contains("111015970 is not valid on 2025-04-10") && e.contains("to 2024-05-31"),
        "{e}"
    );
    let e = api::parse::claim("x.json", "{\"date\": \"2025-04-10\",")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("x.json: malformed JSON"), "{e}");
    let mut c = claim("2025-04-10", &["111000110"]);
    c.v["items"][0]["count"] = json!(-1);
    assert_eq!(
        c.run_err(),
        "t.json: items[0].count: -1 is not a count (1 or more)"
    );
    let e = claim("2021-12-01", &["111000110"]).run_err();
    assert!(e.contains("before 2022-04-01"), "{e}");
    // After the last date the rule files describe (the 2026 schedule, until the next
    // revision): an error, not the 2026 rules applied to a later date.
    let e = claim("2028-06-01", &["111000110"]).run_err();
    assert!(
        e.contains("2028-06-01 is after 2028-05-31") && e.contains("last date"),
        "{e}"
    );
    // (初診料 291 and, from 2027-06, 物価対応料 初診時 2 × 2: 告示69 Ｏ１００ 注5.)
    assert_eq!(claim("2028-05-31", &["111000110"]).run().total(), 291 + 4);
    let e = api::calc(engine(), "x.json", "[]").unwrap_err();
    assert_eq!(e.kind, "input");
}

#[test]
fn tier_from_the_facility_profile() {
    // The issue-4 example profile: 2025-01 receipt-based 47% with e-prescription → tier 1 in
    // 2025-04 (45% threshold, medical-dx-addons.md §1); without e-prescription → tier 4.
    let profile = json!({"kind": "clinic", "e_prescription_since": "2025-02-01",
        "usage": [{"month": "2025-01", "receipt_based": "0.47"}]});
    let mut c = claim("2025-04-10", &["111000110"]).std("4035", None, "2025-04-01");
    c.v["facility"]["profile"] = profile.clone();
    assert_eq!(c.run().auto(), a(&[("111703270", 1), ("111703670", 12)]));
    let mut p4 = profile.clone();
    p4.as_object_mut().unwrap().remove("e_prescription_since");
    c.v["facility"]["profile"] = p4.clone();
    // The facility's own e-prescription date (2023-01-01 in these claims) counts for a
    // profile that does not state one …
    assert_eq!(c.run().auto(), a(&[("111703270", 1), ("111703670", 12)]));
    // … and without either: tier 4.
    let mut c = c.no_erx();
    c.v["facility"]["profile"] = p4.clone();
    assert_eq!(c.run().auto(), a(&[("111703270", 1), ("111703470", 10)]));
    // Filed tier 1 while the data supports tier 4: the filed tier is used, with a warning.
    let mut c = claim("2025-04-10", &["111000110"])
        .std("4035", Some(1), "2025-04-01")
        .no_erx();
    c.v["facility"]["profile"] = p4;
    let o = c.run();
    assert_eq!(o.auto(), a(&[("111703270", 1), ("111703670", 12)]));
    assert!(
        o.warnings()
            .contains("filed tier 1 is better than the facility's data supports (tier 4"),
        "{}",
        o.warnings()
    );
}

#[test]
fn exclusion_tables_refuse_what_they_forbid() {
    // 03-3背反テーブル3 (同時): 112000970 乳幼児加算（再診） × 112001110 時間外加算（再診）,
    // 背反区分 2 — only ② may be claimed (the combined 時間外 code carries the infant part).
    let mut c = claim("2025-04-10", &["112007410", "112000970", "112001110"]);
    c.v["patient"]["birth_date"] = json!("2022-01-01");
    let o = c.run();
    let e = o.errors();
    assert!(
        e.iter()
            .any(|e| e.contains("112000970") && e.contains("背反 (同時) with 112001110")),
        "{e:?}"
    );
    // 03-2背反テーブル2 (同一月): 111703370 × 114706510, 背反区分 1 — a 在宅医療ＤＸ情報活用加算
    // listed by hand in a month with 医療ＤＸ推進体制整備加算 is refused.
    let o = claim("2024-07-20", &["114001110", "114706510"])
        .std("4100", None, "2024-06-01")
        .hist("2024-07-03", "111703370")
        .run();
    let e = o.errors();
    assert!(
        e.iter()
            .any(|e| e.contains("114706510") && e.contains("背反 (同一月) with 111703370")),
        "{e:?}"
    );
}

#[test]
fn dental_and_pharmacy_dx_points_without_codes() {
    // medical-dx-addons.md §1: 2025-04 tier 1 → 歯科 11, 調剤 10; tier 6 → 歯科 6; §6 (2026):
    // 歯科 加算1 9, 再診 2; 調剤 8. Codeless lines: code null, flagged, points from the tier rules.
    let dental = |date: &str, visit: &str, std_code: &str, tier: u8| {
        let mut c = claim(date, &[]).std(std_code, Some(tier), "2024-06-01");
        c.v["kind"] = json!("shika");
        c.v["visit"] = json!(visit);
        c.v["facility"]["kind"] = json!("dental");
        c.run()
    };
    let o = dental("2025-04-10", "first", "4035", 1);
    assert_eq!(o.auto(), a(&[("-", 11)]));
    assert!(
        o.warnings().contains("no official code"),
        "{}",
        o.warnings()
    );
    assert_eq!(
        dental("2025-04-10", "first", "4035", 6).auto(),
        a(&[("-", 6)])
    );
    assert_eq!(
        dental("2026-06-10", "first", "denshi_renkei", 1).auto(),
        a(&[("-", 9)])
    );
    assert_eq!(
        dental("2026-06-10", "revisit", "denshi_renkei", 1).auto(),
        a(&[("-", 2)])
    );
    let mut c = claim("2025-04-10", &[]).std("4035", Some(1), "2024-06-01");
    c.v["kind"] = json!("chozai");
    c.v["visit"] = json!("dispensing");
    c.v["facility"]["kind"] = json!("pharmacy");
    assert_eq!(c.run().auto(), a(&[("-", 10)]));
    c.v["date"] = json!("2026-06-10");
    assert_eq!(
        c.run().auto(),
        a(&[("-", 8)]),
        "調剤 2026: 8, a 4035 filing carries over"
    );
}

#[test]
fn lines_after_a_revision_the_data_predates_are_not_confirmed() {
    // The embedded data is checked against official files published up to 2025-09-01; the
    // 令和8年度改定 takes effect on 2026-06-01 (rules/data/addons/medical_dx.toml [[revision]]).
    let before = claim("2026-05-29", &["111000110"]).run();
    assert_eq!(before.line("111000110")["verified"], true);
    let after = claim("2026-06-01", &["111000110"]).run();
    let l = after.line("111000110");
    assert_eq!(l["points"], 291); // unchanged by 告示69 A000, but no official master says so
    assert_eq!(l["verified"], false);
    let w = after.0["warnings"].to_string();
    assert!(
        w.contains("令和8年度診療報酬改定 (2026-06-01)")
            && w.contains("published up to 2025-09-01")
            && w.contains("111000110"),
        "{w}"
    );
}
