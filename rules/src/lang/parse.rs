//! Lexing helpers and the expression parser (built on `nom` primitives).
//!
//! Grammar (lowest precedence first):
//! ```text
//! expr  := and ("or" and)*
//! and   := not ("and" not)*
//! not   := "not" not | cmp
//! cmp   := atom (("==" | "!=" | "<=" | ">=" | "<" | ">") atom)?
//! atom  := "(" expr ")" | "true" | "false" | DATE | MONTH | NUMBER "%"? | "M" (("-"|"+") INT)?
//!        | NAME ("(" expr ("," expr)* ")")?
//! ```
//! `#` starts a comment to the end of the line. Every function returns the remaining input;
//! byte offsets are `source.len() - rest.len()`, so spans always index the whole source.
//!
//! Invariant: no function here panics on any input.

use super::ast::{CmpOp, Expr, ExprKind, Span};
use super::{ErrorKind, RawError, RuleError, YearMonth};
use chrono::NaiveDate;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::{char as nchar, digit1};
use nom::IResult;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Result of a parsing step: remaining input and value, or a located error.
pub type PResult<'a, T> = Result<(&'a str, T), RawError>;

/// Reserved words that cannot be names.
pub const KEYWORDS: &[&str] = &["and", "or", "not", "true", "false"];

/// Parser over one source text; knows the full text to compute offsets.
#[derive(Clone, Copy)]
pub struct Src<'a> {
    pub text: &'a str,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}
fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl<'a> Src<'a> {
    pub fn new(text: &'a str) -> Self {
        Src { text }
    }

    /// Byte offset of `rest` within the source.
    pub fn off(&self, rest: &str) -> usize {
        self.text.len().saturating_sub(rest.len())
    }

    /// Span from `start` (offset) to the start of `rest`.
    pub fn span_to(&self, start: usize, rest: &str) -> Span {
        Span::new(start, self.off(rest))
    }

    /// Skips spaces, newlines and `#` comments.
    pub fn ws(&self, mut i: &'a str) -> &'a str {
        loop {
            let r: IResult<&str, &str> = take_while(|c: char| c.is_whitespace())(i);
            if let Ok((rest, _)) = r {
                i = rest;
            }
            if let Some(rest) = i.strip_prefix('#') {
                i = rest.find('\n').map(|n| &rest[n..]).unwrap_or("");
            } else {
                return i;
            }
        }
    }

    /// Describes the next token for "found …" messages.
    pub fn found(&self, i: &str) -> String {
        let i = self.ws(i);
        match i.chars().next() {
            None => "end of input".to_string(),
            Some(c) if is_ident_char(c) => {
                let w: String = i.chars().take_while(|c| is_ident_char(*c)).collect();
                format!("`{w}`")
            }
            Some(c) => format!("`{c}`"),
        }
    }

    /// Span of the next token (at least one character).
    pub fn token_span(&self, i: &str) -> Span {
        let i = self.ws(i);
        let start = self.off(i);
        let len = match i.chars().next() {
            None => 0,
            Some(c) if is_ident_char(c) => i
                .char_indices()
                .find(|(_, c)| !is_ident_char(*c))
                .map(|(n, _)| n)
                .unwrap_or(i.len()),
            Some(c) => c.len_utf8(),
        };
        Span::new(start, start + len)
    }

    /// An "expected X, found Y" error at the next token.
    pub fn expected(&self, i: &str, what: &str) -> RawError {
        RawError::new(
            ErrorKind::Expected {
                expected: what.to_string(),
                found: self.found(i),
            },
            self.token_span(i),
        )
    }

    /// An identifier (after whitespace). Returns its span.
    pub fn ident(&self, i: &'a str) -> PResult<'a, (&'a str, Span)> {
        let i = self.ws(i);
        if !i.chars().next().is_some_and(is_ident_start) {
            return Err(self.expected(i, "a name"));
        }
        let r: IResult<&str, &str> = take_while1(is_ident_char)(i);
        match r {
            Ok((rest, w)) => Ok((rest, (w, self.span_to(self.off(i), rest)))),
            Err(_) => Err(self.expected(i, "a name")),
        }
    }

    /// A dotted rule id such as `dx_r7_04.t1.rate`.
    pub fn rule_id(&self, i: &'a str) -> PResult<'a, (&'a str, Span)> {
        let i = self.ws(i);
        if !i.chars().next().is_some_and(is_ident_start) {
            return Err(self.expected(i, "a rule id"));
        }
        let r: IResult<&str, &str> = take_while1(|c: char| is_ident_char(c) || c == '.')(i);
        match r {
            Ok((rest, w)) => Ok((rest, (w, self.span_to(self.off(i), rest)))),
            Err(_) => Err(self.expected(i, "a rule id")),
        }
    }

    /// Exactly the keyword `kw` (not a prefix of a longer word).
    pub fn keyword(&self, i: &'a str, kw: &str) -> Option<&'a str> {
        let i = self.ws(i);
        let rest = i.strip_prefix(kw)?;
        if rest.chars().next().is_some_and(is_ident_char) {
            None
        } else {
            Some(rest)
        }
    }

    /// Requires the keyword `kw`.
    pub fn expect_keyword(&self, i: &'a str, kw: &str) -> PResult<'a, ()> {
        match self.keyword(i, kw) {
            Some(rest) => Ok((rest, ())),
            None => Err(self.expected(i, &format!("`{kw}`"))),
        }
    }

    /// Optional punctuation.
    pub fn punct(&self, i: &'a str, p: &str) -> Option<&'a str> {
        self.ws(i).strip_prefix(p)
    }

    /// Required punctuation.
    pub fn expect_punct(&self, i: &'a str, p: &str) -> PResult<'a, ()> {
        match self.punct(i, p) {
            Some(rest) => Ok((rest, ())),
            None => Err(self.expected(i, &format!("`{p}`"))),
        }
    }

    /// A double-quoted string (`\"` and `\\` escapes).
    pub fn string(&self, i: &'a str) -> PResult<'a, String> {
        let i = self.ws(i);
        let start = self.off(i);
        let r: IResult<&str, char> = nchar('"')(i);
        let Ok((mut rest, _)) = r else {
            return Err(self.expected(i, "a string"));
        };
        let mut out = String::new();
        loop {
            let mut chars = rest.chars();
            match chars.next() {
                None | Some('\n') => {
                    return Err(RawError::new(
                        ErrorKind::UnterminatedString,
                        Span::new(start, start + 1),
                    ))
                }
                Some('"') => return Ok((chars.as_str(), out)),
                Some('\\') => match chars.next() {
                    Some(c @ ('"' | '\\')) => {
                        out.push(c);
                        rest = chars.as_str();
                    }
                    _ => {
                        out.push('\\');
                        rest = &rest[1..];
                    }
                },
                Some(c) => {
                    out.push(c);
                    rest = chars.as_str();
                }
            }
        }
    }

    /// A non-negative integer.
    pub fn integer(&self, i: &'a str) -> PResult<'a, (i64, Span)> {
        let i = self.ws(i);
        let r: IResult<&str, &str> = digit1(i);
        let Ok((rest, d)) = r else {
            return Err(self.expected(i, "an integer"));
        };
        let span = self.span_to(self.off(i), rest);
        match d.parse::<i64>() {
            Ok(n) => Ok((rest, (n, span))),
            Err(_) => Err(RawError::new(ErrorKind::InvalidNumber(d.to_string()), span)),
        }
    }

    /// A literal starting with a digit: date, month, percentage or number.
    pub fn literal(&self, i: &'a str) -> PResult<'a, Expr> {
        let i = self.ws(i);
        let start = self.off(i);
        let r: IResult<&str, &str> = digit1(i);
        let Ok((rest, first)) = r else {
            return Err(self.expected(i, "a literal"));
        };
        // YYYY-MM or YYYY-MM-DD
        if first.len() == 4 {
            if let Some(after) = rest.strip_prefix('-') {
                let r2: IResult<&str, &str> = digit1(after);
                if let Ok((rest2, mm)) = r2 {
                    if let Some(after2) = rest2.strip_prefix('-') {
                        let r3: IResult<&str, &str> = digit1(after2);
                        if let Ok((rest3, dd)) = r3 {
                            let span = self.span_to(start, rest3);
                            let txt = &self.text[span.start..span.end];
                            let date = (mm.len() == 2 && dd.len() == 2)
                                .then(|| NaiveDate::parse_from_str(txt, "%Y-%m-%d").ok())
                                .flatten();
                            return match date {
                                Some(d) => Ok((rest3, Expr::new(ExprKind::Date(d), span))),
                                None => Err(RawError::new(
                                    ErrorKind::InvalidDate(txt.to_string()),
                                    span,
                                )),
                            };
                        }
                    }
                    let span = self.span_to(start, rest2);
                    let txt = &self.text[span.start..span.end];
                    return match YearMonth::from_str(txt) {
                        Ok(m) => Ok((rest2, Expr::new(ExprKind::Month(m), span))),
                        Err(_) => Err(RawError::new(
                            ErrorKind::InvalidMonth(txt.to_string()),
                            span,
                        )),
                    };
                }
            }
        }
        // NUMBER ('.' DIGITS)? '%'?
        let mut rest = rest;
        if let Some(after) = rest.strip_prefix('.') {
            let r2: IResult<&str, &str> = digit1(after);
            match r2 {
                Ok((r, _)) => rest = r,
                Err(_) => {
                    let span = Span::new(start, self.off(after));
                    return Err(RawError::new(
                        ErrorKind::InvalidNumber(self.text[span.start..span.end].to_string()),
                        span,
                    ));
                }
            }
        }
        let num_txt = &self.text[start..self.off(rest)];
        let (rest, pct) = match rest.strip_prefix('%') {
            Some(r) => (r, true),
            None => (rest, false),
        };
        let span = self.span_to(start, rest);
        let bad = || {
            RawError::new(
                ErrorKind::InvalidNumber(self.text[span.start..span.end].to_string()),
                span,
            )
        };
        let d = Decimal::from_str(num_txt).map_err(|_| bad())?;
        if pct {
            let frac = d.checked_div(Decimal::ONE_HUNDRED).ok_or_else(bad)?;
            Ok((rest, Expr::new(ExprKind::Percent(frac), span)))
        } else {
            Ok((rest, Expr::new(ExprKind::Number(d), span)))
        }
    }

    /// A full expression.
    pub fn expr(&self, i: &'a str) -> PResult<'a, Expr> {
        self.expr_depth(i, 0)
    }

    fn expr_depth(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        if depth > 64 {
            return Err(RawError::new(
                ErrorKind::Invalid("expression nested too deeply".into()),
                self.token_span(i),
            ));
        }
        let (mut i, mut lhs) = self.and_expr(i, depth)?;
        while let Some(rest) = self.keyword(i, "or") {
            let (rest, rhs) = self.and_expr(rest, depth)?;
            let span = Span::new(lhs.span.start, rhs.span.end);
            lhs = Expr::new(ExprKind::Or(Box::new(lhs), Box::new(rhs)), span);
            i = rest;
        }
        Ok((i, lhs))
    }

    fn and_expr(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let (mut i, mut lhs) = self.not_expr(i, depth)?;
        while let Some(rest) = self.keyword(i, "and") {
            let (rest, rhs) = self.not_expr(rest, depth)?;
            let span = Span::new(lhs.span.start, rhs.span.end);
            lhs = Expr::new(ExprKind::And(Box::new(lhs), Box::new(rhs)), span);
            i = rest;
        }
        Ok((i, lhs))
    }

    fn not_expr(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        if let Some(rest) = self.keyword(i, "not") {
            let start = self.off(self.ws(i));
            if depth > 64 {
                return Err(RawError::new(
                    ErrorKind::Invalid("expression nested too deeply".into()),
                    self.token_span(i),
                ));
            }
            let (rest, e) = self.not_expr(rest, depth + 1)?;
            let span = Span::new(start, e.span.end);
            return Ok((rest, Expr::new(ExprKind::Not(Box::new(e)), span)));
        }
        self.cmp_expr(i, depth)
    }

    fn cmp_op(&self, i: &'a str) -> Option<(&'a str, CmpOp)> {
        let i = self.ws(i);
        for (s, op) in [
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ] {
            if let Some(rest) = i.strip_prefix(s) {
                return Some((rest, op));
            }
        }
        None
    }

    fn cmp_expr(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let (i, lhs) = self.atom(i, depth)?;
        if let Some((rest, op)) = self.cmp_op(i) {
            let (rest, rhs) = self.atom(rest, depth)?;
            let span = Span::new(lhs.span.start, rhs.span.end);
            return Ok((
                rest,
                Expr::new(ExprKind::Cmp(op, Box::new(lhs), Box::new(rhs)), span),
            ));
        }
        Ok((i, lhs))
    }

    fn atom(&self, i: &'a str, depth: usize) -> PResult<'a, Expr> {
        let i = self.ws(i);
        let start = self.off(i);
        match i.chars().next() {
            Some('(') => {
                let (rest, mut e) = self.expr_depth(&i[1..], depth + 1)?;
                let (rest, ()) = self.expect_punct(rest, ")")?;
                // The span of a parenthesised expression includes the parentheses.
                e.span = self.span_to(start, rest);
                Ok((rest, e))
            }
            Some(c) if c.is_ascii_digit() => self.literal(i),
            Some(c) if is_ident_start(c) => {
                let (rest, (name, span)) = self.ident(i)?;
                match name {
                    "true" => return Ok((rest, Expr::new(ExprKind::Bool(true), span))),
                    "false" => return Ok((rest, Expr::new(ExprKind::Bool(false), span))),
                    "M" => return self.current(rest, start),
                    n if KEYWORDS.contains(&n) => return Err(self.expected(i, "an expression")),
                    _ => {}
                }
                if let Some(mut r) = self.punct(rest, "(") {
                    let mut args = Vec::new();
                    if let Some(r2) = self.punct(r, ")") {
                        return Ok((
                            r2,
                            Expr::new(ExprKind::Call(name.into(), args), self.span_to(start, r2)),
                        ));
                    }
                    loop {
                        let (r2, a) = self.expr_depth(r, depth + 1)?;
                        args.push(a);
                        if let Some(r3) = self.punct(r2, ",") {
                            r = r3;
                        } else if let Some(r3) = self.punct(r2, ")") {
                            return Ok((
                                r3,
                                Expr::new(
                                    ExprKind::Call(name.into(), args),
                                    self.span_to(start, r3),
                                ),
                            ));
                        } else {
                            return Err(self.expected(r2, "`,` or `)`"));
                        }
                    }
                }
                Ok((rest, Expr::new(ExprKind::Name(name.into()), span)))
            }
            _ => Err(self.expected(i, "an expression")),
        }
    }

    /// After `M`: optional `-n` / `+n`.
    fn current(&self, rest: &'a str, start: usize) -> PResult<'a, Expr> {
        for (p, sign) in [("-", -1i64), ("+", 1)] {
            if let Some(r) = self.punct(rest, p) {
                let (r, (n, _)) = self.integer(r)?;
                return Ok((
                    r,
                    Expr::new(ExprKind::Current(sign * n), self.span_to(start, r)),
                ));
            }
        }
        Ok((
            rest,
            Expr::new(ExprKind::Current(0), self.span_to(start, rest)),
        ))
    }
}

/// Parses `text` as one whole expression (nothing may follow it).
pub fn parse_expression(file: &str, text: &str) -> Result<Expr, RuleError> {
    let src = Src::new(text);
    let run = || -> Result<Expr, RawError> {
        let (rest, e) = src.expr(text)?;
        let rest = src.ws(rest);
        if !rest.is_empty() {
            return Err(src.expected(rest, "end of expression"));
        }
        Ok(e)
    };
    run().map_err(|e| e.locate(file, text))
}
