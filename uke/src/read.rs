//! The reader: bytes in, typed items out, one receipt at a time.
//!
//! [`read_bytes`] reads a file already in memory, [`read_buf`] streams any [`BufRead`]; both
//! return a [`Reader`], an iterator of [`Item`]s: each IR, then one [`ReceiptRead`] per RE with
//! every record up to the next RE, IR or GO, then the GO. Only the open receipt is held, so
//! memory is what one receipt needs however long the file.
//!
//! Lines. Records end in CRLF (記録条件仕様); a line ending in LF alone is accepted too
//! (counted in [`Stats::lf_only_lines`]: files converted by other tools have them), and so is a
//! last line without a line end. An EOF mark (0x1A, written by older tools, e.g. the 9rece
//! sample) alone on the last line or at the end of the last line is accepted and counted
//! ([`Stats::eof_mark`]). A line longer than [`MAX_LINE_BYTES`] is an error and is not
//! buffered beyond that limit.
//!
//! Encoding. CP932 as published, decoded by santei's own decoder (`masters::cp932`, the one that
//! reads the official masters: its table is generated from encoding_rs and checked against it on
//! every byte pair, and it keeps encoding_rs's tables out of a reader-only WebAssembly build).
//! [`Encoding::Utf8`] reads files a tool has converted to UTF-8 (the ORCA samples of
//! `uke-older/uke-parser`). Fields are split on the comma *before* decoding (a comma, CR or LF
//! is never a CP932 trail byte), so an invalid byte is reported in its field.
//!
//! Errors. A malformed record is a [`ReadError`] naming the line, the record type, the field
//! (number and Japanese name) and the value; the record is left out, its receipt carries the
//! error ([`ReceiptRead::errors`]) and every other receipt reads completely. An error outside
//! any receipt (a bad IR, a record before the first RE, an unknown record between receipts) is
//! an [`Item::Error`]. An IR, RE or GO line that cannot be read (bad bytes, a bad field, too long)
//! still ends the receipt before it. A receipt whose RE is malformed cannot be read: the RE's
//! error says so and the records up to the next RE, IR or GO are skipped (their count is in the
//! message); so are the records of a file whose IR names another 点数表 than 医科 (one error says
//! how many).
//!
//! Order. Within a receipt the reader takes the records in any order except that a KO after the
//! 摘要 records is refused (its 公費 number would be wrong: the 9rece sample's 返戻 layout repeats
//! HO/KO there), as is a second HO or MF and a fifth KO.

use crate::codes::{self, Table};
use crate::date::DateStyle;
use crate::error::{FieldRef, ReadError};
use crate::layout::{self, RecordLayout};
use crate::model::*;
use crate::record::{self, Fault, Fields, Record};
use std::collections::VecDeque;
use std::io::BufRead;
use std::sync::Arc;

/// The longest line read, in bytes. The longest record the layout allows is an SJ (症状詳記データ
/// 2,400 bytes) or an SI/IY/TO with three 100-byte comments and 31 day columns (about 450
/// bytes); 16 KiB leaves room for longer text in later editions of the spec.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// The text encoding of the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// CP932 (Shift_JIS), as UKE files are published.
    #[default]
    Cp932,
    /// UTF-8 (a file converted by another tool).
    Utf8,
}

/// How to read.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The file's name, for messages.
    pub file: Option<String>,
    pub encoding: Encoding,
}

/// One receipt as read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceiptRead {
    /// The line of its RE.
    pub line: u64,
    /// The IR in effect (`None` before any IR, or when the IR was malformed).
    pub ir: Option<Arc<Ir>>,
    pub receipt: Receipt,
    /// Its malformed records, in file order; empty when it read completely.
    pub errors: Vec<ReadError>,
}

/// What the reader yields, in file order.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// An IR (a file normally has one; files concatenated per receipt repeat it).
    Ir { line: u64, ir: Arc<Ir> },
    /// A receipt (boxed: it is much larger than the other items).
    Receipt(Box<ReceiptRead>),
    /// The GO, the file's last record.
    Go { line: u64, go: Go },
    /// An error outside any receipt.
    Error(ReadError),
}

