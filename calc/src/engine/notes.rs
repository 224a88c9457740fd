//! What every step of the engine writes: the explanation of the result.

use crate::claim::Claim;
use crate::text::{Text, Texts};
use crate::trace::TraceEntry;

/// The trace, warnings and errors of one claim, with the words they use.
pub(crate) struct Notes {
    pub(crate) t: Texts,
    pub(crate) trace: Vec<TraceEntry>,
    pub(crate) warnings: Vec<Text>,
    pub(crate) errors: Vec<Text>,
    /// How the drug and material lines were priced.
    pub(crate) prices: Vec<crate::output::Price>,
    /// Whether the trace is kept: when not, [`trace!`] records nothing (its parts are not
    /// evaluated, their words not built) and the output's `trace` is empty.
    pub(crate) keep_trace: bool,
}

impl Notes {
    /// Empty notes sized for a claim, with the trace or without.
    pub(crate) fn for_claim(claim: &Claim, keep_trace: bool) -> Notes {
        let items = claim.items.len();
        Notes {
            // Without the trace, the texts are the lines' and the messages' only.
            t: Texts::with_capacity(if keep_trace {
                64 + 16 * items
            } else {
                16 + 4 * items
            }),
            trace: match keep_trace {
                true => Vec::with_capacity(16 + 2 * items),
                false => Vec::new(),
            },
            warnings: Vec::with_capacity(4),
            errors: Vec::new(),
            prices: Vec::new(),
            keep_trace,
        }
    }
}

/// Push one trace entry onto `Notes`; each part is a [`Text`] or a string, evaluated in order
/// (so a part may record its words in `$n.t`) — only when the notes keep the trace: without
/// it the parts are not evaluated (they must have no other effect).
macro_rules! trace {
    ($n:expr, $rule:expr, $looked:expr, $source:expr, $decision:expr $(,)?) => {{
        if $n.keep_trace {
            let rule = $crate::text::IntoText::into_text($rule, &mut $n.t);
            let looked_at = $crate::text::IntoText::into_text($looked, &mut $n.t);
            let source = $crate::text::IntoText::into_text($source, &mut $n.t);
            let decision = $crate::text::IntoText::into_text($decision, &mut $n.t);
            $n.trace.push($crate::trace::TraceEntry {
                rule,
                looked_at,
                wording: None,
                source,
                decision,
            });
        }
    }};
}
pub(crate) use trace;
