//! `santei tier` end to end: the issue's example profile for 2025-04, table output, and
//! error reporting for malformed input.

use std::path::PathBuf;
use std::process::Command;

const EXAMPLE: &str = r#"kind = "clinic"                  # hospital | clinic | dental | pharmacy
e_prescription_since = "2025-02-01"
electronic_sharing_since = "2026-06-01"   # ヌ: 電磁的方法により診療情報を共有し活用する体制
pediatric_outpatient_fee = true  # bills 小児科外来診療料
under6_share_2024 = 0.34         # share of under-6 patients in calendar 2024
[[usage]]
month = "2025-01"
receipt_based = 0.47             # マイナ保険証利用人数 / レセプト件数
online_based = 0.52              # マイナ保険証利用件数 / オンライン資格確認件数 (optional)
"#;

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("santei-tier-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn santei(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .output()
        .expect("run santei");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn example_profile_2025_04_json() {
    let p = write("example.toml", EXAMPLE);
    let (code, out, err) = santei(&[
        "tier",
        p.to_str().unwrap(),
        "--from",
        "2025-04",
        "--to",
        "2025-04",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 1);
    let m = &arr[0];
    assert_eq!(m["month"], "2025-04");
    assert_eq!(m["tier"], 1);
    assert_eq!(m["points"]["ika"], 12);
    assert_eq!(m["points"]["shika"], 11);
    assert_eq!(m["points"]["chozai"], 10);
    assert_eq!(m["rate_used"]["month"], "2025-01");
    assert_eq!(m["rate_used"]["basis"], "receipt");
    assert_eq!(m["rate_used"]["value"], 0.47);
    assert_eq!(m["threshold"], 0.45);
    assert_eq!(m["pediatric_exemption"], false);
    assert_eq!(m["unmet"].as_array().unwrap().len(), 0);
    assert_eq!(m["family"], "dx_suishin");
    assert_eq!(m["status"], "qualified");
    assert!(m["reason"]
        .as_str()
        .unwrap()
        .contains("医療DX推進体制整備加算1"));
}

#[test]
fn range_and_table() {
    let p = write("example2.toml", EXAMPLE);
    let (code, out, err) = santei(&[
        "tier",
        p.to_str().unwrap(),
        "--from",
        "2024-05",
        "--to",
        "2026-06",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 26);
    let (code, out, _) = santei(&[
        "tier",
        p.to_str().unwrap(),
        "--from",
        "2025-04",
        "--to",
        "2025-05",
        "--format",
        "table",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("適用月") && out.contains("加算1") && out.contains("2025-05"),
        "{out}"
    );
}

#[test]
fn malformed_profile_reports_file_line_column() {
    let p = write(
        "bad.toml",
        "kind = \"clinic\"\n[[usage]]\nmonth = \"2025-1\"\n",
    );
    let (code, _, err) = santei(&["tier", p.to_str().unwrap(), "--from", "2025-04"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml:3:9"), "{err}");
    assert!(err.contains("invalid month"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn malformed_rule_file_reports_file_line_column() {
    let p = write("ok.toml", EXAMPLE);
    let r = write("bad.rules", "period p {\n  family f\n  title \"T\"\n  months 2025-04 .. 2025-09\n  source \"s\"\n  tier 1 {\n    points ika 1\n    source \"s\"\n    require p.x: reciept_rate(M-3) >= 45% source \"s\"\n  }\n}\n");
    let (code, _, err) = santei(&[
        "tier",
        p.to_str().unwrap(),
        "--from",
        "2025-04",
        "--rules",
        r.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown name `reciept_rate`"), "{err}");
    assert!(err.contains("bad.rules:9:18"), "{err}");
    assert!(err.contains("^^^^^^^^^^^^"), "{err}");
}