/// Counts of what was read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Lines read.
    pub lines: u64,
    /// Lines that ended in LF without CR.
    pub lf_only_lines: u64,
    /// Whether the file ended with an EOF mark (0x1A).
    pub eof_mark: bool,
    /// Receipts yielded.
    pub receipts: u64,
    /// Errors (in receipts and outside them).
    pub errors: u64,
    /// Lines skipped (the records of a receipt whose RE is malformed, of a non-医科 file).
    pub skipped_lines: u64,
}

/// One line of input, without its line end.
pub struct Line<'a> {
    /// The bytes (at most [`MAX_LINE_BYTES`]).
    pub bytes: &'a [u8],
    /// The line's full length (more than `bytes.len()` when it was too long).
    pub len: usize,
    /// It ended in LF without CR.
    pub lf_only: bool,
    /// Nothing follows it.
    pub last: bool,
}

/// Where lines come from.
pub trait LineSource {
    /// The next line; `None` at the end, `Err` for an I/O error (reading stops).
    fn next_line(&mut self) -> Option<Result<Line<'_>, String>>;
}

/// Lines of a byte slice.
pub struct SliceLines<'a> {
    rest: &'a [u8],
}

impl LineSource for SliceLines<'_> {
    fn next_line(&mut self) -> Option<Result<Line<'_>, String>> {
        if self.rest.is_empty() {
            return None;
        }
        let (mut line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, &self.rest[self.rest.len()..]),
        };
        let had_lf = line.len() < self.rest.len();
        self.rest = rest;
        let mut lf_only = had_lf;
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
            lf_only = false;
        }
        let len = line.len();
        Some(Ok(Line {
            bytes: &line[..len.min(MAX_LINE_BYTES)],
            len,
            lf_only,
            last: self.rest.is_empty(),
        }))
    }
}

/// Lines of a [`BufRead`], each buffered up to [`MAX_LINE_BYTES`].
pub struct BufLines<B> {
    inner: B,
    buf: Vec<u8>,
}

impl<B: BufRead> LineSource for BufLines<B> {
    fn next_line(&mut self) -> Option<Result<Line<'_>, String>> {
        self.buf.clear();
        let mut len = 0usize;
        let mut had_lf = false;
        let mut last_byte = None;
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Some(Err(e.to_string())),
            };
            if chunk.is_empty() {
                break;
            }
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if take > 0 {
                last_byte = Some(chunk[take - 1]);
            }
            // Keep one byte beyond the limit: a CR there is still seen as the line end.
            let room = (MAX_LINE_BYTES + 1).saturating_sub(self.buf.len());
            self.buf.extend_from_slice(&chunk[..take.min(room)]);
            len += take;
            self.inner.consume(take + usize::from(done));
            if done {
                had_lf = true;
                break;
            }
        }
        if len == 0 && !had_lf {
            return None;
        }
        let last = match self.inner.fill_buf() {
            Ok(c) => c.is_empty(),
            Err(_) => false,
        };
        let mut lf_only = had_lf;
        if last_byte == Some(b'\r') {
            if self.buf.len() == len {
                self.buf.pop();
            }
            len -= 1;
            lf_only = false;
        }
        let n = self.buf.len().min(MAX_LINE_BYTES);
        Some(Ok(Line {
            bytes: &self.buf[..n],
            len,
            lf_only,
            last,
        }))
    }
}

/// Read a UKE file held in memory.
pub fn read_bytes(bytes: &[u8], options: ReadOptions) -> Reader<SliceLines<'_>> {
    Reader::new(SliceLines { rest: bytes }, options)
}

/// Read a UKE file from a buffered reader, line by line.
pub fn read_buf<B: BufRead>(inner: B, options: ReadOptions) -> Reader<BufLines<B>> {
    Reader::new(
        BufLines {
            inner,
            buf: Vec::with_capacity(1024),
        },
        options,
    )
}

/// The receipt being read.
struct Open {
    read: ReceiptRead,
    /// The line of each 摘要 record.
    detail_lines: Vec<u64>,
}

/// What the reader is skipping.
struct Skip {
    /// The error to emit when skipping ends (its reason gets the count appended).
    error: ReadError,
    from: u64,
    lines: u64,
    /// Inside a receipt (stops at RE) or a file (stops at IR only).
    until_re: bool,
}

/// The decoded fields of the current line.
struct LineFields<'a> {
    text: &'a str,
    ranges: &'a [(usize, usize)],
}

