//! One record's fields ⇄ its typed form: [`parse`] (the reader) and [`format`] (the writer),
//! written side by side so that each field is read and written by the same rule. The writer
//! checks every record it formats by parsing it back ([`crate::write`]), so what it writes
//! reads back identically.

use crate::codes::Table;
use crate::date::{self, DateStyle};
use crate::layout::{self, RecordLayout};
use crate::model::*;
use chrono::NaiveDate;
use rules::YearMonth;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A field that cannot be read (or written): its number, the value, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fault {
    pub no: usize,
    pub value: Option<String>,
    pub reason: String,
}

type R<T> = Result<T, Fault>;

/// A typed record.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Record {
    Ir(Ir),
    Re(Re),
    Ho(Ho),
    Ko(Ko),
    Sn(Sn),
    Jd(Jd),
    Mf(Mf),
    Sy(Sy),
    Detail(Detail),
    Sj(Sj),
    Go(Go),
}

/// The decoded fields of one line (field 1 = レコード識別情報).
pub(crate) trait Fields {
    /// Field `no` (1-based); "" beyond the end.
    fn get(&self, no: usize) -> &str;
    /// How many fields the line has.
    fn count(&self) -> usize;
}

impl<S: AsRef<str>> Fields for [S] {
    fn get(&self, no: usize) -> &str {
        no.checked_sub(1)
            .and_then(|i| <[S]>::get(self, i))
            .map_or("", |s| s.as_ref())
    }
    fn count(&self) -> usize {
        self.len()
    }
}

/// Typed access to the fields of one record.
struct In<'a, F: Fields + ?Sized> {
    f: &'a F,
    style: DateStyle,
}

