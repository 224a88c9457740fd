//! Embedded data texts given at run time (feature `fetched-data`): the page's first WebAssembly
//! module leaves santei's default data out of the `.wasm` and fetches it beside the module
//! (`wasm/build-page` writes it), so the download that the page's first result waits for is
//! small. Without the feature every group is the `include!`d text, as before.
//!
//! Invariants:
//! - A group is set once ([`set`]); the texts live for the rest of the program (they are
//!   leaked, like the `&'static str` they stand in for).
//! - A group that was never set is empty: loading it fails with the loader's own "no data"
//!   error, never a panic.

use std::sync::OnceLock;

/// The texts of one group: (file name, text), as the `EMBEDDED` statics hold them.
pub type Texts = Vec<(&'static str, &'static str)>;

static FETCHED: OnceLock<Vec<(String, Texts)>> = OnceLock::new();

/// Set this crate's groups (the group name, e.g. `masters/pack`, and its texts). Returns
/// `false` when they were set before (the first set stays).
pub fn set(groups: Vec<(String, Texts)>) -> bool {
    FETCHED.set(groups).is_ok()
}

/// The texts of `group` (empty until [`set`]).
pub fn group(group: &str) -> &'static [(&'static str, &'static str)] {
    FETCHED
        .get()
        .and_then(|g| g.iter().find(|(n, _)| n == group))
        .map(|(_, t)| t.as_slice())
        .unwrap_or(&[])
}
