//! 休日 for 診療報酬 (`data/calendar/holidays.toml`): the 祝日法 第3条 休日 of 2022–2028 as
//! santei's own data, and the rules that say which days are 休日 for a fee item (the
//! standard 休日加算 rule: Sundays, 祝日法 第3条 休日, 12/29–1/3; the Ｊ０３８ variant; the
//! 「土曜日、日曜日又は祝日」 variant).
//!
//! Invariants: a date outside the calendar's coverage is never answered (`None`: the caller
//! says "cannot decide"); every rule and holiday row has its source or 祝日法 article; a
//! holiday that is an astronomical prediction (春分日/秋分日 not yet published) says so.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The embedded calendar: written in TOML, embedded as JSON (converted by `build.rs`).
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_calendar.rs"));

/// The texts in use: [`EMBEDDED`], or with the feature `fetched-data` the group `rules/calendar`
/// given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("rules/calendar");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// `[coverage]` — the years the holiday rows cover.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub source: String,
}

/// Which Sundays a rule counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sundays {
    All,
    None,
    /// Only a Sunday on 12/29–1/3.
    YearEndOnly,
}

/// `[[rule]]` — which days are 休日 for the fee items that name this rule.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HolidayRule {
    pub id: String,
    pub name: String,
    pub sundays: Sundays,
    pub saturdays: bool,
    /// The 祝日法 第3条 休日 (the `[[holiday]]` rows) count.
    pub national: bool,
    /// 12/29, 12/30, 12/31, 1/2 and 1/3 count.
    pub year_end: bool,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `[[holiday]]` — one 休日 under 祝日法 第3条.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
    /// The 祝日法 article that makes it a 休日.
    pub article: String,
    /// True for a date that is an astronomical prediction, not yet published.
    #[serde(default)]
    pub predicted: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    coverage: Coverage,
    rule: Vec<HolidayRule>,
    holiday: Vec<Holiday>,
}

/// A calendar file error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct CalendarError {
    pub file: String,
    pub message: String,
}

/// What a rule says of a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayAnswer {
    pub holiday: bool,
    /// The answer rests on a predicted (unpublished) 春分日/秋分日.
    pub predicted: bool,
}

/// The loaded calendar.
#[derive(Clone, Debug)]
pub struct Calendar {
    pub coverage: Coverage,
    pub rules: Vec<HolidayRule>,
    /// By date, ascending.
    pub holidays: Vec<Holiday>,
}

impl Calendar {
    /// The embedded calendar.
    pub fn embedded() -> Result<Calendar, CalendarError> {
        let (name, text) = embedded_texts()
            .first()
            .copied()
            .unwrap_or(("calendar", ""));
        Calendar::from_source(name, text)
    }

    /// Load a calendar file; every row is checked.
    pub fn from_source(name: &str, text: &str) -> Result<Calendar, CalendarError> {
        let err = |message: String| CalendarError {
            file: name.to_string(),
            message,
        };
        let f: CalendarFile = crate::parse_data(text).map_err(err)?;
        if f.coverage.to < f.coverage.from || f.coverage.source.trim().is_empty() {
            return Err(err(
                "coverage: ends before it starts or has no source".into()
            ));
        }
        let mut ids = std::collections::BTreeSet::new();
        for r in &f.rule {
            if !ids.insert(r.id.as_str()) {
                return Err(err(format!("rule {}: id used twice", r.id)));
            }
            if r.source.trim().is_empty() || r.name.trim().is_empty() {
                return Err(err(format!("rule {}: needs a name and a source", r.id)));
            }
        }
        let mut holidays = f.holiday;
        support::sort::sort_by_key(&mut holidays, |h| h.date);
        for w in holidays.windows(2) {
            if w[0].date == w[1].date {
                return Err(err(format!("holiday {}: listed twice", w[0].date)));
            }
        }
        for h in &holidays {
            if h.date < f.coverage.from || h.date > f.coverage.to {
                return Err(err(format!("holiday {}: outside the coverage", h.date)));
            }
            if !h.article.starts_with("第3条") || h.name.trim().is_empty() {
                return Err(err(format!(
                    "holiday {}: needs a name and its 祝日法 第3条 article (found {:?})",
                    h.date, h.article
                )));
            }
        }
        Ok(Calendar {
            coverage: f.coverage,
            rules: f.rule,
            holidays,
        })
    }

