//! santei's 2026 entries (`masters/data/r8-2026.toml`) and the revision check (issue 25):
//! - every entry cites a line of the 告示第69号 text that states its figure, and its figure is
//!   the 2024 one exactly when it says `unchanged`;
//! - every code of the embedded pack, of a common visit and of the third-party R8 table whose
//!   区分 the revision changed is covered, so no old figure passes silently;
//! - a code of a changed 区分 the entries do not cover is an error on dates from 2026-06-01
//!   when the official master predates the revision (naming the code, the 区分, the 告示 line
//!   and what to load), and fine before;
//! - an official master published after the revision is used and confirms the codes it has;
//! - the generated 区分 list cites real 区分 headings of both texts.

use calc::Engine;
use masters::pack::PackFile;
use masters::{Code, Dataset, LookupError, NamedFile};
use rust_decimal::Decimal;
use santei_tests::{
    date, fold_figures, ika_dir, kokuji69, official, official_with_overlay, shared, tensuhyo_dir,
    workspace_root,
};
use std::str::FromStr;

const K69: &str = "specs/r8-2026/ika-tensuhyo-kokuji69.txt:";

fn overlay_file() -> PackFile {
    let path = workspace_root().join("masters/data/r8-2026.toml");
    toml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

/// The cited line of the 告示第69号 text and the next one (figures break across lines), page
/// markers skipped, folded.
fn cited(line: usize) -> String {
    let t = kokuji69();
    let mut s = String::new();
    let mut n = line;
    let mut taken = 0;
    while taken < 2 && n <= t.len() {
        if !t[n - 1].starts_with("# file:") {
            s.push_str(&t[n - 1]);
            taken += 1;
        }
        n += 1;
    }
    fold_figures(&s).replace(',', "")
}

/// The line number after `K69` in a source, and the figure ("1,661点" → 1661) stated just before
/// the citation.
fn citation(source: &str) -> Option<(usize, Option<Decimal>)> {
    let at = source.find(K69)?;
    let digits: String = source[at + K69.len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let line = digits.parse().ok()?;
    let before = source[..at].trim_end().trim_end_matches('(').trim_end();
    let figure = before.strip_suffix('点').map(|f| {
        let num: String = f
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .filter(|c| *c != ',')
            .collect();
        Decimal::from_str(&num).unwrap_or_else(|e| panic!("{source}: figure {num:?}: {e}"))
    });
    Some((line, figure))
}

/// Points of `code` in the official 2024 data on 2026-05-31 (the day before the revision).
fn r6_points(c: Code) -> Option<Decimal> {
    official()
        .schedule
        .lookup(c, date("2026-05-31"))
        .ok()
        .map(|e| e.record().points)
}

#[test]
fn every_entry_cites_the_line_that_states_its_figure() {
    let pf = overlay_file();
    let mut checked = 0;
    for ch in &pf.changes {
        let Some((line, figure)) = citation(&ch.source) else {
            panic!(
                "{} ({}): the source cites no 告示第69号 line: {}",
                ch.code, ch.kind, ch.source
            );
        };
        let text = cited(line);
        let what = format!("{} {} {}: {}", ch.code, ch.kind, ch.effective, ch.source);
        match ch.kind.as_str() {
            "abolish" => {
                if ch.source.contains("削除") {
                    assert!(text.contains("削除"), "{what}: l.{line} reads {text}");
                }
            }
            _ if ch.source.contains("100分の200") => {
                // A 2027 step: the cited 注 doubles the 所定点数.
                assert!(text.contains("100分の200"), "{what}: l.{line} reads {text}");
                let before = pf
                    .changes
                    .iter()
                    .find(|c| {
                        c.code == ch.code && c.effective < ch.effective && c.kind != "unchanged"
                    })
                    .and_then(|c| c.fields.get("points"))
                    .and_then(|p| p.as_str())
                    .map(|p| Decimal::from_str(p).unwrap())
                    .unwrap_or_else(|| panic!("{what}: no 2026 figure to double"));
                let after = Decimal::from_str(ch.fields["points"].as_str().unwrap()).unwrap();
                assert_eq!(after, before * Decimal::TWO, "{what}");
            }
            "unchanged" => {
                // The cited line states the 2024 figure, which stands.
                let r6 =
                    r6_points(ch.code).unwrap_or_else(|| panic!("{what}: not in the 2024 data"));
                let needle = format!("{}点", r6.normalize());
                assert!(
                    text.contains(&needle),
                    "{what}: l.{line} and the next do not state the 2024 figure {needle}: {text}"
                );
            }
            _ => {
                if ch.source.contains("「月１回に限り」") {
                    continue;
                }
                let figure =
                    figure.unwrap_or_else(|| panic!("{what}: no figure before the citation"));
                let needle = format!("{}点", figure.normalize());
                assert!(
                    text.contains(&needle),
                    "{what}: l.{line} and the next do not state {needle}: {text}"
                );
                let r6 = r6_points(ch.code);
                match ch.kind.as_str() {
                    "change" => {
                        let p = Decimal::from_str(ch.fields["points"].as_str().unwrap()).unwrap();
                        assert_eq!(p, figure, "{what}: points and the cited figure differ");
                        if ch.effective == date("2026-06-01") {
                            let r6 = r6.unwrap_or_else(|| panic!("{what}: not in the 2024 data"));
                            assert_ne!(r6, figure, "{what}: the figure is the 2024 one");
                            assert!(
                                ch.source.contains(&format!("告示第57号 {}点", fmt(r6))),
                                "{what}: the source should state the 2024 figure {r6}"
                            );
                        }
                    }
                    "new" => {
                        let p = Decimal::from_str(ch.fields["points"].as_str().unwrap()).unwrap();
                        assert_eq!(p, figure, "{what}");
                        assert!(!ch.verified && ch.source.contains("unverified"), "{what}");
                    }
                    k => panic!("{what}: kind {k}"),
                }
            }
        }
        checked += 1;
    }
    for u in &pf.unchanged {
        assert!(u.source.contains(K69), "{}", u.source);
        for c in &u.codes {
            assert!(r6_points(*c).is_some(), "{c}: not in the 2024 data");
        }
    }
    assert!(checked > 200, "only {checked} entries checked");
}

fn fmt(d: Decimal) -> String {
    let n = d.normalize();
    let s = n.to_string();
    if n >= Decimal::from(1000) {
        let (a, b) = s.split_at(s.len() - 3);
        format!("{a},{b}")
    } else {
        s
    }
}

/// Codes valid on 2026-05-31 in `ds` and refused on `day` by the revision check.
fn gaps(ds: &Dataset, codes: impl IntoIterator<Item = Code>, day: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in codes {
        if ds.schedule.lookup(c, date("2026-05-31")).is_err() {
            continue;
        }
        if let Err(LookupError::RevisionGap(g)) = ds.lookup(c, date(day)) {
            out.push(format!("{c} {} ({})", g.name, g.key));
        }
    }
    out
}

#[test]
fn every_embedded_code_is_covered() {
    let ds = masters::pack::embedded().unwrap();
    assert!(!ds.revision_checks.is_empty());
    for day in ["2026-06-01", "2026-07-01", "2027-07-01"] {
        let g = gaps(&ds, ds.schedule.codes(), day);
        assert!(
            g.is_empty(),
            "{day}: embedded codes of changed 区分 not covered: {g:?}"
        );
    }
}

/// The codes of pack-codes.txt (the embedded pack and a common visit) and of the third-party
/// table, over the official 2024 files.
#[test]
fn visit_and_third_party_codes_are_covered_over_the_official_files() {
    let list =
        std::fs::read_to_string(workspace_root().join("masters/data/pack-codes.txt")).unwrap();
    let mut codes: Vec<Code> = list
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(code)
        .collect();
    let table =
        std::fs::read_to_string(shared().join("oracles/halunasu-r8/r8-code-points-derived.tsv"))
            .unwrap();
    codes.extend(
        table
            .lines()
            .skip(1)
            .map(|l| code(l.split('\t').next().unwrap())),
    );
    // The base items of the 物価対応料 rule (some, e.g. 外来腫瘍化学療法診療料, are in the official
    // files only: the embedded pack leaves them out for the page's size).
    let bukka: toml::Value = toml::from_str(
        &std::fs::read_to_string(workspace_root().join("rules/data/addons/bukka_r8.toml")).unwrap(),
    )
    .unwrap();
    for t in bukka["trigger"].as_array().unwrap() {
        codes.extend(
            t["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| code(c.as_str().unwrap())),
        );
    }
    codes.sort();
    codes.dedup();
    assert!(codes.len() > 600, "{}", codes.len());
    let g = gaps(official_with_overlay(), codes, "2026-07-01");
    assert!(g.is_empty(), "codes of changed 区分 not covered: {g:?}");
}

#[test]
fn an_uncovered_code_of_a_changed_section_is_an_error() {
    let ds = official_with_overlay();
    // 111012510 初診料（文書による紹介がない患者）: Ａ０００, a 区分 the revision changed, and
    // santei has no entry for the code (its 216点 happens to stand in 告示第69号 l.138, but
    // santei has not checked it).
    let c = code("111012510");
    assert!(ds.lookup(c, date("2026-05-31")).is_ok());
    let err = ds.lookup(c, date("2026-07-01")).unwrap_err();
    let LookupError::RevisionGap(g) = &err else {
        panic!("{err}")
    };
    assert_eq!(g.key, "A000");
    let msg = err.to_string();
    for part in [
        "111012510",
        "令和8年度診療報酬改定",
        "区分 A000",
        "A000 changed 69:121",
        "r8-2026.toml",
        "published up to 2025-09-01",
        "r8-kokuji69-changes.toml",
        "216 points",
        "hpdx.or.jp",
        "s_ALL2026",
    ] {
        assert!(msg.contains(part), "{part:?} missing from: {msg}");
    }
    // A code of a 区分 the revision left as it was: its figure passes (flagged by the engine as
    // not confirmed for the date, as before).
    let b009 = ds.lookup(code("180016110"), date("2026-07-01")).unwrap();
    assert_eq!(b009.record().points, Decimal::from(250));

    // The engine refuses the claim (exit status 2: it cannot be computed), and master show
    // says why.
    let engine = Engine::with_data(ds.clone()).unwrap();
    let claim = r#"{"date":"2026-07-01","kind":"ika","setting":"outpatient",
        "patient":{"birth_date":"1980-01-01"},"facility":{"kind":"clinic"},
        "items":[{"code":"111012510","count":1}]}"#;
    let e = api::calc(&engine, "claim.json", claim).unwrap_err();
    assert!(e.to_string().contains("区分 A000"), "{e}");
    let e = api::master_show(&engine, "111012510", "2026-07-01").unwrap_err();
    assert!(e.to_string().contains("hpdx.or.jp"), "{e}");
    // A base item of the 物価対応料 the embedded pack leaves out (Ｂ００１－２－12 外来腫瘍化学療法
    // 診療料, 通知 Ｏ１００ (3)), over the official files: 801点 (告示第69号 l.5767, santei's entry)
    // and 外来・在宅物価対応料 再診時等 2点 (l.20215) under 180820010.
    let chemo = claim.replace("111012510", "113704610");
    let out: serde_json::Value =
        serde_json::from_str(&api::calc(&engine, "claim.json", &chemo).unwrap()).unwrap();
    let points: Vec<(String, i64)> = out["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["code"].as_str().unwrap().to_string(),
                l["points"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        points.contains(&("113704610".into(), 801)) && points.contains(&("180820010".into(), 2)),
        "{out}"
    );
    let ok = api::calc(
        &engine,
        "claim.json",
        &claim.replace("2026-07-01", "2026-05-29"),
    );
    assert!(ok.is_ok(), "{ok:?}");
}

/// The rows of a real file whose code is `c` (raw CP932 bytes, without the line end).
fn real_row(file: &str, c: &str) -> Vec<u8> {
    let bytes = std::fs::read(ika_dir().join(file)).unwrap();
    let needle = format!("\"{c}\"");
    bytes
        .split(|b| *b == b'\n')
        .find(|l| l.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .unwrap_or_else(|| panic!("{c} not in {file}"))
}

/// Set 0-based fields of a row (every field is quoted; the edited ones are ASCII).
fn set_fields(row: &[u8], edits: &[(usize, &str)]) -> Vec<u8> {
    let inner = &row[1..row.len() - 1];
    let mut fields: Vec<Vec<u8>> = Vec::new();
    let mut cur = Vec::new();
    let mut i = 0;
    while i < inner.len() {
        if inner[i..].starts_with(b"\",\"") {
            fields.push(std::mem::take(&mut cur));
            i += 3;
        } else {
            cur.push(inner[i]);
            i += 1;
        }
    }
    fields.push(cur);
    assert_eq!(fields.len(), 150);
    for (k, v) in edits {
        fields[*k] = v.as_bytes().to_vec();
    }
    let mut out = b"\"".to_vec();
    out.extend(fields.join(&b"\",\""[..]));
    out.extend(b"\"");
    out
}

/// The official files of ../shared (procedure files and 電子点数表 tables) by name and bytes.
fn official_files() -> Vec<NamedFile> {
    let mut files = Vec::new();
    for dir in [ika_dir(), tensuhyo_dir()] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            files.push(NamedFile {
                name: p.file_name().unwrap().to_string_lossy().into_owned(),
                bytes: std::fs::read(&p).unwrap(),
            });
        }
    }
    files
}

/// An update file published after the revision (built here from real rows: a 変更 of
/// 112016070 to 7 points and a 新規 180819910, both from 2026-06-01) is applied; santei's
/// entries give way where it covers a code, and the master being after the revision, no line
/// is refused or flagged for the revision.
#[test]
fn an_official_master_published_after_the_revision_confirms_its_codes() {
    let change = set_fields(
        &real_row("s_ALL20240531.csv", "112016070"),
        &[(0, "5"), (11, "7.00"), (86, "20260601")],
    );
    let new = set_fields(
        &real_row("s_ALL20240531.csv", "180725810"),
        &[
            (0, "3"),
            (2, "180819910"),
            (4, "BUKKA1"),
            (11, "2.00"),
            (86, "20260601"),
            (87, "99999999"),
        ],
    );
    let mut update = change;
    update.extend(b"\r\n");
    update.extend(new);
    update.extend(b"\r\n");
    let mut files = official_files();
    files.push(NamedFile {
        name: "s_20260605.csv".into(),
        bytes: update,
    });
    let (ds, notes) = masters::pack::load_official_files(files).unwrap();
    assert_eq!(ds.official_through, Some(date("2026-06-05")));
    let covered = notes
        .iter()
        .find(|n| n.code == code("112016070") && n.effective == date("2026-06-01"))
        .unwrap();
    assert_eq!(covered.status, "official data covers it");
    let e = ds.lookup(code("112016070"), date("2026-07-01")).unwrap();
    assert_eq!(
        (e.record().points, e.version.verified),
        (Decimal::from(7), true)
    );
    let e = ds.lookup(code("112016070"), date("2026-05-31")).unwrap();
    assert_eq!(e.record().points, Decimal::from(5));
    let e = ds.lookup(code("180819910"), date("2026-07-01")).unwrap();
    assert!(e.version.verified && e.record().name == "BUKKA1");
    // Not in the update: santei's entry (unverified) where it has one, the official record
    // (no check: the master is after the revision) where it has none.
    let e = ds.lookup(code("112007410"), date("2026-07-01")).unwrap();
    assert_eq!(
        (e.record().points, e.version.verified),
        (Decimal::from(76), false)
    );
    assert!(ds.lookup(code("111012510"), date("2026-07-01")).is_ok());

    let engine = Engine::with_data(ds).unwrap();
    let claim = r#"{"date":"2026-07-01","kind":"ika","setting":"outpatient",
        "patient":{"birth_date":"1980-01-01"},"facility":{"kind":"clinic"},
        "items":[{"code":"111000110","count":1}]}"#;
    let out: serde_json::Value =
        serde_json::from_str(&api::calc(&engine, "claim.json", claim).unwrap()).unwrap();
    let line = out["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "111000110")
        .unwrap();
    assert_eq!(line["verified"], true, "{out}");
    assert!(
        !out["warnings"].to_string().contains("before this revision"),
        "{out}"
    );
}

/// A later full file over older data (the 2026 s_ALL… kept beside the 2024 files) states its
/// rows from their 変更年月日: a new version from that date, the earlier days unchanged.
#[test]
fn a_later_full_file_opens_a_version_from_its_date() {
    let row = set_fields(
        &real_row("s_ALL20240531.csv", "112016070"),
        &[(11, "7.00"), (86, "20260601")],
    );
    // The whole 2024 full file with this one row changed: a later full file that kept only the
    // changed row would be refused as cut short (issue 18).
    let original = real_row("s_ALL20240531.csv", "112016070");
    let mut full = Vec::new();
    for line in std::fs::read(ika_dir().join("s_ALL20240531.csv"))
        .unwrap()
        .split_inclusive(|b| *b == b'\n')
    {
        let body = line.strip_suffix(b"\r\n").unwrap_or(line);
        if body == original.as_slice() {
            full.extend(&row);
            full.extend(b"\r\n");
        } else {
            full.extend(line);
        }
    }
    let mut files = official_files();
    files.push(NamedFile {
        name: "s_ALL20260605.csv".into(),
        bytes: full,
    });
    let ds = Dataset::load_files(files).unwrap();
    let s = &ds.schedule;
    assert_eq!(
        s.lookup(code("112016070"), date("2026-05-31"))
            .unwrap()
            .record()
            .points,
        Decimal::from(5)
    );
    let e = s.lookup(code("112016070"), date("2026-06-01")).unwrap();
    assert_eq!(
        (e.record().points, e.valid_from),
        (Decimal::from(7), date("2026-06-01"))
    );
}

/// Each entry of the generated 区分 list cites the heading of its 区分 in the 2026 text, and its
/// comment the heading in the 2024 one.
#[test]
fn the_section_list_cites_real_headings() {
    let path = workspace_root().join("masters/data/r8-kokuji69-changes.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let k57: Vec<String> =
        std::fs::read_to_string(shared().join("specs/r6-2024/ika-tensuhyo-kokuji57.txt"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
    let k69 = kokuji69();
    let fw = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'A'..='Z' => char::from_u32(c as u32 - 'A' as u32 + 'Ａ' as u32).unwrap(),
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                '-' => '－',
                c => c,
            })
            .collect()
    };
    let heading = |line: &str, key: &str| {
        // Headings write 枝番 in full-width or ASCII digits ("Ｄ００６－19").
        let l = line.trim_start();
        l.starts_with(&fw(key)) || fold_figures(l).starts_with(&fold_figures(&fw(key)))
    };
    let mut n = 0;
    // Entry lines: `  "<key>[ → <key2>] <status> 69:<line>",  # <name> (告示第57号 l.<line>)`.
    for line in text.lines().filter(|l| l.starts_with("  \"")) {
        let (value, comment) = line.split_once("\",  # ").unwrap();
        let parts: Vec<&str> = value.trim_start_matches("  \"").split(' ').collect();
        let key = parts[0];
        let (new_key, rest) = match parts[1] {
            "→" => (parts[2], &parts[3..]),
            "通則" => continue,
            _ => (key, &parts[1..]),
        };
        let l57: usize = comment
            .rsplit_once("(告示第57号 l.")
            .and_then(|(_, l)| l.strip_suffix(')'))
            .and_then(|l| l.parse().ok())
            .unwrap_or_else(|| panic!("{line}: no 告示第57号 line"));
        assert!(
            heading(&k57[l57 - 1], key),
            "{line}: 告示第57号 l.{l57} reads {}",
            k57[l57 - 1]
        );
        if let Some(l69) = rest[1]
            .strip_prefix("69:")
            .and_then(|l| l.parse::<usize>().ok())
        {
            assert!(
                heading(&k69[l69 - 1], new_key),
                "{line}: 告示第69号 l.{l69} reads {}",
                k69[l69 - 1]
            );
        } else {
            assert_eq!((rest[0], rest[1]), ("missing", "69:none"), "{line}");
        }
        n += 1;
    }
    assert!(n > 300, "{n}");
    // The embedded form parses, each section with its entries.
    let v: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(
        v["section"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["kokuji"].as_array().unwrap().len())
            .sum::<usize>(),
        n + text
            .lines()
            .filter(|l| l.starts_with("  \"") && l.contains(" 通則 "))
            .count()
    );
}
