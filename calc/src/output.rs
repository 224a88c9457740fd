//! The result of one claim: lines, totals, warnings, errors and the trace, with their words
//! in a [`Texts`] pool the result owns (see [`crate::text`]), and its serde form.
//!
//! The JSON of a result is the contract every front end prints (the `api` crate writes it;
//! `serde_json` of a [`CalcOutput`] gives the same text):
//! `total_points`, `lines` [{`code`, `name`, `points`, `count`, `subtotal`, `origin`, `rule`,
//! `verified`, `source`, `section`, and for the lines of a 剤 `group` (its item index) and,
//! on a drug or material line, `price` {`kind`, `yen`, `points`, `how`, `parts`}}],
//! `warnings`, `warning_ids`, `errors`, `error_ids`, `trace` [{`rule`, `looked_at`, `source`,
//! `decision`, `message_id`}] and, when the claim gives the insurance facts, `copay`. The ids
//! are those of the message catalog ([`crate::catalog`]; `null` for a text it does not list).

use crate::copay::month::CopayBlock;
use crate::text::{whole, Show, ShowAll, Text, Texts};
pub use crate::trace::TraceEntry;
use masters::Code;
use rust_decimal::Decimal;
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

/// One line of the result.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    /// The procedure code; `None` for an add-on no official code is known for.
    pub code: Option<Code>,
    pub name: Text,
    pub points: Decimal,
    pub count: i64,
    pub subtotal: Decimal,
    /// "input" or "auto".
    pub origin: &'static str,
    /// The rule that put the line here (or the point kind for input lines).
    pub rule: Text,
    /// False when a fact of the line is not confirmed by an official master.
    pub verified: bool,
    /// Where the line's points come from.
    pub source: Text,
    /// 診療識別 of the 剤 (or the item) the line is in, when the claim gives one.
    pub section: Option<crate::group::Section>,
    /// The claim item (剤) the line belongs to, for the lines of a 剤.
    pub group: Option<u32>,
    /// How a drug (薬剤料) or material line was priced: an index into [`CalcOutput::prices`].
    pub price: Option<u32>,
}

/// What a drug or material line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceKind {
    /// 薬剤料 of a 剤 (its drugs together).
    Drug,
    /// 特定保険医療材料料 of one material.
    Material,
}

impl PriceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceKind::Drug => "drug",
            PriceKind::Material => "material",
        }
    }
}

/// One drug or material of a priced line: its 薬価/材料価格 on the date and what it cost.
#[derive(Clone, Copy, Debug)]
pub struct PricePart {
    pub code: Code,
    pub name: Text,
    pub quantity: Decimal,
    /// 単位 of the master.
    pub unit: Text,
    /// 薬価 / 材料価格 per unit, yen.
    pub price: Decimal,
    /// price × quantity, yen.
    pub yen: Decimal,
    /// Where the price comes from (master file and the row's 変更年月日).
    pub source: Text,
}

/// How a drug or material line became points: the yen of its parts, the sum and the rule.
#[derive(Clone, Debug)]
pub struct Price {
    pub kind: PriceKind,
    /// Σ yen of the parts (one 所定単位: １剤１日分, １回分, １調剤).
    pub yen: Decimal,
    /// The points of one unit, before the receipt rules (逓減 …).
    pub points: Decimal,
    /// How the yen became points (the rule and its source).
    pub how: Text,
    pub parts: Vec<PricePart>,
}

/// The result of one claim: plain owned data (its texts live in its own pool).
#[derive(Clone, Debug)]
pub struct CalcOutput {
    pub total_points: Decimal,
    pub lines: Vec<Line>,
    pub warnings: Vec<Text>,
    pub errors: Vec<Text>,
    pub trace: Vec<TraceEntry>,
    /// What the patient pays for this visit (when the claim gives the insurance facts).
    pub copay: Option<CopayBlock>,
    /// How the drug and material lines were priced (see [`Line::price`]).
    pub prices: Vec<Price>,
    /// The words of the lines, warnings, errors and trace.
    pub texts: Texts,
}

impl CalcOutput {
    /// A text of this result, ready to be written.
    pub fn show(&self, t: Text) -> Show<'_> {
        self.texts.show(t)
    }

    /// A text of this result as a string.
    pub fn string(&self, t: Text) -> String {
        self.texts.string(t)
    }

    /// The warnings as strings.
    pub fn warning_strings(&self) -> Vec<String> {
        self.warnings.iter().map(|&t| self.string(t)).collect()
    }

    /// The errors as strings.
    pub fn error_strings(&self) -> Vec<String> {
        self.errors.iter().map(|&t| self.string(t)).collect()
    }

    /// Whether the claim breaks a rule (`errors` is not empty).
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// `points × count`, exactly (whole points multiply as integers). The claim's bounds
/// (`calc::values::MAX_COUNT`, `MAX_STATED_POINTS`) keep it far from overflowing; should it
/// ever, the result is `Decimal::MAX`, which [`sum`] refuses — never a panic, never a wrong
/// total.
pub fn subtotal(points: Decimal, count: i64) -> Decimal {
    if points.scale() == 0 {
        if let Some(n) = i64::try_from(points.mantissa())
            .ok()
            .and_then(|m| m.checked_mul(count))
        {
            return Decimal::from(n);
        }
    }
    points
        .checked_mul(Decimal::from(count))
        .unwrap_or(Decimal::MAX)
}

