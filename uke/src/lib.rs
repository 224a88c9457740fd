//! # uke — UKE receipt files (レセプト電算処理システム, 記録条件仕様 医科)
//!
//! Job: read the files every receipt computer writes (`RECEIPTC.UKE`) into typed receipts,
//! check each receipt's stated totals against its lines, and write receipts back as a file
//! that a 審査支払機関 accepts in form (CP932, CRLF, IR … GO).
//!
//! - [`read`]: bytes in, [`Item`]s out — each IR, one [`ReceiptRead`] per RE, the GO — streamed
//!   receipt by receipt; a malformed record is an error naming line, record, field and value,
//!   and the rest of the file still reads.
//! - [`totals`]: Σ(点数 × 回数) of the lines by 負担区分 against HO/KO 合計点数, as data; the GO
//!   totals of a set of receipts.
//! - [`write`]: receipts → bytes; what it writes reads back identically.
//! - [`model`]: the records, every field of the layout kept; [`layout`] the field names;
//!   [`codes`] the code tables (別表), embedded from `uke/data/`.
//!
//! Invariants:
//! - Pure: no files, no clock; the reader takes bytes or any `BufRead`, the writer any `Write`.
//!   The reader builds for `wasm32-unknown-unknown` (it decodes CP932 with `masters::cp932`; only
//!   the writer uses encoding_rs's encoder).
//! - Bounded: the reader holds one receipt and one line (at most [`MAX_LINE_BYTES`]) at a time.
//! - Nothing is guessed: a field is read by the layout of `../shared/specs/uke/record-layout-ika.md`
//!   (compiled from public parsers, not the official PDF — see that file), a code of a closed
//!   table must be in it, and what the layout does not describe is kept as text or refused.
//! - `read(write(x)) == x` for every receipt the reader yields (the writer checks each record).
//!
//! Later (issues 20–22): the conversion of a [`Receipt`] to santei's receipt input, the audit,
//! and the browser / C ABI front ends build on this crate.

pub mod codes;
pub mod date;
pub mod error;
pub mod layout;
pub mod lines;
pub mod model;
pub mod read;
mod record;
#[cfg(feature = "schema")]
pub mod schema;
pub mod totals;
pub mod write;

pub use date::DateStyle;
pub use error::{FieldRef, ReadError, WriteError};
pub use model::{
    Co, Comment, Days, Department, Detail, Go, Ho, Ir, Iy, Jd, Ko, Mf, OtherRecord, Re, Receipt,
    Si, Sj, Sn, Sy, To,
};
pub use read::{
    read_buf, read_bytes, Encoding, Item, ReadOptions, Reader, ReceiptRead, Stats, MAX_LINE_BYTES,
};
pub use totals::{check, GoCheck, GoTotals, PayerTotal, TotalsCheck};
pub use write::{write_file, Writer};
