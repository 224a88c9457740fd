//! Numbers, codes and dates as text, fast: the digits the explanation and the JSON writer
//! need, without going through `fmt` for each.

use chrono::NaiveDate;
use masters::Code;
use rust_decimal::Decimal;
use std::fmt;

/// The decimal as a whole number, when it is one (`291.00` → 291) and fits in an i64.
#[inline(always)]
pub fn whole(d: Decimal) -> Option<i64> {
    // Most decimals here are small (points such as 291.00): integer arithmetic on 64 bits.
    const POW10: [u64; 20] = {
        let mut t = [1u64; 20];
        let mut i = 1;
        while i < 20 {
            t[i] = t[i - 1] * 10;
            i += 1;
        }
        t
    };
    let m = d.mantissa();
    if let (Ok(m64), Some(&p)) = (
        u64::try_from(m.unsigned_abs()),
        POW10.get(d.scale() as usize),
    ) {
        if m64 % p != 0 {
            return None;
        }
        if let Ok(q) = i64::try_from(m64 / p) {
            return Some(if m < 0 { -q } else { q });
        }
    }
    let p = 10i128.checked_pow(d.scale())?;
    if m % p != 0 {
        return None;
    }
    i64::try_from(m / p).ok()
}

/// Two ASCII digits of each number 0–99.
const DIGITS2: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// The two ASCII digits of `n` (0–99).
pub fn digits2(n: usize) -> [u8; 2] {
    DIGITS2[n % 100]
}

/// The 9 digits of a code (`None` for a number of more than 9 digits).
pub fn code_digits(c: Code) -> Option<[u8; 9]> {
    if c.0 >= 1_000_000_000 {
        return None;
    }
    let mut buf = [b'0'; 9];
    fill_code(&mut buf, c.0);
    Some(buf)
}

/// The 9 digits of `n` (below 10⁹) into `buf`.
#[inline(always)]
fn fill_code(buf: &mut [u8; 9], mut n: u32) {
    let mut i = 9;
    while i > 1 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(&digits2((n % 100) as usize));
        n /= 100;
    }
    buf[0] = b'0' + n as u8;
}

/// `YYYY-MM-DD` (`None` outside years 0–9999).
pub fn date_digits(d: NaiveDate) -> Option<[u8; 10]> {
    let ymd = ymd(d)?;
    let mut buf = [b'-'; 10];
    fill_date(&mut buf, ymd);
    Some(buf)
}

/// A date's year (0–9999), month and day; `None` outside those years.
#[inline(always)]
fn ymd(d: NaiveDate) -> Option<(u32, u32, u32)> {
    use chrono::Datelike;
    let y = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    Some((y, d.month(), d.day()))
}

/// `YYYY?MM?DD` into `buf` (the separators are left as they are).
#[inline(always)]
fn fill_date(buf: &mut [u8; 10], (y, m, day): (u32, u32, u32)) {
    buf[..2].copy_from_slice(&digits2((y / 100) as usize));
    buf[2..4].copy_from_slice(&digits2((y % 100) as usize));
    buf[5..7].copy_from_slice(&digits2(m as usize));
    buf[8..10].copy_from_slice(&digits2(day as usize));
}

