//! Typed values of the official files' fields.
//!
//! Each type parses the official cell text (`parse_cell`) and serialises to a readable form
//! for JSON output and the project's own data format. Parsing is strict: a value outside the
//! set the specification allows is an error, never a silent default — except an empty cell,
//! which means "not set" (the 2022 layout leaves the R6 fields empty).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A field value read from an official cell.
pub trait CellValue: Sized {
    /// Parse a non-empty or empty cell. The error is a short reason; the caller adds the location.
    fn parse_cell(s: &str) -> Result<Self, String>;
}

macro_rules! uint_cell {
    ($($t:ty),*) => {$(
        impl CellValue for $t {
            fn parse_cell(s: &str) -> Result<Self, String> {
                if s.is_empty() { return Ok(0); }
                if !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("expected digits, found {s:?}"));
                }
                s.parse::<$t>().map_err(|_| format!("number out of range: {s}"))
            }
        }
    )*};
}
uint_cell!(u8, u16, u32);

impl CellValue for String {
    fn parse_cell(s: &str) -> Result<Self, String> {
        Ok(s.to_string())
    }
}

impl CellValue for Decimal {
    fn parse_cell(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Ok(Decimal::ZERO);
        }
        let ok = s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && s.bytes().filter(|b| *b == b'.').count() <= 1
            && s.bytes().next().is_some_and(|b| b.is_ascii_digit());
        if !ok {
            return Err(format!(
                "expected a decimal number like 291.00, found {s:?}"
            ));
        }
        Decimal::from_str(s).map_err(|e| format!("bad decimal {s:?}: {e}"))
    }
}

/// 診療行為コード — a 9-digit procedure code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Code(pub u32);

impl Code {
    /// Parse a 9-digit code.
    pub fn parse(s: &str) -> Result<Code, String> {
        // Nine ASCII digits, accumulated in one pass (at most 999,999,999: no overflow);
        // every claim line passes here.
        let b = s.as_bytes();
        if b.len() != 9 {
            return Err(format!("a code has 9 digits, found {s:?}"));
        }
        let mut n = 0u32;
        for &c in b {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return Err(format!("a code has 9 digits, found {s:?}"));
            }
            n = n * 10 + u32::from(d);
        }
        Ok(Code(n))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

impl FromStr for Code {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Code::parse(s)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Code, E> {
                Code::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl CellValue for Code {
    fn parse_cell(s: &str) -> Result<Self, String> {
        Code::parse(s)
    }
}

/// A code cell where "0" (or empty) means none, e.g. 年齢加算 注加算診療行為コード.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OptCode(pub Option<Code>);

impl CellValue for OptCode {
    fn parse_cell(s: &str) -> Result<Self, String> {
        if s.is_empty() || s == "0" {
            return Ok(OptCode(None));
        }
        Code::parse(s).map(|c| OptCode(Some(c)))
    }
}

/// An 8-digit date (YYYYMMDD). `99999999` means "no end" and reads as `None`, as does an
/// empty cell or `0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateCell(pub Option<NaiveDate>);

impl DateCell {
    pub fn date(&self) -> Option<NaiveDate> {
        self.0
    }
}

/// Parse YYYYMMDD strictly.
pub fn parse_yyyymmdd(s: &str) -> Result<NaiveDate, String> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("expected a date YYYYMMDD, found {s:?}"));
    }
    let y: i32 = s[0..4].parse().map_err(|_| format!("bad year in {s:?}"))?;
    let m: u32 = s[4..6].parse().map_err(|_| format!("bad month in {s:?}"))?;
    let d: u32 = s[6..8].parse().map_err(|_| format!("bad day in {s:?}"))?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("impossible date {s:?}"))
}

impl CellValue for DateCell {
    fn parse_cell(s: &str) -> Result<Self, String> {
        match s {
            "" | "0" | "00000000" | "99999999" => Ok(DateCell(None)),
            _ => parse_yyyymmdd(s).map(|d| DateCell(Some(d))),
        }
    }
}

