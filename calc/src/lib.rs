//! # calc — the santei engine
//!
//! Job: given one visit's claim (the patient, the facility, the items and the patient's
//! recent history at this facility), compute each line's points for the date of service,
//! add the add-ons the rule files call for, refuse what the rules forbid, and explain every
//! number; and compute what the patient pays ([`copay`]).
//!
//! Invariants:
//! - Pure: no files, no clock, no global state; builds for `wasm32-unknown-unknown`.
//! - All data comes through one [`World`]: the dated schedule and 電子点数表 tables
//!   (`masters`), and the rule files (`rules`). The CLI, the browser and the C ABI build an
//!   [`Engine`] and call the same functions, so they give the same answers byte for byte
//!   ([`api`] renders the JSON they all print).
//! - Every number comes from the data; the engine never guesses beyond it: a date the rule
//!   files do not cover, a code the schedule lacks, a fact marked unknown are errors or
//!   explicit "unknown" results.

pub mod api;
pub mod claim;
pub mod copay;
pub mod engine;
pub mod golden;
pub mod json;
pub mod output;
pub mod rounding;
pub mod text;

pub use claim::{Claim, ClaimError};
pub use engine::{CalcOutput, Engine, EngineError, Line, TraceEntry, World};
