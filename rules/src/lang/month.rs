//! `YearMonth` — a calendar month (診療月), written `YYYY-MM`.
//!
//! Invariant: the month is always valid (1–12); arithmetic never panics (it saturates at the
//! bounds of `i32` years, far outside any fee schedule).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar month such as 2025-04 (診療月 / 適用月).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Months since year 0, January = 0.
    index: i64,
}

impl YearMonth {
    /// Builds a month; `None` when `month` is not 1–12 or the year is out of range.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || !(1..=9999).contains(&year) {
            return None;
        }
        Some(YearMonth {
            index: year as i64 * 12 + (month as i64 - 1),
        })
    }
    /// The year.
    pub fn year(self) -> i32 {
        self.index.div_euclid(12) as i32
    }
    /// The month, 1–12.
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12) as u32 + 1
    }
    /// `self` plus `n` months (negative `n` goes back).
    pub fn add_months(self, n: i64) -> Self {
        YearMonth {
            index: self.index.saturating_add(n),
        }
    }
    /// `self` minus `n` months — `M-3`.
    pub fn sub_months(self, n: i64) -> Self {
        self.add_months(n.saturating_neg())
    }
    /// First day of the month.
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1)
    }
    /// Last day of the month.
    pub fn last_day(self) -> Option<NaiveDate> {
        self.add_months(1).first_day().and_then(|d| d.pred_opt())
    }
    /// The month containing `date`.
    pub fn of_date(date: NaiveDate) -> Self {
        use chrono::Datelike;
        YearMonth {
            index: date.year() as i64 * 12 + (date.month() as i64 - 1),
        }
    }
    /// Iterates `self..=to`.
    pub fn through(self, to: YearMonth) -> impl Iterator<Item = YearMonth> {
        (self.index..=to.index).map(|index| YearMonth { index })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// Error for a malformed `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid month `{0}` (expected YYYY-MM)")]
pub struct ParseMonthError(pub String);

impl FromStr for YearMonth {
    type Err = ParseMonthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseMonthError(s.to_string());
        let (y, m) = s.split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let y: i32 = y.parse().map_err(|_| err())?;
        let m: u32 = m.parse().map_err(|_| err())?;
        YearMonth::new(y, m).ok_or_else(err)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for YearMonth {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "YearMonth".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
            "description": "A month, YYYY-MM."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parse_and_arith() {
        let m: YearMonth = "2025-04".parse().unwrap();
        assert_eq!(m.sub_months(3).to_string(), "2025-01");
        assert_eq!(m.sub_months(5).to_string(), "2024-11");
        assert_eq!(m.add_months(9).to_string(), "2026-01");
        assert!("2025-13".parse::<YearMonth>().is_err());
        assert!("2025-4".parse::<YearMonth>().is_err());
        assert_eq!(
            m.last_day().unwrap(),
            NaiveDate::from_ymd_opt(2025, 4, 30).unwrap()
        );
    }
}
