//! # audit — a UKE receipt recomputed on the loaded data (`santei uke audit`, issue 22)
//!
//! Job: turn one receipt read by [`uke`] into santei's claims (one claim per day of service,
//! the earlier days of the month as its history), recompute it, and report per receipt and per
//! 点数・回数算定単位 (unit): stated vs recomputed points and 回数, stated vs recomputed HO/KO
//! 合計点数, the rules the receipt breaks (算定回数, 背反, missing base item, facility standard
//! not filed …) and the 算定もれ candidates (add-ons the engine adds: the DX family, age add-ons
//! …), each with its yen at the receipt's 給付割合 ([`rate`]).
//!
//! Invariants:
//! - Pure (no I/O): bytes or a [`uke::ReceiptRead`] in, owned results out.
//! - Never a false alarm: what santei cannot decide is a `cannot_check` finding with its
//!   reason — an inpatient receipt (issue 21), a drug or material line (priced from their
//!   masters by issue 20), a unit of several procedures whose まるめ/逓減/包括 the engine does
//!   not apply yet (issue 20), a code not in the loaded master on the date, a date before the
//!   rule files' coverage (then lines are priced from the master alone), a fact the UKE does not
//!   carry (the facility's filings and kind unless given, マイナ保険証 use unless given).
//! - The UKE puts a unit's points on its last record: units are compared, not records.
//! - A finding's `points` is recomputed − stated (negative: billed too much); its `yen` is
//!   `points × yen_per_point × 給付割合 / 100`, exact (no rounding).

mod day;
mod group;
mod kind;
pub mod msg;
pub mod rate;
pub mod table;
mod units;

use calc::catalog::Lang;
use calc::claim::Facility;
use calc::Engine;
use msg::{m, Msg};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

pub use rate::BenefitRate;

/// Facts the UKE does not carry; `None` = unknown (findings that depend on it are
/// `cannot_check`).
#[derive(Clone, Debug, Default)]
pub struct AuditOptions {
    /// The facility as `santei calc` reads it (kind, filed standards …).
    pub facility: Option<Facility>,
    /// Whether the patient's マイナ保険証 was used at the visits.
    pub mynumber_card: Option<bool>,
    /// The language of the texts (`message`, `reason`, `source`; English by default).
    pub lang: Lang,
}

