//! The C test: compile `tests/c/santei_test.c` and `examples/santei_calc.c` with gcc against
//! the library cargo built for this test run (`libsantei_ffi.so` and `libsantei_ffi.a` beside
//! the test binary's `deps/`), and run them: golden cases computed through the C ABI must be
//! byte-identical to the Rust API and carry the auditors' numbers; one engine is called from
//! many threads at once; NULL pointers, wrong lengths, invalid UTF-8 and bad JSON give errors,
//! not crashes. The shared build also runs under AddressSanitizer (leaks included) and, when
//! valgrind is installed, under valgrind.
//!
//! Needs gcc (CI machines have it); fails loudly without it.

use api::golden::Case;
use calc::Engine;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Where cargo put the library for this test run: rustc writes the cdylib and staticlib of
/// the ffi crate (no hash in their names) into `target/<profile>/deps/`, beside this test
/// binary, every time it builds the crate; `target/<profile>/` may hold an uplifted copy.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    let has = |d: &Path| {
        ["libsantei_ffi.so", "libsantei_ffi.a"]
            .iter()
            .all(|l| d.join(l).is_file())
    };
    if has(&deps) {
        return deps;
    }
    let up = deps.parent().unwrap().to_path_buf();
    assert!(
        has(&up),
        "libsantei_ffi.so / libsantei_ffi.a are in neither {} nor {}",
        deps.display(),
        up.display()
    );
    up
}

fn work_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("santei-c-abi")
}

fn golden(rel: &str) -> Case {
    let p = root().join("goldens").join(rel);
    Case::parse(
        &p.display().to_string(),
        &std::fs::read_to_string(&p).unwrap(),
    )
    .unwrap()
}

/// A scalar of the golden's `[expected]` as JSON text (304, 0, "2024-07" …).
fn expected(case: &Case, key: &str) -> String {
    let v = case
        .expected
        .get(key)
        .unwrap_or_else(|| panic!("golden has no expected {key}"));
    match v.as_str() {
        Some(s) => s.to_string(),
        None => v.to_string(),
    }
}

/// The fixtures the C program reads: inputs, the Rust API's results, the golden numbers.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = work_dir().join("fixtures");
        std::fs::create_dir_all(&dir).unwrap();
        let engine = Engine::embedded().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
        let mut facts = String::new();

        let calc = golden("dx/gen-2025-04-01-tier1.toml");
        let claim = calc.input_json();
        write("claim.json", &claim);
        write(
            "calc.expected",
            &api::calc(&engine, "claim.json", &claim).unwrap(),
        );
        facts += &format!("calc_total_points={}\n", expected(&calc, "total_points"));
        let line = calc.expected["line"].as_array().unwrap()[1]["code"]
            .as_str()
            .unwrap()
            .to_string();
        facts += &format!("calc_line_code={line}\n");

        let copay = golden("copay/seikatsu-hogo.toml");
        let receipt = copay.input_json();
        write("receipt.json", &receipt);
        write(
            "copay.expected",
            &api::copay(&engine, "receipt.json", &receipt).unwrap(),
        );
        facts += &format!("copay_patient_pays={}\n", expected(&copay, "patient_pays"));
        facts += &format!("copay_insurer_pays={}\n", expected(&copay, "insurer_pays"));

        let tier = golden("tier/gen-2024-10-at-t1.toml");
        let profile = serde_json::to_string(&tier.input["profile"]).unwrap();
        let from = tier.input["from"].as_str().unwrap();
        write("profile.json", &profile);
        write(
            "tier.expected",
            &api::tier(&engine, "profile.json", &profile, from, from).unwrap(),
        );
        facts += &format!("tier_from={from}\ntier_to={from}\n");
        facts += &format!("tier_tier={}\n", expected(&tier, "tier"));
        let local = golden("copay/local-kodomo.toml");
        write(
            "local.json",
            local
                .local
                .as_deref()
                .expect("the case declares its programme"),
        );
        write("local-receipt.json", &local.input_json());
        facts += &format!("local_patient_pays={}\n", expected(&local, "patient_pays"));
        // The UKE audit: the receiptisan sample (../shared/oracles/receiptisan-uke/, 75
        // receipts), as `santei uke audit` prints it for a file named RECEIPTC.UKE.
        let shared = std::env::var_os("SANTEI_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("../shared"));
        let uke =
            std::fs::read(shared.join("oracles/receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE"))
                .expect("the receiptisan sample");
        std::fs::write(dir.join("RECEIPTC.UKE"), &uke).unwrap();
        write(
            "uke_audit.expected",
            &api::uke_audit(&engine, "RECEIPTC.UKE", &uke, None).unwrap(),
        );
        write("facts.txt", &facts);
        dir
    })
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e} (is it installed?)"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    eprintln!("{what}:\n{stdout}{stderr}");
    stdout
}

