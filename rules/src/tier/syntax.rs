//! The tier rule-file format: `period` blocks holding rate look-backs, `let` bindings and
//! `tier` blocks of `threshold`s and `require`d conditions, each with a `source` citation.
//!
//! ```text
//! file     := period*
//! period   := "period" NAME "{" entry* "}"
//! entry    := "family" NAME | "title" STRING | "months" MONTH ".." MONTH? | "source" STRING
//!           | "rate" ("receipt"|"online") "at" expr ("," expr)* ("when" expr)? "source" STRING
//!           | "let" NAME "=" expr "source" STRING
//!           | "tier" INT "{" tentry* "}"
//! tentry   := "name" ("ika"|"shika"|"chozai")? STRING | "source" STRING
//!           | "points" (("ika"|"shika"|"chozai") (INT | "none"))+
//!           | "threshold" PERCENT ("when" expr)? "source" STRING
//!           | "require" RULE_ID ":" expr ("label" STRING)? ("unknown" STRING)? "source" STRING
//! ```
//! Invariant: parsing never panics and every error carries a span in the file.

use crate::lang::ast::{Expr, ExprKind, Span};
use crate::lang::parse::{PResult, Src};
use crate::lang::{ErrorKind, RawError, YearMonth};
use rust_decimal::Decimal;
use std::str::FromStr;

/// マイナ保険証利用率の算出基準 — the basis of a usage rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// レセプト件数ベース (マイナ保険証利用人数 ÷ レセプト件数).
    Receipt,
    /// オンライン資格確認件数ベース (マイナ保険証利用件数 ÷ オンライン資格確認利用件数).
    Online,
}

impl Basis {
    /// Japanese name.
    pub fn ja(self) -> &'static str {
        match self {
            Basis::Receipt => "レセプト件数ベース",
            Basis::Online => "オンライン資格確認件数ベース",
        }
    }
}

/// An allowed usage-rate look-back (`rate receipt at M-3, M-4, M-5`).
#[derive(Debug, Clone)]
pub struct RateDecl {
    pub basis: Basis,
    /// Month expressions, in order of preference for ties.
    pub months: Vec<Expr>,
    /// Condition under which this look-back is allowed.
    pub when: Option<Expr>,
    pub source: String,
}

/// A named binding (`let pediatric_exemption = …`).
#[derive(Debug, Clone)]
pub struct LetDecl {
    pub name: String,
    pub expr: Expr,
    pub source: String,
    pub span: Span,
}

/// Points of a tier per fee table (点数: 医科・歯科・調剤); `None` where the table has none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Points {
    pub ika: Option<u32>,
    pub shika: Option<u32>,
    pub chozai: Option<u32>,
}

/// A usage-rate threshold (利用率の基準), optionally conditional (e.g. 小児科特例).
#[derive(Debug, Clone)]
pub struct Threshold {
    pub value: Decimal,
    pub when: Option<Expr>,
    pub source: String,
}

/// A requirement (施設基準の要件) with its rule id.
#[derive(Debug, Clone)]
pub struct Require {
    pub id: String,
    pub expr: Expr,
    pub label: String,
    /// Message when the requirement cannot be decided (a fact is unknown).
    pub unknown: Option<String>,
    pub source: String,
    pub span: Span,
}

/// One tier (区分, 加算n) of a period.
#[derive(Debug, Clone)]
pub struct Tier {
    pub number: u32,
    pub name: Option<String>,
    /// The add-on's name for one kind of facility, where it differs (歯科・調剤 add-ons are
    /// named and numbered on their own: e.g. 医科 加算2's requirements make 歯科 加算1).
    pub kind_names: KindNames,
    pub points: Points,
    pub thresholds: Vec<Threshold>,
    pub requires: Vec<Require>,
    pub source: String,
    pub span: Span,
}

/// Names by points column (医科・歯科・調剤).
#[derive(Debug, Clone, Default)]
pub struct KindNames {
    pub ika: Option<String>,
    pub shika: Option<String>,
    pub chozai: Option<String>,
}

