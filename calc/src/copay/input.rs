//! Input of one receipt (one patient, one facility, one month, 入院 or 外来) and of one visit,
//! read from JSON or TOML with errors that name the field and the value.
//!
//! Invariants: every amount is a non-negative whole number of yen below [`MAX_AMOUNT`]; rates
//! are whole percent (a decimal fraction such as 0.3 is read through its decimal text, never as
//! a float in arithmetic); unknown fields are errors (a misspelt `monthy_cap` must not be
//! silently ignored).

use super::CopayError;
use chrono::{Datelike, NaiveDate};
use rules::copay::{rate_to_percent, IncomeCategory};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::str::FromStr;

/// Largest amount (円 or 点) accepted; keeps every product far inside `i64`.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// 入院 or 外来.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// 入院.
    Inpatient,
    /// 外来.
    Outpatient,
}

impl Setting {
    /// The Japanese term.
    pub fn label(self) -> &'static str {
        match self {
            Self::Inpatient => "入院",
            Self::Outpatient => "外来",
        }
    }
}

/// Insurance kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceKind {
    /// 被用者保険 (健保・共済・船員).
    Kenpo,
    /// 国民健康保険.
    Kokuho,
    /// 後期高齢者医療.
    Kouki,
}

/// 特定疾病 (マル長) status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SpecificDisease {
    /// No 特定疾病療養受療証.
    #[default]
    None,
    /// `true` without the disease: enough except for dialysis-or-not under 70 in ア/イ.
    Unspecified,
    /// 人工透析 (慢性腎不全).
    Dialysis,
    /// 血友病.
    Hemophilia,
    /// 血液製剤由来 HIV.
    Hiv,
}

/// The patient (one insurer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// 生年月日.
    pub birth_date: NaiveDate,
    /// 保険種別.
    pub insurance: InsuranceKind,
    /// 所得区分.
    pub income_category: IncomeCategory,
    /// 限度額適用認定証 (or マイナ保険証 with consent) presented.
    pub limit_certificate: bool,
    /// Earlier months in the last 12 that reached the limit (3 or more ⇒ 多数回).
    pub high_cost_count: u32,
    /// 特定疾病 (マル長).
    pub specific_disease: SpecificDisease,
    /// 低所得 inpatient stay over 90 days in 12 months (meal 標準負担額 長期該当).
    pub meal_long_stay: bool,
    /// 後期高齢者医療 by 障害認定 (from 65): the patient does not change insurers at 75, so the
    /// 75歳到達月 halving of the limits does not apply.
    pub kouki_by_disability: bool,
}

/// One public programme on the claim, as on the 受給者証.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicExpenseClaim {
    /// 法別番号 ("54").
    pub law: String,
    /// 月額上限 (from the 受給者証); overrides the programme's default.
    pub monthly_cap: Option<i64>,
    /// Already paid towards the cap this month (上限額管理票).
    pub already_paid: i64,
    /// Patient share override in percent (income-based 自己負担 on the 受給者証).
    pub rate_percent: Option<u32>,
}

/// Month-to-date totals at this facility in this setting, before the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MonthToDate {
    /// 医療費 already incurred this month.
    pub medical_cost: i64,
    /// The insurance-level patient share (一部負担金) already charged this month, before any
    /// public programme took part of it.
    pub patient_share: i64,
}

/// One receipt: one patient, one facility, one month, 入院 or 外来.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// First day of the receipt month (`"2025-05"` in JSON).
    pub month: NaiveDate,
    /// Date of service deciding rate and age (default: the month's first day; for a 後期
    /// receipt in the 75th-birthday month, the birthday).
    pub date: Option<NaiveDate>,
    pub setting: Setting,
    pub patient: Patient,
    pub public_expense: Vec<PublicExpenseClaim>,
    /// 合計点数.
    pub points: i64,
    /// Number of meals (入院時食事療養).
    pub meals: i64,
    /// Rate override in percent.
    pub rate_percent: Option<u32>,
    /// Visits in the month (needed only by per-visit public caps).
    pub visits: Option<u32>,
}

