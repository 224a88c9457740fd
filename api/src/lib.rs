//! # api — santei's interface: text in, text out
//!
//! Job: read inputs (JSON, or TOML by the file name) into the engine's typed models, call the
//! engine, and render its results as the published JSON (`schemas/v1/`): the functions every
//! front end calls — the CLI, the WebAssembly bindings, the C ABI, batch and the HTTP service —
//! so results are byte-identical across them. Also the JSON Schemas ([`schema`], feature
//! `schema`), the version report ([`version`]), `master show`/`diff` output ([`master`]) and
//! the auditors' golden cases ([`golden`], feature `toml`) and the audit of UKE receipt files
//! ([`audit`]).
//!
//! Invariants: one error shape ([`ApiError`]: `{"error": {"kind", "message"}}`) for every
//! input that cannot be computed; the JSON of a result equals `serde_json` of the engine's
//! output (the fast writer of [`render`] is tested against it); no I/O here (front ends read
//! files and pass text).

#![forbid(unsafe_code)]

pub mod audit;
pub mod batch;
#[cfg(feature = "toml")]
pub mod golden;
mod json;
pub mod master;
pub mod month_table;
pub mod parse;
pub mod render;
#[cfg(feature = "schema")]
pub mod schema;
pub mod version;

pub use calc::catalog::Lang;
pub use calc::Engine;
use serde::Serialize;

/// An error as a JSON-able value: what went wrong and where.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ApiError {
    /// `input` (malformed or invalid input), `data` (the data cannot answer), `internal`;
    /// `unavailable` from the HTTP service only (busy, or a route not available yet).
    pub kind: &'static str,
    pub message: String,
}

/// The longest line an error message quotes from its input: parsers quote the offending line,
/// which may be the whole input (a one-line JSON file of megabytes).
pub const MAX_QUOTED_LINE: usize = 240;

