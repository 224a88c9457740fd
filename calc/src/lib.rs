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
//! - [`Engine`] is immutable after construction and `Send + Sync`: one engine serves any
//!   number of threads (the C ABI shares one handle across threads).
//! - The JSON of [`api`] is a published interface (`schemas/v1/`, feature `schema` generates
//!   them in [`schema`]): its shape changes only with [`version::INTERFACE_VERSION`].

pub mod api;
pub mod claim;
pub mod copay;
pub mod engine;
#[cfg(feature = "toml")]
pub mod golden;
pub mod json;
pub mod output;
pub mod rounding;
#[cfg(feature = "schema")]
pub mod schema;
pub mod text;
pub mod version;

pub use claim::{Claim, ClaimError};
pub use engine::{CalcOutput, Engine, EngineError, Line, TraceEntry, World};

// The engine is shared across threads by every front end (the C ABI hands one handle to many
// threads): it must stay `Send + Sync`.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
};