impl Fields for LineFields<'_> {
    fn get(&self, no: usize) -> &str {
        no.checked_sub(1)
            .and_then(|i| self.ranges.get(i))
            .map_or("", |&(a, b)| &self.text[a..b])
    }
    fn count(&self) -> usize {
        self.ranges.len()
    }
}

/// The streaming reader (an iterator of [`Item`]s).
pub struct Reader<S> {
    src: S,
    st: State,
}

/// Everything but the source (so that a line borrowed from the source can be processed).
struct State {
    options: ReadOptions,
    line: u64,
    text: String,
    ranges: Vec<(usize, usize)>,
    ir: Option<Arc<Ir>>,
    style: DateStyle,
    open: Option<Open>,
    skip: Option<Skip>,
    after_go: bool,
    out: VecDeque<Item>,
    done: bool,
    stats: Stats,
}

impl<S: LineSource> Reader<S> {
    /// A reader of `src`.
    pub fn new(src: S, options: ReadOptions) -> Reader<S> {
        Reader {
            src,
            st: State {
                options,
                line: 0,
                text: String::with_capacity(1024),
                ranges: Vec::with_capacity(64),
                ir: None,
                style: DateStyle::Seireki,
                open: None,
                skip: None,
                after_go: false,
                out: VecDeque::new(),
                done: false,
                stats: Stats::default(),
            },
        }
    }

    /// What has been read so far (complete once the iterator has ended).
    pub fn stats(&self) -> &Stats {
        &self.st.stats
    }
}

impl State {
    fn error(
        &self,
        line: u64,
        record: Option<&str>,
        layout: Option<&RecordLayout>,
        f: Option<Fault>,
        reason: Option<String>,
    ) -> ReadError {
        let (field, value, reason) = match f {
            Some(f) => (
                Some(FieldRef {
                    number: u16::try_from(f.no).unwrap_or(u16::MAX),
                    name: layout.map_or("?", |l| l.field_name(f.no)).to_string(),
                }),
                f.value,
                f.reason,
            ),
            None => (None, None, reason.unwrap_or_default()),
        };
        ReadError {
            file: self.options.file.clone(),
            line,
            record: record.map(str::to_string),
            field,
            value,
            reason,
        }
    }

    /// Report `e` in the open receipt, or as an item of its own.
    fn report(&mut self, e: ReadError) {
        self.stats.errors += 1;
        match &mut self.open {
            Some(o) => o.read.errors.push(e),
            None => self.out.push_back(Item::Error(e)),
        }
    }

    fn close_receipt(&mut self) {
        if let Some(mut o) = self.open.take() {
            if let Some(i) = o.read.receipt.carry_category() {
                let line = o.detail_lines.get(i).copied().unwrap_or(o.read.line);
                let rec = o.read.receipt.details[i].record();
                let e = self.error(
                    line,
                    Some(rec),
                    layout::layout(rec),
                    Some(Fault {
                        no: 2,
                        value: Some(String::new()),
                        reason:
                            "is empty on the receipt's first 摘要 record: no 診療識別 is in effect"
                                .into(),
                    }),
                    None,
                );
                self.stats.errors += 1;
                o.read.errors.push(e);
                o.read.errors.sort_by_key(|e| e.line);
            }
            self.stats.receipts += 1;
            self.out.push_back(Item::Receipt(Box::new(o.read)));
        }
    }

    fn end_skip(&mut self) {
        if let Some(s) = self.skip.take() {
            let mut e = s.error;
            if s.lines > 0 {
                e.reason.push_str(&format!(
                    "; {} following line(s) skipped ({}–{})",
                    s.lines,
                    s.from,
                    s.from + s.lines - 1
                ));
            }
            self.stats.errors += 1;
            self.out.push_back(Item::Error(e));
        }
    }

