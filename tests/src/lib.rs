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
