//! The result of one claim: lines, totals, warnings, errors and the trace, with their words
//! in a [`Texts`] pool (see [`crate::text`]), and its JSON form.
//!
//! The JSON of a result is the contract every front end prints (see [`crate::api`]):
//! `total_points`, `lines` [{`code`, `name`, `points`, `count`, `subtotal`, `origin`, `rule`,
//! `verified`, `source`}], `warnings`, `errors`, `trace` [{`rule`, `looked_at`, `source`,
//! `decision`}] and, when the claim gives the insurance facts, `copay`.

use crate::copay::CopayOutput;
use crate::json::Json;
use crate::text::{Show, ShowAll, Text, Texts};
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
}

/// One decision of the engine.
#[derive(Clone, Copy, Debug)]
pub struct TraceEntry {
    pub rule: Text,
    pub looked_at: Text,
    pub source: Text,
    pub decision: Text,
}

/// The result of one claim. Its texts borrow from the engine's data and the claim (`'a`).
#[derive(Clone, Debug)]
pub struct CalcOutput<'a> {
    pub total_points: Decimal,
    pub lines: Vec<Line>,
    pub warnings: Vec<Text>,
    pub errors: Vec<Text>,
    pub trace: Vec<TraceEntry>,
    /// What the patient pays for this visit (when the claim gives the insurance facts).
    pub copay: Option<CopayOutput<'a>>,
    /// The words of the lines, warnings, errors and trace.
    pub texts: Texts<'a>,
}

impl<'a> CalcOutput<'a> {
    /// A text of this result, ready to be written.
    pub fn show(&self, t: Text) -> Show<'_, 'a> {
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

    /// The result as JSON (the bytes `serde_json` writes for it: compact, or pretty with
    /// two-space indentation), appended to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>, pretty: bool) {
        let t = &self.texts;
        let mut j = Json::new(out, pretty);
        j.begin_object();
        j.key("total_points");
        j.dec(self.total_points);
        j.key("lines");
        j.begin_array();
        for l in &self.lines {
            j.element();
            j.begin_object();
            j.key("code");
            match l.code {
                Some(c) => j.str_with(|o| crate::text::write_code_json(o, c)),
                None => j.null(),
            }
            j.key("name");
            j.str_with(|o| t.write_json(o, l.name));
            j.key("points");
            j.dec(l.points);
            j.key("count");
            j.int(l.count);
            j.key("subtotal");
            j.dec(l.subtotal);
            j.key("origin");
            j.str(l.origin);
            j.key("rule");
            j.str_with(|o| t.write_json(o, l.rule));
            j.key("verified");
            j.bool(l.verified);
            j.key("source");
            j.str_with(|o| t.write_json(o, l.source));
            j.end_object();
        }
        j.end_array();
        for (key, list) in [("warnings", &self.warnings), ("errors", &self.errors)] {
            j.key(key);
            j.begin_array();
            for &w in list {
                j.element();
                j.str_with(|o| t.write_json(o, w));
            }
            j.end_array();
        }
        j.key("trace");
        j.begin_array();
        for e in &self.trace {
            j.element();
            j.begin_object();
            for (key, text) in [
                ("rule", e.rule),
                ("looked_at", e.looked_at),
                ("source", e.source),
                ("decision", e.decision),
            ] {
                j.key(key);
                j.str_with(|o| t.write_json(o, text));
            }
            j.end_object();
        }
        j.end_array();
        if let Some(c) = &self.copay {
            j.key("copay");
            c.write_json_into(&mut j);
        }
        j.end_object();
    }

    /// The result as a JSON string (see [`CalcOutput::write_json`]).
    pub fn to_json(&self, pretty: bool) -> String {
        let mut out = Vec::with_capacity(8192);
        self.write_json(&mut out, pretty);
        crate::json::into_string(out)
    }
}

/// Serialise a decimal as an exact JSON number.
pub fn dec<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    if let Some(n) = crate::json::whole(*d) {
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

struct LineJson<'p, 'a> {
    line: &'p Line,
    texts: &'p Texts<'a>,
}

impl Serialize for LineJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (l, t) = (self.line, self.texts);
        let mut o = s.serialize_struct("Line", 9)?;
        o.serialize_field("code", &l.code)?;
        o.serialize_field("name", &t.show(l.name))?;
        o.serialize_field("points", &Dec(l.points))?;
        o.serialize_field("count", &l.count)?;
        o.serialize_field("subtotal", &Dec(l.subtotal))?;
        o.serialize_field("origin", l.origin)?;
        o.serialize_field("rule", &t.show(l.rule))?;
        o.serialize_field("verified", &l.verified)?;
        o.serialize_field("source", &t.show(l.source))?;
        o.end()
    }
}

#[derive(Serialize)]
struct TraceJson<'p, 'a> {
    rule: Show<'p, 'a>,
    looked_at: Show<'p, 'a>,
    source: Show<'p, 'a>,
    decision: Show<'p, 'a>,
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

impl Serialize for CalcOutput<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = &self.texts;
        let n = if self.copay.is_some() { 6 } else { 5 };
        let mut o = s.serialize_struct("CalcOutput", n)?;
        o.serialize_field("total_points", &Dec(self.total_points))?;
        o.serialize_field(
            "lines",
            &seq(self.lines.iter().map(|line| LineJson { line, texts: t })),
        )?;
        o.serialize_field(
            "warnings",
            &ShowAll {
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
            "trace",
            &seq(self.trace.iter().map(|e| TraceJson {
                rule: t.show(e.rule),
                looked_at: t.show(e.looked_at),
                source: t.show(e.source),
                decision: t.show(e.decision),
            })),
        )?;
        if let Some(c) = &self.copay {
            o.serialize_field("copay", c)?;
        }
        o.end()
    }
}
