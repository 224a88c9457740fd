//! `santei calc` on the issue's example, on embedded data and on the official files.

use serde_json::Value;
use std::process::Command;

fn santei(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run santei");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn example_claim_is_304_on_both_data_sets() {
    let (rc, out, err) = santei(&["calc", "../examples/claim.json"]);
    assert_eq!(rc, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total_points"], 304);
    let (rc, out2, err) = santei(&[
        "calc",
        "../examples/claim.json",
        "--master",
        "../../shared/masters/ika",
        "--master",
        "../../shared/tensuhyo/ika",
    ]);
    assert_eq!(rc, 0, "{err}");
    let w: Value = serde_json::from_str(&out2).unwrap();
    assert_eq!(w["total_points"], 304);
    let codes = |v: &Value| {
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["code"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&v), codes(&w));
}

/// examples/visit.json, a common outpatient 再診 on 2026-07-01 (再診料, 外来管理加算, 時間外対応体制加算１,
/// 特定疾患療養管理料, 処方箋料 with 一般名処方加算１, 末梢血液一般, 血液学的検査判断料, Ｂ－Ｖ), priced on both
/// sides of the 2026 revision without official files and with them. Figures from
/// ../shared/specs/r8-2026/ika-tensuhyo-kokuji69.txt: 76 (l.233) + 52 (l.272) + 7 (l.280) + 225
/// (l.4784) + 60 (l.11564) + 8 (l.11592) + 21 (l.9095) + 125 (l.9938) + 40 (l.10874), and the automatic
/// 電子的診療情報連携体制整備加算（再診） 2 (l.337, tier 2 filed) and 外来・在宅物価対応料 再診時等 2 (l.20215) = 618.
/// Before the revision (master s_ALL20240531.csv rows 54, 58, 79, 168, 1308, 1318, 5128, 5431, 5693):
/// 75 + 52 + 5 + 225 + 60 + 10 + 21 + 125 + 40 = 613, no 2026 add-on.
#[test]
fn example_visit_on_both_sides_of_the_2026_revision() {
    let visit = std::fs::read_to_string("../examples/visit.json").unwrap();
    let dir = std::env::temp_dir().join(format!("santei-visit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let before = dir.join("before.json");
    let mut v: Value = serde_json::from_str(&visit).unwrap();
    v["date"] = "2026-05-29".into();
    v["history"] = Value::Array(vec![]);
    std::fs::write(&before, v.to_string()).unwrap();
    let official = [
        "--master",
        "../../shared/masters/ika",
        "--master",
        "../../shared/tensuhyo/ika",
    ];
    for extra in [&[][..], &official[..]] {
        let mut args = vec!["calc", "../examples/visit.json"];
        args.extend(extra);
        let (rc, out, err) = santei(&args);
        assert_eq!(rc, 0, "{err}");
        let r: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(r["total_points"], 618, "{extra:?}: {out}");
        assert_eq!(r["errors"], Value::Array(vec![]), "{out}");
        let mut args = vec!["calc", before.to_str().unwrap()];
        args.extend(extra);
        let (rc, out, err) = santei(&args);
        assert_eq!(rc, 0, "{err}");
        let r: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(r["total_points"], 613, "{extra:?}: {out}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn table_format_and_errors() {
    let (rc, out, _) = santei(&["calc", "../examples/claim.json", "--format", "table"]);
    assert_eq!(rc, 0);
    assert!(out.contains("合計点数") && out.contains("304"), "{out}");
    let dir = std::env::temp_dir().join(format!("santei-calc-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"date\": \"2025-04-10\", ").unwrap();
    let (rc, _, err) = santei(&["calc", bad.to_str().unwrap()]);
    assert_ne!(rc, 0);
    assert!(err.contains("malformed JSON"), "{err}");
    let toml = dir.join("c.toml");
    std::fs::write(
        &toml,
        r#"date = "2025-04-10"
[patient]
birth_date = "1990-05-01"
mynumber_card = true
[facility]
kind = "clinic"
standards = [{ code = "4035", tier = 1, from = "2025-04-01" }]
[[items]]
code = "111000110"
"#,
    )
    .unwrap();
    let (rc, out, err) = santei(&["calc", toml.to_str().unwrap()]);
    assert_eq!(rc, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total_points"], 304);
}

/// `santei calc … | head -1`: the reader goes away after one line; santei stops quietly (no
/// panic message about the broken pipe).
#[cfg(unix)]
#[test]
fn a_closed_output_pipe_is_not_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["calc", "../examples/claim.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run santei");
    // Close the read end before santei writes (the engine loads its data first).
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}
