//! The inpatient month's rules the 電子点数表 tables and the master do not carry
//! (`data/inpatient/*.toml`): the 入院期間加算 by elapsed days since the 起算日 (which 入院基本料
//! codes have one, and the add-on code of each range of days), the 入院時食事療養 fee codes, the
//! meals a day may have, and the readmission gap that keeps the first 起算日.
//!
//! Invariants: every entry has its source; codes are 9 digits; the steps of a period add-on are
//! in order and do not overlap; a base code belongs to at most one period add-on on a date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The embedded files: written in TOML, embedded as JSON (converted by `build.rs`).
pub static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_inpatient.rs"));

/// The texts in use: [`EMBEDDED`], or with the feature `fetched-data` the group `rules/inpatient`
/// given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("rules/inpatient");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// `[[period.step]]` (and `[[basic_by_days.step]]`) — the code for elapsed days from
/// `from_day` through `to_day`, or through the day before the `to_years`th anniversary of the
/// 起算日 (「１年以内の期間」), or with neither, every later day (「31日以上の期間」).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PeriodStep {
    pub from_day: u32,
    #[serde(default)]
    pub to_day: Option<u32>,
    #[serde(default)]
    pub to_years: Option<u32>,
    pub code: String,
}

impl PeriodStep {
    /// The last elapsed day of the step for a stay counted from `reck` (day 1), or `None`
    /// when it has no end. A stay whose anniversary is out of the calendar's range ends never.
    pub fn last_day(&self, reck: NaiveDate) -> Option<u32> {
        if let Some(d) = self.to_day {
            return Some(d);
        }
        let years = self.to_years?;
        let end = reck.checked_add_months(chrono::Months::new(years.checked_mul(12)?))?;
        u32::try_from((end - reck).num_days()).ok()
    }

    /// Whether elapsed day `day` of a stay counted from `reck` is in the step.
    pub fn contains(&self, day: u32, reck: NaiveDate) -> bool {
        self.from_day <= day && self.last_day(reck).is_none_or(|t| day <= t)
    }

    /// The step's days as written in messages: "15–30", "181–365", "31–".
    pub fn days(&self, reck: NaiveDate) -> String {
        match self.last_day(reck) {
            Some(t) => format!("{}–{t}", self.from_day),
            None => format!("{}–", self.from_day),
        }
    }
}

/// `[[period]]` — 入院期間加算: the add-on of a set of 入院基本料 codes by elapsed days.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PeriodAddon {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub bases: Vec<String>,
    pub step: Vec<PeriodStep>,
    pub source: String,
}

impl PeriodAddon {
    pub fn in_force(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }

    /// The step for an elapsed day count of a stay counted from `reck`, if any.
    pub fn step_for(&self, day: u32, reck: NaiveDate) -> Option<&PeriodStep> {
        self.step.iter().find(|s| s.contains(day, reck))
    }
}

/// `[[basic_by_days]]` — a 入院基本料 whose own code goes by the elapsed days since the 起算日
/// (Ａ１０８ 有床診療所入院基本料: イ 14日以内の期間, ロ 15日以上30日以内の期間, ハ 31日以上の期間, one
/// master code each). The ward may be named by any of its codes; the day's code is its step's.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BasicByDays {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub step: Vec<PeriodStep>,
    pub source: String,
}

impl BasicByDays {
    pub fn in_force(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }

    /// The step for an elapsed day count of a stay counted from `reck`, if any.
    pub fn step_for(&self, day: u32, reck: NaiveDate) -> Option<&PeriodStep> {
        self.step.iter().find(|s| s.contains(day, reck))
    }
}

/// `[[meal_fee]]` — 入院時食事療養 (Ⅰ)/(Ⅱ): the master codes of its fee per meal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MealFee {
    pub id: String,
    pub name: String,
    pub code: String,
    pub liquid_code: String,
    pub source: String,
}

/// `[meals]` — the meals a day may have.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MealLimits {
    pub max_per_day: u32,
    pub source: String,
}

/// `[readmission]` — the gap (in months from the discharge) after which a readmission for the
/// same condition starts a new 起算日.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Readmission {
    pub gap_months: u32,
    pub gap_months_designated: u32,
    pub source: String,
}