/// The kind of a finding (the `kind` field of a finding, and the keys of the summary's
/// `findings`, `points` and `yen`). A rule finding's kind comes from the engine's message id
/// (`message_id`, `calc/data/messages.tsv`), never from its wording: `limit` 算定回数
/// (`limits.*`, `receipt.within_period`), `exclusion` 背反 (`exclusions.refused`,
/// `addons.same_month`, `groups.exclude`, `receipt.claimed_with` …), `inclusion` 包括
/// (`inclusions.*`, `receipt.included_in`), `base_item` (`groups.needs_base`, `hand.no_base`,
/// `receipt.needs_in_scope`), `facility_standard` (`lines.standard_not_filed`,
/// `lines.hospital_only` …), `time` (a `[[time]]` receipt rule), `rule` (any other).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A unit's stated points differ from the recomputed points.
    Points,
    /// A unit's stated 回数 differs from the sum of its 算定日 columns.
    Count,
    /// A stated HO/KO 合計点数 differs from the sum of the receipt's lines.
    Total,
    /// 算定回数 exceeded.
    Limit,
    /// 背反 (codes not claimed together), or same-group additions.
    Exclusion,
    /// 包括 (an item included in another fee).
    Inclusion,
    /// An addition without its base item.
    BaseItem,
    /// A facility standard (施設基準) or tier not filed, or a code of the other facility kind.
    FacilityStandard,
    /// A time or holiday rule (時間外・休日・深夜 …: `rules/data/receipt/time.toml`).
    Time,
    /// Another rule of the engine (age range, 入外 scope …).
    Rule,
    /// 算定もれ candidate: an add-on the engine adds that the receipt lacks.
    MissedAddon,
    /// santei cannot decide: the reason says why.
    CannotCheck,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Points => "points",
            Kind::Count => "count",
            Kind::Total => "total",
            Kind::Limit => "limit",
            Kind::Exclusion => "exclusion",
            Kind::Inclusion => "inclusion",
            Kind::BaseItem => "base_item",
            Kind::FacilityStandard => "facility_standard",
            Kind::Time => "time",
            Kind::Rule => "rule",
            Kind::MissedAddon => "missed_addon",
            Kind::CannotCheck => "cannot_check",
        }
    }

    /// Every kind, in order.
    pub const ALL: [Kind; 12] = [
        Kind::Points,
        Kind::Count,
        Kind::Total,
        Kind::Limit,
        Kind::Exclusion,
        Kind::Inclusion,
        Kind::BaseItem,
        Kind::FacilityStandard,
        Kind::Time,
        Kind::Rule,
        Kind::MissedAddon,
        Kind::CannotCheck,
    ];

    /// The kind's label in a language (English: its key; Japanese: the catalog's
    /// `audit.kind.*`).
    pub fn label(self, lang: Lang) -> String {
        let id = match self {
            Kind::Points => "audit.kind.points",
            Kind::Count => "audit.kind.count",
            Kind::Total => "audit.kind.total",
            Kind::Limit => "audit.kind.limit",
            Kind::Exclusion => "audit.kind.exclusion",
            Kind::Inclusion => "audit.kind.inclusion",
            Kind::BaseItem => "audit.kind.base_item",
            Kind::FacilityStandard => "audit.kind.facility_standard",
            Kind::Time => "audit.kind.time",
            Kind::Rule => "audit.kind.rule",
            Kind::MissedAddon => "audit.kind.missed_addon",
            Kind::CannotCheck => "audit.kind.cannot_check",
        };
        Msg { id, args: vec![] }.render(lang)
    }

    /// The kind of a key (`points` …).
    pub fn from_key(k: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|x| x.as_str() == k)
    }
}

/// One finding of a receipt.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Finding {
    pub kind: Kind,
    /// Index of the 摘要 record (in `santei uke read`'s `details`) the finding is about.
    pub detail: Option<usize>,
    /// The code concerned.
    pub code: Option<String>,
    /// The day of the month (算定日) it concerns.
    pub day: Option<u32>,
    /// HO, KO1 … for a total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// Stated points (per unit, or the total).
    pub stated: Option<i64>,
    /// Recomputed points.
    pub recomputed: Option<i64>,
    /// The impact in points: recomputed − stated, × 回数 (negative: billed too much). 0 for
    /// `cannot_check`.
    pub points: i64,
    /// The impact in yen at the receipt's 給付割合 (`null` when the rate is not known).
    #[serde(serialize_with = "opt_dec")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub yen: Option<Decimal>,
    /// The id of the message (`api/data/audit-messages.tsv` for the audit's own, the engine's
    /// `calc/data/messages.tsv` for a rule finding, whose id gave its `kind`).
    pub message_id: Option<&'static str>,
    /// The id of the message a `cannot_check` finding wraps (the rule finding that depends on
    /// a fact the UKE does not carry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause_id: Option<&'static str>,
    /// The message's arguments as written into `message` (codes, numbers and dates are the same
    /// in both languages; a nested message is written in the language).
    pub args: Vec<String>,
    /// The message in the language asked for (`--lang`).
    pub message: String,
    /// The message as id and arguments (rendered into `message_id`, `args`, `message`).
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub msg: Msg,
}