/// One visit inside a month (for `santei calc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub patient: Patient,
    /// Date of service.
    pub date: NaiveDate,
    pub setting: Setting,
    /// The visit's points.
    pub points: i64,
    pub public_expense: Vec<PublicExpenseClaim>,
    /// Meals on this visit (入院 only).
    pub meals: i64,
    /// Rate override in percent.
    pub rate_percent: Option<u32>,
    /// Month-to-date totals before this visit (`None` = first visit of the month).
    pub month_to_date: Option<MonthToDate>,
}

fn bad(field: &str, message: impl Into<String>) -> CopayError {
    CopayError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// TOML datetimes arrive as `{"$__toml_private_datetime": "…"}` after conversion.
fn as_text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(m) if m.len() == 1 => m.get("$__toml_private_datetime")?.as_str(),
        _ => None,
    }
}

/// Where an object's fields come from: a JSON object, or fields a caller already holds by
/// name (a claim's patient, whose other fields serde has read).
#[derive(Clone, Copy)]
enum Fields<'a> {
    Map(&'a Map<String, Value>),
    Named(&'a [(&'static str, Option<&'a Value>)]),
}

struct Obj<'a> {
    path: std::borrow::Cow<'a, str>,
    fields: Fields<'a>,
}

impl<'a> Obj<'a> {
    fn new(path: impl Into<std::borrow::Cow<'a, str>>, v: &'a Value) -> Result<Self, CopayError> {
        let path = path.into();
        match v {
            Value::Object(map) => Ok(Obj {
                path,
                fields: Fields::Map(map),
            }),
            other => Err(bad(
                &path,
                format!("expected an object, got {}", show(other)),
            )),
        }
    }

    fn field(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    fn only(&self, allowed: &[&str]) -> Result<(), CopayError> {
        let Fields::Map(map) = self.fields else {
            return Ok(());
        };
        for k in map.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(bad(
                    &self.field(k),
                    format!("unknown field (expected one of {})", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        match self.fields {
            Fields::Map(map) => map.get(name),
            Fields::Named(fields) => fields.iter().find(|(k, _)| *k == name).and_then(|f| f.1),
        }
        .filter(|v| !v.is_null())
    }

    fn req(&self, name: &str) -> Result<&'a Value, CopayError> {
        self.get(name)
            .ok_or_else(|| bad(&self.field(name), "missing"))
    }

    fn date(&self, name: &str) -> Result<NaiveDate, CopayError> {
        let v = self.req(name)?;
        parse_date(&self.field(name), v)
    }

    fn opt_date(&self, name: &str) -> Result<Option<NaiveDate>, CopayError> {
        self.get(name)
            .map(|v| parse_date(&self.field(name), v))
            .transpose()
    }

    fn amount(&self, name: &str) -> Result<i64, CopayError> {
        parse_amount(&self.field(name), self.req(name)?)
    }

    fn opt_amount(&self, name: &str) -> Result<Option<i64>, CopayError> {
        self.get(name)
            .map(|v| parse_amount(&self.field(name), v))
            .transpose()
    }

    fn opt_bool(&self, name: &str) -> Result<Option<bool>, CopayError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(o) => Err(bad(
                &self.field(name),
                format!("expected true or false, got {}", show(o)),
            )),
        }
    }

    fn opt_rate(&self, name: &str) -> Result<Option<u32>, CopayError> {
        self.get(name)
            .map(|v| parse_rate(&self.field(name), v))
            .transpose()
    }
}

fn parse_date(field: &str, v: &Value) -> Result<NaiveDate, CopayError> {
    let s = as_text(v).ok_or_else(|| {
        bad(
            field,
            format!("expected a date YYYY-MM-DD, got {}", show(v)),
        )
    })?;
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| bad(field, format!("\"{s}\" is not a date YYYY-MM-DD")))
}

