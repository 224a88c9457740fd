//! The JSON writer of santei's results: the bytes `serde_json` writes (compact, or pretty with
//! two-space indentation), written straight into a buffer, with the result's texts rendered
//! and escaped in place instead of going through `fmt` for every piece of them.
//!
//! Invariant: for any result, [`Json`] output equals `serde_json::to_string` /
//! `to_string_pretty` of the same value (tested over the golden corpus and property tests).
//!
//! A private module of safe code (the crate forbids `unsafe`; issue 19 named the `unsafe`
//! writer of a public module a defect): hand-written because it is measured faster than
//! `serde_json`'s serializer over the same result — the benchmark claim's result (7,168
//! bytes) in 59k instructions against 186k for `serde_json::to_string` (callgrind,
//! `claim_loop 2000 write` / `serde`, 2026-12-07).

use rust_decimal::Decimal;

/// Append `s` to `out` without a call to `memcpy` for a short piece (see
/// [`calc::text::put`], shared with the texts' writer).
pub use calc::text::put;

/// The bytes `,"KEY":` of an object key, made at compile time, for [`Json::key_sep`]:
/// `j.key_sep(key!("total_points"))`.
macro_rules! key {
    ($k:literal) => {
        concat!(",\"", $k, "\":").as_bytes()
    };
}
pub(crate) use key;

/// The bytes `,"KEY":"` of an object key and the opening quote of its string value, made at
/// compile time, for [`Json::key_str_with`].
macro_rules! key_q {
    ($k:literal) => {
        concat!(",\"", $k, "\":\"").as_bytes()
    };
}
pub(crate) use key_q;

/// A JSON writer over a byte buffer.
pub struct Json<'o> {
    out: &'o mut Vec<u8>,
    pretty: bool,
    depth: usize,
    /// Whether the container being written has a value yet.
    first: bool,
}

impl<'o> Json<'o> {
    pub fn new(out: &'o mut Vec<u8>, pretty: bool) -> Json<'o> {
        Json {
            out,
            pretty,
            depth: 0,
            first: true,
        }
    }

    fn newline(&mut self) {
        const SPACES: &[u8; 64] =
            b"                                                                ";
        self.out.push(b'\n');
        let mut n = 2 * self.depth;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.extend_from_slice(&SPACES[..k]);
            n -= k;
        }
    }

    #[inline]
    fn open(&mut self, c: u8) {
        self.out.push(c);
        self.depth += 1;
        self.first = true;
    }

    #[inline]
    fn close(&mut self, c: u8) {
        self.depth -= 1;
        if self.pretty && !self.first {
            self.newline();
        }
        self.out.push(c);
        self.first = false;
    }

    #[inline]
    fn separate(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        if self.pretty {
            self.newline();
        }
        self.first = false;
    }

    #[inline]
    pub fn begin_object(&mut self) {
        self.open(b'{');
    }

    #[inline]
    pub fn end_object(&mut self) {
        self.close(b'}');
    }

    #[inline]
    pub fn begin_array(&mut self) {
        self.open(b'[');
    }

    #[inline]
    pub fn end_array(&mut self) {
        self.close(b']');
    }

    /// Before each element of an array.
    #[inline]
    pub fn element(&mut self) {
        self.separate();
    }

    /// An object key (plain ASCII, no escaping needed), given as its compact form with the comma
    /// before it, `,"key":` (made at compile time by [`key!`]); the value follows. One copy of
    /// a constant in the compact layout instead of four pieces (a result has a hundred keys).
    #[inline(always)]
    pub fn key_sep(&mut self, sep_key: &'static [u8]) {
        if self.pretty {
            self.separate();
            put(self.out, sep_key.get(1..).unwrap_or_default());
            self.out.push(b' ');
        } else if self.first {
            self.first = false;
            put(self.out, sep_key.get(1..).unwrap_or_default());
        } else {
            put(self.out, sep_key);
        }
    }

    /// An object key and its string value written by `f` (escaped by `f`), the key given as
    /// `,"key":"` (made at compile time by [`key_q!`]): the key, the separator and the opening
    /// quote in one copy in the compact layout.
    #[inline(always)]
    pub fn key_str_with(&mut self, sep_key_q: &'static [u8], f: impl FnOnce(&mut Vec<u8>)) {
        if self.pretty {
            self.separate();
            let n = sep_key_q.len();
            put(self.out, sep_key_q.get(1..n - 1).unwrap_or_default());
            self.out.push(b' ');
            self.out.push(b'"');
        } else if self.first {
            self.first = false;
            put(self.out, sep_key_q.get(1..).unwrap_or_default());
        } else {
            put(self.out, sep_key_q);
        }
        f(self.out);
        self.out.push(b'"');
    }

