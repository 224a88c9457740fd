//! The official CSV dialect: CP932 (Shift_JIS superset), every field double-quoted, CRLF,
//! no header row. Read strictly: a byte that is not CP932, an unterminated quote or text
//! after a closing quote is an error naming the file and line.
//!
//! Invariant: a line is split on LF before decoding. That is safe because 0x0A and 0x0D
//! never occur as the trail byte of a Shift_JIS pair (trail bytes are 0x40–0xFC).

use crate::error::{LoadError, Location};

/// One decoded CSV row with its 1-based line number.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Decode and split a file, calling `f(line_no, cells)` for each row without copying
/// cells that need no unescaping. Stops at the first error.
pub fn for_each_row<F>(file: &str, bytes: &[u8], mut f: F) -> Result<(), LoadError>
where
    F: FnMut(usize, &[std::borrow::Cow<'_, str>]) -> Result<(), LoadError>,
{
    let mut text = String::new();
    for (idx, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = idx + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.is_empty() || raw.iter().all(|b| *b == 0x1a) {
            continue;
        }
        text.clear();
        decode_line(file, line_no, raw, &mut text)?;
        let mut cells: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(160);
        split_into(file, line_no, &text, &mut cells)?;
        f(line_no, &cells)?;
    }
    Ok(())
}

/// Decode and split a whole official CSV file.
pub fn read_rows(file: &str, bytes: &[u8]) -> Result<Vec<Row>, LoadError> {
    let mut rows = Vec::with_capacity(bytes.len() / 400 + 1);
    let mut decoder_buf = String::new();
    for (idx, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = idx + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.is_empty() || raw.iter().all(|b| *b == 0x1a) {
            // Blank line or a DOS end-of-file marker.
            continue;
        }
        decoder_buf.clear();
        decode_line(file, line_no, raw, &mut decoder_buf)?;
        let cells = split_line(file, line_no, &decoder_buf)?;
        rows.push(Row {
            line: line_no,
            cells,
        });
    }
    Ok(rows)
}

fn loc(file: &str, line: usize) -> Location {
    Location {
        file: file.to_string(),
        line,
        field: None,
        field_name: None,
    }
}

/// The 1-based field of a raw CP932 line that byte `offset` falls in: commas outside quotes
/// before it, plus one. (`,` and `"` are single bytes in CP932 and never a trail byte.)
fn field_at(raw: &[u8], offset: usize) -> usize {
    let mut quoted = false;
    let mut field = 1;
    for &b in &raw[..offset.min(raw.len())] {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => field += 1,
            _ => {}
        }
    }
    field
}

fn decode_line(file: &str, line: usize, raw: &[u8], out: &mut String) -> Result<(), LoadError> {
    if raw.is_ascii() {
        // Fast path: ASCII is identical in CP932.
        out.push_str(std::str::from_utf8(raw).expect("ASCII is UTF-8"));
        return Ok(());
    }
    match crate::cp932::decode_into(raw, out) {
        Ok(()) => Ok(()),
        Err(m) => {
            let (start, end) = (m.offset, m.offset + m.len);
            let shown: Vec<String> = raw[start..end.min(raw.len())]
                .iter()
                .map(|b| format!("0x{b:02X}"))
                .collect();
            Err(LoadError::Encoding {
                at: Location {
                    field: Some(field_at(raw, start)),
                    ..loc(file, line)
                },
                offset: start,
                bytes: shown.join(" "),
            })
        }
    }
}

/// Split one decoded line. Fields are normally quoted; unquoted fields are accepted too.
pub fn split_line(file: &str, line: usize, text: &str) -> Result<Vec<String>, LoadError> {
    let mut cells = Vec::with_capacity(150);
    split_into(file, line, text, &mut cells)?;
    // A new vector of exactly the row's length: `into_iter().collect()` would reuse the
    // 150-cell buffer in place, and a table of 10-cell rows would hold 3.6 KB per row.
    let mut owned = Vec::with_capacity(cells.len());
    owned.extend(cells.into_iter().map(|c| c.into_owned()));
    Ok(owned)
}

/// Split one decoded line into borrowed cells (owned only where `""` had to be unescaped).
pub fn split_into<'t>(
    file: &str,
    line: usize,
    text: &'t str,
    cells: &mut Vec<std::borrow::Cow<'t, str>>,
) -> Result<(), LoadError> {
    use std::borrow::Cow;
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        if i < bytes.len() && bytes[i] == b'"' {
            // Quoted field.
            let mut cell: Option<String> = None;
            i += 1;
            let mut seg_start = i;
            let open = i;
            let close;
            loop {
                match memchr_quote(&bytes[i..]) {
                    None => {
                        return Err(LoadError::Csv {
                            at: Location {
                                field: Some(cells.len() + 1),
                                ..loc(file, line)
                            },
                            reason: format!(
                                "unterminated quote in field {}: {:?}",
                                cells.len() + 1,
                                text[open - 1..].chars().take(30).collect::<String>()
                            ),
                        })
                    }
                    Some(off) => {
                        let q = i + off;
                        if q + 1 < bytes.len() && bytes[q + 1] == b'"' {
                            cell.get_or_insert_with(String::new)
                                .push_str(&text[seg_start..=q]);
                            i = q + 2;
                            seg_start = i;
                        } else {
                            if let Some(c) = cell.as_mut() {
                                c.push_str(&text[seg_start..q]);
                            }
                            close = q;
                            i = q + 1;
                            break;
                        }
                    }
                }
            }
            cells.push(match cell {
                Some(c) => Cow::Owned(c),
                None => Cow::Borrowed(&text[open..close]),
            });
            if i == bytes.len() {
                break;
            }
            if bytes[i] != b',' {
                return Err(LoadError::Csv {
                    at: Location {
                        field: Some(cells.len()),
                        ..loc(file, line)
                    },
                    reason: format!(
                        "text after the closing quote of field {}: {:?}",
                        cells.len(),
                        text[i..].chars().take(20).collect::<String>()
                    ),
                });
            }
            i += 1;
        } else {
            let end = bytes[i..].iter().position(|&b| b == b',').map(|p| i + p);
            let stop = end.unwrap_or(bytes.len());
            let cell = &text[i..stop];
            if cell.contains('"') {
                return Err(LoadError::Csv {
                    at: Location {
                        field: Some(cells.len() + 1),
                        ..loc(file, line)
                    },
                    reason: format!(
                        "stray quote in unquoted field {}: {cell:?}",
                        cells.len() + 1
                    ),
                });
            }
            cells.push(Cow::Borrowed(cell));
            match end {
                Some(e) => i = e + 1,
                None => break,
            }
        }
    }
    Ok(())
}

