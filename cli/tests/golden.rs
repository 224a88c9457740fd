//! `santei golden run`: the corpus passes; a deliberately wrong expectation shows a diff naming
//! the field path, the expected and the actual values, and exits non-zero.

use std::process::Command;

fn santei(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
    )
}

#[test]
fn corpus_passes_and_summary_is_the_last_line() {
    let (rc, out) = santei(&["golden", "run", "../goldens"]);
    assert_eq!(rc, 0, "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn a_wrong_expectation_shows_a_diff() {
    let dir = std::env::temp_dir().join(format!("santei-golden-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("_skipped")).unwrap();
    let good = std::fs::read_to_string("../goldens/dx/gen-issue-example.toml").unwrap();
    std::fs::write(dir.join("good.toml"), &good).unwrap();
    std::fs::write(
        dir.join("wrong.toml"),
        good.replace("total_points = 304", "total_points = 305"),
    )
    .unwrap();
    std::fs::write(dir.join("_skipped/x.toml"), &good).unwrap();
    let (rc, out) = santei(&["golden", "run", dir.to_str().unwrap()]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("FAIL") && out.contains("wrong.toml"), "{out}");
    assert!(
        out.contains("total_points")
            && out.contains("- expected: 305")
            && out.contains("+ actual:   304"),
        "{out}"
    );
    assert_eq!(out.lines().last().unwrap(), "1 passed, 1 failed, 1 skipped");
    let (rc, json) = santei(&["golden", "run", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(rc, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["failed"], 1);
    // bless --yes rewrites the expectation; the case passes afterwards.
    let (rc, _) = santei(&["golden", "bless", dir.to_str().unwrap(), "--yes"]);
    assert_eq!(rc, 0);
    let (rc, out) = santei(&["golden", "run", dir.to_str().unwrap(), "--filter", "wrong"]);
    assert_eq!(rc, 0, "{out}");
    // The skipped case is not one the filter selects.
    assert_eq!(out.lines().last().unwrap(), "1 passed, 0 failed");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_wrong_line_expectation_is_named_by_field_and_blessed() {
    let dir = std::env::temp_dir().join(format!("santei-golden-line-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string("../goldens/dx/gen-issue-example.toml").unwrap();
    let wrong = good.replacen("points = 12", "points = 99", 1);
    assert_ne!(wrong, good, "the example case changed: update this test");
    std::fs::write(dir.join("wrong-line.toml"), &wrong).unwrap();
    let (rc, out) = santei(&["golden", "run", dir.to_str().unwrap()]);
    assert_eq!(rc, 1, "{out}");
    assert!(
        out.contains("line[") && out.contains("].points") && out.contains("- expected: 99"),
        "{out}"
    );
    let (rc, out) = santei(&["golden", "bless", dir.to_str().unwrap(), "--yes"]);
    assert_eq!(rc, 0, "{out}");
    let (rc, out) = santei(&["golden", "run", dir.to_str().unwrap()]);
    assert_eq!(rc, 0, "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_missing_folder_is_an_error() {
    let (rc, _) = santei(&["golden", "run", "../goldens/no-such-folder"]);
    assert_eq!(rc, 2);
}
