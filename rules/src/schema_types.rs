//! Schema-only types (feature `schema`): how dates and exact decimals are written in santei's
//! data files, for the JSON Schemas of the files a user may supply (local programmes,
//! co-payment tables); and the helpers the published output schemas of `api::schema` and
//! `uke::schema` share (a date as santei writes it, closing every object) — here, in the one
//! crate below both.

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

/// `YYYY-MM-DD` (a TOML date or a string).
pub struct DateText;

impl JsonSchema for DateText {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "date"})
    }
}

/// An exact decimal, as a string ("0.1") or a number.
pub struct DecimalText;

impl JsonSchema for DecimalText {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "number"], "pattern": "^-?[0-9]+(\\.[0-9]+)?$"})
    }
}

/// A date as santei's outputs write it: a `YYYY-MM-DD` string (inline in the schema).
pub struct DateString;

impl JsonSchema for DateString {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

/// Outputs are closed: every object schema with `properties` and no `additionalProperties`
/// gets `additionalProperties: false`.
pub fn close_objects(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (_, x) in m.iter_mut() {
                close_objects(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(close_objects),
        _ => {}
    }
}
