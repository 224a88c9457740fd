//! 窓口負担金 — what the patient pays at the window for one receipt or one visit.
//!
//! Job: from the dated tables of `rules::copay`, compute (in the order of copayment.md §6)
//! 1. the rate (負担割合) from birth date, date of service, insurance and income category;
//! 2. the window share `points × 10 × rate`, rounded to 10円;
//! 3. the high-cost limit (高額療養費) when it applies at the window, on this month's cumulative
//!    医療費 at this facility and setting, halved in the 75th-birthday month;
//! 4. the public-expense (公費) chain in priority order;
//! 5. the meal charge (食事療養 標準負担額 × meals).
//!
//! Invariants (tested by property tests):
//! - `patient_pays + insurer_pays + Σ public_pays − rounding_difference = medical_cost +
//!   meal_charge` (`patient_pays` is the whole window charge, meals included; the insurer's
//!   part deducts the unrounded 一部負担金相当額, the 10円 rounding stays with the facility:
//!   rules/data/copay/rounding.toml `insurer_part_deducts`);
//! - the medical part of `patient_pays` never exceeds the window-rounded `rate × medical_cost`;
//! - more points never lower `patient_pays` (same patient, same month);
//! - the medical part of `patient_pays` is a multiple of 10円 unless a limit or a public cap
//!   set it;
//! - all arithmetic is integer yen (or 銭 where rounding needs it); nothing panics on input.
//!
//! Age boundaries inside a month: the rate, the age group and the limit table are decided by
//! the single date of service of the claim (`Receipt::date`, default the month's first day).
//! 未就学 and 70 switch on month boundaries (3/31 → 4/1; the 1st of the month after reaching 70),
//! so a whole receipt month has one rate for them. The 75th birthday splits the month between
//! two insurers (two receipts): a `kenpo`/`kokuho` receipt is computed for the days before the
//! birthday, a `kouki` receipt (default date: the birthday) for the days from it, and both get
//! the 75歳到達月 halving unless the patient was born on the 1st.

pub mod age;
mod context;
pub mod input;
#[cfg(feature = "schema")]
mod input_schema;
mod limit;
mod meals;
pub mod month;
mod public;
mod rate;
pub mod rounding;
mod run;

pub use input::{
    CopayFacts, Income, InsuranceKind, MonthToDate, Patient, PublicExpenseClaim, Receipt, Setting,
    SpecificDisease, Visit,
};
pub use rules::copay::{CopayTables, IncomeCategory};
pub use run::{compute, compute_visit};

use crate::text::{Show, Texts};
use rust_decimal::Decimal;
use serde::Serialize;

/// A co-payment error: bad input (naming the field and value), a date without a confirmed
/// table, or a data-file problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopayError {
    /// A field has a bad value.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The text is not valid JSON/TOML.
    #[error("cannot read receipt: {0}")]
    Syntax(String),
    /// No confirmed table for the date (never guessed).
    #[error("no confirmed {what} for {month} {key}{note}")]
    NoTable {
        what: String,
        month: String,
        key: String,
        note: String,
    },
    /// The tables themselves are invalid.
    #[error("co-payment tables: {0}")]
    Data(#[from] rules::copay::CopayDataError),
}

pub use crate::trace::TraceEntry;

/// What one public programme pays on the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicPay {
    /// 法別番号.
    pub law: String,
    /// 公費負担額 (1円 units).
    pub amount: i64,
}

/// The co-payment of one receipt or visit: plain owned data (its texts live in its own pool).
#[derive(Debug, Clone)]
pub struct CopayOutput {
    /// 医療費 = points × 10 (this receipt or this visit; meals excluded).
    pub medical_cost: i64,
    /// 負担割合 as a decimal fraction (serialised as a string, e.g. "0.3").
    pub rate: Decimal,
    /// The monthly 自己負担限度額 applied at the window; `null` when none applies.
    pub limit: Option<i64>,
    /// The window charge: medical share after insurance and public programmes, plus meals.
    pub patient_pays: i64,
    /// 保険者負担 (including the high-cost excess paid in kind).
    pub insurer_pays: i64,
    /// 公費負担 per programme, in priority order.
    pub public_pays: Vec<PublicPay>,
    /// 食事療養 標準負担額 × meals (included in `patient_pays`).
    pub meal_charge: i64,
    /// The facility's rounding difference: the 一部負担金 (10円-rounded at the window) less the
    /// unrounded 一部負担金相当額 the insurer's part deducts (rules/data/copay/rounding.toml
    /// `insurer_part_deducts`); `patient_pays + insurer_pays + Σ public_pays −
    /// rounding_difference = medical_cost + meal_charge`.
    pub rounding_difference: i64,
    /// One entry per step.
    pub trace: Vec<TraceEntry>,
    /// The words of the trace.
    pub texts: Texts,
}

impl Serialize for CopayOutput {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Trace<'p>(&'p CopayOutput);
        impl Serialize for Trace<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let t = &self.0.texts;
                s.collect_seq(self.0.trace.iter().map(|e| TraceJson {
                    step: t.show(e.rule),
                    input: t.show(e.looked_at),
                    rule: t.show(e.wording.unwrap_or(crate::lit!(""))),
                    source: t.show(e.source),
                    result: t.show(e.decision),
                    message_id: t.message_id(e.decision),
                }))
            }
        }
        #[derive(Serialize)]
        struct TraceJson<'p> {
            step: Show<'p>,
            input: Show<'p>,
            rule: Show<'p>,
            source: Show<'p>,
            result: Show<'p>,
            message_id: Option<&'static str>,
        }
        let mut o = s.serialize_struct("CopayOutput", 9)?;
        o.serialize_field("medical_cost", &self.medical_cost)?;
        o.serialize_field("rate", &self.rate)?;
        o.serialize_field("limit", &self.limit)?;
        o.serialize_field("patient_pays", &self.patient_pays)?;
        o.serialize_field("insurer_pays", &self.insurer_pays)?;
        o.serialize_field("public_pays", &self.public_pays)?;
        o.serialize_field("meal_charge", &self.meal_charge)?;
        o.serialize_field("rounding_difference", &self.rounding_difference)?;
        o.serialize_field("trace", &Trace(self))?;
        o.end()
    }
}

impl CopayOutput {
    /// The trace as `santei copay` writes it (step, input, rule, source, result).
    pub fn trace_json(&self) -> impl Serialize + '_ {
        struct T<'p>(&'p CopayOutput);
        impl Serialize for T<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let t = &self.0.texts;
                s.collect_seq(self.0.trace.iter().map(|e| month::TraceJson {
                    step: t.show(e.rule),
                    input: t.show(e.looked_at),
                    rule: t.show(e.wording.unwrap_or(crate::lit!(""))),
                    source: t.show(e.source),
                    result: t.show(e.decision),
                }))
            }
        }
        T(self)
    }

    /// The medical part of the window charge (without meals).
    pub fn patient_medical(&self) -> i64 {
        self.patient_pays - self.meal_charge
    }

    /// Σ public_pays.
    pub fn public_total(&self) -> i64 {
        self.public_pays.iter().map(|p| p.amount).sum()
    }
}
