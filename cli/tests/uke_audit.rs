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
