//! The value types of santei's inputs — dates, months, amounts, rates, 法別番号, exact
//! decimals — each read by serde from JSON or TOML with an error that names the value, and
//! each with its JSON Schema (feature `schema`).
//!
//! Invariants: a value that deserialised is valid (a real date, a whole non-negative amount
//! within [`MAX_AMOUNT`], a rate in whole percent, a two-digit 法別番号); numbers are read
//! through their decimal text, never through a binary float in arithmetic.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Largest amount (円, 点) accepted; keeps every product far inside `i64`.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// Bounds of a claim (published in `schemas/v1/claim.json`): a line's count (回数, 日数), the
/// points a caller may state for a code santei does not know, the lines of a claim and of its
/// history. With them every product and sum stays below 10^17, far inside `i64` (9.2 × 10^18):
/// a total fits a Java/C# `long` with room to spare.
pub const MAX_COUNT: i64 = 9_999;
/// See [`MAX_COUNT`]: at most 99,999,999 points, two decimal places.
pub const MAX_STATED_POINTS: i64 = 99_999_999;
/// See [`MAX_COUNT`].
pub const MAX_ITEMS: usize = 50_000;
/// See [`MAX_COUNT`].
pub const MAX_HISTORY: usize = 50_000;
/// The earliest birth date santei accepts (no patient alive today was born before it).
pub const MIN_BIRTH_YEAR: i32 = 1900;
/// Meals a receipt or visit may state (a month has at most 31 × 3).
pub const MAX_MEALS: i64 = 10_000;
/// Visits a receipt may state.
pub const MAX_VISITS: i64 = 10_000;

/// The key under which serde_json (feature `arbitrary_precision`) hands a number to a visitor.
const JSON_NUMBER_KEY: &str = "$serde_json::private::Number";
/// The key under which the toml crate hands a date-time to a visitor.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// Parse a YYYY-MM-DD date strictly.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    if !ok {
        return Err(format!("{s:?} is not a date (YYYY-MM-DD)"));
    }
    // Every date of a claim passes here: the ten bytes read at fixed places, no loop.
    let b: [u8; 10] = s.as_bytes().try_into().unwrap_or([0; 10]);
    let digit = |i: usize| u32::from(b[i].wrapping_sub(b'0'));
    let all_digits = [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&i| digit(i) <= 9);
    if all_digits {
        let y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
        let (m, d) = (digit(5) * 10 + digit(6), digit(8) * 10 + digit(9));
        return NaiveDate::from_ymd_opt(y as i32, m, d)
            .ok_or_else(|| format!("{s:?} is not a valid date"));
    }
    Err(format!("{s:?} is not a valid date"))
}

/// A scalar as any format hands it over, for the messages and readers below.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar {
    Str(String),
    /// The decimal text of a number.
    Num(String),
    Bool(bool),
    /// A TOML date (or date-time) in its text form.
    Date(String),
    Other(&'static str),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Str(s) => write!(f, "\"{s}\""),
            Scalar::Num(n) | Scalar::Date(n) => f.write_str(n),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Other(what) => f.write_str(what),
        }
    }
}

