//! `santei-rules` — rule files of the santei fee-calculation module and the condition
//! language that reads them.
//!
//! - [`lang`]: the condition language (parser, checker, printer, evaluator).
//! - [`tier`]: 医療DX add-on tiers (医療DX推進体制整備加算 / 電子的診療情報連携体制整備加算) per
//!   month, from the embedded rule files in `data/tier/`.
//! - [`copay`]: the dated co-payment tables (rates, rounding, 高額療養費, 公費, meals) in
//!   `data/copay/`.
//! - [`addons`]: which add-ons the engine adds automatically, when, and what excludes them
//!   (`data/addons/`).
//!
//! Invariants: every number of the fee rules lives in the data files with its source; the
//! library never touches the filesystem (it builds for `wasm32-unknown-unknown`).

pub mod addons;
pub mod copay;
pub mod lang;
#[cfg(feature = "schema")]
pub mod schema_types;
pub mod tier;

pub use lang::YearMonth;
