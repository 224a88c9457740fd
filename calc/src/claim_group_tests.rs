//! The 剤 shape checks of a claim (see `crate::group::check_item`).
use super::Claim;

fn check(items: &str) -> Result<Claim, String> {
    let text = format!(
        r#"{{"date": "2025-02-12", "patient": {{"birth_date": "1951-08-03"}},
             "facility": {{"kind": "clinic"}}, "items": {items}}}"#
    );
    let c: Claim = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    c.validate().map_err(|e| e.to_string())?;
    Ok(c)
}

/// The issue's claim parses as written: plain lines and 剤 side by side.
#[test]
fn the_issue_shape_parses() {
    let c = check(
        r#"[{"code": "112007410"},
            {"section": "21", "count": 28, "lines": [{"code": "612170710", "quantity": 1},
                                                   {"code": "610406079", "quantity": 1}]},
            {"section": "60", "lines": [{"code": "160022510"}]}]"#,
    )
    .unwrap();
    assert_eq!(c.items[1].section, Some(crate::group::Section(21)));
    assert_eq!(c.items[1].lines.as_ref().unwrap().len(), 2);
    assert_eq!(c.items[2].count, 1);
}

#[test]
fn bad_shapes_name_the_item_and_the_value() {
    let cases = [
        (
            r#"[{"section": "21", "lines": []}]"#,
            "items[0].lines: [] is empty: a 剤 needs at least one line",
        ),
        (
            r#"[{"section": "21"}]"#,
            "items[0]: a 剤 of 診療識別 21 without `lines`",
        ),
        (
            r#"[{"count": 2}]"#,
            "items[0]: neither `code` (a line) nor `section` and `lines` (a 剤)",
        ),
        (
            r#"[{"lines": [{"code": "612170710", "quantity": 1}]}]"#,
            "items[0].section: missing",
        ),
        (
            r#"[{"section": "21", "lines": [{"code": "612170710", "quantity": 0}]}]"#,
            "items[0].lines[0].quantity: 0 is not a quantity (more than 0)",
        ),
        (
            r#"[{"code": "112007410", "section": "21", "lines": [{"code": "612170710", "quantity": 1}]}]"#,
            "items[0].code: a 剤 (an item with `lines`) has no code of its own",
        ),
        (
            r#"[{"section": "21", "lines": [{"code": "612170710", "quantity": 0.000001}]}]"#,
            "items[0].lines[0].quantity: 0.000001 has more than 5 decimal places",
        ),
        (
            r#"[{"section": "2x", "lines": [{"code": "612170710", "quantity": 1}]}]"#,
            "\"2x\" is not a 診療識別",
        ),
    ];
    for (items, want) in cases {
        let e = check(items).unwrap_err();
        assert!(e.contains(want), "{items}: {e}");
    }
    let e = check(r#"[{"section": "21", "lines": [{"code": "612170710", "quantity": -2}]}]"#)
        .unwrap_err();
    assert!(e.contains("-2 is not a quantity"), "{e}");
}
