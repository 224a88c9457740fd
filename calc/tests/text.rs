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

/// `Texts::string` writes straight into a `String`; `Texts::show` goes through `fmt`: the
/// same characters for every kind of argument (the expected strings written out by hand).
#[test]
fn string_equals_display_for_every_argument() {
    let mut p = Texts::new();
    let d = NaiveDate::from_ymd_opt(2025, 4, 10).unwrap();
    let inner = calc::tx!(p, "[{}]", "in\"ner");
    let cases = [
        (
            calc::tx!(p, "{}|{}|{}|{}", 0i64, 9i64, 10i64, 99i64),
            "0|9|10|99",
        ),
        (
            calc::tx!(p, "{}|{}|{}", 100i64, -7i64, i64::MIN),
            "100|-7|-9223372036854775808",
        ),
        (
            calc::tx!(
                p,
                "{}|{}|{}",
                Decimal::new(29100, 2),
                Decimal::new(5, 1),
                Decimal::new(-120, 1)
            ),
            "291|0.5|-12",
        ),
        (
            calc::tx!(
                p,
                "{}|{}|{}",
                Arg::OptDate(None),
                Arg::OptDate(Some(d)),
                Arg::Month(d)
            ),
            "|2025-04-10|2025-04",
        ),
        (
            calc::tx!(
                p,
                "{}|{}|{}",
                Code(1),
                Arg::OptCode(None),
                Code(1_234_567_890)
            ),
            "000000001|(no code)|1234567890",
        ),
        (
            calc::tx!(
                p,
                "{}|{}",
                Arg::Codes(&[], Sep::Comma),
                Arg::Codes(&[1, 2], Sep::Comma)
            ),
            "|000000001, 000000002",
        ),
        (
            calc::tx!(
                p,
                "{}|{}|{}",
                Arg::Src("f.csv", 0),
                Arg::Src("f.csv", 123),
                Arg::Pct(100)
            ),
            "f.csv|f.csv:123|10割",
        ),
        (
            calc::tx!(p, "{}|{}", Arg::Age(masters::AgeBound::Years(6)), inner),
            "06|[in\"ner]",
        ),
    ];
    for (t, want) in cases {
        assert_eq!(p.string(t), want);
        assert_eq!(p.show(t).to_string(), want);
    }
}
