//! Dates and months as UKE files write them.
//!
//! Since the R02 記録条件仕様 dates are 西暦: 年月日 `YYYYMMDD` (8 digits), 年月 `YYYYMM` (6)
//! (receiptisan's column comments 「西暦年月6桁」「西暦年月日8桁」, record-layout-ika.md). Older
//! files (the ORCA samples of `../shared/oracles/uke-older/uke-parser/`, 2018–2019) write 和暦:
//! `GYYMMDD` (7) and `GYYMM` (5), G the era digit. A file's style is that of its IR 請求年月,
//! and every date of the file is read and written in it ([`DateStyle`]).
//!
//! Era digits (元号区分) 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和 — as the ORCA samples use them
//! (請求年月 `43101` = 平成31年1月, 生年月日 `3410920` = 昭和41年9月20日). The first day of each era
//! (明治改元 1868-10-23, with 明治元年 counted from 1868-01-01; 大正 1912-07-30; 昭和 1926-12-25;
//! 平成 1989-01-08; 令和 2019-05-01) decides the era a date is *written* in; reading takes the
//! era and year as written (平成31年5月 reads as 2019-05 and is written back as 令和元年5月).

use chrono::{Datelike, NaiveDate};
use rules::YearMonth;
use serde::{Deserialize, Serialize};

/// How a file writes its dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DateStyle {
    /// 西暦: `YYYYMMDD`, `YYYYMM` (the R02 記録条件仕様 and later).
    #[default]
    Seireki,
    /// 和暦: `GYYMMDD`, `GYYMM` (older specifications).
    Wareki,
}

impl DateStyle {
    /// The style of an IR 請求年月 as written: 6 digits 西暦, 5 digits 和暦.
    pub fn of_billing_month(text: &str) -> Option<DateStyle> {
        match text.len() {
            6 => Some(DateStyle::Seireki),
            5 => Some(DateStyle::Wareki),
            _ => None,
        }
    }

    /// What a 年月日 looks like in this style (for messages).
    pub fn date_form(self) -> &'static str {
        match self {
            DateStyle::Seireki => "YYYYMMDD",
            DateStyle::Wareki => "GYYMMDD",
        }
    }

    /// What a 年月 looks like in this style (for messages).
    pub fn month_form(self) -> &'static str {
        match self {
            DateStyle::Seireki => "YYYYMM",
            DateStyle::Wareki => "GYYMM",
        }
    }
}

/// One era (元号).
struct Era {
    /// 元号区分 digit.
    digit: u8,
    /// The 西暦 year before its 元年.
    base: i32,
    /// Its first day (year, month, day).
    start: (i32, u32, u32),
}

/// 明治, 大正, 昭和, 平成, 令和.
const ERAS: [Era; 5] = [
    Era {
        digit: 1,
        base: 1867,
        start: (1868, 1, 1),
    },
    Era {
        digit: 2,
        base: 1911,
        start: (1912, 7, 30),
    },
    Era {
        digit: 3,
        base: 1925,
        start: (1926, 12, 25),
    },
    Era {
        digit: 4,
        base: 1988,
        start: (1989, 1, 8),
    },
    Era {
        digit: 5,
        base: 2018,
        start: (2019, 5, 1),
    },
];

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// The 西暦 year of era digit `g` and era year `yy`.
fn era_year(g: u8, yy: i32) -> Option<i32> {
    if yy < 1 {
        return None;
    }
    ERAS.iter().find(|e| e.digit == g).map(|e| e.base + yy)
}

/// The era a day falls in: (digit, era year).
fn era_of(date: NaiveDate) -> Option<(u8, i32)> {
    ERAS.iter()
        .rev()
        .find(|e| {
            NaiveDate::from_ymd_opt(e.start.0, e.start.1, e.start.2)
                .is_some_and(|start| date >= start)
        })
        .map(|e| (e.digit, date.year() - e.base))
}

/// Parse a 年月日. The error says what was expected.
pub fn parse_date(s: &str, style: DateStyle) -> Result<NaiveDate, String> {
    let bad = || format!("not a date ({})", style.date_form());
    let (y, m, d) = match style {
        DateStyle::Seireki => {
            if !digits(s, 8) {
                return Err(bad());
            }
            (
                s[..4].parse::<i32>().map_err(|_| bad())?,
                s[4..6].parse::<u32>().map_err(|_| bad())?,
                s[6..].parse::<u32>().map_err(|_| bad())?,
            )
        }
        DateStyle::Wareki => {
            if !digits(s, 7) {
                return Err(bad());
            }
            let g = s.as_bytes()[0] - b'0';
            let yy = s[1..3].parse::<i32>().map_err(|_| bad())?;
            (
                era_year(g, yy).ok_or_else(|| format!("{} (unknown era {g})", bad()))?,
                s[3..5].parse::<u32>().map_err(|_| bad())?,
                s[5..].parse::<u32>().map_err(|_| bad())?,
            )
        }
    };
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| format!("not a calendar date ({y}-{m:02}-{d:02})"))
}

