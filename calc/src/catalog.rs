//! The message catalog (メッセージカタログ): every message the engine produces, with a stable id,
//! in English and Japanese.
//!
//! The engine records each text as a compile-time template and its arguments
//! ([`crate::text`]). The catalog (`calc/data/messages.tsv`: `id`, `en`, `ja` separated by
//! tabs) maps each English template to a stable id and a Japanese wording; the English
//! template is the key, so the engine's code is not touched to give a message an id. A few
//! messages are still made with `format!` (and the messages of errors returned as values): the
//! catalog's templates also match such finished strings (`{}` matching any text), so they get
//! their id and Japanese wording too.
//!
//! Japanese templates use `{}` for the arguments in order, or `{1}` … `{9}` for the n-th
//! argument (Japanese word order differs); `{~3}` leaves the third argument out on purpose (a
//! source citation in English that staff need not read: it stays in the English text and the
//! JSON's `source` fields).
//!
//! Invariants: every `tx!`/`lit!` template of the engine's sources that is a sentence (not an
//! identifier such as `point_kind:points`) has an entry, and each entry's Japanese wording uses
//! exactly the arguments of its English template (tested by `calc/tests/catalog.rs`); the
//! English rendering of a text is its template as compiled, byte for byte, whatever the catalog
//! says. A malformed catalog line is skipped, never a panic.

use crate::text::{write_segment, Segment, Text, Texts};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The language texts are rendered in (表示言語).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English: the engine's templates as written (the default of the JSON interfaces).
    #[default]
    En,
    /// Japanese (日本語): the catalog's wording.
    Ja,
}

impl Lang {
    /// `ja` or `en` (also `ja-JP`, `ja_JP.UTF-8`, `en-US` …); anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("ja") {
            Some(Lang::Ja)
        } else if s.starts_with("en") || s == "c" || s == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of a locale value (`LC_ALL`, `LANG`): `ja…` gives Japanese, anything
    /// else (or nothing) English.
    pub fn from_locale(value: Option<&str>) -> Lang {
        match value {
            Some(v) if v.trim().to_ascii_lowercase().starts_with("ja") => Lang::Ja,
            _ => Lang::En,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }
}

/// A piece of a Japanese template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Lit(&'static str),
    /// The n-th argument (from 0).
    Arg(usize),
    /// The n-th argument, left out on purpose (`{~n}`).
    Skip(usize),
}

/// One message of the catalog.
#[derive(Debug)]
pub struct Entry {
    /// The stable id (`addons.not_filed`): never reused for another meaning.
    pub id: &'static str,
    /// The English template, as the engine's sources write it.
    pub en: &'static str,
    /// The Japanese template.
    pub ja: &'static str,
    /// The English template cut at its `{}`.
    pub en_pieces: Vec<&'static str>,
    /// The Japanese template, parsed.
    pub ja_parts: Vec<Part>,
}

impl Entry {
    /// The number of arguments of the English template.
    pub fn arity(&self) -> usize {
        self.en_pieces.len().saturating_sub(1)
    }

    /// The argument indices the Japanese template uses, in its order.
    pub fn ja_args(&self) -> Vec<usize> {
        self.ja_parts
            .iter()
            .filter_map(|p| match p {
                Part::Arg(i) | Part::Skip(i) => Some(*i),
                Part::Lit(_) => None,
            })
            .collect()
    }

    /// Literal bytes of the English template (how specific it is as a pattern).
    fn literal_len(&self) -> usize {
        self.en_pieces.iter().map(|p| p.len()).sum()
    }
}

/// The catalog: entries by the hash of their English template, and the ones that may match
/// finished strings, most specific first.
#[derive(Debug)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    by_hash: HashMap<u64, usize>,
    patterns: Vec<usize>,
}

/// The catalog's data file.
pub const EMBEDDED: &str = include_str!("../data/messages.tsv");

