//! Shared helpers for santei's cross-crate tests.
//!
//! The official files live in `../shared` beside the checkout (never copied into the
//! project). Tests that need them fail loudly when they are missing, rather than skip.

use std::path::PathBuf;

pub mod fuzz;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// `../shared` beside the checkout (or `$SANTEI_SHARED`).
pub fn shared() -> PathBuf {
    let p = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("..").join("shared"));
    assert!(
        p.join("masters").is_dir(),
        "the official files are expected in {} (set SANTEI_SHARED to their location)",
        p.display()
    );
    p
}

/// `../shared/masters/ika`.
pub fn ika_dir() -> PathBuf {
    shared().join("masters").join("ika")
}

/// `../shared/tensuhyo/ika`.
pub fn tensuhyo_dir() -> PathBuf {
    shared().join("tensuhyo").join("ika")
}

/// Parse a YYYY-MM-DD date (test input only).
pub fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// The official 医科 data set with the 電子点数表 tables (loaded once per test binary).
pub fn official() -> &'static masters::Dataset {
    use std::sync::OnceLock;
    static DS: OnceLock<masters::Dataset> = OnceLock::new();
    DS.get_or_init(|| {
        masters::Dataset::load_dirs(&[ika_dir(), tensuhyo_dir()]).expect("official files load")
    })
}

/// The official 医科 data set with the 電子点数表 tables and santei's 2026 entries laid over it
/// ([`masters::pack::load_official_dirs`], as `--master` loads it; loaded once per test binary).
pub fn official_with_overlay() -> &'static masters::Dataset {
    use std::sync::OnceLock;
    static DS: OnceLock<masters::Dataset> = OnceLock::new();
    DS.get_or_init(|| {
        masters::pack::load_official_dirs(&[ika_dir(), tensuhyo_dir()])
            .expect("official files load")
            .0
    })
}

/// The 2026 告示 text (告示第69号), lines as in the file (`../shared/specs/r8-2026/…`).
pub fn kokuji69() -> &'static [String] {
    use std::sync::OnceLock;
    static T: OnceLock<Vec<String>> = OnceLock::new();
    T.get_or_init(|| {
        std::fs::read_to_string(
            shared()
                .join("specs")
                .join("r8-2026")
                .join("ika-tensuhyo-kokuji69.txt"),
        )
        .expect("告示第69号 text")
        .lines()
        .map(str::to_string)
        .collect()
    })
}

/// Full-width digits and comma folded to ASCII, whitespace removed (figures in the 告示 texts
/// are written either way and split by line breaks).
pub fn fold_figures(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '，' => ',',
            c => c,
        })
        .collect()
}
