//! A fee revision as data, through the C ABI: an engine handle is built from a directory of
//! official files that ends before the 2024-10 医療DX推進体制整備加算 codes existed; the same
//! claim is computed, the update file that introduces them (`s_20240906.csv`, published
//! 2024-09-06: 111703470 医療ＤＸ推進体制整備加算１（初診）, 11 points from 2024-10-01) is put
//! into the directory, the running handle is reloaded — while other threads keep calling it —
//! and the same claim now carries 111703470 = 11 points. Nothing is rebuilt or relinked.
//!
//! Reads the official files from `../shared/masters/ika` (or `$SANTEI_SHARED/masters/ika`)
//! and copies the few it needs into a temporary directory.

use santei_ffi::*;
use serde_json::Value;
use std::ffi::{c_char, CStr, CString};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn ika() -> PathBuf {
    let shared = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = shared.join("masters/ika");
    assert!(
        dir.is_dir(),
        "the official files are expected in {} (set SANTEI_SHARED)",
        dir.display()
    );
    dir
}

/// The official files up to 2024-09-02: the full file of 2024-05-31 and its updates.
const BEFORE: &[&str] = &[
    "s_ALL20240531.csv",
    "s_20240621.csv",
    "s_20240628.csv",
    "s_20240726.csv",
    "s_20240801.csv",
    "s_20240823.csv",
    "s_20240902.csv",
];
/// The update that introduces the 2024-10 tier codes.
const UPDATE: &str = "s_20240906.csv";

const CLAIM: &str = r#"{"date": "2024-10-10", "kind": "ika", "setting": "outpatient",
 "patient": {"birth_date": "1990-05-01", "mynumber_card": true},
 "facility": {"kind": "clinic",
              "standards": [{"code": "4035", "tier": 1, "from": "2024-10-01"}],
              "e_prescription_since": "2024-01-15"},
 "items": [{"code": "111000110", "count": 1}]}"#;

fn take(p: *mut c_char) -> String {
    assert!(!p.is_null(), "NULL: {}", last_error());
    let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
    santei_string_free(p);
    s
}

