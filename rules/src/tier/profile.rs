//! Facility profile (施設プロファイル): kind, capabilities with start dates, pediatric facts and
//! monthly マイナ保険証 usage rates, read from TOML or JSON.
//!
//! Invariants:
//! - Rates and shares are `Decimal` read from the literal text of the file (TOML spans via
//!   `toml_edit`, JSON via `serde_json::value::RawValue`): `0.45` is exactly 0.45, never an
//!   `f64` approximation. Strings such as `"0.45"` or `"45%"` are accepted too.
//! - Every error names the file, line and column; no input makes this module panic.
//! - Unknown keys are errors (a misspelt key must not silently drop a fact).

use crate::lang::{Diagnostic, Span, YearMonth};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::str::FromStr;

/// 施設の種別 — facility kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ProfileFacilityKind"))]
#[serde(rename_all = "lowercase")]
pub enum FacilityKind {
    /// 病院 (医科点数表).
    Hospital,
    /// 診療所 (医科点数表).
    Clinic,
    /// 歯科 (歯科点数表).
    Dental,
    /// 保険薬局 (調剤点数表).
    Pharmacy,
}

impl FacilityKind {
    /// The name used in rule expressions (`kind == pharmacy`).
    pub fn as_str(self) -> &'static str {
        match self {
            FacilityKind::Hospital => "hospital",
            FacilityKind::Clinic => "clinic",
            FacilityKind::Dental => "dental",
            FacilityKind::Pharmacy => "pharmacy",
        }
    }
}

/// One month's マイナ保険証利用率.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageRecord {
    /// The month the rate was measured in.
    pub month: YearMonth,
    /// レセプト件数ベース — マイナ保険証利用人数 ÷ レセプト件数.
    pub receipt_based: Option<Decimal>,
    /// オンライン資格確認件数ベース — マイナ保険証利用件数 ÷ オンライン資格確認件数.
    pub online_based: Option<Decimal>,
}

/// 施設プロファイル — the facts about a facility that the tier rules read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacilityProfile {
    /// 種別.
    pub kind: FacilityKind,
    /// リ 電子処方箋を発行する体制 (or 調剤情報の登録) — in place since this date.
    pub e_prescription_since: Option<NaiveDate>,
    /// ヌ 電磁的方法により診療情報を共有し活用する体制 — in place since this date.
    pub electronic_sharing_since: Option<NaiveDate>,
    /// The facts the tier rules read, by the names `data/tier/facts.toml` declares (e.g.
    /// `pediatric_outpatient_fee`, `under6_share_2024`); a fact not stated is absent.
    #[serde(flatten)]
    pub facts: BTreeMap<String, super::facts::Fact>,
    /// Monthly usage rates.
    pub usage: Vec<UsageRecord>,
}

/// The JSON Schema of a facility profile as [`FacilityProfile::from_json`] reads it (the
/// parser is hand-written, so the schema is too): keep the two in step.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[schemars(rename = "FacilityProfile")]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ProfileInput {
    /// 種別.
    kind: FacilityKind,
    /// リ 電子処方箋を発行する体制 (or 調剤情報の登録) — in place since this date (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(with = "Option<ProfileDate>")]
    e_prescription_since: Option<NaiveDate>,
    /// ヌ 電磁的方法により診療情報を共有し活用する体制 — in place since this date (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(with = "Option<ProfileDate>")]
    electronic_sharing_since: Option<NaiveDate>,
    /// 小児科外来診療料を算定している.
    #[serde(default)]
    pediatric_outpatient_fee: Option<bool>,
    /// 2024年の延外来患者数のうち6歳未満の割合 (0–1).
    #[serde(default)]
    under6_share_2024: Option<ProfileFraction>,
    /// ホ 電子資格確認に係る十分な実績 (2026 rules) as stated by the facility.
    #[serde(default)]
    usage_record_2026: Option<bool>,
    /// Monthly マイナ保険証利用率.
    #[serde(default)]
    usage: Vec<UsageInput>,
}

