//! The two pieces of the receipt rules that are arithmetic on dates and times, written once
//! here so that every engine reads them the same way (README.md, `not_within` and `time`):
//! [`Period::allowed`] ("１か月を経過した日" and the like) and [`time_holds`] (休日, 深夜,
//! 時間外, 夜間, 夜間・早朝等 against the calendar and the facility's displayed hours).
//!
//! Both answer "cannot decide" ([`None`] / [`TimeCheck::CannotCheck`]) when a fact they need
//! is missing (a date outside the calendar, no time, no facility hours) instead of guessing.

use super::{HoursCondition, Period, PeriodKind, TimeClass};
use crate::calendar::Calendar;
use chrono::{Datelike, Months, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// The day `months` calendar months after `d` with the same day of the month; when that day
/// does not exist (1/31 + 1 month), the 1st of the month after it (3/1).
pub fn same_day_months_later(d: NaiveDate, months: u32) -> Option<NaiveDate> {
    let target = first_of_month(d).checked_add_months(Months::new(months))?;
    match target.with_day(d.day()) {
        Some(x) => Some(x),
        None => target.checked_add_months(Months::new(1)),
    }
}

impl Period {
    /// Whether a line on `on` is allowed after a line of the rule's `after` set on `after`:
    /// `Some(true)` allowed, `Some(false)` within the period, `None` cannot decide (a 休日
    /// adjustment needs a day the calendar does not cover). A line before `after` is allowed
    /// (the period runs forward).
    ///
    /// `month_elapsed` (「起算して１か月を経過した日以降」): allowed from the same day `months`
    /// later (初診 1/15 → from 2/15; 1/31 → from 3/1). With `holiday_back`, when that first
    /// day is a 休日, the last day before it that is not a 休日 is allowed too. With
    /// `month_end_back`, when the first day is the 1st of the second month after (1/31 →
    /// 3/1), the last day of the next month is allowed too, or the day before it when that last
    /// day is a 休日 (通知 Ｂ０００ (３)(４)).
    pub fn allowed(
        &self,
        after: NaiveDate,
        on: NaiveDate,
        cal: &Calendar,
        holiday_rule: &str,
    ) -> Option<bool> {
        if on < after {
            return Some(true);
        }
        let months_between = month_index(on) - month_index(after);
        match self.kind {
            PeriodKind::SameMonth => Some(months_between >= 1),
            PeriodKind::MonthsCounted => Some(months_between >= i64::from(self.months)),
            PeriodKind::NextMonthFirst => {
                let first = first_of_month(after).checked_add_months(Months::new(self.months))?;
                Some(on >= first)
            }
            PeriodKind::MonthElapsed => {
                let first = same_day_months_later(after, self.months)?;
                if on >= first {
                    return Some(true);
                }
                let holiday = |d: NaiveDate| cal.is_holiday(holiday_rule, d).map(|a| a.holiday);
                if self.holiday_back && holiday(first)? {
                    let mut d = first.pred_opt()?;
                    while holiday(d)? {
                        d = d.pred_opt()?;
                    }
                    if on == d {
                        return Some(true);
                    }
                }
                let second_month_first =
                    first_of_month(after).checked_add_months(Months::new(self.months + 1))?;
                if self.month_end_back && first == second_month_first {
                    let last = second_month_first.pred_opt()?;
                    let day = if holiday(last)? {
                        last.pred_opt()?
                    } else {
                        last
                    };
                    if on == day {
                        return Some(true);
                    }
                }
                Some(false)
            }
        }
    }
}

/// A facility's displayed hours (表示する診療時間), per weekday and for 休日: lists of
/// `["HH:MM", "HH:MM"]` intervals (start inclusive, end exclusive). A day with no interval is
/// closed all day (休診日). The input field `facility.hours`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityHours {
    #[serde(default)]
    pub mon: Vec<(NaiveTime, NaiveTime)>,
    #[serde(default)]
    pub tue: Vec<(NaiveTime, NaiveTime)>,
    #[serde(default)]
    pub wed: Vec<(NaiveTime, NaiveTime)>,
    #[serde(default)]
    pub thu: Vec<(NaiveTime, NaiveTime)>,
    #[serde(default)]
    pub fri: Vec<(NaiveTime, NaiveTime)>,
    #[serde(default)]
    pub sat: Vec<(NaiveTime, NaiveTime)>,
    #[serde(default)]
    pub sun: Vec<(NaiveTime, NaiveTime)>,
    /// Hours on a 休日 (of the standard rule) that is not a Sunday.
    #[serde(default)]
    pub holiday: Vec<(NaiveTime, NaiveTime)>,
}