/// The catalog in use: [`EMBEDDED`], or with the feature `fetched-data` the text of the group
/// `calc/catalog` given at run time ([`support::fetched`]; until then an empty catalog, which
/// is not kept: every text stays English).
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    #[cfg(feature = "fetched-data")]
    {
        static NONE: OnceLock<Catalog> = OnceLock::new();
        match support::fetched::group("calc/catalog").first() {
            Some((_, text)) => CATALOG.get_or_init(|| Catalog::parse(text)),
            None => NONE.get_or_init(|| Catalog::parse("")),
        }
    }
    #[cfg(not(feature = "fetched-data"))]
    CATALOG.get_or_init(|| Catalog::parse(EMBEDDED))
}

/// FNV-1a of a template given as its pieces (joined by `{}`), without building the string.
pub fn template_hash<'a>(pieces: impl IntoIterator<Item = &'a str>) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    let mut eat = |b: &[u8]| {
        for &x in b {
            h ^= u64::from(x);
            h = h.wrapping_mul(PRIME);
        }
    };
    for (i, p) in pieces.into_iter().enumerate() {
        if i > 0 {
            eat(b"{}");
        }
        eat(p.as_bytes());
    }
    h
}

/// Cut a template at its `{}`.
fn cut(t: &'static str) -> Vec<&'static str> {
    t.split("{}").collect()
}

/// Parse a Japanese template: `{}` (next argument) and `{1}`…`{9}` (the n-th).
fn parse_ja(t: &'static str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut next = 0;
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let (arg, skip) = if after.starts_with('}') {
            let a = next;
            next += 1;
            (Some(Part::Arg(a)), 2)
        } else {
            let b = after.as_bytes();
            match (b.first(), b.get(1), b.get(2)) {
                (Some(d @ b'1'..=b'9'), Some(b'}'), _) => {
                    (Some(Part::Arg(usize::from(d - b'1'))), 3)
                }
                (Some(b'~'), Some(d @ b'1'..=b'9'), Some(b'}')) => {
                    (Some(Part::Skip(usize::from(d - b'1'))), 4)
                }
                _ => (None, 1),
            }
        };
        match arg {
            Some(a) => {
                if open > 0 {
                    parts.push(Part::Lit(&rest[..open]));
                }
                parts.push(a);
                rest = &rest[open + skip..];
            }
            None => {
                parts.push(Part::Lit(&rest[..open + 1]));
                rest = &rest[open + 1..];
            }
        }
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest));
    }
    parts
}

