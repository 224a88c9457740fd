//! Writes `santei calc`'s full output for every inpatient golden case (goldens/inpatient,
//! goldens/_inpatient-tables) into a directory, to compare two builds byte for byte.
//! `cargo run -p santei-api --example inpatient_dump -- OUT_DIR` (reads ../shared or $SANTEI_SHARED).

use calc::Engine;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("OUT_DIR"));
    std::fs::create_dir_all(&out).expect("OUT_DIR");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let shared = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared"));
    let ds =
        masters::Dataset::load_dirs(&[shared.join("masters/ika"), shared.join("tensuhyo/ika")])
            .expect("the official files");
    let engine = Engine::with_data(ds).expect("engine");
    for dir in ["goldens/inpatient", "goldens/_inpatient-tables"] {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
        files.sort();
        for p in files
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(p).unwrap();
            let case = api::golden::Case::parse(&name, &text).expect("case");
            let result = match api::calc_inpatient(&engine, "in.json", &case.input_json()) {
                Ok((_, s)) => s,
                Err(e) => format!("ERROR {e:?}"),
            };
            std::fs::write(out.join(name.replace(".toml", ".json")), result).unwrap();
        }
    }
}
