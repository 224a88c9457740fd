//! The claim: one visit's input, a typed serde model (read from JSON or TOML by the `api`
//! crate, with errors that name the field path and the value), and its checks as a whole
//! ([`Claim::validate`]).
//!
//! Invariant: a [`Claim`] that deserialised and validated has valid dates, counts of at least 1,
//! 9-digit codes, and co-payment facts that make a patient when `insurance` is given;
//! everything else (codes unknown to the schedule, rules broken) is the engine's to report.

use chrono::{Datelike, NaiveDate};
use rules::addons::ClaimKind;
use serde::{Deserialize, Serialize};

pub use crate::values::{parse_date, Date};

/// outpatient | inpatient | home
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    #[default]
    Outpatient,
    Inpatient,
    Home,
}

impl Setting {
    /// The setting of the co-payment: 在宅 (home) care is 入院外 for the 負担割合 and the
    /// 高額療養費 limits (the limits distinguish 入院 and 外来 = 入院外 only).
    pub fn copay_setting(self) -> crate::copay::Setting {
        match self {
            Setting::Inpatient => crate::copay::Setting::Inpatient,
            Setting::Outpatient | Setting::Home => crate::copay::Setting::Outpatient,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Setting::Outpatient => "outpatient",
            Setting::Inpatient => "inpatient",
            Setting::Home => "home",
        }
    }
}

/// 歯科 / 調剤 visits, which carry no 医科 base code to trigger an add-on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// 初診
    First,
    /// 再診
    Revisit,
    /// 調剤
    Dispensing,
}

impl VisitKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            VisitKind::First => "first",
            VisitKind::Revisit => "revisit",
            VisitKind::Dispensing => "dispensing",
        }
    }
}

/// The patient. Fields beyond `birth_date` and `mynumber_card` are the co-payment facts
/// (see `calc::copay::Patient`), kept as given and read by the co-payment block when
/// `insurance` is present.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Patient {
    pub birth_date: Date,
    /// The patient's information was obtained through a マイナ保険証 at this visit.
    #[serde(default)]
    pub mynumber_card: bool,
    /// 保険種別: kenpo | kokuho | kouki.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::copay::input::InsuranceInput>")
    )]
    pub insurance: Option<crate::copay::InsuranceKind>,
    /// 所得区分.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::copay::input::IncomeCategoryInput>")
    )]
    pub income_category: Option<crate::copay::input::Income>,
    /// 限度額適用認定証 (or マイナ保険証 consent) presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub limit_certificate: Option<crate::values::Flag>,
    /// Earlier months in the last 12 that reached the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::AmountSchema>")
    )]
    pub high_cost_count: Option<crate::values::Amount>,
    /// 特定疾病 (マル長).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::copay::input::SpecificDiseaseInput>")
    )]
    pub specific_disease: Option<crate::copay::SpecificDisease>,
    /// 低所得 long stay (meals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub meal_long_stay: Option<crate::values::Flag>,
    /// 後期高齢者医療 by 障害認定 (no 75歳到達月 halving).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub kouki_by_disability: Option<crate::values::Flag>,
}

impl Patient {
    /// The co-payment facts given.
    pub fn copay_facts(&self) -> crate::copay::input::CopayFacts {
        crate::copay::input::CopayFacts {
            insurance: self.insurance,
            income_category: self.income_category,
            limit_certificate: self.limit_certificate,
            high_cost_count: self.high_cost_count,
            specific_disease: self.specific_disease,
            meal_long_stay: self.meal_long_stay,
            kouki_by_disability: self.kouki_by_disability,
        }
    }

    /// The patient for the co-payment block, when the insurance facts are given.
    pub fn copay_patient(&self) -> Option<Result<crate::copay::Patient, crate::copay::CopayError>> {
        self.insurance?;
        Some(crate::copay::Patient::from_facts(
            "patient",
            self.birth_date.0,
            &self.copay_facts(),
        ))
    }
}

/// hospital | clinic | dental | pharmacy (the same kinds a facility profile names).
pub use rules::tier::FacilityKind;

/// hospital | clinic | dental | pharmacy
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[schemars(rename = "FacilityKind")]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum FacilityKindSchema {
    Hospital,
    Clinic,
    Dental,
    Pharmacy,
}