/// One month's マイナ保険証利用率 as the profile states it.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[schemars(rename = "UsageRecord")]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct UsageInput {
    /// The month the rate was measured in.
    month: crate::YearMonth,
    /// レセプト件数ベース — マイナ保険証利用人数 ÷ レセプト件数.
    #[serde(default)]
    receipt_based: Option<ProfileFraction>,
    /// オンライン資格確認件数ベース — マイナ保険証利用件数 ÷ オンライン資格確認件数.
    #[serde(default)]
    online_based: Option<ProfileFraction>,
}

/// A date YYYY-MM-DD.
#[cfg(feature = "schema")]
struct ProfileDate;

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ProfileDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

/// A share between 0 and 1: a number (0.45) or a string ("0.45", "45%").
#[cfg(feature = "schema")]
struct ProfileFraction;

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ProfileFraction {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Fraction".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A share between 0 and 1, read exactly from its text: a number (0.45) or a string (\"0.45\", \"45%\").",
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*%?\\s*$"}
            ]
        })
    }
}

/// Errors reading a facility profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The text is not valid TOML / JSON.
    #[error("{0}")]
    Syntax(Box<Diagnostic>),
    /// Valid syntax, but a missing, unknown or ill-typed field.
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
}

impl ProfileError {
    /// Location and rendering.
    pub fn diagnostic(&self) -> &Diagnostic {
        match self {
            ProfileError::Syntax(d) | ProfileError::Invalid(d) => d,
        }
    }
}

impl FacilityProfile {
    /// The usage record for `month`, if any.
    pub fn usage_for(&self, month: YearMonth) -> Option<&UsageRecord> {
        self.usage.iter().find(|u| u.month == month)
    }

    /// Reads a TOML profile; `name` is used in error messages.
    #[cfg(feature = "toml")]
    pub fn from_toml(name: &str, text: &str) -> Result<Self, ProfileError> {
        let doc = toml_edit::ImDocument::parse(text).map_err(|e| {
            let span = e
                .span()
                .map(|r| Span::new(r.start, r.end))
                .unwrap_or_default();
            let msg = e.message().trim().to_string();
            ProfileError::Syntax(Box::new(Diagnostic::at(name, text, span, msg)))
        })?;
        let b = Builder { name, text };
        let root = toml_fields(text, doc.as_table());
        let mut usage = Vec::new();
        let mut usage_seen = None;
        if let Some(item) = doc.as_table().get("usage") {
            let span = item_span(item);
            usage_seen = Some(span);
            match item {
                toml_edit::Item::ArrayOfTables(a) => {
                    for t in a.iter() {
                        usage.push((toml_fields(text, t), opt_span(t.span())));
                    }
                }
                toml_edit::Item::Value(toml_edit::Value::Array(a)) => {
                    for v in a.iter() {
                        match v {
                            toml_edit::Value::InlineTable(t) => {
                                usage.push((toml_fields(text, t), opt_span(v.span())))
                            }
                            _ => return Err(b.invalid(opt_span(v.span()), "`usage` entries must be tables with `month`, `receipt_based`, `online_based`")),
                        }
                    }
                }
                _ => return Err(b.invalid(span, "`usage` must be an array of tables ([[usage]])")),
            }
        }
        b.build(root, usage, usage_seen)
    }