fn parse_month(field: &str, v: &Value) -> Result<NaiveDate, CopayError> {
    let s = as_text(v)
        .ok_or_else(|| bad(field, format!("expected a month YYYY-MM, got {}", show(v))))?;
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .map_err(|_| bad(field, format!("\"{s}\" is not a month YYYY-MM")))
}

/// A non-negative whole number of yen (or points, meals, visits).
pub(crate) fn parse_amount(field: &str, v: &Value) -> Result<i64, CopayError> {
    let n = match v {
        Value::Number(n) => n,
        other => {
            return Err(bad(
                field,
                format!("expected a whole number, got {}", show(other)),
            ))
        }
    };
    let i = match n.as_i64() {
        Some(i) => i,
        None => {
            // 10000.0 is accepted as 10000; 10000.5 is not. Read through the decimal text.
            let d = Decimal::from_str(&n.to_string())
                .map_err(|_| bad(field, format!("expected a whole number, got {n}")))?;
            if d.fract() != Decimal::ZERO {
                return Err(bad(field, format!("expected a whole number, got {n}")));
            }
            rust_decimal::prelude::ToPrimitive::to_i64(&d)
                .ok_or_else(|| bad(field, format!("{n} is out of range")))?
        }
    };
    if i < 0 {
        return Err(bad(field, format!("{i} is negative")));
    }
    if i > MAX_AMOUNT {
        return Err(bad(field, format!("{i} is above {MAX_AMOUNT}")));
    }
    Ok(i)
}

/// A rate: a decimal fraction (0.3, "0.3"), "3割" or "30%"; whole percent only.
pub(crate) fn parse_rate(field: &str, v: &Value) -> Result<u32, CopayError> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        other => {
            return Err(bad(
                field,
                format!("expected a rate such as 0.3, got {}", show(other)),
            ))
        }
    };
    let err = || {
        bad(
            field,
            format!(
                "\"{text}\" is not a rate between 0 and 1 in whole percent (0.3, \"3割\", \"30%\")"
            ),
        )
    };
    let d = if let Some(w) = text.strip_suffix('割') {
        Decimal::from_str(w.trim()).map_err(|_| err())? / Decimal::TEN
    } else if let Some(p) = text.strip_suffix('%') {
        Decimal::from_str(p.trim()).map_err(|_| err())? / Decimal::ONE_HUNDRED
    } else {
        Decimal::from_str(&text).map_err(|_| err())?
    };
    rate_to_percent(d).ok_or_else(err)
}

fn parse_law(field: &str, v: &Value) -> Result<String, CopayError> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) if n.as_u64().is_some() => n.to_string(),
        other => {
            return Err(bad(
                field,
                format!("expected a 法別番号 such as \"54\", got {}", show(other)),
            ))
        }
    };
    let s = if s.len() == 1 { format!("0{s}") } else { s };
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(
            field,
            format!("\"{s}\" is not a 法別番号 (two digits)"),
        ));
    }
    Ok(s)
}

impl Patient {
    /// Reads a patient object; `path` names it in errors.
    pub fn from_value(path: &str, v: &Value) -> Result<Patient, CopayError> {
        let o = Obj::new(path, v)?;
        o.only(&[
            "birth_date",
            "insurance",
            "income_category",
            "limit_certificate",
            "high_cost_count",
            "specific_disease",
            "meal_long_stay",
            "kouki_by_disability",
        ])?;
        let birth_date = o.date("birth_date")?;
        Patient::from_obj(&o, birth_date)
    }

