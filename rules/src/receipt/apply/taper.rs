//! Step 4: `taper` (逓減) in its five modes.

use super::state::State;

pub(super) fn tapers(_st: &mut State) {}
