//! Evaluation in three-valued (Kleene) logic.
//!
//! Invariants: evaluation never panics and never fails — a checked expression always yields
//! a value. Absent facts are [`Value::Null`]; a comparison with `Null` is false (an absent
//! capability date means "not in place"). Facts the profile leaves open on purpose evaluate
//! to `Bool(Tri::Unknown)`, which `and`/`or`/`not` propagate per Kleene logic.

use super::ast::{CmpOp, Expr, ExprKind};
use super::YearMonth;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A three-valued truth value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub fn from_bool(b: bool) -> Self {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
    pub fn negate(self) -> Self {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
    pub fn and(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }
    pub fn or(self, o: Tri) -> Tri {
        match (self, o) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
}

/// Runtime values.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(Tri),
    Num(Decimal),
    Month(YearMonth),
    Date(NaiveDate),
    Kind(String),
    /// An absent fact (no date, no rate, no share).
    Null,
}

/// What an evaluator must provide: the applicable month, named facts and functions.
pub trait Env {
    /// The applicable month `M`.
    fn month(&self) -> YearMonth;
    /// The value of a named fact or binding.
    fn name(&self, name: &str) -> Value;
    /// The value of a function call.
    fn call(&self, name: &str, args: &[Value]) -> Value;
}

/// Evaluates `e` in `env`.
pub fn eval(e: &Expr, env: &dyn Env) -> Value {
    match &e.kind {
        ExprKind::Bool(b) => Value::Bool(Tri::from_bool(*b)),
        ExprKind::Percent(d) | ExprKind::Number(d) => Value::Num(*d),
        ExprKind::Month(m) => Value::Month(*m),
        ExprKind::Date(d) => Value::Date(*d),
        ExprKind::Current(n) => Value::Month(env.month().add_months(*n)),
        ExprKind::Name(n) => env.name(n),
        ExprKind::Call(n, args) => {
            let vals: Vec<Value> = args.iter().map(|a| eval(a, env)).collect();
            env.call(n, &vals)
        }
        ExprKind::Not(x) => Value::Bool(truth(&eval(x, env)).negate()),
        ExprKind::And(a, b) => {
            let ta = truth(&eval(a, env));
            if ta == Tri::False {
                return Value::Bool(Tri::False);
            }
            Value::Bool(ta.and(truth(&eval(b, env))))
        }
        ExprKind::Or(a, b) => {
            let ta = truth(&eval(a, env));
            if ta == Tri::True {
                return Value::Bool(Tri::True);
            }
            Value::Bool(ta.or(truth(&eval(b, env))))
        }
        ExprKind::Cmp(op, a, b) => Value::Bool(compare(*op, &eval(a, env), &eval(b, env))),
    }
}

/// Truth of a value: `Null` counts as false (an absent boolean fact is "no").
pub fn truth(v: &Value) -> Tri {
    match v {
        Value::Bool(t) => *t,
        _ => Tri::False,
    }
}

fn compare(op: CmpOp, a: &Value, b: &Value) -> Tri {
    let ord: Option<Ordering> = match (a, b) {
        (Value::Bool(Tri::Unknown), _) | (_, Value::Bool(Tri::Unknown)) => return Tri::Unknown,
        (Value::Null, _) | (_, Value::Null) => return Tri::False,
        (Value::Bool(x), Value::Bool(y)) => Some((*x == Tri::True).cmp(&(*y == Tri::True))),
        (Value::Num(x), Value::Num(y)) => Some(x.cmp(y)),
        (Value::Month(x), Value::Month(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Kind(x), Value::Kind(y)) => Some(x.cmp(y)),
        _ => None,
    };
    let Some(o) = ord else { return Tri::False };
    Tri::from_bool(match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    })
}
