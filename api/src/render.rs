//! The JSON of santei's results, written with the fast writer of [`crate::json`]: the bytes
//! `serde_json` writes for the same value (compact, or pretty with two-space indentation).
//!
//! Invariant: for any result, `write_calc` equals `serde_json::to_string(_pretty)` of the
//! [`CalcOutput`] (its serde form), and likewise for the co-payment (tested over the golden
//! corpus and property tests).

use crate::json::{escape_into, into_string, key, key_q, Json};
use calc::catalog::Lang;
use calc::copay::CopayOutput;
use calc::text::{put_code, Text, Texts};
use calc::CalcOutput;

/// Append a text as escaped JSON string contents (without the quotes): written straight into
/// the buffer by [`Texts::write_bytes`], the template's pieces as they are (they need no
/// escaping: checked when the program is compiled), only the string arguments escaped.
#[inline]
pub fn write_text(out: &mut Vec<u8>, pool: &Texts, t: Text) {
    pool.write_bytes(out, t, escape_into);
}

/// Append a text in a language as escaped JSON string contents (English: [`write_text`]).
#[inline]
pub fn write_text_in(out: &mut Vec<u8>, pool: &Texts, t: Text, lang: Lang) {
    match lang {
        Lang::En => write_text(out, pool, t),
        Lang::Ja => escape_into(out, &pool.string_in(t, lang)),
    }
}

/// The catalog id of a message text as a JSON value (`null` when the text is no catalogued
/// message).
fn message_id(j: &mut Json<'_>, pool: &Texts, t: Text) {
    match cached_message_id(pool, t) {
        Some((id, true)) => j.str_plain(id),
        Some((id, false)) => j.str(id),
        None => j.null(),
    }
}

