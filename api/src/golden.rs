//! Golden cases: an auditor's statement of a case (input + the expected fields + where the
//! numbers come from) and its check against the engine. Pure: the front ends read the files.
//!
//! A case file (TOML):
//! ```toml
//! title = "初診 2025-04-10, 4035 tier 1, マイナ保険証"
//! kind = "calc"                 # calc | copay | tier
//! source = "medical-dx-addons.md §1 …"
//! tags = ["dx"]
//! [input]                       # what `santei calc` / `santei copay` reads; for tier:
//!                               # `profile = {…}`, `from = "YYYY-MM"`, `to` (optional)
//! [expected]
//! total_points = 304            # a field path of the result: "lines[1].code", "copay.patient_pays"
//! absent_codes = ["111703370"]  # codes no line may have (calc)
//! nulls = ["tier"]              # paths whose value must be null (TOML has no null)
//! errors_contain = ["4035"]     # substrings some error / warning must contain
//! warnings_contain = []
//! [[expected.line]]             # some line of the result has all these fields (calc)
//! code = "111703670"
//! points = 12
//! ```
//! For `tier`, paths refer to the first month's object (`tier`, `points.ika`, `rate_used.month` …)
//! or, with `[[expected.month]]` entries (`month = "2025-04"` plus fields), to the named months.
//! Only the listed fields are compared; numbers compare as exact decimals.

use calc::Engine;
use serde_json::Value;
use std::str::FromStr;

/// One case, parsed.
#[derive(Clone, Debug)]
pub struct Case {
    pub title: String,
    pub kind: String,
    pub source: String,
    pub tags: Vec<String>,
    pub input: toml::Table,
    pub expected: toml::Table,
    /// `[[local_programme]]` entries (copay cases): a local 公費 definition in the format of
    /// `rules/data/copay/local-example.toml` (`schemas/v1/local-programmes.json`), as JSON text,
    /// added to the tables for this case.
    pub local: Option<String>,
    /// `data = "official"`: the case runs on an engine loaded from the official files
    /// (医科診療行為マスター full + update files, 医薬品 and 特定器材マスター), not the embedded
    /// data; the runner provides that engine ([`Case::official`]).
    pub data: Option<String>,
}

/// One difference between expected and actual.
#[derive(Clone, Debug, serde::Serialize, PartialEq)]
pub struct Mismatch {
    pub path: String,
    pub expected: Value,
    pub actual: Value,
}

/// The outcome of one case.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Outcome {
    pub passed: bool,
    pub mismatches: Vec<Mismatch>,
    /// The engine's output (JSON), or the error it returned.
    pub actual: Value,
}