    /// Reads the co-payment facts a caller holds by name (e.g. a claim's patient, whose
    /// birth date is already read); `path` names the object in errors.
    pub fn from_fields(
        path: &str,
        birth_date: NaiveDate,
        fields: &[(&'static str, Option<&Value>)],
    ) -> Result<Patient, CopayError> {
        let o = Obj {
            path: path.into(),
            fields: Fields::Named(fields),
        };
        Patient::from_obj(&o, birth_date)
    }

    fn from_obj(o: &Obj<'_>, birth_date: NaiveDate) -> Result<Patient, CopayError> {
        let ins_field = || o.field("insurance");
        let insurance = match o.req("insurance")? {
            Value::String(s) => match s.trim() {
                "kenpo" => InsuranceKind::Kenpo,
                "kokuho" => InsuranceKind::Kokuho,
                "kouki" => InsuranceKind::Kouki,
                other => {
                    return Err(bad(
                        &ins_field(),
                        format!("unknown value \"{other}\" (expected one of kenpo, kokuho, kouki)"),
                    ))
                }
            },
            other => {
                return Err(bad(
                    &ins_field(),
                    format!("expected kenpo, kokuho or kouki, got {}", show(other)),
                ))
            }
        };
        let cat_field = || o.field("income_category");
        let income_category = match o.req("income_category")? {
            Value::String(s) => IncomeCategory::parse(s).ok_or_else(|| {
                bad(
                    &cat_field(),
                    format!(
                        "unknown value \"{s}\" (expected one of {})",
                        IncomeCategory::expected_list()
                    ),
                )
            })?,
            other => {
                return Err(bad(
                    &cat_field(),
                    format!("expected an income category, got {}", show(other)),
                ))
            }
        };
        let count = o.opt_amount("high_cost_count")?.unwrap_or(0);
        let high_cost_count = u32::try_from(count.min(i64::from(u32::MAX))).unwrap_or(u32::MAX);
        let sd_field = || o.field("specific_disease");
        let specific_disease = match o.get("specific_disease") {
            None | Some(Value::Bool(false)) => SpecificDisease::None,
            Some(Value::Bool(true)) => SpecificDisease::Unspecified,
            Some(Value::String(s)) => match s.trim() {
                "dialysis" | "人工透析" => SpecificDisease::Dialysis,
                "hemophilia" | "血友病" => SpecificDisease::Hemophilia,
                "hiv" | "HIV" => SpecificDisease::Hiv,
                other => {
                    return Err(bad(
                        &sd_field(),
                        format!("unknown value \"{other}\" (expected true, false, dialysis, hemophilia or hiv)"),
                    ))
                }
            },
            Some(other) => {
                return Err(bad(
                    &sd_field(),
                    format!("expected true, false, dialysis, hemophilia or hiv, got {}", show(other)),
                ))
            }
        };
        let kouki_by_disability = o.opt_bool("kouki_by_disability")?.unwrap_or(false);
        if kouki_by_disability && insurance != InsuranceKind::Kouki {
            return Err(bad(
                &o.field("kouki_by_disability"),
                "true needs insurance kouki (後期高齢者医療 by 障害認定)".to_string(),
            ));
        }
        Ok(Patient {
            birth_date,
            insurance,
            income_category,
            limit_certificate: o.opt_bool("limit_certificate")?.unwrap_or(false),
            high_cost_count,
            specific_disease,
            meal_long_stay: o.opt_bool("meal_long_stay")?.unwrap_or(false),
            kouki_by_disability,
        })
    }
}

/// Reads the `public_expense` array.
pub fn public_expense_from_value(
    path: &str,
    v: Option<&Value>,
) -> Result<Vec<PublicExpenseClaim>, CopayError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => public_expense_from_slice(path, a),
        Some(other) => Err(bad(path, format!("expected an array, got {}", show(other)))),
    }
}

/// Reads the entries of a `public_expense` array.
pub fn public_expense_from_slice(
    path: &str,
    arr: &[Value],
) -> Result<Vec<PublicExpenseClaim>, CopayError> {
    let mut out = Vec::with_capacity(arr.len());
    for (i, item) in arr.iter().enumerate() {
        let o = Obj::new(format!("{path}[{i}]"), item)?;
        o.only(&["law", "monthly_cap", "already_paid", "rate"])?;
        let law = parse_law(&o.field("law"), o.req("law")?)?;
        out.push(PublicExpenseClaim {
            law,
            monthly_cap: o.opt_amount("monthly_cap")?,
            already_paid: o.opt_amount("already_paid")?.unwrap_or(0),
            rate_percent: o.opt_rate("rate")?,
        });
    }
    Ok(out)
}