/// A unit as stated and as recomputed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnitAudit {
    /// Indexes of its SI/IY/TO records in `details`.
    pub details: Vec<usize>,
    /// 診療識別.
    pub section: Option<String>,
    /// The codes of its records, in order.
    pub codes: Vec<String>,
    /// 点数 and 回数 as stated on its last record.
    pub stated_points: Option<u32>,
    pub stated_count: Option<u32>,
    /// Σ of its 算定日 columns.
    pub days_count: u32,
    /// Recomputed points per 回 (`null` when not checked).
    pub recomputed_points: Option<i64>,
    /// "matched", "differing" or "cannot_check".
    pub status: &'static str,
    /// Why it was not checked, in the language asked for, and the message's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_id: Option<&'static str>,
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub reason_msg: Option<Msg>,
}

/// One payer's 合計点数: stated, the sum of the lines, recomputed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PayerAudit {
    /// "HO" or "KO1" … "KO4".
    pub payer: String,
    pub stated: Option<u64>,
    /// Σ(点数 × 回数) of the lines whose 負担区分 includes the payer.
    pub lines: u64,
    /// The lines' sum plus the point impact of the findings on this payer's lines; `null` when
    /// some of its units could not be checked.
    pub recomputed: Option<i64>,
    /// The findings' point impact on this payer (checked units only).
    pub difference: i64,
    #[serde(serialize_with = "opt_dec")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub yen: Option<Decimal>,
}

/// 一部負担金 as stated and whether santei recomputed it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CopayAudit {
    /// HO 負担金額 as stated.
    pub stated: Option<u64>,
    /// "cannot_check".
    pub status: &'static str,
    /// Why, in the language asked for, and the message's id.
    pub reason: String,
    pub reason_id: &'static str,
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    pub reason_msg: Msg,
}

/// Which receipt.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReceiptId {
    /// RE レセプト番号.
    pub number: u32,
    /// RE 診療年月 (YYYY-MM).
    pub service_month: String,
    /// RE レセプト種別.
    pub receipt_type: String,
    /// "outpatient" or "inpatient" (from the レセプト種別).
    pub setting: &'static str,
    /// RE カルテ番号等.
    pub chart_number: Option<String>,
}

/// One line of `santei uke audit`: the audit of one receipt.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditLine {
    /// The line of its RE in the file.
    pub line: u64,
    pub receipt: ReceiptId,
    /// "matched" (everything checked agrees), "differing" (some finding other than
    /// cannot_check), "unchecked" (no difference found, but some part could not be checked).
    pub status: &'static str,
    pub benefit_rate: BenefitRate,
    pub totals: Vec<PayerAudit>,
    pub copay: CopayAudit,
    pub units: Vec<UnitAudit>,
    pub findings: Vec<Finding>,
}

/// The last line of `santei uke audit`: the file's summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    pub receipts: u64,
    pub matched: u64,
    pub differing: u64,
    pub unchecked: u64,
    /// Errors of the file outside receipts and malformed records inside them.
    pub read_errors: u64,
    /// Units by status.
    pub units_matched: u64,
    pub units_differing: u64,
    pub units_cannot_check: u64,
    /// Number of findings by kind.
    pub findings: BTreeMap<String, u64>,
    /// Σ of the findings' points by kind.
    pub points: BTreeMap<String, i64>,
    /// Σ of the findings' yen by kind (findings whose rate is known).
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, f64>"))]
    #[serde(serialize_with = "dec_map")]
    pub yen: BTreeMap<String, Decimal>,
    /// Findings with an impact but no yen (the receipt's 給付割合 is not known).
    pub without_yen: u64,
    /// Each kind of `findings` in the language asked for (English: the key itself).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// `{"summary": …}`.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SummaryLine {
    pub summary: Summary,
}

