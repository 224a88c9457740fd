//! The condition language (条件式言語) in which the fee rules are written.
//!
//! Job: parse condition expressions (with `nom`), check every name against a signature
//! supplied by the caller at load time, print expressions back in canonical form, and
//! evaluate them in three-valued logic (true / false / unknown).
//!
//! Invariants:
//! - Parsing never panics; every error carries a byte span into the named source text and
//!   renders with file, line, column and a caret ([`Diagnostic`]).
//! - `parse(print(e)) == e` for every expression `e` (spans are ignored by `==`).
//! - Numbers are `rust_decimal::Decimal`; `45%` is the decimal `0.45` exactly. No `f64`.
//! - Unknown names and type errors are reported by [`check`], before any evaluation.

pub mod ast;
pub mod check;
pub mod eval;
pub mod month;
pub mod parse;

pub use ast::{CmpOp, Expr, ExprKind, Span};
pub use month::YearMonth;

use std::fmt;

/// The kinds of error the rule language reports, each with a fixed message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// A token other than the expected one.
    #[error("expected {expected}, found {found}")]
    Expected { expected: String, found: String },
    /// A name that is neither a fact, a function, a `let` binding nor a literal.
    #[error("unknown name `{0}`")]
    UnknownName(String),
    /// A month literal such as `2025-13`.
    #[error("invalid month `{0}`")]
    InvalidMonth(String),
    /// A date literal such as `2025-02-30`.
    #[error("invalid date `{0}`")]
    InvalidDate(String),
    /// A number or percentage that does not fit a decimal.
    #[error("invalid number `{0}`")]
    InvalidNumber(String),
    /// A string literal without its closing quote.
    #[error("unterminated string")]
    UnterminatedString,
    /// An operand of the wrong type.
    #[error("type mismatch: expected {expected}, found {found}")]
    TypeMismatch { expected: String, found: String },
    /// A function called with the wrong number of arguments.
    #[error("`{name}` takes {expected} argument(s), found {found}")]
    ArgCount {
        name: String,
        expected: usize,
        found: usize,
    },
    /// A name or rule id declared twice.
    #[error("duplicate {what} `{name}`")]
    Duplicate { what: String, name: String },
    /// A required entry missing from a block.
    #[error("{block} has no `{entry}`")]
    Missing { block: String, entry: String },
    /// Two periods of the same family cover the same month.
    #[error("period `{0}` overlaps period `{1}`")]
    Overlap(String, String),
    /// Any other semantic problem in the rule data.
    #[error("{0}")]
    Invalid(String),
}

/// A located error: file name, position and the offending source line, rendered like rustc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The error message (without location).
    pub message: String,
    /// File name as given by the caller.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Width of the caret underline, in characters (at least 1).
    pub width: usize,
    /// The full text of the offending line.
    pub line_text: String,
}

impl Diagnostic {
    /// Builds a diagnostic for the byte range `span` of `text`.
    pub fn at(file: &str, text: &str, span: Span, message: impl Into<String>) -> Self {
        let start = clamp_boundary(text, span.start.min(text.len()));
        let end = clamp_boundary(text, span.end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let line_end = text[start..]
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(text.len());
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let width = text[start..end.min(line_end).max(start)]
            .chars()
            .count()
            .max(1);
        Diagnostic {
            message: message.into(),
            file: file.to_string(),
            line,
            column,
            width,
            line_text: text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
        }
    }
}

fn clamp_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        // Caret position: count display columns with East-Asian wide characters as 2.
        let prefix: String = self.line_text.chars().take(self.column - 1).collect();
        let under: String = self
            .line_text
            .chars()
            .skip(self.column - 1)
            .take(self.width)
            .collect();
        let lead = display_width(&prefix);
        let carets = display_width(&under).max(1);
        writeln!(f, "error: {}", self.message)?;
        writeln!(f, "{pad}--> {}:{}:{}", self.file, self.line, self.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{num} | {}", self.line_text)?;
        write!(f, "{pad} | {}{}", " ".repeat(lead), "^".repeat(carets))
    }
}

fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// Errors of the rule language and the rule data (規則ファイルの誤り).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A syntax or name/type error at a position in a rule file.
    #[error("{diag}")]
    Source {
        kind: ErrorKind,
        diag: Box<Diagnostic>,
    },
}

impl RuleError {
    /// Builds a located error.
    pub fn new(file: &str, text: &str, span: Span, kind: ErrorKind) -> Self {
        let diag = Diagnostic::at(file, text, span, kind.to_string());
        RuleError::Source {
            kind,
            diag: Box::new(diag),
        }
    }
    /// The error kind.
    pub fn kind(&self) -> &ErrorKind {
        match self {
            RuleError::Source { kind, .. } => kind,
        }
    }
    /// The location and rendering.
    pub fn diagnostic(&self) -> &Diagnostic {
        match self {
            RuleError::Source { diag, .. } => diag,
        }
    }
}

/// An error before it is given a file name: kind plus byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawError {
    pub kind: ErrorKind,
    pub span: Span,
}

impl RawError {
    pub fn new(kind: ErrorKind, span: Span) -> Self {
        RawError { kind, span }
    }
    /// Attaches the file name and text.
    pub fn locate(self, file: &str, text: &str) -> RuleError {
        RuleError::new(file, text, self.span, self.kind)
    }
}