fn json_of(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

impl Case {
    /// Parse a case file.
    pub fn parse(name: &str, text: &str) -> Result<Case, String> {
        let t: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("{name}: {e}"))?;
        let s = |k: &str| t.get(k).and_then(|v| v.as_str()).map(|s| s.to_string());
        let kind =
            s("kind").ok_or_else(|| format!("{name}: `kind` (calc | copay | tier) is missing"))?;
        if !matches!(kind.as_str(), "calc" | "copay" | "tier") {
            return Err(format!("{name}: kind {kind:?} is not calc, copay or tier"));
        }
        let source = s("source").ok_or_else(|| {
            format!("{name}: `source` (where the expected numbers come from) is missing")
        })?;
        let input = t
            .get("input")
            .and_then(|v| v.as_table())
            .cloned()
            .ok_or_else(|| format!("{name}: [input] is missing"))?;
        let expected = t
            .get("expected")
            .and_then(|v| v.as_table())
            .cloned()
            .ok_or_else(|| format!("{name}: [expected] is missing"))?;
        let tags = t
            .get("tags")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(|s| s.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let local = match t.get("local_programme") {
            None => None,
            // As JSON (what every front end reads, the WebAssembly build included).
            Some(v) => Some(
                serde_json::to_string(&serde_json::json!({ "programme": v }))
                    .map_err(|e| format!("{name}: local_programme: {e}"))?,
            ),
        };
        let data = s("data");
        if let Some(d) = data.as_deref().filter(|d| *d != "official") {
            return Err(format!(
                "{name}: data {d:?} is not \"official\" (the only data a case may name)"
            ));
        }
        Ok(Case {
            data,
            title: s("title").unwrap_or_default(),
            kind,
            source,
            tags,
            input,
            expected,
            local,
        })
    }

    /// Whether the case runs on the official files (`data = "official"`).
    pub fn official(&self) -> bool {
        self.data.as_deref() == Some("official")
    }

    /// The input as the JSON text the CLI would read.
    pub fn input_json(&self) -> String {
        json_of(&toml::Value::Table(self.input.clone())).to_string()
    }

    /// Run the case through the same API the CLI uses.
    pub fn actual(&self, engine: &Engine) -> Result<Value, String> {
        let text = match self.kind.as_str() {
            "calc" => crate::calc(engine, "case.json", &self.input_json()),
            "copay" => match &self.local {
                None => crate::copay(engine, "case.json", &self.input_json()),
                Some(text) => {
                    let tables = engine
                        .copay_tables()
                        .clone()
                        .with_local_programmes("case local_programme", text)
                        .map_err(|e| e.to_string())?;
                    crate::copay_with(&tables, "case.json", &self.input_json())
                }
            },
            _ => {
                let profile = self
                    .input
                    .get("profile")
                    .ok_or("tier case: input.profile is missing")?;
                let from = self
                    .input
                    .get("from")
                    .and_then(|v| v.as_str())
                    .ok_or("tier case: input.from is missing")?;
                let to = self
                    .input
                    .get("to")
                    .and_then(|v| v.as_str())
                    .unwrap_or(from);
                crate::tier(
                    engine,
                    "profile.json",
                    &json_of(profile).to_string(),
                    from,
                    to,
                )
            }
        }
        .map_err(|e| e.message)?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }

    /// Check the case.
    pub fn check(&self, engine: &Engine) -> Outcome {
        let actual = match self.actual(engine) {
            Ok(v) => v,
            Err(e) => {
                let want = self.expected.get("error_contains").and_then(|v| v.as_str());
                let passed = want.is_some_and(|w| e.contains(w));
                let mismatches = if passed {
                    vec![]
                } else {
                    vec![Mismatch {
                        path: "error".into(),
                        expected: want
                            .map(|w| Value::String(format!("…{w}…")))
                            .unwrap_or(Value::Null),
                        actual: Value::String(e.clone()),
                    }]
                };
                return Outcome {
                    passed,
                    mismatches,
                    actual: serde_json::json!({"error": e}),
                };
            }
        };
        let mismatches = compare(&self.kind, &self.expected, &actual);
        Outcome {
            passed: mismatches.is_empty(),
            mismatches,
            actual,
        }
    }
}

/// Look up a field path (`a.b[2].c`, `[0].tier`) in a JSON value.
pub fn at_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            cur = cur.get(name)?;
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            let n: usize = idx.trim_end_matches(']').parse().ok()?;
            cur = cur.get(n)?;
        }
    }
    Some(cur)
}

/// Equal as values, numbers as exact decimals.
pub fn same(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            match (
                rust_decimal::Decimal::from_str(&a.to_string()),
                rust_decimal::Decimal::from_str(&b.to_string()),
            ) {
                (Ok(x), Ok(y)) => x == y,
                _ => a == b,
            }
        }
        (Value::Number(a), Value::String(b)) | (Value::String(b), Value::Number(a)) => {
            // Decimal strings in some outputs (e.g. co-payment rate "0.3").
            matches!((rust_decimal::Decimal::from_str(&a.to_string()), rust_decimal::Decimal::from_str(b)), (Ok(x), Ok(y)) if x == y)
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.iter().all(|(k, x)| b.get(k).is_some_and(|y| same(x, y)))
        }
        _ => expected == actual,
    }
}

