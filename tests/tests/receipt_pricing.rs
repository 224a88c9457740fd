//! 剤 pricing on the official files (医科診療行為マスター, 医薬品マスター y_ALL20240531.csv,
//! 特定器材マスター t_ALL20240315.csv): the 薬剤料 boundaries with real master rows, and the
//! bad input of a 剤 refused with the item, the line and the value.
//!
//! Rows cited as `y_ALL20240531.csv:LINE code name 薬価`:
//! - :1662 612170710 ノルバスク錠５ｍｇ 15.20 (錠); :1 610406079 ガスター散２％ 16.50 (ｇ)
//! - :3645 620002857 メシル酸ペルゴリド錠５０μｇ「アメル」 15.00 (錠)
//! - :14 610406390 ベイスン錠０．２　０．２ｍｇ 16.00 (錠)
//! - :2595 615101702 コタロー麻黄附子細辛湯エキスカプセル 25.00 (カプセル)
//! - :2985 620000363 エクラークリーム０．３％ 13.70 (ｇ)
//! - :5422 620007412 ネオファーゲン静注２０ｍＬ 57.00 (管)
//! and `s_ALL20240531.csv:1414` 140000610 創傷処置（１００ｃｍ２未満）.
//! Rules: 告示 Ｆ２００ (r6-2024/ika-tensuhyo-kokuji57.txt:10837-10838) 15円以下 1点, 10円又は
//! その端数を増すごとに1点; Ｊ３００ 注１ (…:13137) 15円以下 算定しない; Ｇ１００ (…:11121-11124).

use calc::Engine;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let s = santei_tests::shared().join("masters");
        let dirs = [s.join("ika"), s.join("drugs"), s.join("devices")];
        let (ds, _) = masters::pack::load_official_dirs(&dirs).expect("official files");
        Engine::with_data(ds).unwrap()
    })
}

fn claim(date: &str, items: Value) -> String {
    json!({"date": date, "patient": {"birth_date": "1960-01-01"},
           "facility": {"kind": "clinic"}, "items": items})
    .to_string()
}

fn run(date: &str, items: Value) -> Result<Value, String> {
    api::calc(engine(), "t.json", &claim(date, items))
        .map(|s| serde_json::from_str(&s).unwrap())
        .map_err(|e| e.message)
}

/// The 薬剤料 line of the 剤 `items[g]`.
fn drug_line(v: &Value, g: u64) -> Value {
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["group"] == json!(g) && l["price"]["kind"] == "drug")
        .cloned()
        .unwrap_or(Value::Null)
}

fn naifuku(code: &str, q: &str, days: i64) -> Value {
    json!({"section": "21", "count": days, "lines": [{"code": code, "quantity": q.parse::<f64>().unwrap()}]})
}

#[test]
fn fifteen_and_sixteen_yen() {
    // 15.00円 → 1点; 16.00円 → 2点 (16/10 = 1.6 → 2); 2 錠 of 15.00 = 30円 → 3点; 25.00 → 2点
    // (2.5, 五捨五超入 down); 15.20 + 16.50 = 31.70円 → 3点 (3.17).
    let cases = [
        (naifuku("620002857", "1", 7), 1, 7),
        (naifuku("610406390", "1", 7), 2, 14),
        (naifuku("620002857", "2", 7), 3, 21),
        (naifuku("615101702", "1", 1), 2, 2),
    ];
    for (item, points, subtotal) in cases {
        let v = run("2024-10-10", json!([{"code": "112007410"}, item.clone()])).unwrap();
        let l = drug_line(&v, 1);
        assert_eq!(l["points"], json!(points), "{item}: {l}");
        assert_eq!(l["subtotal"], json!(subtotal), "{item}: {l}");
        assert_eq!(l["section"], json!("21"));
    }
    let v = run(
        "2025-02-12",
        json!([{"section": "21", "count": 28, "lines": [
            {"code": "612170710", "quantity": 1}, {"code": "610406079", "quantity": 1}]}]),
    )
    .unwrap();
    let l = drug_line(&v, 0);
    assert_eq!(l["points"], json!(3));
    assert_eq!(l["subtotal"], json!(84));
    assert_eq!(l["price"]["yen"], json!(31.7));
    assert_eq!(l["price"]["parts"][0]["price"], json!(15.2));
    assert_eq!(l["price"]["parts"][1]["yen"], json!(16.5));
}

#[test]
fn treatment_drugs_of_15_yen_or_less_are_not_charged() {
    // 処置 (40): エクラークリーム 1g = 13.70円 → not charged (Ｊ３００ 注１); 2g = 27.40円 → 3点
    // (2.74 → 3).
    for (q, points) in [(1, 0), (2, 3)] {
        let v = run(
            "2024-10-10",
            json!([{"section": "40", "lines": [{"code": "140000610"},
                                               {"code": "620000363", "quantity": q}]}]),
        )
        .unwrap();
        assert_eq!(drug_line(&v, 0)["points"], json!(points), "{q} g");
    }
    // 注射 (32): ネオファーゲン 57.00円 → 6点 (5.7).
    let v = run(
        "2024-10-10",
        json!([{"section": "32", "lines": [{"code": "620007412", "quantity": 1}]}]),
    )
    .unwrap();
    assert_eq!(drug_line(&v, 0)["points"], json!(6));
}

#[test]
fn bad_input_names_the_item_and_the_value() {
    let cases: [(Value, &str); 6] = [
        (
            json!([{"section": "21", "count": 7, "lines": []}]),
            "items[0].lines: [] is empty: a 剤 needs at least one line",
        ),
        (
            json!([{"section": "21", "lines": [{"code": "612170710", "quantity": 0}]}]),
            "items[0].lines[0].quantity: 0 is not a quantity (more than 0)",
        ),
        (
            json!([{"section": "21", "lines": [{"code": "612170710", "quantity": -1}]}]),
            "items[0].lines[0].quantity: -1 is not a quantity (more than 0)",
        ),
        (
            json!([{"section": "21", "lines": [{"code": "619999999", "quantity": 1}]}]),
            "items[0].lines[0].code: unknown drug code 619999999",
        ),
        (
            json!([{"section": "21", "lines": [{"code": "160022510"}]}]),
            "items[0].lines[0].code: 160022510 is ＡＳＴ of 区分 D007 (fits F), which does not fit 診療識別 21",
        ),
        (
            json!([{"section": "19", "lines": [{"code": "612170710", "quantity": 1}]}]),
            "items[0].section: \"19\" is not a 診療識別",
        ),
    ];
    for (items, want) in cases {
        let e = run("2024-10-10", items.clone()).unwrap_err();
        assert!(e.contains(want), "{items}: {e}");
    }
}

#[test]
fn no_price_after_the_next_revision() {
    // y_ALL20240531 prices nothing from the 2025-04-01 薬価改定 on: the error names the code, the
    // date and the master.
    let e = run("2025-04-01", json!([naifuku("612170710", "1", 7)])).unwrap_err();
    assert!(
        e.contains("612170710 has no price on 2025-04-01")
            && e.contains("y_ALL20240531.csv (published 2024-05-31)"),
        "{e}"
    );
    assert!(run("2025-03-31", json!([naifuku("612170710", "1", 7)])).is_ok());
}