    /// Bytes written as they are (a number, `null`, `true` …).
    pub fn raw(&mut self, s: &str) {
        put(self.out, s.as_bytes());
    }

    /// A value written by its `Serialize`, in the writer's layout: compact, or pretty with its
    /// lines indented at the writer's depth (the bytes `to_string_pretty` gives in place).
    pub fn serialized<T: serde::Serialize + ?Sized>(&mut self, v: &T) {
        if !self.pretty {
            if serde_json::to_writer(&mut *self.out, v).is_err() {
                put(self.out, b"null");
            }
            return;
        }
        let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
        let mut lines = text.split('\n');
        if let Some(first) = lines.next() {
            put(self.out, first.as_bytes());
        }
        for l in lines {
            self.newline();
            put(self.out, l.as_bytes());
        }
    }

    #[inline]
    pub fn null(&mut self) {
        self.raw("null");
    }

    #[inline]
    pub fn bool(&mut self, b: bool) {
        self.raw(if b { "true" } else { "false" });
    }

    pub fn int(&mut self, n: i64) {
        write_int(self.out, n);
    }

    /// An exact decimal as a JSON number (`291`, `0.5`).
    pub fn dec(&mut self, d: Decimal) {
        match whole(d) {
            Some(n) => self.int(n),
            None => {
                let s = d.normalize().to_string();
                self.raw(&s);
            }
        }
    }

    /// A string value, quoted and escaped.
    #[inline]
    pub fn str(&mut self, s: &str) {
        self.out.push(b'"');
        escape_into(self.out, s);
        self.out.push(b'"');
    }

    /// A string value known to need no escaping ([`is_plain`]), quoted.
    #[inline]
    pub fn str_plain(&mut self, s: &str) {
        debug_assert!(is_plain(s.as_bytes()));
        self.out.push(b'"');
        put(self.out, s.as_bytes());
        self.out.push(b'"');
    }

    /// A string value written by `f` into the buffer (escaped by `f`), quoted.
    pub fn str_with(&mut self, f: impl FnOnce(&mut Vec<u8>)) {
        self.out.push(b'"');
        f(self.out);
        self.out.push(b'"');
    }
}

pub use calc::text::whole;

/// The written JSON as a string.
///
/// Everything [`Json`] and [`escape_into`] append is UTF-8: whole `&str`s, slices of them cut
/// at ASCII bytes (which are always character boundaries), and ASCII. The check below always
/// succeeds; the lossy branch exists only so no path can panic. The check is simdutf8's, then a
/// copy: `String::from_utf8` was 13.7% of all instructions of `parse + calc + render JSON`
/// (api/benches/engine.rs; the Japanese texts of the trace are slow for std's validator) and
/// a copy is cheaper than std's scan of multi-byte text. api has no unsafe code, so the
/// checked bytes are copied rather than taken over.
pub fn into_string(out: Vec<u8>) -> String {
    match simdutf8::basic::from_utf8(&out) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(&out).into_owned(),
    }
}

/// Append the decimal digits of `n` (shared with the texts' writer).
pub use calc::text::put_int as write_int;

/// The bytes JSON strings escape: control characters, `"` and `\`.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Whether any of 8 bytes is a control character, `"` or `\`.
fn needs_escape8(x: u64) -> bool {
    let below_space = x.wrapping_sub(LO * 0x20) & !x & HI;
    let q = x ^ (LO * u64::from(b'"'));
    let quote = q.wrapping_sub(LO) & !q & HI;
    let b = x ^ (LO * u64::from(b'\\'));
    let backslash = b.wrapping_sub(LO) & !b & HI;
    (below_space | quote | backslash) != 0
}

/// Whether any byte of a chunk is a control character, `"` or `\\`: written as three flags
/// folded over the bytes so that the compiler turns it into vector compares (16 bytes per
/// instruction with SSE2; about 1 instruction per byte against 2.75 for 8-byte words,
/// callgrind on 100-byte strings, 2026-12-07).
#[inline(always)]
fn needs_escape_chunk(c: &[u8]) -> bool {
    let (mut control, mut quote, mut backslash) = (0u8, 0u8, 0u8);
    for &x in c {
        control |= u8::from(x < 0x20);
        quote |= u8::from(x == b'"');
        backslash |= u8::from(x == b'\\');
    }
    (control | quote | backslash) != 0
}