fn compare(kind: &str, expected: &toml::Table, actual: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    // Tier results are an array of months: plain paths refer to the first month.
    let base = if kind == "tier" {
        actual.get(0).unwrap_or(&Value::Null)
    } else {
        actual
    };
    for (k, v) in expected {
        let want = json_of(v);
        match k.as_str() {
            "error_contains" => out.push(Mismatch {
                path: "error".into(),
                expected: want,
                actual: Value::Null,
            }),
            "line" => {
                for (i, l) in want.as_array().into_iter().flatten().enumerate() {
                    let lines = actual
                        .get("lines")
                        .and_then(|x| x.as_array())
                        .cloned()
                        .unwrap_or_default();
                    if !lines.iter().any(|x| same(l, x)) {
                        // The line of the same code, field by field (`line[0].points`); the
                        // whole expectation when no line has the code.
                        let closest = l
                            .get("code")
                            .and_then(|c| lines.iter().find(|x| x.get("code") == Some(c)));
                        match (closest, l.as_object()) {
                            (Some(c), Some(fields)) => {
                                for (k, want) in fields {
                                    let got = c.get(k).cloned().unwrap_or(Value::Null);
                                    if !same(want, &got) {
                                        out.push(Mismatch {
                                            path: format!("line[{i}].{k}"),
                                            expected: want.clone(),
                                            actual: got,
                                        });
                                    }
                                }
                            }
                            _ => out.push(Mismatch {
                                path: format!("line[{i}] (no line with this code)"),
                                expected: l.clone(),
                                actual: Value::Null,
                            }),
                        }
                    }
                }
            }
            "nulls" => {
                for p in want
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str())
                {
                    let a = at_path(base, p).cloned().unwrap_or(Value::Null);
                    if !a.is_null() {
                        out.push(Mismatch {
                            path: p.to_string(),
                            expected: Value::Null,
                            actual: a,
                        });
                    }
                }
            }
            "absent_codes" => {
                for c in want.as_array().into_iter().flatten() {
                    if let Some(l) = actual["lines"]
                        .as_array()
                        .and_then(|ls| ls.iter().find(|x| x.get("code") == Some(c)))
                    {
                        out.push(Mismatch {
                            path: format!("absent {c}"),
                            expected: Value::Null,
                            actual: l.clone(),
                        });
                    }
                }
            }
            "errors_contain" | "warnings_contain" => {
                let field = if k == "errors_contain" {
                    "errors"
                } else {
                    "warnings"
                };
                let have: Vec<String> = actual[field]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str().map(|s| s.to_string()))
                    .collect();
                for w in want
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_str())
                {
                    if !have.iter().any(|h| h.contains(w)) {
                        out.push(Mismatch {
                            path: format!("{field} (one containing)"),
                            expected: Value::String(w.to_string()),
                            actual: actual[field].clone(),
                        });
                    }
                }
            }
            "month" if kind == "tier" => {
                for m in want.as_array().into_iter().flatten() {
                    let name = m.get("month").cloned().unwrap_or(Value::Null);
                    let got = actual
                        .as_array()
                        .and_then(|a| a.iter().find(|x| x.get("month") == Some(&name)));
                    match got {
                        None => out.push(Mismatch {
                            path: format!("month {name}"),
                            expected: m.clone(),
                            actual: Value::Null,
                        }),
                        Some(g) => {
                            for (fk, fv) in m.as_object().into_iter().flatten() {
                                let a = at_path(g, fk).cloned().unwrap_or(Value::Null);
                                if !same(fv, &a) {
                                    out.push(Mismatch {
                                        path: format!("month {name} {fk}"),
                                        expected: fv.clone(),
                                        actual: a,
                                    });
                                }
                            }
                        }
                    }
                }
            }
            path => {
                let a = at_path(base, path).cloned().unwrap_or(Value::Null);
                if !same(&want, &a) {
                    out.push(Mismatch {
                        path: path.to_string(),
                        expected: want,
                        actual: a,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_decimal_equality() {
        let v = serde_json::json!({"a": {"b": [1, {"c": 2.50}]}, "r": "0.3"});
        assert_eq!(at_path(&v, "a.b[1].c"), Some(&serde_json::json!(2.50)));
        assert!(same(
            &serde_json::json!(2.5),
            at_path(&v, "a.b[1].c").unwrap()
        ));
        assert!(same(&serde_json::json!(0.3), &v["r"]));
        assert!(!same(&serde_json::json!(3), &serde_json::json!(4)));
    }
}
