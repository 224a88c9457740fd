//! # santei-datatext — santei's data texts: how they are read, and where a page gets them
//!
//! Job: two things the data crates (`masters`, `rules`) share and that have no fee rule in
//! them:
//! - [`from_json`]: the reader of a data text in JSON (santei's embedded data, converted from
//!   its TOML sources at build time, and JSON files users give) into the data types;
//! - [`fetched`]: the texts of santei's default data given at run time, for the page's first
//!   WebAssembly module, which leaves them out of its `.wasm` (feature `fetched-data` of
//!   `masters`/`rules`/`santei-wasm`).
//!
//! Invariants: no I/O, no fee rule, no number of the fee rules; a text that is not what the
//! type expects gives serde_json's error (its line and column), never a panic.

pub mod fetched;
mod map_only;

pub use map_only::from_json;