/// `[[inpatient_only_if]]` — codes the master allows on an inpatient receipt (入外適用区分 0) that
/// the 告示 allows for an inpatient only after a 手術: within `after_operation_days` days counted
/// from the day of the operation (a line whose 告示区分 letter is `operation_kubun`) on or before
/// the day, in the stay. Otherwise refused on an inpatient day.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InpatientOnlyIf {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub codes: Vec<String>,
    pub after_operation_days: u32,
    pub operation_kubun: String,
    pub source: String,
}

impl InpatientOnlyIf {
    pub fn in_force(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d <= t)
    }
}

pub use crate::inpatient_living::{LivingCare, LivingCareCharge, LivingCareFee, LivingIncome};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InpatientFile {
    #[serde(default)]
    living_care: Option<LivingCare>,
    #[serde(default)]
    inpatient_only_if: Vec<InpatientOnlyIf>,
    #[serde(default)]
    period: Vec<PeriodAddon>,
    #[serde(default)]
    basic_by_days: Vec<BasicByDays>,
    #[serde(default)]
    meal_fee: Vec<MealFee>,
    #[serde(default)]
    meals: Option<MealLimits>,
    #[serde(default)]
    readmission: Option<Readmission>,
}

/// An inpatient rule-file error: the file and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct InpatientRuleError {
    pub file: String,
    pub message: String,
}

/// The inpatient rules.
#[derive(Clone, Debug, PartialEq)]
pub struct InpatientRules {
    pub periods: Vec<PeriodAddon>,
    pub basic_by_days: Vec<BasicByDays>,
    pub living_care: Option<LivingCare>,
    pub inpatient_only_if: Vec<InpatientOnlyIf>,
    pub meal_fees: Vec<MealFee>,
    pub meals: MealLimits,
    pub readmission: Readmission,
}

fn is_code(s: &str) -> bool {
    s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The steps are 9-digit codes, in order, without overlap; only the last may have no end, and a
/// step ends by `to_day` or `to_years`, not both.
fn check_steps(steps: &[PeriodStep]) -> Result<(), String> {
    let mut last: Option<u32> = Some(0);
    for s in steps {
        if !is_code(&s.code) {
            return Err(format!("step code {:?} is not a 9-digit code", s.code));
        }
        let to = match (s.to_day, s.to_years) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "step from day {}: to_day or to_years, not both",
                    s.from_day
                ))
            }
            (Some(t), None) => Some(t),
            // A year is at least 365 days: the step ends no earlier.
            (None, Some(y)) => Some(y.saturating_mul(365)),
            (None, None) => None,
        };
        let Some(prev) = last else {
            return Err(format!(
                "step from day {} follows a step with no end",
                s.from_day
            ));
        };
        if s.from_day <= prev || to.is_some_and(|t| t < s.from_day) {
            return Err(format!(
                "step {}–{} overlaps or is out of order",
                s.from_day,
                to.map_or(String::new(), |t| t.to_string())
            ));
        }
        last = to;
    }
    Ok(())
}

impl InpatientRules {
    /// The embedded rules.
    pub fn embedded() -> Result<InpatientRules, InpatientRuleError> {
        InpatientRules::from_sources(embedded_texts())
    }