impl Catalog {
    /// A catalog from its file (`#` comments and blank lines skipped; a line without three
    /// tab-separated fields is skipped).
    pub fn parse(data: &'static str) -> Catalog {
        let mut entries = Vec::new();
        for line in data.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.split('\t');
            let (Some(id), Some(en), Some(ja)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            entries.push(Entry {
                id,
                en,
                ja,
                en_pieces: cut(en),
                ja_parts: parse_ja(ja),
            });
        }
        let by_hash = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (template_hash(e.en_pieces.iter().copied()), i))
            .collect();
        let mut patterns: Vec<usize> = (0..entries.len())
            .filter(|&i| {
                let e = &entries[i];
                e.arity() > 0 && e.literal_len() >= 6
            })
            .collect();
        support::sort::sort_by_key(&mut patterns, |&i| {
            std::cmp::Reverse(entries[i].literal_len())
        });
        Catalog {
            entries,
            by_hash,
            patterns,
        }
    }

    /// The entry of a template given as its pieces.
    pub fn by_pieces(&self, pieces: &[&str]) -> Option<&Entry> {
        let i = *self.by_hash.get(&template_hash(pieces.iter().copied()))?;
        let e = self.entries.get(i)?;
        (e.en_pieces.len() == pieces.len() && e.en_pieces.iter().zip(pieces).all(|(a, b)| a == b))
            .then_some(e)
    }

    /// The entry of an English template.
    pub fn by_template(&self, t: &str) -> Option<&Entry> {
        let pieces: Vec<&str> = t.split("{}").collect();
        self.by_pieces(&pieces)
    }

    /// The entry with this id.
    pub fn by_id(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The entry whose template matches a finished string, with the arguments it captured.
    pub fn match_str<'s>(&self, s: &'s str) -> Option<(&Entry, Vec<&'s str>)> {
        if let Some(e) = self.by_pieces(&[s]) {
            return Some((e, Vec::new()));
        }
        self.patterns.iter().find_map(|&i| {
            let e = self.entries.get(i)?;
            match_pieces(&e.en_pieces, s).map(|caps| (e, caps))
        })
    }

    /// A finished string in a language: in Japanese, the catalog's wording of the template it
    /// matches (its captured arguments translated in turn), else the string as it is.
    pub fn translate(&self, s: &str, lang: Lang) -> String {
        let mut out = String::with_capacity(s.len() + 16);
        self.translate_into(&mut out, s, lang, 0);
        out
    }

    fn translate_into(&self, out: &mut String, s: &str, lang: Lang, depth: u8) {
        if lang == Lang::En {
            out.push_str(s);
            return;
        }
        self.translate_ja_with(out, s, depth, 4, &|out: &mut String, s: &str| {
            out.push_str(s)
        });
    }

    /// A finished English string in Japanese into `out`: the wording of the template it matches,
    /// each captured argument translated in turn (to `max_depth` levels; deeper, as it is); a
    /// string no template matches goes to `miss` (another catalog's translation, or as it is).
    pub fn translate_ja_with(
        &self,
        out: &mut String,
        s: &str,
        depth: u8,
        max_depth: u8,
        miss: &dyn Fn(&mut String, &str),
    ) {
        if depth > max_depth {
            out.push_str(s);
            return;
        }
        match self.match_str(s) {
            Some((e, caps)) => {
                for p in &e.ja_parts {
                    match *p {
                        Part::Lit(l) => out.push_str(l),
                        Part::Arg(i) => {
                            if let Some(c) = caps.get(i) {
                                self.translate_ja_with(out, c, depth + 1, max_depth, miss);
                            }
                        }
                        Part::Skip(_) => {}
                    }
                }
            }
            None => miss(out, s),
        }
    }
}

/// The arguments of a string that a template (as pieces) matches; the first possible cut for
/// each piece between the first and the last.
pub fn match_pieces<'s>(pieces: &[&str], s: &'s str) -> Option<Vec<&'s str>> {
    let (first, rest) = pieces.split_first()?;
    let Some((last, middle)) = rest.split_last() else {
        return (s == *first).then(Vec::new);
    };
    let body = s.strip_prefix(first)?;
    let body = body.strip_suffix(last)?;
    let mut caps = Vec::with_capacity(middle.len() + 1);
    let mut pos = 0;
    for m in middle {
        if m.is_empty() {
            caps.push("");
            continue;
        }
        let at = body.get(pos..)?.find(m)? + pos;
        caps.push(body.get(pos..at)?);
        pos = at + m.len();
    }
    caps.push(body.get(pos..)?);
    Some(caps)
}

/// A text of a pool in a language, for `Display` (made by [`Texts::show_in`]).
#[derive(Clone, Copy)]
pub struct ShowIn<'p> {
    pub(crate) pool: &'p Texts,
    pub(crate) text: Text,
    pub(crate) lang: Lang,
}

impl fmt::Display for ShowIn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lang {
            Lang::En => fmt::Display::fmt(&self.pool.show(self.text), f),
            Lang::Ja => write_ja(f, self.pool, self.text, 0),
        }
    }
}

