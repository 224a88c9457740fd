//! JSON Schemas (draft 2020-12) of every input and output of [`crate`], generated from the
//! Rust types with `schemars` (feature `schema`). The published copies live in `schemas/v1/`;
//! a test keeps them equal to what this module generates, and another validates every golden
//! case's input and the engine's output for it against them.
//!
//! Inputs are described as the readers accept them (`Deserialize`, or the hand-written
//! readers' own schema types beside them); outputs as the writers emit them (`Serialize`):
//! every output field is listed as required and no other field appears
//! (`additionalProperties: false`), so a change of an output's shape fails the tests until the
//! schema (and, for an incompatible change, the interface version) is updated.
//!
//! The output types of `engine.rs` (`CalcOutput`, `Line`, `TraceEntry`) and the JSON built by
//! `entry_json` and `Schedule::diff` are described here by schema-only mirror types;
//! [`mirror_guard`] stops compiling when a field of the real types is added, removed or renamed.

mod inpatient;

use crate::version::INTERFACE_VERSION;
pub use rules::schema_types::{close_objects, DateString};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::Value;
use std::borrow::Cow;

/// Input or output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Input,
    Output,
}

/// One published schema.
#[derive(Clone, Copy, Debug)]
pub struct SchemaInfo {
    /// File stem under `schemas/v1/` and the name `santei schema NAME` takes.
    pub name: &'static str,
    pub direction: Direction,
    /// What reads or writes it.
    pub about: &'static str,
    generate: fn() -> Schema,
}

/// Every published schema, in a stable order.
pub const SCHEMAS: &[SchemaInfo] = &[
    SchemaInfo {
        name: "claim",
        direction: Direction::Input,
        about: "one visit's claim: input of santei calc / santei_calc",
        generate: || input::<calc::Claim>(),
    },
    SchemaInfo {
        name: "calc-output",
        direction: Direction::Output,
        about: "result of santei calc / santei_calc",
        generate: || output::<CalcOutput>(),
    },
    SchemaInfo {
        name: "inpatient-month",
        direction: Direction::Input,
        about: "one inpatient receipt month (admission, 起算日, ward, days with items and meals): input of santei calc",
        generate: || input::<calc::inpatient::InpatientMonth>(),
    },
    SchemaInfo {
        name: "inpatient-output",
        direction: Direction::Output,
        about: "result of santei calc for an inpatient month",
        generate: || output::<inpatient::InpatientOutput>(),
    },
    SchemaInfo {
        name: "receipt",
        direction: Direction::Input,
        about: "one receipt: input of santei copay / santei_copay",
        generate: || input::<calc::copay::input::ReceiptInput>(),
    },
    SchemaInfo {
        name: "copay-output",
        direction: Direction::Output,
        about: "result of santei copay / santei_copay (also the `copay` block of calc-output)",
        generate: || output::<CopayOutput>(),
    },
    SchemaInfo {
        name: "copay-month",
        direction: Direction::Input,
        about: "one patient's month at one facility visit by visit (the month form): input of santei copay / santei_copay with `visits` a list; a claim's `copay_month` gives the same visits",
        generate: || input::<calc::copay::month::MonthFields>(),
    },
    SchemaInfo {
        name: "copay-month-output",
        direction: Direction::Output,
        about: "result of santei copay on the month form: each visit's window payment, the settlement per combination, the totals (also the `copay` block of calc-output for a claim with `copay_month`, with `visit`)",
        generate: || output::<calc::copay::month::MonthOutput>(),
    },
    SchemaInfo {
        name: "facility-profile",
        direction: Direction::Input,
        about: "a facility profile: input of santei tier / santei_tier (and claim.facility.profile)",
        generate: || input::<rules::tier::profile::ProfileInput>(),
    },
    SchemaInfo {
        name: "tier-output",
        direction: Direction::Output,
        about: "result of santei tier / santei_tier: one object per month",
        generate: || output::<Vec<rules::tier::MonthResult>>(),
    },
    SchemaInfo {
        name: "master-show-output",
        direction: Direction::Output,
        about: "result of santei master show / santei_master_show",
        generate: || output::<MasterEntry>(),
    },
    SchemaInfo {
        name: "master-diff-output",
        direction: Direction::Output,
        about: "result of santei_master_diff (santei master diff prints the same entries as JSON lines)",
        generate: || output::<Vec<DiffEntry>>(),
    },
    SchemaInfo {
        name: "version-output",
        direction: Direction::Output,
        about: "result of santei version / santei_version",
        generate: || output::<crate::version::Versions>(),
    },
    SchemaInfo {
        name: "local-programmes",
        direction: Direction::Input,
        about: "local public-expense programmes (地方単独公費, 法別 80–99), a TOML file: santei copay/batch --local, santei_engine_add_local_programmes",
        generate: || input::<rules::copay::LocalFile>(),
    },
    SchemaInfo {
        name: "copay-tables",
        direction: Direction::Input,
        about: "dated co-payment tables (the rules/data/copay format), a TOML file: santei copay/batch --tables, santei_engine_add_copay_tables",
        generate: || input::<rules::copay::TablesFile>(),
    },
    SchemaInfo {
        name: "batch-error",
        direction: Direction::Output,
        about: "the record santei batch writes for an input line it cannot compute (the batch goes on)",
        generate: || output::<BatchError>(),
    },
    SchemaInfo {
        name: "uke-read-line",
        direction: Direction::Output,
        about: "one line of santei uke read: a receipt of a UKE file, its GO record, or an error outside a receipt",
        generate: || Schema::try_from(uke::schema::read_line()).unwrap_or_default(),
    },
    SchemaInfo {
        name: "uke-audit-line",
        direction: Direction::Output,
        about: "one line of santei uke audit (santei_uke_audit, POST /v1/uke/audit): a receipt's audit, a read error outside a receipt, or the summary (last)",
        generate: || output::<crate::audit::OutputLine>(),
    },
    SchemaInfo {
        name: "error",
        direction: Direction::Output,
        about: "what every call returns instead of its result when the input cannot be computed",
        generate: || output::<ErrorDocument>(),
    },
];

