//! Schema-only types (feature `schema`): how dates and exact decimals are written in santei's
//! data files, for the JSON Schemas of the files a user may supply (local programmes,
//! co-payment tables).

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
