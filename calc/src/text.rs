//! Explanation text, written when the result is rendered.
//!
//! Every number the engine computes comes with words: the trace, the warnings, the errors,
//! the source of each line. Formatting those words while computing would cost more than the
//! computation itself, so the engine records each text as a template and its arguments
//! (codes, dates, decimals, borrowed names and sources) in a [`Texts`] pool that belongs to
//! the result. The words are produced only when the result is rendered (to JSON, to a
//! table, or with [`Texts::string`]), straight into the output.
//!
//! Invariants: a template's `{}` placeholders match its arguments in number (checked at
//! compile time by [`tx!`](crate::tx)); a [`Text`] is only read through the pool that made it.

use chrono::NaiveDate;
use masters::Code;
use rust_decimal::Decimal;
use std::fmt;

/// One argument of a text template.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// A borrowed string (a name, a rule id, a source note).
    Str(&'a str),
    Int(i64),
    /// An exact decimal, written normalised (`291`, `0.5`).
    Dec(Decimal),
    /// `YYYY-MM-DD`.
    Date(NaiveDate),
    /// `YYYY-MM-DD`, or nothing when absent.
    OptDate(Option<NaiveDate>),
    /// `YYYY-MM`.
    Month(NaiveDate),
    /// A 9-digit code.
    Code(Code),
    /// A 9-digit code, or `(no code)`.
    OptCode(Option<Code>),
    /// Codes (as numbers) joined by a separator.
    Codes(&'a [u32], Sep),
    /// `file:line`, or `file` when the line is 0.
    Src(&'a str, u32),
    /// 負担割合 in percent: `3割` for multiples of 10, `15%` otherwise.
    Pct(u32),
    /// An age bound of the master, by its code (`06`, `MG` …).
    Age(masters::AgeBound),
    /// Another text of the same pool.
    Text(Text),
    /// A string the pool owns (rare paths: messages of other modules).
    Own(u32),
}

/// Separator of an [`Arg::Codes`] list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// `, `
    Comma,
    /// `/`
    Slash,
}

/// A text of a [`Texts`] pool: a template, cut at its `{}` placeholders when the program is
/// compiled ([`tx!`](crate::tx), [`lit!`](crate::lit)), and where its arguments start in the
/// pool (`pieces.len() - 1` of them).
#[derive(Clone, Copy, Debug)]
pub struct Text {
    pieces: &'static [&'static str],
    start: u32,
}

impl Text {
    /// A text from the pieces of a template (made by [`tx!`](crate::tx) and
    /// [`lit!`](crate::lit), which check at compile time that the pieces need no JSON
    /// escaping: no `"`, `\\` or control characters; written into JSON as they are).
    #[doc(hidden)]
    pub const fn from_pieces(pieces: &'static [&'static str], start: u32) -> Text {
        Text { pieces, start }
    }

    /// The number of arguments the text takes.
    fn arity(&self) -> usize {
        self.pieces.len().saturating_sub(1)
    }
}

/// The pieces of a template between its `{}` placeholders (`N` = placeholders + 1), cut at
/// compile time.
pub const fn split_template<const N: usize>(t: &'static str) -> [&'static str; N] {
    let mut out = [""; N];
    let b = t.as_bytes();
    let (mut piece, mut start, mut i) = (0, 0, 0);
    while i + 1 < b.len() {
        if b[i] == b'{' && b[i + 1] == b'}' {
            out[piece] = sub(t, start, i);
            piece += 1;
            i += 2;
            start = i;
        } else {
            i += 1;
        }
    }
    out[piece] = sub(t, start, b.len());
    out
}

/// `t[a..b]` at compile time (`{` and `}` are ASCII, so the cuts are character boundaries).
const fn sub(t: &'static str, a: usize, b: usize) -> &'static str {
    let (head, _) = t.as_bytes().split_at(b);
    let (_, mid) = head.split_at(a);
    match std::str::from_utf8(mid) {
        Ok(s) => s,
        Err(_) => panic!("a template cut inside a character"),
    }
}

/// The arguments and owned strings of a result's texts.
#[derive(Clone, Debug, Default)]
pub struct Texts<'a> {
    args: Vec<Arg<'a>>,
    owned: Vec<String>,
}