/// [`Texts::message_id`], remembered per template. A template's id depends on its pieces only
/// (they are `'static`, cut when the program was compiled, so their address names them) —
/// except for a text that is one string argument, whose id depends on the string: that one is
/// looked up every time. The catalog lookup hashes the whole template, and a result asks for
/// the id of every warning, error and trace decision, so a batch asks for the same few hundred
/// templates millions of times.
///
/// With the id, whether it needs no JSON escaping (found once per template, when it is looked
/// up: the ids are identifiers such as `lines.points_times`).
fn cached_message_id(pool: &Texts, t: Text) -> Option<(&'static str, bool)> {
    use std::cell::Cell;
    /// (address, length, id and whether it is plain) of a template's pieces; address 0: empty.
    type Slot = (usize, usize, Option<(&'static str, bool)>);
    const SLOTS: usize = 512;
    thread_local! {
        static IDS: [Cell<Slot>; SLOTS] = const { [const { Cell::new((0, 0, None)) }; SLOTS] };
    }
    let with_plain = |id: &'static str| (id, crate::json::is_plain(id.as_bytes()));
    let pieces = t.pieces();
    if pieces.len() == 2 && pool.as_str(t).is_some() {
        return pool.message_id(t).map(with_plain);
    }
    let (addr, len) = (pieces.as_ptr() as usize, pieces.len());
    // A direct-mapped table: slices of pointers are 8-aligned, templates lie apart.
    let slot = (addr >> 3 ^ addr >> 12) % SLOTS;
    IDS.with(|ids| {
        let cell = &ids[slot];
        let (a, l, id) = cell.get();
        if a == addr && l == len && addr != 0 {
            return id;
        }
        let id = calc::catalog::catalog()
            .by_pieces(pieces)
            .map(|e| with_plain(e.id));
        cell.set((addr, len, id));
        id
    })
}

/// A claim's result as JSON, appended to `out` (English texts).
pub fn write_calc(out: &mut Vec<u8>, o: &CalcOutput, pretty: bool) {
    write_calc_in(out, o, pretty, Lang::En)
}

/// A claim's result as JSON in a language, appended to `out`: the texts (names, warnings,
/// errors, trace) in that language; beside the warnings and errors their catalog ids
/// (`warning_ids`, `error_ids`), and each trace entry's `message_id` (of its decision).
pub fn write_calc_in(out: &mut Vec<u8>, o: &CalcOutput, pretty: bool, lang: Lang) {
    let t = &o.texts;
    let mut j = Json::new(out, pretty);
    j.begin_object();
    j.key_sep(key!("total_points"));
    j.dec(o.total_points);
    j.key_sep(key!("lines"));
    j.begin_array();
    for l in &o.lines {
        j.element();
        j.begin_object();
        j.key_sep(key!("code"));
        match l.code {
            Some(c) => j.str_with(|o| put_code(o, c)),
            None => j.null(),
        }
        j.key_str_with(key_q!("name"), |o| write_text_in(o, t, l.name, lang));
        j.key_sep(key!("points"));
        j.dec(l.points);
        j.key_sep(key!("count"));
        j.int(l.count);
        j.key_sep(key!("subtotal"));
        j.dec(l.subtotal);
        j.key_sep(key!("origin"));
        j.str(l.origin);
        j.key_str_with(key_q!("rule"), |o| write_text_in(o, t, l.rule, lang));
        j.key_sep(key!("verified"));
        j.bool(l.verified);
        j.key_str_with(key_q!("source"), |o| write_text_in(o, t, l.source, lang));
        j.key_sep(key!("section"));
        match l.section {
            Some(s) => j.str(&s.as_str()),
            None => j.null(),
        }
        if let Some(g) = l.group {
            j.key_sep(key!("group"));
            j.int(g.into());
        }
        if let Some(p) = l.price.and_then(|i| o.prices.get(i as usize)) {
            j.key_sep(key!("price"));
            price_into(&mut j, t, p, lang);
        }
        j.end_object();
    }
    j.end_array();
    for (key, ids, list) in [
        (key!("warnings"), key!("warning_ids"), &o.warnings),
        (key!("errors"), key!("error_ids"), &o.errors),
    ] {
        j.key_sep(key);
        j.begin_array();
        for &w in list {
            j.element();
            j.str_with(|o| write_text_in(o, t, w, lang));
        }
        j.end_array();
        j.key_sep(ids);
        j.begin_array();
        for &w in list {
            j.element();
            message_id(&mut j, t, w);
        }
        j.end_array();
    }
    j.key_sep(key!("trace"));
    j.begin_array();
    for e in &o.trace {
        j.element();
        j.begin_object();
        // Written out key by key (not a loop over the keys): a constant key is one fixed-size
        // copy; the trace is most of a result.
        j.key_str_with(key_q!("rule"), |o| write_text_in(o, t, e.rule, lang));
        j.key_str_with(key_q!("looked_at"), |o| {
            write_text_in(o, t, e.looked_at, lang)
        });
        j.key_str_with(key_q!("source"), |o| write_text_in(o, t, e.source, lang));
        j.key_str_with(key_q!("decision"), |o| {
            write_text_in(o, t, e.decision, lang)
        });
        j.key_sep(key!("message_id"));
        message_id(&mut j, t, e.decision);
        j.end_object();
    }
    j.end_array();
    match &o.copay {
        Some(calc::copay::month::CopayBlock::Visit(c)) => {
            j.key_sep(key!("copay"));
            copay_into(&mut j, c, lang);
        }
        // The month form (`copay_month`): written by its `Serialize` (as `santei copay` writes
        // a month).
        Some(calc::copay::month::CopayBlock::Month(m)) => {
            j.key_sep(key!("copay"));
            j.serialized(m);
        }
        None => {}
    }
    j.end_object();
}

/// How a drug or material line was priced (`price` of a line).
fn price_into(j: &mut Json<'_>, t: &Texts, p: &calc::output::Price, lang: Lang) {
    j.begin_object();
    j.key_sep(key!("kind"));
    j.str(p.kind.as_str());
    j.key_sep(key!("yen"));
    j.dec(p.yen);
    j.key_sep(key!("points"));
    j.dec(p.points);
    j.key_str_with(key_q!("how"), |o| write_text_in(o, t, p.how, lang));
    j.key_sep(key!("parts"));
    j.begin_array();
    for x in &p.parts {
        j.element();
        j.begin_object();
        j.key_str_with(key_q!("code"), |o| put_code(o, x.code));
        j.key_str_with(key_q!("name"), |o| write_text_in(o, t, x.name, lang));
        j.key_sep(key!("quantity"));
        j.dec(x.quantity);
        j.key_str_with(key_q!("unit"), |o| write_text_in(o, t, x.unit, lang));
        j.key_sep(key!("price"));
        j.dec(x.price);
        j.key_sep(key!("yen"));
        j.dec(x.yen);
        j.key_str_with(key_q!("source"), |o| write_text_in(o, t, x.source, lang));
        j.end_object();
    }
    j.end_array();
    j.end_object();
}

/// A claim's result as a JSON string.
pub fn calc_json(o: &CalcOutput, pretty: bool) -> String {
    calc_json_in(o, pretty, Lang::En)
}

/// A claim's result as a JSON string in a language.
pub fn calc_json_in(o: &CalcOutput, pretty: bool, lang: Lang) -> String {
    let mut out = Vec::with_capacity(8192);
    write_calc_in(&mut out, o, pretty, lang);
    into_string(out)
}

/// A co-payment's JSON, appended to `out`.
pub fn write_copay(out: &mut Vec<u8>, c: &CopayOutput, pretty: bool) {
    copay_into(&mut Json::new(out, pretty), c, Lang::En);
}

/// A co-payment as JSON into a writer (the value of a key or an array element).
fn copay_into(j: &mut Json<'_>, c: &CopayOutput, lang: Lang) {
    let t = &c.texts;
    j.begin_object();
    j.key_sep(key!("medical_cost"));
    j.int(c.medical_cost);
    j.key_sep(key!("rate"));
    j.str(&c.rate.to_string());
    j.key_sep(key!("limit"));
    match c.limit {
        Some(l) => j.int(l),
        None => j.null(),
    }
    j.key_sep(key!("patient_pays"));
    j.int(c.patient_pays);
    j.key_sep(key!("insurer_pays"));
    j.int(c.insurer_pays);
    j.key_sep(key!("public_pays"));
    j.begin_array();
    for p in &c.public_pays {
        j.element();
        j.begin_object();
        j.key_sep(key!("law"));
        j.str(&p.law);
        j.key_sep(key!("amount"));
        j.int(p.amount);
        j.end_object();
    }
    j.end_array();
    j.key_sep(key!("meal_charge"));
    j.int(c.meal_charge);
    j.key_sep(key!("rounding_difference"));
    j.int(c.rounding_difference);
    j.key_sep(key!("trace"));
    j.begin_array();
    for e in &c.trace {
        j.element();
        j.begin_object();
        j.key_str_with(key_q!("step"), |o| write_text_in(o, t, e.rule, lang));
        for (key, text) in [
            (key!("input"), Some(e.looked_at)),
            (key!("rule"), e.wording),
            (key!("source"), Some(e.source)),
            (key!("result"), Some(e.decision)),
        ] {
            j.key_sep(key);
            j.str_with(|o| {
                if let Some(text) = text {
                    write_text_in(o, t, text, lang)
                }
            });
        }
        j.key_sep(key!("message_id"));
        message_id(j, t, e.decision);
        j.end_object();
    }
    j.end_array();
    j.end_object();
}

/// The `trace` of one visit of the month form (`santei copay` on `visits` as a list) in a
/// language: the same keys as in English (`step`, `input`, `rule`, `source`, `result`).
pub fn copay_trace_value_in(c: &CopayOutput, lang: Lang) -> serde_json::Value {
    let t = &c.texts;
    let s = |x: Text| t.string_in(x, lang);
    serde_json::Value::Array(
        c.trace
            .iter()
            .map(|e| {
                let mut m = serde_json::Map::new();
                m.insert("step".into(), s(e.rule).into());
                m.insert("input".into(), s(e.looked_at).into());
                m.insert("rule".into(), e.wording.map(s).unwrap_or_default().into());
                m.insert("source".into(), s(e.source).into());
                m.insert("result".into(), s(e.decision).into());
                serde_json::Value::Object(m)
            })
            .collect(),
    )
}

/// A co-payment as a JSON string.
pub fn copay_json(c: &CopayOutput, pretty: bool) -> String {
    copay_json_in(c, pretty, Lang::En)
}

/// A co-payment as a JSON string in a language.
pub fn copay_json_in(c: &CopayOutput, pretty: bool, lang: Lang) -> String {
    let mut out = Vec::with_capacity(2048);
    copay_into(&mut Json::new(&mut out, pretty), c, lang);
    into_string(out)
}