    /// Split the line on commas and decode each field into `self.text`. On a decoding error,
    /// the field and why.
    fn decode(&mut self, bytes: &[u8]) -> Result<(), (usize, String, String)> {
        self.text.clear();
        self.ranges.clear();
        // Most records are ASCII (codes and numbers): one copy, then the field bounds.
        if bytes.is_ascii() {
            self.text
                .push_str(std::str::from_utf8(bytes).unwrap_or_default());
            let mut start = 0;
            for (i, &b) in bytes.iter().enumerate() {
                if b == b',' {
                    self.ranges.push((start, i));
                    start = i + 1;
                }
            }
            self.ranges.push((start, bytes.len()));
            return Ok(());
        }
        for (i, raw) in bytes.split(|&b| b == b',').enumerate() {
            let start = self.text.len();
            match self.options.encoding {
                Encoding::Cp932 => {
                    if let Err(m) = masters::cp932::decode_into(raw, &mut self.text) {
                        let hint = if std::str::from_utf8(raw).is_ok() {
                            " (the bytes are UTF-8: a converted file? read it as UTF-8)"
                        } else {
                            ""
                        };
                        return Err((
                            i + 1,
                            escape(raw),
                            format!(
                                "holds bytes that are not CP932 (at byte {} of the field){hint}",
                                m.offset + 1
                            ),
                        ));
                    }
                }
                Encoding::Utf8 => match std::str::from_utf8(raw) {
                    Ok(s) => self.text.push_str(s),
                    Err(e) => {
                        return Err((
                            i + 1,
                            escape(raw),
                            format!(
                                "holds bytes that are not UTF-8 (at byte {} of the field)",
                                e.valid_up_to() + 1
                            ),
                        ))
                    }
                },
            }
            self.ranges.push((start, self.text.len()));
        }
        Ok(())
    }

    fn process(&mut self, bytes: &[u8], len: usize) {
        let line = self.line;
        // The record type: the first two bytes when they are ASCII letters.
        let id: Option<&str> = bytes
            .get(..2)
            .filter(|b| b.iter().all(u8::is_ascii_uppercase))
            .filter(|_| bytes.get(2).is_none_or(|&b| b == b','))
            .and_then(|b| std::str::from_utf8(b).ok());
        let described = id.and_then(layout::layout);

        // Skipping (a receipt whose RE is malformed, or a non-医科 file).
        if let Some(s) = &mut self.skip {
            let ends = match id {
                Some("IR") => true,
                Some("RE") | Some("GO") => s.until_re,
                _ => false,
            };
            if !ends {
                s.lines += 1;
                self.stats.skipped_lines += 1;
                return;
            }
            self.end_skip();
        }

        if len > MAX_LINE_BYTES {
            let e = self.error(
                line,
                id,
                None,
                None,
                Some(format!(
                    "the line is {len} bytes long, more than the {MAX_LINE_BYTES}-byte limit; not read"
                )),
            );
            match described {
                Some(l) if matches!(l.id, "IR" | "RE" | "GO") => {
                    self.boundary_failed(line, l.id, e)
                }
                _ => self.report(e),
            }
            return;
        }
        if bytes.is_empty() {
            let e = self.error(
                line,
                None,
                None,
                None,
                Some("empty line (no record)".into()),
            );
            self.report(e);
            return;
        }
        if let Err((no, value, reason)) = self.decode(bytes) {
            let f = Fault {
                no,
                value: Some(value),
                reason,
            };
            let e = self.error(line, id, described, Some(f), None);
            match described {
                Some(l) if matches!(l.id, "IR" | "RE" | "GO") => {
                    self.boundary_failed(line, l.id, e)
                }
                _ => self.report(e),
            }
            return;
        }
        let Some(id) = id else {
            let first = self.text[..self.ranges.first().map_or(0, |r| r.1)].to_string();
            let e = self.error(
                line,
                None,
                None,
                Some(Fault {
                    no: 1,
                    value: Some(first),
                    reason: "is not a record type (two capital letters)".into(),
                }),
                None,
            );
            // Field 1 is レコード識別情報 in every layout.
            let e = ReadError {
                field: Some(FieldRef {
                    number: 1,
                    name: "レコード識別情報".into(),
                }),
                ..e
            };
            self.report(e);
            return;
        };

        match described {
            Some(l) => self.described(line, l.id, l),
            None => self.other(line, id),
        }
    }

    /// An IR, RE or GO that cannot be read still ends the receipt before it: an IR leaves the
    /// following receipts without IR facts, an RE's receipt is skipped (it cannot be read
    /// without its RE), a GO marks the end.
    fn boundary_failed(&mut self, line: u64, id: &str, mut e: ReadError) {
        self.close_receipt();
        match id {
            "IR" => {
                self.after_go = false;
                self.ir = None;
                self.report(e);
            }
            "RE" => {
                e.reason
                    .push_str("; the receipt cannot be read without its RE");
                self.skip = Some(Skip {
                    error: e,
                    from: line + 1,
                    lines: 0,
                    until_re: true,
                });
            }
            _ => {
                self.report(e);
                self.after_go = true;
            }
        }
    }

