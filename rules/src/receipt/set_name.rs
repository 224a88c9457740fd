//! The name of a set as a rule writes it (`members = "kensa_kekka"`), with its number in the
//! rules' table of set ids, given when the rules load: a claim's question "which version of
//! this set is in force" is then an index into that table, not a lookup of the text.
//!
//! Measured (callgrind, `santei batch --jobs 1`, per claim): the string lookup it replaces
//! (a hand-written open-addressing table, `ids.rs`) cost about 0.7k instructions per
//! gen-claims claim and 2.9k per claim of the criterion bench (api/benches/engine.rs).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A set id named by a rule. Compares, hashes, prints and (de)serializes as its text; the
/// number is the set's row in the table of the [`super::ReceiptRules`] that loaded the rule
/// (a name made by hand, [`SetName::from`], has none and is looked up by its text).
#[derive(Clone, Default)]
pub struct SetName {
    id: String,
    num: u32,
}

/// No number: looked up by the text.
const UNRESOLVED: u32 = u32::MAX;

impl SetName {
    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// The row in the loading rules' table of set ids (`None`: not resolved).
    pub(super) fn num(&self) -> Option<usize> {
        (self.num != UNRESOLVED).then_some(self.num as usize)
    }

    /// Set by the rules when they load (`None`: an id no set has).
    pub(super) fn resolve(&mut self, num: Option<usize>) {
        self.num = num
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(UNRESOLVED);
    }
}

impl From<&str> for SetName {
    fn from(id: &str) -> SetName {
        SetName::from(id.to_string())
    }
}

impl From<String> for SetName {
    fn from(id: String) -> SetName {
        SetName {
            id,
            num: UNRESOLVED,
        }
    }
}

impl From<&SetName> for String {
    fn from(s: &SetName) -> String {
        s.id.clone()
    }
}

impl std::ops::Deref for SetName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.id
    }
}

impl AsRef<str> for SetName {
    fn as_ref(&self) -> &str {
        &self.id
    }
}

impl std::borrow::Borrow<str> for SetName {
    fn borrow(&self) -> &str {
        &self.id
    }
}

impl PartialEq for SetName {
    fn eq(&self, other: &SetName) -> bool {
        self.id == other.id
    }
}
impl Eq for SetName {}

impl PartialEq<str> for SetName {
    fn eq(&self, other: &str) -> bool {
        self.id == other
    }
}

impl PartialEq<&str> for SetName {
    fn eq(&self, other: &&str) -> bool {
        self.id == *other
    }
}

impl std::hash::Hash for SetName {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.id.hash(h)
    }
}

impl fmt::Debug for SetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.id, f)
    }
}

impl fmt::Display for SetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl Serialize for SetName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

impl<'de> Deserialize<'de> for SetName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SetName, D::Error> {
        String::deserialize(d).map(SetName::from)
    }
}
