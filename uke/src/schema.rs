//! The JSON Schema (draft 2020-12) of a `santei uke read` line (feature `schema`), generated
//! from the Rust types with `schemars`; `api::schema` publishes it in `schemas/v1/` as
//! `uke-read-line`. Outputs are closed (`additionalProperties: false` on every object).

use rules::schema_types::close_objects;
/// A date, `YYYY-MM-DD` (the shared helper of `rules::schema_types`).
pub use rules::schema_types::DateString as DateText;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::Value;
use std::borrow::Cow;

/// The schema's name (the file stem it would have in `schemas/v1/`).
pub const NAME: &str = "uke-read-line";

/// One line of `santei uke read`: a receipt, the GO, or an error outside a receipt.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ReadLine<'a> {
    Receipt(crate::lines::ReceiptLine<'a>),
    Go(crate::lines::GoLine<'a>),
    Error(crate::error::ReadError),
}

/// The schema of a `santei uke read` line.
pub fn read_line() -> Value {
    let s = SchemaGenerator::new(SchemaSettings::draft2020_12().for_serialize())
        .into_root_schema_for::<ReadLine>();
    let mut v = s.to_value();
    close_objects(&mut v);
    if let Value::Object(m) = &mut v {
        m.insert(
            "$id".into(),
            Value::String(format!("urn:santei:schema:v1:{NAME}")),
        );
        m.insert(
            "description".into(),
            Value::String(
                "one line of santei uke read: a receipt (line, ir, receipt, totals, errors), the GO (line, go, go_check), or an error outside a receipt (line, error, …)".into(),
            ),
        );
    }
    v
}

/// An exact decimal as a string (`"7.50"` keeps its scale).
pub struct DecimalText;

impl JsonSchema for DecimalText {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-9]+)?$"
        })
    }
}

impl JsonSchema for crate::error::ReadError {
    fn schema_name() -> Cow<'static, str> {
        "ReadError".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let field = g.subschema_for::<crate::error::FieldRef>();
        schemars::json_schema!({
            "description": "A malformed record: where (file, line, record type, field) and what (value, reason); `error` is the whole message.",
            "type": "object",
            "properties": {
                "line": {"type": "integer", "minimum": 0, "description": "The line (1-based)."},
                "error": {"type": "string", "description": "The whole message: file, line, record, field, value and reason."},
                "file": {"type": "string"},
                "record": {"type": "string", "description": "The record type as read (\"SI\")."},
                "field": field,
                "value": {"type": "string", "description": "The value as read (bytes that do not decode as <NN>, hex)."},
                "reason": {"type": "string"}
            },
            "required": ["line", "error", "reason"],
            "additionalProperties": false
        })
    }
}