fn fault(no: usize, value: &str, reason: impl Into<String>) -> Fault {
    Fault {
        no,
        value: Some(value.to_string()),
        reason: reason.into(),
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A character no field may hold: C0 controls and DEL (the record's separators CR, LF and
/// the comma are caught by the line and field split).
fn control(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_control())
}

impl<F: Fields + ?Sized> In<'_, F> {
    fn raw(&self, no: usize) -> &str {
        self.f.get(no)
    }

    /// Free text (漢字 / 英数 / 予備): anything but control characters.
    fn text(&self, no: usize) -> R<Option<String>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(None);
        }
        if let Some(c) = control(v) {
            return Err(fault(
                no,
                v,
                format!("holds a control character (U+{:04X})", c as u32),
            ));
        }
        Ok(Some(v.to_string()))
    }

    /// 英数: half-width letters, digits, spaces and ASCII symbols.
    fn alnum(&self, no: usize) -> R<Option<String>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(None);
        }
        if !v.bytes().all(|b| (0x20..0x7F).contains(&b)) {
            return Err(fault(no, v, "is not 英数 (half-width characters)"));
        }
        Ok(Some(v.to_string()))
    }

    /// 数字 kept as written (a code).
    fn digits(&self, no: usize) -> R<Option<String>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(None);
        }
        if !is_digits(v) {
            return Err(fault(no, v, "is not a number (数字: digits only)"));
        }
        Ok(Some(v.to_string()))
    }

    fn req_digits(&self, no: usize) -> R<String> {
        self.digits(no)?.ok_or_else(|| self.missing(no))
    }

    /// Exactly `n` digits (a 固定 code such as the 9-digit 診療行為コード).
    fn fixed(&self, no: usize, n: usize) -> R<Option<String>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(None);
        }
        if !(v.len() == n && is_digits(v)) {
            return Err(fault(no, v, format!("is not {n} digits")));
        }
        Ok(Some(v.to_string()))
    }

    fn req_fixed(&self, no: usize, n: usize) -> R<String> {
        self.fixed(no, n)?.ok_or_else(|| self.missing(no))
    }

    fn missing(&self, no: usize) -> Fault {
        Fault {
            no,
            value: Some(String::new()),
            reason: "is empty: the field is required".into(),
        }
    }

    /// A code of `table` (checked when the table is closed).
    fn code(&self, no: usize, table: Table) -> R<Option<String>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(None);
        }
        if let Some(c) = control(v) {
            return Err(fault(
                no,
                v,
                format!("holds a control character (U+{:04X})", c as u32),
            ));
        }
        if table.closed() && !table.contains(v) {
            return Err(fault(no, v, format!("is not a code of {}", table.title())));
        }
        Ok(Some(v.to_string()))
    }

    fn req_code(&self, no: usize, table: Table) -> R<String> {
        self.code(no, table)?.ok_or_else(|| self.missing(no))
    }

    fn int<T: FromStr>(&self, no: usize) -> R<Option<T>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(None);
        }
        if !is_digits(v) {
            return Err(fault(no, v, "is not a number (数字: digits only)"));
        }
        v.parse::<T>()
            .map(Some)
            .map_err(|_| fault(no, v, "is too large"))
    }

    fn req_int<T: FromStr>(&self, no: usize) -> R<T> {
        self.int(no)?.ok_or_else(|| self.missing(no))
    }

    /// An exact decimal: digits, optionally `.` and more digits (使用量: 整数部 "." 小数部).
    fn decimal(&self, no: usize) -> R<Option<Decimal>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(None);
        }
        let ok = match v.split_once('.') {
            Some((i, f)) => is_digits(i) && is_digits(f),
            None => is_digits(v),
        };
        if !ok {
            return Err(fault(
                no,
                v,
                "is not a decimal number (digits, optionally \".\" and digits)",
            ));
        }
        Decimal::from_str(v)
            .map(Some)
            .map_err(|_| fault(no, v, "is out of range"))
    }

    fn date(&self, no: usize) -> R<Option<NaiveDate>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(None);
        }
        date::parse_date(v, self.style)
            .map(Some)
            .map_err(|e| fault(no, v, format!("is {e}")))
    }

    fn req_date(&self, no: usize) -> R<NaiveDate> {
        self.date(no)?.ok_or_else(|| self.missing(no))
    }

    fn req_month(&self, no: usize) -> R<YearMonth> {
        let v = self.raw(no);
        if v.is_empty() {
            return Err(self.missing(no));
        }
        date::parse_month(v, self.style).map_err(|e| fault(no, v, format!("is {e}")))
    }

    /// A field packing codes of `width` characters (特記事項 2 × 5 …); `table` names them.
    fn list(&self, no: usize, width: usize) -> R<Vec<String>> {
        let v = self.raw(no);
        if v.is_empty() {
            return Ok(Vec::new());
        }
        if !v.is_ascii()
            || !v.len().is_multiple_of(width)
            || v.bytes().any(|b| !b.is_ascii_alphanumeric())
        {
            return Err(fault(
                no,
                v,
                format!("is not a list of {width}-character codes"),
            ));
        }
        Ok((0..v.len() / width)
            .map(|i| v[i * width..(i + 1) * width].to_string())
            .collect())
    }

    fn days(&self, first: usize) -> R<Days> {
        let mut d: Days = [None; 31];
        for (i, slot) in d.iter_mut().enumerate() {
            *slot = self.int::<u16>(first + i)?;
        }
        Ok(d)
    }

    fn comments(&self, first: usize) -> R<[Comment; 3]> {
        let mut c: [Comment; 3] = Default::default();
        for (i, slot) in c.iter_mut().enumerate() {
            *slot = Comment {
                code: self.fixed(first + 2 * i, 9)?,
                text: self.text(first + 2 * i + 1)?,
            };
        }
        Ok(c)
    }
}

