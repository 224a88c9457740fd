//! The lines of a claim while the engine works on them, and an index of them by code (so
//! that no check is quadratic in the size of the claim).

use crate::output::Line;
use masters::{Code, ProcedureRecord};

/// A line in progress, with what the checks need.
pub(crate) struct Work<'a> {
    pub line: Line,
    /// The line's name, for messages.
    pub name: &'a str,
    pub family: Option<&'a str>,
    /// Index in `claim.items` for input lines.
    pub input: Option<usize>,
    /// Index in the 剤's `lines` for the lines of a 剤 (the first drug's for a 薬剤料 line).
    pub sub: Option<usize>,
    /// The drug or material lines of the 剤 this line prices (indices into its `lines`).
    pub parts: Vec<usize>,
    pub removed: bool,
    /// The schedule record of the line's code on the date (none for caller-stated points
    /// and codeless add-ons).
    pub record: Option<&'a ProcedureRecord>,
}

/// The positions of the lines of each code, in order: `(code, position)` sorted, found by
/// binary search (one allocation per claim; linear-logarithmic in the size of the claim).
pub(crate) struct ByCode(Vec<(Code, u32)>);

impl ByCode {
    pub fn new(work: &[Work<'_>]) -> ByCode {
        let mut v: Vec<(Code, u32)> = Vec::with_capacity(work.len());
        v.extend(
            work.iter()
                .enumerate()
                .filter_map(|(i, l)| l.line.code.map(|c| (c, i as u32))),
        );
        v.sort_unstable();
        ByCode(v)
    }

    /// The positions of the lines of `c` (ascending).
    pub fn of(&self, c: Code) -> impl Iterator<Item = usize> + '_ {
        let start = self.0.partition_point(|&(x, _)| x < c);
        self.0[start..]
            .iter()
            .take_while(move |&&(x, _)| x == c)
            .map(|&(_, i)| i as usize)
    }
}

/// The longest list of codes or partners a message names; the rest are counted.
pub(crate) const LIST_CAP: usize = 10;

/// `a, b, c` (at most [`LIST_CAP`] items, then `and N more`).
pub(crate) fn capped_list<T: std::fmt::Display>(items: &[T]) -> String {
    let mut s = items
        .iter()
        .take(LIST_CAP)
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > LIST_CAP {
        s.push_str(&format!(" and {} more", items.len() - LIST_CAP));
    }
    s
}
