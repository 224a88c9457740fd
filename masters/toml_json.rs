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