    /// Reads a JSON profile; `name` is used in error messages.
    pub fn from_json(name: &str, text: &str) -> Result<Self, ProfileError> {
        let b = Builder { name, text };
        let syntax = |e: serde_json::Error| {
            let off = offset_of(text, e.line(), e.column());
            let msg = e.to_string();
            // serde_json appends " at line L column C"; the diagnostic shows the location.
            let msg = msg
                .rsplit_once(" at line ")
                .map(|(m, _)| m.to_string())
                .unwrap_or(msg);
            ProfileError::Syntax(Box::new(Diagnostic::at(
                name,
                text,
                Span::new(off, off + 1),
                msg,
            )))
        };
        let top: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(syntax)?;
        let mut root = Vec::new();
        let mut usage = Vec::new();
        let mut usage_seen = None;
        for (k, v) in &top {
            let span = raw_span(text, v);
            if k == "usage" {
                usage_seen = Some(span);
                let items: Vec<&RawValue> = serde_json::from_str(v.get())
                    .map_err(|_| b.invalid(span, "`usage` must be an array of objects"))?;
                for it in items {
                    let ispan = raw_span(text, it);
                    let m: BTreeMap<String, &RawValue> = serde_json::from_str(it.get())
                        .map_err(|_| b.invalid(ispan, "`usage` entries must be objects"))?;
                    let fields = m
                        .iter()
                        .map(|(k, v)| (k.clone(), json_leaf(text, v)))
                        .collect();
                    usage.push((fields, ispan));
                }
            } else {
                root.push((k.clone(), json_leaf(text, v)));
            }
        }
        b.build(root, usage, usage_seen)
    }
}

/// A profile inside another document (a claim's `facility.profile`), read by serde from any
/// format and checked exactly as [`FacilityProfile::from_json`] checks a profile file; an
/// error is the reader's message.
impl<'de> Deserialize<'de> for FacilityProfile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut v = serde_json::Value::deserialize(d)?;
        dates_as_strings(&mut v);
        let text = v.to_string();
        FacilityProfile::from_json("facility.profile", &text).map_err(|e| {
            let d = e.diagnostic();
            serde::de::Error::custom(d.message.clone())
        })
    }
}

/// TOML dates reach serde as `{"$__toml_private_datetime": "…"}`: their text.
fn dates_as_strings(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            if m.len() == 1 {
                if let Some(Value::String(s)) = m.get("$__toml_private_datetime") {
                    *v = Value::String(s.clone());
                    return;
                }
            }
            m.values_mut().for_each(dates_as_strings);
        }
        Value::Array(a) => a.iter_mut().for_each(dates_as_strings),
        _ => {}
    }
}

/// A scalar read from either format, with the span of its text.
#[derive(Debug, Clone)]
enum Leaf {
    Str(String),
    /// The literal text of a number.
    Num(String),
    Bool(bool),
    /// A TOML date (JSON dates are strings).
    #[cfg_attr(not(feature = "toml"), allow(dead_code))]
    Date(String),
    Null,
    Other(&'static str),
}

type Fields = Vec<(String, (Leaf, Span))>;

#[cfg(feature = "toml")]
fn opt_span(r: Option<std::ops::Range<usize>>) -> Span {
    r.map(|r| Span::new(r.start, r.end)).unwrap_or_default()
}

#[cfg(feature = "toml")]
fn item_span(item: &toml_edit::Item) -> Span {
    opt_span(item.span())
}

#[cfg(feature = "toml")]
fn toml_fields(text: &str, t: &dyn toml_edit::TableLike) -> Fields {
    let mut out = Vec::new();
    for (k, item) in t.iter() {
        if k == "usage" {
            continue;
        }
        let kspan = t.key(k).and_then(|k| k.span());
        let span = opt_span(item.span().or(kspan));
        let leaf = match item {
            toml_edit::Item::Value(v) => match v {
                toml_edit::Value::String(s) => Leaf::Str(s.value().clone()),
                toml_edit::Value::Float(_) | toml_edit::Value::Integer(_) => {
                    let s = v.span().and_then(|r| text.get(r)).unwrap_or("");
                    Leaf::Num(s.trim().to_string())
                }
                toml_edit::Value::Boolean(b) => Leaf::Bool(*b.value()),
                toml_edit::Value::Datetime(d) => Leaf::Date(d.value().to_string()),
                toml_edit::Value::Array(_) => Leaf::Other("an array"),
                toml_edit::Value::InlineTable(_) => Leaf::Other("a table"),
            },
            toml_edit::Item::None => Leaf::Null,
            toml_edit::Item::Table(_) => Leaf::Other("a table"),
            toml_edit::Item::ArrayOfTables(_) => Leaf::Other("an array of tables"),
        };
        out.push((k.to_string(), (leaf, span)));
    }
    out
}

fn raw_span(text: &str, v: &RawValue) -> Span {
    let s = v.get();
    let start = (s.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    if start <= text.len() {
        Span::new(start, (start + s.len()).min(text.len()))
    } else {
        Span::default()
    }
}

fn json_leaf(text: &str, v: &RawValue) -> (Leaf, Span) {
    let s = v.get().trim();
    let span = raw_span(text, v);
    let leaf = match s.chars().next() {
        Some('"') => match serde_json::from_str::<String>(s) {
            Ok(x) => Leaf::Str(x),
            Err(_) => Leaf::Other("a string"),
        },
        Some('t') => Leaf::Bool(true),
        Some('f') => Leaf::Bool(false),
        Some('n') => Leaf::Null,
        Some(c) if c == '-' || c.is_ascii_digit() => Leaf::Num(s.to_string()),
        Some('[') => Leaf::Other("an array"),
        _ => Leaf::Other("an object"),
    };
    (leaf, span)
}

/// Byte offset of 1-based (line, column); clamps to the text.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            let c = col.saturating_sub(1);
            return off + l.char_indices().nth(c).map(|(i, _)| i).unwrap_or(l.len());
        }
        off += l.len();
    }
    text.len().saturating_sub(1)
}

