//! # calc — the santei engine (the pure core)
//!
//! Job: given one visit's claim (the patient, the facility, the items and the patient's
//! recent history at this facility), compute each line's points for the date of service,
//! add the add-ons the rule files call for, refuse what the rules forbid, and explain every
//! number; and compute what the patient pays ([`copay`]).
//!
//! Invariants:
//! - Pure: no files, no clock, no global state, no JSON text; builds for
//!   `wasm32-unknown-unknown`. Inputs are typed serde models ([`Claim`], [`copay::Receipt`]);
//!   outputs are plain owned data ([`CalcOutput`], [`copay::CopayOutput`]) with their words in
//!   their own pool ([`text`]), rendered by the `api` crate.
//! - All data comes through one [`Engine`]: the dated schedule and 電子点数表 tables
//!   (`masters`) and the rule files (`rules`). The CLI, the browser, the C ABI and the service
//!   call the same `api` functions on an engine, so they give the same answers byte for byte.
//! - Every number comes from the data; the engine never guesses beyond it: a date the rule
//!   files do not cover, a code the schedule lacks, a fact marked unknown are errors or
//!   explicit "unknown" results.
//! - [`Engine`] is immutable after construction and `Send + Sync`: one engine serves any
//!   number of threads (the C ABI shares one handle across threads).

pub mod catalog;
pub mod claim;
pub mod copay;
pub mod digits;
mod engine;
pub mod group;
pub mod inpatient;
pub mod output;
pub mod rounding;
pub mod text;
mod text_args;
pub mod trace;
pub mod values;

pub use claim::{Claim, FieldError};
pub use engine::inpatient::{DayOutput, InpatientOutput, LivingCareTotals, MealTotals, MonthTrace};
pub use engine::{line_facts, revision_after_data, CalcError, Engine, EngineError};
pub use output::{CalcOutput, Line};
pub use trace::TraceEntry;

// The engine is shared across threads by every front end (the C ABI hands one handle to many
// threads): it must stay `Send + Sync`.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
};