impl Summary {
    /// Count one audited receipt.
    pub fn add(&mut self, a: &AuditLine) {
        self.receipts += 1;
        match a.status {
            "matched" => self.matched += 1,
            "differing" => self.differing += 1,
            _ => self.unchecked += 1,
        }
        for u in &a.units {
            match u.status {
                "matched" => self.units_matched += 1,
                "differing" => self.units_differing += 1,
                _ => self.units_cannot_check += 1,
            }
        }
        for f in &a.findings {
            let k = f.kind.as_str().to_string();
            *self.findings.entry(k.clone()).or_default() += 1;
            if f.kind == Kind::CannotCheck {
                continue;
            }
            *self.points.entry(k.clone()).or_default() += f.points;
            match f.yen {
                Some(y) => {
                    let e = self.yen.entry(k).or_default();
                    *e = (*e + y).normalize();
                }
                None if f.points != 0 => self.without_yen += 1,
                None => {}
            }
        }
    }

    /// Add another summary (of another part of the file).
    pub fn merge(&mut self, o: &Summary) {
        self.receipts += o.receipts;
        self.matched += o.matched;
        self.differing += o.differing;
        self.unchecked += o.unchecked;
        self.read_errors += o.read_errors;
        self.units_matched += o.units_matched;
        self.units_differing += o.units_differing;
        self.units_cannot_check += o.units_cannot_check;
        for (k, v) in &o.findings {
            *self.findings.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.points {
            *self.points.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.yen {
            let e = self.yen.entry(k.clone()).or_default();
            *e = (*e + v).normalize();
        }
        self.without_yen += o.without_yen;
    }
}

fn opt_dec<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => calc::output::dec(d, s),
        None => s.serialize_none(),
    }
}

fn dec_map<S: serde::Serializer>(m: &BTreeMap<String, Decimal>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    struct D<'a>(&'a Decimal);
    impl Serialize for D<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            calc::output::dec(self.0, s)
        }
    }
    let mut map = s.serialize_map(Some(m.len()))?;
    for (k, v) in m {
        map.serialize_entry(k, &D(v))?;
    }
    map.end()
}

/// Any line of `santei uke audit` (for the JSON Schema `uke-audit-line`).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum OutputLine {
    Receipt(Box<AuditLine>),
    Error(uke::ReadError),
    Summary(SummaryLine),
}

/// A finding that santei cannot decide.
pub(crate) fn cannot(detail: Option<usize>, code: Option<String>, msg: Msg) -> Finding {
    Finding {
        kind: Kind::CannotCheck,
        detail,
        code,
        day: None,
        payer: None,
        stated: None,
        recomputed: None,
        points: 0,
        yen: None,
        message_id: None,
        cause_id: None,
        args: Vec::new(),
        message: String::new(),
        msg,
    }
}

/// Whether the レセプト種別 is an inpatient one (its name in `receipt-shubetsu-ika.tsv`).
fn inpatient(receipt_type: &str) -> bool {
    uke::codes::Table::ReceiptType
        .name(receipt_type)
        .is_some_and(|n| n.ends_with("入院"))
}

/// Audit one receipt.
pub fn audit_receipt(engine: &Engine, r: &uke::ReceiptRead, opts: &AuditOptions) -> AuditLine {
    let re = &r.receipt.re;
    let setting_in = inpatient(&re.receipt_type);
    let benefit_rate = rate::benefit_rate(re);
    let mut a = AuditLine {
        line: r.line,
        receipt: ReceiptId {
            number: re.number,
            service_month: re.service_month.to_string(),
            receipt_type: re.receipt_type.clone(),
            setting: if setting_in {
                "inpatient"
            } else {
                "outpatient"
            },
            chart_number: re.chart_number.clone(),
        },
        status: "matched",
        benefit_rate,
        totals: Vec::new(),
        copay: CopayAudit {
            stated: r.receipt.ho.as_ref().and_then(|h| h.copay),
            status: "cannot_check",
            reason: String::new(),
            reason_id: "",
            reason_msg: m!("audit.copay.not_recomputed"),
        },
        units: Vec::new(),
        findings: Vec::new(),
    };
    if !r.errors.is_empty() {
        a.findings.push(cannot(
            None,
            None,
            m!("audit.malformed_left_out", r.errors.len().to_string()),
        ));
    }
    if setting_in {
        a.findings.push(cannot(
            None,
            None,
            m!("audit.inpatient", re.receipt_type.as_str()),
        ));
        totals(engine, r, &[], &mut a);
        finish(&mut a, opts.lang);
        return a;
    }
    let units = units::units(&r.receipt.details);
    let priced = day::price(engine, r, &units, opts);
    a.findings.extend(priced.findings);
    a.units = priced.units;
    totals(engine, r, &units, &mut a);
    finish(&mut a, opts.lang);
    a
}

