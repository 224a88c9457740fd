//! The explanation texts: templates render their arguments, the pool owns what it holds.

use calc::text::{placeholders, Arg, Sep, Texts};
use chrono::NaiveDate;
use masters::Code;
use rust_decimal::Decimal;

#[test]
fn templates_render_their_arguments() {
    let mut p = Texts::new();
    let d = NaiveDate::from_ymd_opt(2025, 4, 10).unwrap();
    let inner = calc::tx!(p, "{} on {}", Code(111000110), d);
    let t = calc::tx!(
        p,
        "{}: {} points × {} ({}; {}) {}",
        inner,
        Decimal::new(2910, 1),
        3i64,
        Arg::Src("s_ALL20240531.csv", 12),
        Arg::Pct(30),
        Arg::Codes(&[111703370, 111703470], Sep::Slash)
    );
    assert_eq!(
        p.string(t),
        "111000110 on 2025-04-10: 291 points × 3 (s_ALL20240531.csv:12; 3割) 111703370/111703470"
    );
    let t = calc::tx!(p, "{}", Decimal::new(-5, 1));
    assert_eq!(p.string(t), "-0.5");
    let t = calc::tx!(p, "{}", Arg::Pct(15));
    assert_eq!(p.string(t), "15%");
    let t = calc::tx!(p, "{}", None::<Code>);
    assert_eq!(p.string(t), "(no code)");
    let o = p.own("owned {}".into());
    assert_eq!(p.string(o), "owned {}");
    assert_eq!(p.as_str(o), Some("owned {}"));
    // The pool owns what it holds: a text outlives the string it was made from.
    let t = {
        let name = String::from("初診料");
        calc::tx!(p, "{} ({})", name.as_str(), Arg::Src(&name, 3))
    };
    assert_eq!(p.string(t), "初診料 (初診料:3)");
    assert_eq!(p.string(calc::lit!("plain")), "plain");
    assert_eq!(placeholders("{} and {} {"), 2);
}

#[test]
fn dates_and_codes_match_their_display() {
    let mut p = Texts::new();
    for (y, m, d) in [(2022, 4, 1), (1900, 12, 31), (2026, 6, 1)] {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let t = calc::tx!(p, "{}", date);
        assert_eq!(p.string(t), date.to_string());
    }
    for c in [0u32, 7, 111000110, 999999999] {
        let t = calc::tx!(p, "{}", Code(c));
        assert_eq!(p.string(t), Code(c).to_string());
    }
}