/// The number of `{}` placeholders in a template (used by [`tx!`](crate::tx) at compile time).
pub const fn placeholders(t: &str) -> usize {
    let b = t.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i + 1 < b.len() {
        if b[i] == b'{' && b[i + 1] == b'}' {
            n += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    n
}

/// Whether a template can be written into a JSON string as it is (no `"`, `\\` or control
/// characters), checked at compile time by [`tx!`](crate::tx).
pub const fn json_plain(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x20 || b[i] == b'"' || b[i] == b'\\' {
            return false;
        }
        i += 1;
    }
    true
}

/// Record a text in a pool: `tx!(pool, "{} points × {}", points, count)`. The number of
/// arguments must match the template's `{}` placeholders (a compile-time check).
#[macro_export]
macro_rules! tx {
    ($pool:expr, $t:literal $(,)?) => {
        $crate::lit!($t)
    };
    ($pool:expr, $t:literal, $($a:expr),+ $(,)?) => {{
        const N: usize = $crate::text::placeholders($t);
        const _: () = assert!(N == [$($crate::tx!(@unit $a)),+].len());
        const _: () = assert!($crate::text::json_plain($t), "template needs JSON escaping");
        const PIECES: [&str; N + 1] = $crate::text::split_template::<{ N + 1 }>($t);
        $pool.fmt(&PIECES, &[$($crate::text::Arg::from($a)),+])
    }};
    (@unit $a:expr) => { () };
}

/// A text without arguments: `lit!("total")` (checked at compile time to need no JSON
/// escaping and to have no placeholders).
#[macro_export]
macro_rules! lit {
    ($t:literal) => {{
        const _: () = assert!($crate::text::placeholders($t) == 0);
        const _: () = assert!($crate::text::json_plain($t), "template needs JSON escaping");
        const PIECES: &[&str] = &[$t];
        $crate::text::Text::from_pieces(PIECES, 0)
    }};
}

impl<'a> Texts<'a> {
    pub fn new() -> Texts<'a> {
        Texts::with_capacity(32)
    }

    /// A pool with room for `args` arguments.
    pub fn with_capacity(args: usize) -> Texts<'a> {
        Texts {
            args: Vec::with_capacity(args),
            owned: Vec::new(),
        }
    }

    /// A text from a template's pieces and its arguments (use [`tx!`](crate::tx), which cuts
    /// the template and checks the count when the program is compiled).
    pub fn fmt(&mut self, pieces: &'static [&'static str], args: &[Arg<'a>]) -> Text {
        debug_assert_eq!(pieces.len(), args.len() + 1);
        let start = self.args.len() as u32;
        self.args.extend_from_slice(args);
        Text::from_pieces(pieces, start)
    }

    /// A borrowed string as a text.
    pub fn str(&mut self, s: &'a str) -> Text {
        self.fmt(&["", ""], &[Arg::Str(s)])
    }

    /// An owned string as a text.
    pub fn own(&mut self, s: String) -> Text {
        let i = self.owned.len() as u32;
        self.owned.push(s);
        self.fmt(&["", ""], &[Arg::Own(i)])
    }

    /// The arguments of a text.
    fn args_of(&self, t: Text) -> &[Arg<'a>] {
        let start = t.start as usize;
        self.args.get(start..start + t.arity()).unwrap_or(&[])
    }

    /// The text, ready to be written.
    pub fn show(&self, t: Text) -> Show<'_, 'a> {
        Show {
            pool: self,
            text: t,
        }
    }

    /// The text as a string.
    pub fn string(&self, t: Text) -> String {
        self.show(t).to_string()
    }

    /// Whether the text is empty when written (without writing it).
    pub fn is_empty(&self, t: Text) -> bool {
        t.pieces.iter().all(|p| p.is_empty()) && t.arity() == 0
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, t: Text) -> fmt::Result {
        let (first, rest) = t.pieces.split_first().unwrap_or((&"", &[]));
        f.write_str(first)?;
        for (a, piece) in self.args_of(t).iter().zip(rest) {
            self.write_arg(f, a)?;
            f.write_str(piece)?;
        }
        Ok(())
    }

    fn write_arg(&self, f: &mut fmt::Formatter<'_>, a: &Arg<'a>) -> fmt::Result {
        use fmt::Display;
        match *a {
            Arg::Str(s) => f.write_str(s),
            Arg::Int(n) => n.fmt(f),
            Arg::Dec(d) => write_decimal(f, d),
            Arg::Date(d) => write_date(f, d),
            Arg::OptDate(Some(d)) => write_date(f, d),
            Arg::OptDate(None) => Ok(()),
            Arg::Month(d) => {
                use chrono::Datelike;
                write!(f, "{:04}-{:02}", d.year(), d.month())
            }
            Arg::Code(c) => write_code(f, c),
            Arg::OptCode(Some(c)) => write_code(f, c),
            Arg::OptCode(None) => f.write_str("(no code)"),
            Arg::Codes(codes, sep) => {
                for (i, &c) in codes.iter().enumerate() {
                    if i > 0 {
                        f.write_str(match sep {
                            Sep::Comma => ", ",
                            Sep::Slash => "/",
                        })?;
                    }
                    write_code(f, Code(c))?;
                }
                Ok(())
            }
            Arg::Src(file, 0) => f.write_str(file),
            Arg::Src(file, line) => write!(f, "{file}:{line}"),
            Arg::Pct(p) if p % 10 == 0 => write!(f, "{}割", p / 10),
            Arg::Pct(p) => write!(f, "{p}%"),
            Arg::Age(a) => f.write_str(&a.code()),
            Arg::Text(t) => self.write(f, t),
            Arg::Own(i) => f.write_str(self.owned.get(i as usize).map_or("", |s| s.as_str())),
        }
    }
}