impl FacilityHours {
    fn intervals(&self, wd: Weekday, holiday: bool) -> &[(NaiveTime, NaiveTime)] {
        if holiday && wd != Weekday::Sun {
            return &self.holiday;
        }
        match wd {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    /// Whether `t` on a day is within the displayed hours.
    pub fn inside(&self, wd: Weekday, holiday: bool, t: NaiveTime) -> bool {
        self.intervals(wd, holiday)
            .iter()
            .any(|&(a, b)| a <= t && t < b)
    }
}

/// The answer of a time check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeCheck {
    Holds,
    /// The time is not of the class; the reason says why.
    Fails(String),
    /// A fact the check needs is missing; the reason names it.
    CannotCheck(String),
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// 深夜: 22:00 ≤ t or t < 6:00 (告示 Ａ０００ 注７: 午後10時から午前６時までの間).
pub fn is_night(t: NaiveTime) -> bool {
    t >= hm(22, 0) || t < hm(6, 0)
}

/// The standard off-hours of the 通知 (時間外 標準, 別に定める時間, 夜間・早朝等): before 8:00,
/// from 18:00, on Saturday from 12:00.
pub fn is_standard_off_hours(wd: Weekday, t: NaiveTime) -> bool {
    let close = if wd == Weekday::Sat {
        hm(12, 0)
    } else {
        hm(18, 0)
    };
    t < hm(8, 0) || t >= close
}

/// Whether a visit (or a procedure start) on `date` at `time` is of the time class `when`,
/// under the 休日 rule `holiday_rule` of the calendar and, when the rule names one, the
/// facility-hours condition. Semantics: `data/receipt/README.md`, kind `time`.
pub fn time_holds(
    when: TimeClass,
    hours_condition: Option<HoursCondition>,
    date: NaiveDate,
    time: Option<NaiveTime>,
    hours: Option<&FacilityHours>,
    cal: &Calendar,
    holiday_rule: &str,
) -> TimeCheck {
    let Some(day) = cal.is_holiday(holiday_rule, date) else {
        return TimeCheck::CannotCheck(format!(
            "{date} is outside the holiday calendar ({} – {})",
            cal.coverage.from, cal.coverage.to
        ));
    };
    let wd = date.weekday();
    let holiday = day.holiday;
    let need_time =
        |what: &str| TimeCheck::CannotCheck(format!("{what} needs the time of the visit (`time`)"));
    // The class itself.
    let class = match when {
        TimeClass::Holiday => match time {
            _ if !holiday => return TimeCheck::Fails(format!("{date} is not a 休日")),
            Some(t) if is_night(t) => {
                return TimeCheck::Fails(format!("{t} on a 休日 is 深夜 (休日加算 excludes 深夜)"))
            }
            _ => TimeCheck::Holds,
        },
        TimeClass::Night => match time {
            None => return need_time("深夜"),
            Some(t) if !is_night(t) => return TimeCheck::Fails(format!("{t} is not 深夜 (22:00–6:00)")),
            Some(_) => TimeCheck::Holds,
        },
        TimeClass::Evening => match time {
            None => return need_time("夜間"),
            Some(_) if holiday => return TimeCheck::Fails(format!("{date} is a 休日")),
            Some(t) if is_night(t) => return TimeCheck::Fails(format!("{t} is 深夜")),
            Some(t) if !is_standard_off_hours(wd, t) => {
                return TimeCheck::Fails(format!(
                    "{t} is not 夜間 (before 8:00 or from 18:00, Saturday from 12:00)"
                ))
            }
            Some(_) => TimeCheck::Holds,
        },
        TimeClass::EveningEarly => match time {
            None if holiday => TimeCheck::Holds,
            None => return need_time("夜間・早朝等"),
            Some(t) if holiday || is_night(t) || is_standard_off_hours(wd, t) => TimeCheck::Holds,
            Some(t) => {
                return TimeCheck::Fails(format!(
                    "{t} is not 夜間・早朝等 (18:00 (Saturday 12:00) – 8:00, 休日 or 深夜)"
                ))
            }
        },
        TimeClass::Overtime => match time {
            None => return need_time("時間外"),
            Some(_) if holiday => return TimeCheck::Fails(format!("{date} is a 休日 (時間外 excludes 休日)")),
            Some(t) if is_night(t) => return TimeCheck::Fails(format!("{t} is 深夜 (時間外 excludes 深夜)")),
            Some(t) => match hours {
                Some(h) if h.inside(wd, false, t) => {
                    return TimeCheck::Fails(format!("{t} is inside the facility's displayed hours"))
                }
                Some(_) => TimeCheck::Holds,
                None if is_standard_off_hours(wd, t) => TimeCheck::Holds,
                None => {
                    return TimeCheck::CannotCheck(format!(
                        "{t} is inside the standard hours (8:00–18:00, Saturday to 12:00); whether it is outside the facility's displayed hours needs facility.hours"
                    ))
                }
            },
        },
    };
    // The facility-hours condition (overtime has checked its own).
    match (hours_condition, when) {
        (None, _) | (Some(_), TimeClass::Overtime) => class,
        (Some(cond), _) => match (time, hours) {
            (Some(t), Some(h)) => {
                let inside = h.inside(wd, holiday, t);
                match (cond, inside) {
                    (HoursCondition::Inside, false) => {
                        TimeCheck::Fails(format!("{t} is outside the facility's displayed hours"))
                    }
                    (HoursCondition::Outside, true) => {
                        TimeCheck::Fails(format!("{t} is inside the facility's displayed hours"))
                    }
                    _ => class,
                }
            }
            // Outside: without the hours, the class alone is accepted (a 深夜 visit is
            // outside most displayed hours); inside cannot be confirmed.
            (_, None) if cond == HoursCondition::Outside => class,
            (None, _) => need_time("the displayed-hours condition"),
            (_, None) => TimeCheck::CannotCheck(
                "whether the time is inside the facility's displayed hours needs facility.hours"
                    .into(),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn t(s: &str) -> Option<NaiveTime> {
        Some(NaiveTime::parse_from_str(s, "%H:%M").unwrap())
    }

    /// 通知 Ｂ０００ (３): 「１か月を経過した日以降に算定」 (r6-2024/ika-ryuijiko-tsuchi.txt:5797-5803).
    #[test]
    fn month_elapsed_boundaries() {
        let cal = Calendar::embedded().unwrap();
        let p = Period {
            kind: PeriodKind::MonthElapsed,
            months: 1,
            holiday_back: false,
            month_end_back: false,
        };
        let a = |after: &str, on: &str| p.allowed(d(after), d(on), &cal, "kyujitsu").unwrap();
        // 初診 2025-01-15 (Wed) → 2025-02-15 is the first day one month has passed.
        assert!(!a("2025-01-15", "2025-02-14"));
        assert!(a("2025-01-15", "2025-02-15"));
        assert!(!a("2025-01-15", "2025-01-15"), "the 初診 day itself");
        // 1/31 → 2/31 does not exist → 3/1.
        assert!(!a("2025-01-31", "2025-02-28"));
        assert!(a("2025-01-31", "2025-03-01"));
        // Leap year: 2024-01-30 → 2024-02-30 does not exist → 2024-03-01; 2024-01-29 → 2024-02-29.
        assert!(a("2024-01-29", "2024-02-29"));
        assert!(!a("2024-01-30", "2024-02-29"));
        assert_eq!(
            same_day_months_later(d("2024-12-31"), 1),
            Some(d("2025-01-31"))
        );
    }

    /// 通知 Ｂ０００ (３) ただし書 and (４) (r6-2024/ika-ryuijiko-tsuchi.txt:5799-5807).
    #[test]
    fn b000_holiday_and_month_end_adjustments() {
        let cal = Calendar::embedded().unwrap();
        let p = Period {
            kind: PeriodKind::MonthElapsed,
            months: 1,
            holiday_back: true,
            month_end_back: true,
        };
        let a = |after: &str, on: &str| p.allowed(d(after), d(on), &cal, "kyujitsu").unwrap();
        // 初診 2025-01-16 → 2025-02-16 is a Sunday (休日) → Saturday 2/15 is allowed too.
        assert!(a("2025-01-16", "2025-02-15"));
        assert!(!a("2025-01-16", "2025-02-14"));
        // 初診 2025-01-24 → 2/24 is the 振替休日 (月), 2/23 Sunday (天皇誕生日) → back to Sat 2/22.
        assert!(a("2025-01-24", "2025-02-22"));
        assert!(
            !a("2025-01-24", "2025-02-23"),
            "a 休日 between is not the day named"
        );
        // 初診 2025-01-31 → 3/1 = the 1st of the second month after → 2/28 (Fri) allowed.
        assert!(a("2025-01-31", "2025-02-28"));
        assert!(!a("2025-01-31", "2025-02-27"));
        // 初診 2026-01-31 → 3/1; 2026-02-28 is a Saturday (not a 休日) → 2/28 allowed.
        assert!(a("2026-01-31", "2026-02-28"));
        // 初診 2027-01-31 → 2027-02-28 is a Sunday (休日) → the day before, 2/27.
        assert!(a("2027-01-31", "2027-02-27"));
        assert!(!a("2027-01-31", "2027-02-28"));
        // Outside the calendar: cannot decide (2/16 of 2021 is before 2022).
        assert_eq!(
            p.allowed(d("2021-01-16"), d("2021-02-15"), &cal, "kyujitsu"),
            None
        );
    }

    #[test]
    fn next_month_and_counted_months() {
        let cal = Calendar::embedded().unwrap();
        let next = Period {
            kind: PeriodKind::NextMonthFirst,
            months: 1,
            holiday_back: false,
            month_end_back: false,
        };
        assert_eq!(
            next.allowed(d("2025-01-31"), d("2025-01-31"), &cal, "kyujitsu"),
            Some(false)
        );
        assert_eq!(
            next.allowed(d("2025-01-31"), d("2025-02-01"), &cal, "kyujitsu"),
            Some(true)
        );
        // 告示 Ｂ００１－３－３ 注５ (r6-2024/ika-tensuhyo-kokuji57.txt:5719-5720): (Ⅰ) in January
        // → (Ⅱ) refused January–June, allowed from July.
        let six = Period {
            kind: PeriodKind::MonthsCounted,
            months: 6,
            holiday_back: false,
            month_end_back: false,
        };
        assert_eq!(
            six.allowed(d("2025-01-20"), d("2025-06-30"), &cal, "kyujitsu"),
            Some(false)
        );
        assert_eq!(
            six.allowed(d("2025-01-20"), d("2025-07-01"), &cal, "kyujitsu"),
            Some(true)
        );
        let same = Period {
            kind: PeriodKind::SameMonth,
            months: 1,
            holiday_back: false,
            month_end_back: false,
        };
        assert_eq!(
            same.allowed(d("2025-03-03"), d("2025-03-31"), &cal, "kyujitsu"),
            Some(false)
        );
        assert_eq!(
            same.allowed(d("2025-03-31"), d("2025-04-01"), &cal, "kyujitsu"),
            Some(true)
        );
    }

    fn clinic_hours() -> FacilityHours {
        let iv = |a: &str, b: &str| {
            (
                NaiveTime::parse_from_str(a, "%H:%M").unwrap(),
                NaiveTime::parse_from_str(b, "%H:%M").unwrap(),
            )
        };
        let day = vec![iv("09:00", "12:00"), iv("15:00", "19:30")];
        FacilityHours {
            mon: day.clone(),
            tue: day.clone(),
            wed: vec![iv("09:00", "12:00")],
            thu: day.clone(),
            fri: day,
            sat: vec![iv("09:00", "13:00")],
            ..FacilityHours::default()
        }
    }

    /// 深夜 22:00–6:00 (告示 Ａ０００ 注７, r6-2024/ika-tensuhyo-kokuji57.txt:168-170).
    #[test]
    fn night_boundaries() {
        let cal = Calendar::embedded().unwrap();
        let c = |date: &str, time: &str| {
            time_holds(
                TimeClass::Night,
                None,
                d(date),
                t(time),
                None,
                &cal,
                "kyujitsu",
            )
        };
        assert_eq!(c("2025-02-12", "22:00"), TimeCheck::Holds);
        assert!(matches!(c("2025-02-12", "21:59"), TimeCheck::Fails(_)));
        assert_eq!(c("2025-02-12", "05:59"), TimeCheck::Holds);
        assert!(matches!(c("2025-02-12", "06:00"), TimeCheck::Fails(_)));
        assert!(matches!(
            time_holds(
                TimeClass::Night,
                None,
                d("2025-02-12"),
                None,
                None,
                &cal,
                "kyujitsu"
            ),
            TimeCheck::CannotCheck(_)
        ));
    }

    /// 休日加算 on a working Wednesday is refused; on a Sunday it holds, not at 深夜.
    #[test]
    fn holiday_class() {
        let cal = Calendar::embedded().unwrap();
        let c = |date: &str, time: Option<NaiveTime>| {
            time_holds(
                TimeClass::Holiday,
                None,
                d(date),
                time,
                None,
                &cal,
                "kyujitsu",
            )
        };
        assert!(matches!(c("2025-02-12", t("10:00")), TimeCheck::Fails(_)));
        assert_eq!(c("2025-02-16", t("10:00")), TimeCheck::Holds);
        assert_eq!(
            c("2024-12-30", None),
            TimeCheck::Holds,
            "12/30 is a 休日 (通知 (19) ア)"
        );
        assert!(matches!(c("2025-02-16", t("23:00")), TimeCheck::Fails(_)));
        assert!(matches!(
            c("2030-01-01", t("10:00")),
            TimeCheck::CannotCheck(_)
        ));
    }

    /// 時間外: 標準 before 8:00 and from 18:00 (Saturday from 12:00) (通知 Ａ０００ (18) ア,
    /// r6-2024/ika-ryuijiko-tsuchi.txt:271-278); with facility hours, outside them.
    #[test]
    fn overtime_with_and_without_hours() {
        let cal = Calendar::embedded().unwrap();
        let h = clinic_hours();
        let c = |date: &str, time: &str, hours: Option<&FacilityHours>| {
            time_holds(
                TimeClass::Overtime,
                Some(HoursCondition::Outside),
                d(date),
                t(time),
                hours,
                &cal,
                "kyujitsu",
            )
        };
        // Without hours: the standard.
        assert_eq!(c("2025-02-12", "18:00", None), TimeCheck::Holds);
        assert!(matches!(
            c("2025-02-12", "17:59", None),
            TimeCheck::CannotCheck(_)
        ));
        assert_eq!(c("2025-02-12", "07:59", None), TimeCheck::Holds);
        assert!(matches!(
            c("2025-02-12", "08:00", None),
            TimeCheck::CannotCheck(_)
        ));
        assert_eq!(
            c("2025-02-15", "12:00", None),
            TimeCheck::Holds,
            "Saturday from 12:00"
        );
        assert!(matches!(
            c("2025-02-15", "11:59", None),
            TimeCheck::CannotCheck(_)
        ));
        // With hours: Monday 19:29 is inside (open until 19:30), 19:30 outside; Wednesday 15:00 outside.
        assert!(matches!(
            c("2025-02-10", "19:29", Some(&h)),
            TimeCheck::Fails(_)
        ));
        assert_eq!(c("2025-02-10", "19:30", Some(&h)), TimeCheck::Holds);
        assert_eq!(c("2025-02-12", "15:00", Some(&h)), TimeCheck::Holds);
        assert_eq!(
            c("2025-02-10", "13:00", Some(&h)),
            TimeCheck::Holds,
            "the midday break"
        );
        // Not on a 休日, not at 深夜.
        assert!(
            matches!(c("2025-02-11", "19:40", Some(&h)), TimeCheck::Fails(_)),
            "建国記念の日"
        );
        assert!(matches!(
            c("2025-02-12", "22:30", Some(&h)),
            TimeCheck::Fails(_)
        ));
    }

    /// 夜間・早朝等加算: 18:00 (Sat 12:00) – 8:00, 休日 or 深夜, inside the displayed hours
    /// (通知 Ａ０００ (23) ウ, r6-2024/ika-ryuijiko-tsuchi.txt:376-378).
    #[test]
    fn evening_early_needs_inside_hours() {
        let cal = Calendar::embedded().unwrap();
        let h = clinic_hours();
        let c = |date: &str, time: &str, hours: Option<&FacilityHours>| {
            time_holds(
                TimeClass::EveningEarly,
                Some(HoursCondition::Inside),
                d(date),
                t(time),
                hours,
                &cal,
                "kyujitsu",
            )
        };
        assert_eq!(c("2025-02-10", "18:00", Some(&h)), TimeCheck::Holds);
        assert!(matches!(
            c("2025-02-10", "17:59", Some(&h)),
            TimeCheck::Fails(_)
        ));
        assert!(
            matches!(c("2025-02-10", "19:30", Some(&h)), TimeCheck::Fails(_)),
            "after closing"
        );
        assert_eq!(
            c("2025-02-15", "12:30", Some(&h)),
            TimeCheck::Holds,
            "Saturday afternoon, open to 13:00"
        );
        assert!(matches!(
            c("2025-02-10", "18:30", None),
            TimeCheck::CannotCheck(_)
        ));
    }

    /// 夜間 (別に定める時間): the standard off-hours without 深夜 and 休日 (通知 Ａ０００ (21) イ).
    #[test]
    fn evening_class() {
        let cal = Calendar::embedded().unwrap();
        let c = |date: &str, time: &str| {
            time_holds(
                TimeClass::Evening,
                None,
                d(date),
                t(time),
                None,
                &cal,
                "kyujitsu",
            )
        };
        assert_eq!(c("2025-02-12", "18:00"), TimeCheck::Holds);
        assert!(matches!(c("2025-02-12", "17:59"), TimeCheck::Fails(_)));
        assert!(matches!(c("2025-02-12", "22:00"), TimeCheck::Fails(_)));
        assert_eq!(c("2025-02-12", "06:00"), TimeCheck::Holds);
        assert!(
            matches!(c("2025-02-16", "19:00"), TimeCheck::Fails(_)),
            "Sunday"
        );
    }
}
