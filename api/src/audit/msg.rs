//! The audit's words: every text of a finding, a unit's reason, the co-payment's reason and the
//! 給付割合's source is a message — a stable id and its arguments ([`Msg`]) — rendered in
//! English or Japanese by the audit's message catalog (`api/data/audit-messages.tsv`, read by
//! [`calc::catalog::Catalog`] exactly as the engine's `calc/data/messages.tsv`), or, for the
//! engine's own texts (a rule finding's refusal, an add-on's name and rule), by the engine's
//! catalog under the engine's id.
//!
//! Invariants: the English rendering of a message is what the audit printed before the
//! catalog, byte for byte; an id is stable (never renamed or reused); every id the audit's
//! sources use has an entry whose Japanese wording uses exactly its English arguments (tested
//! below). Arguments are values (codes, numbers, dates, the data's own words) or nested
//! messages; a value that is an English sentence of another crate (an error returned as a value)
//! is matched against both catalogs' templates in Japanese, as the CLI does for errors.

use calc::catalog::{Catalog, Entry, Lang, Part};
use calc::output::CalcOutput;
use calc::text::{Segment, Text};
use std::sync::OnceLock;

/// The audit's catalog file.
const DATA: &str = include_str!("../../data/audit-messages.tsv");

/// The audit's catalog (parsed on first use).
pub fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::parse(DATA))
}

/// One argument of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A value: written as it is (in Japanese, translated when it is a sentence a catalog
    /// knows).
    V(String),
    /// A nested message.
    M(Box<Msg>),
    /// Nested messages joined by `, ` (Japanese `、`).
    List(Vec<Msg>),
    /// A value the data gives in both languages (a data file's `source` and `source_ja`).
    Both { en: String, ja: String },
}

/// A message: a stable id and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<Arg>,
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::V(s)
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::V(s.to_string())
    }
}
impl From<Msg> for Arg {
    fn from(m: Msg) -> Arg {
        Arg::M(Box::new(m))
    }
}

/// A message: `m!("audit.count_days", stated, summed)`; each argument is a `String`, a `&str` or a [`Msg`]
/// (anything `Into<Arg>`; numbers as `x.to_string()`).
macro_rules! m {
    ($id:literal $(, $a:expr)* $(,)?) => {
        $crate::audit::msg::Msg { id: $id, args: vec![$($crate::audit::msg::Arg::from($a)),*] }
    };
}
pub(crate) use m;

/// The entry of an id: the audit's catalog, else the engine's.
fn entry(id: &str) -> Option<&'static Entry> {
    catalog()
        .by_id(id)
        .or_else(|| calc::catalog::catalog().by_id(id))
}

impl Msg {
    /// The message in a language.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.write(&mut out, lang, 0);
        out
    }

    /// Its arguments as written in the message (a nested message rendered in the language).
    pub fn arg_strings(&self, lang: Lang) -> Vec<String> {
        self.args
            .iter()
            .map(|a| {
                let mut s = String::new();
                write_arg(&mut s, a, lang, 1);
                s
            })
            .collect()
    }

    fn write(&self, out: &mut String, lang: Lang, depth: u8) {
        let Some(e) = entry(self.id) else {
            // Not reached for the audit's ids (tested); an engine text without an entry is
            // `audit.engine_text`.
            for a in &self.args {
                write_arg(out, a, lang, depth + 1);
            }
            return;
        };
        match lang {
            Lang::En => {
                for (i, p) in e.en_pieces.iter().enumerate() {
                    out.push_str(p);
                    if let Some(a) = self.args.get(i).filter(|_| i + 1 < e.en_pieces.len()) {
                        write_arg(out, a, lang, depth + 1);
                    }
                }
            }
            Lang::Ja => {
                for p in &e.ja_parts {
                    match *p {
                        Part::Lit(l) => out.push_str(l),
                        Part::Arg(i) => {
                            if let Some(a) = self.args.get(i) {
                                write_arg(out, a, lang, depth + 1);
                            }
                        }
                        Part::Skip(_) => {}
                    }
                }
            }
        }
    }

    /// An engine text of a result as a message: its catalog id and its arguments (nested texts
    /// as nested messages), or `audit.engine_text` with the finished English text when the
    /// engine's catalog does not list its template.
    pub fn engine(out: &CalcOutput, t: Text) -> Msg {
        engine_text(out, t, 0)
    }
}