/// The receipt's status from its findings, and its texts in the language.
fn finish(a: &mut AuditLine, lang: Lang) {
    localize(a, lang);
    a.status = if a.findings.iter().any(|f| f.kind != Kind::CannotCheck) {
        "differing"
    } else if a.findings.is_empty() && a.units.iter().all(|u| u.status == "matched") {
        "matched"
    } else {
        "unchecked"
    };
}

/// The HO/KO totals: stated vs the lines, and recomputed from the findings.
fn totals(engine: &Engine, r: &uke::ReceiptRead, units: &[units::Unit], a: &mut AuditLine) {
    let check = uke::totals::check(&r.receipt);
    let ypp = yen_per_point(engine, &r.receipt.re);
    let payer_index = |p: &str| -> usize {
        match p {
            "HO" => 0,
            _ => p.trim_start_matches("KO").parse().unwrap_or(9),
        }
    };
    let unit_of_detail = |d: usize| units.iter().position(|u| u.records.contains(&d));
    let mut new = Vec::new();
    for p in &check.payers {
        let k = payer_index(&p.payer);
        let on_payer = |class: &str| {
            uke::codes::class_payers(class)
                .map(|c| c.get(k).copied().unwrap_or(false))
                .unwrap_or(false)
        };
        let mut difference = 0i64;
        let mut complete = units.iter().zip(&a.units).all(|(u, ua)| {
            ua.status != "cannot_check" || !on_payer(&u.payer_class) || u.points.is_none()
        }) && !a.receipt.setting.eq("inpatient");
        for f in &a.findings {
            if matches!(f.kind, Kind::CannotCheck | Kind::Total | Kind::Count) {
                continue;
            }
            let class = f
                .detail
                .and_then(|d| unit_of_detail(d).map(|u| units[u].payer_class.as_str()))
                .or_else(|| units.first().map(|u| u.payer_class.as_str()));
            if class.is_some_and(on_payer) {
                difference += f.points;
            } else if class.is_none() {
                complete = false;
            }
        }
        if p.stated != Some(p.summed) {
            let stated = p.stated.map(|s| s as i64);
            let impact = p.summed as i64 - stated.unwrap_or(0);
            new.push(Finding {
                kind: Kind::Total,
                detail: None,
                code: None,
                day: None,
                payer: Some(p.payer.clone()),
                stated,
                recomputed: Some(p.summed as i64),
                points: impact,
                yen: rate::yen(impact, ypp, a.benefit_rate.percent),
                message_id: None,
                cause_id: None,
                args: Vec::new(),
                message: String::new(),
                msg: match p.stated {
                    Some(s) => m!(
                        "audit.total.stated",
                        p.payer.as_str(),
                        s.to_string(),
                        p.summed.to_string()
                    ),
                    None => m!(
                        "audit.total.not_stated",
                        p.payer.as_str(),
                        p.summed.to_string()
                    ),
                },
            });
        }
        a.totals.push(PayerAudit {
            payer: p.payer.clone(),
            stated: p.stated,
            lines: p.summed,
            recomputed: complete.then_some(p.summed as i64 + difference),
            difference,
            yen: rate::yen(difference, ypp, a.benefit_rate.percent),
        });
    }
    a.findings.extend(new);
}

