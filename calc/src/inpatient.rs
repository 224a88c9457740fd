//! The inpatient month (入院レセプト, 医科 出来高): one patient's admission and the days of one
//! receipt month, each with its items (the same item shapes as an outpatient claim) and meals —
//! a typed serde model with its checks as a whole ([`InpatientMonth::validate`]). The engine
//! computes it with [`crate::Engine::calc_inpatient`].
//!
//! DPC (診断群分類による包括評価) is out of scope: a ward filed as DPC is refused.
//!
//! Invariant: a month that deserialised and validated has its days inside the month, on or after
//! the admission date (and its 起算日), on or before the discharge date, in order and without
//! duplicates; each day's items pass the checks of an outpatient claim's items.

use crate::claim::{Facility, FieldError, HistoryLine, Item, Patient};
use crate::values::{Date, Month};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// `"inpatient"`: an inpatient month states it (the field that tells it from a visit's claim).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InpatientSetting {
    Inpatient,
}

/// The ward and the 入院料 filed for it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Ward {
    /// The 入院基本料 (or 特定入院料) code of the ward, e.g. "190117710" 急性期一般入院料１: santei
    /// adds it on every day of the month and checks its 施設基準 against the facility's filings.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::CodeString>")
    )]
    pub code: Option<masters::Code>,
    /// The ward is paid under DPC (診断群分類): out of scope, refused.
    #[serde(default)]
    pub dpc: bool,
}

/// An earlier admission to the same facility (or one in a 特別の関係), for the 起算日 rule of a
/// readmission (通知 第２部 通則 ７ (2)).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PreviousAdmission {
    /// 起算日 of the earlier admission (its admission date unless it had an earlier one).
    pub reckoning_date: Date,
    /// 退院日 of the earlier admission.
    pub discharge_date: Date,
    /// Admitted again for the same condition (同一傷病), not cured in between.
    pub same_condition: bool,
    /// 悪性腫瘍 or 指定難病/特定疾患 patient (the shorter gap applies).
    #[serde(default)]
    pub designated: bool,
}

/// The admission.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Admission {
    /// 入院年月日.
    pub date: Date,
    /// 起算日 where it differs from the admission date (a readmission counted from the first).
    #[serde(default)]
    pub reckoning_date: Option<Date>,
    /// 退院日, when the patient left in this month.
    #[serde(default)]
    pub discharge_date: Option<Date>,
    /// The earlier admission, when this is a readmission.
    #[serde(default)]
    pub previous: Option<PreviousAdmission>,
    pub ward: Ward,
    /// 入院時食事療養 (Ⅰ) = "1" or (Ⅱ) = "2" (the facility's filing); default "1".
    #[serde(default = "meal_fee_1")]
    pub meal_fee: String,
    /// 医療区分 (1, 2 or 3) of a patient of 65 or older in a 療養病床, who receives 入院時生活療養:
    /// the patient's 生活療養 標準負担額 turns on it (1 = 医療区分１; 2 and 3 = 医療区分２・３).
    /// Needed only for such a patient's co-payment; santei refuses ("cannot decide") without it.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 3)))]
    pub medical_class: Option<u8>,
}

fn meal_fee_1() -> String {
    "1".into()
}

/// The meals of a day: which ones were served, or a count.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Meals {
    Count(u32),
    Served(ServedMeals),
}

/// Breakfast, lunch, dinner.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ServedMeals {
    #[serde(default)]
    pub breakfast: bool,
    #[serde(default)]
    pub lunch: bool,
    #[serde(default)]
    pub dinner: bool,
    /// Only liquid food (流動食のみ) was served this day.
    #[serde(default)]
    pub liquid: bool,
}

impl Meals {
    /// The number of meals.
    pub fn count(&self) -> u32 {
        match self {
            Meals::Count(n) => *n,
            Meals::Served(s) => u32::from(s.breakfast) + u32::from(s.lunch) + u32::from(s.dinner),
        }
    }

    /// Only liquid food.
    pub fn liquid(&self) -> bool {
        matches!(self, Meals::Served(s) if s.liquid)
    }
}