impl Receipt {
    /// Reads a receipt from a JSON value.
    pub fn from_value(v: &Value) -> Result<Receipt, CopayError> {
        let o = Obj::new("", v)?;
        o.only(&[
            "month",
            "date",
            "setting",
            "patient",
            "public_expense",
            "points",
            "meals",
            "rate",
            "visits",
        ])?;
        let month = parse_month("month", o.req("month")?)?;
        let date = o.opt_date("date")?;
        if let Some(d) = date {
            if (d.year(), d.month()) != (month.year(), month.month()) {
                return Err(bad(
                    "date",
                    format!("{d} is not in the receipt month {}", month.format("%Y-%m")),
                ));
            }
        }
        let setting = match o.req("setting")? {
            Value::String(s) => match s.trim() {
                "inpatient" | "入院" => Setting::Inpatient,
                "outpatient" | "外来" => Setting::Outpatient,
                other => {
                    return Err(bad(
                        "setting",
                        format!("unknown value \"{other}\" (expected inpatient or outpatient)"),
                    ))
                }
            },
            other => {
                return Err(bad(
                    "setting",
                    format!("expected inpatient or outpatient, got {}", show(other)),
                ))
            }
        };
        let patient = Patient::from_value("patient", o.req("patient")?)?;
        let public_expense = public_expense_from_value("public_expense", o.get("public_expense"))?;
        let visits = o
            .opt_amount("visits")?
            .map(|n| u32::try_from(n).map_err(|_| bad("visits", format!("{n} is too large"))))
            .transpose()?;
        Ok(Receipt {
            month,
            date,
            setting,
            patient,
            public_expense,
            points: o.amount("points")?,
            meals: o.opt_amount("meals")?.unwrap_or(0),
            rate_percent: o.opt_rate("rate")?,
            visits,
        })
    }

    /// Reads a receipt from JSON text.
    pub fn from_json(text: &str) -> Result<Receipt, CopayError> {
        let v: Value =
            serde_json::from_str(text).map_err(|e| CopayError::Syntax(format!("JSON: {e}")))?;
        Receipt::from_value(&v)
    }

    /// Reads a receipt from TOML text (same field names).
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Receipt, CopayError> {
        let t: toml::Value =
            toml::from_str(text).map_err(|e| CopayError::Syntax(format!("TOML: {e}")))?;
        let v = serde_json::to_value(t).map_err(|e| CopayError::Syntax(format!("TOML: {e}")))?;
        Receipt::from_value(&v)
    }

    /// TOML is not read by this build.
    #[cfg(not(feature = "toml"))]
    pub fn from_toml(_text: &str) -> Result<Receipt, CopayError> {
        Err(CopayError::Syntax(
            "TOML: not read by this build (feature `toml`); give the receipt as JSON".into(),
        ))
    }
}

impl<'de> Deserialize<'de> for Receipt {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Receipt::from_value(&v).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Patient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Patient::from_value("patient", &v).map_err(serde::de::Error::custom)
    }
}

// ───────────── JSON Schemas of the hand-read inputs (feature `schema`) ─────────────
// The readers above are hand-written (exact decimals, field-naming errors), so their schemas are
// too: these types only describe what `Receipt::from_value`, `Patient::from_value` and
// `public_expense_from_value` accept. Keep them in step with the readers; the tests validate
// every golden input against them. `null` is read as absent for every optional field.

#[cfg(feature = "schema")]
pub use schema::{
    IncomeCategoryInput, InsuranceInput, PatientFacts, PatientInput, PublicExpenseInput,
    ReceiptInput, SpecificDiseaseInput,
};