fn memchr_quote(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields() {
        let r = split_line("f", 1, r#""0","S","a""b","""#).unwrap();
        assert_eq!(r, vec!["0", "S", "a\"b", ""]);
    }

    #[test]
    fn a_row_holds_only_its_own_cells() {
        // A 背反 table row has 10 cells: the row must not keep the 150-cell split buffer
        // (that made the 03-2 table, 21,918 rows, take 107 MB instead of 35 MB).
        let r = split_line(
            "f",
            1,
            r#""0","111000110","初診料","1","2","3","4","5","6","7""#,
        )
        .unwrap();
        assert_eq!(r.len(), 10);
        assert_eq!(r.capacity(), 10);
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let e = split_line("f.csv", 7, r#""0","S,1"#).unwrap_err();
        assert!(e.to_string().contains("f.csv:7"), "{e}");
        assert!(
            e.to_string().contains("unterminated quote in field 2"),
            "{e}"
        );
        let e = split_line("f.csv", 7, r#""0","S"x,"1""#).unwrap_err();
        assert!(
            e.to_string()
                .contains("text after the closing quote of field 2"),
            "{e}"
        );
    }

    #[test]
    fn bad_cp932_names_line_and_bytes() {
        let bytes = b"\"0\",\"S\"\r\n\"1\",\"\x81\x0A\"\r\n";
        // 0x81 followed by LF: the line is cut inside a double-byte character.
        let e = read_rows("x.csv", bytes).unwrap_err();
        assert!(matches!(e, LoadError::Encoding { .. }), "{e}");
        assert!(e.to_string().contains("x.csv:2"), "{e}");
    }

    #[test]
    fn decodes_cp932() {
        // 初診料 in CP932
        let bytes = b"\"\x8f\x89\x90\x66\x97\xbf\"\r\n";
        let rows = read_rows("x.csv", bytes).unwrap();
        assert_eq!(rows[0].cells, vec!["初診料"]);
    }
}
