//! Unit tests of `apply`, each at a boundary of a rule, citing its source passage.