/// `message` with every line longer than [`MAX_QUOTED_LINE`] characters cut (`…`).
pub fn shorten_lines(message: &str) -> String {
    if message.lines().all(|l| l.len() <= MAX_QUOTED_LINE) {
        return message.to_string();
    }
    message
        .split('\n')
        .map(|l| match l.char_indices().nth(MAX_QUOTED_LINE) {
            Some((i, _)) => format!("{}…", &l[..i]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl ApiError {
    pub fn input(message: impl Into<String>) -> Self {
        ApiError {
            kind: "input",
            message: shorten_lines(&message.into()),
        }
    }
    pub fn data(message: impl Into<String>) -> Self {
        ApiError {
            kind: "data",
            message: shorten_lines(&message.into()),
        }
    }
    /// `{"error": {...}}` as pretty JSON.
    /// The error with its message in a language (the catalog's wording of the message, when
    /// it knows it; `calc::catalog`).
    pub fn in_lang(mut self, lang: Lang) -> Self {
        if lang != Lang::En {
            self.message = calc::catalog::catalog().translate(&self.message, lang);
        }
        self
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({ "error": self })).unwrap_or_default()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Pretty JSON of a value (the one rendering every front end uses).
pub fn render<T: Serialize>(v: &T) -> Result<String, ApiError> {
    serde_json::to_string_pretty(v).map_err(|e| ApiError {
        kind: "internal",
        message: e.to_string(),
    })
}

/// `santei calc`: a claim (JSON, or TOML when `name` ends in `.toml`) → result JSON.
pub fn calc(engine: &Engine, name: &str, text: &str) -> Result<String, ApiError> {
    Ok(calc_output(engine, name, text)?.1)
}

/// `santei calc` with the result's verdict: whether the claim breaks a rule (`errors` is not
/// empty: the CLI exits 1), and the result JSON.
pub fn calc_output(engine: &Engine, name: &str, text: &str) -> Result<(bool, String), ApiError> {
    calc_output_in(engine, name, text, Lang::En)
}

/// [`calc_output`] with the texts in a language (the JSON's keys, ids and numbers are the
/// same in every language; errors returned as values are translated too).
pub fn calc_output_in(
    engine: &Engine,
    name: &str,
    text: &str,
    lang: Lang,
) -> Result<(bool, String), ApiError> {
    if parse::is_inpatient_month(text) {
        return calc_inpatient(engine, name, text);
    }
    let claim =
        parse::claim(name, text).map_err(|e| ApiError::input(e.to_string()).in_lang(lang))?;
    let out = engine
        .calc(&claim)
        .map_err(|e| ApiError::input(e.to_string()).in_lang(lang))?;
    Ok((out.has_errors(), render::calc_json_in(&out, true, lang)))
}

/// `santei calc` of an inpatient month (an input with `admission` and `days`): whether it
/// breaks a rule, and the result JSON.
pub fn calc_inpatient(engine: &Engine, name: &str, text: &str) -> Result<(bool, String), ApiError> {
    let month = parse::inpatient_month(name, text).map_err(|e| ApiError::input(e.to_string()))?;
    let out = engine
        .calc_inpatient(&month)
        .map_err(|e| ApiError::input(e.to_string()))?;
    Ok((out.has_errors(), render(&out)?))
}

/// `santei tier`: a facility profile (JSON or TOML) and a month range → result JSON array.
pub fn tier(
    engine: &Engine,
    name: &str,
    text: &str,
    from: &str,
    to: &str,
) -> Result<String, ApiError> {
    tier_with(engine.tiers(), name, text, from, to)
}

/// `santei tier` with explicit tier rules (the browser answers with the embedded rules before
/// the rest of the engine's data has loaded).
pub fn tier_with(
    tiers: &rules::tier::TierRules,
    name: &str,
    text: &str,
    from: &str,
    to: &str,
) -> Result<String, ApiError> {
    use rules::tier::FacilityProfile;
    let profile = if name.ends_with(".toml") {
        profile_toml(name, text)?
    } else {
        FacilityProfile::from_json(name, text).map_err(|e| ApiError::input(e.to_string()))?
    };
    let from: rules::YearMonth = from
        .parse()
        .map_err(|e| ApiError::input(format!("from: {e}")))?;
    let to: rules::YearMonth = to
        .parse()
        .map_err(|e| ApiError::input(format!("to: {e}")))?;
    tier_range(from, to)?;
    render(&tiers.evaluate_range(&profile, from, to))
}

/// The month range of `santei tier`, checked: `from` ≤ `to`, at most 1,200 months, and `to` not
/// after the rule files' coverage (the same last date as `calc`).
pub fn tier_range(from: rules::YearMonth, to: rules::YearMonth) -> Result<(), ApiError> {
    if to < from {
        return Err(ApiError::input(format!(
            "to ({to}) is before from ({from})"
        )));
    }
    if let Some(first) = to.first_day() {
        within_coverage(rules::addons::AddonRules::embedded_coverage(), "to", first)?;
    }
    if from.through(to).count() > 1200 {
        return Err(ApiError::input("range too long (at most 1200 months)"));
    }
    Ok(())
}

#[cfg(feature = "toml")]
fn profile_toml(name: &str, text: &str) -> Result<rules::tier::FacilityProfile, ApiError> {
    rules::tier::FacilityProfile::from_toml(name, text).map_err(|e| ApiError::input(e.to_string()))
}

#[cfg(not(feature = "toml"))]
fn profile_toml(name: &str, _text: &str) -> Result<rules::tier::FacilityProfile, ApiError> {
    Err(ApiError::input(format!(
        "{name}: TOML is not read by this build (feature `toml`); give the profile as JSON"
    )))
}

/// `santei master show`: one code on one date → JSON object. A code not valid on the date is
/// a `data` error naming the dates it is valid; a bad code or date, or a date after the last
/// one santei's rule files describe, is an `input` error.
pub fn master_show(engine: &Engine, code: &str, date: &str) -> Result<String, ApiError> {
    let code = masters::Code::parse(code).map_err(|e| ApiError::input(format!("code: {e}")))?;
    let date = calc::claim::parse_date(date).map_err(|e| ApiError::input(format!("date: {e}")))?;
    after_coverage(engine, date)?;
    let e = engine.data().lookup(code, date).map_err(|e| match e {
        masters::LookupError::NotValidOn { .. } | masters::LookupError::RevisionGap(_) => {
            ApiError::data(e.to_string())
        }
        _ => ApiError::input(format!("{e} ({})", engine.data().label)),
    })?;
    render(&master::entry_json(
        &e,
        engine.data(),
        engine.addon_rules(),
        date,
    ))
}

/// A date after the last one the rule files describe (a later revision may have changed the
/// schedule) is an error, as for `calc`.
fn after_coverage(engine: &Engine, date: chrono::NaiveDate) -> Result<(), ApiError> {
    within_coverage(engine.addon_rules().coverage.as_ref(), "date", date)
}

/// `date` (of field `field`) is not after the coverage's last date. The coverage is the rule
/// files' one `[coverage]` statement (rules/data/addons): every command refuses the same dates.
fn within_coverage(
    cov: Option<&rules::addons::Coverage>,
    field: &str,
    date: chrono::NaiveDate,
) -> Result<(), ApiError> {
    if let Some(cov) = cov {
        if let Some(to) = cov.to.filter(|&to| date > to) {
            return Err(ApiError::input(format!(
                "{field}: {date} is after {to}, the last date santei's rule files cover ({})",
                cov.to_source.as_deref().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// The changes between two dates, checked (`from` ≤ `to`, neither after the rule files'
/// coverage).
pub fn diff_entries(
    engine: &Engine,
    from: &str,
    to: &str,
) -> Result<Vec<masters::DiffEntry>, ApiError> {
    let from = calc::claim::parse_date(from).map_err(|e| ApiError::input(format!("from: {e}")))?;
    let to = calc::claim::parse_date(to).map_err(|e| ApiError::input(format!("to: {e}")))?;
    if to < from {
        return Err(ApiError::input(format!(
            "to ({to}) is before from ({from}): give the earlier date as from"
        )));
    }
    after_coverage(engine, to)?;
    Ok(engine.data().schedule.diff(from, to))
}

/// `santei master diff`: changes between two dates → JSON array.
pub fn diff(engine: &Engine, from: &str, to: &str) -> Result<String, ApiError> {
    render(&diff_entries(engine, from, to)?)
}

/// `santei version`: the library, interface and data versions of an engine (`abi` is the C
/// ABI version when the report is read through it).
pub fn version(engine: &Engine, abi: Option<u32>) -> Result<String, ApiError> {
    render(&crate::version::versions(engine, abi))
}

/// `santei copay`: one receipt (JSON, or TOML when `name` ends in `.toml`) → result JSON.
pub fn copay(engine: &Engine, name: &str, text: &str) -> Result<String, ApiError> {
    copay_with(engine.copay_tables(), name, text)
}

/// [`copay`] in a language ([`copay_with_in`]).
pub fn copay_in(engine: &Engine, name: &str, text: &str, lang: Lang) -> Result<String, ApiError> {
    copay_with_in(engine.copay_tables(), name, text, lang)
}

/// `santei copay` with explicit tables (e.g. with a local programme file added).
pub fn copay_with(
    tables: &rules::copay::CopayTables,
    name: &str,
    text: &str,
) -> Result<String, ApiError> {
    copay_with_in(tables, name, text, Lang::En)
}

/// `santei copay` in a language (`--lang`): the trace's texts and the error messages; the
/// JSON's keys, ids and numbers are the same in every language, and `en` is [`copay_with`].
pub fn copay_with_in(
    tables: &rules::copay::CopayTables,
    name: &str,
    text: &str,
    lang: Lang,
) -> Result<String, ApiError> {
    if is_month(name, text) {
        let out = copay_month(tables, name, text).map_err(|e| e.in_lang(lang))?;
        return copay_month_json_in(&out, lang)
            .map_err(|e| ApiError::input(format!("{name}: {e}")).in_lang(lang));
    }
    let receipt = receipt(name, text).map_err(|e| e.in_lang(lang))?;
    within_coverage(
        rules::addons::AddonRules::embedded_coverage(),
        "month",
        receipt.month,
    )
    .map_err(|e| ApiError::input(format!("{name}: {}", e.message)).in_lang(lang))?;
    let out = calc::copay::compute(tables, &receipt)
        .map_err(|e| ApiError::input(format!("{name}: {e}")).in_lang(lang))?;
    Ok(render::copay_json_in(&out, true, lang))
}

/// The month form's result as pretty JSON in a language (each visit's `detail` trace rendered
/// in it; `en` is the result's own serialisation).
pub fn copay_month_json_in(
    out: &calc::copay::month::MonthOutput,
    lang: Lang,
) -> Result<String, serde_json::Error> {
    if lang == Lang::En {
        return serde_json::to_string_pretty(out);
    }
    let mut v = serde_json::to_value(out)?;
    if let Some(visits) = v
        .get_mut("visits")
        .and_then(serde_json::Value::as_array_mut)
    {
        for (jv, r) in visits.iter_mut().zip(&out.visits) {
            if let (Some(slot), Some(c)) = (jv.get_mut("detail"), &r.detail) {
                *slot = render::copay_trace_value_in(c, lang);
            }
        }
    }
    serde_json::to_string_pretty(&v)
}

/// Whether a co-payment input is the month form (`visits` is a list of visits) rather than
/// one receipt (`visits` a number, or absent).
pub fn is_month(name: &str, text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(default)]
        visits: Option<serde_json::Value>,
    }
    let peek: Result<Peek, _> = if is_toml(name, text) {
        parse::from_toml(name, text)
    } else {
        parse::from_json(name, text)
    };
    peek.is_ok_and(|p| p.visits.is_some_and(|v| v.is_array()))
}

fn is_toml(name: &str, text: &str) -> bool {
    name.ends_with(".toml")
        || (!name.ends_with(".json") && !parse::strip_bom(text).trim_start().starts_with('{'))
}

/// `santei copay` on the month form: the month visit by visit and its settlement.
pub fn copay_month(
    tables: &rules::copay::CopayTables,
    name: &str,
    text: &str,
) -> Result<calc::copay::month::MonthOutput, ApiError> {
    let r: Result<calc::copay::month::Month, _> = if is_toml(name, text) {
        parse::from_toml(name, text)
    } else {
        parse::from_json(name, text)
    };
    let month = r.map_err(|e| ApiError::input(e.to_string()))?;
    within_coverage(
        rules::addons::AddonRules::embedded_coverage(),
        "month",
        month.month,
    )
    .map_err(|e| ApiError::input(format!("{name}: {}", e.message)))?;
    calc::copay::month::compute_month(tables, &month)
        .map_err(|e| ApiError::input(format!("{name}: {e}")))
}

/// A receipt read from JSON, or TOML (by the name, or text that is not a JSON object).
pub fn receipt(name: &str, text: &str) -> Result<calc::copay::Receipt, ApiError> {
    let toml = name.ends_with(".toml")
        || (!name.ends_with(".json") && !parse::strip_bom(text).trim_start().starts_with('{'));
    let r = if toml {
        parse::from_toml(name, text)
    } else {
        parse::from_json(name, text)
    };
    r.map_err(|e| ApiError::input(e.to_string()))
}

/// `santei uke audit`: a UKE file's bytes (CP932 as published) → the JSON lines of the audit
/// (one per receipt, one per read error outside a receipt, the summary last). `options` is the
/// JSON of [`audit::options_from_json`] (the facility and マイナ保険証 use the UKE does not
/// carry), or `None`. `name` is the file name the read errors quote.
pub fn uke_audit(
    engine: &Engine,
    name: &str,
    bytes: &[u8],
    options: Option<&str>,
) -> Result<String, ApiError> {
    uke_audit_in(engine, name, bytes, options, Lang::En)
}

/// [`uke_audit`] with its texts (findings' `message`, reasons, the summary's `labels`) in a
/// language; keys, ids, arguments and numbers are the same in both.
pub fn uke_audit_in(
    engine: &Engine,
    name: &str,
    bytes: &[u8],
    options: Option<&str>,
    lang: Lang,
) -> Result<String, ApiError> {
    let mut opts = match options {
        Some(t) => audit::options_from_json(t)?,
        None => audit::AuditOptions::default(),
    };
    opts.lang = lang;
    Ok(audit::audit_bytes(
        engine,
        name,
        bytes,
        uke::Encoding::Cp932,
        &opts,
    ))
}

/// The most results [`search`] returns.
pub const SEARCH_MAX: usize = 200;

/// One schedule entry found by [`search`].
#[derive(Serialize)]
struct Found {
    code: String,
    name: String,
    #[serde(serialize_with = "calc::output::dec")]
    points: rust_decimal::Decimal,
    point_kind: &'static str,
    verified: bool,
}

/// Search the schedule in force on `date` by code or name (the browser's item picker).
///
/// `query` is split on white space and every word must match: a word of digits matches a
/// code that starts with it; any word matches a name (省略漢字名称 or 省略カナ名称) that
/// contains it. Matching ignores the width of letters, digits and katakana (ＤＸ = DX,
/// ｼｮｼﾝ = ショシン), hiragana matches katakana, and Latin letters match in either case.
/// Results: a JSON array of `{code, name, points, point_kind, verified}` ranked by match
/// quality — the exact code, the exact name, names starting with the query, then names
/// containing its words — and among equals common items first (the embedded pack's codes),
/// then shorter names, then codes in order; at most `limit` (capped at [`SEARCH_MAX`]); an
/// empty query gives `[]`.
pub fn search(engine: &Engine, query: &str, date: &str, limit: usize) -> Result<String, ApiError> {
    let date = calc::claim::parse_date(date).map_err(|e| ApiError::input(format!("date: {e}")))?;
    let words: Vec<String> = query.split_whitespace().map(fold).collect();
    let limit = limit.clamp(1, SEARCH_MAX);
    let mut found: Vec<((u8, bool, usize, u32), Found)> = Vec::new();
    if words.is_empty() {
        return render(&Vec::<Found>::new());
    }
    let whole = words.join(" ");
    let by_code = words.iter().all(|w| w.bytes().all(|b| b.is_ascii_digit()));
    let common = common_codes();
    let schedule = &engine.data().schedule;
    for code in schedule.codes() {
        let Ok(e) = schedule.lookup(code, date) else {
            continue;
        };
        let r = e.record();
        let text = code.to_string();
        let name = fold(&r.name);
        let kana = fold(&r.kana_name);
        let hit = words.iter().all(|w| {
            (w.bytes().all(|b| b.is_ascii_digit()) && text.starts_with(w.as_str()))
                || name.contains(w.as_str())
                || kana.contains(w.as_str())
        });
        if hit {
            // Match quality: the exact code, the exact name, a name that starts with the
            // query, then names that contain the words.
            let quality = if words.len() == 1 && words[0] == text {
                0
            } else if name == whole || kana == whole {
                1
            } else if name.starts_with(words[0].as_str()) || kana.starts_with(words[0].as_str()) {
                2
            } else {
                3
            };
            // A code search lists codes in order; a name search puts common items and shorter
            // (more basic) names first.
            let rank = if by_code {
                (quality, false, 0, code.0)
            } else {
                (
                    quality,
                    !common.contains(&code.0),
                    r.name.chars().count(),
                    code.0,
                )
            };
            found.push((
                rank,
                Found {
                    code: text,
                    name: r.name.clone(),
                    points: r.points,
                    point_kind: r.point_kind.as_str(),
                    verified: e.version.verified,
                },
            ));
        }
    }
    support::sort::sort_by_key(&mut found, |(rank, _)| *rank);
    found.truncate(limit);
    render(&found.into_iter().map(|(_, f)| f).collect::<Vec<_>>())
}

/// The codes of common outpatient items (the embedded pack's list, `masters/data/pack-codes.txt`):
/// [`search`] puts them first among equally good matches.
fn common_codes() -> &'static std::collections::HashSet<u32> {
    static COMMON: std::sync::OnceLock<std::collections::HashSet<u32>> = std::sync::OnceLock::new();
    COMMON.get_or_init(|| masters::pack::PACK_CODES.iter().copied().collect())
}

/// Fold a text for matching: full-width ASCII to ASCII, Latin letters to lower case, half-width
/// katakana to full width (with their voiced marks), hiragana to katakana; also the other
/// capitals the schedule's names use to lower case (Greek, Roman numerals, [`lower`]).
fn fold(s: &str) -> String {
    const HALF: &str = "｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
    const FULL: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            '\u{FF61}'..='\u{FF9D}' => {
                let full = HALF
                    .chars()
                    .position(|h| h == c)
                    .and_then(|i| FULL.chars().nth(i))
                    .unwrap_or(c);
                // ﾞ (voiced) and ﾟ (semi-voiced) combine with the kana before them.
                match chars.peek() {
                    Some('\u{FF9E}')
                        if "カキクケコサシスセソタチツテトハヒフヘホ".contains(full) =>
                    {
                        chars.next();
                        char::from_u32(full as u32 + 1).unwrap_or(full)
                    }
                    Some('\u{FF9E}') if full == 'ウ' => {
                        chars.next();
                        'ヴ'
                    }
                    Some('\u{FF9F}') if "ハヒフヘホ".contains(full) => {
                        chars.next();
                        char::from_u32(full as u32 + 2).unwrap_or(full)
                    }
                    _ => full,
                }
            }
            _ => c,
        };
        out.push(lower(c));
    }
    out
}

/// A capital to its small letter, by hand (not `char::to_lowercase`: its Unicode table would
/// grow the page's WebAssembly module, and a name search needs only these): ASCII, Greek
/// (Α–Ω), Cyrillic (А–Я, Ѐ–Џ), Roman numerals (Ⅰ–Ⅿ) and circled
/// letters (Ⓐ–Ⓩ). Full-width Latin is made ASCII by [`fold`] before this.
fn lower(c: char) -> char {
    let shift = match c {
        'A'..='Z' => 0x20,
        '\u{0391}'..='\u{03A1}' | '\u{03A3}'..='\u{03A9}' => 0x20,
        '\u{0410}'..='\u{042F}' => 0x20,
        '\u{0400}'..='\u{040F}' => 0x50,
        '\u{2160}'..='\u{216F}' => 0x10,
        '\u{24B6}'..='\u{24CF}' => 26,
        _ => 0,
    };
    char::from_u32(c as u32 + shift).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    /// `santei copay --lang ja`: the same JSON (keys, ids, numbers) with the texts in Japanese;
    /// `en` is byte for byte what `copay_with` gives.
    #[test]
    fn copay_in_japanese() {
        let tables = rules::copay::CopayTables::embedded().expect("tables");
        let receipt = include_str!("../../examples/receipt.json");
        // The month form: goldens/copay/month-jihi.toml's input with 健保 (1,234点: 医療費
        // 12,340円 = 点数 × 10, copayment.md §2).
        let month = r#"{"month": "2025-05", "patient": {"birth_date": "1980-01-01", "insurance": "kenpo", "income_category": "ウ"},
            "visits": [{"date": "2025-05-02", "points": 1234}]}"#;
        for (name, text) in [("receipt.json", receipt), ("month.json", month)] {
            let en = copay_with_in(&tables, name, text, Lang::En).expect("en");
            assert_eq!(en, copay_with(&tables, name, text).expect("en"));
            let ja = copay_with_in(&tables, name, text, Lang::Ja).expect("ja");
            assert_ne!(en, ja, "{name}: the texts are translated");
            let (e, j): (serde_json::Value, serde_json::Value) = (
                serde_json::from_str(&en).unwrap(),
                serde_json::from_str(&ja).unwrap(),
            );
            // Same shape and numbers: every non-text leaf is equal.
            fn leaves(v: &serde_json::Value, p: String, out: &mut Vec<(String, String)>) {
                match v {
                    serde_json::Value::Object(m) => {
                        for (k, x) in m {
                            leaves(x, format!("{p}.{k}"), out);
                        }
                    }
                    serde_json::Value::Array(a) => {
                        for (i, x) in a.iter().enumerate() {
                            leaves(x, format!("{p}[{i}]"), out);
                        }
                    }
                    serde_json::Value::String(_) => out.push((p, "text".into())),
                    x => out.push((p, x.to_string())),
                }
            }
            let (mut le, mut lj) = (Vec::new(), Vec::new());
            leaves(&e, String::new(), &mut le);
            leaves(&j, String::new(), &mut lj);
            assert_eq!(le, lj, "{name}");
        }
        let ja = copay_with_in(&tables, "month.json", month, Lang::Ja).expect("ja");
        let v: serde_json::Value = serde_json::from_str(&ja).unwrap();
        assert_eq!(v["visits"][0]["medical_cost"], 12340);
        assert!(!v["visits"][0]["detail"].as_array().unwrap().is_empty());
        // An error in Japanese too.
        let e = copay_with_in(&tables, "r.json", r#"{"month": "2025-05"}"#, Lang::Ja).unwrap_err();
        assert_eq!(e.kind, "input");
    }

    #[test]
    fn long_quoted_lines_are_cut() {
        let long = "x".repeat(10_000);
        let m = super::shorten_lines(&format!("error: bad\n1 | {long}\n  | ^"));
        assert!(m.len() < 400, "{}", m.len());
        assert!(
            m.starts_with("error: bad\n1 | xxx") && m.ends_with("…\n  | ^"),
            "{m}"
        );
        assert_eq!(super::shorten_lines("short\nlines"), "short\nlines");
    }

    use super::*;
    use serde_json::Value;

    fn engine() -> Engine {
        Engine::embedded().expect("embedded data")
    }

    fn results(engine: &Engine, q: &str, date: &str) -> Vec<Value> {
        let text = search(engine, q, date, 50).expect("search");
        serde_json::from_str::<Value>(&text)
            .expect("json")
            .as_array()
            .cloned()
            .expect("array")
    }

    #[test]
    fn fold_widths_and_kana() {
        assert_eq!(fold("医療ＤＸ推進"), "医療dx推進");
        assert_eq!(fold("ｼｮｼﾝﾘｮｳ"), "ショシンリョウ");
        assert_eq!(fold("ｶﾞｲﾗｲ ﾊﾟ"), "ガイライ パ");
        assert_eq!(fold("しょしん"), "ショシン");
        // The capitals `lower` folds, each against the small letter Unicode pairs with it
        // (UnicodeData.txt's simple lowercase mapping): Β→β (0392→03B2), Ω→ω (03A9→03C9),
        // Д→д (0414→0434), Ё→ё (0401→0451), Ⅱ→ⅱ (2161→2171), Ⓐ→ⓐ (24B6→24D0).
        assert_eq!(fold("Β2ＭＧ"), "β2mg");
        assert_eq!(fold("ΩДЁⅡⒶ"), "ωдёⅱⓐ");
        // Others are kept (final sigma's place U+03A2 is unassigned; small letters stay).
        assert_eq!(fold("ωⅱ\u{03A2}é"), "ωⅱ\u{03A2}é");
        // Every capital of those blocks as `char::to_lowercase` maps it.
        for c in '\u{0}'..='\u{3000}' {
            let want: Vec<char> = c.to_lowercase().collect();
            if want.len() == 1
                && (c.is_ascii()
                    || ('\u{0391}'..='\u{03A9}').contains(&c)
                    || ('\u{0400}'..='\u{042F}').contains(&c)
                    || ('\u{2160}'..='\u{216F}').contains(&c)
                    || ('\u{24B6}'..='\u{24CF}').contains(&c))
            {
                assert_eq!(lower(c), want[0], "{c:?}");
            }
        }
    }

    #[test]
    fn search_by_code_and_name() {
        let e = engine();
        let r = results(&e, "111000110", "2025-04-10");
        assert_eq!(r[0]["code"], "111000110");
        assert_eq!(r[0]["name"], "初診料");
        assert_eq!(r[0]["points"].to_string(), "291");
        assert_eq!(r[0]["point_kind"], "points");
        // The same code on a date before the 2024 revision has its old points.
        let r = results(&e, "111000110", "2024-05-31");
        assert_eq!(r[0]["points"].to_string(), "288");
        // Name words, in any width; all words must match.
        let r = results(&e, "医療dx 初診", "2025-04-10");
        assert!(!r.is_empty());
        assert!(r.iter().all(|x| {
            let n = x["name"].as_str().unwrap_or_default();
            n.contains("ＤＸ") && n.contains("初診")
        }));
        // Kana, in hiragana.
        let r = results(&e, "しょしんりょう", "2025-04-10");
        assert!(r.iter().any(|x| x["code"] == "111000110"));
        // A code prefix lists codes in order.
        let r = results(&e, "1117036", "2025-04-10");
        let codes: Vec<&str> = r.iter().filter_map(|x| x["code"].as_str()).collect();
        assert!(!codes.is_empty() && codes.iter().all(|c| c.starts_with("1117036")));
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
    }

    /// 再診料 (112007410, masters/data/pack-codes.txt "A001 再診料") comes before the additions
    /// whose names merely contain 再診 (乳幼児加算（再診） …): the name starts with the query.
    #[test]
    fn search_ranks_by_match_quality() {
        let e = engine();
        let r = results(&e, "再診", "2025-04-10");
        assert_eq!(r[0]["code"], "112007410", "{r:?}");
        assert_eq!(r[0]["name"], "再診料");
        // The exact name first.
        let r = results(&e, "初診料", "2025-04-10");
        assert_eq!(r[0]["code"], "111000110");
        // Every name starting with the query comes before those that only contain it.
        let r = results(&e, "再診", "2025-04-10");
        let starts: Vec<bool> = r
            .iter()
            .map(|x| x["name"].as_str().unwrap_or_default().starts_with("再診"))
            .collect();
        assert!(starts.windows(2).all(|w| w[0] || !w[1]), "{r:?}");
    }

    #[test]
    fn search_only_what_is_in_force_and_bad_input() {
        let e = engine();
        // 医療DX推進体制整備加算 started on 2024-06-01.
        assert!(results(&e, "医療ＤＸ推進体制整備加算", "2024-05-31").is_empty());
        assert!(!results(&e, "医療ＤＸ推進体制整備加算", "2024-06-01").is_empty());
        assert!(results(&e, "   ", "2025-04-10").is_empty());
        assert!(results(&e, "no such item at all", "2025-04-10").is_empty());
        let err = search(&e, "初診", "2025-13-01", 10).unwrap_err();
        assert_eq!(err.kind, "input");
        assert!(err.message.starts_with("date:"));
        // The limit is honoured.
        let text = search(&e, "1", "2025-04-10", 3).expect("search");
        let v: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v.as_array().map(|a| a.len()), Some(3));
    }
}
