//! One line of `santei batch` (and of `POST /v1/batch`): a claim or a receipt in, one JSON line
//! out — the result, or the published batch-error record `{"line": N, "error": "…"}`.

use crate::render;
use calc::Engine;

/// Whether a JSON object text has `key` among its top-level keys (a receipt has `"month"`
/// at the top, a claim has it only inside, e.g. in `facility.profile.usage`). A scan of the
/// bytes (a batch reads millions of lines: parsing each twice to sniff its kind would cost a
/// tenth of the run); strings are skipped whole, so a key inside a value or a nested object
/// does not count.
pub fn has_top_level_key(text: &str, key: &str) -> bool {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(b.len());
                if depth == 1 && &b[start..end] == key.as_bytes() {
                    let rest = b.get(end + 1..).unwrap_or_default();
                    if rest.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':') {
                        return true;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// Compute one input line into `out` (one JSON line, newline included): a receipt when it has
/// a top-level `"month"` key, a claim otherwise; without the trace when `no_trace`. False
/// when the line gave an error record.
pub fn line(
    engine: &Engine,
    line_no: usize,
    line: &str,
    no_trace: bool,
    out: &mut Vec<u8>,
) -> bool {
    let line = crate::parse::strip_bom(line);
    let result: Result<(), String> =
        if line.contains("\"month\"") && has_top_level_key(line, "month") {
            crate::parse::from_json::<calc::copay::Receipt>("line", line)
                .map_err(|e| e.to_string())
                .and_then(|r| {
                    calc::copay::compute(engine.copay_tables(), &r).map_err(|e| e.to_string())
                })
                .map(|mut o| {
                    if no_trace {
                        o.trace.clear();
                    }
                    render::write_copay(out, &o, false);
                })
        } else {
            crate::parse::claim("line", line)
                .map_err(|e| e.to_string())
                .and_then(|c| {
                    let o = if no_trace {
                        engine.calc_without_trace(&c)
                    } else {
                        engine.calc(&c)
                    }
                    .map_err(|e| e.to_string())?;
                    render::write_calc(out, &o, false);
                    Ok(())
                })
        };
    let ok = result.is_ok();
    if let Err(e) = result {
        error_record(out, line_no, e.strip_prefix("line: ").unwrap_or(&e));
    }
    out.push(b'\n');
    ok
}

/// The batch-error record of a line (without the newline).
pub fn error_record(out: &mut Vec<u8>, line_no: usize, message: &str) {
    let record = serde_json::json!({"line": line_no, "error": message}).to_string();
    out.extend_from_slice(record.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::has_top_level_key;

    #[test]
    fn top_level_keys_only() {
        assert!(has_top_level_key(r#"{"month": "2025-05"}"#, "month"));
        assert!(!has_top_level_key(
            r#"{"facility": {"profile": {"usage": [{"month": "2025-01"}]}}}"#,
            "month"
        ));
        assert!(!has_top_level_key(r#"{"note": "\"month\": x"}"#, "month"));
    }
}
