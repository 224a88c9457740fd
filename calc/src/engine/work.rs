//! The lines of a claim while the engine works on them.

use crate::output::Line;
use masters::ProcedureRecord;

/// A line in progress, with what the checks need.
pub(crate) struct Work<'a> {
    pub line: Line,
    /// The line's name, for messages.
    pub name: &'a str,
    pub family: Option<&'a str>,
    /// Index in `claim.items` for input lines.
    pub input: Option<usize>,
    pub removed: bool,
    /// The schedule record of the line's code on the date (none for caller-stated points
    /// and codeless add-ons).
    pub record: Option<&'a ProcedureRecord>,
}
