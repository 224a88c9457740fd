//! JSON Schemas of the typed values (feature `schema`): what each accepts, with its bounds.
use super::*;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn inline_schema() -> bool {
        true
    }
    /// The one date schema of santei's JSON (`rules::schema_types::DateString`).
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        rules::schema_types::DateString::json_schema(g)
    }
}

impl JsonSchema for Month {
    fn schema_name() -> Cow<'static, str> {
        "Month".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^\\s*[0-9]{4}-(0[1-9]|1[0-2])\\s*$"
        })
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_AMOUNT
        })
    }
}

impl JsonSchema for Rate {
    fn schema_name() -> Cow<'static, str> {
        "Rate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A rate in whole percent: a decimal fraction (0.3 or \"0.3\"), \"3割\" or \"30%\".",
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*(割|%)?\\s*$"}
            ]
        })
    }
}

impl JsonSchema for Law {
    fn schema_name() -> Cow<'static, str> {
        "Law".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "string", "pattern": "^\\s*[0-9]{1,2}\\s*$"},
                {"type": "integer", "minimum": 0, "maximum": 99}
            ]
        })
    }
}

impl JsonSchema for Flag {
    fn schema_name() -> Cow<'static, str> {
        "boolean".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "boolean"})
    }
}

/// A whole, non-negative amount for schemas only (no `default` is derived from it).
pub struct AmountSchema;

impl JsonSchema for AmountSchema {
    fn schema_name() -> Cow<'static, str> {
        Amount::schema_name()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        Amount::json_schema(g)
    }
}

/// A date for schemas only.
pub struct DateSchema;

impl JsonSchema for DateSchema {
    fn schema_name() -> Cow<'static, str> {
        Date::schema_name()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        Date::json_schema(g)
    }
}

/// A month for schemas only.
pub struct MonthSchema;

impl JsonSchema for MonthSchema {
    fn schema_name() -> Cow<'static, str> {
        Month::schema_name()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        Month::json_schema(g)
    }
}

/// A rate for schemas only.
pub struct RateSchema;

impl JsonSchema for RateSchema {
    fn schema_name() -> Cow<'static, str> {
        Rate::schema_name()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        Rate::json_schema(g)
    }
}

/// Points a caller states for a code santei does not know (an exact decimal, 0–99,999,999,
/// at most two decimal places).
pub struct StatedPointsSchema;

impl JsonSchema for StatedPointsSchema {
    fn schema_name() -> Cow<'static, str> {
        "StatedPoints".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "minimum": 0,
            "maximum": MAX_STATED_POINTS,
            "description": "An exact decimal written as a JSON number (0–99,999,999, at most two decimal places); read it as a decimal, not a binary float."
        })
    }
}

/// A 9-digit 診療行為コード, as a string.
pub struct CodeString;

impl JsonSchema for CodeString {
    fn schema_name() -> Cow<'static, str> {
        "Code".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "診療行為コード: 9 digits.",
            "type": "string",
            "pattern": "^[0-9]{9}$"
        })
    }
}

/// An exact decimal written as a JSON number (never rounded through a binary float).
pub struct DecimalNumber;

impl JsonSchema for DecimalNumber {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "description": "An exact decimal written as a JSON number; read it as a decimal, not a binary float."
        })
    }
}

/// An exact decimal written as a string ("0.3").
pub struct DecimalString;

impl JsonSchema for DecimalString {
    fn schema_name() -> Cow<'static, str> {
        "DecimalString".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            "description": "An exact decimal written as a string (e.g. \"0.3\")."
        })
    }
}