/// Parse a 年月.
pub fn parse_month(s: &str, style: DateStyle) -> Result<YearMonth, String> {
    let bad = || format!("not a month ({})", style.month_form());
    let (y, m) = match style {
        DateStyle::Seireki => {
            if !digits(s, 6) {
                return Err(bad());
            }
            (
                s[..4].parse::<i32>().map_err(|_| bad())?,
                s[4..].parse::<u32>().map_err(|_| bad())?,
            )
        }
        DateStyle::Wareki => {
            if !digits(s, 5) {
                return Err(bad());
            }
            let g = s.as_bytes()[0] - b'0';
            let yy = s[1..3].parse::<i32>().map_err(|_| bad())?;
            (
                era_year(g, yy).ok_or_else(|| format!("{} (unknown era {g})", bad()))?,
                s[3..].parse::<u32>().map_err(|_| bad())?,
            )
        }
    };
    YearMonth::new(y, m).ok_or_else(|| format!("not a calendar month ({y}-{m:02})"))
}

/// Write a 年月日. Fails only for a 和暦 date before 明治 or past era year 99.
pub fn format_date(d: NaiveDate, style: DateStyle) -> Result<String, String> {
    match style {
        DateStyle::Seireki if (0..=9999).contains(&d.year()) => {
            Ok(format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()))
        }
        DateStyle::Seireki => Err(format!("{d} has no YYYYMMDD form")),
        DateStyle::Wareki => match era_of(d) {
            Some((g, yy)) if (1..=99).contains(&yy) => {
                Ok(format!("{g}{yy:02}{:02}{:02}", d.month(), d.day()))
            }
            _ => Err(format!("{d} has no 和暦 GYYMMDD form")),
        },
    }
}

/// Write a 年月 (和暦: the era of the month's first day).
pub fn format_month(m: YearMonth, style: DateStyle) -> Result<String, String> {
    match style {
        DateStyle::Seireki if (0..=9999).contains(&m.year()) => {
            Ok(format!("{:04}{:02}", m.year(), m.month()))
        }
        DateStyle::Seireki => Err(format!("{m} has no YYYYMM form")),
        DateStyle::Wareki => match m.first_day().and_then(era_of) {
            Some((g, yy)) if (1..=99).contains(&yy) => Ok(format!("{g}{yy:02}{:02}", m.month())),
            _ => Err(format!("{m} has no 和暦 GYYMM form")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn seireki() {
        assert_eq!(
            parse_date("20211001", DateStyle::Seireki),
            Ok(d(2021, 10, 1))
        );
        assert!(parse_date("20210230", DateStyle::Seireki).is_err());
        assert!(parse_date("2021101", DateStyle::Seireki).is_err());
        assert!(parse_date("2021100a", DateStyle::Seireki).is_err());
        assert_eq!(
            parse_month("202110", DateStyle::Seireki)
                .unwrap()
                .to_string(),
            "2021-10"
        );
        assert!(parse_month("202113", DateStyle::Seireki).is_err());
        assert_eq!(
            format_date(d(2021, 10, 1), DateStyle::Seireki).unwrap(),
            "20211001"
        );
    }

    /// The ORCA samples (uke-older/uke-parser/01.csv): 請求年月 43101 = 2019-01, 生年月日
    /// 4070208 = 平成7年2月8日 = 1995-02-08, 3410920 = 昭和41年9月20日 = 1966-09-20.
    #[test]
    fn wareki() {
        let w = DateStyle::Wareki;
        assert_eq!(parse_month("43101", w).unwrap().to_string(), "2019-01");
        assert_eq!(parse_date("4070208", w), Ok(d(1995, 2, 8)));
        assert_eq!(parse_date("3410920", w), Ok(d(1966, 9, 20)));
        assert_eq!(format_date(d(1966, 9, 20), w).unwrap(), "3410920");
        assert_eq!(
            format_month(parse_month("43101", w).unwrap(), w).unwrap(),
            "43101"
        );
        // Era boundaries: 昭和64年1月7日 / 平成元年1月8日; 令和元年5月1日.
        assert_eq!(format_date(d(1989, 1, 7), w).unwrap(), "3640107");
        assert_eq!(format_date(d(1989, 1, 8), w).unwrap(), "4010108");
        assert_eq!(format_date(d(2019, 4, 30), w).unwrap(), "4310430");
        assert_eq!(format_date(d(2019, 5, 1), w).unwrap(), "5010501");
        // 平成31年5月 reads as 2019-05 and is written in 令和.
        assert_eq!(parse_month("43105", w).unwrap().to_string(), "2019-05");
        assert_eq!(
            format_month(parse_month("43105", w).unwrap(), w).unwrap(),
            "50105"
        );
        assert!(parse_date("6010101", w).is_err(), "unknown era 6");
        assert!(parse_date("4000101", w).is_err(), "era year 0");
        assert!(format_date(d(1867, 12, 31), w).is_err());
    }
}
