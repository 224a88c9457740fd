//! The published C header `include/santei.h` is exactly what cbindgen generates from
//! `src/lib.rs` (build.rs writes it to OUT_DIR on every build). After a deliberate change of
//! the C ABI: `SANTEI_BLESS=1 cargo test -p santei-ffi --test header`, review, commit.

use std::path::PathBuf;

#[test]
fn the_published_header_is_the_generated_one() {
    let generated =
        std::fs::read_to_string(concat!(env!("OUT_DIR"), "/santei.h")).expect("generated header");
    let published = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include/santei.h");
    let have = std::fs::read_to_string(&published).unwrap_or_default();
    if have != generated {
        if std::env::var_os("SANTEI_BLESS").is_some() {
            std::fs::write(&published, &generated).unwrap();
        } else {
            panic!(
                "{} differs from the header generated from ffi/src/lib.rs; run SANTEI_BLESS=1 cargo test -p santei-ffi --test header and review the diff (an incompatible change needs a new SANTEI_ABI_VERSION)",
                published.display()
            );
        }
    }
}

#[test]
fn the_header_declares_every_entry_point_and_constant() {
    let h = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/santei.h")).unwrap();
    for name in [
        "santei_abi_version(void)",
        "santei_library_version(void)",
        "santei_engine_new_embedded(void)",
        "santei_engine_new_from_dirs(",
        "santei_engine_reload_from_dirs(",
        "santei_engine_free(",
        "santei_calc(",
        "santei_copay(",
        "santei_tier(",
        "santei_master_show(",
        "santei_master_diff(",
        "santei_version(",
        "santei_string_free(",
        "santei_last_status(void)",
        "santei_last_error(void)",
        "typedef struct SanteiEngine SanteiEngine;",
    ] {
        assert!(h.contains(name), "santei.h lacks {name}");
    }
    assert!(h.contains(&format!(
        "#define SANTEI_ABI_VERSION {}",
        santei_ffi::SANTEI_ABI_VERSION
    )));
    // The one constant written by hand in cbindgen.toml.
    assert_eq!(santei_ffi::SANTEI_NUL_TERMINATED, usize::MAX);
    assert!(h.contains("#define SANTEI_NUL_TERMINATED ((size_t)-1)"));
}
