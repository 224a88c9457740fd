//! The JSON Schema of a `santei uke read` line (`schemas/v1/uke-read-line.json`, generated from
//! the types by `uke::schema`; tests/tests/schemas.rs keeps the published copy equal): every
//! line the reader gives for the oracle UKE files (receipts, GO lines, errors) validates.

use serde_json::Value;

fn lines_of(bytes: &[u8], encoding: uke::Encoding) -> Vec<Value> {
    let mut out = Vec::new();
    let mut totals = uke::GoTotals::default();
    let opts = uke::ReadOptions {
        file: Some("F.UKE".into()),
        encoding,
    };
    for item in uke::read_bytes(bytes, opts) {
        let v = match &item {
            uke::Item::Ir { .. } => continue,
            uke::Item::Receipt(r) => {
                totals.add(&r.receipt);
                serde_json::to_value(uke::lines::ReceiptLine::new(r)).unwrap()
            }
            uke::Item::Go { line, go } => serde_json::to_value(uke::lines::GoLine {
                line: *line,
                go,
                go_check: uke::GoCheck::new(go, &totals),
            })
            .unwrap(),
            uke::Item::Error(e) => serde_json::to_value(e).unwrap(),
        };
        out.push(v);
    }
    out
}

#[test]
fn every_read_line_of_the_oracle_files_validates() {
    let schema = uke::schema::read_line();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource("urn:uke", schema).unwrap();
    let idx = compiler.compile("urn:uke", &mut schemas).unwrap();
    let o = santei_tests::shared().join("oracles");
    let files = [
        (
            "receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE",
            uke::Encoding::Cp932,
        ),
        ("uke-older/9rece_v1/RECEIPTC.UKE", uke::Encoding::Cp932),
        ("uke-older/9rece_v1/RECEIPTC_bad.UKE", uke::Encoding::Cp932),
        ("uke-older/uke-parser/shaho_201811.csv", uke::Encoding::Utf8),
        ("uke-older/uke-parser/shika_shaho.csv", uke::Encoding::Utf8),
    ];
    let (mut receipts, mut gos, mut errors) = (0, 0, 0);
    for (f, enc) in files {
        for v in lines_of(&std::fs::read(o.join(f)).unwrap(), enc) {
            if let Err(e) = schemas.validate(&v, idx) {
                panic!("{f}: {e:#}\n{v}");
            }
            if v.get("receipt").is_some() {
                receipts += 1;
                if let Some(e) = v.get("errors") {
                    errors += e.as_array().unwrap().len();
                }
            } else if v.get("go").is_some() {
                gos += 1;
            } else {
                errors += 1;
            }
        }
    }
    // 75 + 18 + 18 + 27 receipts; GO lines in receiptisan and shaho_201811; errors: 9rece's
    // two (receipt 17), the bad IR, and the dental file's four.
    assert_eq!((receipts, gos, errors), (138, 2, 2 + 2 + 1 + 4));
    // A closed schema: an extra field fails.
    let mut v = lines_of(
        &std::fs::read(o.join("receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE")).unwrap(),
        uke::Encoding::Cp932,
    )
    .remove(0);
    v["receipt"]["re"]["extra"] = Value::Bool(true);
    assert!(schemas.validate(&v, idx).is_err());
}
