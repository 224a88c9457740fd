//! `santei copay` end to end with the issue's example receipt.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_santei"))
}

fn tmp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("santei-copay-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const EXAMPLE: &str = r#"{"month": "2025-05", "setting": "inpatient",
 "patient": {"birth_date": "1970-06-15", "insurance": "kenpo", "income_category": "ウ",
             "limit_certificate": true, "high_cost_count": 0, "specific_disease": false},
 "public_expense": [{"law": "54", "monthly_cap": 10000, "already_paid": 0}],
 "points": 36452, "meals": 0}"#;

#[test]
fn example_receipt_json() {
    let f = tmp("example.json", EXAMPLE);
    let out = bin().arg("copay").arg(&f).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["medical_cost"], 364_520);
    assert_eq!(v["rate"], "0.3");
    assert_eq!(v["limit"], 81_075);
    assert_eq!(v["patient_pays"], 10_000);
    assert_eq!(v["insurer_pays"], 283_445);
    assert_eq!(v["public_pays"][0]["law"], "54");
    assert_eq!(v["public_pays"][0]["amount"], 71_075);
    assert_eq!(v["meal_charge"], 0);
    assert!(v["trace"].as_array().unwrap().len() >= 5);
    for k in ["step", "input", "rule", "source", "result"] {
        assert!(v["trace"][0][k].is_string(), "{k}");
    }
}

#[test]
fn example_receipt_toml() {
    let f = tmp(
        "example.toml",
        r#"month = "2025-05"
setting = "inpatient"
points = 36452
meals = 0
[patient]
birth_date = "1970-06-15"
insurance = "kenpo"
income_category = "ウ"
limit_certificate = true
high_cost_count = 0
specific_disease = false
[[public_expense]]
law = "54"
monthly_cap = 10000
already_paid = 0
"#,
    );
    let out = bin()
        .arg("copay")
        .arg(&f)
        .arg("--compact")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["patient_pays"], 10_000);
}

#[test]
fn bad_input_is_a_clear_error() {
    let f = tmp("bad.json", &EXAMPLE.replace("\"ウ\"", "\"カ\""));
    let out = bin().arg("copay").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("patient.income_category: unknown value \"カ\""),
        "{err}"
    );
}

#[test]
fn local_programme_file() {
    let local = tmp(
        "local.toml",
        "[[programme]]\nlaw = \"90\"\nname = \"test\"\norder = 1\nrate = \"0\"\nfrom = \"2020-01-01\"\nsource = \"test\"\n",
    );
    let receipt = EXAMPLE.replace(
        "\"54\", \"monthly_cap\": 10000",
        "\"90\", \"monthly_cap\": 10000",
    );
    let f = tmp("local-receipt.json", &receipt);
    let out = bin().arg("copay").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .arg("copay")
        .arg(&f)
        .arg("--local")
        .arg(&local)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["patient_pays"], 0);
}
