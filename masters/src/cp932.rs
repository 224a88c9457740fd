//! CP932 (Shift_JIS as WHATWG and encoding_rs define it, the encoding the official files are
//! written in) to UTF-8. The double-byte table is generated from encoding_rs by `build.rs`; the tests
//! check this decoder against encoding_rs on every byte and every byte pair, including where
//! each reports an error.
//!
//! Decoding (WHATWG "Shift_JIS decoder"): ASCII and 0x80 are themselves; 0xA1–0xDF are the
//! half-width katakana U+FF61–U+FF9F; 0x81–0x9F and 0xE0–0xFC lead a pair whose trail is
//! 0x40–0x7E or 0x80–0xFC. Anything else is an error; after a lead byte, an ASCII byte that
//! does not make a pair is an error of the lead alone (the ASCII byte is read again).

/// UTF-16 code unit of each (lead, trail) pair, 0 where the pair is not CP932.
static PAIRS: [u16; 60 * 188] = include!(concat!(env!("OUT_DIR"), "/cp932.rs"));

/// Where decoding stopped: the offset of the malformed sequence and its length (1 or 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed {
    pub offset: usize,
    pub len: usize,
}

fn lead_index(b: u8) -> Option<usize> {
    match b {
        0x81..=0x9F => Some(usize::from(b - 0x81)),
        0xE0..=0xFC => Some(usize::from(b - 0xE0) + 31),
        _ => None,
    }
}

fn trail_index(b: u8) -> Option<usize> {
    match b {
        0x40..=0x7E => Some(usize::from(b - 0x40)),
        0x80..=0xFC => Some(usize::from(b - 0x80) + 63),
        _ => None,
    }
}

/// Append the UTF-8 of `raw` (CP932) to `out`; on a malformed sequence, stop there and say
/// where (what was decoded before it stays in `out`).
pub fn decode_into(raw: &[u8], out: &mut String) -> Result<(), Malformed> {
    out.reserve(raw.len() + raw.len() / 2);
    let mut i = 0;
    while i < raw.len() {
        // A run of ASCII at once.
        let run = raw[i..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(raw.len() - i);
        if run > 0 {
            // ASCII is UTF-8.
            out.push_str(std::str::from_utf8(&raw[i..i + run]).unwrap_or_default());
            i += run;
            continue;
        }
        let b = raw[i];
        let c = match b {
            0x80 => '\u{80}',
            0xA1..=0xDF => char::from_u32(0xFF61 + u32::from(b - 0xA1)).unwrap_or('\u{FFFD}'),
            _ => {
                let Some(l) = lead_index(b) else {
                    return Err(Malformed { offset: i, len: 1 });
                };
                let Some(&t) = raw.get(i + 1) else {
                    return Err(Malformed { offset: i, len: 1 });
                };
                let unit = trail_index(t).map_or(0, |ti| PAIRS[l * 188 + ti]);
                match char::from_u32(u32::from(unit)).filter(|_| unit != 0) {
                    Some(c) => {
                        out.push(c);
                        i += 2;
                        continue;
                    }
                    // An ASCII trail is read again: the error is the lead's.
                    None if t.is_ascii() => return Err(Malformed { offset: i, len: 1 }),
                    None => return Err(Malformed { offset: i, len: 2 }),
                }
            }
        };
        out.push(c);
        i += 1;
    }
    Ok(())
}

/// The text of CP932 bytes, with U+FFFD for each malformed sequence (for file names and other
/// text where an error is not wanted).
pub fn decode_lossy(raw: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = raw;
    loop {
        match decode_into(rest, &mut out) {
            Ok(()) => return out,
            Err(m) => {
                out.push('\u{FFFD}');
                rest = &rest[m.offset + m.len..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What encoding_rs says of `raw`: the text, or the offset and length of the first
    /// malformed sequence.
    fn oracle(raw: &[u8]) -> Result<String, Malformed> {
        let mut d = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
        let mut out = String::with_capacity(raw.len() * 3 + 8);
        let (r, read) = d.decode_to_string_without_replacement(raw, &mut out, true);
        match r {
            encoding_rs::DecoderResult::InputEmpty => Ok(out),
            encoding_rs::DecoderResult::Malformed(bad, extra) => {
                let end = read - usize::from(extra);
                Err(Malformed {
                    offset: end - usize::from(bad),
                    len: usize::from(bad),
                })
            }
            encoding_rs::DecoderResult::OutputFull => unreachable!("capacity"),
        }
    }

    fn mine(raw: &[u8]) -> Result<String, Malformed> {
        let mut out = String::new();
        decode_into(raw, &mut out).map(|()| out)
    }

    #[test]
    fn every_byte_and_every_pair_as_encoding_rs() {
        for a in 0u8..=255 {
            for input in [vec![a], vec![b'x', a, b'y']] {
                assert_eq!(mine(&input), oracle(&input), "{input:02X?}");
            }
            for b in 0u8..=255 {
                for input in [vec![a, b], vec![b'x', a, b, b'y'], vec![a, b, a]] {
                    assert_eq!(mine(&input), oracle(&input), "{input:02X?}");
                }
            }
        }
    }

    #[test]
    fn real_text() {
        // 初診料 in CP932.
        let raw = [0x8F, 0x89, 0x90, 0x66, 0x97, 0xBF];
        assert_eq!(mine(&raw).unwrap(), "初診料");
        assert_eq!(decode_lossy(&[b'a', 0xA0, b'b']), "a\u{FFFD}b");
    }
}
