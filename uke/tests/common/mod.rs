//! Helpers shared by the uke integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use uke::{Item, ReadOptions, ReceiptRead};

/// `../shared` beside the checkout (or `$SANTEI_SHARED`); the oracle files are read from there,
/// never copied into the repository.
pub fn shared() -> PathBuf {
    let p = std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    assert!(
        p.join("oracles").is_dir(),
        "the oracle files are expected in {} (set SANTEI_SHARED to their location)",
        p.display()
    );
    p
}

pub fn oracle(rel: &str) -> Vec<u8> {
    let p = shared().join("oracles").join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Everything a reader yields for `bytes`.
pub fn items(bytes: &[u8], name: &str) -> Vec<Item> {
    uke::read_bytes(
        bytes,
        ReadOptions {
            file: Some(name.into()),
            ..Default::default()
        },
    )
    .collect()
}

pub fn receipts(items: &[Item]) -> Vec<&ReceiptRead> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Receipt(r) => Some(r.as_ref()),
            _ => None,
        })
        .collect()
}

pub fn errors(items: &[Item]) -> Vec<&uke::ReadError> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Error(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// Text lines → CP932 bytes with CRLF (test input).
pub fn cp932(lines: &[&str]) -> Vec<u8> {
    let text: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
    let (b, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!bad, "test input not CP932");
    b.into_owned()
}

/// The receiptisan sample as text lines (UTF-8), to derive malformed variants from.
pub fn receiptisan_lines() -> Vec<String> {
    let b = oracle("receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE");
    let (t, _, bad) = encoding_rs::SHIFT_JIS.decode(&b);
    assert!(!bad);
    t.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}