/// Parses the literal text of a number (`0.47`, `4.7e-1`, `1_000`) as an exact decimal.
fn decimal_literal(s: &str) -> Option<Decimal> {
    let s: String = s.chars().filter(|c| *c != '_' && *c != '+').collect();
    if s.contains(['e', 'E']) {
        Decimal::from_scientific(&s).ok()
    } else {
        Decimal::from_str(&s).ok()
    }
}

struct Builder<'a> {
    name: &'a str,
    text: &'a str,
}

impl Builder<'_> {
    fn invalid(&self, span: Span, msg: impl Into<String>) -> ProfileError {
        ProfileError::Invalid(Box::new(Diagnostic::at(self.name, self.text, span, msg)))
    }

    fn type_err(&self, key: &str, want: &str, leaf: &Leaf, span: Span) -> ProfileError {
        let found = match leaf {
            Leaf::Str(_) => "a string",
            Leaf::Num(_) => "a number",
            Leaf::Bool(_) => "a boolean",
            Leaf::Date(_) => "a date",
            Leaf::Null => "null",
            Leaf::Other(o) => o,
        };
        self.invalid(span, format!("`{key}` must be {want}, found {found}"))
    }

    fn date(&self, key: &str, leaf: &Leaf, span: Span) -> Result<Option<NaiveDate>, ProfileError> {
        match leaf {
            Leaf::Null => Ok(None),
            Leaf::Str(s) | Leaf::Date(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    self.invalid(
                        span,
                        format!("`{key}`: invalid date `{s}` (expected YYYY-MM-DD)"),
                    )
                }),
            _ => Err(self.type_err(key, "a date (YYYY-MM-DD)", leaf, span)),
        }
    }

    fn fraction(
        &self,
        key: &str,
        leaf: &Leaf,
        span: Span,
    ) -> Result<Option<Decimal>, ProfileError> {
        let bad = |s: &str| self.invalid(span, format!("`{key}`: invalid number `{s}`"));
        let d = match leaf {
            Leaf::Null => return Ok(None),
            Leaf::Num(s) => decimal_literal(s).ok_or_else(|| bad(s))?,
            Leaf::Str(s) => {
                let t = s.trim();
                match t.strip_suffix('%') {
                    Some(p) => decimal_literal(p.trim())
                        .and_then(|d| d.checked_div(Decimal::ONE_HUNDRED))
                        .ok_or_else(|| bad(s))?,
                    None => decimal_literal(t).ok_or_else(|| bad(s))?,
                }
            }
            _ => return Err(self.type_err(key, "a number between 0 and 1", leaf, span)),
        };
        if d < Decimal::ZERO || d > Decimal::ONE {
            return Err(self.invalid(
                span,
                format!(
                    "`{key}` must be between 0 and 1 (write 0.47 or \"47%\" for 47%), found {d}"
                ),
            ));
        }
        Ok(Some(d))
    }

    fn boolean(&self, key: &str, leaf: &Leaf, span: Span) -> Result<Option<bool>, ProfileError> {
        match leaf {
            Leaf::Null => Ok(None),
            Leaf::Bool(b) => Ok(Some(*b)),
            _ => Err(self.type_err(key, "true or false", leaf, span)),
        }
    }

    fn build(
        &self,
        root: Fields,
        usage: Vec<(Fields, Span)>,
        usage_seen: Option<Span>,
    ) -> Result<FacilityProfile, ProfileError> {
        let _ = usage_seen;
        let mut kind = None;
        let mut p = FacilityProfile {
            kind: FacilityKind::Clinic,
            e_prescription_since: None,
            electronic_sharing_since: None,
            facts: BTreeMap::new(),
            usage: Vec::new(),
        };
        for (k, (leaf, span)) in &root {
            match k.as_str() {
                "kind" => {
                    kind = Some(match leaf {
                        Leaf::Str(s) => match s.as_str() {
                            "hospital" => FacilityKind::Hospital,
                            "clinic" => FacilityKind::Clinic,
                            "dental" => FacilityKind::Dental,
                            "pharmacy" => FacilityKind::Pharmacy,
                            _ => {
                                return Err(self.invalid(
                                    *span,
                                    format!("`kind` must be one of hospital, clinic, dental, pharmacy; found `{s}`"),
                                ))
                            }
                        },
                        _ => return Err(self.type_err(k, "a string", leaf, *span)),
                    })
                }
                "e_prescription_since" => p.e_prescription_since = self.date(k, leaf, *span)?,
                "electronic_sharing_since" => {
                    p.electronic_sharing_since = self.date(k, leaf, *span)?
                }
                k => {
                    if let Some(d) = super::facts::find(k) {
                        use super::facts::{Fact, FactType};
                        let v = match d.kind {
                            FactType::Bool => self.boolean(k, leaf, *span)?.map(Fact::Bool),
                            FactType::Fraction => self.fraction(k, leaf, *span)?.map(Fact::Num),
                        };
                        if let Some(v) = v {
                            p.facts.insert(k.to_string(), v);
                        }
                        continue;
                    }
                    let names: Vec<&str> = ["kind", "e_prescription_since", "electronic_sharing_since"]
                        .into_iter()
                        .chain(super::facts::declared().iter().map(|d| d.name.as_str()))
                        .chain(["usage"])
                        .collect();
                    return Err(self.invalid(
                        *span,
                        format!("unknown field `{k}` (expected {})", names.join(", ")),
                    ));
                }
            }
        }
        p.kind = kind.ok_or_else(|| {
            self.invalid(
                Span::new(0, 0),
                "missing field `kind` (hospital | clinic | dental | pharmacy)",
            )
        })?;
        for (fields, uspan) in usage {
            let mut month = None;
            let mut rec = (None, None);
            for (k, (leaf, span)) in &fields {
                match k.as_str() {
                    "month" => match leaf {
                        Leaf::Str(s) => {
                            month = Some(YearMonth::from_str(s).map_err(|e| self.invalid(*span, format!("`month`: {e}")))?)
                        }
                        _ => return Err(self.type_err(k, "a month string \"YYYY-MM\"", leaf, *span)),
                    },
                    "receipt_based" => rec.0 = self.fraction(k, leaf, *span)?,
                    "online_based" => rec.1 = self.fraction(k, leaf, *span)?,
                    _ => {
                        return Err(self.invalid(
                            *span,
                            format!("unknown field `{k}` in usage (expected month, receipt_based, online_based)"),
                        ))
                    }
                }
            }
            let month = month.ok_or_else(|| self.invalid(uspan, "usage entry without `month`"))?;
            if p.usage.iter().any(|u| u.month == month) {
                return Err(self.invalid(uspan, format!("duplicate usage entry for {month}")));
            }
            p.usage.push(UsageRecord {
                month,
                receipt_based: rec.0,
                online_based: rec.1,
            });
        }
        Ok(p)
    }
}