/// Parse the fields of a record of `layout` (the field count is checked here).
pub(crate) fn parse<F: Fields + ?Sized>(
    layout: &RecordLayout,
    f: &F,
    style: DateStyle,
) -> R<Record> {
    let want = layout.fields.len();
    let have = f.count();
    if have < want {
        return Err(Fault {
            no: have + 1,
            value: None,
            reason: format!(
                "missing: the record is truncated ({have} fields, the layout has {want})"
            ),
        });
    }
    if have > want {
        return Err(Fault {
            no: want + 1,
            value: Some(f.get(want + 1).to_string()),
            reason: format!(
                "is one field too many: {have} fields, the layout has {want} (a later 記録条件仕様?)"
            ),
        });
    }
    let i = In { f, style };
    Ok(match layout.id {
        "IR" => Record::Ir(Ir {
            payer: i.req_code(2, Table::Payer)?,
            prefecture: i.req_code(3, Table::Prefecture)?,
            fee_table: i.req_code(4, Table::FeeTable)?,
            facility_code: i.req_fixed(5, 7)?,
            reserved: i.text(6)?,
            facility_name: i.text(7)?,
            billing_month: i.req_month(8)?,
            volume: i.req_digits(9)?,
            phone: i.alnum(10)?,
            date_style: style,
        }),
        "RE" => Record::Re(Re {
            number: i.req_int(2)?,
            receipt_type: i.req_code(3, Table::ReceiptType)?,
            service_month: i.req_month(4)?,
            name: i.text(5)?,
            sex: i.req_code(6, Table::Sex)?,
            birth_date: i.req_date(7)?,
            benefit_rate: i.int(8)?,
            admission_date: i.date(9)?,
            wards: i.list(10, 2)?,
            copay_class: i.digits(11)?,
            special_notes: i.list(12, 2)?,
            beds: i.int(13)?,
            chart_number: i.text(14)?,
            discount_unit_price: i.text(15)?,
            reserved_16: i.text(16)?,
            reserved_17: i.text(17)?,
            reserved_18: i.text(18)?,
            search_number: i.digits(19)?,
            reserved_20: i.text(20)?,
            billing_info: i.text(21)?,
            departments: {
                let mut d: [Department; 3] = Default::default();
                for (k, slot) in d.iter_mut().enumerate() {
                    let b = 22 + 5 * k;
                    *slot = Department {
                        name: i.digits(b)?,
                        body_part: i.digits(b + 1)?,
                        sex: i.digits(b + 2)?,
                        treatment: i.digits(b + 3)?,
                        disease: i.digits(b + 4)?,
                    };
                }
                d
            },
            kana_name: i.text(37)?,
            patient_states: i.list(38, 3)?,
        }),
        "HO" => Record::Ho(Ho {
            insurer_number: i.alnum(2)?,
            card_symbol: i.text(3)?,
            card_number: i.text(4)?,
            days: i.int(5)?,
            total_points: i.int(6)?,
            reserved: i.text(7)?,
            meal_count: i.int(8)?,
            meal_amount: i.int(9)?,
            occupational_reason: i.digits(10)?,
            certificate_number: i.digits(11)?,
            copay: i.int(12)?,
            reduction: i.digits(13)?,
            reduction_rate: i.int(14)?,
            reduction_amount: i.int(15)?,
        }),
        "KO" => Record::Ko(Ko {
            payer_number: i.alnum(2)?,
            recipient_number: i.digits(3)?,
            optional_benefit: i.digits(4)?,
            days: i.int(5)?,
            total_points: i.int(6)?,
            copay: i.int(7)?,
            outpatient_copay: i.int(8)?,
            inpatient_copay: i.int(9)?,
            reserved: i.text(10)?,
            meal_count: i.int(11)?,
            meal_amount: i.int(12)?,
        }),
        "SN" => Record::Sn(Sn {
            payer_kind: i.req_code(2, Table::PayerKind)?,
            confirmation: i.req_digits(3)?,
            insurer_number: i.alnum(4)?,
            card_symbol: i.text(5)?,
            card_number: i.text(6)?,
            branch_number: i.alnum(7)?,
            recipient_number: i.digits(8)?,
            reserved: i.text(9)?,
        }),
        "JD" => Record::Jd(Jd {
            payer_kind: i.req_code(2, Table::PayerKind)?,
            days: {
                let mut d: [Option<String>; 31] = Default::default();
                for (k, slot) in d.iter_mut().enumerate() {
                    *slot = i.digits(3 + k)?;
                }
                d
            },
        }),
        "MF" => Record::Mf(Mf {
            class: i.req_digits(2)?,
            reserved: {
                let mut d: [Option<String>; 31] = Default::default();
                for (k, slot) in d.iter_mut().enumerate() {
                    *slot = i.text(3 + k)?;
                }
                d
            },
        }),
        "SY" => Record::Sy(Sy {
            code: i.req_fixed(2, 7)?,
            start_date: i.req_date(3)?,
            outcome: i.req_code(4, Table::Outcome)?,
            modifiers: i.list(5, 4)?,
            name: i.text(6)?,
            main: i.digits(7)?,
            note: i.text(8)?,
        }),
        "SI" => Record::Detail(Detail::SI(Si {
            category: i.code(2, Table::Category)?,
            effective_category: None,
            payer_class: i.req_code(3, Table::PayerClass)?,
            code: i.req_fixed(4, 9)?,
            quantity: i.decimal(5)?,
            points: i.int(6)?,
            count: i.int(7)?,
            comments: i.comments(8)?,
            days: i.days(14)?,
        })),
        "IY" => Record::Detail(Detail::IY(Iy {
            category: i.code(2, Table::Category)?,
            effective_category: None,
            payer_class: i.req_code(3, Table::PayerClass)?,
            code: i.req_fixed(4, 9)?,
            quantity: i.decimal(5)?,
            points: i.int(6)?,
            count: i.int(7)?,
            comments: i.comments(8)?,
            days: i.days(14)?,
        })),
        "TO" => Record::Detail(Detail::TO(To {
            category: i.code(2, Table::Category)?,
            effective_category: None,
            payer_class: i.req_code(3, Table::PayerClass)?,
            code: i.req_fixed(4, 9)?,
            quantity: i.decimal(5)?,
            points: i.int(6)?,
            count: i.int(7)?,
            unit_code: i.digits(8)?,
            unit_price: i.decimal(9)?,
            reserved: i.text(10)?,
            product_name: i.text(11)?,
            comments: i.comments(12)?,
            days: i.days(18)?,
        })),
        "CO" => Record::Detail(Detail::CO(Co {
            category: i.code(2, Table::Category)?,
            effective_category: None,
            payer_class: i.req_code(3, Table::PayerClass)?,
            code: i.req_fixed(4, 9)?,
            text: i.text(5)?,
        })),
        "SJ" => Record::Sj(Sj {
            kind: i.digits(2)?,
            text: i.text(3)?,
        }),
        "GO" => Record::Go(Go {
            total_count: i.req_int(2)?,
            total_points: i.req_int(3)?,
            volume: i.req_digits(4)?,
        }),
        other => {
            return Err(Fault {
                no: 1,
                value: Some(other.to_string()),
                reason: "is not a record type the reader describes".into(),
            })
        }
    })
}