/// The schema named `name` (file stem), with its `$id`, title and version stamped in.
pub fn get(name: &str) -> Option<Value> {
    let info = SCHEMAS.iter().find(|s| s.name == name)?;
    let mut v = (info.generate)().to_value();
    if let Value::Object(m) = &mut v {
        let mut out = serde_json::Map::new();
        out.insert(
            "$schema".into(),
            m.remove("$schema")
                .unwrap_or_else(|| "https://json-schema.org/draft/2020-12/schema".into()),
        );
        out.insert("$id".into(), Value::String(id(info.name)));
        if let Some(t) = m.remove("title") {
            out.insert("title".into(), t);
        }
        out.insert(
            "description".into(),
            Value::String(match m.remove("description") {
                Some(Value::String(d)) => format!("{} — {d}", info.about),
                _ => info.about.to_string(),
            }),
        );
        out.insert(
            "x-santei-interface-version".into(),
            Value::from(INTERFACE_VERSION),
        );
        out.insert(
            "x-santei-direction".into(),
            Value::String(
                match info.direction {
                    Direction::Input => "input",
                    Direction::Output => "output",
                }
                .into(),
            ),
        );
        out.extend(std::mem::take(m));
        v = Value::Object(out);
    }
    Some(v)
}

/// The `$id` of a schema: `urn:santei:schema:v1:NAME`.
pub fn id(name: &str) -> String {
    format!("urn:santei:schema:v{INTERFACE_VERSION}:{name}")
}

/// The published text of a schema (pretty JSON and a final newline): what `schemas/v1/NAME.json`
/// holds and `santei schema NAME` prints.
pub fn text(name: &str) -> Option<String> {
    get(name).map(|v| {
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        s
    })
}

/// The folder of the published schemas, relative to the repository root.
pub fn dir() -> String {
    format!("schemas/v{INTERFACE_VERSION}")
}

fn input<T: JsonSchema>() -> Schema {
    SchemaGenerator::new(SchemaSettings::draft2020_12().for_deserialize())
        .into_root_schema_for::<T>()
}

fn output<T: JsonSchema>() -> Schema {
    let s = SchemaGenerator::new(SchemaSettings::draft2020_12().for_serialize())
        .into_root_schema_for::<T>();
    let mut v = s.to_value();
    close_objects(&mut v);
    Schema::try_from(v).unwrap_or_default()
}

