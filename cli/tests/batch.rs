//! `santei batch`: results in input order; a malformed line in the middle yields an error record
//! naming its line number while every other line gets its result.

use std::process::Command;

#[test]
fn malformed_line_in_the_middle() {
    let dir = std::env::temp_dir().join(format!("santei-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let claim = std::fs::read_to_string("../examples/claim.json")
        .unwrap()
        .replace('\n', " ");
    let receipt = r#"{"month": "2025-05", "setting": "outpatient", "patient": {"birth_date": "1980-01-01", "insurance": "kenpo", "income_category": "ウ", "limit_certificate": true, "high_cost_count": 0, "specific_disease": false}, "points": 1234, "meals": 0}"#;
    let mut lines = Vec::new();
    for i in 0..1500 {
        lines.push(match i {
            700 => "{\"date\": \"2025-04-10\", this is not JSON".to_string(),
            701 => receipt.to_string(),
            _ => claim.clone(),
        });
    }
    let input = dir.join("in.jsonl");
    let output = dir.join("out.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args([
            "batch",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--jobs",
            "2",
            "--no-trace",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1499 ok, 1 failed"), "{stderr}");
    let got: Vec<serde_json::Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 1500);
    assert_eq!(got[0]["total_points"], 304);
    assert_eq!(got[699]["total_points"], 304);
    assert_eq!(got[700]["line"], 701);
    assert!(
        got[700]["error"]
            .as_str()
            .unwrap()
            .contains("malformed JSON"),
        "{}",
        got[700]
    );
    // 1,234点 at 3割 → 3,700 (copayment.md §2).
    assert_eq!(got[701]["patient_pays"], 3700);
    assert_eq!(got[1499]["total_points"], 304);
}

/// A line that is not UTF-8 is an error record (the batch goes on); a claim whose facility
/// profile has `month` keys is a claim, not a receipt; `--local` declares local programmes.
#[test]
fn bytes_that_are_not_text_profiles_and_local_programmes() {
    let dir = std::env::temp_dir().join(format!("santei-batch2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let claim = std::fs::read_to_string("../examples/claim.json")
        .unwrap()
        .replace('\n', " ");
    let with_profile = claim.replace(
        r#""e_prescription_since": "2025-01-15"}"#,
        r#""e_prescription_since": "2025-01-15", "profile": {"kind": "clinic", "e_prescription_since": "2025-01-15", "usage": [{"month": "2025-01", "receipt_based": 0.47}]}}"#,
    );
    assert_ne!(
        with_profile, claim,
        "the example claim changed: update this test"
    );
    // 法別 88 of rules/data/copay/local-example.toml: 1割 capped at 500 yen a visit: 3,000点 →
    // min(0.1 × 30,000, 2 × 500) = 1,000 (copayment.md §4 sequence).
    let local = r#"{"month": "2025-05", "setting": "outpatient", "patient": {"birth_date": "2015-06-15", "insurance": "kenpo", "income_category": "ウ"}, "public_expense": [{"law": "88"}], "points": 3000, "meals": 0, "visits": 2}"#;
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice(with_profile.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(b"{\"date\": \"2025-04-10\", \"x\": \"\xff\xfe\"}\n");
    input.extend_from_slice(local.as_bytes());
    input.push(b'\n');
    let path = dir.join("in.jsonl");
    std::fs::write(&path, &input).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["batch", "--input", path.to_str().unwrap(), "--no-trace"])
        .args(["--local", "../rules/data/copay/local-example.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let got: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0]["total_points"], 304, "{}", got[0]);
    assert_eq!(got[1]["line"], 2);
    assert!(got[1]["error"].as_str().unwrap().contains("not UTF-8"));
    assert_eq!(got[2]["patient_pays"], 1000, "{}", got[2]);
}
