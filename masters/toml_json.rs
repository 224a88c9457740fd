//! Shared by the build scripts of `masters` and `rules` (included with `#[path]`): the one
//! conversion of the embedded TOML data to the JSON the crates embed.

/// A TOML value as the JSON value that says the same (dates and times become their TOML text,
/// `YYYY-MM-DD`; a float that JSON cannot hold, NaN or infinity, becomes null).
pub fn json(v: toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => serde_json::Value::String(s),
        toml::Value::Integer(i) => serde_json::Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        toml::Value::Boolean(b) => serde_json::Value::Bool(b),
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        toml::Value::Array(a) => serde_json::Value::Array(a.into_iter().map(json).collect()),
        toml::Value::Table(t) => {
            serde_json::Value::Object(t.into_iter().map(|(k, v)| (k, json(v))).collect())
        }
    }
}

/// Convert each `(name, file)` TOML file under `data/` to `OUT_DIR/<stem>.json` (the stem is
/// the file with `/` as `-`) and return the Rust text of the list
/// `&[(name, include_str!(…)), …]` that embeds them. `what` names the data in the build error
/// of a file that is not valid TOML.
pub fn embed(out: &str, what: &str, files: &[(&str, &str)]) -> String {
    let mut list = String::from("&[\n");
    for (name, file) in files {
        let path = format!("data/{file}");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
        let value: toml::Value = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{what} {path} is not valid TOML: {e}"));
        let stem = file.replace('/', "-");
        let stem = stem.trim_end_matches(".toml");
        std::fs::write(
            std::path::Path::new(out).join(format!("{stem}.json")),
            serde_json::to_string(&json(value)).expect("JSON"),
        )
        .expect("write the JSON");
        list.push_str(&format!(
            "    ({name:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{stem}.json\"))),\n"
        ));
    }
    list.push(']');
    list
}

/// One file of a data folder's `manifest.toml`: where it is (under `data/`), what kind of
/// data it holds, and the name messages and reports give it (default: the path).
pub struct ManifestFile {
    pub path: String,
    pub kind: String,
    pub name: String,
}

/// The files `data/manifest.toml` lists, in order: `[[file]] path = "…", kind = "…"`,
/// optionally `name = "…"`. A revision's data is added there, not in Rust code.
pub fn manifest() -> Vec<ManifestFile> {
    let path = "data/manifest.toml";
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let value: toml::Value =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid TOML: {e}"));
    let files = value
        .get("file")
        .and_then(|f| f.as_array())
        .unwrap_or_else(|| panic!("{path}: no [[file]] entries"));
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let get = |k: &str| f.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let path_of = get("path").unwrap_or_else(|| panic!("{path}: file[{i}] has no `path`"));
            let kind = get("kind").unwrap_or_else(|| panic!("{path}: file[{i}] has no `kind`"));
            if !std::path::Path::new("data").join(&path_of).is_file() {
                panic!("{path}: file[{i}] names data/{path_of}, which does not exist");
            }
            ManifestFile {
                name: get("name").unwrap_or_else(|| path_of.clone()),
                path: path_of,
                kind,
            }
        })
        .collect()
}

/// [`embed`] for the manifest's files of one kind.
pub fn embed_kind(out: &str, what: &str, files: &[ManifestFile], kind: &str) -> String {
    let list: Vec<(&str, &str)> = files
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| (f.name.as_str(), f.path.as_str()))
        .collect();
    embed(out, what, &list)
}

/// The manifest's files of one kind embedded as they are (text that is not TOML, e.g. the
/// tier rules): the Rust text of `&[(name, include_str!(…)), …]`.
pub fn embed_raw(files: &[ManifestFile], kind: &str) -> String {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let mut list = String::from("&[\n");
    for f in files.iter().filter(|f| f.kind == kind) {
        let path = format!("data/{}", f.path);
        println!("cargo:rerun-if-changed={path}");
        list.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            f.name,
            format!("{dir}/{path}")
        ));
    }
    list.push(']');
    list
}
