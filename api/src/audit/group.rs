//! A unit (点数・回数算定単位) as a claim item. A unit of one SI record is a plain line
//! (`{code, count}`); a unit of several records, or with an IY (医薬品) or TO (特定器材) record,
//! is a 剤 `{section, count, lines: [{code, quantity}]}` (`calc::group`) of its 診療識別, its
//! 使用量 as each line's quantity — priced by the engine from the 医薬品/特定器材 masters on the
//! date, with the receipt rules (まるめ, 逓減, 包括 …) of the day. The unit's recomputed points
//! are then Σ of the points of the engine's lines of that item (per 回), compared with the
//! unit's stated 点数.

use super::msg::{m, Msg};
use super::units::Unit;
use calc::claim::Item;
use calc::group::{GroupLine, Section};
use masters::Code;
use uke::Detail;

/// How a unit goes into a claim.
#[derive(Clone, Debug)]
pub(crate) enum Shape {
    /// One SI record: a plain line.
    Plain(Code),
    /// A 剤 (count 1; set per day).
    Group(Item),
}

impl Shape {
    /// The claim item with `count` (回数 that day).
    pub fn item(&self, count: i64) -> Item {
        match self {
            Shape::Plain(code) => Item::line(*code, count),
            Shape::Group(it) => {
                let mut it = it.clone();
                it.count = count;
                it
            }
        }
    }

    /// The codes of its lines.
    pub fn codes(&self) -> Vec<Code> {
        match self {
            Shape::Plain(c) => vec![*c],
            Shape::Group(it) => it.lines.iter().flatten().map(|l| l.code).collect(),
        }
    }
}

/// Whether a unit has an IY or TO record, and which master prices it ("医薬品マスター" …).
pub(crate) fn master_names(details: &[Detail], u: &Unit) -> Vec<&'static str> {
    let mut out = Vec::new();
    if u.records
        .iter()
        .any(|&i| matches!(details[i], Detail::IY(_)))
    {
        out.push("医薬品マスター");
    }
    if u.records
        .iter()
        .any(|&i| matches!(details[i], Detail::TO(_)))
    {
        out.push("特定器材マスター");
    }
    out
}

/// The unit as a claim item, or why it cannot be one.
pub(crate) fn shape(details: &[Detail], u: &Unit) -> Result<Shape, Msg> {
    let code = |d: &Detail| Code::parse(d.code()).map_err(|e| m!("audit.code_error", d.code(), e));
    if let [i] = u.records[..] {
        if let Detail::SI(_) = &details[i] {
            return Ok(Shape::Plain(code(&details[i])?));
        }
    }
    let section_text = u
        .section
        .as_deref()
        .ok_or_else(|| m!("audit.unit_no_section"))?;
    let section = section_text
        .parse::<u8>()
        .ok()
        .filter(|_| section_text.len() == 2)
        .map(Section)
        .ok_or_else(|| m!("audit.section_not_two_digits", format!("{section_text:?}")))?;
    let mut lines = Vec::with_capacity(u.records.len());
    for &i in &u.records {
        let d = &details[i];
        let c = code(d)?;
        let mut l: GroupLine = serde_json::from_value(serde_json::json!({ "code": c.to_string() }))
            .map_err(|e| m!("audit.code_error", d.code(), e.to_string()))?;
        l.quantity = match d {
            Detail::SI(s) => s.quantity,
            Detail::IY(s) => s.quantity,
            Detail::TO(s) => s.quantity,
            Detail::CO(_) => None,
        };
        lines.push(l);
    }
    let first = lines
        .first()
        .map(|l| l.code.to_string())
        .unwrap_or_default();
    let mut it: Item = serde_json::from_value(serde_json::json!({
        "section": section.to_string(),
        "lines": [{ "code": first }],
    }))
    .map_err(|e| m!("audit.section_error", section.to_string(), e.to_string()))?;
    it.lines = Some(lines);
    Ok(Shape::Group(it))
}
