//! Load-time checking: every name must be known and every operand well-typed.
//!
//! The caller supplies a [`Signature`] (the facts and functions its evaluator provides);
//! an expression that passes [`check`] can be evaluated without name or type errors.

use super::ast::{CmpOp, Expr, ExprKind, Span};
use super::{ErrorKind, RawError};
use std::collections::BTreeMap;
use std::fmt;

/// Types of the condition language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// 真偽 — true / false (possibly unknown at evaluation time).
    Bool,
    /// Decimal numbers and percentages (`45%` = 0.45).
    Num,
    /// A calendar month.
    Month,
    /// A calendar date.
    Date,
    /// A facility kind (`hospital`, `clinic`, `dental`, `pharmacy`).
    Kind,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Bool => "bool",
            Type::Num => "number",
            Type::Month => "month",
            Type::Date => "date",
            Type::Kind => "kind",
        })
    }
}

/// The names and functions an evaluator provides.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    pub names: BTreeMap<String, Type>,
    pub functions: BTreeMap<String, (Vec<Type>, Type)>,
}

impl Signature {
    pub fn name(mut self, n: &str, t: Type) -> Self {
        self.names.insert(n.to_string(), t);
        self
    }
    pub fn function(mut self, n: &str, args: &[Type], ret: Type) -> Self {
        self.functions.insert(n.to_string(), (args.to_vec(), ret));
        self
    }
}

fn mismatch(expected: Type, found: Type, span: Span) -> RawError {
    RawError::new(
        ErrorKind::TypeMismatch {
            expected: expected.to_string(),
            found: found.to_string(),
        },
        span,
    )
}

/// Returns the type of `e`, or the first name/type error.
pub fn check(e: &Expr, sig: &Signature) -> Result<Type, RawError> {
    match &e.kind {
        ExprKind::Bool(_) => Ok(Type::Bool),
        ExprKind::Percent(_) | ExprKind::Number(_) => Ok(Type::Num),
        ExprKind::Month(_) | ExprKind::Current(_) => Ok(Type::Month),
        ExprKind::Date(_) => Ok(Type::Date),
        ExprKind::Name(n) => sig
            .names
            .get(n)
            .copied()
            .ok_or_else(|| RawError::new(ErrorKind::UnknownName(n.clone()), e.span)),
        ExprKind::Call(n, args) => {
            let name_span = Span::new(e.span.start, e.span.start + n.len());
            let (params, ret) = sig
                .functions
                .get(n)
                .ok_or_else(|| RawError::new(ErrorKind::UnknownName(n.clone()), name_span))?;
            if params.len() != args.len() {
                return Err(RawError::new(
                    ErrorKind::ArgCount {
                        name: n.clone(),
                        expected: params.len(),
                        found: args.len(),
                    },
                    e.span,
                ));
            }
            for (p, a) in params.iter().zip(args) {
                let t = check(a, sig)?;
                if t != *p {
                    return Err(mismatch(*p, t, a.span));
                }
            }
            Ok(*ret)
        }
        ExprKind::Not(x) => expect(x, Type::Bool, sig).map(|_| Type::Bool),
        ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            expect(a, Type::Bool, sig)?;
            expect(b, Type::Bool, sig)?;
            Ok(Type::Bool)
        }
        ExprKind::Cmp(op, a, b) => {
            let ta = check(a, sig)?;
            let tb = check(b, sig)?;
            if ta != tb {
                return Err(mismatch(ta, tb, b.span));
            }
            if matches!(ta, Type::Bool | Type::Kind) && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                return Err(RawError::new(
                    ErrorKind::TypeMismatch {
                        expected: "an ordered type (number, month, date)".into(),
                        found: ta.to_string(),
                    },
                    e.span,
                ));
            }
            Ok(Type::Bool)
        }
    }
}

/// Checks that `e` has type `want`.
pub fn expect(e: &Expr, want: Type, sig: &Signature) -> Result<(), RawError> {
    let t = check(e, sig)?;
    if t == want {
        Ok(())
    } else {
        Err(mismatch(want, t, e.span))
    }
}
