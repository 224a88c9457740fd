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
