//! The engine's errors.

/// Why an engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Load(#[from] masters::LoadError),
    #[error(transparent)]
    Addons(#[from] rules::addons::AddonRuleError),
    #[error("tier rules: {0}")]
    Tiers(String),
    #[error("co-payment tables: {0}")]
    Copay(String),
    #[error("{0}")]
    Data(String),
}

/// Why a claim could not be computed at all (bad input or data that cannot answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    #[error(
        "date: {date} is before {from}, the first date santei's rule files cover ({source_note})"
    )]
    BeforeCoverage {
        date: chrono::NaiveDate,
        from: chrono::NaiveDate,
        source_note: String,
    },
    #[error("date: {date} is after {to}, the last date santei's rule files cover ({source_note})")]
    AfterCoverage {
        date: chrono::NaiveDate,
        to: chrono::NaiveDate,
        source_note: String,
    },
    #[error("items[{index}].code: {message}")]
    Item { index: usize, message: String },
    #[error("items[{index}].lines[{line}].code: {message}")]
    Line {
        index: usize,
        line: usize,
        message: String,
    },
    #[error("items[{index}].{field}: {message}")]
    ItemField {
        index: usize,
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Input(String),
}
