//! The message catalog (calc/data/messages.tsv) against the engine's sources: every message
//! template has an entry, every entry's Japanese wording uses exactly its arguments, ids are
//! unique, and texts render in both languages.

use calc::catalog::{catalog, Lang};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("calc/src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The value of the Rust string literal starting at `s[0] == '"'` (escapes and line
/// continuations resolved).
fn literal(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut it = s.char_indices().skip(1).peekable();
    while let Some((_, c)) = it.next() {
        match c {
            '"' => return Some(out),
            '\\' => match it.next()?.1 {
                '\n' => {
                    while it.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                        it.next();
                    }
                }
                'n' => out.push('\n'),
                c => out.push(c),
            },
            c => out.push(c),
        }
    }
    None
}

/// A `format!` string with its `{name}`, `{:?}` … placeholders written `{}`.
fn as_template(f: &str) -> String {
    let mut out = String::new();
    let mut rest = f;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => {
                out.push_str("{}");
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Identifiers (rule ids, point kinds, keys) are not messages: they stay as they are.
fn identifier(t: &str) -> bool {
    t.chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.:/{}-".contains(c))
}

/// Every message template of the engine's sources: `tx!`/`lit!` templates, and the
/// `format!` strings made into texts (`.own(format!(…))`), with the file they are in.
fn templates() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let mut found = BTreeMap::new();
    for f in files {
        if f.ends_with("text.rs") || f.ends_with("catalog.rs") {
            continue;
        }
        let s = std::fs::read_to_string(&f).expect("source");
        for (mac, skip_pool, fmt) in [
            ("tx!(", true, false),
            ("lit!(", false, false),
            (".own(format!(", false, true),
        ] {
            let mut from = 0;
            while let Some(i) = s[from..].find(mac) {
                let at = from + i + mac.len();
                from = at;
                let mut rest = &s[at..];
                if skip_pool {
                    // tx!(pool, "template", …): the template follows the first comma.
                    let Some(c) = rest.find([',', ')']) else {
                        continue;
                    };
                    rest = &rest[c + 1..];
                }
                let rest = rest.trim_start();
                if !rest.starts_with('"') {
                    continue;
                }
                let Some(t) = literal(rest) else { continue };
                let t = if fmt { as_template(&t) } else { t };
                if !identifier(&t) {
                    found.insert(t, f.display().to_string());
                }
            }
        }
    }
    found
}

#[test]
fn every_message_template_of_the_engine_has_a_catalog_entry() {
    let all = templates();
    assert!(
        all.len() > 100,
        "the scan found only {} templates",
        all.len()
    );
    let c = catalog();
    let missing: Vec<String> = all
        .iter()
        .filter(|(t, _)| c.by_template(t).is_none())
        .map(|(t, f)| format!("{f}: {t}"))
        .collect();
    assert!(
        missing.is_empty(),
        "templates without an entry in calc/data/messages.tsv (add id, en, ja):\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scan_finds_templates_written_over_several_lines() {
    assert_eq!(literal("\"a \\\n     b\" rest"), Some("a b".to_string()));
    assert_eq!(as_template("{} of {code}: {e:?}"), "{} of {}: {}");
    assert!(identifier("point_kind:points"));
    assert!(!identifier("within the limit"));
}

#[test]
fn entries_are_well_formed() {
    let c = catalog();
    assert!(c.entries.len() > 100);
    let mut ids = HashSet::new();
    let mut ens = HashSet::new();
    for e in &c.entries {
        assert!(ids.insert(e.id), "id {} twice", e.id);
        assert!(ens.insert(e.en), "template twice: {}", e.en);
        assert!(
            e.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c)),
            "id {}",
            e.id
        );
        let mut used = e.ja_args();
        used.sort_unstable();
        let want: Vec<usize> = (0..e.arity()).collect();
        assert_eq!(
            used,
            want,
            "{}: the Japanese template must use each of the {} arguments once: {}",
            e.id,
            e.arity(),
            e.ja
        );
        assert!(!e.ja.is_empty(), "{}: no Japanese", e.id);
    }
}

#[test]
fn texts_render_in_japanese_and_english() {
    let mut pool = calc::text::Texts::new();
    let code = masters::Code(112007410);
    let name = calc::tx!(pool, "{} {}", code, "再診料");
    let t = calc::tx!(
        pool,
        "{} not added: the filing of {} gives no tier",
        name,
        "denshi_renkei"
    );
    assert_eq!(
        pool.string(t),
        "112007410 再診料 not added: the filing of denshi_renkei gives no tier"
    );
    assert_eq!(
        pool.string_in(t, Lang::En),
        "112007410 再診料 not added: the filing of denshi_renkei gives no tier"
    );
    assert_eq!(
        pool.string_in(t, Lang::Ja),
        "112007410 再診料 は算定しない: denshi_renkei の届出に区分がない（施設基準の届出で区分を選ぶか「自動」にしてください）"
    );
    assert_eq!(pool.message_id(t), Some("tier.no_tier"));
    // Reordered arguments.
    let t = calc::tx!(
        pool,
        "{} not added: no points for tier {} on {}",
        "A",
        3u32,
        chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
    );
    assert_eq!(
        pool.string_in(t, Lang::Ja),
        "A は算定しない: 2026-06-01時点で区分3の点数がない"
    );
    // A finished string (a format! message) matches its template, arguments translated too.
    let s = pool.str("age add-on 112000170 of 112007410 not added: copay: x");
    assert_eq!(pool.message_id(s), Some("age.not_added"));
    assert_eq!(
        pool.string_in(s, Lang::Ja),
        "112007410 の年齢加算 112000170 は算定しない: 患者負担を計算できません: x"
    );
    // A name is no message.
    let n = pool.str("再診料");
    assert_eq!(pool.message_id(n), None);
    assert_eq!(pool.string_in(n, Lang::Ja), "再診料");
}