    /// Whether the calendar describes `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.coverage.from <= date && date <= self.coverage.to
    }

    /// The 祝日法 第3条 休日 on `date`, if it is one (None also outside the coverage: see
    /// [`Calendar::covers`]).
    pub fn national_holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.holidays
            .binary_search_by_key(&date, |h| h.date)
            .ok()
            .map(|i| &self.holidays[i])
    }

    pub fn rule(&self, id: &str) -> Option<&HolidayRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Whether `date` is a 休日 under rule `id`; None when the date is outside the coverage
    /// or the rule is unknown (the caller says "cannot decide").
    pub fn is_holiday(&self, id: &str, date: NaiveDate) -> Option<DayAnswer> {
        let rule = self.rule(id)?;
        if !self.covers(date) {
            return None;
        }
        let (m, d) = (date.month(), date.day());
        let year_end_day = (m == 12 && d >= 29) || (m == 1 && d <= 3);
        let national = self.national_holiday(date);
        let holiday = match date.weekday() {
            Weekday::Sun => match rule.sundays {
                Sundays::All => true,
                Sundays::YearEndOnly => year_end_day,
                Sundays::None => false,
            },
            Weekday::Sat if rule.saturdays => true,
            _ => (rule.national && national.is_some()) || (rule.year_end && year_end_day),
        };
        Some(DayAnswer {
            holiday,
            predicted: holiday && national.is_some_and(|h| h.predicted),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn embedded_calendar_loads() {
        let c = Calendar::embedded().unwrap();
        assert_eq!(c.coverage.from, d("2022-01-01"));
        assert_eq!(c.coverage.to, d("2028-12-31"));
        assert!(c.rule("kyujitsu").is_some());
    }

    /// The file against ../shared/specs/calendar/holidays-jp.tsv (holiday_jp, checked against
    /// the 内閣府 list): the same dates for 2022–2028, the same kind by article, and the same
    /// names (the TSV's `<祝日名> 振替休日` and `休日` for 第3条第3項).
    #[test]
    fn holidays_equal_the_shared_list() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/specs/calendar/holidays-jp.tsv"
        );
        let tsv = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let c = Calendar::embedded().unwrap();
        let mut theirs = Vec::new();
        for line in tsv.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let date = d(f[0]);
            if !c.covers(date) {
                continue;
            }
            theirs.push((date, f[1].to_string(), f[2].to_string()));
        }
        assert_eq!(theirs.len(), c.holidays.len(), "row count 2022–2028");
        for ((date, name, kind), h) in theirs.iter().zip(&c.holidays) {
            assert_eq!(*date, h.date);
            if kind == "振替休日" {
                // holiday_jp names a 振替休日 after the holiday before it (2025-05-06: こどもの日);
                // santei after the Sunday holiday that causes it (みどりの日, 第3条第2項).
                assert!(h.name.ends_with(" 振替休日"), "{date}: {}", h.name);
            } else {
                assert_eq!(*name, h.name, "{date}");
            }
            let article = match kind.as_str() {
                "国民の祝日" => "第3条第1項",
                "振替休日" => "第3条第2項",
                "国民の休日" => "第3条第3項",
                k => panic!("unknown kind {k}"),
            };
            assert!(
                h.article.starts_with(article),
                "{date}: {} vs {kind}",
                h.article
            );
        }
        // The predictions are exactly the 2027/2028 equinox days and the 振替休日 that follows
        // from one (README of the TSV: "2027-03-21 with 振替 3/22").
        let predicted: Vec<_> = c
            .holidays
            .iter()
            .filter(|h| h.predicted)
            .map(|h| h.date)
            .collect();
        assert_eq!(
            predicted,
            vec![
                d("2027-03-21"),
                d("2027-03-22"),
                d("2027-09-23"),
                d("2028-03-20"),
                d("2028-09-22")
            ]
        );
    }

    /// The 診療報酬 休日 rule at its boundaries (R6 通知 Ａ０００ (19) ア, ika-ryuijiko-tsuchi.txt:288-290).
    #[test]
    fn standard_rule_boundaries() {
        let c = Calendar::embedded().unwrap();
        let h = |s: &str| c.is_holiday("kyujitsu", d(s)).unwrap().holiday;
        assert!(!h("2024-12-28"), "Saturday 12/28 is not a 休日");
        assert!(h("2024-12-29") && h("2024-12-30") && h("2024-12-31"));
        assert!(h("2025-01-01") && h("2025-01-02") && h("2025-01-03"));
        assert!(!h("2025-01-04"), "Saturday 1/4 is not a 休日");
        assert!(h("2025-01-05"), "Sunday");
        assert!(h("2025-01-13"), "成人の日");
        assert!(!h("2025-02-12"), "a working Wednesday");
        assert!(h("2025-02-24"), "天皇誕生日 振替休日 (第3条第2項)");
        assert!(h("2026-09-22"), "国民の休日 (第3条第3項)");
        assert!(
            c.is_holiday("kyujitsu", d("2021-12-31")).is_none(),
            "outside the coverage"
        );
        assert!(c.is_holiday("no_such_rule", d("2025-01-01")).is_none());
        let p = c.is_holiday("kyujitsu", d("2027-03-22")).unwrap();
        assert!(
            p.holiday && p.predicted,
            "the 振替休日 of a predicted 春分の日"
        );
        assert!(c.is_holiday("kyujitsu", d("2027-09-23")).unwrap().predicted);
        assert!(
            !c.is_holiday("kyujitsu", d("2027-09-26")).unwrap().predicted,
            "a Sunday"
        );
    }

    /// Ｊ０３８: a Sunday 休日 does not count unless on 12/29–1/3 (R6 通知 Ｊ０３８ (14),
    /// ika-ryuijiko-tsuchi.txt:21800-21802).
    #[test]
    fn j038_rule() {
        let c = Calendar::embedded().unwrap();
        let h = |s: &str| c.is_holiday("kyujitsu_j038", d(s)).unwrap().holiday;
        assert!(!h("2025-01-05"), "a plain Sunday");
        assert!(h("2024-12-29"), "Sunday 12/29");
        assert!(
            !h("2025-02-23"),
            "天皇誕生日 on a Sunday is a 日曜日である休日"
        );
        assert!(h("2025-02-24"), "its 振替休日 on Monday");
        assert!(h("2025-01-13"));
    }

    #[test]
    fn saturday_rule() {
        let c = Calendar::embedded().unwrap();
        assert!(
            c.is_holiday("do_nichi_shuku", d("2026-06-06"))
                .unwrap()
                .holiday
        );
        assert!(!c.is_holiday("kyujitsu", d("2026-06-06")).unwrap().holiday);
    }

    #[test]
    fn bad_rows_are_refused() {
        let ok = r#"
[coverage]
from = "2024-01-01"
to = "2024-12-31"
source = "s"
[[rule]]
id = "r"
name = "n"
sundays = "all"
saturdays = false
national = true
year_end = true
source = "s"
[[holiday]]
date = "2024-01-01"
name = "元日"
article = "第3条第1項"
"#;
        if let Err(e) = Calendar::from_source("c.toml", ok) {
            panic!("{e}");
        }
        let e = Calendar::from_source("c.toml", &ok.replace("第3条第1項", "第2条"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml") && e.contains("article"), "{e}");
        let e = Calendar::from_source(
            "c.toml",
            &ok.replace("\"2024-01-01\"\nname", "\"2025-01-01\"\nname"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("outside the coverage"), "{e}");
        let e = Calendar::from_source(
            "c.toml",
            &ok.replace("sundays = \"all\"", "sundays = \"some\""),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("c.toml"), "{e}");
    }
}
