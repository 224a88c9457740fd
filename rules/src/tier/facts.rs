//! The facts a facility profile may state for the tier rules, declared in data
//! (`data/tier/facts.toml`, kind `tier_facts` of `data/manifest.toml`): their names, types and
//! what an absent fact means. The profile reader accepts exactly these names, the rule checker
//! types them, and the evaluator reads them — a revision's new fact is a data change.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The embedded declarations (file name, text).
pub static EMBEDDED: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_tier_facts.rs"));

/// The texts in use: [`EMBEDDED`], or with the feature `fetched-data` the group
/// `rules/tier-facts` given at run time ([`support::fetched`]).
pub fn embedded_texts() -> &'static [(&'static str, &'static str)] {
    #[cfg(feature = "fetched-data")]
    return support::fetched::group("rules/tier-facts");
    #[cfg(not(feature = "fetched-data"))]
    EMBEDDED
}

/// The type of a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    /// true / false.
    Bool,
    /// A share 0–1 (`0.47` or `"47%"`).
    Fraction,
}

/// One declared fact.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDecl {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FactType,
    /// The value of an absent bool fact (none: unknown).
    #[serde(default)]
    pub default: Option<bool>,
    pub description: String,
    pub source: String,
}

/// A fact's value, as the profile states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Fact {
    Bool(bool),
    Num(Decimal),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    fact: Vec<FactDecl>,
}

fn load() -> Result<Vec<FactDecl>, String> {
    let mut out: Vec<FactDecl> = Vec::new();
    for (name, text) in embedded_texts() {
        let f: FactsFile = crate::parse_data(text).map_err(|e| format!("{name}: {e}"))?;
        for d in f.fact {
            if out.iter().any(|o| o.name == d.name) {
                return Err(format!("{name}: fact {} is declared twice", d.name));
            }
            if d.default.is_some() && d.kind != FactType::Bool {
                return Err(format!(
                    "{name}: fact {}: only bool facts have a default",
                    d.name
                ));
            }
            out.push(d);
        }
    }
    Ok(out)
}

static DECLARED: OnceLock<Result<Vec<FactDecl>, String>> = OnceLock::new();

/// The declared facts (empty when the embedded file is broken: [`check`] says why).
pub fn declared() -> &'static [FactDecl] {
    match DECLARED.get_or_init(load) {
        Ok(v) => v,
        Err(_) => &[],
    }
}

/// Whether the embedded declarations load (the tier rules refuse to load otherwise).
pub fn check() -> Result<(), String> {
    DECLARED
        .get_or_init(load)
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone)
}

/// The declaration of a fact.
pub fn find(name: &str) -> Option<&'static FactDecl> {
    declared().iter().find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_declarations_load() {
        super::check().unwrap();
        let names: Vec<&str> = super::declared().iter().map(|d| d.name.as_str()).collect();
        assert!(names.contains(&"under6_share_2024"), "{names:?}");
    }
}
