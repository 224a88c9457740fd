//! The published JSON Schemas (`schemas/v1/`): they equal what `calc::schema` generates from
//! the Rust types, and every golden case's input and the engine's output for it validate
//! against them (draft 2020-12, with format assertions, by the `boon` validator).
//!
//! Regenerate the files after a deliberate change with
//! `SANTEI_BLESS=1 cargo test -p santei-tests --test schemas` (or `santei schema --write schemas/v1`).

use api::golden::Case;
use api::schema::SCHEMAS;
use calc::Engine;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn schema_dir() -> PathBuf {
    santei_tests::workspace_root().join(api::schema::dir())
}

#[test]
fn published_schemas_equal_the_generated_ones() {
    let dir = schema_dir();
    let bless = std::env::var_os("SANTEI_BLESS").is_some();
    let mut stale = Vec::new();
    for s in SCHEMAS {
        let path = dir.join(format!("{}.json", s.name));
        let want = api::schema::text(s.name).unwrap();
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "schema files differ from the Rust types (run SANTEI_BLESS=1 cargo test -p santei-tests --test schemas, review the diff and bump the interface version for an incompatible change): {stale:?}"
    );
    let mut extra: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !SCHEMAS.iter().any(|s| format!("{}.json", s.name) == *n))
        .collect();
    extra.sort();
    assert!(
        extra.is_empty(),
        "files in {} that no type generates: {extra:?}",
        dir.display()
    );
}

/// Every published schema, compiled from the files (what a vendor would use).
struct Validator {
    schemas: boon::Schemas,
    index: std::collections::HashMap<&'static str, boon::SchemaIndex>,
}

impl Validator {
    fn new() -> Validator {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        let mut index = std::collections::HashMap::new();
        for s in SCHEMAS {
            let path = schema_dir().join(format!("{}.json", s.name));
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let id = api::schema::id(s.name);
            compiler.add_resource(&id, v).unwrap();
            let i = compiler
                .compile(&id, &mut schemas)
                .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
            index.insert(s.name, i);
        }
        Validator { schemas, index }
    }

