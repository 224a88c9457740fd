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
//! - `patient_pays + insurer_pays + Σ public_pays = medical_cost + meal_charge`
//!   (`patient_pays` is the whole window charge, meals included);
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
mod engine;
pub mod input;
pub mod rounding;

pub use engine::{compute, compute_visit};
pub use input::{
    InsuranceKind, MonthToDate, Patient, PublicExpenseClaim, Receipt, Setting, SpecificDisease,
    Visit,
};
pub use rules::copay::{CopayTables, IncomeCategory};

use crate::text::{Show, Text, Texts};
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

/// One trace step: what went in, which rule, where the rule comes from, what came out
/// (texts of the output's pool, see [`crate::text`]).
#[derive(Debug, Clone, Copy)]
pub struct TraceEntry {
    pub step: &'static str,
    pub input: Text,
    pub rule: Text,
    pub source: Text,
    pub result: Text,
}

/// What one public programme pays on the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicPay {
    /// 法別番号.
    pub law: String,
    /// 公費負担額 (1円 units).
    pub amount: i64,
}

/// The co-payment of one receipt or visit. Its texts borrow from the tables (`'a`).
#[derive(Debug, Clone)]
pub struct CopayOutput<'a> {
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
    /// One entry per step.
    pub trace: Vec<TraceEntry>,
    /// The words of the trace.
    pub texts: Texts<'a>,
}

impl CopayOutput<'_> {
    /// The output as JSON into a writer (the value of a key or an array element).
    pub fn write_json_into(&self, j: &mut crate::json::Json<'_>) {
        let t = &self.texts;
        j.begin_object();
        j.key("medical_cost");
        j.int(self.medical_cost);
        j.key("rate");
        j.str(&self.rate.to_string());
        j.key("limit");
        match self.limit {
            Some(l) => j.int(l),
            None => j.null(),
        }
        j.key("patient_pays");
        j.int(self.patient_pays);
        j.key("insurer_pays");
        j.int(self.insurer_pays);
        j.key("public_pays");
        j.begin_array();
        for p in &self.public_pays {
            j.element();
            j.begin_object();
            j.key("law");
            j.str(&p.law);
            j.key("amount");
            j.int(p.amount);
            j.end_object();
        }
        j.end_array();
        j.key("meal_charge");
        j.int(self.meal_charge);
        j.key("trace");
        j.begin_array();
        for e in &self.trace {
            j.element();
            j.begin_object();
            j.key("step");
            j.str(e.step);
            for (key, text) in [
                ("input", e.input),
                ("rule", e.rule),
                ("source", e.source),
                ("result", e.result),
            ] {
                j.key(key);
                j.str_with(|o| t.write_json(o, text));
            }
            j.end_object();
        }
        j.end_array();
        j.end_object();
    }

    /// The output as a JSON string (the bytes `serde_json` writes for it).
    pub fn to_json(&self, pretty: bool) -> String {
        let mut out = Vec::with_capacity(2048);
        self.write_json_into(&mut crate::json::Json::new(&mut out, pretty));
        crate::json::into_string(out)
    }
}

impl Serialize for CopayOutput<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Trace<'p, 'a>(&'p CopayOutput<'a>);
        impl Serialize for Trace<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let t = &self.0.texts;
                s.collect_seq(self.0.trace.iter().map(|e| TraceJson {
                    step: e.step,
                    input: t.show(e.input),
                    rule: t.show(e.rule),
                    source: t.show(e.source),
                    result: t.show(e.result),
                }))
            }
        }
        #[derive(Serialize)]
        struct TraceJson<'p, 'a> {
            step: &'static str,
            input: Show<'p, 'a>,
            rule: Show<'p, 'a>,
            source: Show<'p, 'a>,
            result: Show<'p, 'a>,
        }
        let mut o = s.serialize_struct("CopayOutput", 8)?;
        o.serialize_field("medical_cost", &self.medical_cost)?;
        o.serialize_field("rate", &self.rate)?;
        o.serialize_field("limit", &self.limit)?;
        o.serialize_field("patient_pays", &self.patient_pays)?;
        o.serialize_field("insurer_pays", &self.insurer_pays)?;
        o.serialize_field("public_pays", &self.public_pays)?;
        o.serialize_field("meal_charge", &self.meal_charge)?;
        o.serialize_field("trace", &Trace(self))?;
        o.end()
    }
}

impl CopayOutput<'_> {
    /// The medical part of the window charge (without meals).
    pub fn patient_medical(&self) -> i64 {
        self.patient_pays - self.meal_charge
    }

    /// Σ public_pays.
    pub fn public_total(&self) -> i64 {
        self.public_pays.iter().map(|p| p.amount).sum()
    }
}
