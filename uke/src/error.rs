//! Errors of the reader and the writer. Each names where (file, line, record type, field number
//! and Japanese name) and what (the value as read).

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::fmt;

/// A field of a record: its number in the layout (1-based) and its Japanese name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldRef {
    /// The field's number (No.) in the layout; 1 is レコード識別情報.
    pub number: u16,
    /// 項目名.
    pub name: String,
}

/// A malformed record (or line) of a UKE file.
///
/// Serialised as the published error line of `santei uke read`:
/// `{"line": N, "error": "<the full message>", "file", "record", "field": {"number", "name"},
/// "value", "reason"}` (the last five only when known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// The file's name, when the caller gave one.
    pub file: Option<String>,
    /// The line (1-based; a record is one line).
    pub line: u64,
    /// The record type as read ("SI"), when the line has one.
    pub record: Option<String>,
    /// The field at fault.
    pub field: Option<FieldRef>,
    /// The value as read (bytes that do not decode shown as `<NN>`, hex).
    pub value: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl std::error::Error for ReadError {}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file} ")?;
        }
        write!(f, "line {}", self.line)?;
        match (&self.record, &self.field) {
            (Some(r), Some(fr)) => write!(f, ", {r} field {} ({})", fr.number, fr.name)?,
            (Some(r), None) => write!(f, ", {r}")?,
            (None, Some(fr)) => write!(f, ", field {} ({})", fr.number, fr.name)?,
            (None, None) => {}
        }
        write!(f, ": ")?;
        if let Some(v) = &self.value {
            write!(f, "{} ", quote(v))?;
        }
        write!(f, "{}", self.reason)
    }
}

/// `v` in double quotes, with control characters, quotes and backslashes escaped (Japanese text
/// stays as it is: Rust's `{:?}` would escape U+3000).
pub(crate) fn quote(v: &str) -> String {
    let mut s = String::with_capacity(v.len() + 2);
    s.push('"');
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if c.is_control() => s.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

impl Serialize for ReadError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("error", &self.to_string())?;
        if let Some(file) = &self.file {
            m.serialize_entry("file", file)?;
        }
        if let Some(r) = &self.record {
            m.serialize_entry("record", r)?;
        }
        if let Some(fr) = &self.field {
            m.serialize_entry("field", fr)?;
        }
        if let Some(v) = &self.value {
            m.serialize_entry("value", v)?;
        }
        m.serialize_entry("reason", &self.reason)?;
        m.end()
    }
}

/// Why a receipt cannot be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// A field's value cannot be written (a character CP932 lacks, a comma, a value the
    /// reader would refuse).
    #[error(
        "receipt {receipt}: {record} field {number} ({name}): {} {reason}",
        quote(value)
    )]
    Field {
        /// Which receipt (its index in the input, 1-based, and RE レセプト番号).
        receipt: String,
        record: &'static str,
        number: u16,
        name: &'static str,
        value: String,
        reason: String,
    },
    /// Something about the receipts as a whole (no IR, a missing 合計点数 for the GO …).
    #[error("{0}")]
    Input(String),
}
