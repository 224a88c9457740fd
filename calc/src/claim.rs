//! The claim: one visit's input (serde; JSON or TOML), validated with errors that name the
//! field path and the value.
//!
//! Invariant: a [`Claim`] that parsed has valid dates, counts of at least 1 and 9-digit codes;
//! everything else (codes unknown to the schedule, rules broken) is the engine's to report.

use chrono::NaiveDate;
use rules::addons::ClaimKind;
use serde::{Deserialize, Serialize};

/// What went wrong reading a claim.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("{file}: malformed {format}: {message}")]
    Syntax {
        file: String,
        format: &'static str,
        message: String,
    },
    #[error("{file}: {path}: {message}")]
    Field {
        file: String,
        path: String,
        message: String,
    },
}

/// Parse a YYYY-MM-DD date strictly.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    if !ok {
        return Err(format!("{s:?} is not a date (YYYY-MM-DD)"));
    }
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
        return NaiveDate::from_ymd_opt(y as i32, m, d)
            .ok_or_else(|| format!("{s:?} is not a valid date"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a valid date"))
}

/// A date field that names itself when it is malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Date;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
                parse_date(s).map(Date).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m-%d"))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::schema::DateString::json_schema(g)
    }
}

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
    pub insurance: Option<serde_json::Value>,
    /// 所得区分.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::copay::input::IncomeCategoryInput>")
    )]
    pub income_category: Option<serde_json::Value>,
    /// 限度額適用認定証 (or マイナ保険証 consent) presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub limit_certificate: Option<serde_json::Value>,
    /// Earlier months in the last 12 that reached the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<crate::schema::Amount>"))]
    pub high_cost_count: Option<serde_json::Value>,
    /// 特定疾病 (マル長).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::copay::input::SpecificDiseaseInput>")
    )]
    pub specific_disease: Option<serde_json::Value>,
    /// 低所得 long stay (meals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub meal_long_stay: Option<serde_json::Value>,
    /// 後期高齢者医療 by 障害認定 (no 75歳到達月 halving).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    pub kouki_by_disability: Option<serde_json::Value>,
}

impl Patient {
    /// The co-payment facts given, by field name (for `calc::copay::Patient::from_fields`).
    pub fn copay_fields(&self) -> [(&'static str, Option<&serde_json::Value>); 7] {
        [
            ("insurance", self.insurance.as_ref()),
            ("income_category", self.income_category.as_ref()),
            ("limit_certificate", self.limit_certificate.as_ref()),
            ("high_cost_count", self.high_cost_count.as_ref()),
            ("specific_disease", self.specific_disease.as_ref()),
            ("meal_long_stay", self.meal_long_stay.as_ref()),
            ("kouki_by_disability", self.kouki_by_disability.as_ref()),
        ]
    }
}

/// hospital | clinic | dental | pharmacy
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FacilityKind {
    Hospital,
    Clinic,
    Dental,
    Pharmacy,
}

impl FacilityKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            FacilityKind::Hospital => "hospital",
            FacilityKind::Clinic => "clinic",
            FacilityKind::Dental => "dental",
            FacilityKind::Pharmacy => "pharmacy",
        }
    }
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
    pub profile: Option<serde_json::Value>,
}

/// One claim line as given.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Item {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::CodeString"))]
    pub code: masters::Code,
    #[serde(default = "one")]
    pub count: i64,
    /// Points stated by the caller, accepted only for 歯科/調剤 codes santei has no record of.
    #[serde(default, with = "rust_decimal::serde::arbitrary_precision_option")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::DecimalNumber>")
    )]
    pub points: Option<rust_decimal::Decimal>,
    #[serde(default)]
    pub name: Option<String>,
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
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::CodeString"))]
    pub code: masters::Code,
    #[serde(default = "one")]
    pub count: i64,
}

/// Month-to-date totals at this facility for the co-payment block.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MonthToDate {
    pub medical_cost: i64,
    pub patient_share: i64,
}

/// One visit's claim.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub date: Date,
    #[serde(default = "ika")]
    pub kind: ClaimKind,
    #[serde(default)]
    pub setting: Setting,
    pub patient: Patient,
    pub facility: Facility,
    #[serde(default)]
    pub items: Vec<Item>,
    #[serde(default)]
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
    pub public_expense: Vec<serde_json::Value>,
    /// What this facility already charged this month (co-payment block).
    #[serde(default)]
    pub month_to_date: Option<MonthToDate>,
}

fn ika() -> ClaimKind {
    ClaimKind::Ika
}

