//! Explanation text, written when the result is rendered.
//!
//! Every number the engine computes comes with words: the trace, the warnings, the errors,
//! the source of each line. Formatting those words while computing would cost more than the
//! computation itself, so the engine records each text as a template and its arguments
//! (codes, dates, decimals, names and sources) in a [`Texts`] pool that belongs to the
//! result. The words are produced only when the result is rendered (to JSON by the `api`
//! crate through [`Texts::write_bytes`], straight into its buffer; to a table, or with
//! [`Texts::string`]).
//!
//! Invariants: a template's `{}` placeholders match its arguments in number (checked at
//! compile time by [`tx!`](crate::tx)); a [`Text`] is only read through the pool that made it;
//! the pool owns everything it holds (strings are copied into one arena), so a result that
//! holds a pool borrows nothing from the engine or the input.

pub use crate::digits::{
    code_digits, date_digits, digits2, put, put_code, put_date, put_int, whole, write_decimal,
};
use crate::digits::{write_code, write_date};
use chrono::NaiveDate;
use masters::Code;
use rust_decimal::Decimal;
use std::fmt;

/// The byte writer of the texts ([`Texts::write_bytes`], [`Texts::string`]).
#[path = "text_bytes.rs"]
mod bytes;

/// One argument of a text template, as the engine passes it (borrowed where it is a string:
/// the pool copies it when it records the text).
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// A string (a name, a rule id, a source note).
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
}

/// Where a copied string or code list sits in the pool's arenas.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    len: u32,
}

/// An argument as the pool keeps it: strings and code lists are spans of the pool's arenas.
#[derive(Clone, Copy, Debug)]
enum Stored {
    Str(Span),
    Int(i64),
    Dec(Decimal),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    Month(NaiveDate),
    Code(Code),
    OptCode(Option<Code>),
    Codes(Span, Sep),
    Src(Span, u32),
    Pct(u32),
    Age(masters::AgeBound),
    Text(Text),
}