/// The visitor of [`Scalar`].
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Scalar, E> {
        Ok(Scalar::Num(n.to_string()))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Scalar, E> {
        Ok(Scalar::Num(n.to_string()))
    }
    fn visit_i128<E>(self, n: i128) -> Result<Scalar, E> {
        Ok(Scalar::Num(n.to_string()))
    }
    fn visit_u128<E>(self, n: u128) -> Result<Scalar, E> {
        Ok(Scalar::Num(n.to_string()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Scalar, E> {
        // TOML floats: their shortest round-trip text is the text written.
        Ok(Scalar::Num(format!("{n:?}")))
    }
    fn visit_str<E>(self, s: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(s.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other("null"))
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other("null"))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Scalar, A::Error> {
        while a.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Scalar, A::Error> {
        let Some(k) = m.next_key::<String>()? else {
            return Ok(Scalar::Other("an object"));
        };
        if k == JSON_NUMBER_KEY {
            return Ok(Scalar::Num(m.next_value()?));
        }
        if k == TOML_DATETIME_KEY {
            return Ok(Scalar::Date(m.next_value()?));
        }
        m.next_value::<de::IgnoredAny>()?;
        while m.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an object"))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// Read a value through [`Scalar`] and a check that names it.
fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    f: impl FnOnce(Scalar) -> Result<T, String>,
) -> Result<T, D::Error> {
    f(Scalar::deserialize(d)?).map_err(de::Error::custom)
}

/// An exact decimal from a number's text (JSON, TOML integer or float).
pub(crate) fn decimal_of(s: &Scalar) -> Option<Decimal> {
    match s {
        Scalar::Num(t) => Decimal::from_str(t)
            .or_else(|_| Decimal::from_scientific(t))
            .ok(),
        _ => None,
    }
}

/// A date field that names itself when it is malformed (`"YYYY-MM-DD"`, or a TOML date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A date from any scalar (the message names a value that is not a date).
fn date_of(s: Scalar) -> Result<Date, String> {
    match s {
        Scalar::Str(t) => parse_date(&t).map(Date),
        Scalar::Date(t) if t.len() == 10 => parse_date(&t).map(Date),
        Scalar::Date(t) => Err(format!("{t} is not a date (YYYY-MM-DD): give the day only")),
        other => Err(format!("expected a date YYYY-MM-DD, got {other}")),
    }
}

/// The visitor of [`Date`]: a string is parsed where it lies (no `String` per date); any
/// other value goes through [`ScalarVisitor`] and [`date_of`], so every message is the one
/// [`Scalar`] gives. A bad date is returned as a value and made an error by the caller, as
/// [`read`] does, so its position in the input is reported the same way.
struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Result<Date, String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ScalarVisitor.expecting(f)
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(parse_date(s).map(Date))
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        ScalarVisitor.visit_bool(b).map(date_of)
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        ScalarVisitor.visit_i64(n).map(date_of)
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        ScalarVisitor.visit_u64(n).map(date_of)
    }
    fn visit_i128<E: de::Error>(self, n: i128) -> Result<Self::Value, E> {
        ScalarVisitor.visit_i128(n).map(date_of)
    }
    fn visit_u128<E: de::Error>(self, n: u128) -> Result<Self::Value, E> {
        ScalarVisitor.visit_u128(n).map(date_of)
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
        ScalarVisitor.visit_f64(n).map(date_of)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        ScalarVisitor.visit_unit().map(date_of)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        ScalarVisitor.visit_none().map(date_of)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
        ScalarVisitor.visit_seq(a).map(date_of)
    }
    fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
        ScalarVisitor.visit_map(m).map(date_of)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)?.map_err(de::Error::custom)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m-%d"))
    }
}

/// A month, `"YYYY-MM"`: its first day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub NaiveDate);

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |s| match s {
            Scalar::Str(t) => NaiveDate::parse_from_str(&format!("{}-01", t.trim()), "%Y-%m-%d")
                .map(Month)
                .map_err(|_| format!("\"{t}\" is not a month YYYY-MM")),
            other => Err(format!("expected a month YYYY-MM, got {other}")),
        })
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m"))
    }
}

/// A whole, non-negative amount of yen (or points, meals, visits) up to [`MAX_AMOUNT`]
/// (`10000.0` is read as 10000; `10000.5` is refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Amount(pub i64);

impl Amount {
    /// Check a number: whole, not negative, at most [`MAX_AMOUNT`].
    pub fn check(n: i64) -> Result<Amount, String> {
        if n < 0 {
            return Err(format!("{n} is negative"));
        }
        if n > MAX_AMOUNT {
            return Err(format!("{n} is above {MAX_AMOUNT}"));
        }
        Ok(Amount(n))
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |s| {
            let dec = decimal_of(&s).ok_or_else(|| format!("expected a whole number, got {s}"))?;
            if dec.fract() != Decimal::ZERO {
                return Err(format!("expected a whole number, got {s}"));
            }
            let n = rust_decimal::prelude::ToPrimitive::to_i64(&dec)
                .ok_or_else(|| format!("{s} is out of range"))?;
            Amount::check(n)
        })
    }
}

/// A 負担割合 in whole percent, written as a decimal fraction (`0.3`, `"0.3"`), `"3割"` or
/// `"30%"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rate(pub u32);

impl Rate {
    /// Read a rate from its text.
    pub fn parse(text: &str) -> Result<Rate, String> {
        let text = text.trim();
        let err = || {
            format!(
                "\"{text}\" is not a rate between 0 and 1 in whole percent (0.3, \"3割\", \"30%\")"
            )
        };
        let d = if let Some(w) = text.strip_suffix('割') {
            Decimal::from_str(w.trim()).map_err(|_| err())? / Decimal::TEN
        } else if let Some(p) = text.strip_suffix('%') {
            Decimal::from_str(p.trim()).map_err(|_| err())? / Decimal::ONE_HUNDRED
        } else {
            Decimal::from_str(text).map_err(|_| err())?
        };
        rules::copay::rate_to_percent(d).map(Rate).ok_or_else(err)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |s| match s {
            Scalar::Num(t) | Scalar::Str(t) => Rate::parse(&t),
            other => Err(format!("expected a rate such as 0.3, got {other}")),
        })
    }
}

/// 法別番号: two digits (`"54"`; a number or a one-digit string is read as two digits).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Law(pub String);

