//! 剤 (a group of lines under one 診療識別) in a claim: the receipt's own shape. A claim item
//! is either a plain line (`{code, count, points?}`, as before) or a 剤
//! `{section, count, lines: [{code, quantity?}]}`: procedures, drugs (`quantity` per day for
//! 内服, per use otherwise) and materials (`quantity`) of one 診療識別, priced together.
//!
//! The checks that need no data are here ([`check_item`]): a 剤 with lines, quantities above 0,
//! a plain line with its code. The 診療識別 code table and which codes fit a 診療識別 are
//! data (`rules/data/pricing/`), checked by the engine.

use chrono::NaiveTime;
use rust_decimal::Decimal;
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};

/// The largest quantity of one line of a 剤 (UKE 使用量: 8 integer digits).
pub const MAX_QUANTITY: i64 = 99_999_999;
/// The decimal places of a quantity (UKE 使用量: 5).
pub const MAX_QUANTITY_SCALE: u32 = 5;

/// 診療識別: the UKE section code of a 剤 (`"21"` 内服, `"60"` 検査 …), two digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Section(pub u8);

impl Section {
    /// The two-digit text.
    pub fn as_str(self) -> String {
        format!("{:02}", self.0)
    }
}

impl std::fmt::Display for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl<'de> Deserialize<'de> for Section {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use crate::values::Scalar;
        let s = Scalar::deserialize(d)?;
        let text = match &s {
            Scalar::Str(t) | Scalar::Num(t) => t.clone(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "expected a 診療識別 (two digits such as \"21\"), got {other}"
                )))
            }
        };
        if text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Section(text.parse().unwrap_or_default()));
        }
        Err(serde::de::Error::custom(format!(
            "{s} is not a 診療識別 (two digits such as \"21\")"
        )))
    }
}

impl Serialize for Section {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A time of day, `"HH:MM"` (the reception time of the visit, a procedure's start).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock(pub NaiveTime);

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use crate::values::Scalar;
        match Scalar::deserialize(d)? {
            Scalar::Str(t) => NaiveTime::parse_from_str(&t, "%H:%M")
                .map(Clock)
                .map_err(|_| serde::de::Error::custom(format!("\"{t}\" is not a time (HH:MM)"))),
            other => Err(serde::de::Error::custom(format!(
                "expected a time HH:MM, got {other}"
            ))),
        }
    }
}

impl Serialize for Clock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%H:%M"))
    }
}

/// One line of a 剤: a procedure, a drug (医薬品, 6xxxxxxxx) or a material (特定器材, 7xxxxxxxx).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupLine {
    #[cfg_attr(feature = "schema", schemars(with = "crate::values::CodeString"))]
    pub code: masters::Code,
    /// 使用量: for a drug, per day (内服) or per use (屯服, 注射 …) or per 調剤 (外用), in the
    /// master's unit; for a material, the number of its units; for an 画像 procedure, the films.
    /// More than 0, at most 99,999,999, five decimal places. Required for drugs and materials.
    #[serde(
        default,
        deserialize_with = "crate::values::deserialize_opt_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub quantity: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 部位 (for 同一部位 逓減 of 画像).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// `false`: not taken at the same time as the earlier 撮影 of the part (charged in full).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_time: Option<bool>,
    /// A collection label (検体): lines of one label are one specimen for a まるめ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specimen: Option<String>,
    /// A procedure's start time, HH:MM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub time: Option<Clock>,
    /// 急性増悪時の検査等 (stays billable under the 地域包括診療料 inclusions when the rule says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acute: Option<bool>,
}

/// Check one item's shape (data-free): a plain line has a code and no `lines`; a 剤 has a
/// `section`, at least one line, no `code`/`points`, and each quantity given is above 0,
/// at most [`MAX_QUANTITY`], with at most [`MAX_QUANTITY_SCALE`] decimals.
/// The shape of an item: its `code` and `points` given or not, its `section` and `lines`.
pub(crate) struct Shape<'a> {
    pub code: bool,
    pub points: bool,
    pub section: Option<Section>,
    pub lines: Option<&'a [GroupLine]>,
}

/// The error: the field path and the message.
pub(crate) type ShapeError = (String, String);

pub(crate) fn check_item(i: usize, it: Shape<'_>) -> Result<(), ShapeError> {
    let field = |path: String, message: String| Err((path, message));
    let Some(lines) = it.lines else {
        if !it.code {
            return field(
                format!("items[{i}]"),
                match it.section {
                    Some(s) => format!(
                        "a 剤 of 診療識別 {s} without `lines`: give its lines ([{{\"code\": …, \"quantity\": …}}]) or a `code`"
                    ),
                    None => "neither `code` (a line) nor `section` and `lines` (a 剤)".into(),
                },
            );
        }
        return Ok(());
    };
    if it.code {
        return field(
            format!("items[{i}].code"),
            "a 剤 (an item with `lines`) has no code of its own: list the code among its lines"
                .into(),
        );
    }
    if it.points {
        return field(
            format!("items[{i}].points"),
            "a 剤 is priced from its lines; stated points are not accepted".into(),
        );
    }
    if it.section.is_none() {
        return field(
            format!("items[{i}].section"),
            "missing: a 剤 needs its 診療識別 (\"21\" 内服, \"60\" 検査 …)".into(),
        );
    }
    if lines.is_empty() {
        return field(
            format!("items[{i}].lines"),
            "[] is empty: a 剤 needs at least one line".into(),
        );
    }
    for (j, l) in lines.iter().enumerate() {
        let Some(q) = l.quantity else { continue };
        let path = || format!("items[{i}].lines[{j}].quantity");
        if q <= Decimal::ZERO {
            return field(
                path(),
                format!("{} is not a quantity (more than 0)", q.normalize()),
            );
        }
        if q > Decimal::from(MAX_QUANTITY) {
            return field(
                path(),
                format!(
                    "{} is above the largest quantity, {MAX_QUANTITY}",
                    q.normalize()
                ),
            );
        }
        if q.normalize().scale() > MAX_QUANTITY_SCALE {
            return field(
                path(),
                format!(
                    "{} has more than {MAX_QUANTITY_SCALE} decimal places",
                    q.normalize()
                ),
            );
        }
    }
    Ok(())
}