/// A filed 施設基準: an official code ("4035") or a santei rule id ("iryo_joho").
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FiledStandard {
    pub code: String,
    #[serde(default)]
    pub tier: Option<u8>,
    #[serde(default)]
    pub from: Option<Date>,
    #[serde(default)]
    pub to: Option<Date>,
}

impl FiledStandard {
    /// Whether the filing is in force on `d`.
    pub fn valid_on(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| f.0 <= d) && self.to.is_none_or(|t| d <= t.0)
    }
}

/// The facility.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Facility {
    #[cfg_attr(feature = "schema", schemars(with = "FacilityKindSchema"))]
    pub kind: FacilityKind,
    #[serde(default)]
    pub standards: Vec<FiledStandard>,
    /// 電子処方箋を発行する体制 since (the e-prescription capability).
    #[serde(default)]
    pub e_prescription_since: Option<Date>,
    /// 電磁的方法により診療情報を共有し活用する体制 since.
    #[serde(default)]
    pub electronic_sharing_since: Option<Date>,
    /// A facility profile (as `santei tier` reads it): when given, the DX tier is computed
    /// from it for the month, and a filed tier better than the data supports is warned about.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<rules::tier::profile::ProfileInput>")
    )]
    pub profile: Option<rules::tier::FacilityProfile>,
    /// The facility's displayed hours (表示する診療時間), per weekday and for 休日:
    /// `{"mon": [["09:00", "12:00"], ["15:00", "18:00"]], …, "holiday": []}` (for 時間外).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<std::collections::BTreeMap<String, Vec<(String, String)>>>")
    )]
    pub hours: Option<rules::receipt::FacilityHours>,
}

/// One claim item as given: a plain line (`code`, `count`, optional `points`) or a 剤
/// (`section`, `count`, `lines`; see [`crate::group`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The code of a plain line (absent for a 剤, whose codes are its `lines`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::CodeString>")
    )]
    pub code: Option<masters::Code>,
    /// 回数 (日数 for 内服), 1–9,999.
    #[serde(default = "one")]
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 9999)))]
    pub count: i64,
    /// Points stated by the caller, accepted only for 歯科/調剤 codes santei has no record of:
    /// 0–99,999,999, at most two decimal places.
    #[serde(default, deserialize_with = "crate::values::deserialize_opt_decimal")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::StatedPointsSchema>")
    )]
    pub points: Option<rust_decimal::Decimal>,
    #[serde(default)]
    pub name: Option<String>,
    /// 診療識別 (UKE section code, two digits: "11" 初診 … "21" 内服 … "60" 検査 … "80" その他):
    /// required for a 剤; optional on a plain line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub section: Option<crate::group::Section>,
    /// The lines of a 剤 (procedures, drugs with `quantity`, materials with `quantity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<crate::group::GroupLine>>,
    /// 臨時の投薬 (a 内服 剤 given temporarily; for the 多剤投与 count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary: Option<bool>,
    /// The item belongs to a second department of the day (同日２科目).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_department: Option<bool>,
}

impl Item {
    /// A plain line of `code` × `count`.
    pub fn line(code: masters::Code, count: i64) -> Item {
        Item {
            code: Some(code),
            count,
            points: None,
            name: None,
            section: None,
            lines: None,
            temporary: None,
            second_department: None,
        }
    }
}

fn one() -> i64 {
    1
}

/// An earlier line of this patient at this facility.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HistoryLine {
    pub date: Date,
    #[cfg_attr(feature = "schema", schemars(with = "crate::values::CodeString"))]
    pub code: masters::Code,
    /// 回数, 1–9,999.
    #[serde(default = "one")]
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 9999)))]
    pub count: i64,
}

