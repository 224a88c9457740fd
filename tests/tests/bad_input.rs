//! Corrupted copies of real files: each gets an error naming file, line, field and value;
//! the previously loaded schedule stays intact; nothing panics.

use masters::{Code, LoadError, Schedule, TableKind, Tables};
use santei_tests::{date, ika_dir, tensuhyo_dir};

fn real(name: &str) -> Vec<u8> {
    std::fs::read(ika_dir().join(name)).unwrap()
}

/// The 2022 full file plus s_20220912 (which adds 111015970), to damage copies of.
fn base() -> Schedule {
    let mut s = Schedule::new();
    s.apply_full("s_ALL20220218.csv", &real("s_ALL20220218.csv"))
        .unwrap();
    s
}

/// Replace line `n` (1-based) of a CP932 file with `f(line)`.
fn edit_line(bytes: &[u8], n: usize, f: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        if i + 1 == n {
            let body = line.strip_suffix(b"\r\n").unwrap_or(line);
            out.extend(f(body));
            out.extend(b"\r\n");
        } else {
            out.extend(line);
        }
    }
    out
}

fn set_field(line: &[u8], idx: usize, value: &[u8]) -> Vec<u8> {
    let parts: Vec<&[u8]> = line.split(|b| *b == b',').collect();
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if i == idx {
            out.push(b'"');
            out.extend(value);
            out.push(b'"');
        } else {
            out.extend(*p);
        }
    }
    out
}

/// Apply a damaged update and check the error text and that the schedule is unchanged.
fn check_update(damaged: &[u8], must_contain: &[&str]) -> LoadError {
    let mut s = base();
    s.apply_update("s_20220304.csv", &real("s_20220304.csv"))
        .unwrap();
    let before = s.clone_for_test();
    let err = s.apply_update("s_20220912.csv", damaged).unwrap_err();
    let text = err.to_string();
    for m in must_contain {
        assert!(text.contains(m), "error {text:?} should contain {m:?}");
    }
    assert!(
        s.same_as(&before),
        "the schedule changed after a failed load"
    );
    err
}

trait Snap {
    fn clone_for_test(&self) -> Self;
    fn same_as(&self, other: &Self) -> bool;
}

impl Snap for Schedule {
    fn clone_for_test(&self) -> Self {
        self.clone()
    }
    fn same_as(&self, other: &Self) -> bool {
        self.codes() == other.codes()
            && self
                .codes()
                .iter()
                .all(|c| self.history(*c) == other.history(*c))
            && self.files.len() == other.files.len()
    }
}

#[test]
fn truncated_row() {
    let bytes = edit_line(&real("s_20220912.csv"), 3, |l| {
        let parts: Vec<&[u8]> = l.split(|b| *b == b',').take(40).collect();
        parts.join(&b","[..])
    });
    // Names the first missing field and the value the row ends with.
    check_update(
        &bytes,
        &[
            "s_20220912.csv:3",
            "field 41 (",
            "row has 40 fields",
            "113",
            "the row ends with",
        ],
    );
}

#[test]
fn non_numeric_points() {
    let bytes = edit_line(&real("s_20220912.csv"), 2, |l| set_field(l, 11, b"4.0x"));
    check_update(
        &bytes,
        &["s_20220912.csv:2", "field 12 (新又は現点数)", "\"4.0x\""],
    );
}

#[test]
fn impossible_date() {
    let bytes = edit_line(&real("s_20220912.csv"), 2, |l| {
        set_field(l, 86, b"20221301")
    });
    check_update(
        &bytes,
        &[
            "s_20220912.csv:2",
            "field 87 (変更年月日)",
            "\"20221301\"",
            "impossible date",
        ],
    );
}

#[test]
fn broken_quote() {
    let bytes = edit_line(&real("s_20220912.csv"), 5, |l| {
        let mut v = l.to_vec();
        v.truncate(v.len() - 1); // drop the closing quote of the last field
        v
    });
    check_update(
        &bytes,
        &[
            "s_20220912.csv:5",
            "field ",
            "unterminated quote in field",
            ": \"",
        ],
    );
}

#[test]
fn bytes_that_are_not_cp932() {
    let bytes = edit_line(&real("s_20220912.csv"), 4, |l| {
        // 0x85 0x40 is an unassigned lead/trail pair in CP932 (row 0x85 is empty).
        let mut v = l.to_vec();
        let pos = v.iter().position(|b| *b > 0x80).unwrap();
        v[pos] = 0x85;
        v[pos + 1] = 0x40;
        v
    });
    check_update(
        &bytes,
        &["s_20220912.csv:4: field 5", "not valid CP932", "0x85"],
    );
}

#[test]
fn update_for_unknown_code() {
    let bytes = edit_line(&real("s_20230201.csv"), 1, |l| {
        set_field(l, 2, b"199999999")
    });
    // Turn the first row into a 変更 of a code that does not exist.
    let bytes = edit_line(&bytes, 1, |l| set_field(l, 0, b"5"));
    let mut s = base();
    let before = s.clone();
    let err = s.apply_update("s_20230201.csv", &bytes).unwrap_err();
    let t = err.to_string();
    assert!(
        t.contains("s_20230201.csv:1: field 3 (") && t.contains("unknown code 199999999"),
        "{t}"
    );
    assert!(s.same_as(&before));
}

#[test]
fn bad_table_rows_name_file_line_field() {
    let name = "05算定回数テーブル.csv";
    let bytes = std::fs::read(tensuhyo_dir().join(name)).unwrap();
    let mut t = Tables::default();
    t.load(TableKind::Frequency, name, &bytes).unwrap();
    let n = t.frequency.len();
    let damaged = edit_line(&bytes, 10, |l| set_field(l, 5, b"x"));
    let err = t
        .load(TableKind::Frequency, name, &damaged)
        .unwrap_err()
        .to_string();
    assert!(err.contains("05算定回数テーブル.csv:10: field 6"), "{err}");
    assert!(err.contains("\"x\""), "{err}");
    assert_eq!(t.frequency.len(), n, "the loaded table must stay intact");
    let code = Code::parse("112708970").unwrap();
    let r: Vec<_> = t.frequency_on(code, date("2025-01-01")).collect();
    // 05算定回数テーブル: 112708970 医療情報取得加算（再診） 144 ３月 1.
    assert_eq!(
        (r[0].unit.code, r[0].unit.name.as_str(), r[0].count),
        (144, "３月", 1)
    );
}