/// Append `s` to `out`. A result's JSON is hundreds of short pieces (keys, digits, names,
/// template fragments): a slice of up to 16 bytes is appended as a 16-byte block of zeros that
/// two overlapping fixed-size moves then fill (and the length cut back), instead of a call to
/// `memcpy` for each piece, which was a sixth of the time of writing a result. Safe code:
/// every move has a size known when the program is compiled, so none is a call.
///
/// The moves write into the buffer itself, never into a word on the stack that is then read
/// back whole: a 16-byte read of two overlapping 8-byte writes cannot be forwarded from the
/// store buffer and waits for them to reach the cache (a store-forwarding stall, ~12 cycles;
/// `perf record -e cpu-clock` put a fifth of the time of writing a text on that one read,
/// which an instruction count does not see).
#[inline(always)]
pub fn put(out: &mut Vec<u8>, s: &[u8]) {
    let n = s.len();
    if n > 16 {
        // Native builds: a piece of up to 32 bytes (most template pieces and names in
        // Japanese) the same way, in a 32-byte block. Not in WebAssembly, where every copy of
        // this inlined function adds to the page's module.
        #[cfg(not(target_arch = "wasm32"))]
        if n <= 32 {
            let len = out.len();
            out.extend_from_slice(&[0u8; 32]);
            let w = &mut out[len..len + 32];
            w[..16].copy_from_slice(&s[..16]);
            w[n - 16..n].copy_from_slice(&s[n - 16..]);
            out.truncate(len + n);
            return;
        }
        out.extend_from_slice(s);
        return;
    }
    // WebAssembly: the page's module is measured in bytes (issue 23), and this function is
    // inlined at every piece: the smaller form, a 16-byte word gathered and appended whole.
    #[cfg(target_arch = "wasm32")]
    {
        let mut w = [0u8; 16];
        fill16(&mut w, s);
        let len = out.len();
        out.extend_from_slice(&w);
        out.truncate(len + n);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let len = out.len();
        out.extend_from_slice(&[0u8; 16]);
        if let Some(w) = out.get_mut(len..len + 16) {
            fill16(w, s);
        }
        out.truncate(len + n);
    }
}

/// The first `s.len()` (at most 16) bytes of `w` set to `s`, by two overlapping fixed-size
/// moves (or single bytes under 4).
#[inline(always)]
fn fill16(w: &mut [u8], s: &[u8]) {
    let n = s.len();
    if n >= 8 {
        w[..8].copy_from_slice(&s[..8]);
        w[n - 8..n].copy_from_slice(&s[n - 8..]);
    } else if n >= 4 {
        w[..4].copy_from_slice(&s[..4]);
        w[n - 4..n].copy_from_slice(&s[n - 4..]);
    } else if n > 0 {
        w[0] = s[0];
        w[n / 2] = s[n / 2];
        w[n - 1] = s[n - 1];
    }
}

/// Append a code's 9 digits (a number of more than 9 digits as it is), written in place (see
/// [`put`]: not gathered on the stack and copied).
pub fn put_code(out: &mut Vec<u8>, c: Code) {
    if c.0 >= 1_000_000_000 {
        put_int(out, c.0.into());
        return;
    }
    let len = out.len();
    out.extend_from_slice(&[b'0'; 16]);
    if let Some(buf) = out
        .get_mut(len..len + 9)
        .and_then(|b| <&mut [u8; 9]>::try_from(b).ok())
    {
        fill_code(buf, c.0);
    }
    out.truncate(len + 9);
}

/// Append `YYYY-MM-DD`, written in place (see [`put`]); false (nothing written) outside years
/// 0–9999.
pub fn put_date(out: &mut Vec<u8>, d: NaiveDate) -> bool {
    let Some(ymd) = ymd(d) else {
        return false;
    };
    let len = out.len();
    out.extend_from_slice(&[b'-'; 16]);
    if let Some(buf) = out
        .get_mut(len..len + 10)
        .and_then(|b| <&mut [u8; 10]>::try_from(b).ok())
    {
        fill_date(buf, ymd);
    }
    out.truncate(len + 10);
    true
}

/// Append the decimal digits of `n` (as `n.to_string()` writes them).
#[inline]
pub fn put_int(out: &mut Vec<u8>, n: i64) {
    // Most numbers of a result (counts, line numbers of sources, points) are small.
    if (0..100).contains(&n) {
        let d = digits2(n as usize);
        put(out, if n < 10 { &d[1..] } else { &d });
        return;
    }
    put_int_long(out, n);
}