impl Serialize for DateCell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(d) => s.collect_str(&d.format("%Y-%m-%d")),
            None => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for DateCell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        match s {
            None => Ok(DateCell(None)),
            Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(|d| DateCell(Some(d)))
                .map_err(|_| serde::de::Error::custom(format!("bad date {s:?} (YYYY-MM-DD)"))),
        }
    }
}

/// Defines an enum for a coded field: official digit ↔ variant ↔ readable name.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $code:literal => $text:literal),* $(,)? } default $def:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $var),* }
        impl Default for $name { fn default() -> Self { $name::$def } }
        impl $name {
            /// The official code as written in the file.
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),* } }
            /// The readable name used in JSON and in the project's data files.
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $text),* } }
            /// Parse the readable name or the official code.
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($text | $code => Some($name::$var),)* _ => None }
            }
            fn allowed() -> String { [$(concat!($code, " (", $text, ")")),*].join(", ") }
        }
        impl CellValue for $name {
            fn parse_cell(s: &str) -> Result<Self, String> {
                if s.is_empty() { return Ok($name::$def); }
                match s { $($code => Ok($name::$var),)* _ => Err(format!("expected one of {}", Self::allowed())) }
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::from_name(&s).ok_or_else(|| serde::de::Error::custom(format!("{s:?}: expected one of {}", Self::allowed())))
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

coded_enum! {
    /// 変更区分 — what an update row does to the record.
    ChangeKind {
        /// 0 前マスターと同じ — unchanged.
        Unchanged = "0" => "unchanged",
        /// 1 抹消 — erase the record.
        Delete = "1" => "delete",
        /// 3 新規 — new record.
        New = "3" => "new",
        /// 5 変更 — change (empty fields mean unchanged).
        Change = "5" => "change",
        /// 9 廃止 — abolished (sets 廃止年月日).
        Abolish = "9" => "abolish",
    } default Unchanged
}

coded_enum! {
    /// 点数識別 — what kind of amount 新又は現点数 holds (別紙7-1).
    PointKind {
        /// 1 金額 — yen.
        Yen = "1" => "yen",
        /// 3 点数（プラス） — points.
        Points = "3" => "points",
        /// 4 購入価格（点数） — points computed from a purchase price.
        PurchasePrice = "4" => "purchase_price",
        /// 5 %加算 — percentage added to the base.
        PercentAdd = "5" => "percent_add",
        /// 6 %減算 — percentage subtracted from the base.
        PercentSub = "6" => "percent_sub",
        /// 7 減点診療行為 — reduced-point procedure.
        Reduction = "7" => "reduction",
        /// 8 点数（マイナス） — minus points.
        MinusPoints = "8" => "minus_points",
        /// 0 — not set (used in 旧点数識別 only).
        None = "0" => "none",
    } default Points
}

coded_enum! {
    /// 入外適用区分 — which receipt (inpatient/outpatient) may carry the code.
    InOutScope {
        /// 0 — both.
        Both = "0" => "both",
        /// 1 — inpatient receipts only.
        InpatientOnly = "1" => "inpatient_only",
        /// 2 — outpatient receipts only.
        OutpatientOnly = "2" => "outpatient_only",
    } default Both
}

coded_enum! {
    /// 後期高齢者医療適用区分.
    ElderlyScope {
        /// 0 — both schemes.
        Both = "0" => "both",
        /// 1 — 医療保険 only.
        MedicalInsuranceOnly = "1" => "medical_insurance_only",
        /// 2 — 後期高齢者医療 only.
        LateElderlyOnly = "2" => "late_elderly_only",
    } default Both
}

coded_enum! {
    /// 病院・診療所区分 — facility type the code applies to.
    FacilityScope {
        /// 0 — any.
        Any = "0" => "any",
        /// 1 — hospitals only (病院).
        HospitalOnly = "1" => "hospital_only",
        /// 2 — clinics only (診療所).
        ClinicOnly = "2" => "clinic_only",
        /// 3 — not for DPC hospitals (R4 layout: ＤＰＣ対象病院を除く).
        NotDpcHospital = "3" => "not_dpc_hospital",
        /// 4 — 短期滞在手術等基本料３.
        ShortStay3 = "4" => "short_stay_3",
    } default Any
}

coded_enum! {
    /// 外来管理加算区分.
    OutpatientMgmt {
        /// 0 — no relation.
        None = "0" => "none",
        /// 1 — claiming this code blocks 外来管理加算.
        Blocks = "1" => "blocks",
        /// 2 — the 外来管理加算 itself.
        IsAddon = "2" => "is_addon",
    } default None
}

/// 下限年齢 / 上限年齢 — an age bound. `00` means no bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum AgeBound {
    /// 00 — no bound.
    #[default]
    Unbounded,
    /// Whole years (01–99).
    Years(u8),
    /// AA — 28 days after birth (生後28日).
    Days28,
    /// AE — 90 days after birth (生後90日).
    Days90,
    /// B3/B6/BF/BK — the first of the month after the day the person reaches N years.
    MonthAfterReaching(u8),
    /// MG — 未就学児 (until the first 31 March after reaching 6).
    Preschool,
}

impl AgeBound {
    /// The official two-character code.
    pub fn code(&self) -> String {
        match self {
            AgeBound::Unbounded => "00".into(),
            AgeBound::Years(n) => format!("{n:02}"),
            AgeBound::Days28 => "AA".into(),
            AgeBound::Days90 => "AE".into(),
            AgeBound::MonthAfterReaching(3) => "B3".into(),
            AgeBound::MonthAfterReaching(6) => "B6".into(),
            AgeBound::MonthAfterReaching(15) => "BF".into(),
            AgeBound::MonthAfterReaching(20) => "BK".into(),
            AgeBound::MonthAfterReaching(n) => format!("B?{n}"),
            AgeBound::Preschool => "MG".into(),
        }
    }

    /// Parse the official code.
    pub fn parse(s: &str) -> Result<AgeBound, String> {
        Ok(match s {
            "" | "00" => AgeBound::Unbounded,
            "AA" => AgeBound::Days28,
            "AE" => AgeBound::Days90,
            "B3" => AgeBound::MonthAfterReaching(3),
            "B6" => AgeBound::MonthAfterReaching(6),
            "BF" => AgeBound::MonthAfterReaching(15),
            "BK" => AgeBound::MonthAfterReaching(20),
            "MG" => AgeBound::Preschool,
            _ if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) => {
                AgeBound::Years(s.parse().map_err(|_| format!("bad age {s:?}"))?)
            }
            _ => {
                return Err(format!(
                    "expected an age code (00–99, AA, AE, B3, B6, BF, BK, MG), found {s:?}"
                ))
            }
        })
    }

    /// The first date on which a person born on `birth` has passed this bound
    /// (for a lower bound: first eligible day; for an upper bound: first ineligible day).
    /// `None` for `Unbounded`.
    ///
    /// Ages follow 年齢計算ニ関スル法律: a person reaches N years at the end of the day
    /// before the N-th birthday, so "N years old on date D" ⇔ D ≥ the N-th birthday, and
    /// "the day the person reaches N" is the day before the birthday.
    pub fn threshold_date(&self, birth: NaiveDate) -> Option<NaiveDate> {
        use chrono::{Datelike, Days, Months};
        match *self {
            AgeBound::Unbounded => None,
            AgeBound::Years(n) => Some(add_years(birth, n as u32)),
            AgeBound::Days28 => birth.checked_add_days(Days::new(28)),
            AgeBound::Days90 => birth.checked_add_days(Days::new(90)),
            AgeBound::MonthAfterReaching(n) => {
                let reached = add_years(birth, n as u32).pred_opt()?;
                let first = reached.with_day(1)?;
                first.checked_add_months(Months::new(1))
            }
            AgeBound::Preschool => {
                // 未就学: until the first 31 March on or after the day the child reaches 6;
                // the next day (1 April) is the first day of school age.
                let reached = add_years(birth, 6).pred_opt()?;
                let y = if (reached.month(), reached.day()) <= (3, 31) {
                    reached.year()
                } else {
                    reached.year() + 1
                };
                NaiveDate::from_ymd_opt(y, 4, 1)
            }
        }
    }
}