/// Eight bytes of `s` (at least 8 long) as a word.
#[inline(always)]
fn word8(s: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[..8]);
    u64::from_le_bytes(w)
}

/// Whether a string under 16 bytes has a byte needing escaping, without a loop (most strings
/// of a result — names, sources, codes — are short): its bytes read as one or two 8-byte
/// words that overlap (8–15 bytes), or gathered into one word that holds each of its bytes and
/// otherwise only filler (`a`): two overlapping 4-byte reads (4–7 bytes), or the first,
/// middle and last byte (1–3).
#[inline(always)]
fn short_needs_escape(b: &[u8]) -> bool {
    let n = b.len();
    let word4 = |s: &[u8]| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&s[..4]);
        u32::from_le_bytes(w)
    };
    if n >= 8 {
        needs_escape8(word8(b)) || needs_escape8(word8(&b[n - 8..]))
    } else if n >= 4 {
        needs_escape8(u64::from(word4(b)) | u64::from(word4(&b[n - 4..])) << 32)
    } else if n > 0 {
        needs_escape8(u64::from_le_bytes([
            b[0],
            b[n / 2],
            b[n - 1],
            b'a',
            b'a',
            b'a',
            b'a',
            b'a',
        ]))
    } else {
        false
    }
}

/// Whether no byte of `b` needs escaping: 32 bytes at a time, then the rest as one or two
/// 16-byte chunks (the last overlapping the one before it); strings under 16 bytes byte by
/// byte.
#[inline]
pub fn is_plain(b: &[u8]) -> bool {
    if b.len() < 16 {
        return !short_needs_escape(b);
    }
    let mut chunks = b.chunks_exact(32);
    for c in &mut chunks {
        if needs_escape_chunk(c) {
            return false;
        }
    }
    let rest = chunks.remainder();
    if rest.len() > 16 && needs_escape_chunk(&rest[..16]) {
        return false;
    }
    rest.is_empty() || !needs_escape_chunk(&b[b.len() - 16..])
}

/// Append `s` escaped as JSON string contents (serde_json's rules: `"` `\` and control
/// characters; `\b \f \n \r \t` by name, the others as `\u00XX`). Almost every string
/// of a result needs no escaping: one scan, one copy.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
pub fn escape_into(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    // A short string is checked in place (no call); a long one by the chunked scan.
    let plain = if b.len() < 16 {
        !short_needs_escape(b)
    } else {
        is_plain(b)
    };
    if plain {
        put(out, b);
        return;
    }
    escape_slow(out, b);
}