#[cfg(feature = "schema")]
#[allow(dead_code)]
mod schema {
    use crate::schema::{Amount, DateString, MonthString, Rate};
    use schemars::JsonSchema;

    /// The receipt (レセプト) `santei copay` reads: one patient, one facility, one month.
    #[derive(JsonSchema)]
    #[schemars(rename = "Receipt")]
    #[serde(deny_unknown_fields)]
    pub struct ReceiptInput {
        /// The receipt month (診療年月), YYYY-MM.
        month: MonthString,
        /// Date of service deciding rate and age (default: the month's first day; for a 後期
        /// receipt in the 75th-birthday month, the birthday). Must be in `month`.
        #[serde(default)]
        date: Option<DateString>,
        /// 入院 (`inpatient`) or 外来 (`outpatient`).
        setting: SettingInput,
        patient: PatientInput,
        /// 公費 on the receipt, as on the 受給者証.
        #[serde(default)]
        public_expense: Option<Vec<PublicExpenseInput>>,
        /// 合計点数.
        points: Amount,
        /// Number of meals (入院時食事療養).
        #[serde(default)]
        meals: Option<Amount>,
        /// 負担割合 override.
        #[serde(default)]
        rate: Option<Rate>,
        /// Visits in the month (needed only by per-visit public caps).
        #[serde(default)]
        visits: Option<Amount>,
    }

    /// 入院 or 外来.
    #[derive(JsonSchema)]
    #[schemars(rename = "ReceiptSetting")]
    enum SettingInput {
        #[serde(rename = "outpatient")]
        Outpatient,
        #[serde(rename = "inpatient")]
        Inpatient,
        #[serde(rename = "外来")]
        Gairai,
        #[serde(rename = "入院")]
        Nyuin,
    }

    /// The patient (one insurer) for the co-payment.
    #[derive(JsonSchema)]
    #[schemars(rename = "CopayPatient")]
    #[serde(deny_unknown_fields)]
    pub struct PatientInput {
        /// 生年月日.
        birth_date: DateString,
        /// 保険種別.
        insurance: InsuranceInput,
        /// 所得区分.
        income_category: IncomeCategoryInput,
        /// 限度額適用認定証 (or マイナ保険証 with consent) presented.
        #[serde(default)]
        limit_certificate: Option<bool>,
        /// Earlier months in the last 12 that reached the limit (3 or more ⇒ 多数回).
        #[serde(default)]
        high_cost_count: Option<Amount>,
        /// 特定疾病 (マル長).
        #[serde(default)]
        specific_disease: Option<SpecificDiseaseInput>,
        /// 低所得 inpatient stay over 90 days in 12 months (meal 標準負担額 長期該当).
        #[serde(default)]
        meal_long_stay: Option<bool>,
        /// 後期高齢者医療 by 障害認定 (from 65): no 75歳到達月 halving (insurance kouki only).
        #[serde(default)]
        kouki_by_disability: Option<bool>,
    }

    /// The co-payment facts a claim's `patient` may carry beside `birth_date` and
    /// `mynumber_card` (given `insurance`, the visit's co-payment is computed and
    /// `income_category` is required).
    #[derive(JsonSchema)]
    #[schemars(extend("dependentRequired" = {"insurance": ["income_category"]}))]
    #[serde(deny_unknown_fields)]
    pub struct PatientFacts {
        /// 保険種別.
        #[serde(default)]
        insurance: Option<InsuranceInput>,
        /// 所得区分.
        #[serde(default)]
        income_category: Option<IncomeCategoryInput>,
        /// 限度額適用認定証 (or マイナ保険証 with consent) presented.
        #[serde(default)]
        limit_certificate: Option<bool>,
        /// Earlier months in the last 12 that reached the limit (3 or more ⇒ 多数回).
        #[serde(default)]
        high_cost_count: Option<Amount>,
        /// 特定疾病 (マル長).
        #[serde(default)]
        specific_disease: Option<SpecificDiseaseInput>,
        /// 低所得 inpatient stay over 90 days in 12 months.
        #[serde(default)]
        meal_long_stay: Option<bool>,
        /// 後期高齢者医療 by 障害認定 (from 65): no 75歳到達月 halving (insurance kouki only).
        #[serde(default)]
        kouki_by_disability: Option<bool>,
    }