impl Texts<'_> {
    /// Append the text as escaped JSON string contents (what serde_json writes for its
    /// `Display` form, without the quotes).
    pub fn write_json(&self, out: &mut Vec<u8>, t: Text) {
        use crate::json::{escape_into, put, write_int};
        // Template pieces need no escaping (see `Text::from_pieces`).
        let (first, rest) = t.pieces.split_first().unwrap_or((&"", &[]));
        put(out, first.as_bytes());
        for (a, piece) in self.args_of(t).iter().zip(rest) {
            match *a {
                Arg::Str(s) => escape_into(out, s),
                Arg::Int(n) => write_int(out, n),
                Arg::Dec(d) => match crate::json::whole(d) {
                    Some(n) => write_int(out, n),
                    None => out.extend_from_slice(d.normalize().to_string().as_bytes()),
                },
                Arg::Date(d) | Arg::OptDate(Some(d)) => match date_digits(d) {
                    Some(b) => put(out, &b),
                    None => out.extend_from_slice(d.to_string().as_bytes()),
                },
                Arg::OptDate(None) => {}
                Arg::Code(c) | Arg::OptCode(Some(c)) => match code_digits(c) {
                    Some(b) => put(out, &b),
                    None => write_int(out, c.0.into()),
                },
                Arg::OptCode(None) => out.extend_from_slice(b"(no code)"),
                Arg::Src(file, line) => {
                    escape_into(out, file);
                    if line > 0 {
                        out.push(b':');
                        write_int(out, line.into());
                    }
                }
                Arg::Pct(p) if p % 10 == 0 => {
                    write_int(out, (p / 10).into());
                    out.extend_from_slice("割".as_bytes());
                }
                Arg::Pct(p) => {
                    write_int(out, p.into());
                    out.push(b'%');
                }
                Arg::Text(t) => self.write_json(out, t),
                Arg::Own(i) => escape_into(out, self.owned.get(i as usize).map_or("", |s| s)),
                Arg::Codes(codes, sep) => {
                    for (i, &c) in codes.iter().enumerate() {
                        if i > 0 {
                            out.extend_from_slice(match sep {
                                Sep::Comma => b", ",
                                Sep::Slash => b"/",
                            });
                        }
                        write_code_json(out, Code(c));
                    }
                }
                // The rest are rare: through their `Display` form.
                Arg::Month(_) | Arg::Age(_) => {
                    struct One<'p, 'a>(&'p Texts<'a>, Arg<'a>);
                    impl fmt::Display for One<'_, '_> {
                        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                            self.0.write_arg(f, &self.1)
                        }
                    }
                    escape_into(out, &One(self, *a).to_string());
                }
            }
            put(out, piece.as_bytes());
        }
    }
}

/// A text with its pool, for `Display` and serialisation.
#[derive(Clone, Copy)]
pub struct Show<'p, 'a> {
    pool: &'p Texts<'a>,
    text: Text,
}

impl fmt::Display for Show<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pool.write(f, self.text)
    }
}

impl serde::Serialize for Show<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A list of texts of one pool, serialised as an array of strings.
pub struct ShowAll<'p, 'a> {
    pub pool: &'p Texts<'a>,
    pub texts: &'p [Text],
}

impl serde::Serialize for ShowAll<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.texts.iter().map(|&t| self.pool.show(t)))
    }
}