/// One visit's claim.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub date: Date,
    /// The reception time of the visit, HH:MM (for the 時間外・休日・深夜 add-ons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub time: Option<crate::group::Clock>,
    #[serde(default = "ika")]
    pub kind: ClaimKind,
    #[serde(default)]
    pub setting: Setting,
    pub patient: Patient,
    pub facility: Facility,
    /// The lines of the visit (at most 50,000).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(max = 50000)))]
    pub items: Vec<Item>,
    /// This patient's earlier lines at this facility (at most 50,000).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(max = 50000)))]
    pub history: Vec<HistoryLine>,
    /// 歯科/調剤: what kind of visit this is (医科 visits are known from their codes).
    #[serde(default)]
    pub visit: Option<VisitKind>,
    /// 公費 for the co-payment block (as `santei copay` reads them).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Vec<crate::copay::input::PublicExpenseInput>")
    )]
    pub public_expense: Vec<crate::copay::PublicExpenseClaim>,
    /// What this facility already charged this month (co-payment block).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<MonthToDateSchema>"))]
    pub month_to_date: Option<crate::copay::MonthToDate>,
    /// The month form of the co-payment block: the month's other visits at this facility and
    /// this visit's month facts; the `copay` block is then the month visit by visit
    /// (`calc::copay::month::ClaimMonth`).
    #[serde(default, skip_serializing)]
    pub copay_month: Option<crate::copay::month::ClaimMonth>,
    /// The patient's last discharge (退院) date, for the rules that count from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharge_date: Option<Date>,
}

/// Month-to-date totals at this facility for the co-payment block.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[schemars(rename = "MonthToDate")]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct MonthToDateSchema {
    medical_cost: i64,
    patient_share: i64,
}

fn ika() -> ClaimKind {
    ClaimKind::Ika
}

