//! # santei-support — small infrastructure the other crates share (no fee rules)
//!
//! Job: what `masters`, `rules`, `calc` and `api` need alike and that is no part of any fee
//! rule, written once:
//! - [`from_json`]: the reader of a data text in JSON (santei's embedded data, converted from
//!   its TOML sources at build time, and JSON data files users give) into the data types,
//!   every struct from a JSON object ([`map_only`](crate::from_json)'s module doc says why);
//! - [`fetched`]: the texts of santei's default data given at run time, for the page's first
//!   WebAssembly module, which leaves them out of its `.wasm` (feature `fetched-data` of
//!   `masters`/`rules`/`santei-wasm`);
//! - [`sort`]: one stable sort routine for every element type in WebAssembly (the standard
//!   sort directly in native builds).
//!
//! Invariants: pure (no I/O), no number of the fee rules; a text that is not what the type
//! expects gives serde_json's error (its line and column), never a panic. Both the JSON reader
//! and the sort exist for the size of the browser page's module (README, "The page's size");
//! each gives exactly the result of the standard call it stands for (tested here).

pub mod fetched;
mod map_only;
pub mod sort;

pub use map_only::{from_json, map_only};
