//! # santei-wasm — the santei engine for WebAssembly
//!
//! Job: expose the same engine the CLI runs, JSON in and JSON out, to a browser or any
//! WebAssembly host. Invariant: errors come back as JSON values (`{"error": …}`), never as
//! traps; the crate does no I/O (data comes embedded or as bytes from the host).

use serde_json::json;

/// `santei master show CODE --date DATE` on the embedded data, as a JSON string.
pub fn master_show(code: &str, date: &str) -> String {
    let out = (|| -> Result<serde_json::Value, String> {
        let ds = masters::pack::embedded().map_err(|e| e.to_string())?;
        let code = masters::Code::parse(code)?;
        let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| format!("{date:?} is not a date (YYYY-MM-DD)"))?;
        let e = ds.schedule.lookup(code, date).map_err(|e| e.to_string())?;
        Ok(json!({
            "code": e.code.to_string(),
            "name": e.record().name,
            "points": e.record().points.normalize().to_string(),
            "valid_from": e.valid_from.to_string(),
            "valid_to": e.valid_to.map(|d| d.to_string()),
        }))
    })();
    match out {
        Ok(v) => v.to_string(),
        Err(e) => json!({ "error": e }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_are_values() {
        let v: serde_json::Value =
            serde_json::from_str(&super::master_show("1", "2025-04-01")).unwrap();
        assert!(v["error"].as_str().unwrap().contains("9 digits"));
        let v: serde_json::Value =
            serde_json::from_str(&super::master_show("111703370", "2025-04-01")).unwrap();
        assert_eq!(v["points"], "8");
    }
}