impl serde::Serialize for ShowIn<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A text in Japanese: the catalog's wording of its template with its arguments (strings
/// among them translated when the catalog knows them), else the text as it is.
fn write_ja(f: &mut fmt::Formatter<'_>, pool: &Texts, t: Text, depth: u8) -> fmt::Result {
    let c = catalog();
    let (pieces, args) = pool.template(t);
    if let (["", ""], [Segment::Str(s)]) = (pieces, args.as_slice()) {
        return f.write_str(&c.translate(s, Lang::Ja));
    }
    match c.by_pieces(pieces) {
        Some(e) => {
            for p in &e.ja_parts {
                match *p {
                    Part::Lit(l) => f.write_str(l)?,
                    Part::Arg(i) => {
                        if let Some(&a) = args.get(i) {
                            write_segment_ja(f, pool, a, depth)?;
                        }
                    }
                    Part::Skip(_) => {}
                }
            }
            Ok(())
        }
        None => {
            for (i, p) in pieces.iter().enumerate() {
                f.write_str(p)?;
                if let Some(&a) = args.get(i) {
                    write_segment_ja(f, pool, a, depth)?;
                }
            }
            Ok(())
        }
    }
}

fn write_segment_ja(
    f: &mut fmt::Formatter<'_>,
    pool: &Texts,
    s: Segment<'_>,
    depth: u8,
) -> fmt::Result {
    match s {
        Segment::Str(s) => f.write_str(&catalog().translate(s, Lang::Ja)),
        Segment::NoCode => f.write_str("（コードなし）"),
        Segment::Text(t) if depth < 8 => write_ja(f, pool, t, depth + 1),
        s => write_segment(pool, f, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_templates_take_arguments_in_order_or_by_number() {
        assert_eq!(
            parse_ja("{2}の{1}"),
            vec![Part::Arg(1), Part::Lit("の"), Part::Arg(0)]
        );
        assert_eq!(
            parse_ja("a{}b{}"),
            vec![Part::Lit("a"), Part::Arg(0), Part::Lit("b"), Part::Arg(1)]
        );
        assert_eq!(parse_ja("{x}"), vec![Part::Lit("{"), Part::Lit("x}")]);
        assert_eq!(parse_ja("a{~2}"), vec![Part::Lit("a"), Part::Skip(1)]);
    }

    #[test]
    fn finished_strings_match_their_template() {
        let p = ["", " not added: ", " (", ")"];
        assert_eq!(
            match_pieces(&p, "A not added: b (c)"),
            Some(vec!["A", "b", "c"])
        );
        assert_eq!(match_pieces(&p, "A added: b (c)"), None);
        assert_eq!(match_pieces(&["total"], "total"), Some(vec![]));
    }

    #[test]
    fn locale_values() {
        assert_eq!(Lang::from_locale(Some("ja_JP.UTF-8")), Lang::Ja);
        assert_eq!(Lang::from_locale(Some("C.UTF-8")), Lang::En);
        assert_eq!(Lang::from_locale(None), Lang::En);
        assert_eq!(Lang::parse("JA"), Some(Lang::Ja));
        assert_eq!(Lang::parse("fr"), None);
    }
}

/// The catalog's renderings of a pool's texts (here, not in `text`, so that `text` does not
/// depend on the catalog).
impl Texts {
    /// The text in a language ([`Lang`]; English is [`Texts::show`]).
    pub fn show_in(&self, t: Text, lang: Lang) -> ShowIn<'_> {
        ShowIn {
            pool: self,
            text: t,
            lang,
        }
    }

    /// The text in a language as a string.
    pub fn string_in(&self, t: Text, lang: Lang) -> String {
        self.show_in(t, lang).to_string()
    }

    /// One argument of a text as written in English (a nested text is written whole), for a
    /// caller that renders the message from its id and arguments (the UKE audit).
    pub fn segment_string(&self, s: Segment<'_>) -> String {
        struct W<'a, 'p>(&'a Texts, Segment<'p>);
        impl fmt::Display for W<'_, '_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_segment(self.0, f, self.1)
            }
        }
        W(self, s).to_string()
    }

    /// The catalog's id of the message a text is (`None` for a name, a source or a code).
    pub fn message_id(&self, t: Text) -> Option<&'static str> {
        let c = catalog();
        match self.as_str(t) {
            Some(s) if t.pieces().len() == 2 => c.match_str(s).map(|(e, _)| e.id),
            _ => c.by_pieces(t.pieces()).map(|e| e.id),
        }
    }
}
