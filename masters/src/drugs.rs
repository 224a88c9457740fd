//! 医薬品マスター (y_ALL…) and 特定器材マスター (t_ALL…) full files: the fields the engine
//! and the price→points rules need, typed and dated.
//!
//! Layouts: マスターファイル仕様説明書 R06 sections 3(4) and 3(5). Only full files are read
//! here; their rows carry 変更年月日 and 廃止年月日 and are kept as one version per code.

use crate::csvfile::read_rows;
use crate::error::{LoadError, Location};
use crate::schedule::CodeMap;
use crate::value::{parse_yyyymmdd, Code};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

/// One 医薬品 record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Drug {
    /// 医薬品コード
    pub code: Code,
    /// 漢字名称
    pub name: String,
    /// 単位漢字名称
    pub unit: String,
    /// 金額種別 (1 金額)
    pub price_kind: u8,
    /// 新又は現金額 — 薬価 in yen (exact decimal)
    pub price: Decimal,
    /// 後発品 (0 none, 1 generic …)
    pub generic: u8,
    /// 剤形 (1 内用薬, 3 その他, 4 注射薬, 6 外用薬, 8 歯科用薬剤)
    pub dosage_form: u8,
    /// 変更年月日
    pub changed_on: Option<NaiveDate>,
    /// 廃止年月日 (None = no end)
    pub abolished_on: Option<NaiveDate>,
    /// 薬価基準収載医薬品コード
    pub price_list_code: String,
    /// 一般名コード
    pub generic_name_code: String,
    /// 一般名処方の標準的な記載
    pub generic_name: String,
    /// 一般名処方加算対象区分
    pub generic_prescription_addon: u8,
}

/// One 特定器材 record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Device {
    /// 特定器材コード
    pub code: Code,
    pub name: String,
    pub unit: String,
    /// 金額種別
    pub price_kind: u8,
    /// 新又は現金額 — 材料価格 in yen
    pub price: Decimal,
    pub changed_on: Option<NaiveDate>,
    pub abolished_on: Option<NaiveDate>,
    /// 基本漢字名称
    pub base_name: String,
}

fn err(file: &str, line: usize, i: usize, value: &str, reason: impl Into<String>) -> LoadError {
    LoadError::Field {
        at: Location {
            file: file.into(),
            line,
            field: Some(i + 1),
            field_name: None,
        },
        value: value.into(),
        reason: reason.into(),
    }
}

struct R<'a> {
    file: &'a str,
    line: usize,
    c: &'a [String],
}

impl R<'_> {
    fn code(&self, i: usize) -> Result<Code, LoadError> {
        Code::parse(&self.c[i]).map_err(|e| err(self.file, self.line, i, &self.c[i], e))
    }
    fn dec(&self, i: usize) -> Result<Decimal, LoadError> {
        let s = &self.c[i];
        let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if !ok {
            return Err(err(self.file, self.line, i, s, "expected a decimal amount"));
        }
        Decimal::from_str(s).map_err(|e| err(self.file, self.line, i, s, e.to_string()))
    }
    fn u8(&self, i: usize) -> Result<u8, LoadError> {
        let s = &self.c[i];
        if s.is_empty() {
            return Ok(0);
        }
        s.parse()
            .map_err(|_| err(self.file, self.line, i, s, "expected a small number"))
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, LoadError> {
        match self.c[i].as_str() {
            "" | "0" | "00000000" | "99999999" => Ok(None),
            s => parse_yyyymmdd(s)
                .map(Some)
                .map_err(|e| err(self.file, self.line, i, s, e)),
        }
    }
}

fn check_len(
    file: &str,
    line: usize,
    cells: &[String],
    min: usize,
    what: &str,
) -> Result<(), LoadError> {
    if cells.len() < min {
        return Err(LoadError::FieldCount {
            at: Location {
                file: file.into(),
                line,
                field: Some(cells.len() + 1),
                field_name: None,
            },
            found: cells.len(),
            expected: format!("at least {min} ({what})"),
            last: cells.last().cloned().unwrap_or_default(),
        });
    }
    Ok(())
}

/// Load a 医薬品マスター full file.
pub fn load_drugs(file: &str, bytes: &[u8]) -> Result<CodeMap<Drug>, LoadError> {
    let mut out = CodeMap::default();
    for row in read_rows(file, bytes)? {
        check_len(file, row.line, &row.cells, 39, "医薬品マスター")?;
        let r = R {
            file,
            line: row.line,
            c: &row.cells,
        };
        if r.c[1] != "Y" {
            return Err(err(
                file,
                row.line,
                1,
                &r.c[1],
                "expected \"Y\" (医薬品マスター)",
            ));
        }
        let d = Drug {
            code: r.code(2)?,
            name: r.c[4].clone(),
            unit: r.c[9].clone(),
            price_kind: r.u8(10)?,
            price: r.dec(11)?,
            generic: r.u8(16)?,
            dosage_form: r.u8(27)?,
            changed_on: r.date(29)?,
            abolished_on: r.date(30)?,
            price_list_code: r.c[31].clone(),
            generic_name_code: r.c.get(36).cloned().unwrap_or_default(),
            generic_name: r.c.get(37).cloned().unwrap_or_default(),
            generic_prescription_addon: r.u8(38)?,
        };
        out.insert(d.code, d);
    }
    Ok(out)
}

/// Load a 特定器材マスター full file.
pub fn load_devices(file: &str, bytes: &[u8]) -> Result<CodeMap<Device>, LoadError> {
    let mut out = CodeMap::default();
    for row in read_rows(file, bytes)? {
        check_len(file, row.line, &row.cells, 37, "特定器材マスター")?;
        let r = R {
            file,
            line: row.line,
            c: &row.cells,
        };
        if r.c[1] != "T" {
            return Err(err(
                file,
                row.line,
                1,
                &r.c[1],
                "expected \"T\" (特定器材マスター)",
            ));
        }
        let d = Device {
            code: r.code(2)?,
            name: r.c[4].clone(),
            unit: r.c[9].clone(),
            price_kind: r.u8(10)?,
            price: r.dec(11)?,
            changed_on: r.date(27)?,
            abolished_on: r.date(29)?,
            base_name: r.c[36].clone(),
        };
        out.insert(d.code, d);
    }
    Ok(out)
}
