//! The byte writer of a pool's texts: a text appended to a buffer as UTF-8 in one pass, the
//! template's pieces and the arguments' digits copied, the string arguments through the
//! caller's function (copied, or escaped by a JSON writer) — no `fmt` for each piece.

use super::{segment_string, Sep, Stored, Text, Texts};
use crate::digits::{put, put_code, put_date, put_int, whole};
use masters::Code;

impl Texts {
    /// The text as a string (the characters of [`Texts::show`]'s `Display`, written by
    /// [`Texts::write_bytes`] without going through `fmt` for each piece: the engine writes a
    /// few texts per claim this way).
    pub fn string(&self, t: Text) -> String {
        let mut out = Vec::with_capacity(64);
        self.write_bytes(&mut out, t, |o, s| put(o, s.as_bytes()));
        // Whole `&str`s and ASCII digits: always UTF-8; the lossy branch only so that no
        // path can panic.
        match String::from_utf8(out) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    /// Append a text to `out` as UTF-8, straight into the buffer: the template's pieces as
    /// they are, each string argument (names, sources, copied strings — the only pieces that
    /// may hold any character) through `str_arg` (copied, or escaped by a JSON writer), the
    /// other arguments as their digits. The same characters as [`Texts::show`]'s `Display`
    /// when `str_arg` copies (tested).
    #[inline]
    pub fn write_bytes<F: Fn(&mut Vec<u8>, &str) + Copy>(
        &self,
        out: &mut Vec<u8>,
        t: Text,
        str_arg: F,
    ) {
        let args = self.args_of(t);
        match (t.pieces, args) {
            // A name or a source: one string argument and nothing else.
            (["", ""], [Stored::Str(s)]) => str_arg(out, self.span(*s)),
            // A text without arguments.
            ([piece], []) => put(out, piece.as_bytes()),
            _ => self.write_template(out, t.pieces, args, str_arg),
        }
    }

    /// A template's pieces and its arguments, alternating (an empty piece — a template
    /// that starts or ends with an argument, or two arguments side by side — is skipped).
    fn write_template<F: Fn(&mut Vec<u8>, &str) + Copy>(
        &self,
        out: &mut Vec<u8>,
        pieces: &'static [&'static str],
        args: &[Stored],
        str_arg: F,
    ) {
        let Some((first, rest)) = pieces.split_first() else {
            return;
        };
        put_piece(out, first);
        for (piece, a) in rest.iter().zip(args) {
            self.write_arg(out, a, str_arg);
            put_piece(out, piece);
        }
    }

    /// One argument of [`Texts::write_bytes`].
    fn write_arg<F: Fn(&mut Vec<u8>, &str) + Copy>(
        &self,
        out: &mut Vec<u8>,
        a: &Stored,
        str_arg: F,
    ) {
        match *a {
            Stored::Str(s) => str_arg(out, self.span(s)),
            Stored::Int(n) => put_int(out, n),
            Stored::Dec(d) => match whole(d) {
                Some(n) => put_int(out, n),
                None => out.extend_from_slice(d.normalize().to_string().as_bytes()),
            },
            Stored::Date(d) | Stored::OptDate(Some(d)) => {
                if !put_date(out, d) {
                    out.extend_from_slice(d.to_string().as_bytes());
                }
            }
            Stored::OptDate(None) => {}
            Stored::Code(c) | Stored::OptCode(Some(c)) => put_code(out, c),
            Stored::OptCode(None) => put(out, b"(no code)"),
            Stored::Codes(s, sep) => {
                let codes = self.code_span(s);
                if let Some((&first, rest)) = codes.split_first() {
                    put_code(out, Code(first));
                    for &c in rest {
                        match sep {
                            Sep::Slash => out.push(b'/'),
                            Sep::Comma => out.extend_from_slice(b", "),
                        }
                        put_code(out, Code(c));
                    }
                }
            }
            Stored::Src(file, line) => {
                str_arg(out, self.span(file));
                if line > 0 {
                    out.push(b':');
                    put_int(out, line.into());
                }
            }
            Stored::Pct(p) if p % 10 == 0 => {
                put_int(out, (p / 10).into());
                put(out, "割".as_bytes());
            }
            Stored::Pct(p) => {
                put_int(out, p.into());
                out.push(b'%');
            }
            Stored::Text(t) => self.write_bytes(out, t, str_arg),
            // Rare: through their display form (plain ASCII).
            Stored::Month(_) | Stored::Age(_) => {
                let s = segment_string(self, self.segment(a));
                str_arg(out, &s);
            }
        }
    }
}

/// A template's piece appended (nothing for an empty one).
#[inline(always)]
fn put_piece(out: &mut Vec<u8>, piece: &str) {
    if !piece.is_empty() {
        put(out, piece.as_bytes());
    }
}