// ───────────────────────────── helper schema types ─────────────────────────────

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
        schemars::json_schema!({
            "description": "診療行為コード: 9 digits.",
            "type": "string",
            "pattern": "^[0-9]{9}$"
        })
    }
}

/// A month, YYYY-MM.
pub struct MonthString;

impl JsonSchema for MonthString {
    fn schema_name() -> Cow<'static, str> {
        "Month".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^\\s*[0-9]{4}-(0[1-9]|1[0-2])\\s*$"
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
        schemars::json_schema!({
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
        schemars::json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            "description": "An exact decimal written as a string (e.g. \"0.3\")."
        })
    }
}

/// A whole, non-negative amount of yen (or points, meals, visits), at most 10^12.
pub struct Amount;

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "integer",
            "minimum": 0,
            "maximum": calc::values::MAX_AMOUNT
        })
    }
}

/// A rate in whole percent: a decimal fraction (0.3, "0.3"), "3割" or "30%".
pub struct Rate;

impl JsonSchema for Rate {
    fn schema_name() -> Cow<'static, str> {
        "Rate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "description": "A rate in whole percent: a decimal fraction (0.3 or \"0.3\"), \"3割\" or \"30%\".",
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*(割|%)?\\s*$"}
            ]
        })
    }
}

// ───────────────────── mirrors of outputs not typed for schemars ─────────────────────

/// The result of one claim.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct CalcOutput {
    /// 合計点数.
    total_points: DecimalNumber,
    /// One line per claimed and automatically added item, in claim order.
    lines: Vec<Line>,
    /// Why an automatic add-on was not added, unverified facts used, and other notes.
    warnings: Vec<String>,
    /// The message catalog's id of each warning (`calc/data/messages.tsv`), `null` for one it
    /// does not list: programs test the id, not the words.
    warning_ids: Vec<Option<String>>,
    /// Rules the claim breaks (an input line refused); not empty ⇒ the claim is wrong.
    errors: Vec<String>,
    /// The message catalog's id of each error, `null` for one it does not list.
    error_ids: Vec<Option<String>>,
    /// One entry per decision of the engine.
    trace: Vec<TraceEntry>,
    /// What the patient pays for this visit (present when the claim gives the insurance facts);
    /// with `copay_month`, the month visit by visit (`visit` is this claim's).
    #[serde(skip_serializing_if = "Option::is_none")]
    copay: Option<CopayBlock>,
}

/// The `copay` block: one visit's co-payment, or the month with the claim's visit.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum CopayBlock {
    Visit(CopayOutput),
    Month(calc::copay::month::ClaimMonthOutput),
}

/// The co-payment of one receipt or visit.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct CopayOutput {
    /// 医療費 = points × 10 (this receipt or this visit; meals excluded).
    medical_cost: i64,
    /// 負担割合 as a decimal fraction, written as a string (e.g. "0.3").
    rate: DecimalString,
    /// The monthly 自己負担限度額 applied at the window; `null` when none applies.
    limit: Option<i64>,
    /// The window charge: medical share after insurance and public programmes, plus meals.
    patient_pays: i64,
    /// 保険者負担 (including the high-cost excess paid in kind).
    insurer_pays: i64,
    /// 公費負担 per programme, in priority order.
    public_pays: Vec<calc::copay::PublicPay>,
    /// 食事療養 標準負担額 × meals (included in `patient_pays`).
    meal_charge: i64,
    /// The facility's rounding difference: the 一部負担金 (10円-rounded at the window) less
    /// the unrounded 一部負担金相当額 the insurer's part deducts; `patient_pays + insurer_pays +
    /// Σ public_pays − rounding_difference = medical_cost + meal_charge`.
    rounding_difference: i64,
    /// One entry per step.
    trace: Vec<CopayTraceEntry>,
}

/// One step of the co-payment: what went in, which rule, where it comes from, what came out.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct CopayTraceEntry {
    step: String,
    input: String,
    rule: String,
    source: String,
    result: String,
    /// The message catalog's id of `result`, `null` when it is no catalogued message.
    message_id: Option<String>,
}

