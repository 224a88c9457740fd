//! The month form as written: the reader types of `santei copay`'s month form and of a claim's
//! `copay_month` (the month form in the `copay` block of `santei calc`), each with its JSON
//! Schema (feature `schema`, published as `schemas/v1/copay-month.json`). They are checked and
//! turned into a [`super::Month`] by [`super::input`]; `null` is read as absent for every
//! optional field.

use crate::copay::input::{CopayFacts, Income, InsuranceKind, Setting, SpecificDisease};
use crate::values::{Amount, Date, Flag, Law, Month as MonthText, Rate, Scalar};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// The insurer of a period: an insurance kind, or none (自費 / 公費単独).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insurer {
    /// 医療保険 of this kind.
    Insured(InsuranceKind),
    /// No insurance: 自費, or a 公費 alone (e.g. 生活保護 単独).
    None,
}

impl Insurer {
    /// The name as written (`kenpo`, `kokuho`, `kouki`, `none`).
    pub fn name(self) -> &'static str {
        match self {
            Insurer::Insured(InsuranceKind::Kenpo) => "kenpo",
            Insurer::Insured(InsuranceKind::Kokuho) => "kokuho",
            Insurer::Insured(InsuranceKind::Kouki) => "kouki",
            Insurer::None => "none",
        }
    }

    /// The programmes' insurer scope (`insurance = [...]` of a local programme).
    pub fn scope(self) -> rules::copay::InsurerScope {
        match self {
            Insurer::Insured(kind) => crate::copay::public::insurer_scope(kind),
            Insurer::None => rules::copay::InsurerScope::None,
        }
    }
}

impl<'de> Deserialize<'de> for Insurer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Scalar::deserialize(d)? {
            Scalar::Str(s) if matches!(s.trim(), "none" | "自費") => Ok(Insurer::None),
            Scalar::Str(s) => InsuranceKind::deserialize(serde::de::value::StrDeserializer::<
                serde::de::value::Error,
            >::new(&s))
            .map(Insurer::Insured)
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "unknown value \"{}\" (expected one of kenpo, kokuho, kouki, none)",
                    s.trim()
                ))
            }),
            other => Err(serde::de::Error::custom(format!(
                "expected kenpo, kokuho, kouki or none, got {other}"
            ))),
        }
    }
}

/// The insurer of a period: `kenpo`, `kokuho`, `kouki`, or `none` (自費 / 公費単独).
#[cfg(feature = "schema")]
pub struct InsurerInput;

#[cfg(feature = "schema")]
impl schemars::JsonSchema for InsurerInput {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MonthInsurer".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "保険種別: kenpo (被用者保険), kokuho (国民健康保険), kouki (後期高齢者医療), or none (自費 / 公費単独; also written 自費).",
            "type": "string",
            "enum": ["kenpo", "kokuho", "kouki", "none", "自費"]
        })
    }
}

/// reduction (減額) | exemption (免除) | deferral (猶予).
#[cfg(feature = "schema")]
pub struct ReductionKindInput;

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ReductionKindInput {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ReductionKind".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "国保 一部負担金の減免 (国民健康保険法44条): reduction (減額, with rate), exemption (免除), deferral (徴収猶予).",
            "type": "string",
            "enum": ["reduction", "減額", "exemption", "免除", "deferral", "猶予"]
        })
    }
}

/// 国保 一部負担金の減免 (国民健康保険法44条).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Reduction"))]
#[serde(deny_unknown_fields)]
pub struct ReductionFields {
    /// reduction | exemption | deferral.
    #[cfg_attr(feature = "schema", schemars(with = "ReductionKindInput"))]
    pub(super) kind: String,
    /// The share taken off (減額 only), e.g. 0.5.
    #[serde(default)]
    pub(super) rate: Option<Rate>,
}

/// The insurer's fields of a period, written once for the patient (the month's first insurer)
/// and for an insurer change: `$pre` fields first, then 保険種別 … 特定疾病, then `$mid`, then
/// 後期 by 障害認定 and the 減免 (the order the readers' messages list them in).
macro_rules! with_insurer_fields {
    ($(#[$m:meta])* $name:ident { $($pre:tt)* } { $($mid:tt)* }) => {
        #[derive(Debug, Clone, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(deny_unknown_fields)]
        $(#[$m])*
        pub struct $name {
            $($pre)*
            /// 保険種別, or none.
            #[cfg_attr(feature = "schema", schemars(with = "InsurerInput"))]
            pub(super) insurance: Insurer,
            /// 所得区分 (required with an insurer).
            #[serde(default)]
            #[cfg_attr(
                feature = "schema",
                schemars(with = "Option<crate::copay::input::IncomeCategoryInput>")
            )]
            pub(super) income_category: Option<Income>,
            /// 限度額適用認定証 (or マイナ保険証 with consent) presented.
            #[serde(default)]
            pub(super) limit_certificate: Option<Flag>,
            /// Earlier months in the last 12 that reached the limit (3 or more ⇒ 多数回).
            #[serde(default)]
            #[cfg_attr(
                feature = "schema",
                schemars(with = "Option<crate::values::AmountSchema>")
            )]
            pub(super) high_cost_count: Option<Amount>,
            /// 特定疾病 (マル長).
            #[serde(default)]
            #[cfg_attr(
                feature = "schema",
                schemars(with = "Option<crate::copay::input::SpecificDiseaseInput>")
            )]
            pub(super) specific_disease: Option<SpecificDisease>,
            $($mid)*
            /// 後期高齢者医療 by 障害認定 (no 75歳到達月 halving).
            #[serde(default)]
            pub(super) kouki_by_disability: Option<Flag>,
            /// 国保 一部負担金の減免.
            #[serde(default)]
            pub(super) reduction: Option<ReductionFields>,
        }

        impl $name {
            /// The co-payment facts of these fields (the insurer itself is the period's).
            pub(super) fn facts(&self, meal_long_stay: Option<Flag>) -> CopayFacts {
                CopayFacts {
                    insurance: None,
                    income_category: self.income_category,
                    limit_certificate: self.limit_certificate,
                    high_cost_count: self.high_cost_count,
                    specific_disease: self.specific_disease,
                    meal_long_stay,
                    kouki_by_disability: self.kouki_by_disability,
                }
            }
        }
    };
}