    /// Load rule files (name, text); every entry is checked.
    pub fn from_sources(files: &[(&str, &str)]) -> Result<InpatientRules, InpatientRuleError> {
        let mut periods = Vec::new();
        let mut by_days = Vec::new();
        let mut meal_fees = Vec::new();
        let mut only_if = Vec::new();
        let (mut meals, mut readmission, mut living) = (None, None, None);
        for (name, text) in files {
            let err = |message: String| InpatientRuleError {
                file: name.to_string(),
                message,
            };
            let f: InpatientFile = crate::parse_data(text).map_err(err)?;
            for p in &f.period {
                if p.source.trim().is_empty() {
                    return Err(err(format!("period {}: needs a source", p.id)));
                }
                if let Some(c) = p.bases.iter().find(|c| !is_code(c)) {
                    return Err(err(format!(
                        "period {}: base {c:?} is not a 9-digit code",
                        p.id
                    )));
                }
                check_steps(&p.step).map_err(|m| err(format!("period {}: {m}", p.id)))?;
            }
            for b in &f.basic_by_days {
                if b.source.trim().is_empty() || b.step.is_empty() {
                    return Err(err(format!(
                        "basic_by_days {}: needs steps and a source",
                        b.id
                    )));
                }
                check_steps(&b.step).map_err(|m| err(format!("basic_by_days {}: {m}", b.id)))?;
            }
            for m in &f.meal_fee {
                if !is_code(&m.code) || !is_code(&m.liquid_code) || m.source.trim().is_empty() {
                    return Err(err(format!(
                        "meal_fee {}: needs 9-digit codes and a source",
                        m.id
                    )));
                }
            }
            for r in &f.inpatient_only_if {
                if r.source.trim().is_empty()
                    || r.codes.is_empty()
                    || r.codes.iter().any(|c| !is_code(c))
                    || r.operation_kubun.len() != 1
                    || r.after_operation_days == 0
                {
                    return Err(err(format!(
                        "inpatient_only_if {}: needs 9-digit codes, a one-letter operation_kubun, after_operation_days ≥ 1 and a source",
                        r.id
                    )));
                }
            }
            only_if.extend(f.inpatient_only_if);
            periods.extend(f.period);
            by_days.extend(f.basic_by_days);
            meal_fees.extend(f.meal_fee);
            meals = f.meals.or(meals);
            if let Some(l) = &f.living_care {
                l.check().map_err(err)?;
            }
            living = f.living_care.or(living);
            readmission = f.readmission.or(readmission);
        }
        for (i, p) in periods.iter().enumerate() {
            for q in &periods[i + 1..] {
                let overlap = p.from <= q.to.unwrap_or(NaiveDate::MAX)
                    && q.from <= p.to.unwrap_or(NaiveDate::MAX);
                if let Some(b) = p.bases.iter().find(|b| overlap && q.bases.contains(b)) {
                    return Err(InpatientRuleError {
                        file: "inpatient rules".into(),
                        message: format!("base {b} is in period {} and in period {}", p.id, q.id),
                    });
                }
            }
        }
        let missing = |what: &str| InpatientRuleError {
            file: "inpatient rules".into(),
            message: format!("[{what}] is missing"),
        };
        for (i, p) in by_days.iter().enumerate() {
            for q in &by_days[i + 1..] {
                let overlap = p.from <= q.to.unwrap_or(NaiveDate::MAX)
                    && q.from <= p.to.unwrap_or(NaiveDate::MAX);
                if let Some(s) = p
                    .step
                    .iter()
                    .find(|s| overlap && q.step.iter().any(|t| t.code == s.code))
                {
                    return Err(InpatientRuleError {
                        file: "inpatient rules".into(),
                        message: format!(
                            "code {} is in basic_by_days {} and in {}",
                            s.code, p.id, q.id
                        ),
                    });
                }
            }
        }
        Ok(InpatientRules {
            periods,
            basic_by_days: by_days,
            living_care: living,
            inpatient_only_if: only_if,
            meal_fees,
            meals: meals.ok_or_else(|| missing("meals"))?,
            readmission: readmission.ok_or_else(|| missing("readmission"))?,
        })
    }

    /// The period add-on of a 入院基本料 code on a date.
    pub fn period_of(&self, base: &str, d: NaiveDate) -> Option<&PeriodAddon> {
        self.periods
            .iter()
            .find(|p| p.in_force(d) && p.bases.iter().any(|b| b == base))
    }

    /// The 入院基本料 by elapsed days (`[[basic_by_days]]`) a code is one of on a date.
    pub fn basic_by_days_of(&self, code: &str, d: NaiveDate) -> Option<&BasicByDays> {
        self.basic_by_days
            .iter()
            .find(|b| b.in_force(d) && b.step.iter().any(|s| s.code == code))
    }

    /// The period add-on a code is a step of on a date, with the step.
    pub fn step_of_code(&self, code: &str, d: NaiveDate) -> Option<(&PeriodAddon, &PeriodStep)> {
        self.periods
            .iter()
            .filter(|p| p.in_force(d))
            .find_map(|p| p.step.iter().find(|s| s.code == code).map(|s| (p, s)))
    }

    /// The `[[inpatient_only_if]]` rule of a code on a date.
    pub fn inpatient_only_if(&self, code: &str, d: NaiveDate) -> Option<&InpatientOnlyIf> {
        self.inpatient_only_if
            .iter()
            .find(|r| r.in_force(d) && r.codes.iter().any(|c| c == code))
    }

