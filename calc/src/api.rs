//! The JSON interface shared by the CLI, the WebAssembly bindings and the C ABI: text in,
//! text out. Every caller prints exactly what these functions return, so results are
//! byte-identical across them.

use crate::engine::Engine;
use serde::Serialize;

/// An error as a JSON-able value: what went wrong and where.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ApiError {
    /// `input` (malformed or invalid input), `data` (the data cannot answer), `internal`.
    pub kind: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn input(message: impl Into<String>) -> Self {
        ApiError {
            kind: "input",
            message: message.into(),
        }
    }
    pub fn data(message: impl Into<String>) -> Self {
        ApiError {
            kind: "data",
            message: message.into(),
        }
    }
    /// `{"error": {...}}` as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({ "error": self })).unwrap_or_default()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Pretty JSON of a value (the one rendering every front end uses).
pub fn render<T: Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string_pretty(v).map_err(|e| ApiError {
        kind: "internal",
        message: e.to_string(),
    })
}

/// `santei calc`: a claim (JSON, or TOML when `name` ends in `.toml`) → result JSON.
pub fn calc(engine: &Engine, name: &str, text: &str) -> Result<String, ApiError> {
    let claim =
        crate::claim::Claim::parse(name, text).map_err(|e| ApiError::input(e.to_string()))?;
    let out = engine
        .calc(&claim)
        .map_err(|e| ApiError::input(e.to_string()))?;
    render(&out)
}

/// `santei tier`: a facility profile (JSON or TOML) and a month range → result JSON array.
pub fn tier(
    engine: &Engine,
    name: &str,
    text: &str,
    from: &str,
    to: &str,
) -> Result<String, ApiError> {
    use rules::tier::FacilityProfile;
    let profile = if name.ends_with(".toml") {
        FacilityProfile::from_toml(name, text)
    } else {
        FacilityProfile::from_json(name, text)
    }
    .map_err(|e| ApiError::input(e.to_string()))?;
    let from: rules::YearMonth = from
        .parse()
        .map_err(|e| ApiError::input(format!("from: {e}")))?;
    let to: rules::YearMonth = to
        .parse()
        .map_err(|e| ApiError::input(format!("to: {e}")))?;
    if to < from {
        return Err(ApiError::input(format!(
            "to ({to}) is before from ({from})"
        )));
    }
    render(&engine.tiers().evaluate_range(&profile, from, to))
}

/// `santei master show`: one code on one date → JSON object.
pub fn master_show(engine: &Engine, code: &str, date: &str) -> Result<String, ApiError> {
    let code = masters::Code::parse(code).map_err(|e| ApiError::input(format!("code: {e}")))?;
    let date = crate::claim::parse_date(date).map_err(|e| ApiError::input(format!("date: {e}")))?;
    let e = engine
        .data()
        .schedule
        .lookup(code, date)
        .map_err(|e| ApiError::data(e.to_string()))?;
    render(&crate::engine::entry_json(&e, engine.data(), date))
}

/// `santei master diff`: changes between two dates → JSON array.
pub fn diff(engine: &Engine, from: &str, to: &str) -> Result<String, ApiError> {
    let from = crate::claim::parse_date(from).map_err(|e| ApiError::input(format!("from: {e}")))?;
    let to = crate::claim::parse_date(to).map_err(|e| ApiError::input(format!("to: {e}")))?;
    render(&engine.data().schedule.diff(from, to))
}

/// `santei version`: the library, interface and data versions of an engine (`abi` is the C
/// ABI version when the report is read through it).
pub fn version(engine: &Engine, abi: Option<u32>) -> Result<String, ApiError> {
    render(&crate::version::versions(engine, abi))
}

/// `santei copay`: one receipt (JSON, or TOML when `name` ends in `.toml`) → result JSON.
pub fn copay(engine: &Engine, name: &str, text: &str) -> Result<String, ApiError> {
    copay_with(engine.copay_tables(), name, text)
}

/// `santei copay` with explicit tables (e.g. with a local programme file added).
pub fn copay_with(
    tables: &rules::copay::CopayTables,
    name: &str,
    text: &str,
) -> Result<String, ApiError> {
    use crate::copay::Receipt;
    let receipt = if name.ends_with(".toml")
        || (!name.ends_with(".json") && !text.trim_start().starts_with('{'))
    {
        Receipt::from_toml(text)
    } else {
        Receipt::from_json(text)
    }
    .map_err(|e| ApiError::input(format!("{name}: {e}")))?;
    let out = crate::copay::compute(tables, &receipt)
        .map_err(|e| ApiError::input(format!("{name}: {e}")))?;
    render(&out)
}
