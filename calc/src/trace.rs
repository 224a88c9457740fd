//! The explanation of a result: one entry per decision.

use crate::text::Text;

/// One decision of the engine — the claim's trace and the co-payment's trace alike.
///
/// JSON (interface version 1 keeps each output's own field names): in a claim's result
/// `{rule, looked_at, source, decision}`; in a co-payment's `{step: rule, input: looked_at,
/// rule: wording, source, result: decision}`.
#[derive(Clone, Copy, Debug)]
pub struct TraceEntry {
    /// What decided: a rule id (`point_kind:points`, an add-on rule of the rule files) or a step
    /// of the co-payment (`rate`, `high-cost limit`).
    pub rule: Text,
    /// What was looked at.
    pub looked_at: Text,
    /// The rule's wording, where the step states it (the co-payment's steps do).
    pub wording: Option<Text>,
    /// Where the rule comes from.
    pub source: Text,
    /// What came out.
    pub decision: Text,
}
