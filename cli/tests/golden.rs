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
    // The `data = "official"` cases read the official files in ../shared beside the checkout
    // (or $SANTEI_SHARED).
    let shared = std::env::var("SANTEI_SHARED").unwrap_or_else(|_| "../../shared".into());
    let official = format!("{shared}/masters");
    let (rc, out) = santei(&["golden", "run", "--official", &official, "../goldens"]);
    assert_eq!(rc, 0, "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.contains(" passed, 0 failed"), "{last}");
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

/// A symbolic link back to a folder already walked (a loop) is not followed again, and a link
/// to a case already found does not run it twice: 2 cases are reported as 2. On main at
/// b232bb0 the loop was followed until the path grew too long: 2 cases were reported as 82
/// failures.
#[test]
#[cfg(unix)]
fn a_symlink_loop_is_walked_once() {
    let dir = std::env::temp_dir().join(format!("santei-golden-loop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let good = std::fs::read_to_string("../goldens/dx/gen-issue-example.toml").unwrap();
    std::fs::write(dir.join("a.toml"), &good).unwrap();
    std::fs::write(dir.join("sub/b.toml"), &good).unwrap();
    std::os::unix::fs::symlink("..", dir.join("sub/up")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("here")).unwrap();
    std::os::unix::fs::symlink("a.toml", dir.join("same-as-a.toml")).unwrap();
    let (rc, out) = santei(&["golden", "run", dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(rc, 0, "{out}");
    assert_eq!(out.lines().last().unwrap(), "2 passed, 0 failed", "{out}");
}

/// A folder with no case, and a filter that selects none, are errors (exit 2, a message), not
/// "0 passed, 0 failed" with exit 0 as on main at b232bb0.
#[test]
fn no_case_is_an_error() {
    let dir = std::env::temp_dir().join(format!("santei-golden-none-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("empty/deeper")).unwrap();
    std::fs::write(dir.join("empty/notes.txt"), "not a case").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args(["golden", "run", dir.join("empty").to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "no golden case (*.toml) in {}",
            dir.join("empty").display()
        )),
        "{stderr}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_santei"))
        .args([
            "golden",
            "run",
            "../goldens",
            "--filter",
            "no case has this in its title",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no golden case matches --filter / --tag"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