/// gcc with the warnings of a careful C build.
fn gcc(source: &str, out: &Path, extra: &[&str]) {
    let mut cmd = Command::new("gcc");
    cmd.args([
        "-std=c11", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-pthread",
    ])
    .arg("-I")
    .arg(root().join("ffi/include"))
    .arg(root().join(source))
    .arg("-o")
    .arg(out)
    .args(extra);
    run(&mut cmd, &format!("gcc {source}"));
}

fn shared_flags(lib: &Path) -> Vec<String> {
    vec![
        format!("-L{}", lib.display()),
        "-lsantei_ffi".into(),
        format!("-Wl,-rpath,{}", lib.display()),
    ]
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(|s| s.as_str()).collect()
}

fn check_closing_line(stdout: &str) {
    let last = stdout.lines().last().unwrap_or("");
    assert!(
        last.ends_with(" passed, 0 failed"),
        "unexpected closing line {last:?}"
    );
}

#[test]
fn c_test_against_the_shared_library() {
    let lib = lib_dir();
    let bin = work_dir().join("santei_test_shared");
    std::fs::create_dir_all(work_dir()).unwrap();
    gcc(
        "ffi/tests/c/santei_test.c",
        &bin,
        &refs(&shared_flags(&lib)),
    );
    let out = run(
        Command::new(&bin).arg(fixtures()),
        "santei_test (shared library)",
    );
    check_closing_line(&out);
}

#[test]
fn c_test_against_the_static_library() {
    let lib = lib_dir();
    let bin = work_dir().join("santei_test_static");
    std::fs::create_dir_all(work_dir()).unwrap();
    let a = lib.join("libsantei_ffi.a").display().to_string();
    gcc(
        "ffi/tests/c/santei_test.c",
        &bin,
        &[&a, "-lpthread", "-ldl", "-lm"],
    );
    let out = run(
        Command::new(&bin).arg(fixtures()),
        "santei_test (static library)",
    );
    check_closing_line(&out);
}

#[test]
fn c_test_under_address_sanitizer() {
    let lib = lib_dir();
    let bin = work_dir().join("santei_test_asan");
    std::fs::create_dir_all(work_dir()).unwrap();
    let mut flags = vec![
        "-fsanitize=address".to_string(),
        "-fno-omit-frame-pointer".into(),
    ];
    flags.extend(shared_flags(&lib));
    gcc("ffi/tests/c/santei_test.c", &bin, &refs(&flags));
    let out = run(
        Command::new(&bin)
            .arg(fixtures())
            .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
            .env("SANTEI_TEST_ROUNDS", "10"),
        "santei_test (AddressSanitizer)",
    );
    check_closing_line(&out);
}

#[test]
fn c_test_under_valgrind() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!(
            "valgrind is not installed: skipped (the AddressSanitizer run covers memory errors)"
        );
        return;
    }
    let lib = lib_dir();
    let bin = work_dir().join("santei_test_valgrind");
    std::fs::create_dir_all(work_dir()).unwrap();
    gcc(
        "ffi/tests/c/santei_test.c",
        &bin,
        &refs(&shared_flags(&lib)),
    );
    let out = run(
        Command::new("valgrind")
            .args([
                "--quiet",
                "--error-exitcode=99",
                "--leak-check=full",
                "--errors-for-leak-kinds=definite",
            ])
            .arg(&bin)
            .arg(fixtures())
            .env("SANTEI_TEST_THREADS", "4")
            .env("SANTEI_TEST_ROUNDS", "2"),
        "santei_test (valgrind)",
    );
    check_closing_line(&out);
}

#[test]
fn the_c_example_prints_what_the_rust_api_gives() {
    let lib = lib_dir();
    let bin = work_dir().join("santei_calc");
    std::fs::create_dir_all(work_dir()).unwrap();
    gcc(
        "ffi/examples/santei_calc.c",
        &bin,
        &refs(&shared_flags(&lib)),
    );
    let claim = root().join("examples/claim.json");
    let out = run(Command::new(&bin).arg(&claim), "examples/santei_calc.c");
    let engine = Engine::embedded().unwrap();
    let want = api::calc(
        &engine,
        "claim.json",
        &std::fs::read_to_string(&claim).unwrap(),
    )
    .unwrap();
    assert_eq!(out, format!("{want}\n"));
}
