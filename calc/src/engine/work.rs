//! The lines of a claim while the engine works on them.

use crate::output::Line;
use masters::ProcedureRecord;

/// A line in progress, with what the checks need.
pub(crate) struct Work<'a> {
    pub(crate) line: Line,
    /// The line's name, for messages.
    pub(crate) name: &'a str,
    pub(crate) family: Option<&'a str>,
    /// Index in `claim.items` for input lines.
    pub(crate) input: Option<usize>,
    pub(crate) removed: bool,
    /// The schedule record of the line's code on the date (none for caller-stated points
    /// and codeless add-ons).
    pub(crate) record: Option<&'a ProcedureRecord>,
}