/// The 9 digits of a code (`None` for a number of more than 9 digits).
fn code_digits(c: Code) -> Option<[u8; 9]> {
    let mut buf = [b'0'; 9];
    let mut n = c.0;
    if n >= 1_000_000_000 {
        return None;
    }
    let mut i = 9;
    while i > 1 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(&crate::json::digits2((n % 100) as usize));
        n /= 100;
    }
    buf[0] = b'0' + n as u8;
    Some(buf)
}

/// `YYYY-MM-DD` (`None` outside years 0–9999).
fn date_digits(d: NaiveDate) -> Option<[u8; 10]> {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    let y = u32::try_from(y).ok().filter(|y| *y <= 9999)?;
    Some([
        b'0' + (y / 1000) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (day / 10) as u8,
        b'0' + (day % 10) as u8,
    ])
}

/// Append a code's digits (JSON string contents).
pub fn write_code_json(out: &mut Vec<u8>, c: Code) {
    match code_digits(c) {
        Some(b) => crate::json::put(out, &b),
        None => crate::json::write_int(out, c.0.into()),
    }
}

/// ASCII digits as text (the buffers above hold nothing else).
fn ascii(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

fn write_code(f: &mut fmt::Formatter<'_>, c: Code) -> fmt::Result {
    match code_digits(c) {
        Some(b) => f.write_str(ascii(&b)),
        None => write!(f, "{}", c.0),
    }
}

fn write_date(f: &mut fmt::Formatter<'_>, d: NaiveDate) -> fmt::Result {
    match date_digits(d) {
        Some(b) => f.write_str(ascii(&b)),
        None => write!(f, "{d}"),
    }
}

/// An exact decimal, normalised (`291`, `0.5`, `-12`).
pub fn write_decimal(f: &mut fmt::Formatter<'_>, d: Decimal) -> fmt::Result {
    match crate::json::whole(d) {
        Some(n) => fmt::Display::fmt(&n, f),
        None => fmt::Display::fmt(&d.normalize(), f),
    }
}

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

/// A value that becomes a text of a pool: a [`Text`] as it is, a borrowed string by
/// reference, an owned string by moving it into the pool.
pub trait IntoText<'a> {
    fn into_text(self, pool: &mut Texts<'a>) -> Text;
}

impl<'a> IntoText<'a> for Text {
    fn into_text(self, _: &mut Texts<'a>) -> Text {
        self
    }
}
impl<'a> IntoText<'a> for &'a str {
    fn into_text(self, pool: &mut Texts<'a>) -> Text {
        pool.str(self)
    }
}
impl<'a> IntoText<'a> for &'a String {
    fn into_text(self, pool: &mut Texts<'a>) -> Text {
        pool.str(self)
    }
}
impl<'a> IntoText<'a> for String {
    fn into_text(self, pool: &mut Texts<'a>) -> Text {
        pool.own(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_render_their_arguments() {
        let mut p = Texts::new();
        let d = NaiveDate::from_ymd_opt(2025, 4, 10).unwrap();
        let inner = crate::tx!(p, "{} on {}", Code(111000110), d);
        let t = crate::tx!(
            p,
            "{}: {} points × {} ({}; {}) {}",
            inner,
            Decimal::new(2910, 1),
            3i64,
            Arg::Src("s_ALL20240531.csv", 12),
            Arg::Pct(30),
            Arg::Codes(&[111703370, 111703470], Sep::Slash)
        );
        assert_eq!(
            p.string(t),
            "111000110 on 2025-04-10: 291 points × 3 (s_ALL20240531.csv:12; 3割) 111703370/111703470"
        );
        let t = crate::tx!(p, "{}", Decimal::new(-5, 1));
        assert_eq!(p.string(t), "-0.5");
        let t = crate::tx!(p, "{}", Arg::Pct(15));
        assert_eq!(p.string(t), "15%");
        let t = crate::tx!(p, "{}", None::<Code>);
        assert_eq!(p.string(t), "(no code)");
        let o = p.own("owned {}".into());
        assert_eq!(p.string(o), "owned {}");
        assert_eq!(p.string(crate::lit!("plain")), "plain");
        assert_eq!(placeholders("{} and {} {"), 2);
    }

    #[test]
    fn dates_and_codes_match_their_display() {
        let mut p = Texts::new();
        for (y, m, d) in [(2022, 4, 1), (1900, 12, 31), (2026, 6, 1)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let t = crate::tx!(p, "{}", date);
            assert_eq!(p.string(t), date.to_string());
        }
        for c in [0u32, 7, 111000110, 999999999] {
            let t = crate::tx!(p, "{}", Code(c));
            assert_eq!(p.string(t), Code(c).to_string());
        }
    }
}