/// One day in hospital.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Day {
    pub date: Date,
    /// The day's lines (as an outpatient claim's `items`), without the 入院基本料 and its
    /// 入院期間加算, which santei adds (listing them is checked, not doubled).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(max = 50000)))]
    pub items: Vec<Item>,
    /// The meals of the day (入院時食事療養).
    #[serde(default)]
    pub meals: Option<Meals>,
    /// The ward of this day when the patient moved (病棟移動: the 入院料 of the ward moved to).
    #[serde(default)]
    pub ward: Option<Ward>,
}

/// One inpatient receipt month.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InpatientMonth {
    pub setting: InpatientSetting,
    /// 医科 only.
    #[serde(default = "ika")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub kind: rules::addons::ClaimKind,
    /// The receipt month, "YYYY-MM".
    pub month: Month,
    pub patient: Patient,
    pub facility: Facility,
    pub admission: Admission,
    /// The days in hospital in this month (at most 31), in order.
    #[cfg_attr(feature = "schema", schemars(length(max = 31)))]
    pub days: Vec<Day>,
    /// This patient's earlier lines at this facility (before this month).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(max = 50000)))]
    pub history: Vec<HistoryLine>,
    /// 公費 for the co-payment block.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Vec<crate::copay::input::PublicExpenseInput>")
    )]
    pub public_expense: Vec<crate::copay::PublicExpenseClaim>,
}

fn ika() -> rules::addons::ClaimKind {
    rules::addons::ClaimKind::Ika
}

impl InpatientMonth {
    /// The 起算日: the stated one, or the admission date.
    pub fn reckoning_date(&self) -> NaiveDate {
        self.admission
            .reckoning_date
            .map_or(self.admission.date.0, |d| d.0)
    }

    /// The month's last day.
    pub fn last_day(&self) -> NaiveDate {
        let m = self.month.0;
        m.checked_add_months(chrono::Months::new(1))
            .and_then(|n| n.pred_opt())
            .unwrap_or(m)
    }

