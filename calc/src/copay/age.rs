//! 年齢 — the age boundaries of the co-payment (年齢計算ニ関スル法律).
//!
//! A person reaches age N at the end of the day before the N-th birthday; a 29 February
//! birthday falls on 1 March in common years. From that:
//! - 未就学: preschool until the first 3/31 on or after the day the child reaches 6;
//! - 70: the 70–74 rate and limits from the first day of the month after the month containing
//!   the day the person reaches 70 (born on the 1st ⇒ the birthday month itself);
//! - 75: 後期 from the 75th birthday itself.
//!
//! The numbers (6, 3/31, 70, 75) come from `rates.toml` ([`AgeRules`]).

use chrono::{Datelike, Duration, NaiveDate};
use rules::copay::AgeRules;

/// The N-th birthday (29 February → 1 March in common years). `None` beyond chrono's range.
pub fn birthday(birth: NaiveDate, n: u32) -> Option<NaiveDate> {
    let year = birth.year().checked_add(i32::try_from(n).ok()?)?;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
}

/// 到達日 — the day on which the person reaches age `n` (the day before the N-th birthday).
pub fn reaches(birth: NaiveDate, n: u32) -> Option<NaiveDate> {
    birthday(birth, n)?.checked_sub_signed(Duration::days(1))
}

/// Age in completed years on `date` (the N-th birthday itself counts as N).
pub fn age_on(birth: NaiveDate, date: NaiveDate) -> u32 {
    if date < birth {
        return 0;
    }
    let mut n = u32::try_from(date.year() - birth.year()).unwrap_or(0);
    while n > 0 && birthday(birth, n).is_none_or_after(date) {
        n -= 1;
    }
    n
}

trait AfterExt {
    fn is_none_or_after(&self, date: NaiveDate) -> bool;
}
impl AfterExt for Option<NaiveDate> {
    fn is_none_or_after(&self, date: NaiveDate) -> bool {
        match self {
            Some(b) => *b > date,
            None => true,
        }
    }
}

/// First day of the month after `d`'s month.
pub fn first_of_next_month(d: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
}

/// First 3/31 (school-year end) on or after `d`.
pub fn school_year_end_on_or_after(d: NaiveDate, rules: &AgeRules) -> Option<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(
        d.year(),
        rules.school_year_end_month,
        rules.school_year_end_day,
    )?;
    if this >= d {
        Some(this)
    } else {
        NaiveDate::from_ymd_opt(
            d.year() + 1,
            rules.school_year_end_month,
            rules.school_year_end_day,
        )
    }
}

/// The age boundaries of one patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeFacts {
    /// Completed years on the date of service.
    pub age: u32,
    /// 未就学 — last day of the preschool rate.
    pub preschool_until: NaiveDate,
    /// 70–74 — first day of the 70+ rate and limits.
    pub elderly_from: NaiveDate,
    /// 後期 — the 75th birthday.
    pub kouki_from: NaiveDate,
}

/// Computes the boundaries; `None` only for dates outside chrono's range.
pub fn facts(rules: &AgeRules, birth: NaiveDate, date: NaiveDate) -> Option<AgeFacts> {
    let reach6 = reaches(birth, rules.preschool_age)?;
    let reach70 = reaches(birth, rules.elderly_age)?;
    Some(AgeFacts {
        age: age_on(birth, date),
        preschool_until: school_year_end_on_or_after(reach6, rules)?,
        elderly_from: first_of_next_month(reach70)?,
        kouki_from: birthday(birth, rules.kouki_age)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rules() -> AgeRules {
        rules::copay::CopayTables::embedded().unwrap().ages[0].clone()
    }

    #[test]
    fn reaching_age_is_the_day_before_the_birthday() {
        assert_eq!(reaches(d("1953-01-10"), 70), Some(d("2023-01-09")));
        assert_eq!(reaches(d("1953-01-01"), 70), Some(d("2022-12-31")));
        assert_eq!(reaches(d("2000-02-29"), 1), Some(d("2001-02-28")));
    }

    #[test]
    fn seventy_boundaries() {
        let r = rules();
        let f = facts(&r, d("1953-01-10"), d("2023-01-15")).unwrap();
        assert_eq!(f.elderly_from, d("2023-02-01"));
        let f = facts(&r, d("1953-01-01"), d("2023-01-15")).unwrap();
        assert_eq!(f.elderly_from, d("2023-01-01"));
    }

    #[test]
    fn preschool_boundaries() {
        let r = rules();
        let p = |b| facts(&r, d(b), d("2006-01-01")).unwrap().preschool_until;
        assert_eq!(p("2000-02-02"), d("2006-03-31"));
        assert_eq!(p("2000-06-02"), d("2007-03-31"));
        assert_eq!(p("2000-04-01"), d("2006-03-31"));
        assert_eq!(p("2000-04-02"), d("2007-03-31"));
    }

    #[test]
    fn ages() {
        assert_eq!(age_on(d("1950-04-15"), d("2025-04-14")), 74);
        assert_eq!(age_on(d("1950-04-15"), d("2025-04-15")), 75);
        assert_eq!(age_on(d("2000-02-29"), d("2001-02-28")), 0);
        assert_eq!(age_on(d("2000-02-29"), d("2001-03-01")), 1);
        assert_eq!(birthday(d("1950-02-28"), 75), Some(d("2025-02-28")));
    }
}