/// One line of the result.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Line {
    /// The procedure code (9 digits); `null` for an add-on no official code is known for.
    code: Option<String>,
    /// 名称.
    name: String,
    /// 点数 of one.
    points: DecimalNumber,
    /// 回数.
    count: i64,
    /// points × count.
    subtotal: DecimalNumber,
    /// `input` (claimed) or `auto` (added by a rule).
    origin: Origin,
    /// The rule that put the line here (or the point kind for input lines).
    rule: String,
    /// False when a fact of the line is not confirmed by an official master.
    verified: bool,
    /// Where the line's points come from (file:line).
    source: String,
    /// 診療識別 of the 剤 (or item) the line is in ("21", "60" …); `null` when the claim gives none.
    section: Option<String>,
    /// The claim item (剤) the line belongs to, for the lines of a 剤.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<u32>,
    /// How a drug (薬剤料 of a 剤) or material line became points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    price: Option<LinePrice>,
}

/// drug | material
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum PriceKind {
    Drug,
    Material,
}

/// How a drug or material line became points.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct LinePrice {
    kind: PriceKind,
    /// Σ yen of the parts for one 所定単位 (１剤１日分, １回分, １調剤).
    yen: DecimalNumber,
    /// Points of one unit by the rule (before 逓減).
    points: DecimalNumber,
    /// How the yen became points, with the 告示 source.
    how: String,
    parts: Vec<LinePricePart>,
}

/// One drug or material of a priced line.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct LinePricePart {
    code: String,
    name: String,
    quantity: DecimalNumber,
    /// 単位 of the master.
    unit: String,
    /// 薬価 / 材料価格 per unit on the date, yen.
    price: DecimalNumber,
    /// price × quantity, yen.
    yen: DecimalNumber,
    /// The master file and row.
    source: String,
}

/// Where a line comes from.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Origin {
    Input,
    Auto,
}

/// One decision of the engine.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct TraceEntry {
    rule: String,
    looked_at: String,
    source: String,
    decision: String,
    /// The message catalog's id of `decision`, `null` when it is no catalogued message.
    message_id: Option<String>,
}

/// `santei master show`: one code on one date.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct MasterEntry {
    code: String,
    /// 省略漢字名称.
    name: String,
    /// 新又は現点数.
    points: DecimalNumber,
    /// 点数識別 (points, yen, …).
    point_kind: String,
    valid_from: DateString,
    valid_to: Option<DateString>,
    /// 注加算 (code and 通番).
    addon_group: Option<AddonGroup>,
    /// 施設基準コード.
    facility_standards: Vec<String>,
    /// 上限回数.
    max_count: i64,
    /// 入外適用区分.
    in_out: String,
    /// 上下限年齢.
    age_lower: String,
    age_upper: String,
    /// 年齢加算.
    age_addons: Vec<AgeAddon>,
    /// False when no official master confirms the record for the date (santei's own entry,
    /// or an official record for a date after a revision the master predates: see `note`).
    verified: bool,
    /// False when `valid_to` comes from santei's own data (e.g. abolition by the 2026
    /// revision before a 2026 master is loaded).
    valid_to_verified: bool,
    /// file:line of every record the version comes from.
    sources: Vec<String>,
    /// Why an official record is not confirmed for the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    /// 算定回数 (present when a 算定回数 table is loaded): `null`, one entry, or several.
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency: Option<FrequencyOrMany>,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct AddonGroup {
    code: String,
    serial: String,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct AgeAddon {
    lower: String,
    upper: String,
    code: String,
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum FrequencyOrMany {
    One(Frequency),
    Many(Vec<Frequency>),
}

/// A 算定回数 limit.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Frequency {
    /// 算定単位 name (月, 日, 初診時 …).
    unit: String,
    /// 算定単位 code.
    unit_code: i64,
    count: i64,
    verified: bool,
}

/// The record of a line `santei batch` cannot compute.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct BatchError {
    /// The input line (1-based).
    line: u64,
    /// What is wrong with it.
    error: String,
}

/// One change between two dates (`santei master diff`).
#[derive(JsonSchema)]
#[serde(tag = "change", rename_all = "snake_case")]
#[allow(dead_code)]
enum DiffEntry {
    Added {
        code: String,
        name: String,
        valid_from: DateString,
    },
    Abolished {
        code: String,
        name: String,
        valid_to: Option<DateString>,
    },
    Changed {
        code: String,
        name: String,
        changes: Vec<FieldChange>,
    },
}

