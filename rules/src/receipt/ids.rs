//! Set id → the version in force in each period, asked several times per claim (every rule
//! names its sets by id). An open-addressing table over a hash of the id's length and its
//! first and last eight bytes (the ids are short words; no byte-by-byte hash, no call to
//! `memcmp`); the id is then compared in full, so a lookup answers exactly what a map of the
//! whole text would.
//!
//! Hand-written for a measured need (speed): against the `HashMap<String, _>` with the
//! project's `KeyHasher` it replaced, about 95 instead of 150 instructions per lookup, 39.4k →
//! 39.0k per claim on 2,000 gen-claims claims (callgrind, round 7). The lasting fix is to
//! resolve the ids to set numbers when the rules load, so that no claim looks up a string.

/// The ids, and for each the version (index into the rules' sets) in force in each period.
#[derive(Clone, Debug, Default)]
pub(super) struct IdTable {
    /// `0`: empty; `e + 1`: entry `e`. A power of two long, at least twice the entries.
    slots: Vec<u32>,
    ids: Vec<Box<str>>,
    /// Entry `e`'s version in period `p` at `e * periods + p`.
    versions: Vec<Option<usize>>,
    periods: usize,
}

/// Eight bytes of `b` from `at` (`at + 8 <= b.len()`), little-endian.
#[inline]
fn word(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

#[inline]
fn hash(b: &[u8]) -> u64 {
    let n = b.len();
    let (x, y) = if n >= 8 {
        (word(b, 0), word(b, n - 8))
    } else {
        (b.iter().fold(0u64, |acc, &c| (acc << 8) | u64::from(c)), 0)
    };
    let h = (x ^ y.rotate_left(31) ^ (n as u64).wrapping_mul(0x0100_0000_01b3))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 32)
}

/// Whether two byte strings are equal: eight bytes at a time (the ids are short).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let mut i = 0;
    while i + 8 <= n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // The last (overlapping) eight bytes.
    i == n || word(a, n - 8) == word(b, n - 8)
}

impl IdTable {
    /// The table of `entries` (an id and its version in each of `periods` periods; each id
    /// once).
    pub(super) fn new<'a>(
        periods: usize,
        entries: impl IntoIterator<Item = (&'a str, Vec<Option<usize>>)>,
    ) -> IdTable {
        let mut t = IdTable {
            periods,
            ..IdTable::default()
        };
        for (id, vs) in entries {
            t.ids.push(id.into());
            let mut vs = vs;
            vs.resize(periods, None);
            t.versions.extend(vs);
        }
        let size = (t.ids.len() * 2).next_power_of_two().max(2);
        t.slots = vec![0; size];
        let mask = size - 1;
        for (e, id) in t.ids.iter().enumerate() {
            let mut s = hash(id.as_bytes()) as usize & mask;
            while t.slots[s] != 0 {
                s = (s + 1) & mask;
            }
            t.slots[s] = u32::try_from(e + 1).unwrap_or(u32::MAX);
        }
        t
    }

    /// The version of `id` in force in period `period`; `None` for an unknown id or period,
    /// or no version then.
    #[inline]
    pub(super) fn get(&self, id: &str, period: usize) -> Option<usize> {
        if period >= self.periods || self.slots.is_empty() {
            return None;
        }
        let b = id.as_bytes();
        let mask = self.slots.len() - 1;
        let mut s = hash(b) as usize & mask;
        loop {
            let e = self.slots[s] as usize;
            if e == 0 {
                return None;
            }
            if same(self.ids[e - 1].as_bytes(), b) {
                return *self.versions.get((e - 1) * self.periods + period)?;
            }
            s = (s + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_id_and_nothing_else() {
        let ids: Vec<String> = (0..300)
            .map(|i| format!("set_{i}_{}", "x".repeat(i % 23)))
            .chain(["a", "ab", "abcdefg", "abcdefgh", "", "abcdefgh_abcdefgh"].map(String::from))
            .collect();
        let t = IdTable::new(
            3,
            ids.iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), vec![Some(i), None, Some(i + 1)])),
        );
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.get(id, 0), Some(i), "{id}");
            assert_eq!(t.get(id, 1), None);
            assert_eq!(t.get(id, 2), Some(i + 1));
            assert_eq!(t.get(id, 3), None);
        }
        for other in ["set_1_", "abcdefgh_abcdefgi", "abcdef", "b", "set_299"] {
            assert_eq!(t.get(other, 0), None, "{other}");
        }
        assert_eq!(IdTable::default().get("a", 0), None);
    }
}
