//! `santei uke audit` end to end: the JSON lines equal `api::uke_audit` (what the HTTP route,
//! the C ABI and the page return), the table, the exit status, and a file rewritten by
//! `santei uke write` from `santei uke read`'s lines audits to the same lines.

use std::path::PathBuf;
use std::process::{Command, Output};

fn shared() -> PathBuf {
    let p = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    assert!(p.is_dir(), "official files expected in {}", p.display());
    p
}

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("santei-audit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The receiptisan sample copied as `RECEIPTC.UKE` (the name the API functions quote).
fn sample(dir: &std::path::Path) -> PathBuf {
    let f = dir.join("RECEIPTC.UKE");
    std::fs::copy(
        shared().join("oracles/receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE"),
        &f,
    )
    .unwrap();
    f
}

#[test]
fn json_lines_equal_the_api_and_the_summary_counts() {
    let d = tmp("json");
    let f = sample(&d);
    let out = santei(&["uke", "audit", f.to_str().unwrap(), "--jobs", "2"]);
    // 2021-10 is before the rule files' coverage: nothing differs, so exit 0.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let engine = calc::Engine::embedded().unwrap();
    let want = api::uke_audit(&engine, "RECEIPTC.UKE", &std::fs::read(&f).unwrap(), None).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    let last: serde_json::Value = serde_json::from_str(want.lines().last().unwrap()).unwrap();
    assert_eq!(last["summary"]["receipts"], 75);
    assert_eq!(last["summary"]["differing"], 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("RECEIPTC.UKE: 75 receipts, "), "{err}");
    // One job gives the same bytes (file order kept).
    let one = santei(&["uke", "audit", f.to_str().unwrap(), "--jobs", "1"]);
    assert_eq!(String::from_utf8(one.stdout).unwrap(), want);
}

#[test]
fn table_and_a_rewritten_file() {
    let d = tmp("table");
    let f = sample(&d);
    let out = santei(&["uke", "audit", f.to_str().unwrap(), "--format", "table"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("レセプト 1 (line 2) 2021-10 1122 outpatient"),
        "{text}"
    );
    assert!(text.contains("75 receipts: "), "{text}");
    // read → write (santei uke write) → audit: the same audit, line for line.
    let read = santei(&["uke", "read", f.to_str().unwrap()]);
    let jsonl = d.join("receipts.jsonl");
    std::fs::write(&jsonl, &read.stdout).unwrap();
    let again = d.join("again").join("RECEIPTC.UKE");
    std::fs::create_dir_all(again.parent().unwrap()).unwrap();
    let w = santei(&[
        "uke",
        "write",
        jsonl.to_str().unwrap(),
        "--output",
        again.to_str().unwrap(),
    ]);
    assert_eq!(
        w.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&w.stderr)
    );
    let a = santei(&["uke", "audit", f.to_str().unwrap()]);
    let b = santei(&["uke", "audit", again.to_str().unwrap()]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn a_malformed_record_exits_1_and_bad_options_exit_2() {
    let d = tmp("bad");
    let f = d.join("RECEIPTC.UKE");
    std::fs::write(&f, b"IR,X,12,1,0000000,,,202111,00,\r\nGO,0,0,99\r\n").unwrap();
    let out = santei(&["uke", "audit", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().next().unwrap().contains("審査支払機関"),
        "{text}"
    );
    let o = d.join("options.json");
    std::fs::write(&o, br#"{"facility": {"kind": "nope"}}"#).unwrap();
    let out = santei(&[
        "uke",
        "audit",
        f.to_str().unwrap(),
        "--options",
        o.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

/// An English sentence in a text: three or more ASCII words in a row (a word: letters, with
/// `'` or `-` inside), as the page's tests define it; codes and numbers are not words.
fn english_sentence(s: &str) -> Option<String> {
    let mut run: Vec<&str> = Vec::new();
    for w in s.split(|c: char| c == ' ' || c == '\t') {
        let word = !w.is_empty()
            && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && w.chars()
                .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-');
        if word {
            run.push(w);
            if run.len() >= 3 {
                return Some(run.join(" "));
            }
        } else {
            run.clear();
        }
    }
    None
}

/// Every text of an audit line an office worker reads (each string value but the message
/// arguments, which are values for programs): the English sentences found, with their path.
fn english_in(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(e) = english_sentence(s) {
                out.push(format!("{path}: {e:?} in {s:?}"));
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| english_in(x, path, out)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                if k != "args" {
                    english_in(x, &format!("{path}.{k}"), out);
                }
            }
        }
        _ => {}
    }
}

/// `santei uke audit --lang ja` says everything in Japanese: the receiptisan sample (2021-10,
/// before the rule files: cannot-check findings, drug units, codes not in the master) and the
/// same receipts moved to 2024-10 (written back by `santei uke write`), where the R6 schedule
/// prices them: point differences, 算定もれ candidates, 算定回数, base items, age ranges … —
/// JSON lines and the table, with the same ids, arguments and numbers as `--lang en`.
#[test]
fn lang_ja_has_no_english_sentence() {
    assert_eq!(
        english_sentence("rules not checked (a"),
        Some("rules not checked".into())
    );
    assert_eq!(english_sentence("コード 111000110 は HO KO1"), None);
    let d = tmp("ja");
    let f = sample(&d);
    let read = santei(&["uke", "read", f.to_str().unwrap()]);
    let moved = String::from_utf8(read.stdout)
        .unwrap()
        .replace(
            "\"service_month\":\"2021-10\"",
            "\"service_month\":\"2024-10\"",
        )
        .replace(
            "\"billing_month\":\"2021-11\"",
            "\"billing_month\":\"2024-11\"",
        );
    let jsonl = d.join("moved.jsonl");
    std::fs::write(&jsonl, moved).unwrap();
    let f2 = d.join("MOVED.UKE");
    let w = santei(&[
        "uke",
        "write",
        jsonl.to_str().unwrap(),
        "--output",
        f2.to_str().unwrap(),
    ]);
    assert_eq!(w.status.code(), Some(0));
    let mut ids = std::collections::BTreeSet::new();
    let mut kinds = std::collections::BTreeSet::new();
    for file in [&f, &f2] {
        let ja = santei(&["uke", "audit", file.to_str().unwrap(), "--lang", "ja"]);
        let en = santei(&["uke", "audit", file.to_str().unwrap(), "--lang", "en"]);
        let ja_text = String::from_utf8(ja.stdout).unwrap();
        let en_text = String::from_utf8(en.stdout).unwrap();
        let mut found = Vec::new();
        for (lj, le) in ja_text.lines().zip(en_text.lines()) {
            let vj: serde_json::Value = serde_json::from_str(lj).unwrap();
            let ve: serde_json::Value = serde_json::from_str(le).unwrap();
            english_in(&vj, "", &mut found);
            for (fj, fe) in vj["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .zip(ve["findings"].as_array().into_iter().flatten())
            {
                // Keys, ids and numbers are the same in both languages.
                for k in [
                    "kind",
                    "message_id",
                    "code",
                    "points",
                    "yen",
                    "detail",
                    "day",
                ] {
                    assert_eq!(fj[k], fe[k], "{k}: {fj} / {fe}");
                }
                assert_ne!(fj["message"], fe["message"], "{fj}");
                ids.insert(fj["message_id"].as_str().unwrap_or("").to_string());
                kinds.insert(fj["kind"].as_str().unwrap_or("").to_string());
            }
        }
        assert_eq!(ja_text.lines().count(), en_text.lines().count());
        if file == &f2 {
            // Receipt 1's 初診料 111000110 is stated at 288 (R2) and is 291 from 2024-06-01
            // (../shared/masters/ika/s_20240306.csv:1, 288.00 → 291.00): +3 points, at 7割
            // (レセプト種別 1122 本人) 3 × 10 × 70 / 100 = 21 yen.
            let first: serde_json::Value =
                serde_json::from_str(ja_text.lines().next().unwrap()).unwrap();
            let f0 = &first["findings"][0];
            assert_eq!(f0["code"], "111000110", "{f0}");
            assert_eq!(f0["points"], 3, "{f0}");
            assert_eq!(f0["yen"], 21, "{f0}");
            assert_eq!(f0["message_id"], "audit.points", "{f0}");
            assert_eq!(f0["args"], serde_json::json!(["288", "291", "1"]), "{f0}");
            assert_eq!(f0["message"], "記載 288 点、再計算 291 点（× 1）", "{f0}");
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
        let err = String::from_utf8_lossy(&ja.stderr);
        assert!(err.contains(": レセプト 75 件、"), "{err}");
        let table = santei(&[
            "uke",
            "audit",
            file.to_str().unwrap(),
            "--lang",
            "ja",
            "--format",
            "table",
        ]);
        let t = String::from_utf8(table.stdout).unwrap();
        assert!(t.starts_with("レセプト 1（2行目）"), "{t}");
        let bad: Vec<_> = t.lines().filter_map(english_sentence).collect();
        assert!(bad.is_empty(), "{bad:?}");
    }
    // The moved file reaches the kinds of finding an auditor meets.
    for k in [
        "points",
        "missed_addon",
        "limit",
        "base_item",
        "rule",
        "cannot_check",
    ] {
        assert!(kinds.contains(k), "{k} not met: {kinds:?}");
    }
    assert!(ids.len() >= 10, "{ids:?}");
}