/// Builds the field texts of one record.
struct Out {
    f: Vec<String>,
    style: DateStyle,
}

impl Out {
    fn new(id: &str, style: DateStyle) -> Out {
        Out {
            f: vec![id.to_string()],
            style,
        }
    }
    fn s(&mut self, v: &str) {
        self.f.push(v.to_string());
    }
    fn opt(&mut self, v: &Option<String>) {
        self.f.push(v.clone().unwrap_or_default());
    }
    fn num<T: ToString>(&mut self, v: Option<T>) {
        self.f.push(v.map(|x| x.to_string()).unwrap_or_default());
    }
    fn list(&mut self, v: &[String]) {
        self.f.push(v.concat());
    }
    fn date(&mut self, v: Option<NaiveDate>) -> R<()> {
        let no = self.f.len() + 1;
        let t = match v {
            Some(d) => date::format_date(d, self.style).map_err(|e| Fault {
                no,
                value: Some(d.to_string()),
                reason: e,
            })?,
            None => String::new(),
        };
        self.f.push(t);
        Ok(())
    }
    fn month(&mut self, v: YearMonth) -> R<()> {
        let no = self.f.len() + 1;
        let t = date::format_month(v, self.style).map_err(|e| Fault {
            no,
            value: Some(v.to_string()),
            reason: e,
        })?;
        self.f.push(t);
        Ok(())
    }
    fn comments(&mut self, c: &[Comment; 3]) {
        for x in c {
            self.opt(&x.code);
            self.opt(&x.text);
        }
    }
    fn days(&mut self, d: &Days) {
        for x in d {
            self.num(*x);
        }
    }
}

