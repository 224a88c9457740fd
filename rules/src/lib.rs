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
//! - [`receipt`]: the outpatient receipt's rules as data (まるめ, 包括, 逓減, requires,
//!   conflicts, not-within periods, replaced add-ons, time add-ons) in `data/receipt/`.
//! - [`inpatient`]: the inpatient month's rules the tables do not carry (入院期間加算 by elapsed
//!   days, meal fee codes, the readmission 起算日 gap) in `data/inpatient/`.
//! - [`calendar`]: 休日 for 診療報酬 (祝日法 第3条 休日 2022–2028 and the 休日 rules) in
//!   `data/calendar/`.
//!
//! Invariants: every number of the fee rules lives in the data files with its source; the
//! library never touches the filesystem (it builds for `wasm32-unknown-unknown`).

pub mod addons;
pub mod calendar;
pub mod copay;
pub mod inpatient;
mod inpatient_living;
pub mod lang;
pub mod pricing;
pub mod receipt;
#[cfg(feature = "schema")]
pub mod schema_types;
pub mod tier;

pub use lang::YearMonth;

/// Read a data text: JSON when it is a JSON object (the embedded data, converted from TOML by
/// `build.rs`; what the WebAssembly build is given), TOML otherwise (files users write;
/// feature `toml`). JSON is read by [`support::from_json`] (every struct from a JSON object:
/// one reader per data type in the browser page's module). The error is the parser's message.
pub fn parse_data<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    if text.trim_start().starts_with('{') {
        return support::from_json(text).map_err(|e| e.to_string());
    }
    #[cfg(feature = "toml")]
    {
        toml::from_str(text).map_err(|e| e.to_string())
    }
    #[cfg(not(feature = "toml"))]
    {
        Err("TOML is not read by this build (feature `toml`); give the data as JSON".into())
    }
}