impl Claim {
    /// Parse a claim: TOML when `name` ends in `.toml`, JSON otherwise.
    pub fn parse(name: &str, text: &str) -> Result<Claim, ClaimError> {
        let claim: Claim = if name.ends_with(".toml") {
            Claim::parse_toml(name, text)?
        } else if let Ok(c) = serde_json::from_str::<Claim>(text) {
            // The usual case, without tracking paths; a claim that fails is read again
            // below to name the field.
            c
        } else {
            let mut de = serde_json::Deserializer::from_str(text);
            let c = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                use serde_json::error::Category;
                if matches!(e.inner().classify(), Category::Syntax | Category::Eof) {
                    ClaimError::Syntax {
                        file: name.into(),
                        format: "JSON",
                        message: e.into_inner().to_string(),
                    }
                } else {
                    path_error(name, "JSON", e)
                }
            })?;
            de.end().map_err(|e| ClaimError::Syntax {
                file: name.into(),
                format: "JSON",
                message: e.to_string(),
            })?;
            c
        };
        claim.validate(name)?;
        Ok(claim)
    }

    #[cfg(feature = "toml")]
    fn parse_toml(name: &str, text: &str) -> Result<Claim, ClaimError> {
        let de = toml::Deserializer::new(text);
        serde_path_to_error::deserialize(de).map_err(|e| path_error(name, "TOML", e))
    }

    #[cfg(not(feature = "toml"))]
    fn parse_toml(name: &str, _text: &str) -> Result<Claim, ClaimError> {
        Err(ClaimError::Syntax {
            file: name.into(),
            format: "TOML",
            message: "not read by this build (feature `toml`); give the claim as JSON".into(),
        })
    }

    fn validate(&self, file: &str) -> Result<(), ClaimError> {
        let field = |path: String, message: String| ClaimError::Field {
            file: file.into(),
            path,
            message,
        };
        for (i, it) in self.items.iter().enumerate() {
            if it.count < 1 {
                return Err(field(
                    format!("items[{i}].count"),
                    format!("{} is not a count (1 or more)", it.count),
                ));
            }
        }
        for (i, h) in self.history.iter().enumerate() {
            if h.count < 1 {
                return Err(field(
                    format!("history[{i}].count"),
                    format!("{} is not a count (1 or more)", h.count),
                ));
            }
            if h.date.0 > self.date.0 {
                return Err(field(
                    format!("history[{i}].date"),
                    format!("{} is after the date of service {}", h.date.0, self.date.0),
                ));
            }
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
        Ok(())
    }
}

fn path_error<E: std::fmt::Display>(
    file: &str,
    format: &'static str,
    e: serde_path_to_error::Error<E>,
) -> ClaimError {
    let path = e.path().to_string();
    let inner = e.into_inner().to_string();
    if path == "." || path == "?" || path.is_empty() {
        ClaimError::Syntax {
            file: file.into(),
            format,
            message: inner,
        }
    } else {
        ClaimError::Field {
            file: file.into(),
            path,
            message: inner,
        }
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

    #[test]
    fn the_issue_example_parses() {
        let c = Claim::parse("claim.json", EXAMPLE).unwrap();
        assert_eq!(c.items[0].code, masters::Code(111000110));
        assert_eq!(c.facility.standards[0].tier, Some(1));
    }

    #[test]
    fn errors_name_the_field() {
        let e = Claim::parse(
            "c.json",
            &EXAMPLE
                .replace("\"count\": 1}]", "\"count\": -2}]")
                .replacen("\"count\": -2", "\"count\": 1", 0),
        )
        .map(|_| ())
        .err();
        let _ = e;
        let bad = EXAMPLE.replace(
            r#"{"code": "111000110", "count": 1}"#,
            r#"{"code": "111000110", "count": -1}"#,
        );
        let e = Claim::parse("c.json", &bad).unwrap_err().to_string();
        assert_eq!(e, "c.json: items[0].count: -1 is not a count (1 or more)");
        let bad = EXAMPLE.replace("2025-04-10", "2025-02-30");
        let e = Claim::parse("c.json", &bad).unwrap_err().to_string();
        assert!(
            e.contains("c.json: date: \"2025-02-30\" is not a valid date"),
            "{e}"
        );
        let e = Claim::parse("c.json", "{\"date\": ")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.json: malformed JSON"), "{e}");
        let bad = EXAMPLE.replace("\"ika\"", "\"ikka\"");
        let e = Claim::parse("c.json", &bad).unwrap_err().to_string();
        assert!(e.contains("kind: unknown variant `ikka`"), "{e}");
    }
}
