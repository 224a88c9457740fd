//! The writer: receipts (the model the reader yields) → a UKE file.
//!
//! CP932 (encoding_rs's encoder: WHATWG Shift_JIS, which is CP932), CRLF after every record, the
//! IR first (again wherever a receipt's IR differs from the one before it), the receipts'
//! records in the layout's order (RE, HO, KO, SN, JD, MF, SY, 摘要, SJ, other records), and the
//! GO last with 総件数 and 総合計点数 computed from the receipts ([`crate::totals::GoTotals`]) and
//! マルチボリューム識別情報 "99" (one volume). Dates are written in the IR's [`DateStyle`]. Fields not
//! given are written empty.
//!
//! Every record is checked before anything of its receipt is written: each field must encode
//! to CP932 and decode back to the same text (a character CP932 lacks, or one it maps to another
//! such as ¥ → `\`, is refused), hold no comma, and the record's text must read back as the same
//! record ([`crate::record::parse`]; an empty text `""` counts as absent, which is what it reads
//! back as). So `read(write(x)) == x` for every receipt the reader yields; a receipt that would
//! not read back (a list code of the wrong width, …) is an error naming the field, and nothing of
//! it is written.
//!
//! [`DateStyle`]: crate::date::DateStyle

use crate::error::WriteError;
use crate::model::{Detail, Ir, Receipt};
use crate::record::{self, Record};
use crate::totals::GoTotals;
use std::io::Write;

/// Writes receipts to `out`, then the GO ([`Writer::finish`]).
pub struct Writer<W: Write> {
    out: W,
    last_ir: Option<Ir>,
    totals: GoTotals,
    written: usize,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// A writer into `out`.
    pub fn new(out: W) -> Writer<W> {
        Writer {
            out,
            last_ir: None,
            totals: GoTotals::default(),
            written: 0,
            buf: Vec::with_capacity(4096),
        }
    }

    /// Receipts written so far.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Write one receipt under `ir` (the IR is written first when it differs from the last).
    pub fn write_receipt(&mut self, ir: &Ir, receipt: &Receipt) -> Result<(), WriteError> {
        let who = format!(
            "{} (RE レセプト番号 {})",
            self.written + 1,
            receipt.re.number
        );
        self.buf.clear();
        let style = ir.date_style;
        if self.last_ir.as_ref() != Some(ir) {
            if ir.fee_table != "1" {
                return Err(WriteError::Input(format!(
                    "receipt {who}: IR 点数表 {:?}: only 医科 (1) files are written",
                    ir.fee_table
                )));
            }
            emit(&mut self.buf, &who, &Record::Ir(ir.clone()), style)?;
        }
        let r = receipt;
        emit(&mut self.buf, &who, &Record::Re(r.re.clone()), style)?;
        if let Some(h) = &r.ho {
            emit(&mut self.buf, &who, &Record::Ho(h.clone()), style)?;
        }
        if r.ko.len() > 4 {
            return Err(WriteError::Input(format!(
                "receipt {who}: {} KO records (at most four 公費)",
                r.ko.len()
            )));
        }
        for k in &r.ko {
            emit(&mut self.buf, &who, &Record::Ko(k.clone()), style)?;
        }
        for s in &r.sn {
            emit(&mut self.buf, &who, &Record::Sn(s.clone()), style)?;
        }
        for j in &r.jd {
            emit(&mut self.buf, &who, &Record::Jd(j.clone()), style)?;
        }
        if let Some(m) = &r.mf {
            emit(&mut self.buf, &who, &Record::Mf(m.clone()), style)?;
        }
        for s in &r.sy {
            emit(&mut self.buf, &who, &Record::Sy(s.clone()), style)?;
        }
        for t in &r.details {
            emit(&mut self.buf, &who, &Record::Detail(t.clone()), style)?;
        }
        for s in &r.sj {
            emit(&mut self.buf, &who, &Record::Sj(s.clone()), style)?;
        }
        for o in &r.other {
            if crate::codes::other_record(&o.record).is_none() {
                return Err(WriteError::Input(format!(
                    "receipt {who}: {:?} is not a record type of other-records.tsv",
                    o.record
                )));
            }
            let mut fields = Vec::with_capacity(o.fields.len() + 1);
            fields.push(o.record.clone());
            fields.extend(o.fields.iter().cloned());
            line(&mut self.buf, &who, o_record(&o.record), &fields, None)?;
        }
        self.out
            .write_all(&self.buf)
            .map_err(|e| WriteError::Input(format!("cannot write: {e}")))?;
        self.last_ir = Some(ir.clone());
        self.totals.add(receipt);
        self.written += 1;
        Ok(())
    }