/// The texts of an audited receipt in a language: each finding's `message` and `args` (and
/// `message_id` when the finding's kind did not set it), the units' reasons, the co-payment's
/// reason, the 給付割合's source.
pub fn localize(a: &mut AuditLine, lang: Lang) {
    for f in &mut a.findings {
        f.message = f.msg.render(lang);
        f.args = f.msg.arg_strings(lang);
        f.message_id.get_or_insert(f.msg.id);
    }
    for u in &mut a.units {
        if let Some(m) = &u.reason_msg {
            u.reason = Some(m.render(lang));
            u.reason_id = Some(m.id);
        }
    }
    a.copay.reason = a.copay.reason_msg.render(lang);
    a.copay.reason_id = a.copay.reason_msg.id;
    a.benefit_rate.source = a.benefit_rate.source_msg.render(lang);
    a.benefit_rate.source_id = a.benefit_rate.source_msg.id;
}

/// 1点 in yen on the receipt's month (co-payment tables, `rounding.toml`).
pub(crate) fn yen_per_point(engine: &Engine, re: &uke::Re) -> i64 {
    re.service_month
        .first_day()
        .and_then(|d| engine.copay_tables().rounding_at(d))
        .map(|r| r.yen_per_point)
        .unwrap_or(10)
}

/// Audit every receipt of a UKE file's bytes: the JSON lines `santei uke audit` prints (one
/// per receipt, one per read error outside a receipt, the summary last).
pub fn audit_bytes(
    engine: &Engine,
    name: &str,
    bytes: &[u8],
    encoding: uke::Encoding,
    opts: &AuditOptions,
) -> String {
    let mut out = String::new();
    let mut summary = Summary::default();
    let reader = uke::read_bytes(
        bytes,
        uke::ReadOptions {
            file: Some(name.to_string()),
            encoding,
        },
    );
    for item in reader {
        if let Some(line) = audit_item(engine, &item, opts, &mut summary) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str(&summary_line_in(&summary, opts.lang));
    out.push('\n');
    out
}

/// The JSON line of one item read (`None` for the IR and the GO), counted in `summary`.
pub fn audit_item(
    engine: &Engine,
    item: &uke::Item,
    opts: &AuditOptions,
    summary: &mut Summary,
) -> Option<String> {
    match item {
        uke::Item::Receipt(r) => {
            let a = audit_receipt(engine, r, opts);
            summary.read_errors += r.errors.len() as u64;
            summary.add(&a);
            Some(serde_json::to_string(&a).unwrap_or_default())
        }
        uke::Item::Error(e) => {
            summary.read_errors += 1;
            Some(serde_json::to_string(e).unwrap_or_default())
        }
        _ => None,
    }
}

/// `{"summary": …}` as one JSON line (kind labels in English).
pub fn summary_line(s: &Summary) -> String {
    summary_line_in(s, Lang::En)
}

/// `{"summary": …}` as one JSON line, its kind labels (`labels`) in a language.
pub fn summary_line_in(s: &Summary, lang: Lang) -> String {
    let mut s = s.clone();
    s.labels = s
        .findings
        .keys()
        .filter_map(|k| Kind::from_key(k).map(|x| (k.clone(), x.label(lang))))
        .collect();
    serde_json::to_string(&SummaryLine { summary: s }).unwrap_or_default()
}

/// The audit options from a facility given as JSON (what `santei calc` reads as `facility`,
/// optionally with `"mynumber_card": bool` beside it: `{"facility": {…}, "mynumber_card": …}`).
pub fn options_from_json(text: &str) -> Result<AuditOptions, crate::ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct O {
        facility: Option<Facility>,
        mynumber_card: Option<bool>,
    }
    let o: O = crate::parse::from_json("audit options", text)
        .map_err(|e| crate::ApiError::input(e.to_string()))?;
    Ok(AuditOptions {
        facility: o.facility,
        mynumber_card: o.mynumber_card,
        lang: Lang::En,
    })
}