with_insurer_fields! {
    /// The patient and the month's first insurer.
    #[cfg_attr(feature = "schema", schemars(rename = "MonthPatient"))]
    PatientFields {
        /// 生年月日.
        pub(super) birth_date: Date,
    } {
        /// 低所得 inpatient stay over 90 days in 12 months (meals).
        #[serde(default)]
        pub(super) meal_long_stay: Option<Flag>,
    }
}

with_insurer_fields! {
    /// An insurer change in mid-month: a new insurer (a new receipt, its own limit) from `from`.
    #[cfg_attr(feature = "schema", schemars(rename = "InsurerChange"))]
    ChangeFields {
        /// First day under the new insurer (after the month's 1st).
        pub(super) from: Date,
    } {}
}

/// One 受給者証 of the month.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "MonthPublicExpense"))]
#[serde(deny_unknown_fields)]
pub struct CertificateFields {
    /// 法別番号.
    pub(super) law: Law,
    /// 月額上限 from the 受給者証.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::AmountSchema>")
    )]
    pub(super) monthly_cap: Option<Amount>,
    /// Already paid towards the cap this month elsewhere (上限額管理票).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::AmountSchema>")
    )]
    pub(super) already_paid: Option<Amount>,
    /// Patient share override.
    #[serde(default)]
    pub(super) rate: Option<Rate>,
    /// Visits already charged under it this month at other facilities (count limits).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::AmountSchema>")
    )]
    pub(super) visits_elsewhere: Option<Amount>,
}

/// One visit of the month.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "MonthVisit"))]
#[serde(deny_unknown_fields)]
pub struct VisitFields {
    /// Date of service (in the month).
    pub(super) date: Date,
    /// The visit's points.
    #[cfg_attr(feature = "schema", schemars(with = "crate::values::AmountSchema"))]
    pub(super) points: Amount,
    /// The 公費 it was billed under (法別, each in `public_expense`).
    #[serde(default)]
    pub(super) public: Vec<Law>,
    /// 初診.
    #[serde(default)]
    pub(super) first_visit: Option<Flag>,
    /// Counts as a day (実日数; default true).
    #[serde(default)]
    pub(super) counts_as_day: Option<Flag>,
    /// Already paid at the window for this visit.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::AmountSchema>")
    )]
    pub(super) paid: Option<Amount>,
    /// Meals (入院).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::AmountSchema>")
    )]
    pub(super) meals: Option<Amount>,
}

/// The month form of `santei copay`: one patient, one facility, one month, visit by visit.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "CopayMonth"))]
#[serde(deny_unknown_fields)]
pub struct MonthFields {
    /// The month, YYYY-MM.
    pub(super) month: MonthText,
    /// 入院 or 外来 (default 外来).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::copay::input::SettingInput>")
    )]
    pub(super) setting: Option<Setting>,
    pub(super) patient: PatientFields,
    /// Insurer changes in mid-month, in date order.
    #[serde(default)]
    pub(super) insurer_change: Vec<ChangeFields>,
    /// The month's 受給者証.
    #[serde(default)]
    pub(super) public_expense: Vec<CertificateFields>,
    /// The visits (at least one).
    pub(super) visits: Vec<VisitFields>,
}

/// The month form in a claim (`copay_month` of `santei calc`): the claim is one visit of the
/// month; this gives the month's other visits at this facility and the visit's own month
/// facts. The patient, `public_expense` and setting are the claim's; the month is the claim
/// date's; the visit's points are the claim's total.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimMonth {
    /// The 公費 this visit is billed under (法別; default: every `public_expense` of the claim).
    #[serde(default)]
    pub(super) public: Option<Vec<Law>>,
    /// This visit is a 初診 (local programmes' first-visit switch; default false).
    #[serde(default)]
    pub(super) first_visit: Option<Flag>,
    /// This visit counts as a day (実日数; default true).
    #[serde(default)]
    pub(super) counts_as_day: Option<Flag>,
    /// Already paid at the window for this visit.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::AmountSchema>")
    )]
    pub(super) paid: Option<Amount>,
    /// The month's other visits at this facility (as the month form's `visits`).
    #[serde(default)]
    pub(super) visits: Vec<VisitFields>,
    /// Insurer changes in mid-month (the claim's `patient` is the month's first insurer).
    #[serde(default)]
    pub(super) insurer_change: Vec<ChangeFields>,
    /// 国保 一部負担金の減免 of the claim's insurer.
    #[serde(default)]
    pub(super) reduction: Option<ReductionFields>,
    /// Visits already charged at other facilities this month, per 法別 (count limits).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "BTreeMap<String, crate::values::AmountSchema>")
    )]
    pub(super) visits_elsewhere: BTreeMap<String, Amount>,
}
