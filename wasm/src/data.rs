//! santei's default data as one text beside the page's first module (`pkg/santei-data.txt`).
//!
//! Job: the first module (feature `fetched-data`) leaves the default data — the fee schedule
//! pack, the revision checks, the receipt, co-payment, pricing, calendar, inpatient, tier and
//! add-on rules, the tier facts and the message catalog — out of its `.wasm`; the page's
//! worker fetches this text at the same time as the module and hands it over with
//! [`crate::set_data`] before its first call (the page's first result, the tier table, too:
//! the fetch ends while the module compiles). `wasm/build-page` writes the text with the full
//! module's [`crate::embedded_data`], so both come from the same build.
//!
//! Format: records separated by U+001E, each `group U+001F file name U+001F text`. The texts
//! are the JSON the build scripts convert the TOML sources to, the tier rules' own text and
//! the catalog's TSV; none holds a raw U+001E or U+001F (tested), so the separators cannot
//! occur inside a text.
//!
//! Invariant: every group of [`GROUPS`] is present (possibly with no file); a text that is
//! not such a bundle is refused with a message naming what is wrong, and nothing is set.

/// Record separator between (group, name, text) triples.
const RECORD: char = '\u{1e}';
/// Separator of the three parts of a record.
const UNIT: char = '\u{1f}';

/// The groups, in the order written; the loaders of `masters` (`masters/…`) and `rules`
/// (`rules/…`) read them from [`support::fetched`].
pub const GROUPS: [&str; 11] = [
    "masters/pack",
    "masters/revision",
    "rules/receipt",
    "rules/calendar",
    "rules/pricing",
    "rules/copay",
    "rules/inpatient",
    "rules/tier",
    "rules/tier-facts",
    "rules/addons",
    "calc/catalog",
];

/// The embedded default data as one bundle text (the full module; the statics are linked only
/// here and by the loaders of a build without `fetched-data`).
#[cfg(not(feature = "fetched-data"))]
pub fn write() -> String {
    let groups: [&[(&str, &str)]; GROUPS.len()] = [
        masters::pack::EMBEDDED,
        masters::revision::EMBEDDED,
        rules::receipt::EMBEDDED,
        rules::calendar::EMBEDDED,
        rules::pricing::EMBEDDED,
        rules::copay::EMBEDDED_FILES,
        rules::inpatient::EMBEDDED,
        rules::tier::EMBEDDED,
        rules::tier::facts::EMBEDDED,
        rules::addons::EMBEDDED,
        &[("messages.tsv", calc::catalog::EMBEDDED)],
    ];
    let mut out = String::new();
    for (group, texts) in GROUPS.iter().zip(groups) {
        // A group with no file still has a record (name and text empty), so every group is
        // seen by `read`.
        if texts.is_empty() {
            push(&mut out, group, "", "");
        }
        for (name, text) in texts {
            push(&mut out, group, name, text);
        }
    }
    out
}

#[cfg(not(feature = "fetched-data"))]
fn push(out: &mut String, group: &str, name: &str, text: &str) {
    if !out.is_empty() {
        out.push(RECORD);
    }
    out.push_str(group);
    out.push(UNIT);
    out.push_str(name);
    out.push(UNIT);
    out.push_str(text);
}

/// The groups of a bundle text: (group, [(name, text)]) in [`GROUPS`] order, or what is wrong.
pub fn read(
    text: &'static str,
) -> Result<Vec<(&'static str, Vec<(&'static str, &'static str)>)>, String> {
    let mut groups: Vec<(&'static str, Vec<(&'static str, &'static str)>)> =
        GROUPS.iter().map(|g| (*g, Vec::new())).collect();
    let mut seen = [false; GROUPS.len()];
    for (i, record) in text.split(RECORD).enumerate() {
        let mut parts = record.splitn(3, UNIT);
        let (Some(group), Some(name), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "santei-data: record {} is not `group, name, text`",
                i + 1
            ));
        };
        let Some(k) = GROUPS.iter().position(|g| *g == group) else {
            return Err(format!(
                "santei-data: record {}: unknown group {group:?}",
                i + 1
            ));
        };
        seen[k] = true;
        if !name.is_empty() {
            groups[k].1.push((name, body));
        }
    }
    if let Some(k) = seen.iter().position(|s| !s) {
        return Err(format!("santei-data: the group {} is missing", GROUPS[k]));
    }
    Ok(groups)
}

/// Hand the bundle's texts to the loaders (once: a second call changes nothing and says so).
#[cfg(feature = "fetched-data")]
pub fn install(text: String) -> Result<(), String> {
    // The loaders keep `&'static str` texts, as the embedded statics are: the bundle lives
    // for the rest of the program.
    let text: &'static str = Box::leak(text.into_boxed_str());
    let groups = read(text)?
        .into_iter()
        .map(|(group, texts)| (group.to_string(), texts))
        .collect();
    if !support::fetched::set(groups) {
        return Err("santei-data: the data was given before".into());
    }
    Ok(())
}

/// Whether [`install`] has run (always true for a module with the data embedded).
pub fn installed() -> bool {
    #[cfg(feature = "fetched-data")]
    return support::fetched::is_set();
    #[cfg(not(feature = "fetched-data"))]
    true
}

#[cfg(all(test, not(feature = "fetched-data")))]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_reads_back_to_the_embedded_texts() {
        let text: &'static str = Box::leak(write().into_boxed_str());
        let groups = read(text).expect("bundle");
        assert_eq!(groups.len(), GROUPS.len());
        assert_eq!(groups[0].1, masters::pack::EMBEDDED.to_vec());
        assert_eq!(groups[2].1, rules::receipt::EMBEDDED.to_vec());
        assert_eq!(groups[5].1, rules::copay::EMBEDDED_FILES.to_vec());
        assert_eq!(groups[6].1, rules::inpatient::EMBEDDED.to_vec());
        assert_eq!(groups[7].1, rules::tier::EMBEDDED.to_vec());
        assert_eq!(groups[8].1, rules::tier::facts::EMBEDDED.to_vec());
        assert_eq!(groups[9].1, rules::addons::EMBEDDED.to_vec());
        assert_eq!(
            groups[10].1,
            vec![("messages.tsv", calc::catalog::EMBEDDED)]
        );
        // No text holds a separator (the bundle would not read back).
        for (_, texts) in &groups {
            for (name, text) in texts {
                assert!(!format!("{name}{text}").contains([RECORD, UNIT]), "{name}");
            }
        }
        assert!(
            groups.iter().all(|(_, t)| !t.is_empty()),
            "every group has data"
        );
    }

    #[test]
    fn a_wrong_bundle_is_refused() {
        assert!(read("hello").unwrap_err().contains("record 1"));
        assert!(read("nope\u{1f}a\u{1f}{}")
            .unwrap_err()
            .contains("unknown group"));
        assert!(read("masters/pack\u{1f}a\u{1f}{}")
            .unwrap_err()
            .contains("masters/revision is missing"));
    }
}
