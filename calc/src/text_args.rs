//! The conversions of the engine's values into text arguments ([`Arg`]), so that `tx!` takes
//! them as they are. Split from `text` to keep each core file under 600 lines.

use crate::text::{Arg, Text};
use chrono::NaiveDate;
use masters::Code;
use rust_decimal::Decimal;

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Str(s)
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Str(s.as_str())
    }
}
impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}
impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Int(n.into())
    }
}
impl From<u16> for Arg<'_> {
    fn from(n: u16) -> Self {
        Arg::Int(n.into())
    }
}
impl From<u8> for Arg<'_> {
    fn from(n: u8) -> Self {
        Arg::Int(n.into())
    }
}
impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Int(n as i64)
    }
}
impl From<Decimal> for Arg<'_> {
    fn from(d: Decimal) -> Self {
        Arg::Dec(d)
    }
}
impl From<NaiveDate> for Arg<'_> {
    fn from(d: NaiveDate) -> Self {
        Arg::Date(d)
    }
}
impl From<Option<NaiveDate>> for Arg<'_> {
    fn from(d: Option<NaiveDate>) -> Self {
        Arg::OptDate(d)
    }
}
impl From<Code> for Arg<'_> {
    fn from(c: Code) -> Self {
        Arg::Code(c)
    }
}
impl From<Option<Code>> for Arg<'_> {
    fn from(c: Option<Code>) -> Self {
        Arg::OptCode(c)
    }
}
impl From<Text> for Arg<'_> {
    fn from(t: Text) -> Self {
        Arg::Text(t)
    }
}