/// A period (適用期間) of one add-on family, with its tiers.
#[derive(Debug, Clone)]
pub struct Period {
    pub id: String,
    pub family: String,
    pub title: String,
    pub from: YearMonth,
    /// Last month, inclusive; `None` = open-ended (in force until a later revision).
    pub to: Option<YearMonth>,
    pub source: String,
    pub rates: Vec<RateDecl>,
    pub lets: Vec<LetDecl>,
    pub tiers: Vec<Tier>,
    pub file: String,
    pub span: Span,
}

impl Period {
    /// Whether month `m` lies in the period.
    pub fn covers(&self, m: YearMonth) -> bool {
        m >= self.from && self.to.is_none_or(|t| m <= t)
    }
}

fn missing(block: &str, entry: &str, span: Span) -> RawError {
    RawError::new(
        ErrorKind::Missing {
            block: block.to_string(),
            entry: entry.to_string(),
        },
        span,
    )
}

struct P<'a> {
    s: Src<'a>,
    file: &'a str,
}

impl<'a> P<'a> {
    fn source_clause(&self, i: &'a str, block: &str, span: Span) -> PResult<'a, String> {
        match self.s.keyword(i, "source") {
            Some(r) => self.s.string(r),
            // The next entry, the end of the block or of the file: the source is missing.
            None if self.at_entry_end(i) => Err(missing(block, "source", span)),
            // Something else (e.g. `>= threshold xyz`, `45%%`): the entry does not end where
            // it should; say what was found there.
            None => Err(self
                .s
                .expected(i, "`source` (or the end of the expression)")),
        }
    }

    /// Whether `i` starts the next entry, closes a block or ends the file.
    fn at_entry_end(&self, i: &str) -> bool {
        const ENTRIES: &[&str] = &[
            "family",
            "title",
            "months",
            "source",
            "rate",
            "let",
            "tier",
            "name",
            "points",
            "threshold",
            "require",
            "label",
            "unknown",
            "period",
        ];
        let rest = self.s.ws(i);
        rest.is_empty()
            || rest.starts_with('}')
            || ENTRIES.iter().any(|k| self.s.keyword(rest, k).is_some())
    }

    fn month(&self, i: &'a str) -> PResult<'a, YearMonth> {
        let (r, e) = self.s.literal(i)?;
        match e.kind {
            ExprKind::Month(m) => Ok((r, m)),
            _ => Err(RawError::new(
                ErrorKind::Expected {
                    expected: "a month (YYYY-MM)".into(),
                    found: format!("`{}`", &self.s.text[e.span.start..e.span.end]),
                },
                e.span,
            )),
        }
    }

    fn file(&self, text: &'a str) -> Result<Vec<Period>, RawError> {
        let mut out = Vec::new();
        let mut i = text;
        loop {
            i = self.s.ws(i);
            if i.is_empty() {
                return Ok(out);
            }
            let (r, p) = self.period(i)?;
            out.push(p);
            i = r;
        }
    }

    fn period(&self, i: &'a str) -> PResult<'a, Period> {
        let start = self.s.off(self.s.ws(i));
        let (i, ()) = self.s.expect_keyword(i, "period")?;
        let (i, (id, id_span)) = self.s.ident(i)?;
        let (mut i, ()) = self.s.expect_punct(i, "{")?;
        let block = format!("period `{id}`");
        let (mut family, mut title, mut months, mut source) = (None, None, None, None);
        let (mut rates, mut lets, mut tiers) = (Vec::new(), Vec::new(), Vec::new());
        loop {
            if let Some(r) = self.s.punct(i, "}") {
                let span = Span::new(start, self.s.off(r));
                let family = family.ok_or_else(|| missing(&block, "family", id_span))?;
                let (from, to) = months.ok_or_else(|| missing(&block, "months", id_span))?;
                let p = Period {
                    id: id.to_string(),
                    family,
                    title: title.ok_or_else(|| missing(&block, "title", id_span))?,
                    from,
                    to,
                    source: source.ok_or_else(|| missing(&block, "source", id_span))?,
                    rates,
                    lets,
                    tiers,
                    file: self.file.to_string(),
                    span,
                };
                return Ok((r, p));
            }
            let kw_span = self.s.token_span(i);
            if let Some(r) = self.s.keyword(i, "family") {
                let (r, (f, _)) = self.s.ident(r)?;
                family = Some(f.to_string());
                i = r;
            } else if let Some(r) = self.s.keyword(i, "title") {
                let (r, t) = self.s.string(r)?;
                title = Some(t);
                i = r;
            } else if let Some(r) = self.s.keyword(i, "source") {
                let (r, t) = self.s.string(r)?;
                source = Some(t);
                i = r;
            } else if let Some(r) = self.s.keyword(i, "months") {
                let (r, from) = self.month(r)?;
                let (r, ()) = self.s.expect_punct(r, "..")?;
                let r2 = self.s.ws(r);
                let (r, to) = if r2.starts_with(|c: char| c.is_ascii_digit()) {
                    let (r, to) = self.month(r2)?;
                    (r, Some(to))
                } else {
                    (r, None)
                };
                if to.is_some_and(|t| t < from) {
                    return Err(RawError::new(
                        ErrorKind::Invalid(format!("period `{id}` ends before it starts")),
                        Span::new(kw_span.start, self.s.off(r)),
                    ));
                }
                months = Some((from, to));
                i = r;
            } else if let Some(r) = self.s.keyword(i, "rate") {
                let (r, (b, bspan)) = self.s.ident(r)?;
                let basis = match b {
                    "receipt" => Basis::Receipt,
                    "online" => Basis::Online,
                    _ => {
                        return Err(RawError::new(
                            ErrorKind::Expected {
                                expected: "`receipt` or `online`".into(),
                                found: format!("`{b}`"),
                            },
                            bspan,
                        ))
                    }
                };
                let (mut r, ()) = self.s.expect_keyword(r, "at")?;
                let mut ms = Vec::new();
                loop {
                    let (r2, e) = self.s.expr(r)?;
                    ms.push(e);
                    match self.s.punct(r2, ",") {
                        Some(r3) => r = r3,
                        None => {
                            r = r2;
                            break;
                        }
                    }
                }
                let (r, when) = self.when(r)?;
                let (r, src) = self.source_clause(r, "rate", kw_span)?;
                rates.push(RateDecl {
                    basis,
                    months: ms,
                    when,
                    source: src,
                });
                i = r;
            } else if let Some(r) = self.s.keyword(i, "let") {
                let (r, (name, nspan)) = self.s.ident(r)?;
                let (r, ()) = self.s.expect_punct(r, "=")?;
                let (r, e) = self.s.expr(r)?;
                let (r, src) = self.source_clause(r, &format!("let `{name}`"), nspan)?;
                lets.push(LetDecl {
                    name: name.to_string(),
                    expr: e,
                    source: src,
                    span: nspan,
                });
                i = r;
            } else if let Some(r) = self.s.keyword(i, "tier") {
                let (r, t) = self.tier(r, kw_span.start)?;
                tiers.push(t);
                i = r;
            } else {
                return Err(self.s.expected(
                    i,
                    "`family`, `title`, `months`, `source`, `rate`, `let`, `tier` or `}`",
                ));
            }
        }
    }

    fn when(&self, i: &'a str) -> PResult<'a, Option<Expr>> {
        match self.s.keyword(i, "when") {
            Some(r) => {
                let (r, e) = self.s.expr(r)?;
                Ok((r, Some(e)))
            }
            None => Ok((i, None)),
        }
    }

    fn tier(&self, i: &'a str, start: usize) -> PResult<'a, Tier> {
        let (i, (n, nspan)) = self.s.integer(i)?;
        let number = u32::try_from(n)
            .map_err(|_| RawError::new(ErrorKind::InvalidNumber(n.to_string()), nspan))?;
        let (mut i, ()) = self.s.expect_punct(i, "{")?;
        let block = format!("tier {number}");
        let (mut name, mut points, mut source) = (None, None, None);
        let mut kind_names = KindNames::default();
        let (mut thresholds, mut requires) = (Vec::new(), Vec::new());
        loop {
            if let Some(r) = self.s.punct(i, "}") {
                let span = Span::new(start, self.s.off(r));
                return Ok((
                    r,
                    Tier {
                        number,
                        name,
                        kind_names,
                        points: points.ok_or_else(|| missing(&block, "points", nspan))?,
                        thresholds,
                        requires,
                        source: source.ok_or_else(|| missing(&block, "source", nspan))?,
                        span,
                    },
                ));
            }
            let kw_span = self.s.token_span(i);
            if let Some(r) = self.s.keyword(i, "name") {
                let col = ["ika", "shika", "chozai"]
                    .into_iter()
                    .find_map(|c| self.s.keyword(r, c).map(|r2| (c, r2)));
                let r = col.map_or(r, |(_, r2)| r2);
                let (r, t) = self.s.string(r)?;
                match col.map(|(c, _)| c) {
                    Some("ika") => kind_names.ika = Some(t),
                    Some("shika") => kind_names.shika = Some(t),
                    Some(_) => kind_names.chozai = Some(t),
                    None => name = Some(t),
                }
                i = r;
            } else if let Some(r) = self.s.keyword(i, "source") {
                let (r, t) = self.s.string(r)?;
                source = Some(t);
                i = r;
            } else if let Some(r) = self.s.keyword(i, "points") {
                let mut p = Points::default();
                let mut r = r;
                let mut any = false;
                loop {
                    let col = ["ika", "shika", "chozai"]
                        .into_iter()
                        .find_map(|c| self.s.keyword(r, c).map(|r2| (c, r2)));
                    let Some((c, r2)) = col else { break };
                    let (r3, v) = if let Some(r3) = self.s.keyword(r2, "none") {
                        (r3, None)
                    } else {
                        let (r3, (v, vspan)) = self.s.integer(r2)?;
                        let v = u32::try_from(v).map_err(|_| {
                            RawError::new(ErrorKind::InvalidNumber(v.to_string()), vspan)
                        })?;
                        (r3, Some(v))
                    };
                    match c {
                        "ika" => p.ika = v,
                        "shika" => p.shika = v,
                        _ => p.chozai = v,
                    }
                    any = true;
                    r = r3;
                }
                if !any {
                    return Err(self.s.expected(r, "`ika`, `shika` or `chozai`"));
                }
                points = Some(p);
                i = r;
            } else if let Some(r) = self.s.keyword(i, "threshold") {
                let (r, e) = self.s.literal(r)?;
                let value = match e.kind {
                    // A usage rate is a share: 0% – 100%.
                    ExprKind::Percent(d) if d >= Decimal::ZERO && d <= Decimal::ONE => d,
                    _ => {
                        return Err(RawError::new(
                            ErrorKind::Expected {
                                expected: "a percentage from 0% to 100%".into(),
                                found: format!("`{}`", &self.s.text[e.span.start..e.span.end]),
                            },
                            e.span,
                        ))
                    }
                };
                let (r, when) = self.when(r)?;
                let (r, src) = self.source_clause(r, "threshold", kw_span)?;
                thresholds.push(Threshold {
                    value,
                    when,
                    source: src,
                });
                i = r;
            } else if let Some(r) = self.s.keyword(i, "require") {
                let (r, (id, idspan)) = self.s.rule_id(r)?;
                let (r, ()) = self.s.expect_punct(r, ":")?;
                let (r, e) = self.s.expr(r)?;
                let (r, label) = match self.s.keyword(r, "label") {
                    Some(r) => {
                        let (r, l) = self.s.string(r)?;
                        (r, Some(l))
                    }
                    None => (r, None),
                };
                let (r, unknown) = match self.s.keyword(r, "unknown") {
                    Some(r) => {
                        let (r, l) = self.s.string(r)?;
                        (r, Some(l))
                    }
                    None => (r, None),
                };
                let (r, src) = self.source_clause(r, &format!("require `{id}`"), idspan)?;
                requires.push(Require {
                    id: id.to_string(),
                    label: label.unwrap_or_else(|| e.to_string()),
                    expr: e,
                    unknown,
                    source: src,
                    span: idspan,
                });
                i = r;
            } else {
                return Err(self.s.expected(
                    i,
                    "`name`, `points`, `threshold`, `require`, `source` or `}`",
                ));
            }
        }
    }
}

/// Parses one rule file (syntax only; names are checked by the caller).
pub fn parse_file(file: &str, text: &str) -> Result<Vec<Period>, RawError> {
    let p = P {
        s: Src::new(text),
        file,
    };
    p.file(text)
}

/// Parses a percentage such as `45%` (used by tests and tools).
pub fn parse_percent(s: &str) -> Option<Decimal> {
    let n = s.strip_suffix('%')?;
    Decimal::from_str(n).ok()?.checked_div(Decimal::ONE_HUNDRED)
}
