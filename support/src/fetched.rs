//! Data texts given at run time (the page's first WebAssembly module, feature `fetched-data`
//! of `masters` and `rules`): that module leaves santei's default data out of its `.wasm`; the
//! page fetches it beside the module (`pkg/santei-data.txt`, written by `wasm/build-page`) and
//! hands it over once ([`set`]). The loaders then read their group ([`group`]) where the other
//! builds read their `include!`d texts.
//!
//! Invariants:
//! - The groups are set once ([`set`]); the texts live for the rest of the program (they are
//!   leaked, like the `&'static str` they stand in for).
//! - A group that was never set is empty: loading it fails with the loader's own "no data"
//!   error, never a panic.

use std::sync::OnceLock;

/// The texts of one group: (file name, text), as the `EMBEDDED` statics of the loaders hold
/// them.
pub type Texts = Vec<(&'static str, &'static str)>;

static FETCHED: OnceLock<Vec<(String, Texts)>> = OnceLock::new();

/// Set the groups (the group name, e.g. `masters/pack` or `rules/receipt`, and its texts).
/// Returns `false` when they were set before (the first set stays).
pub fn set(groups: Vec<(String, Texts)>) -> bool {
    FETCHED.set(groups).is_ok()
}

/// Whether [`set`] has run.
pub fn is_set() -> bool {
    FETCHED.get().is_some()
}

/// The texts of `group` (empty until [`set`], or when the group was not given).
pub fn group(group: &str) -> &'static [(&'static str, &'static str)] {
    FETCHED
        .get()
        .and_then(|g| g.iter().find(|(n, _)| n == group))
        .map(|(_, t)| t.as_slice())
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_once_then_read_by_group() {
        assert!(!is_set());
        assert!(group("rules/receipt").is_empty(), "nothing before set");
        assert!(set(vec![
            ("masters/pack".into(), vec![("a.json", "{}")]),
            ("rules/receipt".into(), vec![]),
        ]));
        assert!(is_set());
        assert_eq!(group("masters/pack"), &[("a.json", "{}")]);
        assert!(group("rules/receipt").is_empty());
        assert!(
            group("rules/copay").is_empty(),
            "a group not given is empty"
        );
        assert!(!set(vec![]), "a second set is refused");
        assert_eq!(group("masters/pack").len(), 1, "the first set stays");
    }
}
