//! The JSON lines of `santei uke read` and what `santei uke write` reads back.
//!
//! `santei uke read` prints, in file order, one line per receipt ([`ReceiptLine`]), one per
//! error outside a receipt (a [`ReadError`]: `{"line": N, "error": "…", …}`), and one for the
//! GO ([`GoLine`]). `santei uke write` takes receipt lines ([`InputLine`]: `ir` and `receipt`;
//! `line` and `totals` are ignored, a GO line is skipped, and an error line or a receipt line
//! with `errors` is refused — a file is not written with records left out).

use crate::error::ReadError;
use crate::model::{Go, Ir, Receipt};
use crate::read::ReceiptRead;
use crate::totals::{self, GoCheck, TotalsCheck};
use serde::{Deserialize, Serialize};

/// One receipt as `santei uke read` prints it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReceiptLine<'a> {
    /// The line of its RE in the file.
    pub line: u64,
    /// The IR in effect (the file's header facts); `null` when the file's IR is missing or
    /// malformed.
    pub ir: Option<&'a Ir>,
    pub receipt: &'a Receipt,
    /// Stated HO/KO 合計点数 against the sums of the lines.
    pub totals: TotalsCheck,
    /// The receipt's malformed records (omitted when it read completely).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub errors: &'a [ReadError],
}

impl<'a> ReceiptLine<'a> {
    /// The line of a receipt as read.
    pub fn new(r: &'a ReceiptRead) -> ReceiptLine<'a> {
        ReceiptLine {
            line: r.line,
            ir: r.ir.as_deref(),
            receipt: &r.receipt,
            totals: totals::check(&r.receipt),
            errors: &r.errors,
        }
    }
}

/// The GO as `santei uke read` prints it, with its totals against the receipts read.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoLine<'a> {
    pub line: u64,
    pub go: &'a Go,
    /// 総件数 and 総合計点数 as stated and as computed from the receipts before it.
    pub go_check: GoCheck,
}

/// A line of `santei uke write`'s input.
#[derive(Clone, Debug, Deserialize)]
pub struct InputLine {
    pub ir: Option<Ir>,
    pub receipt: Option<Receipt>,
    /// Present on a receipt that did not read completely.
    #[serde(default)]
    pub errors: Vec<serde_json::Value>,
    /// Present on an error line.
    pub error: Option<serde_json::Value>,
    /// Present on the GO line.
    pub go: Option<serde_json::Value>,
    // Printed by `santei uke read`, not needed to write.
    #[serde(default)]
    pub line: Option<serde_json::Value>,
    #[serde(default)]
    pub totals: Option<serde_json::Value>,
    #[serde(default)]
    pub go_check: Option<serde_json::Value>,
}