/// One piece of a rendered text, for writers outside the engine (the JSON writer of `api`):
/// template pieces need no escaping in JSON (checked at compile time), strings may.
#[derive(Clone, Copy, Debug)]
pub enum Segment<'p> {
    /// A piece of the template: no `"`, `\\` or control characters.
    Plain(&'static str),
    /// A string argument (may need escaping).
    Str(&'p str),
    Int(i64),
    Dec(Decimal),
    Date(NaiveDate),
    /// An absent date: nothing.
    NoDate,
    Month(NaiveDate),
    Code(Code),
    /// An absent code: `(no code)`.
    NoCode,
    Codes(&'p [u32], Sep),
    Src(&'p str, u32),
    Pct(u32),
    Age(masters::AgeBound),
    /// A nested text of the same pool.
    Text(Text),
}

/// Separator of an [`Arg::Codes`] list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// `, `
    Comma,
    /// `/`
    Slash,
}

impl Sep {
    pub fn as_str(self) -> &'static str {
        match self {
            Sep::Comma => ", ",
            Sep::Slash => "/",
        }
    }
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
    /// The template's pieces (the text between the arguments).
    pub fn pieces(&self) -> &'static [&'static str] {
        self.pieces
    }

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

/// The arguments of a result's texts, with the strings and code lists they name copied into
/// the pool's own arenas.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    args: Vec<Stored>,
    strs: String,
    codes: Vec<u32>,
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

/// Copy a string into a pool's string arena.
#[inline]
fn keep_str(strs: &mut String, s: &str) -> Span {
    let start = strs.len() as u32;
    strs.push_str(s);
    Span {
        start,
        len: s.len() as u32,
    }
}

/// An argument as the pool keeps it (strings and code lists copied into its arenas).
#[inline]
fn store(strs: &mut String, codes: &mut Vec<u32>, a: &Arg<'_>) -> Stored {
    match *a {
        Arg::Str(s) => Stored::Str(keep_str(strs, s)),
        Arg::Int(n) => Stored::Int(n),
        Arg::Dec(d) => Stored::Dec(d),
        Arg::Date(d) => Stored::Date(d),
        Arg::OptDate(d) => Stored::OptDate(d),
        Arg::Month(d) => Stored::Month(d),
        Arg::Code(c) => Stored::Code(c),
        Arg::OptCode(c) => Stored::OptCode(c),
        Arg::Codes(cs, sep) => {
            let start = codes.len() as u32;
            codes.extend_from_slice(cs);
            Stored::Codes(
                Span {
                    start,
                    len: cs.len() as u32,
                },
                sep,
            )
        }
        Arg::Src(f, l) => Stored::Src(keep_str(strs, f), l),
        Arg::Pct(p) => Stored::Pct(p),
        Arg::Age(a) => Stored::Age(a),
        Arg::Text(t) => Stored::Text(t),
    }
}

impl Texts {
    pub fn new() -> Texts {
        Texts::with_capacity(32)
    }

    /// A pool with room for `args` arguments.
    pub fn with_capacity(args: usize) -> Texts {
        Texts {
            args: Vec::with_capacity(args),
            strs: String::with_capacity(args * 24),
            codes: Vec::new(),
        }
    }

    /// A text from a template's pieces and its arguments (use [`tx!`](crate::tx), which cuts
    /// the template and checks the count when the program is compiled). The arguments are
    /// appended in one `extend` (one capacity check per text, not one per argument).
    pub fn fmt(&mut self, pieces: &'static [&'static str], args: &[Arg<'_>]) -> Text {
        debug_assert_eq!(pieces.len(), args.len() + 1);
        let start = self.args.len() as u32;
        let Texts {
            args: stored,
            strs,
            codes,
        } = self;
        stored.extend(args.iter().map(|a| store(strs, codes, a)));
        Text::from_pieces(pieces, start)
    }

    /// A string as a text (copied into the pool).
    pub fn str(&mut self, s: &str) -> Text {
        let start = self.args.len() as u32;
        let span = keep_str(&mut self.strs, s);
        self.args.push(Stored::Str(span));
        Text::from_pieces(&["", ""], start)
    }

    /// An owned string as a text.
    pub fn own(&mut self, s: String) -> Text {
        self.str(&s)
    }

    #[inline]
    fn span(&self, s: Span) -> &str {
        self.strs
            .get(s.start as usize..(s.start + s.len) as usize)
            .unwrap_or_default()
    }

    #[inline]
    fn code_span(&self, s: Span) -> &[u32] {
        self.codes
            .get(s.start as usize..(s.start + s.len) as usize)
            .unwrap_or_default()
    }

    /// The arguments of a text.
    #[inline]
    fn args_of(&self, t: Text) -> &[Stored] {
        let start = t.start as usize;
        self.args.get(start..start + t.arity()).unwrap_or(&[])
    }

    #[inline]
    fn segment(&self, a: &Stored) -> Segment<'_> {
        match *a {
            Stored::Str(s) => Segment::Str(self.span(s)),
            Stored::Int(n) => Segment::Int(n),
            Stored::Dec(d) => Segment::Dec(d),
            Stored::Date(d) | Stored::OptDate(Some(d)) => Segment::Date(d),
            Stored::OptDate(None) => Segment::NoDate,
            Stored::Month(d) => Segment::Month(d),
            Stored::Code(c) | Stored::OptCode(Some(c)) => Segment::Code(c),
            Stored::OptCode(None) => Segment::NoCode,
            Stored::Codes(s, sep) => Segment::Codes(self.code_span(s), sep),
            Stored::Src(s, l) => Segment::Src(self.span(s), l),
            Stored::Pct(p) => Segment::Pct(p),
            Stored::Age(a) => Segment::Age(a),
            Stored::Text(t) => Segment::Text(t),
        }
    }

    /// The pieces of a text in order: template pieces and arguments alternating (a nested
    /// text comes as [`Segment::Text`], for the writer to expand through this pool).
    pub fn segments(&self, t: Text) -> impl Iterator<Item = Segment<'_>> + '_ {
        Segments {
            pool: self,
            pieces: if t.pieces.is_empty() { &[""] } else { t.pieces },
            args: self.args_of(t).iter(),
            piece: 0,
            arg_next: false,
        }
    }

    /// The text when it is one string argument and nothing else (a name), without copying.
    pub fn as_str(&self, t: Text) -> Option<&str> {
        match (t.pieces, self.args_of(t)) {
            (["", ""], [Stored::Str(s)]) => Some(self.span(*s)),
            ([p], []) => Some(p),
            _ => None,
        }
    }

    /// The text, ready to be written.
    pub fn show(&self, t: Text) -> Show<'_> {
        Show {
            pool: self,
            text: t,
        }
    }

    /// The template of a text (its pieces) and its arguments, for the renderings of the
    /// message catalog ([`crate::catalog`]).
    pub fn template(&self, t: Text) -> (&'static [&'static str], Vec<Segment<'_>>) {
        let args = self.args_of(t).iter().map(|a| self.segment(a)).collect();
        (t.pieces, args)
    }

    /// Whether the text is empty when written (without writing it).
    pub fn is_empty(&self, t: Text) -> bool {
        t.pieces.iter().all(|p| p.is_empty()) && t.arity() == 0
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, t: Text) -> fmt::Result {
        for s in self.segments(t) {
            write_segment(self, f, s)?;
        }
        Ok(())
    }
}