/// One field's change.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct FieldChange {
    /// The field's English name in santei's record layout.
    field: String,
    /// The field's name in the official specification.
    label: String,
    /// The value before (any JSON value).
    from: Value,
    /// The value after.
    to: Value,
}

/// `{"error": {...}}`.
#[derive(JsonSchema)]
#[schemars(rename = "Error")]
#[allow(dead_code)]
struct ErrorDocument {
    error: ErrorBody,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct ErrorBody {
    /// `input` (malformed or invalid input), `data` (the data cannot answer), `internal`;
    /// `unavailable` from the HTTP service only (busy, or a route not available yet).
    kind: ErrorKind,
    /// What went wrong and where (the field path and the value).
    message: String,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum ErrorKind {
    Input,
    Data,
    Internal,
    Unavailable,
}

/// Compiles only while the mirrors above list exactly the fields of the real types.
#[allow(dead_code)]
fn mirror_guard(
    o: calc::CalcOutput,
    l: calc::Line,
    t: calc::TraceEntry,
    c: calc::copay::CopayOutput,
    e: crate::ApiError,
    d: masters::DiffEntry,
    f: masters::procedure::FieldChange,
) {
    let calc::CalcOutput {
        total_points: _,
        lines: _,
        warnings: _,
        errors: _,
        trace: _,
        copay: _,
        prices: _, // written inside the lines (`price`)
        texts: _,  // the words of the texts above, not a field of the JSON
    } = o;
    let calc::copay::CopayOutput {
        medical_cost: _,
        rate: _,
        limit: _,
        patient_pays: _,
        insurer_pays: _,
        public_pays: _,
        meal_charge: _,
        rounding_difference: _,
        trace: _,
        texts: _,
    } = c;
    let calc::Line {
        code: _,
        name: _,
        points: _,
        count: _,
        subtotal: _,
        origin: _,
        rule: _,
        verified: _,
        source: _,
        section: _,
        group: _,
        price: _,
    } = l;
    // One trace type for both outputs: the claim's trace names `rule, looked_at, source,
    // decision`; the co-payment's `step (rule), input (looked_at), rule (wording), source,
    // result (decision)`.
    let calc::TraceEntry {
        rule: _,
        looked_at: _,
        wording: _,
        source: _,
        decision: _,
    } = t;
    let crate::ApiError {
        kind: _,
        message: _,
    } = e;
    match d {
        masters::DiffEntry::Added {
            code: _,
            name: _,
            valid_from: _,
        } => {}
        masters::DiffEntry::Abolished {
            code: _,
            name: _,
            valid_to: _,
        } => {}
        masters::DiffEntry::Changed {
            code: _,
            name: _,
            changes: _,
        } => {}
    }
    let masters::procedure::FieldChange {
        field: _,
        label: _,
        from: _,
        to: _,
    } = f;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_generates_with_its_id() {
        for s in SCHEMAS {
            let v = get(s.name).unwrap();
            assert_eq!(v["$id"], Value::String(id(s.name)), "{}", s.name);
            assert!(v["$schema"].as_str().unwrap().contains("2020-12"));
        }
        assert!(get("nope").is_none());
    }

    /// The profile's schema lists the facts `rules/data/tier/facts.toml` declares, and no other.
    #[test]
    fn the_profile_schema_lists_the_declared_facts() {
        let v = get("facility-profile").unwrap();
        let mut props: Vec<String> = v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        props.sort();
        let mut want: Vec<String> = [
            "kind",
            "e_prescription_since",
            "electronic_sharing_since",
            "usage",
        ]
        .into_iter()
        .map(String::from)
        .chain(
            rules::tier::facts::declared()
                .iter()
                .map(|d| d.name.clone()),
        )
        .collect();
        want.sort();
        assert_eq!(props, want);
    }

    #[test]
    fn outputs_are_closed_and_fully_required() {
        let v = get("calc-output").unwrap();
        assert_eq!(v["additionalProperties"], Value::Bool(false));
        let req: Vec<&str> = v["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert_eq!(
            req,
            [
                "total_points",
                "lines",
                "warnings",
                "warning_ids",
                "errors",
                "error_ids",
                "trace"
            ]
        );
    }
}
