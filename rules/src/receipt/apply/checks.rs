//! Step 5: the checks on the lines still charged — `requires`, `conflicts`, `not_within`,
//! `time`.

use super::state::State;

pub(super) fn requires(_st: &mut State) {}
pub(super) fn conflicts(_st: &mut State) {}
pub(super) fn not_within(_st: &mut State) {}
pub(super) fn times(_st: &mut State) {}
