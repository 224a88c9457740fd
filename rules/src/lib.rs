//! `santei-rules` — rule files of the santei fee-calculation module and the condition
//! language that reads them.
//!
//! - [`lang`]: the condition language (parser, checker, printer, evaluator).
//! - [`tier`]: 医療DX add-on tiers (医療DX推進体制整備加算 / 電子的診療情報連携体制整備加算) per
//!   month, from the embedded rule files in `data/tier/`.
//!
//! The library never touches the filesystem (it builds for `wasm32-unknown-unknown`).

pub mod lang;
pub mod tier;

pub use lang::YearMonth;