fn engine_text(out: &CalcOutput, t: Text, depth: u8) -> Msg {
    let c = calc::catalog::catalog();
    let (pieces, args) = out.texts.template(t);
    let whole = || m!("audit.engine_text", out.string(t));
    if depth > 8 || pieces.len() < 2 {
        return match c.by_pieces(pieces) {
            Some(e) if pieces.len() < 2 => Msg {
                id: e.id,
                args: Vec::new(),
            },
            _ => whole(),
        };
    }
    let Some(e) = c.by_pieces(pieces) else {
        return whole();
    };
    let args = args
        .into_iter()
        .map(|s| match s {
            Segment::Text(n) => Arg::from(engine_text(out, n, depth + 1)),
            Segment::Str(s) => Arg::V(s.to_string()),
            Segment::NoCode => Arg::from(m!("audit.no_code")),
            s => Arg::V(out.texts.segment_string(s)),
        })
        .collect();
    Msg { id: e.id, args }
}

fn write_arg(out: &mut String, a: &Arg, lang: Lang, depth: u8) {
    match a {
        Arg::V(s) if lang == Lang::Ja => translate(out, s, depth),
        Arg::V(s) => out.push_str(s),
        Arg::M(m) => m.write(out, lang, depth),
        Arg::Both { en, ja } => out.push_str(if lang == Lang::Ja { ja } else { en }),
        Arg::List(ms) => {
            for (i, m) in ms.iter().enumerate() {
                if i > 0 {
                    out.push_str(if lang == Lang::Ja { "、" } else { ", " });
                }
                m.write(out, lang, depth);
            }
        }
    }
}

/// A finished English string in Japanese: the audit's catalog's template it matches (its
/// arguments translated in turn), else the engine's catalog's translation (the string as it is
/// when neither knows it: a code, a number, a name).
fn translate(out: &mut String, s: &str, depth: u8) {
    catalog().translate_ja_with(out, s, depth, 6, &|out: &mut String, s: &str| {
        out.push_str(&calc::catalog::catalog().translate(s, Lang::Ja))
    });
}

/// Why a code is not in the loaded master on a date, as a message.
pub(crate) fn lookup_error(e: &masters::LookupError) -> Msg {
    match e {
        masters::LookupError::UnknownCode(c) => m!("audit.lookup.unknown", c.to_string()),
        masters::LookupError::NotValidOn { code, date, ranges } => {
            let r = if ranges.is_empty() {
                Arg::from(m!("audit.lookup.no_date"))
            } else {
                Arg::List(
                    ranges
                        .iter()
                        .map(|(f, t)| match t {
                            Some(t) => m!("audit.lookup.range", f.to_string(), t.to_string()),
                            None => m!("audit.lookup.range_open", f.to_string()),
                        })
                        .collect(),
                )
            };
            Msg {
                id: "audit.lookup.not_valid_on",
                args: vec![code.to_string().into(), date.to_string().into(), r],
            }
        }
        other => m!("audit.engine_text", other.to_string()),
    }
}