fn put_int_long(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    let mut v = n.unsigned_abs();
    // Written in place (see [`put`]), from the last digit back.
    let digits = v.checked_ilog10().unwrap_or(0) as usize + 1;
    let len = out.len();
    out.extend_from_slice(&[b'0'; 20]);
    let buf = &mut out[len..len + digits];
    let mut i = digits;
    while v >= 100 {
        i -= 2;
        buf[i..i + 2].copy_from_slice(&digits2((v % 100) as usize));
        v /= 100;
    }
    if v >= 10 {
        buf[..2].copy_from_slice(&digits2(v as usize));
    } else {
        buf[0] = b'0' + v as u8;
    }
    out.truncate(len + digits);
}

/// ASCII digits as text (the buffers above hold nothing else).
fn ascii(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

pub fn write_code(f: &mut fmt::Formatter<'_>, c: Code) -> fmt::Result {
    match code_digits(c) {
        Some(b) => f.write_str(ascii(&b)),
        None => write!(f, "{}", c.0),
    }
}

pub fn write_date(f: &mut fmt::Formatter<'_>, d: NaiveDate) -> fmt::Result {
    match date_digits(d) {
        Some(b) => f.write_str(ascii(&b)),
        None => write!(f, "{d}"),
    }
}

/// An exact decimal, normalised (`291`, `0.5`, `-12`).
pub fn write_decimal(f: &mut fmt::Formatter<'_>, d: Decimal) -> fmt::Result {
    match whole(d) {
        Some(n) => fmt::Display::fmt(&n, f),
        None => fmt::Display::fmt(&d.normalize(), f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length around the 4-, 8-, 16- and 32-byte moves, after a buffer of any length: the
    /// bytes appended are the slice, and what was there stays.
    #[test]
    fn put_appends_exactly_the_slice() {
        let src: Vec<u8> = (0..80u8).map(|b| b'!' + b).collect();
        for before in 0..20 {
            for n in 0..=70 {
                let mut out: Vec<u8> = (0..before).map(|b| b as u8).collect();
                let mut want = out.clone();
                put(&mut out, &src[3..3 + n]);
                want.extend_from_slice(&src[3..3 + n]);
                assert_eq!(out, want, "before {before}, n {n}");
            }
        }
    }

    #[test]
    fn put_int_writes_what_to_string_writes() {
        let mut cases = vec![i64::MIN, i64::MIN + 1, i64::MAX, 0, -1, -9, -10, -99, -100];
        let mut p = 1i64;
        for _ in 0..18 {
            cases.extend([p - 1, p, p + 1, -p]);
            p *= 10;
        }
        for n in cases {
            let mut out = b"x".to_vec();
            put_int(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes(), "{n}");
        }
    }

    #[test]
    fn put_code_writes_nine_digits_or_the_number() {
        for c in [
            0u32,
            1,
            99,
            111_000_110,
            999_999_999,
            1_000_000_000,
            u32::MAX,
        ] {
            let mut out = b"x".to_vec();
            put_code(&mut out, Code(c));
            let want = if c < 1_000_000_000 {
                format!("x{c:09}")
            } else {
                format!("x{c}")
            };
            assert_eq!(out, want.into_bytes());
        }
    }

    #[test]
    fn put_date_writes_iso_dates_of_years_0_to_9999() {
        for (y, m, d) in [
            (0, 1, 1),
            (1, 2, 3),
            (2025, 4, 10),
            (2024, 2, 29),
            (9999, 12, 31),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut out = b"x".to_vec();
            assert!(put_date(&mut out, date));
            assert_eq!(out, format!("x{}", date.format("%Y-%m-%d")).into_bytes());
            assert_eq!(
                date_digits(date).map(|b| b.to_vec()),
                Some(out[1..].to_vec())
            );
        }
        for (y, m, d) in [(10_000, 1, 1), (-1, 12, 31)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut out = b"x".to_vec();
            assert!(!put_date(&mut out, date));
            assert_eq!(out, b"x");
        }
    }
}
