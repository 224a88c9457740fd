//! The Java (JNA) example of docs/integration.md runs against the library of this build and
//! prints what the Rust API gives. Needs `java` (11 or later, source-file mode) and JNA
//! (`/usr/share/java/jna.jar` from Debian's libjna-java, which .ci/run installs, or
//! `$SANTEI_JNA_JAR`); without them the test says so and passes.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_java_jna_example_prints_what_the_rust_api_gives() {
    let jar = std::env::var_os("SANTEI_JNA_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/java/jna.jar"));
    let java_ok = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !java_ok || !jar.is_file() {
        eprintln!(
            "java or {} is missing: the JNA example was not run",
            jar.display()
        );
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let lib = if deps.join("libsantei_ffi.so").is_file() {
        deps
    } else {
        deps.parent().unwrap().to_path_buf()
    };
    let claim = root.join("examples/claim.json");
    let out = Command::new("java")
        .arg("-cp")
        .arg(&jar)
        .arg(format!("-Djna.library.path={}", lib.display()))
        .arg(root.join("ffi/examples/java/SanteiExample.java"))
        .arg(&claim)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "java failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let engine = calc::Engine::embedded().unwrap();
    let want = api::calc(
        &engine,
        "claim.json",
        &std::fs::read_to_string(&claim).unwrap(),
    )
    .unwrap();
    assert_eq!(stdout, format!("{want}\n"));
}