/// Why the engine could not compute a claim, as a message.
pub(crate) fn calc_error(e: &calc::CalcError) -> Msg {
    use calc::CalcError as E;
    match e {
        E::BeforeCoverage {
            date,
            from,
            source_note,
        } => m!(
            "audit.calc.before_coverage",
            date.to_string(),
            from.to_string(),
            source_note.as_str()
        ),
        E::AfterCoverage {
            date,
            to,
            source_note,
        } => m!(
            "audit.calc.after_coverage",
            date.to_string(),
            to.to_string(),
            source_note.as_str()
        ),
        E::Item { index, message } => {
            m!("audit.calc.item", index.to_string(), message.as_str())
        }
        E::Line {
            index,
            line,
            message,
        } => m!(
            "audit.calc.line",
            index.to_string(),
            line.to_string(),
            message.as_str()
        ),
        E::ItemField {
            index,
            field,
            message,
        } => m!(
            "audit.calc.item_field",
            index.to_string(),
            *field,
            message.as_str()
        ),
        E::Input(s) => m!("audit.engine_text", s.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every id the audit's sources write (`m!("…"` and `id: "…"`) has an entry.
    #[test]
    fn every_id_of_the_sources_is_in_the_catalog() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("day.rs"),
            include_str!("day/run.rs"),
            include_str!("group.rs"),
            include_str!("rate.rs"),
            include_str!("table.rs"),
            include_str!("msg.rs"),
        ];
        let mut n = 0;
        for s in sources {
            for pat in ["m!(\"", "id: \""] {
                for (at, _) in s.match_indices(pat) {
                    let rest = &s[at + pat.len()..];
                    let id = &rest[..rest.find('"').unwrap()];
                    if !id.starts_with("audit.") || id.ends_with('.') {
                        continue;
                    }
                    n += 1;
                    assert!(catalog().by_id(id).is_some(), "{id} is not in the catalog");
                }
            }
        }
        assert!(n > 30, "{n} ids found");
    }

    /// Each entry's Japanese uses exactly its English arguments; ids are unique.
    #[test]
    fn japanese_uses_exactly_the_english_arguments() {
        let c = catalog();
        let mut ids = std::collections::BTreeSet::new();
        for e in &c.entries {
            assert!(ids.insert(e.id), "{} twice", e.id);
            assert!(e.id.starts_with("audit."), "{}", e.id);
            let mut used = e.ja_args();
            used.sort_unstable();
            used.dedup();
            assert_eq!(
                used,
                (0..e.arity()).collect::<Vec<_>>(),
                "{}: {} / {}",
                e.id,
                e.en,
                e.ja
            );
        }
    }

    #[test]
    fn a_message_in_both_languages() {
        let m = m!("audit.count_days", "2", "3");
        assert_eq!(
            m.render(Lang::En),
            "回数 2 stated, its 算定日 columns add up to 3"
        );
        assert_eq!(m.render(Lang::Ja), "回数: 記載 2、算定日欄の合計 3");
        let l = lookup_error(&masters::LookupError::UnknownCode(masters::Code(111000110)));
        assert_eq!(
            l.render(Lang::En),
            "unknown code 111000110: not in the loaded schedule"
        );
        assert_eq!(
            l.render(Lang::En),
            masters::LookupError::UnknownCode(masters::Code(111000110)).to_string()
        );
        assert_eq!(
            l.render(Lang::Ja),
            "コード 111000110 は読み込んだ点数表にありません"
        );
        // The engine's errors: the same English as their Display.
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        for e in [
            calc::CalcError::BeforeCoverage {
                date: d("2021-10-01"),
                from: d("2022-04-01"),
                source_note: "domain §3".into(),
            },
            calc::CalcError::AfterCoverage {
                date: d("2029-10-01"),
                to: d("2028-05-31"),
                source_note: "domain §3".into(),
            },
            calc::CalcError::Item {
                index: 2,
                message: "unknown code 111000110: not in the loaded schedule".into(),
            },
            calc::CalcError::Line {
                index: 2,
                line: 1,
                message: "x".into(),
            },
            calc::CalcError::ItemField {
                index: 0,
                field: "count",
                message: "x".into(),
            },
            calc::CalcError::Input("x".into()),
        ] {
            assert_eq!(calc_error(&e).render(Lang::En), e.to_string());
        }
        let e = calc::CalcError::Item {
            index: 2,
            message: "unknown code 111000110: not in the loaded schedule".into(),
        };
        assert_eq!(
            calc_error(&e).render(Lang::Ja),
            "請求の項目 items[2] のコード: コード 111000110 は読み込んだ点数表にありません"
        );
        // The data's label.
        let l = m!(
            "audit.engine_text",
            "santei default data + 令和8年度改定 (unverified)"
        );
        assert_eq!(
            l.render(Lang::Ja),
            "santei の既定データ + 令和8年度改定（未検証）"
        );
    }
}
