//! Load errors: every one names the file, the line, the field and the offending value.

use std::fmt;

/// Where in an official file a problem was found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// File name as the user gave it (or the published name).
    pub file: String,
    /// 1-based line number (0 when the problem concerns the file as a whole).
    pub line: usize,
    /// 1-based field number as the official specification counts it (項番), when known.
    pub field: Option<usize>,
    /// The field's name in the specification, when known.
    pub field_name: Option<&'static str>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(n) = self.field {
            write!(f, ": field {n}")?;
            if let Some(name) = self.field_name {
                write!(f, " ({name})")?;
            }
        }
        Ok(())
    }
}

/// An error while reading an official file or the project's own data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The bytes are not valid CP932 (Shift_JIS).
    #[error("{at}: bytes are not valid CP932 at byte {offset} of the line: {bytes}")]
    Encoding {
        at: Location,
        offset: usize,
        bytes: String,
    },
    /// A quoted-CSV syntax problem (unterminated quote, text after a closing quote …).
    #[error("{at}: malformed CSV: {reason}")]
    Csv { at: Location, reason: String },
    /// A row with the wrong number of fields (`at` names the first missing or extra field,
    /// `last` is the value the row ends with).
    #[error("{at}: row has {found} fields, expected {expected}; the row ends with {last:?}")]
    FieldCount {
        at: Location,
        found: usize,
        expected: String,
        last: String,
    },
    /// A field whose value does not fit its type.
    #[error("{at}: invalid value {value:?}: {reason}")]
    Field {
        at: Location,
        value: String,
        reason: String,
    },
    /// An update row that refers to a code the schedule does not have.
    #[error("{at}: update ({kind}) for unknown code {code}")]
    UnknownCode {
        at: Location,
        code: String,
        kind: &'static str,
    },
    /// An error with what may be wrong with the set of files (e.g. a full file cut short).
    #[error("{error}; {hint}")]
    Hinted { error: Box<LoadError>, hint: String },
    /// Reading the file failed.
    #[error("{file}: cannot read: {reason}")]
    Io { file: String, reason: String },
    /// A file whose name or content is not one of the recognised official files.
    #[error("{file}: {reason}")]
    Unrecognised { file: String, reason: String },
    /// The project's own data format (the embedded pack) is malformed.
    #[error("{file}: {reason}")]
    Pack { file: String, reason: String },
}

impl LoadError {
    /// The location of the error, when it has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            LoadError::Encoding { at, .. }
            | LoadError::Csv { at, .. }
            | LoadError::FieldCount { at, .. }
            | LoadError::Field { at, .. }
            | LoadError::UnknownCode { at, .. } => Some(at),
            LoadError::Hinted { error, .. } => error.location(),
            _ => None,
        }
    }
}