impl Law {
    /// Read a 法別番号 from its text.
    pub fn parse(s: &str) -> Result<Law, String> {
        let s = s.trim();
        let s = if s.len() == 1 {
            format!("0{s}")
        } else {
            s.to_string()
        };
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("\"{s}\" is not a 法別番号 (two digits)"));
        }
        Ok(Law(s))
    }
}

impl<'de> Deserialize<'de> for Law {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |s| match &s {
            Scalar::Str(t) => Law::parse(t),
            Scalar::Num(t) if t.bytes().all(|b| b.is_ascii_digit()) => Law::parse(t),
            other => Err(format!("expected a 法別番号 such as \"54\", got {other}")),
        })
    }
}

impl Serialize for Law {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A boolean that names a wrong value (`expected true or false, got "yes"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |s| match s {
            Scalar::Bool(b) => Ok(Flag(b)),
            other => Err(format!("expected true or false, got {other}")),
        })
    }
}

/// An optional exact decimal (absent or `null`: `None`).
pub(crate) fn deserialize_opt_decimal<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Decimal>, D::Error> {
    read(d, |s| match s {
        Scalar::Other("null") => Ok(None),
        s => decimal_of(&s)
            .map(Some)
            .ok_or_else(|| format!("expected a number, got {s}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j<T: for<'de> Deserialize<'de>>(s: &str) -> Result<T, String> {
        serde_json::from_str::<T>(s).map_err(|e| e.to_string())
    }

    #[test]
    fn amounts_are_whole_and_bounded() {
        assert_eq!(j::<Amount>("10000").unwrap(), Amount(10000));
        assert_eq!(j::<Amount>("10000.0").unwrap(), Amount(10000));
        assert!(j::<Amount>("10000.5")
            .unwrap_err()
            .contains("expected a whole number, got 10000.5"));
        assert!(j::<Amount>("-1").unwrap_err().contains("-1 is negative"));
        assert_eq!(j::<Amount>("1000000000000").unwrap(), Amount(MAX_AMOUNT));
        assert!(j::<Amount>("1000000000001")
            .unwrap_err()
            .contains("is above"));
        assert!(j::<Amount>("\"12\"").unwrap_err().contains("got \"12\""));
    }

    #[test]
    fn dates_strictly_yyyy_mm_dd() {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse_date("2024-02-29"), Ok(ymd(2024, 2, 29)));
        assert_eq!(parse_date("0000-01-01"), Ok(ymd(0, 1, 1)));
        assert_eq!(parse_date("9999-12-31"), Ok(ymd(9999, 12, 31)));
        for bad in [
            "2023-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-00",
            "2025-04-31",
        ] {
            assert_eq!(
                parse_date(bad),
                Err(format!("{bad:?} is not a valid date")),
                "{bad}"
            );
        }
        // A byte that is not a digit, in each place a digit is read.
        for at in [0, 1, 2, 3, 5, 6, 8, 9] {
            for c in ['/', ':', 'a', ' ', '+'] {
                let mut s = String::from("2025-04-10");
                s.replace_range(at..at + 1, &c.to_string());
                assert_eq!(parse_date(&s), Err(format!("{s:?} is not a valid date")));
            }
        }
        for bad in [
            "2025/04/10",
            "2025-4-10",
            "2025-04-100",
            "",
            "２０２５-04-10",
        ] {
            assert_eq!(
                parse_date(bad),
                Err(format!("{bad:?} is not a date (YYYY-MM-DD)"))
            );
        }
    }

    #[test]
    fn rates_laws_dates() {
        assert_eq!(j::<Rate>("0.3").unwrap(), Rate(30));
        assert_eq!(j::<Rate>("\"3割\"").unwrap(), Rate(30));
        assert_eq!(j::<Rate>("\"15%\"").unwrap(), Rate(15));
        assert!(j::<Rate>("0.305").is_err());
        assert_eq!(j::<Law>("54").unwrap(), Law("54".into()));
        assert_eq!(j::<Law>("\"8\"").unwrap(), Law("08".into()));
        assert!(j::<Law>("\"543\"").is_err());
        assert!(j::<Date>("\"2025-02-30\"")
            .unwrap_err()
            .contains("is not a valid date"));
        assert_eq!(
            j::<Month>("\"2025-05\"").unwrap(),
            Month(NaiveDate::from_ymd_opt(2025, 5, 1).unwrap())
        );
    }

    #[test]
    fn toml_dates_are_dates() {
        #[derive(Deserialize)]
        struct T {
            d: Date,
        }
        let t: T = toml::from_str("d = 2025-04-10").unwrap();
        assert_eq!(t.d, Date(NaiveDate::from_ymd_opt(2025, 4, 10).unwrap()));
    }
}

#[cfg(feature = "schema")]
mod schema;

#[cfg(feature = "schema")]
pub use schema::{
    AmountSchema, CodeString, DateSchema, DecimalNumber, DecimalString, MonthSchema, RateSchema,
    StatedPointsSchema,
};
