//! `GET /v1/openapi.json`: a valid OpenAPI 3.1 structure; its paths and operations are exactly
//! the server's routes; every `$ref` points at something that exists; every schema of
//! `schemas/v1/` is a component and compiles as JSON Schema 2020-12 inside the document; real
//! inputs and answers validate against the components the operations name. When the Python
//! package `openapi-spec-validator` is installed, the document is also checked against the
//! official OpenAPI 3.1 schema (skipped otherwise, with a note).

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

fn doc() -> Value {
    serde_json::from_str(&server::openapi::document_text()).expect("JSON")
}

/// Every `$ref` string in `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(s)) => out.push(s.clone()),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn structure_paths_and_references() {
    let d = doc();
    assert_eq!(d["openapi"], "3.1.0");
    assert!(d["info"]["title"].is_string() && d["info"]["version"].is_string());
    let top: BTreeSet<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    let allowed: BTreeSet<&str> = [
        "openapi",
        "info",
        "jsonSchemaDialect",
        "servers",
        "paths",
        "webhooks",
        "components",
        "security",
        "tags",
        "externalDocs",
    ]
    .into();
    assert!(top.is_subset(&allowed), "{top:?}");

    // Paths and operations = the server's routes.
    let mut ops = BTreeSet::new();
    for (path, item) in d["paths"].as_object().unwrap() {
        assert!(path.starts_with('/'));
        for (method, op) in item.as_object().unwrap() {
            assert!(
                ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
                    .contains(&method.as_str()),
                "{path}: {method}"
            );
            ops.insert((method.clone(), path.clone()));
            assert!(op["operationId"].is_string(), "{path}");
            let responses = op["responses"].as_object().expect("responses");
            assert!(!responses.is_empty());
            for (code, r) in responses {
                assert!(
                    code.len() == 3 && code.parse::<u16>().is_ok(),
                    "{path} {code}"
                );
                assert!(r["description"].is_string(), "{path} {code}");
            }
            // A path parameter is declared for each {name} of the path.
            for p in path.split('/').filter(|s| s.starts_with('{')) {
                let name = &p[1..p.len() - 1];
                assert!(
                    op["parameters"].as_array().is_some_and(|ps| ps
                        .iter()
                        .any(|x| x["name"] == name && x["in"] == "path" && x["required"] == true)),
                    "{path}: {name}"
                );
            }
        }
    }
    let routes: BTreeSet<(String, String)> = server::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(ops, routes);

    // Every reference resolves inside the document.
    let mut all = Vec::new();
    refs(&d, &mut all);
    assert!(all.len() > 50);
    for r in &all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external reference {r}"));
        assert!(d.pointer(pointer).is_some(), "{r} does not exist");
    }

    // Every schema file is a component.
    let components = d["components"]["schemas"].as_object().unwrap();
    let files = std::fs::read_dir(repo().join("schemas/v1")).unwrap();
    let mut n = 0;
    for f in files {
        let stem = f
            .unwrap()
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let name = server::openapi::component_name(&stem);
        assert!(components.contains_key(&name), "{stem} → {name}");
        n += 1;
    }
    assert_eq!(n, api::schema::SCHEMAS.len());
    // Component names as OpenAPI requires.
    for k in components.keys() {
        assert!(
            k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "{k}"
        );
    }
}

struct Validator {
    schemas: boon::Schemas,
    compiler: boon::Compiler,
}

impl Validator {
    fn new() -> Validator {
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource("urn:santei:openapi", doc())
            .expect("resource");
        Validator {
            schemas: boon::Schemas::new(),
            compiler,
        }
    }
    fn check(&mut self, component: &str, instance: &Value) {
        let loc = format!("urn:santei:openapi#/components/schemas/{component}");
        let i = self
            .compiler
            .compile(&loc, &mut self.schemas)
            .unwrap_or_else(|e| panic!("{component}: {e:#}"));
        if let Err(e) = self.schemas.validate(instance, i) {
            panic!("{component}: {e:#}");
        }
    }
}

#[tokio::test]
async fn components_compile_and_answers_validate() {
    let mut v = Validator::new();
    // Each component compiles as JSON Schema 2020-12 within the document.
    let d = doc();
    for name in d["components"]["schemas"].as_object().unwrap().keys() {
        let loc = format!("urn:santei:openapi#/components/schemas/{name}");
        v.compiler
            .compile(&loc, &mut v.schemas)
            .unwrap_or_else(|e| panic!("{name}: {e:#}"));
    }
    // Real requests and answers against the operations' components.
    let s = start(config()).await;
    let a = s.addr();
    let claim = read("examples/claim.json");
    v.check("Claim", &serde_json::from_str(&claim).unwrap());
    v.check("CalcOutput", &post(a, "/v1/calc", &claim).await.json());
    let receipt = api::golden::Case::parse("r", &read("goldens/copay/gen-age-70-after.toml"))
        .unwrap()
        .input_json();
    v.check("Receipt", &serde_json::from_str(&receipt).unwrap());
    v.check("CopayOutput", &post(a, "/v1/copay", &receipt).await.json());
    let profile = r#"{"kind": "clinic", "usage": [{"month": "2025-01", "receipt_based": "0.47"}]}"#;
    v.check("FacilityProfile", &serde_json::from_str(profile).unwrap());
    v.check(
        "TierOutput",
        &post(a, "/v1/tier?from=2025-04&to=2025-06", profile)
            .await
            .json(),
    );
    v.check(
        "MasterShowOutput",
        &get(a, "/v1/master/111000110?date=2025-04-01").await.json(),
    );
    let diff = get(a, "/v1/master/diff?from=2024-05-31&to=2024-06-01")
        .await
        .json();
    v.check("MasterDiffOutput", &diff);
    v.check("MasterDiffOutput_DiffEntry", &diff[0]);
    v.check("VersionOutput", &get(a, "/v1/version").await.json());
    v.check("Error", &get(a, "/v1/nope").await.json());
    let audit = post(
        a,
        "/v1/uke/audit",
        "IR,1,12,1,0000000,,,202111,00,\r\nGO,0,0,99\r\n",
    )
    .await;
    for line in audit.text().lines() {
        v.check("UkeAuditLine", &serde_json::from_str(line).unwrap());
    }
    let batch = request(a, "POST", "/v1/batch", &[], b"{}\n").await;
    v.check("BatchError", &batch.json());
    s.shutdown();
    s.join().await;
}

#[test]
fn official_openapi_schema_when_the_validator_is_installed() {
    let has = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        eprintln!("skipped: the Python package openapi-spec-validator is not installed (pip install openapi-spec-validator)");
        return;
    }
    let path = std::env::temp_dir().join(format!("santei-openapi-{}.json", std::process::id()));
    std::fs::write(&path, server::openapi::document_text()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.1.0"])
        .arg(&path)
        .output()
        .expect("python3");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