/// The exact sum (whole points add as integers); `None` when it does not fit an `i64` of
/// points or a subtotal overflowed.
pub fn sum(mut values: impl Iterator<Item = Decimal> + Clone) -> Option<Decimal> {
    let whole = values.clone().try_fold(0i64, |acc, d| {
        if d.scale() != 0 {
            return None;
        }
        acc.checked_add(i64::try_from(d.mantissa()).ok()?)
    });
    if let Some(n) = whole {
        return Some(Decimal::from(n));
    }
    let total = values.try_fold(Decimal::ZERO, |acc, d| {
        (d != Decimal::MAX).then_some(())?;
        acc.checked_add(d)
    })?;
    (total.abs() <= Decimal::from(i64::MAX)).then_some(total)
}

/// Serialise a decimal as an exact JSON number.
pub fn dec<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    if let Some(n) = whole(*d) {
        return s.serialize_i64(n);
    }
    let text = d.normalize().to_string();
    match text.parse::<serde_json::Number>() {
        Ok(n) => n.serialize(s),
        Err(_) => s.serialize_str(&text),
    }
}

struct Dec(Decimal);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        dec(&self.0, s)
    }
}

struct LineJson<'p> {
    line: &'p Line,
    texts: &'p Texts,
    prices: &'p [Price],
}

struct PartJson<'p> {
    part: &'p PricePart,
    texts: &'p Texts,
}

impl Serialize for PartJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (p, t) = (self.part, self.texts);
        let mut o = s.serialize_struct("PricePart", 7)?;
        o.serialize_field("code", &p.code)?;
        o.serialize_field("name", &t.show(p.name))?;
        o.serialize_field("quantity", &Dec(p.quantity))?;
        o.serialize_field("unit", &t.show(p.unit))?;
        o.serialize_field("price", &Dec(p.price))?;
        o.serialize_field("yen", &Dec(p.yen))?;
        o.serialize_field("source", &t.show(p.source))?;
        o.end()
    }
}

struct PriceJson<'p> {
    price: &'p Price,
    texts: &'p Texts,
}

impl Serialize for PriceJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (p, t) = (self.price, self.texts);
        let mut o = s.serialize_struct("Price", 5)?;
        o.serialize_field("kind", p.kind.as_str())?;
        o.serialize_field("yen", &Dec(p.yen))?;
        o.serialize_field("points", &Dec(p.points))?;
        o.serialize_field("how", &t.show(p.how))?;
        o.serialize_field(
            "parts",
            &seq(p.parts.iter().map(|part| PartJson { part, texts: t })),
        )?;
        o.end()
    }
}

impl Serialize for LineJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (l, t) = (self.line, self.texts);
        let mut o = s.serialize_struct("Line", 12)?;
        o.serialize_field("code", &l.code)?;
        o.serialize_field("name", &t.show(l.name))?;
        o.serialize_field("points", &Dec(l.points))?;
        o.serialize_field("count", &l.count)?;
        o.serialize_field("subtotal", &Dec(l.subtotal))?;
        o.serialize_field("origin", l.origin)?;
        o.serialize_field("rule", &t.show(l.rule))?;
        o.serialize_field("verified", &l.verified)?;
        o.serialize_field("source", &t.show(l.source))?;
        o.serialize_field("section", &l.section)?;
        if let Some(g) = l.group {
            o.serialize_field("group", &g)?;
        }
        if let Some(price) = l.price.and_then(|i| self.prices.get(i as usize)) {
            o.serialize_field("price", &PriceJson { price, texts: t })?;
        }
        o.end()
    }
}

#[derive(Serialize)]
struct TraceJson<'p> {
    rule: Show<'p>,
    looked_at: Show<'p>,
    source: Show<'p>,
    decision: Show<'p>,
    message_id: Option<&'static str>,
}

/// The catalog ids of a list of texts (`warning_ids`, `error_ids`).
struct Ids<'p> {
    pool: &'p Texts,
    texts: &'p [Text],
}

impl Serialize for Ids<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.texts.iter().map(|&t| self.pool.message_id(t)))
    }
}

struct Seq<I>(std::cell::Cell<Option<I>>);

impl<I: Iterator<Item = T>, T: Serialize> Serialize for Seq<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Some(it) => s.collect_seq(it),
            None => s.collect_seq(std::iter::empty::<T>()),
        }
    }
}

fn seq<I: Iterator<Item = T>, T: Serialize>(it: I) -> Seq<I> {
    Seq(std::cell::Cell::new(Some(it)))
}

impl Serialize for CalcOutput {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = &self.texts;
        let n = if self.copay.is_some() { 8 } else { 7 };
        let mut o = s.serialize_struct("CalcOutput", n)?;
        o.serialize_field("total_points", &Dec(self.total_points))?;
        o.serialize_field(
            "lines",
            &seq(self.lines.iter().map(|line| LineJson {
                line,
                texts: t,
                prices: &self.prices,
            })),
        )?;
        o.serialize_field(
            "warnings",
            &ShowAll {
                pool: t,
                texts: &self.warnings,
            },
        )?;
        o.serialize_field(
            "warning_ids",
            &Ids {
                pool: t,
                texts: &self.warnings,
            },
        )?;
        o.serialize_field(
            "errors",
            &ShowAll {
                pool: t,
                texts: &self.errors,
            },
        )?;
        o.serialize_field(
            "error_ids",
            &Ids {
                pool: t,
                texts: &self.errors,
            },
        )?;
        o.serialize_field(
            "trace",
            &seq(self.trace.iter().map(|e| TraceJson {
                rule: t.show(e.rule),
                looked_at: t.show(e.looked_at),
                source: t.show(e.source),
                decision: t.show(e.decision),
                message_id: t.message_id(e.decision),
            })),
        )?;
        if let Some(c) = &self.copay {
            o.serialize_field("copay", c)?;
        }
        o.end()
    }
}