/// The segments of a text: piece, argument, piece … (a plain state machine rather than
/// chained adapters: the JSON writer walks every text of a result through it).
struct Segments<'p> {
    pool: &'p Texts,
    pieces: &'static [&'static str],
    args: std::slice::Iter<'p, Stored>,
    /// The next piece.
    piece: usize,
    /// Whether an argument comes next (pieces and arguments alternate).
    arg_next: bool,
}

impl<'p> Iterator for Segments<'p> {
    type Item = Segment<'p>;

    #[inline]
    fn next(&mut self) -> Option<Segment<'p>> {
        if self.arg_next {
            let a = self.args.next()?;
            self.arg_next = false;
            Some(self.pool.segment(a))
        } else {
            let p = self.pieces.get(self.piece)?;
            self.piece += 1;
            self.arg_next = true;
            Some(Segment::Plain(p))
        }
    }
}

/// One segment in its display form.
pub(crate) fn write_segment(
    pool: &Texts,
    f: &mut fmt::Formatter<'_>,
    s: Segment<'_>,
) -> fmt::Result {
    use fmt::Display;
    match s {
        Segment::Plain(p) | Segment::Str(p) => f.write_str(p),
        Segment::Int(n) => n.fmt(f),
        Segment::Dec(d) => write_decimal(f, d),
        Segment::Date(d) => write_date(f, d),
        Segment::NoDate => Ok(()),
        Segment::Month(d) => {
            use chrono::Datelike;
            write!(f, "{:04}-{:02}", d.year(), d.month())
        }
        Segment::Code(c) => write_code(f, c),
        Segment::NoCode => f.write_str("(no code)"),
        Segment::Codes(codes, sep) => {
            for (i, &c) in codes.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep.as_str())?;
                }
                write_code(f, Code(c))?;
            }
            Ok(())
        }
        Segment::Src(file, 0) => f.write_str(file),
        Segment::Src(file, line) => write!(f, "{file}:{line}"),
        Segment::Pct(p) if p % 10 == 0 => write!(f, "{}割", p / 10),
        Segment::Pct(p) => write!(f, "{p}%"),
        Segment::Age(a) => f.write_str(&a.code()),
        Segment::Text(t) => pool.write(f, t),
    }
}

/// A segment that has no fast JSON form, in its display form (rare: months, age bounds).
pub fn segment_string(pool: &Texts, s: Segment<'_>) -> String {
    struct One<'p, 's>(&'p Texts, Segment<'s>);
    impl fmt::Display for One<'_, '_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_segment(self.0, f, self.1)
        }
    }
    One(pool, s).to_string()
}

/// A text with its pool, for `Display` and serialisation.
#[derive(Clone, Copy)]
pub struct Show<'p> {
    pool: &'p Texts,
    text: Text,
}

impl fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pool.write(f, self.text)
    }
}

impl serde::Serialize for Show<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A list of texts of one pool, serialised as an array of strings.
pub struct ShowAll<'p> {
    pub pool: &'p Texts,
    pub texts: &'p [Text],
}

impl serde::Serialize for ShowAll<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.texts.iter().map(|&t| self.pool.show(t)))
    }
}

/// A value that becomes a text of a pool: a [`Text`] as it is, a string by copying it into
/// the pool.
pub trait IntoText {
    fn into_text(self, pool: &mut Texts) -> Text;
}

impl IntoText for Text {
    fn into_text(self, _: &mut Texts) -> Text {
        self
    }
}
impl IntoText for &str {
    fn into_text(self, pool: &mut Texts) -> Text {
        pool.str(self)
    }
}
impl IntoText for &String {
    fn into_text(self, pool: &mut Texts) -> Text {
        pool.str(self)
    }
}
impl IntoText for String {
    fn into_text(self, pool: &mut Texts) -> Text {
        pool.str(&self)
    }
}
