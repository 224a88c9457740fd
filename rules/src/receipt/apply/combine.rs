//! Step 2 (`inclusion`, 包括) and step 3 (`bundle`, まるめ and item/point limits).

use super::state::State;
use super::*;

impl State<'_, '_, '_, '_, '_> {
    /// Step 2: `inclusion`.
    pub fn inclusions(&mut self) {}

    /// Step 3: `bundle` — first the bundles without `steps`, then those with.
    pub fn bundles(&mut self) {}
}