    /// 被用者保険 (`kenpo`), 国民健康保険 (`kokuho`), 後期高齢者医療 (`kouki`).
    #[derive(JsonSchema)]
    #[schemars(rename = "Insurance")]
    #[serde(rename_all = "snake_case")]
    pub enum InsuranceInput {
        Kenpo,
        Kokuho,
        Kouki,
    }

    /// 所得区分 (ア … オ under 70; 現役並みⅠ–Ⅲ, 一般, 一般Ⅰ/Ⅱ, 低所得Ⅰ/Ⅱ from 70; Roman numerals
    /// may be written I, II, III).
    pub struct IncomeCategoryInput;

    impl JsonSchema for IncomeCategoryInput {
        fn schema_name() -> std::borrow::Cow<'static, str> {
            "IncomeCategory".into()
        }
        fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
            let mut values: Vec<String> = Vec::new();
            for c in rules::copay::IncomeCategory::ALL {
                let l = c.label().to_string();
                for (roman, ascii) in [('Ⅲ', "III"), ('Ⅱ', "II"), ('Ⅰ', "I")] {
                    if let Some(stem) = l.strip_suffix(roman) {
                        values.push(format!("{stem}{ascii}"));
                    }
                }
                values.push(l);
            }
            values.sort();
            values.dedup();
            schemars::json_schema!({
                "description": "所得区分 (ア–オ under 70; 現役並みⅠ–Ⅲ, 一般, 一般Ⅰ/Ⅱ, 低所得Ⅰ/Ⅱ from 70; Ⅰ/Ⅱ/Ⅲ may be written I/II/III).",
                "type": "string",
                "enum": values
            })
        }
    }

    /// 特定疾病 (マル長): `false` none, `true` without naming the disease, or the disease.
    pub struct SpecificDiseaseInput;

    impl JsonSchema for SpecificDiseaseInput {
        fn schema_name() -> std::borrow::Cow<'static, str> {
            "SpecificDisease".into()
        }
        fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
            schemars::json_schema!({
                "description": "特定疾病 (マル長): false (none), true (not named), or dialysis (人工透析), hemophilia (血友病), hiv (HIV).",
                "anyOf": [
                    {"type": "boolean"},
                    {"type": "string", "enum": ["dialysis", "人工透析", "hemophilia", "血友病", "hiv", "HIV"]}
                ]
            })
        }
    }

    /// One public programme (公費) on the claim, as on the 受給者証.
    #[derive(JsonSchema)]
    #[schemars(rename = "PublicExpense")]
    #[serde(deny_unknown_fields)]
    pub struct PublicExpenseInput {
        /// 法別番号 ("54"; a number or a one-digit string is read as two digits).
        law: LawInput,
        /// 月額上限 from the 受給者証; overrides the programme's default.
        #[serde(default)]
        monthly_cap: Option<Amount>,
        /// Already paid towards the cap this month (上限額管理票).
        #[serde(default)]
        already_paid: Option<Amount>,
        /// Patient share override (income-based 自己負担 on the 受給者証).
        #[serde(default)]
        rate: Option<Rate>,
    }

    /// 法別番号: two digits ("54"), or a whole number.
    struct LawInput;

    impl JsonSchema for LawInput {
        fn schema_name() -> std::borrow::Cow<'static, str> {
            "Law".into()
        }
        fn inline_schema() -> bool {
            true
        }
        fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
            schemars::json_schema!({
                "anyOf": [
                    {"type": "string", "pattern": "^\\s*[0-9]{1,2}\\s*$"},
                    {"type": "integer", "minimum": 0, "maximum": 99}
                ]
            })
        }
    }
}