    /// A record the layout does not describe.
    fn other(&mut self, line: u64, id: &str) {
        let known = codes::other_record(id);
        match (known, &mut self.open) {
            (Some(_), Some(o)) => {
                let fields = (2..=self.ranges.len())
                    .map(|no| {
                        LineFields {
                            text: &self.text,
                            ranges: &self.ranges,
                        }
                        .get(no)
                        .to_string()
                    })
                    .collect();
                o.read.receipt.other.push(OtherRecord {
                    record: id.to_string(),
                    fields,
                });
            }
            (Some(name), None) => {
                let e = self.error(
                    line,
                    Some(id),
                    None,
                    None,
                    Some(format!(
                        "{name} record outside a receipt (no RE before it): the reader keeps such records only inside a receipt"
                    )),
                );
                self.report(e);
            }
            (None, _) => {
                let e = self.error(
                    line,
                    Some(id),
                    None,
                    Some(Fault {
                        no: 1,
                        value: Some(id.to_string()),
                        reason: "is not a record type of the 記録条件仕様 (医科) layout".into(),
                    }),
                    None,
                );
                let e = ReadError {
                    field: Some(FieldRef {
                        number: 1,
                        name: "レコード識別情報".into(),
                    }),
                    ..e
                };
                self.report(e);
            }
        }
    }

