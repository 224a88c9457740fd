//! `GET /v1/openapi.json`: an OpenAPI 3.1 document of the service, built from the JSON Schemas
//! of `schemas/v1/` (embedded at build time by `build.rs`).
//!
//! Each schema file becomes a component named after it (`calc-output.json` → `CalcOutput`);
//! its `$defs` become components of their own (`CalcOutput_Line`) and every `"#/$defs/X"`
//! reference is rewritten to point at them, so the document is one self-contained resource
//! (`$id` and `$schema` are dropped; the dialect is JSON Schema 2020-12, the OpenAPI 3.1
//! default). The operations reference these components; the paths are [`crate::ROUTES`].

use serde_json::{json, Map, Value};

include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// `calc-output` → `CalcOutput`.
pub fn component_name(stem: &str) -> String {
    stem.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Rewrite `#/$defs/X` references inside `v` to `#/components/schemas/{owner}_X`.
fn rewrite_refs(v: &mut Value, owner: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "$ref" {
                    if let Value::String(s) = x {
                        if let Some(def) = s.strip_prefix("#/$defs/") {
                            *s = format!("#/components/schemas/{owner}_{def}");
                        } else if s == "#" {
                            *s = format!("#/components/schemas/{owner}");
                        }
                    }
                } else {
                    rewrite_refs(x, owner);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rewrite_refs(x, owner)),
        _ => {}
    }
}

/// Every schema of `schemas/v1/` as OpenAPI components.
pub fn components() -> Map<String, Value> {
    let mut out = Map::new();
    for (stem, text) in SCHEMAS {
        let mut schema: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("schemas/v1/{stem}.json is not JSON: {e}"));
        let name = component_name(stem);
        let Value::Object(m) = &mut schema else {
            panic!("schemas/v1/{stem}.json is not an object");
        };
        m.remove("$schema");
        m.remove("$id");
        let defs = m.remove("$defs");
        rewrite_refs(&mut schema, &name);
        out.insert(name.clone(), schema);
        if let Some(Value::Object(defs)) = defs {
            for (def, mut s) in defs {
                rewrite_refs(&mut s, &name);
                out.insert(format!("{name}_{def}"), s);
            }
        }
    }
    out
}

