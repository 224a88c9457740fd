//! 窓口負担金 visit by visit over a month: what staff collect at each visit, and the month's
//! settlement per 保険/公費 combination (what the receipt states for 保険 and each 公費).
//!
//! Job: for one patient, one facility, one month and setting, take the visits in date order
//! and compute each with the steps of [`super::run`], carrying the month so far:
//! 1. the insurer period of the visit (an insurer change in mid-month starts a new receipt,
//!    with its own limit); no insurer: 自費 (the patient pays 医療費) or 公費単独 (the first
//!    programme pays, less its patient share);
//! 2. the visit's combination (the 公費 it was billed under): the combination's own limit (the
//!    公費併用 limit, or the insurance limit for 保険単独) on the combination's cumulative
//!    医療費, then the month's insurance limit across every combination (the patient's own 区分,
//!    マル長 or the 配慮措置 on the month's cumulative 医療費) — so the month's 一部負担金 never
//!    exceeds the one limit of the receipt (健康保険法施行令41条; copayment.md §3.3, §6). Under
//!    70 (without マル長) the month's 合算 takes a part only from 21,000円 of 一部負担金 (41条1項1号)
//!    and a 公費 part with what the patient paid under it; below that a part is held to its own
//!    limit alone;
//! 3. the 公費 chain with each programme's monthly cap shared across the month's visits, per-
//!    visit caps per day and count limits with visits counted elsewhere;
//! 4. the 国保 一部負担金 減免 (国民健康保険法44条) on what is left to the patient;
//! 5. the settlement per combination: sums, the 高額療養費 paid in kind, local refunds above a
//!    threshold (償還, after the month).
//!
//! Invariants (property tests): per visit `window_payment + insurer + Σ public −
//! rounding_difference = 医療費 + meals` (the insurer's part deducts the unrounded 一部負担金相当額,
//! rules/data/copay/rounding.toml); per month the same with refunds moved from the patient to
//! the programme; more points
//! on one visit never lower the month's 一部負担金 within the domain calc/tests/copay_month.rs
//! states (the 21,000円 threshold of 41条1項1号 breaks it outside). A one-receipt input is a month with one
//! combination (`santei copay` reads both).

mod fields;
mod gassan;
mod in_kind;
mod input;
mod run;
mod settle;

pub use fields::{ClaimMonth, MonthFields};
pub use input::{Certificate, ClaimVisit, Insurer, Month, MonthVisit, Period, Reduction};
pub use run::compute_month;

use super::{CopayOutput, PublicPay};
use crate::text::Show;
use chrono::NaiveDate;
use serde::Serialize;

fn ymd<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

fn ym<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m"))
}

/// A 減免 applied to a visit or a combination.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReductionApplied {
    /// reduction | exemption | deferral.
    pub kind: &'static str,
    /// The amount taken off the window payment (paid by the insurer; for a deferral, owed to
    /// the insurer later).
    pub amount: i64,
}

/// One visit's result.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct VisitResult {
    #[serde(serialize_with = "ymd")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::values::DateSchema"))]
    pub date: NaiveDate,
    pub points: i64,
    /// The insurer (`kenpo`, `kokuho`, `kouki`, `none`).
    pub insurance: &'static str,
    /// The 公費 the visit was billed under.
    pub public: Vec<String>,
    /// 医療費 = points × 10.
    pub medical_cost: i64,
    /// 負担割合 (`null` without insurance).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::values::DecimalString>")
    )]
    pub rate: Option<rust_decimal::Decimal>,
    /// The combination's limit at the window (`null` when none applies).
    pub limit: Option<i64>,
    /// 一部負担金: the insurance share after the limits, before 公費.
    pub copayment: i64,
    /// 保険者負担 (incl. the 高額療養費 in kind and a 減免): 医療費 less the unrounded
    /// 一部負担金相当額 (rules/data/copay/rounding.toml `insurer_part_deducts`).
    pub insurer_pays: i64,
    /// 公費負担 per programme.
    pub public_pays: Vec<PublicPay>,
    /// The facility's rounding difference: `copayment` less the unrounded 一部負担金相当額 it
    /// stands for (under a limit: the limit's amount less the combination's earlier unrounded
    /// shares); `window_payment + insurer_pays + Σ public_pays − rounding_difference =
    /// medical_cost + meal_charge`.
    pub rounding_difference: i64,
    /// 一部負担金の減免.
    pub reduction: Option<ReductionApplied>,
    /// 食事療養 標準負担額 (in `window_payment`).
    pub meal_charge: i64,
    /// What staff collect for the visit.
    pub window_payment: i64,
    /// Already paid at the window.
    pub paid: i64,
    /// `window_payment − paid` (negative: to give back).
    pub balance: i64,
    /// The steps (as `santei copay` prints them).
    #[serde(serialize_with = "trace_of")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<TraceSchema>"))]
    pub detail: Option<CopayOutput>,
}