/// [`escape_into`] for a string with a byte to escape.
fn escape_slow(out: &mut Vec<u8>, b: &[u8]) {
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        while let Some(chunk) = b.get(i..i + 8) {
            if needs_escape8(word8(chunk)) {
                break;
            }
            i += 8;
        }
        // Byte by byte to the next byte that needs escaping (or the end).
        while i < b.len() && !NEEDS_ESCAPE[usize::from(b[i])] {
            i += 1;
        }
        let Some(&c) = b.get(i) else { break };
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0C => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1F => {
                put(out, &b[start..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                put(out, b"\\u00");
                out.push(HEX[usize::from(c >> 4)]);
                out.push(HEX[usize::from(c & 0xF)]);
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        put(out, &b[start..i]);
        put(out, esc);
        i += 1;
        start = i;
    }
    put(out, &b[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_as_serde_json_does() {
        for s in [
            "",
            "plain",
            "初診料 291 points",
            "a\"b\\c\nd\re\tf\u{8}\u{c}\u{1}\u{1f}\u{7f}",
            "12345678\"12345678",
            "１２３４５６７８９０\\",
        ] {
            let mut out = Vec::new();
            Json::new(&mut out, false).str(s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    #[test]
    fn an_escape_anywhere_in_a_string_is_found() {
        // Every length around the 16- and 32-byte chunks and every position of the byte to
        // escape (the chunk scan, the overlapping last chunk, the byte loop of short strings).
        for n in 1..=80 {
            for at in 0..n {
                for c in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
                    let mut s: String = "a".repeat(n);
                    s.replace_range(at..at + 1, &c.to_string());
                    let mut out = Vec::new();
                    escape_into(&mut out, &s);
                    let want = serde_json::to_string(&s).unwrap();
                    assert_eq!(out, want.as_bytes()[1..want.len() - 1], "{s:?}");
                }
            }
            let s = "é".repeat(n);
            let mut out = Vec::new();
            escape_into(&mut out, &s);
            assert_eq!(out, s.as_bytes());
        }
    }

    #[test]
    fn structure_matches_serde_json() {
        let v = serde_json::json!({"a": [], "b": [1, {"c": null, "d": []}], "e": {}, "f": true});
        for pretty in [false, true] {
            let mut out = Vec::new();
            let mut j = Json::new(&mut out, pretty);
            j.begin_object();
            j.key_sep(key!("a"));
            j.begin_array();
            j.end_array();
            j.key_sep(key!("b"));
            j.begin_array();
            j.element();
            j.int(1);
            j.element();
            j.begin_object();
            j.key_sep(key!("c"));
            j.null();
            j.key_sep(key!("d"));
            j.begin_array();
            j.end_array();
            j.end_object();
            j.end_array();
            j.key_sep(key!("e"));
            j.begin_object();
            j.end_object();
            j.key_sep(key!("f"));
            j.bool(true);
            j.end_object();
            assert_eq!(String::from_utf8(out).unwrap(), serde_text(&v, pretty));
        }
    }

    /// serde_json's text of `v`, compact or pretty: what the writer must produce.
    fn serde_text(v: &serde_json::Value, pretty: bool) -> String {
        if pretty {
            serde_json::to_string_pretty(v).unwrap()
        } else {
            serde_json::to_string(v).unwrap()
        }
    }

    #[test]
    fn string_keys_match_serde_json() {
        // `key_str_with` as the first key and as a later one, in both layouts, against
        // serde_json's bytes for the same object.
        let v = serde_json::json!({"a": "x\"y", "bb": {"c": ""}});
        for pretty in [false, true] {
            let mut out = Vec::new();
            let mut j = Json::new(&mut out, pretty);
            j.begin_object();
            j.key_str_with(key_q!("a"), |o| escape_into(o, "x\"y"));
            j.key_sep(key!("bb"));
            j.begin_object();
            j.key_str_with(key_q!("c"), |_| {});
            j.end_object();
            j.end_object();
            assert_eq!(String::from_utf8(out).unwrap(), serde_text(&v, pretty));
        }
    }

    #[test]
    fn short_and_long_pieces_are_appended_exactly() {
        let src: Vec<u8> = (0u8..40).collect();
        for n in 0..=40 {
            for prefix in [0usize, 1, 7, 15] {
                let mut out = vec![b'x'; prefix];
                put(&mut out, &src[..n]);
                assert_eq!(out.len(), prefix + n);
                assert!(out[..prefix].iter().all(|&b| b == b'x'));
                assert_eq!(&out[prefix..], &src[..n]);
            }
        }
    }

    #[test]
    fn numbers() {
        for n in [
            0i64,
            7,
            -7,
            10,
            99,
            100,
            101,
            -100,
            291,
            1000,
            12345,
            i64::MAX,
            i64::MIN,
        ] {
            let mut out = Vec::new();
            write_int(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
        for (d, want) in [
            (Decimal::new(2910, 1), "291"),
            (Decimal::new(5, 1), "0.5"),
            (Decimal::new(-120, 2), "-1.2"),
            (Decimal::new(-300, 2), "-3"),
            (Decimal::new(1, 28), "0.0000000000000000000000000001"),
            (Decimal::MAX, "79228162514264337593543950335"),
        ] {
            let mut out = Vec::new();
            Json::new(&mut out, false).dec(d);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn whole_numbers_are_exact_and_bounded() {
        assert_eq!(whole(Decimal::new(29100, 2)), Some(291));
        assert_eq!(whole(Decimal::new(-29100, 2)), Some(-291));
        assert_eq!(whole(Decimal::new(29101, 2)), None);
        assert_eq!(whole(Decimal::from(i64::MAX)), Some(i64::MAX));
        assert_eq!(whole(Decimal::from(i64::MAX) + Decimal::ONE), None);
        assert_eq!(whole(Decimal::from(i64::MIN)), Some(i64::MIN));
        assert_eq!(whole(Decimal::new(-5, 0)), Some(-5));
        assert_eq!(whole(Decimal::new(1, 28)), None);
    }

    #[test]
    fn indentation_deeper_than_the_space_table() {
        let mut out = Vec::new();
        let mut j = Json::new(&mut out, true);
        j.depth = 40;
        j.newline();
        assert_eq!(out.len(), 1 + 80);
        assert!(out[1..].iter().all(|&b| b == b' '));
    }
}