/// The N-th birthday; a 29 February birthday falls on 28 February in common years for the
/// purpose of reaching an age (the person reaches the age at the end of 28 February, so the
/// birthday is treated as 1 March).
pub fn add_years(birth: NaiveDate, n: u32) -> NaiveDate {
    use chrono::Datelike;
    let y = birth.year() + n as i32;
    NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))
        .unwrap_or(birth)
}

impl CellValue for AgeBound {
    fn parse_cell(s: &str) -> Result<Self, String> {
        AgeBound::parse(s)
    }
}

impl Serialize for AgeBound {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for AgeBound {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AgeBound::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// 注加算通番 — serial of an addition within its 注加算 group: 0 on the base item,
/// 1–9 or A–Z on additions (additions with the same serial exclude each other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AddonSerial(pub u8);

impl Default for AddonSerial {
    fn default() -> Self {
        AddonSerial(b'0')
    }
}

impl AddonSerial {
    pub fn is_base(&self) -> bool {
        self.0 == b'0'
    }
}

impl CellValue for AddonSerial {
    fn parse_cell(s: &str) -> Result<Self, String> {
        match s.as_bytes() {
            [] => Ok(AddonSerial(b'0')),
            [c] if c.is_ascii_digit() || c.is_ascii_uppercase() => Ok(AddonSerial(*c)),
            _ => Err(format!("expected one character 0–9 or A–Z, found {s:?}")),
        }
    }
}

impl fmt::Display for AddonSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = if self.0 == 0 { b'0' } else { self.0 };
        write!(f, "{}", c as char)
    }
}