    fn check(&self, name: &str, what: &str, v: &Value) -> Result<(), String> {
        self.schemas
            .validate(v, self.index[name])
            .map_err(|e| format!("{what} against {name}: {e:#}"))
    }
}

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            cases(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn every_golden_input_and_output_validates() {
    let v = Validator::new();
    let engine = Engine::embedded().unwrap();
    let mut files = Vec::new();
    cases(&santei_tests::workspace_root().join("goldens"), &mut files);
    assert!(files.len() >= 120, "{} golden cases", files.len());
    let mut failures = Vec::new();
    let (mut inputs, mut outputs, mut errors, mut months) = (0, 0, 0, 0);
    for f in &files {
        let name = f.display().to_string();
        let case = Case::parse(&name, &std::fs::read_to_string(f).unwrap()).unwrap();
        let input = parse(&case.input_json());
        let (input_schema, input_value, output_schema, result) = match case.kind.as_str() {
            "calc" if input.get("admission").is_some() => (
                "inpatient-month",
                input.clone(),
                "inpatient-output",
                api::calc(&engine, "case.json", &case.input_json()),
            ),
            "calc" => (
                "claim",
                input.clone(),
                "calc-output",
                api::calc(&engine, "case.json", &case.input_json()),
            ),
            "copay" => {
                // The month form (`visits` a list) has its own input and output schemas.
                let month = input["visits"].is_array();
                months += usize::from(month);
                let r = match &case.local {
                    None => api::copay(&engine, "case.json", &case.input_json()),
                    Some(text) => {
                        let tables = engine
                            .copay_tables()
                            .clone()
                            .with_local_programmes("local", text)
                            .unwrap();
                        api::copay_with(&tables, "case.json", &case.input_json())
                    }
                };
                if month {
                    ("copay-month", input.clone(), "copay-month-output", r)
                } else {
                    ("receipt", input.clone(), "copay-output", r)
                }
            }
            "tier" => {
                let profile = input["profile"].clone();
                let from = input["from"].as_str().unwrap().to_string();
                let to = input["to"].as_str().unwrap_or(&from).to_string();
                let r = api::tier(&engine, "profile.json", &profile.to_string(), &from, &to);
                ("facility-profile", profile, "tier-output", r)
            }
            k => panic!("{name}: kind {k}"),
        };
        inputs += 1;
        if let Err(e) = v.check(input_schema, &format!("{name} input"), &input_value) {
            // A case that expects the reader to refuse its input may break the schema too.
            if case.expected.get("error_contains").is_none() {
                failures.push(e);
            }
        }
        match result {
            Ok(text) => {
                outputs += 1;
                if let Err(e) = v.check(output_schema, &format!("{name} output"), &parse(&text)) {
                    failures.push(e);
                }
            }
            Err(e) => {
                errors += 1;
                if let Err(e) = v.check("error", &format!("{name} error"), &parse(&e.to_json())) {
                    failures.push(e);
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases do not validate:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
    assert_eq!(inputs, files.len());
    assert!(months >= 16, "{months} month cases validated");
    assert!(
        outputs > 150 && errors > 0,
        "outputs {outputs}, errors {errors}"
    );
}

#[test]
fn the_other_outputs_validate() {
    let v = Validator::new();
    let engine = Engine::embedded().unwrap();
    let show = api::master_show(&engine, "111000110", "2025-04-10").unwrap();
    v.check("master-show-output", "master show", &parse(&show))
        .unwrap();
    let diff = api::diff(&engine, "2024-05-31", "2024-06-01").unwrap();
    let d = parse(&diff);
    assert!(!d.as_array().unwrap().is_empty());
    v.check("master-diff-output", "master diff", &d).unwrap();
    let ver = api::version(&engine, None).unwrap();
    v.check("version-output", "version", &parse(&ver)).unwrap();
    let ver = api::version(&engine, Some(1)).unwrap();
    v.check("version-output", "version (C ABI)", &parse(&ver))
        .unwrap();
    // Official files: a version report with files and dates, a diff with changed fields.
    let (ds, _) = masters::pack::load_official_dirs(&[santei_tests::ika_dir()]).unwrap();
    let official = Engine::with_data(ds).unwrap();
    let ver = parse(&api::version(&official, None).unwrap());
    v.check("version-output", "version (official)", &ver)
        .unwrap();
    assert_eq!(ver["data"]["published_through"], "2025-09-01");
    let diff = parse(&api::diff(&official, "2024-09-30", "2024-10-01").unwrap());
    assert!(diff
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["change"] == "changed"));
    v.check("master-diff-output", "master diff (official)", &diff)
        .unwrap();
    let show = api::master_show(&official, "111703470", "2024-10-10").unwrap();
    v.check(
        "master-show-output",
        "master show (official)",
        &parse(&show),
    )
    .unwrap();
    for e in [
        api::calc(&engine, "x.json", "{").unwrap_err(),
        api::master_show(&engine, "111000110", "1990-01-01").unwrap_err(),
    ] {
        v.check("error", "error", &parse(&e.to_json())).unwrap();
    }
}

/// The data files a user may supply: every embedded co-payment table file, the local
/// programme example, and a batch error record. TOML dates become strings here (as a JSON
/// reader of the schema sees them).
#[test]
fn the_supplied_files_and_batch_records_validate() {
    let v = Validator::new();
    fn json_of(t: toml::Value) -> Value {
        match t {
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(a) => Value::Array(a.into_iter().map(json_of).collect()),
            toml::Value::Table(t) => {
                Value::Object(t.into_iter().map(|(k, v)| (k, json_of(v))).collect())
            }
            other => serde_json::to_value(other).unwrap(),
        }
    }
    let dir = santei_tests::workspace_root().join("rules/data/copay");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&p).unwrap();
            let doc = json_of(toml::from_str::<toml::Value>(&text).unwrap());
            let name = if p.ends_with("local-example.toml") {
                "local-programmes"
            } else {
                "copay-tables"
            };
            v.check(name, &p.display().to_string(), &doc).unwrap();
            n += 1;
        }
    }
    assert!(n >= 7, "{n} table files");
    v.check(
        "batch-error",
        "batch error record",
        &serde_json::json!({"line": 701, "error": "malformed JSON: expected value at line 1 column 2"}),
    )
    .unwrap();
    assert!(v
        .check(
            "local-programmes",
            "a typo",
            &serde_json::json!({"programme": [{"law": "88", "nmae": "x"}]})
        )
        .is_err());
}

#[test]
fn the_schemas_refuse_what_the_readers_refuse() {
    let v = Validator::new();
    let claim = parse(
        &std::fs::read_to_string(santei_tests::workspace_root().join("examples/claim.json"))
            .unwrap(),
    );
    v.check("claim", "example claim", &claim).unwrap();
    let mut bad = claim.clone();
    bad["itemz"] = Value::Array(vec![]);
    assert!(v.check("claim", "unknown field", &bad).is_err());
    let mut bad = claim.clone();
    bad["date"] = "2025-4-1".into();
    assert!(v.check("claim", "bad date", &bad).is_err());
    let mut bad = claim.clone();
    bad["kind"] = "ikka".into();
    assert!(v.check("claim", "bad kind", &bad).is_err());
    let receipt = serde_json::json!({"month": "2025-05", "setting": "outpatient", "points": 3000,
        "patient": {"birth_date": "1980-01-01", "insurance": "kenpo", "income_category": "ウ"}});
    v.check("receipt", "receipt", &receipt).unwrap();
    let mut bad = receipt.clone();
    bad.as_object_mut().unwrap().remove("points");
    assert!(v.check("receipt", "no points", &bad).is_err());
    let mut bad = receipt.clone();
    bad["points"] = (-1).into();
    assert!(v.check("receipt", "negative points", &bad).is_err());
    let mut bad = receipt.clone();
    bad["patient"]["income_category"] = "カ".into();
    assert!(v.check("receipt", "bad category", &bad).is_err());
    let profile = serde_json::json!({"kind": "clinic", "usage": [{"month": "2025-01", "receipt_based": "45%"}]});
    v.check("facility-profile", "profile", &profile).unwrap();
    let mut bad = profile.clone();
    bad["usage"][0]["receipt_based"] = 1.5.into();
    assert!(v.check("facility-profile", "rate above 1", &bad).is_err());
    // Outputs are closed: a field the engine does not emit is refused.
    let engine = Engine::embedded().unwrap();
    let mut out = parse(&api::calc(&engine, "x.json", &claim.to_string()).unwrap());
    v.check("calc-output", "example output", &out).unwrap();
    out["lines"][0]["extra"] = true.into();
    assert!(v.check("calc-output", "extra field", &out).is_err());
}