/// A claim that breaks a rule of the input as a whole: the field path and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl Claim {
    /// The checks of the claim as a whole (each field was checked when it was read): counts,
    /// dates in order, and the co-payment facts when `insurance` is given — so bad input is
    /// reported before anything is computed.
    pub fn validate(&self) -> Result<(), FieldError> {
        use crate::values::{MAX_COUNT, MAX_HISTORY, MAX_ITEMS, MAX_STATED_POINTS, MIN_BIRTH_YEAR};
        let field = |path: String, message: String| FieldError { path, message };
        if self.items.len() > MAX_ITEMS {
            return Err(field(
                "items".into(),
                format!(
                    "{} lines; a claim has at most {MAX_ITEMS}",
                    self.items.len()
                ),
            ));
        }
        if self.history.len() > MAX_HISTORY {
            return Err(field(
                "history".into(),
                format!(
                    "{} lines; a claim's history has at most {MAX_HISTORY}",
                    self.history.len()
                ),
            ));
        }
        // The path of a field is formatted only when the field is wrong (a claim's items are
        // checked on every run: a path per item was a tenth of reading a claim).
        let count = |path: &dyn Fn() -> String, n: i64| -> Result<(), FieldError> {
            if n < 1 {
                return Err(field(path(), format!("{n} is not a count (1 or more)")));
            }
            if n > MAX_COUNT {
                return Err(field(
                    path(),
                    format!("{n} is above the largest count, {MAX_COUNT}"),
                ));
            }
            Ok(())
        };
        for (i, it) in self.items.iter().enumerate() {
            // The usual item, a plain line with a code and a count in range, passes every
            // check below: skipped in one test.
            if it.code.is_some()
                && it.lines.is_none()
                && it.points.is_none()
                && (1..=MAX_COUNT).contains(&it.count)
            {
                continue;
            }
            crate::group::check_item(
                i,
                crate::group::Shape {
                    code: it.code.is_some(),
                    points: it.points.is_some(),
                    section: it.section,
                    lines: it.lines.as_deref(),
                },
            )
            .map_err(|(path, message)| FieldError { path, message })?;
            count(&|| format!("items[{i}].count"), it.count)?;
            if let Some(p) = it.points {
                let path = || format!("items[{i}].points");
                if p.is_sign_negative() && !p.is_zero() {
                    return Err(field(path(), format!("{p} is negative")));
                }
                if p > rust_decimal::Decimal::from(MAX_STATED_POINTS) {
                    return Err(field(
                        path(),
                        format!("{p} is above the largest stated points, {MAX_STATED_POINTS}"),
                    ));
                }
                if p.normalize().scale() > 2 {
                    return Err(field(
                        path(),
                        format!("{p} has more than two decimal places"),
                    ));
                }
            }
        }
        for (i, h) in self.history.iter().enumerate() {
            count(&|| format!("history[{i}].count"), h.count)?;
            if h.date.0 > self.date.0 {
                return Err(field(
                    format!("history[{i}].date"),
                    format!("{} is after the date of service {}", h.date.0, self.date.0),
                ));
            }
        }
        if self.patient.birth_date.0.year() < MIN_BIRTH_YEAR {
            return Err(field(
                "patient.birth_date".into(),
                format!(
                    "{} is before {MIN_BIRTH_YEAR}-01-01, the earliest birth date santei accepts",
                    self.patient.birth_date.0
                ),
            ));
        }
        if self.patient.birth_date.0 > self.date.0 {
            return Err(field(
                "patient.birth_date".into(),
                format!(
                    "{} is after the date of service {}",
                    self.patient.birth_date.0, self.date.0
                ),
            ));
        }
        for (i, s) in self.facility.standards.iter().enumerate() {
            if let (Some(f), Some(t)) = (s.from, s.to) {
                if t < f {
                    return Err(field(
                        format!("facility.standards[{i}].to"),
                        format!("{} is before from {}", t.0, f.0),
                    ));
                }
            }
        }
        if let Some(m) = &self.month_to_date {
            if let Err(e) = m.check("month_to_date") {
                return Err(match e {
                    crate::copay::CopayError::Invalid {
                        field: path,
                        message,
                    } => FieldError { path, message },
                    other => field("month_to_date".into(), other.to_string()),
                });
            }
        }
        if self.copay_month.is_some() {
            if self.patient.insurance.is_none() {
                return Err(field(
                    "copay_month".into(),
                    "the month form of the co-payment needs patient.insurance".into(),
                ));
            }
            if self.month_to_date.is_some() {
                return Err(field(
                    "month_to_date".into(),
                    "give the month either as month_to_date or as copay_month, not both".into(),
                ));
            }
        }
        if let Some(Err(e)) = self.patient.copay_patient() {
            return Err(match e {
                crate::copay::CopayError::Invalid {
                    field: path,
                    message,
                } => FieldError { path, message },
                other => field("patient".into(), other.to_string()),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{"date": "2025-04-10", "kind": "ika", "setting": "outpatient",
 "patient": {"birth_date": "1990-05-01", "mynumber_card": true},
 "facility": {"kind": "clinic",
              "standards": [{"code": "4035", "tier": 1, "from": "2025-04-01"}],
              "e_prescription_since": "2025-01-15"},
 "items": [{"code": "111000110", "count": 1}],
 "history": [{"date": "2025-03-10", "code": "111703870", "count": 1}]}"#;

    fn parse(text: &str) -> Result<Claim, String> {
        let c: Claim = serde_json::from_str(text).map_err(|e| e.to_string())?;
        c.validate().map_err(|e| e.to_string())?;
        Ok(c)
    }

    #[test]
    fn the_issue_example_parses() {
        let c = parse(EXAMPLE).unwrap();
        assert_eq!(c.items[0].code, Some(masters::Code(111000110)));
        assert_eq!(c.facility.standards[0].tier, Some(1));
    }

    #[test]
    fn errors_name_the_field() {
        // (the input's text, what replaces it, the error); the paths of the later checks are
        // formatted only when a check fails.
        let cases = [
            (
                r#"{"code": "111000110", "count": 1}"#,
                r#"{"code": "111000110", "count": -1}"#,
                "items[0].count: -1 is not a count (1 or more)",
            ),
            (
                r#""code": "111703870", "count": 1}"#,
                r#""code": "111703870", "count": 0}"#,
                "history[0].count: 0 is not a count (1 or more)",
            ),
            (
                r#"{"code": "111000110", "count": 1}"#,
                r#"{"code": "111000110", "count": 1}, {"code": "111000110", "points": -1}"#,
                "items[1].points: -1 is negative",
            ),
        ];
        for (from, to, error) in cases {
            assert_eq!(
                parse(&EXAMPLE.replace(from, to)).unwrap_err(),
                error,
                "{to}"
            );
        }
        let bad = EXAMPLE.replace("2025-04-10", "2025-02-30");
        assert!(parse(&bad)
            .unwrap_err()
            .contains("\"2025-02-30\" is not a valid date"));
        // The co-payment facts are checked with the claim, before any computation.
        let bad = EXAMPLE.replace(
            r#""mynumber_card": true}"#,
            r#""mynumber_card": true, "insurance": "kokuho"}"#,
        );
        assert_eq!(parse(&bad).unwrap_err(), "patient.income_category: missing");
    }
}

/// The 剤 shape checks (`crate::group`) through the claim's reader.
#[cfg(test)]
#[path = "claim_group_tests.rs"]
mod group_tests;