    fn described(&mut self, line: u64, id: &str, l: &'static RecordLayout) {
        let fields = LineFields {
            text: &self.text,
            ranges: &self.ranges,
        };
        // An IR sets the file's date style from its 請求年月 (6 digits 西暦, 5 digits 和暦).
        let style = if id == "IR" {
            DateStyle::of_billing_month(fields.get(8)).unwrap_or_default()
        } else {
            self.style
        };
        // A file of another 点数表 (歯科, 調剤 …) has other layouts: say so once and skip it.
        let other_table = (id == "IR")
            .then(|| fields.get(4))
            .filter(|t| *t != "1" && Table::FeeTable.contains(t))
            .map(str::to_string);
        let parsed = record::parse(l, &fields, style);
        if let Some(table) = other_table {
            self.close_receipt();
            self.ir = None;
            let name = Table::FeeTable.name(&table).unwrap_or("?");
            let e = self.error(
                line,
                Some("IR"),
                Some(l),
                Some(Fault {
                    no: 4,
                    value: Some(table.clone()),
                    reason: format!(
                        "is 点数表 {name}: this reader knows the 医科 layout only; the file's records are not read"
                    ),
                }),
                None,
            );
            self.skip = Some(Skip {
                error: e,
                from: line + 1,
                lines: 0,
                until_re: false,
            });
            return;
        }
        if id == "IR" {
            self.close_receipt();
            self.after_go = false;
            self.style = style;
            match parsed {
                Ok(Record::Ir(ir)) => {
                    let ir = Arc::new(ir);
                    self.ir = Some(ir.clone());
                    self.out.push_back(Item::Ir { line, ir });
                }
                Ok(_) => unreachable!("IR layout parses to an IR"),
                Err(f) => {
                    let e = self.error(line, Some("IR"), Some(l), Some(f), None);
                    self.boundary_failed(line, "IR", e);
                }
            }
            return;
        }
        if id == "RE" {
            self.close_receipt();
            if self.after_go {
                let e = self.error(
                    line,
                    Some("RE"),
                    None,
                    None,
                    Some("RE after the GO record (the file's end) with no IR between".into()),
                );
                self.report(e);
                self.after_go = false;
            }
            match parsed {
                Ok(Record::Re(re)) => {
                    self.open = Some(Open {
                        read: ReceiptRead {
                            line,
                            ir: self.ir.clone(),
                            receipt: Receipt::new(re),
                            errors: Vec::new(),
                        },
                        detail_lines: Vec::new(),
                    });
                }
                Ok(_) => unreachable!("RE layout parses to an RE"),
                Err(f) => {
                    let e = self.error(line, Some("RE"), Some(l), Some(f), None);
                    self.boundary_failed(line, "RE", e);
                }
            }
            return;
        }
        if id == "GO" {
            match parsed {
                Ok(Record::Go(go)) => {
                    self.close_receipt();
                    self.out.push_back(Item::Go { line, go });
                    self.after_go = true;
                }
                Ok(_) => unreachable!("GO layout parses to a GO"),
                Err(f) => {
                    let e = self.error(line, Some("GO"), Some(l), Some(f), None);
                    self.boundary_failed(line, "GO", e);
                }
            }
            return;
        }
        let Some(open) = &mut self.open else {
            let why = if self.after_go {
                "after the GO record (the file's end)"
            } else {
                "outside a receipt (no RE before it)"
            };
            let e = match parsed {
                Err(f) => {
                    let mut e = self.error(line, Some(id), Some(l), Some(f), None);
                    e.reason.push_str(&format!("; and the record is {why}"));
                    e
                }
                Ok(_) => self.error(line, Some(id), None, None, Some(format!("record {why}"))),
            };
            self.report(e);
            return;
        };
        let rec = match parsed {
            Ok(r) => r,
            Err(f) => {
                let e = self.error(line, Some(id), Some(l), Some(f), None);
                self.report(e);
                return;
            }
        };
        let r = &mut open.read.receipt;
        let dup = match rec {
            Record::Ho(h) if r.ho.is_none() => {
                r.ho = Some(h);
                None
            }
            Record::Ho(_) => Some("a second HO record in the receipt (at most one)"),
            Record::Ko(_) if !r.details.is_empty() => Some(
                "a KO record after the receipt's 摘要 records (the layout puts them after the HO): \
                 its 公費 number is unknown",
            ),
            Record::Ko(k) if r.ko.len() < 4 => {
                r.ko.push(k);
                None
            }
            Record::Ko(_) => Some("a fifth KO record in the receipt (at most four 公費)"),
            Record::Sn(s) => {
                r.sn.push(s);
                None
            }
            Record::Jd(j) => {
                r.jd.push(j);
                None
            }
            Record::Mf(m) if r.mf.is_none() => {
                r.mf = Some(m);
                None
            }
            Record::Mf(_) => Some("a second MF record in the receipt (at most one)"),
            Record::Sy(s) => {
                r.sy.push(s);
                None
            }
            Record::Detail(t) => {
                r.details.push(t);
                open.detail_lines.push(line);
                None
            }
            Record::Sj(s) => {
                r.sj.push(s);
                None
            }
            Record::Ir(_) | Record::Re(_) | Record::Go(_) => unreachable!("handled above"),
        };
        if let Some(why) = dup {
            let e = self.error(line, Some(id), None, None, Some(format!("{why}; not read")));
            self.report(e);
        }
    }
}

/// Bytes as text for a message: printable ASCII as is, other bytes as `<NN>` (hex).
fn escape(raw: &[u8]) -> String {
    let mut s = String::new();
    for &b in raw {
        if (0x20..0x7F).contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("<{b:02X}>"));
        }
    }
    s
}

impl<S: LineSource> Iterator for Reader<S> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let st = &mut self.st;
        loop {
            if let Some(item) = st.out.pop_front() {
                return Some(item);
            }
            if st.done {
                return None;
            }
            match self.src.next_line() {
                None => {
                    st.done = true;
                    st.end_skip();
                    st.close_receipt();
                }
                Some(Err(io)) => {
                    st.done = true;
                    st.end_skip();
                    let e = st.error(
                        st.line + 1,
                        None,
                        None,
                        None,
                        Some(format!("cannot read the input: {io}")),
                    );
                    st.stats.errors += 1;
                    st.out.push_back(Item::Error(e));
                    st.close_receipt();
                }
                Some(Ok(l)) => {
                    st.line += 1;
                    st.stats.lines += 1;
                    if l.lf_only {
                        st.stats.lf_only_lines += 1;
                    }
                    let mut bytes = l.bytes;
                    let mut len = l.len;
                    if l.last && bytes.last() == Some(&0x1A) {
                        bytes = &bytes[..bytes.len() - 1];
                        len -= 1;
                        st.stats.eof_mark = true;
                        if bytes.is_empty() {
                            continue;
                        }
                    }
                    st.process(bytes, len);
                }
            }
        }
    }
}
