//! `santei uke read` / `santei uke write` on the oracle files of `../shared/oracles/`:
//! the line shapes, exit statuses, and a read → write round trip to identical bytes.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn oracles() -> PathBuf {
    let p = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
        .join("oracles");
    assert!(p.is_dir(), "oracle files expected in {}", p.display());
    p
}

fn santei(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("santei-uke-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const SAMPLE: &str = "receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE";

#[test]
fn read_prints_one_line_per_receipt_and_the_go() {
    let f = oracles().join(SAMPLE);
    let out = santei(&["uke", "read", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out.stdout);
    // 75 receipts, then the GO (the oracle README; GO,140,86392,99 on the file's last line).
    assert_eq!(lines.len(), 76);
    for l in &lines[..75] {
        assert!(l["receipt"]["re"]["number"].is_u64());
        assert_eq!(l["ir"]["facility_code"], "0000000");
        assert_eq!(l["totals"]["equal"], true, "{}", l["line"]);
        assert!(l.get("errors").is_none());
    }
    // Receipt 1: RE on line 2; HO 13,642 and KO 677 equal their lines.
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["totals"]["payers"][0]["stated"], 13642);
    assert_eq!(lines[0]["totals"]["payers"][1]["summed"], 677);
    assert_eq!(lines[0]["receipt"]["details"][0]["SI"]["code"], "111000110");
    assert_eq!(lines[0]["receipt"]["details"][0]["SI"]["days"][0], 1);
    assert_eq!(lines[75]["go"]["total_count"], 140);
    assert_eq!(lines[75]["go_check"]["equal"], true);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("RECEIPTC_GAIRAI_SAMPLE.UKE: 75 receipts, 0 with totals that differ from their lines, 0 error(s)"),
        "{err}"
    );
}

#[test]
fn read_reports_a_malformed_record_as_a_line_and_exits_1() {
    let f = oracles().join("uke-older/9rece_v1/RECEIPTC_bad.UKE");
    let out = santei(&["uke", "read", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out.stdout);
    // The error line first (line 1: IR,BAD,…), then all 18 receipts.
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["record"], "IR");
    assert_eq!(lines[0]["field"]["number"], 2);
    assert_eq!(lines[0]["field"]["name"], "審査支払機関");
    assert_eq!(lines[0]["value"], "BAD");
    assert_eq!(lines[0]["file"], "RECEIPTC_bad.UKE");
    assert!(lines[0]["error"]
        .as_str()
        .unwrap()
        .starts_with("RECEIPTC_bad.UKE line 1, IR field 2 (審査支払機関): \"BAD\""));
    assert_eq!(
        lines.iter().filter(|l| l.get("receipt").is_some()).count(),
        18
    );
    assert!(lines[1]["ir"].is_null());
    assert_eq!(lines[2]["ir"]["facility_name"], "サンプル病院");
}

#[test]
fn read_a_missing_file_exits_2() {
    let out = santei(&["uke", "read", "/nonexistent/RECEIPTC.UKE"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open /nonexistent/RECEIPTC.UKE"));
}

#[test]
fn read_then_write_gives_the_same_bytes() {
    let d = tmp("roundtrip");
    let src = oracles().join(SAMPLE);
    let out = santei(&["uke", "read", src.to_str().unwrap()]);
    let jsonl = d.join("r.jsonl");
    std::fs::write(&jsonl, &out.stdout).unwrap();
    let uke = d.join("RECEIPTC.UKE");
    let w = santei(&[
        "uke",
        "write",
        jsonl.to_str().unwrap(),
        "--output",
        uke.to_str().unwrap(),
    ]);
    assert_eq!(
        w.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&w.stderr)
    );
    assert!(std::fs::read(&uke).unwrap() == std::fs::read(&src).unwrap());
    // Only the output is left in the folder (the temporary file was renamed).
    let names: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // To stdout: the same bytes.
    let s = santei(&["uke", "write", jsonl.to_str().unwrap()]);
    assert_eq!(s.status.code(), Some(0));
    assert!(s.stdout == std::fs::read(&src).unwrap());
}

#[test]
fn write_refuses_error_lines_and_leaves_nothing() {
    let d = tmp("refuse");
    let bad = oracles().join("uke-older/9rece_v1/RECEIPTC_bad.UKE");
    let out = santei(&["uke", "read", bad.to_str().unwrap()]);
    let jsonl = d.join("bad.jsonl");
    std::fs::write(&jsonl, &out.stdout).unwrap();
    let uke = d.join("OUT.UKE");
    let w = santei(&[
        "uke",
        "write",
        jsonl.to_str().unwrap(),
        "--output",
        uke.to_str().unwrap(),
    ]);
    assert_eq!(w.status.code(), Some(2));
    let err = String::from_utf8_lossy(&w.stderr);
    assert!(
        err.contains("bad.jsonl line 1: a read error, not a receipt"),
        "{err}"
    );
    let names: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "only the input remains: {names:?}");

    // A receipt line that carries read errors (9rece receipt 17: its second HO/KO pair).
    let good = oracles().join("uke-older/9rece_v1/RECEIPTC.UKE");
    let out = santei(&["uke", "read", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(&jsonl, &out.stdout).unwrap();
    let w = santei(&[
        "uke",
        "write",
        jsonl.to_str().unwrap(),
        "--output",
        uke.to_str().unwrap(),
    ]);
    assert_eq!(w.status.code(), Some(2));
    let err = String::from_utf8_lossy(&w.stderr);
    assert!(err.contains("the receipt has 2 read error(s)"), "{err}");
    assert!(!uke.exists());
}

#[test]
fn write_names_the_field_it_cannot_write() {
    let d = tmp("field");
    let src = oracles().join(SAMPLE);
    let out = santei(&["uke", "read", src.to_str().unwrap()]);
    let first = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    // A Hangul character in 氏名 (RE field 5) is not CP932.
    let mut v: Value = serde_json::from_str(&first).unwrap();
    v["receipt"]["re"]["name"] = Value::String("テスト한".into());
    let jsonl = d.join("one.jsonl");
    std::fs::write(&jsonl, v.to_string() + "\n").unwrap();
    let w = santei(&["uke", "write", jsonl.to_str().unwrap()]);
    assert_eq!(w.status.code(), Some(2));
    let err = String::from_utf8_lossy(&w.stderr);
    assert!(
        err.contains("one.jsonl line 1: receipt 1 (RE レセプト番号 1): RE field 5 (氏名): \"テスト한\" holds '한' (U+D55C), which CP932 cannot write exactly"),
        "{err}"
    );
}