    /// The meal fee by its id ("1" or "2").
    pub fn meal_fee(&self, id: &str) -> Option<&MealFee> {
        self.meal_fees.iter().find(|m| m.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        let r = InpatientRules::embedded().unwrap();
        let d = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
        // 告示57 l.492: 急性期一般入院料１ days 1–14 → 190079470; l.493: 15–30 → 190079670.
        let p = r.period_of("190117710", d).unwrap();
        assert_eq!(p.step_for(14, d).unwrap().code, "190079470");
        assert_eq!(p.step_for(15, d).unwrap().code, "190079670");
        assert_eq!(p.step_for(30, d).unwrap().code, "190079670");
        assert!(p.step_for(31, d).is_none());
        assert!(r
            .period_of("190117710", NaiveDate::from_ymd_opt(2024, 5, 31).unwrap())
            .is_none());
        let (q, s) = r.step_of_code("190079570", d).unwrap();
        assert_eq!((q.id.as_str(), s.to_day), ("a100_note3_special", Some(14)));
        assert_eq!(r.meals.max_per_day, 3);
        assert_eq!(r.readmission.gap_months, 3);
        assert_eq!(r.living_care.as_ref().unwrap().min_age, 65);
        // 告示57 l.12416-12418: 創傷処置 １ for an inpatient within 14 days of a 手術.
        let j = r.inpatient_only_if("140000610", d).unwrap();
        assert_eq!(
            (j.after_operation_days, j.operation_kubun.as_str()),
            (14, "K")
        );
        assert!(r.inpatient_only_if("140000710", d).is_none());
    }

    #[test]
    fn year_and_open_steps() {
        let r = InpatientRules::embedded().unwrap();
        let d = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
        // 告示57 l.907-908: Ａ１０３ 注３ ニ 91日以上180日以内 10点, ホ 181日以上１年以内 3点.
        let p = r.period_of("190083610", d).unwrap();
        assert_eq!(p.step_for(180, d).unwrap().code, "190085710");
        assert_eq!(p.step_for(181, d).unwrap().code, "190085810");
        // 起算日 2024-07-01: the year runs to 2025-06-30, day 365 (2025-07-01 − 2024-07-01).
        assert_eq!(p.step_for(365, d).unwrap().code, "190085810");
        assert!(p.step_for(366, d).is_none());
        // 起算日 2024-01-10: the year holds 2024-02-29, so it runs to day 366.
        let leap = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
        assert_eq!(p.step_for(366, leap).unwrap().days(leap), "181–366");
        assert!(p.step_for(367, leap).is_none());
        // 告示57 l.1389-1393: Ａ１０８ １ ハ 31日以上の期間 (no end).
        let b = r.basic_by_days_of("190169610", d).unwrap();
        assert_eq!(b.step_for(14, d).unwrap().code, "190169610");
        assert_eq!(b.step_for(15, d).unwrap().code, "190169710");
        assert_eq!(b.step_for(400, d).unwrap().code, "190169810");
        assert_eq!(b.step_for(31, d).unwrap().days(d), "31–");
        // 告示57 l.801-809: Ａ１０２ 注４ ニ 61日以上90日以内, nothing after day 90.
        let t = r.period_of("190117910", d).unwrap();
        assert_eq!(t.step_for(61, d).unwrap().code, "190187470");
        assert!(t.step_for(91, d).is_none());
    }

    #[test]
    fn a_step_after_an_open_one_is_refused() {
        let text = r#"{"basic_by_days": [{"id": "x", "name": "x", "from": "2024-06-01", "source": "s",
          "step": [{"from_day": 1, "code": "190169610"}, {"from_day": 15, "to_day": 30, "code": "190169710"}]}],
          "meals": {"max_per_day": 3, "source": "s"},
          "readmission": {"gap_months": 3, "gap_months_designated": 1, "source": "s"}}"#;
        let e = InpatientRules::from_sources(&[("t", text)]).unwrap_err();
        assert!(e.message.contains("follows a step with no end"), "{e}");
    }

    #[test]
    fn overlapping_steps_are_refused() {
        let text = r#"{"period": [{"id": "x", "name": "x", "from": "2024-06-01", "bases": ["190117710"],
          "source": "s", "step": [{"from_day": 1, "to_day": 14, "code": "190079470"},
                                  {"from_day": 14, "to_day": 30, "code": "190079670"}]}],
          "meals": {"max_per_day": 3, "source": "s"},
          "readmission": {"gap_months": 3, "gap_months_designated": 1, "source": "s"}}"#;
        let e = InpatientRules::from_sources(&[("t", text)]).unwrap_err();
        assert!(e.message.contains("14–30 overlaps"), "{e}");
    }
}