fn last_error() -> String {
    let p = santei_last_error();
    if p.is_null() {
        "(none)".into()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

struct Handle(*mut SanteiEngine);
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

fn calc(h: &Handle) -> String {
    take(santei_calc(h.0, CLAIM.as_ptr().cast(), CLAIM.len()))
}

fn line<'v>(out: &'v Value, code: &str) -> Option<&'v Value> {
    out["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
}

#[test]
fn a_newer_update_file_changes_the_answer_of_a_running_handle() {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("revision-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in BEFORE {
        std::fs::copy(ika().join(f), dir.join(f)).unwrap();
    }
    let cdir = CString::new(dir.to_str().unwrap()).unwrap();
    let dirs = [cdir.as_ptr()];

    let h = Handle(santei_engine_new_from_dirs(dirs.as_ptr(), 1));
    assert!(!h.0.is_null(), "{}", last_error());
    let version: Value = serde_json::from_str(&take(santei_version(h.0))).unwrap();
    assert_eq!(version["data"]["published_through"], "2024-09-02");

    // Before: the data has no 2024-10 tier code, so no 医療DX推進体制整備加算１ line.
    let before_text = calc(&h);
    let before: Value = serde_json::from_str(&before_text).unwrap();
    assert!(
        line(&before, "111703470").is_none(),
        "the 2024-09-02 data has no 111703470:\n{before_text}"
    );
    assert_eq!(line(&before, "111000110").unwrap()["points"], 291);
    assert!(
        before["warnings"]
            .to_string()
            .contains("unknown code 111703470"),
        "the engine says why the add-on is missing:\n{before_text}"
    );

    // The revision arrives as a file: put it beside the others and reload the running handle,
    // while other threads keep computing on it.
    std::fs::copy(ika().join(UPDATE), dir.join(UPDATE)).unwrap();
    let stop = AtomicBool::new(false);
    let (old_seen, new_seen) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let after_text = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let mut outs = Vec::new();
                    while !stop.load(Ordering::Relaxed) || outs.is_empty() {
                        outs.push(calc(&h));
                    }
                    outs
                })
            })
            .collect();
        assert_eq!(
            santei_engine_reload_from_dirs(h.0, dirs.as_ptr(), 1),
            SANTEI_OK,
            "{}",
            last_error()
        );
        let after_text = calc(&h);
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            for out in w.join().unwrap() {
                if out == before_text {
                    old_seen.fetch_add(1, Ordering::Relaxed);
                } else {
                    assert_eq!(
                        out, after_text,
                        "a result during the reload is neither the old nor the new answer"
                    );
                    new_seen.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        after_text
    });
    eprintln!(
        "during the reload: {} results on the old data, {} on the new",
        old_seen.load(Ordering::Relaxed),
        new_seen.load(Ordering::Relaxed)
    );

    // After: the same claim gets 111703470 = 11 points, from the new file.
    let after: Value = serde_json::from_str(&after_text).unwrap();
    let l = line(&after, "111703470")
        .unwrap_or_else(|| panic!("no 111703470 after the update:\n{after_text}"));
    assert_eq!(l["points"], 11);
    assert_eq!(l["origin"], "auto");
    assert_eq!(l["verified"], true);
    assert!(
        l["source"].as_str().unwrap().starts_with("s_20240906.csv:"),
        "{l}"
    );
    assert_eq!(
        after["total_points"],
        before["total_points"].as_i64().unwrap() + 11
    );
    let version: Value = serde_json::from_str(&take(santei_version(h.0))).unwrap();
    assert_eq!(version["data"]["published_through"], "2024-09-06");

    // A new handle on the same directory answers the same, byte for byte.
    let h2 = Handle(santei_engine_new_from_dirs(dirs.as_ptr(), 1));
    assert_eq!(calc(&h2), after_text);

    // A failed reload (a directory without the full file) keeps the data.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let cempty = CString::new(empty.to_str().unwrap()).unwrap();
    assert_eq!(
        santei_engine_reload_from_dirs(h.0, [cempty.as_ptr()].as_ptr(), 1),
        SANTEI_ERR_LOAD
    );
    assert!(last_error().contains("s_ALL"), "{}", last_error());
    assert_eq!(calc(&h), after_text);

    santei_engine_free(h.0);
    santei_engine_free(h2.0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A reload to data older than the data in use (the files through 2024-09-02 after the files
/// through 2024-09-06) succeeds — the caller may mean it — with a remark in `data.warnings` of
/// `santei_version` naming both dates; a reload to newer data has none. On main at b232bb0 the
/// reload passed without remark (the report had no `warnings`).
#[test]
fn a_reload_to_older_data_is_remarked() {
    let root =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("older-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (old, new) = (root.join("old"), root.join("new"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    for f in BEFORE {
        std::fs::copy(ika().join(f), old.join(f)).unwrap();
        std::fs::copy(ika().join(f), new.join(f)).unwrap();
    }
    std::fs::copy(ika().join(UPDATE), new.join(UPDATE)).unwrap();
    let cold = CString::new(old.to_str().unwrap()).unwrap();
    let cnew = CString::new(new.to_str().unwrap()).unwrap();

    let h = Handle(santei_engine_new_from_dirs([cold.as_ptr()].as_ptr(), 1));
    assert!(!h.0.is_null(), "{}", last_error());
    assert_eq!(
        santei_engine_reload_from_dirs(h.0, [cnew.as_ptr()].as_ptr(), 1),
        SANTEI_OK
    );
    let v: Value = serde_json::from_str(&take(santei_version(h.0))).unwrap();
    assert_eq!(v["data"]["published_through"], "2024-09-06");
    assert_eq!(v["data"]["warnings"], serde_json::json!([]));

    assert_eq!(
        santei_engine_reload_from_dirs(h.0, [cold.as_ptr()].as_ptr(), 1),
        SANTEI_OK
    );
    assert!(santei_last_error().is_null());
    let v: Value = serde_json::from_str(&take(santei_version(h.0))).unwrap();
    assert_eq!(v["data"]["published_through"], "2024-09-02");
    let w = &v["data"]["warnings"];
    assert_eq!(w.as_array().unwrap().len(), 1, "{w}");
    assert_eq!(
        w[0]["message"],
        "reloaded to data published through 2024-09-02, older than the data it replaced \
         (published through 2024-09-06): changes published after 2024-09-02 are no longer applied"
    );
    santei_engine_free(h.0);
    let _ = std::fs::remove_dir_all(&root);
}