fn trace_of<S: serde::Serializer>(d: &Option<CopayOutput>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(c) => c.trace_json().serialize(s),
        None => s.collect_seq(std::iter::empty::<()>()),
    }
}

/// The month's settlement of one combination (one insurer period × one set of 公費).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Settlement {
    pub insurance: &'static str,
    /// First day of the insurer period.
    #[serde(serialize_with = "ymd")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::values::DateSchema"))]
    pub from: NaiveDate,
    pub public: Vec<String>,
    pub visits: u32,
    /// 実日数 (visits that count as a day).
    pub days: u32,
    pub points: i64,
    pub medical_cost: i64,
    pub insurer_pays: i64,
    /// 高額療養費 paid in kind (the rate share above the limits).
    pub high_cost: i64,
    /// 一部負担金 (保険's 負担金額 on the receipt).
    pub copayment: i64,
    /// 公費負担 per programme, refunds included.
    pub public_pays: Vec<PublicPay>,
    /// Refunded after the month by a programme's `full_refund_above`.
    pub refunds: Vec<PublicPay>,
    /// Σ the visits' rounding differences (the facility's).
    pub rounding_difference: i64,
    pub reduction: i64,
    pub meal_charge: i64,
    /// The patient's part after refunds (meals included).
    pub patient_pays: i64,
}

/// The month's totals.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub medical_cost: i64,
    pub insurer_pays: i64,
    pub public_pays: Vec<PublicPay>,
    pub meal_charge: i64,
    /// Σ window payments.
    pub window_payments: i64,
    /// Refunded after the month.
    pub refunds: i64,
    /// What the patient bears for the month (window payments − refunds).
    pub patient_pays: i64,
    /// Σ paid at the window.
    pub paid: i64,
    /// window payments − paid.
    pub balance: i64,
    /// Deferred (猶予), owed to the insurer.
    pub deferred: i64,
    /// Σ the visits' rounding differences (the facility's): `window_payments + insurer_pays +
    /// Σ public_pays − rounding_difference = medical_cost + meal_charge` (refunds moved from
    /// the patient to the programme).
    pub rounding_difference: i64,
}

/// The month's result.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct MonthOutput {
    #[serde(serialize_with = "ym")]
    #[cfg_attr(feature = "schema", schemars(with = "crate::values::MonthSchema"))]
    pub month: NaiveDate,
    pub setting: &'static str,
    pub visits: Vec<VisitResult>,
    pub combinations: Vec<Settlement>,
    pub totals: Totals,
}

/// One step of a visit's co-payment (`detail`), as `santei copay` prints it.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[schemars(rename = "MonthTraceEntry")]
#[allow(dead_code)]
struct TraceSchema {
    step: String,
    input: String,
    rule: String,
    source: String,
    result: String,
}

/// The `copay` block of `santei calc` for a claim with `copay_month`: the month with the
/// claim's visit among its visits.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClaimMonthOutput {
    /// The index of the claim's own visit in `visits`.
    pub visit: usize,
    #[serde(flatten)]
    pub month: MonthOutput,
}

/// The `copay` block of `santei calc`: the visit's co-payment, or its month when the claim
/// gives `copay_month`.
#[derive(Debug, Clone)]
pub enum CopayBlock {
    Visit(CopayOutput),
    Month(Box<ClaimMonthOutput>),
}

impl CopayBlock {
    /// What the window collects for the claim's visit.
    pub fn patient_pays(&self) -> i64 {
        match self {
            CopayBlock::Visit(v) => v.patient_pays,
            CopayBlock::Month(m) => m.month.visits.get(m.visit).map_or(0, |v| v.window_payment),
        }
    }
}

impl Serialize for CopayBlock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CopayBlock::Visit(v) => v.serialize(s),
            CopayBlock::Month(m) => m.serialize(s),
        }
    }
}

/// One trace entry as JSON (the `trace` of `santei copay`).
#[derive(Serialize)]
pub(crate) struct TraceJson<'p> {
    pub(crate) step: Show<'p>,
    pub(crate) input: Show<'p>,
    pub(crate) rule: Show<'p>,
    pub(crate) source: Show<'p>,
    pub(crate) result: Show<'p>,
}

pub(crate) fn add_pay(list: &mut Vec<PublicPay>, law: &str, amount: i64) {
    match list.iter_mut().find(|p| p.law == law) {
        Some(p) => p.amount += amount,
        None => list.push(PublicPay {
            law: law.to_string(),
            amount,
        }),
    }
}