impl Serialize for AddonSerial {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AddonSerial {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AddonSerial::parse_cell(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn decimal_cells() {
        assert_eq!(Decimal::parse_cell("291.00").unwrap(), Decimal::new(291, 0));
        assert!(Decimal::parse_cell("29a").is_err());
        assert!(Decimal::parse_cell("-1").is_err());
        assert!(Decimal::parse_cell("1.2.3").is_err());
    }

    #[test]
    fn date_cells() {
        assert_eq!(DateCell::parse_cell("99999999").unwrap(), DateCell(None));
        assert_eq!(
            DateCell::parse_cell("20240601").unwrap(),
            DateCell(Some(d("2024-06-01")))
        );
        let e = DateCell::parse_cell("20241332").unwrap_err();
        assert!(e.contains("impossible date"), "{e}");
    }

    #[test]
    fn age_bounds_follow_the_age_law() {
        // B3: the first of the month after the day the child reaches 3 (the day before the
        // third birthday). Born 2021-05-01 → reaches 3 on 2024-04-30 → bound 2024-05-01.
        let b = AgeBound::MonthAfterReaching(3);
        assert_eq!(b.threshold_date(d("2021-05-01")), Some(d("2024-05-01")));
        assert_eq!(b.threshold_date(d("2021-05-02")), Some(d("2024-06-01")));
        // Years(6): six years old from the sixth birthday.
        assert_eq!(
            AgeBound::Years(6).threshold_date(d("2019-04-10")),
            Some(d("2025-04-10"))
        );
        // 未就学 (copayment.md §1): born 2000-02-02 → school age from 2006-04-01;
        // born 2000-06-02 → from 2007-04-01; born 2000-04-01 → from 2006-04-01.
        let mg = AgeBound::Preschool;
        assert_eq!(mg.threshold_date(d("2000-02-02")), Some(d("2006-04-01")));
        assert_eq!(mg.threshold_date(d("2000-06-02")), Some(d("2007-04-01")));
        assert_eq!(mg.threshold_date(d("2000-04-01")), Some(d("2006-04-01")));
        assert_eq!(mg.threshold_date(d("2000-04-02")), Some(d("2007-04-01")));
    }

    #[test]
    fn coded_enums_reject_unknown_codes() {
        assert_eq!(PointKind::parse_cell("3").unwrap(), PointKind::Points);
        let e = PointKind::parse_cell("2").unwrap_err();
        assert!(e.contains("expected one of 1 (yen)"), "{e}");
    }
}