fn schema(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn content(name: &str) -> Value {
    json!({ "application/json": { "schema": schema(name) } })
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": content("Error") })
}

/// The answers every operation may give besides its own.
fn common(mut responses: Map<String, Value>, body: bool) -> Value {
    let mut add = |code: &str, d: &str| {
        responses.entry(code).or_insert_with(|| error(d));
    };
    add("400", "bad input (malformed body or parameter, a code or date the data cannot take): kind `input`, the message names the field and the value");
    if body {
        add(
            "413",
            "the body is larger than the server's limit (`--max-body`)",
        );
    }
    add(
        "408",
        "the request was not complete within the request timeout",
    );
    add("503", "busy: the request waited too long for its turn (`--max-concurrent`); retry after `Retry-After` seconds");
    add(
        "500",
        "a bug in santei (a caught panic): kind `internal`; never for input",
    );
    Value::Object(responses)
}

fn responses(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn query(name: &str, required: bool, pattern: &str, description: &str) -> Value {
    json!({
        "name": name, "in": "query", "required": required, "description": description,
        "schema": { "type": "string", "pattern": pattern }
    })
}

fn text_body(name: &str, toml: &str) -> Value {
    json!({
        "required": true,
        "content": {
            "application/json": { "schema": schema(name) },
            "application/toml": {
                "schema": { "type": "string", "description": toml }
            }
        }
    })
}

/// The whole document.
pub fn document() -> Value {
    let month = r"^\d{4}-\d{2}$";
    let date = r"^\d{4}-\d{2}-\d{2}$";
    let paths = json!({
        "/v1/calc": { "post": {
            "operationId": "calc",
            "summary": "One claim: points of each line, automatic add-ons, the explanation (santei calc)",
            "description": "The body is what `santei calc` reads (JSON; TOML with `Content-Type: application/toml`); the answer is exactly what it prints (`santei calc --lang en`, or `--lang ja` with `lang=ja`).",
            "parameters": [{
                "name": "lang", "in": "query", "required": false,
                "description": "the language of the texts: `en` (default) or `ja` (the message catalog's Japanese; keys, ids and numbers are the same)",
                "schema": { "type": "string", "enum": ["en", "ja"] }
            }],
            "requestBody": text_body("Claim", "the same claim in TOML"),
            "responses": common(responses(json!({
                "200": { "description": "the result (`errors` is empty)", "content": content("CalcOutput") },
                "422": { "description": "the claim breaks a rule: the same result with `errors` not empty (`santei calc` exits 1)", "content": content("CalcOutput") }
            })), true)
        }},
        "/v1/copay": { "post": {
            "operationId": "copay",
            "summary": "What the patient pays for one receipt (santei copay, with the server's --local and --tables)",
            "requestBody": text_body("Receipt", "the same receipt in TOML"),
            "responses": common(responses(json!({
                "200": { "description": "the co-payment", "content": content("CopayOutput") }
            })), true)
        }},
        "/v1/tier": { "post": {
            "operationId": "tier",
            "summary": "The medical-DX add-on tier month by month from a facility profile (santei tier)",
            "parameters": [
                query("from", true, month, "first month (YYYY-MM)"),
                query("to", false, month, "last month (YYYY-MM), inclusive; default: from")
            ],
            "requestBody": text_body("FacilityProfile", "the same profile in TOML"),
            "responses": common(responses(json!({
                "200": { "description": "one result per month", "content": content("TierOutput") }
            })), true)
        }},
        "/v1/batch": { "post": {
            "operationId": "batch",
            "summary": "Many claims or receipts, one per line, streamed (santei batch)",
            "description": "JSON lines in, JSON lines out, one record per input line in input order, streamed as the body arrives. A line with a top-level `month` key is a receipt, any other a claim. A line that cannot be computed gives a `BatchError` record and the batch goes on; a stalled or too long batch ends with a last `BatchError` record naming the first line not answered. Read the answer while sending (or send at most about a thousand lines per request).",
            "parameters": [{
                "name": "trace", "in": "query", "required": false,
                "description": "`false` leaves the trace out of each result (santei batch --no-trace)",
                "schema": { "type": "string", "enum": ["true", "false"] }
            }],
            "requestBody": { "required": true, "content": { "application/x-ndjson": { "schema": {
                "description": "one claim or receipt per line",
                "oneOf": [ schema("Claim"), schema("Receipt") ]
            }}}},
            "responses": common(responses(json!({
                "200": { "description": "one record per input line", "content": { "application/x-ndjson": { "schema": {
                    "description": "each line: a claim's result, a receipt's result, or the error record of that line",
                    "oneOf": [ schema("CalcOutput"), schema("CopayOutput"), schema("BatchError") ]
                }}}}
            })), false)
        }},
        "/v1/uke/audit": { "post": {
            "operationId": "ukeAudit",
            "summary": "Audit a UKE claim file (レセプト電算処理システム, CP932): santei uke audit",
            "parameters": [
                { "name": "X-Santei-Audit-Options", "in": "header", "required": false,
                  "description": "facts the UKE does not carry: {\"facility\": {…as in a claim…}, \"mynumber_card\": true|false}",
                  "schema": { "type": "string" } },
                { "name": "lang", "in": "query", "required": false,
                  "description": "the language of the texts: `en` (default) or `ja` (the audit's message catalog; keys, ids, arguments and numbers are the same)",
                  "schema": { "type": "string", "enum": ["en", "ja"] } }
            ],
            "requestBody": { "required": true, "content": { "application/octet-stream": {
                "schema": { "type": "string", "contentMediaType": "application/octet-stream" }
            }}},
            "responses": common(responses(json!({
                "200": { "description": "one JSON line per receipt (its audit) or read error outside a receipt, then the summary", "content": { "application/x-ndjson": { "schema": schema("UkeAuditLine") }}}
            })), true)
        }},
        "/v1/master/{code}": { "get": {
            "operationId": "masterShow",
            "summary": "One code of the fee schedule as it stands on a date (santei master show)",
            "parameters": [
                { "name": "code", "in": "path", "required": true, "description": "9-digit 診療行為コード",
                  "schema": { "type": "string", "pattern": r"^\d{9}$" } },
                query("date", true, date, "date of service (YYYY-MM-DD)")
            ],
            "responses": common(responses(json!({
                "200": { "description": "the entry", "content": content("MasterShowOutput") },
                "404": error("the code is not valid on the date (the message names the dates it is valid): kind `data`")
            })), false)
        }},
        "/v1/master/diff": { "get": {
            "operationId": "masterDiff",
            "summary": "Codes added, abolished and changed between two dates (santei master diff)",
            "parameters": [
                query("from", true, date, "earlier date (YYYY-MM-DD)"),
                query("to", true, date, "later date (YYYY-MM-DD)")
            ],
            "responses": common(responses(json!({
                "200": { "description": "the changes: a JSON array, or with `Accept: application/x-ndjson` the JSON lines santei master diff prints",
                  "content": {
                    "application/json": { "schema": schema("MasterDiffOutput") },
                    "application/x-ndjson": { "schema": schema("MasterDiffOutput_DiffEntry") }
                  } }
            })), false)
        }},
        "/v1/version": { "get": {
            "operationId": "version",
            "summary": "Library, interface and data versions (santei version)",
            "responses": common(responses(json!({
                "200": { "description": "the versions", "content": content("VersionOutput") }
            })), false)
        }},
        "/v1/openapi.json": { "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": { "200": { "description": "OpenAPI 3.1", "content": { "application/json": { "schema": { "type": "object" } } } } }
        }},
        "/v1/admin/reload": { "post": {
            "operationId": "reload",
            "summary": "Read the official data again and swap it in atomically (as SIGHUP)",
            "description": "Requests in flight finish on the old data, later ones see the new. A failed reload keeps the old data and answers 500 with the reason. Only from this machine unless the server runs with `--admin any`.",
            "responses": common(responses(json!({
                "200": { "description": "reloaded: the new versions", "content": content("VersionOutput") },
                "403": error("not from this machine, a cross-site browser request, or `--admin off`"),
                "500": error("the reload failed; the data in use stays: kind `data`")
            })), false)
        }},
        "/healthz": { "get": {
            "operationId": "health",
            "summary": "The server is up and has its data",
            "responses": { "200": { "description": "up", "content": { "application/json": { "schema": {
                "type": "object", "properties": { "status": { "const": "ok" } }, "required": ["status"]
            }}}}}
        }}
    });
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "santei — 共通算定モジュール",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Japanese medical fee calculation as a local service: the JSON interface of the santei CLI (same bytes) over HTTP. Errors are `{\"error\": {\"kind\", \"message\"}}`.",
            "license": { "name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0" },
            "x-santei-interface-version": api::version::INTERFACE_VERSION
        },
        "servers": [ { "url": "http://127.0.0.1:8080", "description": "santei serve (default address)" } ],
        "paths": paths,
        "components": { "schemas": Value::Object(components()) }
    })
}

/// The document as served: pretty JSON and a newline.
pub fn document_text() -> String {
    let mut s = serde_json::to_string_pretty(&document()).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(component_name("calc-output"), "CalcOutput");
        assert_eq!(component_name("error"), "Error");
        assert_eq!(component_name("master-diff-output"), "MasterDiffOutput");
    }
}
