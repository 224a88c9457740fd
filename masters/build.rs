//! The embedded default data is written in TOML (masters/data/*.toml: readable, reviewable) and
//! embedded as JSON, converted here: the engine then reads its own data with the JSON reader
//! every front end has anyway, and the WebAssembly build needs no TOML parser. The conversion
//! is generic (TOML value → JSON value; dates become `YYYY-MM-DD` strings), so the JSON holds
//! exactly what the TOML says. `cargo test` checks the loaded data against the official files.

use std::fmt::Write as _;
use std::path::Path;

#[path = "toml_json.rs"]
#[allow(dead_code)] // embed_kind and embed_raw serve the rules build script
mod toml_json;
use toml_json::{embed, manifest, ManifestFile};

/// The CP932 (WHATWG Shift_JIS, as 支払基金 files are written) double-byte table, taken from
/// encoding_rs: for each lead byte (0x81–0x9F, 0xE0–0xFC) and trail byte (0x40–0x7E, 0x80–0xFC)
/// the UTF-16 code unit it decodes to, or 0 where the pair is not CP932. The decoder in
/// `src/cp932.rs` uses it instead of encoding_rs's all-encodings decoder, which would link
/// every CJK table into the WebAssembly build; a test checks the two agree on every pair.
fn cp932_table(out: &str) {
    let mut t = String::from("[\n");
    for lead in (0x81u8..=0x9F).chain(0xE0..=0xFC) {
        t.push_str("    ");
        for trail in (0x40u8..=0x7E).chain(0x80..=0xFC) {
            let pair = [lead, trail];
            let (s, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&pair);
            let mut chars = s.chars();
            let unit = match (had_errors, chars.next(), chars.next()) {
                (false, Some(c), None) if (c as u32) <= 0xFFFF => c as u32,
                _ => 0,
            };
            write!(t, "{unit},").expect("write");
        }
        t.push('\n');
    }
    t.push(']');
    std::fs::write(Path::new(out).join("cp932.rs"), t).expect("write cp932.rs");
}

fn main() {
    println!("cargo:rerun-if-changed=toml_json.rs");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    cp932_table(&out);
    // Every file of the manifest is embedded (packs and overlays alike), in its order; the
    // overlays are also named in OVERLAYS.
    let files = manifest();
    let list: Vec<(&str, &str)> = files
        .iter()
        .map(|f: &ManifestFile| {
            assert!(
                matches!(f.kind.as_str(), "pack" | "overlay"),
                "data/manifest.toml: {}: kind {:?} is not pack or overlay",
                f.path,
                f.kind
            );
            (f.name.as_str(), f.path.as_str())
        })
        .collect();
    let list = embed(&out, "the embedded data", &list);
    std::fs::write(Path::new(&out).join("embedded.rs"), list).expect("write embedded.rs");
    let overlays: Vec<String> = files
        .iter()
        .filter(|f| f.kind == "overlay")
        .map(|f| format!("{:?}", f.name))
        .collect();
    std::fs::write(
        Path::new(&out).join("overlays.rs"),
        format!("&[{}]", overlays.join(", ")),
    )
    .expect("write overlays.rs");
}
