use super::*;

#[test]
fn embedded_rules_load() {
    let r = ReceiptRules::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert!(!r.sets.is_empty());
}
