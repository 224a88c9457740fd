//! Expression tree of the condition language and its canonical printer.
//!
//! Invariant: `Display` prints a form that parses back to an equal tree (fully
//! parenthesising nested binary operators where precedence would otherwise change them).
//! Equality ignores spans.

use super::YearMonth;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

/// Byte range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// An expression node with its source span.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

/// The shapes of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `true` / `false`.
    Bool(bool),
    /// A percentage literal `45%`, stored as the fraction 0.45.
    Percent(Decimal),
    /// A plain decimal literal `0.3`.
    Number(Decimal),
    /// A month literal `2025-01`.
    Month(YearMonth),
    /// A date literal `2025-03-31`.
    Date(NaiveDate),
    /// The applicable month `M`, shifted by `n` months: `M`, `M-3`, `M+1`.
    Current(i64),
    /// A named fact, `let` binding or literal word such as `pharmacy`.
    Name(String),
    /// A function call such as `receipt_rate(M-3)`.
    Call(String, Vec<Expr>),
    /// `not e`.
    Not(Box<Expr>),
    /// `a and b`.
    And(Box<Expr>, Box<Expr>),
    /// `a or b`.
    Or(Box<Expr>, Box<Expr>),
    /// `a OP b`.
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }
    /// Precedence level: or 1, and 2, not 3, comparison 4, atoms 5.
    fn level(&self) -> u8 {
        match self.kind {
            ExprKind::Or(..) => 1,
            ExprKind::And(..) => 2,
            ExprKind::Not(..) => 3,
            ExprKind::Cmp(..) => 4,
            _ => 5,
        }
    }
    /// Visits every node (pre-order).
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Call(_, args) => args.iter().for_each(|a| a.walk(f)),
            ExprKind::Not(e) => e.walk(f),
            ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Cmp(_, a, b) => {
                a.walk(f);
                b.walk(f)
            }
            _ => {}
        }
    }
}

fn fmt_decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

fn paren(f: &mut fmt::Formatter<'_>, e: &Expr, min_level: u8) -> fmt::Result {
    if e.level() < min_level {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Percent(d) => match d.checked_mul(Decimal::ONE_HUNDRED) {
                Some(p) => write!(f, "{}%", fmt_decimal(p)),
                // Unreachable for parsed literals (they were divided by 100); print as a number.
                None => write!(f, "{}", fmt_decimal(*d)),
            },
            ExprKind::Number(d) => write!(f, "{}", fmt_decimal(*d)),
            ExprKind::Month(m) => write!(f, "{m}"),
            ExprKind::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            ExprKind::Current(0) => write!(f, "M"),
            ExprKind::Current(n) if *n < 0 => write!(f, "M-{}", n.unsigned_abs()),
            ExprKind::Current(n) => write!(f, "M+{n}"),
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Call(n, args) => {
                write!(f, "{n}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
            ExprKind::Not(e) => {
                write!(f, "not ")?;
                paren(f, e, 3)
            }
            // Left-associative: the left operand may be the same level, the right one not.
            ExprKind::Or(a, b) => {
                paren(f, a, 1)?;
                write!(f, " or ")?;
                paren(f, b, 2)
            }
            ExprKind::And(a, b) => {
                paren(f, a, 2)?;
                write!(f, " and ")?;
                paren(f, b, 3)
            }
            // Comparisons do not chain: both operands must be atoms.
            ExprKind::Cmp(op, a, b) => {
                paren(f, a, 5)?;
                write!(f, " {} ", op.symbol())?;
                paren(f, b, 5)
            }
        }
    }
}