    /// Write the GO and return the output.
    pub fn finish(mut self) -> Result<W, WriteError> {
        if self.written == 0 {
            return Err(WriteError::Input("no receipts to write".into()));
        }
        if let Some(i) = self.totals.missing() {
            return Err(WriteError::Input(format!(
                "receipt {}: its HO (or, without an HO, its first KO) has no 合計点数, which the GO 総合計点数 adds",
                i + 1
            )));
        }
        self.buf.clear();
        let style = self
            .last_ir
            .as_ref()
            .map(|i| i.date_style)
            .unwrap_or_default();
        emit(&mut self.buf, "GO", &Record::Go(self.totals.go()), style)?;
        self.out
            .write_all(&self.buf)
            .and_then(|_| self.out.flush())
            .map_err(|e| WriteError::Input(format!("cannot write: {e}")))?;
        Ok(self.out)
    }
}

/// Write receipts (each with its IR) as one UKE file.
pub fn write_file<'a>(
    receipts: impl IntoIterator<Item = (&'a Ir, &'a Receipt)>,
) -> Result<Vec<u8>, WriteError> {
    let mut w = Writer::new(Vec::new());
    for (ir, r) in receipts {
        w.write_receipt(ir, r)?;
    }
    w.finish()
}

fn o_record(id: &str) -> &'static str {
    // A `&'static str` for messages: the record types of other-records.tsv.
    match id {
        "TI" => "TI",
        "TR" => "TR",
        "TS" => "TS",
        "GR" => "GR",
        "KH" => "KH",
        "NI" => "NI",
        "RC" => "RC",
        "JY" => "JY",
        "EX" => "EX",
        "MN" => "MN",
        _ => "??",
    }
}

/// A record with its 摘要 `effective_category` cleared (the reader computes it; the writer
/// does not write it).
fn without_effective(rec: &Record) -> Record {
    let mut r = rec.clone();
    if let Record::Detail(t) = &mut r {
        match t {
            Detail::SI(x) => x.effective_category = None,
            Detail::IY(x) => x.effective_category = None,
            Detail::TO(x) => x.effective_category = None,
            Detail::CO(x) => x.effective_category = None,
        }
    }
    r
}

/// A record as JSON (for comparing what is given with what reads back).
fn record_json(rec: &Record) -> serde_json::Value {
    let v = match rec {
        Record::Ir(r) => serde_json::to_value(r),
        Record::Re(r) => serde_json::to_value(r),
        Record::Ho(r) => serde_json::to_value(r),
        Record::Ko(r) => serde_json::to_value(r),
        Record::Sn(r) => serde_json::to_value(r),
        Record::Jd(r) => serde_json::to_value(r),
        Record::Mf(r) => serde_json::to_value(r),
        Record::Sy(r) => serde_json::to_value(r),
        Record::Detail(r) => serde_json::to_value(r),
        Record::Sj(r) => serde_json::to_value(r),
        Record::Go(r) => serde_json::to_value(r),
    };
    v.unwrap_or(serde_json::Value::Null)
}

/// The first place where `given` and `back` differ (an empty string and null are the same):
/// its path, and both values.
fn first_difference(
    given: &serde_json::Value,
    back: &serde_json::Value,
    path: String,
) -> Option<(String, String, String)> {
    use serde_json::Value;
    match (given, back) {
        (Value::String(s), Value::Null) | (Value::Null, Value::String(s)) if s.is_empty() => None,
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            first_difference(x, b.get(k).unwrap_or(&Value::Null), p)
        }),
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{path}[{i}]"))),
        (a, b) if a == b => None,
        (a, b) => Some((path, a.to_string(), b.to_string())),
    }
}

/// Format, check and append one record.
fn emit(
    buf: &mut Vec<u8>,
    who: &str,
    rec: &Record,
    style: crate::date::DateStyle,
) -> Result<(), WriteError> {
    let layout = record::layout_of(rec);
    let fields = record::format(rec, style).map_err(|f| WriteError::Field {
        receipt: who.to_string(),
        record: layout.id,
        number: f.no as u16,
        name: layout.field_name(f.no),
        value: f.value.unwrap_or_default(),
        reason: f.reason,
    })?;
    line(buf, who, layout.id, &fields, Some((layout, rec, style)))
}

