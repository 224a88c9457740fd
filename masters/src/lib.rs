//! # masters — the official fee data, loaded exactly as it is published (by
//! 医療情報基盤・診療報酬審査支払機構, the former 社会保険診療報酬支払基金, at https://www.hpdx.or.jp/)
//!
//! Job: read the official files (医科診療行為マスター full and update files, the 医科電子点数表
//! tables, the 医薬品 and 特定器材 masters) and santei's own embedded data pack, and answer
//! "what is code X on date D".
//!
//! Invariants:
//! - Every field of the procedure layout is a typed value; points are exact decimals.
//! - Every load error names the file, the line, the field and the value; nothing panics on bad
//!   input; a failed load leaves previously loaded data intact.
//! - A lookup through [`Dataset::lookup`] never passes a pre-revision figure for a code a
//!   revision changed when the master predates the revision and santei's own entries do not
//!   cover the code ([`revision`]): it is an error naming what to load.
//! - The core types do no I/O: loaders take bytes. Only [`Dataset::load_dirs`] touches the
//!   filesystem (the browser and the C ABI pass bytes through [`Dataset::load_files`]); it
//!   reads regular files only, each up to [`dataset::MAX_FILE_BYTES`], and reports every entry
//!   it does not read.

pub mod cp932;
pub mod csvfile;
pub mod dataset;
pub mod drugs;
pub mod error;
pub mod pack;
pub mod procedure;
pub mod revision;
pub mod schedule;
pub mod tables;
pub mod value;

pub use dataset::{DataWarning, Dataset, FileKind, NamedFile};
pub use error::{LoadError, Location};
pub use procedure::{ProcedureRecord, FIELDS};
pub use revision::{RevisionChanges, RevisionCheck, RevisionGap};
pub use schedule::{DiffEntry, Entry, History, LookupError, Schedule, Version};
pub use tables::{
    BundleLink, BundleRecord, BundleUnit, CountUnit, ExclusionKind, ExclusionList, ExclusionRule,
    ExclusionScope, FrequencyRule, IncludedGroup, Including, Period, TableKind, Tables,
};
pub use value::{AgeBound, ChangeKind, Code, FacilityScope, InOutScope, PointKind};
