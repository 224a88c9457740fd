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
