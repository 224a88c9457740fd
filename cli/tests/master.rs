//! `santei master show|diff` against the official files and the embedded data
//! (the acceptance answers of the foundation issue, checked against ../shared/masters/ika).

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

const IKA: &str = "../../shared/masters/ika";

fn show(code: &str, date: &str, official: bool) -> Result<Value, String> {
    let mut args = vec!["master", "show", code, "--date", date];
    if official {
        args.extend(["--master", IKA]);
    }
    let (rc, out, err) = santei(&args);
    if rc == 0 {
        Ok(serde_json::from_str(&out).expect("JSON"))
    } else {
        Err(err)
    }
}

#[test]
fn acceptance_answers_on_official_and_embedded_data() {
    for official in [true, false] {
        let v = show("111703370", "2024-06-01", official).unwrap();
        assert_eq!(v["points"], 8);
        assert_eq!(v["name"], "医療ＤＸ推進体制整備加算（初診）");
        assert_eq!(v["point_kind"], "points");
        assert_eq!(v["addon_group"]["code"], "1101");
        assert_eq!(v["addon_group"]["serial"], "A");
        assert_eq!(v["facility_standards"][0], "4035");
        assert_eq!(v["max_count"], 1);
        let v = show("111703370", "2024-10-01", official).unwrap();
        assert_eq!(v["name"], "医療ＤＸ推進体制整備加算３（初診）");
        let v = show("111703370", "2025-04-01", official).unwrap();
        assert_eq!(v["name"], "医療ＤＸ推進体制整備加算６（初診）");
        assert_eq!(v["points"], 8);
        let e = show("111703470", "2024-09-30", official).unwrap_err();
        assert!(e.contains("2024-10-01"), "{e}");
        assert_eq!(
            show("111703470", "2024-10-01", official).unwrap()["points"],
            11
        );
        assert_eq!(
            show("111703470", "2025-04-01", official).unwrap()["points"],
            10
        );
        assert_eq!(
            show("111015970", "2022-10-01", official).unwrap()["points"],
            4
        );
        assert_eq!(
            show("111015970", "2023-06-15", official).unwrap()["points"],
            6
        );
        assert_eq!(
            show("111015970", "2024-02-01", official).unwrap()["points"],
            4
        );
        let e = show("111015970", "2024-06-01", official).unwrap_err();
        assert!(e.contains("to 2024-05-31"), "{e}");
    }
}

#[test]
fn frequency_appears_when_the_table_is_loaded() {
    let (rc, out, _) = santei(&[
        "master",
        "show",
        "112708970",
        "--date",
        "2025-01-10",
        "--master",
        IKA,
        "--master",
        "../../shared/tensuhyo/ika",
    ]);
    assert_eq!(rc, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    // 05算定回数テーブル: 112708970 144 ３月 1.
    assert_eq!(v["frequency"]["unit"], "３月");
    assert_eq!(v["frequency"]["count"], 1);
    let (_, out, _) = santei(&[
        "master",
        "show",
        "112708970",
        "--date",
        "2025-01-10",
        "--master",
        IKA,
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v.get("frequency").is_none(),
        "no 算定回数 table loaded → no frequency key"
    );
}

#[test]
fn diff_across_the_2025_04_boundary() {
    let (rc, out, _) = santei(&[
        "master",
        "diff",
        "--from",
        "2025-03-31",
        "--to",
        "2025-04-01",
        "--master",
        IKA,
    ]);
    assert_eq!(rc, 0);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kind = |code: &str| {
        lines
            .iter()
            .find(|l| l["code"] == code)
            .map(|l| l["change"].as_str().unwrap().to_string())
    };
    for c in ["111703670", "111703770", "111703870"] {
        assert_eq!(kind(c).as_deref(), Some("added"), "{c}");
    }
    for c in ["111703370", "111703470", "111703570"] {
        assert_eq!(kind(c).as_deref(), Some("changed"), "{c}");
    }
    let ch = lines.iter().find(|l| l["code"] == "111703470").unwrap();
    let pts = ch["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "points")
        .unwrap();
    assert_eq!(
        (pts["from"].as_str(), pts["to"].as_str()),
        (Some("11.00"), Some("10.00"))
    );
    let (rc, table, _) = santei(&[
        "master",
        "diff",
        "--from",
        "2025-03-31",
        "--to",
        "2025-04-01",
        "--master",
        IKA,
        "--format",
        "table",
    ]);
    assert_eq!(rc, 0);
    assert!(table.contains("+ 111703670"), "{table}");
}

#[test]
fn bad_arguments_are_clear_errors() {
    let (rc, _, err) = santei(&["master", "show", "11170337", "--date", "2025-04-01"]);
    assert_ne!(rc, 0);
    assert!(err.contains("9 digits"), "{err}");
    let (rc, _, err) = santei(&["master", "show", "111703370", "--date", "2025-02-30"]);
    assert_ne!(rc, 0);
    assert!(err.contains("\"2025-02-30\" is not a valid date"), "{err}");
    // Later than the rule files describe (the next revision is not published).
    let (rc, _, err) = santei(&["master", "show", "111000110", "--date", "2030-01-01"]);
    assert_eq!(rc, 2);
    assert!(err.contains("after 2028-05-31"), "{err}");
    let (rc, _, err) = santei(&[
        "master",
        "diff",
        "--from",
        "2025-04-01",
        "--to",
        "2025-03-31",
    ]);
    assert_eq!(rc, 2);
    assert!(err.contains("is before from"), "{err}");
    let (rc, _, err) = santei(&["master", "show", "199999999", "--date", "2025-04-01"]);
    assert_ne!(rc, 0);
    assert!(err.contains("unknown code 199999999"), "{err}");
}

#[test]
fn facts_no_official_file_confirms_are_flagged() {
    // The 2026 abolition of 111703470 is santei's own fact (domain §6), the record official.
    let v = show("111703470", "2025-04-10", true).unwrap();
    assert_eq!(v["valid_to"], "2026-05-31");
    assert_eq!(v["verified"], true);
    assert_eq!(v["valid_to_verified"], false);
    // An official record for a date after a revision the files predate: only the 2022-02-18
    // full file (a link in a temporary directory), asked for 2025-04-01 (after 2024-06-01).
    let dir = std::env::temp_dir().join(format!("santei-old-master-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("s_ALL20220218.csv");
    let _ = std::fs::remove_file(&link);
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(IKA)
        .join("s_ALL20220218.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (rc, out, err) = santei(&[
        "master",
        "show",
        "111000110",
        "--date",
        "2025-04-01",
        "--master",
        dir.to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(rc, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["points"], 288, "the 2022 record (s_ALL20220218)");
    assert_eq!(v["verified"], false);
    let note = v["note"].as_str().unwrap();
    assert!(
        note.contains("令和6年度") && note.contains("2022-02-18"),
        "{note}"
    );
}