    /// The checks of the month as a whole (each field was checked when it was read).
    pub fn validate(&self) -> Result<(), FieldError> {
        let field = |path: &str, message: String| FieldError {
            path: path.into(),
            message,
        };
        if self.kind != rules::addons::ClaimKind::Ika {
            return Err(field(
                "kind",
                format!("{:?}: an inpatient month is 医科 (ika) only", self.kind),
            ));
        }
        let dpc = |w: &Ward, path: &str| -> Result<(), FieldError> {
            if w.dpc {
                return Err(field(
                    path,
                    "the ward is paid under DPC (診断群分類による包括評価): DPC is out of scope for santei (出来高 only)".into(),
                ));
            }
            if w.code.is_none() {
                return Err(field(
                    path,
                    "missing: the 入院基本料 (or 特定入院料) code of the ward".into(),
                ));
            }
            Ok(())
        };
        dpc(&self.admission.ward, "admission.ward")?;
        if let Some(k) = self
            .admission
            .medical_class
            .filter(|k| !(1..=3).contains(k))
        {
            return Err(field(
                "admission.medical_class",
                format!("{k}: the 医療区分 is 1, 2 or 3"),
            ));
        }
        let (first, last) = (self.month.0, self.last_day());
        let adm = self.admission.date.0;
        let reck = self.reckoning_date();
        if reck > adm {
            return Err(field(
                "admission.reckoning_date",
                format!("{reck} is after the admission date {adm}"),
            ));
        }
        if adm > last {
            return Err(field(
                "admission.date",
                format!("{adm} is after the month {}", first.format("%Y-%m")),
            ));
        }
        let discharge = self.admission.discharge_date.map(|d| d.0);
        if let Some(d) = discharge {
            if d < adm || d < first || d > last {
                return Err(field(
                    "admission.discharge_date",
                    format!(
                        "{d} is before the admission date {adm} or outside the month {}",
                        first.format("%Y-%m")
                    ),
                ));
            }
        }
        if let Some(p) = &self.admission.previous {
            if p.discharge_date.0 >= adm || p.reckoning_date.0 > p.discharge_date.0 {
                return Err(field(
                    "admission.previous.discharge_date",
                    format!(
                        "{} is not between the earlier 起算日 {} and this admission {adm}",
                        p.discharge_date.0, p.reckoning_date.0
                    ),
                ));
            }
        }
        if self.days.is_empty() {
            return Err(field(
                "days",
                "no day: an inpatient month lists its days in hospital".into(),
            ));
        }
        if self.patient.birth_date.0 > adm {
            return Err(field(
                "patient.birth_date",
                format!(
                    "{} is after the admission date {adm}",
                    self.patient.birth_date.0
                ),
            ));
        }
        let mut prev: Option<NaiveDate> = None;
        for (i, d) in self.days.iter().enumerate() {
            let date = d.date.0;
            let path = format!("days[{i}].date");
            if date < first || date > last {
                return Err(field(
                    &path,
                    format!("{date} is outside the month {}", first.format("%Y-%m")),
                ));
            }
            if date < adm {
                return Err(field(
                    &path,
                    format!("{date} is before the admission date {adm}"),
                ));
            }
            if let Some(dd) = discharge.filter(|&dd| date > dd) {
                return Err(field(
                    &path,
                    format!("{date} is after the discharge date {dd}"),
                ));
            }
            match prev {
                Some(p) if p == date => {
                    return Err(field(
                        &path,
                        format!("{date} is listed twice (days[{}])", i - 1),
                    ))
                }
                Some(p) if p > date => {
                    return Err(field(
                        &path,
                        format!("{date} comes after {p}: list the days in order"),
                    ))
                }
                _ => {}
            }
            prev = Some(date);
            if let Some(w) = &d.ward {
                dpc(w, &format!("days[{i}].ward"))?;
            }
        }
        for (i, h) in self.history.iter().enumerate() {
            if h.date.0 >= first {
                return Err(field(
                    &format!("history[{i}].date"),
                    format!(
                        "{} is not before the month {}: the month's own lines are its days' items",
                        h.date.0,
                        first.format("%Y-%m")
                    ),
                ));
            }
        }
        if self.month.0.day() != 1 {
            return Err(field("month", "not a month".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{"setting": "inpatient", "month": "2024-07",
      "patient": {"birth_date": "1960-04-02"},
      "facility": {"kind": "hospital", "standards": [{"code": "3525"}]},
      "admission": {"date": "2024-07-03", "ward": {"code": "190117710"}},
      "days": [{"date": "2024-07-03", "meals": {"lunch": true, "dinner": true}},
               {"date": "2024-07-04", "meals": 3, "items": [{"code": "160000310"}]}]}"#;

    fn parse(text: &str) -> Result<InpatientMonth, String> {
        let m: InpatientMonth = serde_json::from_str(text).map_err(|e| e.to_string())?;
        m.validate().map_err(|e| e.to_string())?;
        Ok(m)
    }

    #[test]
    fn the_example_parses() {
        let m = parse(EXAMPLE).unwrap();
        assert_eq!(m.days[0].meals.as_ref().unwrap().count(), 2);
        assert_eq!(m.days[1].meals.as_ref().unwrap().count(), 3);
        assert_eq!(
            m.reckoning_date(),
            NaiveDate::from_ymd_opt(2024, 7, 3).unwrap()
        );
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2024, 7, 31).unwrap());
    }

    #[test]
    fn bad_months_name_the_field() {
        let e = parse(&EXAMPLE.replace("\"2024-07-04\"", "\"2024-08-01\"")).unwrap_err();
        assert_eq!(e, "days[1].date: 2024-08-01 is outside the month 2024-07");
        let e = parse(&EXAMPLE.replace("\"2024-07-04\"", "\"2024-07-02\"")).unwrap_err();
        assert_eq!(
            e,
            "days[1].date: 2024-07-02 is before the admission date 2024-07-03"
        );
        let e = parse(&EXAMPLE.replace("\"2024-07-04\"", "\"2024-07-03\"")).unwrap_err();
        assert_eq!(e, "days[1].date: 2024-07-03 is listed twice (days[0])");
        let e = parse(&EXAMPLE.replace(
            r#""ward": {"code": "190117710"}"#,
            r#""ward": {"dpc": true}"#,
        ))
        .unwrap_err();
        assert!(
            e.starts_with("admission.ward: the ward is paid under DPC"),
            "{e}"
        );
        assert!(e.contains("DPC is out of scope"), "{e}");
        let e = parse(&EXAMPLE.replace(
            r#""date": "2024-07-03", "ward""#,
            r#""date": "2024-07-03", "reckoning_date": "2024-07-05", "ward""#,
        ))
        .unwrap_err();
        assert_eq!(
            e,
            "admission.reckoning_date: 2024-07-05 is after the admission date 2024-07-03"
        );
    }
}