/// The field texts of a record (field 1 first), in `style`.
pub(crate) fn format(rec: &Record, style: DateStyle) -> R<Vec<String>> {
    let mut o;
    match rec {
        Record::Ir(r) => {
            o = Out::new("IR", style);
            o.s(&r.payer);
            o.s(&r.prefecture);
            o.s(&r.fee_table);
            o.s(&r.facility_code);
            o.opt(&r.reserved);
            o.opt(&r.facility_name);
            o.month(r.billing_month)?;
            o.s(&r.volume);
            o.opt(&r.phone);
        }
        Record::Re(r) => {
            o = Out::new("RE", style);
            o.num(Some(r.number));
            o.s(&r.receipt_type);
            o.month(r.service_month)?;
            o.opt(&r.name);
            o.s(&r.sex);
            o.date(Some(r.birth_date))?;
            o.num(r.benefit_rate);
            o.date(r.admission_date)?;
            o.list(&r.wards);
            o.opt(&r.copay_class);
            o.list(&r.special_notes);
            o.num(r.beds);
            o.opt(&r.chart_number);
            o.opt(&r.discount_unit_price);
            o.opt(&r.reserved_16);
            o.opt(&r.reserved_17);
            o.opt(&r.reserved_18);
            o.opt(&r.search_number);
            o.opt(&r.reserved_20);
            o.opt(&r.billing_info);
            for d in &r.departments {
                o.opt(&d.name);
                o.opt(&d.body_part);
                o.opt(&d.sex);
                o.opt(&d.treatment);
                o.opt(&d.disease);
            }
            o.opt(&r.kana_name);
            o.list(&r.patient_states);
        }
        Record::Ho(r) => {
            o = Out::new("HO", style);
            o.opt(&r.insurer_number);
            o.opt(&r.card_symbol);
            o.opt(&r.card_number);
            o.num(r.days);
            o.num(r.total_points);
            o.opt(&r.reserved);
            o.num(r.meal_count);
            o.num(r.meal_amount);
            o.opt(&r.occupational_reason);
            o.opt(&r.certificate_number);
            o.num(r.copay);
            o.opt(&r.reduction);
            o.num(r.reduction_rate);
            o.num(r.reduction_amount);
        }
        Record::Ko(r) => {
            o = Out::new("KO", style);
            o.opt(&r.payer_number);
            o.opt(&r.recipient_number);
            o.opt(&r.optional_benefit);
            o.num(r.days);
            o.num(r.total_points);
            o.num(r.copay);
            o.num(r.outpatient_copay);
            o.num(r.inpatient_copay);
            o.opt(&r.reserved);
            o.num(r.meal_count);
            o.num(r.meal_amount);
        }
        Record::Sn(r) => {
            o = Out::new("SN", style);
            o.s(&r.payer_kind);
            o.s(&r.confirmation);
            o.opt(&r.insurer_number);
            o.opt(&r.card_symbol);
            o.opt(&r.card_number);
            o.opt(&r.branch_number);
            o.opt(&r.recipient_number);
            o.opt(&r.reserved);
        }
        Record::Jd(r) => {
            o = Out::new("JD", style);
            o.s(&r.payer_kind);
            for d in &r.days {
                o.opt(d);
            }
        }
        Record::Mf(r) => {
            o = Out::new("MF", style);
            o.s(&r.class);
            for d in &r.reserved {
                o.opt(d);
            }
        }
        Record::Sy(r) => {
            o = Out::new("SY", style);
            o.s(&r.code);
            o.date(Some(r.start_date))?;
            o.s(&r.outcome);
            o.list(&r.modifiers);
            o.opt(&r.name);
            o.opt(&r.main);
            o.opt(&r.note);
        }
        Record::Detail(Detail::SI(r)) => {
            o = Out::new("SI", style);
            o.opt(&r.category);
            o.s(&r.payer_class);
            o.s(&r.code);
            o.num(r.quantity);
            o.num(r.points);
            o.num(r.count);
            o.comments(&r.comments);
            o.days(&r.days);
        }
        Record::Detail(Detail::IY(r)) => {
            o = Out::new("IY", style);
            o.opt(&r.category);
            o.s(&r.payer_class);
            o.s(&r.code);
            o.num(r.quantity);
            o.num(r.points);
            o.num(r.count);
            o.comments(&r.comments);
            o.days(&r.days);
        }
        Record::Detail(Detail::TO(r)) => {
            o = Out::new("TO", style);
            o.opt(&r.category);
            o.s(&r.payer_class);
            o.s(&r.code);
            o.num(r.quantity);
            o.num(r.points);
            o.num(r.count);
            o.opt(&r.unit_code);
            o.num(r.unit_price);
            o.opt(&r.reserved);
            o.opt(&r.product_name);
            o.comments(&r.comments);
            o.days(&r.days);
        }
        Record::Detail(Detail::CO(r)) => {
            o = Out::new("CO", style);
            o.opt(&r.category);
            o.s(&r.payer_class);
            o.s(&r.code);
            o.opt(&r.text);
        }
        Record::Sj(r) => {
            o = Out::new("SJ", style);
            o.opt(&r.kind);
            o.opt(&r.text);
        }
        Record::Go(r) => {
            o = Out::new("GO", style);
            o.num(Some(r.total_count));
            o.num(Some(r.total_points));
            o.s(&r.volume);
        }
    }
    Ok(o.f)
}

/// The layout of a typed record.
pub(crate) fn layout_of(rec: &Record) -> &'static RecordLayout {
    match rec {
        Record::Ir(_) => &layout::IR,
        Record::Re(_) => &layout::RE,
        Record::Ho(_) => &layout::HO,
        Record::Ko(_) => &layout::KO,
        Record::Sn(_) => &layout::SN,
        Record::Jd(_) => &layout::JD,
        Record::Mf(_) => &layout::MF,
        Record::Sy(_) => &layout::SY,
        Record::Detail(Detail::SI(_)) => &layout::SI,
        Record::Detail(Detail::IY(_)) => &layout::IY,
        Record::Detail(Detail::TO(_)) => &layout::TO,
        Record::Detail(Detail::CO(_)) => &layout::CO,
        Record::Sj(_) => &layout::SJ,
        Record::Go(_) => &layout::GO,
    }
}