/// Check and append one record's fields (CP932, CRLF). With `typed`, the text must read back
/// as that record.
fn line(
    buf: &mut Vec<u8>,
    who: &str,
    id: &'static str,
    fields: &[String],
    typed: Option<(
        &crate::layout::RecordLayout,
        &Record,
        crate::date::DateStyle,
    )>,
) -> Result<(), WriteError> {
    let field_err = |no: usize, value: &str, reason: String| {
        let name = typed.map_or("?", |(l, _, _)| l.field_name(no));
        WriteError::Field {
            receipt: who.to_string(),
            record: id,
            number: no as u16,
            name,
            value: value.to_string(),
            reason,
        }
    };
    for (i, f) in fields.iter().enumerate() {
        if f.contains(',') {
            return Err(field_err(
                i + 1,
                f,
                "holds a comma, which separates fields".into(),
            ));
        }
        if let Some(c) = f.chars().find(|c| c.is_control()) {
            return Err(field_err(
                i + 1,
                f,
                format!("holds a control character (U+{:04X})", c as u32),
            ));
        }
    }
    if let Some((layout, rec, style)) = typed {
        match record::parse(layout, fields, style) {
            Ok(back) => {
                let (back, given) = (without_effective(&back), without_effective(rec));
                if back != given {
                    // An empty text ("") reads back as absent: the same file. Anything else (a
                    // list code of the wrong width …) would change the receipt.
                    let (b, g) = (record_json(&back), record_json(&given));
                    if let Some((path, want, got)) = first_difference(&g, &b, String::new()) {
                        return Err(WriteError::Input(format!(
                            "receipt {who}: {id} {path}: {want} would read back as {got}"
                        )));
                    }
                }
            }
            Err(f) => {
                let v = f.value.clone().unwrap_or_default();
                return Err(field_err(f.no, &v, f.reason));
            }
        }
    }
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        encode(f, buf).map_err(|c| {
            field_err(
                i + 1,
                f,
                format!(
                    "holds {c:?} (U+{:04X}), which CP932 cannot write exactly",
                    c as u32
                ),
            )
        })?;
    }
    buf.extend_from_slice(b"\r\n");
    Ok(())
}

/// Append the CP932 bytes of `s`; the first character that does not encode, or does not decode
/// back to itself, is the error.
fn encode(s: &str, out: &mut Vec<u8>) -> Result<(), char> {
    if s.is_ascii() {
        out.extend_from_slice(s.as_bytes());
        return Ok(());
    }
    let mut buf = [0u8; 8];
    let mut back = String::with_capacity(4);
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        let mut enc = encoding_rs::SHIFT_JIS.new_encoder();
        let mut cs = [0u8; 4];
        let (r, _, n) =
            enc.encode_from_utf8_without_replacement(c.encode_utf8(&mut cs), &mut buf, true);
        if !matches!(r, encoding_rs::EncoderResult::InputEmpty) {
            return Err(c);
        }
        back.clear();
        if masters::cp932::decode_into(&buf[..n], &mut back).is_err()
            || back.chars().ne(std::iter::once(c))
        {
            return Err(c);
        }
        out.extend_from_slice(&buf[..n]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_cp932_exactly() {
        let mut out = Vec::new();
        // テスト = 83 65 83 58 83 67 in CP932; ｱ (half-width) = B1.
        encode("テストｱ", &mut out).unwrap();
        assert_eq!(out, [0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0xB1]);
        // ① (NEC special row 13) = 87 40.
        out.clear();
        encode("①", &mut out).unwrap();
        assert_eq!(out, [0x87, 0x40]);
        // ¥ encodes to 0x5C, which reads back as a backslash: refused.
        assert_eq!(encode("¥", &mut Vec::new()), Err('¥'));
        // Hangul is not CP932.
        assert_eq!(encode("한", &mut Vec::new()), Err('한'));
    }

    fn sample() -> (Ir, Receipt) {
        let text = "IR,1,13,1,1234567,,,202410,00,\r\nRE,1,1112,202409,ア,1,19800101,,,,,26,,,,,,,,,,,,,,,,,,,,,,,,,,\r\nHO,01130016,,,1,75,,,,,,,,,\r\nGO,1,75,99\r\n";
        let (b, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let items: Vec<_> = crate::read_bytes(&b, Default::default()).collect();
        let crate::Item::Receipt(r) = &items[1] else {
            panic!("{items:?}")
        };
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        (r.ir.as_deref().unwrap().clone(), r.receipt.clone())
    }

    /// The sample receipt reads, and writes back byte for byte (RE 特記事項 26 = 区ア).
    #[test]
    fn empty_text_is_absent_and_wrong_width_lists_are_refused() {
        let (ir, mut r) = sample();
        let plain = write_file([(&ir, &r)]).unwrap();
        // "" is written as an empty field, as None is.
        r.re.name = Some(String::new());
        r.re.chart_number = Some(String::new());
        let with_empty = write_file([(&ir, &r)]).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&with_empty).lines().nth(1),
            Some("RE,1,1112,202409,,1,19800101,,,,,26,,,,,,,,,,,,,,,,,,,,,,,,,,")
        );
        assert_ne!(plain, with_empty);
        // 特記事項 written as "2" and "6" would read back as one code "26": refused.
        r.re.special_notes = vec!["2".into(), "6".into()];
        let e = write_file([(&ir, &r)]).unwrap_err().to_string();
        assert_eq!(
            e,
            "receipt 1 (RE レセプト番号 1): RE special_notes: [\"2\",\"6\"] would read back as [\"26\"]"
        );
    }
}
